// @vitest-environment happy-dom
/**
 * The search the way people ask, in the page: the answer's reading of the query as chips (one
 * removed → the query without it), facets that narrow and widen, further pages appended (and a
 * page of an older search dropped), why each result matched (marked words as <mark>, as text),
 * recent searches and suggestions under the box with the keyboard.
 */
import { act, fireEvent, render, screen, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import type { InterpretedQuery, SearchFacets, SearchResponse, SearchResult } from '../../shared/api/schemas.ts';
import { ApiError } from '../../renderer/src/api/errors.ts';
import { MatchReasonDetail, MatchReasonLine } from '../../renderer/src/components/search/MatchReason.tsx';
import { FacetPanel } from '../../renderer/src/components/search/FacetPanel.tsx';
import { SearchBox } from '../../renderer/src/components/search/SearchBox.tsx';
import { SearchFilters } from '../../renderer/src/components/search/SearchFilters.tsx';
import { snippetParts } from '../../renderer/src/lib/snippet.ts';
import { queryChips, queryWithFacet, queryWithout, queryWithSuggestion } from '../../renderer/src/lib/query-chips.ts';
import { SUGGEST_DEBOUNCE_MS, typedWord, useSearchAssist } from '../../renderer/src/stores/search-assist.ts';
import { useSearch } from '../../renderer/src/stores/search.ts';
import { deferred, result, setup } from './helpers.tsx';

const SEARCH_ID = '00000000-0000-4000-8000-000000000000';
// Days of the page's own calendar, as the server reads them when sent the page's time zone.
const local = (y: number, m = 0, d = 1) => new Date(y, m, d).toISOString();
const endOf = (next: string) => new Date(Date.parse(next) - 1).toISOString();
const YEAR_2019 = { date_from: local(2019), date_to: endOf(local(2020)) };
const noFacets: SearchFacets = { file_type: {}, year: {}, month: {}, camera: {} };

function answer(results: SearchResult[], extra: Omit<Partial<SearchResponse>, 'interpreted'> & { interpreted?: Partial<InterpretedQuery> } = {}): SearchResponse {
  const { interpreted, ...rest } = extra;
  return {
    results, search_id: SEARCH_ID, processing_time_ms: 4, facets: noFacets, total: results.length, has_more: false, next_offset: null,
    ...rest, interpreted: { text: '', filters: {}, phrases: [], notes: [], ...interpreted },
  };
}

const pdf2019 = { text: '', filters: { file_types: ['document' as const], formats: ['pdf' as const], ...YEAR_2019 }, phrases: [] };

describe('chips: what the query was understood to mean', () => {
  it('are one per filter and phrase, and each removed writes the query without it', () => {
    const q = {
      text: 'harbour "red boat"', phrases: ['red boat'],
      filters: { file_types: ['image' as const], ...YEAR_2019, camera: 'Canon EOS', exclude: ['draft'] },
    };
    const chips = queryChips(q);
    expect(chips.map((c) => c.label)).toEqual(['Images', '2019', 'Camera: Canon EOS', '\u201cred boat\u201d', 'Without: draft']);
    const placed = { text: '', phrases: [], filters: { folder: 'Holidays/2023', collection: 'Trips/Rome', tags: ['beach', 'sea side'] } };
    const more = queryChips(placed);
    expect(more.map((c) => c.label)).toEqual(['Folder: Holidays/2023', 'Collection: Trips/Rome', 'Tag: beach', 'Tag: sea side']);
    expect(queryWithout(placed, more[2]!)).toBe('folder:"Holidays/2023" collection:"Trips/Rome" tag:"sea side"');
    expect(queryWithout(placed, more[0]!)).toBe('collection:"Trips/Rome" tag:beach tag:"sea side"');
    const without = (label: string) => queryWithout(q, chips.find((c) => c.label === label)!);
    expect(without('Images')).toBe('harbour "red boat" from:2019-01-01 to:2019-12-31 camera:"Canon EOS" -draft');
    expect(without('2019')).toBe('harbour "red boat" type:image camera:"Canon EOS" -draft');
    expect(without('Camera: Canon EOS')).toBe('harbour "red boat" type:image from:2019-01-01 to:2019-12-31 -draft');
    expect(without('\u201cred boat\u201d')).toBe('harbour type:image from:2019-01-01 to:2019-12-31 camera:"Canon EOS" -draft');
    expect(without('Without: draft')).toBe('harbour "red boat" type:image from:2019-01-01 to:2019-12-31 camera:"Canon EOS"');
  });

  it('show a format as itself, and take its type away with it', () => {
    const chips = queryChips(pdf2019);
    expect(chips.map((c) => c.label)).toEqual(['PDF', '2019']);
    expect(queryWithout(pdf2019, chips[0]!)).toBe('from:2019-01-01 to:2019-12-31');
    expect(queryWithout(pdf2019, chips[1]!)).toBe('type:pdf');
  });

  it('name a month, a day, a range and an open end in the user\'s calendar', () => {
    const label = (date_from?: string, date_to?: string) => queryChips({ text: '', phrases: [], filters: { date_from, date_to } })[0]!.label;
    expect(label(local(2023, 2), endOf(local(2023, 3)))).toMatch(/March 2023/);
    expect(label(local(2019, 6, 14), endOf(local(2019, 6, 15)))).toMatch(/2019/);
    expect(label(local(2021, 2), undefined)).toMatch(/^Since /);
    expect(label(undefined, endOf(local(2020)))).toMatch(/^Until /);
  });

  it('a chip removed searches again at once with the rewritten query, in the box too', async () => {
    const { api } = setup();
    api.search.mockResolvedValueOnce(answer([result({ filename: 'report.pdf', file_type: 'document' })], { interpreted: pdf2019 }))
      .mockResolvedValueOnce(answer([result({ filename: 'report.pdf' }), result({ filename: 'photo.jpg' })], {
        interpreted: { text: '', filters: YEAR_2019, phrases: [] },
      }));
    useSearch.setState({ query: 'pdf from 2019' });
    await useSearch.getState().runNow();
    render(<SearchFilters />);
    const chips = screen.getByRole('list', { name: 'Understood as' });
    expect(within(chips).getAllByRole('listitem').map((li) => li.textContent)).toEqual(['PDF', '2019']);
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Remove filter PDF' })));
    expect(api.search).toHaveBeenCalledTimes(2);
    expect(api.search.mock.calls[1]![0].query).toBe('from:2019-01-01 to:2019-12-31');
    expect(useSearch.getState().query).toBe('from:2019-01-01 to:2019-12-31');
    await vi.waitFor(() => expect(useSearch.getState().results.map((r) => r.filename)).toEqual(['report.pdf', 'photo.jpg']));
    expect(within(screen.getByRole('list', { name: 'Understood as' })).getAllByRole('listitem').map((li) => li.textContent)).toEqual(['2019']);
  });

  it('the only chip of a query of filters removed leaves the box empty and the recent files', async () => {
    const { api } = setup();
    api.search.mockResolvedValueOnce(answer([], { interpreted: { text: '', filters: { file_types: ['video'] }, phrases: [] } }));
    useSearch.setState({ query: 'videos' });
    await useSearch.getState().runNow();
    useSearch.getState().removeChip(queryChips(useSearch.getState().interpreted!)[0]!);
    expect(useSearch.getState()).toMatchObject({ query: '', status: 'idle', interpreted: null });
    expect(api.search).toHaveBeenCalledTimes(1);
  });
});

describe('facets', () => {
  const facets: SearchFacets = {
    file_type: { image: 3, document: 1 }, year: { 2019: 2, 2023: 2 }, month: { '2019-07': 2, '2023-03': 2 }, camera: { 'Canon EOS R5': 2, 'NIKON D750': 1 },
  };

  it('narrow the query by a value, and widen it again when pressed', () => {
    const q = { text: 'harbour', filters: {}, phrases: [] };
    expect(queryWithFacet(q, 'file_type', 'image')).toBe('harbour type:image');
    expect(queryWithFacet(q, 'year', '2019')).toBe('harbour from:2019-01-01 to:2019-12-31');
    expect(queryWithFacet(q, 'month', '2019-07')).toBe('harbour from:2019-07-01 to:2019-07-31');
    expect(queryWithFacet(q, 'camera', 'Canon EOS R5')).toBe('harbour camera:"Canon EOS R5"');
    expect(queryWithFacet({ ...q, filters: YEAR_2019 }, 'year', '2019')).toBe('harbour');
    // Narrowing to documents keeps "pdf"; pressing Documents again drops both.
    expect(queryWithFacet(pdf2019, 'file_type', 'document')).toBe('from:2019-01-01 to:2019-12-31');
    expect(queryWithFacet({ ...pdf2019, filters: { file_types: ['document'], formats: ['pdf'] } }, 'file_type', 'image')).toBe('type:image');
    expect(queryWithFacet({ ...pdf2019, filters: { file_types: ['image', 'document'], formats: ['pdf'] } }, 'file_type', 'image')).toBe('type:pdf');
  });

  it('show counts beside each value; a click searches the narrowed query and the value shows pressed', async () => {
    const { api } = setup();
    api.search.mockResolvedValueOnce(answer([result()], { facets, interpreted: { text: 'harbour' } }))
      .mockResolvedValueOnce(answer([result()], { facets: { ...facets, year: { 2019: 2 } }, interpreted: { text: 'harbour', filters: YEAR_2019 } }));
    useSearch.setState({ query: 'harbour' });
    await useSearch.getState().runNow();
    render(<FacetPanel />);
    const panel = screen.getByRole('complementary', { name: 'Refine' });
    expect(within(panel).getAllByRole('heading').map((h) => h.textContent)).toEqual(['Type', 'Year', 'Month', 'Camera']);
    expect(within(panel).getByRole('button', { name: 'Images, 3 files' })).toBeTruthy();
    expect(within(panel).getByRole('button', { name: 'NIKON D750, 1 file' })).toBeTruthy();
    // Years newest first.
    const years = within(within(panel).getByRole('region', { name: 'Year' })).getAllByRole('button').map((b) => b.getAttribute('aria-label'));
    expect(years).toEqual(['2023, 2 files', '2019, 2 files']);
    await act(async () => fireEvent.click(within(panel).getByRole('button', { name: '2019, 2 files' })));
    expect(api.search.mock.calls[1]![0].query).toBe('harbour from:2019-01-01 to:2019-12-31');
    await vi.waitFor(() => expect(screen.getByRole('button', { name: '2019, 2 files' }).getAttribute('aria-pressed')).toBe('true'));
  });
});

describe('paging', () => {
  it('appends the next page from next_offset until the end, and asks no more after it', async () => {
    const { api } = setup();
    const first = [result({ filename: 'a.jpg' }), result({ filename: 'b.jpg' })];
    api.search.mockResolvedValueOnce(answer(first, { total: 3, has_more: true, next_offset: 2 }))
      .mockResolvedValueOnce(answer([first[1]!, result({ filename: 'c.jpg' })], { total: 3, has_more: false, next_offset: null }));
    useSearch.setState({ query: 'boats', sort: 'newest' });
    await useSearch.getState().runNow();
    await useSearch.getState().loadMore();
    expect(api.search.mock.calls[1]![0]).toMatchObject({ query: 'boats', sort: 'newest', offset: 2 });
    // A result seen on the page before (the list moved) is not shown twice.
    expect(useSearch.getState().results.map((r) => r.filename)).toEqual(['a.jpg', 'b.jpg', 'c.jpg']);
    expect(useSearch.getState()).toMatchObject({ nextOffset: null, total: 3, loadingMore: false });
    await useSearch.getState().loadMore();
    expect(api.search).toHaveBeenCalledTimes(2);
  });

  it('drops a page of an older search that arrives after a new search started', async () => {
    const { api } = setup();
    api.search.mockResolvedValueOnce(answer([result({ filename: 'old-1.jpg' })], { total: 2, has_more: true, next_offset: 1 }));
    useSearch.setState({ query: 'old' });
    await useSearch.getState().runNow();
    const page = deferred<SearchResponse>();
    api.search.mockReturnValueOnce(page.promise).mockResolvedValueOnce(answer([result({ filename: 'new.jpg' })]));
    const more = useSearch.getState().loadMore();
    useSearch.setState({ query: 'new' });
    await useSearch.getState().runNow();
    page.resolve(answer([result({ filename: 'old-2.jpg' })]));
    await more;
    expect(useSearch.getState().results.map((r) => r.filename)).toEqual(['new.jpg']);
    expect(useSearch.getState().loadingMore).toBe(false);
  });

  it('says when a page failed and lets it be tried again', async () => {
    const { api } = setup();
    api.search.mockResolvedValueOnce(answer([result()], { total: 2, has_more: true, next_offset: 1 }))
      .mockRejectedValueOnce(new ApiError('SERVICE_UNAVAILABLE', 'The server is busy; try again.', 503));
    useSearch.setState({ query: 'x' });
    await useSearch.getState().runNow();
    await useSearch.getState().loadMore();
    expect(useSearch.getState()).toMatchObject({ moreError: 'The server is busy; try again.', nextOffset: 1, loadingMore: false });
  });
});

describe('why it matched', () => {
  it('marks the matched words as <mark>, and text that looks like HTML stays text', () => {
    const { container } = render(<MatchReasonLine reason={{ by: 'text', field: 'text', snippet: 'the <img src=x onerror=alert(1)> «harbour» at «dusk» …' }} />);
    expect([...container.querySelectorAll('mark')].map((m) => m.textContent)).toEqual(['harbour', 'dusk']);
    expect(container.querySelector('img')).toBeNull();
    expect(container.textContent).toContain('<img src=x onerror=alert(1)> harbour at dusk …');
  });

  it('on a card, starts a long snippet shortly before the first marked word, at a word', () => {
    const long = `Text document. Begins: 'Packing list for the Kestrel «regatta» weekend'`;
    const parts = snippetParts(long, { lead: 20 });
    expect(parts.map((p) => p.text).join('')).toBe('\u2026 for the Kestrel regatta weekend\'');
    expect(parts.find((p) => p.marked)?.text).toBe('regatta');
    expect(snippetParts('A «dog»', { lead: 20 }).map((p) => p.text)).toEqual(['A ', 'dog']);
  });

  it('names matched tags, or says similar in meaning, or nothing for a search of filters', () => {
    expect(render(<MatchReasonLine reason={{ by: 'text', field: 'tags', matched: ['dog', 'beach'] }} />).container.textContent).toBe('Tagged dog, beach');
    expect(render(<MatchReasonLine reason={{ by: 'meaning' }} />).container.textContent).toBe('Similar in meaning');
    expect(render(<MatchReasonLine reason={{ by: 'filters' }} />).container.textContent).toBe('');
  });

  it('the detail view tells the whole reason: how, the snippet and the tags', () => {
    render(<MatchReasonDetail reason={{ by: 'both', field: 'summary', snippet: 'A «dog» on the beach', matched: ['dog'] }} />);
    const section = screen.getByRole('region', { name: 'Why it matched' });
    expect(section.textContent).toContain('Contains your words in its description and is close in meaning.');
    expect(within(section).getByRole('list', { name: 'Matched tags' }).textContent).toBe('dog');
  });
});

describe('recent searches and suggestions under the box', () => {
  const entry = (id: number, query: string) => ({
    id: `00000000-0000-4000-8000-${String(id).padStart(12, '0')}`, query, result_count: 1, latency_ms: 3, created_at: new Date().toISOString(),
  });

  it('shows each recent query once when the empty box is clicked; Enter on one searches it; × forgets it', async () => {
    const { api } = setup();
    api.searchHistory.mockResolvedValue({ history: [entry(1, 'pdf from 2019'), entry(2, 'PDF from 2019 '), entry(3, 'harbour')], total: 3 });
    api.search.mockResolvedValue(answer([]));
    render(<SearchBox />);
    const box = screen.getByRole('searchbox', { name: 'Search your files…' });
    // Focus alone (from `/` or Tab) leaves Down for the results; a click opens the list.
    await act(async () => fireEvent.focus(box));
    expect(screen.queryByRole('listbox')).toBeNull();
    fireEvent.mouseDown(box);
    const list = await screen.findByRole('listbox', { name: 'Recent searches' });
    expect(within(list).getAllByRole('option').map((o) => o.textContent)).toEqual(['pdf from 2019', 'harbour']);
    await act(async () => fireEvent.click(within(list).getByRole('button', { name: 'Remove \u201charbour\u201d from recent searches' })));
    expect(api.forgetSearch).toHaveBeenCalledWith(entry(3, '').id);
    fireEvent.keyDown(box, { key: 'ArrowDown' });
    expect(within(list).getAllByRole('option')[0]!.getAttribute('aria-selected')).toBe('true');
    expect(box.getAttribute('aria-activedescendant')).toBe(within(list).getAllByRole('option')[0]!.id);
    await act(async () => fireEvent.submit(box.closest('form')!));
    expect(api.search).toHaveBeenCalledWith(expect.objectContaining({ query: 'pdf from 2019' }), expect.any(AbortSignal));
    expect(screen.queryByRole('listbox')).toBeNull();
  });

  it('puts a forgotten search back when the server refuses, and takes NOT_FOUND as done', async () => {
    const { api } = setup();
    useSearchAssist.setState({ history: [{ id: 'a', query: 'one' }, { id: 'b', query: 'two' }] });
    api.forgetSearch.mockRejectedValueOnce(new ApiError('SERVICE_UNAVAILABLE', 'Try again.', 503));
    await useSearchAssist.getState().forget('a');
    expect(useSearchAssist.getState()).toMatchObject({ history: [{ id: 'a' }, { id: 'b' }], historyError: 'Try again.' });
    api.forgetSearch.mockRejectedValueOnce(new ApiError('NOT_FOUND', 'No search of yours with that id.', 404));
    await useSearchAssist.getState().forget('a');
    expect(useSearchAssist.getState().history.map((h) => h.id)).toEqual(['b']);
    await useSearchAssist.getState().forget(null);
    expect(api.forgetSearch).toHaveBeenLastCalledWith(null);
    expect(useSearchAssist.getState().history).toEqual([]);
  });

  it('suggests for the word being typed after a pause, drops an answer for an older word, and Enter puts the pick in the query', async () => {
    vi.useFakeTimers();
    const { api } = setup();
    const slow = deferred<{ suggestions: [] }>();
    api.searchSuggestions.mockReturnValueOnce(slow.promise)
      .mockResolvedValueOnce({ suggestions: [{ kind: 'tag', value: 'lighthouse', count: 3 }, { kind: 'camera', value: 'Canon EOS R5', count: 1 }] });
    api.search.mockResolvedValue(answer([]));
    render(<SearchBox />);
    const box = screen.getByRole('searchbox', { name: 'Search your files…' });
    fireEvent.focus(box);
    fireEvent.change(box, { target: { value: 'old li' } });
    await act(() => vi.advanceTimersByTimeAsync(SUGGEST_DEBOUNCE_MS));
    fireEvent.change(box, { target: { value: 'old lig' } });
    fireEvent.change(box, { target: { value: 'old ligh' } });
    await act(() => vi.advanceTimersByTimeAsync(SUGGEST_DEBOUNCE_MS));
    expect(api.searchSuggestions.mock.calls.map((c) => c[0])).toEqual(['li', 'ligh']);
    await act(async () => slow.resolve({ suggestions: [] }));
    const list = screen.getByRole('listbox', { name: 'Suggestions' });
    expect(within(list).getAllByRole('option').map((o) => o.textContent)).toEqual(['lighthouseTag · 3', 'Canon EOS R5Camera · 1']);
    fireEvent.keyDown(box, { key: 'ArrowDown' });
    fireEvent.keyDown(box, { key: 'ArrowDown' });
    await act(async () => fireEvent.submit(box.closest('form')!));
    expect(useSearch.getState().query).toBe('old camera:"Canon EOS R5" ');
    expect(api.search).toHaveBeenCalledWith(expect.objectContaining({ query: 'old camera:"Canon EOS R5"' }), expect.any(AbortSignal));
  });

  it('Alt+Down opens the recent searches from the keyboard', async () => {
    const { api } = setup();
    api.searchHistory.mockResolvedValue({ history: [entry(1, 'harbour')], total: 1 });
    render(<SearchBox />);
    const box = screen.getByRole('searchbox', { name: 'Search your files…' });
    fireEvent.focus(box);
    await act(async () => fireEvent.keyDown(box, { key: 'ArrowDown', altKey: true }));
    expect(within(await screen.findByRole('listbox', { name: 'Recent searches' })).getAllByRole('option').map((o) => o.textContent)).toEqual(['harbour']);
  });

  it('Escape closes the list first, then clears the box', async () => {
    vi.useFakeTimers();
    const { api } = setup();
    api.searchSuggestions.mockResolvedValue({ suggestions: [{ kind: 'tag', value: 'harbour', count: 2 }] });
    render(<SearchBox />);
    const box = screen.getByRole('searchbox', { name: 'Search your files…' });
    fireEvent.focus(box);
    fireEvent.change(box, { target: { value: 'harb' } });
    await act(() => vi.advanceTimersByTimeAsync(SUGGEST_DEBOUNCE_MS));
    expect(screen.getByRole('listbox', { name: 'Suggestions' })).toBeTruthy();
    fireEvent.keyDown(box, { key: 'Escape' });
    expect(screen.queryByRole('listbox')).toBeNull();
    expect((box as HTMLInputElement).value).toBe('harb');
    fireEvent.keyDown(box, { key: 'Escape' });
    expect((box as HTMLInputElement).value).toBe('');
  });

  it('takes the last plain word only, and writes a pick as words or as its operator', () => {
    expect(['harb', 'old harb', 'old ', 'h', 'camera:can', '-dra', '"red bo'].map(typedWord)).toEqual(['harb', 'harb', '', '', '', '', '']);
    expect(queryWithSuggestion('a golden ret', { kind: 'tag', value: 'golden retriever' })).toBe('a golden "golden retriever" ');
    expect(queryWithSuggestion('dog', { kind: 'tag', value: 'dog' })).toBe('dog ');
  });
});
