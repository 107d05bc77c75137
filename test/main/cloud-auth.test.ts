/**
 * Cloud mode in the desktop app, against the real Firebase Auth emulator and a real cloud-mode
 * Trove server that verifies the emulator's ID tokens. The test plays the page: it signs in with
 * the Firebase SDK and hands main the sign-in over IPC (`session:adopt`), as the renderer does.
 * Main keeps the refresh token encrypted (AesSecretBox standing in for Electron's safeStorage),
 * renews ID tokens itself at Firebase's secure token endpoint — with no window, and after a
 * restart — uploads with them, renews after a 401, ends the sign-in when Firebase or the server
 * says it is over, and runs Google sign-in through a browser and a loopback redirect.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { initializeApp, deleteApp, type FirebaseApp } from 'firebase/app';
import {
  connectAuthEmulator, createUserWithEmailAndPassword, GoogleAuthProvider, initializeAuth, inMemoryPersistence, signInWithCredential, type Auth, type User,
} from 'firebase/auth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuthSession, IpcPayload, TroveBridge } from '../../shared/ipc/contract.ts';
import { TroveApp, type AppCapabilities } from '../../main/app.ts';
import { appCsp, isTrustedIpcEvent, type IpcEventLike } from '../../main/security.ts';
import { createBridge } from '../../preload/bridge.ts';
import { browse, startFakeGoogleOAuth, type FakeGoogleOAuth } from '../fakes/google-oauth.ts';
import { startAuthEmulator, type AuthEmulator } from '../helpers/firebase.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { AesSecretBox } from './aes-secret-box.ts';
import { startAuthProxy, type AuthProxy } from './auth-proxy.ts';
import { FakeIpcMain, FakeWebContents, rendererFor } from './fake-ipc.ts';
import { sleep, tempDir, textFile, waitFor } from './helpers.ts';

const PROJECT = 'demo-trove';
let emulator: AuthEmulator;
let server: TestServer;
let proxy: AuthProxy;
let google: FakeGoogleOAuth;
let userData: string;
let files: string;
let firebase: FirebaseApp;
let auth: Auth;
/** The running app, its window (null: closed) and the page's bridge. */
let app: TroveApp;
let win: FakeWebContents | null = null;
let bridge: TroveBridge;
let box: AesSecretBox;
const changes: IpcPayload<'session:changed'>[] = [];
const browsing: Promise<{ status: number; text: string }>[] = [];

const code = (p: Promise<unknown>) => p.then(() => 'resolved', (err: Error) => /\[([A-Z_]+)\]/.exec(err.message)?.[1] ?? err.message);
const item = async (id: string) => app.queue.list().find((i) => i.id === id);
const settled = (id: string) => waitFor(`queue item ${id} to settle`, async () => {
  const i = await item(id);
  return i && ['completed', 'duplicate', 'failed', 'cancelled'].includes(i.state) ? i : undefined;
}, 60_000);
const bearersSince = (from: number) => new Set(proxy.seen.slice(from).map((s) => s.bearer));
const sessionFile = () => path.join(userData, 'session.json');
const drop = (...paths: string[]) => paths.map((p) => bridge.pathForFile(Object.assign(new File([], path.basename(p)), { path: p })));
const adminUpdate = (body: Record<string, unknown>) => fetch(`http://${emulator.host}/identitytoolkit.googleapis.com/v1/projects/${PROJECT}/accounts:update`, {
  method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer owner' }, body: JSON.stringify(body),
});

/** What the page does after a Firebase sign-in: hand main the ID and refresh tokens. */
async function handOver(user: User): Promise<AuthSession> {
  return bridge.invoke('session:adopt', { idToken: await user.getIdToken(), refreshToken: user.refreshToken });
}

async function startApp(opts: { window: boolean; secretBox?: AesSecretBox; session?: AppCapabilities['sessionOptions'] } = { window: true }): Promise<void> {
  const ipcMain = new FakeIpcMain();
  win = null;
  box = opts.secretBox ?? new AesSecretBox();
  app = await TroveApp.start({
    userDataDir: userData,
    launcher: { launch: () => { throw new Error('cloud mode runs no local server'); } },
    serverCommand: { entry: 'unused', args: [] },
    ipcMain,
    isTrustedSender: (event, origin) => isTrustedIpcEvent(event as IpcEventLike, win, origin),
    send: (channel, payload) => win?.send(channel, payload),
    pick: async () => [],
    reveal: () => undefined,
    open: async () => undefined,
    // The "system browser": follows Google's consent redirect back to the app's loopback listener.
    openExternal: async (url) => void browsing.push(browse(url)),
    secretBox: box,
    setStartAtLogin: () => undefined,
    strictContract: true,
    queueOptions: { chunkSize: 64 * 1024, pollMs: 200, retryDelaysMs: [200, 500, 1000] },
    syncOptions: { stabilityMs: 200, batchMs: 50 },
    sessionOptions: { freshForMs: 1500, ...opts.session },
    googleOAuth: google.endpoints,
  });
  await waitFor('the cloud server to answer', () => app.connection().online, 30_000, 50);
  const page = new FakeWebContents(app.appUrl()!);
  bridge = createBridge(rendererFor(ipcMain, page), { getPathForFile: (f) => (f as File & { path?: string }).path ?? '' });
  bridge.on('session:changed', (payload) => void changes.push(payload));
  if (opts.window) win = page;
}

beforeAll(async () => {
  [emulator, google, userData, files] = await Promise.all([startAuthEmulator(PROJECT), startFakeGoogleOAuth(), tempDir('trove-userdata-'), tempDir('trove-files-')]);
  server = await startTestServer({
    FIREBASE_PROJECT_ID: PROJECT, FIREBASE_AUTH_EMULATOR_HOST: emulator.host, TROVE_EMBEDDER: 'hash',
    GOOGLE_OAUTH_DESKTOP_CLIENT_ID: google.clientId, GOOGLE_OAUTH_DESKTOP_CLIENT_SECRET: google.clientSecret,
  });
  proxy = await startAuthProxy(server.url);
  await fs.writeFile(path.join(userData, 'settings.json'), JSON.stringify({ mode: 'cloud', cloudUrl: proxy.url }));
  firebase = initializeApp({ apiKey: 'demo-key', projectId: PROJECT, authDomain: `${PROJECT}.firebaseapp.com` }, 'cloud-auth-test');
  auth = initializeAuth(firebase, { persistence: inMemoryPersistence });
  connectAuthEmulator(auth, `http://${emulator.host}`, { disableWarnings: true });
  await startApp();
}, 180_000);

afterAll(async () => {
  await app?.quit();
  await Promise.allSettled(browsing);
  if (firebase) await deleteApp(firebase);
  await proxy?.close();
  await server?.close();
  await google?.close();
  await emulator?.stop();
  await Promise.all([userData, files].filter(Boolean).map((d) => fs.rm(d, { recursive: true, force: true })));
});

describe('the sign-in main keeps', () => {
  it('lets the page reach Firebase Auth and the emulator the server names; nobody is signed in yet, and uploads wait', async () => {
    const sources = app.connectSources();
    expect(sources).toEqual(['https://identitytoolkit.googleapis.com', 'https://securetoken.googleapis.com', `http://${emulator.host}`]);
    expect(appCsp(sources)).toContain(`connect-src 'self' https://identitytoolkit.googleapis.com https://securetoken.googleapis.com http://${emulator.host};`);
    expect(app.connection()).toMatchObject({ mode: 'cloud', url: proxy.url, token: null, online: true });
    expect(await bridge.invoke('session:get')).toBeNull();
    expect(app.traySummary()).toBe('Trove — signed out: open Trove to sign in');

    const f = await textFile(files, 'first.txt', 30_000);
    drop(f.path);
    const [queued] = await bridge.invoke('queue:add', [f.path]);
    await sleep(600);
    expect((await item(queued!.id))?.state).toBe('queued');
    expect(proxy.seen).toEqual([]); // nothing sent without a sign-in
  });

  it('adopts the page\'s Firebase sign-in, keeps the refresh token encrypted on disk, and uploads with the ID token', async () => {
    const { user } = await createUserWithEmailAndPassword(auth, 'ada@example.com', 'correct horse battery');
    const session = await handOver(user);
    expect(session).toMatchObject({ uid: user.uid, email: 'ada@example.com', emailVerified: false, kept: true });
    expect(Date.parse(session.expiresAt)).toBeGreaterThan(Date.now() + 50 * 60_000);
    expect(changes.at(-1)).toEqual({ session, reason: null });
    expect(await bridge.invoke('session:get')).toEqual(session);

    // On disk: one encrypted blob — neither the refresh token nor the address appears in it.
    const onDisk = await fs.readFile(sessionFile(), 'utf8');
    expect(onDisk).not.toContain(user.refreshToken);
    expect(onDisk).not.toContain('ada@example.com');
    expect(JSON.parse(box.encrypted.at(-1)!)).toMatchObject({ server: proxy.url, refreshToken: user.refreshToken, uid: user.uid });
    expect((await fs.stat(sessionFile())).mode & 0o077).toBe(0);

    // The waiting file goes up now, every request with the user's ID token, which the server verified.
    const first = app.queue.list()[0]!;
    expect((await settled(first.id)).state).toBe('completed');
    expect(bearersSince(0)).toEqual(new Set([session.idToken]));
    const mine = await server.json<{ uploads: { filename: string }[] }>('/api/v1/uploads', { token: session.idToken });
    expect(mine.body.data.uploads.map((u) => u.filename)).toEqual(['first.txt']);
    expect(app.traySummary()).not.toMatch(/signed out/);
  });

  it('renews a token the server refuses (a lapsed one) and resumes; ends a sign-in the server refuses even fresh, saying why', async () => {
    const stale = app.connections.endpoint()!.token!;
    await sleep(1600); // older than freshForMs: a refusal means "renew"
    const from = proxy.seen.length;
    const before = changes.length;
    // The server refuses this token, as if it had lapsed (only this one: the renewed token must pass
    // however fast the renewal comes back).
    proxy.refuseToken = stale;
    const f = await textFile(files, 'second.txt', 20_000);
    drop(f.path);
    const [queued] = await bridge.invoke('queue:add', [f.path]);
    expect((await settled(queued!.id)).state).toBe('completed');
    proxy.refuseToken = null;
    const renewed = changes.slice(before).find((c) => c.session)?.session;
    expect(renewed?.idToken).toBeDefined();
    expect(renewed!.idToken).not.toBe(stale);
    expect(renewed!.uid).toBe(changes[before - 1]!.session!.uid);
    expect(bearersSince(from)).toEqual(new Set([stale, renewed!.idToken]));
    // One refused request, then the renewed token: not a retry loop against the server.
    expect(proxy.seen.slice(from).filter((s) => s.bearer === stale)).toHaveLength(1);

    // Now the server refuses every token, a brand-new one too: it does not take this sign-in.
    proxy.refuseAll = true;
    const g = await textFile(files, 'third.txt', 20_000);
    drop(g.path);
    const [held] = await bridge.invoke('queue:add', [g.path]);
    await waitFor('the sign-in to end', () => changes.at(-1)?.session === null);
    proxy.refuseAll = false;
    expect(changes.at(-1)!.reason).toMatch(/did not accept your sign-in\. Sign in again/);
    expect(await bridge.invoke('session:get')).toBeNull();
    await expect(fs.stat(sessionFile())).rejects.toThrow(/ENOENT/);
    const refusals = proxy.seen.length;
    await sleep(500);
    expect(proxy.seen.length).toBe(refusals); // held: nothing more is sent
    expect((await item(held!.id))).toMatchObject({ state: 'queued', error: null }); // waits, not failed
    expect(app.traySummary()).toBe('Trove — signed out: open Trove to sign in');
  });

  it('ends the sign-in when Firebase says the account is disabled; sign-out forgets it everywhere', async () => {
    const { user } = await createUserWithEmailAndPassword(auth, 'bob@example.com', 'correct horse battery');
    const session = await handOver(user);
    // The held file goes up with Bob's token now.
    const held = app.queue.list().find((i) => i.name === 'third.txt')!;
    expect((await settled(held.id)).state).toBe('completed');

    expect((await adminUpdate({ localId: user.uid, disableUser: true })).status).toBe(200);
    expect(await bridge.invoke('session:renew')).toBeNull();
    expect(changes.at(-1)).toEqual({ session: null, reason: expect.stringMatching(/account has been disabled/) as unknown });
    await expect(fs.stat(sessionFile())).rejects.toThrow(/ENOENT/);
    expect(session.uid).toBe(user.uid);

    const { user: carol } = await createUserWithEmailAndPassword(auth, 'carol@example.com', 'correct horse battery');
    await handOver(carol);
    expect(await bridge.invoke('session:end')).toBeNull();
    expect(changes.at(-1)).toEqual({ session: null, reason: null });
    expect(await bridge.invoke('session:get')).toBeNull();
    await expect(fs.stat(sessionFile())).rejects.toThrow(/ENOENT/);
    expect(app.connections.endpoint()?.token).toBeNull();
  });

  it('signs in with Google through the system browser and a loopback redirect; Firebase takes Google\'s ID token', async () => {
    const before = browsing.length;
    const { idToken } = await bridge.invoke('session:google');
    const shown = await browsing[before]!;
    expect(shown).toEqual({ status: 200, text: expect.stringContaining('You are signed in') as unknown });
    const consent = google.authorizations.at(-1)!;
    expect(consent).toMatchObject({ client_id: google.clientId, response_type: 'code', code_challenge_method: 'S256', scope: 'openid email profile' });
    expect(consent.redirect_uri).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(google.exchanges.at(-1)).toMatchObject({ client_secret: google.clientSecret, redirect_uri: consent.redirect_uri });

    // The page's part: Google's ID token → a Firebase sign-in (the emulator checks it like Google's).
    const { user } = await signInWithCredential(auth, GoogleAuthProvider.credential(idToken));
    expect(user.providerData.map((p) => p.providerId)).toEqual(['google.com']);
    const session = await handOver(user);
    expect(session).toMatchObject({ email: 'grace@gmail.com', emailVerified: true, kept: true });
    const f = await textFile(files, 'from-google.txt', 10_000);
    drop(f.path);
    const [queued] = await bridge.invoke('queue:add', [f.path]);
    expect((await settled(queued!.id)).state).toBe('completed');
    const mine = await server.json<{ uploads: { filename: string }[] }>('/api/v1/uploads', { token: session.idToken });
    expect(mine.body.data.uploads.map((u) => u.filename)).toEqual(['from-google.txt']);
  });

  it('keeps syncing after the window closes and after a restart: main renews on its own and restores the sign-in from disk', async () => {
    const kept = (await bridge.invoke('session:get'))!;
    await app.quit();

    // Restart with no window at all (started hidden, at login), renewing every ~3 s for the test.
    await startApp({ window: false, secretBox: box, session: { renewMarginS: 3597, minRenewDelayMs: 500 } });
    const restored = await waitFor('the restored sign-in', () => app.session.current());
    expect(restored).toMatchObject({ uid: kept.uid, email: 'grace@gmail.com', kept: true });
    // Only the refresh token (and where to renew it) is stored; the ID token was renewed at start.
    expect(Object.keys(JSON.parse(box.encrypted.at(-1)!) as object).sort()).toEqual(['apiKey', 'email', 'refreshToken', 'server', 'tokenUrl', 'uid']);
    await waitFor('a renewal by the timer', () => app.session.current()?.idToken !== restored.idToken, 15_000, 100);

    // A synced folder uploads with the renewed token.
    const folder = path.join(files, 'Camera');
    await fs.mkdir(folder);
    await textFile(folder, 'note-from-the-tray.txt', 5_000);
    await app.sync.addFolder(folder, { mirrorDeletions: false });
    const from = proxy.seen.length;
    const synced = await waitFor('the synced file to upload', () => app.queue.list().find((i) => i.name === 'note-from-the-tray.txt' && i.state === 'completed'), 60_000, 100);
    expect(synced.uploadId).toBeTruthy();
    // Every request carried a token main renewed after the restart, for the same user.
    const bearers = [...bearersSince(from)];
    expect(bearers.length).toBeGreaterThan(0);
    for (const bearer of bearers) {
      expect(bearer).not.toBe(kept.idToken);
      expect(JSON.parse(Buffer.from(bearer!.split('.')[1]!, 'base64url').toString())).toMatchObject({ user_id: kept.uid, email: 'grace@gmail.com' });
    }
    await app.sync.removeFolder(folder);
  });

  it('a kept sign-in this keychain cannot decrypt, or one for another server, is forgotten; without a keychain nothing is written', async () => {
    await app.quit();
    // Another keychain (another user or machine): the blob is unreadable, so nobody is signed in.
    await startApp({ window: true, secretBox: new AesSecretBox('someone else') });
    expect(app.session.current()).toBeNull();
    await expect(fs.stat(sessionFile())).rejects.toThrow(/ENOENT/);

    // No keychain: the sign-in works but lasts until quit.
    box.available = false;
    const { user } = await createUserWithEmailAndPassword(auth, 'dora@example.com', 'correct horse battery');
    expect(await handOver(user)).toMatchObject({ email: 'dora@example.com', kept: false });
    await expect(fs.stat(sessionFile())).rejects.toThrow(/ENOENT/);
    box.available = true;
    expect((await handOver(user)).kept).toBe(true);

    // Switching to another server forgets it: it belongs to the first one.
    await app.settings.set({ cloudUrl: server.url });
    await waitFor('the other server', () => app.connection().url === server.url && app.connection().online);
    expect(app.connections.endpoint()).toEqual({ url: server.url, token: null });
    await expect(fs.stat(sessionFile())).rejects.toThrow(/ENOENT/);
    // The page still shows the old origin: its calls are refused from now on.
    expect(await code(bridge.invoke('session:get'))).toBe('IPC_FORBIDDEN');
  });
});
