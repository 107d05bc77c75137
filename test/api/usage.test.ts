/**
 * GET /usage and PUT /usage/budget through the API, in both modes. No paid model runs in this
 * suite (test/cloud/analyzer-roles.test.ts covers that): here the report's shape, its defaults,
 * a user's own caps, and bad input.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Usage } from '../../shared/api/schemas.ts';
import { accept, call } from '../helpers/http.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

let s: TestServer;
const today = () => new Date().toISOString().slice(0, 10);
const firstOfMonth = () => `${today().slice(0, 8)}01`;
const put = (body: unknown, code?: string) => call<Usage>(s, '/api/v1/usage/budget', {
  method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), ...(code ? { code } : {}),
});

beforeAll(async () => {
  s = await startTestServer();
});
afterAll(async () => {
  await s?.close();
});

describe('GET /usage', () => {
  it('reports this month by default: nothing spent without paid models, and files processed offline cost nothing', async () => {
    const { uploadId } = await accept(s, Buffer.from('Usage test: a note about harbour tides.\n'), 'tides.txt');
    const done = await s.waitForUpload(uploadId);
    expect(done).toMatchObject({ analyzer: 'offline', cloud_status: 'not_configured', cost_usd: 0, keep_local: false });
    const res = await call<Usage>(s, '/api/v1/usage');
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({
      from: firstOfMonth(), to: today(),
      total: { input_tokens: 0, output_tokens: 0, cost_usd: 0, calls: 0 },
      by_day: [], by_model: [], by_file_type: [],
      budget: { daily_usd: null, monthly_usd: null, spent_today_usd: 0, spent_this_month_usd: 0, awaiting_budget: 0 },
      prices_read: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
      paid_models: [],
    });
  });

  it('takes a date range and refuses nonsense with VALIDATION_ERROR', async () => {
    expect((await call<Usage>(s, '/api/v1/usage?from=2026-01-01&to=2026-01-31')).body.data).toMatchObject({ from: '2026-01-01', to: '2026-01-31' });
    await call(s, '/api/v1/usage?from=yesterday', { code: 'VALIDATION_ERROR' });
    await call(s, '/api/v1/usage?from=2026-03-01&to=2026-02-01', { code: 'VALIDATION_ERROR' });
    await call(s, '/api/v1/usage?from=2020-01-01&to=2026-01-01', { code: 'VALIDATION_ERROR' });
  });

  it('is the caller\'s own: another user sees none of it', async () => {
    await put({ daily_usd: 1.25, monthly_usd: null });
    const other = await call<Usage>(s, '/api/v1/usage', { token: s.otherToken });
    expect(other.body.data.budget.daily_usd).toBeNull();
    await put({ daily_usd: null, monthly_usd: null });
  });
});

describe('PUT /usage/budget', () => {
  it('sets the caller\'s own caps and answers with the report; null goes back to the default', async () => {
    const set = await put({ daily_usd: 0.5, monthly_usd: 10 });
    expect(set.status).toBe(200);
    expect(set.body.data.budget).toMatchObject({ daily_usd: 0.5, monthly_usd: 10 });
    expect((await call<Usage>(s, '/api/v1/usage')).body.data.budget).toMatchObject({ daily_usd: 0.5, monthly_usd: 10 });
    expect((await put({ daily_usd: null, monthly_usd: null })).body.data.budget).toMatchObject({ daily_usd: null, monthly_usd: null });
  });

  it.each([
    [{ daily_usd: -1, monthly_usd: null }],
    [{ daily_usd: 'lots', monthly_usd: null }],
    [{ daily_usd: 1 }],
    [{ daily_usd: 1, monthly_usd: 2, weekly_usd: 3 }],
  ])('refuses %j with VALIDATION_ERROR', async (body) => {
    await put(body, 'VALIDATION_ERROR');
  });
});

describe('keep_local in the upload metadata', () => {
  it('is stored on the upload and shown; a non-boolean is refused before anything is stored', async () => {
    const { uploadId } = await accept(s, Buffer.from('A private diary entry about the lake house.\n'), 'diary.txt', { metadata: JSON.stringify({ keep_local: true }) });
    expect(await s.waitForUpload(uploadId)).toMatchObject({ keep_local: true, analyzer: 'offline', cloud_status: 'kept_local', cost_usd: 0 });
    const refused = await s.upload(Buffer.from('another note\n'), 'note.txt', { metadata: JSON.stringify({ keep_local: 'yes' }) });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({ code: 'VALIDATION_ERROR', message: expect.stringMatching(/keep_local/) });
  });
});
