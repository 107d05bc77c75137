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
