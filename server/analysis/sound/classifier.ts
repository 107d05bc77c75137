// What kind of sound a recording is — speech, music, a short tone or chime, noise, silence — from its
// signal (features.ts) and the logistic model fitted on the dev audio (coefficients.ts). Named only
// when the model is sure: a wrong label is worse than none.
import { SOUND_CLASSES, type SoundClass } from './classes.ts';
import { CONFIDENT, SOUND_MODEL } from './coefficients.ts';
import { FEATURE_NAMES, type SignalFacts } from './features.ts';
import { predict } from './logistic.ts';

export type SoundKind = 'speech' | 'music' | 'tone' | 'noise' | 'silence';

export interface SoundVerdict {
  /** Absent when the model is not sure enough to name one. */
  kind?: SoundKind;
  /** The model's probability for each class (silence: none). */
  probabilities?: Record<SoundClass, number>;
  /** Music with a steady beat: its tempo. */
  bpm?: number;
  /** Noise that goes on without pauses (a motor, rain, static) rather than in bursts. */
  continuous?: boolean;
  /** Seconds analysed (the opening of a long recording). */
  seconds: number;
  peakDb: number;
}

/** Quieter than this at its loudest moment (dBFS): nothing to hear. */
const SILENT_PEAK_DB = -50;
/** Shorter recordings carry too little signal for the model (a click, one syllable): only silence is named. */
export const MIN_SECONDS = 0.5;
/** A musical sound this long, or with a clear beat, is music; shorter ones are tones, chimes and jingles. */
const MUSIC_SECONDS = 20;
const BEAT_STRENGTH = 0.6;
const BEAT_MIN_SECONDS = 3;
/** Noise with pauses in fewer than this share of its frames counts as continuous. */
const CONTINUOUS_PAUSES = 0.05;

export function classifySound(facts: SignalFacts): SoundVerdict {
  const base = { seconds: Math.round(facts.seconds * 10) / 10, peakDb: facts.peakDb };
  if (facts.peakDb < SILENT_PEAK_DB) return { ...base, kind: 'silence' };
  const probabilities = predict(SOUND_MODEL, FEATURE_NAMES.map((n) => facts.features[n]));
  const rounded = Object.fromEntries(SOUND_CLASSES.map((c) => [c, Math.round(probabilities[c] * 1000) / 1000])) as Record<SoundClass, number>;
  const out: SoundVerdict = { ...base, probabilities: rounded };
  if (facts.seconds < MIN_SECONDS) return out;
  const best = SOUND_CLASSES.reduce((a, c) => (probabilities[c] > probabilities[a] ? c : a), SOUND_CLASSES[0]);
  if (probabilities[best] < CONFIDENT) return out;
  switch (best) {
    case 'speech':
      return { ...out, kind: 'speech' };
    case 'noise':
      return { ...out, kind: 'noise', continuous: facts.features.pauseShare < CONTINUOUS_PAUSES && facts.seconds >= 1 };
    case 'musical': {
      const beat = facts.features.beatStrength >= BEAT_STRENGTH && facts.seconds >= BEAT_MIN_SECONDS;
      if (beat && facts.bpm !== undefined) return { ...out, kind: 'music', bpm: facts.bpm };
      return { ...out, kind: facts.seconds >= MUSIC_SECONDS ? 'music' : 'tone' };
    }
  }
}
