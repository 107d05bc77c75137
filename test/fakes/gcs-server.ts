import { createHash, createPublicKey, createVerify, randomUUID, type KeyObject } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A small stand-in for the Cloud Storage JSON API (no emulator runs here), good enough for the real
 * `@google-cloud/storage` SDK: simple + resumable (chunked) uploads with hash checks, metadata,
 * media download with Range and `x-goog-hash`, list, delete, and V4 signed-URL verification.
 * Faults (e.g. 503 for the next N matching requests) prove retries. Everything lives in memory.
 */

// CRC32C (Castagnoli), written out here so the fake checks the SDK independently of its own code.
const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

export function crc32c(buf: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of buf) crc = CRC_TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** The API's form: the 4 bytes big-endian, base64. */
export function crc32cBase64(buf: Uint8Array): string {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(crc32c(buf));
  return out.toString('base64');
}

export const md5Base64 = (buf: Uint8Array) => createHash('md5').update(buf).digest('base64');

export interface FakeObject {
  data: Buffer; contentType: string; generation: number; created: Date; updated: Date; crc32c: string; md5Hash: string;
}

interface Session { bucket: string; name: string; contentType: string; chunks: Buffer[]; received: number; done?: FakeObject }

interface Fault { remaining: number; status: number; match: (req: IncomingMessage) => boolean }

const encodeStrict = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
const CHUNK_UNIT = 256 * 1024;

type Reply = { status: number; body: Buffer | string | object | null; headers?: Record<string, string> };

class HttpError extends Error {
  constructor(readonly status: number, message: string, readonly xmlCode?: string) { super(message); }
}

export class FakeGcsServer {
  readonly buckets = new Map<string, Map<string, FakeObject>>();
  /** Every request with the status it got, for assertions about retries. */
  readonly log: Array<{ method: string; path: string; contentRange: string | undefined; status: number }> = [];
  /** Clock for signed-URL expiry. */
  now: () => number = Date.now;
  private readonly sessions = new Map<string, Session>();
  private readonly faults: Fault[] = [];
  private readonly accounts = new Map<string, KeyObject>();
  private generation = 1_700_000_000_000_000;
  private corruptDownloads = 0;
  url = '';

  private constructor(private readonly server: http.Server) {}

  static async start(): Promise<FakeGcsServer> {
    const server = http.createServer();
    const fake = new FakeGcsServer(server);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => void fake.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return fake;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  /** Signed URLs from this account are verified with this public key. */
  trustServiceAccount(email: string, publicKeyPem: string): void {
    this.accounts.set(email, createPublicKey(publicKeyPem));
  }

  /** The next `count` requests that match answer `status` (after their body was received). */
  failNext(count: number, opts: { status?: number; match?: (req: IncomingMessage) => boolean } = {}): void {
    this.faults.push({ remaining: count, status: opts.status ?? 503, match: opts.match ?? (() => true) });
  }

  clearFaults(): void {
    this.faults.length = 0;
    this.corruptDownloads = 0;
  }

  /** The next `count` whole-object downloads arrive with one byte flipped (their x-goog-hash stays right). */
  corruptNextDownloads(count: number): void {
    this.corruptDownloads = count;
  }

  object(bucket: string, name: string): FakeObject | undefined {
    return this.buckets.get(bucket)?.get(name);
  }

  /** Stores an object directly (test setup), e.g. with an old `updated` time for the orphan sweep. */
  putObject(bucket: string, name: string, data: Buffer, contentType = 'application/octet-stream', updated = new Date()): FakeObject {
    const obj: FakeObject = {
      data, contentType, generation: this.generation++, created: updated, updated,
      crc32c: crc32cBase64(data), md5Hash: md5Base64(data),
    };
    let objects = this.buckets.get(bucket);
    if (!objects) this.buckets.set(bucket, (objects = new Map<string, FakeObject>()));
    objects.set(name, obj);
    return obj;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const contentRange = req.headers['content-range'];
    const send = (status: number, body: Buffer | string | object | null, headers: Record<string, string> = {}) => {
      this.log.push({ method: req.method ?? '', path: url.pathname, contentRange, status });
      const payload = body === null ? '' : typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
      if (typeof body === 'object' && body !== null && !Buffer.isBuffer(body)) headers['content-type'] ??= 'application/json';
      res.writeHead(status, { 'content-length': String(Buffer.byteLength(payload)), ...headers });
      res.end(payload);
    };
    try {
      // Read the whole body first: a fault "mid-upload" then means the bytes were sent and lost.
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const body = Buffer.concat(chunks);
      const fault = this.faults.find((f) => f.remaining > 0 && f.match(req));
      if (fault) {
        fault.remaining--;
        send(fault.status, { error: { code: fault.status, message: 'Injected fault', errors: [{ reason: 'backendError', message: 'Injected fault' }] } });
        return;
      }
      const r = this.route(req, url, body);
      send(r.status, r.body, r.headers);
    } catch (err) {
      if (err instanceof HttpError) {
        if (err.xmlCode) {
          send(err.status, `<?xml version='1.0' encoding='UTF-8'?><Error><Code>${err.xmlCode}</Code><Message>${err.message}</Message></Error>`, { 'content-type': 'application/xml' });
        } else {
          send(err.status, { error: { code: err.status, message: err.message, errors: [{ reason: 'invalid', message: err.message }] } });
        }
      } else {
        send(500, { error: { code: 500, message: String(err) } });
      }
    }
  }

  private route(req: IncomingMessage, url: URL, body: Buffer): Reply {
    const method = req.method ?? 'GET';
    if (url.searchParams.has('X-Goog-Signature')) return this.signedGet(req, url);
    // With STORAGE_EMULATOR_HOST the SDK leaves out `/storage/v1`; accept both shapes.
    const p = url.pathname.replace(/^\/storage\/v1(?=\/b\/)/, '');
    let m: RegExpExecArray | null;
    if ((m = /^\/upload\/storage\/v1\/b\/([^/]+)\/o$/.exec(p))) {
      const bucket = decodeURIComponent(m[1]!);
      if (method === 'POST') return this.startUpload(req, url, bucket, body);
      if (method === 'PUT') return this.putChunk(req, url, body);
    }
    if ((m = /^\/b\/([^/]+)\/o$/.exec(p)) && method === 'GET') return this.list(decodeURIComponent(m[1]!), url);
    if ((m = /^\/b\/([^/]+)\/o\/(.+)$/.exec(p))) {
      const bucket = decodeURIComponent(m[1]!);
      const name = decodeURIComponent(m[2]!);
      const obj = this.object(bucket, name);
      if (!obj) throw new HttpError(404, `No such object: ${bucket}/${name}`);
      if (method === 'DELETE') {
        this.buckets.get(bucket)!.delete(name);
        return { status: 204, body: null };
      }
      if (method === 'GET') {
        return url.searchParams.get('alt') === 'media' ? this.media(req, obj, {}) : { status: 200, body: this.meta(bucket, name, obj) };
      }
    }
    throw new HttpError(404, `Not implemented by the fake: ${method} ${url.pathname}`);
  }

  private meta(bucket: string, name: string, o: FakeObject): object {
    return {
      kind: 'storage#object', id: `${bucket}/${name}/${o.generation}`, name, bucket,
      generation: String(o.generation), metageneration: '1', contentType: o.contentType, size: String(o.data.length),
      md5Hash: o.md5Hash, crc32c: o.crc32c, etag: o.md5Hash, timeCreated: o.created.toISOString(), updated: o.updated.toISOString(),
    };
  }

  private store(bucket: string, name: string, data: Buffer, contentType: string, hashHeader: string | undefined, declared: { crc32c?: unknown; md5Hash?: unknown }) {
    // Like GCS: hashes the client declares (header or metadata) must match the bytes received.
    const given = Object.fromEntries((hashHeader ?? '').split(',').filter(Boolean).map((kv) => [kv.slice(0, kv.indexOf('=')).trim(), kv.slice(kv.indexOf('=') + 1)]));
    const crc = crc32cBase64(data);
    const md5 = md5Base64(data);
    for (const [want, have] of [[given.crc32c ?? declared.crc32c, crc], [given.md5 ?? declared.md5Hash, md5]] as const) {
      if (typeof want === 'string' && want !== have) throw new HttpError(400, `Provided hash ${want} does not match the data (${have}).`);
    }
    const obj = this.putObject(bucket, name, data, contentType);
    return { status: 200, body: this.meta(bucket, name, obj) };
  }

  private startUpload(req: IncomingMessage, url: URL, bucket: string, body: Buffer) {
    const type = url.searchParams.get('uploadType');
    if (type === 'multipart') {
      const parts = parseMultipart(body, req.headers['content-type'] ?? '');
      const meta = JSON.parse(parts[0]?.body.toString('utf8') ?? '{}') as { name?: string; contentType?: string; crc32c?: string; md5Hash?: string };
      const media = parts[1];
      if (!media) throw new HttpError(400, 'multipart upload needs metadata and media parts');
      const name = url.searchParams.get('name') ?? meta.name;
      if (!name) throw new HttpError(400, 'object name missing');
      return this.store(bucket, name, media.body, meta.contentType ?? media.headers['content-type'] ?? 'application/octet-stream', req.headers['x-goog-hash'] as string | undefined, meta);
    }
    if (type === 'media') {
      const name = url.searchParams.get('name');
      if (!name) throw new HttpError(400, 'object name missing');
      return this.store(bucket, name, body, req.headers['content-type'] ?? 'application/octet-stream', req.headers['x-goog-hash'] as string | undefined, {});
    }
    if (type === 'resumable') {
      const meta = (body.length ? JSON.parse(body.toString('utf8')) : {}) as { name?: string; contentType?: string };
      const name = url.searchParams.get('name') ?? meta.name;
      if (!name) throw new HttpError(400, 'object name missing');
      const id = randomUUID();
      const contentType = (req.headers['x-upload-content-type'] as string | undefined) ?? meta.contentType ?? 'application/octet-stream';
      this.sessions.set(id, { bucket, name, contentType, chunks: [], received: 0 });
      return { status: 200, body: '', headers: { location: `${this.url}/upload/storage/v1/b/${encodeURIComponent(bucket)}/o?uploadType=resumable&upload_id=${id}` } };
    }
    throw new HttpError(400, `uploadType ${type} is not supported by the fake`);
  }

  /** One request of a resumable session: a status query (`bytes *\/…`), a chunk, or the rest. */
  private putChunk(req: IncomingMessage, url: URL, body: Buffer) {
    const s = this.sessions.get(url.searchParams.get('upload_id') ?? '');
    if (!s) throw new HttpError(404, 'No such upload session');
    const incomplete = (): Reply => ({ status: 308, body: '', headers: s.received > 0 ? { range: `bytes=0-${s.received - 1}` } : {} });
    const cr = /^bytes (\*|(\d+)-(\d+|\*))\/(\*|\d+)$/.exec(req.headers['content-range'] ?? `bytes 0-*/${body.length}`);
    if (!cr) throw new HttpError(400, `Bad Content-Range: ${req.headers['content-range']}`);
    if (cr[1] === '*') return s.done ? { status: 200, body: this.meta(s.bucket, s.name, s.done) } : incomplete();
    if (s.done) return { status: 200, body: this.meta(s.bucket, s.name, s.done) };
    const start = Number(cr[2]);
    const total = cr[4] === '*' ? undefined : Number(cr[4]);
    if (cr[3] !== '*' && Number(cr[3]) - start + 1 !== body.length) throw new HttpError(400, 'Content-Range does not match the body length');
    if (start > s.received) throw new HttpError(400, `Chunk starts at ${start} but only ${s.received} bytes were received`);
    const fresh = body.subarray(s.received - start);
    s.chunks.push(fresh);
    s.received += fresh.length;
    // `S-*` means this request carries the rest of the object.
    const last = cr[3] === '*' || (total !== undefined && s.received >= total);
    if (!last) {
      if (body.length % CHUNK_UNIT !== 0) throw new HttpError(400, 'Non-final chunks must be a multiple of 256 KiB');
      return incomplete();
    }
    if (total !== undefined && s.received !== total) throw new HttpError(400, `Expected ${total} bytes, got ${s.received}`);
    const r = this.store(s.bucket, s.name, Buffer.concat(s.chunks), s.contentType, req.headers['x-goog-hash'] as string | undefined, {});
    s.done = this.object(s.bucket, s.name)!;
    return r;
  }

  private list(bucket: string, url: URL) {
    const prefix = url.searchParams.get('prefix') ?? '';
    const max = Number(url.searchParams.get('maxResults') ?? 1000);
    const after = url.searchParams.has('pageToken') ? Buffer.from(url.searchParams.get('pageToken')!, 'base64url').toString('utf8') : undefined;
    const names = [...(this.buckets.get(bucket)?.keys() ?? [])].filter((n) => n.startsWith(prefix) && (after === undefined || n > after)).sort();
    const page = names.slice(0, max);
    const items = page.map((n) => this.meta(bucket, n, this.object(bucket, n)!));
    const more = names.length > max;
    return { status: 200, body: { kind: 'storage#objects', items, ...(more ? { nextPageToken: Buffer.from(page.at(-1)!).toString('base64url') } : {}) } };
  }

  private media(req: IncomingMessage, o: FakeObject, extra: Record<string, string>) {
    const headers: Record<string, string> = {
      'content-type': o.contentType, 'accept-ranges': 'bytes', 'x-goog-generation': String(o.generation),
      'x-goog-hash': `crc32c=${o.crc32c},md5=${o.md5Hash}`, 'x-goog-stored-content-encoding': 'identity', ...extra,
    };
    const size = o.data.length;
    const m = /^bytes=(\d*)-(\d*)$/.exec(req.headers.range ?? '');
    if (!m || (m[1] === '' && m[2] === '')) {
      if (this.corruptDownloads > 0 && size > 0) {
        this.corruptDownloads--;
        const damaged = Buffer.from(o.data);
        damaged[0] = damaged[0]! ^ 0xff;
        return { status: 200, body: damaged, headers };
      }
      return { status: 200, body: o.data, headers };
    }
    let start = m[1] === '' ? Math.max(0, size - Number(m[2])) : Number(m[1]);
    let end = m[1] === '' || m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
    if (start >= size || start > end) throw new HttpError(416, 'Requested range not satisfiable');
    start = Math.max(0, start);
    end = Math.max(start, end);
    return { status: 206, body: o.data.subarray(start, end + 1), headers: { ...headers, 'content-range': `bytes ${start}-${end}/${size}` } };
  }

  /** Recomputes the V4 canonical request and string-to-sign, then checks the RSA signature and the validity window. */
  private signedGet(req: IncomingMessage, url: URL) {
    if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpError(403, 'Only GET is signed here', 'SignatureDoesNotMatch');
    const raw = url.search.slice(1).split('&').filter(Boolean).map((kv) => {
      const i = kv.indexOf('=');
      return [decodeURIComponent(i < 0 ? kv : kv.slice(0, i)), decodeURIComponent(i < 0 ? '' : kv.slice(i + 1))] as const;
    });
    const q = new Map(raw);
    const need = (k: string) => {
      const v = q.get(k);
      if (v === undefined) throw new HttpError(400, `Missing ${k}`, 'InvalidArgument');
      return v;
    };
    if (need('X-Goog-Algorithm') !== 'GOOG4-RSA-SHA256') throw new HttpError(400, 'Unsupported algorithm', 'InvalidArgument');
    const [email, ...scopeParts] = need('X-Goog-Credential').split('/');
    const scope = scopeParts.join('/');
    const dateTime = need('X-Goog-Date');
    const expires = Number(need('X-Goog-Expires'));
    const signedHeaders = need('X-Goog-SignedHeaders');
    const signature = need('X-Goog-Signature');
    if (!/^\d{8}T\d{6}Z$/.test(dateTime) || scope !== `${dateTime.slice(0, 8)}/auto/storage/goog4_request`) {
      throw new HttpError(400, 'Bad X-Goog-Date or credential scope', 'AuthorizationQueryParametersError');
    }
    if (!Number.isInteger(expires) || expires < 1 || expires > 604_800) throw new HttpError(400, 'Bad X-Goog-Expires', 'AuthorizationQueryParametersError');
    const key = this.accounts.get(email ?? '');
    if (!key) throw new HttpError(403, `Unknown service account ${email}`, 'AccessDenied');
    const canonicalQuery = raw.filter(([k]) => k !== 'X-Goog-Signature')
      .map(([k, v]) => [encodeStrict(k), encodeStrict(v)] as const)
      .sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([k, v]) => `${k}=${v}`).join('&');
    const headerLines = signedHeaders.split(';').map((h) => `${h}:${String(req.headers[h] ?? '').trim().replace(/\s+/g, ' ')}\n`).join('');
    const canonical = [req.method, url.pathname, canonicalQuery, headerLines, signedHeaders, 'UNSIGNED-PAYLOAD'].join('\n');
    const toSign = ['GOOG4-RSA-SHA256', dateTime, scope, createHash('sha256').update(canonical).digest('hex')].join('\n');
    if (!/^[0-9a-f]+$/.test(signature) || !createVerify('RSA-SHA256').update(toSign).verify(key, Buffer.from(signature, 'hex'))) {
      throw new HttpError(403, 'The request signature we calculated does not match the signature you provided.', 'SignatureDoesNotMatch');
    }
    const start = Date.parse(`${dateTime.slice(0, 4)}-${dateTime.slice(4, 6)}-${dateTime.slice(6, 8)}T${dateTime.slice(9, 11)}:${dateTime.slice(11, 13)}:${dateTime.slice(13, 15)}Z`);
    if (this.now() > start + expires * 1000) throw new HttpError(400, 'Invalid argument: the signed URL has expired.', 'ExpiredToken');
    if (this.now() < start - 15 * 60_000) throw new HttpError(400, 'The signed URL is not valid yet.', 'RequestNotYetValid');
    const [, bucket, ...rest] = url.pathname.split('/');
    const obj = this.object(decodeURIComponent(bucket ?? ''), rest.map(decodeURIComponent).join('/'));
    if (!obj) throw new HttpError(404, 'The specified key does not exist.', 'NoSuchKey');
    const disposition = q.get('response-content-disposition');
    return this.media(req, obj, disposition ? { 'content-disposition': disposition } : {});
  }
}

/** multipart/related as the SDK sends it: a JSON metadata part, then the media part. */
function parseMultipart(body: Buffer, contentType: string): Array<{ headers: Record<string, string>; body: Buffer }> {
  const boundary = /boundary="?([^";]+)"?/.exec(contentType)?.[1];
  if (!boundary) throw new HttpError(400, 'multipart body without boundary');
  const delim = Buffer.from(`--${boundary}`);
  const parts: Array<{ headers: Record<string, string>; body: Buffer }> = [];
  let pos = body.indexOf(delim);
  while (pos >= 0) {
    const startOfPart = pos + delim.length;
    if (body.subarray(startOfPart, startOfPart + 2).toString() === '--') break;
    const next = body.indexOf(delim, startOfPart);
    if (next < 0) break;
    const part = body.subarray(startOfPart + 2, next - 2); // drop CRLF after the delimiter and before the next
    const split = part.indexOf('\r\n\r\n');
    const headers = Object.fromEntries(part.subarray(0, split).toString('utf8').split('\r\n').filter(Boolean)
      .map((l) => [l.slice(0, l.indexOf(':')).trim().toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
    parts.push({ headers, body: part.subarray(split + 4) });
    pos = next;
  }
  return parts;
}
