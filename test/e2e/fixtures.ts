import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { startServeProcess, type ServeProcess } from '../helpers/serve-process.ts';

export const SCREENSHOT_DIR = path.resolve('test-results/screenshots');
fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });

export function server(): { url: string; token: string } {
  const url = process.env.TROVE_E2E_URL;
  const token = process.env.TROVE_E2E_TOKEN;
  if (!url || !token) throw new Error('TROVE_E2E_URL/TROVE_E2E_TOKEN are unset: run through `npm run test:e2e` (global setup starts the server).');
  return { url, token };
}

/**
 * A `trove serve` of the calling spec's own, on a fresh data folder, for a spec that adds files:
 * the shared server's specs (web-ui.spec) start from an empty Trove. Call at the top of the spec;
 * the getter gives the address once the spec's beforeAll has run.
 */
export function ownServer(name: string): () => { url: string; token: string } {
  const token = `${name}-e2e-token-0123456789abcdef`;
  let proc: ServeProcess | undefined;
  let dataDir: string | undefined;
  test.beforeAll(async () => {
    test.setTimeout(180_000);
    dataDir = await fs.promises.mkdtemp(path.join(os.tmpdir(), `trove-e2e-${name}-`));
    proc = await startServeProcess({ TROVE_DATA_DIR: dataDir, TROVE_TOKEN: token });
  });
  test.afterAll(async () => {
    await proc?.kill('SIGTERM');
    if (dataDir) await fs.promises.rm(dataDir, { recursive: true, force: true });
  });
  return () => {
    if (!proc) throw new Error(`${name}: its server has not started (call ownServer at the top of the spec)`);
    return { url: proc.url, token };
  };
}

export async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`) });
}

export interface DropFile {
  name: string;
  type: string;
  bytes: Buffer;
}

/**
 * Builds a DataTransfer of Files in the page and drags it over the window (dragenter + dragover),
 * as the OS would; `drop()` then releases it. Between the two the drop target is visible.
 */
export async function dragFilesOver(page: Page, files: DropFile[]): Promise<{ drop(): Promise<void> }> {
  await page.evaluate((list) => {
    const dt = new DataTransfer();
    for (const f of list) {
      const bin = atob(f.b64);
      const bytes = new Uint8Array(bin.length);
      for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
      dt.items.add(new File([bytes], f.name, { type: f.type }));
    }
    (window as unknown as { __e2eDrop: DataTransfer }).__e2eDrop = dt;
    const target = document.querySelector('main') ?? document.body;
    target.dispatchEvent(new DragEvent('dragenter', { bubbles: true, cancelable: true, dataTransfer: dt }));
    target.dispatchEvent(new DragEvent('dragover', { bubbles: true, cancelable: true, dataTransfer: dt }));
  }, files.map((f) => ({ name: f.name, type: f.type, b64: f.bytes.toString('base64') })));
  return {
    async drop() {
      await page.evaluate(() => {
        const dt = (window as unknown as { __e2eDrop: DataTransfer }).__e2eDrop;
        const target = document.querySelector('.drop-overlay') ?? document.body;
        target.dispatchEvent(new DragEvent('dragover', { bubbles: true, cancelable: true, dataTransfer: dt }));
        target.dispatchEvent(new DragEvent('drop', { bubbles: true, cancelable: true, dataTransfer: dt }));
      });
    },
  };
}

/** Opens the app with the link `trove serve` prints and waits for it to be ready. */
/** Opens the web UI signed in with a token: the shared server's, or `at` (a spec's own server). */
export async function openWithToken(page: Page, at: { url: string; token: string } = server()): Promise<void> {
  const { url, token } = at;
  await page.goto(`${url}/#token=${encodeURIComponent(token)}`);
  await expect(page.getByRole('searchbox', { name: 'Search your files…' })).toBeVisible();
}

/**
 * Drops one file of any size onto the window. The bytes reach the page through an intercepted
 * same-origin fetch (not a base64 string through `evaluate`, which would cost ~1.4× the file in
 * the protocol), then go into a DataTransfer dragged and dropped as the OS would.
 */
export async function dropBytes(page: Page, file: { name: string; type: string; bytes: Buffer }): Promise<void> {
  const path = `/__e2e-drop/${encodeURIComponent(file.name)}`;
  await page.route(`**${path}`, (route) => route.fulfill({ status: 200, body: file.bytes, contentType: file.type }));
  await page.evaluate(async ({ path, name, type }) => {
    const blob = await (await fetch(path)).blob();
    const dt = new DataTransfer();
    dt.items.add(new File([blob], name, { type }));
    (window as unknown as { __e2eDrop: DataTransfer }).__e2eDrop = dt;
    const target = document.querySelector('main') ?? document.body;
    target.dispatchEvent(new DragEvent('dragenter', { bubbles: true, cancelable: true, dataTransfer: dt }));
    target.dispatchEvent(new DragEvent('dragover', { bubbles: true, cancelable: true, dataTransfer: dt }));
  }, { path, name: file.name, type: file.type });
  await expect(page.getByTestId('drop-overlay')).toHaveClass(/is-visible/);
  await page.evaluate(() => {
    const dt = (window as unknown as { __e2eDrop: DataTransfer }).__e2eDrop;
    const target = document.querySelector('.drop-overlay') ?? document.body;
    target.dispatchEvent(new DragEvent('dragover', { bubbles: true, cancelable: true, dataTransfer: dt }));
    target.dispatchEvent(new DragEvent('drop', { bubbles: true, cancelable: true, dataTransfer: dt }));
  });
  await page.unroute(`**${path}`);
}
