/**
 * Cloud-mode sign-in end to end: the Firebase Auth emulator, a cloud-mode `trove serve` trusting it
 * (FIREBASE_PROJECT_ID + FIREBASE_AUTH_EMULATOR_HOST), and the web page signing in with email and
 * password through Firebase's REST API. Each account sees only its own files.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { freePort, repoRoot, startServeProcess, type ServeProcess } from '../helpers/serve-process.ts';
import { dropBytes, shot } from './fixtures.ts';

const PROJECT = 'demo-trove';
let tmp: string;
let emulator: ChildProcess | undefined;
let emulatorLog = '';
let authHost: string;
let proc: ServeProcess | undefined;

/** `firebase emulators:start --only auth` in a folder of its own (firebase.json: host, port, no UI). */
async function startAuthEmulator(): Promise<string> {
  const port = await freePort();
  const dir = path.join(tmp, 'firebase');
  await fs.mkdir(dir, { recursive: true });
  await fs.writeFile(path.join(dir, 'firebase.json'), JSON.stringify({ emulators: { auth: { host: '127.0.0.1', port }, ui: { enabled: false }, singleProjectMode: true } }));
  emulator = spawn(path.join(repoRoot, 'node_modules/.bin/firebase'), ['emulators:start', '--only', 'auth', '--project', PROJECT], {
    cwd: dir,
    // No update checks or analytics prompts: this machine is offline.
    env: { ...process.env, CI: '1', NO_UPDATE_NOTIFIER: '1', FIREBASE_CLI_DISABLE_UPDATE_CHECK: 'true' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  emulator.stdout?.on('data', (d: Buffer) => (emulatorLog += d.toString()));
  emulator.stderr?.on('data', (d: Buffer) => (emulatorLog += d.toString()));
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (emulator.exitCode !== null) throw new Error(`the Auth emulator exited: ${emulatorLog}`);
    if (await fetch(`http://127.0.0.1:${port}/`).then(() => true, () => false)) return `127.0.0.1:${port}`;
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`the Auth emulator did not start: ${emulatorLog}`);
}

test.beforeAll(async () => {
  test.setTimeout(240_000);
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'trove-e2e-signin-'));
  authHost = await startAuthEmulator();
  proc = await startServeProcess({
    TROVE_DATA_DIR: path.join(tmp, 'data'), TROVE_EMBEDDER: 'hash',
    FIREBASE_PROJECT_ID: PROJECT, FIREBASE_AUTH_EMULATOR_HOST: authHost,
  });
});
test.afterAll(async () => {
  await proc?.kill('SIGKILL');
  // The emulator runs Java-less node children: end its whole process group (it was started detached).
  if (emulator?.pid && emulator.exitCode === null) {
    try {
      process.kill(-emulator.pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
  await fs.rm(tmp, { recursive: true, force: true });
});

async function createAccount(page: Page, email: string): Promise<void> {
  await expect(page.getByRole('heading', { name: 'Sign in to Trove' })).toBeVisible();
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('correct horse battery');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByRole('searchbox', { name: 'Search your files…' })).toBeVisible();
}

test('sign up, upload, search, sign out; a second account sees nothing of the first', async ({ page }) => {
  test.setTimeout(180_000);
  const url = proc!.url;
  const config = await (await fetch(`${url}/api/v1/auth/config`)).json() as { data: { mode: string; firebase: { emulator_url: string | null } | null } };
  expect(config.data.mode).toBe('cloud');
  expect(config.data.firebase?.emulator_url).toBe(`http://${authHost}`);

  const res = await page.goto(`${url}/`);
  expect(res?.headers()['content-security-policy']).toContain(`connect-src 'self' http://${authHost}`);
  await expect(page.getByRole('heading', { name: 'Sign in to Trove' })).toBeVisible();
  await shot(page, 'signin-01-screen');

  // A wrong password for an unknown account is explained, and the screen stays.
  await page.getByLabel('Email').fill('nobody@example.com');
  await page.getByLabel('Password').fill('whatever123');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toContainText(/not right|No account/);
  await shot(page, 'signin-02-error');

  await page.getByLabel('Email').fill('');
  await createAccount(page, 'ada@example.com');
  await dropBytes(page, { name: 'zanzibar-notes.txt', type: 'text/plain', bytes: Buffer.from('Zanzibar spice cooperative: cloves, nutmeg and cinnamon for the winter market.\n') });
  const panel = page.getByRole('complementary', { name: 'Uploads' });
  await expect(panel.getByRole('listitem', { name: 'zanzibar-notes.txt: Completed' })).toBeVisible({ timeout: 60_000 });
  const search = page.getByRole('searchbox', { name: 'Search your files…' });
  await search.fill('zanzibar spice');
  await expect(page.getByRole('grid', { name: 'Search results' }).getByRole('gridcell').first()).toHaveAccessibleName(/zanzibar-notes\.txt/);
  await shot(page, 'signin-03-signed-in-search');

  // The refresh token is in sessionStorage, never localStorage.
  expect(await page.evaluate(() => sessionStorage.getItem('trove.auth'))).toContain('refreshToken');
  expect(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.includes('auth') || k.includes('token')))).toEqual([]);

  await page.getByRole('button', { name: 'Settings' }).click();
  await expect(page.getByText('ada@example.com')).toBeVisible();
  await shot(page, 'signin-04-settings-account');
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('heading', { name: 'Sign in to Trove' })).toBeVisible();

  await createAccount(page, 'grace@example.com');
  await expect(page.getByRole('heading', { name: 'Your Trove is empty' })).toBeVisible();
  await page.getByRole('searchbox', { name: 'Search your files…' }).fill('zanzibar spice');
  await expect(page.getByRole('status').filter({ hasText: /0 results for/ })).toBeVisible();
  await shot(page, 'signin-05-second-account-empty');
});
