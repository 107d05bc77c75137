import { makeThumbnail, perceptualHash, readImageInfo } from '../../shared/node/media/index.ts';
import { derive, type Pipeline } from './pipeline.ts';

export const imagePipeline: Pipeline = [
  {
    name: 'reading image',
    weight: 1,
    async run(input, out) {
      // Header only: dimensions and EXIF; also refuses decompression bombs before any decode.
      out.metadata = { ...(await readImageInfo(input.sourcePath, { maxPixels: input.maxImagePixels })) };
      out.imagePaths = [input.sourcePath];
    },
  },
  {
    name: 'making thumbnail',
    weight: 2,
    async run(input, out) {
      out.thumbnail = await derive(input, 'thumbnail.jpg', 'image/jpeg', (to) => makeThumbnail(input.sourcePath, to, { maxPixels: input.maxImagePixels }));
      // For near-duplicate detection in find-similar; the thumbnail above already proved the pixels decode.
      out.metadata.phash = await perceptualHash(input.sourcePath, { maxPixels: input.maxImagePixels });
    },
  },
];
