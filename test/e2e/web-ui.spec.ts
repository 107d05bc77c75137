/**
 * The web UI against the real server: token handover, drop → upload → processing → search →
 * detail → delete, keyboard use, and the main screens captured under test-results/screenshots/.
 */
import { expect, test } from '@playwright/test';
import { jpegWithExif, mp3WithTags, mp4, pdfWithText, truncated } from '../helpers/media.ts';
import { dragFilesOver, openWithToken, server, shot, type DropFile } from './fixtures.ts';

test.describe.configure({ mode: 'serial' });

let files: DropFile[];

test.beforeAll(async () => {
  files = [
    { name: 'harbour-sunset.jpg', type: 'image/jpeg', bytes: await jpegWithExif({ make: 'Fujifilm', model: 'X-T4', width: 800, height: 600, color: '#e07a3f' }) },
    { name: 'zanzibar-invoice.pdf', type: 'application/pdf', bytes: await pdfWithText(['Invoice 2024-117', 'Zanzibar spice cooperative', 'Cloves, cardamom and nutmeg', 'Total due: 1,240.00 EUR'], 'Zanzibar invoice') },
    { name: 'meeting-notes.txt', type: 'text/plain', bytes: Buffer.from('Quarterly planning notes\n\nWe agreed to migrate the archive to the new lighthouse server before the autumn.\n') },
    { name: 'test-pattern.mp4', type: 'video/mp4', bytes: await mp4(2) },
    { name: 'morning-tone.mp3', type: 'audio/mpeg', bytes: await mp3WithTags({ title: 'Morning tone', artist: 'Trove Test Band', album: 'Fixtures' }) },
  ];
});

async function api<T>(pathname: string, init: RequestInit = {}): Promise<T> {
  const { url, token } = server();
  const res = await fetch(`${url}${pathname}`, { ...init, headers: { authorization: `Bearer ${token}`, ...(init.headers as Record<string, string> | undefined) } });
  return ((await res.json()) as { data: T }).data;
}


test('without a token the page explains how to connect, and a pasted link connects', async ({ page }) => {
  const { url, token } = server();
  await page.goto(url);
  await expect(page.getByRole('heading', { name: 'Connect to your Trove' })).toBeVisible();
  await expect(page.getByText('npx trove serve')).toBeVisible();
  await shot(page, '01-connect');

  await page.getByLabel('Access link or token').fill('not-the-right-token-at-all');
  await page.getByRole('button', { name: 'Connect' }).click();
  await expect(page.getByRole('alert')).toContainText('not accepted');

  await page.getByLabel('Access link or token').fill(`${url}/#token=${token}`);
  await page.getByRole('button', { name: 'Connect' }).click();
  await expect(page.getByRole('searchbox', { name: 'Search your files…' })).toBeVisible();
});

test('the token in the link is taken from the URL and kept out of it', async ({ page }) => {
  const { url, token } = server();
  await openWithToken(page);
  expect(page.url()).toBe(`${url}/`);
  expect(page.url()).not.toContain(token);
  expect(await page.evaluate(() => sessionStorage.getItem('trove.token'))).toBe(token);
  expect(await page.evaluate(() => localStorage.getItem('trove.token'))).toBeNull();
  // Reloading keeps the session (sessionStorage), still without the token in the address bar.
  await page.reload();
  await expect(page.getByRole('searchbox', { name: 'Search your files…' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Your Trove is empty' })).toBeVisible();
  await shot(page, '02-empty');
});

test('the page is served with a strict Content-Security-Policy', async ({ page }) => {
  const { url } = server();
  const res = await page.request.get(`${url}/`);
  expect(res.status()).toBe(200);
  const csp = res.headers()['content-security-policy'] ?? '';
  for (const part of ["default-src 'self'", "script-src 'self'", "connect-src 'self'", "frame-ancestors 'none'", "img-src 'self' data: blob:"]) {
    expect(csp).toContain(part);
  }
  // Unknown app paths get the page; unknown API paths stay JSON 404s.
  expect((await page.request.get(`${url}/library/anything`)).headers()['content-type']).toContain('text/html');
  expect((await page.request.get(`${url}/api/v1/nope`)).status()).toBe(404);
  expect((await page.request.get(`${url}/assets/..%2f..%2fpackage.json`)).status()).toBe(404);
});

test('dropped files upload, process, become searchable, open in detail and can be deleted', async ({ page }) => {
  await openWithToken(page);
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  const failed: string[] = [];
  page.on('response', (r) => { if (r.status() >= 400) failed.push(`${r.status()} ${new URL(r.url()).pathname}`); });

  const drag = await dragFilesOver(page, files);
  await expect(page.getByTestId('drop-overlay')).toHaveClass(/is-visible/);
  await expect(page.getByText('Drop to add to your Trove')).toBeVisible();
  await shot(page, '03-drop-target');
  await drag.drop();
  await expect(page.getByTestId('drop-overlay')).not.toHaveClass(/is-visible/);

  const panel = page.getByRole('complementary', { name: 'Uploads' });
  await expect(panel).toBeVisible();
  for (const f of files) await expect(panel.getByRole('listitem', { name: new RegExp(`^${f.name}:`) })).toBeVisible();
  await shot(page, '04-uploading');

  for (const f of files) {
    await expect(panel.getByRole('listitem', { name: `${f.name}: Completed` })).toBeVisible({ timeout: 60_000 });
  }
  await expect(panel.getByText('All done')).toBeVisible();
  await expect(page.getByRole('grid', { name: 'Recent files' }).getByRole('gridcell')).toHaveCount(files.length);
  await shot(page, '05-uploaded');

  // Dropping the same file again is recognised as already there.
  const again = await dragFilesOver(page, [files[2]!]);
  await again.drop();
  await expect(panel.getByRole('listitem', { name: 'meeting-notes.txt: Already in your Trove' })).toBeVisible();
  await panel.getByRole('button', { name: 'Clear finished' }).click();
  await expect(panel).toBeHidden();

  // Search as you type.
  const search = page.getByRole('searchbox', { name: 'Search your files…' });
  await search.fill('zanzibar spice');
  const results = page.getByRole('grid', { name: 'Search results' });
  await expect(results.getByRole('gridcell').first()).toHaveAccessibleName(/zanzibar-invoice\.pdf/);
  await expect(page.getByRole('status').filter({ hasText: /results? for “zanzibar spice”/ })).toBeVisible();
  await page.getByRole('button', { name: 'Documents', pressed: false }).click();
  await expect(page.getByRole('button', { name: 'Documents', pressed: true })).toBeVisible();
  await expect(results.getByRole('gridcell').first()).toHaveAccessibleName(/zanzibar-invoice\.pdf/);
  await shot(page, '06-search-results');
  await page.getByRole('button', { name: 'Documents', pressed: true }).click();

  // Detail view.
  await results.getByRole('gridcell', { name: /zanzibar-invoice\.pdf/ }).click();
  const dialog = page.getByRole('dialog', { name: 'zanzibar-invoice.pdf' });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole('heading', { name: 'Text' })).toBeVisible();
  await expect(dialog.locator('pre.extracted-text')).toContainText('Zanzibar spice cooperative');
  await expect(dialog.getByRole('button', { name: 'Download' })).toBeEnabled();
  // The server answers GET /search/similar/{id}, so the action is offered.
  await expect(dialog.getByRole('button', { name: 'Find similar' })).toBeVisible();
  await expect(dialog.locator('.document-page img')).toHaveJSProperty('complete', true);
  await shot(page, '07-detail-document');

  // Delete, behind a confirmation.
  await dialog.getByRole('button', { name: 'Delete' }).click();
  const confirm = page.getByRole('alertdialog', { name: 'Delete “zanzibar-invoice.pdf”?' });
  await expect(confirm).toBeVisible();
  await expect(confirm.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await shot(page, '08-confirm-delete');
  await confirm.getByRole('button', { name: 'Delete' }).click();
  await expect(confirm).toBeHidden();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole('status').filter({ hasText: 'Deleted “zanzibar-invoice.pdf”.' })).toBeVisible();
  await expect(results.getByRole('gridcell', { name: /zanzibar-invoice\.pdf/ })).toHaveCount(0);

  // Gone from the server too: the same search no longer finds it.
  await search.fill('');
  await search.fill('zanzibar spice');
  await expect(page.getByRole('status').filter({ hasText: /for “zanzibar spice”/ })).toBeVisible();
  await expect(page.getByRole('gridcell', { name: /zanzibar-invoice\.pdf/ })).toHaveCount(0);
  const list = await api<{ uploads: { filename: string }[] }>('/api/v1/uploads?limit=100');
  expect(list.uploads.map((u) => u.filename).sort()).toEqual(files.map((f) => f.name).filter((n) => n !== 'zanzibar-invoice.pdf').sort());

  expect(pageErrors).toEqual([]);
  expect(failed).toEqual([]);
});

test('keyboard: / focuses search, arrows move through the grid, Enter opens, Esc closes, Delete asks', async ({ page }) => {
  await openWithToken(page);
  const grid = page.getByRole('grid', { name: 'Recent files' });
  await expect(grid.getByRole('gridcell')).toHaveCount(files.length - 1);

  await page.keyboard.press('/');
  await expect(page.getByRole('searchbox', { name: 'Search your files…' })).toBeFocused();
  await page.keyboard.press('ArrowDown');
  const cells = grid.getByRole('gridcell');
  await expect(cells.nth(0)).toBeFocused();
  await page.keyboard.press('ArrowRight');
  await expect(cells.nth(1)).toBeFocused();
  const name = (await cells.nth(1).getAttribute('aria-label'))!.split(',')[0]!;
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog', { name });
  await expect(dialog).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(cells.nth(1)).toBeFocused();

  await page.keyboard.press('Delete');
  const confirm = page.getByRole('alertdialog', { name: `Delete “${name}”?` });
  await expect(confirm).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(confirm).toBeHidden();
  await expect(grid.getByRole('gridcell')).toHaveCount(files.length - 1);

  await page.keyboard.press('Control+k');
  await expect(page.getByRole('searchbox', { name: 'Search your files…' })).toBeFocused();
});

test('media detail views, library, settings, and dark mode', async ({ page }) => {
  await openWithToken(page);
  const grid = page.getByRole('grid', { name: 'Recent files' });

  await grid.getByRole('gridcell', { name: /harbour-sunset\.jpg/ }).click();
  const image = page.getByRole('dialog', { name: 'harbour-sunset.jpg' });
  await expect(image.locator('.image-viewer img')).toHaveJSProperty('naturalWidth', 800);
  await expect(image.getByText('Fujifilm').first()).toBeVisible();
  await shot(page, '09-detail-image');
  const download = page.waitForEvent('download');
  await image.getByRole('button', { name: 'Download' }).click();
  expect((await download).suggestedFilename()).toBe('harbour-sunset.jpg');
  await page.keyboard.press('Escape');

  await grid.getByRole('gridcell', { name: /test-pattern\.mp4/ }).click();
  const video = page.getByRole('dialog', { name: 'test-pattern.mp4' });
  const player = video.locator('video');
  await expect(player).toHaveJSProperty('readyState', 4, { timeout: 15_000 });
  // Seeking works (the signed link serves byte ranges).
  await player.evaluate((v: HTMLVideoElement) => { v.currentTime = 1.5; });
  await expect.poll(() => player.evaluate((v: HTMLVideoElement) => v.currentTime)).toBeGreaterThan(1);
  await shot(page, '10-detail-video');
  await page.keyboard.press('Escape');

  await grid.getByRole('gridcell', { name: /morning-tone\.mp3/ }).click();
  const audio = page.getByRole('dialog', { name: 'morning-tone.mp3' });
  await expect(audio.locator('audio')).toHaveJSProperty('readyState', 4, { timeout: 15_000 });
  await expect(audio.locator('.waveform img')).toBeVisible();
  await shot(page, '11-detail-audio');
  await page.keyboard.press('Escape');

  // Hovering a video plays its preview, muted.
  await grid.getByRole('gridcell', { name: /test-pattern\.mp4/ }).hover();
  const preview = grid.locator('video.card-preview');
  await expect(preview).toHaveJSProperty('muted', true);
  await page.mouse.move(5, 5);

  await page.getByRole('button', { name: 'Library' }).click();
  await expect(page.getByRole('heading', { name: 'Library' })).toBeVisible();
  await expect(page.getByRole('table').getByRole('row')).toHaveCount(files.length);
  await page.getByLabel('Type').selectOption('audio');
  await expect(page.getByRole('table').getByRole('row')).toHaveCount(2);
  await page.getByLabel('Type').selectOption('');
  await shot(page, '12-library');

  await page.getByRole('button', { name: 'Settings' }).click();
  await expect(page.getByRole('heading', { name: 'Settings' })).toBeVisible();
  await expect(page.getByRole('group', { name: 'Watched folders' })).toHaveCount(0);
  await shot(page, '13-settings');
  await page.getByRole('radio', { name: 'Dark' }).check();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(grid.getByRole('gridcell')).toHaveCount(files.length - 1);
  await shot(page, '14-dark-search');
  await page.getByRole('button', { name: 'Settings' }).click();
  await page.getByRole('radio', { name: 'Match my system' }).check();
  await expect(page.locator('html')).not.toHaveAttribute('data-theme', /.+/);

  // The OS preference alone switches too.
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.getByRole('button', { name: 'Library' }).click();
  await shot(page, '15-dark-library');
});

test('failures show their reason and a suggested action, and can be retried (panel and library)', async ({ page }) => {
  await openWithToken(page);
  const broken = truncated(files[0]!.bytes, 0.4);
  const drag = await dragFilesOver(page, [
    { name: 'cut-off.jpg', type: 'image/jpeg', bytes: broken },
    { name: 'program.bin', type: 'application/octet-stream', bytes: Buffer.from('MZ\x90\x00 not a media file at all, just bytes '.repeat(40)) },
  ]);
  await drag.drop();
  const panel = page.getByRole('complementary', { name: 'Uploads' });
  const unsupported = panel.getByRole('listitem', { name: /^program\.bin: Failed: / });
  await expect(unsupported).toBeVisible();
  await expect(unsupported).toContainText('Convert the file');
  const corrupt = panel.getByRole('listitem', { name: /^cut-off\.jpg: Failed: / });
  await expect(corrupt).toBeVisible({ timeout: 60_000 });
  await expect(corrupt).toContainText('damaged');
  await expect(panel.getByText('2 failed').first()).toBeVisible();
  await shot(page, '16-upload-failures');

  // Retrying a processing failure asks the server to process the stored bytes again.
  const retried = page.waitForResponse((r) => /\/api\/v1\/upload\/[^/]+\/retry$/.test(r.url()) && r.status() === 202);
  await corrupt.getByRole('button', { name: 'Retry cut-off.jpg' }).click();
  await retried;
  await expect(panel.getByRole('listitem', { name: /^cut-off\.jpg: Failed: / })).toBeVisible({ timeout: 60_000 });

  await page.getByRole('button', { name: 'Library' }).click();
  await page.getByLabel('Status').selectOption('failed');
  const table = page.getByRole('table');
  await expect(table.getByRole('row')).toHaveCount(2);
  await expect(table).toContainText('cut-off.jpg');
  await shot(page, '17-library-failed');
  const again = page.waitForResponse((r) => /\/retry$/.test(r.url()) && r.status() === 202);
  await table.getByRole('button', { name: 'Retry cut-off.jpg' }).click();
  await again;
  await expect(table.getByRole('button', { name: 'Retry cut-off.jpg' })).toBeVisible({ timeout: 60_000 });
});
