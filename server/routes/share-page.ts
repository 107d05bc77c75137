import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { TroveError } from '../../shared/api/errors.ts';
import type { SharedFile, SharedView } from '../../shared/api/schemas.ts';
import { shareRateLimit, type ShareRoutesDeps } from './shares.ts';

/**
 * The page a share link opens, `/s/{token}`: plain server-rendered HTML, no app shell and no
 * script at all, so nothing but what the share covers is on it. Its policy allows images and media
 * from this origin (and the bucket's, where signed links point in cloud mode) and inline styles only.
 * No referrer is ever sent (guards.ts), so the token does not leak to the sites its files link to.
 */
export const sharePageRoutes = (deps: ShareRoutesDeps, mediaOrigins: readonly string[]): FastifyPluginAsync => async (app) => {
  const media = ["'self'", ...mediaOrigins].join(' ');
  const csp = `default-src 'none'; img-src ${media}; media-src ${media}; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;
  app.get<{ Params: { token: string } }>('/s/:token', {
    schema: { hide: true },
    config: { public: true, anyHost: true },
    onRequest: shareRateLimit(deps, (reply, message) => reply.header('Content-Security-Policy', csp).type('text/html; charset=utf-8')
      .send(errorPage(new TroveError('RATE_LIMITED', message)))),
  }, async (req, reply) => {
    reply.header('Content-Security-Policy', csp);
    reply.header('X-Robots-Tag', 'noindex, nofollow');
    let view: SharedView;
    try {
      view = await deps.service.view(req.params.token);
    } catch (err) {
      if (!(err instanceof TroveError)) throw err;
      return sendPage(reply, err.status, errorPage(err));
    }
    return sendPage(reply, 200, sharedPage(view));
  });
};

function sendPage(reply: FastifyReply, status: number, html: string): FastifyReply {
  return reply.status(status).type('text/html; charset=utf-8').send(html);
}

const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const STYLE = `
  :root { color-scheme: light dark; --fg: #1d2330; --muted: #667085; --bg: #f6f7f9; --card: #fff; --line: #e2e5ea; --accent: #3056d3; }
  @media (prefers-color-scheme: dark) { :root { --fg: #e8eaf0; --muted: #9aa3b5; --bg: #14161b; --card: #1d2027; --line: #2c3039; --accent: #7d9bff; } }
  * { box-sizing: border-box; }
  body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg); }
  header, main, footer { max-width: 1100px; margin: 0 auto; padding: 1.25rem 1.5rem; }
  h1 { font-size: 1.4rem; margin: 0 0 .25rem; overflow-wrap: anywhere; }
  .muted { color: var(--muted); }
  ul { list-style: none; padding: 0; margin: 0; display: grid; gap: 1rem; grid-template-columns: repeat(auto-fill, minmax(220px, 1fr)); }
  li { background: var(--card); border: 1px solid var(--line); border-radius: 10px; overflow: hidden; display: flex; flex-direction: column; }
  .media { aspect-ratio: 4 / 3; background: var(--line); display: flex; align-items: center; justify-content: center; }
  .media img, .media video { width: 100%; height: 100%; object-fit: cover; display: block; }
  .media span { font-size: .85rem; color: var(--muted); text-transform: uppercase; letter-spacing: .05em; }
  .facts { padding: .6rem .75rem .75rem; display: flex; flex-direction: column; gap: .35rem; flex: 1; }
  .name { font-weight: 600; overflow-wrap: anywhere; }
  audio { width: 100%; }
  a.button { align-self: flex-start; margin-top: auto; padding: .35rem .8rem; border-radius: 6px; background: var(--accent); color: #fff; text-decoration: none; font-weight: 600; }
  .single ul { grid-template-columns: minmax(0, 640px); }
  .single .media { aspect-ratio: auto; max-height: 70vh; }
  .single .media img { object-fit: contain; max-height: 70vh; }
  .notice { max-width: 560px; margin: 15vh auto; padding: 2rem; background: var(--card); border: 1px solid var(--line); border-radius: 12px; text-align: center; }
`;

function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer"><meta name="robots" content="noindex, nofollow">
<title>${escapeHtml(title)} · Trove</title><style>${STYLE}</style></head>
<body>${body}</body></html>`;
}

const TYPE_LABEL: Record<SharedFile['file_type'], string> = { image: 'Image', video: 'Video', audio: 'Audio', document: 'Document' };
const dateFormat = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeZone: 'UTC' });
const dateTimeFormat = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });

export function formatSize(bytes: number): string {
  const units = ['bytes', 'KB', 'MB', 'GB', 'TB'];
  let v = bytes;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return i === 0 ? `${bytes} bytes` : `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

function fileCard(f: SharedFile): string {
  const name = escapeHtml(f.filename);
  const thumb = f.thumbnail_url && escapeHtml(f.thumbnail_url);
  let media: string;
  if (f.preview_url) {
    media = `<video controls preload="none" src="${escapeHtml(f.preview_url)}"${thumb ? ` poster="${thumb}"` : ''}></video>`;
  } else if (thumb) {
    media = `<img src="${thumb}" alt="${name}" loading="lazy">`;
  } else {
    media = `<span>${TYPE_LABEL[f.file_type]}</span>`;
  }
  const audio = f.file_type === 'audio' ? `<audio controls preload="none" src="${escapeHtml(f.download_url)}"></audio>` : '';
  return `<li data-file="${escapeHtml(f.id)}"><div class="media">${media}</div><div class="facts">
<div class="name">${name}</div>
<div class="muted">${TYPE_LABEL[f.file_type]} · ${formatSize(f.file_size)} · ${dateFormat.format(new Date(f.date))}</div>
${audio}<a class="button" href="${escapeHtml(f.download_url)}" download="${name}">Download</a></div></li>`;
}

export function sharedPage(v: SharedView): string {
  const count = v.kind === 'collection' ? `${v.files.length}${v.truncated ? '+' : ''} file${v.files.length === 1 ? '' : 's'} · ` : '';
  const empty = v.files.length === 0
    ? `<p class="muted">${v.kind === 'file' ? 'This file is no longer available.' : 'This collection has no files at the moment.'}</p>` : '';
  return layout(v.title, `<div class="${v.kind === 'file' ? 'single' : 'many'}">
<header><h1>${escapeHtml(v.title)}</h1>
<div class="muted">Shared with you through Trove · ${count}link expires ${dateTimeFormat.format(new Date(v.expires_at))} UTC</div></header>
<main>${empty}<ul>${v.files.map(fileCard).join('\n')}</ul>${v.truncated ? '<p class="muted">Only the newest files are shown.</p>' : ''}</main>
<footer class="muted">Read-only: you can look at and download these files; nothing else of their owner's is shared.</footer></div>`);
}

function errorPage(err: TroveError): string {
  const heading = err.code === 'SHARE_EXPIRED' ? 'This link has expired'
    : err.code === 'SHARE_REVOKED' ? 'This link was revoked'
      : err.code === 'NOT_FOUND' ? 'No such link'
        : err.code === 'RATE_LIMITED' ? 'Too many requests' : 'This link cannot be opened';
  return layout(heading, `<div class="notice" data-code="${err.code}"><h1>${heading}</h1><p>${escapeHtml(err.message)}</p></div>`);
}
