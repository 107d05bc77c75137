/**
 * Collections and notes in Chromium against the real server (its own process and data folder): a
 * collection is created in the library's side tree, two selected files are added to it from the
 * selection bar, choosing it in the tree shows only those two, and searching "in <name>" finds only
 * them; a note written in the detail view makes its file findable by one of its words.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { startServeProcess, type ServeProcess } from '../helpers/serve-process.ts';
import { shot } from './fixtures.ts';

const TOKEN = 'collections-e2e-token-0123456789abcdef';
let dataDir: string;
let proc: ServeProcess | undefined;

test.describe.configure({ mode: 'serial' });

const FILES = [
  { name: 'lighthouse-walk.txt', text: 'A walk to the old lighthouse on the cliffs, with the dog.\n' },
  { name: 'tide-table.txt', text: 'Tide table for the harbour: high water at six in the morning.\n' },
  { name: 'tax-return.txt', text: 'Tax return notes: receipts for the home office and the train tickets.\n' },
];

async function api<T>(method: string, pathname: string, body?: BodyInit): Promise<T> {
  const res = await fetch(`${proc!.url}/api/v1${pathname}`, { method, body, headers: { authorization: `Bearer ${TOKEN}` } });
  return ((await res.json()) as { data: T }).data;
}

test.beforeAll(async () => {
  test.setTimeout(240_000);
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'trove-e2e-collections-'));
  proc = await startServeProcess({ TROVE_DATA_DIR: dataDir, TROVE_TOKEN: TOKEN, TROVE_EMBEDDER: 'hash' });
  for (const f of FILES) {
    const form = new FormData();
    form.append('file', new Blob([f.text], { type: 'text/plain' }), f.name);
    await api('POST', '/upload', form);
  }
  await expect.poll(async () => (await api<{ uploads: { processing_status: string }[] }>('GET', '/uploads?limit=10')).uploads
    .filter((u) => u.processing_status === 'completed').length, { timeout: 180_000 }).toBe(FILES.length);
});

test.afterAll(async () => {
  await proc?.kill('SIGTERM');
  await fs.rm(dataDir, { recursive: true, force: true });
});

async function open(page: Page): Promise<void> {
  await page.goto(`${proc!.url}/#token=${encodeURIComponent(TOKEN)}`);
  await expect(page.getByRole('searchbox', { name: 'Search your files…' })).toBeVisible();
}

async function searchFor(page: Page, query: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Search' }).click();
  const box = page.getByRole('searchbox', { name: 'Search your files…' });
  await box.fill(query);
  await box.press('Enter');
}

test('a collection made in the library holds the chosen files, browsed in the tree and searched with "in <name>"', async ({ page }) => {
  await open(page);
  await page.getByRole('button', { name: 'Library' }).click();
  const tree = page.getByRole('navigation', { name: 'Collections and folders' });
  await expect(tree).toBeVisible();
  await tree.getByRole('button', { name: 'New collection' }).click();
  await tree.getByRole('textbox', { name: 'Collection name' }).fill('Seaside weekend');
  await tree.getByRole('button', { name: 'Create' }).click();
  const collection = tree.getByRole('button', { name: /Seaside weekend/ });
  await expect(collection).toBeVisible();
  await expect(collection).toContainText('0');

  const table = page.getByRole('table');
  await expect(table.getByRole('row')).toHaveCount(FILES.length + 1);
  await page.getByRole('checkbox', { name: 'Select lighthouse-walk.txt' }).click();
  await page.getByRole('checkbox', { name: 'Select tide-table.txt' }).click();
  const bar = page.getByRole('toolbar', { name: 'Selected files' });
  await expect(bar).toContainText('2 selected');
  await bar.getByRole('button', { name: 'Add to collection' }).click();
  const form = page.getByRole('form', { name: 'Add to collection' });
  await form.getByRole('combobox', { name: 'Collection' }).selectOption({ label: 'Seaside weekend' });
  await form.getByRole('button', { name: 'Add 2 files' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Added 2 files to “Seaside weekend”.' })).toBeVisible();
  await expect(collection).toContainText('2');
  await shot(page, 'collections-01-added');

  await collection.click();
  await expect(collection).toHaveAttribute('aria-pressed', 'true');
  await expect(table.getByRole('row')).toHaveCount(3);
  await expect(table).toContainText('lighthouse-walk.txt');
  await expect(table).toContainText('tide-table.txt');
  await expect(table).not.toContainText('tax-return.txt');
  await shot(page, 'collections-02-browsed');
  await tree.getByRole('button', { name: 'All files' }).click();
  await expect(table.getByRole('row')).toHaveCount(FILES.length + 1);

  await searchFor(page, 'in Seaside weekend');
  const results = page.getByRole('grid', { name: 'Search results' });
  await expect(results.getByRole('gridcell')).toHaveCount(2);
  await expect(results).toContainText('lighthouse-walk.txt');
  await expect(results).toContainText('tide-table.txt');
  await shot(page, 'collections-03-search');
});

test('a note written in the detail view finds its file by one of its words', async ({ page }) => {
  await open(page);
  await page.getByRole('button', { name: 'Library' }).click();
  await page.getByRole('button', { name: 'tax-return.txt', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'tax-return.txt' });
  await expect(dialog.getByRole('heading', { name: 'Your tags and note' })).toBeVisible();
  await dialog.getByRole('textbox', { name: 'Note' }).fill('Ask the accountant Wilhelmina about the quarterly filing.');
  await dialog.getByRole('button', { name: 'Save note' }).click();
  await expect(dialog.getByRole('status').filter({ hasText: 'Note saved.' })).toBeAttached();
  await dialog.getByRole('textbox', { name: 'Add a tag' }).fill('#Paperwork');
  await dialog.getByRole('button', { name: 'Add', exact: true }).click();
  await expect(dialog.getByRole('list', { name: 'Your tags' })).toContainText('paperwork');
  await shot(page, 'collections-04-note');
  await dialog.getByRole('button', { name: 'Close' }).click();

  await searchFor(page, 'wilhelmina');
  const results = page.getByRole('grid', { name: 'Search results' });
  await expect(results.getByRole('gridcell').first()).toHaveAccessibleName(/tax-return\.txt/);
  await searchFor(page, 'tag:paperwork');
  await expect(results.getByRole('gridcell')).toHaveCount(1);
  await expect(results).toContainText('tax-return.txt');
});
