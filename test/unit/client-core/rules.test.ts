/**
 * The client core's rules on their own (the clients keep them end to end in test/helpers/client-contract.ts):
 * which failures are tried again and after how long, what an answer without an envelope means, and
 * what a job's status means for the file.
 */
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../shared/api/client/api-error.ts';
import { CLIENT_ERROR_CODES, codeForStatus, isRetryableCode } from '../../../shared/api/client/codes.ts';
import { outcomeOfEvent, outcomeOfJob } from '../../../shared/api/client/job-outcome.ts';
import { RETRY_DELAYS_MS, retryDelay, withRetries } from '../../../shared/api/client/retry.ts';
import { errorFromAnswer, unwrapAnswer } from '../../../shared/api/client/unwrap.ts';
import { fail, ok } from '../../../shared/api/envelope.ts';
import { ERROR_CODES, type ErrorCode } from '../../../shared/api/errors.ts';

const answer = (status: number, body: string, headers: Record<string, string> = {}) => ({ status, body, header: (n: string) => headers[n.toLowerCase()] ?? null });

describe('retry rule', () => {
  it('follows the catalog: every retryable server code is tried again on the schedule, every other one never', () => {
    for (const code of Object.keys(ERROR_CODES) as ErrorCode[]) {
      const err = new ApiError(code, 'x', ERROR_CODES[code].status);
      expect(retryDelay(err, 0), code).toBe(ERROR_CODES[code].retryable ? RETRY_DELAYS_MS[0] : null);
    }
    expect(retryDelay(new ApiError('INSUFFICIENT_STORAGE', 'disk full', 507), 1)).toBe(RETRY_DELAYS_MS[1]);
    for (const code of Object.keys(CLIENT_ERROR_CODES) as (keyof typeof CLIENT_ERROR_CODES)[]) {
      expect(isRetryableCode(code), code).toBe(CLIENT_ERROR_CODES[code].retryable);
    }
    expect(retryDelay(new Error('not an API error'), 0)).toBeNull();
  });

  it('gives up after the last delay, and honours a longer Retry-After up to the longest wait', () => {
    const busy = (retryAfterMs: number | null) => new ApiError('RATE_LIMITED', 'slow down', 429, undefined, { retryAfterMs });
    expect(retryDelay(busy(null), RETRY_DELAYS_MS.length)).toBeNull();
    expect(retryDelay(busy(20_000), 0)).toBe(20_000);
    expect(retryDelay(busy(500), 1)).toBe(RETRY_DELAYS_MS[1]);
    // A daily cap's Retry-After: waiting that long is no retry; the server's message stands now.
    expect(retryDelay(busy(6 * 3600_000), 0)).toBeNull();
  });

  it('withRetries tries again after retryable failures, not after others, and stops when aborted', async () => {
    let calls = 0;
    await expect(withRetries(async () => {
      calls++;
      if (calls < 3) throw new ApiError('SERVICE_UNAVAILABLE', 'busy', 503);
      return 'in';
    }, { delays: [1, 1, 1] })).resolves.toBe('in');
    expect(calls).toBe(3);

    calls = 0;
    await expect(withRetries(async () => {
      calls++;
      throw new ApiError('UNSUPPORTED_FILE_TYPE', 'no', 415);
    }, { delays: [1, 1] })).rejects.toMatchObject({ code: 'UNSUPPORTED_FILE_TYPE' });
    expect(calls).toBe(1);

    const stop = new AbortController();
    const waiting = withRetries(async () => {
      throw new ApiError('NETWORK_ERROR', 'gone');
    }, { delays: [60_000], signal: stop.signal });
    stop.abort();
    await expect(waiting).rejects.toMatchObject({ code: 'ABORTED' });
  });
});

describe('answers', () => {
  it('unwraps the envelope, and turns an error envelope into its code, status and Retry-After', () => {
    expect(unwrapAnswer(answer(200, JSON.stringify(ok({ a: 1 }))))).toEqual({ a: 1 });
    const err = errorFromAnswer(answer(429, JSON.stringify(fail('RATE_LIMITED', 'Too many uploads today.')), { 'retry-after': '30' }));
    expect(err).toMatchObject({ code: 'RATE_LIMITED', status: 429, message: 'Too many uploads today.', retryAfterMs: 30_000, retryable: true });
  });

  it('gives an answer without an envelope (tus text, a proxy page, a newer code) a code from its status', () => {
    expect(errorFromAnswer(answer(423, 'locked')).code).toBe('UPLOAD_INCOMPLETE');
    expect(errorFromAnswer(answer(415, '')).code).toBe('UNSUPPORTED_FILE_TYPE');
    expect(errorFromAnswer(answer(502, '<html>Bad gateway</html>'))).toMatchObject({ code: 'BAD_RESPONSE', status: 502 });
    expect(errorFromAnswer(answer(503, JSON.stringify({ status: 'error', data: null, error: { code: 'SOMETHING_NEW', message: 'A newer server.' } }))))
      .toMatchObject({ code: 'SERVICE_UNAVAILABLE', message: 'A newer server.' });
    expect(codeForStatus(200)).toBe('BAD_RESPONSE');
  });
});

describe('job outcome', () => {
  const job = { progress: 40, stage: 'reading text', error: null };
  it('maps job statuses and live events to progress or one settled state', () => {
    expect(outcomeOfJob({ ...job, status: 'queued' })).toEqual({ settled: false, progress: 40, stage: 'reading text' });
    expect(outcomeOfJob({ ...job, status: 'completed' })).toEqual({ settled: true, state: 'completed', error: null });
    expect(outcomeOfJob({ ...job, status: 'failed', error: { code: 'CORRUPT_FILE', message: 'Damaged.' } }))
      .toEqual({ settled: true, state: 'failed', error: { code: 'CORRUPT_FILE', message: 'Damaged.' } });
    expect(outcomeOfJob({ ...job, status: 'failed' })).toMatchObject({ state: 'failed', error: { code: 'PROCESSING_FAILED' } });
    expect(outcomeOfJob({ ...job, status: 'cancelled' })).toMatchObject({ state: 'cancelled', error: { code: 'CANCELLED' } });
    expect(outcomeOfEvent({ ...job, status: 'pending' })).toMatchObject({ settled: false });
    expect(outcomeOfEvent({ ...job, status: 'processing', deleted: true })).toMatchObject({ state: 'cancelled' });
  });
});
