/**
 * A ZIP dropped on the web UI: sent as one archive, shown as one row in the upload panel that
 * expands to its entries — each with its state as the server unpacks and processes it (live
 * events), a skipped entry with its reason — and the files land in the library with their folders.
 */
import { expect, test } from '@playwright/test';
import { png } from '../helpers/media.ts';
import { buildZip } from '../helpers/zip-builder.ts';
import { dropBytes, openWithToken, server, shot } from './fixtures.ts';

test('a dropped ZIP becomes one batch row that expands to its entries', async ({ page }) => {
  test.setTimeout(120_000);
  const zip = await buildZip([
    { name: 'Summer 2023/Beach/sunset.png', data: await png(9001, 48), compress: false },
    { name: 'Summer 2023/packing list.txt', data: Buffer.from('Packing list for the zip test: towel, sunscreen, a kite.\n') },
    { name: 'Summer 2023/readme.exe', data: Buffer.from('MZ definitely not a program') },
  ]);
  await openWithToken(page);
  await dropBytes(page, { name: 'summer-photos.zip', type: 'application/zip', bytes: zip });

  const panel = page.getByRole('complementary', { name: 'Uploads' });
  await expect(panel.getByRole('listitem', { name: 'summer-photos.zip: Archive sent' })).toBeVisible({ timeout: 30_000 });
  const toggle = panel.getByRole('button', { name: 'Show entries of summer-photos.zip' });
  await expect(toggle).toHaveAttribute('aria-expanded', 'false');
  await toggle.click();
  await expect(panel.getByRole('button', { name: 'Hide entries' })).toHaveAttribute('aria-expanded', 'true');

  const entries = panel.getByRole('list', { name: 'Entries of summer-photos.zip' });
  await expect(entries.getByRole('listitem')).toHaveCount(3);
  await expect(entries.getByRole('listitem', { name: /^Summer 2023\/readme\.exe: Skipped$/ })).toContainText('Trove does not read this type of file');
  // Live events carry the entries to done as the server processes them.
  await expect(entries.getByRole('listitem', { name: 'Summer 2023/Beach/sunset.png: Done' })).toBeVisible({ timeout: 60_000 });
  await expect(entries.getByRole('listitem', { name: 'Summer 2023/packing list.txt: Done' })).toBeVisible({ timeout: 60_000 });
  await expect(panel.getByText(/Unpacked 3 entries: 2 done, 1 skipped/)).toBeVisible();
  await shot(page, '60-zip-batch-expanded');

  // The files carry the folders they had in the archive.
  const { url, token } = server();
  const res = await fetch(`${url}/api/v1/uploads?limit=100`, { headers: { authorization: `Bearer ${token}` } });
  const uploads = ((await res.json()) as { data: { uploads: { filename: string; folder: string | null }[] } }).data.uploads;
  expect(uploads.find((u) => u.filename === 'sunset.png')?.folder).toBe('Summer 2023/Beach');
  expect(uploads.find((u) => u.filename === 'packing list.txt')?.folder).toBe('Summer 2023');
});
