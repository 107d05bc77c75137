import { accessSync, constants, existsSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from '../../logger.ts';
import type { SpeechRecognizer } from '../types.ts';
import { PocketsphinxRecognizer, type PocketsphinxOptions } from './pocketsphinx.ts';

export { PocketsphinxRecognizer, type PocketsphinxOptions } from './pocketsphinx.ts';

export interface SpeechRecognizerOptions extends PocketsphinxOptions {
  /** The `pocketsphinx_continuous` executable (default: found on PATH). */
  bin?: string;
  /** The acoustic model folder its default settings read (default: Debian's pocketsphinx-en-us). */
  modelDir?: string;
}

const DEBIAN_MODEL = '/usr/share/pocketsphinx/model/en-us/en-us';

/**
 * The speech adapter for this machine: pocketsphinx when both the program and its English model are
 * installed, otherwise one whose `transcribe` returns null (audio is then indexed by its tags alone).
 * Another engine drops in here, behind the same interface.
 */
export function createSpeechRecognizer(log: Logger, options: SpeechRecognizerOptions = {}): SpeechRecognizer {
  const bin = options.bin ?? findOnPath('pocketsphinx_continuous');
  const modelDir = options.modelDir ?? DEBIAN_MODEL;
  if (bin && isExecutable(bin) && existsSync(path.join(modelDir, 'mdef'))) return new PocketsphinxRecognizer(bin, options);
  const missing = !bin || !isExecutable(bin) ? 'pocketsphinx_continuous (Debian package pocketsphinx)' : `its English model in ${modelDir} (Debian package pocketsphinx-en-us)`;
  return new NoSpeechRecognizer(log, missing);
}

/** Stands in when no engine is installed: never throws, and says so once rather than per file. */
export class NoSpeechRecognizer implements SpeechRecognizer {
  readonly model = 'none';
  private noted = false;

  constructor(private readonly log: Logger, private readonly missing: string) {}

  async transcribe(): Promise<null> {
    if (!this.noted) {
      this.noted = true;
      this.log.info({ missing: this.missing }, 'No speech engine installed: audio is indexed by its tags only, without a transcript');
    }
    return null;
  }

  async close(): Promise<void> {}
}

function findOnPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
