/**
 * A ZIP taken in as one archive. The upload is staged once in this process's scratch folder, then:
 * 1. checked — every entry the archive will give is inflated into nothing, counting bytes, so a
 *    bomb (too many entries, too many bytes in all, an entry inflating far beyond its compressed
 *    size; whatever the headers claim) is refused before anything is kept: no batch, no upload, no
 *    stored byte, and the staged file is removed;
 * 2. listed — one batch row with a row per entry, the skipped ones with their reason;
 * 3. read — in the background, each entry streams from the staged archive into the same ingest as a
 *    single upload (hash, duplicate check, type from the bytes, storage, processing job), with the
 *    folder it had; each settled entry is published as a live `batch` event. Then the staged file goes.
 */
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Kysely } from 'kysely';
import type { Batch, BatchAccepted, BatchEntry, BatchEntryStateName, BatchEvent, BatchTotals } from '../../../shared/api/schemas.ts';
import { TroveError, type ErrorCode } from '../../../shared/api/errors.ts';
import type { ZipConfig } from '../../config-zip.ts';
import * as batches from '../../db/batches-repo.ts';
import type { DB } from '../../db/schema.ts';
import type { EventBus } from '../../events/event-bus.ts';
import type { Logger } from '../../logger.ts';
import { notFound, type IngestResult, type UploadService } from '../upload-service.ts';
import { entryCorrupt, EntryGuard, InflateBudget, refusesArchive } from './zip-guard.ts';
import { planEntry, type PlannedEntry } from './entry-rules.ts';
import { openZip, type ZipArchive } from './zip-reader.ts';

export interface ArchiveIntakeDeps {
  db: Kysely<DB>;
  uploads: UploadService;
  events: EventBus;
  log: Logger;
  tmpDir: string;
  limits: ZipConfig;
  maxFileSize: number;
}

/** What the caller gets: an archive (a batch), or — bytes that were not a ZIP after all — a single upload. */
export type Intake = { kind: 'batch'; batch: BatchAccepted } | { kind: 'file'; result: IngestResult };

/** Ingest errors that mean "this is not a file Trove reads": the entry is skipped, not failed. */
const SKIPPING_CODES: ReadonlySet<ErrorCode> = new Set(['UNSUPPORTED_FILE_TYPE', 'TYPE_MISMATCH', 'EMPTY_FILE', 'FILE_TOO_LARGE']);

/** After this long without progress a batch still marked extracting is taken for interrupted. */
export const STALE_BATCH_MS = 10 * 60 * 1000;

interface Listed extends PlannedEntry {
  index: number;
  size: number;
  /** Failed while being checked (damaged bytes). */
  failed: TroveError | null;
}

export class ArchiveIntake {
  private readonly running = new Set<Promise<void>>();
  private stopping = false;

  constructor(private readonly deps: ArchiveIntakeDeps) {}

  /** A multipart file part named `*.zip`: staged, then taken as an archive (or as a file if it is not a ZIP). */
  async receive(userId: string, body: Readable, filename: string, userMetadata: Record<string, unknown>): Promise<Intake> {
    const staged = await this.stagePath();
    try {
      await pipeline(body, createWriteStream(staged, { flags: 'wx', mode: 0o600 }));
    } catch (err) {
      await fs.rm(staged, { force: true });
      if (err instanceof TroveError) throw err;
      throw new TroveError('UPLOAD_INCOMPLETE', 'The upload was cut off before the whole archive arrived; nothing was kept. Try again.', undefined, { cause: err });
    }
    return this.take(userId, staged, filename, userMetadata);
  }

  /** A finished resumable upload named `*.zip`: moved (not copied) into staging, then as above. */
  async receiveFile(userId: string, file: string, filename: string, userMetadata: Record<string, unknown>): Promise<Intake> {
    const staged = await this.stagePath();
    try {
      await fs.rename(file, staged);
    } catch {
      await fs.copyFile(file, staged);
    }
    return this.take(userId, staged, filename, userMetadata);
  }

  /** One user's batch; NOT_FOUND for anyone else's. */
  async get(userId: string, batchId: string): Promise<Batch> {
    const found = await batches.getBatch(this.deps.db, userId, batchId);
    if (!found) throw notFound('batch');
    const entries = found.entries.map(presentEntry);
    const totals = count(entries.map((e) => e.state));
    return {
      ...head(found.batch.id, found.batch.archive_name, found.batch.state, damageOf(found.batch), totals),
      created_at: found.batch.created_at.toISOString(),
      entries,
    };
  }

  /** Waits for the archives being read; called when the server closes. */
  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.allSettled([...this.running]);
  }

  /**
   * Marks batches whose process ended mid-way; run with the periodic sweeps. `since`: batches that
   * last moved before then are dead at once (an embedded server alone on its data: every batch left
   * from before it started), else after STALE_BATCH_MS without progress.
   */
  interruptStale(since?: number): Promise<number> {
    return batches.interruptStale(this.deps.db, new Date(since ?? Date.now() - STALE_BATCH_MS));
  }

  private async stagePath(): Promise<string> {
    const dir = path.join(this.deps.tmpDir, 'archives');
    await fs.mkdir(dir, { recursive: true, mode: 0o700 });
    return path.join(dir, `${randomUUID()}.zip`);
  }

  private async take(userId: string, staged: string, filename: string, userMetadata: Record<string, unknown>): Promise<Intake> {
    let zip: ZipArchive | undefined;
    let handedOver = false;
    try {
      if (!(await looksLikeZip(staged))) {
        // Named .zip but not one: the ordinary path says what it is (and consumes the staged file).
        handedOver = true;
        return { kind: 'file', result: await this.deps.uploads.ingestFile(userId, staged, filename, userMetadata) };
      }
      const size = (await fs.stat(staged)).size;
      zip = await openZip(staged, this.deps.limits.maxEntries);
      const listed = await this.check(zip);
      const damage = zip.damage === null ? null : {
        code: 'ZIP_TRUNCATED',
        message: `The archive is damaged: ${zip.damage}. The ${listed.length} entries before the damage were read; the rest could not be. Upload the whole archive again to get them.`,
      };
      const batchId = randomUUID();
      await batches.insertBatch(this.deps.db, {
        id: batchId, userId, archiveName: filename, archiveSize: size, damage,
        entries: listed.map((e, position) => ({
          position, path: e.path, filename: e.filename, folder: e.folder, size: e.size,
          state: e.skip ? 'skipped' : e.failed ? 'failed' : 'queued',
          reasonCode: e.skip?.code ?? e.failed?.code ?? null,
          reason: e.skip?.message ?? e.failed?.message ?? null,
        })),
      });
      const states = listed.map((e): BatchEntryStateName => (e.skip ? 'skipped' : e.failed ? 'failed' : 'queued'));
      const accepted = head(batchId, filename, 'extracting', damage, count(states));
      handedOver = true;
      this.track(this.extract(userId, batchId, zip, staged, listed, userMetadata, states));
      return { kind: 'batch', batch: accepted };
    } finally {
      if (!handedOver) {
        zip?.close();
        await fs.rm(staged, { force: true });
      }
    }
  }

  /**
   * Step 1: every entry that will be read is inflated into nothing under the archive's limits. A
   * bomb throws (the whole archive is refused); a damaged entry is marked failed and the rest go on.
   */
  private async check(zip: ZipArchive): Promise<Listed[]> {
    const budget = new InflateBudget(this.deps.limits);
    const listed: Listed[] = [];
    for (const [index, info] of zip.entries.entries()) {
      if (info.isDirectory) continue;
      const plan = planEntry(info, this.deps.maxFileSize);
      const entry: Listed = { ...plan, index, size: info.declaredSize, failed: null };
      listed.push(entry);
      if (plan.skip) continue;
      try {
        const stream = await zip.open(index);
        await pipeline(stream, new EntryGuard(budget, { ...info, name: plan.path }, this.deps.maxFileSize), async (source: AsyncIterable<Buffer>) => {
          for await (const chunk of source) void chunk;
        });
      } catch (err) {
        if (refusesArchive(err)) throw err;
        entry.failed = err instanceof TroveError ? err : entryCorrupt(plan.path, (err as Error).message);
      }
    }
    if (listed.length === 0) {
      throw new TroveError('ZIP_EMPTY', 'The archive holds no files (only folders, or nothing). Add files to it and upload it again.');
    }
    return listed;
  }

  private track(work: Promise<void>): void {
    this.running.add(work);
    void work.finally(() => this.running.delete(work));
  }

  /** Step 3, in the background: each checked entry into the ordinary ingest, with its folder. */
  private async extract(
    userId: string, batchId: string, zip: ZipArchive, staged: string, listed: Listed[],
    userMetadata: Record<string, unknown>, states: BatchEntryStateName[],
  ): Promise<void> {
    const budget = new InflateBudget(this.deps.limits);
    let final: 'done' | 'interrupted' = 'done';
    try {
      for (const [position, entry] of listed.entries()) {
        if (entry.skip || entry.failed) continue;
        if (this.stopping) {
          final = 'interrupted';
          for (const [p, e] of listed.entries()) if (p >= position && !e.skip && !e.failed) states[p] = 'failed';
          break;
        }
        const settled = await this.readEntry(userId, zip, entry, budget, userMetadata);
        states[position] = settled.state === 'ingested' ? 'queued' : settled.state;
        await batches.settleEntry(this.deps.db, batchId, position, settled);
        this.publish(userId, batchId, 'extracting', {
          position, state: states[position], upload_id: settled.uploadId,
          reason: settled.reasonCode ? { code: settled.reasonCode, message: settled.reason ?? '' } : null,
        }, states);
      }
      if (final === 'interrupted') await batches.interruptBatch(this.deps.db, batchId);
      else await batches.finishBatch(this.deps.db, batchId, final);
      this.publish(userId, batchId, final, null, states);
    } catch (err) {
      this.deps.log.error({ err, batchId }, 'reading an archive failed');
    } finally {
      zip.close();
      await fs.rm(staged, { force: true });
    }
  }

  private async readEntry(userId: string, zip: ZipArchive, entry: Listed, budget: InflateBudget, userMetadata: Record<string, unknown>) {
    try {
      const info = zip.entries[entry.index]!;
      const stream = await zip.open(entry.index);
      const guarded = stream.pipe(new EntryGuard(budget, { ...info, name: entry.path }, this.deps.maxFileSize));
      stream.once('error', (err) => guarded.destroy(err));
      const res = await this.deps.uploads.ingest(userId, guarded, entry.filename, userMetadata, { folder: entry.folder });
      return { state: res.duplicate ? 'duplicate' as const : 'ingested' as const, uploadId: res.upload.id, reasonCode: null, reason: null };
    } catch (err) {
      const e = err instanceof TroveError ? err : entryCorrupt(entry.path, (err as Error).message);
      return { state: SKIPPING_CODES.has(e.code) ? 'skipped' as const : 'failed' as const, uploadId: null, reasonCode: e.code, reason: e.message };
    }
  }

  private publish(userId: string, batchId: string, state: BatchEvent['state'], entry: BatchEvent['entry'], states: BatchEntryStateName[]): void {
    this.deps.events.publish(userId, { type: 'batch', batch_id: batchId, state, entry, totals: count(states) });
  }
}

async function looksLikeZip(file: string): Promise<boolean> {
  const handle = await fs.open(file, 'r');
  try {
    const b = Buffer.alloc(4);
    await handle.read(b, 0, 4, 0);
    // A local file header, or the end record of an empty archive.
    return b.readUInt32LE(0) === 0x04034b50 || b.readUInt32LE(0) === 0x06054b50;
  } finally {
    await handle.close();
  }
}

function damageOf(b: { error_code: string | null; error_message: string | null }) {
  return b.error_code ? { code: b.error_code, message: b.error_message ?? '' } : null;
}

function head(batchId: string, archiveName: string, state: BatchAccepted['state'], damage: BatchAccepted['damage'], totals: BatchTotals): BatchAccepted {
  return {
    batch_id: batchId, archive_name: archiveName, state, damage, totals,
    finished: state !== 'extracting' && totals.queued === 0 && totals.processing === 0,
  };
}

function count(states: BatchEntryStateName[]): BatchTotals {
  const t: BatchTotals = { entries: states.length, queued: 0, processing: 0, done: 0, duplicate: 0, skipped: 0, failed: 0 };
  for (const s of states) t[s]++;
  return t;
}

/** An entry as the API shows it: one that became an upload moves with that upload's processing. */
function presentEntry(e: batches.BatchEntryRow): BatchEntry {
  let state: BatchEntryStateName;
  let reason = e.reason_code ? { code: e.reason_code, message: e.reason ?? '' } : null;
  let progress = 0;
  switch (e.state) {
    case 'ingested':
      switch (e.processing_status) {
        case 'processing': state = 'processing'; progress = e.progress ?? 0; break;
        case 'failed':
          state = 'failed';
          reason = { code: e.processing_error_code ?? 'PROCESSING_FAILED', message: e.processing_error ?? '' };
          break;
        case 'pending': state = 'queued'; break;
        // Completed, or deleted since (no live upload joined): it was done.
        case 'completed': case null: state = 'done'; progress = 100; break;
      }
      break;
    case 'duplicate': state = 'duplicate'; progress = 100; break;
    case 'skipped': state = 'skipped'; break;
    case 'failed': state = 'failed'; break;
    case 'queued': state = 'queued'; break;
  }
  return {
    position: e.position, path: e.path, filename: e.filename, folder: e.folder, size: Number(e.size), state, reason,
    upload_id: e.upload_id, progress,
  };
}
