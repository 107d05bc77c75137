import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { isBatchEvent, type LiveEvent } from '../../shared/api/schemas.ts';
import type { Logger } from '../logger.ts';
import { LocalEventBus, type EventBus } from './event-bus.ts';

export interface PgEventBusOptions {
  /** Writes and reads of the event log; fine behind a transaction-mode pooler. */
  pool: pg.Pool;
  /** A session connection string for LISTEN (wake-ups). Without it the log is only polled. */
  listenUrl: string | undefined;
  /** Whether this process has SSE clients to feed (API processes); workers only publish. */
  consume: boolean;
  log: Logger;
  /** How often the log is read without a wake-up (a NOTIFY lost, pgbouncer, PGlite over a socket). */
  pollMs?: number;
  /** How long rows are kept; a listener that is down longer than this misses events. */
  retentionSec?: number;
}

const CHANNEL = 'trove_events';
/** Ids are taken before commit, so a row may appear after a higher id was read: re-read this many back. */
const LOOK_BACK = 200;
const MAX_PENDING_PUBLISHES = 200;

interface Row { id: string; user_id: string; origin: string; payload: LiveEvent }

/**
 * Upload events across processes through Postgres. Each event is a row in `event_log` plus a
 * NOTIFY carrying only its id (so the 8000-byte NOTIFY payload limit never applies); consumers
 * read new rows when woken and on a timer. The timer makes delivery independent of the LISTEN
 * connection: events published while it reconnects are read afterwards, behind pgbouncer in
 * transaction mode (where LISTEN cannot work) the poll alone delivers, and so it does on PGlite
 * served over a socket (which does not pass notifications between connections).
 * Subscribers in the publishing process get the event at once, without the round trip.
 */
export class PgEventBus implements EventBus {
  private readonly local = new LocalEventBus();
  private readonly origin = randomUUID();
  private readonly subscribers = new Map<string, number>();
  private publishing: Promise<unknown> = Promise.resolve();
  private pending = 0;
  private lastId = 0;
  /** Events up to here happened before this process started: never delivered. */
  private floor = 0;
  private readonly seen = new Set<number>();
  private reading: Promise<void> | undefined;
  private readAgain = false;
  private listener: pg.Client | undefined;
  private timers: NodeJS.Timeout[] = [];
  private stopped = false;
  private reconnectDelayMs = 500;

  constructor(private readonly opts: PgEventBusOptions) {}

  async start(): Promise<void> {
    if (!this.opts.consume) return;
    const { rows } = await this.opts.pool.query<{ max: string | null }>('SELECT max(id)::text AS max FROM event_log');
    this.lastId = Number(rows[0]?.max ?? 0);
    this.floor = this.lastId;
    this.timers.push(setInterval(() => this.wake(), this.opts.pollMs ?? 1000));
    this.timers.push(setInterval(() => void this.prune(), 60_000));
    for (const t of this.timers) t.unref();
    await this.listen();
  }

  publish(userId: string, event: LiveEvent): void {
    this.local.publish(userId, event);
    // Under backlog, intermediate progress is skipped; the final state of an upload never is.
    if (this.pending >= MAX_PENDING_PUBLISHES && !isBatchEvent(event) && event.status === 'processing') return;
    this.pending++;
    // One at a time, so listeners see a process's events in the order they happened.
    this.publishing = this.publishing.then(() => this.opts.pool.query(
      `WITH e AS (INSERT INTO event_log (user_id, origin, payload) VALUES ($1, $2, $3) RETURNING id)
       SELECT pg_notify('${CHANNEL}', id::text) FROM e`,
      [userId, this.origin, JSON.stringify(event)],
    )).catch((err: unknown) => this.opts.log.warn({ err }, 'event not published')).finally(() => this.pending--);
  }

  subscribe(userId: string, listener: (event: LiveEvent) => void): () => void {
    this.subscribers.set(userId, (this.subscribers.get(userId) ?? 0) + 1);
    const off = this.local.subscribe(userId, listener);
    return () => {
      off();
      const n = (this.subscribers.get(userId) ?? 1) - 1;
      if (n > 0) this.subscribers.set(userId, n);
      else this.subscribers.delete(userId);
    };
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
    await this.publishing.catch(() => undefined);
    await this.reading;
    await this.listener?.end().catch(() => undefined);
  }

  private async listen(): Promise<void> {
    if (!this.opts.listenUrl || this.stopped) return;
    const client = new pg.Client({ connectionString: this.opts.listenUrl, application_name: 'trove-events' });
    this.listener = client;
    const retry = (err: unknown) => {
      if (this.listener !== client || this.stopped) return;
      this.listener = undefined;
      this.opts.log.warn({ err, retryInMs: this.reconnectDelayMs }, 'event listener connection lost; reconnecting');
      client.end().catch(() => undefined);
      const t = setTimeout(() => void this.listen(), this.reconnectDelayMs);
      t.unref();
      this.reconnectDelayMs = Math.min(this.reconnectDelayMs * 2, 30_000);
    };
    client.on('error', retry);
    client.on('end', () => retry(new Error('connection ended')));
    client.on('notification', () => this.wake());
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
      this.reconnectDelayMs = 500;
      this.wake(); // whatever arrived while not listening
    } catch (err) {
      retry(err);
    }
  }

  /** Reads new rows now, or right after the read in progress (wake-ups coalesce). */
  private wake(): void {
    if (this.stopped) return;
    if (this.reading) {
      this.readAgain = true;
      return;
    }
    this.reading = this.read()
      .catch((err: unknown) => this.opts.log.warn({ err }, 'reading events failed'))
      .finally(() => {
        this.reading = undefined;
        if (this.readAgain) {
          this.readAgain = false;
          this.wake();
        }
      });
  }

  private async read(): Promise<void> {
    const { rows } = await this.opts.pool.query<Row>(
      'SELECT id::text AS id, user_id::text AS user_id, origin, payload FROM event_log WHERE id > $1 ORDER BY id LIMIT 1000',
      [Math.max(0, this.lastId - LOOK_BACK)],
    );
    for (const row of rows) {
      const id = Number(row.id);
      if (this.seen.has(id)) continue;
      this.seen.add(id);
      if (id > this.lastId) this.lastId = id;
      if (id > this.floor && row.origin !== this.origin && this.subscribers.has(row.user_id)) this.local.publish(row.user_id, row.payload);
    }
    for (const id of this.seen) if (id <= this.lastId - LOOK_BACK) this.seen.delete(id);
    if (rows.length === 1000) this.readAgain = true;
  }

  private async prune(): Promise<void> {
    await this.opts.pool.query(`DELETE FROM event_log WHERE created_at < now() - make_interval(secs => $1)`, [this.opts.retentionSec ?? 600])
      .catch((err: unknown) => this.opts.log.warn({ err }, 'pruning the event log failed'));
  }
}
