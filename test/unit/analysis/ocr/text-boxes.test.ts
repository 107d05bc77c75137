import { describe, expect, it } from 'vitest';
import { decodeCtc, parseAlphabet } from '../../../../server/analysis/ocr/ctc-decode.ts';
import { DEFAULT_BOX_OPTIONS, bounds, findTextBoxes, readingOrder } from '../../../../server/analysis/ocr/text-boxes.ts';

/** A width×height map with the given rectangles filled at probability p. */
function map(width: number, height: number, rects: { x: number; y: number; w: number; h: number; p: number }[]): Float32Array {
  const m = new Float32Array(width * height);
  for (const r of rects) for (let y = r.y; y < r.y + r.h; y++) for (let x = r.x; x < r.x + r.w; x++) m[y * width + x] = r.p;
  return m;
}

describe('findTextBoxes (DB post-processing)', () => {
  it('finds each connected region and grows it by the unclip margin', () => {
    const boxes = findTextBoxes(map(100, 40, [{ x: 10, y: 10, w: 30, h: 6, p: 0.9 }, { x: 60, y: 20, w: 20, h: 8, p: 0.8 }]), 100, 40);
    expect(boxes).toHaveLength(2);
    const [a, b] = boxes;
    // 30×6 region at 10..39 × 10..15: margin = 30·6·1.5 / (2·36) = 3.75 on every side.
    expect(a!.angle).toBe(0);
    expect(a!.cx).toBeCloseTo(25, 5);
    expect(a!.cy).toBeCloseTo(13, 5);
    expect(a!.width).toBeCloseTo(37.5, 5);
    expect(a!.height).toBeCloseTo(13.5, 5);
    expect(a!.score).toBeCloseTo(0.9, 5);
    expect(b!.score).toBeCloseTo(0.8, 5);
  });

  it('joins diagonal neighbours, drops specks and faint regions, and stays inside the map', () => {
    const m = map(50, 20, [
      { x: 0, y: 0, w: 10, h: 5, p: 0.9 }, // touches the corner: the margin is clipped
      { x: 10, y: 5, w: 10, h: 5, p: 0.9 }, // meets the first only at a corner: one region
      { x: 30, y: 2, w: 2, h: 10, p: 0.9 }, // 2 px wide: a speck
      { x: 36, y: 2, w: 10, h: 10, p: 0.45 }, // above the pixel threshold, under the region score
    ]);
    const boxes = findTextBoxes(m, 50, 20);
    expect(boxes).toHaveLength(1);
    expect(bounds(boxes[0]!).x).toBeLessThan(0.5);
    expect(bounds(boxes[0]!).y).toBeLessThan(0.5);
    expect(findTextBoxes(m, 50, 20, { ...DEFAULT_BOX_OPTIONS, minScore: 0.4 })).toHaveLength(2);
  });

  it('follows a tilted line along its own direction, so its box does not take in the next line', () => {
    // Two 300-px lines rising 12 px (2.3°), 14 px apart: their upright boxes would overlap.
    const width = 340;
    const height = 80;
    const m = new Float32Array(width * height);
    for (const base of [20, 34]) {
      for (let x = 20; x < 320; x++) {
        const y = Math.round(base + ((x - 20) * 12) / 300);
        for (let t = 0; t < 4; t++) m[(y + t) * width + x] = 0.9;
      }
    }
    const boxes = findTextBoxes(m, width, height);
    expect(boxes).toHaveLength(2);
    for (const b of boxes) {
      expect(b.angle).toBeCloseTo(Math.atan2(12, 300), 2);
      expect(b.width).toBeGreaterThan(300);
      // ~5 px thick plus the margin, under the 14 px between the lines; the upright box is 16 px before its margin.
      expect(b.height).toBeLessThan(14);
      expect(bounds(b).height).toBeGreaterThan(20);
    }
    expect(Math.abs(boxes[0]!.cy - boxes[1]!.cy)).toBeCloseTo(14, 0);
  });

  it('gives a line written top to bottom the angle π/2, and a roundish blob none', () => {
    const m = map(40, 120, [{ x: 15, y: 10, w: 6, h: 100, p: 0.9 }, { x: 2, y: 2, w: 8, h: 7, p: 0.9 }]);
    const [blob, spine] = findTextBoxes(m, 40, 120);
    expect(spine!.angle).toBeCloseTo(Math.PI / 2, 5);
    expect(spine!.width).toBeGreaterThan(100);
    expect(blob!.angle).toBe(0);
  });

  it('refuses a map of the wrong size', () => {
    expect(() => findTextBoxes(new Float32Array(10), 4, 4)).toThrow(/not 4×4/);
  });
});

describe('readingOrder', () => {
  it('puts boxes in rows top to bottom, each left to right', () => {
    const item = (name: string, x: number, y: number) => ({ name, box: { cx: x + 40, cy: y + 10, width: 80, height: 20, angle: 0 } });
    const rows = readingOrder([item('landing', 120, 14), item('second', 0, 60), item('moon', 0, 10), item('line', 90, 62)]);
    expect(rows.map((r) => r.map((i) => i.name))).toEqual([['moon', 'landing'], ['second', 'line']]);
    expect(readingOrder([])).toEqual([]);
  });
});

describe('decodeCtc', () => {
  const alphabet = parseAlphabet('a\nb\nl\n');
  /** One row per time step; the named class gets p, the rest share what is left. */
  function steps(classes: number, picks: [number, number][]): Float32Array {
    const out = new Float32Array(picks.length * classes);
    picks.forEach(([k, p], t) => {
      for (let c = 0; c < classes; c++) out[t * classes + c] = c === k ? p : (1 - p) / (classes - 1);
    });
    return out;
  }

  it('reads the alphabet with the space PaddleOCR appends', () => {
    expect(alphabet).toEqual(['a', 'b', 'l', ' ']);
  });

  it('drops blanks and repeats, keeps a double letter split by a blank, and averages the kept characters', () => {
    // b a l l (blank) l → "ball"; class k is alphabet[k - 1], class 0 the blank.
    const probs = steps(5, [[2, 0.9], [2, 0.8], [1, 0.7], [3, 0.9], [3, 0.9], [0, 0.99], [3, 0.5]]);
    const line = decodeCtc(probs, 0, 7, 5, alphabet);
    expect(line.text).toBe('ball');
    expect(line.confidence).toBeCloseTo((0.9 + 0.7 + 0.9 + 0.5) / 4, 5);
  });

  it('reads one line of a batch from its offset, and gives 0 for a line of blanks', () => {
    const batch = new Float32Array([...steps(5, [[0, 0.9], [0, 0.9]]), ...steps(5, [[4, 0.6], [1, 0.8]])]);
    expect(decodeCtc(batch, 0, 2, 5, alphabet)).toEqual({ text: '', confidence: 0 });
    expect(decodeCtc(batch, 10, 2, 5, alphabet).text).toBe(' a');
  });
});
