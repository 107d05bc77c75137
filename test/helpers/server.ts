import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Upload } from '../../shared/api/schemas.ts';
import { loadConfig } from '../../server/config.ts';
import { startServer, type RunningServer, type ServeOverrides } from '../../server/serve.ts';

import { cloudTestMode, startCloudBackends } from './cloud-backends.ts';
import { listTree } from './http.ts';

/** A second local user, for isolation tests. */
const OTHER_LOCAL_TOKEN = 'other-user-token-0123456789abcdef';

export interface TestServer {
  server: RunningServer;
  url: string;
  /** 'cloud' under TROVE_TEST_MODE=cloud: Postgres, Cloud Storage, Firebase ID tokens, Redis. */
  mode: 'local' | 'cloud';
  /** The owner's bearer token: the local token, or a Firebase ID token in cloud mode. */
  token: string;
  /** A second user's bearer token, for isolation tests. */
  otherToken: string;
  /** This server's scratch folder (half-received uploads). */
  tmpDir: string;
  /** What signed thumbnail/preview/download links look like: this server's /blob, or the bucket's V4 links. */
  linkPattern: RegExp;
  /** Fetches a signed link as a browser would (no bearer token). */
  fetchLink(link: string, headers?: Record<string, string>): Promise<Response>;
  /** The stored `user/upload/name` key a signed link points at. */
  keyOfLink(link: string): string;
  /** Everything stored, as listTree() shows a folder: `user/`, `user/upload/`, `user/upload/name`. */
  storedTree(): Promise<string[]>;
  dataDir: string;
  /** fetch against the server with the owner's token unless `token` is given (null sends none). */
  api(pathname: string, init?: RequestInit & { token?: string | null }): Promise<Response>;
  json<T = unknown>(pathname: string, init?: RequestInit & { token?: string | null }): Promise<{ status: number; body: ApiBody<T> }>;
  upload(content: Buffer | Uint8Array, filename: string, opts?: { token?: string | null; metadata?: string }): Promise<{ status: number; body: ApiBody<UploadAcceptedBody> }>;
  waitForUpload(uploadId: string, opts?: { token?: string; timeoutMs?: number }): Promise<Upload>;
  close(): Promise<void>;
}

export interface ApiBody<T> {
  status: 'success' | 'error';
  data: T;
  error: { code: string; message: string; details?: unknown } | null;
  timestamp: string;
}

export interface UploadAcceptedBody {
  job_id: string | null;
  upload_id: string;
  status: string;
  duplicate: boolean;
  estimated_time: number;
}

/**
 * Starts the real server (PGlite, local storage, the real offline models) on a fresh data dir and
 * a free loopback port. Retry delays and queue maintenance are shortened so failures settle fast.
 */
export async function startTestServer(env: Record<string, string> = {}, overrides: ServeOverrides = {}): Promise<TestServer> {
  // A given TROVE_DATA_DIR (and PORT) restarts a server on an existing data folder.
  const dataDir = env.TROVE_DATA_DIR ?? await fs.mkdtemp(path.join(os.tmpdir(), 'trove-test-'));
  const cloud = cloudTestMode ? await startCloudBackends() : undefined;
  let server: RunningServer;
  try {
    const config = loadConfig({
      TROVE_DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'silent', TROVE_RETRY_DELAYS: '1,1,1',
      TROVE_QUEUE_MAINTENANCE_S: '1', TROVE_CONCURRENCY: '2', TROVE_SHUTDOWN_GRACE_MS: '2000', ...cloud?.env, ...env,
    });
    server = await startServer(config, { extraTokens: { [OTHER_LOCAL_TOKEN]: 'other' }, ...overrides });
  } catch (err) {
    await cloud?.stop();
    throw err;
  }
  const ownerToken = cloud ? await cloud.idToken('owner') : server.token;
  // With a shared database each process has its own scratch subfolder; this test runs one.
  const tmpRoot = path.join(dataDir, 'tmp');
  const tmpDir = cloud ? path.join(tmpRoot, (await fs.readdir(tmpRoot)).find((e) => e.startsWith('proc-')) ?? '') : tmpRoot;
  const bucketUrl = cloud && `${cloud.env.GCS_API_ENDPOINT}/${cloud.bucket}/`;
  const otherToken = cloud ? await cloud.idToken('other') : OTHER_LOCAL_TOKEN;
  const api: TestServer['api'] = (pathname, init = {}) => {
    const { token = ownerToken, ...rest } = init;
    const headers = new Headers(rest.headers);
    if (token !== null) headers.set('authorization', `Bearer ${token}`);
    return fetch(`${server.url}${pathname}`, { ...rest, headers, redirect: 'manual' });
  };
  const json: TestServer['json'] = async (pathname, init) => {
    const res = await api(pathname, init);
    return { status: res.status, body: (await res.json()) as never };
  };
  return {
    server, url: server.url, mode: cloud ? 'cloud' : 'local', token: ownerToken, otherToken, dataDir, tmpDir, api, json,
    linkPattern: bucketUrl ? new RegExp(`^${bucketUrl.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`) : /^\/api\/v1\/blob\?/,
    fetchLink: (link, headers = {}) => bucketUrl ? fetch(link, { headers }) : api(link, { token: null, headers }),
    keyOfLink: (link) => bucketUrl
      ? decodeURIComponent(new URL(link).pathname.slice(new URL(bucketUrl).pathname.length))
      : new URL(link, 'http://x').searchParams.get('key') ?? '',
    async storedTree() {
      if (!cloud) return listTree(path.join(dataDir, 'files'));
      const out = new Set<string>();
      for (const key of cloud.gcs.buckets.get(cloud.bucket)?.keys() ?? []) {
        const parts = key.split('/');
        for (let i = 1; i < parts.length; i++) out.add(`${parts.slice(0, i).join('/')}/`);
        out.add(key);
      }
      return [...out].sort();
    },
    async upload(content, filename, opts = {}) {
      const form = new FormData();
      if (opts.metadata !== undefined) form.set('metadata', opts.metadata);
      form.set('file', new Blob([content]), filename);
      return json<UploadAcceptedBody>('/api/v1/upload', { method: 'POST', body: form, token: opts.token });
    },
    async waitForUpload(uploadId, opts = {}) {
      const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
      for (;;) {
        const { status, body } = await json<Upload>(`/api/v1/file/${uploadId}/metadata`, { token: opts.token });
        if (status !== 200) throw new Error(`metadata ${status}: ${JSON.stringify(body.error)}`);
        if (body.data.processing_status === 'completed' || body.data.processing_status === 'failed') return body.data;
        if (Date.now() > deadline) throw new Error(`upload ${uploadId} still ${body.data.processing_status}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    },
    async close() {
      await server.close();
      await cloud?.stop();
      await fs.rm(dataDir, { recursive: true, force: true });
    },
  };
}
