/**
 * The few HTTP calls the main process makes to the Trove API (the upload queue and folder sync),
 * over Node's fetch. A server that cannot be reached throws `OfflineError`; an answer with an error
 * envelope throws `ApiError` carrying its stable code.
 */
import { API_PREFIX, type JobStatus, type UploadAccepted } from '../shared/api/schemas.ts';

export interface Endpoint {
  url: string;
  token: string | null;
}

export class ApiError extends Error {
  constructor(readonly code: string, message: string, readonly status: number) {
    super(message);
    this.name = 'ApiError';
  }
}

/** The server did not answer at all (not running, restarting, network down). */
export class OfflineError extends Error {
  readonly code = 'OFFLINE';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'OfflineError';
  }
}

export class ApiClient {
  constructor(private readonly endpoint: () => Endpoint | null, private readonly timeoutMs = 15_000) {}

  private async request(method: string, pathname: string): Promise<Response> {
    const ep = this.endpoint();
    if (!ep) throw new OfflineError('Not connected to a Trove server.');
    const headers: Record<string, string> = {};
    if (ep.token) headers.authorization = `Bearer ${ep.token}`;
    try {
      return await fetch(`${ep.url}${API_PREFIX}${pathname}`, { method, headers, signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (err) {
      throw new OfflineError(`The Trove server at ${ep.url} did not answer.`, { cause: err });
    }
  }

  private async json<T>(method: string, pathname: string): Promise<T> {
    const res = await this.request(method, pathname);
    const body = (await res.json().catch(() => null)) as { status?: string; data?: T; error?: { code?: string; message?: string } } | null;
    if (!res.ok || body?.status !== 'success') {
      throw new ApiError(body?.error?.code ?? `HTTP_${res.status}`, body?.error?.message ?? `The server answered ${res.status}.`, res.status);
    }
    return body.data as T;
  }

  async health(): Promise<boolean> {
    try {
      return (await this.request('GET', '/health')).ok;
    } catch {
      return false;
    }
  }

  /** Whether the server already has these bytes; the existing upload's id when it does. */
  async findByHash(sha256: string): Promise<string | null | false> {
    const res = await this.request('HEAD', `/uploads/by-hash/${sha256}`);
    if (res.status === 404) return false;
    if (!res.ok) throw new ApiError(res.status === 401 ? 'UNAUTHORIZED' : `HTTP_${res.status}`, `Checking for duplicates failed (${res.status}).`, res.status);
    return res.headers.get('trove-upload-id');
  }

  jobStatus(jobId: string): Promise<JobStatus> {
    return this.json<JobStatus>('GET', `/upload/status/${jobId}`);
  }

  tusResult(tusId: string): Promise<UploadAccepted> {
    return this.json<UploadAccepted>('GET', `/tus/${tusId}/result`);
  }

  async deleteUpload(uploadId: string): Promise<void> {
    try {
      await this.json('DELETE', `/upload/${uploadId}`);
    } catch (err) {
      if (err instanceof ApiError && err.code === 'NOT_FOUND') return;
      throw err;
    }
  }
}
