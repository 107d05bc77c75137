import type { FileType } from '../../shared/file-types.ts';
import type { SoundKind, SoundVerdict } from './sound/classifier.ts';

/** Turns text into vectors for semantic search. */
export interface Embedder {
  /** e.g. 'use-lite-512' — recorded next to every vector; vectors of different models never mix. */
  readonly model: string;
  /** Length of every vector this embedder returns, e.g. 512. */
  readonly dimensions: number;
  /**
   * Unit-length vectors, one per text, in the same order. A paid embedder reports the tokens this
   * call used through `onUsage` (its share of a batch shared with other callers).
   */
  embed(texts: string[], signal?: AbortSignal, onUsage?: (usage: ModelUsage) => void): Promise<number[][]>;
  close(): Promise<void>;
}

/**
 * A part of a file a search can point into (stored in upload_chunks, migration 0010): one page of a
 * document, or one stretch of a transcript with its times in seconds from the start of the file.
 */
export interface ContentChunk {
  kind: 'transcript' | 'page' | 'frames';
  /** 1-based, for pages. */
  page?: number;
  start_s?: number;
  end_s?: number;
  text: string;
}

/** Facts a pipeline has already extracted from the file; the analyzer turns them into a searchable description. */
export interface AnalysisInput {
  fileType: FileType;
  /** As the user gave it (may contain any characters). */
  filename: string;
  mimeType: string;
  /** Shapes per file type are documented in offline-analyzer.ts; every field is optional. */
  metadata: Record<string, unknown>;
  /** Document text (already capped at 10 000 chars) or transcript. */
  text?: string;
  /** The whole document, page by page (the pipeline's; `text` holds only its opening). */
  chunks?: ContentChunk[];
  /** A video's frames: when each of `imagePaths` was taken, in seconds from the start. */
  frameTimes?: number[];
  /** The image or extracted video frames (unused by the offline v1, used by later analyzers). */
  imagePaths?: string[];
  audioPath?: string;
  /** The original file (a video may go to a cloud model whole when it is small enough). */
  sourcePath?: string;
  /** Size of the original in bytes. */
  sizeBytes?: number;
}

export interface Analysis {
  /** Readable sentences describing the file. */
  summary: string;
  /** Lowercase search words (type words, format, camera make, artist, genre, year, month name, orientation…). */
  tags: string[];
  /** Text found in the file (document text, tag text) for full-text search; '' if none. */
  extractedText: string;
  /** Rough token count of summary + extractedText; cloud models report real counts. */
  tokenCount: number;
  /** e.g. 'offline-v1'. */
  model: string;
  /**
   * Facts the analysis found that belong with the file's metadata (detected objects with scores,
   * dominant colours, the NSFW flag, OCR confidence, transcript confidence…); merged into the stored
   * metadata so they can be shown and filtered on.
   */
  metadata?: Record<string, unknown>;
  /** Timed parts of what was heard (transcript segments), for search to point into. */
  chunks?: ContentChunk[];
}

export interface Analyzer {
  readonly model: string;
  analyze(input: AnalysisInput, signal?: AbortSignal): Promise<Analysis>;
}

/** Tokens one call to a paid model used; the price table turns them into dollars. */
export interface ModelUsage {
  /** The provider's model id as its price list names it, e.g. 'gemini-2.5-flash', 'text-embedding-3-small'. */
  model: string;
  inputTokens: number;
  outputTokens: number;
  /** The part of inputTokens that was audio (Gemini bills it at its own rate). */
  audioInputTokens?: number;
}

/** Who wrote the summary a user sees (`analyzer` in the file's metadata). */
export type AnalyzerName = 'gemini' | 'openai-chat' | 'offline';

/**
 * A cloud model's answer for one file. A refusal (safety filter, content policy) is an answer too:
 * final, not retried, and the file keeps its offline description with the reason shown.
 */
export type CloudOutcome =
  | { kind: 'described'; analysis: Analysis; usage: ModelUsage[] }
  | { kind: 'blocked'; reason: string; usage: ModelUsage[] };

/**
 * A paid model that describes files (Gemini, an OpenAI-compatible chat model). It never runs alone:
 * the offline analysis (objects, OCR, EXIF, transcript, document text) is done first and grounds the
 * prompt, so the summary carries exact names, numbers and dates, and the extracted text is indexed
 * whatever the model answers. Transient failures (429, 5xx, time-outs, malformed answers) throw a
 * retryable TroveError; the job queue retries them.
 */
export interface CloudAnalyzer {
  readonly name: Exclude<AnalyzerName, 'offline'>;
  /** The provider's model id, e.g. 'gemini-2.5-flash'. */
  readonly model: string;
  describe(input: AnalysisInput, grounding: Analysis, signal?: AbortSignal): Promise<CloudOutcome>;
}

// ---------------------------------------------------------------------------------------------
// The offline analyzers the built-in analysis is assembled from. Each is optional and fails on its
// own: a missing model or one that throws leaves its part out, never the file.

export interface DetectedObject {
  /** COCO-80 label, e.g. 'person', 'dog', 'cup'. */
  label: string;
  /** 0..1 */
  score: number;
  /** Separate instances of it in the picture, when the detector counts them. */
  count?: number;
  /** 0..1 of the picture the largest instance covers, when the detector measures it (faces). */
  share?: number;
}

/** Objects in a picture (COCO-80). */
export interface ObjectDetector {
  readonly model: string;
  detect(imagePath: string, signal?: AbortSignal): Promise<DetectedObject[]>;
  close(): Promise<void>;
}

/** Basic NSFW detection: stored in metadata and filterable, never shown as a tag. */
export interface NsfwClassifier {
  readonly model: string;
  classify(imagePath: string, signal?: AbortSignal): Promise<{ nsfw: boolean; score: number; drawing?: number }>;
  close(): Promise<void>;
}

/** Text in images and scanned pages (OCR). */
export interface TextRecognizer {
  readonly model: string;
  recognize(imagePath: string, signal?: AbortSignal): Promise<{ text: string; confidence: number }>;
  close(): Promise<void>;
}

export interface Transcript {
  text: string;
  confidence: 'low' | 'medium' | 'high';
  /** Stretches of speech with their times (seconds from the start), when the engine gives them. */
  segments?: { start_s: number; end_s: number; text: string }[];
}

/** Speech to text; null when no engine is installed on this machine. */
export interface SpeechRecognizer {
  readonly model: string;
  transcribe(audioPath: string, signal?: AbortSignal): Promise<Transcript | null>;
  close(): Promise<void>;
}

/** What kind of sound a recording is, from its signal (server/analysis/sound/). */
export type { SoundVerdict, SoundKind };

/** Tells speech, music, tones, noise and silence apart; the built-in one reads the signal with ffmpeg. */
export interface SoundClassifier {
  readonly model: string;
  classify(audioPath: string, signal?: AbortSignal): Promise<SoundVerdict>;
}
