import { setTimeout as sleep } from 'node:timers/promises';
import { FileState, type File as GeminiFile, type GoogleGenAI } from '@google/genai';
import { TroveError } from '../../../shared/api/errors.ts';
import type { Logger } from '../../logger.ts';

/** Runs one SDK request, translating its errors (see GeminiAnalyzer.call). */
export type Call = <T>(fn: () => Promise<T>, signal: AbortSignal | undefined) => Promise<T>;

export interface GeminiFilesOptions {
  /** How often an upload is checked for ACTIVE, and for how long at most. */
  pollMs: number;
  activeTimeoutMs: number;
  /** Per request. */
  timeoutMs: number;
  log?: Logger | undefined;
}

/**
 * Gemini's Files API for what is too large to send inline (requests are capped at ~20 MB): a whole
 * video, an audio file, a video's sound track. Each upload is tracked by the caller and deleted when
 * the analysis ends, because it would otherwise sit in the project's storage for 48 hours.
 */
export class GeminiFiles {
  constructor(private readonly ai: GoogleGenAI, private readonly call: Call, private readonly opts: GeminiFilesOptions) {}

  /**
   * Uploads and waits until the file is ACTIVE (videos are processed for a while first). `uploaded`
   * receives the file as soon as it exists, so the caller can delete it even when waiting fails.
   */
  async upload(filePath: string, mimeType: string, what: string, uploaded: GeminiFile[], signal: AbortSignal | undefined): Promise<GeminiFile> {
    const file = await this.call(() => this.ai.files.upload({
      // A generic display name: the user's file name need not be stored at Google.
      file: filePath, config: { mimeType, displayName: 'trove-media', abortSignal: signal },
    }), signal);
    uploaded.push(file);
    return this.waitUntilActive(file, what, signal);
  }

  /** Files start PROCESSING; generating against one before it is ACTIVE fails with 400. */
  private async waitUntilActive(file: GeminiFile, what: string, signal: AbortSignal | undefined): Promise<GeminiFile> {
    const deadline = Date.now() + this.opts.activeTimeoutMs;
    let current = file;
    for (;;) {
      if (current.state === FileState.ACTIVE || current.state === undefined) return current;
      if (current.state === FileState.FAILED) {
        throw new TroveError('PROVIDER_REJECTED', `Gemini could not process this ${what} (${current.error?.message ?? 'file state FAILED'}).`,
          { provider: 'Gemini' });
      }
      if (Date.now() >= deadline) {
        throw new TroveError('MODEL_UNAVAILABLE',
          `Gemini was still processing the uploaded ${what} after ${Math.round(this.opts.activeTimeoutMs / 1000)} s; the file will be retried.`,
          { provider: 'Gemini' });
      }
      await this.call(() => sleep(this.opts.pollMs, undefined, { signal }), signal);
      const name = current.name ?? file.name ?? '';
      current = await this.call(() => this.ai.files.get({ name, config: { abortSignal: signal } }), signal);
    }
  }

  /** Not tied to the job's signal: an aborted job must still not leave its media behind. */
  async deleteQuietly(file: GeminiFile): Promise<void> {
    if (!file.name) return;
    try {
      await this.ai.files.delete({ name: file.name, config: { httpOptions: { timeout: Math.min(this.opts.timeoutMs, 15_000) } } });
    } catch (err) {
      // Gemini deletes files itself after 48 h; a failed delete is worth a warning, not a failed file.
      this.opts.log?.warn({ err, file: file.name }, 'could not delete the uploaded file from Gemini');
    }
  }
}
