// @vitest-environment happy-dom
/**
 * The share dialog and Settings → Shared links against a fake API: the loopback-only embedded
 * server's refusal is shown instead of a button; the network warning comes before a link is made;
 * the chosen expiry is sent; the link is copied (or left selected when the clipboard is refused);
 * a revoked link shows as revoked without its button.
 */
import { act, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CreatedShare, Share, ShareList, SharingStatus } from '../../shared/api/schemas.ts';
import { ApiError } from '../../renderer/src/api/errors.ts';
import { SharedLinksSection } from '../../renderer/src/components/settings/SharedLinksSection.tsx';
import { ShareDialog } from '../../renderer/src/components/share/ShareDialog.tsx';
import { setup, type FakeApi } from './helpers.tsx';

const UPLOAD = '11111111-1111-4111-8111-111111111111';
const share = (over: Partial<Share> = {}): Share => ({
  id: '22222222-2222-4222-8222-222222222222', target: { kind: 'file', id: UPLOAD, name: 'beach.png' }, state: 'active',
  created_at: '2026-12-01T10:00:00.000Z', expires_at: '2026-12-08T10:00:00.000Z', revoked_at: null, ...over,
});
const status = (over: Partial<SharingStatus>): SharingStatus => ({ available: true, code: null, message: null, warning: null, base_url: 'http://192.168.1.20:8787', ...over });

function answer(api: FakeApi, list: ShareList, created?: CreatedShare): void {
  api.request.mockImplementation(async (method: string, path: string) => {
    if (method === 'GET' && path === '/shares') return list;
    if (method === 'POST' && path === '/shares' && created) return created;
    if (method === 'DELETE' && path.startsWith('/shares/')) return share({ state: 'revoked', revoked_at: '2026-12-02T09:00:00.000Z' });
    throw new ApiError('NOT_FOUND', `unexpected ${method} ${path}`, 404);
  });
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('ShareDialog', () => {
  it('on a loopback-only server explains why no link can be made, and offers no button to make one', async () => {
    const { api } = setup();
    answer(api, { shares: [], sharing: status({ available: false, code: 'SHARE_NEEDS_REMOTE', base_url: null, message: 'Share links need Trove to be reachable from the network … TROVE_ALLOW_REMOTE=1 …' }) });
    render(<ShareDialog target={{ upload_id: UPLOAD }} name="beach.png" onClose={() => undefined} />);
    const dialog = screen.getByRole('dialog', { name: 'Share “beach.png”' });
    const alert = await within(dialog).findByRole('alert');
    expect(alert.textContent).toContain('TROVE_ALLOW_REMOTE=1');
    expect(within(dialog).queryByRole('button', { name: 'Create link' })).toBeNull();
    expect(api.request).not.toHaveBeenCalledWith('POST', '/shares', expect.anything());
  });

  it('warns first when the server is reachable from the network, sends the chosen expiry, and copies the link', async () => {
    const { api } = setup();
    const url = `http://192.168.1.20:8787/s/${'a'.repeat(43)}`;
    answer(api, { shares: [], sharing: status({ warning: 'Anyone who gets a link and can reach this computer can see it.' }) }, { ...share(), url });
    const writeText = vi.fn(async () => undefined);
    vi.stubGlobal('navigator', { ...navigator, clipboard: { writeText } });
    render(<ShareDialog target={{ upload_id: UPLOAD }} name="beach.png" onClose={() => undefined} />);
    const dialog = screen.getByRole('dialog', { name: 'Share “beach.png”' });
    expect((await within(dialog).findByRole('alert')).textContent).toContain('Reachable from your network');
    expect(within(dialog).getByRole<HTMLInputElement>('radio', { name: '7 days' }).checked).toBe(true);
    fireEvent.click(within(dialog).getByRole('radio', { name: '1 hour' }));
    await act(async () => fireEvent.click(within(dialog).getByRole('button', { name: 'Create link' })));
    expect(api.request).toHaveBeenCalledWith('POST', '/shares', { body: { target: { upload_id: UPLOAD }, expires_in_s: 3600 } });
    expect(within(dialog).getByRole<HTMLInputElement>('textbox').value).toBe(url);
    await act(async () => fireEvent.click(within(dialog).getByRole('button', { name: 'Copy' })));
    expect(writeText).toHaveBeenCalledWith(url);
    expect(within(dialog).getByRole('button', { name: 'Copied' })).toBeTruthy();
  });

  it('leaves the link selected with a hint when the clipboard is refused', async () => {
    const { api } = setup();
    answer(api, { shares: [], sharing: status({}) }, { ...share(), url: `http://x/s/${'b'.repeat(43)}` });
    vi.stubGlobal('navigator', { ...navigator, clipboard: { writeText: vi.fn(async () => { throw new Error('denied'); }) } });
    render(<ShareDialog target={{ collection_id: UPLOAD }} name="Trips" onClose={() => undefined} />);
    const dialog = screen.getByRole('dialog', { name: 'Share “Trips”' });
    const create = await within(dialog).findByRole('button', { name: 'Create link' });
    await act(async () => fireEvent.click(create));
    expect(api.request).toHaveBeenCalledWith('POST', '/shares', { body: { target: { collection_id: UPLOAD }, expires_in_s: 7 * 86_400 } });
    await act(async () => fireEvent.click(within(dialog).getByRole('button', { name: 'Copy' })));
    expect(within(dialog).getByRole('alert').textContent).toContain('press Ctrl+C');
  });
});

describe('SharedLinksSection', () => {
  it('lists links with their state; Revoke turns an active one revoked', async () => {
    const { api } = setup();
    answer(api, { shares: [share(), share({ id: '33333333-3333-4333-8333-333333333333', target: { kind: 'collection', id: UPLOAD, name: 'Trips' }, state: 'expired' })], sharing: status({}) });
    render(<SharedLinksSection />);
    const items = await screen.findAllByRole('listitem');
    expect(items.map((li) => li.textContent)).toEqual([expect.stringContaining('File: beach.png'), expect.stringContaining('Collection: Trips')]);
    expect(within(items[1]!).queryByRole('button')).toBeNull();
    await act(async () => fireEvent.click(within(items[0]!).getByRole('button', { name: 'Revoke the link to beach.png' })));
    expect(api.request).toHaveBeenCalledWith('DELETE', '/shares/22222222-2222-4222-8222-222222222222');
    expect(screen.getAllByRole('listitem')[0]!.textContent).toContain('Revoked');
    expect(within(screen.getAllByRole('listitem')[0]!).queryByRole('button')).toBeNull();
  });

  it('an older server without share links: says so, not as an error', async () => {
    const { api } = setup();
    api.request.mockRejectedValue(new ApiError('NOT_FOUND', 'No route GET /api/v1/shares.', 404));
    render(<SharedLinksSection />);
    expect(await screen.findByText('This Trove server does not offer share links.')).toBeTruthy();
    expect(screen.queryByRole('alert')).toBeNull();
  });
});
