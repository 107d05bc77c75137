import OpenAI, { APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { TroveError } from '../../../shared/api/errors.ts';
import { abortReason, httpError, isAbortError, timeoutError, unreachableError, type ProviderInfo } from './errors.ts';

// The `openai` SDK as both of its users (the embedder and the chat analyzer) set it up: the client,
// the provider's name in messages, and its errors as TroveErrors.

/** A client for api.openai.com, or for the OpenAI-compatible server at `baseUrl` (Ollama, LM Studio, vLLM). */
export function openAIClient(opts: { apiKey: string; baseUrl: string | undefined; timeoutMs: number; maxRetries: number }): OpenAI {
  return new OpenAI({
    apiKey: opts.apiKey,
    ...(opts.baseUrl ? { baseURL: opts.baseUrl } : {}),
    timeout: opts.timeoutMs,
    maxRetries: opts.maxRetries,
  });
}

/** The `openai` SDK's errors as TroveErrors. */
export function translateOpenAIError(err: unknown, p: ProviderInfo, timeoutMs: number, signal: AbortSignal | undefined): Error {
  if (signal?.aborted) return abortReason(signal);
  if (err instanceof TroveError) return err;
  if (err instanceof APIConnectionTimeoutError) return timeoutError(p, timeoutMs, err);
  if (err instanceof APIUserAbortError || isAbortError(err)) return timeoutError(p, timeoutMs, err);
  // A connection error has no status; every answered request has one.
  if (err instanceof APIError && typeof err.status === 'number') return httpError(p, err.status, err.message, err);
  return unreachableError(p, err);
}

export function openAIProvider(model: string, modelVar: string, baseUrl: string | undefined): ProviderInfo {
  return {
    name: baseUrl ? 'The OpenAI-compatible server' : 'OpenAI',
    keyVar: 'OPENAI_API_KEY',
    modelVar,
    model,
    baseUrl,
  };
}
