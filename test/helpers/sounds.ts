// Recordings of each kind of sound, made on the spot with ffmpeg's generators and espeak-ng, for
// the sound classifier's tests (server/analysis/sound/): nothing is committed, every file is real audio.
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);
const require = createRequire(import.meta.url);
const ffmpegBin = (require('@ffmpeg-installer/ffmpeg') as { path: string }).path;

/** ffmpeg lavfi sources, each written as 22.05 kHz mono WAV. */
const SOURCES = {
  /**
   * 20 s of instrumental music at 120 BPM: a plucked note every half second climbing a whole-tone
   * scale over 8 beats, with a low drum on each beat.
   */
  music: "aevalsrc='0.3*sin(2*PI*(220*pow(2,floor(mod(t*2,8))*2/12))*t)*exp(-4*mod(t,0.5))+0.3*sin(2*PI*60*t)*exp(-20*mod(t,0.5))':s=22050:d=20",
  /** 5 s of pink noise (a hiss like rain or static). */
  noise: 'anoisesrc=d=5:c=pink:a=0.3:r=22050',
  /** 3 s of digital silence. */
  silence: 'anullsrc=r=22050:cl=mono',
  /** A 1 s electronic beep at 1 kHz, fading. */
  tone: "aevalsrc='0.4*sin(2*PI*1000*t)*exp(-3*t)':s=22050:d=1",
} as const;

export type GeneratedSound = keyof typeof SOURCES;

/** Writes one generated recording into `dir` and returns its path. */
export async function makeSound(dir: string, kind: GeneratedSound, file = `${kind}.wav`, extra: string[] = []): Promise<string> {
  const out = path.join(dir, file);
  await execFileAsync(ffmpegBin, [
    '-hide_banner', '-nostdin', '-v', 'error', '-y', '-f', 'lavfi', '-i', SOURCES[kind],
    ...(kind === 'silence' ? ['-t', '3'] : []), '-ac', '1', ...extra, out,
  ]);
  return out;
}

/** About 9 s of a synthetic voice reading two sentences (needs espeak-ng). */
export async function makeSpeech(dir: string, file = 'speech.wav'): Promise<string> {
  const out = path.join(dir, file);
  await execFileAsync('espeak-ng', ['-s', '150', '-w', out,
    'The quick brown fox jumps over the lazy dog. Music and speech are different sounds, and this sentence is spoken by a machine.']);
  return out;
}
