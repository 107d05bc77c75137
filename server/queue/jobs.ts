/**
 * The job catalog: every queue's name and the payload its jobs carry. `JobQueue.enqueue` and
 * `work` take their types from here, so a payload cannot reach the wrong queue and a handler
 * cannot expect a field its queue's jobs lack (Immich's JobItem / JobOf are the model).
 */
export const JobName = {
  /** Turn a new upload into a searchable one. */
  Process: 'process-upload',
  /** Describe again, with the cloud model, a completed file that waited for its owner's AI budget. */
  Reanalyze: 'reanalyze-upload',
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
  };
  [JobName.Reanalyze]: {
    jobId: string;
    uploadId: string;
    userId: string;
  };
  [JobName.Reembed]: {
    uploadIds: string[];
  };
}

export type JobOf<N extends JobName> = JobPayloads[N];
export type ProcessJobData = JobOf<typeof JobName.Process>;
export type ReembedJobData = JobOf<typeof JobName.Reembed>;
export type ReanalyzeJobData = JobOf<typeof JobName.Reanalyze>;

/** Every queue, for the queue's start-up and the depth gauge. */
export const ALL_JOBS: readonly JobName[] = Object.values(JobName);
