import path from 'node:path';
import type { FileType } from '../../shared/file-types.ts';
import type { ContentChunk } from '../analysis/types.ts';

export interface PipelineInput {
  fileType: FileType;
  mimeType: string;
  filename: string;
  /** Local path of the original bytes. */
  sourcePath: string;
  /** Scratch folder for this run; removed afterwards. */
  workDir: string;
  signal: AbortSignal;
  maxImagePixels: number;
}

export interface Derived {
  localPath: string;
  /** Fixed storage name, e.g. `thumbnail.jpg`. */
  name: string;
  contentType: string;
}

/** What the media steps found; the analyzer turns it into a summary and the embedder into a vector. */
export interface PipelineOutput {
  metadata: Record<string, unknown>;
  text?: string;
  /** A document's pages, each searchable on its own (`text` holds only the opening). */
  chunks?: ContentChunk[];
  imagePaths?: string[];
  /** A video's frames: when each of `imagePaths` was taken, in seconds. */
  frameTimes?: number[];
  audioPath?: string;
  thumbnail?: Derived;
  preview?: Derived;
}

export interface Step {
  name: string;
  /** Share of the pipeline's run time, for the progress bar. */
  weight: number;
  run(input: PipelineInput, out: PipelineOutput): Promise<void>;
}

export type Pipeline = readonly Step[];

/** Has `make` write a derived file into the run's scratch folder under its fixed storage name; what the store is given. */
export async function derive(
  input: PipelineInput, name: string, contentType: string, make: (localPath: string) => Promise<unknown>,
): Promise<Derived> {
  const localPath = path.join(input.workDir, name);
  await make(localPath);
  return { localPath, name, contentType };
}

/** Runs the steps in order, reporting progress as the weighted share of steps done. */
export async function runPipeline(
  steps: Pipeline, input: PipelineInput, onProgress: (stage: string, fraction: number) => void,
): Promise<PipelineOutput> {
  const out: PipelineOutput = { metadata: {} };
  const total = steps.reduce((s, step) => s + step.weight, 0) || 1;
  let done = 0;
  for (const step of steps) {
    input.signal.throwIfAborted();
    onProgress(step.name, done / total);
    await step.run(input, out);
    done += step.weight;
  }
  onProgress('analysed media', 1);
  return out;
}
