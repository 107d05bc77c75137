// Multinomial logistic regression: the small classifier behind the sound kinds (classifier.ts), and
// its fitting (eval/fit-audio-classifier.ts). Features are standardised with the training set's
// means and spreads, which travel with the weights.

export interface LogisticModel<C extends string = string> {
  classes: readonly C[];
  features: readonly string[];
  mean: readonly number[];
  scale: readonly number[];
  /** One row per class: a bias, then one weight per feature. */
  weights: readonly (readonly number[])[];
}

/** Probability of each class for one feature vector (in the model's feature order). */
export function predict<C extends string>(model: LogisticModel<C>, x: readonly number[]): Record<C, number> {
  const z = model.weights.map((w) => {
    let s = w[0]!;
    for (let j = 0; j < x.length; j++) s += w[j + 1]! * (((x[j] ?? 0) - model.mean[j]!) / model.scale[j]!);
    return s;
  });
  const top = Math.max(...z);
  const e = z.map((v) => Math.exp(v - top));
  const total = e.reduce((a, b) => a + b, 0);
  const out = {} as Record<C, number>;
  model.classes.forEach((c, i) => { out[c] = e[i]! / total; });
  return out;
}

/** Fits by full-batch gradient descent on the mean cross-entropy plus `l2` × the squared weights (biases free). */
export function fitLogistic<C extends string>(
  rows: readonly (readonly number[])[], labels: readonly C[], classes: readonly C[], features: readonly string[],
  opts: { l2: number; iterations?: number; rate?: number },
): LogisticModel<C> {
  const d = features.length;
  const mean = Array.from({ length: d }, (_, j) => rows.reduce((a, r) => a + r[j]!, 0) / rows.length);
  const scale = Array.from({ length: d }, (_, j) => {
    const v = rows.reduce((a, r) => a + (r[j]! - mean[j]!) ** 2, 0) / rows.length;
    return Math.sqrt(v) || 1;
  });
  const xs = rows.map((r) => r.map((v, j) => (v - mean[j]!) / scale[j]!));
  const ys = labels.map((l) => classes.indexOf(l));
  const w = classes.map(() => new Array<number>(d + 1).fill(0));
  const rate = opts.rate ?? 0.5;
  for (let it = 0; it < (opts.iterations ?? 3000); it++) {
    const grad = classes.map(() => new Array<number>(d + 1).fill(0));
    xs.forEach((x, n) => {
      const z = w.map((wc) => wc[0]! + x.reduce((a, v, j) => a + wc[j + 1]! * v, 0));
      const top = Math.max(...z);
      const e = z.map((v) => Math.exp(v - top));
      const total = e.reduce((a, b) => a + b, 0);
      e.forEach((ev, c) => {
        const g = ev / total - (ys[n] === c ? 1 : 0);
        grad[c]![0]! += g;
        for (let j = 0; j < d; j++) grad[c]![j + 1]! += g * x[j]!;
      });
    });
    for (let c = 0; c < classes.length; c++) {
      for (let j = 0; j <= d; j++) {
        const reg = j === 0 ? 0 : 2 * opts.l2 * w[c]![j]!;
        w[c]![j]! -= rate * (grad[c]![j]! / xs.length + reg);
      }
    }
  }
  return { classes, features, mean, scale, weights: w };
}
