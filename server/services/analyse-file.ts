import { TroveError, isErrorCode } from '../../shared/api/errors.ts';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import * as uploads from '../db/uploads-repo.ts';
import { isDiskFull } from '../disk-full.ts';
import { pipelines, runPipeline, type PipelineOutput } from '../pipelines/index.ts';
import type { Understanding, Understood } from './understanding.ts';

export interface AnalyseDeps {
  db: Kysely<DB>;
  understanding: Understanding;
  options: { maxImagePixels: number };
}

export interface AnalyseRun {
  sourcePath: string;
  workDir: string;
  signal: AbortSignal;
  /** The job's last attempt: a cloud failure then keeps the offline description. */
  lastAttempt: boolean;
  progress: (stage: string, pct: number) => void;
}

/**
 * One file's media steps (thumbnail, EXIF, frames, text…), then the offline analysis, the cloud
 * model where allowed, and the embedding: the part new files and re-analysed ones share.
 */
export async function analyseFile(deps: AnalyseDeps, upload: uploads.ClaimedUpload, run: AnalyseRun): Promise<{ media: PipelineOutput; understood: Understood }> {
  const media = await runPipeline(pipelines[upload.file_type], {
    fileType: upload.file_type, mimeType: upload.mime_type, filename: upload.original_filename,
    sourcePath: run.sourcePath, workDir: run.workDir, signal: run.signal, maxImagePixels: deps.options.maxImagePixels,
  }, (stage, fraction) => run.progress(stage, 5 + fraction * 60));
  run.progress('analysing', 68);
  const understood = await deps.understanding.understand({
    fileType: upload.file_type, filename: upload.original_filename, mimeType: upload.mime_type,
    metadata: media.metadata, text: media.text, chunks: media.chunks, imagePaths: media.imagePaths, frameTimes: media.frameTimes, audioPath: media.audioPath,
    sourcePath: run.sourcePath, sizeBytes: upload.file_size,
  }, {
    userId: upload.user_id, uploadId: upload.id, fileType: upload.file_type, lastAttempt: run.lastAttempt,
    keepLocal: () => uploads.isKeptLocal(deps.db, upload.id),
  }, run.signal, (stage) => run.progress(stage, stage === 'embedding' ? 88 : 75));
  return { media, understood };
}

/** What the upload row keeps of one run: the analysis, who wrote it, the vector and what it cost. */
export function completedAnalysis(media: PipelineOutput, u: Understood): Omit<uploads.CompletedAnalysis, 'thumbnailUri' | 'previewUri'> {
  return {
    summary: u.analysis.summary, tags: u.analysis.tags, extractedText: u.analysis.extractedText, tokenCount: u.analysis.tokenCount,
    embedding: u.embedding, embeddingModel: u.embeddingModel, analysisModel: u.analysis.model,
    metadata: { ...media.metadata, ...u.analysis.metadata },
    analyzer: u.analyzer, cloudStatus: u.cloudStatus, cloudReason: u.cloudReason,
    costUsd: u.usage.reduce((sum, r) => sum + r.costUsd, 0),
  };
}

/** Any failure as a TroveError with a stable code; unknown ones as PROCESSING_FAILED (retryable). */
export function toTroveError(err: unknown): TroveError {
  if (err instanceof TroveError) return err;
  const code: unknown = (err as { code?: unknown } | null)?.code;
  if (err instanceof Error && isErrorCode(code)) return new TroveError(code, err.message);
  const message = err instanceof Error ? err.message : String(err);
  if (isDiskFull(err)) return new TroveError('INSUFFICIENT_STORAGE', 'The disk is full; free some space and retry.');
  return new TroveError('PROCESSING_FAILED', `Processing failed unexpectedly: ${message.slice(0, 300)}`, undefined, { cause: err });
}
