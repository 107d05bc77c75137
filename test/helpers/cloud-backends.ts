/**
 * Cloud mode's outside services, each played locally: Postgres with pgvector (a real PostgreSQL 15
 * server with pgvector, one per backend set), Cloud Storage (a fake of its JSON API that checks
 * hashes and V4 signatures), Firebase (Google's JWKS played by a local RSA key, so ID tokens take
 * the production RS256 path) and Redis (a real redis-server when installed). startTestServer uses them when TROVE_TEST_MODE=cloud, so the
 * same API suite runs against both shapes of the server.
 */
import { generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { FakeGcsServer } from '../fakes/gcs-server.ts';
import { startFakeJwks } from '../fakes/jwks-server.ts';
import { startPostgres15 } from './postgres.ts';
import { redisSkipReason, startRedis } from './redis.ts';

export const cloudTestMode = process.env.TROVE_TEST_MODE === 'cloud';

const PROJECT = 'trove-cloud-test';
const BUCKET = 'trove-test-files';
const SERVICE_ACCOUNT = 'trove@trove-cloud-test.iam.gserviceaccount.com';

export interface CloudBackends {
  /** Environment that points a Trove server at these services. */
  env: Record<string, string>;
  gcs: FakeGcsServer;
  bucket: string;
  /** A fresh ID token for a user (`sub`), valid for an hour. */
  idToken(sub: string): Promise<string>;
  stop(): Promise<void>;
}

export async function startCloudBackends(): Promise<CloudBackends> {
  const stops: (() => Promise<void>)[] = [];
  try {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'trove-cloud-'));
    stops.push(() => fs.rm(dir, { recursive: true, force: true }));
    const db = await startPostgres15();
    stops.push(() => db.stop());
    const gcs = await FakeGcsServer.start();
    stops.push(() => gcs.close());
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    gcs.trustServiceAccount(SERVICE_ACCOUNT, publicKey.export({ type: 'spki', format: 'pem' }).toString());
    const credentials = path.join(dir, 'service-account.json');
    await fs.writeFile(credentials, JSON.stringify({
      type: 'service_account', project_id: PROJECT, private_key_id: 'k1', client_id: '1', client_email: SERVICE_ACCOUNT,
      private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), token_uri: 'http://127.0.0.1:1/token',
    }));
    const jwks = await startFakeJwks();
    stops.push(() => jwks.close());
    const env: Record<string, string> = {
      DATABASE_URL: db.url, GCS_BUCKET: BUCKET, GCS_API_ENDPOINT: gcs.url, GOOGLE_APPLICATION_CREDENTIALS: credentials,
      FIREBASE_PROJECT_ID: PROJECT, FIREBASE_JWKS_URL: jwks.url,
      // The suite's own uploads and requests must not trip the per-user limits it does not test.
      TROVE_UPLOADS_PER_DAY: '100000', TROVE_REQUESTS_PER_MINUTE: '100000',
    };
    if (!redisSkipReason) {
      const redis = await startRedis();
      stops.push(() => redis.stop());
      env.REDIS_URL = redis.url;
    }
    return {
      env, gcs, bucket: BUCKET,
      idToken: (sub) => jwks.mint(PROJECT, { sub, user_id: sub }),
      async stop() {
        for (const stop of stops.reverse()) await stop().catch(() => undefined);
      },
    };
  } catch (err) {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    throw err;
  }
}
