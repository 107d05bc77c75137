/**
 * Searching the way people ask, in Chromium against the real server: "pdf from 2019" shows what it
 * was understood as (chips) and counts beside the results (facets); a chip removed searches again
 * without it; a facet narrows; each card says why it matched (marked words); the box offers the
 * past search and the user's own words while typing. Screens under test-results/screenshots/.
 */
import { expect, test, type Page } from '@playwright/test';
import { PDFDocument } from 'pdf-lib';
import sharp from 'sharp';
import { pdfWithText } from '../helpers/media.ts';
import { dragFilesOver, openWithToken, ownServer, shot, type DropFile } from './fixtures.ts';

test.describe.configure({ mode: 'serial' });

// Its own server: the files it adds would otherwise be in the shared server's Trove.
const server = ownServer('search-query');

/** A PDF of known text whose CreationDate says when it was made. */
async function pdf(lines: string[], title: string, created: Date): Promise<Buffer> {
  const doc = await PDFDocument.load(await pdfWithText(lines, title));
  doc.setCreationDate(created);
  return Buffer.from(await doc.save());
}

let files: DropFile[];

test.beforeAll(async () => {
  files = [
    {
      name: 'kestrel-rowing-report.pdf', type: 'application/pdf',
      bytes: await pdf(['Annual report of the Kestrel rowing club', 'Regatta results, new boats and the finances.'], 'Kestrel rowing report', new Date('2019-05-04T08:00:00Z')),
    },
    {
      name: 'kestrel-minutes.pdf', type: 'application/pdf',
      bytes: await pdf(['Minutes of the Kestrel committee', 'The boathouse roof is to be repaired in spring.'], 'Kestrel minutes', new Date('2023-03-15T10:00:00Z')),
    },
    {
      name: 'kestrel-boathouse.jpg', type: 'image/jpeg',
      bytes: await sharp({ create: { width: 320, height: 240, channels: 3, background: '#2e86c1' } }).jpeg()
        .withExif({ IFD0: { Make: 'Canon', Model: 'Canon EOS R5', DateTime: '2019:07:14 12:00:00' }, IFD2: { DateTimeOriginal: '2019:07:14 12:00:00' } }).toBuffer(),
    },
    { name: 'kestrel-packing-list.txt', type: 'text/plain', bytes: Buffer.from('Packing list for the Kestrel regatta weekend: oars, rain jackets, thermos.\n') },
  ];
});

const box = (page: Page) => page.getByRole('searchbox', { name: 'Search your files…' });
const results = (page: Page) => page.getByRole('grid', { name: 'Search results' });
const chips = (page: Page) => page.getByRole('list', { name: 'Understood as' }).getByRole('listitem');
const refine = (page: Page) => page.getByRole('complementary', { name: 'Refine' });

test('"pdf from 2019": chips, counts, a chip removed, a facet, reasons, history and suggestions', async ({ page }) => {
  // Four files to process on a shared machine, then a dozen searches.
  test.setTimeout(240_000);
  await openWithToken(page, server());
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));

  const drag = await dragFilesOver(page, files);
  await expect(page.getByTestId('drop-overlay')).toHaveClass(/is-visible/);
  await drag.drop();
  const panel = page.getByRole('complementary', { name: 'Uploads' });
  for (const f of files) await expect(panel.getByRole('listitem', { name: `${f.name}: Completed` })).toBeVisible({ timeout: 90_000 });

  // The words become filters: a PDF made in 2019, whatever day it was added.
  await box(page).fill('pdf from 2019');
  await expect(chips(page)).toHaveText(['PDF', '2019']);
  // Leaving the box closes the suggestions that may cover the chips.
  await box(page).blur();
  await expect(results(page).getByRole('gridcell')).toHaveCount(1);
  await expect(results(page).getByRole('gridcell').first()).toHaveAccessibleName(/kestrel-rowing-report\.pdf/);
  await expect(page.getByRole('status').filter({ hasText: /^1 result for “pdf from 2019”/ })).toBeVisible();
  await expect(refine(page).getByRole('button', { name: 'Documents, 1 file', pressed: true })).toBeVisible();
  await expect(refine(page).getByRole('button', { name: '2019, 1 file', pressed: true })).toBeVisible();
  await shot(page, '20-search-chips-facets');

  // Without "PDF" the year still holds: the 2019 photo joins the 2019 report; the 2023 minutes stay out.
  await page.getByRole('button', { name: 'Remove filter PDF' }).click();
  await expect(box(page)).toHaveValue('from:2019-01-01 to:2019-12-31');
  await expect(chips(page)).toHaveText(['2019']);
  await expect(results(page).getByRole('gridcell')).toHaveCount(2);
  await expect(results(page).getByRole('gridcell', { name: /kestrel-boathouse\.jpg/ })).toBeVisible();
  await expect(results(page).getByRole('gridcell', { name: /kestrel-minutes\.pdf/ })).toHaveCount(0);
  await expect(refine(page).getByRole('button', { name: 'Images, 1 file', pressed: false })).toBeVisible();
  await expect(refine(page).getByRole('button', { name: 'Canon EOS R5, 1 file' })).toBeVisible();

  // A facet narrows: Images adds its chip and leaves only the photo.
  await refine(page).getByRole('button', { name: 'Images, 1 file' }).click();
  await expect(chips(page)).toHaveText(['Images', '2019']);
  await expect(results(page).getByRole('gridcell')).toHaveCount(1);
  await expect(results(page).getByRole('gridcell').first()).toHaveAccessibleName(/kestrel-boathouse\.jpg/);

  // Why each result matched: the words marked in the snippet on the card, and in full in the detail view.
  await box(page).fill('regatta');
  await box(page).blur();
  const card = results(page).getByRole('gridcell', { name: /kestrel-packing-list\.txt/ });
  await expect(card.locator('.match-reason mark').first()).toHaveText(/regatta/i);
  await shot(page, '21-search-reasons');
  await card.click();
  const dialog = page.getByRole('dialog', { name: 'kestrel-packing-list.txt' });
  await expect(dialog.getByRole('region', { name: 'Why it matched' })).toContainText('Contains your words');
  await expect(dialog.getByRole('region', { name: 'Why it matched' }).locator('mark').first()).toHaveText(/regatta/i);
  await dialog.getByRole('button', { name: 'Close' }).click();

  // The past search is offered under the empty box, and picking it searches it again.
  await box(page).fill('');
  await box(page).blur();
  await box(page).click();
  const recent = page.getByRole('listbox', { name: 'Recent searches' });
  await expect(recent.getByRole('option', { name: 'pdf from 2019' })).toBeVisible();
  await shot(page, '22-search-history');
  await recent.getByRole('option', { name: 'pdf from 2019' }).click();
  await expect(box(page)).toHaveValue('pdf from 2019');
  await expect(chips(page)).toHaveText(['PDF', '2019']);

  // The user's own words while typing: the camera from the photo's EXIF, picked with the keyboard.
  await box(page).fill('boathouse can');
  const suggestions = page.getByRole('listbox', { name: 'Suggestions' });
  await expect(suggestions.getByRole('option', { name: /Canon EOS R5/ })).toBeVisible();
  await shot(page, '23-search-suggestions');
  // Down until the camera is the active option (tags of the same count may come before it).
  for (let i = 0; i < 6 && !/Canon EOS R5/.test((await suggestions.locator('[aria-selected="true"]').allTextContents()).join('')); i++) {
    await box(page).press('ArrowDown');
  }
  await expect(suggestions.getByRole('option', { selected: true })).toContainText('Canon EOS R5');
  await box(page).press('Enter');
  await expect(box(page)).toHaveValue('boathouse camera:"Canon EOS R5" ');
  await expect(chips(page)).toHaveText(['Camera: Canon EOS R5']);
  await expect(results(page).getByRole('gridcell').first()).toHaveAccessibleName(/kestrel-boathouse\.jpg/);

  expect(pageErrors).toEqual([]);
});
