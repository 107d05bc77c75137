// @vitest-environment happy-dom
import { describe, expect, it, vi } from 'vitest';
import type { JobStatus, UploadAccepted } from '../../shared/api/schemas.ts';
import { ApiError } from '../../renderer/src/api/errors.ts';
import type { UploadHandle, UploadRequest } from '../../renderer/src/api/upload.ts';
import type { UploadItem } from '../../renderer/src/bridge/upload-item.ts';
import { WebUploadQueue } from '../../renderer/src/bridge/web-queue.ts';
import { deferred } from './helpers.tsx';

interface Sent {
  file: File;
  request: UploadRequest | undefined;
  progress: (sent: number, total: number) => void;
  done: ReturnType<typeof deferred<UploadAccepted>>;
  aborted: boolean;
}

function harness(opts: { concurrency?: number } = {}) {
  const sent: Sent[] = [];
  const transport = vi.fn((file: File, progress: (s: number, t: number) => void, request?: UploadRequest): UploadHandle => {
    const done = deferred<UploadAccepted>();
    const entry: Sent = { file, request, progress, done, aborted: false };
    sent.push(entry);
    return {
      attempt: () => done.promise,
      abort: () => {
        entry.aborted = true;
        done.reject(new ApiError('ABORTED', 'cancelled'));
      },
    };
  });
  const retryProcessing = vi.fn(async (id: string) => ({ job_id: `job-again-${id}` }));
  const jobStatus = vi.fn<(jobId: string) => Promise<JobStatus>>();
  // No second attempts here: these tests are about the queue's states (retries: test/renderer/web-queue-contract.test.tsx).
  const queue = new WebUploadQueue({ transport, retryProcessing, jobStatus, concurrency: opts.concurrency ?? 3, pollAfterMs: 60_000, retryDelaysMs: [] });
  const states = new Map<string, UploadItem>();
  queue.onChanged((i) => states.set(i.id, i));
  const files = (n: number) => Array.from({ length: n }, (_, i) => new File([new Uint8Array(1000)], `f${i}.bin`));
  const accept = (s: Sent, over: Partial<UploadAccepted> = {}) => s.done.resolve({ job_id: 'job-1', upload_id: `up-${s.file.name}`, status: 'queued', duplicate: false, estimated_time: 3, ...over });
  const flush = () => new Promise((r) => setTimeout(r, 0));
  return { queue, sent, transport, retryProcessing, jobStatus, states, files, accept, flush };
}

describe('WebUploadQueue', () => {
  it('sends files added with "Keep on this device" with metadata keep_local: true, and others without; retries keep it', async () => {
    const h = harness();
    const [kept] = h.queue.add([new File(['secret'], 'passport.jpg')], { keepLocal: true });
    const [plain] = h.queue.add([new File(['poster'], 'poster.jpg')]);
    expect(h.sent.map((s) => [s.file.name, s.request?.metadata ?? null])).toEqual([['passport.jpg', { keep_local: true }], ['poster.jpg', null]]);
    expect(h.states.get(kept!.id)?.keepLocal).toBe(true);
    expect(h.states.get(plain!.id)?.keepLocal).toBe(false);

    // A failed upload sent again still carries the flag.
    h.sent[0]!.done.reject(new ApiError('NETWORK_ERROR', 'gone'));
    await h.flush();
    expect(h.states.get(kept!.id)?.state).toBe('failed');
    await h.queue.retry(kept!.id);
    expect(h.sent[2]!.file.name).toBe('passport.jpg');
    expect(h.sent[2]!.request?.metadata).toEqual({ keep_local: true });
  });

  it('uploads three at a time with per-file progress', async () => {
    const h = harness();
    const added = h.queue.add(h.files(5));
    expect(h.transport).toHaveBeenCalledTimes(3);
    expect(h.queue.list().map((i) => i.state)).toEqual(['uploading', 'uploading', 'uploading', 'queued', 'queued']);

    h.sent[0]!.progress(250, 1000);
    expect(h.states.get(added[0]!.id)).toMatchObject({ state: 'uploading', progress: 25, bytesSent: 250 });

    h.accept(h.sent[0]!);
    await h.flush();
    expect(h.states.get(added[0]!.id)).toMatchObject({ state: 'processing', uploadId: 'up-f0.bin', jobId: 'job-1', stage: 'queued' });
    expect(h.transport).toHaveBeenCalledTimes(4);
  });

  it('follows processing through live events, also ones that arrive before the upload response', async () => {
    const h = harness();
    const [a, b] = h.queue.add(h.files(2));
    // Processing can start (and report) before the browser has read the 202.
    h.queue.applyEvent({ upload_id: 'up-f1.bin', job_id: 'job-1', status: 'processing', progress: 40, stage: 'reading text', error: null });
    h.accept(h.sent[0]!);
    h.accept(h.sent[1]!);
    await h.flush();
    expect(h.states.get(b!.id)).toMatchObject({ state: 'processing', progress: 40, stage: 'reading text' });

    h.queue.applyEvent({ upload_id: 'up-f0.bin', job_id: 'job-1', status: 'completed', progress: 100, stage: 'completed', error: null });
    expect(h.states.get(a!.id)).toMatchObject({ state: 'completed', progress: 100 });
    h.queue.applyEvent({ upload_id: 'up-f1.bin', job_id: 'job-1', status: 'failed', progress: 100, stage: 'failed', error: { code: 'CORRUPT_FILE', message: 'The file is damaged.' } });
    expect(h.states.get(b!.id)).toMatchObject({ state: 'failed', error: { code: 'CORRUPT_FILE', message: 'The file is damaged.' } });
    expect(h.states.get(b!.id)!.error!.action).toMatch(/damaged/);

    // Retrying a processing failure processes the stored bytes again (no second upload).
    await h.queue.retry(b!.id);
    expect(h.retryProcessing).toHaveBeenCalledWith('up-f1.bin');
    expect(h.transport).toHaveBeenCalledTimes(2);
    expect(h.states.get(b!.id)).toMatchObject({ state: 'processing', jobId: 'job-again-up-f1.bin', error: null });
    h.queue.dispose();
  });

  it('marks duplicates, and upload failures with their code and a suggested action; retry uploads again', async () => {
    const h = harness();
    const [dup, big] = h.queue.add(h.files(2));
    h.accept(h.sent[0]!, { duplicate: true, job_id: null, status: 'completed' });
    h.sent[1]!.done.reject(new ApiError('FILE_TOO_LARGE', 'The file is larger than the 100 MB upload limit.', 413));
    await h.flush();
    expect(h.states.get(dup!.id)).toMatchObject({ state: 'duplicate', progress: 100 });
    expect(h.states.get(big!.id)).toMatchObject({ state: 'failed', error: { code: 'FILE_TOO_LARGE' } });
    expect(h.states.get(big!.id)!.error!.action).toMatch(/upload limit/);

    await h.queue.retry(big!.id);
    expect(h.transport).toHaveBeenCalledTimes(3);
    expect(h.states.get(big!.id)!.state).toBe('uploading');
  });

  it('cancels queued and running uploads', async () => {
    const h = harness({ concurrency: 1 });
    const [running, waiting] = h.queue.add(h.files(2));
    h.queue.cancel(waiting!.id);
    expect(h.states.get(waiting!.id)!.state).toBe('cancelled');
    h.queue.cancel(running!.id);
    expect(h.sent[0]!.aborted).toBe(true);
    await h.flush();
    expect(h.states.get(running!.id)!.state).toBe('cancelled');
    // Nothing else to start: the cancelled one does not run.
    expect(h.transport).toHaveBeenCalledTimes(1);
    h.queue.clearFinished();
    expect(h.queue.list()).toEqual([]);
  });

  it('pauses new uploads and resumes them', async () => {
    const h = harness({ concurrency: 1 });
    h.queue.pauseAll();
    const [a] = h.queue.add(h.files(2));
    expect(h.transport).not.toHaveBeenCalled();
    expect(h.queue.list().every((i) => i.state === 'paused')).toBe(true);
    h.queue.resumeAll();
    expect(h.transport).toHaveBeenCalledTimes(1);
    expect(h.states.get(a!.id)!.state).toBe('uploading');
  });

  it('asks for the status of files that have gone quiet', async () => {
    vi.useFakeTimers();
    const sent: ((v: UploadAccepted) => void)[] = [];
    const jobStatus = vi.fn(async (jobId: string): Promise<JobStatus> => ({
      job_id: jobId, upload_id: 'up-1', status: 'completed', progress: 100, stage: null, attempts: 1, error: null, result: null,
    }));
    const queue = new WebUploadQueue({
      transport: () => {
        const promise = new Promise<UploadAccepted>((r) => sent.push(r));
        return { attempt: () => promise, abort: () => undefined };
      },
      retryProcessing: vi.fn(), jobStatus, pollAfterMs: 2000,
    });
    const [item] = queue.add([new File(['x'], 'x.txt')]);
    sent[0]!({ job_id: 'job-7', upload_id: 'up-1', status: 'queued', duplicate: false, estimated_time: 1 });
    await vi.advanceTimersByTimeAsync(1000);
    expect(jobStatus).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(2500);
    expect(jobStatus).toHaveBeenCalledWith('job-7');
    expect(queue.list().find((i) => i.id === item!.id)!.state).toBe('completed');
    queue.dispose();
  });
});
