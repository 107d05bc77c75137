import http, { type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';

/**
 * A fake of the Gemini API (generativelanguage.googleapis.com) on 127.0.0.1, enough for the real
 * `@google/genai` SDK pointed at it with `httpOptions.baseUrl`: `generateContent` and the Files API
 * (resumable upload start → `x-goog-upload-url`, upload + finalize → `{file}` PROCESSING, ACTIVE on a
 * later GET, DELETE). Answers are deterministic, built from the words of the prompt (file name,
 * document text, the facts it lists), so an end-to-end test can search for them; token counts are
 * deterministic too and realistic in shape (text ≈ 4 characters a token, 258 a picture, 32 a second
 * of audio, 258 a second of video, thinking tokens for 2.5 models). Faults are injected per request.
 * `mentions` and `uploads` tell a test what reached the fake (e.g. that a kept-local file never did).
 */

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** Parsed JSON, or `{ bytes }` for uploaded content. */
  body: unknown;
}

export type GeminiFault = 400 | 429 | 500 | 503 | 'hang' | 'safety' | 'prompt-blocked' | 'not-json' | 'max-tokens';
export type GeminiRoute = 'generate' | 'upload' | 'files';

export interface FakeFile {
  name: string;
  uri: string;
  mimeType: string;
  sizeBytes: string;
  displayName?: string;
  state: 'PROCESSING' | 'ACTIVE' | 'FAILED';
  polls: number;
}

export interface FakeGemini {
  /** Base URL for `httpOptions.baseUrl`, e.g. http://127.0.0.1:40123 */
  url: string;
  apiKey: string;
  requests: RecordedRequest[];
  /** Files currently stored. */
  files: Map<string, FakeFile>;
  /** Names of deleted files, in order. */
  deleted: string[];
  /** Every finished upload, with its bytes, in order (kept after deletion). */
  uploads: FakeUpload[];
  /** The JSON answers to `generateContent`, in order (their `usageMetadata` is what a file was billed). */
  responses: GenerateResponse[];
  /** Whether any request so far carried `needle` (case-insensitive): prompt text, JSON fields or uploaded bytes. */
  mentions(needle: string): boolean;
  /** The next `count` requests on `route` answer with `fault` instead. */
  fail(fault: GeminiFault, count?: number, route?: GeminiRoute): void;
  /** Drops faults not yet used, so one test's leftovers never reach the next. */
  clearFaults(): void;
  /** Requests to `…:generateContent`. */
  generateCalls(): RecordedRequest[];
  close(): Promise<void>;
}

export interface FakeGeminiOptions {
  apiKey?: string;
  /** GETs of a new file answered PROCESSING before it turns ACTIVE (default 1). */
  processingPolls?: number;
  /** Replaces the deterministic answer. */
  describe?: (prompt: string, attachments: Attachments) => FakeAnswer;
}

/** What came with a prompt: inline pictures, Files API references (all), and how many of those are videos. */
export interface Attachments {
  images: number;
  files: number;
  videos?: number;
}

export interface FakeUpload {
  name: string;
  mimeType: string;
  displayName?: string;
  bytes: Buffer;
}

export interface GenerateResponse {
  model: string;
  usageMetadata: {
    promptTokenCount: number; candidatesTokenCount?: number; thoughtsTokenCount?: number; totalTokenCount: number;
    promptTokensDetails: { modality: string; tokenCount: number }[];
  };
  [key: string]: unknown;
}

export interface FakeAnswer {
  summary: string;
  tags: string[];
  text_in_media: string;
  nsfw?: { flagged: boolean; score: number };
}

const STOP = new Set(['the', 'and', 'for', 'with', 'img', 'dsc', 'jpg', 'jpeg', 'png', 'pdf', 'txt', 'mp3', 'mp4', 'wav', 'file', 'of', 'a', 'an', 'to', 'in', 'on']);

function words(s: string, max: number): string[] {
  const out: string[] = [];
  for (const w of s.toLowerCase().match(/[\p{L}]{2,}/gu) ?? []) {
    if (!STOP.has(w) && !out.includes(w)) out.push(w);
    if (out.length >= max) break;
  }
  return out;
}

/**
 * The deterministic "model": names the file's kind and repeats the words of its file name and of
 * the start of its text, so summaries differ per file and share words with what a person searches.
 * Like a grounded model, it carries the date and the detected objects the prompt lists into the summary.
 */
export function fakeDescribe(prompt: string, attachments: Attachments): FakeAnswer {
  const name = /^File name: (.*)$/m.exec(prompt)?.[1] ?? '';
  const kind = /^Type: (\w+)/m.exec(prompt)?.[1] ?? 'file';
  const body = /<<<\n([\s\S]*?)\n>>>/.exec(prompt)?.[1] ?? '';
  const date = /^- Date (?:taken|recorded): (.*?)(?: \(|$)/m.exec(prompt)?.[1];
  const objects = /^- Objects found by a detector: ([^;\n]*)/m.exec(prompt)?.[1];
  const nameWords = words(name.replace(/\.[a-z0-9]{1,5}$/i, ''), 12);
  const bodyWords = words(body, 12);
  const videos = attachments.videos ?? 0;
  const seen = [
    attachments.images > 0 ? `${attachments.images} picture(s)` : '',
    videos > 0 ? 'the whole video' : '',
    attachments.files > videos ? 'a recording' : '',
  ].filter(Boolean).join(' and ');
  const summary = `A ${kind} about ${nameWords.join(' ') || 'something'}` +
    `${objects ? `, showing ${objects}` : ''}${date ? `, dated ${date}` : ''}` +
    `${bodyWords.length > 0 ? `, mentioning ${bodyWords.join(' ')}` : ''}${seen ? `, seen through ${seen}` : ''}.`;
  const answer: FakeAnswer = { summary, tags: [kind, ...nameWords], text_in_media: attachments.images > 0 ? `sign ${nameWords[0] ?? ''}`.trim() : '' };
  if (/"nsfw"/.test(prompt)) {
    const flagged = nameWords.includes('nsfw') || nameWords.includes('explicit');
    answer.nsfw = { flagged, score: flagged ? 0.97 : 0.02 };
  }
  return answer;
}

/** Seconds of sound in a recording: exact for WAV (its header), else as if 128 kbit/s. */
function audioSeconds(bytes: Buffer): number {
  if (bytes.length >= 44 && bytes.toString('latin1', 0, 4) === 'RIFF' && bytes.toString('latin1', 8, 12) === 'WAVE') {
    const byteRate = bytes.readUInt32LE(28);
    if (byteRate > 0) return (bytes.length - 44) / byteRate;
  }
  return (bytes.length * 8) / 128_000;
}

/** The fake's token bill for one prompt, by modality, like Gemini's `promptTokensDetails`. */
function promptTokens(text: string, images: number, files: FakeUpload[]): { modality: string; tokenCount: number }[] {
  const by = new Map<string, number>([['TEXT', Math.ceil(text.length / 4)]]);
  const add = (m: string, n: number) => by.set(m, (by.get(m) ?? 0) + n);
  if (images > 0) add('IMAGE', 258 * images);
  for (const f of files) {
    if (f.mimeType.startsWith('video/')) {
      // As if 1 Mbit/s: 258 tokens a second for the pictures (1 frame/s) and 32 for the sound.
      const seconds = Math.max(1, Math.ceil((f.bytes.length * 8) / 1_000_000));
      add('VIDEO', 258 * seconds);
      add('AUDIO', 32 * seconds);
    } else {
      add('AUDIO', Math.max(1, Math.ceil(32 * audioSeconds(f.bytes))));
    }
  }
  return [...by.entries()].filter(([, n]) => n > 0).map(([modality, tokenCount]) => ({ modality, tokenCount }));
}

export async function readBody(req: IncomingMessage, limit = 64 * 1024 * 1024): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new Error('body too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

function googleError(res: ServerResponse, code: number, status: string, message: string, extra: object = {}): void {
  sendJson(res, code, { error: { code, message, status, ...extra } });
}

const FAULT_STATUS: Record<number, string> = { 400: 'INVALID_ARGUMENT', 429: 'RESOURCE_EXHAUSTED', 500: 'INTERNAL', 503: 'UNAVAILABLE' };

export async function startFakeGemini(opts: FakeGeminiOptions = {}): Promise<FakeGemini> {
  const apiKey = opts.apiKey ?? 'test-gemini-key';
  const processingPolls = opts.processingPolls ?? 1;
  const describe = opts.describe ?? fakeDescribe;
  const requests: RecordedRequest[] = [];
  const files = new Map<string, FakeFile>();
  const deleted: string[] = [];
  const finished: FakeUpload[] = [];
  const responses: GenerateResponse[] = [];
  const uploads = new Map<string, { meta: Record<string, unknown>; data: Buffer[] }>();
  const faults: { fault: GeminiFault; route: GeminiRoute }[] = [];
  let baseUrl = '';

  const takeFault = (route: GeminiRoute): GeminiFault | undefined => {
    const i = faults.findIndex((f) => f.route === route);
    return i < 0 ? undefined : faults.splice(i, 1)[0]!.fault;
  };

  /** Answers a numeric fault or a hang; returns true when the request was handled. */
  const applyFault = (res: ServerResponse, fault: GeminiFault | undefined): boolean => {
    if (fault === undefined) return false;
    if (fault === 'hang') return true; // never answered: the client's timeout (or close()) ends it
    if (typeof fault === 'number') {
      googleError(res, fault, FAULT_STATUS[fault] ?? 'UNKNOWN',
        fault === 429 ? 'Resource has been exhausted (e.g. check quota).' : `Injected ${fault}.`);
      return true;
    }
    return false;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const raw = await readBody(req);
    // Upload chunks are bytes even though the SDK labels every request application/json.
    const isJson = (req.headers['content-type'] ?? '').includes('json') && raw.length > 0 && !url.searchParams.has('upload_id');
    let body: unknown = { bytes: raw.length };
    if (isJson) {
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        googleError(res, 400, 'INVALID_ARGUMENT', 'Invalid JSON payload received.');
        return;
      }
    }
    requests.push({ method: req.method ?? '', path: url.pathname + url.search, headers: req.headers, body });

    if (req.headers['x-goog-api-key'] !== apiKey) {
      googleError(res, 400, 'INVALID_ARGUMENT', 'API key not valid. Please pass a valid API key.', {
        details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID' }],
      });
      return;
    }

    let m: RegExpExecArray | null;
    if (req.method === 'POST' && (m = /^\/upload\/(v1|v1beta)\/files$/.exec(url.pathname))) {
      const id = url.searchParams.get('upload_id');
      if (id === null) {
        if (applyFault(res, takeFault('upload'))) return;
        const session = randomBytes(8).toString('hex');
        uploads.set(session, { meta: ((body as { file?: Record<string, unknown> }).file ?? {}), data: [] });
        sendJson(res, 200, {}, {
          'x-goog-upload-url': `${baseUrl}/upload/${m[1]}/files?upload_id=${session}&upload_protocol=resumable`,
          'x-goog-upload-status': 'active',
        });
        return;
      }
      const upload = uploads.get(id);
      if (!upload) return googleError(res, 404, 'NOT_FOUND', 'Upload session not found.');
      upload.data.push(raw);
      const command = String(req.headers['x-goog-upload-command'] ?? '');
      if (!command.includes('finalize')) {
        sendJson(res, 200, {}, { 'x-goog-upload-status': 'active' });
        return;
      }
      uploads.delete(id);
      const fileId = randomBytes(6).toString('hex');
      const size = upload.data.reduce((n, b) => n + b.length, 0);
      const file: FakeFile = {
        name: `files/${fileId}`,
        uri: `${baseUrl}/${m[1]}/files/${fileId}`,
        mimeType: typeof upload.meta.mimeType === 'string' ? upload.meta.mimeType : 'application/octet-stream',
        sizeBytes: String(size),
        ...(typeof upload.meta.displayName === 'string' ? { displayName: upload.meta.displayName } : {}),
        state: processingPolls > 0 ? 'PROCESSING' : 'ACTIVE',
        polls: 0,
      };
      files.set(file.name, file);
      finished.push({
        name: file.name, mimeType: file.mimeType, bytes: Buffer.concat(upload.data),
        ...(file.displayName !== undefined ? { displayName: file.displayName } : {}),
      });
      sendJson(res, 200, { file: publicFile(file) }, { 'x-goog-upload-status': 'final' });
      return;
    }

    if ((m = /^\/(v1|v1beta)\/(files\/[\w-]+)$/.exec(url.pathname))) {
      if (applyFault(res, takeFault('files'))) return;
      const file = files.get(m[2]!);
      if (!file) return googleError(res, 404, 'NOT_FOUND', `File ${m[2]} does not exist.`);
      if (req.method === 'DELETE') {
        files.delete(file.name);
        deleted.push(file.name);
        sendJson(res, 200, {});
        return;
      }
      if (req.method === 'GET') {
        file.polls++;
        if (file.state === 'PROCESSING' && file.polls >= processingPolls) file.state = 'ACTIVE';
        sendJson(res, 200, publicFile(file));
        return;
      }
    }

    if (req.method === 'POST' && (m = /^\/(v1|v1beta)\/models\/([\w.-]+):generateContent$/.exec(url.pathname))) {
      const fault = takeFault('generate');
      if (applyFault(res, fault)) return;
      const request = body as GenerateRequest;
      const parts = (request.contents ?? []).flatMap((c) => c.parts ?? []);
      const texts = [...(request.systemInstruction?.parts ?? []), ...parts].map((p) => p.text ?? '').join('\n');
      const images = parts.filter((p) => p.inlineData?.mimeType?.startsWith('image/')).length;
      const fileRefs = parts.filter((p) => p.fileData).map((p) => p.fileData!.fileUri ?? '');
      const attached: FakeUpload[] = [];
      for (const uri of fileRefs) {
        const file = [...files.values()].find((f) => f.uri === uri);
        if (!file) return googleError(res, 403, 'PERMISSION_DENIED', `You do not have permission to access the File ${uri} or it may not exist.`);
        if (file.state !== 'ACTIVE') return googleError(res, 400, 'FAILED_PRECONDITION', `The File ${file.name} is not in an ACTIVE state and usage is not allowed.`);
        attached.push(finished.find((u) => u.name === file.name)!);
      }
      const model = m[2]!;
      const promptTokensDetails = promptTokens(texts, images, attached);
      const promptTokenCount = promptTokensDetails.reduce((n, d) => n + d.tokenCount, 0);
      const answer = (extra: Record<string, unknown>, outputText: string | undefined): void => {
        const candidatesTokenCount = outputText === undefined ? 0 : Math.ceil(outputText.length / 4);
        // 2.5 models think before they answer, and bill it as output — unless asked for a thinking budget of 0.
        const thinkingBudget = (request.generationConfig?.thinkingConfig as { thinkingBudget?: unknown } | undefined)?.thinkingBudget;
        const thoughtsTokenCount = outputText !== undefined && /2\.5/.test(model) && thinkingBudget !== 0 ? 24 : 0;
        const usageMetadata = {
          promptTokenCount, promptTokensDetails, totalTokenCount: promptTokenCount + candidatesTokenCount + thoughtsTokenCount,
          ...(candidatesTokenCount > 0 ? { candidatesTokenCount } : {}), ...(thoughtsTokenCount > 0 ? { thoughtsTokenCount } : {}),
        };
        const response: GenerateResponse = { ...extra, usageMetadata, model, modelVersion: model };
        responses.push(response);
        const { model: _model, ...wire } = response;
        sendJson(res, 200, wire);
      };
      if (fault === 'prompt-blocked') {
        return answer({ promptFeedback: { blockReason: 'SAFETY' } }, undefined);
      }
      if (fault === 'safety') {
        return answer({
          candidates: [{ index: 0, finishReason: 'SAFETY', safetyRatings: [{ category: 'HARM_CATEGORY_SEXUALLY_EXPLICIT', probability: 'HIGH', blocked: true }] }],
        }, undefined);
      }
      const videos = attached.filter((f) => f.mimeType.startsWith('video/')).length;
      let text = fault === 'not-json' ? 'Sorry, I cannot help with that.' : JSON.stringify(describe(texts, { images, files: fileRefs.length, videos }));
      if (fault === 'max-tokens') text = text.slice(0, Math.ceil(text.length / 2)); // cut off mid-JSON
      answer({
        candidates: [{ index: 0, finishReason: fault === 'max-tokens' ? 'MAX_TOKENS' : 'STOP', content: { role: 'model', parts: [{ text }] } }],
      }, text);
      return;
    }
    googleError(res, 404, 'NOT_FOUND', `No route for ${req.method} ${url.pathname}`);
  };

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) googleError(res, 500, 'INTERNAL', String(err));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: baseUrl,
    apiKey,
    requests,
    files,
    deleted,
    uploads: finished,
    responses,
    mentions(needle) {
      const n = needle.toLowerCase();
      // Inline pictures are base64 (`data`): left out, or a short needle could match by chance.
      const texts = requests.map((r) => JSON.stringify(r.body, (k, v: unknown) => (k === 'data' ? undefined : v)));
      return texts.some((t) => t.toLowerCase().includes(n)) || finished.some((u) => u.bytes.toString('latin1').toLowerCase().includes(n));
    },
    fail(fault, count = 1, route = 'generate') {
      for (let i = 0; i < count; i++) faults.push({ fault, route });
    },
    clearFaults: () => void faults.splice(0),
    generateCalls: () => requests.filter((r) => r.path.endsWith(':generateContent')),
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections(); // ends hung requests too
      server.close(() => resolve());
    }),
  };
}

interface GeminiPart {
  text?: string;
  inlineData?: { mimeType?: string; data?: string };
  fileData?: { fileUri?: string; mimeType?: string };
}

interface GenerateRequest {
  contents?: { role?: string; parts?: GeminiPart[] }[];
  systemInstruction?: { parts?: GeminiPart[] };
  generationConfig?: Record<string, unknown>;
}

function publicFile(f: FakeFile): object {
  const { polls: _polls, ...rest } = f;
  return { ...rest, createTime: new Date(0).toISOString(), expirationTime: new Date(172_800_000).toISOString() };
}
