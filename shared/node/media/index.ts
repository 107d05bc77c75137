export { ffmpegPath, ffprobePath, runTool, type RunToolOptions, type ToolFailure } from './tools.ts';
export { sniffFile, normaliseMime, type SniffResult } from './sniff.ts';
export { readImageInfo, makeThumbnail, perceptualHash, hammingDistance, DEFAULT_MAX_IMAGE_PIXELS, type ImageInfo, type ExifSummary } from './image.ts';
export { probeMedia, extractFrames, makeVideoPreview, extractFramesAndPreview, extractAudioTrack, type MediaProbe, type ToolRunOptions, type FramesAndPreviewOptions } from './video.ts';
export { readAudioInfo, makeWaveform, type AudioInfo, type AudioTags } from './audio.ts';
export { readPdf, renderPdfPage, readDocx, readTextFile, makeTextCard, type DocumentText } from './document.ts';
