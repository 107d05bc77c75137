import type { Env } from './config-errors.ts';
import { ConfigError } from './config-errors.ts';
import { wholeNumber } from './config-parse.ts';

/** Share links (issue 14): where their pages are reached and how hard a link may be hit. */
export interface ShareConfig {
  /** TROVE_ALLOW_REMOTE=1: the owner accepted that this local-mode server is reachable from the network. */
  allowRemote: boolean;
  /** TROVE_PUBLIC_URL: the origin links are made with (`https://trove.example.com`); else guessed per request. */
  publicUrl: string | undefined;
  /** Requests a minute one address may make to the public share pages and their files. */
  requestsPerMinute: number;
}

export function loadShareConfig(env: Env): ShareConfig {
  return {
    allowRemote: env.TROVE_ALLOW_REMOTE?.trim() === '1',
    publicUrl: publicUrl(env),
    requestsPerMinute: wholeNumber(env, 'TROVE_SHARE_REQUESTS_PER_MIN', 600, 1, 1_000_000),
  };
}

function publicUrl(env: Env): string | undefined {
  const raw = env.TROVE_PUBLIC_URL?.trim();
  if (!raw) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError('TROVE_PUBLIC_URL', `must be a URL such as https://trove.example.com, got '${raw}'.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ConfigError('TROVE_PUBLIC_URL', `must start with http:// or https://, got '${raw}'.`);
  if (url.search || url.hash || url.username) throw new ConfigError('TROVE_PUBLIC_URL', `must be an origin with an optional path, without query, fragment or user, got '${raw}'.`);
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}
