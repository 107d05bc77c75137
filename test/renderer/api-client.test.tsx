// @vitest-environment happy-dom
import { describe, expect, it, vi } from 'vitest';
import { ApiClient } from '../../renderer/src/api/client.ts';
import { ApiError } from '../../renderer/src/api/errors.ts';
import { ElectronBridge, hasTroveBridge } from '../../renderer/src/bridge/electron-bridge.ts';
import type { TroveBridge } from '../../shared/ipc/contract.ts';

const ok = (data: unknown, status = 200) => new Response(JSON.stringify({ status: 'success', data, error: null, timestamp: new Date().toISOString() }), { status, headers: { 'content-type': 'application/json' } });
const fail = (code: string, message: string, status: number) => new Response(JSON.stringify({ status: 'error', data: null, error: { code, message }, timestamp: new Date().toISOString() }), { status });

describe('ApiClient', () => {
  it('sends the bearer token and unwraps the envelope', async () => {
    const fetchFn = vi.fn(async (_u: RequestInfo | URL, _i?: RequestInit) => ok({ uploads: [], total: 0, has_more: false }));
    const api = new ApiClient({ fetch: fetchFn, token: 'tok' });
    expect(await api.listUploads({ limit: 5, file_type: 'image' })).toEqual({ uploads: [], total: 0, has_more: false });
    const [url, init] = fetchFn.mock.calls[0]!;
    expect(url).toBe('/api/v1/uploads?limit=5&file_type=image');
    expect((init!.headers as Record<string, string>).Authorization).toBe('Bearer tok');
  });

  it('turns error envelopes into ApiErrors with the stable code, and reports a refused token', async () => {
    const onUnauthorized = vi.fn();
    const api = new ApiClient({ fetch: (async () => fail('UNAUTHORIZED', 'The access token is not valid for this server.', 401)), token: 'x', onUnauthorized });
    const err = await api.search({ query: 'x', limit: 10 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ code: 'UNAUTHORIZED', status: 401 });
    expect(onUnauthorized).toHaveBeenCalled();
    const down = new ApiClient({ fetch: (async () => { throw new TypeError('Failed to fetch'); }) });
    await expect(down.health()).rejects.toMatchObject({ code: 'NETWORK_ERROR', retryable: true });
  });

  it('resolves signed links by following the redirect, and reuses them until they near expiry', async () => {
    const fetchFn = vi.fn(async () => {
      const res = new Response('x', { status: 206 });
      Object.defineProperty(res, 'redirected', { value: true });
      Object.defineProperty(res, 'url', { value: 'http://127.0.0.1:8787/api/v1/blob?key=k&exp=1&sig=s' });
      return res;
    });
    const api = new ApiClient({ fetch: fetchFn as unknown as typeof fetch, token: 't' });
    expect(await api.fileUrl('id-1', 'preview')).toBe('http://127.0.0.1:8787/api/v1/blob?key=k&exp=1&sig=s');
    await api.fileUrl('id-1', 'preview');
    expect(fetchFn).toHaveBeenCalledTimes(1);
    await api.fileUrl('id-1', 'preview', { fresh: true });
    expect(fetchFn).toHaveBeenCalledTimes(2);
  });

  it('treats a missing similar-files route as "not available", other errors as errors', async () => {
    const api = new ApiClient({ fetch: (async () => fail('NOT_FOUND', 'No route GET /api/v1/search/similar/abc.', 404)) });
    expect(await api.similar('abc')).toBeNull();
    const gone = new ApiClient({ fetch: (async () => fail('NOT_FOUND', 'No such upload.', 404)) });
    await expect(gone.similar('abc')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('makes server-relative links absolute for the desktop app', () => {
    const api = new ApiClient({ baseUrl: 'http://127.0.0.1:8787/' });
    expect(api.absolute('/api/v1/blob?key=a')).toBe('http://127.0.0.1:8787/api/v1/blob?key=a');
    expect(new ApiClient().absolute('/api/v1/blob?key=a')).toBe('/api/v1/blob?key=a');
  });
});

describe('ElectronBridge', () => {
  function fakeTrove() {
    const listeners = new Map<string, (p: unknown) => void>();
    const trove = {
      invoke: vi.fn(async (method: string) => (method === 'dialog:pick' ? ['/home/me/a.jpg'] : [])),
      on: vi.fn((event: string, l: (p: unknown) => void) => {
        listeners.set(event, l);
        return () => listeners.delete(event);
      }),
      pathForFile: vi.fn((f: File) => `/home/me/${f.name}`),
    };
    return { trove: trove as unknown as TroveBridge, invoke: trove.invoke, listeners };
  }

  it('is detected only when the preload put a complete bridge on the window', () => {
    expect(hasTroveBridge(window)).toBe(false);
    const { trove } = fakeTrove();
    const w = { trove } as unknown as Window;
    expect(hasTroveBridge(w)).toBe(true);
    expect(hasTroveBridge({ trove: { invoke: () => undefined } } as unknown as Window)).toBe(false);
  });

  it('queues dropped files by their paths, picked files through the dialog, and opened files — each with the keep-local toggle', async () => {
    const { trove, invoke, listeners } = fakeTrove();
    let keepLocal = false;
    const bridge = new ElectronBridge(trove, () => ({ keepLocal }));
    await bridge.addFiles([new File(['x'], 'x.png'), new File(['y'], 'y.pdf')], { keepLocal: false });
    expect(invoke).toHaveBeenCalledWith('queue:add', { paths: ['/home/me/x.png', '/home/me/y.pdf'], keepLocal: false });
    await bridge.pickFiles({ keepLocal: true });
    expect(invoke).toHaveBeenCalledWith('dialog:pick', { folders: false });
    expect(invoke).toHaveBeenCalledWith('queue:add', { paths: ['/home/me/a.jpg'], keepLocal: true });
    listeners.get('files:opened')!(['/home/me/opened.mp4']);
    expect(invoke).toHaveBeenCalledWith('queue:add', { paths: ['/home/me/opened.mp4'], keepLocal: false });
    // Files handed over from outside follow the toggle as it is when they arrive.
    keepLocal = true;
    listeners.get('files:opened')!(['/home/me/private.mp4']);
    expect(invoke).toHaveBeenCalledWith('queue:add', { paths: ['/home/me/private.mp4'], keepLocal: true });
    await bridge.reveal('/home/me/x.png');
    expect(invoke).toHaveBeenCalledWith('file:reveal', '/home/me/x.png');
    await bridge.pauseAll();
    expect(invoke).toHaveBeenCalledWith('queue:pauseAll');
  });
});
