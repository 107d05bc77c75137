/** Ranking measures over one result list; `grades` maps file → 1..3 (unlisted files are 0). */

export interface Scores {
  ndcg: number;
  recall: number;
  /** Reciprocal rank of the first relevant file (0 when none is in the list). */
  rr: number;
  /** Relevant files among the first five, over five: how much of what a person sees first is right. */
  p5: number;
  /** How many results the search returned in all (its `total`): whether the list stops where relevance stops. */
  count: number;
}

/** Exponential gain (2^grade − 1): a perfect match is worth far more than a partial one. */
const gain = (grade: number) => 2 ** grade - 1;

export function score(ranked: readonly string[], grades: Readonly<Record<string, number>>, k: number, total = ranked.length): Scores {
  const top = ranked.slice(0, k);
  const dcg = top.reduce((sum, file, i) => sum + gain(grades[file] ?? 0) / Math.log2(i + 2), 0);
  const ideal = Object.values(grades).sort((a, b) => b - a).slice(0, k)
    .reduce((sum, g, i) => sum + gain(g) / Math.log2(i + 2), 0);
  const relevant = Object.keys(grades).filter((f) => (grades[f] ?? 0) > 0);
  const found = top.filter((f) => (grades[f] ?? 0) > 0).length;
  const first = top.findIndex((f) => (grades[f] ?? 0) > 0);
  return {
    ndcg: ideal > 0 ? dcg / ideal : 0,
    recall: relevant.length > 0 ? found / relevant.length : 0,
    rr: first >= 0 ? 1 / (first + 1) : 0,
    p5: ranked.slice(0, 5).filter((f) => (grades[f] ?? 0) > 0).length / 5,
    count: total,
  };
}

export function mean(list: readonly Scores[]): Scores & { queries: number } {
  const n = list.length || 1;
  const avg = (pick: (s: Scores) => number, digits = 1000) => Math.round((list.reduce((sum, s) => sum + pick(s), 0) / n) * digits) / digits;
  return { ndcg: avg((s) => s.ndcg), recall: avg((s) => s.recall), rr: avg((s) => s.rr), p5: avg((s) => s.p5), count: avg((s) => s.count, 10), queries: list.length };
}
