import { ConfigError, loadConfig } from '../config.ts';
import { tokenPath } from '../local-secrets.ts';
import { webUiAvailable } from '../http/web-ui.ts';
import { startServer } from '../serve.ts';

/** `trove serve`: runs the embedded default until SIGINT/SIGTERM, then shuts down in order. */
export async function serveCommand(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const server = await startServer(config);
  // The token travels in the fragment, which the browser never sends to a server; the page moves it
  // into session storage and removes it from the address bar.
  const link = `${server.url}/#token=${encodeURIComponent(server.token)}`;
  process.stderr.write(
    `Trove is running at ${server.url}/ (API docs: ${server.url}/api/v1/docs)\n` +
    `Data folder: ${config.dataDir}\n` +
    `Access token: ${config.token ? 'from TROVE_TOKEN' : tokenPath(config.dataDir)}\n` +
    (await webUiAvailable()
      ? `Open Trove in your browser: ${link}\n`
      : `Web UI not built (run "npm run build:web"); once built, open: ${link}\n`),
  );
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
