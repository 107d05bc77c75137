/**
 * Handing the local token to the page. `trove serve` prints `http://127.0.0.1:8787/#token=…`: the
 * fragment never reaches a server, the page reads it once, keeps it in sessionStorage (localStorage
 * when the user asks to be remembered) and removes it from the address bar and history.
 */

const KEY = 'trove.token';

/** Reads `#token=…` from the URL, then rewrites the URL without it. */
export function takeTokenFromLocation(loc: Pick<Location, 'hash' | 'pathname' | 'search'>, history: Pick<History, 'replaceState' | 'state'>): string | null {
  if (!loc.hash || loc.hash.length < 2) return null;
  const params = new URLSearchParams(loc.hash.slice(1));
  const token = params.get('token');
  if (token === null) return null;
  params.delete('token');
  const rest = params.toString();
  history.replaceState(history.state, '', `${loc.pathname}${loc.search}${rest ? `#${rest}` : ''}`);
  const trimmed = token.trim();
  return trimmed === '' ? null : trimmed;
}

/** Accepts a bare token or a whole link containing `#token=…`. */
export function parseTokenInput(text: string): string | null {
  const value = text.trim();
  if (value === '') return null;
  const hash = value.indexOf('#');
  if (hash !== -1) {
    const token = new URLSearchParams(value.slice(hash + 1)).get('token');
    return token?.trim() || null;
  }
  // A link without a token, or anything with spaces, is not a token.
  if (/\s/.test(value) || /^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return null;
  return value;
}

export class TokenVault {
  constructor(
    private readonly session: Storage | null,
    private readonly local: Storage | null,
  ) {}

  get(): { token: string; remembered: boolean } | null {
    const s = safeGet(this.session);
    if (s) return { token: s, remembered: false };
    const l = safeGet(this.local);
    return l ? { token: l, remembered: true } : null;
  }

  set(token: string, remember: boolean): void {
    this.clear();
    try {
      (remember ? this.local : this.session)?.setItem(KEY, token);
    } catch {
      // Storage can be disabled; the token then lives only as long as this page.
    }
  }

  clear(): void {
    for (const s of [this.session, this.local]) {
      try {
        s?.removeItem(KEY);
      } catch {
        // ignore
      }
    }
  }
}

function safeGet(s: Storage | null): string | null {
  try {
    return s?.getItem(KEY) ?? null;
  } catch {
    return null;
  }
}
