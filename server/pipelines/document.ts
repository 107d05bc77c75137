import path from 'node:path';
import { makeTextCard, makeThumbnail, readDocx, readPdf, readTextFile, renderPdfPage, type DocumentText } from '../../shared/node/media/index.ts';
import type { Pipeline, PipelineInput } from './pipeline.ts';

/** The spec sends the first 10 000 characters of a document to analysis. */
export const MAX_DOCUMENT_CHARS = 10_000;

function readText(input: PipelineInput): Promise<DocumentText> {
  const opts = { maxChars: MAX_DOCUMENT_CHARS };
  if (input.mimeType === 'application/pdf') return readPdf(input.sourcePath, { ...opts, maxPages: 10 });
  if (input.mimeType.includes('wordprocessingml')) return readDocx(input.sourcePath, opts);
  return readTextFile(input.sourcePath, opts);
}

export const documentPipeline: Pipeline = [
  {
    name: 'reading text',
    weight: 2,
    async run(input, out) {
      const doc = await readText(input);
      const { text, ...rest } = doc;
      out.metadata = { ...rest, characters: text.length };
      out.text = text;
    },
  },
  {
    name: 'making thumbnail',
    weight: 1,
    async run(input, out) {
      const localPath = path.join(input.workDir, 'thumbnail.jpg');
      if (input.mimeType === 'application/pdf') {
        const png = path.join(input.workDir, 'page1.png');
        await renderPdfPage(input.sourcePath, png, { page: 1, width: 600 });
        await makeThumbnail(png, localPath, { anchor: 'top' });
      } else {
        const title = typeof out.metadata.title === 'string' ? out.metadata.title : input.filename;
        await makeTextCard({ title, text: out.text ?? '', outPath: localPath });
      }
      out.thumbnail = { localPath, name: 'thumbnail.jpg', contentType: 'image/jpeg' };
    },
  },
];
