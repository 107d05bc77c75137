import { findContent, WarnOnce, type Findings, type OfflineDeps } from './offline/content.ts';
import { addFindings, seenSentences } from './offline/content-words.ts';
import { describeAudio, describeDocument, describeImage, describeVideo, type Parts } from './offline/metadata.ts';
import { filenameWords, formatOf, GENERIC_NAME_WORDS, isTagWorthy } from './offline/names.ts';
import { cleanBlock, clip, clipBlock, dedupeLines, joinSentences, oneLine, rec, roughTokens, Tags } from './offline/text.ts';
import type { Analysis, AnalysisInput, Analyzer, ContentChunk } from './types.ts';

export { filenameWords } from './offline/names.ts';
export type { OfflineDeps, SceneCuesFn } from './offline/content.ts';

/**
 * The built-in analysis: describes a file from what it carries (dimensions, EXIF, durations, audio
 * tags, document text, its name; see offline/metadata.ts) and from what the optional offline models
 * find in it (objects, colours, OCR text, speech, the NSFW flag; see offline/content.ts). Without
 * models it is deterministic and needs nothing but the input; each model that is missing or throws
 * only leaves its part out.
 *
 * Metadata shapes it reads (every field optional; wrong types are ignored, never thrown on):
 * - image: `{ width, height, format, exif: { takenAt, make, model, lensModel, gps: { latitude, longitude },
 *   iso, fNumber, exposureTime, focalLength } }`. `takenAt` is read as the wall-clock time written
 *   in it (`2019-07-14T19:32:10`, EXIF's `2019:07:14 19:32:10` or a `Date`), so pass EXIF's local time
 *   rather than a UTC conversion, or the time of day shifts.
 * - video: `{ durationSec, width, height, rotation, videoCodec, audioCodec, hasAudio, frameRate, formatName,
 *   tags: { title, creation_time, ... } }`; frames in `imagePaths`, the sound track in `audioPath`.
 * - audio: `{ durationSec, bitrate (bit/s), sampleRate (Hz), channels, codec, tags: { title, artist, album,
 *   genre: string[], year, comment: string[] | { text }[], track } }`; the file in `audioPath`.
 * - document: `{ pageCount, title, author, truncated, scanned }` plus `input.text`; a scan's rendered
 *   pages in `imagePaths`.
 */
export class OfflineAnalyzer implements Analyzer {
  // v3: PaddleOCR instead of tesseract, faces, the drawing cue and the sound classifier; stored per file, so what was read by an older analyzer can be told apart.
  readonly model = 'offline-v3';
  private readonly warn: WarnOnce;

  constructor(private readonly deps: OfflineDeps = {}) {
    this.warn = new WarnOnce(deps.log);
  }

  async analyze(input: AnalysisInput, signal?: AbortSignal): Promise<Analysis> {
    signal?.throwIfAborted();
    const findings = await findContent({ ...input, metadata: rec(input.metadata) ?? {} }, this.deps, this.warn, signal);
    const parts = describeMetadata(input);
    // What is seen comes right after the first sentence (what kind of file it is), before camera details.
    parts.sentences.splice(1, 0, ...seenSentences(findings, input.fileType));
    const metadata = addFindings(findings, input.fileType, parts);
    const ocrText = input.fileType === 'document' && input.metadata.scanned === true ? findings.ocr?.text : undefined;
    const analysis = finish(input, parts, ocrText, this.model, metadata);
    // Timed stretches of the transcript: a search for words said in the middle of a clip points there.
    const segments = findings.transcript?.segments ?? [];
    const chunks: ContentChunk[] = [...segments.map((s) => ({ kind: 'transcript' as const, ...s })), ...frameChunks(input, findings)];
    if (chunks.length > 0) analysis.chunks = chunks;
    return analysis;
  }
}

/**
 * What a video's frames show, with when: "dog, person" from 10 s until the next analysed frame (or
 * FRAME_SPAN_S later), so a search for a thing seen mid-clip points there.
 */
function frameChunks(input: AnalysisInput, findings: Findings): ContentChunk[] {
  const times = Array.isArray(input.frameTimes) ? input.frameTimes : [];
  const frames = (findings.frameLabels ?? []).filter((f) => typeof times[f.index] === 'number');
  return frames.map((f, i) => {
    const start = times[f.index]!;
    const next = frames[i + 1] ? times[frames[i + 1]!.index]! : start + FRAME_SPAN_S;
    return { kind: 'frames' as const, start_s: start, end_s: Math.max(start, Math.min(next, start + FRAME_SPAN_S)), text: f.labels.join(', ') };
  });
}

/** How long a frame's labels are taken to hold: the pipeline's frames are 10 s apart. */
const FRAME_SPAN_S = 10;

const MAX_SUMMARY_CHARS = 1000;
const QUOTE_CHARS = 200;
const MAX_EXTRACTED_CHARS = 20_000;

function describeMetadata(input: AnalysisInput): Parts {
  const meta = rec(input.metadata) ?? {};
  const mime = typeof input.mimeType === 'string' ? input.mimeType.toLowerCase().trim() : '';
  const parts: Parts = { sentences: [], tags: new Tags(), texts: [] };
  // A Map, not an object: the input's type is not trusted, and 'constructor' must not find a describer.
  const describe = DESCRIBERS.get(input.fileType);
  if (describe) {
    describe(meta, mime, parts);
  } else {
    parts.sentences.push('File.');
    parts.tags.add('file');
  }
  return parts;
}

/** What each kind of file's metadata says; any other kind is just "File.". */
const DESCRIBERS = new Map<unknown, (meta: Record<string, unknown>, mime: string, parts: Parts) => void>([
  ['image', describeImage], ['video', describeVideo], ['audio', describeAudio], ['document', describeDocument],
]);

/** Adds the file's own text (a scan's OCR text when it has no text layer) and its name, then assembles the result. */
function finish(input: AnalysisInput, parts: Parts, scanText: string | undefined, model: string, metadata: Record<string, unknown>): Analysis {
  const meta = rec(input.metadata) ?? {};
  const mime = typeof input.mimeType === 'string' ? input.mimeType.toLowerCase().trim() : '';
  const fileType: unknown = input.fileType;
  const own = typeof input.text === 'string' ? cleanBlock(input.text) : '';
  // A PDF may mix text pages and scanned ones: both texts count.
  const scan = fileType === 'document' && scanText ? cleanBlock(scanText) : '';
  const body = [own, scan].filter((t) => t !== '').join('\n\n');
  if (body !== '') {
    if (fileType === 'document') {
      parts.sentences.push(`${own === '' ? 'Scanned; its text (read by OCR) begins' : 'Begins'}: '${clip(oneLine(body), QUOTE_CHARS)}'.`);
    } else {
      parts.sentences.push(`Transcript begins: '${clip(oneLine(body), QUOTE_CHARS)}'.`);
    }
    parts.texts.push(body);
  } else if (fileType === 'document') {
    parts.sentences.push(
      formatOf(meta, mime) === 'pdf'
        ? 'No text layer found; it may be a scan or contain only pictures.'
        : 'No text found.',
    );
  }
  if (fileType === 'document' && meta.truncated === true && body !== '') {
    // Every page the pipeline read is searched on its own (upload_chunks); only a document longer than that is cut.
    const pages = Array.isArray(input.chunks) ? input.chunks.filter((c) => c.kind === 'page').length : 0;
    const pageCount = typeof meta.pageCount === 'number' ? meta.pageCount : 0;
    const indexed = typeof meta.pagesIndexed === 'number' ? meta.pagesIndexed : pageCount;
    parts.sentences.push(pages === 0 ? 'Long document; only the first part of its text is indexed.'
      : indexed < pageCount ? `Long document; its first ${indexed} pages are searchable page by page.`
        : 'Long document; every page is searchable.');
  }

  const name = filenameWords(typeof input.filename === 'string' ? input.filename : '');
  if (name.some((w) => /\p{L}/u.test(w.display) && !GENERIC_NAME_WORDS.has(w.lower))) {
    parts.sentences.push(`File name: ${clip(name.map((w) => w.display).join(' '), 160)}.`);
  }
  for (const w of name) if (isTagWorthy(w.lower)) parts.tags.add(w.lower);

  const summary = joinSentences(parts.sentences, MAX_SUMMARY_CHARS);
  const extractedText = clipBlock(dedupeLines(parts.texts).join('\n'), MAX_EXTRACTED_CHARS);
  return {
    summary,
    tags: parts.tags.list(),
    extractedText,
    tokenCount: roughTokens(`${summary} ${extractedText}`),
    model,
    ...(Object.keys(metadata).length > 0 ? { metadata } : {}),
  };
}
