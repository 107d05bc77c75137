// What the models see and hear in a file: objects, NSFW, OCR text and colours in its pictures (the
// image, a video's frames, a scan's pages) and speech in its sound. Each model is optional and fails
// on its own: its part is left out with one logged warning, and the file still completes.
import type { Logger } from '../../logger.ts';
import type { AnalysisInput, NsfwClassifier, ObjectDetector, SoundClassifier, SoundVerdict, SpeechRecognizer, TextRecognizer, Transcript } from '../types.ts';

/** Colour words and brightness of one picture (server/analysis/vision/scene-cues.ts implements it). */
export type SceneCuesFn = (imagePath: string, metadata: Record<string, unknown>) => Promise<{
  colours: readonly { name: string; share: number }[];
  brightness: 'dark' | 'bright' | 'normal';
  night: boolean;
}>;

export interface OfflineDeps {
  detector?: ObjectDetector | undefined;
  nsfw?: NsfwClassifier | undefined;
  ocr?: TextRecognizer | undefined;
  speech?: SpeechRecognizer | undefined;
  sound?: SoundClassifier | undefined;
  sceneCues?: SceneCuesFn | undefined;
  log?: Logger | undefined;
}

export interface SeenObject {
  label: string;
  /** Best score over the pictures, 0..1. */
  score: number;
  /** Videos: how many of the analysed frames show it. */
  frames?: number;
  /** Most separate instances seen in one picture, when more than one ("3 people"); cloud prompts carry it. */
  count?: number;
  /** Largest share of a picture one instance covered, when the detector measures it (faces). */
  share?: number;
}

export interface Findings {
  /** Pictures analysed (1 for an image, up to MAX_FRAMES for a video). */
  pictures: number;
  objects: SeenObject[];
  colours: string[];
  brightness?: 'dark' | 'bright' | 'normal';
  night: boolean;
  nsfw?: { flagged: boolean; score: number; drawing?: number };
  ocr?: { text: string; confidence: number };
  transcript?: Transcript;
  /** What kind of sound an audio file or a video's sound track is, with the recording's whole length when known. */
  sound?: SoundVerdict & { durationSec?: number };
  /** A video's frames (by their index in `imagePaths`) and the objects the detector is sure of in each. */
  frameLabels?: { index: number; labels: string[] }[];
}

/** Frames of a video that go through the picture models: enough to see what a clip shows, bounded in time. */
const MAX_FRAMES = 6;
/** OCR costs ~1 s a picture: a video's text (titles, signs) is read from at most this many frames. */
const MAX_OCR_FRAMES = 3;
/** Scanned documents: pages read (the document pipeline renders at most this many anyway). */
const MAX_OCR_PAGES = 10;

/** Warns once per sub-analyzer and process, so a missing model does not flood the log file after file. */
export class WarnOnce {
  private readonly warned = new Set<string>();
  constructor(private readonly log: Logger | undefined) {}
  warn(part: string, err: unknown): void {
    if (this.warned.has(part)) return;
    this.warned.add(part);
    this.log?.warn({ err, part }, `offline analysis: ${part} failed; files are indexed without it`);
  }
}

export async function findContent(input: AnalysisInput, deps: OfflineDeps, warn: WarnOnce, signal?: AbortSignal): Promise<Findings> {
  const paths = (input.imagePaths ?? []).filter((p) => typeof p === 'string' && p !== '');
  const scanned = input.fileType === 'document' && input.metadata.scanned === true;
  const pictures = input.fileType === 'image' ? paths.slice(0, 1) : input.fileType === 'video' ? spread(paths, MAX_FRAMES) : [];
  const ocrPaths = input.fileType === 'image' ? pictures : input.fileType === 'video' ? spread(pictures, MAX_OCR_FRAMES)
    : scanned ? paths.slice(0, MAX_OCR_PAGES) : [];
  const audio = (input.fileType === 'audio' || input.fileType === 'video') && input.audioPath ? input.audioPath : undefined;

  /** Runs one sub-analyzer; its failure is logged and ignored unless the whole job was aborted. */
  const guarded = async <T>(part: string, fn: () => Promise<T>): Promise<T | undefined> => {
    try {
      signal?.throwIfAborted();
      return await fn();
    } catch (err) {
      signal?.throwIfAborted();
      warn.warn(part, err);
      return undefined;
    }
  };
  // The picture models run one after another per picture (they share the vision worker); OCR and
  // speech have their own engines, so the three groups run side by side.
  const [detected, nsfw, cues, ocr, transcript, sound] = await Promise.all([
    deps.detector ? guarded('object detection', () => detectAll(deps.detector!, pictures, signal)) : undefined,
    deps.nsfw ? guarded('NSFW detection', () => nsfwAll(deps.nsfw!, pictures, signal)) : undefined,
    deps.sceneCues ? guarded('colours', () => coloursAll(deps.sceneCues!, pictures, input.metadata)) : undefined,
    deps.ocr ? guarded('OCR', () => readAll(deps.ocr!, ocrPaths, signal)) : undefined,
    deps.speech && audio ? guarded('speech recognition', () => deps.speech!.transcribe(audio, signal)) : undefined,
    deps.sound && audio ? guarded('sound classification', () => deps.sound!.classify(audio, signal)) : undefined,
  ]);
  const durationSec = typeof input.metadata.durationSec === 'number' && input.metadata.durationSec > 0 ? input.metadata.durationSec : undefined;
  signal?.throwIfAborted();
  return {
    pictures: pictures.length,
    objects: detected?.objects ?? [],
    ...(input.fileType === 'video' && detected ? {
      frameLabels: detected.perPicture.map((labels, i) => ({ index: paths.indexOf(pictures[i]!), labels })).filter((f) => f.labels.length > 0),
    } : {}),
    colours: cues?.colours ?? [],
    ...(cues ? { brightness: cues.brightness } : {}),
    night: cues?.night ?? false,
    ...(nsfw ? { nsfw } : {}),
    ...(ocr && ocr.text !== '' ? { ocr } : {}),
    ...(sound ? { sound: { ...sound, ...(durationSec !== undefined ? { durationSec } : {}) } } : {}),
    ...(transcript && transcript.text.trim() !== '' ? {
      transcript: { text: transcript.text.trim(), confidence: transcript.confidence, ...(transcript.segments ? { segments: transcript.segments } : {}) },
    } : {}),
  };
}

/** At most `max` items spread evenly over the list, first one included. */
export function spread<T>(items: readonly T[], max: number): T[] {
  if (items.length <= max) return [...items];
  return Array.from({ length: max }, (_, i) => items[Math.floor((i * items.length) / max)]!);
}

/** A frame's label is kept with its time only when the detector is this sure (a wrong moment is worse than none). */
const FRAME_LABEL_MIN_SCORE = 0.5;

async function detectAll(detector: ObjectDetector, pictures: string[], signal?: AbortSignal): Promise<{ objects: SeenObject[]; perPicture: string[][] }> {
  const seen = new Map<string, { score: number; frames: number; count: number; share: number }>();
  const perPicture: string[][] = [];
  // Every picture asked at once: the vision worker takes the requests that queue behind a busy
  // worker in one call (a video's frames, another file's picture).
  const found = await Promise.all(pictures.map((p) => detector.detect(p, signal)));
  for (const objects of found) {
    const best = new Map<string, { score: number; count: number; share: number }>();
    for (const o of objects) {
      const b = best.get(o.label) ?? { score: 0, count: 0, share: 0 };
      // Only a detector's own count is trusted: entries without one may be overlapping boxes of one thing.
      best.set(o.label, {
        score: Math.max(b.score, o.score),
        count: Math.max(b.count, typeof o.count === 'number' && o.count >= 1 ? Math.round(o.count) : 1),
        share: Math.max(b.share, typeof o.share === 'number' ? o.share : 0),
      });
    }
    for (const [label, b] of best) {
      const s = seen.get(label) ?? { score: 0, frames: 0, count: 0, share: 0 };
      seen.set(label, { score: Math.max(s.score, b.score), frames: s.frames + 1, count: Math.max(s.count, b.count), share: Math.max(s.share, b.share) });
    }
    perPicture.push([...best].filter(([, b]) => b.score >= FRAME_LABEL_MIN_SCORE).map(([label]) => label));
  }
  const objects = [...seen.entries()]
    .map(([label, s]) => ({
      label, score: Math.round(s.score * 1000) / 1000,
      ...(pictures.length > 1 ? { frames: s.frames } : {}),
      ...(s.count > 1 ? { count: s.count } : {}),
      ...(s.share > 0 ? { share: s.share } : {}),
    }))
    .sort((a, b) => (b.frames ?? 1) - (a.frames ?? 1) || b.score - a.score);
  return { objects, perPicture };
}

/** A video is flagged when any analysed frame is. */
async function nsfwAll(classifier: NsfwClassifier, pictures: string[], signal?: AbortSignal) {
  if (pictures.length === 0) return undefined;
  let flagged = false;
  let score = 0;
  let drawing: number | undefined;
  // All at once, as the objects above: queued requests go to the NSFW model as one batch.
  for (const r of await Promise.all(pictures.map((p) => classifier.classify(p, signal)))) {
    flagged ||= r.nsfw;
    score = Math.max(score, r.score);
    // A video counts as drawn when most of it is: the least drawn-looking frame decides.
    if (typeof r.drawing === 'number') drawing = drawing === undefined ? r.drawing : Math.min(drawing, r.drawing);
  }
  return { flagged, score: Math.round(score * 1000) / 1000, ...(drawing === undefined ? {} : { drawing }) };
}

/** Colours over all pictures, weighted by their share in each; the night hint only from the first (the photo itself). */
async function coloursAll(cues: SceneCuesFn, pictures: string[], metadata: Record<string, unknown>) {
  if (pictures.length === 0) return undefined;
  const shares = new Map<string, number>();
  const all = [];
  for (const p of pictures) all.push(await cues(p, metadata));
  for (const c of all) for (const { name, share } of c.colours) shares.set(name, (shares.get(name) ?? 0) + share / all.length);
  const dark = all.filter((c) => c.brightness === 'dark').length;
  const bright = all.filter((c) => c.brightness === 'bright').length;
  return {
    colours: [...shares.entries()].filter(([, s]) => s >= 0.12).sort((a, b) => b[1] - a[1]).slice(0, 3).map(([n]) => n),
    brightness: dark > all.length / 2 ? 'dark' as const : bright > all.length / 2 ? 'bright' as const : 'normal' as const,
    night: all[0]!.night,
  };
}

/** Text of every picture in order (a scan's pages), confidence averaged over the pictures that had text. */
async function readAll(ocr: TextRecognizer, pictures: string[], signal?: AbortSignal) {
  const texts: string[] = [];
  const confidences: number[] = [];
  for (const p of pictures) {
    const r = await ocr.recognize(p, signal);
    const t = r.text.trim();
    if (t === '' || texts.includes(t)) continue;
    texts.push(t);
    confidences.push(r.confidence);
  }
  const confidence = confidences.length ? confidences.reduce((a, b) => a + b, 0) / confidences.length : 0;
  return { text: texts.join('\n\n'), confidence: Math.round(confidence * 100) / 100 };
}
