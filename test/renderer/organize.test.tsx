// @vitest-environment happy-dom
/**
 * The library's side tree and the detail view's own tags and note, against a fake API: choosing a
 * collection or a folder reloads the library filtered by it; a new collection is created with the
 * name typed; a tag typed in the detail view is saved normalised, and the analyzer's tags follow the
 * per-user setting.
 */
import { act, fireEvent, render, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { Collection } from '../../shared/api/schemas.ts';
import { PlacesTree } from '../../renderer/src/components/organize/PlacesTree.tsx';
import { UserNotes } from '../../renderer/src/components/organize/UserNotes.tsx';
import { useLibrary } from '../../renderer/src/stores/library.ts';
import { useOrganize } from '../../renderer/src/stores/organize.ts';
import { setup, upload } from './helpers.tsx';

const collection = (over: Partial<Collection>): Collection => ({
  id: '11111111-1111-4111-8111-111111111111', name: 'Trips', parent_id: null, path: 'Trips', file_count: 1, total_count: 3, cover_url: null,
  created_at: '2026-01-01T00:00:00.000Z', updated_at: '2026-01-01T00:00:00.000Z', ...over,
});

function answering(api: ReturnType<typeof setup>['api']) {
  const calls: [string, string, unknown][] = [];
  api.request.mockImplementation(async (method: string, path: string, opts?: { body?: unknown }) => {
    calls.push([method, path, opts?.body]);
    if (path === '/collections' && method === 'GET') return { collections: [collection({}), collection({ id: '22222222-2222-4222-8222-222222222222', name: 'Summer', parent_id: '11111111-1111-4111-8111-111111111111', path: 'Trips/Summer', total_count: 2 })] };
    if (path === '/collections' && method === 'POST') return collection({ id: '33333333-3333-4333-8333-333333333333', name: String((opts?.body as { name: string }).name) });
    if (path === '/folders') return { folders: [{ name: 'Holidays', path: 'Holidays', parent: null, depth: 0, file_count: 0, total_count: 2 }, { name: '2023', path: 'Holidays/2023', parent: 'Holidays', depth: 1, file_count: 2, total_count: 2 }], unfiled: 1 };
    if (path === '/tags') return { tags: [] };
    if (path === '/preferences') return { hide_analyzer_tags: false };
    if (path.endsWith('/collections')) return { collections: [] };
    if (method === 'PATCH') return upload({ user_tags: (opts?.body as { user_tags: string[] }).user_tags });
    return {};
  });
  return calls;
}

describe('the side tree', () => {
  it('lists collections (a sub-collection under its parent) and folders with counts; choosing one filters the library', async () => {
    const { api } = setup();
    answering(api);
    useOrganize.getState().reset();
    render(<PlacesTree />);
    const tree = await screen.findByRole('navigation', { name: 'Collections and folders' });
    const trips = await within(tree).findByRole('button', { name: /Trips/ });
    expect(within(tree).getByRole('button', { name: /Summer/ })).toBeTruthy();
    expect(within(tree).getByRole('button', { name: /2023/ }).textContent).toContain('2');
    await act(async () => fireEvent.click(trips));
    expect(trips.getAttribute('aria-pressed')).toBe('true');
    expect(api.listUploads).toHaveBeenLastCalledWith(expect.objectContaining({ collection_id: '11111111-1111-4111-8111-111111111111', offset: 0 }));
    await act(async () => fireEvent.click(within(tree).getByRole('button', { name: /2023/ })));
    expect(api.listUploads).toHaveBeenLastCalledWith(expect.objectContaining({ folder: 'Holidays/2023' }));
    await act(async () => fireEvent.click(within(tree).getByRole('button', { name: 'All files' })));
    const last = api.listUploads.mock.calls.at(-1)![0] as Record<string, unknown>;
    expect(last.folder).toBeUndefined();
    expect(last.collection_id).toBeUndefined();
    expect(useLibrary.getState().offset).toBe(0);
  });

  it('creates a collection with the name typed', async () => {
    const { api } = setup();
    const calls = answering(api);
    useOrganize.getState().reset();
    render(<PlacesTree />);
    const tree = await screen.findByRole('navigation', { name: 'Collections and folders' });
    fireEvent.click(within(tree).getByRole('button', { name: 'New collection' }));
    fireEvent.change(within(tree).getByRole('textbox', { name: 'Collection name' }), { target: { value: 'Garden' } });
    await act(async () => fireEvent.click(within(tree).getByRole('button', { name: 'Create' })));
    expect(calls).toContainEqual(['POST', '/collections', { name: 'Garden' }]);
  });
});

describe('your tags and note in the detail view', () => {
  it('saves a typed tag normalised, and the setting hides or shows the analyzer\'s tags', async () => {
    const { api } = setup();
    const calls = answering(api);
    useOrganize.getState().reset();
    render(<UserNotes upload={{ ...upload({ user_tags: ['beach'] }), extracted_text: null }} />);
    fireEvent.change(screen.getByRole('textbox', { name: 'Add a tag' }), { target: { value: '  #Road  Trip ' } });
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Add' })));
    expect(calls).toContainEqual(['PATCH', expect.stringMatching(/^\/upload\//), { user_tags: ['beach', 'road trip'] }]);
    const show = screen.getByRole('checkbox', { name: 'Show the tags Trove found' });
    await act(async () => fireEvent.click(show));
    expect(useOrganize.getState().hideAnalyzerTags).toBe(true);
    expect(calls).toContainEqual(['PUT', '/preferences', { hide_analyzer_tags: true }]);
  });
});
