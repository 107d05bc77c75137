/**
 * Scale-out: cloud mode's process split on the real engine. A real PostgreSQL 15 + pgvector server
 * (test/helpers/postgres.ts) and the real processes, `node bin/trove.js serve --role api|worker`,
 * sharing one database and one data dir (local storage: the store every process of this machine can
 * reach; GCS is only reachable through a fake here, which would put its own cost into the figures).
 * The same work is measured twice, on a fresh database each time: 1 API + 1 worker, then
 * 2 API + 2 worker processes, with the default offline models (USE-lite for text, the vision models
 * for photos) and the default TROVE_CONCURRENCY (the core count) per worker.
 *
 * Per configuration: a warm-up (each model loaded once), then distinct photos and notes uploaded by
 * 8 clients round-robin over the API processes (uploads/s until the last is accepted; files
 * processed/s until the last is completed), then distinct searches from 8 clients round-robin
 * (p50/p95, answered/s). During each phase: CPU seconds of every Trove process (with its ffmpeg,
 * tesseract… children) and of PostgreSQL (postmaster and backends), the machine's busy share, and
 * what the database's active backends were doing (pg_stat_activity sampled every 250 ms).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { freePort, postgres15Missing, startPostgres15, type TestPostgres } from '../test/helpers/postgres.ts';
import { TOPICS } from './corpus.ts';
import { photoJpeg } from './fixtures.ts';
import {
  BENCH_TOKEN, ROOT, lessThroughput, log, percentile, procMemory, round, sleep, slower, tempDir, waitFor,
  type BenchOptions, type Row, type SectionResult,
} from './lib.ts';

const CLIENTS = 8;
const SIZES = { quick: { photos: 8, notes: 16, searches: 48 }, full: { photos: 12, notes: 36, searches: 160 } };

interface TroveProcess { name: string; role: 'api' | 'worker'; child: ChildProcess; url: string }

interface Config { apis: number; workers: number }

// ---------------------------------------------------------------------------------------------
// CPU accounting from /proc (Linux).

const TICKS = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

interface ProcStat { pid: number; ppid: number; ticks: number }

/** Every process's parent and CPU ticks: own (utime + stime) plus its reaped children's (cutime + cstime). */
async function allStats(): Promise<Map<number, ProcStat>> {
  const out = new Map<number, ProcStat>();
  for (const entry of await fs.readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const raw = await fs.readFile(`/proc/${entry}/stat`, 'utf8').catch(() => undefined);
    if (!raw) continue;
    // The command name (field 2) may hold spaces; fields after its closing parenthesis are plain.
    const f = raw.slice(raw.lastIndexOf(')') + 2).split(' ');
    out.set(Number(entry), { pid: Number(entry), ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]) });
  }
  return out;
}

/** CPU seconds used so far by `root` and every live descendant (dead, reaped ones are in their parent's cutime). */
function treeSeconds(stats: Map<number, ProcStat>, root: number): number {
  const children = new Map<number, number[]>();
  for (const s of stats.values()) children.set(s.ppid, [...(children.get(s.ppid) ?? []), s.pid]);
  let ticks = 0;
  const stack = [root];
  while (stack.length) {
    const pid = stack.pop()!;
    ticks += stats.get(pid)?.ticks ?? 0;
    stack.push(...(children.get(pid) ?? []));
  }
  return ticks / TICKS;
}

/** The machine's busy and total CPU seconds so far (all cores). */
async function machineSeconds(): Promise<{ busy: number; total: number }> {
  const line = (await fs.readFile('/proc/stat', 'utf8')).split('\n')[0]!;
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  const total = v.slice(0, 8).reduce((a, b) => a + b, 0);
  return { busy: (total - v[3]! - v[4]!) / TICKS, total: total / TICKS };
}

/** The postmaster of the cluster listening on `port`. */
async function postmasterPid(port: number): Promise<number> {
  for (const entry of await fs.readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cmd = await fs.readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    const args = cmd.split('\0');
    if (args[0]?.endsWith('/postgres') && args.join(' ').includes(`-p ${port}`)) return Number(entry);
  }
  throw new Error(`no postmaster found for port ${port}`);
}

interface PhaseUsage {
  seconds: number;
  /** CPU seconds per process name ('api1', 'worker1', … 'postgres'). */
  cpu: Record<string, number>;
  /** Busy share of the whole machine, 0–1 (of all its cores). */
  machineBusy: number;
  /** Average number of active database backends, by what they waited on ('CPU' = not waiting). */
  pgActive: Record<string, number>;
}

/** Measures one phase: CPU of each process tree and pg_stat_activity samples, between start() and stop(). */
function phaseMeter(procs: TroveProcess[], pgPid: number, pool: pg.Pool) {
  const roots = [...procs.map((p) => ({ name: p.name, pid: p.child.pid! })), { name: 'postgres', pid: pgPid }];
  const snapshot = async () => {
    const stats = await allStats();
    return { at: performance.now(), machine: await machineSeconds(), cpu: Object.fromEntries(roots.map((r) => [r.name, treeSeconds(stats, r.pid)])) };
  };
  const waits = new Map<string, number>();
  let samples = 0;
  let running = true;
  const sampler = (async () => {
    while (running) {
      const { rows } = await pool.query<{ w: string; n: string }>(
        `SELECT coalesce(wait_event_type || ':' || wait_event, 'CPU') AS w, count(*) AS n FROM pg_stat_activity
          WHERE datname = current_database() AND state = 'active' AND pid <> pg_backend_pid() GROUP BY 1`);
      samples++;
      for (const r of rows) waits.set(r.w, (waits.get(r.w) ?? 0) + Number(r.n));
      await sleep(250);
    }
  })();
  const first = snapshot();
  return {
    async stop(): Promise<PhaseUsage> {
      running = false;
      await sampler;
      const [a, b] = [await first, await snapshot()];
      const machine = (b.machine.busy - a.machine.busy) / Math.max(1e-9, b.machine.total - a.machine.total);
      return {
        seconds: round((b.at - a.at) / 1000, 2),
        cpu: Object.fromEntries(roots.map((r) => [r.name, round(b.cpu[r.name]! - a.cpu[r.name]!, 2)])),
        machineBusy: round(machine, 3),
        pgActive: Object.fromEntries([...waits].sort((x, y) => y[1] - x[1]).map(([w, n]) => [w, round(n / Math.max(1, samples), 2)])),
      };
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The processes and the client side.

async function spawnTrove(name: string, role: 'api' | 'worker', env: Record<string, string>, logDir: string): Promise<TroveProcess> {
  const port = await freePort();
  const logFile = await fs.open(path.join(logDir, `${name}.log`), 'a');
  const child = spawn(process.execPath, [path.join(ROOT, 'bin/trove.js'), 'serve', '--role', role], {
    cwd: ROOT,
    env: { ...process.env, ...env, PORT: String(port), LOG_LEVEL: 'warn', TROVE_SHUTDOWN_GRACE_MS: '2000' },
    stdio: ['ignore', logFile.fd, logFile.fd],
  });
  child.once('exit', () => void logFile.close());
  const url = `http://127.0.0.1:${port}`;
  await waitFor(`${name} to be healthy`, async () => {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}; see ${path.join(logDir, `${name}.log`)}`);
    return (await fetch(`${url}/api/v1/health`).then((r) => r.ok, () => false)) ? true : undefined;
  }, 240_000, 250);
  return { name, role, child, url };
}

async function stopTrove(p: TroveProcess): Promise<void> {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return;
  const gone = new Promise((r) => p.child.once('exit', r));
  p.child.kill('SIGTERM');
  const timer = setTimeout(() => p.child.kill('SIGKILL'), 20_000);
  await gone;
  clearTimeout(timer);
}

const auth = { authorization: `Bearer ${BENCH_TOKEN}` };

async function upload(api: TroveProcess, body: Buffer, filename: string): Promise<void> {
  const form = new FormData();
  form.set('file', new Blob([body]), filename);
  const res = await fetch(`${api.url}/api/v1/upload`, { method: 'POST', body: form, headers: auth });
  if (res.status !== 202) throw new Error(`upload ${filename} to ${api.name}: ${res.status} ${await res.text()}`);
  await res.arrayBuffer();
}

async function search(api: TroveProcess, query: string): Promise<number> {
  const started = performance.now();
  const res = await fetch(`${api.url}/api/v1/search`, {
    method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ query, limit: 20 }),
  });
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`search on ${api.name}: ${res.status}`);
  return performance.now() - started;
}

/** `count` tasks run by CLIENTS workers; task i goes to API process i mod n (round-robin). */
async function roundRobin(count: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: CLIENTS }, async () => {
    while (next < count) await task(next++);
  }));
}

/** A note with words of two topics, distinct per `i` (the same bytes twice would be a duplicate, not work). */
const note = (i: number): Buffer => Buffer.from(
  `Note ${i}: ${TOPICS[i % TOPICS.length]}. Also about the ${TOPICS[(i * 7 + 3) % TOPICS.length]}.\n${'Written down to find it again later. '.repeat(1 + (i % 5))}\n`);

async function finished(pool: pg.Pool): Promise<{ done: number; failed: number }> {
  const { rows } = await pool.query<{ done: string; failed: string }>(
    `SELECT count(*) FILTER (WHERE processing_status IN ('completed', 'failed')) AS done,
            count(*) FILTER (WHERE processing_status = 'failed') AS failed FROM uploads`);
  return { done: Number(rows[0]!.done), failed: Number(rows[0]!.failed) };
}

interface ConfigResult {
  config: Config;
  uploadsPerSec: number;
  processedPerSec: number;
  failed: number;
  searchP50: number;
  searchP95: number;
  searchesPerSec: number;
  ingest: PhaseUsage;
  searching: PhaseUsage;
  rssMb: Record<string, number>;
  /** The machine's 1-minute load average when the configuration started: other work shares these cores. */
  loadAtStart: number;
}

async function runConfig(config: Config, db: TestPostgres, pgPid: number, sizes: typeof SIZES.full, seedBase: number): Promise<ConfigResult> {
  const { dir, remove } = await tempDir(`scaleout-${config.apis}x${config.workers}`);
  const url = await db.createDatabase();
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  const procs: TroveProcess[] = [];
  let ok = false;
  const loadAtStart = round(os.loadavg()[0]!, 1);
  try {
    const env = { DATABASE_URL: url, TROVE_DATA_DIR: path.join(dir, 'data'), TROVE_TOKEN: BENCH_TOKEN };
    log(`scaleout: starting ${config.apis} API + ${config.workers} worker processes`);
    // The first process migrates the new database; the others start together, as a deployment's instances do.
    procs.push(await spawnTrove('api1', 'api', env, dir));
    procs.push(...await Promise.all([
      ...Array.from({ length: config.apis - 1 }, (_, i) => spawnTrove(`api${i + 2}`, 'api', env, dir)),
      ...Array.from({ length: config.workers }, (_, i) => spawnTrove(`worker${i + 1}`, 'worker', env, dir)),
    ]));
    const apis = procs.filter((p) => p.role === 'api');
    const photos = await Promise.all(Array.from({ length: sizes.photos + 2 * config.workers }, (_, i) => photoJpeg(640, 480, seedBase + i, 85)));

    // Warm-up: each worker's models and each API's query model load once, outside the measurement.
    const warm = 2 * config.workers;
    await roundRobin(warm, (i) => upload(apis[i % apis.length]!, photos[sizes.photos + i]!, `warm-${i}.jpg`));
    await roundRobin(warm, (i) => upload(apis[i % apis.length]!, note(seedBase + 10_000 + i), `warm-${i}.txt`));
    await waitFor('the warm-up files to be processed', async () => ((await finished(pool)).done >= 2 * warm ? true : undefined), 300_000, 500);
    for (const api of apis) for (let i = 0; i < 3; i++) await search(api, `warm up ${TOPICS[i]}`);

    log(`scaleout: ${sizes.photos} photos + ${sizes.notes} notes from ${CLIENTS} clients`);
    const total = sizes.photos + sizes.notes;
    const ingestMeter = phaseMeter(procs, pgPid, pool);
    const started = performance.now();
    // Photos and notes interleaved, so both kinds of work run through the whole phase.
    await roundRobin(total, async (i) => {
      const api = apis[i % apis.length]!;
      const k = Math.floor(i / 3);
      if (i % 3 === 0 && k < sizes.photos) await upload(api, photos[k]!, `photo-${i}.jpg`);
      else await upload(api, note(seedBase + i), `note-${i}.txt`);
    });
    const acceptedS = (performance.now() - started) / 1000;
    const expected = 2 * warm + total;
    await waitFor('every upload to be processed', async () => ((await finished(pool)).done >= expected ? true : undefined), 900_000, 250);
    const processedS = (performance.now() - started) / 1000;
    const ingest = await ingestMeter.stop();
    const { failed } = await finished(pool);

    log(`scaleout: ${sizes.searches} searches from ${CLIENTS} clients`);
    const searchMeter = phaseMeter(procs, pgPid, pool);
    const times: number[] = [];
    const searchStarted = performance.now();
    // Distinct queries: a repeated one could be answered from an API process's search cache.
    await roundRobin(sizes.searches, async (i) => {
      times.push(await search(apis[i % apis.length]!, `${TOPICS[i % TOPICS.length]} ${TOPICS[(i * 5 + 1) % TOPICS.length]} ${seedBase + i}`));
    });
    const searchS = (performance.now() - searchStarted) / 1000;
    const searching = await searchMeter.stop();
    const rssMb: Record<string, number> = {};
    for (const p of procs) rssMb[p.name] = round((await procMemory(p.child.pid!))?.rssMb ?? NaN);
    ok = true;
    return {
      config, uploadsPerSec: total / acceptedS, processedPerSec: total / processedS, failed,
      searchP50: percentile(times, 50), searchP95: percentile(times, 95), searchesPerSec: sizes.searches / searchS,
      ingest, searching, rssMb, loadAtStart,
    };
  } finally {
    await Promise.all(procs.map(stopTrove));
    await pool.end();
    // On failure the processes' logs stay for reading.
    if (ok) await remove();
    else log(`scaleout: logs kept in ${dir}`);
  }
}

/** "api 0.41, worker 1.32, postgres 0.25 cores": CPU seconds per role over the phase, as cores kept busy. */
function coresByRole(u: PhaseUsage): string {
  const sum = (prefix: string) => Object.entries(u.cpu).filter(([n]) => n.startsWith(prefix)).reduce((s, [, v]) => s + v, 0);
  const cores = (prefix: string) => round(sum(prefix) / u.seconds, 2);
  const waits = Object.entries(u.pgActive).slice(0, 3).map(([w, n]) => `${w} ${n}`).join(', ') || 'none';
  return `cores busy: API ${cores('api')}, workers ${cores('worker')}, PostgreSQL ${cores('postgres')}; machine ${Math.round(u.machineBusy * 100)} % of its cores; `
    + `active DB backends on average: ${waits}`;
}

export async function scaleOutBench(opts: BenchOptions): Promise<SectionResult> {
  const missing = await postgres15Missing();
  if (missing) throw new Error(missing);
  const sizes = opts.quick ? SIZES.quick : SIZES.full;
  const db = await startPostgres15();
  try {
    const pgPid = await postmasterPid(Number(new URL(db.url).port));
    const one = await runConfig({ apis: 1, workers: 1 }, db, pgPid, sizes, 1_000);
    const two = await runConfig({ apis: 2, workers: 2 }, db, pgPid, sizes, 50_000);
    const label = (c: Config) => `${c.apis} API + ${c.workers} worker${c.workers > 1 ? 's' : ''}`;
    const base = label(one.config);
    const files = `${sizes.photos} photos + ${sizes.notes} notes`;
    const rows: Row[] = [];
    const rate = (name: string, key: 'uploadsPerSec' | 'processedPerSec' | 'searchesPerSec', unit: string, note: (r: ConfigResult) => string) => {
      rows.push({ section: 'scaleout', name: `${name}, ${base}`, value: round(one[key], 2), unit, note: note(one) });
      rows.push({
        section: 'scaleout', name: `${name}, ${label(two.config)}`, value: round(two[key], 2), unit,
        baseline: { name: base, value: round(one[key], 2) }, ratio: round(lessThroughput(two[key], one[key]), 2), note: note(two),
      });
    };
    rate('uploads accepted per second', 'uploadsPerSec', '/s', (r) => `${files}, ${CLIENTS} clients round-robin over the API processes; load average ${r.loadAtStart} at start`);
    rate('files processed per second', 'processedPerSec', '/s', (r) => `first upload to last completed; ${r.failed} failed; ${coresByRole(r.ingest)}`);
    rows.push({ section: 'scaleout', name: `search p95, ${base}`, value: round(one.searchP95), unit: 'ms', note: `p50 ${round(one.searchP50)} ms; ${coresByRole(one.searching)}` });
    rows.push({
      section: 'scaleout', name: `search p95, ${label(two.config)}`, value: round(two.searchP95), unit: 'ms',
      baseline: { name: base, value: round(one.searchP95) }, ratio: round(slower(two.searchP95, one.searchP95), 2),
      note: `p50 ${round(two.searchP50)} ms; ${coresByRole(two.searching)}`,
    });
    rate('searches answered per second', 'searchesPerSec', '/s', () => `${sizes.searches} distinct queries, ${CLIENTS} clients round-robin, after processing finished`);
    // CPU seconds per unit of work barely depend on what else runs on the machine (unlike rates on a
    // shared 2-core box): they show which process a file or a search costs most in, i.e. what to add next.
    const perUnit = (name: string, phase: 'ingest' | 'searching', prefix: string, units: number, unit: string) => {
      const cost = (r: ConfigResult) => Object.entries(r[phase].cpu).filter(([n]) => n.startsWith(prefix)).reduce((a, [, v]) => a + v, 0) / units;
      rows.push({ section: 'scaleout', name: `${name}, ${base}`, value: round(cost(one) * 1000), unit });
      rows.push({
        section: 'scaleout', name: `${name}, ${label(two.config)}`, value: round(cost(two) * 1000), unit,
        baseline: { name: base, value: round(cost(one) * 1000) }, ratio: round(slower(cost(two), cost(one)), 2),
      });
    };
    const total = sizes.photos + sizes.notes;
    perUnit('worker CPU per file processed', 'ingest', 'worker', total, 'ms');
    perUnit('PostgreSQL CPU per file processed', 'ingest', 'postgres', total, 'ms');
    perUnit('API CPU per file uploaded', 'ingest', 'api', total, 'ms');
    perUnit('API CPU per search', 'searching', 'api', sizes.searches, 'ms');
    perUnit('PostgreSQL CPU per search', 'searching', 'postgres', sizes.searches, 'ms');
    return { rows, details: { one, two, sizes, clients: CLIENTS } };
  } finally {
    await db.stop();
  }
}
