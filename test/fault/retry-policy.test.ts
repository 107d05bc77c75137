import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TroveError } from '../../shared/api/errors.ts';
import { OfflineAnalyzer } from '../../server/analysis/offline-analyzer.ts';
import type { Analysis, AnalysisInput, Analyzer } from '../../server/analysis/types.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

/**
 * An analysis provider that misbehaves on demand (fails, or hangs until aborted) in front of the
 * real offline analyzer: the fault is injected at the provider boundary, everything else is real.
 */
class FaultyAnalyzer implements Analyzer {
  readonly model = 'offline-v1';
  private readonly real = new OfflineAnalyzer();
  mode: 'ok' | 'fail' | 'hang' | 'fatal' = 'ok';
  failuresLeft = 0;
  attempts: number[] = [];

  async analyze(input: AnalysisInput, signal?: AbortSignal): Promise<Analysis> {
    this.attempts.push(Date.now());
    if (this.mode === 'fail' && this.failuresLeft-- > 0) throw new TroveError('MODEL_UNAVAILABLE', 'The analysis service is overloaded (injected).');
    if (this.mode === 'fatal') throw new TroveError('CORRUPT_FILE', 'The model rejected this input (injected).');
    if (this.mode === 'hang') {
      await new Promise((_resolve, reject) => signal?.addEventListener('abort', () => reject(signal.reason as Error), { once: true }));
    }
    return this.real.analyze(input, signal);
  }
}

const analyzer = new FaultyAnalyzer();
let t: TestServer;
let seed = 0;
const image = () => sharp({ create: { width: 64, height: 48, channels: 3, background: { r: seed++ % 256, g: 90, b: 200 } } }).png().toBuffer();

beforeAll(async () => {
  t = await startTestServer({ TROVE_RETRY_DELAYS: '1,2,3', PROCESSING_TIMEOUT: '2' }, { analyzer });
});
afterAll(() => t.close());

describe('retry policy', () => {
  it('retries a retryable failure after each configured delay, then completes', async () => {
    analyzer.mode = 'fail';
    analyzer.failuresLeft = 2;
    analyzer.attempts = [];
    const { body } = await t.upload(await image(), 'flaky.png');
    const done = await t.waitForUpload(body.data.upload_id);
    expect(done.processing_status).toBe('completed');
    expect(done.retry_count).toBe(2);
    expect(analyzer.attempts).toHaveLength(3);
    const gaps = analyzer.attempts.slice(1).map((at, i) => at - analyzer.attempts[i]!);
    expect(gaps[0]).toBeGreaterThanOrEqual(1000);
    expect(gaps[1]).toBeGreaterThanOrEqual(2000);
    const job = await t.json<{ attempts: number; status: string }>(`/api/v1/upload/status/${body.data.job_id}`);
    expect(job.body.data).toMatchObject({ attempts: 3, status: 'completed' });
  }, 60_000);

  it('fails with the last error after the last retry, and Retry starts a fresh job that succeeds', async () => {
    analyzer.mode = 'fail';
    analyzer.failuresLeft = 100;
    analyzer.attempts = [];
    const { body } = await t.upload(await image(), 'always-failing.png');
    const failed = await t.waitForUpload(body.data.upload_id);
    expect(failed.processing_status).toBe('failed');
    expect(failed.processing_error).toEqual({ code: 'MODEL_UNAVAILABLE', message: 'The analysis service is overloaded (injected).' });
    expect(analyzer.attempts).toHaveLength(4); // first try + 3 retries

    analyzer.mode = 'ok';
    const retry = await t.json<{ job_id: string }>(`/api/v1/upload/${body.data.upload_id}/retry`, { method: 'POST' });
    expect(retry.status).toBe(202);
    expect(retry.body.data.job_id).not.toBe(body.data.job_id);
    const again = await t.waitForUpload(body.data.upload_id);
    expect(again.processing_status).toBe('completed');
    expect(again.processing_error).toBeNull();
  }, 60_000);

  it('does not retry a non-retryable failure', async () => {
    analyzer.mode = 'fatal';
    analyzer.attempts = [];
    const { body } = await t.upload(await image(), 'fatal.png');
    const failed = await t.waitForUpload(body.data.upload_id);
    expect(failed.processing_status).toBe('failed');
    expect(failed.processing_error?.code).toBe('CORRUPT_FILE');
    expect(failed.retry_count).toBe(0);
    expect(analyzer.attempts).toHaveLength(1);
  }, 30_000);

  it('stops a run that exceeds the processing timeout and retries it', async () => {
    analyzer.mode = 'hang';
    analyzer.attempts = [];
    const { body } = await t.upload(await image(), 'slow.png');
    // Let the first attempt time out, then let the retry through.
    await expect.poll(() => analyzer.attempts.length, { timeout: 15_000, interval: 100 }).toBeGreaterThanOrEqual(1);
    await expect.poll(async () => (await t.json<{ error: { code: string } | null }>(`/api/v1/upload/status/${body.data.job_id}`)).body.data.error?.code,
      { timeout: 15_000, interval: 200 }).toBe('PROCESSING_TIMEOUT');
    analyzer.mode = 'ok';
    const done = await t.waitForUpload(body.data.upload_id);
    expect(done.processing_status).toBe('completed');
    expect(done.retry_count).toBeGreaterThanOrEqual(1);
  }, 60_000);
});
