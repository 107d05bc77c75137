import path from 'node:path';
import { makeWaveform, readAudioInfo } from '../../shared/node/media/index.ts';
import type { Pipeline } from './pipeline.ts';

export const audioPipeline: Pipeline = [
  {
    name: 'reading tags',
    weight: 1,
    async run(input, out) {
      out.metadata = { ...(await readAudioInfo(input.sourcePath)) };
      out.audioPath = input.sourcePath;
    },
  },
  {
    name: 'drawing waveform',
    weight: 2,
    async run(input, out) {
      const localPath = path.join(input.workDir, 'thumbnail.png');
      await makeWaveform(input.sourcePath, localPath, { signal: input.signal });
      out.thumbnail = { localPath, name: 'thumbnail.png', contentType: 'image/png' };
    },
  },
];
