/**
 * Cold start: process start → first search answered, for `node bin/trove.js serve` on a fresh and
 * on a reopened data dir, and its idle RSS afterwards; against PGlite alone (a bare Node process
 * that opens a fresh or an existing data dir with pgvector and runs one query).
 */
import { spawn } from 'node:child_process';
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

async function pgliteAlone(dataDir: string): Promise<{ readyMs: number; idleRssMb: number }> {
  const started = performance.now();
  const child = spawn(process.execPath, ['--input-type=module', '-e', PGLITE_ALONE, dataDir], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    await new Promise<void>((resolve, reject) => {
      child.stdout.once('data', () => resolve());
      child.once('exit', (code) => reject(new Error(`PGlite alone exited with ${code}`)));
    });
    const readyMs = performance.now() - started;
    await sleep(2000);
    return { readyMs, idleRssMb: (await procMemory(child.pid!))!.rssMb };
  } finally {
    child.kill('SIGKILL');
  }
}

interface TroveStart {
  listeningMs: number;
  firstSearchMs: number;
  idleRssMb: number;
}

/** Spawn → listening → first search answered (retrying until the model has loaded), then idle RSS. */
async function troveStart(dataDir: string): Promise<TroveStart> {
  let server: ChildServer | undefined;
  try {
    server = await startChildServer(dataDir);
    const s = server;
    await waitFor('the first search', async () => {
      const res = await s.api('/api/v1/search', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"first search"}' });
      return res.status === 200 ? true : undefined;
    }, 120_000, 20);
    const firstSearchMs = performance.now() - s.spawnedAt;
    await sleep(2000);
    return { listeningMs: s.listeningMs, firstSearchMs, idleRssMb: (await procMemory(s.pid))!.rssMb };
  } finally {
    await server?.stop();
  }
}

/** A process that starts and exits: `node -e ''` vs `node bin/trove.js --version` (tsx loader + CLI). */
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
    const pgFresh: { readyMs: number; idleRssMb: number }[] = [];
    const pgReopen: { readyMs: number; idleRssMb: number }[] = [];
    for (let i = 0; i < runs; i++) {
      log(`cold start: run ${i + 1} of ${runs}`);
      const troveDir = path.join(dir, `trove-${i}`);
      fresh.push(await troveStart(troveDir));
      reopen.push(await troveStart(troveDir));
      const pgDir = path.join(dir, `pglite-${i}`);
      pgFresh.push(await pgliteAlone(pgDir));
      pgReopen.push(await pgliteAlone(pgDir));
    }
    const nodeBare = median([await exitTime(['-e', '']), await exitTime(['-e', ''])]);
    const cli = median([await exitTime([path.join(ROOT, 'bin/trove.js'), '--version']), await exitTime([path.join(ROOT, 'bin/trove.js'), '--version'])]);

    const m = <T>(xs: T[], f: (x: T) => number) => median(xs.map(f));
    const rows: Row[] = [];
    const add = (name: string, value: number, unit: string, baseName: string, base: number) => rows.push({
      section: 'coldstart', name, value: round(value), unit, baseline: { name: baseName, value: round(base) }, ratio: round(slower(value, base), 2),
    });
    add('fresh data dir: start → first search answered', m(fresh, (x) => x.firstSearchMs), 'ms', 'PGlite alone, fresh dir', m(pgFresh, (x) => x.readyMs));
    add('fresh data dir: start → HTTP listening', m(fresh, (x) => x.listeningMs), 'ms', 'PGlite alone, fresh dir', m(pgFresh, (x) => x.readyMs));
    add('reopened data dir: start → first search answered', m(reopen, (x) => x.firstSearchMs), 'ms', 'PGlite alone, existing dir', m(pgReopen, (x) => x.readyMs));
    add('reopened data dir: start → HTTP listening', m(reopen, (x) => x.listeningMs), 'ms', 'PGlite alone, existing dir', m(pgReopen, (x) => x.readyMs));
    add('idle RSS after the first search (reopened)', m(reopen, (x) => x.idleRssMb), 'MB', 'PGlite alone, idle', m(pgReopen, (x) => x.idleRssMb));
    add('`trove --version` (node + tsx loader + CLI)', cli, 'ms', '`node -e ""`', nodeBare);
    return { rows, details: { fresh, reopen, pgFresh, pgReopen, nodeBareMs: round(nodeBare), cliVersionMs: round(cli) } };
  } finally {
    await remove();
  }
}
