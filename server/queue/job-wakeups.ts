/**
 * Wake-ups for the job queue's workers: a job enqueued is picked up at once instead of at the
 * worker's next poll (pg-boss polls every TROVE_QUEUE_POLL_MS, 0.5 s by default, and a worker
 * that just found the queue empty sleeps that long).
 *
 * Why NOTIFY: `PgBossQueue.enqueue` runs `pg_notify` in the caller's transaction, and Postgres
 * delivers a notification only when that transaction commits, so a worker is never woken for a
 * job it cannot see yet, nor for a job rolled back with its upload. It reaches every process on
 * the database (an API process's upload wakes a worker process). The poll stays as the fallback:
 * retries scheduled for later, a notification lost while the listener reconnects, pgbouncer in
 * transaction mode (where LISTEN cannot work).
 *
 * Two ways to listen, chosen by the composition root:
 * - `ListenClientWakeups`: real Postgres; a dedicated session connection (DATABASE_URL) that
 *   LISTENs and reconnects with backoff.
 * - `PoolWakeups`: embedded PGlite; it is one backend, so LISTEN is issued through the pool and its
 *   notifications come back on the pool's connection (PGlite's node-postgres adapter emits them),
 *   in the output of the statement that committed.
 */
import pg from 'pg';
import type { Logger } from '../logger.ts';

/** The channel `PgBossQueue.enqueue` notifies on; the payload is the queue's name. */
export const JOB_CHANNEL = 'trove_jobs';

export interface JobWakeups {
  /** Calls `onWake(queue)` for every notification from now on. */
  start(onWake: (queue: string) => void): Promise<void>;
  stop(): Promise<void>;
}

/** Real Postgres: a session of its own that LISTENs, reconnecting (0.5 s, doubling to 30 s) when lost. */
export class ListenClientWakeups implements JobWakeups {
  private client: pg.Client | undefined;
  private stopped = false;
  private delayMs = 500;
  private onWake: ((queue: string) => void) | undefined;

  constructor(private readonly url: string, private readonly log: Logger) {}

  async start(onWake: (queue: string) => void): Promise<void> {
    this.onWake = onWake;
    await this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const client = new pg.Client({ connectionString: this.url, application_name: 'trove-job-wakeups' });
    this.client = client;
    const retry = (err: unknown) => {
      if (this.client !== client || this.stopped) return;
      this.client = undefined;
      this.log.warn({ err, retryInMs: this.delayMs }, 'job wake-up listener lost; workers poll until it is back');
      client.end().catch(() => undefined);
      const t = setTimeout(() => void this.connect(), this.delayMs);
      t.unref();
      this.delayMs = Math.min(this.delayMs * 2, 30_000);
    };
    client.on('error', retry);
    client.on('end', () => retry(new Error('connection ended')));
    client.on('notification', (n) => {
      if (n.channel === JOB_CHANNEL && n.payload) this.onWake?.(n.payload);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${JOB_CHANNEL}`);
      this.delayMs = 500;
    } catch (err) {
      retry(err);
    }
  }
}

/** Embedded PGlite: LISTEN through the pool; every connection the pool opens hands its notifications on. */
export class PoolWakeups implements JobWakeups {
  private onWake: ((queue: string) => void) | undefined;
  private readonly handler = (n: pg.Notification) => {
    if (n.channel === JOB_CHANNEL && n.payload) this.onWake?.(n.payload);
  };
  private readonly clients = new Set<pg.PoolClient>();
  private readonly onConnect = (client: pg.PoolClient) => this.attach(client);

  constructor(private readonly pool: pg.Pool) {}

  async start(onWake: (queue: string) => void): Promise<void> {
    this.onWake = onWake;
    // Connections opened later (the pool closes idle ones) get the handler too; the backend keeps the LISTEN.
    this.pool.on('connect', this.onConnect);
    const client = await this.pool.connect();
    try {
      this.attach(client);
      await client.query(`LISTEN ${JOB_CHANNEL}`);
    } finally {
      client.release();
    }
  }

  async stop(): Promise<void> {
    this.onWake = undefined;
    this.pool.off('connect', this.onConnect);
    for (const c of this.clients) c.off('notification', this.handler);
    this.clients.clear();
    await Promise.resolve();
  }

  private attach(client: pg.PoolClient): void {
    if (this.clients.has(client)) return;
    this.clients.add(client);
    client.on('notification', this.handler);
    client.once('end', () => this.clients.delete(client));
  }
}
