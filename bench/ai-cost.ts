/**
 * What cloud analysis costs per file type, measured through the real server: `trove serve` in its
 * own process, configured for Gemini analysis and OpenAI embeddings, with both APIs answered by the
 * local fakes (test/fakes/), which bill tokens the way the providers document (258 a picture, 258 a
 * second of video plus 32 of its sound, 32 a second of audio, text ≈ 4 characters a token). The
 * server prices every call from its default price table and records it in ai_usage; this section
 * reads the bill back through GET /api/v1/usage and each file's `cost_usd`, one file at a time so
 * every call is attributed to its file, and compares the cost per file type with the design's
 * estimate. Token counts are the fakes', not a live bill (docs/BENCHMARKS.md says what that leaves out).
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import sharp from 'sharp';
import { DEFAULT_PRICES } from '../server/analysis/pricing.ts';
import type { Upload, Usage } from '../shared/api/schemas.ts';
import type { FileType } from '../shared/file-types.ts';
import { startFakeGemini, type FakeGemini, type GenerateResponse } from '../test/fakes/gemini-server.ts';
import { startFakeOpenAI, type FakeOpenAI } from '../test/fakes/openai-server.ts';
import { TOPICS } from './corpus.ts';
import { ffmpeg, photoJpeg } from './fixtures.ts';
import {
  log, multipartBody, round, startChildServer, tempDir, waitFor, type BenchOptions, type ChildServer, type Row, type SectionResult,
} from './lib.ts';

const run = promisify(execFile);

/** The design's estimate per file (USD); it gives none for audio or documents. */
const DESIGN_ESTIMATE: Partial<Record<FileType, number>> = { image: 0.0006, video: 0.0025 };
const TYPES: FileType[] = ['image', 'video', 'audio', 'document'];
/**
 * Small enough that the 10 s clip (~1.2 MB) goes whole and the 60 s one (~7 MB) as frames + sound
 * track; the default, 50 MB, splits phone videos at roughly 25 s (16 Mbit/s) the same way.
 */
const WHOLE_VIDEO_MAX_SIZE = '2MB';
/**
 * The document pipeline already keeps only the first 10 000 characters (~2 500 tokens), under the
 * default cap of 8 000 tokens; a cap below that is what makes the long PDF's text be cut for the prompt.
 */
const PROMPT_TEXT_MAX_TOKENS = 2000;
/**
 * The fake bills a video as if it ran at 1 Mbit/s (its seconds are bytes × 8 / 10⁶), so the clips
 * are encoded at just under that: their billed seconds then equal their real length, as Gemini bills.
 */
const VIDEO_KBITS = 860;

interface MixItem {
  label: string;
  filename: string;
  fileType: FileType;
  make: (file: string) => Promise<void>;
}

interface FileResult {
  label: string;
  filename: string;
  fileType: FileType;
  bytes: number;
  analyzer: string | null;
  cloudStatus: string | null;
  /** ai_usage rows added while this file was processed, from GET /usage. */
  analysisCalls: number;
  embeddingCalls: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  /** The file's own `cost_usd` from its metadata. */
  fileCostUsd: number;
  /** What the fakes saw while this file was processed. */
  gemini: { generateContent: number; filesApiUploads: number; requests: number; promptTokensDetails: Record<string, number>; thoughtsTokens: number };
  openaiEmbeddingRequests: number;
  /** Width × height of each picture sent inline. */
  pictures: [number, number][];
  processingMs: number;
}

const SPEECH = 'Voice memo, Tuesday morning. Remember to call the plumber about the leaking kitchen tap before Friday, ' +
  'and ask whether the boiler service can be moved to the twelfth of March. The car insurance renewal came in at ' +
  'four hundred and twenty pounds, which is more than last year, so compare two other quotes tonight. ' +
  'Pick up the photos from the print shop on the high street, and book a table for six at the Italian place on Saturday at seven.';

function mix(): MixItem[] {
  const photo = (w: number, h: number, seed: number) => async (file: string) => fs.writeFile(file, await photoJpeg(w, h, seed));
  return [
    { label: 'photo 4032×3024 (12 MP phone)', filename: 'IMG_20230714_193210.jpg', fileType: 'image', make: photo(4032, 3024, 1) },
    { label: 'photo 2400×1600', filename: 'harbour at sunset.jpg', fileType: 'image', make: photo(2400, 1600, 2) },
    { label: 'photo 1280×960', filename: 'garden party.jpg', fileType: 'image', make: photo(1280, 960, 3) },
    { label: 'video 10 s, sent whole', filename: 'birthday candles.mp4', fileType: 'video', make: (f) => video(f, 10, 4) },
    { label: 'video 60 s, frames + sound track', filename: 'walk along the river.mp4', fileType: 'video', make: (f) => video(f, 60, 5) },
    { label: 'audio 30 s speech (MP3 128 kbit/s)', filename: 'voice memo tuesday.mp3', fileType: 'audio', make: speech },
    { label: 'PDF 1 page', filename: 'invoice plumbing.pdf', fileType: 'document', make: (f) => pdf(f, 1, 14) },
    { label: `PDF 10 pages (text cut to ${PROMPT_TEXT_MAX_TOKENS.toLocaleString('en')} tokens)`, filename: 'annual report.pdf', fileType: 'document', make: (f) => pdf(f, 10, 52) },
  ];
}

/** A phone-like H.264/AAC clip: moving pattern with sensor noise, a tone, a recording date. */
async function video(out: string, seconds: number, seed: number): Promise<void> {
  await ffmpeg([
    '-f', 'lavfi', '-i', `testsrc2=duration=${seconds}:size=640x360:rate=25`,
    '-f', 'lavfi', '-i', `sine=frequency=${220 + seed * 7}:duration=${seconds}`,
    // Noise keeps the encoder busy, so the clip really carries its bit rate.
    '-vf', 'noise=alls=12:allf=t', '-metadata', 'creation_time=2023-07-14T19:32:10Z',
    '-c:v', 'libx264', '-preset', 'ultrafast', '-b:v', `${VIDEO_KBITS}k`, '-minrate', `${VIDEO_KBITS}k`, '-maxrate', `${VIDEO_KBITS}k`,
    '-bufsize', `${VIDEO_KBITS}k`, '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-b:a', '96k', '-shortest', '-movflags', '+faststart', out,
  ]);
}

/** 30 s of espeak-ng speech (a 440 Hz tone where espeak-ng is not installed) as a 128 kbit/s MP3. */
async function speech(out: string): Promise<void> {
  const wav = `${out}.wav`;
  const spoken = await run('espeak-ng', ['-s', '150', '-w', wav, SPEECH]).then(() => true, () => false);
  await ffmpeg([
    ...(spoken ? ['-i', wav] : ['-f', 'lavfi', '-i', 'sine=frequency=440:duration=30']),
    '-af', 'apad', '-t', '30', '-ar', '44100', '-c:a', 'libmp3lame', '-b:a', '128k', '-id3v2_version', '3',
    '-metadata', 'title=Voice memo', out,
  ]);
  await fs.rm(wav, { force: true });
}

/** A text PDF: `pages` pages of `lines` lines of report-like sentences. */
async function pdf(out: string, pages: number, lines: number): Promise<void> {
  const doc = await PDFDocument.create();
  doc.setTitle(pages === 1 ? 'Invoice 2023-0714' : 'Annual report 2023');
  const font = await doc.embedFont(StandardFonts.Helvetica);
  let n = 0;
  for (let p = 0; p < pages; p++) {
    const page = doc.addPage([612, 792]);
    for (let l = 0; l < lines; l++, n++) {
      const a = TOPICS[n % TOPICS.length]!;
      const b = TOPICS[(n * 7 + 3) % TOPICS.length]!;
      const line = `${n + 1}. In quarter ${(n % 4) + 1} the ${a} budget rose by ${(n * 37) % 100}% while spending on ${b} fell to ${1000 + n * 13} euros.`;
      page.drawText(line, { x: 40, y: 750 - l * 13.5, size: pages === 1 ? 12 : 9, font });
    }
  }
  await fs.writeFile(out, Buffer.from(await doc.save()));
}

// ---------------------------------------------------------------------------------------------

interface Snapshot {
  usage: Usage;
  generate: number;
  geminiRequests: number;
  filesUploads: number;
  responses: number;
  embeddingRequests: number;
}

const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

async function usageNow(server: ChildServer): Promise<Usage> {
  // Yesterday to tomorrow: a run across midnight (or a month's end) still sees all of its own calls.
  const res = await server.json<Usage>(`/api/v1/usage?from=${isoDay(Date.now() - 86_400_000)}&to=${isoDay(Date.now() + 86_400_000)}`);
  if (res.status !== 200) throw new Error(`GET /usage ${res.status}: ${JSON.stringify(res.error)}`);
  return res.data;
}

async function snapshot(server: ChildServer, gemini: FakeGemini, openai: FakeOpenAI): Promise<Snapshot> {
  return {
    usage: await usageNow(server), generate: gemini.generateCalls().length, geminiRequests: gemini.requests.length,
    filesUploads: gemini.uploads.length, responses: gemini.responses.length, embeddingRequests: openai.embeddingCalls().length,
  };
}

type ModelTotals = Usage['by_model'][number];
const byModel = (u: Usage, model: string): ModelTotals =>
  u.by_model.find((m) => m.model === model) ?? { model, input_tokens: 0, output_tokens: 0, cost_usd: 0, calls: 0 };

interface InlinePart { inlineData?: { mimeType?: string; data?: string } }

/** Sizes of the pictures a generateContent request carried inline. */
async function inlinePictures(body: unknown): Promise<[number, number][]> {
  const parts = ((body as { contents?: { parts?: InlinePart[] }[] }).contents ?? []).flatMap((c) => c.parts ?? []);
  const out: [number, number][] = [];
  for (const p of parts) {
    if (!p.inlineData?.mimeType?.startsWith('image/') || !p.inlineData.data) continue;
    const meta = await sharp(Buffer.from(p.inlineData.data, 'base64')).metadata();
    out.push([meta.width, meta.height]);
  }
  return out;
}

/** Uploads one file, waits for it, and attributes what the fakes and GET /usage saw meanwhile to it. */
async function measure(server: ChildServer, gemini: FakeGemini, openai: FakeOpenAI, item: MixItem, file: string): Promise<FileResult> {
  const before = await snapshot(server, gemini, openai);
  const bytes = await fs.readFile(file);
  const { body, contentType } = multipartBody(bytes, item.filename);
  const started = performance.now();
  const res = await server.json<{ upload_id: string }>('/api/v1/upload', { method: 'POST', headers: { 'content-type': contentType }, body });
  if (res.status !== 202) throw new Error(`upload ${item.filename}: ${res.status} ${JSON.stringify(res.error)}`);
  const id = res.data.upload_id;
  const done = await waitFor(`${item.filename} to be processed`, async () => {
    const u = (await server.json<Upload>(`/api/v1/file/${id}/metadata`)).data;
    return u.processing_status === 'completed' || u.processing_status === 'failed' ? u : undefined;
  }, 120_000, 150);
  const processingMs = performance.now() - started;
  if (done.processing_status !== 'completed') throw new Error(`${item.filename} failed: ${JSON.stringify(done.processing_error)}`);
  if (done.analyzer !== 'gemini' || done.cloud_status !== 'done') {
    throw new Error(`${item.filename} was not described by Gemini (analyzer ${done.analyzer}, cloud_status ${done.cloud_status}: ${done.cloud_reason})`);
  }
  const after = await snapshot(server, gemini, openai);
  const responses: GenerateResponse[] = gemini.responses.slice(before.responses, after.responses);
  // Calls of the models Gemini answered as are analysis; the rest (OpenAI's embedding model) embedding.
  const analysisModels = new Set(responses.map((r) => r.model));
  const analysis = { calls: 0, input: 0, output: 0 };
  const embedding = { calls: 0, input: 0, output: 0 };
  for (const { model } of after.usage.by_model) {
    const a = byModel(after.usage, model);
    const b = byModel(before.usage, model);
    const into = analysisModels.has(model) ? analysis : embedding;
    into.calls += a.calls - b.calls;
    into.input += a.input_tokens - b.input_tokens;
    into.output += a.output_tokens - b.output_tokens;
  }
  const details: Record<string, number> = {};
  for (const r of responses) for (const d of r.usageMetadata.promptTokensDetails) details[d.modality] = (details[d.modality] ?? 0) + d.tokenCount;
  const generateCalls = gemini.generateCalls().slice(before.generate, after.generate);
  const pictures = (await Promise.all(generateCalls.map((c) => inlinePictures(c.body)))).flat();
  return {
    label: item.label, filename: item.filename, fileType: item.fileType, bytes: bytes.length,
    analyzer: done.analyzer, cloudStatus: done.cloud_status,
    analysisCalls: analysis.calls, embeddingCalls: embedding.calls,
    inputTokens: analysis.input + embedding.input, outputTokens: analysis.output + embedding.output,
    costUsd: after.usage.total.cost_usd - before.usage.total.cost_usd, fileCostUsd: done.cost_usd,
    gemini: {
      generateContent: after.generate - before.generate, filesApiUploads: after.filesUploads - before.filesUploads,
      requests: after.geminiRequests - before.geminiRequests, promptTokensDetails: details,
      thoughtsTokens: responses.reduce((n, r) => n + (r.usageMetadata.thoughtsTokenCount ?? 0), 0),
    },
    openaiEmbeddingRequests: after.embeddingRequests - before.embeddingRequests,
    pictures, processingMs,
  };
}

/** Image tokens by the tiling rule in Gemini's token docs: 258 up to 384 px both ways, else 258 per 768×768 tile. */
const tiledTokens = ([w, h]: [number, number]) => (w <= 384 && h <= 384 ? 258 : Math.ceil(w / 768) * Math.ceil(h / 768) * 258);

const usd = (n: number) => round(n, 6);
const per = (n: number, files: number) => n / files;
const thousands = (n: number) => Math.round(n).toLocaleString('en');

export async function aiCostBench(_opts: BenchOptions): Promise<SectionResult> {
  const { dir, remove } = await tempDir('aicost');
  const gemini = await startFakeGemini();
  const openai = await startFakeOpenAI();
  let server: ChildServer | undefined;
  try {
    const items = mix();
    log(`aicost: making ${items.length} files while the server starts`);
    const making = Promise.all(items.map(async (item, i) => {
      const file = path.join(dir, `m${i}-${item.filename.replace(/\s+/g, '-')}`);
      await item.make(file);
      return file;
    }));
    const dataDir = path.join(dir, 'data');
    await fs.mkdir(dataDir);
    const starting = startChildServer(dataDir, {
      GEMINI_API_KEY: gemini.apiKey, GEMINI_BASE_URL: gemini.url, OPENAI_API_KEY: openai.apiKey, OPENAI_BASE_URL: openai.url,
      GEMINI_WHOLE_VIDEO_MAX_SIZE: WHOLE_VIDEO_MAX_SIZE, TROVE_PROMPT_TEXT_MAX_TOKENS: String(PROMPT_TEXT_MAX_TOKENS),
      // Only files kept on the device use the offline embedder; the hash one starts instantly.
      TROVE_EMBEDDER: 'hash', TROVE_CONCURRENCY: '1',
    });
    // Both settle before either can fail the section, so a started server is always stopped.
    const [made, started] = await Promise.allSettled([making, starting]);
    if (started.status === 'fulfilled') server = started.value;
    if (made.status === 'rejected') throw made.reason;
    if (started.status === 'rejected') throw started.reason;
    const files = made.value;
    const live = started.value;
    log('aicost: files made, server up');
    const results: FileResult[] = [];
    for (const [i, item] of items.entries()) {
      const r = await measure(live, gemini, openai, item, files[i]!);
      results.push(r);
      log(`aicost: ${item.label}: $${r.costUsd.toFixed(6)}, in ${r.inputTokens} / out ${r.outputTokens} tokens, ${r.gemini.generateContent} generateContent, ${r.gemini.filesApiUploads} Files API uploads (${Math.round(r.processingMs)} ms)`);
    }
    const final = await usageNow(live);
    // The models the configuration chose, as the fakes were asked for them.
    const models = {
      analysis: gemini.responses[0]?.model ?? '?',
      embedding: (openai.embeddingCalls()[0]?.body as { model?: string } | undefined)?.model ?? '?',
    };
    return report(results, final, models);
  } finally {
    await server?.stop();
    await Promise.all([gemini.close(), openai.close()]);
    await remove();
  }
}

function report(results: FileResult[], usage: Usage, models: { analysis: string; embedding: string }): SectionResult {
  const price = DEFAULT_PRICES.models[models.analysis];
  if (!price) throw new Error(`no default price for ${models.analysis}`);
  const rows: Row[] = [];
  const section = 'aicost';
  const byType: Record<string, unknown> = {};

  for (const type of TYPES) {
    const mine = results.filter((r) => r.fileType === type);
    const billed = usage.by_file_type.find((t) => t.file_type === type);
    if (mine.length === 0 || !billed) throw new Error(`no ${type} usage in GET /usage`);
    const n = mine.length;
    const cost = per(billed.cost_usd, n);
    const analysisCalls = per(mine.reduce((s, r) => s + r.analysisCalls, 0), n);
    const embeddingCalls = per(mine.reduce((s, r) => s + r.embeddingCalls, 0), n);
    const modalities: Record<string, number> = {};
    for (const r of mine) for (const [m, t] of Object.entries(r.gemini.promptTokensDetails)) modalities[m] = (modalities[m] ?? 0) + t / n;
    const estimate = DESIGN_ESTIMATE[type];
    const tokens = `in ${thousands(per(billed.input_tokens, n))} / out ${thousands(per(billed.output_tokens, n))} tokens per file ` +
      `(Gemini input: ${Object.entries(modalities).map(([m, t]) => `${m.toLowerCase()} ${thousands(t)}`).join(', ')})`;
    const calls = `${round(per(billed.calls, n), 2)} calls per file (${round(analysisCalls, 2)} analysis + ${round(embeddingCalls, 2)} embedding)`;
    rows.push({
      section, name: `${type}: cost per file (${n} file${n === 1 ? '' : 's'})`, value: usd(cost), unit: 'USD',
      baseline: estimate === undefined ? undefined : { name: 'design estimate', value: estimate },
      ratio: estimate === undefined ? undefined : round(cost / estimate, 2),
      note: `${tokens}; ${calls}${estimate === undefined ? '; the design gives no estimate' : ''}`,
    });
    rows.push({
      section, name: `${type}: cost of 1,000 files`, value: round(cost * 1000, 3), unit: 'USD',
      baseline: estimate === undefined ? undefined : { name: 'design estimate', value: estimate * 1000 },
      ratio: estimate === undefined ? undefined : round(cost / estimate, 2),
      note: `${models.analysis} + ${models.embedding}, default price table (read ${usage.prices_read})`,
    });
    byType[type] = {
      files: n, calls_per_file: per(billed.calls, n), analysis_calls_per_file: analysisCalls, embedding_calls_per_file: embeddingCalls,
      input_tokens_per_file: per(billed.input_tokens, n), output_tokens_per_file: per(billed.output_tokens, n),
      gemini_input_tokens_by_modality_per_file: modalities, cost_per_file_usd: cost, cost_per_1000_files_usd: cost * 1000,
      design_estimate_per_file_usd: estimate ?? null,
    };
  }

  // The two paths a video and a document can take cost differently: one row for each file of those types.
  for (const r of results.filter((x) => x.fileType === 'video' || x.fileType === 'document')) {
    const estimate = DESIGN_ESTIMATE[r.fileType];
    rows.push({
      section, name: `${r.label}: cost per file`, value: usd(r.costUsd), unit: 'USD',
      baseline: estimate === undefined ? undefined : { name: 'design estimate', value: estimate },
      ratio: estimate === undefined ? undefined : round(r.costUsd / estimate, 2),
      note: `in ${thousands(r.inputTokens)} / out ${thousands(r.outputTokens)} tokens (${Object.entries(r.gemini.promptTokensDetails).map(([m, t]) => `${m.toLowerCase()} ${thousands(t)}`).join(', ')}); ` +
        `${r.bytes >= 1e6 ? `${(r.bytes / 1e6).toFixed(1)} MB` : `${Math.round(r.bytes / 1e3)} KB`}; ${r.gemini.filesApiUploads} Files API upload${r.gemini.filesApiUploads === 1 ? '' : 's'}, ${r.pictures.length} inline picture${r.pictures.length === 1 ? '' : 's'}`,
    });
  }

  // At most one analysis call per file, counted where it lands: at the fake.
  const maxGenerate = Math.max(...results.map((r) => r.gemini.generateContent));
  const totalGenerate = results.reduce((s, r) => s + r.gemini.generateContent, 0);
  const totalUploads = results.reduce((s, r) => s + r.gemini.filesApiUploads, 0);
  const totalEmbeddings = results.reduce((s, r) => s + r.openaiEmbeddingRequests, 0);
  rows.push({
    section, name: `Gemini generateContent calls per file (most for any of ${results.length} files)`, value: maxGenerate, unit: '',
    goal: '≤ 1', met: maxGenerate <= 1,
    note: `${totalGenerate} generateContent for ${results.length} files; ${totalUploads} Files API uploads ` +
      `(${results.filter((r) => r.gemini.filesApiUploads > 0).map((r) => r.label.split(',')[0]).join('; ')}); ${totalEmbeddings} OpenAI embeddings requests`,
  });

  // The bill two ways: GET /usage's total against the sum of the files' own cost_usd.
  const fileSum = results.reduce((s, r) => s + r.fileCostUsd, 0);
  rows.push({
    section, name: `all ${results.length} files: total from GET /usage`, value: usd(usage.total.cost_usd), unit: 'USD',
    baseline: { name: 'sum of the files\' cost_usd', value: usd(fileSum) }, ratio: round(usage.total.cost_usd / fileSum, 3),
    note: `${usage.total.calls} priced calls, in ${thousands(usage.total.input_tokens)} / out ${thousands(usage.total.output_tokens)} tokens`,
  });

  // The fake bills a flat 258 tokens per picture; Gemini's docs tile pictures over 384 px into 768×768 tiles of 258.
  const images = results.filter((r) => r.fileType === 'image');
  const extraImageTokens = images.reduce((s, r) => s + r.pictures.reduce((t, p) => t + tiledTokens(p) - 258, 0), 0) / images.length;
  const imageCost = per(usage.by_file_type.find((t) => t.file_type === 'image')!.cost_usd, images.length);
  const tiledCost = imageCost + (extraImageTokens * price.input_per_million) / 1e6;
  const sent = [...new Set(images.flatMap((r) => r.pictures.map(([w, h]) => `${w}×${h}`)))].join(', ');
  rows.push({
    section, name: 'image: cost per file if pictures are billed in 768-px tiles', value: usd(tiledCost), unit: 'USD',
    baseline: { name: 'design estimate', value: DESIGN_ESTIMATE.image! }, ratio: round(tiledCost / DESIGN_ESTIMATE.image!, 2),
    note: `pictures sent: ${sent}; +${thousands(extraImageTokens)} input tokens per image over the fake's flat 258`,
  });

  // Output is the dearest token and the fake's answers are short: what each 100 more would cost.
  const thoughts = results.reduce((s, r) => s + r.gemini.thoughtsTokens, 0) / results.length;
  const answerTokens = results.reduce((s, r) => s + r.outputTokens, 0) / results.length - thoughts;
  rows.push({
    section, name: 'each 100 more output or thinking tokens per file (any type)', value: usd((100 * price.output_per_million) / 1e6), unit: 'USD',
    note: `the fake answers in ~${Math.round(answerTokens)} tokens and bills ${Math.round(thoughts)} thinking tokens per call; ` +
      'the server asks Flash models for no thinking (GEMINI_THINKING_BUDGET, default 0 on Flash), so thinking adds nothing unless set',
  });
  return {
    rows,
    details: {
      basis: 'Token counts come from the local fakes (test/fakes/gemini-server.ts, openai-server.ts), modelled on Gemini\'s published ' +
        'rates (258 tokens a picture, 258 a second of video + 32 of its sound, 32 a second of audio) and ~4 characters a text token ' +
        'over the real prompts the server builds; costs are the server\'s own, from the default price table. Not a live bill.',
      models, pricesRead: usage.prices_read, price: price,
      config: { GEMINI_WHOLE_VIDEO_MAX_SIZE: WHOLE_VIDEO_MAX_SIZE, TROVE_PROMPT_TEXT_MAX_TOKENS: PROMPT_TEXT_MAX_TOKENS },
      thinking: {
        fakeThoughtsTokensPerCall: thoughts,
        note: 'The fake bills 24 thinking tokens per 2.5 call unless the request sets thinkingBudget 0, which the server does on Flash ' +
          `models by default (GEMINI_THINKING_BUDGET); every 100 thinking tokens a deployment allows add $${((100 * price.output_per_million) / 1e6).toFixed(6)} per file.`,
      },
      imageTiling: { picturesSent: sent, extraTokensPerImage: extraImageTokens, costPerImageIfTiledUsd: tiledCost },
      byType, usage, files: results,
    },
  };
}
