/**
 * The upload clients' shared contract (test/helpers/client-contract.ts) kept by the CLI: the real
 * `trove add` (bin/trove.js as a child process) against the real server, through the fault proxy.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { defineClientContract, type ClientDriver, type Taken } from '../helpers/client-contract.ts';

const BIN = path.resolve(import.meta.dirname, '../../bin/trove.js');

interface AddJson {
  added: { path: string; upload_id: string }[];
  duplicates: { path: string; upload_id: string }[];
  failed: { path: string; code: string; upload_id: string | null; stage: string }[];
}

function troveAdd(url: string, token: string, paths: string[]): Promise<AddJson> {
  const env: Record<string, string | undefined> = { ...process.env, XDG_CACHE_HOME: path.join(dir, 'cache') };
  for (const k of ['TROVE_URL', 'TROVE_TOKEN', 'TROVE_DATA_DIR', 'PORT']) delete env[k];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'add', ...paths, '--json', '--url', url, '--token', token], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      try {
        resolve(JSON.parse(stdout) as AddJson);
      } catch {
        reject(new Error(`trove add exited ${code}: ${stderr || stdout}`));
      }
    });
  });
}

let server: TestServer;
let dir: string;

beforeAll(async () => {
  [server, dir] = await Promise.all([startTestServer({ TROVE_EMBEDDER: 'hash' }), fs.mkdtemp(path.join(os.tmpdir(), 'trove-cli-contract-'))]);
});

afterAll(async () => {
  await server?.close();
  if (dir) await fs.rm(dir, { recursive: true, force: true });
});

const cli: ClientDriver = {
  async add(url, paths) {
    const out = await troveAdd(url, server.token, paths);
    const taken: Taken[] = [
      ...out.added.map((a) => ({ path: a.path, state: 'added' as const, code: null, uploadId: a.upload_id })),
      ...out.duplicates.map((d) => ({ path: d.path, state: 'duplicate' as const, code: null, uploadId: d.upload_id })),
      // A file the CLI could not read was never taken; one the server refused was.
      ...out.failed.filter((f) => f.stage !== 'local').map((f) => ({ path: f.path, state: 'failed' as const, code: f.code, uploadId: f.upload_id })),
    ];
    return taken;
  },
};

describe('the CLI keeps the upload clients\' contract', () => {
  defineClientContract({ server: () => server, dir: () => dir, driver: () => cli });
});
