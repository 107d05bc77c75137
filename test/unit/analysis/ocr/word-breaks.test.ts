import { describe, expect, it } from 'vitest';
import { commonEnglishWords, englishWords, isDictionaryWord } from '../../../../server/analysis/ocr/language.ts';
import { restoreSpaces } from '../../../../server/analysis/ocr/word-breaks.ts';

const dictionary = englishWords();
const common = commonEnglishWords();
const fix = (line: string) => restoreSpaces(line, { isWord: (w) => isDictionaryWord(dictionary, w), isCommon: (w) => isDictionaryWord(common, w) });

describe('restoreSpaces', () => {
  it('splits runs PaddleOCR read without their spaces (the eval\'s photographed help page)', () => {
    expect(fix('If you do notwant a file or folder anymore,you can delete it.Whenyou')).toBe('If you do not want a file or folder anymore, you can delete it. When you');
    expect(fix('delete anitem it ismoved to the Trash,whereitis stored')).toBe('delete an item it is moved to the Trash, where it is stored');
    expect(fix('To send afile to the trash:')).toBe('To send a file to the trash:');
    expect(fix('Invertimage themarkers')).toBe('Invert image the markers');
    expect(fix('histogram of greyvalues')).toBe('histogram of grey values'); // "grey" is not among the common words, but long enough
  });

  it('leaves words, names, codes, numbers and addresses as read', () => {
    // "config" would split into "con fig" if rarer words could be pieces.
    const line = 'Debian Gutenye McDonald iPhone example.com e.g. 1,000 3.5 W1-Fl: PALNBAGN /usr/share config webcam';
    expect(fix(line)).toBe(line);
    expect(fix('  spaced   out  ')).toBe('spaced out');
  });
});
