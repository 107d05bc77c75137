import { filenameWords, GENERIC_NAME_WORDS } from './offline/metadata.ts';

/** Characters of the file's own text that go into its vector, after the description. */
const TEXT_CHARS = 1500;

/**
 * The text a file's vector stands for: what it shows and says (the summary), what it is called when
 * the name means something, and the start of its text. A camera or counter name (IMG_0042.jpg,
 * file001.jpg) is left out: every such name looks alike to the model and pulls unrelated files
 * together (measured on `npm run eval`, see eval/README.md).
 */
export function embeddingText(filename: string, summary: string | null, text: string | null): string {
  const words = filenameWords(filename);
  const meaningful = words.some((w) => /\p{L}/u.test(w.display) && !GENERIC_NAME_WORDS.has(w.lower));
  const name = meaningful ? `${words.map((w) => w.display).join(' ')}. ` : '';
  return `${name}${summary ?? ''} ${(text ?? '').slice(0, TEXT_CHARS)}`.trim();
}
