/**
 * The sound classifier (server/analysis/sound/) on real audio: recordings generated here with ffmpeg
 * and espeak-ng (music at 120 BPM, pink noise, silence, a beep, a voice) and three of the committed
 * eval corpus files. Checks the kind it names, the beat it hears, that it names nothing it is not sure
 * of, and the words the offline analyzer makes of it (summary, tags, a transcript of noise kept out of
 * the summary).
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OfflineAnalyzer } from '../../../server/analysis/offline-analyzer.ts';
import { classifySound, SignalSoundClassifier } from '../../../server/analysis/sound/index.ts';
import { fft, signalFacts } from '../../../server/analysis/sound/features.ts';
import type { SpeechRecognizer } from '../../../server/analysis/types.ts';
import { decodeMono } from '../../../shared/node/media/pcm.ts';
import { installed } from '../../helpers/programs.ts';
import { makeSound, makeSpeech } from '../../helpers/sounds.ts';

const haveEspeak = installed('espeak-ng');
const corpus = (file: string): string => path.resolve(import.meta.dirname, '../../../eval/corpus', file);
const classifier = new SignalSoundClassifier();
let dir: string;
const files = { music: '', noise: '', silence: '', tone: '', speech: '', musicVideoTrack: '' };

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'trove-sound-'));
  files.music = await makeSound(dir, 'music');
  files.noise = await makeSound(dir, 'noise');
  files.silence = await makeSound(dir, 'silence');
  files.tone = await makeSound(dir, 'tone');
  // A video pipeline's sound track: 16 kHz mono 16-bit WAV (extractAudioTrack).
  files.musicVideoTrack = await makeSound(dir, 'music', 'track.wav', ['-ar', '16000', '-c:a', 'pcm_s16le']);
  if (haveEspeak) files.speech = await makeSpeech(dir);
}, 60_000);

afterAll(async () => {
  if (dir) await fs.rm(dir, { recursive: true, force: true });
});

describe('sound features', () => {
  it('the FFT puts a pure tone in its bin', () => {
    const n = 64;
    const re = Float64Array.from({ length: n }, (_, i) => Math.cos((2 * Math.PI * 5 * i) / n));
    const im = new Float64Array(n);
    fft(re, im);
    expect(re[5]).toBeCloseTo(n / 2, 6);
    expect(re[n - 5]).toBeCloseTo(n / 2, 6);
    expect(Math.hypot(re[4]!, im[4]!)).toBeLessThan(1e-9);
  });

  it('a steady 1 kHz sine is pitched, tonal (low flatness) and centred at 1 kHz', () => {
    const rate = 16_000;
    const samples = Float32Array.from({ length: rate * 2 }, (_, i) => 0.5 * Math.sin((2 * Math.PI * 1000 * i) / rate));
    const { features, seconds } = signalFacts(samples, rate);
    expect(seconds).toBe(2);
    expect(features.pitchedShare).toBe(1);
    expect(features.centroidMean * 8000).toBeGreaterThan(900);
    expect(features.centroidMean * 8000).toBeLessThan(1100);
    expect(features.logFlatnessMean).toBeLessThan(-3);
    expect(features.pauseShare).toBe(0);
  });

  it('decodes a file to mono samples at the rate asked', async () => {
    const { samples, sampleRate } = await decodeMono(files.tone, { sampleRate: 8000 });
    expect(sampleRate).toBe(8000);
    expect(samples.length).toBeGreaterThan(7900);
    expect(samples.length).toBeLessThan(8100);
    expect(Math.max(...samples)).toBeGreaterThan(0.3);
  });
});

describe('SignalSoundClassifier on real recordings', () => {
  it('music at 120 BPM is music, with its beat', async () => {
    const v = await classifier.classify(files.music);
    expect(v.kind).toBe('music');
    expect(v.bpm).toBeGreaterThanOrEqual(115);
    expect(v.bpm).toBeLessThanOrEqual(125);
    expect(v.probabilities!.musical).toBeGreaterThan(0.8);
  });

  it('pink noise is continuous noise', async () => {
    const v = await classifier.classify(files.noise);
    expect(v.kind).toBe('noise');
    expect(v.continuous).toBe(true);
  });

  it('digital silence is silence', async () => {
    const v = await classifier.classify(files.silence);
    expect(v.kind).toBe('silence');
    expect(v.peakDb).toBeLessThan(-50);
  });

  it('a short fading beep is a tone', async () => {
    const v = await classifier.classify(files.tone);
    expect(v.kind).toBe('tone');
  });

  it.skipIf(!haveEspeak)('a voice reading sentences is speech', async () => {
    const v = await classifier.classify(files.speech);
    expect(v.kind).toBe('speech');
  });

  // Three of the dev recordings the model was fitted on (eval/corpus): a regression check, not a score.
  it('the corpus\'s spoken licence, test noise and alarm clock', async () => {
    expect((await classifier.classify(corpus('file034.mp3'))).kind).toBe('speech');
    expect((await classifier.classify(corpus('file048.ogg'))).kind).toBe('noise');
    expect((await classifier.classify(corpus('file042.ogg'))).kind).toBe('tone');
  });

  it('names nothing in a clip too short to judge, however sure the model is', () => {
    const rate = 16_000;
    const samples = Float32Array.from({ length: rate * 0.3 }, (_, i) => 0.5 * Math.sin((2 * Math.PI * 1000 * i) / rate) * Math.exp(-i / rate));
    const v = classifySound(signalFacts(samples, rate));
    expect(v.kind).toBeUndefined();
    expect(v.probabilities).toBeDefined();
  });

  it('a file without sound fails with a stable code', async () => {
    const text = path.join(dir, 'not-audio.wav');
    await fs.writeFile(text, 'this is not a recording');
    await expect(classifier.classify(text)).rejects.toMatchObject({ code: 'CORRUPT_FILE' });
  });
});

describe('what the offline analyzer says of the sound', () => {
  const noiseHeardAsWords: SpeechRecognizer = {
    model: 'fixed', transcribe: () => Promise.resolve({ text: 'and the of it', confidence: 'low' }), close: () => Promise.resolve(),
  };

  it('music: its kind, beat and length in the summary, "music" in the tags', async () => {
    const a = await new OfflineAnalyzer({ sound: classifier }).analyze({
      fileType: 'audio', filename: 'track01.wav', mimeType: 'audio/wav', audioPath: files.music, metadata: { durationSec: 20, codec: 'PCM' },
    });
    expect(a.summary).toMatch(/^WAV audio, 20 s \(short clip\)\. Music, about 120 BPM, 20 s\./);
    expect(a.tags).toContain('music');
    expect(a.metadata?.sound).toMatchObject({ kind: 'music', seconds_analysed: 20 });
  });

  it('noise: the recogniser\'s words stay searchable but are not called speech', async () => {
    const a = await new OfflineAnalyzer({ sound: classifier, speech: noiseHeardAsWords }).analyze({
      fileType: 'audio', filename: 'rec.wav', mimeType: 'audio/wav', audioPath: files.noise, metadata: { durationSec: 5 },
    });
    expect(a.summary).toContain('Continuous noise, 5 s.');
    expect(a.summary).not.toContain('Speech (');
    expect(a.tags).toEqual(expect.arrayContaining(['noise', 'continuous noise']));
    expect(a.tags).not.toContain('speech');
    expect(a.extractedText).toContain('and the of it');
  });

  it('a tone and silence are named; an unsure verdict says nothing', async () => {
    const tone = await new OfflineAnalyzer({ sound: classifier }).analyze({
      fileType: 'audio', filename: 'beep.wav', mimeType: 'audio/wav', audioPath: files.tone, metadata: { durationSec: 1 },
    });
    expect(tone.summary).toContain('Short tone or chime, 1 s.');
    expect(tone.tags).toEqual(expect.arrayContaining(['tone', 'chime']));
    const silent = await new OfflineAnalyzer({ sound: classifier }).analyze({
      fileType: 'audio', filename: 'quiet.wav', mimeType: 'audio/wav', audioPath: files.silence, metadata: { durationSec: 3 },
    });
    expect(silent.summary).toContain('Silence: no sound above -50 dB.');
    expect(silent.tags).toContain('silence');
    const unsure = await new OfflineAnalyzer({ sound: { model: 'fixed', classify: () => Promise.resolve({ seconds: 2, peakDb: -10, probabilities: { speech: 0.5, musical: 0.3, noise: 0.2 } }) } }).analyze({
      fileType: 'audio', filename: 'x.wav', mimeType: 'audio/wav', audioPath: files.tone, metadata: { durationSec: 2 },
    });
    expect(unsure.summary).toBe('WAV audio, 2 s (short clip).');
    expect(unsure.tags).not.toEqual(expect.arrayContaining(['speech']));
  });

  it('a video\'s sound track is described as its sound', async () => {
    const a = await new OfflineAnalyzer({ sound: classifier }).analyze({
      fileType: 'video', filename: 'clip.mp4', mimeType: 'video/mp4', audioPath: files.musicVideoTrack,
      metadata: { durationSec: 20, width: 640, height: 360, hasAudio: true },
    });
    expect(a.summary).toContain('Its sound: music, about 120 BPM, 20 s.');
    expect(a.tags).toContain('music');
  });

  it.skipIf(!haveEspeak)('speech without a transcript says it sounds like speech; with one, the transcript says it', async () => {
    const alone = await new OfflineAnalyzer({ sound: classifier }).analyze({
      fileType: 'audio', filename: 'memo.wav', mimeType: 'audio/wav', audioPath: files.speech, metadata: { durationSec: 9 },
    });
    expect(alone.summary).toContain('Sounds like speech.');
    expect(alone.tags).toEqual(expect.arrayContaining(['speech', 'voice']));
    const heard = await new OfflineAnalyzer({ sound: classifier, speech: noiseHeardAsWords }).analyze({
      fileType: 'audio', filename: 'memo.wav', mimeType: 'audio/wav', audioPath: files.speech, metadata: { durationSec: 9 },
    });
    expect(heard.summary).not.toContain('Sounds like speech.');
    expect(heard.summary).toContain("Speech (low-confidence automatic transcript): 'and the of it'.");
  });
});
