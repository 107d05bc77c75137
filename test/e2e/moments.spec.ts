/**
 * The moment inside a file, in Chromium against the real server (issue 11, items 6 and 7): a word
 * said in the second half of a recording shows "at m:ss" on its card and the player opens there; a
 * phrase from page 80 of a 100-page PDF shows "page 80" on the document's card, and its detail view opens the PDF at that page.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { MOMENT_PAGE, MOMENT_PHRASE, hundredPagePdf, twoPartSpeech } from '../helpers/media.ts';
import { openWithToken, ownServer, shot } from './fixtures.ts';

test.describe.configure({ mode: 'serial' });

// Its own server: the files it adds would otherwise be in the shared server's Trove.
const server = ownServer('moments');

let speechSeconds = 0;

/** Uploads through the API (the page's own upload path has its own specs) and waits until it is processed. */
async function uploaded(bytes: Buffer, name: string, type: string): Promise<void> {
  const { url, token } = server();
  const form = new FormData();
  form.set('file', new Blob([new Uint8Array(bytes)], { type }), name);
  const res = await fetch(`${url}/api/v1/upload`, { method: 'POST', body: form, headers: { authorization: `Bearer ${token}` } });
  expect(res.status).toBe(202);
  const id = ((await res.json()) as { data: { upload_id: string } }).data.upload_id;
  await expect.poll(async () => {
    const meta = await fetch(`${url}/api/v1/file/${id}/metadata`, { headers: { authorization: `Bearer ${token}` } });
    return ((await meta.json()) as { data: { processing_status: string } }).data.processing_status;
  }, { timeout: 150_000, intervals: [500] }).toBe('completed');
}

test.beforeAll(async () => {
  test.setTimeout(240_000);
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'trove-e2e-moments-'));
  try {
    const speech = await twoPartSpeech(dir);
    speechSeconds = speech.seconds;
    await uploaded(speech.wav, 'town-hall-recording.wav', 'audio/wav');
    await uploaded(await hundredPagePdf(), 'operations-manual.pdf', 'application/pdf');
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
});

const results = (page: Page) => page.getByRole('grid', { name: 'Search results' });

async function searchFor(page: Page, query: string): Promise<void> {
  const box = page.getByRole('searchbox', { name: 'Search your files…' });
  await box.fill(query);
  await box.press('Enter');
}

test('a recording\'s card says when the words were said, and its player starts there', async ({ page }) => {
  await openWithToken(page, server());
  await searchFor(page, 'people');
  const card = results(page).getByRole('gridcell', { name: /town-hall-recording\.wav/ });
  const moment = card.locator('.card-moment');
  await expect(moment).toContainText(/at \d+:\d\d/);
  await expect(moment).toContainText('people');
  const [, m, s] = /at (\d+):(\d\d)/.exec((await moment.textContent()) ?? '')!;
  const shownAt = Number(m) * 60 + Number(s);
  expect(shownAt).toBeGreaterThanOrEqual(Math.floor(speechSeconds / 2));
  await shot(page, 'moments-audio-card');

  await card.click();
  const dialog = page.getByRole('dialog', { name: 'town-hall-recording.wav' });
  const audio = dialog.locator('audio');
  await expect(audio).toBeVisible();
  // The player is moved once it knows the recording's length; it starts (not plays) at the moment.
  await expect.poll(() => audio.evaluate((a: HTMLAudioElement) => a.currentTime), { timeout: 20_000 }).toBeGreaterThanOrEqual(shownAt);
  expect(await audio.evaluate((a: HTMLAudioElement) => a.currentTime)).toBeLessThan(shownAt + 1);
  await shot(page, 'moments-audio-player');
});

test('a phrase from page 80 of a 100-page PDF: the card says "page 80", and so does the detail view', async ({ page }) => {
  await openWithToken(page, server());
  await searchFor(page, MOMENT_PHRASE);
  const card = results(page).getByRole('gridcell', { name: /operations-manual\.pdf/ });
  await expect(card.locator('.card-moment')).toContainText(`page ${MOMENT_PAGE}`);
  await expect(card.locator('.card-moment')).toContainText('quokka');
  await shot(page, 'moments-document-card');
  await card.click();
  const dialog = page.getByRole('dialog', { name: 'operations-manual.pdf' });
  await expect(dialog.locator('.document-moment')).toContainText(`Found on page ${MOMENT_PAGE}`);
  await expect(dialog.locator('.document-moment')).toContainText('quokka lighthouse');
  // The page itself, drawn from the original by pdf.js in the page, with ink on it.
  const drawn = dialog.locator(`.pdf-page canvas[data-page="${MOMENT_PAGE}"]`);
  await expect(drawn).toBeVisible();
  await expect(dialog.locator('.pdf-page figcaption')).toHaveText(new RegExp(`^Page ${MOMENT_PAGE} of \\d+$`));
  const inked = await drawn.evaluate((c: HTMLCanvasElement) => {
    const px = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let dark = 0;
    for (let i = 0; i < px.length; i += 4) if (px[i]! < 128) dark += 1;
    return dark;
  });
  expect(inked).toBeGreaterThan(100);
  await shot(page, 'moments-document-page');
});
