/**
 * Black-box helpers for the API tests: envelope checks, raw `node:http` requests (for headers fetch
 * will not set, and for bodies cut off mid-way), a Server-Sent Events reader, and data-dir listings.
 */
import fs from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { expect } from 'vitest';
import type { Upload, UploadEvent } from '../../shared/api/schemas.ts';
import type { ApiBody, TestServer } from './server.ts';

export const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Asserts the `{status, data, error, timestamp}` envelope; for errors, that `error.code` is `code`. */
export function expectEnvelope(body: unknown, expected: 'success' | { code: string }): void {
  expect(body, 'response body is a JSON object').toBeTypeOf('object');
  const b = body as ApiBody<unknown>;
  expect(Object.keys(b)).toEqual(expect.arrayContaining(['status', 'data', 'error', 'timestamp']));
  expect(b.timestamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/);
  expect(Math.abs(Date.parse(b.timestamp) - Date.now())).toBeLessThan(60_000);
  if (expected === 'success') {
    expect(b.status).toBe('success');
    expect(b.error).toBeNull();
  } else {
    expect(b.status).toBe('error');
    expect(b.data).toBeNull();
    expect(b.error).toMatchObject({ code: expected.code });
    expect(typeof b.error?.message).toBe('string');
    expect(b.error!.message.length).toBeGreaterThan(5);
  }
}

type Init = RequestInit & { token?: string | null };

/** `s.json` that also checks the envelope: success for 2xx, an error with `code` otherwise. */
export async function call<T = unknown>(s: TestServer, pathname: string, init?: Init & { code?: string }): Promise<{ status: number; body: ApiBody<T> }> {
  const { code, ...rest } = init ?? {};
  const res = await s.json<T>(pathname, rest);
  expectEnvelope(res.body, code === undefined && res.status < 400 ? 'success' : { code: code ?? `(HTTP ${res.status}) ${JSON.stringify(res.body.error)}` });
  return res;
}

/** POST a JSON body. */
export function postJson<T = unknown>(s: TestServer, pathname: string, body: unknown, init: Init & { code?: string } = {}) {
  return call<T>(s, pathname, {
    ...init, method: 'POST', headers: { 'content-type': 'application/json', ...(init.headers as Record<string, string> | undefined) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** Uploads and expects it to be accepted (202); returns the upload and job ids. */
export async function accept(s: TestServer, bytes: Buffer, name: string, opts: { token?: string; metadata?: string } = {}) {
  const res = await s.upload(bytes, name, opts);
  expect(res.status, `${name}: ${JSON.stringify(res.body.error)}`).toBe(202);
  expectEnvelope(res.body, 'success');
  return { uploadId: res.body.data.upload_id, jobId: res.body.data.job_id!, body: res.body };
}

/** Uploads each file, waits until all are processed and expects every one completed; returns the upload ids by name. */
export async function acceptProcessed(s: TestServer, files: readonly (readonly [string, Buffer])[]): Promise<Record<string, string>> {
  const ids: Record<string, string> = {};
  for (const [name, bytes] of files) ids[name] = (await accept(s, bytes, name)).uploadId;
  const done = await Promise.all(Object.values(ids).map((id) => s.waitForUpload(id)));
  expect(done.map((u) => u.processing_status)).toEqual(done.map(() => 'completed'));
  return ids;
}

export async function metadata(s: TestServer, id: string, token?: string) {
  const res = await call<Upload & { extracted_text: string | null }>(s, `/api/v1/file/${id}/metadata`, { token });
  expect(res.status).toBe(200);
  return res.body.data;
}

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  json<T = unknown>(): ApiBody<T>;
}

/** A request through `node:http`, which (unlike fetch) lets a test set Host freely. */
export function rawRequest(s: TestServer, opts: { method?: string; path: string; headers?: Record<string, string>; body?: Buffer | string }): Promise<RawResponse> {
  const { port } = new URL(s.url);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: Number(port), method: opts.method ?? 'GET', path: opts.path, headers: opts.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) as never });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** A multipart/form-data body with one file part, built by hand so it can be sent (or cut off) raw. */
export function multipartBody(filename: string, content: Buffer): { boundary: string; body: Buffer } {
  const boundary = `----trove-test-${Math.random().toString(16).slice(2)}`;
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: application/octet-stream\r\n\r\n`);
  return { boundary, body: Buffer.concat([head, content, Buffer.from(`\r\n--${boundary}--\r\n`)]) };
}

export interface EventStream {
  readonly events: UploadEvent[];
  readonly contentType: string | null;
  /** Resolves when the server ends the stream (not when close() aborts it). */
  readonly ended: Promise<void>;
  /** Resolves with the first event matching `pred` (including ones already received). */
  waitFor(pred: (e: UploadEvent) => boolean, timeoutMs?: number): Promise<UploadEvent>;
  close(): void;
}

/** Opens GET /events and parses `event: upload` messages as they arrive. */
export async function openEvents(s: TestServer, token?: string): Promise<EventStream> {
  const controller = new AbortController();
  const res = await s.api('/api/v1/events', { token, signal: controller.signal });
  expect(res.status).toBe(200);
  const events: UploadEvent[] = [];
  const waiters = new Set<() => void>();
  let buffer = '';
  let markEnded = () => undefined as void;
  const ended = new Promise<void>((r) => (markEnded = r));
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  void (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) {
          markEnded();
          return;
        }
        buffer += value;
        let cut: number;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          const message = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          const lines = message.split('\n');
          if (!lines.includes('event: upload')) continue;
          const data = lines.filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n');
          events.push(JSON.parse(data) as UploadEvent);
          for (const w of waiters) w();
        }
      }
    } catch {
      // aborted by close()
    }
  })();
  return {
    events,
    contentType: res.headers.get('content-type'),
    ended,
    waitFor(pred, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const hit = events.find(pred);
          if (!hit) return;
          cleanup();
          resolve(hit);
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`no matching event within ${timeoutMs} ms; got ${JSON.stringify(events)}`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    close: () => controller.abort(),
  };
}

/** Every file and folder below `dir`, as paths relative to it ('/'-separated); [] when it does not exist. */
export async function listTree(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (rel: string) => {
    const entries = await fs.readdir(path.join(dir, rel), { withFileTypes: true }).catch(() => []);
    for (const e of entries) {
      const p = rel ? `${rel}/${e.name}` : e.name;
      out.push(e.isDirectory() ? `${p}/` : p);
      if (e.isDirectory()) await walk(p);
    }
  };
  await walk('');
  return out.sort();
}

/** Files directly in a server's scratch folder (half-received uploads); processing runs' own `job-*` folders are left out. */
export async function tmpFiles(tmpDir: string): Promise<string[]> {
  return (await listTree(tmpDir)).filter((p) => !p.includes('/'));
}

/** Polls `check` until it returns true or the time runs out; returns the last result. */
export async function eventually(check: () => Promise<boolean>, timeoutMs = 5000, everyMs = 100): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await sleep(everyMs);
  }
}

/** Follows a 302 from /file/{id}/{variant} to its signed link, without the bearer token. */
export async function followLink(s: TestServer, res: Response, headers: Record<string, string> = {}): Promise<Response> {
  expect(res.status).toBe(302);
  const location = res.headers.get('location');
  expect(location).toMatch(s.linkPattern);
  return s.fetchLink(location!, headers);
}

export async function totalUploads(s: TestServer, token?: string): Promise<number> {
  const res = await call<{ total: number }>(s, '/api/v1/uploads?limit=1', { token });
  expect(res.status).toBe(200);
  return res.body.data.total;
}
