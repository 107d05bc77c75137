// @vitest-environment happy-dom
/**
 * The upload clients' shared contract (test/helpers/client-contract.ts) kept by the web queue:
 * the page's real WebUploadQueue, ApiClient and transports (multipart by XMLHttpRequest, tus for
 * large files) in happy-dom, whose XMLHttpRequest makes real requests, against the real server
 * (`trove serve`, a process of its own) through the fault proxy. The page is put on the proxy's
 * origin, as it would be served from it. (Here, not in test/renderer: it also runs Node's side.)
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, vi } from 'vitest';
import { ApiClient } from '../../renderer/src/api/client.ts';
import { webUploadTransport } from '../../renderer/src/api/tus-upload.ts';
import type { UploadItem } from '../../renderer/src/bridge/upload-item.ts';
import { WebUploadQueue } from '../../renderer/src/bridge/web-queue.ts';
import { defineClientContract, type ClientDriver, type Taken } from '../helpers/client-contract.ts';
import { freePort, startServeProcess, type ServeProcess } from '../helpers/serve-process.ts';

// The build of tus-js-client the page's bundle has (Vite follows the package's `browser` field);
// Node's module loader would pick the Node build, which reads streams, not Files.
vi.mock('tus-js-client', async () => {
  const browserBuild = 'tus-js-client/lib.esm/browser/index.js';
  return (await import(browserBuild)) as unknown;
});

const TOKEN = 'web-contract-token-0123456789abcdef';
let proc: ServeProcess | undefined;
let server: { url: string; token: string };
let dir: string;
const queues: WebUploadQueue[] = [];

const setPageUrl = (url: string) => (window as unknown as { happyDOM: { setURL(url: string): void } }).happyDOM.setURL(url);

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'trove-web-contract-'));
  const port = await freePort();
  // The page's fetch (happy-dom's) keeps the same-origin rule: the health checks come from the server's own page.
  setPageUrl(`http://127.0.0.1:${port}/`);
  proc = await startServeProcess({ TROVE_DATA_DIR: path.join(dir, 'data'), TROVE_TOKEN: TOKEN, TROVE_EMBEDDER: 'hash' }, { port });
  server = { url: proc.url, token: TOKEN };
});

afterAll(async () => {
  for (const q of queues) q.dispose();
  await proc?.kill('SIGTERM');
  if (dir) await fs.rm(dir, { recursive: true, force: true });
});

async function waitFor<T>(what: string, check: () => T | undefined, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** A local file as the browser hands it over; from a folder, with its path inside that folder. */
async function asFile(file: string, relativePath?: string): Promise<File> {
  const f = new File([await fs.readFile(file)], path.basename(file));
  if (relativePath) Object.defineProperty(f, 'webkitRelativePath', { value: relativePath });
  return f;
}

/** Every file of a dropped folder, unfiltered: choosing is the queue's business. */
async function folderFiles(folder: string): Promise<File[]> {
  const entries = await fs.readdir(folder, { recursive: true, withFileTypes: true });
  const files = entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
  return Promise.all(files.map((f) => asFile(f, path.join(path.basename(folder), path.relative(folder, f)).split(path.sep).join('/'))));
}

const UPLOADED: ReadonlySet<UploadItem['state']> = new Set(['processing', 'completed', 'duplicate', 'failed', 'cancelled']);

const web: ClientDriver = {
  async add(url, paths) {
    setPageUrl(`${url}/`);
    const byPath = new Map<string, string>();
    const files: File[] = [];
    for (const p of paths) {
      if ((await fs.stat(p)).isDirectory()) {
        for (const f of await folderFiles(p)) {
          files.push(f);
          byPath.set(f.webkitRelativePath, path.join(path.dirname(p), ...f.webkitRelativePath.split('/')));
        }
      } else {
        files.push(await asFile(p));
        byPath.set(path.basename(p), p);
      }
    }
    const api = new ApiClient({ token: server.token });
    const queue = new WebUploadQueue({
      transport: webUploadTransport(api, window.sessionStorage),
      retryProcessing: (id) => api.retryUpload(id),
      jobStatus: (jobId) => api.jobStatus(jobId),
    });
    queues.push(queue);
    const items = queue.add(files);
    const settled = await Promise.all(items.map((i) => waitFor(`${i.name} to be uploaded`, () => {
      const item = queue.list().find((x) => x.id === i.id);
      return item && UPLOADED.has(item.state) ? item : undefined;
    }, 60_000)));
    return settled.map((item): Taken => ({
      path: byPath.get(item.path) ?? item.path,
      state: item.state === 'duplicate' ? 'duplicate' : item.state === 'failed' || item.state === 'cancelled' ? 'failed' : 'added',
      code: item.error?.code ?? null,
      uploadId: item.uploadId,
    }));
  },
};

describe('the web upload queue keeps the upload clients\' contract', () => {
  defineClientContract({ server: () => server, dir: () => dir, driver: () => web });
});
