/** Axis-aligned boxes as the vision models give them (any unit, as long as both boxes share it). */
export interface Rect {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

/** Intersection over union: how much two boxes overlap, 0 (apart) to 1 (the same box). */
export function iou(a: Rect, b: Rect): number {
  const w = Math.min(a.x2, b.x2) - Math.max(a.x1, b.x1);
  const h = Math.min(a.y2, b.y2) - Math.max(a.y1, b.y1);
  if (w <= 0 || h <= 0) return 0;
  const inter = w * h;
  return inter / (area(a) + area(b) - inter);
}

export function area(r: Rect): number {
  return Math.max(0, r.x2 - r.x1) * Math.max(0, r.y2 - r.y1);
}
