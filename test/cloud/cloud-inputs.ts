/**
 * Inputs for the cloud analyzers made the way the worker makes them: real media bytes written to
 * disk, the real media pipeline (probe, frames, sound track, EXIF, text layer, scanned pages), then
 * an offline analysis as the grounding. Only the models behind the offline analysis vary per test.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import type { FileType } from '../../shared/file-types.ts';
import type { Analysis, AnalysisInput, Analyzer } from '../../server/analysis/types.ts';
import { OfflineAnalyzer } from '../../server/analysis/offline-analyzer.ts';
import { pipelines, runPipeline } from '../../server/pipelines/index.ts';

export interface Prepared {
  input: AnalysisInput;
  grounding: Analysis;
}

/** Writes `bytes` as `dir/filename`, runs the file type's pipeline in `dir/work-<name>`, and grounds it. */
export async function prepare(
  dir: string, bytes: Buffer, file: { filename: string; mimeType: string; fileType: FileType },
  offline: Analyzer = new OfflineAnalyzer(),
): Promise<Prepared> {
  const sourcePath = path.join(dir, file.filename);
  await fs.writeFile(sourcePath, bytes);
  const workDir = await fs.mkdtemp(path.join(dir, 'work-'));
  const media = await runPipeline(pipelines[file.fileType], {
    fileType: file.fileType, mimeType: file.mimeType, filename: file.filename,
    sourcePath, workDir, signal: new AbortController().signal, maxImagePixels: 100_000_000,
  }, () => undefined);
  const input: AnalysisInput = {
    fileType: file.fileType, filename: file.filename, mimeType: file.mimeType,
    metadata: media.metadata, text: media.text, imagePaths: media.imagePaths, audioPath: media.audioPath,
    sourcePath, sizeBytes: bytes.length,
  };
  return { input, grounding: await offline.analyze(input) };
}
