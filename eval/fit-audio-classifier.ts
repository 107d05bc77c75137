/**
 * Fits the sound-kind classifier (server/analysis/sound/) on the DEV audio files only and writes its
 * coefficients to server/analysis/sound/coefficients.ts.
 *
 *   npx tsx eval/fit-audio-classifier.ts                 # dev: features, leave-one-out accuracy per L2, fit, write
 *   npx tsx eval/fit-audio-classifier.ts --check         # dev: leave-one-out report only, nothing written
 *   npx tsx eval/fit-audio-classifier.ts --validation    # report the committed model on validation (once, at the end)
 *
 * Labels come from the manifests' content column by one fixed rule (labelOf below), never from
 * listening or from the features: a voice or speech → speech; music, an instrument, a melody, chime,
 * jingle, ring, bell, alert, notification, siren or tone → musical; anything else (animal calls,
 * household noises, explosions, test noise) → noise. Silence needs no fitting: it is a loudness rule.
 * Needs the wide set built (`npm run eval` builds it into node_modules/.cache/trove-eval/wide).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { decodeMono } from '../shared/node/media/pcm.ts';
import { SOUND_ANALYSIS_SECONDS, SOUND_CLASSES, type SoundClass } from '../server/analysis/sound/classes.ts';
import { MIN_SECONDS } from '../server/analysis/sound/classifier.ts';
import { FEATURE_NAMES, signalFacts } from '../server/analysis/sound/features.ts';
import { fitLogistic, predict } from '../server/analysis/sound/logistic.ts';
import { CORPUS_DIR, ROOT } from './lib.ts';

const WIDE_DIR = path.join(ROOT, 'node_modules/.cache/trove-eval/wide');
const OUT = path.join(ROOT, 'server/analysis/sound/coefficients.ts');
const L2_CHOICES = [0.001, 0.003, 0.01, 0.03, 0.1];

interface Item { file: string; path: string; content: string; label: SoundClass; x: number[]; seconds: number }

export function labelOf(content: string): SoundClass {
  if (/\b(voice|spoken|speech|saying|narrat)/i.test(content)) return 'speech';
  if (/\b(music|violin|drum|instrument|melody|chime|jingle|ring tone|ringing|ringtone|bell|alert|notification|siren|tone|note)/i.test(content)) return 'musical';
  return 'noise';
}

async function load(split: 'dev' | 'validation'): Promise<Item[]> {
  const wide = (JSON.parse(readFileSync(path.join(ROOT, 'eval/wide/manifest.json'), 'utf8')) as { files: { file: string; type: string; split: string; content: string }[] }).files;
  const list = wide.filter((f) => f.split === split && f.type === 'audio').map((f) => ({ file: f.file, path: path.join(WIDE_DIR, f.file), content: f.content }));
  if (split === 'dev') {
    const corpus = JSON.parse(readFileSync(path.join(CORPUS_DIR, 'manifest.json'), 'utf8')) as { file: string; type: string; content: string }[] | { files: { file: string; type: string; content: string }[] };
    const files = Array.isArray(corpus) ? corpus : corpus.files;
    list.unshift(...files.filter((f) => f.type === 'audio').map((f) => ({ file: f.file, path: path.join(CORPUS_DIR, f.file), content: f.content })));
  }
  const items: Item[] = [];
  const seen = new Set<string>();
  for (const f of list) {
    const { samples, sampleRate } = await decodeMono(f.path, { maxSeconds: SOUND_ANALYSIS_SECONDS });
    const facts = signalFacts(samples, sampleRate);
    const x = FEATURE_NAMES.map((n) => facts.features[n]);
    // The same recording under two names (the eval's Yaru pair) counts once.
    const key = x.map((v) => v.toFixed(6)).join(',');
    if (seen.has(key)) continue;
    seen.add(key);
    items.push({ file: f.file, path: f.path, content: f.content, label: labelOf(f.content), x, seconds: facts.seconds });
  }
  return items;
}

function report(name: string, items: Item[], probs: Record<SoundClass, number>[], threshold: number): { accuracy: number; precision: number; coverage: number } {
  let right = 0, named = 0, namedRight = 0;
  const confusion = new Map<string, number>();
  items.forEach((it, i) => {
    const p = probs[i]!;
    const best = SOUND_CLASSES.reduce((a, c) => (p[c] > p[a] ? c : a), SOUND_CLASSES[0]);
    if (best === it.label) right++;
    // As the product names a kind (classifier.ts): sure enough, and not a clip too short to judge.
    if (p[best] >= threshold && it.seconds >= MIN_SECONDS) {
      named++;
      if (best === it.label) namedRight++;
    }
    const k = `${it.label}→${best}`;
    confusion.set(k, (confusion.get(k) ?? 0) + 1);
  });
  const r = { accuracy: right / items.length, precision: named ? namedRight / named : 1, coverage: named / items.length };
  console.log(`${name}: accuracy ${r.accuracy.toFixed(3)} (${right}/${items.length}); named (p ≥ ${threshold}, ≥ ${MIN_SECONDS} s): precision ${r.precision.toFixed(3)} (${namedRight}/${named}), named ${(r.coverage * 100).toFixed(0)} %`);
  console.log(`  ${[...confusion].sort().map(([k, v]) => `${k} ${v}`).join(', ')}`);
  return r;
}

function leaveOneOut(items: Item[], l2: number): Record<SoundClass, number>[] {
  return items.map((_, i) => {
    const train = items.filter((__, j) => j !== i);
    const m = fitLogistic(train.map((t) => t.x), train.map((t) => t.label), SOUND_CLASSES, FEATURE_NAMES, { l2 });
    return predict(m, items[i]!.x);
  });
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const { SOUND_MODEL, CONFIDENT } = await import('../server/analysis/sound/coefficients.ts');
  if (args.includes('--validation')) {
    const items = await load('validation');
    const probs = items.map((it) => predict(SOUND_MODEL, it.x));
    report('validation (committed model)', items, probs, CONFIDENT);
    if (args.includes('--verbose')) items.forEach((it, i) => console.log(`  ${it.file} ${it.label} ${JSON.stringify(probs[i])} ${it.content}`));
    return;
  }
  const items = await load('dev');
  console.log(`dev: ${items.length} recordings: ${SOUND_CLASSES.map((c) => `${c} ${items.filter((i) => i.label === c).length}`).join(', ')}`);
  let bestL2 = L2_CHOICES[0]!, bestAcc = -1;
  let bestProbs: Record<SoundClass, number>[] = [];
  for (const l2 of L2_CHOICES) {
    const probs = leaveOneOut(items, l2);
    const r = report(`leave-one-out, l2 ${l2}`, items, probs, CONFIDENT);
    if (r.accuracy > bestAcc) { bestAcc = r.accuracy; bestL2 = l2; bestProbs = probs; }
  }
  for (const t of [0.5, 0.6, 0.7, 0.8, 0.9]) report(`leave-one-out, l2 ${bestL2}, threshold`, items, bestProbs, t);
  if (args.includes('--verbose')) items.forEach((it, i) => console.log(`  ${it.file} ${it.label} ${JSON.stringify(bestProbs[i], (_, v: unknown) => (typeof v === 'number' ? Math.round(v * 100) / 100 : v))} ${it.content}`));
  if (args.includes('--check')) return;
  const model = fitLogistic(items.map((t) => t.x), items.map((t) => t.label), SOUND_CLASSES, FEATURE_NAMES, { l2: bestL2 });
  const round = (v: number): number => Math.round(v * 1e5) / 1e5;
  writeFileSync(OUT, `// GENERATED by eval/fit-audio-classifier.ts — do not edit by hand; re-run the script instead.
// Fitted on ${new Date().toISOString().slice(0, 10)} on the ${items.length} DEV audio recordings only (the 62-file corpus's and the wide
// set's dev split; labels from their content column by the script's fixed rule), multinomial logistic
// regression on the standardised features of features.ts, L2 ${bestL2} (the best of ${L2_CHOICES.join(', ')} by
// leave-one-out accuracy on dev: ${bestAcc.toFixed(3)}). Validation was not looked at.
import type { LogisticModel } from './logistic.ts';
import type { SoundClass } from './classes.ts';

/** A kind is named only when its probability is at least this (a wrong label is worse than none). */
export const CONFIDENT = ${CONFIDENT};

export const SOUND_MODEL: LogisticModel<SoundClass> = ${JSON.stringify({
    classes: SOUND_CLASSES, features: FEATURE_NAMES, mean: model.mean.map(round), scale: model.scale.map(round),
    weights: model.weights.map((w) => w.map(round)),
  }, null, 2)};
`);
  console.log(`wrote ${path.relative(ROOT, OUT)}`);
}

await main();
