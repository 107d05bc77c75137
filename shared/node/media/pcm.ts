import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { TroveError } from '../../api/errors.ts';
import { ffmpegInput, ffmpegToFile, type ToolFailure } from './tools.ts';

export interface DecodedSound {
  /** Mono samples, -1..1. */
  samples: Float32Array;
  sampleRate: number;
}

/**
 * The first `maxSeconds` of a file's first sound track as mono floats, decoded by ffmpeg: what the
 * signal analysis (server/analysis/sound/) reads. Through a scratch file, as every ffmpeg run here
 * writes files; 120 s at 16 kHz is under 4 MB.
 */
export async function decodeMono(
  file: string,
  opts: { sampleRate?: number; maxSeconds?: number; signal?: AbortSignal } = {},
): Promise<DecodedSound> {
  const sampleRate = opts.sampleRate ?? 16_000;
  const dir = await mkdtemp(path.join(os.tmpdir(), 'trove-pcm-'));
  try {
    const raw = path.join(dir, 'sound.raw');
    const limit = opts.maxSeconds === undefined ? [] : ['-t', String(opts.maxSeconds)];
    await ffmpegToFile(
      [...limit, '-i', ffmpegInput(file), '-map', '0:a:0', '-vn', '-sn', '-dn', '-ac', '1', '-ar', String(sampleRate), '-c:a', 'pcm_s16le', '-f', 's16le'],
      raw,
      { signal: opts.signal, onFailure: (failure: ToolFailure) => new TroveError('CORRUPT_FILE', "This file's sound couldn't be decoded; it may be damaged.", failure) },
    );
    const bytes = await readFile(raw);
    const samples = new Float32Array(Math.floor(bytes.length / 2));
    for (let i = 0; i < samples.length; i++) samples[i] = bytes.readInt16LE(i * 2) / 32768;
    return { samples, sampleRate };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
