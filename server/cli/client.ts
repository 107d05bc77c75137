import { createReadStream } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { UrlStorage } from 'tus-js-client';
import { ApiError } from '../../shared/api/client/api-error.ts';
import { ApiHttp, type CallOptions } from '../../shared/api/client/http.ts';
import { unwrapAnswer } from '../../shared/api/client/unwrap.ts';
import { createTusUpload, type TusUpload } from '../../shared/api/client/tus-upload.ts';
import { TUS_PATH } from '../../shared/api/paths.ts';
import type { Batch, BatchAccepted } from '../../shared/api/archives.ts';
import type {
  Health, JobStatus, ListUploadsQuery, SearchBody, SearchResponse, UploadAccepted, UploadList, Usage, UsageQuery,
} from '../../shared/api/schemas.ts';

/** How long a call waits for a server that says it is starting before giving up with its answer. */
const STARTING_WAIT_MS = 120_000;

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** A mistake in how the CLI was called: printed as `error USAGE: …`, exit code 2. */
export class UsageError extends Error {
  readonly code = 'USAGE';
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Failures after which no other request to the same server can succeed either: the run stops. */
export const FATAL_CODES: ReadonlySet<string> = new Set(['SERVER_UNREACHABLE', 'UNAUTHORIZED', 'NO_TOKEN', 'FORBIDDEN_HOST', 'BAD_RESPONSE']);

export interface TroveClientOptions {
  /** Server origin, e.g. `http://127.0.0.1:8787` (no trailing slash, no /api/v1). */
  url: string;
  token: string | undefined;
  /** Where the token was looked for, to explain a missing one. */
  tokenHint?: string;
}

export interface FileUpload {
  /** Absolute path. */
  path: string;
  size: number;
  /** Where the upload's URL is kept to continue it in a later run, under `fingerprint`. */
  resume?: { storage: UrlStorage; fingerprint: string };
  /** Name sent to the server. */
  filename: string;
  metadata: Record<string, unknown> | null;
  onProgress?: (bytesSent: number, total: number) => void;
}

/** Bytes per PATCH of a resumable upload: what a lost connection can cost at most. */
const CHUNK_BYTES = 8 * 1024 * 1024;

/**
 * The CLI's typed client of /api/v1, on the shared client core: the envelope unwrapped, failures
 * as ApiErrors with stable codes; the CLI adds only its own wording (how to start the server,
 * where the token comes from).
 */
export class TroveClient {
  readonly url: string;
  private readonly token: string | undefined;
  private readonly tokenHint: string | undefined;
  private readonly http: ApiHttp;

  constructor(opts: TroveClientOptions) {
    this.url = opts.url.replace(/\/+$/, '');
    this.token = opts.token;
    this.tokenHint = opts.tokenHint;
    this.http = new ApiHttp({ baseUrl: () => this.url, token: () => this.token });
  }

  /** The server's health, also when it answers 503 with it (starting, or its database away). */
  async health(signal?: AbortSignal): Promise<Health> {
    try {
      const answer = await this.http.read(await this.http.send('GET', '/health', { auth: false, signal }), signal);
      const body = parseJson(answer.body) as { status?: unknown; data?: Health } | null;
      if (body?.status === 'success' && body.data) return body.data;
      return unwrapAnswer<Health>(answer);
    } catch (err) {
      throw this.explain(err);
    }
  }

  /** An uploaded archive and what became of each entry. */
  batch(batchId: string, signal?: AbortSignal): Promise<Batch> {
    return this.call<Batch>('GET', `/batches/${encodeURIComponent(batchId)}`, { signal });
  }

  jobStatus(jobId: string, signal?: AbortSignal): Promise<JobStatus> {
    return this.call<JobStatus>('GET', `/upload/status/${encodeURIComponent(jobId)}`, { signal });
  }

  listUploads(q: Partial<ListUploadsQuery> = {}, signal?: AbortSignal): Promise<UploadList> {
    return this.call<UploadList>('GET', '/uploads', { query: { ...q }, signal });
  }

  /** What paid AI models cost (GET /usage; default: this month so far). */
  usage(q: UsageQuery = {}, signal?: AbortSignal): Promise<Usage> {
    return this.call<Usage>('GET', '/usage', { query: { ...q }, signal });
  }

  search(body: Omit<SearchBody, 'limit'> & { limit?: number }, signal?: AbortSignal): Promise<SearchResponse> {
    return this.call<SearchResponse>('POST', '/search', { json: body, signal });
  }

  /**
   * One file's resumable upload (tus, read from disk chunk by chunk): each `attempt()` sends it, or
   * continues from the server's offset after a lost connection. Failures are explained as the rest.
   */
  tusUpload(file: FileUpload): TusUpload {
    this.requireToken();
    const upload = createTusUpload({
      endpoint: `${this.url}${TUS_PATH}`, input: createReadStream(file.path), size: file.size, filename: file.filename,
      metadata: file.metadata, headers: () => this.http.authHeaders(), chunkSize: CHUNK_BYTES, onProgress: file.onProgress,
      ...(file.resume ? { urlStorage: file.resume.storage, fingerprint: () => Promise.resolve(file.resume!.fingerprint) } : {}),
      fetchResult: (id) => this.call<UploadAccepted | BatchAccepted>('GET', `/tus/${id}/result`),
    });
    return {
      get url() {
        return upload.url;
      },
      attempt: () => upload.attempt().catch((err: unknown) => {
        throw this.explain(err);
      }),
      abort: (terminate) => upload.abort(terminate),
    };
  }

  private async call<T>(method: string, path: string, opts: CallOptions = {}): Promise<T> {
    if (opts.auth !== false) this.requireToken();
    for (let waitedMs = 0; ; ) {
      try {
        return await this.http.call<T>(method, path, opts);
      } catch (err) {
        // A server just started answers SERVICE_STARTING until its database is open (seconds):
        // `trove serve & trove search …` waits for it, as often as the server's Retry-After says.
        if (err instanceof ApiError && err.code === 'SERVICE_STARTING' && waitedMs < STARTING_WAIT_MS) {
          const delay = err.retryAfterMs ?? 1000;
          await sleep(delay, undefined, opts.signal ? { signal: opts.signal } : {}).catch(() => {
            throw new ApiError('ABORTED', 'Stopped while Trove was starting.');
          });
          waitedMs += delay;
          continue;
        }
        throw this.explain(err);
      }
    }
  }

  private requireToken(): void {
    if (this.token) return;
    throw new ApiError('NO_TOKEN',
      `No access token found for ${this.url}: pass --token, set TROVE_TOKEN${this.tokenHint ? `, or make sure ${this.tokenHint} exists (the server creates it on first start)` : ''}.`);
  }

  /** The core's error, worded for a terminal: what to run, what may be on the port. */
  private explain(err: unknown): unknown {
    if (!(err instanceof ApiError)) return err;
    const cause = (err.cause as { cause?: { message?: unknown } } | undefined)?.cause;
    if (cause?.message === 'bad port') {
      return new UsageError(`${this.url} uses a port that Node's fetch refuses to connect to; run Trove on another port.`);
    }
    if (err.code === 'SERVER_UNREACHABLE') {
      return new ApiError(err.code, `Trove is not running at ${this.url} — start it with \`npx trove serve\`.`, 0, undefined, { cause: err });
    }
    if (err.code === 'BAD_RESPONSE' && err.status !== 0) {
      return new ApiError(err.code, `${this.url} answered HTTP ${err.status} without a Trove response — is something else running on that port?`, err.status, undefined, { cause: err });
    }
    return err;
  }
}
