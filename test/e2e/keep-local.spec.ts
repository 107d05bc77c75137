/**
 * Cloud AI in the web UI, against the real `trove serve` (its own data folder, so other specs'
 * counts stay as they are): Settings shows "AI usage this month"; with "Keep on this device" on,
 * a small dropped file (multipart) and a large one (tus) carry `keep_local: true` to the server —
 * seen in the requests themselves — and the detail view and the library say "Kept on this device";
 * with the toggle off again the next file goes without it.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect, test, type Page, type Request } from '@playwright/test';
import sharp from 'sharp';
import { startServeProcess, type ServeProcess } from '../helpers/serve-process.ts';
import { dragFilesOver, dropBytes, shot } from './fixtures.ts';

const TOKEN = 'keep-local-e2e-token-0123456789abcdef';
let dataDir: string;
let proc: ServeProcess | undefined;

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  test.setTimeout(180_000);
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'trove-e2e-keep-local-'));
  proc = await startServeProcess({ TROVE_DATA_DIR: dataDir, TROVE_TOKEN: TOKEN, TROVE_EMBEDDER: 'hash' });
});
test.afterAll(async () => {
  await proc?.kill('SIGTERM');
  await fs.rm(dataDir, { recursive: true, force: true });
});

interface ApiUpload { id: string; filename: string; keep_local: boolean; cloud_status: string | null; user_metadata: Record<string, unknown> }

async function uploads(): Promise<ApiUpload[]> {
  const res = await fetch(`${proc!.url}/api/v1/uploads?limit=100`, { headers: { authorization: `Bearer ${TOKEN}` } });
  return ((await res.json()) as { data: { uploads: ApiUpload[] } }).data.uploads;
}

async function open(page: Page): Promise<void> {
  await page.goto(`${proc!.url}/#token=${encodeURIComponent(TOKEN)}`);
  await expect(page.getByRole('searchbox', { name: 'Search your files…' })).toBeVisible();
}

/** tus Upload-Metadata: `key base64,key base64`. */
function tusMetadata(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of (header ?? '').split(',')) {
    const [key, value] = pair.trim().split(' ');
    if (key) out[key] = Buffer.from(value ?? '', 'base64').toString('utf8');
  }
  return out;
}

/** A valid ~10 MB PNG (noise, stored uncompressed): over the 8 MB from which the page uses tus. */
async function largePng(): Promise<Buffer> {
  const w = 1850;
  const raw = Buffer.alloc(w * w * 3);
  for (let i = 0; i < raw.length; i++) raw[i] = (i * 2654435761) >>> 24;
  return sharp(raw, { raw: { width: w, height: w, channels: 3 } }).png({ compressionLevel: 0 }).toBuffer();
}

test('Settings shows this month\'s AI usage: none in the embedded default', async ({ page }) => {
  await open(page);
  const usage = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/usage' && r.status() === 200);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Settings' }).click();
  await usage;
  const section = page.getByRole('group', { name: 'AI usage this month' });
  await expect(section).toBeVisible();
  await expect(section).toContainText(/everything (is|was) analysed on this device/);
  await shot(page, '30-settings-ai-usage');
});

test('with paid models, Settings shows tokens, cost, the budget and the breakdowns', async ({ page }) => {
  // A deployment with Gemini and OpenAI embeddings, as its /usage answers (this server calls no paid model).
  const usage = {
    from: '2026-03-01', to: '2026-03-18',
    total: { input_tokens: 1_234_567, output_tokens: 45_678, cost_usd: 0.4321, calls: 812 },
    by_day: [],
    by_model: [
      { model: 'gemini-2.5-flash', input_tokens: 1_200_000, output_tokens: 45_678, cost_usd: 0.43, calls: 400 },
      { model: 'text-embedding-3-small', input_tokens: 34_567, output_tokens: 0, cost_usd: 0.0021, calls: 412 },
    ],
    by_file_type: [
      { file_type: 'image', input_tokens: 900_000, output_tokens: 30_000, cost_usd: 0.3, calls: 300 },
      { file_type: 'video', input_tokens: 300_000, output_tokens: 15_678, cost_usd: 0.13, calls: 100 },
      { file_type: 'search', input_tokens: 34_567, output_tokens: 0, cost_usd: 0.0021, calls: 412 },
    ],
    budget: { daily_usd: 0.5, monthly_usd: 5, spent_today_usd: 0.31, spent_this_month_usd: 0.4321, awaiting_budget: 2 },
    prices_read: '2026-02-10',
    paid_models: ['gemini-2.5-flash', 'text-embedding-3-small'],
  };
  await page.route('**/api/v1/usage*', (route) => route.fulfill({ json: { status: 'success', data: usage, error: null, timestamp: new Date().toISOString() } }));
  await open(page);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Settings' }).click();
  const section = page.getByRole('group', { name: 'AI usage this month' });
  await expect(section.getByText('$0.4321', { exact: true })).toBeVisible();
  await expect(section.getByRole('meter', { name: 'Daily budget: $0.31 of $0.50 spent today' })).toBeVisible();
  await expect(section.getByText('2 files are waiting for AI budget', { exact: false })).toBeVisible();
  await expect(section.getByRole('table', { name: 'By model' }).getByRole('row')).toHaveCount(3);
  await expect(section.getByRole('table', { name: 'By file type' })).toContainText('Searches');
  await expect(section).toContainText('prices as of 2026-02-10');
  await section.scrollIntoViewIfNeeded();
  await shot(page, '34-settings-ai-usage-paid');
});

test('"Keep on this device" sends keep_local with small and large uploads; the detail view and the library say so', async ({ page }) => {
  test.setTimeout(240_000);
  const large = await largePng();
  expect(large.length).toBeGreaterThan(8 * 1024 * 1024);
  await open(page);
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  const sent: Request[] = [];
  page.on('request', (req) => {
    const p = new URL(req.url()).pathname;
    if (req.method() === 'POST' && (p === '/api/v1/upload' || p === '/api/v1/tus')) sent.push(req);
  });

  const toggle = page.getByRole('switch', { name: 'Keep on this device' });
  await expect(toggle).not.toBeChecked();
  await toggle.check();
  await expect(toggle).toBeChecked();

  const drag = await dragFilesOver(page, [{ name: 'private-notes.txt', type: 'text/plain', bytes: Buffer.from('My passport number is X1234567 and my bank PIN is not here.\n') }]);
  await expect(page.getByText('Kept on this device: no cloud AI model will see them')).toBeVisible();
  await shot(page, '31-drop-kept-local');
  await drag.drop();
  await dropBytes(page, { name: 'scan-of-id.png', type: 'image/png', bytes: large });

  const panel = page.getByRole('complementary', { name: 'Uploads' });
  await expect(panel.getByRole('listitem', { name: 'private-notes.txt: Completed (kept on this device)' })).toBeVisible({ timeout: 60_000 });
  await expect(panel.getByRole('listitem', { name: 'scan-of-id.png: Completed (kept on this device)' })).toBeVisible({ timeout: 120_000 });

  // The small file went as one multipart request (Chromium does not expose a File body to read),
  // the large one through tus, its flag in the creation request's Upload-Metadata.
  expect(sent.filter((r) => new URL(r.url()).pathname === '/api/v1/upload')).toHaveLength(1);
  const creation = sent.find((r) => new URL(r.url()).pathname === '/api/v1/tus')!;
  expect(tusMetadata(creation.headers()['upload-metadata'])).toEqual({ filename: 'scan-of-id.png', metadata: '{"keep_local":true}' });

  // And the server took it.
  const stored = await uploads();
  for (const name of ['private-notes.txt', 'scan-of-id.png']) {
    expect(stored.find((u) => u.filename === name)).toMatchObject({ keep_local: true, cloud_status: 'kept_local', user_metadata: { keep_local: true } });
  }

  // The detail view says who described it and that no cloud model saw it.
  await page.getByRole('grid', { name: 'Recent files' }).getByRole('gridcell', { name: /^private-notes\.txt, Document, kept on this device$/ }).click();
  const dialog = page.getByRole('dialog', { name: 'private-notes.txt' });
  const ai = dialog.getByRole('region', { name: 'AI description' });
  await expect(ai).toContainText('Described offline by Trove’s built-in models');
  await expect(ai).toContainText('Kept on this device — no cloud AI model sees this file.');
  await expect(ai).not.toContainText('AI cost');
  await shot(page, '32-detail-kept-local');
  await dialog.getByRole('button', { name: 'Close' }).click();

  // Off again: the next file goes as usual.
  await toggle.uncheck();
  const plain = await dragFilesOver(page, [{ name: 'poster.txt', type: 'text/plain', bytes: Buffer.from('Summer fete on the village green, bring a cake.\n') }]);
  await plain.drop();
  await expect(panel.getByRole('listitem', { name: 'poster.txt: Completed' })).toBeVisible({ timeout: 60_000 });
  expect((await uploads()).find((u) => u.filename === 'poster.txt')).toMatchObject({ keep_local: false });

  // The library shows the state in words.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Library' }).click();
  const row = (name: string) => page.getByRole('row').filter({ has: page.getByRole('button', { name, exact: true }) });
  await expect(row('private-notes.txt')).toContainText('Kept on this device');
  await expect(row('scan-of-id.png')).toContainText('Kept on this device');
  await expect(row('poster.txt')).not.toContainText('Kept on this device');
  await shot(page, '33-library-kept-local');
  expect(pageErrors).toEqual([]);
});
