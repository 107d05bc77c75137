/**
 * The contract every Trove upload client keeps — the CLI, the desktop queue and the web queue run
 * it in their own test files (test/cli/client-contract.test.ts, test/main/upload-queue-contract.test.ts,
 * test/client-contract/web-queue.test.ts), each the real client against the real server, through
 * a fault-injecting proxy (test/helpers/fault-proxy.ts):
 * - retry: a failure the catalog marks retryable (503, 507) is tried again after the shared backoff
 *   (RETRY_DELAYS_MS: 1 s, then 3 s) and the file gets in; a refusal that is not (415
 *   UNSUPPORTED_FILE_TYPE, from the server itself) fails at once, with its code, sent once;
 * - resume: an upload whose connection drops mid-file continues from the server's offset (a tus
 *   HEAD, then a PATCH from there) instead of starting over, and the stored file is whole;
 * - file selection: the same folder yields the same files — those of types Trove reads, without
 *   hidden, lock, temporary or partial files.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import sharp from 'sharp';
import { afterEach, expect, it } from 'vitest';
import { RETRY_DELAYS_MS } from '../../shared/api/client/retry.ts';
import type { Upload } from '../../shared/api/schemas.ts';
import { beginsUpload, isTusHead, isTusPatch, startFaultProxy, type FaultProxy } from './fault-proxy.ts';

/** The real server the clients upload to (in this process or another). */
export interface ContractServer {
  url: string;
  token: string;
}

/** What became of one file a client was given, once its upload settled (processing is not awaited). */
export interface Taken {
  /** Absolute path of the local file. */
  path: string;
  state: 'added' | 'duplicate' | 'failed';
  code: string | null;
  uploadId: string | null;
}

export interface ClientDriver {
  /**
   * Gives the client these paths (files, or one folder) with the server at `serverUrl`, the way a
   * person would (`trove add …`, a drop on the desktop window, a drop on the page) and resolves
   * with every file it took, once each one's upload has settled.
   */
  add(serverUrl: string, paths: string[]): Promise<Taken[]>;
}

export interface ContractContext {
  server: () => ContractServer;
  /** A scratch folder of this test file's own. */
  dir: () => string;
  driver: () => ClientDriver;
}

/** A file of `bytes` bytes of plain text, unique to `name` (so each is a new upload). */
export async function uniqueText(dir: string, name: string, bytes: number): Promise<string> {
  const line = `Contract file ${name} ${Math.random().toString(36).slice(2)}: a few words worth finding.\n`;
  const file = path.join(dir, name);
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, line.repeat(Math.ceil(bytes / line.length)).slice(0, bytes));
  return file;
}

/** The folder every client must choose the same files from, and those files. */
export async function selectionFolder(dir: string): Promise<{ folder: string; chosen: string[] }> {
  const folder = path.join(dir, 'selection');
  const put = async (rel: string, content: string | Buffer) => {
    await fs.mkdir(path.dirname(path.join(folder, rel)), { recursive: true });
    await fs.writeFile(path.join(folder, rel), content);
  };
  const jpeg = await sharp({ create: { width: 32, height: 24, channels: 3, background: { r: 10, g: 120, b: 200 } } }).jpeg().toBuffer();
  await put('photos/beach.jpg', jpeg);
  await put('photos/.thumbs/beach.jpg', jpeg); // a hidden folder
  await put('photos/~$draft.docx', 'lock file of an open Word document'); // an Office lock file
  await put('notes/todo.md', `# To do ${Math.random()}\n\nWater the ferns.\n`);
  await put('notes/deeper/list.txt', `lentils, saffron ${Math.random()}\n`);
  await put('notes/list.txt.part', 'still being downloaded'); // partial download
  await put('notes/draft.tmp', 'an editor\'s temporary file');
  await put('notes/todo.md~', 'an editor\'s backup');
  await put('Notes.TXT', `Upper-case extension ${Math.random()}\n`); // extensions compare case-insensitively
  await put('.hidden.txt', 'a hidden file');
  await put('Thumbs.db', 'system clutter');
  await put('program.exe', 'MZ not something Trove reads');
  await put('archive.zip', 'PK not something Trove reads');
  await put('README', 'no extension: not a type Trove reads');
  const chosen = ['Notes.TXT', 'notes/deeper/list.txt', 'notes/todo.md', 'photos/beach.jpg'].map((p) => path.join(folder, p));
  return { folder, chosen };
}

/** An upload's details, asked of the server directly (node:http: the page's test replaces fetch). */
function uploadDetails(server: ContractServer, id: string): Promise<Upload> {
  return new Promise((resolve, reject) => {
    http.get(`${server.url}/api/v1/file/${id}/metadata`, { headers: { authorization: `Bearer ${server.token}` } }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (d: string) => (text += d)).on('end', () => {
        try {
          resolve((JSON.parse(text) as { data: Upload }).data);
        } catch (err) {
          reject(err instanceof Error ? err : new Error(String(err)));
        }
      });
    }).on('error', reject);
  });
}

/** Defines the contract's tests inside the caller's `describe`. */
export function defineClientContract(ctx: ContractContext): void {
  let proxy: FaultProxy | undefined;
  const open = async () => (proxy = await startFaultProxy(ctx.server().url));
  afterEach(async () => {
    await proxy?.close();
    proxy = undefined;
  });

  it('retry: a retryable refusal (503, then 507) is tried again after the shared backoff, and the file gets in', async () => {
    const p = await open();
    p.answer(beginsUpload, ['SERVICE_UNAVAILABLE', 'INSUFFICIENT_STORAGE']);
    const file = await uniqueText(ctx.dir(), 'retry/patient.txt', 20_000);
    const [taken] = await ctx.driver().add(p.url, [file]);
    expect(taken).toMatchObject({ path: file, state: 'added', code: null });
    const begins = p.log.filter(beginsUpload);
    expect(begins.map((r) => r.answeredBy)).toEqual(['fault', 'fault', 'server']);
    // Waited at least the schedule's first and second delays (lower bounds: no upper one is asserted).
    expect(begins[1]!.at - begins[0]!.at).toBeGreaterThanOrEqual(RETRY_DELAYS_MS[0]! - 20);
    expect(begins[2]!.at - begins[1]!.at).toBeGreaterThanOrEqual(RETRY_DELAYS_MS[1]! - 20);
    expect((await uploadDetails(ctx.server(), taken!.uploadId!)).filename).toBe('patient.txt');
  });

  it('retry: a refusal that is not retryable (415 UNSUPPORTED_FILE_TYPE from the server) fails at once, sent once', async () => {
    const p = await open();
    const file = path.join(ctx.dir(), 'refused', 'program.bin');
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, Buffer.from('MZ\x90\x00 not a media file at all, just bytes '.repeat(60)));
    const [taken] = await ctx.driver().add(p.url, [file]);
    expect(taken).toMatchObject({ path: file, state: 'failed', code: 'UNSUPPORTED_FILE_TYPE' });
    const begins = p.log.filter(beginsUpload);
    expect(begins).toHaveLength(1);
    // Nothing was sent twice: one upload request of each kind, no asking for an offset.
    expect(p.log.filter(isTusPatch).length).toBeLessThanOrEqual(1);
    expect(p.log.filter(isTusHead)).toHaveLength(0);
  });

  it('resume: an upload cut off mid-file continues from the server\'s offset instead of starting over', async () => {
    const p = await open();
    const size = 9 * 1024 * 1024; // past the page's multipart limit: every client sends it resumably
    const file = await uniqueText(ctx.dir(), 'resume/long-notes.txt', size);
    const cutAt = 1024 * 1024;
    p.cutAfter(isTusPatch, cutAt);
    const [taken] = await ctx.driver().add(p.url, [file]);
    expect(taken).toMatchObject({ path: file, state: 'added', code: null });

    expect(p.log.filter(beginsUpload)).toHaveLength(1); // one upload, never created again
    const patches = p.log.filter(isTusPatch);
    expect(patches[0]!.answeredBy).toBe('cut');
    // After the cut: the client asked where the server stood, and went on from there.
    const cut = p.log.indexOf(patches[0]!);
    const head = p.log.slice(cut).find(isTusHead);
    expect(head?.status).toBe(200);
    expect(head!.answeredOffset).toBeGreaterThan(0);
    const next = patches[1]!;
    expect(next.at).toBeGreaterThan(head!.at);
    expect(next.uploadOffset).toBe(head!.answeredOffset);
    // Bytes sent after the cut: only what the server lacked.
    const resent = patches.slice(1).reduce((n, r) => n + r.bodyBytes, 0);
    expect(resent).toBe(size - head!.answeredOffset!);

    const stored = await uploadDetails(ctx.server(), taken!.uploadId!);
    expect(stored.file_size).toBe(size);
    expect(stored.file_hash).toBe(createHash('sha256').update(await fs.readFile(file)).digest('hex'));
  });

  it('file selection: from a folder, the files of types Trove reads — no hidden, lock, temporary or partial files', async () => {
    const p = await open();
    const { folder, chosen } = await selectionFolder(ctx.dir());
    const taken = await ctx.driver().add(p.url, [folder]);
    expect(taken.map((t) => t.path).sort()).toEqual([...chosen].sort());
    expect(taken.every((t) => t.state === 'added')).toBe(true);
  });
}
