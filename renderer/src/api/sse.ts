/**
 * A small Server-Sent Events reader over `fetch` + ReadableStream. EventSource cannot send an
 * Authorization header, and the token must not go into a URL, so the stream is read by hand.
 */

export interface SseMessage {
  event: string;
  data: string;
  id: string | null;
}

/** Incremental parser for the `text/event-stream` format (WHATWG HTML §9.2.6). */
export class SseParser {
  private buffer = '';
  private data: string[] = [];
  private event = '';
  private id: string | null = null;
  /** Reconnection delay the server asked for (`retry:`), in milliseconds. */
  retryMs: number | null = null;

  /** Feeds decoded text; returns the messages completed by it. */
  push(chunk: string): SseMessage[] {
    this.buffer += chunk;
    const out: SseMessage[] = [];
    for (;;) {
      const m = /\r\n|\r|\n/.exec(this.buffer);
      if (!m) break;
      // A lone \r at the very end may be the first half of \r\n: wait for more.
      if (m[0] === '\r' && m.index === this.buffer.length - 1) break;
      const line = this.buffer.slice(0, m.index);
      this.buffer = this.buffer.slice(m.index + m[0].length);
      const message = this.line(line);
      if (message) out.push(message);
    }
    return out;
  }

  private line(line: string): SseMessage | null {
    if (line === '') {
      if (this.data.length === 0) {
        this.event = '';
        return null;
      }
      const message = { event: this.event || 'message', data: this.data.join('\n'), id: this.id };
      this.data = [];
      this.event = '';
      return message;
    }
    if (line.startsWith(':')) return null;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    switch (field) {
      case 'data':
        this.data.push(value);
        break;
      case 'event':
        this.event = value;
        break;
      case 'id':
        if (!value.includes('\0')) this.id = value;
        break;
      case 'retry':
        if (/^\d+$/.test(value)) this.retryMs = Number(value);
        break;
      default:
        break;
    }
    return null;
  }
}

export type StreamState = 'connecting' | 'open' | 'closed';

export interface EventStreamOptions {
  url: string;
  headers: () => Record<string, string>;
  onMessage: (message: SseMessage) => void;
  onState?: (state: StreamState, error?: unknown) => void;
  /** Whether a failed response should stop reconnecting (e.g. 401). */
  isFatal?: (res: Response) => boolean;
  fetch?: typeof fetch;
  /** Delay before reconnecting when the server did not say (ms). */
  retryMs?: number;
  maxRetryMs?: number;
}

/**
 * Opens the stream and keeps it open: reconnects after the server's `retry:` delay (backing off on
 * repeated failures) until `close()` is called or a fatal response arrives.
 */
export function openEventStream(opts: EventStreamOptions): { close(): void } {
  const doFetch = opts.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let failures = 0;
  let retryMs = opts.retryMs ?? 2000;

  const connect = async (): Promise<void> => {
    opts.onState?.('connecting');
    const parser = new SseParser();
    try {
      const res = await doFetch(opts.url, {
        headers: { Accept: 'text/event-stream', ...opts.headers() },
        signal: controller.signal,
        cache: 'no-store',
      });
      if (!res.ok || !res.body) {
        if (opts.isFatal?.(res)) {
          opts.onState?.('closed', res);
          return;
        }
        throw new Error(`event stream answered ${res.status}`);
      }
      failures = 0;
      opts.onState?.('open');
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        for (const message of parser.push(value)) opts.onMessage(message);
        if (parser.retryMs !== null) retryMs = parser.retryMs;
      }
      throw new Error('event stream ended');
    } catch (err) {
      if (controller.signal.aborted) return;
      failures += 1;
      opts.onState?.('connecting', err);
      const delay = Math.min(retryMs * 2 ** Math.min(failures - 1, 5), opts.maxRetryMs ?? 30_000);
      timer = setTimeout(() => void connect(), delay);
    }
  };
  void connect();
  return {
    close() {
      clearTimeout(timer);
      controller.abort();
      opts.onState?.('closed');
    },
  };
}
