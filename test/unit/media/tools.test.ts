import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TroveError } from '../../../shared/api/errors.ts';
import { ffmpegPath, ffprobePath, runTool } from '../../../shared/node/media/tools.ts';
import { expectTroveError, makeTempDir } from './fixtures.ts';

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => ({ dir, cleanup } = await makeTempDir('tools')));
afterAll(() => cleanup());

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitFor(check: () => boolean, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return check();
}

describe('ffmpegPath / ffprobePath', () => {
  it('point at working bundled binaries', async () => {
    expect(existsSync(ffmpegPath())).toBe(true);
    const { stdout } = await runTool(ffprobePath(), ['-version']);
    expect(stdout).toMatch(/^ffprobe version/);
  });

  it('honour the TROVE_FFMPEG_PATH / TROVE_FFPROBE_PATH overrides', () => {
    const saved = { ...process.env };
    try {
      process.env.TROVE_FFMPEG_PATH = '/opt/ffmpeg/bin/ffmpeg';
      process.env.TROVE_FFPROBE_PATH = '/opt/ffmpeg/bin/ffprobe';
      expect(ffmpegPath()).toBe('/opt/ffmpeg/bin/ffmpeg');
      expect(ffprobePath()).toBe('/opt/ffmpeg/bin/ffprobe');
    } finally {
      process.env.TROVE_FFMPEG_PATH = saved.TROVE_FFMPEG_PATH;
      process.env.TROVE_FFPROBE_PATH = saved.TROVE_FFPROBE_PATH;
      if (saved.TROVE_FFMPEG_PATH === undefined) delete process.env.TROVE_FFMPEG_PATH;
      if (saved.TROVE_FFPROBE_PATH === undefined) delete process.env.TROVE_FFPROBE_PATH;
    }
  });
});

describe('runTool', () => {
  it('returns stdout of a successful run', async () => {
    const { stdout } = await runTool(process.execPath, ['-e', 'process.stdout.write("hello " + process.argv[1])', 'a b; rm -rf /']);
    // The argument arrives verbatim: no shell ever sees it.
    expect(stdout).toBe('hello a b; rm -rf /');
  });

  it('turns a non-zero exit into CORRUPT_FILE with only the tail of stderr', async () => {
    const script = 'process.stderr.write("x".repeat(100000) + "THE-END"); process.exit(3)';
    const err = await expectTroveError(runTool(process.execPath, ['-e', script]), 'CORRUPT_FILE');
    const details = err.details as { exitCode: number; stderr: string };
    expect(details.exitCode).toBe(3);
    expect(details.stderr.length).toBeLessThanOrEqual(2048);
    expect(details.stderr.endsWith('THE-END')).toBe(true);
  });

  it('lets the caller choose the error for a failed run', async () => {
    const err = await runTool(process.execPath, ['-e', 'process.exit(1)'], {
      onFailure: (f) => new TroveError('MEDIA_TOO_LONG', `custom ${f.exitCode}`),
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TroveError);
    expect((err as TroveError).code).toBe('MEDIA_TOO_LONG');
    expect((err as TroveError).message).toBe('custom 1');
  });

  it('reports a missing binary as PROCESSING_FAILED, not as a bad file', async () => {
    await expectTroveError(runTool(join(dir, 'no-such-ffmpeg'), []), 'PROCESSING_FAILED');
  });

  it('kills the child and rejects with PROCESSING_TIMEOUT when the signal fires', async () => {
    const pidFile = join(dir, 'pid');
    const controller = new AbortController();
    const script = `require('fs').writeFileSync(${JSON.stringify(pidFile)}, String(process.pid)); setInterval(() => {}, 1000)`;
    const run = runTool(process.execPath, ['-e', script], { signal: controller.signal });
    expect(await waitFor(() => existsSync(pidFile), 5000)).toBe(true);
    const pid = Number(await readFile(pidFile, 'utf8'));
    expect(isAlive(pid)).toBe(true);
    const started = Date.now();
    controller.abort();
    await expectTroveError(run, 'PROCESSING_TIMEOUT');
    expect(Date.now() - started).toBeLessThan(2000);
    expect(await waitFor(() => !isAlive(pid), 2000)).toBe(true);
  });

  it('does not start anything when the signal has already fired', async () => {
    const pidFile = join(dir, 'never');
    const script = `require('fs').writeFileSync(${JSON.stringify(pidFile)}, '1')`;
    await expectTroveError(runTool(process.execPath, ['-e', script], { signal: AbortSignal.abort() }), 'PROCESSING_TIMEOUT');
    await new Promise((r) => setTimeout(r, 300));
    expect(existsSync(pidFile)).toBe(false);
  });

  it('enforces timeoutMs', async () => {
    const started = Date.now();
    await expectTroveError(runTool(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { timeoutMs: 200 }), 'PROCESSING_TIMEOUT');
    expect(Date.now() - started).toBeLessThan(3000);
  });
});
