import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fakeDescribe, readBody, sendJson, type FakeAnswer, type RecordedRequest } from './gemini-server.ts';

/**
 * A fake OpenAI-compatible server on 127.0.0.1 for the real `openai` SDK (`baseURL: fake.url`):
 * `POST /v1/embeddings` answers a deterministic hashed bag of words per input (so texts sharing
 * words are close and a search finds the right file), as base64 float32 or plain floats as asked;
 * `POST /v1/chat/completions` answers the same JSON description as the Gemini fake. Token counts
 * are deterministic (≈ 4 characters a token, 85 a low-detail picture); `mentions` tells a test
 * whether some text ever reached the fake.
 */

export type OpenAIFault = 400 | 401 | 429 | 500 | 503 | 'hang' | 'malformed-count' | 'malformed-dims' | 'malformed-nan'
  | 'content-filter' | 'refusal' | 'not-json' | 'length' | 'no-usage';
export type OpenAIRoute = 'embeddings' | 'chat';

export interface FakeOpenAI {
  /** Base URL including /v1, for `baseURL`. */
  url: string;
  apiKey: string;
  requests: RecordedRequest[];
  /** The JSON answers (chat and embeddings), in order; their `usage` is what was billed. */
  responses: { path: string; body: { usage?: { prompt_tokens: number; completion_tokens?: number; total_tokens: number } } & Record<string, unknown> }[];
  /** Whether any request so far carried `needle` (case-insensitive) in its text, pictures left out. */
  mentions(needle: string): boolean;
  fail(fault: OpenAIFault, count?: number, route?: OpenAIRoute): void;
  /** Drops faults not yet used, so one test's leftovers never reach the next. */
  clearFaults(): void;
  embeddingCalls(): RecordedRequest[];
  chatCalls(): RecordedRequest[];
  close(): Promise<void>;
}

export interface FakeOpenAIOptions {
  apiKey?: string;
  /** Length returned when a request names no `dimensions`, per model; default 1536 (3072 for -large). */
  nativeDims?: (model: string) => number;
  describe?: (prompt: string, attachments: { images: number; files: number }) => FakeAnswer;
  /** Answer plain floats even when base64 is asked for, as some OpenAI-compatible servers do. */
  alwaysFloat?: boolean;
}

const STOP = new Set(['the', 'a', 'an', 'and', 'or', 'of', 'to', 'in', 'on', 'for', 'with', 'is', 'it', 'this', 'that']);

/** Feature hashing of word unigrams (crude plural stemming), each word into two signed buckets. */
export function fakeEmbedding(text: string, dims: number): number[] {
  const v = new Float64Array(dims);
  const tokens = (text.normalize('NFKC').toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [])
    .filter((w) => !STOP.has(w))
    .map((w) => (w.length > 3 && w.endsWith('s') && !w.endsWith('ss') ? w.slice(0, -1) : w));
  for (const w of tokens) {
    for (const salt of ['a', 'b']) {
      const h = fnv1a(`${salt}:${w}`);
      v[h % dims]! += (h >>> 31) === 0 ? 1 : -1;
    }
  }
  let norm = Math.hypot(...v);
  if (norm === 0) {
    v[0] = 1;
    norm = 1;
  }
  return Array.from(v, (x) => x / norm);
}

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

function openaiError(res: ServerResponse, status: number, message: string, type: string, code: string | null, headers: Record<string, string> = {}): void {
  sendJson(res, status, { error: { message, type, param: null, code } }, headers);
}

export async function startFakeOpenAI(opts: FakeOpenAIOptions = {}): Promise<FakeOpenAI> {
  const apiKey = opts.apiKey ?? 'test-openai-key';
  const nativeDims = opts.nativeDims ?? ((model: string) => (model.endsWith('-large') ? 3072 : 1536));
  const describe = opts.describe ?? fakeDescribe;
  const requests: RecordedRequest[] = [];
  const responses: FakeOpenAI['responses'] = [];
  const faults: { fault: OpenAIFault; route: OpenAIRoute }[] = [];

  const takeFault = (route: OpenAIRoute): OpenAIFault | undefined => {
    const i = faults.findIndex((f) => f.route === route);
    return i < 0 ? undefined : faults.splice(i, 1)[0]!.fault;
  };

  const applyFault = (res: ServerResponse, fault: OpenAIFault | undefined): boolean => {
    if (fault === 'hang') return true;
    if (fault === 401) openaiError(res, 401, 'Incorrect API key provided.', 'invalid_request_error', 'invalid_api_key');
    else if (fault === 429) openaiError(res, 429, 'Rate limit reached for requests.', 'requests', 'rate_limit_exceeded', { 'retry-after-ms': '10' });
    else if (typeof fault === 'number') openaiError(res, fault, `Injected ${fault}.`, fault >= 500 ? 'server_error' : 'invalid_request_error', null);
    else return false;
    return true;
  };

  const embeddings = (res: ServerResponse, body: Record<string, unknown>): void => {
    const fault = takeFault('embeddings');
    if (applyFault(res, fault)) return;
    const model = typeof body.model === 'string' ? body.model : '';
    const input = typeof body.input === 'string' ? [body.input] : body.input;
    if (!Array.isArray(input) || input.length === 0 || input.length > 2048 || !input.every((s) => typeof s === 'string' && s !== '')) {
      openaiError(res, 400, "'$.input' is invalid. Please check the API reference.", 'invalid_request_error', null);
      return;
    }
    if (body.dimensions !== undefined && !model.startsWith('text-embedding-3')) {
      openaiError(res, 400, 'This model does not support specifying dimensions.', 'invalid_request_error', null);
      return;
    }
    const dims = typeof body.dimensions === 'number' ? body.dimensions : nativeDims(model);
    let vectors = (input as string[]).map((t) => fakeEmbedding(t, dims));
    if (fault === 'malformed-count') vectors = vectors.slice(0, -1);
    if (fault === 'malformed-dims') vectors = vectors.map((v) => v.slice(0, -1));
    if (fault === 'malformed-nan') vectors[0]![0] = Number.NaN;
    const base64 = body.encoding_format === 'base64' && opts.alwaysFloat !== true;
    const tokens = (input as string[]).reduce((n, t) => n + Math.ceil(t.length / 4), 0);
    reply(res, '/v1/embeddings', fault, {
      object: 'list',
      data: vectors.map((v, index) => ({
        object: 'embedding', index,
        // JSON has no NaN; a float answer carries null where the base64 one carries a NaN float.
        embedding: base64 ? Buffer.from(new Float32Array(v).buffer).toString('base64') : v.map((x) => (Number.isNaN(x) ? null : x)),
      })),
      model,
      usage: { prompt_tokens: tokens, total_tokens: tokens },
    });
  };

  const chat = (res: ServerResponse, body: Record<string, unknown>): void => {
    const fault = takeFault('chat');
    if (applyFault(res, fault)) return;
    const messages = Array.isArray(body.messages) ? (body.messages as { content?: unknown }[]) : [];
    let text = '';
    let images = 0;
    for (const msg of messages) {
      if (typeof msg.content === 'string') text += `${msg.content}\n`;
      else if (Array.isArray(msg.content)) {
        for (const part of msg.content as { type?: string; text?: string; image_url?: { url?: string } }[]) {
          if (part.type === 'text') text += `${part.text ?? ''}\n`;
          if (part.type === 'image_url') {
            if (!part.image_url?.url?.startsWith('data:image/')) {
              openaiError(res, 400, 'Invalid image URL.', 'invalid_request_error', 'invalid_image_url');
              return;
            }
            images++;
          }
        }
      }
    }
    let content: string | null = fault === 'not-json' ? 'I think this is a nice picture.' : JSON.stringify(describe(text, { images, files: 0 }));
    if (fault === 'length') content = content.slice(0, Math.ceil(content.length / 2)); // cut off mid-JSON
    if (fault === 'content-filter' || fault === 'refusal') content = null;
    const prompt = Math.ceil(text.length / 4) + 85 * images;
    const completion = Math.ceil((content ?? '').length / 4);
    reply(res, '/v1/chat/completions', fault, {
      id: 'chatcmpl-fake', object: 'chat.completion', created: 0, model: body.model,
      choices: [{
        index: 0,
        message: { role: 'assistant', content, refusal: fault === 'refusal' ? 'I can\'t help with describing this image.' : null },
        finish_reason: fault === 'content-filter' ? 'content_filter' : fault === 'length' ? 'length' : 'stop',
      }],
      usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion },
    });
  };

  /** Sends and records an answer; 'no-usage' drops `usage`, as Ollama and some other servers do. */
  const reply = (res: ServerResponse, path: string, fault: OpenAIFault | undefined, body: Record<string, unknown>): void => {
    if (fault === 'no-usage') delete body.usage;
    responses.push({ path, body });
    sendJson(res, 200, body);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const raw = await readBody(req);
    let body: Record<string, unknown> = {};
    try {
      body = raw.length > 0 ? (JSON.parse(raw.toString('utf8')) as Record<string, unknown>) : {};
    } catch {
      openaiError(res, 400, 'We could not parse the JSON body of your request.', 'invalid_request_error', null);
      return;
    }
    requests.push({ method: req.method ?? '', path: url.pathname, headers: req.headers, body });
    if (req.headers.authorization !== `Bearer ${apiKey}`) {
      openaiError(res, 401, 'Incorrect API key provided.', 'invalid_request_error', 'invalid_api_key');
      return;
    }
    if (req.method === 'POST' && url.pathname === '/v1/embeddings') return embeddings(res, body);
    if (req.method === 'POST' && url.pathname === '/v1/chat/completions') return chat(res, body);
    openaiError(res, 404, `Unknown request URL: ${req.method} ${url.pathname}.`, 'invalid_request_error', 'unknown_url');
  };

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) openaiError(res, 500, String(err), 'server_error', null);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;

  return {
    url,
    apiKey,
    requests,
    responses,
    mentions(needle) {
      const n = needle.toLowerCase();
      // Pictures are base64 `data:` URLs: left out, or a short needle could match by chance.
      const strip = (k: string, v: unknown) => (typeof v === 'string' && v.startsWith('data:') ? undefined : v);
      return requests.some((r) => JSON.stringify(r.body, strip).toLowerCase().includes(n));
    },
    fail(fault, count = 1, route = 'embeddings') {
      for (let i = 0; i < count; i++) faults.push({ fault, route });
    },
    clearFaults: () => void faults.splice(0),
    embeddingCalls: () => requests.filter((r) => r.path === '/v1/embeddings'),
    chatCalls: () => requests.filter((r) => r.path === '/v1/chat/completions'),
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
