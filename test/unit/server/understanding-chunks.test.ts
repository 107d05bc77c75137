/**
 * How many of a file's parts get a vector (issue 11, item 7's cost bound): a long document's pages
 * go into the file's one embedding call, at most MAX_EMBEDDED_PAGES of them spread over it, with a
 * log line; a document the file's own vector holds whole gets no page vectors.
 */
import { describe, expect, it } from 'vitest';
import { OfflineAnalyzer } from '../../../server/analysis/offline-analyzer.ts';
import type { AnalysisInput, Embedder } from '../../../server/analysis/types.ts';
import type { Logger } from '../../../server/logger.ts';
import type { Metrics } from '../../../server/metrics.ts';
import { MAX_EMBEDDED_PAGES, Understanding } from '../../../server/services/understanding.ts';
import type { UsageService } from '../../../server/services/usage-service.ts';

function setup() {
  const calls: string[][] = [];
  const notes: string[] = [];
  const embedder: Embedder = {
    model: 'count-2', dimensions: 2, close: () => Promise.resolve(),
    embed: (texts) => { calls.push(texts); return Promise.resolve(texts.map((_, i) => [1, i])); },
  };
  const noop = () => undefined;
  const log: Logger = { debug: noop, warn: noop, error: noop, info: (_o: object | string, msg?: string) => void notes.push(msg ?? '') };
  // Neither is reached: no cloud model and the embedder reports no usage.
  const understanding = new Understanding({
    offline: new OfflineAnalyzer(), cloud: undefined, embedder, localEmbedder: embedder, log,
    usage: {} as UsageService, metrics: {} as Metrics,
  });
  const ctx = { userId: 'u', uploadId: 'f', fileType: 'document' as const, lastAttempt: false, keepLocal: () => Promise.resolve(false) };
  return { calls, notes, run: (input: AnalysisInput) => understanding.understand(input, ctx, new AbortController().signal, noop) };
}

const pages = (n: number) => Array.from({ length: n }, (_, i) => ({ kind: 'page' as const, page: i + 1, text: `Page ${i + 1} text.` }));

describe('embedding a file\'s parts', () => {
  it('a long document: one call with the file and at most MAX_EMBEDDED_PAGES pages spread over it, said in the log', async () => {
    const { calls, notes, run } = setup();
    const u = await run({
      fileType: 'document', filename: 'manual.pdf', mimeType: 'application/pdf', text: 'Page 1 text.',
      metadata: { pageCount: 100, truncated: true }, chunks: pages(100),
    });
    expect(calls).toHaveLength(1);
    expect(calls[0]).toHaveLength(1 + MAX_EMBEDDED_PAGES);
    expect(u.chunks).toHaveLength(100);
    const withVectors = u.chunks.filter((c) => c.embedding !== null).map((c) => c.page);
    expect(withVectors).toHaveLength(MAX_EMBEDDED_PAGES);
    expect(withVectors[0]).toBe(1);
    expect(withVectors[MAX_EMBEDDED_PAGES - 1]).toBeGreaterThan(90);
    expect(notes.some((n) => /only some of its parts are embedded/.test(n))).toBe(true);
  });

  it('a short document: its page keeps its words for search, without a vector of its own', async () => {
    const { calls, run } = setup();
    const u = await run({
      fileType: 'document', filename: 'note.pdf', mimeType: 'application/pdf', text: 'Page 1 text.',
      metadata: { pageCount: 1, truncated: false }, chunks: pages(1),
    });
    expect(calls).toEqual([[expect.any(String)]]);
    expect(u.chunks).toEqual([{ kind: 'page', page: 1, text: 'Page 1 text.', embedding: null }]);
  });
});
