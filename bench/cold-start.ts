/**
 * Cold start: process start → HTTP listening → health `ok` → first search answered, for
 * `node bin/trove.js serve` (the built JavaScript) on a fresh and on a reopened data dir, and its
 * idle RSS afterwards; against PGlite alone (a bare Node process that opens a fresh or an existing
 * data dir with pgvector and runs one query). And `trove --version` against a bare `node -e ""`.
 * The goals are issue 12's: what a user waits for every time the app opens.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import {
  ROOT, log, median, procMemory, round, sleep, slower, startChildServer, tempDir, timed, waitFor,
  type BenchOptions, type ChildServer, type Row, type SectionResult,
} from './lib.ts';

/** PGlite alone: open, make sure pgvector is there, answer one query; print the ms since the process began; idle until killed. */
const PGLITE_ALONE = `
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
const db = await PGlite.create(process.argv[1], { extensions: { vector } });
await db.exec('CREATE EXTENSION IF NOT EXISTS vector');
await db.query('SELECT 1');
process.stdout.write(JSON.stringify({ ms: performance.now() }) + '\\n');
setInterval(() => {}, 1000);`;

/**
 * CPU time (user + system, all threads) a process has used so far, from /proc, or undefined elsewhere.
 * On a loaded machine wall times swing with the other work; the CPU a start costs does much less.
 */
async function cpuMs(pid: number): Promise<number | undefined> {
  const stat = await fs.readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th, in clock ticks (100/s).
  const fields = stat?.slice(stat.lastIndexOf(')') + 2).split(' ');
  return fields ? (Number(fields[11]) + Number(fields[12])) * 10 : undefined;
}

async function pgliteAlone(dataDir: string): Promise<{ readyMs: number; idleRssMb: number; cpuMs?: number | undefined }> {
  const started = performance.now();
  const child = spawn(process.execPath, ['--input-type=module', '-e', PGLITE_ALONE, dataDir], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    await new Promise<void>((resolve, reject) => {
      child.stdout.once('data', () => resolve());
      child.once('exit', (code) => reject(new Error(`PGlite alone exited with ${code}`)));
    });
    const readyMs = performance.now() - started;
    const cpu = await cpuMs(child.pid!);
    await sleep(2000);
    return { readyMs, idleRssMb: (await procMemory(child.pid!))!.rssMb, cpuMs: cpu };
  } finally {
    child.kill('SIGKILL');
  }
}

interface TroveStart {
  listeningMs: number;
  /** Health answered 200 (database open, migrations run, app ready). */
  healthOkMs: number;
  firstSearchMs: number;
  /** CPU time of the server process (all threads) when the first search was answered. */
  firstSearchCpuMs?: number | undefined;
  idleRssMb: number;
  /** The server's own marks (ms since its process began), from its 'trove started' log line. */
  serverMarks?: Record<string, number> | undefined;
}

/** Spawn → listening → health ok → first search answered (retrying while it answers 503), then idle RSS. */
async function troveStart(dataDir: string): Promise<TroveStart> {
  let server: ChildServer | undefined;
  try {
    server = await startChildServer(dataDir, { LOG_LEVEL: 'info' });
    const s = server;
    await waitFor('health ok', async () => ((await fetch(`${s.url}/api/v1/health`)).status === 200 ? true : undefined), 120_000, 10);
    const healthOkMs = performance.now() - s.spawnedAt;
    await waitFor('the first search', async () => {
      const res = await s.api('/api/v1/search', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"first search"}' });
      return res.status === 200 ? true : undefined;
    }, 120_000, 20);
    const firstSearchMs = performance.now() - s.spawnedAt;
    const firstSearchCpuMs = await cpuMs(s.pid);
    await sleep(2000);
    const idleRssMb = (await procMemory(s.pid))!.rssMb;
    return { listeningMs: s.listeningMs, healthOkMs, firstSearchMs, firstSearchCpuMs, idleRssMb, serverMarks: await startMarks(s.dataDir) };
  } finally {
    await server?.stop();
  }
}

/** The start marks the server logged ('trove started' … startMs), or undefined. */
async function startMarks(dataDir: string): Promise<Record<string, number> | undefined> {
  const logFile = path.join(path.dirname(dataDir), `server-${path.basename(dataDir)}.log`);
  const lines = (await fs.readFile(logFile, 'utf8').catch(() => '')).split('\n').filter((l) => l.includes('"trove started"'));
  const last = lines.at(-1);
  return last ? (JSON.parse(last) as { startMs?: Record<string, number> }).startMs : undefined;
}

/** A process that starts and exits: `node -e ''` vs `node bin/trove.js --version` (the built CLI). */
async function exitTime(args: string[]): Promise<number> {
  return (await timed(() => new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: 'ignore' });
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${args.join(' ')} exited with ${code}`))));
  }))).ms;
}

export async function coldStartBench(opts: BenchOptions): Promise<SectionResult> {
  const runs = opts.quick ? 1 : 2;
  const { dir, remove } = await tempDir('coldstart');
  try {
    const fresh: TroveStart[] = [];
    const reopen: TroveStart[] = [];
    const pgFresh: { readyMs: number; idleRssMb: number; cpuMs?: number | undefined }[] = [];
    const pgReopen: { readyMs: number; idleRssMb: number; cpuMs?: number | undefined }[] = [];
    // Once untimed: bin/trove.js rebuilds dist/server first if the sources changed since the last
    // build, which no measured start should include.
    await exitTime([path.join(ROOT, 'bin/trove.js'), '--version']);
    for (let i = 0; i < runs; i++) {
      log(`cold start: run ${i + 1} of ${runs}`);
      const troveDir = path.join(dir, `trove-${i}`);
      fresh.push(await troveStart(troveDir));
      reopen.push(await troveStart(troveDir));
      const pgDir = path.join(dir, `pglite-${i}`);
      pgFresh.push(await pgliteAlone(pgDir));
      pgReopen.push(await pgliteAlone(pgDir));
    }
    // Alternated, five each: both are short enough for a busy moment of the machine to swing one.
    const bare: number[] = [];
    const version: number[] = [];
    for (let i = 0; i < 5; i++) {
      bare.push(await exitTime(['-e', '']));
      version.push(await exitTime([path.join(ROOT, 'bin/trove.js'), '--version']));
    }
    const nodeBare = median(bare);
    const cli = median(version);

    const m = <T>(xs: T[], f: (x: T) => number) => median(xs.map(f));
    const rows: Row[] = [];
    /** `goal` in words; `met` decides it from the value and the ratio. */
    const add = (name: string, value: number, unit: string, baseName: string, base: number, goal?: { text: string; met: (value: number, ratio: number) => boolean }) => {
      const ratio = slower(value, base);
      rows.push({
        section: 'coldstart', name, value: round(value), unit, baseline: { name: baseName, value: round(base) }, ratio: round(ratio, 2),
        ...(goal ? { goal: goal.text, met: goal.met(value, ratio) } : {}),
      });
    };
    const listenGoal = { text: '≤ 1 s', met: (v: number) => v <= 1000 };
    add('reopened data dir: start → first search answered', m(reopen, (x) => x.firstSearchMs), 'ms', 'PGlite alone, existing dir', m(pgReopen, (x) => x.readyMs),
      { text: '≤ 1.8× PGlite alone', met: (_v, r) => r <= 1.8 });
    // The same start in CPU time, which the machine's other work disturbs far less than wall time.
    if (reopen.every((x) => x.firstSearchCpuMs !== undefined) && pgReopen.every((x) => x.cpuMs !== undefined)) {
      add('reopened data dir: CPU time to the first search (server process, all threads)', m(reopen, (x) => x.firstSearchCpuMs!), 'ms',
        'PGlite alone, CPU time to its answer', m(pgReopen, (x) => x.cpuMs!));
    }
    add('reopened data dir: start → HTTP listening (health `starting`)', m(reopen, (x) => x.listeningMs), 'ms', 'PGlite alone, existing dir', m(pgReopen, (x) => x.readyMs), listenGoal);
    add('reopened data dir: start → health `ok` (database open, app ready)', m(reopen, (x) => x.healthOkMs), 'ms', 'PGlite alone, existing dir', m(pgReopen, (x) => x.readyMs));
    add('idle RSS after the first search (reopened)', m(reopen, (x) => x.idleRssMb), 'MB', 'PGlite alone, idle', m(pgReopen, (x) => x.idleRssMb),
      { text: '≤ 350 MB', met: (v) => v <= 350 });
    add('`trove --version` (node + built CLI)', cli, 'ms', '`node -e ""`', nodeBare, { text: '≤ 3× bare node', met: (_v, r) => r <= 3 });
    add('fresh data dir: start → first search answered', m(fresh, (x) => x.firstSearchMs), 'ms', 'PGlite alone, fresh dir', m(pgFresh, (x) => x.readyMs));
    add('fresh data dir: start → HTTP listening (health `starting`)', m(fresh, (x) => x.listeningMs), 'ms', 'PGlite alone, fresh dir', m(pgFresh, (x) => x.readyMs), listenGoal);
    return { rows, details: { fresh, reopen, pgFresh, pgReopen, nodeBareMs: round(nodeBare), cliVersionMs: round(cli), nodeBareSamples: bare.map((x) => round(x)), cliVersionSamples: version.map((x) => round(x)) } };
  } finally {
    await remove();
  }
}
