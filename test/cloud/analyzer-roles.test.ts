/**
 * Who describes a file is chosen by configuration alone. Each configuration starts the real
 * `trove serve` processes (`--role api` + `--role worker`, and `--role all`) on a real PostgreSQL 15
 * + pgvector server, with the real SDKs pointed at local fakes of Gemini and OpenAI, and checks
 * through the API which analyzer wrote each file's summary, what it cost, and what never left the
 * machine.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Upload, Usage } from '../../shared/api/schemas.ts';
import { startFakeGemini, type FakeGemini } from '../fakes/gemini-server.ts';
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/openai-server.ts';
import { pdfWithText, png } from '../helpers/media.ts';
import { startPostgres15, type TestPostgres } from '../helpers/postgres.ts';
import { startServeProcess, type ServeProcess } from '../helpers/serve-process.ts';

const TOKEN = 'analyzer-roles-token-0123456789';

let pg: TestPostgres;
let gemini: FakeGemini;
let openai: FakeOpenAI;
const running: ServeProcess[] = [];
const dirs: string[] = [];

beforeAll(async () => {
  [pg, gemini, openai] = await Promise.all([startPostgres15(), startFakeGemini({ processingPolls: 0 }), startFakeOpenAI()]);
});

afterAll(async () => {
  await Promise.all(running.map((p) => p.kill('SIGTERM')));
  await Promise.all([gemini?.close(), openai?.close(), pg?.stop()]);
  await Promise.all(dirs.map((d) => fs.rm(d, { recursive: true, force: true })));
});

/** A fresh database on the one server and a fresh data dir: one deployment. */
async function deployment(name: string): Promise<Record<string, string>> {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), `trove-${name}-`));
  dirs.push(dataDir);
  return {
    DATABASE_URL: await pg.createDatabase(), TROVE_DATA_DIR: dataDir, TROVE_TOKEN: TOKEN,
    TROVE_EMBEDDER: 'hash', TROVE_BUDGET_SWEEP_S: '1', TROVE_CONCURRENCY: '2',
  };
}

const GEMINI = () => ({ GEMINI_API_KEY: gemini.apiKey, GEMINI_BASE_URL: gemini.url });
const OPENAI_EMBEDDINGS = () => ({ OPENAI_API_KEY: openai.apiKey, OPENAI_BASE_URL: openai.url });

async function serve(env: Record<string, string>, role: 'api' | 'worker' | 'all'): Promise<ServeProcess> {
  const proc = await startServeProcess(env, { args: ['--role', role] });
  running.push(proc);
  return proc;
}

async function stop(proc: ServeProcess): Promise<void> {
  await proc.kill('SIGTERM');
  running.splice(running.indexOf(proc), 1);
}

async function api<T>(base: string, pathname: string, init: RequestInit = {}): Promise<T> {
  const res = await fetch(`${base}/api/v1${pathname}`, { ...init, headers: { authorization: `Bearer ${TOKEN}`, ...init.headers } });
  const body = (await res.json()) as { data: T; error: unknown };
  if (!res.ok) throw new Error(`${pathname}: ${res.status} ${JSON.stringify(body.error)}`);
  return body.data;
}

async function upload(base: string, bytes: Buffer, name: string, metadata?: Record<string, unknown>): Promise<string> {
  const form = new FormData();
  if (metadata) form.set('metadata', JSON.stringify(metadata));
  form.set('file', new Blob([new Uint8Array(bytes)]), name);
  return (await api<{ upload_id: string }>(base, '/upload', { method: 'POST', body: form })).upload_id;
}

async function settled(base: string, id: string, until: (u: Upload) => boolean = (u) => u.processing_status === 'completed' || u.processing_status === 'failed'): Promise<Upload & { extracted_text: string | null }> {
  const deadline = Date.now() + 90_000;
  for (;;) {
    const u = await api<Upload & { extracted_text: string | null }>(base, `/file/${id}/metadata`);
    if (until(u)) return u;
    if (Date.now() > deadline) throw new Error(`upload ${id} did not settle: ${JSON.stringify(u)}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

describe('Gemini + OpenAI embeddings, API and workers as separate processes', () => {
  let apiProc: ServeProcess;
  let workers: ServeProcess[];

  beforeAll(async () => {
    const env = { ...(await deployment('gemini_split')), ...GEMINI(), ...OPENAI_EMBEDDINGS() };
    apiProc = await serve(env, 'api');
    // Two workers compete for every job: each file must still reach Gemini exactly once.
    workers = await Promise.all([serve(env, 'worker'), serve(env, 'worker')]);
  });

  /** Sum of one Prometheus series over both workers (each process counts only its own calls). */
  async function workerMetric(series: RegExp): Promise<number> {
    let sum = 0;
    for (const w of workers) {
      const text = await (await fetch(`${w.url}/api/v1/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).text();
      for (const line of text.split('\n')) if (series.test(line)) sum += Number(line.split(' ').pop());
    }
    return sum;
  }

  it('Gemini writes every new file\'s summary, once per file, and /usage counts its tokens and cost', async () => {
    const before = gemini.generateCalls().length;
    const files = await Promise.all([
      upload(apiProc.url, await png(11, 96), 'harbour-lighthouse.png'),
      upload(apiProc.url, await pdfWithText(['Invoice 2041 from Northwind Traders', 'Total due: 1,280.50 EUR by 14 March 2026']), 'northwind-invoice.pdf'),
      upload(apiProc.url, await png(12, 96), 'garden-tulips.png'),
    ]);
    const done = await Promise.all(files.map((id) => settled(apiProc.url, id)));
    for (const u of done) {
      expect(u.processing_status).toBe('completed');
      expect(u.analyzer).toBe('gemini');
      expect(u.cloud_status).toBe('done');
      // The fake model's own words: the summary shown is Gemini's, not the offline one.
      expect(u.summary).toMatch(/^A (image|document) about /);
      expect(u.cost_usd).toBeGreaterThan(0);
      expect(u.embedding_model).toBe('openai:text-embedding-3-small-1536');
    }
    expect(gemini.generateCalls().length - before).toBe(files.length);
    // Describing a file needs no thinking: Flash models are asked for none (thinking is billed as output).
    const config = (gemini.generateCalls().at(-1)!.body as { generationConfig?: { thinkingConfig?: { thinkingBudget?: number } } }).generationConfig;
    expect(config?.thinkingConfig?.thinkingBudget).toBe(0);
    // Grounding: the document's exact text went into the prompt and is indexed whatever the model said.
    const invoice = done[1]!;
    expect(invoice.extracted_text).toContain('Northwind Traders');
    expect(gemini.mentions('1,280.50 EUR')).toBe(true);

    const usage = await api<Usage>(apiProc.url, '/usage');
    expect(usage.total.input_tokens).toBeGreaterThan(0);
    expect(usage.total.output_tokens).toBeGreaterThan(0);
    expect(usage.total.cost_usd).toBeCloseTo(done.reduce((s, u) => s + u.cost_usd, 0), 5);
    expect(usage.by_model.map((m) => m.model).sort()).toEqual(['gemini-2.5-flash', 'text-embedding-3-small']);
    expect(usage.by_file_type.find((t) => t.file_type === 'image')?.calls).toBeGreaterThanOrEqual(4); // 2 files × (analysis + embedding)
    expect(usage.budget.daily_usd).toBeNull();
    expect(usage.paid_models.sort()).toEqual(['gemini-2.5-flash', 'text-embedding-3-small']);
    // Prometheus: the workers' counters add up to the same dollars and tokens.
    const analysisUsd = usage.by_model.find((m) => m.model === 'gemini-2.5-flash')!.cost_usd;
    expect(await workerMetric(/^trove_ai_cost_usd_total\{model="gemini-2.5-flash",kind="analysis"\}/)).toBeCloseTo(analysisUsd, 5);
    expect(await workerMetric(/^trove_ai_tokens_total\{model="gemini-2.5-flash",kind="analysis",direction="input"\}/))
      .toBe(usage.by_model.find((m) => m.model === 'gemini-2.5-flash')!.input_tokens);
  });

  it('a "keep on this device" file reaches neither Gemini nor the embeddings endpoint, and is still found', async () => {
    const secret = 'quixotic-zebrafish-ledger';
    const id = await upload(apiProc.url, await pdfWithText([`Private notes: ${secret}`, 'Account balance 9931']), `${secret}.pdf`, { keep_local: true });
    const u = await settled(apiProc.url, id);
    expect(u).toMatchObject({ processing_status: 'completed', analyzer: 'offline', cloud_status: 'kept_local', keep_local: true, cost_usd: 0 });
    expect(u.embedding_model).toBe('hash-256');
    expect(gemini.mentions(secret)).toBe(false);
    expect(gemini.mentions('9931')).toBe(false);
    expect(openai.mentions(secret)).toBe(false);
    expect(openai.mentions('9931')).toBe(false);
    // Found by its words; the query is embedded in both vector spaces the library now uses.
    const found = await api<{ results: { upload_id: string; keep_local: boolean; cloud_status: string | null }[] }>(apiProc.url, '/search', {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: 'zebrafish ledger' }),
    });
    expect(found.results.find((r) => r.upload_id === id)).toMatchObject({ keep_local: true, cloud_status: 'kept_local' });
  });
});

describe('Gemini in one process (--role all), with a daily budget', () => {
  it('a budget of zero keeps files offline and awaiting_budget; once budget is available they are re-analysed by Gemini', async () => {
    const env = { ...(await deployment('gemini_budget')), ...GEMINI() };
    const broke = await serve({ ...env, TROVE_USER_DAILY_BUDGET_USD: '0' }, 'all');
    const before = gemini.generateCalls().length;
    const id = await upload(broke.url, await png(21, 96), 'mountain-lake.png');
    const waiting = await settled(broke.url, id);
    expect(waiting).toMatchObject({ processing_status: 'completed', analyzer: 'offline', cloud_status: 'awaiting_budget', cost_usd: 0 });
    expect(waiting.cloud_reason).toMatch(/daily AI budget/);
    expect(gemini.generateCalls().length).toBe(before);
    const usage = await api<Usage>(broke.url, '/usage');
    expect(usage.budget).toMatchObject({ daily_usd: 0, awaiting_budget: 1 });
    await stop(broke);

    // The same deployment with budget: the sweep hands the waiting file to Gemini.
    const funded = await serve({ ...env, TROVE_USER_DAILY_BUDGET_USD: '5' }, 'all');
    const described = await settled(funded.url, id, (u) => u.cloud_status !== 'awaiting_budget');
    expect(described).toMatchObject({ analyzer: 'gemini', cloud_status: 'done', cloud_reason: null });
    expect(described.summary).toMatch(/^A image about mountain lake/);
    expect(described.cost_usd).toBeGreaterThan(0);
    expect(gemini.generateCalls().length).toBe(before + 1);
    // A new file in --role all goes to Gemini directly.
    const next = await settled(funded.url, await upload(funded.url, await png(22, 96), 'city-bridge.png'));
    expect(next).toMatchObject({ analyzer: 'gemini', cloud_status: 'done' });
    await stop(funded);
  });

  it('a safety block is final: the offline description stays, with the reason in the file\'s details', async () => {
    const env = { ...(await deployment('gemini_blocked')), ...GEMINI() };
    const proc = await serve(env, 'all');
    gemini.fail('safety', 1, 'generate');
    const u = await settled(proc.url, await upload(proc.url, await png(23, 96), 'beach-towel.png'));
    gemini.clearFaults();
    expect(u).toMatchObject({ processing_status: 'completed', analyzer: 'offline', cloud_status: 'blocked' });
    expect(u.cloud_reason).toMatch(/SAFETY/);
    expect(u.summary).not.toMatch(/^A image about/);

    // A malformed answer is retried, and the tokens it was billed for are counted all the same.
    const usageBefore = await api<Usage>(proc.url, '/usage');
    gemini.fail('not-json', 1, 'generate');
    const retried = await settled(proc.url, await upload(proc.url, await png(24, 96), 'sea-kite.png'));
    gemini.clearFaults();
    expect(retried).toMatchObject({ processing_status: 'completed', analyzer: 'gemini', cloud_status: 'done' });
    const usageAfter = await api<Usage>(proc.url, '/usage');
    const analysisCalls = (u: Usage) => u.by_model.find((m) => m.model === 'gemini-2.5-flash')?.calls ?? 0;
    expect(analysisCalls(usageAfter) - analysisCalls(usageBefore)).toBe(2);
    expect(usageAfter.total.cost_usd).toBeGreaterThan(usageBefore.total.cost_usd + retried.cost_usd);
    await stop(proc);
  });
});

describe('an OpenAI-compatible chat model (OPENAI_ANALYSIS_MODEL)', () => {
  it.each(['split', 'all'] as const)('writes the summaries (%s)', async (shape) => {
    const env = { ...(await deployment(`openai_${shape}`)), ...OPENAI_EMBEDDINGS(), OPENAI_ANALYSIS_MODEL: 'gpt-4o-mini' };
    const procs = shape === 'all' ? [await serve(env, 'all')] : [await serve(env, 'api'), await serve(env, 'worker')];
    const before = openai.chatCalls().length;
    const u = await settled(procs[0]!.url, await upload(procs[0]!.url, await png(31, 96), `red-kayak-${shape}.png`));
    expect(u).toMatchObject({ processing_status: 'completed', analyzer: 'openai-chat', cloud_status: 'done' });
    expect(u.summary).toMatch(/^A image about red kayak/);
    expect(u.cost_usd).toBeGreaterThan(0);
    expect(openai.chatCalls().length - before).toBe(1);
    for (const p of procs) await stop(p);
  });
});

describe('no cloud model configured', () => {
  it.each(['split', 'all'] as const)('the offline models write the summaries (%s)', async (shape) => {
    const env = await deployment(`offline_${shape}`);
    const procs = shape === 'all' ? [await serve(env, 'all')] : [await serve(env, 'api'), await serve(env, 'worker')];
    const geminiBefore = gemini.requests.length;
    const openaiBefore = openai.requests.length;
    const u = await settled(procs[0]!.url, await upload(procs[0]!.url, await png(41, 96), `paper-boat-${shape}.png`));
    expect(u).toMatchObject({ processing_status: 'completed', analyzer: 'offline', cloud_status: 'not_configured', cost_usd: 0 });
    expect(u.summary).toMatch(/^(Picture|Image|PNG)/i);
    expect(gemini.requests.length).toBe(geminiBefore);
    expect(openai.requests.length).toBe(openaiBefore);
    for (const p of procs) await stop(p);
  });
});
