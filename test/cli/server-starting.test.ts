import { execFile } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { ok } from '../../shared/api/envelope.ts';
import { TroveClient } from '../../server/cli/client.ts';
import { openStartListener, type StartListener } from '../../server/http/start-listener.ts';
import { repoRoot } from '../helpers/serve-process.ts';

/**
 * `trove serve & trove search …`: the CLI meets the server's real start-up listener, which answers
 * 503 SERVICE_STARTING (Retry-After: 1) until the app is handed over, and waits instead of failing.
 */
let listener: StartListener | undefined;
afterEach(async () => listener?.close());

describe('the CLI and a server that is still starting', () => {
  it('waits out SERVICE_STARTING, as long as the server asks, and gets the answer once it is ready', async () => {
    listener = await openStartListener({ host: '127.0.0.1', port: 0, version: 'test', mode: 'local' });
    let requests = 0;
    listener.server.on('request', () => requests++);
    const client = new TroveClient({ url: listener.url, token: 'cli-token-0123456789abcdef' });
    const answer = client.listUploads({ limit: 1 });
    await sleep(1500);
    // Asked at least twice so far: refused while starting, and asked again after the Retry-After.
    expect(requests).toBeGreaterThanOrEqual(2);
    listener.serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(ok({ uploads: [], total: 0, has_more: false })));
    });
    await expect(answer).resolves.toMatchObject({ total: 0 });
  });

  it('stops waiting when told to', async () => {
    listener = await openStartListener({ host: '127.0.0.1', port: 0, version: 'test', mode: 'local' });
    const client = new TroveClient({ url: listener.url, token: 'cli-token-0123456789abcdef' });
    const stop = new AbortController();
    const answer = client.listUploads({}, stop.signal);
    await sleep(300);
    stop.abort();
    await expect(answer).rejects.toMatchObject({ code: 'ABORTED' });
  });

  it('`trove status` says the server is starting (its health, answered with 503), not that it failed', async () => {
    listener = await openStartListener({ host: '127.0.0.1', port: 0, version: 'test', mode: 'local' });
    const client = new TroveClient({ url: listener.url, token: 'cli-token-0123456789abcdef' });
    await expect(client.health()).resolves.toMatchObject({ status: 'starting', database: 'starting', version: 'test' });
    const run = await promisify(execFile)(process.execPath, ['bin/trove.js', 'status', '--url', listener.url, '--token', 'cli-token-0123456789abcdef'], { cwd: repoRoot })
      .then(() => ({ code: 0, stderr: '' }), (err: { code: number; stderr: string }) => err);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`error SERVICE_STARTING: Trove at ${listener.url} is starting`);
  });
});
