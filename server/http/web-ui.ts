import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { FastifyBaseLogger, FastifyInstance, FastifyReply } from 'fastify';
import { API_PREFIX } from '../../shared/api/schemas.ts';
import { PACKAGE_ROOT } from '../package-root.ts';

/** Where `npm run build:web` puts the renderer's web build. */
export const DEFAULT_WEB_ROOT = path.join(PACKAGE_ROOT, 'dist', 'renderer');

/**
 * The page's policy: scripts and connections to this origin only, media from signed same-origin
 * links or blob: (local previews before upload), no framing.
 */
export const WEB_UI_CSP = [
  "default-src 'self'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob:",
  "connect-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "object-src 'none'",
].join('; ');

/** Extra sources next to 'self', per directive (cloud sign-in: see routes/auth-config.ts). */
export interface CspExtras {
  /** img-src and media-src: where signed thumbnail, preview and download links point (a bucket). */
  media?: readonly string[];
  connect?: readonly string[];
  script?: readonly string[];
  frame?: readonly string[];
}

/**
 * The policy with extra origins: in cloud mode the page signs in against Firebase Auth (or its
 * emulator) itself, so those origins — and only those — join 'self'; Google's popup also needs its
 * API loader (script-src) and its helper frame (frame-src); and thumbnails and previews come from
 * the bucket's signed links (img-src, media-src).
 */
export function webUiCsp(extra: CspExtras = {}): string {
  let csp = WEB_UI_CSP;
  if (extra.media?.length) {
    csp = csp.replace("img-src 'self' data: blob:", `img-src 'self' data: blob: ${extra.media.join(' ')}`)
      .replace("media-src 'self' blob:", `media-src 'self' blob: ${extra.media.join(' ')}`);
  }
  if (extra.connect?.length) csp = csp.replace("connect-src 'self'", `connect-src 'self' ${extra.connect.join(' ')}`);
  if (extra.script?.length) csp = csp.replace("script-src 'self'", `script-src 'self' ${extra.script.join(' ')}`);
  if (extra.frame?.length) csp = `${csp}; frame-src 'self' ${extra.frame.join(' ')}`;
  return csp;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
};

export interface WebUiOptions {
  /** Folder holding the built renderer (`index.html` + `assets/`). */
  root?: string;
  log: FastifyBaseLogger;
  /** Origins the page may reach besides its own (see webUiCsp). */
  cspExtras?: CspExtras;
}

/** Whether a web build exists to be served. */
export async function webUiAvailable(root = DEFAULT_WEB_ROOT): Promise<boolean> {
  return fs.stat(path.join(root, 'index.html')).then((s) => s.isFile(), () => false);
}

/**
 * Serves the web build at `/` without the bearer token (the page itself holds no data; it asks for
 * the token and then calls the API with it). Any non-API path that is not a file gets `index.html`,
 * so reloading the page anywhere works; a missing file with an extension is a plain 404. Paths are
 * resolved inside the root only (no `..`, no dot-files, no symlinks leading out). Without a build,
 * `/` keeps pointing at the API documentation.
 */
export async function registerWebUi(app: FastifyInstance, opts: WebUiOptions): Promise<void> {
  const root = path.resolve(opts.root ?? DEFAULT_WEB_ROOT);
  const csp = webUiCsp(opts.cspExtras);
  if (!(await webUiAvailable(root))) {
    opts.log.info(`No web UI build in ${root}: run "npm run build:web" to serve it at /. Until then / shows the API docs.`);
  }

  app.get('/*', { schema: { hide: true }, config: { public: true } }, async (req, reply) => {
    const pathname = (req.url.split('?')[0] ?? '/');
    if (pathname === API_PREFIX || pathname.startsWith(`${API_PREFIX}/`)) return reply.callNotFound();

    const realRoot = await fs.realpath(root).catch(() => null);
    const indexFile = realRoot && path.join(realRoot, 'index.html');
    if (!indexFile || !(await isFile(indexFile))) {
      if (pathname === '/') return reply.redirect(`${API_PREFIX}/docs`, 302);
      return reply.callNotFound();
    }

    const resolved = await resolveInside(realRoot, pathname);
    if (resolved.kind === 'refused') return reply.callNotFound();
    if (resolved.kind === 'file') return sendFile(reply, resolved.path, pathname.startsWith('/assets/'), csp);
    // A missing asset (it has an extension) is an error, not a page to route in the app.
    if (path.posix.extname(pathname) !== '' && !pathname.endsWith('.html')) return reply.callNotFound();
    return sendFile(reply, indexFile, false, csp);
  });
}

async function isFile(p: string): Promise<boolean> {
  return fs.stat(p).then((s) => s.isFile(), () => false);
}

export type Resolved = { kind: 'file'; path: string } | { kind: 'missing' } | { kind: 'refused' };

/**
 * The file a URL path names inside `root` (a real path): missing when there is none, refused when
 * the path tries to leave the root (`..`, encoded or not, symlinks) or names a hidden file.
 */
export async function resolveInside(root: string, pathname: string): Promise<Resolved> {
  const refused = { kind: 'refused' } as const;
  const missing = { kind: 'missing' } as const;
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return refused;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return refused;
  const segments = decoded.split('/').filter((s) => s !== '');
  if (segments.some((s) => s === '..' || s.startsWith('.'))) return refused;
  if (segments.length === 0) return missing;
  const candidate = path.join(root, ...segments);
  if (!candidate.startsWith(root + path.sep)) return refused;
  const real = await fs.realpath(candidate).catch(() => null);
  if (!real) return missing;
  if (!real.startsWith(root + path.sep)) return refused;
  return (await isFile(real)) ? { kind: 'file', path: real } : missing;
}

async function sendFile(reply: FastifyReply, file: string, immutable: boolean, csp: string): Promise<FastifyReply> {
  const ext = path.extname(file).toLowerCase();
  const stat = await fs.stat(file);
  reply.header('Content-Type', CONTENT_TYPES[ext] ?? 'application/octet-stream');
  reply.header('Content-Length', String(stat.size));
  // Vite names assets by their content hash; the page itself must always be fresh.
  reply.header('Cache-Control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
  if (ext === '.html') reply.header('Content-Security-Policy', csp);
  return reply.send(createReadStream(file));
}
