import type { SharingStatus } from '../../shared/api/schemas.ts';

/** Whether this server can hand out links that work for other people, and with what base URL. */
export interface SharingPolicy {
  /** `requestOrigin` is how the owner's own request reached us (`https://trove.example.com`). */
  status(requestOrigin: string): SharingStatus;
}

export interface SharingPolicyOptions {
  mode: 'local' | 'cloud';
  /** The address the server listens on (TROVE_HOST). */
  host: string;
  /** The port it listens on (known only once listening). */
  port: () => number;
  /** TROVE_PUBLIC_URL, when set. */
  publicUrl: string | undefined;
  /** This machine's non-internal addresses, for a link to a server listening on all of them. */
  addresses: () => string[];
}

/** 127.0.0.0/8, ::1 and localhost: reachable from this machine only. */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h);
}

const NEEDS_REMOTE = 'Share links need Trove to be reachable from the network, and it listens on this computer only. '
  + 'To share, restart it with TROVE_HOST=0.0.0.0 and TROVE_ALLOW_REMOTE=1 (and TROVE_PUBLIC_URL if others reach it by another name), '
  + 'knowing that anyone who can reach this computer can then open the links you make.';

/**
 * Cloud mode: links always work, on TROVE_PUBLIC_URL or the origin the owner used. The embedded
 * default listens on loopback only, where a link would open for nobody else: refused with
 * SHARE_NEEDS_REMOTE. Listening on the network (TROVE_ALLOW_REMOTE=1), links work and the owner is
 * warned first: the computer serves them itself, to anyone who can reach it.
 */
export function sharingPolicy(o: SharingPolicyOptions): SharingPolicy {
  return {
    status(requestOrigin) {
      if (o.mode === 'cloud') return { available: true, code: null, message: null, warning: null, base_url: o.publicUrl ?? requestOrigin };
      if (isLoopback(o.host)) return { available: false, code: 'SHARE_NEEDS_REMOTE', message: NEEDS_REMOTE, warning: null, base_url: null };
      const base = o.publicUrl ?? localBase(o, requestOrigin);
      return {
        available: true, code: null, message: null, base_url: base,
        warning: `This Trove is reachable from your network (TROVE_ALLOW_REMOTE=1) and serves share links itself at ${base}. `
          + 'Anyone who gets a link and can reach this computer can see and download what it shares until it expires or you revoke it; '
          + 'links open only while this computer is on and Trove is running.',
      };
    },
  };
}

function localBase(o: SharingPolicyOptions, requestOrigin: string): string {
  const wildcard = o.host === '0.0.0.0' || o.host === '::';
  const address = wildcard ? o.addresses()[0] : o.host;
  if (address === undefined) return requestOrigin;
  return `http://${address.includes(':') ? `[${address}]` : address}:${o.port()}`;
}
