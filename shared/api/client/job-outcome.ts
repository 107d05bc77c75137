import type { JobStatus, UploadAccepted, UploadEvent } from '../schemas.ts';

export interface ProcessingError {
  code: string;
  message: string;
}

/**
 * Where an accepted file stands, as every client shows it: still being processed (with progress),
 * or settled — searchable, failed with the server's code, or cancelled because the upload was
 * deleted meanwhile.
 */
export type JobOutcome =
  | { settled: false; progress: number; stage: string | null }
  | { settled: true; state: 'completed'; error: null }
  | { settled: true; state: 'failed' | 'cancelled'; error: ProcessingError };

const FAILED: ProcessingError = { code: 'PROCESSING_FAILED', message: 'Processing failed.' };
const CANCELLED: ProcessingError = { code: 'CANCELLED', message: 'Processing was cancelled: the upload was deleted meanwhile.' };

/** From `GET /upload/status/{job_id}`. */
export function outcomeOfJob(job: Pick<JobStatus, 'status' | 'progress' | 'stage' | 'error'>): JobOutcome {
  switch (job.status) {
    case 'completed': return { settled: true, state: 'completed', error: null };
    case 'failed': return { settled: true, state: 'failed', error: job.error ?? FAILED };
    case 'cancelled': return { settled: true, state: 'cancelled', error: job.error ?? CANCELLED };
    case 'queued':
    case 'processing': return { settled: false, progress: job.progress, stage: job.stage };
  }
}

/** From a live event of `GET /events` (a deleted upload's event settles it as cancelled). */
export function outcomeOfEvent(ev: Pick<UploadEvent, 'status' | 'progress' | 'stage' | 'error' | 'deleted'>): JobOutcome {
  if (ev.deleted) return { settled: true, state: 'cancelled', error: CANCELLED };
  switch (ev.status) {
    case 'completed': return { settled: true, state: 'completed', error: null };
    case 'failed': return { settled: true, state: 'failed', error: ev.error ?? FAILED };
    case 'pending':
    case 'processing': return { settled: false, progress: ev.progress, stage: ev.stage };
  }
}

/**
 * What an upload's answer means for the file: a duplicate (the server already had the bytes) is
 * settled at once; a new file is followed through processing when the server gave a job to follow.
 */
export function acceptedOutcome(a: UploadAccepted): 'duplicate' | 'follow' | 'done' {
  if (a.duplicate) return 'duplicate';
  const unfinished = a.status === 'queued' || a.status === 'pending' || a.status === 'processing';
  return unfinished && a.job_id ? 'follow' : 'done';
}
