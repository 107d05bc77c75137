/**
 * Multi-select, batch delete, Undo and Recently deleted in the web UI, against the real `trove
 * serve` (its own data folder, so other specs' files stay out of it): four dropped files; Ctrl-click
 * two and Shift-click a range; delete them in one batch; they leave the grid; Undo brings them back
 * and search finds them; another delete is restored from Recently deleted; and the selection
 * downloads as one ZIP holding the files' bytes.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import yauzl from 'yauzl';
import { startServeProcess, type ServeProcess } from '../helpers/serve-process.ts';
import { dragFilesOver, shot, type DropFile } from './fixtures.ts';

const TOKEN = 'multi-select-e2e-token-0123456789abcdef';
let dataDir: string;
let proc: ServeProcess | undefined;

test.describe.configure({ mode: 'serial' });

/** Each file carries one odd word, so a search finds exactly it. */
const files: DropFile[] = ['otter', 'heron', 'badger', 'kestrel'].map((w) => ({
  name: `${w}-notes.txt`, type: 'text/plain', bytes: Buffer.from(`Field notes: a ${w} crossed the towpath at dawn.\n`),
}));

test.beforeAll(async () => {
  test.setTimeout(180_000);
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'trove-e2e-multi-select-'));
  proc = await startServeProcess({ TROVE_DATA_DIR: dataDir, TROVE_TOKEN: TOKEN, TROVE_EMBEDDER: 'hash' });
});
test.afterAll(async () => {
  await proc?.kill('SIGTERM');
  await fs.rm(dataDir, { recursive: true, force: true });
});

async function liveNames(): Promise<string[]> {
  const res = await fetch(`${proc!.url}/api/v1/uploads?limit=100`, { headers: { authorization: `Bearer ${TOKEN}` } });
  return ((await res.json()) as { data: { uploads: { filename: string }[] } }).data.uploads.map((u) => u.filename).sort();
}

async function open(page: Page): Promise<void> {
  await page.goto(`${proc!.url}/#token=${encodeURIComponent(TOKEN)}`);
  await expect(page.getByRole('searchbox', { name: 'Search your files…' })).toBeVisible();
}

const recent = (page: Page) => page.getByRole('grid', { name: 'Recent files' });
const card = (page: Page, name: string) => recent(page).getByRole('gridcell', { name: new RegExp(`^${name.replace('.', '\\.')},`) });
const ctrl = process.platform === 'darwin' ? 'Meta' : 'Control';

/** The file names in the order the grid shows them. */
async function shownOrder(page: Page): Promise<string[]> {
  const labels = await recent(page).getByRole('gridcell').evaluateAll((cells) => cells.map((c) => c.getAttribute('aria-label') ?? ''));
  return labels.map((l) => l.split(',')[0]!);
}

test('Ctrl-click, Shift-click, batch delete, Undo, and search finds them again', async ({ page }) => {
  await open(page);
  const drag = await dragFilesOver(page, files);
  await drag.drop();
  const panel = page.getByRole('complementary', { name: 'Uploads' });
  for (const f of files) await expect(panel.getByRole('listitem', { name: `${f.name}: Completed` })).toBeVisible({ timeout: 60_000 });
  await expect(recent(page).getByRole('gridcell')).toHaveCount(4);
  await panel.getByRole('button', { name: 'Clear finished' }).click();

  const order = await shownOrder(page);
  expect([...order].sort()).toEqual(files.map((f) => f.name).sort());
  // A plain click still opens the file.
  await card(page, order[1]!).click();
  await expect(page.getByRole('dialog', { name: order[1]! })).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog')).toBeHidden();

  // Ctrl-click the first and the third, Shift-click the fourth: first, third and fourth are selected.
  await card(page, order[0]!).click({ modifiers: [ctrl] });
  await card(page, order[2]!).click({ modifiers: [ctrl] });
  await card(page, order[3]!).click({ modifiers: ['Shift'] });
  const bar = page.getByRole('toolbar', { name: 'Selected files' });
  await expect(bar.getByText('3 selected')).toBeVisible();
  for (const i of [0, 2, 3]) await expect(card(page, order[i]!)).toHaveAttribute('aria-selected', 'true');
  await expect(card(page, order[1]!)).toHaveAttribute('aria-selected', 'false');
  await expect(bar.getByRole('button', { name: 'Retry failed' })).toBeDisabled();
  await shot(page, '40-multi-select');

  const deleted = [order[0]!, order[2]!, order[3]!];
  const batch = page.waitForRequest((r) => new URL(r.url()).pathname === '/api/v1/uploads/batch');
  await bar.getByRole('button', { name: 'Delete' }).click();
  const dialog = page.getByRole('alertdialog', { name: 'Delete 3 files?' });
  await dialog.getByRole('button', { name: 'Delete' }).click();
  expect((await batch).postDataJSON()).toMatchObject({ action: 'delete' });
  await expect(dialog).toBeHidden();
  await expect(recent(page).getByRole('gridcell')).toHaveCount(1);
  await expect(card(page, order[1]!)).toBeVisible();
  await expect(bar).toBeHidden();
  expect(await liveNames()).toEqual([order[1]!]);

  const toast = page.locator('.toast');
  await expect(toast).toContainText('Deleted 3 files.');
  await shot(page, '41-deleted-undo');
  await toast.getByRole('button', { name: 'Undo' }).click();
  await expect(toast).toContainText('Restored 3 files.');
  await expect(recent(page).getByRole('gridcell')).toHaveCount(4);
  expect(await liveNames()).toEqual(files.map((f) => f.name).sort());

  // Search finds each of them again, at once (nothing was processed again).
  const search = page.getByRole('searchbox', { name: 'Search your files…' });
  for (const name of deleted) {
    await search.fill(name.split('-')[0]!);
    await expect(page.getByRole('grid', { name: 'Search results' }).getByRole('gridcell').first()).toHaveAccessibleName(new RegExp(`^${name.replace('.', '\\.')},`));
  }
  await search.fill('');
});

test('a deleted file is restored from Recently deleted', async ({ page }) => {
  await open(page);
  await expect(recent(page).getByRole('gridcell')).toHaveCount(4);
  const [victim] = await shownOrder(page);
  // Keyboard this time: focus the card, Space selects it, Delete asks.
  await card(page, victim!).focus();
  await page.keyboard.press('Space');
  await expect(page.getByRole('toolbar', { name: 'Selected files' }).getByText('1 selected')).toBeVisible();
  await page.keyboard.press('Delete');
  await page.getByRole('alertdialog', { name: `Delete \u201c${victim}\u201d?` }).getByRole('button', { name: 'Delete' }).click();
  await expect(recent(page).getByRole('gridcell')).toHaveCount(3);

  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Recently deleted' }).click();
  await expect(page.getByRole('heading', { name: 'Recently deleted' })).toBeVisible();
  const row = page.getByRole('row', { name: new RegExp(victim!.replace('.', '\\.')) });
  await expect(row).toBeVisible();
  // Removed for good 30 days after the delete.
  const purge = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium' }).format(new Date(Date.now() + 30 * 86_400_000));
  await expect(row).toContainText(purge);
  await shot(page, '42-recently-deleted');
  await row.getByRole('button', { name: `Restore ${victim}` }).click();
  await expect(row).toBeHidden();
  await expect(page.getByText('Nothing was deleted recently.')).toBeVisible();

  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Search' }).click();
  await expect(recent(page).getByRole('gridcell')).toHaveCount(4);
  expect(await liveNames()).toContain(victim);
});

test('the selection downloads as one ZIP of the original files', async ({ page }) => {
  await open(page);
  await expect(recent(page).getByRole('gridcell')).toHaveCount(4);
  await recent(page).getByRole('gridcell').first().focus();
  await page.keyboard.press(`${ctrl}+a`);
  const bar = page.getByRole('toolbar', { name: 'Selected files' });
  await expect(bar.getByText('4 selected')).toBeVisible();
  const download = page.waitForEvent('download');
  await bar.getByRole('button', { name: 'Download as ZIP' }).click();
  const zipPath = await (await download).path();
  const entries = await readZip(zipPath);
  expect(Object.keys(entries).sort()).toEqual(files.map((f) => f.name).sort());
  for (const f of files) expect(entries[f.name]!.equals(f.bytes)).toBe(true);
  await page.keyboard.press('Escape');
});

/** Every entry of a ZIP file, by name. */
function readZip(file: string): Promise<Record<string, Buffer>> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true }, (err, zip) => {
      if (err) return reject(err);
      const out: Record<string, Buffer> = {};
      zip.on('entry', (entry: yauzl.Entry) => {
        zip.openReadStream(entry, (e, stream) => {
          if (e) return reject(e);
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => {
            out[entry.fileName] = Buffer.concat(chunks);
            zip.readEntry();
          });
        });
      });
      zip.on('end', () => resolve(out));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}
