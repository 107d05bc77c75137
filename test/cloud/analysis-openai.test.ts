import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TroveError, type ErrorCode } from '../../shared/api/errors.ts';
import { OpenAIChatAnalyzer, OpenAIEmbedder, usageOf, type OpenAIEmbedderOptions } from '../../server/analysis/cloud/index.ts';
import type { ModelUsage } from '../../server/analysis/types.ts';
import { truncateToTokens } from '../../server/analysis/cloud/openai-embedder.ts';
import { fakeEmbedding, startFakeOpenAI, type FakeOpenAI } from '../fakes/openai-server.ts';
import { mp3WithTags, mp4 } from '../helpers/media.ts';
import { prepare, type Prepared } from './cloud-inputs.ts';

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
  fake.responses.length = 0;
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
    // A fake of its own that never answers: a request given up early can reach a busy fake late,
    // and must not take the next test's fault or show up in its requests.
    const hung = await startFakeOpenAI();
    hung.fail('hang', 100);
    try {
      const e = (over: Partial<OpenAIEmbedderOptions> = {}) => embedder({ apiKey: hung.apiKey, baseUrl: hung.url, ...over });
      await expectTrove(e({ timeoutMs: 300 }).embed(['x']), 'MODEL_UNAVAILABLE', true, /did not answer within/);
      const controller = new AbortController();
      const reason = new Error('stop');
      setTimeout(() => controller.abort(reason), 50);
      await expect(e().embed(['x'], controller.signal)).rejects.toBe(reason);
    } finally {
      await hung.close();
    }
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

describe('OpenAIEmbedder token usage', () => {
  const billed = (from = 0) => fake.responses.slice(from).filter((r) => r.path === '/v1/embeddings').reduce((n, r) => n + r.body.usage!.prompt_tokens, 0);

  it('reports a lone caller exactly what each of its calls was billed', async () => {
    const e = embedder();
    const seen: ModelUsage[] = [];
    const texts = Array.from({ length: 250 }, (_, i) => `document number ${i} about topic${i % 7}`);
    await e.embed(texts, undefined, (u) => seen.push(u));
    expect(fake.embeddingCalls()).toHaveLength(3);
    // The three calls run side by side, so they may finish in any order.
    const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
    expect(sorted(seen.map((u) => u.inputTokens))).toEqual(sorted(fake.responses.map((r) => r.body.usage!.prompt_tokens)));
    expect(seen.every((u) => u.model === 'text-embedding-3-small' && u.outputTokens === 0)).toBe(true);
  });

  it('splits a batch shared by several callers by their characters, adding up to the batch total', async () => {
    const e = embedder();
    const texts = ['a short note', 'a somewhat longer description of a beach at sunset with people walking', 'x'.repeat(400), 'medium length text here'];
    const shares = texts.map(() => 0);
    await Promise.all(texts.map((t, i) => e.embed([t], undefined, (u) => void (shares[i]! += u.inputTokens))));
    expect(fake.embeddingCalls()).toHaveLength(1);
    const total = billed();
    expect(shares.reduce((a, b) => a + b, 0)).toBe(total);
    const chars = texts.reduce((n, t) => n + t.length, 0);
    texts.forEach((t, i) => expect(Math.abs(shares[i]! - (total * t.length) / chars)).toBeLessThan(1));
  });

  it('estimates the tokens of a server that reports no usage, and says so once', async () => {
    const warned: string[] = [];
    const e = embedder({ log: { info: () => undefined, debug: () => undefined, error: () => undefined, warn: (_o, msg?: string) => void warned.push(msg ?? '') } });
    const seen: ModelUsage[] = [];
    fake.fail('no-usage', 2);
    await e.embed(['a photo of a red bicycle leaning on a wall'], undefined, (u) => seen.push(u));
    await e.embed(['another one'], undefined, (u) => seen.push(u));
    // 10 words × 1.3 and 2 words × 1.3 (or characters / 4), rounded: the estimate offline/text.ts makes.
    expect(seen.map((u) => u.inputTokens)).toEqual([13, 3]);
    expect(warned.filter((w) => /reported no token counts/.test(w))).toHaveLength(1);
  });
});

describe('OpenAIChatAnalyzer', () => {
  const analyzer = (over: Partial<ConstructorParameters<typeof OpenAIChatAnalyzer>[0]> = {}): OpenAIChatAnalyzer =>
    new OpenAIChatAnalyzer({
      apiKey: fake.apiKey, baseUrl: fake.url, model: 'gpt-4o-mini', contentModeration: true, promptTextMaxTokens: 8000,
      maxRetries: 0, timeoutMs: 5000, ...over,
    });
  interface ChatBody {
    model: string; response_format?: { type: string; json_schema?: { schema: { required: string[] } } };
    messages: { role: string; content: string | { type: string; text?: string; image_url?: { url: string } }[] }[];
  }
  const chat = (i = 0) => fake.chatCalls()[i]!.body as ChatBody;
  const userParts = (i = 0) => chat(i).messages[1]!.content as { type: string; text?: string; image_url?: { url: string } }[];
  const billedChat = (i = 0) => {
    const u = fake.responses.filter((r) => r.path === '/v1/chat/completions')[i]!.body.usage!;
    return [{ model: 'gpt-4o-mini', inputTokens: u.prompt_tokens, outputTokens: u.completion_tokens }];
  };
  let balloon: Prepared;
  let clip: Prepared;
  let song: Prepared;
  beforeAll(async () => {
    balloon = await prepare(dir, await fs.readFile(jpg), { filename: 'red_balloon.png', mimeType: 'image/png', fileType: 'image' });
    clip = await prepare(dir, await mp4(21), { filename: 'ski_trip.mp4', mimeType: 'video/mp4', fileType: 'video' });
    song = await prepare(dir, await mp3WithTags({ title: 'Morning Birdsong', artist: 'Field Recordings', album: 'Dawn' }, 2),
      { filename: 'birdsong.mp3', mimeType: 'audio/mpeg', fileType: 'audio' });
  }, 120_000);

  it('sends the picture as a data: URL with the grounded prompt and returns the same contract as Gemini', async () => {
    const outcome = await analyzer().describe(balloon.input, balloon.grounding);
    if (outcome.kind !== 'described') throw new Error(outcome.reason);
    const { analysis, usage } = outcome;
    expect(analysis.model).toBe('openai-chat:gpt-4o-mini');
    expect(analysis.summary).toMatch(/red balloon/);
    expect(analysis.tags).toEqual(expect.arrayContaining(['image', 'red', 'balloon', 'png']));
    expect(analysis.metadata).toEqual({ ...balloon.grounding.metadata, nsfw: { flagged: false, score: 0.02, by: 'openai-chat' } });
    expect(usage).toEqual(billedChat());
    expect(analysis.tokenCount).toBe(usage[0]!.inputTokens + usage[0]!.outputTokens);
    expect(chat().model).toBe('gpt-4o-mini');
    expect(chat().response_format!.type).toBe('json_schema');
    expect(chat().response_format!.json_schema!.schema.required).toContain('nsfw');
    expect(chat().messages[0]!.content).toMatch(/verbatim/);
    expect(userParts()[0]!.text).toContain(`Local description (from the file's metadata and the local models): ${balloon.grounding.summary}`);
    const url = userParts().find((p) => p.type === 'image_url')!.image_url!.url;
    expect(url.startsWith('data:image/jpeg;base64,')).toBe(true);
    const meta = await sharp(Buffer.from(url.slice(url.indexOf(',') + 1), 'base64')).metadata();
    expect([meta.width, meta.height, meta.hasAlpha]).toEqual([768, 576, false]);
  });

  it('sends a video as its frames only and a recording as its facts only (chat completions take no audio or video)', async () => {
    await analyzer().describe(clip.input, clip.grounding);
    expect(userParts().filter((p) => p.type === 'image_url')).toHaveLength(clip.input.imagePaths!.length);
    expect(userParts()[0]!.text).toContain('Attached: 3 frames sampled from the video, in order.');
    await analyzer().describe(song.input, song.grounding);
    expect(userParts(1)).toHaveLength(1);
    expect(userParts(1)[0]!.text).not.toContain('Attached:');
    expect(userParts(1)[0]!.text).toMatch(/- Duration: 2 s[\s\S]*Morning Birdsong/);
  });

  it('returns a content filter or a refusal as a blocked outcome with its cost', async () => {
    fake.fail('content-filter', 1, 'chat');
    expect(await analyzer().describe(balloon.input, balloon.grounding)).toEqual({
      kind: 'blocked', usage: billedChat(0),
      reason: 'The OpenAI-compatible server declined to describe this file: its content filter stopped the answer (finish reason content_filter).',
    });
    fake.fail('refusal', 1, 'chat');
    expect(await analyzer().describe(balloon.input, balloon.grounding)).toEqual({
      kind: 'blocked', usage: billedChat(1),
      reason: 'The OpenAI-compatible server refused to describe this file: \'I can\'t help with describing this image.\'.',
    });
  });

  it('retries unreadable or cut-off answers, maps 429 and 5xx, and estimates usage a server leaves out', async () => {
    fake.fail('not-json', 1, 'chat');
    const err = await expectTrove(analyzer().describe(balloon.input, balloon.grounding), 'MODEL_UNAVAILABLE', true, /malformed answer/);
    expect(usageOf(err)).toEqual(billedChat(0));
    fake.fail('length', 1, 'chat');
    await expectTrove(analyzer().describe(balloon.input, balloon.grounding), 'MODEL_UNAVAILABLE', true, /cut off at the output token limit/);
    fake.fail(429, 1, 'chat');
    await expectTrove(analyzer().describe(balloon.input, balloon.grounding), 'PROVIDER_RATE_LIMITED', true);
    fake.fail(503, 1, 'chat');
    await expectTrove(analyzer().describe(balloon.input, balloon.grounding), 'MODEL_UNAVAILABLE', true, /HTTP 503/);
    fake.fail('no-usage', 1, 'chat');
    const estimated = await analyzer().describe(balloon.input, balloon.grounding);
    // The prompt's words plus 85 tokens for the picture, and the answer's words.
    expect(estimated.usage[0]!.inputTokens).toBeGreaterThan(85 + 100);
    expect(estimated.usage[0]!.outputTokens).toBeGreaterThan(10);
  });

  it('can ask older servers for json_object or no format at all', async () => {
    await analyzer({ responseFormat: 'json_object', contentModeration: false }).describe(balloon.input, balloon.grounding);
    await analyzer({ responseFormat: 'none' }).describe(balloon.input, balloon.grounding);
    expect(chat(0).response_format).toEqual({ type: 'json_object' });
    expect(chat(1).response_format).toBeUndefined();
  });

  it('lets a test see which words reached the fake, embeddings included', async () => {
    await analyzer().describe(balloon.input, balloon.grounding);
    await embedder().embed(['zebra crossing at night']);
    expect(fake.mentions('RED_BALLOON')).toBe(true);
    expect(fake.mentions('zebra crossing')).toBe(true);
    expect(fake.mentions('ski_trip')).toBe(false);
  });
});
