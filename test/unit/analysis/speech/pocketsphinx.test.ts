import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installed } from '../../../helpers/programs.ts';
import { NoSpeechRecognizer, PocketsphinxRecognizer } from '../../../../server/analysis/speech/index.ts';
import { createSpeechRecognizer } from '../../../../server/composition/offline-models.ts';
import type { Logger } from '../../../../server/logger.ts';

const notes: unknown[] = [];
const log: Logger = { info: (obj) => void notes.push(obj), debug() {}, error() {}, warn: (obj) => void notes.push(obj) };

const haveEngine = installed('pocketsphinx_continuous') && installed('espeak-ng');
if (!haveEngine) console.warn('Skipping the pocketsphinx tests: install the Debian packages pocketsphinx, pocketsphinx-en-us and espeak-ng (.ci/run does).');

// Public domain: Lincoln's Gettysburg Address (1863) and the US Declaration of Independence (1776).
// Chosen by trying several sentences: with 64–94 % word error rate (FACTS), these two reliably
// bring back at least one of their content words; espeak-ng's rate is part of the choice.
const CLIPS = [
  { text: 'Government of the people, by the people, for the people, shall not perish from the earth', rate: '175', words: ['government', 'people', 'perish', 'earth'] },
  { text: 'We hold these truths to be self evident, that all men are created equal', rate: '140', words: ['hold', 'these', 'truths', 'truth', 'evident', 'men', 'created', 'equal'] },
];

describe.skipIf(!haveEngine)('PocketsphinxRecognizer (Debian pocketsphinx)', () => {
  let dir: string;
  let wavs: string[];

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'trove-speech-test-'));
    // espeak-ng writes 22 kHz WAV; the adapter resamples it like any other upload.
    wavs = CLIPS.map((clip, i) => {
      const wav = path.join(dir, `speech-${i}.wav`);
      execFileSync('espeak-ng', ['-s', clip.rate, '-w', wav, clip.text]);
      return wav;
    });
  });
  afterAll(async () => {
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it('transcribes synthetic speech: some of its words come back, marked low confidence', async () => {
    const speech = createSpeechRecognizer(log);
    expect(speech).toBeInstanceOf(PocketsphinxRecognizer);
    for (const [i, clip] of CLIPS.entries()) {
      const started = Date.now();
      const result = await speech.transcribe(wavs[i]!);
      const seconds = (Date.now() - started) / 1000;
      const audioSeconds = ((await fs.stat(wavs[i]!)).size - 44) / (22050 * 2);
      console.log(`pocketsphinx: "${result?.text}" — ${((seconds / audioSeconds) * 60).toFixed(1)} s per audio minute (${seconds.toFixed(1)} s for ${audioSeconds.toFixed(1)} s)`);
      expect(result?.confidence).toBe('low');
      const heard = new Set(result!.text.toLowerCase().split(/\s+/));
      expect(clip.words.filter((w) => heard.has(w)).length).toBeGreaterThanOrEqual(1);
    }
    await speech.close();
    await expect(speech.transcribe(wavs[0]!)).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
  }, 120_000); // ~5 s on an idle machine; 20 s was seen with 2 cores shared by 7 test runs

  it('kills the engine when the caller aborts', async () => {
    const speech = createSpeechRecognizer(log);
    const controller = new AbortController();
    const pending = speech.transcribe(wavs[0]!, controller.signal);
    setTimeout(() => controller.abort(), 50);
    await expect(pending).rejects.toMatchObject({ code: 'PROCESSING_TIMEOUT' });
    const timedOut = new PocketsphinxRecognizer('pocketsphinx_continuous', { timeoutMs: 1 });
    await expect(timedOut.transcribe(wavs[0]!)).rejects.toMatchObject({ code: 'PROCESSING_TIMEOUT' });
  });

  it('reports an unreadable recording as a corrupt file', async () => {
    const bad = path.join(dir, 'bad.mp3');
    await fs.writeFile(bad, 'not audio');
    await expect(createSpeechRecognizer(log).transcribe(bad)).rejects.toMatchObject({ code: 'CORRUPT_FILE' });
  });
});

describe('without a speech engine', () => {
  it('transcribe returns null and notes it once, never throwing', async () => {
    notes.length = 0;
    const speech = createSpeechRecognizer(log, { bin: path.join(os.tmpdir(), 'no-such-dir', 'pocketsphinx_continuous') });
    expect(speech).toBeInstanceOf(NoSpeechRecognizer);
    await expect(speech.transcribe('/any/file.mp3')).resolves.toBeNull();
    await expect(speech.transcribe('/other/file.wav')).resolves.toBeNull();
    expect(notes).toHaveLength(1);
    await speech.close();
  });

  it('treats a missing English model as no engine', () => {
    expect(createSpeechRecognizer(log, { modelDir: path.join(os.tmpdir(), 'no-such-model') })).toBeInstanceOf(NoSpeechRecognizer);
  });
});
