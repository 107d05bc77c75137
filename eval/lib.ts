import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FileType } from '../shared/file-types.ts';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const CORPUS_DIR = path.join(ROOT, 'eval/corpus');

/** One corpus file as eval/corpus/manifest.json lists it. */
export interface CorpusFile {
  file: string;
  type: FileType;
  source: string;
  licence: string;
  /** What it shows or says, as a person would describe it: the ground truth the grades were made from. */
  content: string;
}

/** A query with graded relevance: 3 = exactly this, 2 = clearly relevant, 1 = partly; unlisted files are 0. */
export interface Query {
  query: string;
  relevant: Record<string, 1 | 2 | 3>;
}

/** A query of eval/queries-wide.json: graded on the files of its split only (wide set and, for dev, eval/corpus). */
export interface WideQuery extends Query {
  split: 'dev' | 'validation';
}
