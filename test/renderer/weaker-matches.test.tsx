// @vitest-environment happy-dom
/**
 * Results stop where relevance stops (issue 11, item 8), in the page: the matches the server's
 * cut-off left out (`more_below_cutoff`) are offered under the last result, and in the empty state,
 * as "Show N weaker matches"; pressing it searches again with `include_weaker` and lists them after
 * the others. A new query starts with the cut-off again.
 */
import { act, fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import type { SearchResponse } from '../../shared/api/schemas.ts';
import { EmptyState } from '../../renderer/src/components/search/EmptyState.tsx';
import { LoadMore } from '../../renderer/src/components/search/LoadMore.tsx';
import { useSearch } from '../../renderer/src/stores/search.ts';
import { result, setup } from './helpers.tsx';

const answer = (names: string[], weaker: number): SearchResponse => ({
  results: names.map((filename) => result({ filename })), search_id: '00000000-0000-4000-8000-000000000000', processing_time_ms: 9,
  total: names.length, has_more: false, next_offset: null, more_below_cutoff: weaker,
});

describe('weaker matches', () => {
  it('offers the weaker matches under the last result and lists them after the close ones when asked', async () => {
    const { api } = setup();
    api.search.mockResolvedValueOnce(answer(['rocket-night.mp4', 'launch-pad.jpg'], 3))
      .mockResolvedValueOnce(answer(['rocket-night.mp4', 'launch-pad.jpg', 'city-night.jpg', 'moon.jpg', 'stars.png'], 0));
    useSearch.setState({ query: 'rocket launch at night' });
    await act(() => useSearch.getState().runNow());
    expect(api.search.mock.calls[0]![0]).not.toHaveProperty('include_weaker');
    render(<LoadMore />);
    const button = screen.getByRole('button', { name: 'Show 3 weaker matches' });
    await act(async () => {
      fireEvent.click(button);
      await Promise.resolve();
    });
    await vi.waitFor(() => expect(useSearch.getState().results).toHaveLength(5));
    expect(api.search).toHaveBeenCalledTimes(2);
    expect(api.search.mock.calls[1]![0]).toMatchObject({ query: 'rocket launch at night', include_weaker: true });
    expect(useSearch.getState().results.map((r) => r.filename).slice(0, 2)).toEqual(['rocket-night.mp4', 'launch-pad.jpg']);
    // Shown: the button goes.
    expect(screen.queryByRole('button', { name: /weaker/ })).toBeNull();

    // A new query starts with the cut-off again.
    api.search.mockResolvedValueOnce(answer(['cat.jpg'], 1));
    useSearch.getState().searchFor('a cat');
    await vi.waitFor(() => expect(useSearch.getState().results.map((r) => r.filename)).toEqual(['cat.jpg']));
    expect(api.search.mock.calls[2]![0]).not.toHaveProperty('include_weaker');
    expect(await screen.findByRole('button', { name: 'Show 1 weaker match' })).toBeTruthy();
  });

  it('says "No close matches" and offers the weaker ones when the cut-off left nothing', async () => {
    const { api } = setup();
    api.search.mockResolvedValueOnce(answer([], 2)).mockResolvedValueOnce(answer(['a.jpg', 'b.jpg'], 0));
    useSearch.setState({ query: 'thunderstorm sound' });
    await act(() => useSearch.getState().runNow());
    render(<EmptyState searching />);
    expect(screen.getByRole('heading', { name: 'No close matches' })).toBeTruthy();
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Show 2 weaker matches' }));
      await Promise.resolve();
    });
    await vi.waitFor(() => expect(useSearch.getState().results).toHaveLength(2));
    expect(api.search.mock.calls[1]![0]).toMatchObject({ include_weaker: true });
  });

  it('shows nothing extra when the cut-off left nothing out', async () => {
    const { api } = setup();
    api.search.mockResolvedValueOnce(answer(['a.jpg'], 0));
    useSearch.setState({ query: 'a' });
    await act(() => useSearch.getState().runNow());
    render(<LoadMore />);
    expect(screen.queryByRole('button')).toBeNull();
    render(<EmptyState searching />);
    expect(screen.getByRole('heading', { name: 'No matches' })).toBeTruthy();
  });
});
