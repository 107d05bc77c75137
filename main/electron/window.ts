/**
 * The main window and the session's security policy: sandboxed, context-isolated renderer with no
 * Node; the app's CSP on every app page; navigation and new windows refused (http(s) links go to
 * the OS browser); permission requests denied; size and position remembered.
 */
import path from 'node:path';
import { BrowserWindow, screen, shell, type Session, type WebContents } from 'electron';
import { appCsp, externalUrlToOpen, isAppUrl, withAppCsp } from '../security.ts';
import { loadWindowState, MIN_SIZE, trackWindowState } from '../window-state.ts';

export interface WindowOptions {
  preload: string;
  statePath: string;
  appOrigin: () => string | null;
  icon?: string;
}

/** What the session's CSP depends on: the app's origin and the extra connect-src origins (cloud sign-in). */
export interface CspSource {
  appOrigin: () => string | null;
  connectSources: () => readonly string[];
}

/** Session-wide rules: CSP for app pages, no permissions. Call once, before any window loads. */
export function hardenSession(session: Session, csp: CspSource): void {
  session.webRequest.onHeadersReceived((details, callback) => {
    // Asked per document: a mode switch changes which sign-in origins the next page may reach.
    const headers = withAppCsp(details.url, details.resourceType, details.responseHeaders, csp.appOrigin(), appCsp(csp.connectSources()));
    callback(headers ? { responseHeaders: headers } : {});
  });
  session.setPermissionRequestHandler((_wc, permission, callback) => callback(permission === 'clipboard-sanitized-write'));
  session.setPermissionCheckHandler((_wc, permission) => permission === 'clipboard-sanitized-write');
}

/** Every web contents (window, devtools, any future view): no navigation away, no new windows, no <webview>. */
export function hardenWebContents(contents: WebContents, appOrigin: () => string | null): void {
  contents.on('will-navigate', (event, url) => {
    if (isAppUrl(url, appOrigin())) return;
    event.preventDefault();
    const external = externalUrlToOpen(url, appOrigin());
    if (external) void shell.openExternal(external);
  });
  contents.on('will-redirect', (event, url) => {
    if (!isAppUrl(url, appOrigin())) event.preventDefault();
  });
  contents.setWindowOpenHandler(({ url }) => {
    const external = externalUrlToOpen(url, appOrigin());
    if (external) void shell.openExternal(external);
    return { action: 'deny' };
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

export async function createMainWindow(opts: WindowOptions): Promise<BrowserWindow> {
  const state = await loadWindowState(opts.statePath, screen.getAllDisplays().map((d) => d.workArea));
  const win = new BrowserWindow({
    ...(state.x !== undefined && state.y !== undefined ? { x: state.x, y: state.y } : {}),
    width: state.width,
    height: state.height,
    minWidth: MIN_SIZE.width,
    minHeight: MIN_SIZE.height,
    show: false,
    title: 'Trove',
    backgroundColor: '#111318',
    ...(opts.icon ? { icon: opts.icon } : {}),
    webPreferences: {
      preload: path.resolve(opts.preload),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
    },
  });
  if (state.maximized) win.maximize();
  trackWindowState(win, opts.statePath);
  win.once('ready-to-show', () => win.show());
  return win;
}

/** Shown while the embedded server starts (an inert page: no bridge calls are accepted from it). */
export function startingPageUrl(message = 'Starting Trove…'): string {
  const html = `<!doctype html><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'"><title>Trove</title>` +
    `<style>html,body{height:100%;margin:0;background:#111318;color:#d8dae0;font:15px system-ui,sans-serif;display:grid;place-items:center}</style><p>${message.replace(/[<&]/g, '')}</p>`;
  return `data:text/html;charset=utf-8,${encodeURIComponent(html)}`;
}
