import type { CloudBadgeInfo } from '../lib/cloud.ts';
import { HourglassIcon, LockIcon } from './Icons.tsx';

/**
 * A small badge for a file's state with the cloud AI model: waiting for budget, or kept on this
 * device. Always in words (`short` ones where space is tight, the full label still in the title).
 */
export function CloudBadge({ badge, short = false }: { badge: CloudBadgeInfo; short?: boolean }) {
  const Icon = badge.kind === 'budget' ? HourglassIcon : LockIcon;
  return (
    <span className={`badge badge-cloud badge-cloud-${badge.kind}`} title={badge.label}>
      <Icon size={12} />
      {short ? badge.short : badge.label}
    </span>
  );
}
