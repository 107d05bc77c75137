import type { FileType } from '../../shared/file-types.ts';

/** Turns text into vectors for semantic search. */
export interface Embedder {
  /** e.g. 'use-lite-512' — recorded next to every vector; vectors of different models never mix. */
  readonly model: string;
  /** Length of every vector this embedder returns, e.g. 512. */
  readonly dimensions: number;
  /** Unit-length vectors, one per text, in the same order. */
  embed(texts: string[], signal?: AbortSignal): Promise<number[][]>;
  close(): Promise<void>;
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
  /** The image or extracted video frames (unused by the offline v1, used by later analyzers). */
  imagePaths?: string[];
  audioPath?: string;
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
}

export interface Analyzer {
  readonly model: string;
  analyze(input: AnalysisInput, signal?: AbortSignal): Promise<Analysis>;
}
