/**
 * The typed HTTP client of /api/v1, on the shared client core (shared/api/client/http.ts: the
 * envelope unwrapped, failures as ApiErrors with the server's stable code). Types come from
 * shared/api/schemas.ts (types only, so none of the TypeBox schema code ships to the page).
 */
import type { Batch, BatchEvent } from '../../../shared/api/archives.ts';
import { ApiHttp, type Query } from '../../../shared/api/client/http.ts';
import { unwrapAnswer } from '../../../shared/api/client/unwrap.ts';
import { API_PREFIX } from '../../../shared/api/paths.ts';
import type {
  BatchActionBody, BatchResult, Restored,
  Deleted, FileVariant, Health, JobStatus, ListUploadsQuery, SearchBody, SearchHistory, SearchHistoryDeleted, SearchResponse, SearchSuggestions,
  Upload, UploadAccepted, UploadEvent, UploadList, Usage, UsageQuery,
} from '../../../shared/api/schemas.ts';
import { ApiError } from './errors.ts';
import { openEventStream, type StreamState } from './sse.ts';

export { API_PREFIX };

/** GET /file/{id}/metadata: the upload with its extracted text. */
export type UploadDetail = Upload & { extracted_text: string | null };

export interface ApiClientOptions {
  /** Origin of the server (`http://127.0.0.1:8787`); '' (default) for the page's own origin. */
  baseUrl?: string;
  token?: string | null;
  fetch?: typeof fetch;
  /** Called whenever the server refuses the token, so the session can ask for a new one. */
  onUnauthorized?: () => void;
}

export interface RequestOptions {
  query?: Query;
  body?: unknown;
  signal?: AbortSignal;
}

/** Signed links last 5 minutes; resolved ones are reused for a little less. */
const LINK_REUSE_MS = 4 * 60 * 1000;

export class ApiClient {
  private readonly doFetch: typeof fetch;
  private readonly http: ApiHttp;
  private readonly links = new Map<string, { url: string; until: number }>();
  private base: string;
  private token: string | null;

  constructor(private readonly opts: ApiClientOptions = {}) {
    this.doFetch = opts.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));
    this.base = trimSlash(opts.baseUrl ?? '');
    this.token = opts.token ?? null;
    this.http = new ApiHttp({
      baseUrl: () => this.base, token: () => this.token, fetch: this.doFetch, onUnauthorized: opts.onUnauthorized, init: { cache: 'no-store' },
    });
  }

  /** Points the client at a server (the session decides which, and with which token). */
  setConnection(baseUrl: string, token: string | null): void {
    if (trimSlash(baseUrl) !== this.base || token !== this.token) this.links.clear();
    this.base = trimSlash(baseUrl);
    this.token = token;
  }

  get baseUrl(): string {
    return this.base;
  }

  get hasToken(): boolean {
    return this.token !== null && this.token !== '';
  }

  /** An absolute (or page-relative, on the same origin) URL for a server path such as a signed link. */
  absolute(pathOrUrl: string): string {
    if (/^[a-z][a-z0-9+.-]*:/i.test(pathOrUrl) || this.base === '') return pathOrUrl;
    return new URL(pathOrUrl, this.base).toString();
  }

  url(path: string, query?: Query): string {
    return this.http.url(path, query);
  }

  authHeaders(): Record<string, string> {
    return this.http.authHeaders();
  }

  request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
    return this.http.call<T>(method, path, { query: opts.query, json: opts.body, signal: opts.signal });
  }

  health(signal?: AbortSignal): Promise<Health> {
    return this.request('GET', '/health', { signal });
  }

  search(body: SearchBody, signal?: AbortSignal): Promise<SearchResponse> {
    return this.request('POST', '/search', { body, signal });
  }

  /** The user's recent searches, newest first (`GET /search/history`). */
  searchHistory(limit: number, signal?: AbortSignal): Promise<SearchHistory> {
    return this.request('GET', '/search/history', { query: { limit }, signal });
  }

  /** Forgets a recent search and its repeats; `null` id: all of them. */
  forgetSearch(id: string | null): Promise<SearchHistoryDeleted> {
    return this.request('DELETE', id === null ? '/search/history' : `/search/history/${encodeURIComponent(id)}`);
  }

  /** The user's tags and cameras that start a word with `prefix`, most files first. */
  searchSuggestions(prefix: string, limit: number, signal?: AbortSignal): Promise<SearchSuggestions> {
    return this.request('GET', '/search/suggestions', { query: { prefix, limit }, signal });
  }

  listUploads(query: Partial<ListUploadsQuery>, signal?: AbortSignal): Promise<UploadList> {
    return this.request('GET', '/uploads', { query: { ...query }, signal });
  }

  metadata(id: string, signal?: AbortSignal): Promise<UploadDetail> {
    return this.request('GET', `/file/${encodeURIComponent(id)}/metadata`, { signal });
  }

  /** An uploaded archive: each entry's state and the totals (`GET /batches/{id}`). */
  archiveBatch(batchId: string, signal?: AbortSignal): Promise<Batch> {
    return this.request<Batch>('GET', `/batches/${encodeURIComponent(batchId)}`, { signal });
  }

  jobStatus(jobId: string, signal?: AbortSignal): Promise<JobStatus> {
    return this.request('GET', `/upload/status/${encodeURIComponent(jobId)}`, { signal });
  }

  deleteUpload(id: string): Promise<Deleted> {
    return this.request('DELETE', `/upload/${encodeURIComponent(id)}`);
  }

  /** Brings a deleted file back while Trove still keeps it (`RESTORE_EXPIRED` after). */
  restoreUpload(id: string): Promise<Restored> {
    return this.request('POST', `/upload/${encodeURIComponent(id)}/restore`);
  }

  /** One action on many files; each id succeeds or fails on its own (`POST /uploads/batch`). */
  batch(body: BatchActionBody): Promise<BatchResult> {
    return this.request('POST', '/uploads/batch', { body });
  }

  /**
   * These files as one ZIP (`GET /download?ids=…`). The endpoint wants the bearer token, which a
   * plain link cannot carry, so the page fetches it and hands the browser the bytes as a Blob
   * (Chromium keeps large blobs on disk). `missing`: ids the server left out.
   */
  async downloadZip(ids: readonly string[], signal?: AbortSignal): Promise<{ blob: Blob; filename: string; missing: string[] }> {
    const res = await this.http.send('GET', '/download', { query: { ids: ids.join(',') }, headers: { Accept: 'application/zip' }, signal });
    if (!res.ok) return unwrapAnswer<never>(await this.http.read(res, signal));
    const filename = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? 'trove.zip';
    const missing = (res.headers.get('trove-missing-ids') ?? '').split(',').filter(Boolean);
    return { blob: await res.blob(), filename, missing };
  }

  /** What paid AI models cost this user (`GET /usage`; default: this month so far). */
  usage(query: UsageQuery = {}, signal?: AbortSignal): Promise<Usage> {
    return this.request('GET', '/usage', { query: { ...query }, signal });
  }

  retryUpload(id: string): Promise<{ job_id: string; upload_id: string }> {
    return this.request('POST', `/upload/${encodeURIComponent(id)}/retry`);
  }

  /**
   * Files like this one (`GET /search/similar/{id}`, which arrives with a later server version):
   * null while the server has no such route, so the UI can hide the action.
   */
  async similar(id: string, signal?: AbortSignal): Promise<SearchResponse | null> {
    try {
      return await this.request<SearchResponse>('GET', `/search/similar/${encodeURIComponent(id)}`, { signal });
    } catch (err) {
      if (err instanceof ApiError && (err.status === 404 || err.status === 405) && /^No route/i.test(err.message)) return null;
      throw err;
    }
  }

  /**
   * A signed link for a file's thumbnail, preview or original. `GET /file/{id}/{variant}` answers
   * with a redirect; fetch follows it (asking for one byte only) and reports where it ended up.
   */
  async fileUrl(id: string, variant: FileVariant, opts: { fresh?: boolean; signal?: AbortSignal } = {}): Promise<string> {
    const key = `${id}:${variant}`;
    const cached = this.links.get(key);
    if (cached && !opts.fresh && cached.until > Date.now()) return cached.url;
    const res = await this.http.send('GET', `/file/${encodeURIComponent(id)}/${variant}`, {
      headers: { Range: 'bytes=0-0' }, signal: opts.signal, init: { redirect: 'follow' },
    });
    if (!res.ok || !res.redirected) return unwrapAnswer<never>(await this.http.read(res, opts.signal));
    void res.body?.cancel().catch(() => undefined);
    this.links.set(key, { url: res.url, until: Date.now() + LINK_REUSE_MS });
    return res.url;
  }

  /** Forgets a resolved link (it failed to load: it may have expired). */
  forgetFileUrl(id: string, variant?: FileVariant): void {
    for (const v of variant ? [variant] : (['thumbnail', 'preview', 'download'] as const)) this.links.delete(`${id}:${v}`);
  }

  /** Live processing events for this user's uploads; reconnects until closed. */
  events(onEvent: (event: UploadEvent) => void, onState?: (state: StreamState) => void, onBatch?: (event: BatchEvent) => void): { close(): void } {
    return openEventStream({
      url: this.url('/events'),
      headers: () => this.authHeaders(),
      fetch: this.doFetch,
      onState: (state) => onState?.(state),
      isFatal: (res) => {
        if (res.status === 401) this.opts.onUnauthorized?.();
        return res.status === 401 || res.status === 403;
      },
      onMessage: (message) => {
        if (message.event !== 'upload' && message.event !== 'batch') return;
        try {
          if (message.event === 'batch') onBatch?.(JSON.parse(message.data) as BatchEvent);
          else onEvent(JSON.parse(message.data) as UploadEvent);
        } catch {
          // A malformed event is skipped; the next one carries the full state again.
        }
      },
    });
  }
}

export type { UploadAccepted };

const trimSlash = (s: string) => s.replace(/\/+$/, '');
