/**
 * The job catalog: every queue's name and the payload its jobs carry. `JobQueue.enqueue` and
 * `work` take their types from here, so a payload cannot reach the wrong queue and a handler
 * cannot expect a field its queue's jobs lack (Immich's JobItem / JobOf are the model).
 */
export const JobName = {
  /** Turn a new upload into a searchable one (or analyse a waiting one again: `reanalyze`). */
  Process: 'process-upload',
  /** Embed completed uploads again after the embedding model changed. */
  Reembed: 'reembed-upload',
} as const;
export type JobName = (typeof JobName)[keyof typeof JobName];

export interface JobPayloads {
  [JobName.Process]: {
    jobId: string;
    uploadId: string;
    userId: string;
    /** Correlation id of the request that enqueued the job (X-Request-ID), for the worker's logs. */
    requestId?: string;
    /** A completed file described offline for want of budget, now analysed by the cloud model. */
    reanalyze?: boolean;
  };
  [JobName.Reembed]: {
    uploadIds: string[];
  };
}

export type JobOf<N extends JobName> = JobPayloads[N];
export type ProcessJobData = JobOf<typeof JobName.Process>;
export type ReembedJobData = JobOf<typeof JobName.Reembed>;

/** Every queue, for the queue's start-up and the depth gauge. */
export const ALL_JOBS: readonly JobName[] = Object.values(JobName);
