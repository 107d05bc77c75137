import { TUS_RESULT_HEADERS, type UploadAccepted } from './schemas.ts';

/**
 * Client-side pieces of Trove's tus protocol shared by the desktop queue (Node) and the web bridge
 * (browser). Typed structurally, so this portable module needs neither build of tus-js-client.
 */

/** What the last tus response's headers say became of the upload (null when the server said nothing). */
export function tusResultFromHeaders(res: { getHeader(name: string): string | undefined } | undefined): UploadAccepted | null {
  const uploadId = res?.getHeader(TUS_RESULT_HEADERS.uploadId);
  if (!res || !uploadId) return null;
  return {
    upload_id: uploadId,
    job_id: res.getHeader(TUS_RESULT_HEADERS.jobId) || null,
    duplicate: res.getHeader(TUS_RESULT_HEADERS.duplicate) === 'true',
    status: (res.getHeader(TUS_RESULT_HEADERS.status) ?? 'queued') as UploadAccepted['status'],
    estimated_time: 0,
  };
}

interface ResumableUpload<P> {
  findPreviousUploads(): Promise<P[]>;
  resumeFromPreviousUpload(previous: P): void;
  start(): void;
}

/**
 * Continues the newest earlier attempt at the same file (the server keeps its bytes), else starts
 * afresh — unless the caller stopped it meanwhile: never start an upload behind its back.
 */
export function resumeOrStart<P>(upload: ResumableUpload<P>, stopped: () => boolean, onError: (err: unknown) => void): void {
  upload.findPreviousUploads().then((previous) => {
    if (stopped()) return;
    const last = previous.at(-1);
    if (last !== undefined) upload.resumeFromPreviousUpload(last);
    upload.start();
  }, onError);
}
