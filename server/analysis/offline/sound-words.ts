// The sound classifier's verdict (server/analysis/sound/) as words: one sentence ("Music, about
// 120 BPM, 3 min.", "Short tone or chime, 2 s.", "Continuous noise, 4 s."), tags, and stored metadata.
// Nothing is said when the classifier was not sure: it leaves `kind` out then.
import type { Findings } from './content.ts';
import { formatDuration } from './names.ts';

type Sound = NonNullable<Findings['sound']>;

/** The summary sentence for a recording (or, prefixed, a video's sound track); undefined when there is nothing sure to say. */
export function soundSentence(sound: Sound, fileType: string): string | undefined {
  const phrase = soundPhrase(sound);
  if (!phrase) return undefined;
  return fileType === 'video' ? `Its sound: ${phrase.charAt(0).toLowerCase()}${phrase.slice(1)}.` : `${phrase}.`;
}

function soundPhrase(sound: Sound): string | undefined {
  const length = formatDuration(sound.durationSec ?? sound.seconds);
  switch (sound.kind) {
    case undefined:
      return undefined;
    case 'silence':
      return 'Silence: no sound above -50 dB';
    case 'speech':
      return 'Sounds like speech';
    case 'music':
      return `Music${sound.bpm !== undefined ? `, about ${Math.round(sound.bpm / 5) * 5} BPM` : ''}, ${length}`;
    case 'tone':
      return `Short tone or chime, ${length}`;
    case 'noise':
      return sound.continuous ? `Continuous noise, ${length}` : `Noise or a sound effect (no speech or music), ${length}`;
  }
}

/** Tags of each kind: the words people search sounds by. */
export function soundTags(sound: Sound): string[] {
  switch (sound.kind) {
    case undefined: return [];
    case 'silence': return ['silence', 'silent'];
    case 'speech': return ['speech', 'voice'];
    case 'music': return ['music'];
    case 'tone': return ['tone', 'chime', 'sound'];
    case 'noise': return sound.continuous ? ['noise', 'continuous noise'] : ['noise', 'sound effect'];
  }
}

/** Kinds the classifier is sure hold no speech: a transcript of them is the recogniser hearing words in noise. */
export function heardNoSpeech(sound: Sound | undefined): boolean {
  return sound?.kind !== undefined && sound.kind !== 'speech';
}

/** What is stored with the file (metadata.sound): the verdict and the model's probabilities. */
export function soundMetadata(sound: Sound): Record<string, unknown> {
  return {
    ...(sound.kind ? { kind: sound.kind } : {}),
    ...(sound.probabilities ? { probabilities: sound.probabilities } : {}),
    ...(sound.bpm !== undefined && sound.kind === 'music' ? { bpm: sound.bpm } : {}),
    ...(sound.continuous !== undefined ? { continuous: sound.continuous } : {}),
    seconds_analysed: sound.seconds,
    peak_db: sound.peakDb,
  };
}
