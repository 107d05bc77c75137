import type { CreateShareBody, CreatedShare, Share, ShareList } from '../../../../shared/api/schemas.ts';
import { ApiError } from '../../api/errors.ts';
import { getServices } from '../../services.ts';

/** What a link is made for: one file or one collection. */
export type ShareTarget = CreateShareBody['target'];

export const EXPIRY_CHOICES = [
  { seconds: 3600, label: '1 hour' },
  { seconds: 86_400, label: '1 day' },
  { seconds: 7 * 86_400, label: '7 days' },
  { seconds: 30 * 86_400, label: '30 days' },
] as const;
export const DEFAULT_EXPIRY_S = 7 * 86_400;

export const listShares = (): Promise<ShareList> => getServices().api.request<ShareList>('GET', '/shares');
export const createShare = (target: ShareTarget, expiresInS: number): Promise<CreatedShare> =>
  getServices().api.request<CreatedShare>('POST', '/shares', { body: { target, expires_in_s: expiresInS } });
export const revokeShare = (id: string): Promise<Share> => getServices().api.request<Share>('DELETE', `/shares/${encodeURIComponent(id)}`);

export const messageOf = (err: unknown, fallback: string): string => (err instanceof ApiError ? err.message : fallback);

export const formatWhen = (iso: string): string =>
  new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));
