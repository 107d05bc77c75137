import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { ok } from '../../shared/api/envelope.ts';
import { TroveClient } from '../../server/cli/client.ts';
import { openStartListener, type StartListener } from '../../server/http/start-listener.ts';

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
});
