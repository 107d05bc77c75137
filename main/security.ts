/**
 * The window's security policy as plain functions (no Electron): which URLs are our app, which
 * links may open in the OS browser, the Content-Security-Policy for app pages, and whether an IPC
 * message comes from our own window's main frame.
 */

/**
 * Scripts, styles and connections from the app's own origin only; images and media also from
 * data:/blob: (local previews). No plugins, no framing, no <base> tricks, no form posts elsewhere.
 */
export const APP_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Firebase Auth's REST endpoints the renderer signs in and renews tokens against (renderer/src/api/firebase-auth.ts). */
export const FIREBASE_AUTH_ORIGINS = ['https://identitytoolkit.googleapis.com', 'https://securetoken.googleapis.com'] as const;

/**
 * The policy with extra connect-src origins — the same rule as the server's webUiCsp: in cloud
 * mode the page signs in against Firebase Auth itself, so those origins, and only those, join 'self'.
 */
export function appCsp(connectSources: readonly string[] = []): string {
  if (connectSources.length === 0) return APP_CSP;
  return APP_CSP.replace("connect-src 'self'", `connect-src 'self' ${connectSources.join(' ')}`);
}

/**
 * connect-src origins for a cloud server: Google's two auth endpoints, plus the Auth emulator's
 * origin when the server names one. The emulator URL comes from the server, so only a clean http(s)
 * origin is used — never the raw string, which could smuggle other directives into the policy.
 */
export function cloudConnectSources(emulatorUrl: string | null): string[] {
  const out: string[] = [...FIREBASE_AUTH_ORIGINS];
  const origin = emulatorUrl ? originOf(emulatorUrl) : null;
  if (origin && /^https?:\/\//.test(origin) && !out.includes(origin)) out.push(origin);
  return out;
}

/** The origin of a URL, or null for anything unparsable or opaque (data:, about:, file:). */
export function originOf(url: string): string | null {
  try {
    const u = new URL(url);
    return u.origin === 'null' ? null : u.origin;
  } catch {
    return null;
  }
}

export function isAppUrl(url: string, appOrigin: string | null): boolean {
  return appOrigin !== null && originOf(url) === appOrigin;
}

/** A link the user clicked that may be handed to the OS browser: http(s) only, never our own app. */
export function externalUrlToOpen(url: string, appOrigin: string | null): string | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return null;
  if (appOrigin !== null && u.origin === appOrigin) return null;
  return u.href;
}

export type Headers = Record<string, string[] | string>;

/**
 * Response headers for `session.webRequest.onHeadersReceived`: for documents of our app, any CSP the
 * server sent is replaced by APP_CSP (header names are matched case-insensitively); other responses
 * are left alone.
 */
export function withAppCsp(url: string, resourceType: string, headers: Headers | undefined, appOrigin: string | null, csp = APP_CSP): Headers | undefined {
  if (!isAppUrl(url, appOrigin) || (resourceType !== 'mainFrame' && resourceType !== 'subFrame')) return headers;
  const out: Headers = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (name.toLowerCase() !== 'content-security-policy') out[name] = value;
  }
  out['Content-Security-Policy'] = [csp];
  return out;
}

/** What the IPC guard needs to know about a message's sender. */
export interface SenderInfo {
  /** The frame that sent the message is the window's main frame (not an iframe, not another window). */
  isMainFrame: boolean;
  /** That frame's current URL. */
  url: string;
}

export function isTrustedSender(sender: SenderInfo | null, appOrigin: string | null): boolean {
  return sender !== null && sender.isMainFrame && isAppUrl(sender.url, appOrigin);
}

/** Structural slices of Electron's IPC event and window contents (WebFrameMain, WebContents). */
export interface FrameLike {
  readonly url: string;
}
export interface IpcEventLike {
  readonly sender: unknown;
  readonly senderFrame: FrameLike | null;
}
export interface WindowContentsLike {
  readonly mainFrame: FrameLike;
}

/**
 * The IPC guard: the message must come from our window's web contents, from its main frame (not an
 * iframe), and that frame must currently show our app's origin.
 */
export function isTrustedIpcEvent(event: IpcEventLike, contents: WindowContentsLike | null, appOrigin: string | null): boolean {
  const frame = event.senderFrame;
  return contents !== null && event.sender === contents && frame !== null && frame === contents.mainFrame
    && isTrustedSender({ isMainFrame: true, url: frame.url }, appOrigin);
}
