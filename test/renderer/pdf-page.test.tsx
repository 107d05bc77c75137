// @vitest-environment happy-dom
/**
 * A PDF found on one of its pages opens at that page (issue 11, item 7): the detail view, opened
 * from a hit whose moment is `{page: 80}`, draws page 80 of the original (lib/pdf-page.ts, pdf.js in
 * the page; replaced here, as happy-dom has no canvas to draw in — test/e2e/moments.spec.ts draws
 * it in Chromium) and names it; where the page cannot be drawn the first page's thumbnail stays.
 */
import { act, render, screen, within } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { DetailDialog } from '../../renderer/src/components/DetailDialog.tsx';
import { fromSearchResult } from '../../renderer/src/lib/items.ts';
import { useDetail } from '../../renderer/src/stores/detail.ts';
import { result, setup, upload } from './helpers.tsx';

const draw = vi.hoisted(() => vi.fn());
vi.mock('../../renderer/src/lib/pdf-page.ts', () => ({ drawPdfPage: draw }));

beforeEach(() => {
  draw.mockReset();
});

async function openHit(page: number, mime = 'application/pdf') {
  const { api } = setup();
  const u = upload({ filename: 'manual.pdf', file_type: 'document', mime_type: mime, thumbnail_url: '/thumb.png' });
  api.metadata.mockResolvedValue({ ...u, extracted_text: 'Chapter one.' });
  const hit = fromSearchResult(result({ upload_id: u.id, filename: 'manual.pdf', file_type: 'document', mime_type: mime, moment: { page, text: 'the torque wrench' } }), (x) => x);
  render(<DetailDialog />);
  await act(() => useDetail.getState().open(u.id, hit));
  return { api, u, dialog: screen.getByRole('dialog', { name: 'manual.pdf' }) };
}

describe('a PDF opened from a hit on one of its pages', () => {
  it('draws that page of the original and names it', async () => {
    draw.mockImplementation(async (canvas: HTMLCanvasElement, _url: string, page: number) => {
      canvas.width = 560;
      return { page, pages: 100 };
    });
    const { api, u, dialog } = await openHit(80);
    await vi.waitFor(() => expect(within(dialog).getByText('Page 80 of 100')).toBeTruthy());
    expect(api.fileUrl).toHaveBeenCalledWith(u.id, 'download', expect.anything());
    expect(draw).toHaveBeenCalledWith(expect.any(HTMLCanvasElement), `/api/v1/blob?key=${u.id}/download`, 80, expect.any(Number), expect.any(AbortSignal));
    const canvas = within(dialog).getByLabelText('Page 80 of manual.pdf');
    expect(canvas.getAttribute('data-page')).toBe('80');
    expect((canvas as HTMLCanvasElement).hidden).toBe(false);
    expect(within(dialog).getByText(/Found on page 80/)).toBeTruthy();
  });

  it('keeps the first page when the page cannot be drawn, after one try with a fresh link', async () => {
    draw.mockRejectedValue(new Error('Invalid PDF structure.'));
    const { dialog } = await openHit(12);
    await vi.waitFor(() => expect(within(dialog).getByText(/^First page \(this page could not be drawn here/)).toBeTruthy());
    expect(draw).toHaveBeenCalledTimes(2);
    expect(within(dialog).queryByLabelText('Page 12 of manual.pdf')).toBeNull();
    expect(within(dialog).getByText(/Found on page 12/)).toBeTruthy();
  });

  it('shows the first page of a document that is not a PDF, and of a PDF opened without a page', async () => {
    const { dialog } = await openHit(3, 'text/plain');
    expect(within(dialog).getByText('First page')).toBeTruthy();
    expect(draw).not.toHaveBeenCalled();
  });
});
