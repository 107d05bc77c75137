import { ConfigError, type Env } from './config-errors.ts';

/** Sizes accept plain bytes or a unit: `100MB`, `1.5GB`, `512kb`. */
export function size(env: Env, name: string, fallback: number): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  const m = /^(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?$/i.exec(raw);
  if (!m) throw new ConfigError(name, `must be a size such as 104857600 or 100MB, got '${raw}'.`);
  const unit = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 }[(m[2] ?? 'b').toLowerCase() as 'b'];
  const value = Math.floor(Number(m[1]) * unit);
  if (value < 1) throw new ConfigError(name, 'must be at least 1 byte.');
  return value;
}


/** A whole number from `min` to `max` (digits only: no sign, no decimals), or `fallback` when unset. */
export function wholeNumber(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new ConfigError(name, `must be a whole number between ${min} and ${max}, got '${raw}'.`);
  }
  return Number(raw);
}
