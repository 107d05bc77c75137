import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../server/config.ts';

describe('loadConfig', () => {
  it('has working defaults for the embedded mode', () => {
    const c = loadConfig({ TROVE_DATA_DIR: '/tmp/x' });
    expect(c).toMatchObject({
      host: '127.0.0.1', port: 8787, dataDir: '/tmp/x', databaseUrl: undefined, maxFileSize: 100 * 1024 * 1024,
      processingTimeoutMs: 300_000, retryDelaysSec: [10, 60, 300], retentionDays: 30, embedder: 'use-lite',
    });
    expect(c.concurrency).toBeGreaterThanOrEqual(1);
  });

  it('reads sizes with units and lists of delays', () => {
    const c = loadConfig({ MAX_FILE_SIZE: '1.5GB', TROVE_RETRY_DELAYS: '1, 2,3' });
    expect(c.maxFileSize).toBe(1.5 * 1024 ** 3);
    expect(c.retryDelaysSec).toEqual([1, 2, 3]);
  });

  it.each([
    ['PORT', 'abc', /PORT must be a whole number/],
    ['PORT', '70000', /PORT must be between 0 and 65535/],
    ['MAX_FILE_SIZE', 'huge', /MAX_FILE_SIZE must be a size/],
    ['PROCESSING_TIMEOUT', '0', /PROCESSING_TIMEOUT must be between/],
    ['TROVE_RETRY_DELAYS', '10,soon', /TROVE_RETRY_DELAYS must be a comma-separated list/],
    ['TROVE_EMBEDDER', 'clip', /TROVE_EMBEDDER must be one of use-lite, hash/],
    ['DATABASE_URL', 'mysql://x', /DATABASE_URL must start with postgres/],
    ['TROVE_TOKEN', 'short', /TROVE_TOKEN must be at least 16/],
    ['TROVE_HOST', '0.0.0.0', /TROVE_HOST must be a loopback address/],
  ])('stops on a bad %s, naming it', (name, value, message) => {
    let err: unknown;
    try {
      loadConfig({ [name]: value });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).variable).toBe(name);
    expect((err as Error).message).toMatch(message);
  });
});

describe('loadConfig — cloud mode', () => {
  const error = (env: Record<string, string>): ConfigError => {
    try {
      loadConfig(env);
    } catch (e) {
      if (e instanceof ConfigError) return e;
      throw e;
    }
    throw new Error('expected a ConfigError');
  };

  it('is local with no cloud variables, cloud once Firebase names a project', () => {
    expect(loadConfig({}).mode).toBe('local');
    const c = loadConfig({
      FIREBASE_PROJECT_ID: 'demo-trove', DATABASE_URL: 'postgres://db/trove', TROVE_HOST: '0.0.0.0', TROVE_ROLE: 'api',
      GCS_BUCKET: 'trove-files', GEMINI_API_KEY: 'k', OPENAI_API_KEY: 'o', REDIS_URL: 'redis://127.0.0.1:6379',
      TROVE_LINK_SIGNING_KEY: 'k'.repeat(32),
    });
    expect(c).toMatchObject({ mode: 'cloud', role: 'api', host: '0.0.0.0', publicHosts: null });
    expect(loadConfig({ FIREBASE_PROJECT_ID: 'p', TROVE_PUBLIC_HOSTS: 'Trove.example.com,api.example.com:8443' }).publicHosts)
      .toEqual(new Set(['trove.example.com', 'api.example.com:8443']));
    expect(c.cloud).toMatchObject({
      gcs: { bucket: 'trove-files' }, gemini: { model: 'gemini-2.5-flash' },
      openai: { embeddingModel: 'text-embedding-3-small', dimensions: 1536 }, firebase: { projectId: 'demo-trove' },
      redisUrl: 'redis://127.0.0.1:6379', contentModeration: true, uploadsPerDay: 100,
    });
  });

  it.each([
    [{ GCS_API_ENDPOINT: 'http://127.0.0.1:1' }, 'GCS_API_ENDPOINT', /GCS_BUCKET is not/],
    [{ GEMINI_BASE_URL: 'http://127.0.0.1:1' }, 'GEMINI_BASE_URL', /GEMINI_API_KEY is not/],
    [{ OPENAI_BASE_URL: 'http://127.0.0.1:1' }, 'OPENAI_BASE_URL', /OPENAI_API_KEY is not/],
    [{ FIREBASE_JWKS_URL: 'http://127.0.0.1:1/jwks' }, 'FIREBASE_JWKS_URL', /FIREBASE_PROJECT_ID is not/],
    [{ FIREBASE_PROJECT_ID: 'p', FIREBASE_AUTH_EMULATOR_HOST: 'localhost' }, 'FIREBASE_AUTH_EMULATOR_HOST', /host:port/],
    [{ FIREBASE_PROJECT_ID: 'p', FIREBASE_AUTH_EMULATOR_HOST: '127.0.0.1:9099', FIREBASE_JWKS_URL: 'http://x/j' }, 'FIREBASE_AUTH_EMULATOR_HOST', /cannot be combined/],
    [{ GEMINI_API_KEY: 'g', OPENAI_API_KEY: 'o', OPENAI_ANALYSIS_MODEL: 'llava' }, 'OPENAI_ANALYSIS_MODEL', /keep one/],
    [{ GCS_BUCKET: 'Not A Bucket' }, 'GCS_BUCKET', /bucket name/],
    [{ REDIS_URL: 'http://127.0.0.1:6379' }, 'REDIS_URL', /redis:/],
    [{ OPENAI_API_KEY: 'o', OPENAI_BASE_URL: 'not a url' }, 'OPENAI_BASE_URL', /must be a URL/],
    [{ ENABLE_CONTENT_MODERATION: 'maybe' }, 'ENABLE_CONTENT_MODERATION', /true or false/],
    [{ TROVE_ROLE: 'worker' }, 'TROVE_ROLE', /needs DATABASE_URL/],
    [{ TROVE_PUBLIC_HOSTS: 'trove.example.com' }, 'TROVE_PUBLIC_HOSTS', /cloud mode only/],
    [{ FIREBASE_PROJECT_ID: 'p', TROVE_PUBLIC_HOSTS: 'ok.example.com, bad host' }, 'TROVE_PUBLIC_HOSTS', /host names/],
    [{ FIREBASE_WEB_API_KEY: 'AIza' }, 'FIREBASE_WEB_API_KEY', /FIREBASE_PROJECT_ID is not/],
    [{ TROVE_ROLE: 'cook', DATABASE_URL: 'postgres://x/y' }, 'TROVE_ROLE', /must be one of all, api, worker/],
    [{ IAM_CREDENTIALS_ENDPOINT: 'http://127.0.0.1:1' }, 'IAM_CREDENTIALS_ENDPOINT', /GCS_BUCKET is not/],
    [{ GCS_BUCKET: 'trove-files', IAM_CREDENTIALS_ENDPOINT: 'iam.local' }, 'IAM_CREDENTIALS_ENDPOINT', /must be a URL/],
    [{ GCS_BUCKET: 'trove-files', GOOGLE_APPLICATION_CREDENTIALS: '/sa.json', IAM_CREDENTIALS_ENDPOINT: 'http://127.0.0.1:1' }, 'IAM_CREDENTIALS_ENDPOINT', /only used without a key file/],
    [{ GCS_BUCKET: 'trove-files', GOOGLE_APPLICATION_CREDENTIALS: '/sa.json', TROVE_LINK_SIGNING_KEY: 'k'.repeat(32) }, 'TROVE_LINK_SIGNING_KEY', /only used without a key file/],
    [{ GCS_BUCKET: 'trove-files', TROVE_LINK_SIGNING_KEY: 'too short' }, 'TROVE_LINK_SIGNING_KEY', /at least 32 random characters/],
    [{ GCS_BUCKET: 'trove-files', DATABASE_URL: 'postgres://x/y', TROVE_ROLE: 'api' }, 'TROVE_LINK_SIGNING_KEY', /every API process must sign them with the same key/],
    [{ GCS_BUCKET: 'trove-files', DATABASE_URL: 'postgres://x/y' }, 'TROVE_LINK_SIGNING_KEY', /is not set/],
    [{ GCE_METADATA_HOST: 'http://metadata/' }, 'GCE_METADATA_HOST', /host:port/],
    [{ TROVE_METRICS_PORT: 'nine' }, 'TROVE_METRICS_PORT', /whole number between 1 and 65535/],
    [{ TROVE_METRICS_PORT: '8080', PORT: '8080' }, 'TROVE_METRICS_PORT', /must differ from PORT/],
  ])('stops on partial or contradictory settings %#, naming the variable', (env, variable, message) => {
    const err = error(env);
    expect(err.variable).toBe(variable);
    expect(err.message).toMatch(message);
  });

  it('signs bucket links with the key file, or through IAM with a shared link key wherever several processes serve links', () => {
    const keyFile = loadConfig({ GCS_BUCKET: 'trove-files', GOOGLE_APPLICATION_CREDENTIALS: '/secrets/sa.json', DATABASE_URL: 'postgres://x/y', TROVE_ROLE: 'api' });
    expect(keyFile.cloud.gcs).toMatchObject({ credentialsFile: '/secrets/sa.json', iamEndpoint: undefined, linkSigningKey: undefined });
    const iam = loadConfig({
      GCS_BUCKET: 'trove-files', DATABASE_URL: 'postgres://x/y', TROVE_ROLE: 'api',
      TROVE_LINK_SIGNING_KEY: 'k'.repeat(32), IAM_CREDENTIALS_ENDPOINT: 'http://127.0.0.1:9', GCE_METADATA_HOST: '127.0.0.1:8',
    });
    expect(iam.cloud.gcs).toMatchObject({ credentialsFile: undefined, iamEndpoint: 'http://127.0.0.1:9', linkSigningKey: Buffer.from('k'.repeat(32)) });
    // Workers hand out no links; one embedded process keeps its link key in its data dir.
    expect(loadConfig({ GCS_BUCKET: 'trove-files', DATABASE_URL: 'postgres://x/y', TROVE_ROLE: 'worker' }).cloud.gcs?.linkSigningKey).toBeUndefined();
    expect(loadConfig({ GCS_BUCKET: 'trove-files' }).cloud.gcs?.credentialsFile).toBeUndefined();
    expect(loadConfig({ TROVE_METRICS_PORT: '9464', PORT: '8080' }).cloud.metricsPort).toBe(9464);
  });
});
