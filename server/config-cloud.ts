import { ConfigError, type Env } from './config-errors.ts';

/**
 * Cloud-mode settings. Each outside service is switched on by its own variable; the optional
 * overrides (base URLs, emulator hosts) only make sense next to the variable they modify, so an
 * override without it is an error rather than silently ignored.
 */
export interface CloudConfig {
  gcs: { bucket: string; apiEndpoint: string | undefined; credentialsFile: string | undefined } | undefined;
  gemini: { apiKey: string; baseUrl: string | undefined; model: string } | undefined;
  openai: {
    apiKey: string; baseUrl: string | undefined; embeddingModel: string; dimensions: number;
    /** Set when an OpenAI-compatible chat/vision model writes the summaries (e.g. a local Ollama). */
    analysisModel: string | undefined;
  } | undefined;
  firebase: {
    projectId: string; jwksUrl: string | undefined; emulatorHost: string | undefined;
    /** The project's public Web API key; the sign-in page sends it to Firebase (it is not a secret). */
    webApiKey: string | undefined;
  } | undefined;
  redisUrl: string | undefined;
  contentModeration: boolean;
  /** Uploads one user may start per day, and API requests per user per minute. */
  uploadsPerDay: number;
  requestsPerMinute: number;
}

const trimmed = (env: Env, name: string): string | undefined => env[name]?.trim() || undefined;

function url(env: Env, name: string, schemes: readonly string[]): string | undefined {
  const raw = trimmed(env, name);
  if (raw === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(name, `must be a URL such as ${schemes[0]}//host:port, got '${raw}'.`);
  }
  if (!schemes.includes(parsed.protocol)) throw new ConfigError(name, `must start with ${schemes.join(' or ')}//, got '${raw}'.`);
  return raw;
}

function requires(env: Env, override: string, base: string): void {
  if (trimmed(env, override) !== undefined && trimmed(env, base) === undefined) {
    throw new ConfigError(override, `is set but ${base} is not; set ${base} too, or remove ${override}.`);
  }
}

function bool(env: Env, name: string, fallback: boolean): boolean {
  const raw = trimmed(env, name)?.toLowerCase();
  if (raw === undefined) return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new ConfigError(name, `must be true or false, got '${raw}'.`);
}

function positiveInt(env: Env, name: string, fallback: number, max: number): number {
  const raw = trimmed(env, name);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > max) {
    throw new ConfigError(name, `must be a whole number between 1 and ${max}, got '${raw}'.`);
  }
  return Number(raw);
}

export function loadCloudConfig(env: Env): CloudConfig {
  requires(env, 'GCS_API_ENDPOINT', 'GCS_BUCKET');
  requires(env, 'GEMINI_BASE_URL', 'GEMINI_API_KEY');
  requires(env, 'GEMINI_MODEL', 'GEMINI_API_KEY');
  requires(env, 'OPENAI_BASE_URL', 'OPENAI_API_KEY');
  requires(env, 'OPENAI_EMBEDDING_MODEL', 'OPENAI_API_KEY');
  requires(env, 'OPENAI_EMBEDDING_DIMENSIONS', 'OPENAI_API_KEY');
  requires(env, 'OPENAI_ANALYSIS_MODEL', 'OPENAI_API_KEY');
  requires(env, 'FIREBASE_JWKS_URL', 'FIREBASE_PROJECT_ID');
  requires(env, 'FIREBASE_AUTH_EMULATOR_HOST', 'FIREBASE_PROJECT_ID');
  requires(env, 'FIREBASE_WEB_API_KEY', 'FIREBASE_PROJECT_ID');
  if (trimmed(env, 'GEMINI_API_KEY') && trimmed(env, 'OPENAI_ANALYSIS_MODEL')) {
    throw new ConfigError('OPENAI_ANALYSIS_MODEL', 'and GEMINI_API_KEY both choose who writes summaries; keep one.');
  }
  if (trimmed(env, 'FIREBASE_JWKS_URL') && trimmed(env, 'FIREBASE_AUTH_EMULATOR_HOST')) {
    throw new ConfigError('FIREBASE_AUTH_EMULATOR_HOST', 'accepts unsigned emulator tokens and cannot be combined with FIREBASE_JWKS_URL.');
  }
  const bucket = trimmed(env, 'GCS_BUCKET');
  if (bucket !== undefined && !/^[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]$/.test(bucket)) {
    throw new ConfigError('GCS_BUCKET', `must be a bucket name (lowercase letters, digits, '-', '_', '.'), got '${bucket}'.`);
  }
  const emulatorHost = trimmed(env, 'FIREBASE_AUTH_EMULATOR_HOST');
  if (emulatorHost !== undefined && !/^[\w.-]+:\d{1,5}$/.test(emulatorHost)) {
    throw new ConfigError('FIREBASE_AUTH_EMULATOR_HOST', `must be host:port such as 127.0.0.1:9099, got '${emulatorHost}'.`);
  }
  const geminiKey = trimmed(env, 'GEMINI_API_KEY');
  const openaiKey = trimmed(env, 'OPENAI_API_KEY');
  const projectId = trimmed(env, 'FIREBASE_PROJECT_ID');
  return {
    gcs: bucket === undefined ? undefined : {
      bucket,
      apiEndpoint: url(env, 'GCS_API_ENDPOINT', ['http:', 'https:']),
      credentialsFile: trimmed(env, 'GOOGLE_APPLICATION_CREDENTIALS'),
    },
    gemini: geminiKey === undefined ? undefined : {
      apiKey: geminiKey,
      baseUrl: url(env, 'GEMINI_BASE_URL', ['http:', 'https:']),
      model: trimmed(env, 'GEMINI_MODEL') ?? 'gemini-2.5-flash',
    },
    openai: openaiKey === undefined ? undefined : {
      apiKey: openaiKey,
      baseUrl: url(env, 'OPENAI_BASE_URL', ['http:', 'https:']),
      embeddingModel: trimmed(env, 'OPENAI_EMBEDDING_MODEL') ?? 'text-embedding-3-small',
      dimensions: positiveInt(env, 'OPENAI_EMBEDDING_DIMENSIONS', 1536, 16_000),
      analysisModel: trimmed(env, 'OPENAI_ANALYSIS_MODEL'),
    },
    firebase: projectId === undefined ? undefined : {
      projectId,
      jwksUrl: url(env, 'FIREBASE_JWKS_URL', ['http:', 'https:']),
      emulatorHost,
      webApiKey: trimmed(env, 'FIREBASE_WEB_API_KEY'),
    },
    redisUrl: url(env, 'REDIS_URL', ['redis:', 'rediss:']),
    contentModeration: bool(env, 'ENABLE_CONTENT_MODERATION', true),
    uploadsPerDay: positiveInt(env, 'TROVE_UPLOADS_PER_DAY', 100, 1_000_000),
    requestsPerMinute: positiveInt(env, 'TROVE_REQUESTS_PER_MINUTE', 600, 1_000_000),
  };
}
