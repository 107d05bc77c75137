/**
 * The desktop app against a server that turned hostile. In cloud mode the window's page comes
 * from the server, so the page may be anything the server sends: through the real preload bridge
 * and TroveApp it tries to queue files the user never chose, sync folders, and reach the preload's
 * own channel. Only the native dialog's picks, drops (recorded by the preload), files the OS handed
 * over and files inside chosen or synced folders may be uploaded, and only types Trove reads. The
 * server address itself must be https:// unless it is this computer.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TroveBridge } from '../../shared/ipc/contract.ts';
import { checkServerUrl } from '../../shared/ipc/server-url.ts';
import { TroveApp } from '../../main/app.ts';
import { isTrustedIpcEvent, type IpcEventLike } from '../../main/security.ts';
import { SettingsStore } from '../../main/settings.ts';
import { createBridge } from '../../preload/bridge.ts';
import { AesSecretBox } from './aes-secret-box.ts';
import { FakeIpcMain, FakeWebContents, rendererFor } from './fake-ipc.ts';
import { tempDir } from './helpers.ts';

const CLOUD = 'https://trove.invalid';
let userData: string;
let home: string;
let app: TroveApp;
let ipcMain: FakeIpcMain;
let win: FakeWebContents;
let bridge: TroveBridge;
let picks: string[] = [];

/** The error's stable code, as the page sees it: `Error invoking remote method …: [CODE] message`. */
const failure = (p: Promise<unknown>) => p.then(() => ({ code: 'resolved', message: '' }), (err: Error) => {
  const m = /\[([A-Z_]+)\] (.*)$/s.exec(err.message);
  return { code: m?.[1] ?? err.message, message: m?.[2] ?? '' };
});
const code = async (p: Promise<unknown>) => (await failure(p)).code;
const queued = async () => (await bridge.invoke('queue:list')).map((i) => i.path);
const write = async (rel: string, content = 'x') => {
  const p = path.join(home, rel);
  await fs.mkdir(path.dirname(p), { recursive: true });
  await fs.writeFile(p, content);
  return p;
};
/** A drop as the page sees it: each File's path comes from the preload (which grants it). */
const drop = (...paths: string[]) => paths.map((p) => bridge.pathForFile(Object.assign(new File([], path.basename(p)), { path: p })));

beforeAll(async () => {
  [userData, home] = await Promise.all([tempDir('trove-userdata-'), tempDir('trove-home-')]);
  await fs.writeFile(path.join(userData, 'settings.json'), JSON.stringify({ mode: 'cloud', cloudUrl: CLOUD }));
  ipcMain = new FakeIpcMain();
  let window: FakeWebContents | null = null;
  app = await TroveApp.start({
    userDataDir: userData,
    launcher: { launch: () => { throw new Error('cloud mode runs no local server'); } },
    serverCommand: { entry: 'unused', args: [] },
    ipcMain,
    isTrustedSender: (event, origin) => isTrustedIpcEvent(event as IpcEventLike, window, origin),
    send: (channel, payload) => window?.send(channel, payload),
    pick: async () => picks,
    reveal: () => undefined,
    open: async () => undefined,
    openExternal: async () => undefined,
    secretBox: new AesSecretBox(),
    setStartAtLogin: () => undefined,
    strictContract: true,
    syncOptions: { stabilityMs: 100, batchMs: 20 },
  });
  // The server's page, in our window: trusted by the IPC guard, so everything below is main's own checks.
  win = new FakeWebContents(app.appUrl()!);
  window = win;
  bridge = createBridge(rendererFor(ipcMain, win), { getPathForFile: (f) => (f as File & { path?: string }).path ?? '' });
});

afterAll(async () => {
  await app?.quit();
  await Promise.all([userData, home].filter(Boolean).map((d) => fs.rm(d, { recursive: true, force: true })));
});

describe('queue:add takes only what the user chose', () => {
  it('refuses files nobody picked or dropped, with a stable code and a message saying how to add them', async () => {
    const secret = await write('Documents/tax-return-2024.pdf');
    const key = await write('.ssh/id_ed25519', '-----BEGIN OPENSSH PRIVATE KEY-----');
    const refused = await failure(bridge.invoke('queue:add', [secret]));
    expect(refused.code).toBe('PATH_NOT_GRANTED');
    expect(refused.message).toMatch(/only files you chose.*"Add files" or by dropping/);
    expect(await code(bridge.invoke('queue:add', [path.join(home, 'Documents')]))).toBe('PATH_NOT_GRANTED');
    // Not a type Trove reads: refused whatever the grant.
    expect(await code(bridge.invoke('queue:add', [key]))).toBe('UNSUPPORTED_FILE_TYPE');
    drop(key);
    expect(await failure(bridge.invoke('queue:add', [key]))).toEqual({
      code: 'UNSUPPORTED_FILE_TYPE', message: 'id_ed25519 was not added: it is not an image, video, audio file, document (PDF, DOCX, text) or ZIP archive Trove reads.',
    });
    // One refused path refuses the whole call: nothing of it is queued.
    const chosen = await write('Pictures/beach.jpg');
    drop(chosen);
    expect(await code(bridge.invoke('queue:add', [chosen, secret]))).toBe('PATH_NOT_GRANTED');
    expect(await queued()).toEqual([]);
  });

  it('adds the readable files of a mixed drop and names the others', async () => {
    const photos = await Promise.all(['a.jpg', 'b.png'].map((n) => write(`Mixed/${n}`)));
    const others = await Promise.all(['notes.zip', 'setup.exe', 'Makefile', 'c.iso'].map((n) => write(`Mixed/${n}`)));
    drop(...photos, ...others);
    const refused = await failure(bridge.invoke('queue:add', [...photos, ...others]));
    expect(refused).toEqual({
      code: 'UNSUPPORTED_FILE_TYPE',
      message: '3 files were not added (setup.exe, Makefile, c.iso): they are not an image, video, audio file, document (PDF, DOCX, text) or ZIP archive Trove reads. The other 3 files were added.',
    });
    // A ZIP is taken: the server unpacks it.
    expect(await queued()).toEqual([...photos, others[0]]);
    for (const id of (await bridge.invoke('queue:list')).map((i) => i.id)) await bridge.invoke('queue:cancel', id);
    await bridge.invoke('queue:clearFinished');
  });

  it('accepts what was dropped, picked in the dialog or handed over by the OS', async () => {
    const dropped = await write('Pictures/dropped.png');
    const [p] = drop(dropped);
    expect(p).toBe(dropped);
    expect((await bridge.invoke('queue:add', [dropped])).map((i) => i.path)).toEqual([dropped]);

    const picked = await write('Music/song.mp3');
    picks = [picked];
    expect(await bridge.invoke('dialog:pick', { folders: false })).toEqual([picked]);
    expect((await bridge.invoke('queue:add', [picked])).map((i) => i.path)).toEqual([picked]);

    const openedWith = await write('Downloads/scan.pdf');
    expect(await code(bridge.invoke('queue:add', [openedWith]))).toBe('PATH_NOT_GRANTED');
    app.openFiles([openedWith]);
    expect((await bridge.invoke('queue:add', [openedWith])).map((i) => i.path)).toEqual([openedWith]);

    // A File the page made up has no path, so it grants nothing.
    expect(bridge.pathForFile(new File(['x'], 'Documents/tax-return-2024.pdf'))).toBe('');
    expect(await code(bridge.invoke('queue:add', [path.join(home, 'Documents/tax-return-2024.pdf')]))).toBe('PATH_NOT_GRANTED');
  });

  it('accepts a chosen folder and what is inside it, but not a link inside that leads out of it', async () => {
    const album = path.join(home, 'Album');
    const inside = await write('Album/2024/party.jpg');
    await fs.symlink(path.join(home, 'Documents/tax-return-2024.pdf'), path.join(album, 'innocent.pdf'));
    expect(await code(bridge.invoke('queue:add', [inside]))).toBe('PATH_NOT_GRANTED');
    drop(album);
    expect((await bridge.invoke('queue:add', [inside])).map((i) => i.path)).toEqual([inside]);
    expect(await code(bridge.invoke('queue:add', [path.join(album, 'innocent.pdf')]))).toBe('PATH_NOT_GRANTED');
    // A path that only looks inside (a sibling folder with the same prefix) is not.
    const sibling = await write('Album-private/secret.jpg');
    expect(await code(bridge.invoke('queue:add', [sibling]))).toBe('PATH_NOT_GRANTED');
  });

  it('syncs only folders picked in the dialog; files in a synced folder may then be added', async () => {
    const camera = path.join(home, 'Camera');
    const photo = await write('Camera/img_0001.jpg');
    const refused = await failure(bridge.invoke('sync:add', home, { mirrorDeletions: false }));
    expect(refused).toMatchObject({ code: 'PATH_NOT_GRANTED', message: expect.stringMatching(/only folders you chose/) as unknown });
    expect(await bridge.invoke('sync:folders')).toEqual([]);

    picks = [camera];
    await bridge.invoke('dialog:pick', { folders: true });
    expect((await bridge.invoke('sync:add', camera, { mirrorDeletions: false })).map((f) => f.path)).toEqual([camera]);
    // Changing a synced folder's option is allowed without picking it again.
    expect((await bridge.invoke('sync:add', camera, { mirrorDeletions: true }))[0]?.mirrorDeletions).toBe(true);
    const later = await write('Camera/img_0002.jpg');
    expect((await bridge.invoke('queue:add', [later])).map((i) => i.path)).toEqual([later]);
    expect(await queued()).toEqual(expect.arrayContaining([photo, later]));
    await bridge.invoke('sync:remove', camera);
  });

  it('keeps the preload\'s grant channel away from the page', async () => {
    const secret = path.join(home, 'Documents/tax-return-2024.pdf');
    await expect((bridge.invoke as (m: string, ...a: unknown[]) => Promise<unknown>)('grant:dropped', [secret])).rejects.toThrow(/Unknown Trove method/);
    expect(await code(bridge.invoke('queue:add', [secret]))).toBe('PATH_NOT_GRANTED');
  });
});

describe('the cloud server address', () => {
  it('must be https:// unless it is this computer', async () => {
    for (const url of ['http://trove.example.com', 'http://192.168.1.20:8787', 'http://10.0.0.5', 'http://[fe80::1]:8080']) {
      const refused = await failure(bridge.invoke('settings:set', { cloudUrl: url }));
      expect(refused.code, url).toBe('INSECURE_SERVER_URL');
      expect(refused.message, url).toMatch(/Use https:\/\/ .*anyone on the network could read your files/);
    }
    for (const [url, why] of [['ftp://trove.example.com', /must start with https:\/\//], ['https://ada:secret@trove.example.com', /user name and password/], ['trove.example.com', /not a web address/]] as const) {
      const refused = await failure(bridge.invoke('settings:set', { cloudUrl: url }));
      expect(refused.code, url).toBe('INVALID_SERVER_URL');
      expect(refused.message, url).toMatch(why);
    }
    expect((await bridge.invoke('settings:get')).cloudUrl).toBe(CLOUD);
    for (const url of ['http://127.0.0.1:8787', 'http://localhost:8787', 'http://[::1]:8787', 'https://trove.example.com']) {
      expect(checkServerUrl(url), url).toBeNull();
    }
    expect(checkServerUrl('http://127.0.0.1.evil.example')?.code).toBe('INSECURE_SERVER_URL');
  });

  it('an http:// address saved by an older version is not connected to: the app starts on this computer', async () => {
    const dir = await tempDir('trove-settings-');
    try {
      await fs.writeFile(path.join(dir, 'settings.json'), JSON.stringify({ mode: 'cloud', cloudUrl: 'http://trove.example.com' }));
      expect((await SettingsStore.open(path.join(dir, 'settings.json'))).get()).toMatchObject({ mode: 'local', cloudUrl: 'http://trove.example.com' });
      await fs.writeFile(path.join(dir, 'settings.json'), JSON.stringify({ mode: 'cloud', cloudUrl: 'http://127.0.0.1:8787' }));
      expect((await SettingsStore.open(path.join(dir, 'settings.json'))).get()).toMatchObject({ mode: 'cloud', cloudUrl: 'http://127.0.0.1:8787' });
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
