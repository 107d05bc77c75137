// @vitest-environment happy-dom
import { act, fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import type { SearchResponse } from '../../shared/api/schemas.ts';
import { SearchBox } from '../../renderer/src/components/search/SearchBox.tsx';
import { SEARCH_DEBOUNCE_MS, searchBody, useSearch, visibleItems } from '../../renderer/src/stores/search.ts';
import { deferred, result, setup } from './helpers.tsx';

const response = (names: string[]): SearchResponse => ({
  results: names.map((filename) => result({ filename })), search_id: '00000000-0000-4000-8000-000000000000', processing_time_ms: 12,
});

describe('search store', () => {
  it('waits until typing pauses, then sends one request for the latest text', async () => {
    vi.useFakeTimers();
    const { api } = setup();
    api.search.mockResolvedValue(response(['a.jpg']));
    for (const q of ['s', 'su', 'sun', 'suns', 'sunset']) {
      useSearch.getState().setQuery(q);
      await vi.advanceTimersByTimeAsync(100);
    }
    expect(api.search).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(SEARCH_DEBOUNCE_MS);
    expect(api.search).toHaveBeenCalledTimes(1);
    expect(api.search.mock.calls[0]![0]).toMatchObject({ query: 'sunset', limit: 100 });
    expect(useSearch.getState().results.map((r) => r.filename)).toEqual(['a.jpg']);
    expect(useSearch.getState().status).toBe('ready');
  });

  it('ignores a slow answer to an older query that arrives after the newer one', async () => {
    const { api } = setup();
    const first = deferred<SearchResponse>();
    const second = deferred<SearchResponse>();
    api.search.mockReturnValueOnce(first.promise).mockReturnValueOnce(second.promise);
    useSearch.setState({ query: 'cat' });
    const p1 = useSearch.getState().runNow();
    useSearch.setState({ query: 'cat on a sofa' });
    const p2 = useSearch.getState().runNow();
    // The first request was aborted when the second started.
    expect((api.search.mock.calls[0]![1] as AbortSignal).aborted).toBe(true);
    second.resolve(response(['sofa-cat.jpg']));
    await p2;
    first.resolve(response(['stale.jpg']));
    await p1;
    expect(useSearch.getState().results.map((r) => r.filename)).toEqual(['sofa-cat.jpg']);
  });

  it('clearing the box cancels a pending search and shows recent files again', async () => {
    vi.useFakeTimers();
    const { api } = setup();
    useSearch.getState().setQuery('dog');
    useSearch.getState().setQuery('');
    await vi.advanceTimersByTimeAsync(SEARCH_DEBOUNCE_MS * 2);
    expect(api.search).not.toHaveBeenCalled();
    expect(useSearch.getState().status).toBe('idle');
  });

  it('sends the sort order and the time zone, never filters of its own, and keeps the server\'s order', async () => {
    const { api } = setup();
    api.search.mockResolvedValue(response(['new.pdf', 'old.pdf']));
    useSearch.setState({ query: 'invoice' });
    useSearch.getState().setSort('oldest');
    await vi.waitFor(() => expect(api.search).toHaveBeenCalledTimes(1));
    const body = api.search.mock.calls[0]![0];
    expect(body).toEqual({ query: 'invoice', limit: 100, sort: 'oldest', time_zone: Intl.DateTimeFormat().resolvedOptions().timeZone });
    await vi.waitFor(() => expect(useSearch.getState().status).toBe('ready'));
    expect(visibleItems(useSearch.getState()).map((i) => i.filename)).toEqual(['new.pdf', 'old.pdf']);
  });

  it('builds a body without a default sort or a first-page offset', () => {
    expect(searchBody({ query: '  moon  ', sort: 'relevance' })).toEqual({ query: 'moon', limit: 100, time_zone: expect.any(String) });
    expect(searchBody({ query: 'moon', sort: 'size' }, 100)).toMatchObject({ sort: 'size', offset: 100 });
  });

  it('reports a failed search with the server message', async () => {
    const { api } = setup();
    const { ApiError } = await import('../../renderer/src/api/errors.ts');
    api.search.mockRejectedValue(new ApiError('SERVICE_UNAVAILABLE', 'The search index is warming up.', 503));
    useSearch.setState({ query: 'x' });
    await useSearch.getState().runNow();
    expect(useSearch.getState()).toMatchObject({ status: 'error', error: 'The search index is warming up.' });
  });
});

describe('SearchBox', () => {
  it('is labelled "Search your files…" and searches as the user types', async () => {
    vi.useFakeTimers();
    const { api } = setup();
    api.search.mockResolvedValue(response(['moon.mp4']));
    render(<SearchBox />);
    const box = screen.getByRole('searchbox', { name: 'Search your files…' });
    fireEvent.change(box, { target: { value: 'moon landing' } });
    expect(api.search).not.toHaveBeenCalled();
    await act(() => vi.advanceTimersByTimeAsync(SEARCH_DEBOUNCE_MS));
    expect(api.search).toHaveBeenCalledWith(expect.objectContaining({ query: 'moon landing' }), expect.any(AbortSignal));
    // Escape clears it.
    fireEvent.keyDown(box, { key: 'Escape' });
    expect((box as HTMLInputElement).value).toBe('');
  });
});
