import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { TroveError } from '../../../shared/api/errors.ts';
import { ffmpegPath, runTool } from '../../../shared/node/media/tools.ts';
import type { SpeechRecognizer } from '../types.ts';

export interface PocketsphinxOptions {
  /** Only the start of long recordings is transcribed (default 300 s): pocketsphinx needs ~0.5 s per second of audio. */
  maxSeconds?: number;
  /** Each of the two steps (decode to WAV, recognise) is killed after this long (default 10 min). */
  timeoutMs?: number;
}

/**
 * Speech to text with CMU pocketsphinx (Debian's `pocketsphinx` + `pocketsphinx-en-us`), run as a
 * child process so a slow or stuck decode is killed on abort or timeout and never blocks the server.
 * The audio is first turned into what the acoustic model was trained on: 16 kHz mono 16-bit WAV.
 * Transcripts are marked 'low': word error rates of 64–94 % were measured on clear speech, so they
 * help search find a few words but should not be shown as what was said.
 */
export class PocketsphinxRecognizer implements SpeechRecognizer {
  readonly model = 'pocketsphinx-en-us';
  private readonly maxSeconds: number;
  private readonly timeoutMs: number;
  private closed = false;

  /** `bin` is the `pocketsphinx_continuous` executable; its compiled-in default model is used. */
  constructor(private readonly bin: string, options: PocketsphinxOptions = {}) {
    this.maxSeconds = options.maxSeconds ?? 300;
    this.timeoutMs = options.timeoutMs ?? 10 * 60_000;
  }

  async transcribe(audioPath: string, signal?: AbortSignal): Promise<{ text: string; confidence: 'low' } | null> {
    if (this.closed) throw new TroveError('SERVICE_UNAVAILABLE', 'Speech recognition has been shut down.');
    const dir = await mkdtemp(path.join(os.tmpdir(), 'trove-speech-'));
    try {
      const wav = path.join(dir, 'speech.wav');
      const opts = { signal, timeoutMs: this.timeoutMs };
      await runTool(ffmpegPath(), ['-nostdin', '-v', 'error', '-y', '-i', audioPath, '-vn', '-t', String(this.maxSeconds), '-ac', '1', '-ar', '16000', '-c:a', 'pcm_s16le', wav], opts);
      const { stdout } = await runTool(this.bin, ['-infile', wav, '-logfn', os.devNull], {
        ...opts,
        // The WAV is ours, so a failure here is the engine's, not the user's file's.
        onFailure: (failure) => new TroveError('PROCESSING_FAILED', 'Speech recognition failed on this file.', failure),
      });
      // One line per utterance (a stretch of speech between pauses).
      const text = stdout.split('\n').map((line) => line.trim()).filter(Boolean).join(' ');
      return { text, confidence: 'low' };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  /** Nothing stays running between calls; running calls finish (or are aborted by their callers). */
  async close(): Promise<void> {
    this.closed = true;
  }
}
