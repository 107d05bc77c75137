/**
 * Cloud-mode sign-in end to end: the Firebase Auth emulator, a cloud-mode `trove serve` trusting it
 * (FIREBASE_PROJECT_ID + FIREBASE_AUTH_EMULATOR_HOST), and the web page signing in with Firebase's
 * web SDK: new accounts confirm their address, passwords can be reset, Google opens its popup flow.
 * Each account sees only its own files.
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

/** The links the emulator would have emailed (confirmation, password reset), newest last. */
async function emailedLinks(email: string, requestType: 'VERIFY_EMAIL' | 'PASSWORD_RESET'): Promise<{ oobCode: string; oobLink: string }[]> {
  const res = await fetch(`http://${authHost}/emulator/v1/projects/${PROJECT}/oobCodes`);
  const { oobCodes } = await res.json() as { oobCodes: { email: string; requestType: string; oobCode: string; oobLink: string }[] };
  return oobCodes.filter((c) => c.email === email && c.requestType === requestType);
}

/** Creates an account in the page, opens the emailed confirmation link in another tab, and continues. */
async function createAccount(page: Page, email: string): Promise<void> {
  await expect(page.getByRole('heading', { name: 'Sign in to Trove' })).toBeVisible();
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('correct horse battery');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByRole('heading', { name: 'Confirm your email address' })).toBeVisible();
  const [link] = await emailedLinks(email, 'VERIFY_EMAIL');
  expect(link).toBeDefined();
  const mail = await page.context().newPage();
  await mail.goto(link!.oobLink);
  await expect(mail.locator('body')).toContainText('verified');
  await mail.close();
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByRole('searchbox', { name: 'Search your files…' })).toBeVisible();
}

test('sign up (confirming the address), upload, search, reload, sign out; a second account sees nothing of the first', async ({ page }) => {
  test.setTimeout(180_000);
  const url = proc!.url;
  const config = await (await fetch(`${url}/api/v1/auth/config`)).json() as { data: { mode: string; firebase: { emulator_url: string | null } | null } };
  expect(config.data.mode).toBe('cloud');
  expect(config.data.firebase?.emulator_url).toBe(`http://${authHost}`);

  const res = await page.goto(`${url}/`);
  const csp = res?.headers()['content-security-policy'] ?? '';
  expect(csp).toContain(`connect-src 'self' http://${authHost}`);
  // Google's popup: its API loader and its helper frame (the emulator's, here).
  expect(csp).toContain("script-src 'self' https://apis.google.com");
  expect(csp).toContain(`frame-src 'self' http://${authHost}`);
  await expect(page.getByRole('heading', { name: 'Sign in to Trove' })).toBeVisible();
  await shot(page, 'signin-01-screen');

  // A wrong password for an unknown account is explained, and the screen stays.
  await page.getByLabel('Email').fill('nobody@example.com');
  await page.getByLabel('Password').fill('whatever123');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toContainText(/not right|No account/);
  await shot(page, 'signin-02-error');

  await page.getByLabel('Email').fill('');
  await page.getByLabel('Password').fill('');
  await page.getByLabel('Email').fill('ada@example.com');
  await page.getByLabel('Password').fill('correct horse battery');
  await page.getByRole('button', { name: 'Create account' }).click();
  // Not in yet: the address must be confirmed first.
  await expect(page.getByRole('heading', { name: 'Confirm your email address' })).toBeVisible();
  await expect(page.getByText('ada@example.com')).toBeVisible();
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByRole('alert')).toContainText(/not confirmed yet/);
  await shot(page, 'signin-03-confirm-email');
  const mail = await page.context().newPage();
  await mail.goto((await emailedLinks('ada@example.com', 'VERIFY_EMAIL'))[0]!.oobLink);
  await mail.close();
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByRole('searchbox', { name: 'Search your files…' })).toBeVisible();

  await dropBytes(page, { name: 'zanzibar-notes.txt', type: 'text/plain', bytes: Buffer.from('Zanzibar spice cooperative: cloves, nutmeg and cinnamon for the winter market.\n') });
  const panel = page.getByRole('complementary', { name: 'Uploads' });
  await expect(panel.getByRole('listitem', { name: 'zanzibar-notes.txt: Completed' })).toBeVisible({ timeout: 60_000 });
  const search = page.getByRole('searchbox', { name: 'Search your files…' });
  await search.fill('zanzibar spice');
  await expect(page.getByRole('grid', { name: 'Search results' }).getByRole('gridcell').first()).toHaveAccessibleName(/zanzibar-notes\.txt/);
  await shot(page, 'signin-04-signed-in-search');

  // The SDK keeps the sign-in in sessionStorage, never localStorage; a reload keeps it.
  expect(await page.evaluate(() => Object.keys(sessionStorage).filter((k) => k.startsWith('firebase:authUser:')).length)).toBe(1);
  expect(await page.evaluate(() => Object.keys(localStorage).filter((k) => /auth|token|firebase/i.test(k)))).toEqual([]);
  await page.reload();
  await expect(page.getByRole('searchbox', { name: 'Search your files…' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Sign in to Trove' })).toHaveCount(0);

  await page.getByRole('button', { name: 'Settings' }).click();
  await expect(page.getByText('ada@example.com')).toBeVisible();
  await shot(page, 'signin-05-settings-account');
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('heading', { name: 'Sign in to Trove' })).toBeVisible();

  await createAccount(page, 'grace@example.com');
  await expect(page.getByRole('heading', { name: 'Your Trove is empty' })).toBeVisible();
  await page.getByRole('searchbox', { name: 'Search your files…' }).fill('zanzibar spice');
  await expect(page.getByRole('status').filter({ hasText: /0 results for/ })).toBeVisible();
  await shot(page, 'signin-06-second-account-empty');
});

test('a forgotten password: the emailed link sets a new one, and the new one signs in', async ({ page }) => {
  await page.goto(`${proc!.url}/`);
  await page.getByLabel('Email').fill('ada@example.com');
  await page.getByRole('button', { name: 'Forgot your password?' }).click();
  await expect(page.getByRole('status').filter({ hasText: /If an account uses ada@example\.com/ })).toBeVisible();
  await shot(page, 'signin-07-password-reset-sent');
  const [reset] = await emailedLinks('ada@example.com', 'PASSWORD_RESET');
  // What the page behind the emailed link does: set the new password with the link's code.
  const done = await fetch(`http://${authHost}/identitytoolkit.googleapis.com/v1/accounts:resetPassword?key=any`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ oobCode: reset!.oobCode, newPassword: 'a brand new passphrase' }),
  });
  expect(done.status).toBe(200);
  await page.getByLabel('Password').fill('correct horse battery');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toContainText(/not right/);
  await page.getByLabel('Password').fill('a brand new passphrase');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('searchbox', { name: 'Search your files…' })).toBeVisible();
});

test('Google in the browser opens Firebase\'s popup flow; when Google cannot be reached it says so', async ({ page }) => {
  // No internet here: Google's API loader, which the popup flow needs, is refused — as a network outage would.
  const loader: string[] = [];
  await page.route('https://apis.google.com/**', (route) => {
    loader.push(route.request().url());
    return route.abort('internetdisconnected');
  });
  const csp: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) csp.push(m.text());
  });
  await page.goto(`${proc!.url}/`);
  await page.getByRole('button', { name: 'Continue with Google' }).click();
  await expect(page.getByRole('alert')).toContainText(/Google’s sign-in could not be loaded/);
  // The SDK asked for the loader (the page's CSP let it), and nothing was refused by the CSP.
  expect(loader.some((u) => u.startsWith('https://apis.google.com/js/api.js'))).toBe(true);
  expect(csp).toEqual([]);
  await expect(page.getByRole('heading', { name: 'Sign in to Trove' })).toBeVisible();
  await shot(page, 'signin-08-google-unreachable');
});
