import fs from 'node:fs/promises';
import { IdempotencyStrategy, Storage } from '@google-cloud/storage';
import type { CloudConfig } from '../config-cloud.ts';
import { ConfigError } from '../config-errors.ts';

export interface StorageClientOptions {
  /** SDK retry policy for transient failures (defaults: 5 retries, delays up to 32 s, 10 min in all). */
  retry?: { maxRetries?: number; maxRetryDelaySec?: number; totalTimeoutSec?: number } | undefined;
}

export interface ServiceAccountKey { client_email: string; private_key: string; project_id?: string }

const VAR = 'GOOGLE_APPLICATION_CREDENTIALS';

/** A service-account key file: its private key signs links here, with no network call per link. */
export async function readServiceAccount(file: string): Promise<ServiceAccountKey> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await fs.readFile(file, 'utf8'));
  } catch (err) {
    throw new ConfigError(VAR, `must point at a readable service-account key (JSON): ${(err as Error).message}`);
  }
  const key = parsed as Partial<ServiceAccountKey> | null;
  if (typeof key?.client_email !== 'string' || typeof key.private_key !== 'string' || !key.private_key.includes('PRIVATE KEY')) {
    throw new ConfigError(VAR, `points at '${file}', which is not a service-account key (needs client_email and private_key).`);
  }
  return { client_email: key.client_email, private_key: key.private_key, ...(key.project_id ? { project_id: key.project_id } : {}) };
}

/** Emulators and fakes on this machine take no OAuth tokens (and fetching one needs Google). */
const isLoopback = (endpoint: string) => ['localhost', '127.0.0.1', '[::1]'].includes(new URL(endpoint).hostname);

/**
 * Builds the cloud-mode store for one bucket, authenticated with the key file when there is one,
 * otherwise with Application Default Credentials (on Cloud Run: the runtime's service account via
 * the metadata server). A custom `apiEndpoint` on loopback (a fake or emulator) gets
 * unauthenticated requests; any other endpoint (e.g. a regional or private Google endpoint) still
 * gets tokens, which the SDK would otherwise drop for custom endpoints. The Storage client's auth
 * (`storage.authClient`) is the one that signs links through IAM when there is no key.
 */
export function createStorageClient(
  gcs: NonNullable<CloudConfig['gcs']>,
  key: ServiceAccountKey | undefined,
  options: StorageClientOptions = {},
): Storage {
  return new Storage({
    ...(gcs.apiEndpoint ? { apiEndpoint: gcs.apiEndpoint, useAuthWithCustomEndpoint: !isLoopback(gcs.apiEndpoint) } : {}),
    ...(key ? { credentials: { client_email: key.client_email, private_key: key.private_key } } : {}),
    ...(key?.project_id ? { projectId: key.project_id } : {}),
    retryOptions: {
      autoRetry: true,
      maxRetries: options.retry?.maxRetries ?? 5,
      retryDelayMultiplier: 2,
      // At least 1 s: bucket.upload's retry helper rejects a maximum below its 1 s minimum delay.
      maxRetryDelay: Math.max(1, options.retry?.maxRetryDelaySec ?? 32),
      totalTimeout: options.retry?.totalTimeoutSec ?? 600,
      // Every write replaces a whole object under a key only Trove writes, and deletes tolerate
      // "already gone", so retrying is always safe. The default (conditional) strategy would skip
      // retries for uploads without a generation precondition, and bucket.upload would then switch
      // auto-retry off for the whole Storage client.
      idempotencyStrategy: IdempotencyStrategy.RetryAlways,
    },
  });
}
