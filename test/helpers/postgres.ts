import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

const run = promisify(execFile);

export interface TestPostgres {
  /** postgres:// URL for the `pg` driver (and for child processes via DATABASE_URL). */
  url: string;
  stop(): Promise<void>;
}

/**
 * PGlite (with pgvector) served over the Postgres wire protocol on a random loopback port: the
 * only Postgres with pgvector available on this machine. Queries of all connections run one at a
 * time (the socket server keeps a transaction's statements together), so it stands in for a server
 * in tests of behaviour, not of throughput. `dataDir` keeps the database on disk (in memory otherwise).
 */
export async function startPgliteServer(opts: { maxConnections?: number; dataDir?: string } = {}): Promise<TestPostgres> {
  const lite = await PGlite.create(opts.dataDir, { extensions: { vector } });
  const server = new PGLiteSocketServer({ db: keepBatchesTogether(lite), host: '127.0.0.1', port: await freePort(), maxConnections: opts.maxConnections ?? 100 });
  await server.start();
  return {
    url: `postgres://postgres@${server.getServerConn()}/postgres?sslmode=disable`,
    async stop() {
      await server.stop();
      await lite.close();
    },
  };
}

/** Extended-protocol messages that belong to a batch ending with Sync ('S'). */
const EXTENDED = new Set(['P', 'B', 'D', 'E', 'C', 'H'].map((c) => c.charCodeAt(0)));

/**
 * pglite-socket 0.2.17 queues each protocol message on its own and lets another connection's
 * message run in between unless PGlite is inside a transaction. PGlite is ONE session, so its
 * unnamed prepared statement is shared: connection B's Parse landing between connection A's Parse
 * and Bind makes A execute B's statement (seen here as wrong rows and random 404s). The socket
 * server only asks `isInTransaction()` to decide whether the last connection keeps the turn, so
 * answering "yes" until the batch's Sync keeps every Parse…Sync batch together.
 */
function keepBatchesTogether(lite: PGlite): PGlite {
  let midBatch = false;
  return new Proxy(lite, {
    get(target, prop, receiver) {
      if (prop === 'isInTransaction') return () => midBatch || target.isInTransaction();
      if (prop === 'execProtocolRawStream') {
        return (message: Uint8Array, options: Parameters<PGlite['execProtocolRawStream']>[1]) => {
          midBatch = EXTENDED.has(message[0] ?? 0);
          return target.execProtocolRawStream(message, options);
        };
      }
      const value: unknown = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

const PG_BIN = '/usr/lib/postgresql/15/bin';

/** Whether Debian's PostgreSQL 15 is installed (it has no pgvector: tests skip vector code there). */
export async function postgres15Available(): Promise<boolean> {
  return fs.access(path.join(PG_BIN, 'initdb')).then(() => true, () => false);
}

/**
 * A throwaway PostgreSQL 15 cluster: initdb into a temp dir, started on a free loopback port with
 * its socket in the same dir, removed on stop. initdb refuses to run as root, so as root the
 * cluster belongs to the `postgres` system user.
 */
export async function startPostgres15(): Promise<TestPostgres> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'trove-pg15-'));
  const asRoot = process.getuid?.() === 0;
  const pgRun = (bin: string, args: string[]) => asRoot
    ? run('runuser', ['-u', 'postgres', '--', path.join(PG_BIN, bin), ...args])
    : run(path.join(PG_BIN, bin), args);
  if (asRoot) await run('chown', ['postgres:postgres', dir]);
  const data = path.join(dir, 'data');
  await pgRun('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
  const port = await freePort();
  await pgRun('pg_ctl', [
    '-D', data, '-l', path.join(dir, 'log'), '-w', '-t', '60',
    '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`,
    'start',
  ]);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    async stop() {
      await pgRun('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
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
