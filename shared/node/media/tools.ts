import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { basename, resolve } from 'node:path';
import { TroveError } from '../../api/errors.ts';
import { writeAtomically } from './atomic.ts';
import { abortError } from './failures.ts';

const require = createRequire(import.meta.url);

/** Enough of ffmpeg's stderr to explain a failure without letting a chatty run grow memory. */
const STDERR_TAIL_CHARS = 2048;
/** ffprobe JSON is small; anything bigger means the tool is misbehaving. */
const DEFAULT_MAX_STDOUT_BYTES = 16 * 1024 * 1024;

// Resolved lazily so an env override works even where the installer package has no binary for the platform.
export function ffmpegPath(): string {
  const override = process.env.TROVE_FFMPEG_PATH?.trim();
  if (override) return override;
  return (require('@ffmpeg-installer/ffmpeg') as { path: string }).path;
}

export function ffprobePath(): string {
  const override = process.env.TROVE_FFPROBE_PATH?.trim();
  if (override) return override;
  return (require('@ffprobe-installer/ffprobe') as { path: string }).path;
}

/** Every ffmpeg run: no banner, no reading stdin, errors only on stderr, overwrite the output. */
export const FFMPEG_QUIET = ['-hide_banner', '-nostdin', '-v', 'error', '-y'];

/**
 * ffmpeg treats an argument starting with '-' as an option and 'name:' as a protocol;
 * an absolute path is neither.
 */
export function ffmpegInput(path: string): string {
  return resolve(path);
}

/**
 * Runs ffmpeg quietly with `args` (input, mapping, encoding) and the output file last, atomically: it
 * writes a temporary file that is renamed to `outPath` only once ffmpeg has finished cleanly.
 */
export async function ffmpegToFile(args: readonly string[], outPath: string, opts: RunToolOptions): Promise<void> {
  await writeAtomically(outPath, async (tmpPath) => {
    await runTool(ffmpegPath(), [...FFMPEG_QUIET, ...args, ffmpegInput(tmpPath)], opts);
  });
}

export interface ToolFailure {
  tool: string;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** The last ~2 KB of stderr. */
  stderr: string;
}

export interface RunToolOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
  /** Maps a non-zero exit to the error the caller's user should see; CORRUPT_FILE when absent. */
  onFailure?: (failure: ToolFailure) => TroveError;
  maxStdoutBytes?: number;
}

export function toolFailureAsCorruptFile(failure: ToolFailure): TroveError {
  return new TroveError(
    'CORRUPT_FILE',
    "This file couldn't be read; it may be damaged or incomplete. Try exporting or downloading it again, then upload the new copy.",
    failure,
  );
}

/** Runs a binary with an argument array (never a shell) and collects its output. */
export function runTool(bin: string, args: string[], opts: RunToolOptions = {}): Promise<{ stdout: string; stderr: string }> {
  // Rejected rather than thrown: callers only ever see failures through the promise.
  if (opts.signal?.aborted) return Promise.reject(abortError(opts.signal.reason));
  const tool = basename(bin);
  const maxStdout = opts.maxStdoutBytes ?? DEFAULT_MAX_STDOUT_BYTES;

  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
    const stdoutChunks: Buffer[] = [];
    let stdoutBytes = 0;
    let stderrTail = '';
    // The first reason to stop wins; the child is killed and 'close' settles the promise.
    let stopReason: TroveError | undefined;
    let settled = false;

    const stop = (reason: TroveError): void => {
      stopReason ??= reason;
      child.kill('SIGKILL');
    };
    const onAbort = (): void => stop(abortError(opts.signal?.reason));
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    const timer =
      opts.timeoutMs === undefined
        ? undefined
        : setTimeout(() => stop(abortError(new Error(`${tool} exceeded ${opts.timeoutMs} ms`))), opts.timeoutMs);

    const finish = (outcome: () => void): void => {
      if (settled) return;
      settled = true;
      opts.signal?.removeEventListener('abort', onAbort);
      if (timer) clearTimeout(timer);
      outcome();
    };

    child.stdout.on('data', (chunk: Buffer) => {
      stdoutBytes += chunk.length;
      if (stdoutBytes > maxStdout) {
        stop(new TroveError('PROCESSING_FAILED', `${tool} produced more output than expected. Try again later.`, { tool, maxStdout }));
        return;
      }
      stdoutChunks.push(chunk);
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (text: string) => {
      stderrTail = (stderrTail + text).slice(-STDERR_TAIL_CHARS);
    });

    child.on('error', (err) => {
      // Spawn failures (missing binary, no permission) are ours to fix, not the file's.
      finish(() =>
        reject(
          stopReason ??
            new TroveError('PROCESSING_FAILED', `The media tool ${tool} could not be started. Try again later.`, { tool, bin }, { cause: err }),
        ),
      );
    });
    child.on('close', (exitCode, signal) => {
      finish(() => {
        if (stopReason) return reject(stopReason);
        if (exitCode === 0) return resolve({ stdout: Buffer.concat(stdoutChunks).toString('utf8'), stderr: stderrTail });
        const failure: ToolFailure = { tool, exitCode, signal, stderr: stderrTail.trim() };
        reject((opts.onFailure ?? toolFailureAsCorruptFile)(failure));
      });
    });
  });
}
