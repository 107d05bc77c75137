/**
 * The vocabulary that lets a search name a label another way (server/vocabulary/): the real table
 * built from WordNet, read backwards for a query's words. What it must do: broader terms and
 * synonyms find the labels ("animal", "pet", "puppies", "kitchen appliance"), and never flood —
 * no very general word, no label with more than 16 words, no query word naming more than 12 labels,
 * nothing for words that name no label.
 */
import { describe, expect, it } from 'vitest';
import { COCO_LABELS } from '../../../server/analysis/vision/coco-labels.ts';
import { RELATED_WORDS } from '../../../server/vocabulary/related-words.data.ts';
import { relatedTerms } from '../../../server/vocabulary/related-words.ts';

const labelsOf = (text: string) => relatedTerms(text).flatMap((r) => r.labels).sort();

describe('the related-words table', () => {
  it('covers every COCO label with the sense the detector means', () => {
    for (const label of COCO_LABELS) expect(RELATED_WORDS[label], label).toBeDefined();
    // WordNet's first senses would be wrong here: the rodent, the bird, the block of soap.
    expect(RELATED_WORDS.mouse).toContain('computer mouse');
    expect(RELATED_WORDS.mouse).not.toContain('rodent');
    expect(RELATED_WORDS.kite).toContain('toy');
    expect(RELATED_WORDS.kite).not.toContain('hawk');
    expect(RELATED_WORDS.cake).toContain('baked goods');
    expect(RELATED_WORDS.cat).toEqual(expect.arrayContaining(['feline', 'animal', 'pet', 'kitten', 'mammal']));
  });

  it('never floods: at most 16 plain words a label, none of the very general ones', () => {
    for (const [label, words] of Object.entries(RELATED_WORDS)) {
      expect(words.length, label).toBeLessThanOrEqual(16);
      expect(new Set(words).size, label).toBe(words.length);
      for (const w of words) {
        expect(w, label).toMatch(/^[a-z][a-z -]*$/);
        expect(['entity', 'object', 'whole', 'artifact', 'organism', 'living thing', 'device', 'container', 'thing', 'matter'], `${label}: ${w}`).not.toContain(w);
      }
    }
  });
});

describe('relatedTerms (a query word → the labels it names)', () => {
  it('"animal" names the animals the detector knows, and no person, vehicle or object', () => {
    const labels = labelsOf('animal');
    expect(labels).toEqual(expect.arrayContaining(['cat', 'dog', 'bird', 'horse', 'elephant', 'giraffe']));
    for (const other of ['person', 'car', 'teddy bear', 'cup']) expect(labels).not.toContain(other);
    expect(labels.length).toBeLessThanOrEqual(12);
  });

  it('"pet" names cats and dogs only; "kitten" the cat; "puppies" (plural) the dog', () => {
    expect(labelsOf('pet')).toEqual(['cat', 'dog']);
    expect(labelsOf('kitten')).toEqual(['cat']);
    expect(labelsOf('puppies')).toEqual(['dog']);
  });

  it('expands only the words that name a label, keeping which word it was', () => {
    const terms = relatedTerms('animal sounds in the garden');
    expect(terms.map((t) => t.term)).toEqual(['animal']);
    expect(terms[0]!.labels).toContain('cat');
  });

  it('tries the longest phrase first ("kitchen appliance"), and plural phrases', () => {
    expect(relatedTerms('kitchen appliances')).toEqual([{ term: 'kitchen appliances', labels: ['microwave', 'oven', 'toaster'] }]);
    expect(labelsOf('a mobile phone on the table')).toContain('cell phone');
  });

  it('leaves out labels the query names itself and words it excludes', () => {
    expect(labelsOf('dog animal')).not.toContain('dog');
    expect(labelsOf('animal -cat')).not.toContain('cat');
    expect(labelsOf('animal -cat')).toContain('dog');
  });

  it('never expands a quoted phrase or an excluded word', () => {
    expect(relatedTerms('"animal" photos')).toEqual([]);
    expect(relatedTerms('beach -animal')).toEqual([]);
  });

  it('finds nothing for words that name no label', () => {
    expect(relatedTerms('sunset over a lake')).toEqual([]);
    expect(relatedTerms('the invoice from March')).toEqual([]);
    expect(relatedTerms('')).toEqual([]);
  });
});
