import type { FileType } from '../../shared/file-types.ts';
import { audioPipeline } from './audio.ts';
import { documentPipeline } from './document.ts';
import { imagePipeline } from './image.ts';
import type { Pipeline } from './pipeline.ts';
import { videoPipeline } from './video.ts';

export const pipelines: Record<FileType, Pipeline> = {
  image: imagePipeline,
  video: videoPipeline,
  audio: audioPipeline,
  document: documentPipeline,
};
export { runPipeline, type PipelineOutput } from './pipeline.ts';
