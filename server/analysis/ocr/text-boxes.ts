/**
 * A text line as a rotated rectangle, in pixels of the image the map was computed for: its centre,
 * its length along the writing direction, its thickness across it, and that direction's angle in
 * radians (0: left to right; π/2: top to bottom, as on an English book spine; y points down).
 */
export interface TextBox {
  cx: number;
  cy: number;
  width: number;
  height: number;
  angle: number;
  /** Mean text probability over the region's pixels, 0..1. */
  score: number;
}

export interface BoxOptions {
  /** A pixel is text from this probability on (PaddleOCR's det_db_thresh, 0.3). */
  threshold: number;
  /** A region is kept from this mean probability on (det_db_box_thresh, 0.6). */
  minScore: number;
  /** How far a region grows back, as area × ratio ÷ perimeter (det_db_unclip_ratio, 1.5). */
  unclipRatio: number;
  /** Regions whose shorter side is under this many map pixels are specks, not text. */
  minSide: number;
}

export const DEFAULT_BOX_OPTIONS: BoxOptions = { threshold: 0.3, minScore: 0.6, unclipRatio: 1.5, minSide: 3 };

/** Under this tilt a line is taken as level: turning a crop by a fraction of a degree only blurs it. */
const LEVEL = (1 * Math.PI) / 180;
/** A region must be this many times longer than thick before its own direction is trusted (a lone "O" has none). */
const ELONGATED = 2;

/**
 * The text lines in a DB detector's probability map (PP-OCR's "differentiable binarisation"):
 * connected pixels above the threshold, each as the rectangle along its principal axis, grown by
 * the unclip margin (DB trains the map on text shrunk inwards, so the margin gives the glyphs back).
 *
 * Why rotated rectangles: in a photographed page the lines tilt, and the upright box of a long line
 * tilted by 2° already takes in half of the next line; the recogniser then reads both as one garbled
 * line (seen on the eval's photographed help page). The direction comes from the region's second
 * moments, like OpenCV's minAreaRect does from its hull, which this avoids needing.
 */
export function findTextBoxes(map: Float32Array, width: number, height: number, options: BoxOptions = DEFAULT_BOX_OPTIONS): TextBox[] {
  if (map.length !== width * height) throw new Error(`map has ${map.length} values, not ${width}×${height}`);
  const seen = new Uint8Array(map.length);
  // Every pixel joins one region, once: regions are consecutive runs of `members`.
  const members = new Int32Array(map.length);
  const boxes: TextBox[] = [];
  let end = 0;
  for (let start = 0; start < map.length; start++) {
    if (seen[start] || map[start]! < options.threshold) continue;
    const first = end;
    members[end++] = start;
    seen[start] = 1;
    let sum = 0;
    // Flood fill over 8 neighbours; `members` doubles as the queue.
    for (let next = first; next < end; next++) {
      const p = members[next]!;
      const px = p % width;
      const py = (p - px) / width;
      sum += map[p]!;
      for (let dy = -1; dy <= 1; dy++) {
        const ny = py + dy;
        if (ny < 0 || ny >= height) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const nx = px + dx;
          if (nx < 0 || nx >= width) continue;
          const q = ny * width + nx;
          if (seen[q] || map[q]! < options.threshold) continue;
          seen[q] = 1;
          members[end++] = q;
        }
      }
    }
    const score = sum / (end - first);
    if (score < options.minScore) continue;
    const box = rectangle(members.subarray(first, end), width);
    if (Math.min(box.width, box.height) < options.minSide) continue;
    const grow = (box.width * box.height * options.unclipRatio) / (2 * (box.width + box.height));
    boxes.push({ ...box, width: box.width + 2 * grow, height: box.height + 2 * grow, score });
  }
  return boxes;
}

/** The rectangle of a region's pixels along its principal axis (or upright when it has none). */
function rectangle(pixels: Int32Array, width: number): Omit<TextBox, 'score'> {
  let mx = 0;
  let my = 0;
  for (const p of pixels) {
    mx += p % width;
    my += Math.floor(p / width);
  }
  mx /= pixels.length;
  my /= pixels.length;
  let xx = 0;
  let yy = 0;
  let xy = 0;
  for (const p of pixels) {
    const dx = (p % width) - mx;
    const dy = Math.floor(p / width) - my;
    xx += dx * dx;
    yy += dy * dy;
    xy += dx * dy;
  }
  // Eigenvalues of the covariance: how spread the region is along and across its main axis.
  const spread = Math.sqrt(((xx - yy) / 2) ** 2 + xy * xy);
  const along = (xx + yy) / 2 + spread;
  const across = (xx + yy) / 2 - spread;
  let angle = 0.5 * Math.atan2(2 * xy, xx - yy);
  if (along < ELONGATED ** 2 * Math.max(across, 1e-9)) angle = 0;
  else if (Math.abs(angle) < LEVEL) angle = 0;
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  let u0 = Infinity, u1 = -Infinity, v0 = Infinity, v1 = -Infinity;
  for (const p of pixels) {
    const dx = (p % width) - mx;
    const dy = Math.floor(p / width) - my;
    const u = dx * cos + dy * sin;
    const v = -dx * sin + dy * cos;
    if (u < u0) u0 = u;
    if (u > u1) u1 = u;
    if (v < v0) v0 = v;
    if (v > v1) v1 = v;
  }
  const uc = (u0 + u1) / 2;
  const vc = (v0 + v1) / 2;
  // +1: a pixel covers one unit, so a run from 10 to 39 is 30 wide.
  return { cx: mx + 0.5 + uc * cos - vc * sin, cy: my + 0.5 + uc * sin + vc * cos, width: u1 - u0 + 1, height: v1 - v0 + 1, angle };
}

/** The upright box around a rotated one. */
export function bounds(box: Pick<TextBox, 'cx' | 'cy' | 'width' | 'height' | 'angle'>): { x: number; y: number; width: number; height: number } {
  const cos = Math.abs(Math.cos(box.angle));
  const sin = Math.abs(Math.sin(box.angle));
  const w = box.width * cos + box.height * sin;
  const h = box.width * sin + box.height * cos;
  return { x: box.cx - w / 2, y: box.cy - h / 2, width: w, height: h };
}

/**
 * Lines in reading order: rows top to bottom (a line joins a row when its centre is within half the
 * mean line thickness of the row's first line), each row left to right. Phrases then come out whole
 * ("moon landing", not "moon" from one column and "landing" from the next line).
 */
export function readingOrder<T extends { box: Pick<TextBox, 'cx' | 'cy' | 'width' | 'height' | 'angle'> }>(items: readonly T[]): T[][] {
  if (items.length === 0) return [];
  const meanThickness = items.reduce((total, i) => total + i.box.height, 0) / items.length;
  const rows: T[][] = [];
  for (const item of [...items].sort((a, b) => a.box.cy - b.box.cy)) {
    const row = rows.find((r) => Math.abs(r[0]!.box.cy - item.box.cy) < meanThickness / 2);
    if (row) row.push(item);
    else rows.push([item]);
  }
  for (const row of rows) row.sort((a, b) => bounds(a.box).x - bounds(b.box).x);
  return rows;
}
