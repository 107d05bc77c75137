import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TroveError, type ErrorCode } from '../../shared/api/errors.ts';
import { OpenAIChatAnalyzer, OpenAIEmbedder, type OpenAIEmbedderOptions } from '../../server/analysis/cloud/index.ts';
import type { AnalysisInput } from '../../server/analysis/types.ts';
import { truncateToTokens } from '../../server/analysis/cloud/openai-embedder.ts';
import { fakeEmbedding, startFakeOpenAI, type FakeOpenAI } from '../fakes/openai-server.ts';

// The real `openai` SDK against the local fake: no mocks of the SDK.

let fake: FakeOpenAI;
let dir: string;
let jpg: string;

beforeAll(async () => {
  fake = await startFakeOpenAI({ nativeDims: (m) => (m === 'nomic-embed-text' ? 768 : m.endsWith('-large') ? 3072 : 1536) });
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'trove-openai-'));
  jpg = path.join(dir, 'pic.png');
  await sharp({ create: { width: 1600, height: 1200, channels: 4, background: { r: 200, g: 40, b: 40, alpha: 0.5 } } }).png().toFile(jpg);
});

afterAll(async () => {
  await fake.close();
  await fs.rm(dir, { recursive: true, force: true });
});

beforeEach(() => {
  fake.clearFaults();
  fake.requests.length = 0;
});

const embedders: OpenAIEmbedder[] = [];
function embedder(over: Partial<OpenAIEmbedderOptions> = {}): OpenAIEmbedder {
  const e = new OpenAIEmbedder({ apiKey: fake.apiKey, baseUrl: fake.url, maxRetries: 0, timeoutMs: 5000, ...over });
  embedders.push(e);
  return e;
}
afterAll(async () => {
  await Promise.all(embedders.map((e) => e.close()));
});

async function expectTrove(p: Promise<unknown>, code: ErrorCode, retryable: boolean, message?: RegExp): Promise<TroveError> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err, 'expected a TroveError').toBeInstanceOf(TroveError);
  const t = err as TroveError;
  expect(t.code).toBe(code);
  expect(t.retryable).toBe(retryable);
  if (message) expect(t.message).toMatch(message);
  return t;
}

const dot = (a: number[], b: number[]): number => a.reduce((s, x, i) => s + x * b[i]!, 0);
const norm = (a: number[]): number => Math.sqrt(dot(a, a));

describe('OpenAIEmbedder', () => {
  it('embeds 250 inputs in 3 calls of at most 100, in order, as unit vectors of 1536', async () => {
    const e = embedder();
    expect(e.model).toBe('openai:text-embedding-3-small-1536');
    const texts = Array.from({ length: 250 }, (_, i) => `document number ${i} about topic${i % 7}`);
    const vectors = await e.embed(texts);
    const calls = fake.embeddingCalls();
    expect(calls.map((c) => (c.body as { input: string[] }).input.length)).toEqual([100, 100, 50]);
    expect(calls[0]!.headers.authorization).toBe(`Bearer ${fake.apiKey}`);
    expect((calls[0]!.body as { model: string; dimensions: number }).model).toBe('text-embedding-3-small');
    expect((calls[0]!.body as { dimensions: number }).dimensions).toBe(1536);
    expect(vectors).toHaveLength(250);
    for (const [i, v] of vectors.entries()) {
      expect(v).toHaveLength(1536);
      expect(norm(v)).toBeCloseTo(1, 5);
      // float32 on the wire, so equal to the fake's vector to ~1e-6
      if (i % 50 === 0) expect(dot(v, fakeEmbedding(texts[i]!, 1536))).toBeCloseTo(1, 5);
    }
  });

  it('merges concurrent single-text calls into one request', async () => {
    const e = embedder();
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => e.embed([`note ${i}`])));
    expect(results.every((r) => r.length === 1 && r[0]!.length === 1536)).toBe(true);
    expect(fake.embeddingCalls()).toHaveLength(1);
    expect(e.calls).toBe(1);
  });

  it('gives related texts close vectors, so search finds the right file', async () => {
    const [query, beach, invoice] = await embedder().embed([
      'sunset at the beach', 'beach_sunset.jpg. A photo of a sunset over a sandy beach', 'invoice.pdf. An invoice for office chairs',
    ]);
    expect(dot(query!, beach!)).toBeGreaterThan(dot(query!, invoice!) + 0.3);
  });

  it('sends dimensions only to text-embedding-3 models and checks every length', async () => {
    const small = embedder({ dimensions: 256 });
    const [v] = await small.embed(['hello']);
    expect(v).toHaveLength(256);
    expect(small.model).toBe('openai:text-embedding-3-small-256');
    expect((fake.embeddingCalls()[0]!.body as { dimensions: number }).dimensions).toBe(256);

    fake.requests.length = 0;
    const local = embedder({ model: 'nomic-embed-text', dimensions: 768 });
    expect((await local.embed(['hello']))[0]).toHaveLength(768);
    expect(fake.embeddingCalls()[0]!.body).not.toHaveProperty('dimensions');

    await expectTrove(embedder({ model: 'nomic-embed-text', dimensions: 1536 }).embed(['hello']),
      'PROVIDER_MISCONFIGURED', false, /returns 768-dimensional vectors.*OPENAI_EMBEDDING_DIMENSIONS=768/);
  });

  it('reads plain float answers from servers that ignore encoding_format', async () => {
    const floats = await startFakeOpenAI({ alwaysFloat: true });
    try {
      const e = new OpenAIEmbedder({ apiKey: floats.apiKey, baseUrl: floats.url, maxRetries: 0 });
      const [v] = await e.embed(['red bicycle']);
      expect(dot(v!, fakeEmbedding('red bicycle', 1536))).toBeCloseTo(1, 9);
      await e.close();
    } finally {
      await floats.close();
    }
  });

  it('turns malformed answers (count, length, NaN) into retryable errors with a clear message', async () => {
    const e = embedder();
    fake.fail('malformed-count');
    await expectTrove(e.embed(['a', 'b', 'c']), 'MODEL_UNAVAILABLE', true, /malformed answer: 2 vectors for 3 texts/);
    fake.fail('malformed-dims');
    await expectTrove(e.embed(['a', 'b']), 'MODEL_UNAVAILABLE', true, /vector 0 has 1535 dimensions instead of 1536/);
    fake.fail('malformed-nan');
    await expectTrove(e.embed(['a', 'b']), 'MODEL_UNAVAILABLE', true, /vector 0 is not a finite, non-zero vector/);
    await expect(e.embed(['a'])).resolves.toHaveLength(1);
  });

  it('maps 429 and 5xx to retryable errors and 401 to a non-retryable key error', async () => {
    const e = embedder();
    fake.fail(429);
    await expectTrove(e.embed(['x']), 'PROVIDER_RATE_LIMITED', true, /HTTP 429/);
    fake.fail(500);
    await expectTrove(e.embed(['x']), 'MODEL_UNAVAILABLE', true, /HTTP 500/);
    await expectTrove(embedder({ apiKey: 'wrong' }).embed(['x']), 'PROVIDER_MISCONFIGURED', false, /check OPENAI_API_KEY/);
  });

  it('lets the SDK retry a passing 429 when retries are on', async () => {
    fake.fail(429);
    await expect(embedder({ maxRetries: 1 }).embed(['x'])).resolves.toHaveLength(1);
    expect(fake.embeddingCalls()).toHaveLength(2);
  });

  it('times out a hung call retryably and honours the caller\'s abort', async () => {
    fake.fail('hang');
    await expectTrove(embedder({ timeoutMs: 300 }).embed(['x']), 'MODEL_UNAVAILABLE', true, /did not answer within/);
    fake.fail('hang');
    const controller = new AbortController();
    const reason = new Error('stop');
    setTimeout(() => controller.abort(reason), 50);
    await expect(embedder().embed(['x'], controller.signal)).rejects.toBe(reason);
  });

  it('truncates long inputs to the token budget and never sends an empty one', async () => {
    await embedder().embed(['word '.repeat(50_000), '', '日本語'.repeat(10_000)]);
    const input = (fake.embeddingCalls()[0]!.body as { input: string[] }).input;
    expect(input[0]!.length).toBeLessThanOrEqual(16_000);
    expect(input[1]).toBe(' ');
    expect(input[2]!.length).toBeLessThanOrEqual(4000);
    expect(truncateToTokens('\uD800 abc', 10)).toBe('\uFFFD abc');
  });
});

describe('OpenAIChatAnalyzer', () => {
  const analyzer = (over: Partial<ConstructorParameters<typeof OpenAIChatAnalyzer>[0]> = {}): OpenAIChatAnalyzer =>
    new OpenAIChatAnalyzer({ apiKey: fake.apiKey, baseUrl: fake.url, model: 'llava', contentModeration: true, maxRetries: 0, timeoutMs: 5000, ...over });
  // A getter: `jpg` exists only once beforeAll has run.
  const input = (): AnalysisInput => ({ fileType: 'image', filename: 'red_balloon.png', mimeType: 'image/png', metadata: { width: 1600, height: 1200 }, imagePaths: [jpg] });

  it('sends the picture as a data: URL with a JSON schema and returns the same contract as Gemini', async () => {
    const result = await analyzer().analyze(input());
    expect(result.model).toBe('openai:llava');
    expect(result.summary).toMatch(/red balloon/);
    expect(result.tags).toEqual(expect.arrayContaining(['image', 'red', 'balloon']));
    expect(result.metadata).toEqual({ nsfw: { flagged: false, score: 0.02 } });
    expect(result.tokenCount).toBeGreaterThan(85);
    const body = fake.chatCalls()[0]!.body as {
      model: string; response_format: { type: string; json_schema: { schema: { required: string[] } } };
      messages: { role: string; content: string | { type: string; image_url?: { url: string } }[] }[];
    };
    expect(body.model).toBe('llava');
    expect(body.response_format.type).toBe('json_schema');
    expect(body.response_format.json_schema.schema.required).toContain('nsfw');
    const parts = body.messages[1]!.content as { type: string; image_url?: { url: string } }[];
    const url = parts.find((p) => p.type === 'image_url')!.image_url!.url;
    expect(url.startsWith('data:image/jpeg;base64,')).toBe(true);
    const meta = await sharp(Buffer.from(url.slice(url.indexOf(',') + 1), 'base64')).metadata();
    expect([meta.width, meta.height, meta.hasAlpha]).toEqual([1024, 768, false]);
  });

  it('maps content filtering to non-retryable, unreadable answers and 429 to retryable', async () => {
    fake.fail('content-filter', 1, 'chat');
    await expectTrove(analyzer().analyze(input()), 'PROVIDER_REJECTED', false, /content_filter/);
    fake.fail('not-json', 1, 'chat');
    await expectTrove(analyzer().analyze(input()), 'MODEL_UNAVAILABLE', true, /malformed answer/);
    fake.fail(429, 1, 'chat');
    await expectTrove(analyzer().analyze(input()), 'PROVIDER_RATE_LIMITED', true);
  });

  it('can ask older servers for json_object or no format at all', async () => {
    await analyzer({ responseFormat: 'json_object', contentModeration: false }).analyze(input());
    await analyzer({ responseFormat: 'none' }).analyze(input());
    const [a, b] = fake.chatCalls().map((c) => c.body as { response_format?: { type: string } });
    expect(a!.response_format).toEqual({ type: 'json_object' });
    expect(b!.response_format).toBeUndefined();
  });
});
