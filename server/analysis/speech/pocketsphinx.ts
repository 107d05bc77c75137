import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { TroveError } from '../../../shared/api/errors.ts';
import { ffmpegPath, runTool } from '../../../shared/node/media/tools.ts';
import type { SpeechRecognizer, Transcript } from '../types.ts';

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

  async transcribe(audioPath: string, signal?: AbortSignal): Promise<Transcript | null> {
    if (this.closed) throw new TroveError('SERVICE_UNAVAILABLE', 'Speech recognition has been shut down.');
    const dir = await mkdtemp(path.join(os.tmpdir(), 'trove-speech-'));
    try {
      const wav = path.join(dir, 'speech.wav');
      const opts = { signal, timeoutMs: this.timeoutMs };
      await runTool(ffmpegPath(), ['-nostdin', '-v', 'error', '-y', '-i', audioPath, '-vn', '-t', String(this.maxSeconds), '-ac', '1', '-ar', '16000', '-c:a', 'pcm_s16le', wav], opts);
      // `-time yes`: each utterance's line is followed by one line per word with its start and end.
      const { stdout } = await runTool(this.bin, ['-infile', wav, '-time', 'yes', '-logfn', os.devNull], {
        ...opts,
        // The WAV is ours, so a failure here is the engine's, not the user's file's.
        onFailure: (failure) => new TroveError('PROCESSING_FAILED', 'Speech recognition failed on this file.', failure),
      });
      const { text, segments } = parseTimedOutput(stdout);
      return { text, confidence: 'low', segments };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  /** Nothing stays running between calls; running calls finish (or are aborted by their callers). */
  async close(): Promise<void> {
    this.closed = true;
  }
}

/** A word line of `-time yes` output: the word, its start and end in seconds, its posterior probability. */
const WORD_LINE = /^(\S+) (\d+(?:\.\d+)?) (\d+(?:\.\d+)?) (-?\d+(?:\.\d+)?)$/;
/** Longer utterances are cut into segments about this long, so a moment points near the words. */
const MAX_SEGMENT_S = 15;

/**
 * pocketsphinx_continuous with `-time yes` prints each utterance (a stretch of speech between pauses)
 * as a line of text followed by its words, one per line with times. The text is the utterance lines;
 * each segment is an utterance's words (cut every MAX_SEGMENT_S), without the markers of silence and
 * noise (`<s>`, `</s>`, `<sil>`, `[NOISE]`, `++…++`) and with alternative pronunciations (`an(2)`)
 * named as the word.
 */
export function parseTimedOutput(stdout: string): { text: string; segments: { start_s: number; end_s: number; text: string }[] } {
  const utterances: string[] = [];
  const segments: { start_s: number; end_s: number; text: string }[] = [];
  let words: { word: string; start: number; end: number }[] = [];
  const flush = (): void => {
    if (words.length > 0) segments.push({ start_s: words[0]!.start, end_s: words[words.length - 1]!.end, text: words.map((w) => w.word).join(' ') });
    words = [];
  };
  for (const raw of stdout.split('\n')) {
    const line = raw.trim();
    if (line === '') continue;
    const m = WORD_LINE.exec(line);
    if (!m) {
      flush();
      utterances.push(line);
      continue;
    }
    const [, token, start, end] = m as unknown as [string, string, string, string];
    if (token === '</s>') flush();
    if (/^(<.*>|\[.*\]|\+\+.*\+\+)$/.test(token)) continue;
    const word = { word: token.replace(/\(\d+\)$/, ''), start: Number(start), end: Number(end) };
    if (words.length > 0 && word.end - words[0]!.start > MAX_SEGMENT_S) flush();
    words.push(word);
  }
  flush();
  return { text: utterances.join(' '), segments };
}
