/**
 * Share links in the web UI against the real `trove serve`, listening on the network as an owner
 * who shares must (TROVE_HOST=0.0.0.0, TROVE_ALLOW_REMOTE=1; its own data folder). The owner opens
 * a picture, sees the warning, makes a 1-day link and copies it; a fresh browser with no sign-in
 * opens the link, sees the thumbnail (and nothing of the owner's other file) and downloads the
 * original byte for byte; the owner revokes it in Settings → Shared links; the visitor's reload
 * shows the revoked page (410). A collection's link from the library's side tree shows its files.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { png } from '../helpers/media.ts';
import { freePort, startServeProcess, type ServeProcess } from '../helpers/serve-process.ts';
import { openWithToken, shot } from './fixtures.ts';

const TOKEN = 'share-links-e2e-token-0123456789abcdef';
let dataDir: string;
let proc: ServeProcess | undefined;
let picture: Buffer;

test.describe.configure({ mode: 'serial' });

async function api<T>(method: string, pathname: string, body?: unknown): Promise<T> {
  const res = await fetch(`${proc!.url}/api/v1${pathname}`, {
    method, headers: { authorization: `Bearer ${TOKEN}`, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined,
  });
  return ((await res.json()) as { data: T }).data;
}

async function uploadAndWait(name: string, bytes: Buffer): Promise<string> {
  const form = new FormData();
  form.set('file', new Blob([new Uint8Array(bytes)]), name);
  const res = await fetch(`${proc!.url}/api/v1/upload`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` }, body: form });
  const id = ((await res.json()) as { data: { upload_id: string } }).data.upload_id;
  await expect.poll(async () => (await api<{ processing_status: string }>('GET', `/file/${id}/metadata`)).processing_status, { timeout: 60_000 }).toBe('completed');
  return id;
}

test.beforeAll(async () => {
  test.setTimeout(180_000);
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'trove-e2e-share-'));
  const port = await freePort();
  proc = await startServeProcess({
    TROVE_DATA_DIR: dataDir, TROVE_TOKEN: TOKEN, TROVE_EMBEDDER: 'hash',
    TROVE_HOST: '0.0.0.0', TROVE_ALLOW_REMOTE: '1', TROVE_PUBLIC_URL: `http://127.0.0.1:${port}`,
  }, { port });
  picture = await png(7, 320);
  await uploadAndWait('lighthouse.png', picture);
  await uploadAndWait('private-diary.txt', Buffer.from('Dear diary: nobody else should read this.\n'));
});
test.afterAll(async () => {
  await proc?.kill('SIGTERM');
  await fs.rm(dataDir, { recursive: true, force: true });
});

const open = (page: Page) => openWithToken(page, { url: proc!.url, token: TOKEN });

test('a link made in the detail view opens without sign-in, downloads the file, and stops when revoked', async ({ page, browser, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: proc!.url });
  await open(page);
  await page.getByRole('grid', { name: 'Recent files' }).getByRole('gridcell', { name: /^lighthouse\.png,/ }).click();
  const detail = page.getByRole('dialog', { name: 'lighthouse.png' });
  await expect(detail).toBeVisible();
  await detail.getByRole('button', { name: 'Share link…' }).click();

  const dialog = page.getByRole('dialog', { name: 'Share “lighthouse.png”' });
  await expect(dialog).toBeVisible();
  // Listening on the network: the warning comes before any link is made.
  await expect(dialog.getByRole('alert')).toContainText('Reachable from your network');
  await expect(dialog.getByRole('alert')).toContainText('TROVE_ALLOW_REMOTE=1');
  await dialog.getByRole('radio', { name: '1 day' }).check();
  await shot(page, '60-share-dialog-warning');
  await dialog.getByRole('button', { name: 'Create link' }).click();
  const field = dialog.getByRole('textbox', { name: /^Link/ });
  await expect(field).toHaveValue(/^http:\/\/127\.0\.0\.1:\d+\/s\/[A-Za-z0-9_-]{43}$/);
  const url = await field.inputValue();
  await dialog.getByRole('button', { name: 'Copy' }).click();
  await expect(dialog.getByRole('button', { name: 'Copied' })).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(url);
  await expect(dialog).toContainText('Expires');
  await shot(page, '61-share-dialog-link');
  await dialog.getByRole('button', { name: 'Done' }).click();
  await page.keyboard.press('Escape');

  // A visitor: a fresh browser context, no token anywhere.
  const visitor = await browser.newContext({ acceptDownloads: true });
  const guest = await visitor.newPage();
  const first = await guest.goto(url);
  expect(first!.status()).toBe(200);
  await expect(guest.getByRole('heading', { level: 1, name: 'lighthouse.png' })).toBeVisible();
  const thumb = guest.getByRole('img', { name: 'lighthouse.png' });
  await expect(thumb).toBeVisible();
  await expect.poll(() => thumb.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBeGreaterThan(0);
  expect(await guest.content()).not.toContain('private-diary');
  await shot(guest, '62-shared-page');
  const [download] = await Promise.all([guest.waitForEvent('download'), guest.getByRole('link', { name: 'Download' }).click()]);
  expect(download.suggestedFilename()).toBe('lighthouse.png');
  expect((await fs.readFile(await download.path())).equals(picture)).toBe(true);

  // The owner revokes it in Settings.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Settings' }).click();
  const section = page.getByRole('group', { name: 'Shared links' });
  await expect(section).toContainText('File: lighthouse.png');
  await section.getByRole('button', { name: 'Revoke the link to lighthouse.png' }).click();
  await expect(section).toContainText('Revoked');
  await shot(page, '63-settings-shared-links');

  const again = await guest.reload();
  expect(again!.status()).toBe(410);
  await expect(guest.getByRole('heading', { level: 1, name: 'This link was revoked' })).toBeVisible();
  await shot(guest, '64-shared-page-revoked');
  await visitor.close();
});

test('a collection\'s link, made from the library\'s side tree, shows the collection\'s files only', async ({ page, browser }) => {
  const ids = (await api<{ uploads: { id: string; filename: string }[] }>('GET', '/uploads?limit=10')).uploads;
  const collection = await api<{ id: string }>('POST', '/collections', { name: 'Coast' });
  await api('POST', `/collections/${collection.id}/items`, { upload_ids: ids.filter((u) => u.filename === 'lighthouse.png').map((u) => u.id) });
  await open(page);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Library' }).click();
  await page.getByRole('navigation', { name: 'Collections and folders' }).getByRole('button', { name: /^Coast/ }).click();
  await page.getByRole('group', { name: 'Collection Coast' }).getByRole('button', { name: 'Share link…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Share “Coast”' });
  await dialog.getByRole('button', { name: 'Create link' }).click();
  const url = await dialog.getByRole('textbox', { name: /^Link/ }).inputValue();
  expect(url).toMatch(/\/s\/[A-Za-z0-9_-]{43}$/);

  const visitor = await browser.newContext();
  const guest = await visitor.newPage();
  await guest.goto(url);
  await expect(guest.getByRole('heading', { level: 1, name: 'Coast' })).toBeVisible();
  await expect(guest.getByRole('listitem')).toHaveCount(1);
  await expect(guest.getByRole('img', { name: 'lighthouse.png' })).toBeVisible();
  expect(await guest.content()).not.toContain('private-diary');
  await visitor.close();
});
