// @vitest-environment happy-dom
import { describe, expect, it, vi } from 'vitest';
import { openEventStream, SseParser } from '../../renderer/src/api/sse.ts';
import { parseTokenInput, takeTokenFromLocation, TokenVault } from '../../renderer/src/lib/token.ts';
import { MemoryStorage } from './helpers.tsx';

describe('SseParser', () => {
  it('parses events split anywhere across chunks, with comments, CRLF and multi-line data', () => {
    const p = new SseParser();
    const wire = 'retry: 2000\n: connected\n\nevent: upload\ndata: {"a":1}\n\r\nevent: upload\r\ndata: line one\r\ndata: line two\r\n\r\n: ping\n\ndata: plain\n\n';
    const out = [];
    for (let i = 0; i < wire.length; i += 3) out.push(...p.push(wire.slice(i, i + 3)));
    expect(out).toEqual([
      { event: 'upload', data: '{"a":1}', id: null },
      { event: 'upload', data: 'line one\nline two', id: null },
      { event: 'message', data: 'plain', id: null },
    ]);
    expect(p.retryMs).toBe(2000);
  });
});

describe('openEventStream', () => {
  it('reads messages from a fetch body with the auth header, and reconnects when it ends', async () => {
    vi.useFakeTimers();
    const bodies = ['event: upload\ndata: {"n":1}\n\n', 'retry: 50\nevent: upload\ndata: {"n":2}\n\n'];
    const calls: RequestInit[] = [];
    const fetchFn = vi.fn(async (_url: RequestInfo | URL, init?: RequestInit) => {
      calls.push(init!);
      const text = bodies.shift() ?? '';
      return new Response(new ReadableStream({ start(c) { c.enqueue(new TextEncoder().encode(text)); c.close(); } }), { status: 200 });
    });
    const messages: string[] = [];
    const stream = openEventStream({ url: '/api/v1/events', headers: () => ({ Authorization: 'Bearer t' }), fetch: fetchFn, onMessage: (m) => messages.push(m.data), retryMs: 100 });
    await vi.advanceTimersByTimeAsync(10);
    expect(messages).toEqual(['{"n":1}']);
    expect((calls[0]!.headers as Record<string, string>).Authorization).toBe('Bearer t');
    await vi.advanceTimersByTimeAsync(150);
    expect(messages).toEqual(['{"n":1}', '{"n":2}']);
    stream.close();
  });

  it('stops on a refused token', async () => {
    const fetchFn = vi.fn(async () => new Response('{}', { status: 401 }));
    const states: string[] = [];
    openEventStream({ url: '/e', headers: () => ({}), fetch: fetchFn, onMessage: () => undefined, onState: (s) => states.push(s), isFatal: (r) => r.status === 401 });
    await new Promise((r) => setTimeout(r, 10));
    expect(states).toEqual(['connecting', 'closed']);
    expect(fetchFn).toHaveBeenCalledTimes(1);
  });
});

describe('token handover', () => {
  it('takes the token from the fragment and rewrites the address without it', () => {
    const replaceState = vi.fn();
    const token = takeTokenFromLocation({ hash: '#token=abc%2B123&view=library', pathname: '/', search: '?x=1' }, { replaceState, state: null });
    expect(token).toBe('abc+123');
    expect(replaceState).toHaveBeenCalledWith(null, '', '/?x=1#view=library');
    const none = vi.fn();
    expect(takeTokenFromLocation({ hash: '', pathname: '/', search: '' }, { replaceState: none, state: null })).toBeNull();
    expect(none).not.toHaveBeenCalled();
  });

  it('accepts a bare token or a whole link', () => {
    expect(parseTokenInput('  s3cret-token-value ')).toBe('s3cret-token-value');
    expect(parseTokenInput('http://127.0.0.1:8787/#token=s3cret')).toBe('s3cret');
    expect(parseTokenInput('http://127.0.0.1:8787/')).toBeNull();
    expect(parseTokenInput('two words')).toBeNull();
    expect(parseTokenInput('')).toBeNull();
  });

  it('keeps the token for the session, or on the device when remembered', () => {
    const session = new MemoryStorage();
    const local = new MemoryStorage();
    const vault = new TokenVault(session, local);
    vault.set('t1', false);
    expect(session.getItem('trove.token')).toBe('t1');
    expect(local.getItem('trove.token')).toBeNull();
    vault.set('t1', true);
    expect(session.getItem('trove.token')).toBeNull();
    expect(vault.get()).toEqual({ token: 't1', remembered: true });
    vault.clear();
    expect(vault.get()).toBeNull();
  });
});
