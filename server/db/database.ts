import fs from 'node:fs/promises';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { createPgConfig } from '@electric-sql/pglite/node-postgres';
import { vector } from '@electric-sql/pglite-pgvector';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { ConfigError } from '../config-errors.ts';
import type { DB } from './schema.ts';

/**
 * The one database interface: a `pg` pool and a Kysely instance over it. Two drivers sit behind
 * the pool: PGlite in this process (embedded default; node-postgres talks to it without a socket)
 * or a real Postgres server when DATABASE_URL is set.
 */
export interface Database {
  readonly driver: 'pglite' | 'postgres';
  readonly db: Kysely<DB>;
  readonly pool: pg.Pool;
  close(): Promise<void>;
}

// bigint columns (file sizes, counts) fit in a JS number; pg hands them over as strings by default.
const parseBigint = (v: string) => Number(v);
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (oid === 20) return parseBigint;
    return pg.types.getTypeParser(oid, format) as (v: string) => unknown;
  }) as typeof pg.types.getTypeParser,
};

export interface OpenDatabaseOptions {
  databaseUrl?: string | undefined;
  dataDir: string;
  poolSize?: number;
  onIdleError?: (err: Error) => void;
  /** PGlite only: PostgreSQL settings at start (`-c name=value`); EMBEDDED_SETTINGS when absent. */
  embeddedSettings?: Readonly<Record<string, string>>;
}

/**
 * The embedded database's memory settings. PGlite touches its whole buffer pool when it opens, so
 * PostgreSQL's default (shared_buffers = 128 MB, written by initdb into postgresql.conf) stayed
 * resident in every desktop session: PGlite alone held 313 MB after opening a data dir, 151 MB with
 * 16 MB. Pages beyond the pool come from the kernel's page cache through PGlite's file system; at
 * 10 000 items that cost search nothing measurable (docs/BENCHMARKS.md, cold start). A command-line
 * `-c` wins over postgresql.conf, so existing data dirs get it too.
 */
export const EMBEDDED_SETTINGS: Readonly<Record<string, string>> = { shared_buffers: '16MB' };

/** PGlite's start arguments: its defaults plus `-c name=value` for each setting. */
export function embeddedStartParams(settings: Readonly<Record<string, string>>): string[] {
  return [...PGlite.defaultStartParams, ...Object.entries(settings).flatMap(([name, value]) => ['-c', `${name}=${value}`])];
}

export async function openDatabase(opts: OpenDatabaseOptions): Promise<Database> {
  if (opts.databaseUrl) {
    // Kysely and pg-boss send unnamed statements and keep settings inside transactions (SET LOCAL),
    // so the pool also works through pgbouncer in transaction mode.
    const pool = new pg.Pool({ connectionString: opts.databaseUrl, max: opts.poolSize ?? 10, types, application_name: 'trove' });
    // An idle client losing its connection (server restart, failover) must not crash the process;
    // the pool drops it and the next query opens a new one.
    pool.on('error', (err) => opts.onIdleError?.(err));
    const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
    return { driver: 'postgres', db, pool, close: () => db.destroy() };
  }
  const dir = path.join(opts.dataDir, 'db');
  await fs.mkdir(dir, { recursive: true });
  const lite = await PGlite.create(dir, { extensions: { vector }, startParams: embeddedStartParams(opts.embeddedSettings ?? EMBEDDED_SETTINGS) });
  // PGlite is one connection; a pool of one queues callers instead of interleaving transactions.
  const config = Object.assign(createPgConfig(lite), { types, max: 1 });
  const pool = new pg.Pool(config);
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  return {
    driver: 'pglite',
    db,
    pool,
    async close() {
      await db.destroy();
      await lite.close();
    },
  };
}

/**
 * The first migration creates the `vector` extension; on a server without pgvector that fails with
 * a message about a control file. Checked first so the operator reads what to install instead.
 */
export async function assertPgvectorAvailable(pool: pg.Pool): Promise<void> {
  const { rows } = await pool.query<{ name: string }>("SELECT name FROM pg_available_extensions WHERE name = 'vector'");
  if (rows.length === 0) {
    throw new ConfigError('DATABASE_URL', 'points at a PostgreSQL server without pgvector (the `vector` extension is not installed there), '
      + 'which Trove needs to store and search embeddings. Install pgvector on that server (Cloud SQL and most hosted '
      + 'Postgres include it; on Debian or Ubuntu it is the postgresql-<version>-pgvector package, from the distribution or '
      + 'apt.postgresql.org) or point DATABASE_URL at a server that has it.');
  }
}
