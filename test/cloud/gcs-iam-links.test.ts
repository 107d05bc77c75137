/**
 * Cloud Run without a key file: two real `trove serve --role api` processes on separate data dirs
 * (separate instances) share a PostgreSQL 15 + pgvector database, a bucket (fake GCS) and
 * TROVE_LINK_SIGNING_KEY, and have no GOOGLE_APPLICATION_CREDENTIALS.
 * Google's auth library finds the runtime's service account on a fake metadata server; links are
 * signed through a fake IAM signBlob whose key the bucket trusts. A download link handed out by one
 * instance opens through the other: API 302 → /blob 302 → bucket, which checks the V4 signature.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeGcsServer } from '../fakes/gcs-server.ts';
import { FakeGoogleRuntime } from '../fakes/google-runtime.ts';
import { startPostgres15, type TestPostgres } from '../helpers/postgres.ts';
import { freePort, startServeProcess, type ServeProcess } from '../helpers/serve-process.ts';

const BUCKET = 'trove-runtime-links';
const EMAIL = 'trove-api@trove-test.iam.gserviceaccount.com';
const TOKEN = 'iam-links-test-token-0123456789';
const CONTENT = 'Quarterly report: revenue 4.2 million, signed links without key files.\n';

let pg: TestPostgres;
let gcs: FakeGcsServer;
let runtime: FakeGoogleRuntime;
let dir: string;
let env: Record<string, string>;
let metricsPort: number;
const procs: ServeProcess[] = [];

const get = (base: string, pathname: string, token: string | null = TOKEN) =>
  fetch(`${base}${pathname}`, { redirect: 'manual', headers: token ? { authorization: `Bearer ${token}` } : {} });

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'trove-iam-'));
  await fs.mkdir(path.join(dir, 'gcloud'));
  [pg, gcs, runtime] = await Promise.all([startPostgres15(), FakeGcsServer.start(), FakeGoogleRuntime.start(EMAIL)]);
  gcs.trustServiceAccount(EMAIL, runtime.publicKeyPem());
  env = {
    DATABASE_URL: pg.url, TROVE_TOKEN: TOKEN, TROVE_EMBEDDER: 'hash',
    GCS_BUCKET: BUCKET, GCS_API_ENDPOINT: gcs.url,
    // No key file and no gcloud login: only the (fake) metadata server and IAM endpoint.
    GOOGLE_APPLICATION_CREDENTIALS: '', CLOUDSDK_CONFIG: path.join(dir, 'gcloud'),
    GCE_METADATA_HOST: runtime.metadataHost, IAM_CREDENTIALS_ENDPOINT: runtime.iamUrl,
    TROVE_LINK_SIGNING_KEY: 'a-shared-secret-of-at-least-32-characters',
  };
  // One after the other: the first applies the migrations.
  metricsPort = await freePort();
  procs.push(await startServeProcess({ ...env, TROVE_DATA_DIR: path.join(dir, 'a'), TROVE_METRICS_PORT: String(metricsPort) }, { args: ['--role', 'api'] }));
  procs.push(await startServeProcess({ ...env, TROVE_DATA_DIR: path.join(dir, 'b') }, { args: ['--role', 'api'] }));
});

afterAll(async () => {
  for (const p of procs) await p.kill('SIGTERM');
  await Promise.all([pg?.stop(), gcs?.close(), runtime?.close()]);
  await fs.rm(dir, { recursive: true, force: true });
});

/** Uploads through the API; no worker runs here, as a download needs only the stored original. */
async function upload(base: string, name: string, content: string): Promise<string> {
  const form = new FormData();
  form.set('file', new Blob([content]), name);
  const res = await fetch(`${base}/api/v1/upload`, { method: 'POST', body: form, headers: { authorization: `Bearer ${TOKEN}` } });
  expect(res.status).toBe(202);
  return ((await res.json()) as { data: { upload_id: string } }).data.upload_id;
}

describe('download links on Cloud Run (no key file)', () => {
  it('are this server\'s links, open on another instance, and redirect to a bucket link signed by IAM that the bucket accepts', async () => {
    const [a, b] = procs as [ServeProcess, ServeProcess];
    const id = await upload(a.url, 'Report Q3 (final).txt', CONTENT);
    // The bytes are in the bucket, not on either instance's disk.
    expect([...gcs.buckets.get(BUCKET)!.keys()].some((k) => k.includes(id))).toBe(true);

    const download = await get(a.url, `/api/v1/file/${id}/download`);
    expect(download.status).toBe(302);
    const link = download.headers.get('location')!;
    expect(link).toMatch(/^\/api\/v1\/blob\?/);

    // Redeemed on the other instance, without the bearer token, as a browser would.
    const redirect = await get(b.url, link, null);
    expect(redirect.status).toBe(302);
    const bucketLink = redirect.headers.get('location')!;
    expect(bucketLink.startsWith(`${gcs.url}/${BUCKET}/`)).toBe(true);
    expect(new URL(bucketLink).searchParams.get('X-Goog-Credential')).toMatch(new RegExp(`^${EMAIL}/`));
    expect(redirect.headers.get('cache-control')).toBe('private, max-age=60');
    const calls = runtime.signBlobCalls();
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ status: 200, path: `/v1/projects/-/serviceAccounts/${EMAIL}:signBlob` });
    expect(calls[0]!.authorization).toMatch(/^Bearer ya29\.fake-/);

    const file = await fetch(bucketLink);
    expect(file.status).toBe(200);
    expect(await file.text()).toBe(CONTENT);
    expect(file.headers.get('content-disposition')).toMatch(/^attachment; filename="Report Q3 \(final\)\.txt"/);

    // Anything altered in our link is refused before IAM is asked.
    const tampered = link.replace(/sig=([^&]+)/, (_m, sig: string) => `sig=${sig.startsWith('A') ? 'B' : 'A'}${sig.slice(1)}`);
    const refused = await get(b.url, tampered, null);
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('SIGNATURE_INVALID');
    expect(runtime.signBlobCalls()).toHaveLength(1);

    // What the Prometheus sidecar beside the instance scrapes: the same counters, on loopback, without a token.
    const scraped = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    expect(scraped).toMatch(/^http_requests_total\{method="GET",route="\/api\/v1\/file\/:id\/:variant",status="302"\} 1$/m);
  });

  it('says which role to grant when IAM refuses to sign, and works once it is granted', async () => {
    const [a] = procs as [ServeProcess];
    const id = await upload(a.url, 'notes.txt', 'other words');
    const link = (await get(a.url, `/api/v1/file/${id}/download`)).headers.get('location')!;
    runtime.revoke(EMAIL, EMAIL);
    try {
      const res = await get(a.url, link, null);
      expect(res.status).toBe(500);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('INTERNAL_ERROR');
      expect(body.error.message).toMatch(/roles\/iam\.serviceAccountTokenCreator/);
    } finally {
      runtime.grant(EMAIL, EMAIL);
    }
    const ok = await get(a.url, link, null);
    expect(ok.status).toBe(302);
    expect(await (await fetch(ok.headers.get('location')!)).text()).toBe('other words');
  });
});

describe('start-up without any Google credentials', () => {
  it('stops with a message naming GOOGLE_APPLICATION_CREDENTIALS when no metadata server answers', async () => {
    const closed = await FakeGoogleRuntime.start(EMAIL);
    const host = closed.metadataHost;
    await closed.close();
    await expect(startServeProcess({ ...env, GCE_METADATA_HOST: host, TROVE_DATA_DIR: path.join(dir, 'c') }, { args: ['--role', 'worker'] }))
      .rejects.toThrow(/exited 2: .*GOOGLE_APPLICATION_CREDENTIALS is not set and no default Google credentials were found/s);
  });
});
