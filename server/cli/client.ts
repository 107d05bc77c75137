import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { ApiEnvelope } from '../../shared/api/envelope.ts';
import {
  API_PREFIX, type Health, type JobStatus, type ListUploadsQuery, type SearchBody, type SearchResponse,
  type UploadAccepted, type UploadEvent, type UploadList, type Usage, type UsageQuery,
} from '../../shared/api/schemas.ts';

/**
 * An error the CLI expects and explains: printed as `error CODE: message`, never with a stack.
 * `code` is the API's error code when the server sent one, else one of the CLI's own
 * (SERVER_UNREACHABLE, BAD_RESPONSE, NO_TOKEN, LOCAL_FILE, USAGE, …).
 */
export class CliError extends Error {
  readonly code: string;
  readonly details: unknown;
  /** HTTP status when the error came from the server. */
  readonly httpStatus: number | undefined;
  constructor(code: string, message: string, opts: { details?: unknown; httpStatus?: number; cause?: unknown } = {}) {
    super(message, { cause: opts.cause });
    this.name = 'CliError';
    this.code = code;
    this.details = opts.details;
    this.httpStatus = opts.httpStatus;
  }
}

/** Errors after which no other request to the same server can succeed either. */
export const FATAL_CODES: ReadonlySet<string> = new Set(['SERVER_UNREACHABLE', 'UNAUTHORIZED', 'NO_TOKEN', 'FORBIDDEN_HOST', 'BAD_RESPONSE']);

export interface TroveClientOptions {
  /** Server origin, e.g. `http://127.0.0.1:8787` (no trailing slash, no /api/v1). */
  url: string;
  token: string | undefined;
  /** Where the token was looked for, to explain a missing one. */
  tokenHint?: string;
}

export interface UploadOptions {
  onProgress?: (bytesSent: number, total: number) => void;
  signal?: AbortSignal;
  /** Name sent to the server; defaults to the file's base name. */
  filename?: string;
  metadata?: Record<string, unknown>;
}

interface RequestOptions {
  method?: string;
  query?: Record<string, string | number | undefined>;
  json?: unknown;
  body?: RequestInit['body'];
  headers?: Record<string, string>;
  signal?: AbortSignal;
  auth?: boolean;
}

/** Bytes read from disk per chunk of an upload body; also the granularity of upload progress. */
const CHUNK = 256 * 1024;

/** A typed client for the Trove HTTP API (/api/v1): unwraps the envelope, throws CliError. */
export class TroveClient {
  readonly url: string;
  private readonly token: string | undefined;
  private readonly tokenHint: string | undefined;

  constructor(opts: TroveClientOptions) {
    this.url = opts.url.replace(/\/+$/, '');
    this.token = opts.token;
    this.tokenHint = opts.tokenHint;
  }

  health(signal?: AbortSignal): Promise<Health> {
    return this.request<Health>('/health', { auth: false, signal });
  }

  jobStatus(jobId: string, signal?: AbortSignal): Promise<JobStatus> {
    return this.request<JobStatus>(`/upload/status/${encodeURIComponent(jobId)}`, { signal });
  }

  listUploads(q: Partial<ListUploadsQuery> = {}, signal?: AbortSignal): Promise<UploadList> {
    return this.request<UploadList>('/uploads', { query: { ...q }, signal });
  }

  /** What paid AI models cost (GET /usage; default: this month so far). */
  usage(q: UsageQuery = {}, signal?: AbortSignal): Promise<Usage> {
    return this.request<Usage>('/usage', { query: { ...q }, signal });
  }

  search(body: Omit<SearchBody, 'limit'> & { limit?: number }, signal?: AbortSignal): Promise<SearchResponse> {
    return this.request<SearchResponse>('/search', { method: 'POST', json: body, signal });
  }

  /**
   * Uploads one file as multipart/form-data. The body is assembled by hand and streamed from disk
   * chunk by chunk (never the whole file in memory); `onProgress` reports bytes as fetch takes
   * them from the stream, so it follows the socket rather than the disk.
   */
  async upload(file: string, opts: UploadOptions = {}): Promise<UploadAccepted> {
    this.requireToken();
    let handle: fs.FileHandle;
    try {
      handle = await fs.open(file, 'r');
    } catch (err) {
      throw localFileError(file, err);
    }
    try {
      const size = (await handle.stat()).size;
      const boundary = `----TroveBoundary${randomBytes(16).toString('hex')}`;
      const enc = new TextEncoder();
      let head = '';
      if (opts.metadata) {
        head += `--${boundary}\r\nContent-Disposition: form-data; name="metadata"\r\n\r\n${JSON.stringify(opts.metadata)}\r\n`;
      }
      head += `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${quoteFilename(opts.filename ?? path.basename(file))}"\r\n` +
        'Content-Type: application/octet-stream\r\n\r\n';
      const preamble = enc.encode(head);
      const epilogue = enc.encode(`\r\n--${boundary}--\r\n`);
      const total = preamble.length + size + epilogue.length;

      let sent = 0;
      let fileRead = 0;
      let stage: 'preamble' | 'file' | 'epilogue' | 'done' = 'preamble';
      const report = (n: number) => {
        sent += n;
        opts.onProgress?.(sent, total);
      };
      opts.onProgress?.(0, total);
      const body = new ReadableStream<Uint8Array>({
        async pull(controller) {
          if (stage === 'preamble') {
            controller.enqueue(preamble);
            report(preamble.length);
            stage = size > 0 ? 'file' : 'epilogue';
          } else if (stage === 'file') {
            const buf = new Uint8Array(Math.min(CHUNK, size - fileRead));
            const { bytesRead } = await handle.read(buf, 0, buf.length, fileRead);
            if (bytesRead === 0) {
              controller.error(new CliError('LOCAL_FILE', `${file} got shorter while it was being uploaded.`));
              return;
            }
            fileRead += bytesRead;
            controller.enqueue(bytesRead === buf.length ? buf : buf.subarray(0, bytesRead));
            report(bytesRead);
            if (fileRead >= size) stage = 'epilogue';
          } else if (stage === 'epilogue') {
            controller.enqueue(epilogue);
            report(epilogue.length);
            stage = 'done';
          } else {
            controller.close();
          }
        },
      }, { highWaterMark: 0 });

      return await this.request<UploadAccepted>('/upload', {
        method: 'POST',
        body,
        headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': String(total) },
        signal: opts.signal,
      });
    } finally {
      await handle.close().catch(() => undefined);
    }
  }

  /**
   * Live upload events (Server-Sent Events on GET /events) until `signal` aborts or the server
   * closes the stream.
   */
  async *events(signal?: AbortSignal): AsyncGenerator<UploadEvent> {
    const res = await this.send('/events', { signal, headers: { accept: 'text/event-stream' } });
    if (!res.ok || !res.body) {
      await this.unwrap(res);
      throw new CliError('BAD_RESPONSE', `${this.url}${API_PREFIX}/events did not open an event stream (HTTP ${res.status}).`);
    }
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = buffer.search(/\r?\n\r?\n/)) !== -1) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end).replace(/^\r?\n\r?\n/, '');
          let event = 'message';
          const data: string[] = [];
          for (const line of block.split(/\r?\n/)) {
            if (line.startsWith('event:')) event = line.slice(6).trim();
            else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
          }
          if (event === 'upload' && data.length > 0) yield JSON.parse(data.join('\n')) as UploadEvent;
        }
      }
    } catch (err) {
      if (signal?.aborted) return;
      throw this.networkError(err);
    }
  }

  private requireToken(): void {
    if (this.token) return;
    throw new CliError('NO_TOKEN',
      `No access token found for ${this.url}: pass --token, set TROVE_TOKEN${this.tokenHint ? `, or make sure ${this.tokenHint} exists (the server creates it on first start)` : ''}.`);
  }

  private async request<T>(pathname: string, opts: RequestOptions = {}): Promise<T> {
    const res = await this.send(pathname, opts);
    return this.unwrap<T>(res);
  }

  private async send(pathname: string, opts: RequestOptions): Promise<Response> {
    if (opts.auth !== false) this.requireToken();
    const url = new URL(`${this.url}${API_PREFIX}${pathname}`);
    for (const [k, v] of Object.entries(opts.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const headers: Record<string, string> = { accept: 'application/json', ...opts.headers };
    if (opts.auth !== false && this.token) headers.authorization = `Bearer ${this.token}`;
    let body = opts.body;
    if (opts.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(opts.json);
    }
    const init: RequestInit & { duplex?: 'half' } = { method: opts.method ?? 'GET', headers, body, signal: opts.signal, redirect: 'error' };
    if (body instanceof ReadableStream) init.duplex = 'half';
    try {
      return await fetch(url, init);
    } catch (err) {
      throw this.networkError(err);
    }
  }

  private async unwrap<T>(res: Response): Promise<T> {
    let text: string;
    try {
      text = await res.text();
    } catch (err) {
      throw this.networkError(err);
    }
    let envelope: ApiEnvelope<T> | undefined;
    try {
      envelope = JSON.parse(text) as ApiEnvelope<T>;
    } catch {
      envelope = undefined;
    }
    if (envelope && typeof envelope === 'object' && envelope.status === 'success') return envelope.data;
    if (envelope && typeof envelope === 'object' && envelope.status === 'error' && envelope.error) {
      throw new CliError(envelope.error.code, envelope.error.message, { details: envelope.error.details, httpStatus: res.status });
    }
    throw new CliError('BAD_RESPONSE',
      `${this.url} answered HTTP ${res.status} without a Trove response — is something else running on that port?`, { httpStatus: res.status });
  }

  private networkError(err: unknown): Error {
    if (err instanceof CliError) return err;
    if (err instanceof Error && err.name === 'AbortError') return err;
    const cause = (err as { cause?: { code?: string; message?: string } } | null)?.cause;
    // The stream we feed fetch can fail on our side (file shrank, unreadable); surface that, not "unreachable".
    if (cause instanceof CliError) return cause;
    const code = cause?.code ?? '';
    if (cause?.message === 'bad port') {
      return new CliError('USAGE', `${this.url} uses a port that Node's fetch refuses to connect to; run Trove on another port.`, { cause: err });
    }
    if (['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT'].includes(code)) {
      return new CliError('SERVER_UNREACHABLE', `Trove is not running at ${this.url} — start it with \`npx trove serve\`.`, { cause: err });
    }
    const reason = cause?.message ?? (err instanceof Error ? err.message : String(err));
    return new CliError('CONNECTION_LOST', `Lost the connection to Trove at ${this.url} (${code || reason}).`, { cause: err });
  }
}

/**
 * A file name as a quoted-string: UTF-8 kept as is (the server decodes it so), `"` and `\\`
 * backslash-escaped, and CR/LF dropped (the server would refuse a name with a bare line break).
 */
function quoteFilename(name: string): string {
  return name.replace(/[\r\n]/g, '').replace(/["\\]/g, (c) => `\\${c}`);
}

export function localFileError(file: string, err: unknown): CliError {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  const why = code === 'ENOENT' ? 'it no longer exists'
    : code === 'EACCES' || code === 'EPERM' ? 'permission denied'
      : code === 'EISDIR' ? 'it is a folder'
        : (err as Error | null)?.message ?? String(err);
  return new CliError('LOCAL_FILE', `Cannot read ${file}: ${why}.`, { cause: err });
}
