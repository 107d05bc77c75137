/**
 * Cloud mode in the desktop app: the renderer lends main its Firebase ID token over IPC
 * (`session:setAuthToken`), main uploads with it, holds the queue while there is none, asks for a
 * new one (`session:authExpired`) when the server answers 401, and tells the window's CSP which
 * sign-in origins the page may reach. TroveApp runs in cloud mode against a real HTTP "cloud
 * server" (test/main/auth-proxy.ts: token check in front of the real Trove server), joined to the
 * real preload bridge through the in-memory IPC.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IpcPayload, TroveBridge } from '../../shared/ipc/contract.ts';
import { TroveApp } from '../../main/app.ts';
import { appCsp, isTrustedIpcEvent, type IpcEventLike } from '../../main/security.ts';
import { createBridge } from '../../preload/bridge.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { startAuthProxy, type AuthProxy } from './auth-proxy.ts';
import { FakeFrame, FakeIpcMain, FakeWebContents, rendererFor } from './fake-ipc.ts';
import { sleep, tempDir, textFile, waitFor } from './helpers.ts';

let server: TestServer;
let proxy: AuthProxy;
let userData: string;
let files: string;
let app: TroveApp;
let ipcMain: FakeIpcMain;
let win: FakeWebContents;
let bridge: TroveBridge;
const expired: IpcPayload<'session:authExpired'>[] = [];

/** An ID token shaped like the Auth emulator's (unsigned compact JWT); `n` makes each one distinct. */
const idToken = (n: number) => `eyJhbGciOiJub25lIn0.${Buffer.from(JSON.stringify({ sub: 'u1', n })).toString('base64url')}.`;
const setToken = (token: string | null) => bridge.invoke('session:setAuthToken', { token });
const code = (p: Promise<unknown>) => p.then(() => 'resolved', (err: Error) => /\[([A-Z_]+)\]/.exec(err.message)?.[1] ?? err.message);
const item = async (id: string) => (await bridge.invoke('queue:list')).find((i) => i.id === id);
const settled = (id: string) => waitFor(`queue item ${id} to settle`, async () => {
  const i = await item(id);
  return i && ['completed', 'duplicate', 'failed', 'cancelled'].includes(i.state) ? i : undefined;
}, 60_000);
/** Bearers the cloud server saw on upload-queue requests since `from`. */
const bearersSince = (from: number) => new Set(proxy.seen.slice(from).map((s) => s.bearer));

beforeAll(async () => {
  [server, userData, files] = await Promise.all([startTestServer({ TROVE_EMBEDDER: 'hash' }), tempDir('trove-userdata-'), tempDir('trove-files-')]);
  proxy = await startAuthProxy(server);
  await fs.writeFile(path.join(userData, 'settings.json'), JSON.stringify({ mode: 'cloud', cloudUrl: proxy.url }));
  ipcMain = new FakeIpcMain();
  let window: FakeWebContents | null = null;
  app = await TroveApp.start({
    userDataDir: userData,
    launcher: { launch: () => { throw new Error('cloud mode runs no local server'); } },
    serverCommand: { entry: 'unused', args: [] },
    ipcMain,
    isTrustedSender: (event, origin) => isTrustedIpcEvent(event as IpcEventLike, window, origin),
    send: (channel, payload) => window?.send(channel, payload),
    pick: async () => [],
    reveal: () => undefined,
    open: async () => undefined,
    setStartAtLogin: () => undefined,
    strictContract: true,
    queueOptions: { chunkSize: 64 * 1024, pollMs: 200, retryDelaysMs: [200, 500, 1000] },
  });
  await waitFor('the cloud server to answer', () => app.connection().online, 30_000, 50);
  win = new FakeWebContents(app.appUrl()!);
  window = win;
  bridge = createBridge(rendererFor(ipcMain, win), { getPathForFile: () => '' });
  bridge.on('session:authExpired', (payload) => void expired.push(payload));
}, 120_000);

afterAll(async () => {
  await app?.quit();
  await proxy?.close();
  await server?.close();
  await Promise.all([userData, files].filter(Boolean).map((d) => fs.rm(d, { recursive: true, force: true })));
});

describe('cloud sign-in in the desktop app', () => {
  it('lets the page reach Firebase Auth (and the emulator the server names) in cloud mode only', () => {
    const sources = app.connectSources();
    expect(sources).toEqual(['https://identitytoolkit.googleapis.com', 'https://securetoken.googleapis.com', proxy.emulatorUrl]);
    expect(appCsp(sources)).toContain(`connect-src 'self' https://identitytoolkit.googleapis.com https://securetoken.googleapis.com ${proxy.emulatorUrl};`);
    // The renderer owns the Firebase session: main never reports an ID token as the connection's token.
    expect(app.connection()).toMatchObject({ mode: 'cloud', url: proxy.url, token: null, online: true });
  });

  it('holds uploads while signed out, and sends them with the ID token once the page hands one over', async () => {
    const f = await textFile(files, 'first.txt', 30_000);
    const [queued] = await bridge.invoke('queue:add', [f.path]);
    await sleep(600);
    expect((await item(queued!.id))?.state).toBe('queued');
    expect(proxy.seen).toEqual([]); // nothing sent without a credential

    const token = idToken(1);
    proxy.accepted.add(token);
    await expect(setToken(token)).resolves.toBeNull();
    expect((await settled(queued!.id)).state).toBe('completed');
    // Hash check, tus creation and chunks, and processing status: all with the user's ID token.
    expect(bearersSince(0)).toEqual(new Set([token]));
    expect(new Set(proxy.seen.map((s) => s.method))).toEqual(new Set(['HEAD', 'POST', 'PATCH', 'GET']));
  });

  it('refuses tokens that are not JWT-shaped, and calls from other frames, without touching the current one', async () => {
    for (const bad of [{ token: 'not a token' }, { token: '' }, { token: 42 }, { token: idToken(2), extra: true }, {}]) {
      expect(await code((bridge.invoke as (m: string, ...a: unknown[]) => Promise<unknown>)('session:setAuthToken', bad))).toBe('IPC_INVALID_ARGUMENT');
    }
    const iframe = createBridge(rendererFor(ipcMain, win, new FakeFrame(win.mainFrame.url)), { getPathForFile: () => '' });
    const elsewhere = new FakeWebContents(win.mainFrame.url);
    const otherWindow = createBridge(rendererFor(ipcMain, elsewhere), { getPathForFile: () => '' });
    expect(await code(iframe.invoke('session:setAuthToken', { token: null }))).toBe('IPC_FORBIDDEN');
    expect(await code(otherWindow.invoke('session:setAuthToken', { token: null }))).toBe('IPC_FORBIDDEN');

    // Still signed in with the first token: a new file goes straight up with it.
    const from = proxy.seen.length;
    const f = await textFile(files, 'second.txt', 20_000);
    const [queued] = await bridge.invoke('queue:add', [f.path]);
    expect((await settled(queued!.id)).state).toBe('completed');
    expect(bearersSince(from)).toEqual(new Set([idToken(1)]));
  });

  it('asks the page for a new token on a 401, waits instead of failing, and resumes with the renewed one', async () => {
    const stale = idToken(3); // JWT-shaped, but the server does not accept it (expired, revoked…)
    await setToken(stale);
    const from = proxy.seen.length;
    const f = await textFile(files, 'third.txt', 20_000);
    const [queued] = await bridge.invoke('queue:add', [f.path]);
    await waitFor('session:authExpired', () => expired.length === 1);
    expect(expired[0]!.message).toMatch(/did not accept your sign-in/);
    await sleep(500);
    const waiting = await item(queued!.id);
    expect(waiting?.state).toBe('queued');
    expect(waiting?.error).toBeNull();
    // Held: one refused request, not a retry loop against the server.
    expect(proxy.seen.slice(from).filter((s) => s.bearer === stale).length).toBe(1);
    expect(expired.length).toBe(1);

    const renewed = idToken(4);
    proxy.accepted.add(renewed);
    await setToken(renewed);
    expect((await settled(queued!.id)).state).toBe('completed');
    expect(bearersSince(from)).toEqual(new Set([stale, renewed]));
  });

  it('stops a running upload at sign-out, and continues it from the server\'s offset after the next sign-in; a renewal mid-upload takes effect at once', async () => {
    const big = await textFile(files, 'big.txt', 3 * 1024 * 1024);
    const first = idToken(5);
    proxy.accepted.add(first);
    await setToken(first);
    const [queued] = await bridge.invoke('queue:add', [big.path]);
    await waitFor('the upload to be under way', async () => ((await item(queued!.id))?.bytesSent ?? 0) > 256 * 1024);

    // Renewal while uploading: the next chunks carry the new token.
    const renewed = idToken(6);
    proxy.accepted.add(renewed);
    const beforeRenewal = proxy.seen.length;
    await setToken(renewed);
    await waitFor('a chunk sent with the renewed token', () => proxy.seen.slice(beforeRenewal).some((s) => s.bearer === renewed));
    expect(proxy.seen.slice(beforeRenewal + 2).every((s) => s.bearer === renewed)).toBe(true);

    // Sign-out: the upload stops where it is and nothing more is sent.
    await setToken(null);
    const cut = await waitFor('the upload to be held', async () => {
      const i = await item(queued!.id);
      return i?.state === 'queued' ? i : undefined;
    });
    expect(cut.bytesSent).toBeGreaterThan(0);
    expect(cut.bytesSent).toBeLessThan(3 * 1024 * 1024);
    const quiet = proxy.seen.length;
    await sleep(700);
    expect(proxy.seen.length).toBe(quiet);
    expect((await item(queued!.id))?.state).toBe('queued');

    const next = idToken(7);
    proxy.accepted.add(next);
    const resumeFrom = proxy.seen.length;
    await setToken(next);
    expect((await settled(queued!.id)).state).toBe('completed');
    // Resumed, not restarted: no new tus upload was created.
    expect(proxy.seen.slice(resumeFrom).filter((s) => s.method === 'POST' && s.path.endsWith('/tus'))).toEqual([]);
    expect(bearersSince(resumeFrom)).toEqual(new Set([next]));
  });

  it('forgets the token when the app switches to another server', async () => {
    expect(app.connections.endpoint()?.token).toBe(idToken(7));
    // The real server's own address: another origin, so a token signed in for the first one must not follow.
    await app.settings.set({ cloudUrl: server.url });
    await waitFor('the other server', () => app.connection().url === server.url && app.connection().online);
    expect(app.connections.endpoint()).toEqual({ url: server.url, token: null });
    // The page still shows the old origin: its calls are refused from now on.
    expect(await code(setToken(idToken(8)))).toBe('IPC_FORBIDDEN');
  });
});
