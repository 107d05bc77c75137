import { API_PREFIX } from '../paths.ts';
import { ApiError } from './api-error.ts';
import { answerOf, unwrapAnswer } from './unwrap.ts';

export type Query = Record<string, string | number | boolean | undefined>;

export interface ApiHttpOptions {
  /** The server's origin (`http://127.0.0.1:8787`), '' for the page's own; asked on every call. */
  baseUrl: () => string;
  /** The bearer to send, asked on every call (a sign-in token is renewed while the client lives). */
  token: () => string | null | undefined;
  fetch?: typeof fetch;
  /** Each request gives up after this long (NETWORK_ERROR); none by default. */
  timeoutMs?: number;
  /** Told of every 401, so the owner can renew the sign-in. */
  onUnauthorized?: () => void;
  /** More fetch options for every request (the page asks for `cache: 'no-store'`). */
  init?: RequestInit;
}

export interface CallOptions {
  query?: Query;
  /** Sent as JSON. */
  json?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** false: no bearer (GET /health). */
  auth?: boolean;
}

/** Connection failures Node's fetch reports when nothing listens at the address. */
const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

/**
 * The one HTTP core of the clients (CLI, desktop main, page): builds `/api/v1` URLs, sends the
 * bearer, unwraps the envelope and turns every failure into an ApiError — a refused connection,
 * a lost one, a cancelled call and a foreign answer each with its own code.
 */
export class ApiHttp {
  private readonly doFetch: typeof fetch;

  constructor(private readonly opts: ApiHttpOptions) {
    this.doFetch = opts.fetch ?? ((input: string | URL | Request, init?: RequestInit) => fetch(input, init));
  }

  get baseUrl(): string {
    return this.opts.baseUrl().replace(/\/+$/, '');
  }

  url(path: string, query?: Query): string {
    let url = `${this.baseUrl}${API_PREFIX}${path}`;
    if (query) {
      const params = new URLSearchParams();
      for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') params.set(k, String(v));
      const qs = params.toString();
      if (qs) url += `?${qs}`;
    }
    return url;
  }

  authHeaders(): Record<string, string> {
    const token = this.opts.token();
    return token ? { Authorization: `Bearer ${token}` } : {};
  }

  /** One request; the answer as it came (any status). Only a failure to get one throws. */
  async send(method: string, path: string, opts: CallOptions & { init?: RequestInit } = {}): Promise<Response> {
    const headers: Record<string, string> = { Accept: 'application/json', ...(opts.auth === false ? {} : this.authHeaders()), ...opts.headers };
    let body: string | undefined;
    if (opts.json !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(opts.json);
    }
    const signals = [opts.signal, this.opts.timeoutMs ? AbortSignal.timeout(this.opts.timeoutMs) : undefined].filter((s) => s !== undefined);
    const signal = signals.length > 1 ? AbortSignal.any(signals) : signals[0];
    let res: Response;
    try {
      res = await this.doFetch(this.url(path, opts.query), { ...this.opts.init, ...opts.init, method, headers, body, signal });
    } catch (err) {
      throw this.networkError(err, opts.signal);
    }
    if (res.status === 401) this.opts.onUnauthorized?.();
    return res;
  }

  /** One request whose envelope is unwrapped: the data, or an ApiError. */
  async call<T>(method: string, path: string, opts: CallOptions = {}): Promise<T> {
    const res = await this.send(method, path, opts);
    return unwrapAnswer<T>(await this.read(res, opts.signal));
  }

  /** Reads an answer's body; a connection lost meanwhile is a network error, as before the answer. */
  async read(res: Response, signal?: AbortSignal) {
    try {
      return await answerOf(res);
    } catch (err) {
      throw this.networkError(err, signal);
    }
  }

  /** Why no answer came, as an ApiError: cancelled, nothing listening, or the connection lost. */
  networkError(err: unknown, signal?: AbortSignal): ApiError {
    if (err instanceof ApiError) return err;
    if (signal?.aborted || (err instanceof Error && err.name === 'AbortError')) {
      return new ApiError('ABORTED', 'The request was cancelled.', 0, undefined, { cause: err });
    }
    const cause = (err as { cause?: { code?: unknown; message?: unknown } } | null)?.cause;
    const code = typeof cause?.code === 'string' ? cause.code : '';
    // The page talks to its own origin ('' here): naming it would say nothing.
    const at = this.baseUrl ? ` at ${this.baseUrl}` : '';
    if (UNREACHABLE.has(code)) return new ApiError('SERVER_UNREACHABLE', `Trove is not running${at}.`, 0, undefined, { cause: err });
    if (err instanceof Error && err.name === 'TimeoutError') {
      return new ApiError('NETWORK_ERROR', `Trove${at} did not answer in time.`, 0, undefined, { cause: err });
    }
    const reason = code || (typeof cause?.message === 'string' ? cause.message : '');
    return new ApiError('NETWORK_ERROR', `Trove could not be reached${at}${reason ? ` (${reason})` : ''}. Is the server running?`, 0, undefined, { cause: err });
  }
}
