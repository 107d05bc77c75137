import fs from 'node:fs/promises';
import path from 'node:path';
import cliProgress from 'cli-progress';
import { ApiError } from '../../shared/api/client/api-error.ts';
import { acceptedOutcome, outcomeOfJob } from '../../shared/api/client/job-outcome.ts';
import { withRetries } from '../../shared/api/client/retry.ts';
import { isBatchAccepted, type TusOutcome } from '../../shared/api/client/tus-upload.ts';
import type { Batch, BatchAccepted, JobStatus, UploadAccepted } from '../../shared/api/schemas.ts';
import { formatBytes } from '../../shared/format.ts';
import { localFileError, selectFiles } from '../../shared/node/file-selection.ts';
import { FATAL_CODES, type TroveClient } from './client.ts';
import { connect, type ConnectionFlags } from './locate.ts';
import { fileFingerprint, ResumeStore } from './resume-store.ts';

export interface AddOptions extends ConnectionFlags {
  wait?: boolean;
  json?: boolean;
  concurrency?: number;
  /** "Keep on this device": uploaded with metadata `keep_local: true`, so no cloud AI model sees them. */
  keepLocal?: boolean;
}

export interface LocalFile {
  /** Absolute path. */
  path: string;
  /** As shown to the user: relative to the working directory when inside it. */
  display: string;
  size: number;
}

export type Outcome =
  | { kind: 'added'; file: LocalFile; uploadId: string; jobId: string | null; status: string; fileType: string | null }
  | { kind: 'duplicate'; file: LocalFile; uploadId: string; status: string }
  | { kind: 'failed'; file: LocalFile; code: string; message: string; uploadId: string | null; stage: 'local' | 'upload' | 'processing' }
  /** A .zip, unpacked by the server: what became of its entries (all settled with --wait, else once read). */
  | { kind: 'archive'; file: LocalFile; batch: Batch };

const POLL_INTERVAL_MS = 500;
/** Status requests in flight at once while following many jobs. */
const POLL_PARALLEL = 8;

/**
 * `trove add <paths...>`: uploads files and folders (recursively, by the rule the desktop app uses
 * too), optionally waits for processing, and returns the exit code: 1 when any file was rejected or
 * failed processing, else 0. Uploads are resumable and retried by the shared rule (shared/api/client/).
 */
export async function addCommand(paths: string[], opts: AddOptions): Promise<number> {
  const { client } = await connect(opts);
  // Fail fast, once, when the server is down or the token is wrong — not once per file.
  await client.listUploads({ limit: 1 });
  const { files, problems } = await collectFiles(paths);
  const run = new AddRun(client, opts, files);
  const fatal = await run.execute(problems);
  const considered = files.length + problems.length;
  if (fatal) {
    if (!opts.json && run.outcomes.length > 0) process.stdout.write(summaryText(run.outcomes, run.wait, considered, opts.keepLocal ?? false));
    throw fatal;
  }
  printSummary(run.outcomes, opts, considered);
  return run.outcomes.some((o) => o.kind === 'failed' || (o.kind === 'archive' && o.batch.totals.failed > 0)) ? 1 : 0;
}

/** One `trove add`: uploads `concurrency` files at a time, follows them with --wait, records each file's outcome. */
class AddRun {
  readonly outcomes: Outcome[] = [];
  readonly wait: boolean;
  private readonly reporter: Reporter;
  private readonly abort = new AbortController();
  private readonly watcher: JobWatcher | undefined;
  private readonly follows: Promise<void>[] = [];
  private readonly resumes = new ResumeStore();
  private fatal: ApiError | undefined;
  private next = 0;

  constructor(private readonly client: TroveClient, private readonly opts: AddOptions, private readonly files: LocalFile[]) {
    this.wait = opts.wait ?? false;
    this.reporter = opts.json ? new SilentReporter() : process.stdout.isTTY ? new BarReporter(this.wait) : new LineReporter(this.wait);
    this.watcher = this.wait ? new JobWatcher(client, this.abort.signal, (e) => this.stop(e)) : undefined;
  }

  /** Runs to the end; the failure that stopped the whole run, if one did. */
  async execute(problems: Outcome[]): Promise<ApiError | undefined> {
    const onSigint = () => {
      this.reporter.stop();
      process.stderr.write(`\nInterrupted: ${this.outcomes.length} of ${this.files.length + problems.length} files were handled.\n`);
      process.exit(130);
    };
    process.once('SIGINT', onSigint);
    try {
      this.reporter.start(this.files);
      for (const p of problems) this.record(p);
      const workers = Math.max(1, Math.min(this.opts.concurrency ?? 3, this.files.length));
      await Promise.all(Array.from({ length: workers }, () => this.uploadWorker()));
      await Promise.all(this.follows);
    } finally {
      this.reporter.stop();
      process.removeListener('SIGINT', onSigint);
    }
    return this.fatal;
  }

  private record(o: Outcome): void {
    this.outcomes.push(o);
    this.reporter.done(o);
  }

  private stop(err: ApiError): void {
    this.fatal ??= err;
    this.abort.abort();
  }

  private async uploadWorker(): Promise<void> {
    while (!this.fatal && this.next < this.files.length) {
      const file = this.files[this.next++]!;
      const accepted = await this.upload(file);
      if (accepted && isBatchAccepted(accepted)) this.archive(file, accepted);
      else if (accepted) this.accepted(file, accepted);
    }
  }

  /** One file's upload; undefined when it failed (recorded) or the run stopped. */
  private async upload(file: LocalFile): Promise<TusOutcome | undefined> {
    try {
      return await uploadWithRetries(this.client, file, this.reporter, this.abort.signal, this.opts.keepLocal ?? false, this.resumes);
    } catch (err) {
      if (this.abort.signal.aborted) return undefined;
      const e = asApiError(err);
      if (FATAL_CODES.has(e.code)) this.stop(e);
      else this.record({ kind: 'failed', file, code: e.code, message: e.message, uploadId: null, stage: isLocal(e) ? 'local' : 'upload' });
      return undefined;
    } finally {
      this.reporter.uploadEnded(file);
    }
  }

  /** An archive: its entries are read by the server; waits until they are (with --wait, until all are processed). */
  private archive(file: LocalFile, accepted: BatchAccepted): void {
    this.follows.push(followBatch(this.client, accepted.batch_id, this.wait, this.abort.signal).then((batch) => this.record({ kind: 'archive', file, batch }), (err: unknown) => {
      if (this.abort.signal.aborted) return;
      const e = asApiError(err);
      this.record({ kind: 'failed', file, code: e.code, message: `Could not follow the archive: ${e.message}`, uploadId: null, stage: 'processing' });
    }));
  }

  private accepted(file: LocalFile, accepted: UploadAccepted): void {
    const next = acceptedOutcome(accepted);
    if (this.watcher && next === 'follow') {
      this.follows.push(follow(this.watcher, file, accepted, this.reporter).then((o) => this.record(o), (err: unknown) => {
        if (this.abort.signal.aborted) return;
        const e = asApiError(err);
        this.record({ kind: 'failed', file, code: e.code, message: `Could not follow its processing: ${e.message}`, uploadId: accepted.upload_id, stage: 'processing' });
      }));
      return;
    }
    this.record(next === 'duplicate'
      ? { kind: 'duplicate', file, uploadId: accepted.upload_id, status: accepted.status }
      : { kind: 'added', file, uploadId: accepted.upload_id, jobId: accepted.job_id, status: accepted.status, fileType: null });
  }
}

function printSummary(outcomes: Outcome[], opts: AddOptions, considered: number): void {
  if (opts.json) {
    process.stdout.write(`${JSON.stringify(jsonSummary(outcomes, opts.keepLocal ?? false), null, 2)}\n`);
  } else if (considered === 0) {
    process.stdout.write('Nothing to add: no files found.\n');
  } else {
    process.stdout.write(summaryText(outcomes, opts.wait ?? false, considered, opts.keepLocal ?? false));
  }
}

/** One file through tus, tried again by the shared rule; a cut-off upload continues from the server's offset. */
async function uploadWithRetries(client: TroveClient, file: LocalFile, reporter: Reporter, signal: AbortSignal, keepLocal: boolean, resumes: ResumeStore): Promise<TusOutcome> {
  reporter.uploadStarted(file);
  // Sized now, not when the folder was walked: the file may have changed since.
  const st = await fs.stat(file.path).catch((err: unknown) => {
    throw localFileError(file.path, err);
  });
  const upload = client.tusUpload({
    path: file.path, size: st.size, filename: path.basename(file.path), metadata: keepLocal ? { keep_local: true } : null,
    // An upload a previous run left unfinished continues where the server has it.
    resume: { storage: resumes, fingerprint: fileFingerprint(client.url, { path: file.path, size: st.size, mtimeMs: st.mtimeMs }, keepLocal) },
    onProgress: (sent, total) => reporter.uploadProgress(file, sent, total),
  });
  const stop = () => void upload.abort(false);
  signal.addEventListener('abort', stop, { once: true });
  try {
    return await withRetries(() => upload.attempt(), { signal });
  } finally {
    signal.removeEventListener('abort', stop);
  }
}

/** Polls an archive's batch until every entry is read (and, with --wait, settled). */
async function followBatch(client: TroveClient, batchId: string, wait: boolean, signal: AbortSignal): Promise<Batch> {
  for (;;) {
    const batch = await withRetries(() => client.batch(batchId, signal), { signal });
    if (wait ? batch.finished : batch.state !== 'extracting') return batch;
    await new Promise((r) => setTimeout(r, POLL_INTERVAL_MS));
    if (signal.aborted) throw new ApiError('ABORTED', 'Stopped.');
  }
}

/** Follows an accepted upload's job to its end and turns the result into the file's outcome. */
async function follow(watcher: JobWatcher, file: LocalFile, accepted: UploadAccepted, reporter: Reporter): Promise<Outcome> {
  reporter.followStarted(file);
  let job: JobStatus | undefined;
  try {
    job = await watcher.follow(accepted.job_id!, (status) => reporter.processing(file, status));
  } finally {
    reporter.followEnded(file, job);
  }
  const outcome = outcomeOfJob(job);
  if (accepted.duplicate) return { kind: 'duplicate', file, uploadId: accepted.upload_id, status: job.result?.processing_status ?? job.status };
  if (outcome.settled && outcome.state === 'completed') {
    return { kind: 'added', file, uploadId: accepted.upload_id, jobId: job.job_id, status: 'completed', fileType: job.result?.file_type ?? null };
  }
  const error = outcome.settled ? outcome.error : { code: 'PROCESSING_FAILED', message: 'Processing did not finish.' };
  return { kind: 'failed', file, uploadId: accepted.upload_id, stage: 'processing', code: error.code, message: error.message };
}

/**
 * Polls GET /upload/status/{job_id} for every followed job, every ~500 ms, with a bounded number
 * of requests in flight, so following a thousand files does not flood the server.
 */
class JobWatcher {
  private readonly jobs = new Map<string, { onUpdate: (s: JobStatus) => void; resolve: (s: JobStatus) => void; reject: (e: unknown) => void; errors: number }>();
  private running = false;

  constructor(private readonly client: TroveClient, private readonly signal: AbortSignal, private readonly onFatal: (e: ApiError) => void) {}

  follow(jobId: string, onUpdate: (s: JobStatus) => void): Promise<JobStatus> {
    return new Promise((resolve, reject) => {
      this.jobs.set(jobId, { onUpdate, resolve, reject, errors: 0 });
      if (!this.running) {
        this.running = true;
        void this.loop();
      }
    });
  }

  private async loop(): Promise<void> {
    while (this.jobs.size > 0) {
      if (this.signal.aborted) {
        for (const [id, w] of this.jobs) {
          this.jobs.delete(id);
          w.reject(new ApiError('ABORTED', 'Stopped.'));
        }
        break;
      }
      const started = Date.now();
      await forEachLimit([...this.jobs], POLL_PARALLEL, ([id, w]) => this.poll(id, w));
      await new Promise((r) => setTimeout(r, Math.max(0, POLL_INTERVAL_MS - (Date.now() - started))));
    }
    this.running = false;
  }

  private async poll(id: string, w: { onUpdate: (s: JobStatus) => void; resolve: (s: JobStatus) => void; reject: (e: unknown) => void; errors: number }): Promise<void> {
    try {
      const status = await this.client.jobStatus(id, this.signal);
      w.errors = 0;
      w.onUpdate(status);
      if (outcomeOfJob(status).settled) {
        this.jobs.delete(id);
        w.resolve(status);
      }
    } catch (err) {
      if (this.signal.aborted) return;
      const e = asApiError(err);
      if (FATAL_CODES.has(e.code)) {
        this.onFatal(e);
      } else if (++w.errors >= 5) {
        this.jobs.delete(id);
        w.reject(e);
      }
    }
  }
}

async function forEachLimit<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let i = 0;
  const run = async () => {
    while (i < items.length) await fn(items[i++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, run));
}

function asApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  return new ApiError('INTERNAL_ERROR', err instanceof Error ? err.message : String(err), 0, undefined, { cause: err });
}

const isLocal = (e: ApiError) => e.code === 'LOCAL_FILE' || e.code === 'FILE_MISSING';

// ---------------------------------------------------------------------------------------------
// Finding files

/**
 * The files to upload for the given paths, by the rule the desktop app uses too
 * (shared/node/file-selection.ts): files as named (hidden or not — they were named), folders
 * recursively for the files of types Trove reads, skipping hidden, lock and temporary files.
 * What cannot be read becomes a failed outcome of its own.
 */
export async function collectFiles(args: string[], cwd = process.cwd()): Promise<{ files: LocalFile[]; problems: Outcome[] }> {
  const display = (p: string) => {
    const rel = path.relative(cwd, p);
    return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : p;
  };
  const { files, problems } = await selectFiles(args, cwd);
  return {
    files: files.map((f) => ({ path: f.path, display: display(f.path), size: f.size })),
    problems: problems.map((p) => ({
      kind: 'failed', file: { path: p.path, display: display(p.path), size: 0 }, code: p.error.code, message: p.error.message, uploadId: null, stage: 'local',
    })),
  };
}

// ---------------------------------------------------------------------------------------------
// Output

interface Reporter {
  start(files: LocalFile[]): void;
  uploadStarted(file: LocalFile): void;
  uploadProgress(file: LocalFile, sent: number, total: number): void;
  uploadEnded(file: LocalFile): void;
  followStarted(file: LocalFile): void;
  processing(file: LocalFile, job: JobStatus): void;
  /** `job` is undefined when following it failed. */
  followEnded(file: LocalFile, job: JobStatus | undefined): void;
  /** The file's final outcome. */
  done(outcome: Outcome): void;
  stop(): void;
}

class SilentReporter implements Reporter {
  start(): void {}
  uploadStarted(): void {}
  uploadProgress(): void {}
  uploadEnded(): void {}
  followStarted(): void {}
  processing(): void {}
  followEnded(): void {}
  done(_o: Outcome): void {}
  stop(): void {}
}

/** Not a terminal (piped, CI, logs): one plain line per file, when its outcome is known. */
class LineReporter extends SilentReporter {
  constructor(private readonly wait: boolean) {
    super();
  }
  override done(o: Outcome): void {
    process.stdout.write(`${outcomeLine(o, this.wait)}\n`);
  }
}

export function outcomeLine(o: Outcome, wait: boolean): string {
  switch (o.kind) {
    case 'added':
      return `added    ${o.file.display}${wait && o.status === 'completed' ? ` (${o.fileType ?? 'processed'}, searchable)` : ''}`;
    case 'duplicate':
      return `skipped  ${o.file.display} (already in Trove${o.status === 'failed' ? ', but its processing had failed' : ''})`;
    case 'failed':
      return `failed   ${o.file.display}: ${o.code} ${o.message}`;
    case 'archive':
      return archiveLines(o.batch, o.file.display);
  }
}

/** An archive's summary: the totals, then each entry that was skipped or failed, with why. */
export function archiveLines(b: Batch, display: string): string {
  const t = b.totals;
  const counts = [
    `${t.done + t.queued + t.processing} added${t.queued + t.processing > 0 ? ` (${t.queued + t.processing} still processing)` : ''}`,
    `${t.duplicate} already in Trove`, `${t.skipped} skipped`, `${t.failed} failed`,
  ];
  let text = `archive  ${display}: ${t.entries} entries — ${counts.join(', ')}`;
  if (b.damage) text += `
         ${b.damage.code}: ${b.damage.message}`;
  for (const e of b.entries) {
    if (e.state === 'skipped' || e.state === 'failed') text += `
         ${e.state.padEnd(8)} ${e.path}: ${e.reason?.code ?? ''} ${e.reason?.message ?? ''}`;
  }
  return text;
}

interface BarPayload {
  kind: 'upload-total' | 'process-total' | 'upload' | 'process';
  name?: string;
  stage?: string;
  done?: number;
  count?: number;
  failed?: number;
}

/** A terminal: a total bar (two with --wait) and one bar per file uploading or processing. */
class BarReporter implements Reporter {
  private multibar: cliProgress.MultiBar | undefined;
  private uploadTotal: cliProgress.SingleBar | undefined;
  private processTotal: cliProgress.SingleBar | undefined;
  private readonly uploadBars = new Map<string, cliProgress.SingleBar>();
  private readonly processBars = new Map<string, cliProgress.SingleBar>();
  /** Bytes of each file counted into the total bar so far. */
  private readonly counted = new Map<string, number>();
  private bytesDone = 0;
  private filesUploaded = 0;
  private fileCount = 0;
  private followed = 0;
  private processed = 0;
  private processFailed = 0;

  constructor(private readonly wait: boolean) {}

  start(files: LocalFile[]): void {
    this.fileCount = files.length;
    if (files.length === 0) return;
    this.multibar = new cliProgress.MultiBar({
      stream: process.stdout, hideCursor: true, clearOnComplete: false, emptyOnZero: true, gracefulExit: false,
      linewrap: true, forceRedraw: true, fps: 10, format: (_o, params, payload: BarPayload) => this.format(params, payload),
    });
    const totalBytes = files.reduce((n, f) => n + f.size, 0);
    this.uploadTotal = this.multibar.create(totalBytes, 0, { kind: 'upload-total' } satisfies BarPayload);
    if (this.wait) this.processTotal = this.multibar.create(0, 0, { kind: 'process-total' } satisfies BarPayload);
  }

  uploadStarted(file: LocalFile): void {
    const bar = this.multibar?.create(Math.max(1, file.size), 0, { kind: 'upload', name: file.display } satisfies BarPayload);
    if (bar) this.uploadBars.set(file.path, bar);
  }

  uploadProgress(file: LocalFile, sent: number, total: number): void {
    const fraction = total > 0 ? sent / total : 1;
    this.uploadBars.get(file.path)?.update(Math.round(fraction * Math.max(1, file.size)));
    this.count(file, Math.round(fraction * file.size));
  }

  uploadEnded(file: LocalFile): void {
    this.count(file, file.size);
    this.filesUploaded++;
    const bar = this.uploadBars.get(file.path);
    if (bar) {
      this.uploadBars.delete(file.path);
      this.multibar?.remove(bar);
    }
  }

  private count(file: LocalFile, bytes: number): void {
    this.bytesDone += bytes - (this.counted.get(file.path) ?? 0);
    this.counted.set(file.path, bytes);
    this.uploadTotal?.update(this.bytesDone);
  }

  followStarted(): void {
    this.followed++;
    this.processTotal?.setTotal(this.followed);
  }

  processing(file: LocalFile, job: JobStatus): void {
    let bar = this.processBars.get(file.path);
    if (!bar && job.status === 'processing') {
      bar = this.multibar?.create(100, 0, { kind: 'process', name: file.display, stage: job.stage ?? '' } satisfies BarPayload);
      if (bar) this.processBars.set(file.path, bar);
    }
    bar?.update(job.progress, { stage: job.stage ?? job.status });
  }

  followEnded(file: LocalFile, job: JobStatus | undefined): void {
    const bar = this.processBars.get(file.path);
    if (bar) {
      this.processBars.delete(file.path);
      this.multibar?.remove(bar);
    }
    this.processed++;
    if (job?.status !== 'completed') this.processFailed++;
    this.processTotal?.update(this.processed);
  }

  done(o: Outcome): void {
    const line = `${outcomeLine(o, this.wait)}\n`;
    if (this.multibar) this.multibar.log(line);
    else process.stdout.write(line);
  }

  stop(): void {
    if (!this.multibar) return;
    this.multibar.update();
    this.multibar.stop();
    this.multibar = undefined;
  }

  private format(params: cliProgress.Params, p: BarPayload): string {
    const pct = `${String(Math.floor(params.progress * 100)).padStart(3)}%`;
    const columns = process.stdout.columns || 80;
    let line: string;
    switch (p.kind) {
      case 'upload-total':
        line = `Uploading  ${drawBar(params.progress, 24)} ${pct}  ${this.filesUploaded}/${this.fileCount} files  ${formatBytes(params.value)}/${formatBytes(params.total)}`;
        break;
      case 'process-total':
        line = `Processing ${drawBar(params.progress, 24)} ${pct}  ${this.processed}/${this.followed} done${this.processFailed ? `, ${this.processFailed} failed` : ''}`;
        break;
      case 'upload':
        line = `  ↑ ${fit(p.name ?? '', 32)} ${drawBar(params.progress, 16)} ${pct}  ${formatBytes(params.value)}/${formatBytes(params.total)}`;
        break;
      case 'process':
        line = `  ⚙ ${fit(p.name ?? '', 32)} ${drawBar(params.progress, 16)} ${pct}  ${p.stage ?? ''}`;
        break;
    }
    return line.slice(0, Math.max(20, columns - 1));
  }
}

function drawBar(progress: number, width: number): string {
  const full = Math.round(Math.min(1, Math.max(0, progress)) * width);
  return `${'█'.repeat(full)}${'░'.repeat(width - full)}`;
}

/** Shortens from the left, keeping the end of a path (the file name) visible. */
function fit(s: string, width: number): string {
  return s.length <= width ? s.padEnd(width) : `…${s.slice(s.length - width + 1)}`;
}

function summaryText(outcomes: Outcome[], wait: boolean, considered: number, keepLocal: boolean): string {
  const added = outcomes.filter((o) => o.kind === 'added').length;
  const dups = outcomes.filter((o) => o.kind === 'duplicate').length;
  const failed = outcomes.filter((o): o is Extract<Outcome, { kind: 'failed' }> => o.kind === 'failed');
  const archives = outcomes.filter((o) => o.kind === 'archive').length;
  let text = `\n${added} added${archives ? `, ${archives} ${archives === 1 ? 'archive' : 'archives'} unpacked` : ''}, ${dups} skipped (already in Trove), ${failed.length} failed`;
  if (outcomes.length < considered) text += `, ${considered - outcomes.length} not attempted`;
  text += '.\n';
  if (failed.length > 0) {
    text += 'Failures:\n';
    for (const f of failed) text += `  ${f.file.display}: ${f.code} ${f.message}\n`;
  }
  if (keepLocal && added > 0) text += `Kept on this device: no cloud AI model sees the ${added === 1 ? 'file' : `${added} files`} added.\n`;
  // A duplicate is the file already in Trove, with the setting it was first added with.
  if (keepLocal && dups > 0) text += 'Files already in Trove keep the setting they were first added with.\n';
  if (added > 0 && !wait) text += 'Processing continues in the background; `npx trove status` shows how far it got.\n';
  return text;
}

function jsonSummary(outcomes: Outcome[], keepLocal: boolean) {
  const pick = <K extends Outcome['kind']>(kind: K) => outcomes.filter((o): o is Extract<Outcome, { kind: K }> => o.kind === kind);
  const added = pick('added').map((o) => ({ path: o.file.path, upload_id: o.uploadId, job_id: o.jobId, status: o.status, file_type: o.fileType }));
  const duplicates = pick('duplicate').map((o) => ({ path: o.file.path, upload_id: o.uploadId, status: o.status }));
  const failed = pick('failed').map((o) => ({ path: o.file.path, code: o.code, message: o.message, upload_id: o.uploadId, stage: o.stage }));
  const archives = pick('archive').map((o) => ({ path: o.file.path, ...o.batch }));
  return { added, duplicates, failed, archives, counts: { added: added.length, duplicates: duplicates.length, failed: failed.length, archives: archives.length }, keep_local: keepLocal };
}
