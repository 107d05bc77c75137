/**
 * `trove add` continues, in a later run, an upload an earlier run left unfinished (Ctrl+C mid-file):
 * the second run asks the server for its offset (tus HEAD) and sends only the rest — one upload on
 * the server, whole. The real CLI against the real server through the fault proxy, which holds the
 * first run's upload half-way so it can be interrupted there.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Upload } from '../../shared/api/schemas.ts';
import { uniqueText } from '../helpers/client-contract.ts';
import { beginsUpload, isTusHead, isTusPatch, startFaultProxy, type FaultProxy } from '../helpers/fault-proxy.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

const BIN = path.resolve(import.meta.dirname, '../../bin/trove.js');
let server: TestServer;
let proxy: FaultProxy;
let dir: string;

beforeAll(async () => {
  [server, dir] = await Promise.all([startTestServer({ TROVE_EMBEDDER: 'hash' }), fs.mkdtemp(path.join(os.tmpdir(), 'trove-cli-resume-'))]);
  proxy = await startFaultProxy(server.url);
});

afterAll(async () => {
  await proxy?.close();
  await server?.close();
  if (dir) await fs.rm(dir, { recursive: true, force: true });
});

async function waitFor(what: string, check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** `trove add` with its own cache folder (where it keeps unfinished uploads), through the proxy. */
function troveAdd(file: string) {
  const env: Record<string, string | undefined> = { ...process.env, XDG_CACHE_HOME: path.join(dir, 'cache') };
  for (const k of ['TROVE_URL', 'TROVE_TOKEN', 'TROVE_DATA_DIR', 'PORT']) delete env[k];
  const child = spawn(process.execPath, [BIN, 'add', file, '--json', '--url', proxy.url, '--token', server.token], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return { child, exited, stdout: () => stdout };
}

it('a later run continues the upload an interrupted run left half-way, from the server\'s offset', async () => {
  const size = 12 * 1024 * 1024;
  const file = await uniqueText(dir, 'big-notes.txt', size);
  proxy.stallAfter(isTusPatch, 5 * 1024 * 1024);

  const first = troveAdd(file);
  await waitFor('the first run to be held half-way', () => proxy.log.some((r) => r.answeredBy === 'stalled' && r.bodyBytes > 0), 60_000);
  first.child.kill('SIGINT');
  expect(await first.exited).toBe(130);
  const cache = JSON.parse(await fs.readFile(path.join(dir, 'cache', 'Trove', 'cli-uploads.json'), 'utf8')) as Record<string, unknown>;
  expect(Object.keys(cache)).toHaveLength(1); // the unfinished upload was kept for the next run

  const before = proxy.log.length;
  const second = troveAdd(file);
  expect(await second.exited).toBe(0);
  const out = JSON.parse(second.stdout()) as { added: { upload_id: string }[] };
  expect(out.added).toHaveLength(1);

  const run2 = proxy.log.slice(before);
  expect(run2.filter(beginsUpload)).toHaveLength(0); // not created again
  const head = run2.find(isTusHead);
  expect(head?.answeredOffset).toBeGreaterThan(0);
  const patches = run2.filter(isTusPatch);
  expect(patches[0]!.uploadOffset).toBe(head!.answeredOffset);
  expect(patches.reduce((n, r) => n + r.bodyBytes, 0)).toBe(size - head!.answeredOffset!);

  const { body } = await server.json<Upload>(`/api/v1/file/${out.added[0]!.upload_id}/metadata`);
  expect(body.data.file_hash).toBe(createHash('sha256').update(await fs.readFile(file)).digest('hex'));
  // Finished: nothing is left to continue.
  expect(JSON.parse(await fs.readFile(path.join(dir, 'cache', 'Trove', 'cli-uploads.json'), 'utf8'))).toEqual({});
});
