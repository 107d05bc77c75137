import fs from 'node:fs/promises';
import type { Cleanups } from './cleanups.ts';
import type { Config } from './config.ts';
import { lockDataDir } from './db/data-dir-lock.ts';
import { openStartListener, type StartListener } from './http/start-listener.ts';
import { serverInfoPath } from './local-secrets.ts';
import { VERSION } from './version.ts';

/**
 * The first steps of `trove serve`, which need none of the heavy modules (database, models, Fastify):
 * take the data dir, listen, and tell clients where (server.json). The serve command runs them
 * before it loads the rest, so the port answers `starting` within a few hundred milliseconds.
 */
export async function startEarly(config: Config, cleanups: Cleanups): Promise<StartListener> {
  await fs.mkdir(config.dataDir, { recursive: true, mode: 0o700 });
  // The embedded database belongs to one process; with a server, several share the data dir.
  // Taken before server.json is written, so a second process never points clients at itself.
  if (!config.databaseUrl) cleanups.add(await lockDataDir(config.dataDir));
  // Until the app is ready, health says `starting` and other calls answer 503 SERVICE_STARTING.
  const listener = await openStartListener({ host: config.host, port: config.port, version: VERSION, mode: config.role === 'worker' ? 'worker' : config.mode });
  cleanups.add(() => listener.close());
  // server.json tells the CLI and desktop app where the one local server is; processes sharing a
  // database and data dir would overwrite each other's.
  if (config.role === 'all') {
    await fs.writeFile(serverInfoPath(config.dataDir), JSON.stringify({ url: listener.url, pid: process.pid, version: VERSION }), { mode: 0o600 });
    cleanups.add(() => fs.rm(serverInfoPath(config.dataDir), { force: true }));
  }
  return listener;
}
