import type { Usage } from './schemas.ts';

/** No paid model configured and none used in the period: every file is analysed on this device. */
export function isAllLocal(u: Usage): boolean {
  return u.paid_models.length === 0 && u.total.calls === 0;
}

export const ALL_LOCAL_TEXT = 'No paid AI models are configured; everything is analysed on this device.';
