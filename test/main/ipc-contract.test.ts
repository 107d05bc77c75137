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
import { IPC_METHODS, type IpcMethod } from '../../shared/ipc/contract.ts';
import { assertCleanAbsolute, assertExisting } from '../../main/ipc/paths.ts';
import { checkArgs, createEventSender, registerIpcHandlers, type IpcHandlers } from '../../main/ipc/registrar.ts';
import { isTrustedIpcEvent, type IpcEventLike } from '../../main/security.ts';
import { createBridge } from '../../preload/bridge.ts';
import { FakeFrame, FakeIpcMain, FakeWebContents, rendererFor } from './fake-ipc.ts';
import { tempDir } from './helpers.ts';

const ORIGIN = 'http://127.0.0.1:43210';
const METHODS = Object.keys(IPC_METHODS) as IpcMethod[];

/** A valid result for each method, so stub handlers satisfy the result check. */
const RESULTS = Object.fromEntries(METHODS.map((m) => [m, Value.Create(IPC_METHODS[m].result)])) as Record<IpcMethod, unknown>;

function setup() {
  const ipcMain = new FakeIpcMain();
  const win = new FakeWebContents(`${ORIGIN}/`);
  const calls: { method: IpcMethod; args: unknown[] }[] = [];
  const handlers = Object.fromEntries(METHODS.map((m) => [m, (...args: unknown[]) => {
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
  return { ipcMain, win, calls, rejected, invoke };
}

/** A compact JWT as Firebase issues it (the Auth emulator's are unsigned: empty last part). */
const JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1MSJ9.c2lnbmF0dXJl';
const UNSIGNED_JWT = 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ1MSJ9.';

/** Values of every JSON shape, plus some that look like paths or tokens. */
const anyArg = fc.oneof(
  fc.jsonValue(),
  fc.constantFrom('/', '/tmp/a.png', 'C:\\Users\\a.png', '\\\\server\\share', 'relative.png', '', 'x'.repeat(5000)),
  fc.array(fc.constantFrom('/tmp/a.png', 'a.png', '/x', 42), { maxLength: 3 }),
  fc.record({ folders: fc.oneof(fc.boolean(), fc.string()) }),
  fc.record({ mirrorDeletions: fc.oneof(fc.boolean(), fc.integer()) }, { requiredKeys: [] }),
  fc.record({ theme: fc.constantFrom('light', 'dark', 'pink'), mode: fc.constantFrom('local', 'cloud', 'other') }, { requiredKeys: [] }),
  fc.record({
    token: fc.oneof(fc.constantFrom(JWT, UNSIGNED_JWT, null, '', 'a.b', 'not a token', `${JWT}.x`, `${JWT} `, 'x'.repeat(9000)), fc.string(), fc.integer()),
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
      'session:setAuthToken': [{ token: JWT }],
    } satisfies Record<IpcMethod, unknown[]>;
    for (const method of METHODS) {
      expect(checkArgs(method, VALID[method]), method).toBeNull();
      await expect(invoke(ipc, method, VALID[method])).resolves.toEqual(RESULTS[method]);
    }
    expect(new Set(calls.map((c) => c.method))).toEqual(new Set(METHODS));
  });

  it('session:setAuthToken takes a JWT-shaped token of bounded length, or null — nothing else', async () => {
    const { win, calls, invoke, ipcMain, rejected } = setup();
    const ipc = rendererFor(ipcMain, win);
    const segment = 'A'.repeat(2730); // three of these and two dots: exactly the 8192-character limit
    for (const token of [JWT, UNSIGNED_JWT, null, `${segment}.${segment}.${segment}`]) {
      await expect(invoke(ipc, 'session:setAuthToken', [{ token }]), String(token).slice(0, 20)).resolves.toBeNull();
      expect(calls.at(-1)).toEqual({ method: 'session:setAuthToken', args: [{ token }] });
    }
    const before = calls.length;
    const refused: unknown[][] = [
      [], [JWT], [null], [{}], [{ token: JWT, extra: 1 }], [{ token: '' }], [{ token: 42 }], [{ token: 'a.b' }],
      [{ token: 'a.b.c.d' }], [{ token: `${JWT}\n` }], [{ token: 'eyJ x.eyJ.sig' }], [{ token: 'ab+/cdef.ghij==.klmnopqr' }],
      [{ token: `${segment}x.${segment}.${segment}` }], [{ token: JWT }, { token: JWT }],
    ];
    for (const args of refused) {
      await expect(invoke(ipc, 'session:setAuthToken', args), JSON.stringify(args).slice(0, 60)).rejects.toThrow(/\[IPC_INVALID_ARGUMENT\]/);
    }
    expect(calls.length).toBe(before);
    expect(rejected.filter((r) => r.startsWith('session:setAuthToken')).length).toBe(refused.length);
  });

  it('refuses session:setAuthToken from an iframe, another window or another origin', async () => {
    const { win, calls, invoke, ipcMain } = setup();
    const other = new FakeWebContents(`${ORIGIN}/`);
    const senders = [rendererFor(ipcMain, win, new FakeFrame(`${ORIGIN}/`)), rendererFor(ipcMain, other), rendererFor(ipcMain, win, new FakeFrame('https://evil.example/'))];
    for (const ipc of senders) {
      await expect(invoke(ipc, 'session:setAuthToken', [{ token: JWT }])).rejects.toThrow(/\[IPC_FORBIDDEN\]/);
    }
    win.mainFrame.url = 'https://evil.example/';
    await expect(invoke(rendererFor(ipcMain, win), 'session:setAuthToken', [{ token: JWT }])).rejects.toThrow(/\[IPC_FORBIDDEN\]/);
    expect(calls).toEqual([]);
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
    const handlers = Object.fromEntries(METHODS.map((m) => [m, () => RESULTS[m]])) as unknown as IpcHandlers;
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
