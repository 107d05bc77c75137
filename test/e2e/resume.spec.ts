/**
 * A resumed upload after the server is restarted mid-file (issue 5): the web page sends a ~20 MB
 * file through tus, the real `trove serve` is SIGKILLed at about half way and started again on the
 * same port and data folder, and the page carries on from the server's offset — one tus upload
 * created, the first PATCH after the restart starting past 0, the shown progress never going back —
 * to a completed upload whose bytes hash like the original's.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import sharp from 'sharp';
import { freePort, startServeProcess, type ServeProcess } from '../helpers/serve-process.ts';
import { dropBytes, shot } from './fixtures.ts';

const TOKEN = 'resume-e2e-token-0123456789abcdef';
const NAME = 'big-noise.png';
const auth = { authorization: `Bearer ${TOKEN}` };

let dataDir: string;
let port: number;
let proc: ServeProcess | undefined;
const start = async () => (proc = await startServeProcess({ TROVE_DATA_DIR: dataDir, TROVE_TOKEN: TOKEN, TROVE_EMBEDDER: 'hash' }, { port }));

test.beforeAll(async () => {
  test.setTimeout(180_000);
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'trove-e2e-resume-'));
  port = await freePort();
  await start();
});
test.afterAll(async () => {
  await proc?.kill('SIGKILL');
  await fs.rm(dataDir, { recursive: true, force: true });
});

/** A valid ~20 MB PNG (noise, stored uncompressed) the server can process after the upload. */
async function bigPng(): Promise<Buffer> {
  const w = 2600;
  const raw = Buffer.alloc(w * w * 3);
  for (let i = 0; i < raw.length; i++) raw[i] = (i * 2654435761) >>> 24;
  return sharp(raw, { raw: { width: w, height: w, channels: 3 } }).png({ compressionLevel: 0 }).toBuffer();
}

const uploadingPercent = (label: string): number | null => {
  const m = /: Uploading (\d+) %$/.exec(label);
  return m ? Number(m[1]) : null;
};

test('a large dropped file resumes after the server is killed mid-file and restarted', async ({ page }) => {
  test.setTimeout(300_000);
  const bytes = await bigPng();
  expect(bytes.length).toBeGreaterThan(19 * 1024 * 1024);
  const url = `http://127.0.0.1:${port}`;

  // Each PATCH (one 4 MiB chunk) is held back a little, so the kill lands mid-file.
  const tusRequests: { method: string; offset: number; at: number }[] = [];
  page.on('request', (req) => {
    if (new URL(req.url()).pathname.startsWith('/api/v1/tus')) {
      tusRequests.push({ method: req.method(), offset: Number(req.headers()['upload-offset'] ?? -1), at: Date.now() });
    }
  });
  await page.route('**/api/v1/tus/*', async (route) => {
    if (route.request().method() === 'PATCH') await new Promise((r) => setTimeout(r, 1200));
    await route.continue().catch(() => undefined); // the server may be dead by now
  });

  await page.goto(`${url}/#token=${TOKEN}`);
  await expect(page.getByRole('searchbox', { name: 'Search your files…' })).toBeVisible();
  // Every label the upload row shows, in order (checked below for progress going backwards).
  await page.evaluate((name) => {
    const seen: string[] = [];
    (window as unknown as { __labels: string[] }).__labels = seen;
    new MutationObserver(() => {
      const row = [...document.querySelectorAll('li.upload-row')].find((li) => li.getAttribute('aria-label')?.startsWith(`${name}:`));
      const label = row?.getAttribute('aria-label');
      if (label && seen.at(-1) !== label) seen.push(label);
    }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['aria-label'] });
  }, NAME);

  await dropBytes(page, { name: NAME, type: 'image/png', bytes });
  const panel = page.getByRole('complementary', { name: 'Uploads' });
  const row = panel.getByRole('listitem', { name: new RegExp(`^${NAME.replace('.', '\\.')}:`) });
  await expect(row).toHaveAccessibleName(/Uploading (4\d|5\d|6\d) %/, { timeout: 60_000 });
  await shot(page, 'resume-01-uploading');

  // What the server holds before it dies: the page keeps the upload URL in sessionStorage.
  const uploadUrl = await page.evaluate(() => {
    for (let i = 0; i < sessionStorage.length; i++) {
      const key = sessionStorage.key(i)!;
      if (key.startsWith('trove.tus::')) return (JSON.parse(sessionStorage.getItem(key)!) as { uploadUrl: string }).uploadUrl;
    }
    return null;
  });
  expect(uploadUrl).toBeTruthy();
  const head = await fetch(new URL(uploadUrl!, url), { method: 'HEAD', headers: { ...auth, 'Tus-Resumable': '1.0.0' } });
  const offsetBeforeKill = Number(head.headers.get('upload-offset'));
  expect(offsetBeforeKill).toBeGreaterThan(0);
  expect(offsetBeforeKill).toBeLessThan(bytes.length);

  await proc!.kill('SIGKILL');
  const killedAt = Date.now();
  // The page keeps retrying while nothing answers; it neither fails nor starts over.
  await page.waitForTimeout(3000);
  await expect(row).toHaveAccessibleName(/Uploading \d+ %/);
  await shot(page, 'resume-02-server-down');
  await start();

  await expect(row).toHaveAccessibleName(`${NAME}: Completed`, { timeout: 120_000 });
  await shot(page, 'resume-03-completed');

  // One upload was created; after the restart the PATCHes went on from the server's offset.
  expect(tusRequests.filter((r) => r.method === 'POST')).toHaveLength(1);
  const firstPatchAfter = tusRequests.find((r) => r.method === 'PATCH' && r.at > killedAt);
  expect(firstPatchAfter?.offset).toBeGreaterThanOrEqual(offsetBeforeKill);
  const percents = (await page.evaluate(() => (window as unknown as { __labels: string[] }).__labels))
    .map(uploadingPercent).filter((p): p is number => p !== null);
  expect(percents.length).toBeGreaterThan(2);
  for (let i = 1; i < percents.length; i++) expect(percents[i]!).toBeGreaterThanOrEqual(percents[i - 1]!);

  // The stored file is byte for byte the dropped one.
  const list = await (await fetch(`${url}/api/v1/uploads`, { headers: auth })).json() as { data: { uploads: { id: string; filename: string; file_hash: string }[] } };
  const stored = list.data.uploads.find((u) => u.filename === NAME)!;
  const sha = createHash('sha256').update(bytes).digest('hex');
  expect(stored.file_hash).toBe(sha);
  const download = await fetch(`${url}/api/v1/file/${stored.id}/download`, { headers: auth });
  expect(download.ok).toBe(true);
  expect(createHash('sha256').update(Buffer.from(await download.arrayBuffer())).digest('hex')).toBe(sha);
});
