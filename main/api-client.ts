/**
 * The few HTTP calls the main process makes to the Trove API (the upload queue and folder sync),
 * on the shared client core: failures are ApiErrors with stable codes, a server that does not
 * answer is NETWORK_ERROR or SERVER_UNREACHABLE.
 */
import type { TusOutcome } from '../shared/api/client/tus-upload.ts';
import { ApiError } from '../shared/api/client/api-error.ts';
import { ApiHttp } from '../shared/api/client/http.ts';
import { errorFromAnswer } from '../shared/api/client/unwrap.ts';
import type { JobStatus } from '../shared/api/schemas.ts';

export interface Endpoint {
  url: string;
  token: string | null;
}

export class ApiClient {
  private readonly http: ApiHttp;

  constructor(private readonly endpoint: () => Endpoint | null, timeoutMs = 15_000) {
    this.http = new ApiHttp({ baseUrl: () => this.connected().url, token: () => this.endpoint()?.token, timeoutMs });
  }

  private connected(): Endpoint {
    const ep = this.endpoint();
    if (!ep) throw new ApiError('NETWORK_ERROR', 'Not connected to a Trove server.');
    return ep;
  }

  async health(): Promise<boolean> {
    try {
      return (await this.http.send('GET', '/health', { auth: false })).ok;
    } catch {
      return false;
    }
  }

  /** Whether the server already has these bytes; the existing upload's id when it does. */
  async findByHash(sha256: string, signal?: AbortSignal): Promise<string | null | false> {
    const res = await this.http.send('HEAD', `/uploads/by-hash/${sha256}`, { signal });
    if (res.status === 404) return false;
    // A HEAD answer has no body: its status alone says what went wrong.
    if (!res.ok) throw errorFromAnswer({ status: res.status, body: '', header: (name) => res.headers.get(name) }, null);
    return res.headers.get('trove-upload-id');
  }

  jobStatus(jobId: string): Promise<JobStatus> {
    return this.http.call<JobStatus>('GET', `/upload/status/${jobId}`);
  }

  /** A finished upload's outcome: a file's, or (a .zip) the batch its entries are read in. */
  tusResult(tusId: string): Promise<TusOutcome> {
    return this.http.call<TusOutcome>('GET', `/tus/${tusId}/result`);
  }

  async deleteUpload(uploadId: string): Promise<void> {
    try {
      await this.http.call('DELETE', `/upload/${uploadId}`);
    } catch (err) {
      if (err instanceof ApiError && err.code === 'NOT_FOUND') return;
      throw err;
    }
  }
}
