import path from 'node:path';
import fs from 'node:fs/promises';
import { TroveError } from '../../shared/api/errors.ts';
import { extractAudioTrack, extractFrames, makeThumbnail, makeVideoPreview, perceptualHash, probeMedia } from '../../shared/node/media/index.ts';
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
    name: 'extracting frames',
    weight: 2,
    async run(input, out) {
      const dir = path.join(input.workDir, 'frames');
      await fs.mkdir(dir, { recursive: true });
      // One frame every 10 s from the first minute: enough to describe a clip, bounded for long films.
      const frames = await extractFrames(input.sourcePath, dir, { everySec: FRAME_EVERY_S, maxSec: 60, signal: input.signal });
      if (frames.length === 0) throw new TroveError('CORRUPT_FILE', 'No frame of this video could be decoded.');
      out.imagePaths = frames;
      // The first frame is the clip's first; each next one FRAME_EVERY_S later (extractFrames' select filter).
      out.frameTimes = frames.map((_, k) => k * FRAME_EVERY_S);
      out.thumbnail = await derive(input, 'thumbnail.jpg', 'image/jpeg', (to) => makeThumbnail(frames[0]!, to));
      // Near-duplicate detection for videos compares their first frames.
      out.metadata.phash = await perceptualHash(frames[0]!);
    },
  },
  {
    name: 'making preview',
    weight: 4,
    async run(input, out) {
      out.preview = await derive(input, 'preview.mp4', 'video/mp4', (to) => makeVideoPreview(input.sourcePath, to, { maxSec: 30, signal: input.signal }));
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
