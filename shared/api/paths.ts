/**
 * Where the API lives and the headers of a finished tus upload: plain constants, apart from the
 * TypeBox schemas, so the page's bundle takes them without the schema code.
 */
export const API_PREFIX = '/api/v1';

/** Resumable uploads (tus 1.0.0); see the contract beside `TusIdParams` in schemas.ts. */
export const TUS_PATH = `${API_PREFIX}/tus`;

/** What the last PATCH of a tus upload says became of the file (the UploadAccepted fields). */
export const TUS_RESULT_HEADERS = {
  uploadId: 'Trove-Upload-Id',
  jobId: 'Trove-Job-Id',
  duplicate: 'Trove-Duplicate',
  status: 'Trove-Status',
  /** Set instead of the upload's fields when the file was a ZIP taken as an archive: GET /batches/{id}. */
  batchId: 'Trove-Batch-Id',
} as const;
