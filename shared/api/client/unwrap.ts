import type { ApiEnvelope } from '../envelope.ts';
import { ApiError } from './api-error.ts';
import { codeForStatus, isClientCode } from './codes.ts';

/** What the unwrapper needs of an answer: fetch's Response, an XHR or a tus response all give it. */
export interface RawAnswer {
  status: number;
  /** The body as text ('' when there was none). */
  body: string;
  header(name: string): string | null | undefined;
}

/**
 * The `{status, data, error}` envelope → the data, or an ApiError with the server's stable code.
 * An answer that is not an envelope becomes an error too, with a code chosen from its HTTP status.
 */
export function unwrapAnswer<T>(answer: RawAnswer): T {
  const envelope = parseEnvelope<T>(answer.body);
  const ok = answer.status >= 200 && answer.status < 300;
  if (ok && envelope?.status === 'success') return envelope.data;
  throw errorFromAnswer(answer, envelope);
}

/** The ApiError an unsuccessful answer stands for (its envelope's code, else one from its status). */
export function errorFromAnswer(answer: RawAnswer, parsed?: ApiEnvelope<unknown> | null): ApiError {
  const envelope = parsed === undefined ? parseEnvelope<unknown>(answer.body) : parsed;
  const retryAfterMs = retryAfter(answer.header('retry-after'));
  const body = envelope !== null && typeof envelope === 'object' && envelope.status === 'error' ? envelope.error : null;
  if (body && typeof body.code === 'string') {
    // A code this client does not know (a newer server) keeps its message; its status decides the rest.
    const code = isClientCode(body.code) ? body.code : codeForStatus(answer.status);
    return new ApiError(code, body.message, answer.status, body.details, { retryAfterMs });
  }
  const code = codeForStatus(answer.status);
  const text = answer.body.trim().slice(0, 200);
  const message = code === 'BAD_RESPONSE'
    ? `The server answered ${answer.status} without a Trove response${text ? `: ${text}` : '.'}`
    : `The server refused the request (${answer.status})${text ? `: ${text}` : '.'}`;
  return new ApiError(code, message, answer.status, undefined, { retryAfterMs });
}

/** The body as an envelope, or null when it is not JSON (its shape is checked where it is used). */
function parseEnvelope<T>(body: string): ApiEnvelope<T> | null {
  try {
    return JSON.parse(body) as ApiEnvelope<T>;
  } catch {
    return null;
  }
}

/** `Retry-After` in seconds (the server's form) or as an HTTP date, in ms; null when absent or unreadable. */
function retryAfter(value: string | null | undefined): number | null {
  if (!value) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - Date.now());
}

/** A fetch Response as a RawAnswer (its body read as text: a connection lost meanwhile throws). */
export async function answerOf(res: Response): Promise<RawAnswer> {
  const body = await res.text();
  return { status: res.status, body, header: (name) => res.headers.get(name) };
}
