import type { Logger } from '../../logger.ts';
import type { SpeechRecognizer } from '../types.ts';
import type { PocketsphinxOptions } from './pocketsphinx.ts';

export { PocketsphinxRecognizer, type PocketsphinxOptions } from './pocketsphinx.ts';

export interface SpeechRecognizerOptions extends PocketsphinxOptions {
  /** The `pocketsphinx_continuous` executable (default: found on PATH). */
  bin?: string;
  /** The acoustic model folder its default settings read (default: Debian's pocketsphinx-en-us). */
  modelDir?: string;
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
