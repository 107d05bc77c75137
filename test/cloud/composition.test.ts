/**
 * One composition root per role chooses every implementation from the configuration. Each case
 * starts the real server in-process in one shape and checks what it built, by name.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Composition } from '../../server/composition/composition.ts';
import { loadConfig } from '../../server/config.ts';
import { startServer } from '../../server/serve.ts';
import { startCloudBackends, type CloudBackends } from '../helpers/cloud-backends.ts';

let cloud: CloudBackends;
const dirs: string[] = [];

beforeAll(async () => {
  cloud = await startCloudBackends();
});
afterAll(async () => {
  await cloud?.stop();
  await Promise.all(dirs.map((d) => fs.rm(d, { recursive: true, force: true })));
});

async function composed(env: Record<string, string>): Promise<Composition> {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'trove-compose-'));
  dirs.push(dataDir);
  const server = await startServer(loadConfig({ TROVE_DATA_DIR: dataDir, PORT: '0', TROVE_EMBEDDER: 'hash', LOG_LEVEL: 'silent', TROVE_TOKEN: 'composition-test-token-0123', ...env }));
  try {
    return server.composition;
  } finally {
    await server.close();
  }
}

describe('what each role builds', () => {
  it('the embedded default (all): PGlite, local files and links, in-process events and cache, the local token, offline analysis', async () => {
    expect(await composed({})).toEqual({
      role: 'all', database: 'pglite', store: 'local', links: 'hmac', embedder: 'hash-256', localEmbedder: 'hash-256',
      events: 'in-process', searchCache: 'memory', limits: 'none', auth: 'local-token', analyzer: 'offline',
    });
  });

  it('cloud API: Postgres, the bucket with key-file links, Redis for events, cache and limits, Firebase, OpenAI embeddings — and no analyzer', async () => {
    const c = await composed({ ...cloud.env, OPENAI_API_KEY: 'k', OPENAI_BASE_URL: 'http://127.0.0.1:9/v1', TROVE_ROLE: 'api' });
    expect(c).toEqual({
      role: 'api', database: 'postgres', store: 'gcs', links: 'gcs-v4', embedder: 'openai:text-embedding-3-small-1536', localEmbedder: 'hash-256',
      events: 'redis', searchCache: 'redis', limits: 'redis', auth: 'firebase',
    });
  });

  it.each([
    ['Gemini', { GEMINI_API_KEY: 'k', GEMINI_BASE_URL: 'http://127.0.0.1:9' }, 'gemini'],
    ['an OpenAI-compatible chat model', { OPENAI_API_KEY: 'k', OPENAI_BASE_URL: 'http://127.0.0.1:9/v1', OPENAI_ANALYSIS_MODEL: 'gpt-4o-mini' }, 'openai-chat'],
    ['nothing', {}, 'offline'],
  ] as const)('cloud worker with %s: that analyzer, and no HTTP sign-in', async (_what, env, analyzer) => {
    const c = await composed({ ...cloud.env, ...env, TROVE_ROLE: 'worker' });
    expect(c).toMatchObject({ role: 'worker', database: 'postgres', store: 'gcs', events: 'redis', analyzer });
    expect(c.auth).toBeUndefined();
  });

  it('several processes on Postgres without Redis: events through Postgres, no search cache (it could not be invalidated across processes)', async () => {
    const { DATABASE_URL } = cloud.env;
    expect(await composed({ DATABASE_URL: DATABASE_URL! })).toMatchObject({
      role: 'all', database: 'postgres', store: 'local', events: 'postgres', searchCache: 'none', limits: 'none', auth: 'local-token',
    });
  });
});
