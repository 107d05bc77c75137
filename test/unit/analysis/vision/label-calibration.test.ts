// The per-class floors on the detector's labels (fitted on the eval's dev pictures; see the module).
import { describe, expect, it } from 'vitest';
import { calibrateLabels } from '../../../../server/analysis/vision/label-calibration.ts';

const o = (label: string, score: number, count = 1) => ({ label, score, count });

describe('calibrateLabels', () => {
  it('names a species only when the detector is sure; a weaker animal is "animal"', () => {
    expect(calibrateLabels([o('giraffe', 0.69)])).toEqual([o('giraffe', 0.69)]);
    expect(calibrateLabels([o('dog', 0.489)])).toEqual([o('animal', 0.489)]);
    // Two weak animal guesses are one animal, with the best score and count.
    expect(calibrateLabels([o('cow', 0.43), o('horse', 0.31, 2)])).toEqual([o('animal', 0.43, 2)]);
    // A named species already covers "animal".
    expect(calibrateLabels([o('zebra', 0.57), o('horse', 0.35)])).toEqual([o('zebra', 0.57)]);
  });

  it('trusts birds from 0.4', () => {
    expect(calibrateLabels([o('bird', 0.415)])).toEqual([o('bird', 0.415)]);
    expect(calibrateLabels([o('bird', 0.365)])).toEqual([o('animal', 0.365)]);
  });

  it('keeps people from 0.4, or from 0.3 when several are seen', () => {
    expect(calibrateLabels([o('person', 0.44)])).toEqual([o('person', 0.44)]);
    expect(calibrateLabels([o('person', 0.327)])).toEqual([]);
    expect(calibrateLabels([o('person', 0.35, 4)])).toEqual([o('person', 0.35, 4)]);
  });

  it('drops other objects under 0.45 and keeps the order by score', () => {
    expect(calibrateLabels([o('clock', 0.346), o('cup', 0.472), o('truck', 0.607), o('dining table', 0.351)]))
      .toEqual([o('truck', 0.607), o('cup', 0.472)]);
  });
});
