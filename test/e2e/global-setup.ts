import { execFileSync } from 'node:child_process';
import { startTestServer } from '../helpers/server.ts';

/**
 * Builds the web UI (unless TROVE_E2E_SKIP_BUILD=1) and starts the real server on a fresh data dir;
 * the specs find it through TROVE_E2E_URL / TROVE_E2E_TOKEN. Returns the teardown.
 */
export default async function globalSetup(): Promise<() => Promise<void>> {
  if (process.env.TROVE_E2E_SKIP_BUILD !== '1') {
    execFileSync('npm', ['run', 'build:web', '--silent'], { stdio: 'inherit' });
  }
  const server = await startTestServer();
  process.env.TROVE_E2E_URL = server.url;
  process.env.TROVE_E2E_TOKEN = server.token;
  return async () => {
    await server.close();
  };
}
