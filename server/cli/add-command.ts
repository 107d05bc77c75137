import type { Stats } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import cliProgress from 'cli-progress';
import { ERROR_CODES, isErrorCode } from '../../shared/api/errors.ts';
import type { JobStatus, UploadAccepted } from '../../shared/api/schemas.ts';
import { formatBytes } from '../../shared/format.ts';
import { CliError, FATAL_CODES, localFileError, type TroveClient } from './client.ts';
import { connect, type ConnectionFlags } from './locate.ts';

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
  | { kind: 'failed'; file: LocalFile; code: string; message: string; uploadId: string | null; stage: 'local' | 'upload' | 'processing' };

/** Waits before retrying an upload the server said may succeed later (rate limit, restart, cut-off body). */
const RETRY_DELAYS_MS = [1000, 3000];
const POLL_INTERVAL_MS = 500;
/** Status requests in flight at once while following many jobs. */
const POLL_PARALLEL = 8;
const TERMINAL_JOB_STATES: ReadonlySet<string> = new Set(['completed', 'failed', 'cancelled']);

/**
 * `trove add <paths...>`: uploads files and folders (recursively), optionally waits for processing,
 * and returns the exit code: 1 when any file was rejected or failed processing, else 0.
 */
export async function addCommand(paths: string[], opts: AddOptions): Promise<number> {
  const concurrency = opts.concurrency ?? 3;
  const wait = opts.wait ?? false;
  const { client } = await connect(opts);
  // Fail fast, once, when the server is down or the token is wrong — not once per file.
  await client.listUploads({ limit: 1 });

  const { files, problems } = await collectFiles(paths);
  const reporter: Reporter = opts.json ? new SilentReporter() : process.stdout.isTTY ? new BarReporter(wait) : new LineReporter(wait);
  const outcomes: Outcome[] = [];
  const record = (o: Outcome) => {
    outcomes.push(o);
    reporter.done(o);
  };

  const onSigint = () => {
    reporter.stop();
    process.stderr.write(`\nInterrupted: ${outcomes.length} of ${files.length + problems.length} files were handled.\n`);
    process.exit(130);
  };
  process.once('SIGINT', onSigint);

  const abort = new AbortController();
  let fatal: CliError | undefined;
  const setFatal = (err: CliError) => {
    fatal ??= err;
    abort.abort();
  };
  const watcher = wait ? new JobWatcher(client, abort.signal, setFatal) : undefined;

  try {
    reporter.start(files);
    for (const p of problems) record(p);

    const follows: Promise<void>[] = [];
    let next = 0;
    const worker = async () => {
      while (!fatal && next < files.length) {
        const file = files[next++]!;
        let accepted: UploadAccepted;
        try {
          accepted = await uploadWithRetry(client, file, reporter, abort.signal, opts.keepLocal ? { keep_local: true } : undefined);
        } catch (err) {
          reporter.uploadEnded(file);
          if (abort.signal.aborted) return;
          const e = asCliError(err);
          if (FATAL_CODES.has(e.code)) {
            setFatal(e);
            return;
          }
          record({ kind: 'failed', file, code: e.code, message: e.message, uploadId: null, stage: e.code === 'LOCAL_FILE' ? 'local' : 'upload' });
          continue;
        }
        reporter.uploadEnded(file);
        const unfinished = accepted.status === 'queued' || accepted.status === 'pending' || accepted.status === 'processing';
        if (watcher && accepted.job_id && unfinished) {
          follows.push(follow(watcher, file, accepted, reporter).then(record, (err: unknown) => {
            if (abort.signal.aborted) return;
            const e = asCliError(err);
            record({ kind: 'failed', file, code: e.code, message: `Could not follow its processing: ${e.message}`, uploadId: accepted.upload_id, stage: 'processing' });
          }));
        } else {
          record(accepted.duplicate
            ? { kind: 'duplicate', file, uploadId: accepted.upload_id, status: accepted.status }
            : { kind: 'added', file, uploadId: accepted.upload_id, jobId: accepted.job_id, status: accepted.status, fileType: null });
        }
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, files.length)) }, worker));
    await Promise.all(follows);
  } finally {
    reporter.stop();
    process.removeListener('SIGINT', onSigint);
  }

  if (fatal) {
    if (!opts.json && outcomes.length > 0) process.stdout.write(summaryText(outcomes, wait, files.length + problems.length, opts.keepLocal ?? false));
    throw fatal;
  }
  if (opts.json) {
    process.stdout.write(`${JSON.stringify(jsonSummary(outcomes, opts.keepLocal ?? false), null, 2)}\n`);
  } else if (files.length + problems.length === 0) {
    process.stdout.write('Nothing to add: no files found.\n');
  } else {
    process.stdout.write(summaryText(outcomes, wait, files.length + problems.length, opts.keepLocal ?? false));
  }
  return outcomes.some((o) => o.kind === 'failed') ? 1 : 0;
}

async function uploadWithRetry(client: TroveClient, file: LocalFile, reporter: Reporter, signal: AbortSignal, metadata: Record<string, unknown> | undefined): Promise<UploadAccepted> {
  reporter.uploadStarted(file);
  for (let attempt = 0; ; attempt++) {
    try {
      return await client.upload(file.path, { signal, metadata, onProgress: (sent, total) => reporter.uploadProgress(file, sent, total) });
    } catch (err) {
      const e = asCliError(err);
      const delay = RETRY_DELAYS_MS[attempt];
      if (delay === undefined || signal.aborted || !retryable(e.code)) throw err;
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}

function retryable(code: string): boolean {
  if (code === 'INSUFFICIENT_STORAGE') return false;
  return code === 'CONNECTION_LOST' || (isErrorCode(code) && ERROR_CODES[code].retryable);
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
  if (accepted.duplicate) return { kind: 'duplicate', file, uploadId: accepted.upload_id, status: job.result?.processing_status ?? job.status };
  if (job.status === 'completed') {
    return { kind: 'added', file, uploadId: accepted.upload_id, jobId: job.job_id, status: 'completed', fileType: job.result?.file_type ?? null };
  }
  if (job.status === 'cancelled') {
    return { kind: 'failed', file, code: 'CANCELLED', message: 'Processing was cancelled (the upload was deleted meanwhile).', uploadId: accepted.upload_id, stage: 'processing' };
  }
  return {
    kind: 'failed', file, uploadId: accepted.upload_id, stage: 'processing',
    code: job.error?.code ?? 'PROCESSING_FAILED', message: job.error?.message ?? 'Processing failed.',
  };
}

/**
 * Polls GET /upload/status/{job_id} for every followed job, every ~500 ms, with a bounded number
 * of requests in flight, so following a thousand files does not flood the server.
 */
class JobWatcher {
  private readonly jobs = new Map<string, { onUpdate: (s: JobStatus) => void; resolve: (s: JobStatus) => void; reject: (e: unknown) => void; errors: number }>();
  private running = false;

  constructor(private readonly client: TroveClient, private readonly signal: AbortSignal, private readonly onFatal: (e: CliError) => void) {}

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
          w.reject(new Error('aborted'));
        }
        break;
      }
      const started = Date.now();
      await forEachLimit([...this.jobs], POLL_PARALLEL, async ([id, w]) => {
        try {
          const status = await this.client.jobStatus(id, this.signal);
          w.errors = 0;
          w.onUpdate(status);
          if (TERMINAL_JOB_STATES.has(status.status)) {
            this.jobs.delete(id);
            w.resolve(status);
          }
        } catch (err) {
          if (this.signal.aborted) return;
          const e = asCliError(err);
          if (FATAL_CODES.has(e.code)) {
            this.onFatal(e);
          } else if (++w.errors >= 5) {
            this.jobs.delete(id);
            w.reject(e);
          }
        }
      });
      await new Promise((r) => setTimeout(r, Math.max(0, POLL_INTERVAL_MS - (Date.now() - started))));
    }
    this.running = false;
  }
}

async function forEachLimit<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let i = 0;
  const run = async () => {
    while (i < items.length) await fn(items[i++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, run));
}

function asCliError(err: unknown): CliError {
  if (err instanceof CliError) return err;
  return new CliError('INTERNAL', err instanceof Error ? err.message : String(err), { cause: err });
}

// ---------------------------------------------------------------------------------------------
// Finding files

/**
 * Expands the given paths: files as they are (hidden or not — they were named), folders
 * recursively, skipping hidden entries, following symlinks but never into a folder already seen
 * (which also ends symlink loops), and each file once however often it is reached.
 * 0-byte files are kept: the server is the one to say EMPTY_FILE.
 */
export async function collectFiles(args: string[], cwd = process.cwd()): Promise<{ files: LocalFile[]; problems: Outcome[] }> {
  const files: LocalFile[] = [];
  const problems: Outcome[] = [];
  const seenFiles = new Set<string>();
  const seenDirs = new Set<string>();
  const display = (p: string) => {
    const rel = path.relative(cwd, p);
    return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : p;
  };
  const problem = (p: string, message: string) =>
    problems.push({ kind: 'failed', file: { path: p, display: display(p), size: 0 }, code: 'LOCAL_FILE', message, uploadId: null, stage: 'local' });
  const addFile = (p: string, st: Stats) => {
    const id = `${st.dev}:${st.ino}`;
    if (seenFiles.has(id)) return;
    seenFiles.add(id);
    files.push({ path: p, display: display(p), size: st.size });
  };

  const walk = async (dir: string, st: Stats): Promise<void> => {
    const id = `${st.dev}:${st.ino}`;
    if (seenDirs.has(id)) return;
    seenDirs.add(id);
    let entries: string[];
    try {
      entries = (await fs.readdir(dir)).sort((a, b) => a.localeCompare(b));
    } catch (err) {
      problem(dir, localFileError(dir, err).message);
      return;
    }
    for (const name of entries) {
      if (name.startsWith('.')) continue;
      const p = path.join(dir, name);
      let child: Stats;
      try {
        child = await fs.stat(p);
      } catch (err) {
        // A dangling symlink is not a file the user has; anything else unreadable is worth saying.
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') problem(p, localFileError(p, err).message);
        continue;
      }
      if (child.isDirectory()) await walk(p, child);
      else if (child.isFile()) addFile(p, child);
      // sockets, FIFOs and devices are not documents; skipped
    }
  };

  for (const arg of args) {
    const p = path.resolve(cwd, arg);
    let st: Stats;
    try {
      st = await fs.stat(p);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      problem(p, code === 'ENOENT' ? `No such file or folder: ${arg}` : localFileError(p, err).message);
      continue;
    }
    if (st.isDirectory()) await walk(p, st);
    else if (st.isFile()) addFile(p, st);
    else problem(p, `${arg} is not a regular file or folder.`);
  }
  return { files, problems };
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
  }
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
  let text = `\n${added} added, ${dups} skipped (already in Trove), ${failed.length} failed`;
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
  return { added, duplicates, failed, counts: { added: added.length, duplicates: duplicates.length, failed: failed.length }, keep_local: keepLocal };
}
