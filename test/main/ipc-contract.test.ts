/**
 * The IPC registrar on its own, with stub handlers: property tests that a handler runs exactly when
 * its arguments satisfy the contract's schemas, that only our window's main frame on our origin is
 * served, that results and events are checked against the contract, and the path rules.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import fc from 'fast-check';
import { Value } from 'typebox/value';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HANDLED_METHODS, IPC_METHODS, type HandledMethod, type IpcMethod } from '../../shared/ipc/contract.ts';
import { assertCleanAbsolute, assertExisting } from '../../main/ipc/paths.ts';
import { checkArgs, createEventSender, registerIpcHandlers, type IpcHandlers } from '../../main/ipc/registrar.ts';
import { isTrustedIpcEvent, type IpcEventLike } from '../../main/security.ts';
import { createBridge } from '../../preload/bridge.ts';
import { FakeFrame, FakeIpcMain, FakeWebContents, rendererFor } from './fake-ipc.ts';
import { tempDir } from './helpers.ts';

const ORIGIN = 'http://127.0.0.1:43210';
/** What the page may call; main also handles the preload's own channel (HANDLED_METHODS). */
const METHODS = Object.keys(IPC_METHODS) as IpcMethod[];
const HANDLED = Object.keys(HANDLED_METHODS) as HandledMethod[];

/** A compact JWT as Firebase issues it (the Auth emulator's are unsigned: empty last part). */
const JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1MSJ9.c2lnbmF0dXJl';
const UNSIGNED_JWT = 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ1MSJ9.';
/** Refresh tokens: Google's are URL-safe base64 ("AMf-vB…"), the emulator's plain base64 JSON. */
const REFRESH = 'AMf-vBx0123456789_abcdefghijklmnopqrstuvwxyz';
const EMULATOR_REFRESH = 'eyJfQXV0aEVtdWxhdG9yUmVmcmVzaFRva2VuIjoiRE8gTk9UIE1PRElGWSJ9==';
const SESSION = { idToken: JWT, uid: 'u1', email: 'ada@example.com', emailVerified: true, expiresAt: '2030-01-01T00:00:00.000Z', kept: true };

/** A valid result for each method, so stub handlers satisfy the result check (tokens have no default value). */
const RESULTS = Object.fromEntries(HANDLED.map((m) => [m, m.startsWith('session:') ? null : Value.Create(HANDLED_METHODS[m].result)])) as Record<HandledMethod, unknown>;
RESULTS['session:adopt'] = SESSION;
RESULTS['session:google'] = { idToken: JWT };

function setup() {
  const ipcMain = new FakeIpcMain();
  const win = new FakeWebContents(`${ORIGIN}/`);
  const calls: { method: HandledMethod; args: unknown[] }[] = [];
  const handlers = Object.fromEntries(HANDLED.map((m) => [m, (...args: unknown[]) => {
    calls.push({ method: m, args });
    return RESULTS[m];
  }])) as unknown as IpcHandlers;
  const rejected: string[] = [];
  registerIpcHandlers(ipcMain, handlers, {
    isTrusted: (event) => isTrustedIpcEvent(event as IpcEventLike, win, ORIGIN),
    checkResults: true,
    onRejected: (m, reason) => rejected.push(`${m}: ${reason}`),
  });
  const invoke = (ipc: ReturnType<typeof rendererFor>, method: string, args: unknown[]) =>
    (createBridge(ipc, { getPathForFile: () => '' }).invoke as (m: string, ...a: unknown[]) => Promise<unknown>)(method, ...args);
  /** The preload's own channel, sent as the preload does (ipcRenderer.invoke), not through the page's bridge. */
  const invokePreload = (ipc: ReturnType<typeof rendererFor>, method: string, args: unknown[]) => ipc.invoke(`trove:${method}`, ...args);
  return { ipcMain, win, calls, rejected, invoke, invokePreload };
}

/** Values of every JSON shape, plus some that look like paths or tokens. */
const anyArg = fc.oneof(
  fc.jsonValue(),
  fc.constantFrom('/', '/tmp/a.png', 'C:\\Users\\a.png', '\\\\server\\share', 'relative.png', '', 'x'.repeat(5000)),
  fc.array(fc.constantFrom('/tmp/a.png', 'a.png', '/x', 42), { maxLength: 3 }),
  fc.record({ folders: fc.oneof(fc.boolean(), fc.string()) }),
  fc.record({ mirrorDeletions: fc.oneof(fc.boolean(), fc.integer()) }, { requiredKeys: [] }),
  fc.record({ theme: fc.constantFrom('light', 'dark', 'pink'), mode: fc.constantFrom('local', 'cloud', 'other') }, { requiredKeys: [] }),
  fc.record({
    idToken: fc.oneof(fc.constantFrom(JWT, UNSIGNED_JWT, null, '', 'a.b', 'not a token', `${JWT}.x`, `${JWT} `, 'x'.repeat(9000)), fc.string(), fc.integer()),
    refreshToken: fc.oneof(fc.constantFrom(REFRESH, 'short', '', `${REFRESH} `, 'x'.repeat(5000)), fc.string(), fc.integer()),
    extra: fc.constant(1),
  }, { requiredKeys: [] }),
);

describe('IPC argument validation (property)', () => {
  it('runs a handler exactly when every argument satisfies the contract', async () => {
    const { win, calls, invoke, ipcMain } = setup();
    const ipc = rendererFor(ipcMain, win);
    await fc.assert(fc.asyncProperty(fc.constantFrom(...METHODS), fc.array(anyArg, { maxLength: 3 }), async (method, args) => {
      const before = calls.length;
      const valid = checkArgs(method, args) === null;
      const outcome = await invoke(ipc, method, args).then(() => 'ok', (e: Error) => e.message);
      if (valid) {
        expect(outcome).toBe('ok');
        expect(calls.length).toBe(before + 1);
        expect(calls.at(-1)).toEqual({ method, args });
      } else {
        expect(outcome).toMatch(/\[IPC_INVALID_ARGUMENT\] Invalid call to /);
        expect(calls.length).toBe(before);
      }
    }), { numRuns: 600 });
  });

  it('accepts a valid call of every method', async () => {
    const { win, calls, invoke, ipcMain } = setup();
    const ipc = rendererFor(ipcMain, win);
    const VALID = {
      'app:connection': [], 'dialog:pick': [{ folders: true }], 'queue:add': [['/tmp/a.png', 'C:\\photos\\b.jpg']], 'queue:list': [],
      'queue:pause': ['id-1'], 'queue:resume': ['id-1'], 'queue:cancel': ['id-1'], 'queue:retry': ['id-1'], 'queue:pauseAll': [],
      'queue:resumeAll': [], 'queue:clearFinished': [], 'file:reveal': ['/tmp/a.png'], 'file:open': ['/tmp/a.png'], 'sync:folders': [],
      'sync:add': ['/tmp', { mirrorDeletions: false }], 'sync:remove': ['/tmp'], 'settings:get': [], 'settings:set': [{ theme: 'dark', syncPaused: true }],
      'session:get': [], 'session:adopt': [{ idToken: JWT, refreshToken: REFRESH }], 'session:renew': [], 'session:end': [], 'session:google': [],
    } satisfies Record<IpcMethod, unknown[]>;
    for (const method of METHODS) {
      expect(checkArgs(method, VALID[method]), method).toBeNull();
      await expect(invoke(ipc, method, VALID[method])).resolves.toEqual(RESULTS[method]);
    }
    expect(new Set(calls.map((c) => c.method))).toEqual(new Set(METHODS));
  });

  it('session:adopt takes a JWT-shaped ID token and a refresh token of bounded length — nothing else', async () => {
    const { win, calls, invoke, ipcMain, rejected } = setup();
    const ipc = rendererFor(ipcMain, win);
    const segment = 'A'.repeat(2730); // three of these and two dots: exactly the 8192-character limit
    for (const [idToken, refreshToken] of [[JWT, REFRESH], [UNSIGNED_JWT, EMULATOR_REFRESH], [`${segment}.${segment}.${segment}`, 'r'.repeat(4096)]] as const) {
      await expect(invoke(ipc, 'session:adopt', [{ idToken, refreshToken }]), idToken.slice(0, 20)).resolves.toEqual(RESULTS['session:adopt']);
      expect(calls.at(-1)).toEqual({ method: 'session:adopt', args: [{ idToken, refreshToken }] });
    }
    const before = calls.length;
    const refused: unknown[][] = [
      [], [JWT], [null], [{}], [{ idToken: JWT }], [{ refreshToken: REFRESH }], [{ idToken: JWT, refreshToken: REFRESH, extra: 1 }],
      [{ idToken: '', refreshToken: REFRESH }], [{ idToken: 42, refreshToken: REFRESH }], [{ idToken: 'a.b', refreshToken: REFRESH }],
      [{ idToken: 'a.b.c.d', refreshToken: REFRESH }], [{ idToken: `${JWT}\n`, refreshToken: REFRESH }], [{ idToken: 'ab+/cdef.ghij==.klmnopqr', refreshToken: REFRESH }],
      [{ idToken: `${segment}x.${segment}.${segment}`, refreshToken: REFRESH }], [{ idToken: JWT, refreshToken: 'short' }],
      [{ idToken: JWT, refreshToken: `${REFRESH} ` }], [{ idToken: JWT, refreshToken: `${REFRESH}\n` }], [{ idToken: JWT, refreshToken: 'r'.repeat(4097) }],
      [{ idToken: JWT, refreshToken: null }], [{ idToken: JWT, refreshToken: REFRESH }, {}],
    ];
    for (const args of refused) {
      await expect(invoke(ipc, 'session:adopt', args), JSON.stringify(args).slice(0, 60)).rejects.toThrow(/\[IPC_INVALID_ARGUMENT\]/);
    }
    for (const method of ['session:get', 'session:renew', 'session:end', 'session:google']) {
      await expect(invoke(ipc, method, [{}]), method).rejects.toThrow(/\[IPC_INVALID_ARGUMENT\]/);
    }
    expect(calls.length).toBe(before);
    expect(rejected.filter((r) => r.startsWith('session:')).length).toBe(refused.length + 4);
  });

  it('refuses the session methods from an iframe, another window or another origin', async () => {
    const { win, calls, invoke, ipcMain } = setup();
    const other = new FakeWebContents(`${ORIGIN}/`);
    const senders = [rendererFor(ipcMain, win, new FakeFrame(`${ORIGIN}/`)), rendererFor(ipcMain, other), rendererFor(ipcMain, win, new FakeFrame('https://evil.example/'))];
    for (const ipc of senders) {
      await expect(invoke(ipc, 'session:adopt', [{ idToken: JWT, refreshToken: REFRESH }])).rejects.toThrow(/\[IPC_FORBIDDEN\]/);
      await expect(invoke(ipc, 'session:get', [])).rejects.toThrow(/\[IPC_FORBIDDEN\]/);
    }
    win.mainFrame.url = 'https://evil.example/';
    await expect(invoke(rendererFor(ipcMain, win), 'session:google', [])).rejects.toThrow(/\[IPC_FORBIDDEN\]/);
    expect(calls).toEqual([]);
  });

  it('the preload grants dropped paths on its own channel, once per drop and before the next call; the page cannot use that channel', async () => {
    const { win, calls, invoke, invokePreload, ipcMain } = setup();
    const paths = Array.from({ length: 12_001 }, (_, i) => `/home/me/Pictures/p${i}.jpg`);
    const bridge = createBridge(rendererFor(ipcMain, win), { getPathForFile: (f) => (f as File & { path?: string }).path ?? '' });
    // A drop: the page asks for every file's path, then queues them at once.
    const got = paths.map((p) => bridge.pathForFile(Object.assign(new File([], 'x.jpg'), { path: p })));
    expect(got).toEqual(paths);
    // A File the page made itself has no path, and grants nothing.
    expect(bridge.pathForFile(new File(['x'], 'made-up.jpg'))).toBe('');
    await bridge.invoke('queue:add', paths.slice(0, 3));
    expect(calls.map((c) => c.method)).toEqual(['grant:dropped', 'grant:dropped', 'queue:add']);
    expect(calls[0]!.args).toEqual([paths.slice(0, 10_000)]);
    expect(calls[1]!.args).toEqual([paths.slice(10_000)]);

    // The page's bridge does not offer the channel; sent from an iframe it is refused like any other.
    await expect(invoke(rendererFor(ipcMain, win), 'grant:dropped', [['/etc/shadow']])).rejects.toThrow(/Unknown Trove method/);
    await expect(invokePreload(rendererFor(ipcMain, win, new FakeFrame(`${ORIGIN}/`)), 'grant:dropped', [['/etc/shadow']])).rejects.toThrow(/IPC_FORBIDDEN/);
    await expect(invokePreload(rendererFor(ipcMain, win), 'grant:dropped', [['relative/x.jpg']])).rejects.toThrow(/IPC_INVALID_ARGUMENT/);
    expect(calls.length).toBe(3);
  });

  it('serves only our window’s main frame on our origin (property over frames and origins)', async () => {
    const { win, calls, invoke, ipcMain } = setup();
    const origins = fc.constantFrom(ORIGIN, 'http://127.0.0.1:43211', 'http://localhost:43210', 'https://evil.example', 'file://', 'data:text/html,x', 'about:blank');
    await fc.assert(fc.asyncProperty(fc.constantFrom('main', 'iframe', 'other-window'), origins, fc.constantFrom('', '/', '/search?q=1'), async (where, origin, suffix) => {
      const url = origin.includes(':/') ? `${origin}${suffix}` : origin;
      const saved = win.mainFrame.url;
      const other = new FakeWebContents(url);
      const ipc = where === 'main' ? rendererFor(ipcMain, win) : where === 'iframe' ? rendererFor(ipcMain, win, new FakeFrame(url)) : rendererFor(ipcMain, other, other.mainFrame);
      if (where === 'main') win.mainFrame.url = url;
      try {
        const before = calls.length;
        const outcome = await invoke(ipc, 'queue:list', []).then(() => 'ok', (e: Error) => e.message);
        const trusted = where === 'main' && origin === ORIGIN;
        expect(outcome === 'ok').toBe(trusted);
        expect(calls.length).toBe(before + (trusted ? 1 : 0));
        if (!trusted) expect(outcome).toMatch(/\[IPC_FORBIDDEN\]/);
      } finally {
        win.mainFrame.url = saved;
      }
    }), { numRuns: 150 });
  });

  it('checks handler results and event payloads against the contract', async () => {
    const ipcMain = new FakeIpcMain();
    const win = new FakeWebContents(`${ORIGIN}/`);
    const handlers = Object.fromEntries(HANDLED.map((m) => [m, () => RESULTS[m]])) as unknown as IpcHandlers;
    (handlers as unknown as Record<string, () => unknown>)['queue:list'] = () => [{ id: 'x' }];
    (handlers as unknown as Record<string, () => unknown>)['settings:get'] = () => {
      throw Object.assign(new Error('disk on fire'), { code: 'SETTINGS_UNREADABLE' });
    };
    registerIpcHandlers(ipcMain, handlers, { isTrusted: () => true, checkResults: true });
    const bridge = createBridge(rendererFor(ipcMain, win), { getPathForFile: () => '' });
    await expect(bridge.invoke('queue:list')).rejects.toThrow(/\[IPC_FAILED\] queue:list produced a result outside the contract/);
    await expect(bridge.invoke('settings:get')).rejects.toThrow(/\[SETTINGS_UNREADABLE\] disk on fire/);

    const sent: [string, unknown][] = [];
    const emit = createEventSender((c, p) => sent.push([c, p]), true);
    emit('files:opened', ['/tmp/a.png']);
    expect(sent).toEqual([['trove:files:opened', ['/tmp/a.png']]]);
    expect(() => emit('connection:changed', { mode: 'local' } as never)).toThrow(/outside the contract/);
  });
});

describe('renderer paths', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await tempDir();
    await fs.writeFile(path.join(dir, 'a.png'), 'x');
  });
  afterAll(() => fs.rm(dir, { recursive: true, force: true }));

  it('must be absolute, normalised and exist', async () => {
    await expect(assertExisting(path.join(dir, 'a.png'), 'file')).resolves.toBe('file');
    await expect(assertExisting(dir, 'directory')).resolves.toBe('directory');
    await expect(assertExisting(dir, 'file')).rejects.toThrow(/Not a file/);
    await expect(assertExisting(path.join(dir, 'b.png'))).rejects.toThrow(/No such file/);
    for (const bad of ['a.png', './a.png', `${dir}/../x`, `${dir}//a.png`, `${dir}/`, `${dir}/./a.png`, `${dir}/a\0.png`]) {
      expect(() => assertCleanAbsolute(bad), bad).toThrow();
    }
    expect(() => assertCleanAbsolute('/')).not.toThrow();
    fc.assert(fc.property(fc.array(fc.constantFrom('a', 'b', '..', '.', '', 'c d'), { minLength: 1, maxLength: 6 }), (segs) => {
      const p = `/${segs.join('/')}`;
      const ok = (() => {
        try {
          assertCleanAbsolute(p);
          return true;
        } catch {
          return false;
        }
      })();
      expect(ok).toBe(path.normalize(p) === p && (p === '/' || !p.endsWith('/')));
    }));
  });
});
