/**
 * The desktop app end to end under Node: the main-process logic (TroveApp) starts the real server as
 * a child process through the supervisor, and the preload bridge talks to it through an in-memory
 * IPC — every method and event of the contract, the sender guard, argument and path validation,
 * folder sync with deletion mirroring, a server crash and restart, and quit.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { Value } from 'typebox/value';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HANDLED_METHODS, IPC_EVENTS, IPC_METHODS, type Connection, type IpcEvent, type QueueItem, type TroveBridge, type WatchedFolder } from '../../shared/ipc/contract.ts';
import { TroveApp } from '../../main/app.ts';
import { channelOf } from '../../main/ipc/registrar.ts';
import { NodeProcessLauncher } from '../../main/node-process-launcher.ts';
import { isTrustedIpcEvent, type IpcEventLike } from '../../main/security.ts';
import { BRIDGE_EVENTS, BRIDGE_METHODS, createBridge } from '../../preload/bridge.ts';
import { png } from '../helpers/media.ts';
import { AesSecretBox } from './aes-secret-box.ts';
import { FakeIpcMain, FakeFrame, FakeWebContents, rendererFor } from './fake-ipc.ts';
import { tempDir, textFile, waitFor } from './helpers.ts';

const repo = path.resolve(import.meta.dirname, '../..');
let userData: string;
let files: string;
let app: TroveApp;
let ipcMain: FakeIpcMain;
let win: FakeWebContents | null = null;
let bridge: TroveBridge;
const received: { event: IpcEvent; payload: unknown }[] = [];
const revealed: string[] = [];
const opened: string[] = [];
const loginItems: boolean[] = [];
let picks: string[] = [];

const api = async (pathname: string, init: RequestInit = {}) => {
  const c = app.connection();
  return fetch(`${c.url}/api/v1${pathname}`, { ...init, headers: { authorization: `Bearer ${c.token}` } });
};
const eventsOf = <T>(event: IpcEvent) => received.filter((r) => r.event === event).map((r) => r.payload as T);
const settled = (id: string) => waitFor(`queue item ${id} to settle`, async () => {
  const list = await bridge.invoke('queue:list');
  const item = list.find((i) => i.id === id);
  return item && ['completed', 'duplicate', 'failed', 'cancelled'].includes(item.state) ? item : undefined;
}, 60_000);
const code = (p: Promise<unknown>) => p.then(() => 'resolved', (err: Error) => /\[([A-Z_]+)\]/.exec(err.message)?.[1] ?? err.message);
/** The user drops these on the window: the page asks the preload for their paths, which grants them. */
const drop = (...paths: string[]) => paths.map((p) => bridge.pathForFile(Object.assign(new File([], path.basename(p)), { path: p })));

beforeAll(async () => {
  [userData, files] = await Promise.all([tempDir('trove-userdata-'), tempDir('trove-files-')]);
  ipcMain = new FakeIpcMain();
  app = await TroveApp.start({
    userDataDir: userData,
    launcher: new NodeProcessLauncher(),
    serverCommand: { entry: path.join(repo, 'bin', 'trove.js'), args: ['serve'], cwd: repo },
    serverEnv: { TROVE_EMBEDDER: 'hash', TROVE_SHUTDOWN_GRACE_MS: '1000', TROVE_CONCURRENCY: '2' },
    ipcMain,
    isTrustedSender: (event, origin) => isTrustedIpcEvent(event as IpcEventLike, win, origin),
    send: (channel, payload) => win?.send(channel, payload),
    pick: async () => picks,
    reveal: (p) => void revealed.push(p),
    open: async (p) => void opened.push(p),
    openExternal: async () => undefined,
    secretBox: new AesSecretBox(),
    setStartAtLogin: (v) => void loginItems.push(v),
    strictContract: true,
    queueOptions: { chunkSize: 64 * 1024, pollMs: 200, retryDelaysMs: [200, 500, 1000] },
    syncOptions: { stabilityMs: 200, batchMs: 50 },
    supervisorOptions: { restartDelaysMs: [200, 500], watchEveryMs: 500 },
  });
  await waitFor('the embedded server', () => app.connection().online, 120_000, 100);
  win = new FakeWebContents(app.appUrl()!);
  bridge = createBridge(rendererFor(ipcMain, win), { getPathForFile: (f) => (f as File & { path?: string }).path ?? '' });
  for (const event of Object.keys(IPC_EVENTS) as IpcEvent[]) {
    bridge.on(event, (payload) => {
      // Every event the page receives is inside the contract.
      expect(Value.Check(IPC_EVENTS[event], payload), `${event} payload`).toBe(true);
      received.push({ event, payload });
    });
  }
}, 150_000);

afterAll(async () => {
  await app?.quit();
  await Promise.all([userData, files].filter(Boolean).map((d) => fs.rm(d, { recursive: true, force: true })));
});

describe('the preload bridge and the IPC registrar', () => {
  it('expose exactly the contract', async () => {
    expect(Object.keys(bridge).sort()).toEqual(['invoke', 'on', 'pathForFile']);
    expect(Object.isFrozen(bridge)).toBe(true);
    expect([...BRIDGE_METHODS].sort()).toEqual(Object.keys(IPC_METHODS).sort());
    expect([...BRIDGE_EVENTS].sort()).toEqual(Object.keys(IPC_EVENTS).sort());
    // Main also serves the preload's own channel (drop grants), which the page's bridge does not offer.
    expect([...ipcMain.handlers.keys()].sort()).toEqual(Object.keys(HANDLED_METHODS).map((m) => channelOf(m as never)).sort());
    await expect((bridge.invoke as (m: string, ...a: unknown[]) => Promise<unknown>)('grant:dropped', ['/etc/passwd'])).rejects.toThrow(/Unknown Trove method/);
    await expect((bridge.invoke as (m: string) => Promise<unknown>)('app:quit')).rejects.toThrow(/Unknown Trove method/);
    expect(() => bridge.on('app:secret' as never, () => undefined)).toThrow(/Unknown Trove event/);
    expect(bridge.pathForFile(Object.assign(new File(['x'], 'a.txt'), { path: '/tmp/a.txt' }))).toBe('/tmp/a.txt');
  });

  it('reports the embedded server connection with its token', async () => {
    const c = await bridge.invoke('app:connection');
    const token = (await fs.readFile(path.join(userData, 'data', 'token'), 'utf8')).trim();
    expect(c).toEqual({ mode: 'local', url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/) as unknown, token, online: true });
    expect(app.appOrigin()).toBe(c.url);
    expect((await api('/health')).status).toBe(200);
  });

  it('has no cloud sign-in in local mode: the embedded server\'s token stays the bearer, the CSP unchanged', async () => {
    const before = await bridge.invoke('app:connection');
    expect(await bridge.invoke('session:get')).toBeNull();
    expect(await code(bridge.invoke('session:adopt', { idToken: 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ1MSJ9.', refreshToken: 'refresh-token-0123456789' }))).toBe('SIGN_IN_UNAVAILABLE');
    expect(await code(bridge.invoke('session:google'))).toBe('GOOGLE_SIGN_IN_UNAVAILABLE');
    expect(await bridge.invoke('session:end')).toBeNull();
    expect(await bridge.invoke('app:connection')).toEqual(before);
    expect(app.connections.endpoint()).toEqual({ url: before.url, token: before.token });
    expect(app.connectSources()).toEqual([]);
    expect(app.queue.isAuthorized).toBe(true);
  });

  it('refuses messages from another frame, another window or another origin, before any handler runs', async () => {
    const photo = path.join(files, 'guarded.png');
    await fs.writeFile(photo, await png(7));
    const iframe = rendererFor(ipcMain, win!, new FakeFrame(app.appUrl()!));
    const otherWindow = rendererFor(ipcMain, new FakeWebContents(app.appUrl()!));
    const evil = new FakeWebContents('https://evil.example/');
    const before = (await bridge.invoke('queue:list')).length;
    for (const ipc of [iframe, otherWindow]) {
      expect(await code(createBridge(ipc, { getPathForFile: () => '' }).invoke('queue:add', [photo]))).toBe('IPC_FORBIDDEN');
    }
    // Our own window after it navigated elsewhere (navigation is blocked, but the guard does not rely on it).
    const navigated = rendererFor(ipcMain, win!, win!.mainFrame);
    const savedUrl = win!.mainFrame.url;
    win!.mainFrame.url = evil.mainFrame.url;
    try {
      expect(await code(createBridge(navigated, { getPathForFile: () => '' }).invoke('app:connection'))).toBe('IPC_FORBIDDEN');
    } finally {
      win!.mainFrame.url = savedUrl;
    }
    expect((await bridge.invoke('queue:list')).length).toBe(before);
  });

  it('rejects invalid arguments with a clear error', async () => {
    const cases: [string, unknown[]][] = [
      ['queue:add', []],
      ['queue:add', [[]]],
      ['queue:add', ['/not/an/array']],
      ['queue:add', [['relative/path.png']]],
      ['queue:pause', [42]],
      ['queue:pause', ['']],
      ['queue:list', ['extra']],
      ['dialog:pick', [{}]],
      ['sync:add', ['/tmp', { mirrorDeletions: 'yes' }]],
      ['settings:set', [{ theme: 'pink' }]],
      ['file:reveal', ['C:relative']],
    ];
    for (const [method, args] of cases) {
      const err = await (bridge.invoke as (m: string, ...a: unknown[]) => Promise<unknown>)(method, ...args).then(() => null, (e: Error) => e.message);
      expect(err, `${method}(${JSON.stringify(args)})`).toMatch(/\[IPC_INVALID_ARGUMENT\] Invalid call to /);
    }
    // Valid by schema, refused on the path rules: not normalised, not existing.
    expect(await code(bridge.invoke('queue:add', ['/tmp/../etc/passwd']))).toBe('INVALID_PATH');
    expect(await code(bridge.invoke('queue:add', [path.join(files, 'nope.png')]))).toBe('INVALID_PATH');
    expect(await code(bridge.invoke('queue:add', [`${files}/`]))).toBe('INVALID_PATH');
  });
});

describe('queue, files, sync and settings over IPC', () => {
  it('queues files, tells the page about every change (with a local thumbnail), and follows them to completed', async () => {
    const photo = path.join(files, 'holiday.png');
    await fs.writeFile(photo, await png(3, 200));
    const note = await textFile(files, 'meeting notes.txt', 20_000);
    drop(photo, note.path);
    const added = await bridge.invoke('queue:add', [photo, note.path]);
    expect(added.map((i) => [i.name, i.state])).toEqual([['holiday.png', 'queued'], ['meeting notes.txt', 'queued']]);
    const done = await Promise.all(added.map((i) => settled(i.id)));
    expect(done.map((i) => i.state)).toEqual(['completed', 'completed']);
    const changes = eventsOf<QueueItem>('queue:changed').filter((i) => i.id === added[0]!.id);
    expect(changes.map((i) => i.state)).toEqual(expect.arrayContaining(['hashing', 'uploading', 'processing', 'completed']));
    expect(changes.some((i) => i.thumbnail?.startsWith('data:image/jpeg;base64,'))).toBe(true);
    const uploads = await (await api('/uploads?limit=10')).json() as { data: { uploads: { filename: string }[] } };
    expect(uploads.data.uploads.map((u) => u.filename).sort()).toEqual(['holiday.png', 'meeting notes.txt']);

    // The same bytes again: skipped by hash.
    const copy = path.join(files, 'holiday copy.png');
    await fs.copyFile(photo, copy);
    drop(copy);
    const [dup] = await bridge.invoke('queue:add', [copy]);
    expect((await settled(dup!.id)).state).toBe('duplicate');

    // Reveal and open: only what the app knows, and open only media/documents.
    expect(await bridge.invoke('file:reveal', photo)).toBeNull();
    expect(await bridge.invoke('file:open', photo)).toBeNull();
    expect(revealed).toEqual([photo]);
    expect(opened).toEqual([photo]);
    const stranger = path.join(files, '..', path.basename(files) + '-stranger.png');
    await fs.writeFile(stranger, await png(9));
    try {
      expect(await code(bridge.invoke('file:reveal', stranger))).toBe('INVALID_PATH');
    } finally {
      await fs.rm(stranger, { force: true });
    }

    expect(await bridge.invoke('queue:clearFinished')).toBeNull();
    expect((await bridge.invoke('queue:list')).filter((i) => i.state === 'completed')).toEqual([]);
  });

  it('pauses, resumes, cancels and retries through the bridge', async () => {
    const big = await textFile(files, 'long read.txt', 6 * 1024 * 1024);
    drop(big.path);
    const [item] = await bridge.invoke('queue:add', [big.path]);
    const id = item!.id;
    await waitFor('upload progress', async () => (await bridge.invoke('queue:list')).find((i) => i.id === id)?.state === 'uploading');
    expect(await bridge.invoke('queue:pauseAll')).toBeNull();
    expect((await bridge.invoke('queue:list')).find((i) => i.id === id)?.state).toBe('paused');
    expect(await bridge.invoke('queue:resumeAll')).toBeNull();
    await bridge.invoke('queue:pause', id);
    await bridge.invoke('queue:resume', id);
    await bridge.invoke('queue:cancel', id);
    expect((await bridge.invoke('queue:list')).find((i) => i.id === id)?.state).toBe('cancelled');
    await bridge.invoke('queue:retry', id);
    // Under load the last bytes can reach the server before the cancel does: then the retry finds
    // the same bytes already stored and settles as a duplicate. Either way the file is in Trove once.
    expect(['completed', 'duplicate']).toContain((await settled(id)).state);
  });

  it('watches a folder: first scan in batches, new files queued, deletions mirrored on the server', async () => {
    const folder = path.join(files, 'Camera Roll');
    await fs.mkdir(path.join(folder, 'nested'), { recursive: true });
    await fs.writeFile(path.join(folder, 'one.png'), await png(11));
    await fs.writeFile(path.join(folder, 'nested', 'two.png'), await png(12));
    await fs.writeFile(path.join(folder, '.hidden.png'), await png(13));
    await fs.writeFile(path.join(folder, 'download.png.crdownload'), 'partial');
    picks = [folder];
    expect(await bridge.invoke('dialog:pick', { folders: true })).toEqual([folder]);
    const folders = await bridge.invoke('sync:add', folder, { mirrorDeletions: true });
    expect(folders).toEqual([expect.objectContaining({ path: folder, mirrorDeletions: true })]);
    const completedPaths = async () => (await bridge.invoke('queue:list')).filter((i) => i.state === 'completed').map((i) => i.path);
    await waitFor('the first scan to upload', async () => {
      const done = await completedPaths();
      return done.includes(path.join(folder, 'one.png')) && done.includes(path.join(folder, 'nested', 'two.png'));
    }, 60_000, 100);
    expect((await bridge.invoke('sync:folders'))[0]).toMatchObject({ status: 'watching', scanned: 2, queued: 2 });
    expect(eventsOf<WatchedFolder[]>('sync:changed').length).toBeGreaterThan(0);
    expect((await bridge.invoke('queue:list')).some((i) => i.name.startsWith('.') || i.name.endsWith('.crdownload'))).toBe(false);

    // A file the OS opens from a watched folder may be revealed/opened; a script there may not be opened.
    const script = path.join(folder, 'run.sh');
    await fs.writeFile(script, '#!/bin/sh\necho hi\n');
    expect(await code(bridge.invoke('file:open', script))).toBe('INVALID_PATH');

    // A new file appears: queued once its writes settle.
    await fs.writeFile(path.join(folder, 'three.png'), await png(14));
    await waitFor('the new file to upload', async () => (await completedPaths()).includes(path.join(folder, 'three.png')), 30_000, 100);

    // Deleted locally → deleted on the server.
    const item = (await bridge.invoke('queue:list')).find((i) => i.path === path.join(folder, 'one.png'))!;
    expect((await api(`/file/${item.uploadId}/metadata`)).status).toBe(200);
    await fs.rm(path.join(folder, 'one.png'));
    await waitFor('the deletion to be mirrored', async () => (await api(`/file/${item.uploadId}/metadata`)).status === 404, 30_000, 100);

    // Pausing sync (a setting) stops the watchers; removing the folder forgets it.
    await bridge.invoke('settings:set', { syncPaused: true });
    await waitFor('sync to pause', async () => (await bridge.invoke('sync:folders'))[0]?.status === 'paused');
    await bridge.invoke('settings:set', { syncPaused: false });
    await waitFor('sync to resume', async () => (await bridge.invoke('sync:folders'))[0]?.status === 'watching', 30_000);
    expect(await bridge.invoke('sync:remove', folder)).toEqual([]);
  });

  it('gets and sets settings, with start-at-login applied', async () => {
    const s = await bridge.invoke('settings:get');
    expect(s).toEqual({ mode: 'local', cloudUrl: null, theme: 'system', startAtLogin: false, syncPaused: false });
    expect(await bridge.invoke('settings:set', { theme: 'dark', startAtLogin: true })).toMatchObject({ theme: 'dark', startAtLogin: true });
    expect(loginItems.at(-1)).toBe(true);
    expect(await code(bridge.invoke('settings:set', { mode: 'cloud' }))).toBe('INVALID_SERVER_URL'); // cloud needs a URL
    expect(JSON.parse(await fs.readFile(path.join(userData, 'settings.json'), 'utf8'))).toMatchObject({ theme: 'dark', startAtLogin: true });
  });

  it('passes the picker result and files opened from outside to the page', async () => {
    picks = [path.join(files, 'holiday.png')];
    expect(await bridge.invoke('dialog:pick', { folders: false })).toEqual(picks);
    const got: string[][] = [];
    const off = bridge.on('files:opened', (p) => got.push(p));
    app.openFiles([path.join(files, 'holiday.png')]);
    off();
    app.openFiles([path.join(files, 'ignored.png')]);
    expect(got).toEqual([[path.join(files, 'holiday.png')]]);
  });
});

describe('the embedded server supervisor', () => {
  it('restarts a server that died, on the same port, and uploads continue', async () => {
    const before = app.connection();
    const { pid } = JSON.parse(await fs.readFile(path.join(userData, 'data', 'server.json'), 'utf8')) as { pid: number };
    const seen = eventsOf<Connection>('connection:changed').length;
    process.kill(pid, 'SIGKILL');
    await waitFor('offline to be reported', () => eventsOf<Connection>('connection:changed').slice(seen).some((c) => !c.online), 30_000);
    await waitFor('the server to be back', () => app.connection().online, 90_000, 100);
    expect(app.connection().url).toBe(before.url);
    const note = await textFile(files, 'after restart.txt', 10_000);
    drop(note.path);
    const [item] = await bridge.invoke('queue:add', [note.path]);
    expect((await settled(item!.id)).state).toBe('completed');
  }, 150_000);

  it('stops the server and the IPC handlers on quit', async () => {
    const { pid } = JSON.parse(await fs.readFile(path.join(userData, 'data', 'server.json'), 'utf8')) as { pid: number };
    await app.quit();
    expect(() => process.kill(pid, 0)).toThrow();
    expect(app.connection().online).toBe(false);
    expect(ipcMain.handlers.size).toBe(0);
    await expect(bridge.invoke('queue:list')).rejects.toThrow(/No handler registered/);
  });
});
