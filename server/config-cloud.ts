import { ConfigError, type Env } from './config-errors.ts';
import { wholeNumber } from './config-parse.ts';
import { loadSignInConfig, type SignInConfig } from './config-sign-in.ts';

/**
 * Cloud-mode settings. Each outside service is switched on by its own variable; the optional
 * overrides (base URLs, emulator hosts) only make sense next to the variable they modify, so an
 * override without it is an error rather than silently ignored.
 */
export interface CloudConfig {
  gcs: {
    bucket: string; apiEndpoint: string | undefined;
    /** A service-account key file: links are signed with its key. Without one, IAM signBlob signs them as the runtime's account. */
    credentialsFile: string | undefined;
    /** IAM_CREDENTIALS_ENDPOINT: replaces https://iamcredentials.googleapis.com for signBlob (tests, private endpoints). */
    iamEndpoint: string | undefined;
    /** TROVE_LINK_SIGNING_KEY: signs this server's own links, which redirect to IAM-signed bucket links; shared by every API process. */
    linkSigningKey: Buffer | undefined;
  } | undefined;
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
    /** Google sign-in and the popup's host (config-sign-in.ts). */
    signIn: SignInConfig;
  } | undefined;
  redisUrl: string | undefined;
  /** TROVE_METRICS_PORT: also serve /metrics, without a token, on this loopback-only port (a collector beside the process). */
  metricsPort: number | undefined;
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

const positiveInt = (env: Env, name: string, fallback: number, max: number): number => wholeNumber(env, name, fallback, 1, max);

/**
 * How links to the bucket are signed: with the key file when GOOGLE_APPLICATION_CREDENTIALS names
 * one; otherwise (Cloud Run) by IAM signBlob behind this server's own redirecting links, whose key
 * every process serving links must share — on separate machines no data dir is shared to hold it.
 */
function loadGcs(env: Env, bucket: string): NonNullable<CloudConfig['gcs']> {
  const credentialsFile = trimmed(env, 'GOOGLE_APPLICATION_CREDENTIALS');
  for (const name of ['IAM_CREDENTIALS_ENDPOINT', 'TROVE_LINK_SIGNING_KEY']) {
    if (credentialsFile !== undefined && trimmed(env, name) !== undefined) {
      throw new ConfigError(name, 'is only used without a key file, but GOOGLE_APPLICATION_CREDENTIALS names one (its key signs the links); remove one of them.');
    }
  }
  const key = trimmed(env, 'TROVE_LINK_SIGNING_KEY');
  if (key !== undefined && key.length < 32) {
    throw new ConfigError('TROVE_LINK_SIGNING_KEY', `must be at least 32 random characters (e.g. the output of \`openssl rand -base64 32\`), got ${key.length}.`);
  }
  const role = trimmed(env, 'TROVE_ROLE') ?? 'all';
  if (credentialsFile === undefined && key === undefined && role !== 'worker' && trimmed(env, 'DATABASE_URL') !== undefined) {
    throw new ConfigError('TROVE_LINK_SIGNING_KEY',
      'is not set. Without a key file (GOOGLE_APPLICATION_CREDENTIALS), download links go through this server, and every API process must sign them ' +
      'with the same key: set it to 32+ random characters (e.g. `openssl rand -base64 32`) from a secret, or give a service-account key file instead.');
  }
  return {
    bucket,
    apiEndpoint: url(env, 'GCS_API_ENDPOINT', ['http:', 'https:']),
    credentialsFile,
    iamEndpoint: url(env, 'IAM_CREDENTIALS_ENDPOINT', ['http:', 'https:']),
    linkSigningKey: key === undefined ? undefined : Buffer.from(key, 'utf8'),
  };
}

function metricsPort(env: Env): number | undefined {
  if (trimmed(env, 'TROVE_METRICS_PORT') === undefined) return undefined;
  const port = positiveInt(env, 'TROVE_METRICS_PORT', 0, 65_535);
  if (String(port) === trimmed(env, 'PORT')) throw new ConfigError('TROVE_METRICS_PORT', `must differ from PORT (${port}), where the API or worker listens.`);
  return port;
}

export function loadCloudConfig(env: Env): CloudConfig {
  requires(env, 'GCS_API_ENDPOINT', 'GCS_BUCKET');
  requires(env, 'IAM_CREDENTIALS_ENDPOINT', 'GCS_BUCKET');
  requires(env, 'TROVE_LINK_SIGNING_KEY', 'GCS_BUCKET');
  // Read by Google's auth library, not here; checked so a typo fails with its name rather than as a timeout.
  const metadataHost = trimmed(env, 'GCE_METADATA_HOST');
  if (metadataHost !== undefined && !/^[\w.-]+(:\d{1,5})?$/.test(metadataHost)) {
    throw new ConfigError('GCE_METADATA_HOST', `must be host or host:port of a metadata server such as 169.254.169.254 or 127.0.0.1:8080, got '${metadataHost}'.`);
  }
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
  const gcs = bucket === undefined ? undefined : loadGcs(env, bucket);
  const emulatorHost = trimmed(env, 'FIREBASE_AUTH_EMULATOR_HOST');
  if (emulatorHost !== undefined && !/^[\w.-]+:\d{1,5}$/.test(emulatorHost)) {
    throw new ConfigError('FIREBASE_AUTH_EMULATOR_HOST', `must be host:port such as 127.0.0.1:9099, got '${emulatorHost}'.`);
  }
  const geminiKey = trimmed(env, 'GEMINI_API_KEY');
  const openaiKey = trimmed(env, 'OPENAI_API_KEY');
  const projectId = trimmed(env, 'FIREBASE_PROJECT_ID');
  const signIn = loadSignInConfig(env);
  return {
    gcs,
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
      signIn,
    },
    redisUrl: url(env, 'REDIS_URL', ['redis:', 'rediss:']),
    metricsPort: metricsPort(env),
    contentModeration: bool(env, 'ENABLE_CONTENT_MODERATION', true),
    uploadsPerDay: positiveInt(env, 'TROVE_UPLOADS_PER_DAY', 100, 1_000_000),
    requestsPerMinute: positiveInt(env, 'TROVE_REQUESTS_PER_MINUTE', 600, 1_000_000),
  };
}
