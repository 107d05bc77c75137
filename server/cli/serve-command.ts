import { ConfigError, loadConfig, type Config } from '../config.ts';
import { tokenPath } from '../local-secrets.ts';
import { webUiAvailable } from '../http/web-ui.ts';
import type { RunningServer } from '../serve.ts';
import { Cleanups } from '../cleanups.ts';
import { startEarly } from '../start-early.ts';

/** `trove serve [--role all|api|worker]`: runs until SIGINT/SIGTERM, then shuts down in order. */
export async function serveCommand(opts: { role?: 'all' | 'api' | 'worker' } = {}): Promise<void> {
  let config;
  let server;
  try {
    // --role wins over TROVE_ROLE; config.ts validates it with the rest (api/worker need DATABASE_URL).
    config = loadConfig(opts.role ? { ...process.env, TROVE_ROLE: opts.role } : process.env);
    // The port answers (health: `starting`) before the server's modules, the database and the
    // models load; serve.ts, which imports all of them, is loaded only after it listens.
    const cleanups = new Cleanups();
    const listener = await startEarly(config, cleanups).catch(async (err: unknown) => {
      await cleanups.run();
      throw err;
    });
    const { startServer } = await import('../serve.ts');
    // Some settings can only be checked against what they point at (a key file, pgvector on the server).
    server = await startServer(config, {}, { listener, cleanups });
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  process.stderr.write(await banner(server, config));
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      process.stderr.write('Forced exit.\n');
      process.exit(1);
    }
    stopping = true;
    process.stderr.write(`${signal}: finishing in-flight work, then stopping…\n`);
    server.close().then(() => process.exit(0), (err: unknown) => {
      process.stderr.write(`Shutdown failed: ${String(err)}\n`);
      process.exit(1);
    });
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

async function banner(server: RunningServer, config: Config): Promise<string> {
  if (server.role === 'worker') return `Trove worker is running (health: ${server.url}/api/v1/health, metrics: ${server.url}/api/v1/metrics)\n`;
  // The token travels in the fragment, which the browser never sends to a server; the page moves it
  // into session storage and removes it from the address bar.
  const link = `${server.url}/#token=${encodeURIComponent(server.token)}`;
  return `Trove ${server.role === 'api' ? 'API ' : ''}is running at ${server.url}/ (API docs: ${server.url}/api/v1/docs)\n` +
    `Data folder: ${config.dataDir}\n` +
    `Access token: ${config.token ? 'from TROVE_TOKEN' : tokenPath(config.dataDir)}\n` +
    (await webUiAvailable()
      ? `Open Trove in your browser: ${link}\n`
      : `Web UI not built (run "npm run build:web"); once built, open: ${link}\n`);
}
