import path from 'node:path';
import { TroveError } from '../../shared/api/errors.ts';
import { extractAudioTrack, extractFramesAndPreview, makeThumbnail, perceptualHash, probeMedia } from '../../shared/node/media/index.ts';
import { derive, type Pipeline } from './pipeline.ts';

/** Seconds between the frames the picture models see. */
const FRAME_EVERY_S = 10;

export const videoPipeline: Pipeline = [
  {
    name: 'probing video',
    weight: 1,
    async run(input, out) {
      const probe = await probeMedia(input.sourcePath, { signal: input.signal });
      if (!probe.hasVideo) throw new TroveError('CORRUPT_FILE', 'This file has no video stream that can be decoded.');
      out.metadata = { ...probe };
    },
  },
  {
    // One ffmpeg run decodes the video once for both outputs (bench/media.ts: ~0.8× the two runs).
    name: 'extracting frames and preview',
    weight: 6,
    async run(input, out) {
      const dir = path.join(input.workDir, 'frames');
      const previewPath = path.join(input.workDir, 'preview.mp4');
      // One frame every 10 s from the first minute: enough to describe a clip, bounded for long films.
      const frames = await extractFramesAndPreview(input.sourcePath, dir, previewPath, {
        everySec: FRAME_EVERY_S, framesMaxSec: 60, previewMaxSec: 30, signal: input.signal,
      });
      out.imagePaths = frames;
      // The first frame is the clip's first; each next one FRAME_EVERY_S later (the frames' select filter).
      out.frameTimes = frames.map((_, k) => k * FRAME_EVERY_S);
      out.preview = { localPath: previewPath, name: 'preview.mp4', contentType: 'video/mp4' };
      out.thumbnail = await derive(input, 'thumbnail.jpg', 'image/jpeg', (to) => makeThumbnail(frames[0]!, to));
      // Near-duplicate detection for videos compares their first frames.
      out.metadata.phash = await perceptualHash(frames[0]!);
    },
  },
  {
    name: 'extracting sound',
    weight: 1,
    async run(input, out) {
      if (out.metadata.hasAudio !== true) return;
      const wav = path.join(input.workDir, 'audio.wav');
      if (await extractAudioTrack(input.sourcePath, wav, { maxSec: 600, signal: input.signal })) out.audioPath = wav;
    },
  },
];
