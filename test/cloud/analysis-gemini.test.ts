import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TroveError, type ErrorCode } from '../../shared/api/errors.ts';
import { loadAiConfig } from '../../server/config-ai.ts';
import type { CloudConfig } from '../../server/config-cloud.ts';
import { GeminiAnalyzer, OpenAIChatAnalyzer, OpenAIEmbedder, usageOf } from '../../server/analysis/cloud/index.ts';
import { createCloudAnalyzer, createCloudEmbedder } from '../../server/composition/cloud-models.ts';
import type { CloudOutcome } from '../../server/analysis/types.ts';
import type { Logger } from '../../server/logger.ts';
import { startFakeGemini, type FakeGemini, type GenerateResponse } from '../fakes/gemini-server.ts';
import { mp3WithTags, mp4, pdfWithText } from '../helpers/media.ts';
import { prepare, type Prepared } from './cloud-inputs.ts';

// The real @google/genai SDK against the local fake, on real media run through the real pipelines
// and grounded by the real offline analysis (without its models here; analysis-grounded.test.ts
// has them). No mocks of the SDK.

const warnings: string[] = [];
const log: Logger = {
  info: () => undefined, debug: () => undefined, error: () => undefined,
  warn: (obj: object | string, msg?: string) => void warnings.push(msg ?? JSON.stringify(obj)),
};

let fake: FakeGemini;
let dir: string;
let photo: Prepared;
let clip: Prepared;
let longClip: Prepared;
let song: Prepared;

beforeAll(async () => {
  fake = await startFakeGemini({ processingPolls: 2 });
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'trove-gemini-'));
  // A camera photo with its date, camera and GPS position in EXIF (near the Eiffel Tower).
  const jpeg = await sharp({ create: { width: 2400, height: 1600, channels: 3, background: '#3080c0' } }).jpeg().withExif({
    IFD0: { Make: 'Canon', Model: 'Canon EOS 80D' },
    IFD2: { DateTimeOriginal: '2021:06:15 14:30:00' },
    IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '48/1 51/1 2964/100', GPSLongitudeRef: 'E', GPSLongitude: '2/1 17/1 4020/100' },
  }).toBuffer();
  photo = await prepare(dir, jpeg, { filename: 'beach_sunset.jpg', mimeType: 'image/jpeg', fileType: 'image' });
  clip = await prepare(dir, await mp4(2), { filename: 'birthday_party.mp4', mimeType: 'video/mp4', fileType: 'video' });
  // Frames are taken every 10 s: 21 s give three.
  longClip = await prepare(dir, await mp4(21), { filename: 'ski_trip.mp4', mimeType: 'video/mp4', fileType: 'video' });
  song = await prepare(dir, await mp3WithTags({ title: 'Morning Birdsong', artist: 'Field Recordings', album: 'Dawn' }, 3),
    { filename: 'birdsong.mp3', mimeType: 'audio/mpeg', fileType: 'audio' });
}, 120_000);

afterAll(async () => {
  await fake.close();
  await fs.rm(dir, { recursive: true, force: true });
});

beforeEach(() => {
  fake.clearFaults();
  fake.requests.length = 0;
  fake.responses.length = 0;
  fake.uploads.length = 0;
  fake.deleted.length = 0;
  warnings.length = 0;
});

function analyzer(over: Partial<ConstructorParameters<typeof GeminiAnalyzer>[0]> = {}): GeminiAnalyzer {
  return new GeminiAnalyzer({
    apiKey: fake.apiKey, baseUrl: fake.url, model: 'gemini-2.5-flash', contentModeration: true, log,
    wholeVideoMaxBytes: 50 * 1024 * 1024, promptTextMaxTokens: 8000, timeoutMs: 5000, filePollIntervalMs: 10, ...over,
  });
}

interface Body {
  contents: { parts: { text?: string; inlineData?: { mimeType: string; data: string }; fileData?: { fileUri: string; mimeType: string } }[] }[];
  generationConfig: { responseMimeType: string; responseSchema: { required: string[] } };
  systemInstruction: unknown;
}
const body = (i = 0): Body => fake.generateCalls()[i]!.body as Body;
const parts = (i = 0) => body(i).contents[0]!.parts;
const promptText = (i = 0): string => parts(i).map((p) => p.text ?? '').join('\n');

function described(outcome: CloudOutcome) {
  if (outcome.kind !== 'described') throw new Error(`expected a description, got: ${outcome.reason}`);
  return outcome;
}

/** What the fake billed for a call: the analyzer must report exactly this. */
function billed(r: GenerateResponse) {
  const m = r.usageMetadata;
  const audio = m.promptTokensDetails.find((d) => d.modality === 'AUDIO')?.tokenCount;
  return {
    model: 'gemini-2.5-flash', inputTokens: m.promptTokenCount, outputTokens: (m.candidatesTokenCount ?? 0) + (m.thoughtsTokenCount ?? 0),
    ...(audio ? { audioInputTokens: audio } : {}),
  };
}

async function expectTrove(p: Promise<unknown>, code: ErrorCode, retryable: boolean, message?: RegExp): Promise<TroveError> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err, 'expected a TroveError').toBeInstanceOf(TroveError);
  const t = err as TroveError;
  expect(t.code).toBe(code);
  expect(t.retryable).toBe(retryable);
  if (message) expect(t.message).toMatch(message);
  return t;
}

describe('GeminiAnalyzer: grounded prompts and what is stored', () => {
  it('grounds a photo in its EXIF facts, sends it inline without EXIF, and merges the answer with the grounding', async () => {
    const outcome = described(await analyzer().describe(photo.input, photo.grounding));
    const prompt = promptText();
    expect(prompt).toContain('- Date taken: 15 June 2021, 14:30');
    expect(prompt).toContain('- Camera: Canon EOS 80D');
    // Only a rounded position leaves the device, never the exact one.
    expect(prompt).toContain('- GPS position: 48.9° N, 2.3° E');
    expect(prompt).not.toMatch(/48\.85|2\.29/);
    expect(prompt).toContain(photo.grounding.summary);
    expect(JSON.stringify(body().systemInstruction)).toMatch(/verbatim[\s\S]*Never contradict[\s\S]*Never identify people/);

    const inline = parts().filter((p) => p.inlineData);
    expect(inline).toHaveLength(1);
    const sent = await sharp(Buffer.from(inline[0]!.inlineData!.data, 'base64')).metadata();
    expect([sent.format, Math.max(sent.width, sent.height), sent.exif]).toEqual(['jpeg', 768, undefined]);
    expect(body().generationConfig.responseSchema.required).toEqual(['summary', 'tags', 'text_in_media', 'nsfw']);

    const { analysis, usage } = outcome;
    expect(analysis.model).toBe('gemini:gemini-2.5-flash');
    expect(analysis.summary).toMatch(/beach sunset.*dated 15 June 2021, 14:30/); // the fake carries the fact, as asked
    expect(analysis.tags).toEqual(expect.arrayContaining(['image', 'beach', 'sunset', '2021', 'june', 'canon', 'gps']));
    expect(new Set(analysis.tags).size).toBe(analysis.tags.length);
    expect(analysis.tags).not.toContain('nsfw');
    expect(analysis.extractedText).toBe('sign beach');
    expect(analysis.metadata).toEqual({ ...photo.grounding.metadata, nsfw: { flagged: false, score: 0.02, by: 'gemini' } });
    expect(usage).toEqual([billed(fake.responses[0]!)]);
    expect(fake.responses[0]!.usageMetadata.thoughtsTokenCount).toBeGreaterThan(0);
    expect(analysis.tokenCount).toBe(usage[0]!.inputTokens + usage[0]!.outputTokens);
  });

  it('sends a small video whole through the Files API (no frames), bills its audio apart, and deletes it', async () => {
    const outcome = described(await analyzer().describe(clip.input, clip.grounding));
    expect(fake.uploads).toHaveLength(1);
    expect(fake.uploads[0]!.mimeType).toBe('video/mp4');
    expect(fake.uploads[0]!.displayName).toBe('trove-media');
    expect(fake.uploads[0]!.bytes.equals(await fs.readFile(clip.input.sourcePath!))).toBe(true);
    expect(parts().filter((p) => p.inlineData)).toHaveLength(0);
    expect(parts()[0]!.fileData).toEqual({ fileUri: expect.stringMatching(/\/v1beta\/files\/\w+$/) as unknown, mimeType: 'video/mp4' });
    expect(promptText()).toContain('Attached: the whole video, with its sound.');
    expect(promptText()).toContain('- Duration: 2 s');
    expect(outcome.analysis.summary).toMatch(/birthday party.*seen through the whole video/);
    expect(outcome.usage).toEqual([billed(fake.responses[0]!)]);
    expect(outcome.usage[0]!.audioInputTokens).toBeGreaterThan(0);
    expect(fake.deleted).toEqual([fake.uploads[0]!.name]);
    expect(fake.files.size).toBe(0);
  });

  it('sends a video over the size limit as its frames inline plus its sound track, and deletes the track', async () => {
    const frames = longClip.input.imagePaths!.length;
    expect(frames).toBe(3);
    const outcome = described(await analyzer({ wholeVideoMaxBytes: 1000 }).describe(longClip.input, longClip.grounding));
    expect(fake.uploads.map((u) => u.mimeType)).toEqual(['audio/wav']);
    expect(fake.uploads[0]!.bytes.equals(await fs.readFile(longClip.input.audioPath!))).toBe(true);
    expect(parts().filter((p) => p.inlineData)).toHaveLength(frames);
    expect(parts().filter((p) => p.fileData).map((p) => p.fileData!.mimeType)).toEqual(['audio/wav']);
    expect(promptText()).toContain(`Attached: ${frames} frames sampled from the video, in order; the video's sound track.`);
    expect(outcome.analysis.summary).toMatch(/ski trip.*3 picture\(s\) and a recording/);
    expect(outcome.usage[0]!.audioInputTokens).toBe(billed(fake.responses[0]!).audioInputTokens);
    expect(fake.deleted).toEqual([fake.uploads[0]!.name]);
  });

  it('sends an audio file through the Files API, waits until it is ACTIVE, and deletes it afterwards', async () => {
    const outcome = described(await analyzer().describe(song.input, song.grounding));
    const routes = fake.requests.map((r) => `${r.method} ${r.path.replace(/upload_id=\w+/, 'upload_id=X').replace(/files\/\w+/, 'files/ID')}`);
    expect(routes).toEqual([
      'POST /upload/v1beta/files',
      'POST /upload/v1beta/files?upload_id=X&upload_protocol=resumable',
      'GET /v1beta/files/ID',
      'GET /v1beta/files/ID',
      'POST /v1beta/models/gemini-2.5-flash:generateContent',
      'DELETE /v1beta/files/ID',
    ]);
    expect(fake.uploads[0]!.mimeType).toBe('audio/mp3');
    expect(parts().filter((p) => p.fileData).map((p) => p.fileData!.mimeType)).toEqual(['audio/mp3']);
    expect(promptText()).toMatch(/Attached: the recording\.[\s\S]*- Duration: 3 s[\s\S]*Morning Birdsong/);
    expect(outcome.usage[0]!.audioInputTokens).toBe(billed(fake.responses[0]!).audioInputTokens);
    expect(fake.files.size).toBe(0);
  });

  it('sends a document with a text layer as text only, capped at the token limit on a word boundary', async () => {
    const lines = ['Tenancy agreement for flat 4B', 'Monthly rent: 950 EUR, due on the 1st', 'Signed on 3 March 2022'];
    const lease = await prepare(dir, await pdfWithText(lines, 'Lease'), { filename: 'lease.pdf', mimeType: 'application/pdf', fileType: 'document' });
    const outcome = described(await analyzer().describe(lease.input, lease.grounding));
    expect(parts().filter((p) => p.inlineData || p.fileData)).toHaveLength(0);
    expect(promptText()).toMatch(/Document text \(its text layer: exact\) \(\d+ characters\):\n<<<\n[\s\S]*Monthly rent: 950 EUR[\s\S]*\n>>>/);
    expect(outcome.analysis.summary).toMatch(/lease.*tenancy agreement/);
    expect(outcome.analysis.extractedText).toContain('Monthly rent: 950 EUR, due on the 1st');

    fake.requests.length = 0;
    const words = Array.from({ length: 900 }, (_, i) => `word${i}`).join(' ');
    const notes = await prepare(dir, Buffer.from(words), { filename: 'notes.txt', mimeType: 'text/plain', fileType: 'document' });
    const long = described(await analyzer({ promptTextMaxTokens: 100 }).describe(notes.input, notes.grounding));
    const sentBody = /<<<\n([\s\S]*?)\n>>>/.exec(promptText())![1]!;
    expect(sentBody.length).toBeLessThanOrEqual(400);
    expect(words.startsWith(`${sentBody} `)).toBe(true); // cut between two words
    expect(promptText()).toContain(`(the first ${sentBody.length} of ${words.length} characters; the rest was cut to fit the prompt)`);
    // Keyword search still finds the end of the text: the stored text is the grounding's, uncut.
    expect(long.analysis.extractedText).toContain('word899');
  });
});

describe('GeminiAnalyzer: refusals, failures and clean-up', () => {
  it('returns a safety block as a final outcome with a readable reason and the tokens it cost', async () => {
    fake.fail('safety');
    const blocked = await analyzer().describe(photo.input, photo.grounding);
    expect(blocked).toEqual({
      kind: 'blocked',
      reason: 'Gemini declined to describe this file: its safety filters judged the content harmful (SAFETY: sexually explicit).',
      usage: [billed(fake.responses[0]!)],
    });
    expect(blocked.usage[0]!.inputTokens).toBeGreaterThan(258);

    fake.fail('prompt-blocked');
    const refused = await analyzer().describe(song.input, song.grounding);
    expect(refused).toMatchObject({ kind: 'blocked', reason: expect.stringMatching(/^Gemini refused the request: .*\(SAFETY\)\.$/) as unknown });
    expect(refused.usage).toEqual([billed(fake.responses[1]!)]);
    expect(fake.files.size).toBe(0); // the recording was deleted all the same
  });

  it('treats an answer that is not JSON, or is cut off, as a retryable malformed answer that still reports its cost', async () => {
    fake.fail('not-json');
    const err = await expectTrove(analyzer().describe(photo.input, photo.grounding), 'MODEL_UNAVAILABLE', true, /malformed answer: no JSON object/);
    expect(usageOf(err)).toEqual([billed(fake.responses[0]!)]);
    fake.fail('max-tokens');
    await expectTrove(analyzer().describe(photo.input, photo.grounding), 'MODEL_UNAVAILABLE', true, /cut off at the output token limit/);
  });

  it('maps 429 to a retryable quota error, 500/503 to retryable unavailability, and deletes uploads on failure', async () => {
    fake.fail(429);
    await expectTrove(analyzer().describe(photo.input, photo.grounding), 'PROVIDER_RATE_LIMITED', true, /quota or rate limit \(HTTP 429\)/);
    fake.fail(503);
    await expectTrove(analyzer().describe(clip.input, clip.grounding), 'MODEL_UNAVAILABLE', true, /HTTP 503/);
    fake.fail(500);
    await expectTrove(analyzer({ wholeVideoMaxBytes: 1000 }).describe(longClip.input, longClip.grounding), 'MODEL_UNAVAILABLE', true, /HTTP 500/);
    expect(fake.uploads.map((u) => u.mimeType)).toEqual(['video/mp4', 'audio/wav']);
    expect(fake.deleted).toEqual(fake.uploads.map((u) => u.name));
    expect(fake.files.size).toBe(0);
    // Faults are one-shot: the next request succeeds again.
    expect((await analyzer().describe(photo.input, photo.grounding)).kind).toBe('described');
  });

  it('fails an upload of a whole video retryably when the Files API is down', async () => {
    fake.fail(503, 1, 'upload');
    await expectTrove(analyzer().describe(clip.input, clip.grounding), 'MODEL_UNAVAILABLE', true, /HTTP 503/);
    expect(fake.generateCalls()).toHaveLength(0);
  });

  it('gives up waiting for a file that never becomes ACTIVE, retryably, and still deletes it', async () => {
    const slow = await startFakeGemini({ processingPolls: 1000 });
    try {
      const a = new GeminiAnalyzer({
        apiKey: slow.apiKey, baseUrl: slow.url, model: 'gemini-2.5-flash', contentModeration: false,
        wholeVideoMaxBytes: 50 * 1024 * 1024, promptTextMaxTokens: 8000, filePollIntervalMs: 10, fileActiveTimeoutMs: 100,
      });
      await expectTrove(a.describe(clip.input, clip.grounding), 'MODEL_UNAVAILABLE', true, /still processing the uploaded video/);
      expect(slow.uploads).toHaveLength(1);
      expect(slow.files.size).toBe(0);
      expect(slow.generateCalls()).toHaveLength(0);
    } finally {
      await slow.close();
    }
  });

  it('turns a hung request into a retryable timeout and rejects with the caller\'s abort reason', async () => {
    // A fake of its own that never answers: a request given up early can reach a busy fake late,
    // and must not take the next test's fault.
    const hung = await startFakeGemini();
    hung.fail('hang', 100);
    try {
      const a = (over: Partial<ConstructorParameters<typeof GeminiAnalyzer>[0]> = {}) => analyzer({ apiKey: hung.apiKey, baseUrl: hung.url, ...over });
      // Only the client's own time-out can end the call.
      await expectTrove(a({ timeoutMs: 300 }).describe(photo.input, photo.grounding), 'MODEL_UNAVAILABLE', true, /did not answer within/);
      const controller = new AbortController();
      const reason = new TroveError('PROCESSING_TIMEOUT', 'job took too long');
      setTimeout(() => controller.abort(reason), 100);
      await expect(a().describe(photo.input, photo.grounding, controller.signal)).rejects.toBe(reason);
    } finally {
      await hung.close();
    }
  });

  it('reports 400 as non-retryable, a bad key as a configuration error and an unreachable server as retryable', async () => {
    fake.fail(400);
    await expectTrove(analyzer().describe(photo.input, photo.grounding), 'PROVIDER_REJECTED', false, /could not accept this file \(HTTP 400\)/);
    await expectTrove(analyzer({ apiKey: 'wrong' }).describe(photo.input, photo.grounding), 'PROVIDER_MISCONFIGURED', false, /check GEMINI_API_KEY/);
    await expectTrove(analyzer({ baseUrl: 'http://127.0.0.1:9' }).describe(photo.input, photo.grounding), 'MODEL_UNAVAILABLE', true, /could not be reached/);
  });

  it('keeps the NSFW judgement out of the request and the metadata when moderation is off', async () => {
    const outcome = described(await analyzer({ contentModeration: false }).describe(photo.input, photo.grounding));
    expect(outcome.analysis.metadata).toEqual(photo.grounding.metadata);
    expect(JSON.stringify(body())).not.toMatch(/nsfw"/);
  });

  it('lets a test see which words reached the fake', async () => {
    await analyzer().describe(photo.input, photo.grounding);
    expect(fake.mentions('BEACH_sunset')).toBe(true);
    expect(fake.mentions('birthday_party')).toBe(false);
  });
});

describe('cloud factories', () => {
  const base: CloudConfig = {
    gcs: undefined, gemini: undefined, openai: undefined, firebase: undefined, redisUrl: undefined,
    contentModeration: true, uploadsPerDay: 100, requestsPerMinute: 600, metricsPort: undefined,
  };
  const openai = { apiKey: 'k', baseUrl: 'http://127.0.0.1:1/v1', embeddingModel: 'text-embedding-3-small', dimensions: 1536, analysisModel: undefined };

  it('chooses the adapters from the configuration and passes the AI knobs on', async () => {
    const ai = loadAiConfig({ GEMINI_WHOLE_VIDEO_MAX_SIZE: '1KB', TROVE_PROMPT_TEXT_MAX_TOKENS: '100' }, base);
    expect(await createCloudAnalyzer(base, ai, log)).toBeUndefined();
    expect(await createCloudEmbedder(base, log)).toBeUndefined();
    const gemini = await createCloudAnalyzer({ ...base, gemini: { apiKey: fake.apiKey, baseUrl: fake.url, model: 'gemini-2.5-flash' } }, ai, log,
      { gemini: { filePollIntervalMs: 10 } });
    expect(gemini).toBeInstanceOf(GeminiAnalyzer);
    expect([gemini!.name, gemini!.model]).toEqual(['gemini', 'gemini-2.5-flash']);
    // 1 KB: the clip goes as frames plus sound track.
    await gemini!.describe(clip.input, clip.grounding);
    expect(fake.uploads.map((u) => u.mimeType)).toEqual(['audio/wav']);
    const chat = await createCloudAnalyzer({ ...base, openai: { ...openai, analysisModel: 'gpt-4o-mini' } }, ai, log);
    expect(chat).toBeInstanceOf(OpenAIChatAnalyzer);
    expect([chat!.name, chat!.model]).toEqual(['openai-chat', 'gpt-4o-mini']);
    const embedder = await createCloudEmbedder({ ...base, openai }, log);
    expect(embedder).toBeInstanceOf(OpenAIEmbedder);
    expect(embedder!.model).toBe('openai:text-embedding-3-small-1536');
    await embedder!.close();
  });
});
