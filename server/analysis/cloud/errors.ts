import { TroveError } from '../../../shared/api/errors.ts';
import type { ModelUsage } from '../types.ts';

/** Who is being called, so a message can name the service and the variable a person should check. */
export interface ProviderInfo {
  /** e.g. 'Gemini', 'The OpenAI-compatible server' */
  name: string;
  /** e.g. 'GEMINI_API_KEY' */
  keyVar: string;
  /** e.g. 'GEMINI_MODEL' */
  modelVar: string;
  model: string;
  baseUrl: string | undefined;
}

const MAX_DETAIL = 300;

/**
 * Maps an HTTP failure of an AI service to a TroveError whose `retryable` drives the job's retry
 * policy: waiting helps for quota and outages, never for a refused file or a wrong key, and
 * retrying those would only burn attempts (and money) before the same failure.
 */
export function httpError(p: ProviderInfo, status: number, detail: string, cause?: unknown): TroveError {
  const d = clipDetail(detail);
  const details = { provider: p.name, status };
  if (status === 401 || status === 403 || /API_KEY_INVALID|API key not valid|invalid_api_key/i.test(detail)) {
    return new TroveError('PROVIDER_MISCONFIGURED',
      `${p.name} refused the API key (HTTP ${status}); check ${p.keyVar}${d ? ` (${d})` : ''}.`, details, { cause });
  }
  if (status === 404) {
    return new TroveError('PROVIDER_MISCONFIGURED',
      `${p.name} does not know the model '${p.model}' (HTTP 404); check ${p.modelVar}${p.baseUrl ? ` and the base URL ${p.baseUrl}` : ''}.`,
      details, { cause });
  }
  if (status === 429) {
    return new TroveError('PROVIDER_RATE_LIMITED',
      `${p.name} is over its quota or rate limit (HTTP 429); the file will be retried. If this persists, raise the quota or process fewer files at once.`,
      details, { cause });
  }
  if (status === 408 || status >= 500) {
    return new TroveError('MODEL_UNAVAILABLE', `${p.name} is unavailable (HTTP ${status}); the file will be retried${d ? ` (${d})` : ''}.`,
      details, { cause });
  }
  // 400, 413, 415, 422…: the request itself (this file, its format or size) is what the service refuses.
  return new TroveError('PROVIDER_REJECTED', `${p.name} could not accept this file (HTTP ${status})${d ? `: ${d}` : ''}.`, details, { cause });
}

export function timeoutError(p: ProviderInfo, timeoutMs: number, cause?: unknown): TroveError {
  return new TroveError('MODEL_UNAVAILABLE',
    `${p.name} did not answer within ${Math.round(timeoutMs / 1000)} s; the file will be retried.`, { provider: p.name }, { cause });
}

export function unreachableError(p: ProviderInfo, cause: unknown): TroveError {
  return new TroveError('MODEL_UNAVAILABLE',
    `${p.name}${p.baseUrl ? ` at ${p.baseUrl}` : ''} could not be reached (${clipDetail(messageOf(cause))}); the file will be retried.`,
    { provider: p.name }, { cause });
}

/**
 * A reply that parses but is not what was asked for (no JSON, or cut off at the token limit): worth
 * another attempt, a model's output varies. The tokens it cost ride along in `details.usage`, so the
 * caller can count a failed attempt's cost too (see usageOf).
 */
export function malformedError(p: ProviderInfo, what: string, usage?: readonly ModelUsage[]): TroveError {
  return new TroveError('MODEL_UNAVAILABLE', `${p.name} returned a malformed answer: ${what}; the file will be retried.`,
    { provider: p.name, ...(usage && usage.length > 0 ? { usage } : {}) });
}

/** Tokens a failed call still cost (a malformed answer is billed), or [] when none were reported. */
export function usageOf(err: unknown): ModelUsage[] {
  const details = err instanceof TroveError ? (err.details as { usage?: unknown } | undefined) : undefined;
  return Array.isArray(details?.usage) ? (details.usage as ModelUsage[]) : [];
}

/** The reason the caller aborted with (e.g. the job's PROCESSING_TIMEOUT), so the caller sees its own error. */
export function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new DOMException('This operation was aborted', 'AbortError');
}

export function isAbortError(err: unknown): boolean {
  return err instanceof Error && (err.name === 'AbortError' || err.name === 'TimeoutError');
}

export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Error bodies are often JSON (`{"error":{"message":…}}`) behind a prefix; the inner message is what helps. */
export function clipDetail(raw: string): string {
  let text = raw;
  const brace = raw.indexOf('{');
  if (brace >= 0) {
    try {
      const parsed = JSON.parse(raw.slice(brace)) as { error?: { message?: unknown } };
      if (typeof parsed.error?.message === 'string') text = parsed.error.message;
    } catch {
      // not JSON: keep the raw text
    }
  }
  text = text.replace(/\s+/g, ' ').trim();
  return text.length > MAX_DETAIL ? `${text.slice(0, MAX_DETAIL - 1)}…` : text;
}
