import type { ProcessingStatus } from '../../../../shared/file-types.ts';

/** A processing status in the library's words. */
export const STATUS_LABELS: Record<ProcessingStatus, string> = {
  pending: 'Waiting', processing: 'Processing', completed: 'Ready', failed: 'Failed',
};
