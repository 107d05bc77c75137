import { decodeMono } from '../../../shared/node/media/pcm.ts';
import type { SoundClassifier, SoundVerdict } from '../types.ts';
import { SOUND_ANALYSIS_SECONDS } from './classes.ts';
import { classifySound } from './classifier.ts';
import { signalFacts } from './features.ts';

export { classifySound, type SoundKind, type SoundVerdict } from './classifier.ts';

/**
 * The built-in sound classifier: ffmpeg decodes the opening of the recording (SOUND_ANALYSIS_SECONDS)
 * to 16 kHz mono, features.ts measures it, the fitted model names its kind. ~0.1 s per minute of
 * sound; nothing stays loaded between files.
 */
export class SignalSoundClassifier implements SoundClassifier {
  readonly model = 'signal-logistic-v1';

  async classify(audioPath: string, signal?: AbortSignal): Promise<SoundVerdict> {
    const { samples, sampleRate } = await decodeMono(audioPath, { maxSeconds: SOUND_ANALYSIS_SECONDS, ...(signal ? { signal } : {}) });
    return classifySound(signalFacts(samples, sampleRate));
  }
}
