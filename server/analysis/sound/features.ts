// What a recording's signal says about it, as a handful of numbers per clip: loudness and its
// changes, how noisy or tonal the spectrum is, how often sounds start, how regular their beat is.
// Pure arithmetic over decoded samples (shared/node/media/pcm.ts); the classifier (classifier.ts)
// reads these. Computed here rather than with a feature library so that nothing but the samples is
// needed, and every number is one the fitting script (eval/fit-audio-classifier.ts) can print.

/** 32 ms frames every 16 ms at 16 kHz: short enough for syllables and drum hits, long enough for a pitch down to 80 Hz. */
const FRAME = 512;
const HOP = 256;
/** Each frame is zero-padded to this for the FFT, so its autocorrelation (inverse of the power spectrum) is not circular. */
const FFT_SIZE = 1024;
/** Frames quieter than this (-60 dBFS) hold no sound worth describing. */
const SILENT_RMS = 0.001;

/** Every number the classifier may use, in a fixed order (the coefficients file names them). */
export const FEATURE_NAMES = [
  'logDuration', 'pauseShare', 'lowEnergyShare', 'rmsCv', 'zcrMean', 'zcrCv', 'centroidMean', 'centroidCv',
  'logFlatnessMean', 'logFlatnessStd', 'stability', 'onsetRate', 'syllableModulation', 'beatStrength', 'pitchedShare',
] as const;
export type FeatureName = (typeof FEATURE_NAMES)[number];
export type SoundFeatures = Record<FeatureName, number>;

export interface SignalFacts {
  features: SoundFeatures;
  /** Seconds analysed. */
  seconds: number;
  /** Loudest frame, dBFS. */
  peakDb: number;
  /** The strongest regular beat, when there is one in 60–180 BPM. */
  bpm?: number;
}

/** Features of a mono recording; a recording shorter than one frame is padded with silence. */
export function signalFacts(samples: Float32Array, sampleRate: number): SignalFacts {
  const seconds = samples.length / sampleRate;
  const frames = Math.max(1, Math.floor((samples.length - FRAME) / HOP) + 1);
  const window = hann(FRAME);
  const re = new Float64Array(FFT_SIZE);
  const im = new Float64Array(FFT_SIZE);
  const bins = FFT_SIZE / 2;
  // Two sets of spectrum buffers, swapped each frame: this frame's and the one before (no allocation per frame).
  let mag = new Float64Array(bins), logMag = new Float64Array(bins);
  let lastMag = new Float64Array(bins), lastLogMag = new Float64Array(bins);
  let prevLogMag: Float64Array | undefined;
  let prevMag: Float64Array | undefined;
  const scratch = { re: new Float64Array(FFT_SIZE), im: new Float64Array(FFT_SIZE) };
  const rms: number[] = [], zcr: number[] = [], centroid: number[] = [], logFlat: number[] = [];
  const stability: number[] = [], flux: number[] = [], pitched: boolean[] = [], loud: boolean[] = [];
  // Lags for a pitch of 80–1000 Hz.
  const minLag = Math.floor(sampleRate / 1000), maxLag = Math.min(FRAME - 1, Math.ceil(sampleRate / 80));

  for (let f = 0; f < frames; f++) {
    const start = f * HOP;
    let sumSq = 0, crossings = 0;
    re.fill(0); im.fill(0);
    for (let i = 0; i < FRAME; i++) {
      const x = samples[start + i] ?? 0;
      sumSq += x * x;
      if (i > 0 && (x >= 0) !== ((samples[start + i - 1] ?? 0) >= 0)) crossings++;
      re[i] = x * window[i]!;
    }
    const r = Math.sqrt(sumSq / FRAME);
    rms.push(r);
    const isLoud = r >= SILENT_RMS;
    loud.push(isLoud);
    fft(re, im);
    [mag, lastMag] = [lastMag, mag];
    [logMag, lastLogMag] = [lastLogMag, logMag];
    let power = 0, weighted = 0, logSum = 0;
    for (let k = 1; k < bins; k++) {
      const p = re[k]! * re[k]! + im[k]! * im[k]!;
      mag[k] = Math.sqrt(p);
      logMag[k] = Math.log1p(1000 * mag[k]!);
      power += p;
      weighted += k * p;
      logSum += Math.log(p + 1e-12);
    }
    let fl = 0;
    if (prevLogMag) for (let k = 1; k < bins; k++) fl += Math.max(0, logMag[k]! - prevLogMag[k]!);
    flux.push(fl / bins);
    if (isLoud) {
      zcr.push(crossings / FRAME);
      centroid.push(power > 0 ? weighted / power / bins : 0);
      const arith = power / (bins - 1) + 1e-12;
      logFlat.push(Math.log10(Math.exp(logSum / (bins - 1)) / arith + 1e-12));
      if (prevMag) stability.push(cosine(mag, prevMag));
      pitched.push(isPitched(re, im, minLag, maxLag, scratch));
    }
    prevLogMag = logMag;
    prevMag = isLoud ? mag : undefined;
  }

  const frameRate = sampleRate / HOP;
  const meanRms = mean(rms);
  const loudRms = rms.filter((_, i) => loud[i]);
  const top = percentile(rms, 0.95);
  const beat = beatOf(flux, frameRate);
  const features: SoundFeatures = {
    logDuration: Math.log10(Math.max(seconds, 0.05)),
    pauseShare: top > 0 ? rms.filter((v) => v < top * 0.1).length / rms.length : 1,
    lowEnergyShare: meanRms > 0 ? rms.filter((v) => v < meanRms * 0.5).length / rms.length : 1,
    rmsCv: cv(loudRms),
    zcrMean: mean(zcr),
    zcrCv: cv(zcr),
    centroidMean: mean(centroid),
    centroidCv: cv(centroid),
    logFlatnessMean: mean(logFlat),
    logFlatnessStd: std(logFlat),
    stability: stability.length > 0 ? mean(stability) : 0,
    onsetRate: onsets(flux) / Math.max(seconds, 0.5),
    syllableModulation: modulationShare(rms, frameRate),
    beatStrength: beat.strength,
    pitchedShare: pitched.length > 0 ? pitched.filter(Boolean).length / pitched.length : 0,
  };
  const peak = Math.max(...rms);
  return {
    features, seconds,
    peakDb: peak > 0 ? Math.round(20 * Math.log10(peak) * 10) / 10 : -120,
    ...(beat.bpm !== undefined ? { bpm: beat.bpm } : {}),
  };
}

/** A frame is pitched (voiced speech, a note, a tone) when its normalised autocorrelation peaks above 0.5 at a lag of 80–1000 Hz. */
function isPitched(re: Float64Array, im: Float64Array, minLag: number, maxLag: number, scratch: { re: Float64Array; im: Float64Array }): boolean {
  // Autocorrelation = inverse FFT of the power spectrum (the FFT of the conjugate gives it up to a scale).
  const n = re.length;
  const { re: pr, im: pi } = scratch;
  pi.fill(0);
  for (let k = 0; k < n; k++) pr[k] = re[k]! * re[k]! + im[k]! * im[k]!;
  fft(pr, pi);
  const zero = pr[0]!;
  if (zero <= 0) return false;
  let best = 0;
  for (let lag = minLag; lag <= maxLag; lag++) best = Math.max(best, pr[lag]! / zero);
  return best > 0.5;
}

/** Peaks of the spectral flux above a running threshold: how many sounds begin. */
function onsets(flux: number[]): number {
  let count = 0;
  const w = 8;
  const global = mean(flux);
  for (let i = 1; i < flux.length - 1; i++) {
    const v = flux[i]!;
    if (v <= flux[i - 1]! || v < flux[i + 1]!) continue;
    const local = mean(flux.slice(Math.max(0, i - w), i + w + 1));
    if (v > local * 1.5 && v > global * 1.2) {
      count++;
      i += 3; // at most one onset in ~50 ms
    }
  }
  return count;
}

/** Share of the loudness envelope's modulation at 2–8 Hz (the syllable rate of speech) among 0.5–16 Hz. */
function modulationShare(rms: number[], frameRate: number): number {
  const n = Math.min(1 << Math.floor(Math.log2(Math.max(rms.length, 2))), 8192);
  if (n < 32) return 0;
  const re = new Float64Array(n), im = new Float64Array(n);
  const m = mean(rms.slice(0, n));
  for (let i = 0; i < n; i++) re[i] = rms[i]! - m;
  fft(re, im);
  let band = 0, all = 0;
  for (let k = 1; k < n / 2; k++) {
    const hz = (k * frameRate) / n;
    const p = re[k]! * re[k]! + im[k]! * im[k]!;
    if (hz >= 0.5 && hz <= 16) all += p;
    if (hz >= 2 && hz <= 8) band += p;
  }
  return all > 0 ? band / all : 0;
}

/** The onset envelope's strongest autocorrelation at a beat of 60–180 BPM, and that beat. */
function beatOf(flux: number[], frameRate: number): { strength: number; bpm?: number } {
  const n = flux.length;
  const minLag = Math.floor((60 / 180) * frameRate), maxLag = Math.ceil((60 / 60) * frameRate);
  if (n < maxLag * 3) return { strength: 0 };
  const m = mean(flux);
  const x = flux.map((v) => v - m);
  let zero = 0;
  for (const v of x) zero += v * v;
  if (zero <= 0) return { strength: 0 };
  let best = 0, bestLag = 0;
  for (let lag = minLag; lag <= maxLag; lag++) {
    let s = 0;
    for (let i = lag; i < n; i++) s += x[i]! * x[i - lag]!;
    // Normalised by the overlap, so long lags are not penalised for covering less of the clip.
    const r = (s / (n - lag)) / (zero / n);
    if (r > best) { best = r; bestLag = lag; }
  }
  return best > 0 ? { strength: best, bpm: Math.round((60 * frameRate) / bestLag) } : { strength: 0 };
}

function hann(n: number): Float64Array {
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) w[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (n - 1));
  return w;
}

/** Bit-reversal permutations by FFT length: computed once, not per frame (a minute of sound is ~3,750 frames). */
const BIT_REVERSED = new Map<number, Uint32Array>();

function bitReversed(n: number): Uint32Array {
  let order = BIT_REVERSED.get(n);
  if (!order) {
    order = new Uint32Array(n);
    for (let i = 1, j = 0; i < n; i++) {
      let bit = n >> 1;
      for (; j & bit; bit >>= 1) j ^= bit;
      j ^= bit;
      order[i] = j;
    }
    BIT_REVERSED.set(n, order);
  }
  return order;
}

/** In-place iterative radix-2 FFT; the length must be a power of two. */
export function fft(re: Float64Array, im: Float64Array): void {
  const n = re.length;
  const order = bitReversed(n);
  for (let i = 1; i < n; i++) {
    const j = order[i]!;
    if (i < j) {
      const r = re[i]!;
      re[i] = re[j]!;
      re[j] = r;
      const m = im[i]!;
      im[i] = im[j]!;
      im[j] = m;
    }
  }
  for (let len = 2; len <= n; len <<= 1) {
    const ang = (-2 * Math.PI) / len;
    const wr = Math.cos(ang), wi = Math.sin(ang);
    const half = len / 2;
    for (let i = 0; i < n; i += len) {
      let cr = 1, ci = 0;
      for (let j = 0; j < half; j++) {
        const a = i + j, b = a + half;
        const tr = re[b]! * cr - im[b]! * ci;
        const ti = re[b]! * ci + im[b]! * cr;
        re[b] = re[a]! - tr; im[b] = im[a]! - ti;
        re[a] = re[a]! + tr; im[a] = im[a]! + ti;
        const nr = cr * wr - ci * wi;
        ci = cr * wi + ci * wr;
        cr = nr;
      }
    }
  }
}

function cosine(a: Float64Array, b: Float64Array): number {
  let ab = 0, aa = 0, bb = 0;
  for (let k = 0; k < a.length; k++) { ab += a[k]! * b[k]!; aa += a[k]! * a[k]!; bb += b[k]! * b[k]!; }
  return aa > 0 && bb > 0 ? ab / Math.sqrt(aa * bb) : 0;
}

function mean(xs: readonly number[]): number {
  return xs.length > 0 ? xs.reduce((a, b) => a + b, 0) / xs.length : 0;
}

function std(xs: readonly number[]): number {
  if (xs.length < 2) return 0;
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, b) => a + (b - m) * (b - m), 0) / xs.length);
}

function cv(xs: readonly number[]): number {
  const m = mean(xs);
  return m > 0 ? std(xs) / m : 0;
}

function percentile(xs: readonly number[], q: number): number {
  if (xs.length === 0) return 0;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}
