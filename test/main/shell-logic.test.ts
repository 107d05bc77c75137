/**
 * The plain-Node logic behind the Electron shell: window state, the security policy (CSP,
 * navigation, IPC senders), command-line files, the tray menu, update scheduling, settings, atomic
 * JSON files, local thumbnails, and the server supervisor's restart/backoff/stop against a fake
 * server process.
 */
import fs from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Connection } from '../../shared/ipc/contract.ts';
import { pathsFromArgv, startsHidden } from '../../main/argv.ts';
import { ConnectionManager } from '../../main/connection.ts';
import { readJsonFile, writeJsonAtomic } from '../../main/json-file.ts';
import { APP_CSP, appCsp, cloudConnectSources, externalUrlToOpen, isAppUrl, isTrustedIpcEvent, withAppCsp } from '../../main/security.ts';
import { ServerSupervisor, findFreePort, type ChildHandle, type LaunchSpec, type ProcessLauncher } from '../../main/server-supervisor.ts';
import { SettingsStore } from '../../main/settings.ts';
import { buildTrayMenu, syncSummary, type TrayState } from '../../main/sync/tray-model.ts';
import { LocalThumbnails } from '../../main/thumbnails.ts';
import { UPDATE_CHECK_EVERY_MS, scheduleUpdateChecks } from '../../main/update-schedule.ts';
import { fitToDisplays, loadWindowState, trackWindowState, type Rect } from '../../main/window-state.ts';
import { mp3WithTags, mp4, pdfWithText, png } from '../helpers/media.ts';
import { sleep, tempDir, textFile, waitFor } from './helpers.ts';

let dir: string;
beforeAll(async () => {
  dir = await tempDir();
});
afterAll(() => fs.rm(dir, { recursive: true, force: true }));

describe('window state', () => {
  const primary: Rect = { x: 0, y: 0, width: 1920, height: 1040 };
  const second: Rect = { x: 1920, y: 0, width: 1280, height: 1000 };

  it('keeps a visible window where it was and brings back one left on an unplugged monitor', () => {
    expect(fitToDisplays({ x: 100, y: 50, width: 1000, height: 700, maximized: false }, [primary])).toEqual({ x: 100, y: 50, width: 1000, height: 700, maximized: false });
    expect(fitToDisplays({ x: 2000, y: 100, width: 1000, height: 700, maximized: true }, [primary, second])).toMatchObject({ x: 2000, y: 100 });
    const back = fitToDisplays({ x: 2000, y: 100, width: 1000, height: 700, maximized: false }, [primary]);
    expect(back).toEqual({ x: 460, y: 170, width: 1000, height: 700, maximized: false });
    expect(fitToDisplays({ x: 10, y: -500, width: 5000, height: 3000, maximized: false }, [primary])).toMatchObject({ x: 0, y: 0, width: 1920, height: 1040 });
    expect(fitToDisplays({ width: 1200, height: 800, maximized: false }, [primary])).toEqual({ width: 1200, height: 800, maximized: false });
  });

  it('is saved as the window moves and closes, and read back (defaults when missing or corrupt)', async () => {
    const file = path.join(dir, 'window-state.json');
    expect(await loadWindowState(file, [primary])).toEqual({ width: 1200, height: 800, maximized: false });
    const listeners: Record<string, () => void> = {};
    let bounds = { x: 30, y: 40, width: 900, height: 650 };
    let maximized = false;
    trackWindowState({
      getNormalBounds: () => bounds, isMaximized: () => maximized, isDestroyed: () => false,
      on: (ev, fn) => (listeners[ev] = fn),
    }, file, 20);
    listeners.move!();
    await sleep(80);
    expect(await loadWindowState(file, [primary])).toEqual({ ...bounds, maximized: false });
    bounds = { x: 60, y: 70, width: 1000, height: 700 };
    maximized = true;
    listeners.close!();
    await sleep(30);
    expect(await loadWindowState(file, [primary])).toEqual({ ...bounds, maximized: true });
    await fs.writeFile(file, '{"width": "wide", "x": 5');
    expect(await loadWindowState(file, [primary])).toEqual({ width: 1200, height: 800, maximized: false });
    expect((await fs.readdir(dir)).some((n) => n.startsWith('window-state.json.corrupt-'))).toBe(true);
  });
});

describe('security policy', () => {
  const origin = 'http://127.0.0.1:8787';

  it('puts the app CSP on app documents only, replacing the server’s', () => {
    const headers = { 'content-security-policy': ["default-src 'none'"], 'X-Other': ['1'] };
    expect(withAppCsp(`${origin}/`, 'mainFrame', headers, origin)).toEqual({ 'X-Other': ['1'], 'Content-Security-Policy': [APP_CSP] });
    expect(withAppCsp(`${origin}/api/v1/health`, 'xhr', headers, origin)).toBe(headers);
    expect(withAppCsp('https://example.com/', 'mainFrame', headers, origin)).toBe(headers);
    for (const directive of ["script-src 'self'", "object-src 'none'", "frame-ancestors 'none'", "base-uri 'none'"]) expect(APP_CSP).toContain(directive);
    expect(APP_CSP).not.toMatch(/unsafe-eval|script-src[^;]*unsafe-inline/);
  });

  it('lets cloud-mode pages reach Firebase Auth (and a clean emulator origin) in connect-src, nothing else', () => {
    const google = ['https://identitytoolkit.googleapis.com', 'https://securetoken.googleapis.com'];
    expect(cloudConnectSources(null)).toEqual(google);
    expect(cloudConnectSources('http://127.0.0.1:9099/')).toEqual([...google, 'http://127.0.0.1:9099']);
    // The emulator URL comes from the server: only its origin may enter the policy.
    for (const hostile of ["http://a.test; script-src 'unsafe-inline'", 'javascript:alert(1)', 'data:text/html,x', 'not a url']) {
      const sources = cloudConnectSources(hostile);
      expect(appCsp(sources)).not.toMatch(/unsafe-inline'[^;]*;?\s*$|javascript:|data:text/);
      expect(sources.every((o) => /^https?:\/\/[^\s;']+$/.test(o))).toBe(true);
    }
    const csp = appCsp(cloudConnectSources(null));
    expect(csp).toBe(APP_CSP.replace("connect-src 'self'", `connect-src 'self' ${google.join(' ')}`));
    expect(appCsp([])).toBe(APP_CSP);
    expect(withAppCsp(`${origin}/`, 'mainFrame', {}, origin, csp)).toEqual({ 'Content-Security-Policy': [csp] });
  });

  it('opens only http(s) links outside the app in the OS browser', () => {
    expect(externalUrlToOpen('https://trove.example/help', origin)).toBe('https://trove.example/help');
    expect(externalUrlToOpen('http://example.com', origin)).toBe('http://example.com/');
    for (const url of ['file:///etc/passwd', 'javascript:alert(1)', 'smb://host/share', `${origin}/settings`, 'not a url', 'data:text/html,hi']) {
      expect(externalUrlToOpen(url, origin), url).toBeNull();
    }
    expect(isAppUrl(`${origin}/search?q=x`, origin)).toBe(true);
    expect(isAppUrl('http://127.0.0.1:8788/', origin)).toBe(false);
    expect(isAppUrl(`${origin}/`, null)).toBe(false);
  });

  it('trusts IPC only from the window’s main frame on the app origin', () => {
    const mainFrame = { url: `${origin}/` };
    const contents = { mainFrame };
    expect(isTrustedIpcEvent({ sender: contents, senderFrame: mainFrame }, contents, origin)).toBe(true);
    expect(isTrustedIpcEvent({ sender: contents, senderFrame: { url: `${origin}/` } }, contents, origin)).toBe(false);
    expect(isTrustedIpcEvent({ sender: {}, senderFrame: mainFrame }, contents, origin)).toBe(false);
    expect(isTrustedIpcEvent({ sender: contents, senderFrame: null }, contents, origin)).toBe(false);
    expect(isTrustedIpcEvent({ sender: contents, senderFrame: mainFrame }, null, origin)).toBe(false);
    expect(isTrustedIpcEvent({ sender: contents, senderFrame: mainFrame }, contents, 'http://127.0.0.1:9999')).toBe(false);
  });
});

describe('command line', () => {
  it('finds existing files and folders, skipping the program, flags and non-paths', async () => {
    const a = path.join(dir, 'a photo.png');
    await fs.writeFile(a, 'x');
    expect(pathsFromArgv(['/opt/Trove/trove', '--hidden', 'a photo.png', dir, '--flag=x', 'missing.png', a], dir, 1)).toEqual([a, dir]);
    expect(pathsFromArgv(['electron', '.', 'a photo.png'], dir, 2)).toEqual([a]);
    expect(startsHidden(['trove', '--hidden'])).toBe(true);
    expect(startsHidden(['trove'])).toBe(false);
  });
});

describe('tray menu', () => {
  const online: Connection = { mode: 'local', url: 'http://127.0.0.1:1', token: 't', online: true };
  const base: TrayState = { connection: online, folders: [], queue: [], syncPaused: false, startAtLogin: false };
  const folder = { path: '/p', mirrorDeletions: false, keepLocal: false, scanned: 10, queued: 10, status: 'watching' as const, error: null };

  it('shows status and counts, and offers pause/resume, open, start at login and quit', () => {
    const state: TrayState = { ...base, folders: [folder], queue: [{ state: 'uploading' }, { state: 'queued' }, { state: 'completed' }, { state: 'failed' }] };
    expect(syncSummary(state)).toBe('Syncing 1 folder — 1 uploading, 1 waiting, 1 failed');
    const menu = buildTrayMenu(state);
    expect(menu.map((e) => e.action).filter(Boolean)).toEqual(['pause-sync', 'open', 'toggle-login', 'quit']);
    expect(menu[1]!.label).toBe('1 uploaded · 2 to upload · 1 failed');
    expect(buildTrayMenu({ ...state, syncPaused: true }).find((e) => e.action === 'resume-sync')).toBeDefined();
    expect(syncSummary({ ...state, syncPaused: true })).toBe('Sync paused (1 folder)');
    expect(buildTrayMenu({ ...base, startAtLogin: true }).find((e) => e.action === 'toggle-login')?.checked).toBe(true);
    expect(syncSummary({ ...base, folders: [folder, { ...folder, path: '/q' }] })).toBe('2 folders up to date');
    expect(syncSummary({ ...base, folders: [{ ...folder, status: 'scanning', scanned: 120 }] })).toBe('Scanning 1 folder — 120 files found');
    expect(syncSummary({ ...base, connection: { ...online, online: false } })).toBe('Trove — server not reachable');
  });
});

describe('update checks', () => {
  it('check at start and every four hours; a failed check waits for the next', () => {
    vi.useFakeTimers();
    try {
      const check = vi.fn<() => Promise<unknown>>().mockRejectedValueOnce(new Error('offline')).mockResolvedValue(null);
      const errors: unknown[] = [];
      const stop = scheduleUpdateChecks({ check, onError: (e) => errors.push(e) });
      expect(check).toHaveBeenCalledTimes(1);
      vi.advanceTimersByTime(UPDATE_CHECK_EVERY_MS - 1);
      expect(check).toHaveBeenCalledTimes(1);
      vi.advanceTimersByTime(1);
      expect(check).toHaveBeenCalledTimes(2);
      vi.advanceTimersByTime(UPDATE_CHECK_EVERY_MS * 2);
      expect(check).toHaveBeenCalledTimes(4);
      stop();
      vi.advanceTimersByTime(UPDATE_CHECK_EVERY_MS * 2);
      expect(check).toHaveBeenCalledTimes(4);
      expect(UPDATE_CHECK_EVERY_MS).toBe(4 * 3600 * 1000);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('settings and JSON files', () => {
  it('validates, saves atomically and notifies', async () => {
    const file = path.join(dir, 'settings.json');
    const store = await SettingsStore.open(file);
    const seen: string[] = [];
    store.onChange((next, prev) => seen.push(`${prev.theme}->${next.theme}`));
    expect(await store.set({ theme: 'light' })).toMatchObject({ theme: 'light' });
    await expect(store.set({ mode: 'cloud' })).rejects.toThrow(/Cloud mode needs/);
    await expect(store.set({ cloudUrl: 'ftp://x' })).rejects.toThrow(/https/);
    await expect(store.set({ theme: 'pink' as never })).rejects.toThrow(/not valid/);
    expect(await store.set({ mode: 'cloud', cloudUrl: 'https://trove.example.com' })).toMatchObject({ mode: 'cloud' });
    expect(seen).toEqual(['system->light', 'light->light']);
    expect((await SettingsStore.open(file)).get()).toMatchObject({ theme: 'light', mode: 'cloud', cloudUrl: 'https://trove.example.com' });
    await fs.writeFile(file, JSON.stringify({ theme: 42 }));
    expect((await SettingsStore.open(file)).get().theme).toBe('system');
  });

  it('writes JSON atomically: concurrent writers never leave a torn file', async () => {
    const file = path.join(dir, 'atomic.json');
    const big = { items: Array.from({ length: 2000 }, (_, i) => ({ i, text: 'x'.repeat(50) })) };
    await Promise.all(Array.from({ length: 10 }, (_, n) => writeJsonAtomic(file, { ...big, n })));
    const read = await readJsonFile<{ n: number; items: unknown[] }>(file);
    expect(read?.items).toHaveLength(2000);
    expect((await fs.readdir(dir)).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });
});

describe('local thumbnails', () => {
  it('makes a small data URL for images, videos, PDFs, audio and text, and null for what it cannot read', async () => {
    const files: Record<string, Buffer> = {
      'photo.png': await png(5, 400), 'clip.mp4': await mp4(1), 'doc.pdf': await pdfWithText(['Quarterly report'], 'Report'),
      'song.mp3': await mp3WithTags({ title: 't', artist: 'a', album: 'b' }, 1), 'broken.png': Buffer.from('not really a png at all'),
    };
    for (const [name, bytes] of Object.entries(files)) await fs.writeFile(path.join(dir, name), bytes);
    await textFile(dir, 'notes.txt', 3000);
    const thumbs = new LocalThumbnails({ size: 64, concurrency: 2 });
    const results = Object.fromEntries(await Promise.all(['photo.png', 'clip.mp4', 'doc.pdf', 'song.mp3', 'notes.txt', 'broken.png', 'gone.png']
      .map(async (n) => [n, await thumbs.make(path.join(dir, n))] as const)));
    for (const name of ['photo.png', 'clip.mp4', 'doc.pdf', 'notes.txt']) {
      expect(results[name], name).toMatch(/^data:image\/jpeg;base64,/);
      const meta = await sharp(Buffer.from(results[name]!.split(',')[1]!, 'base64')).metadata();
      expect([meta.width, meta.height], name).toEqual([64, 64]);
    }
    expect(results['song.mp3']).toMatch(/^data:image\/png;base64,/);
    expect(results['photo.png']!.length).toBeLessThan(8000);
    expect(results['broken.png']).toBeNull();
    expect(results['gone.png']).toBeNull();
  });
});

/** A stand-in for the server process: answers /api/v1/health on the given port and writes token and server.json. */
class FakeServerLauncher implements ProcessLauncher {
  launches: LaunchSpec[] = [];
  current: { kill(signal: 'SIGTERM' | 'SIGKILL'): void; crash(): void } | null = null;
  /** Launches that exit at once (a server that cannot start). */
  failNext = 0;
  ignoreSigterm = false;

  launch(spec: LaunchSpec): ChildHandle {
    this.launches.push(spec);
    const exits: ((code: number | null) => void)[] = [];
    let exited = false;
    const exit = (code: number | null) => {
      if (exited) return;
      exited = true;
      srv.close();
      srv.closeAllConnections();
      for (const fn of exits) fn(code);
    };
    const srv = http.createServer((req, res) => res.writeHead(req.url === '/api/v1/health' ? 200 : 404).end());
    if (this.failNext > 0) {
      this.failNext--;
      setTimeout(() => exit(1), 20);
    } else {
      setTimeout(() => {
        srv.listen(Number(spec.env.PORT), '127.0.0.1');
        void fs.writeFile(path.join(spec.env.TROVE_DATA_DIR!, 'token'), 'fake-token\n');
        void fs.writeFile(path.join(spec.env.TROVE_DATA_DIR!, 'server.json'), JSON.stringify({ url: `http://127.0.0.1:${spec.env.PORT}` }));
      }, 50);
    }
    this.current = {
      kill: (signal) => {
        if (signal === 'SIGKILL' || !this.ignoreSigterm) exit(null);
      },
      crash: () => exit(137),
    };
    return {
      pid: 4242,
      onExit: (fn) => void exits.push(fn),
      onOutput: () => undefined,
      kill: (signal) => this.current?.kill(signal),
    };
  }
}

describe('server supervisor', () => {
  it('starts on a free port, restarts a crashed server with growing delays on the same port, and stops it', async () => {
    const launcher = new FakeServerLauncher();
    const changes: Connection[] = [];
    const dataDir = path.join(dir, 'data');
    launcher.failNext = 2;
    const sup = new ServerSupervisor({
      launcher, command: { entry: '/app/bin/trove.js', args: ['serve'] }, dataDir, env: { LOG_LEVEL: 'warn' },
      onConnection: (c) => changes.push(c), restartDelaysMs: [50, 150, 400], watchEveryMs: 50, stopTimeoutMs: 200,
    });
    const t0 = Date.now();
    const conn = await sup.start();
    // Two failed starts (delays 50 + 150 ms), then up.
    expect(launcher.launches).toHaveLength(3);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(200);
    expect(conn).toEqual({ mode: 'local', url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/) as unknown, token: 'fake-token', online: true });
    const spec = launcher.launches[0]!;
    expect(spec).toMatchObject({ entry: '/app/bin/trove.js', args: ['serve'], env: { LOG_LEVEL: 'warn', TROVE_DATA_DIR: dataDir, TROVE_HOST: '127.0.0.1' } });
    expect(launcher.launches.map((l) => l.env.PORT)).toEqual([spec.env.PORT, spec.env.PORT, spec.env.PORT]);

    launcher.current!.crash();
    await waitFor('offline', () => changes.at(-1)?.online === false);
    await waitFor('back online', () => sup.connection().online);
    expect(sup.connection().url).toBe(conn.url);
    expect(launcher.launches).toHaveLength(4);

    // A server that ignores SIGTERM is killed after the stop timeout.
    launcher.ignoreSigterm = true;
    await sup.stop();
    expect(sup.connection().online).toBe(false);
    expect(changes.at(-1)?.online).toBe(false);
    await sleep(100);
    expect(launcher.launches).toHaveLength(4); // not restarted after a stop
  });

  it('prefers the previous port and falls back to another when it is taken', async () => {
    const port = await findFreePort(null);
    expect(await findFreePort(port)).toBe(port);
    const blocker = http.createServer().listen(port, '127.0.0.1');
    await new Promise((r) => blocker.once('listening', r));
    try {
      expect(await findFreePort(port)).not.toBe(port);
    } finally {
      blocker.close();
    }
  });
});

describe('connection manager', () => {
  it('runs the embedded server in local mode and watches the configured URL in cloud mode', async () => {
    const cloud = http.createServer((req, res) => res.writeHead(req.url === '/api/v1/health' ? 200 : 404).end());
    await new Promise<void>((r) => cloud.listen(0, '127.0.0.1', r));
    const cloudUrl = `http://127.0.0.1:${(cloud.address() as { port: number }).port}`;
    const launcher = new FakeServerLauncher();
    const changes: Connection[] = [];
    const manager = new ConnectionManager({
      createLocal: (onConnection) => new ServerSupervisor({ launcher, command: { entry: 'x', args: [] }, dataDir: path.join(dir, 'cm-data'), onConnection, stopTimeoutMs: 200 }),
      cloudToken: () => null,
      cloudCheckEveryMs: 50,
    });
    manager.onChange((c) => changes.push(c));
    try {
      await manager.apply({ mode: 'local', cloudUrl: null });
      await waitFor('the local server', () => manager.current().online);
      expect(manager.current().mode).toBe('local');
      expect(manager.endpoint()).toEqual({ url: manager.current().url, token: 'fake-token' });

      await manager.apply({ mode: 'cloud', cloudUrl: `${cloudUrl}/` });
      await waitFor('the cloud server', () => manager.current().online);
      expect(manager.current()).toEqual({ mode: 'cloud', url: cloudUrl, token: null, online: true });
      expect(launcher.launches).toHaveLength(1); // the local server was stopped, not restarted
      cloud.close();
      cloud.closeAllConnections();
      await waitFor('the cloud server to be reported offline', () => changes.at(-1)?.mode === 'cloud' && changes.at(-1)?.online === false, 10_000);
    } finally {
      await manager.stop();
      cloud.close();
    }
  });
});
