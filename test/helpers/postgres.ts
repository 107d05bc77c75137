import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);

export interface TestPostgres {
  /** postgres:// URL of the `postgres` database, for the `pg` driver and child processes (DATABASE_URL). */
  url: string;
  /** A new, empty database on this server and its URL: isolation per test without a second server. */
  createDatabase(): Promise<string>;
  stop(): Promise<void>;
}

// Debian's layout of PostgreSQL 15 (package postgresql-15); pgvector goes into the same folders.
const PG_BIN = '/usr/lib/postgresql/15/bin';
const PG_LIB = '/usr/lib/postgresql/15/lib';
const PG_SHARE = '/usr/share/postgresql/15';
const INSTALL = 'To install PostgreSQL 15 and pgvector: `apt-get install postgresql-15 build-essential postgresql-server-dev-15`, '
  + 'then `.ci/install-pgvector.sh` (as root; it builds pgvector for PostgreSQL 15 in ~10 s). `.ci/run` does both.';

/**
 * Why a PostgreSQL 15 server (with pgvector unless `pgvector` is false) cannot run here, or
 * undefined. The cloud-mode tests need the real server: CI installs it, so they fail with this
 * message instead of skipping or falling back to something else.
 */
export async function postgres15Missing(pgvector = true): Promise<string | undefined> {
  const exists = (file: string) => fs.access(file).then(() => true, () => false);
  if (!(await exists(path.join(PG_BIN, 'initdb')))) {
    return `PostgreSQL 15 is not installed (${PG_BIN}/initdb is missing); the cloud-mode tests run on a real PostgreSQL 15 with pgvector. ${INSTALL}`;
  }
  if (pgvector && !((await exists(path.join(PG_SHARE, 'extension/vector.control'))) && (await exists(path.join(PG_LIB, 'vector.so'))))) {
    return `pgvector is not installed for PostgreSQL 15 (${PG_SHARE}/extension/vector.control or ${PG_LIB}/vector.so is missing); the cloud-mode tests need it. ${INSTALL}`;
  }
  return undefined;
}

/**
 * A throwaway PostgreSQL 15 cluster: initdb into a temp dir, started on a free loopback port with
 * its socket in the same dir, removed on stop (~1 s to start: share one per test file and use
 * createDatabase() where tests need their own). initdb refuses to run as root, so as root the
 * cluster belongs to the `postgres` system user.
 *
 * `pgvector: false` gives a server that lacks pgvector whatever this machine has installed (see
 * withoutPgvector), for the server's "pgvector missing" path.
 */
export async function startPostgres15(opts: { pgvector?: boolean } = {}): Promise<TestPostgres> {
  const pgvector = opts.pgvector ?? true;
  const missing = await postgres15Missing(pgvector);
  if (missing) throw new Error(missing);
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'trove-pg15-'));
  try {
    const bin = pgvector ? PG_BIN : await withoutPgvector(dir);
    const asRoot = process.getuid?.() === 0;
    const pgRun = (cmd: string, args: string[]) => asRoot
      ? run('runuser', ['-u', 'postgres', '--', path.join(bin, cmd), ...args])
      : run(path.join(bin, cmd), args);
    if (asRoot) await run('chown', ['postgres:postgres', dir]);
    const data = path.join(dir, 'data');
    await pgRun('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
    const port = await freePort();
    // Durability settings off: a test cluster is thrown away, and fsyncs would dominate its run time.
    await pgRun('pg_ctl', [
      '-D', data, '-l', path.join(dir, 'log'), '-w', '-t', '60',
      '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=off -c synchronous_commit=off -c full_page_writes=off`,
      'start',
    ]);
    const urlOf = (database: string) => `postgres://postgres@127.0.0.1:${port}/${database}`;
    let databases = 0;
    return {
      url: urlOf('postgres'),
      async createDatabase() {
        const name = `test_${++databases}`;
        const client = new pg.Client({ connectionString: urlOf('postgres') });
        await client.connect();
        try {
          await client.query(`CREATE DATABASE ${name}`);
        } finally {
          await client.end();
        }
        return urlOf(name);
      },
      async stop() {
        await pgRun('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
        await fs.rm(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await fs.rm(dir, { recursive: true, force: true });
    throw err;
  }
}

/**
 * PostgreSQL 15's programs in a tree of their own under `dir`, whose share dir has every extension
 * but pgvector; returns its bin folder. PostgreSQL finds its share and lib dirs relative to the
 * real location of its binary (symlinks resolved), so the three programs are copied and everything
 * else is linked.
 */
async function withoutPgvector(dir: string): Promise<string> {
  const root = path.join(dir, 'pg');
  const bin = path.join(root, PG_BIN);
  const share = path.join(root, PG_SHARE);
  await fs.mkdir(bin, { recursive: true });
  await fs.mkdir(path.join(share, 'extension'), { recursive: true });
  for (const program of ['postgres', 'initdb', 'pg_ctl']) await fs.copyFile(path.join(PG_BIN, program), path.join(bin, program));
  await fs.symlink(PG_LIB, path.join(root, PG_LIB));
  for (const entry of await fs.readdir(PG_SHARE)) {
    if (entry !== 'extension') await fs.symlink(path.join(PG_SHARE, entry), path.join(share, entry));
  }
  for (const entry of await fs.readdir(path.join(PG_SHARE, 'extension'))) {
    if (!/^vector[.-]/.test(entry)) await fs.symlink(path.join(PG_SHARE, 'extension', entry), path.join(share, 'extension', entry));
  }
  // mkdtemp's 0700 would keep the postgres user (as root, see startPostgres15) out of the programs.
  await fs.chmod(dir, 0o755);
  return bin;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}
