import { makeWaveform, readAudioInfo } from '../../shared/node/media/index.ts';
import { derive, type Pipeline } from './pipeline.ts';

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
      out.thumbnail = await derive(input, 'thumbnail.png', 'image/png', (to) => makeWaveform(input.sourcePath, to, { signal: input.signal }));
    },
  },
];
