/** Messages between the embed worker pool (embed-worker-pool.ts) and its threads (embed-worker.ts). */

export interface EmbedRequest {
  id: number;
  texts: string[];
  /** Numbers per vector; the worker lays its answer out in rows of this length. */
  dimensions: number;
}

export type EmbedReply =
  | { id: number; ok: true; count: number; vectors: Float32Array; ms: number }
  | { id: number; ok: false; error: string };

/** Sent once, when the model has loaded in the thread or failed to. */
export type EmbedWorkerStatus = { ready: true; loadMs: number } | { ready: false; error: string };
