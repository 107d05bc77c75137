import { describe, expect, it } from 'vitest';
import { parseDetections, summarise } from '../../../../server/analysis/vision/centernet-detector.ts';

describe('centernet output parsing', () => {
  // x1, y1, x2, y2, score, class
  const rows = [
    10, 10, 100, 200, 0.8, 0, // person
    12, 12, 98, 190, 0.6, 0, // same person again (IoU > 0.4)
    300, 10, 400, 200, 0.5, 0, // second person
    50, 300, 150, 400, 0.45, 16, // dog
    0, 0, 10, 10, 0.1, 2, // car under threshold
    0, 0, 10, 10, 0.9, Number.NaN, // no class
  ];

  it('keeps boxes at or above the threshold with a known class', () => {
    expect(parseDetections(rows, 0.3).map((b) => b.label)).toEqual(['person', 'person', 'person', 'dog']);
  });

  it('merges overlapping boxes of a label and counts the rest', () => {
    expect(summarise(parseDetections(rows, 0.3))).toEqual([
      { label: 'person', score: 0.8, count: 2 },
      { label: 'dog', score: 0.45, count: 1 },
    ]);
  });
});
