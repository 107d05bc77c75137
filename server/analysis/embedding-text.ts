import { RELATED_WORDS } from '../vocabulary/related-words.data.ts';
import { COCO_LABELS } from './vision/coco-labels.ts';

/**
 * Tags whose related words join the vector: the objects the detector is sure of. Measured on the
 * eval's dev set: the scene and sound words' ("speech" → talk, voice, narration…) drew every
 * recording with speech together and cost video and audio more than they gave (eval/README.md).
 */
const OBJECTS: ReadonlySet<string> = new Set(COCO_LABELS);
/** Words one object brings to a file's vector: its other names and nearest kinds, not its whole row. */
const RELATED_PER_OBJECT = 8;

/**
 * The text a file's vector stands for: what it is called, what it shows, the words its objects are
 * also known by (server/vocabulary: a giraffe's "ruminant, mammal, animal"), and the start of its text.
 */
export function embeddingText(filename: string, summary: string | null, text: string | null, tags: readonly string[] = []): string {
  const related = [...new Set(tags.filter((t) => OBJECTS.has(t)).flatMap((t) => (RELATED_WORDS[t] ?? []).slice(0, RELATED_PER_OBJECT)))];
  const also = related.length > 0 ? ` Also: ${related.join(', ')}.` : '';
  return `${filename}. ${summary ?? ''}${also} ${(text ?? '').slice(0, 1500)}`.trim();
}
