import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TroveError, type ErrorCode } from '../../shared/api/errors.ts';
import type { CloudConfig } from '../../server/config-cloud.ts';
import { GeminiAnalyzer, OpenAIChatAnalyzer, OpenAIEmbedder, createCloudAnalyzer, createCloudEmbedder } from '../../server/analysis/cloud/index.ts';
import type { AnalysisInput } from '../../server/analysis/types.ts';
import type { Logger } from '../../server/logger.ts';
import { startFakeGemini, type FakeGemini } from '../fakes/gemini-server.ts';

// The real @google/genai SDK against the local fake: no mocks of the SDK.

const warnings: string[] = [];
const log: Logger = {
  info: () => undefined, debug: () => undefined, error: () => undefined,
  warn: (obj: object | string, msg?: string) => void warnings.push(msg ?? JSON.stringify(obj)),
};

let fake: FakeGemini;
let dir: string;
let jpg: string;
let wav: string;

beforeAll(async () => {
  fake = await startFakeGemini({ processingPolls: 2 });
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'trove-gemini-'));
  jpg = path.join(dir, 'big.jpg');
  await sharp({ create: { width: 2400, height: 1600, channels: 3, background: '#3080c0' } }).jpeg().toFile(jpg);
  wav = path.join(dir, 'audio.wav');
  await fs.writeFile(wav, silentWav(8000, 1));
});

afterAll(async () => {
  await fake.close();
  await fs.rm(dir, { recursive: true, force: true });
});

beforeEach(() => {
  fake.clearFaults();
  fake.requests.length = 0;
  warnings.length = 0;
});

function analyzer(over: Partial<ConstructorParameters<typeof GeminiAnalyzer>[0]> = {}): GeminiAnalyzer {
  return new GeminiAnalyzer({
    apiKey: fake.apiKey, baseUrl: fake.url, model: 'gemini-2.5-flash', contentModeration: true, log,
    timeoutMs: 5000, filePollIntervalMs: 10, ...over,
  });
}

const image = (filename = 'beach_sunset.jpg'): AnalysisInput => ({
  fileType: 'image', filename, mimeType: 'image/jpeg', metadata: { width: 2400, height: 1600, format: 'jpeg' }, imagePaths: [jpg],
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

describe('GeminiAnalyzer', () => {
  it('sends an image inline (downscaled JPEG) with a JSON schema and returns summary, tags and token counts', async () => {
    const a = analyzer();
    const result = await a.analyze(image());
    expect(result.model).toBe('gemini:gemini-2.5-flash');
    expect(result.summary).toMatch(/beach sunset/);
    expect(result.tags).toEqual(expect.arrayContaining(['image', 'beach', 'sunset', 'landscape']));
    expect(result.tags).not.toContain('nsfw');
    expect(result.metadata).toEqual({ nsfw: { flagged: false, score: 0.02 } });

    const [call] = fake.generateCalls();
    expect(fake.generateCalls()).toHaveLength(1);
    expect(call!.path).toBe('/v1beta/models/gemini-2.5-flash:generateContent');
    expect(call!.headers['x-goog-api-key']).toBe(fake.apiKey);
    const body = call!.body as {
      contents: { parts: { text?: string; inlineData?: { mimeType: string; data: string } }[] }[];
      generationConfig: { responseMimeType: string; responseSchema: { required: string[] } };
      systemInstruction: unknown;
    };
    expect(body.generationConfig.responseMimeType).toBe('application/json');
    expect(body.generationConfig.responseSchema.required).toEqual(['summary', 'tags', 'text_in_media', 'nsfw']);
    expect(JSON.stringify(body.systemInstruction)).toMatch(/Never identify people/);
    const inline = body.contents[0]!.parts.filter((p) => p.inlineData);
    expect(inline).toHaveLength(1);
    expect(inline[0]!.inlineData!.mimeType).toBe('image/jpeg');
    const meta = await sharp(Buffer.from(inline[0]!.inlineData!.data, 'base64')).metadata();
    expect(Math.max(meta.width, meta.height)).toBe(1024);

    const tokens = (await (await fetch(`${fake.url}/v1beta/models/x:generateContent`, {
      method: 'POST', headers: { 'x-goog-api-key': fake.apiKey, 'content-type': 'application/json' }, body: JSON.stringify(body),
    })).json()) as { usageMetadata: { totalTokenCount: number } };
    expect(result.tokenCount).toBe(tokens.usageMetadata.totalTokenCount);
    expect(result.tokenCount).toBeGreaterThan(258);
  });

  it('caps and samples video frames', async () => {
    const frames = Array.from({ length: 12 }, () => jpg);
    await analyzer({ images: { maxImages: 3, maxEdge: 256 } }).analyze({
      fileType: 'video', filename: 'ski_trip.mp4', mimeType: 'video/mp4', metadata: {}, imagePaths: frames,
    });
    const body = fake.generateCalls()[0]!.body as { contents: { parts: { inlineData?: unknown; text?: string }[] }[] };
    expect(body.contents[0]!.parts.filter((p) => p.inlineData)).toHaveLength(3);
    expect(body.contents[0]!.parts[0]!.text).toMatch(/3 frames taken from the video/);
  });

  it('puts the NSFW judgement into metadata only when moderation is on', async () => {
    const flagged = await analyzer().analyze(image('nsfw_scene.jpg'));
    expect(flagged.metadata).toEqual({ nsfw: { flagged: true, score: 0.97 } });
    expect(flagged.tags).not.toContain('nsfw');

    fake.requests.length = 0;
    const off = await analyzer({ contentModeration: false }).analyze(image('nsfw_scene.jpg'));
    expect(off.metadata).toBeUndefined();
    expect(JSON.stringify(fake.generateCalls()[0]!.body)).not.toMatch(/nsfw"/);
  });

  it('sends document text as text and keeps it for full-text search', async () => {
    const result = await analyzer().analyze({
      fileType: 'document', filename: 'lease.pdf', mimeType: 'application/pdf', metadata: { pageCount: 2 },
      text: 'Tenancy agreement for the flat. Rent is due monthly.',
    });
    expect(result.summary).toMatch(/tenancy agreement/);
    expect(result.extractedText).toContain('Tenancy agreement for the flat.');
    const body = JSON.stringify(fake.generateCalls()[0]!.body);
    expect(body).toContain('Tenancy agreement for the flat.');
    expect(body).not.toContain('inlineData');
  });

  it('sends audio through the Files API, waits for ACTIVE and deletes the file afterwards', async () => {
    const result = await analyzer().analyze({
      fileType: 'audio', filename: 'birdsong_morning.wav', mimeType: 'audio/wav', metadata: { durationSec: 1 }, audioPath: wav,
    });
    expect(result.summary).toMatch(/birdsong morning.*a recording/);
    const routes = fake.requests.map((r) => `${r.method} ${r.path.replace(/upload_id=\w+/, 'upload_id=X').replace(/files\/\w+/, 'files/ID')}`);
    expect(routes).toEqual([
      'POST /upload/v1beta/files',
      'POST /upload/v1beta/files?upload_id=X&upload_protocol=resumable',
      'GET /v1beta/files/ID',
      'GET /v1beta/files/ID',
      'POST /v1beta/models/gemini-2.5-flash:generateContent',
      'DELETE /v1beta/files/ID',
    ]);
    const start = fake.requests[0]!.body as { file: { mimeType: string; displayName: string } };
    expect(start.file).toMatchObject({ mimeType: 'audio/wav', displayName: 'trove-media' });
    const gen = JSON.stringify(fake.generateCalls()[0]!.body);
    expect(gen).toMatch(/"fileData":\{"fileUri":"http:\/\/127\.0\.0\.1:\d+\/v1beta\/files\/\w+","mimeType":"audio\/wav"\}/);
    expect(fake.files.size).toBe(0);
    expect(fake.deleted).toHaveLength(1);
  });

  it('deletes the uploaded file even when generation fails', async () => {
    const before = fake.deleted.length;
    fake.fail(500);
    await expectTrove(analyzer().analyze({
      fileType: 'video', filename: 'clip.mp4', mimeType: 'video/mp4', metadata: {}, imagePaths: [jpg], audioPath: wav,
    }), 'MODEL_UNAVAILABLE', true, /Gemini is unavailable \(HTTP 500\)/);
    expect(fake.deleted.length).toBe(before + 1);
    expect(fake.files.size).toBe(0);
  });

  it('gives up waiting for a file that never becomes ACTIVE, retryably, and still deletes it', async () => {
    const slow = await startFakeGemini({ processingPolls: 1000 });
    try {
      const a = new GeminiAnalyzer({
        apiKey: slow.apiKey, baseUrl: slow.url, model: 'gemini-2.5-flash', contentModeration: false,
        filePollIntervalMs: 10, fileActiveTimeoutMs: 100,
      });
      await expectTrove(a.analyze({ fileType: 'audio', filename: 'a.wav', mimeType: 'audio/wav', metadata: {}, audioPath: wav }),
        'MODEL_UNAVAILABLE', true, /still processing/);
      expect(slow.files.size).toBe(0);
      expect(slow.generateCalls()).toHaveLength(0);
    } finally {
      await slow.close();
    }
  });

  it('maps 429 to a retryable quota error and 500/503 to retryable unavailability', async () => {
    fake.fail(429);
    await expectTrove(analyzer().analyze(image()), 'PROVIDER_RATE_LIMITED', true, /quota or rate limit \(HTTP 429\)/);
    fake.fail(503);
    await expectTrove(analyzer().analyze(image()), 'MODEL_UNAVAILABLE', true, /HTTP 503/);
    // The next request succeeds again: faults are one-shot.
    await expect(analyzer().analyze(image())).resolves.toMatchObject({ summary: expect.stringMatching(/beach/) as unknown });
  });

  it('turns a hung request into a retryable timeout', async () => {
    fake.fail('hang');
    const started = Date.now();
    await expectTrove(analyzer({ timeoutMs: 300 }).analyze(image()), 'MODEL_UNAVAILABLE', true, /did not answer within/);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('rejects with the caller\'s abort reason', async () => {
    fake.fail('hang');
    const controller = new AbortController();
    const reason = new TroveError('PROCESSING_TIMEOUT', 'job took too long');
    setTimeout(() => controller.abort(reason), 100);
    const started = Date.now();
    await expect(analyzer().analyze(image(), controller.signal)).rejects.toBe(reason);
    expect(Date.now() - started).toBeLessThan(2000); // not the 5 s request timeout
  });

  it('reports safety blocks as non-retryable with a message', async () => {
    fake.fail('safety');
    await expectTrove(analyzer().analyze(image()), 'PROVIDER_REJECTED', false, /declined to describe this file \(finish reason SAFETY/);
    fake.fail('prompt-blocked');
    await expectTrove(analyzer().analyze(image()), 'PROVIDER_REJECTED', false, /blocked: SAFETY/);
  });

  it('reports unsupported input (400) as non-retryable and a bad key as a configuration error', async () => {
    fake.fail(400);
    await expectTrove(analyzer().analyze(image()), 'PROVIDER_REJECTED', false, /could not accept this file \(HTTP 400\)/);
    await expectTrove(analyzer({ apiKey: 'wrong' }).analyze(image()), 'PROVIDER_MISCONFIGURED', false, /check GEMINI_API_KEY/);
  });

  it('treats an answer that is not JSON as a retryable malformed answer', async () => {
    fake.fail('not-json');
    await expectTrove(analyzer().analyze(image()), 'MODEL_UNAVAILABLE', true, /malformed answer/);
  });

  it('reports an unreachable server as retryable', async () => {
    await expectTrove(analyzer({ baseUrl: 'http://127.0.0.1:9' }).analyze(image()), 'MODEL_UNAVAILABLE', true, /could not be reached/);
  });
});

describe('cloud factories', () => {
  const base: CloudConfig = {
    gcs: undefined, gemini: undefined, openai: undefined, firebase: undefined, redisUrl: undefined,
    contentModeration: true, uploadsPerDay: 100, requestsPerMinute: 600,
  };
  const openai = { apiKey: 'k', baseUrl: 'http://127.0.0.1:1/v1', embeddingModel: 'text-embedding-3-small', dimensions: 1536, analysisModel: undefined };

  it('chooses the adapters from the configuration', async () => {
    expect(createCloudAnalyzer(base, log)).toBeUndefined();
    expect(createCloudEmbedder(base, log)).toBeUndefined();
    const gemini = createCloudAnalyzer({ ...base, gemini: { apiKey: 'k', baseUrl: fake.url, model: 'gemini-2.5-flash' } }, log);
    expect(gemini).toBeInstanceOf(GeminiAnalyzer);
    expect(gemini!.model).toBe('gemini:gemini-2.5-flash');
    const chat = createCloudAnalyzer({ ...base, openai: { ...openai, analysisModel: 'llava' } }, log);
    expect(chat).toBeInstanceOf(OpenAIChatAnalyzer);
    expect(chat!.model).toBe('openai:llava');
    const embedder = createCloudEmbedder({ ...base, openai }, log);
    expect(embedder).toBeInstanceOf(OpenAIEmbedder);
    expect(embedder!.model).toBe('openai:text-embedding-3-small-1536');
    expect(embedder!.dimensions).toBe(1536);
    await embedder!.close();
  });
});

function silentWav(sampleRate: number, seconds: number): Buffer {
  const samples = sampleRate * seconds;
  const buf = Buffer.alloc(44 + samples * 2);
  buf.write('RIFF', 0);
  buf.writeUInt32LE(36 + samples * 2, 4);
  buf.write('WAVEfmt ', 8);
  buf.writeUInt32LE(16, 16);
  buf.writeUInt16LE(1, 20);
  buf.writeUInt16LE(1, 22);
  buf.writeUInt32LE(sampleRate, 24);
  buf.writeUInt32LE(sampleRate * 2, 28);
  buf.writeUInt16LE(2, 32);
  buf.writeUInt16LE(16, 34);
  buf.write('data', 36);
  buf.writeUInt32LE(samples * 2, 40);
  return buf;
}
