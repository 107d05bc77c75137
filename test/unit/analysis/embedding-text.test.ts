/**
 * The text a file's vector stands for (server/analysis/embedding-text.ts): a detected object brings
 * the words it is also known by (the real vocabulary table), at most 8 of them, once each; scene and
 * sound tags, the user's words and unknown tags bring none.
 */
import { describe, expect, it } from 'vitest';
import { embeddingText } from '../../../server/analysis/embedding-text.ts';
import { RELATED_WORDS } from '../../../server/vocabulary/related-words.data.ts';

describe('embeddingText', () => {
  it('is the name, the summary and the start of the text', () => {
    expect(embeddingText('a.png', 'PNG image.', 'hello')).toBe('a.png. PNG image. hello');
    expect(embeddingText('a.txt', null, 'x'.repeat(3000))).toHaveLength('a.txt.  '.length + 1500);
  });

  it("adds a detected object's related words after the summary: a giraffe is an animal", () => {
    const text = embeddingText('d023.png', 'PNG image. Shows a giraffe.', '', ['image', 'giraffe', 'brown']);
    expect(text).toMatch(/^d023\.png\. PNG image\. Shows a giraffe\. Also: .*\banimal\b.*\.$/);
    const also = text.slice(text.indexOf('Also: ') + 6, -1).split(', ');
    expect(also).toEqual(RELATED_WORDS.giraffe!.slice(0, 8));
  });

  it('at most 8 words an object, each word once across objects', () => {
    const text = embeddingText('x.jpg', 'Shows a cat and a dog.', null, ['cat', 'dog']);
    const also = text.slice(text.indexOf('Also: ') + 6, -1).split(', ');
    expect(new Set(also).size).toBe(also.length);
    expect(also.length).toBeLessThanOrEqual(16);
    expect(also).toEqual(expect.arrayContaining(['kitten', 'pet', 'puppy']));
  });

  it('scene and sound tags, and tags that are no label, add nothing', () => {
    for (const tags of [['speech', 'music', 'night'], ['beach', 'holiday'], ['constructor', '__proto__']]) {
      expect(embeddingText('a.mp3', 'MP3 audio.', 'words', tags)).toBe('a.mp3. MP3 audio. words');
    }
  });
});
