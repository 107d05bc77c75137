/**
 * infra/terraform without a Terraform binary: HashiCorp's HCL parser (wasm) reads every file, and
 * the deployment is checked against the server itself — every environment variable the server reads
 * has a decided place per service (docs/DEPLOY.md), each service gets what its role needs and no
 * secret it does not, and the shape of the design holds (scaling, CPU for workers, Postgres 15,
 * connection budget, bucket lifecycle, least-privilege accounts, signBlob, load balancer).
 */
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import {
  block, blocks, containerEnv, environmentContract, loadTerraform, parseHcl, repoRoot, resource, serverEnvironmentVariables,
  terraformDir, variableDefault, type ContainerEnv, type Hcl, type Terraform,
} from './sources.ts';

let tf: Terraform;
const services = ['api', 'worker'] as const;
const containers: Record<(typeof services)[number], Hcl> = {} as never;
const envs: Record<(typeof services)[number], ContainerEnv> = {} as never;

beforeAll(async () => {
  tf = await loadTerraform();
  for (const s of services) {
    const template = block(resource(tf, 'google_cloud_run_v2_service', s), 'template');
    const trove = blocks(template, 'containers').find((c) => c.name === 'trove');
    if (!trove) throw new Error(`${s} has no container named trove`);
    containers[s] = trove;
    envs[s] = containerEnv(trove);
  }
});

describe('the HCL', () => {
  it('parses, file by file, with HashiCorp\'s parser — and the parser does refuse broken HCL', async () => {
    expect(tf.files).toEqual(expect.arrayContaining(['api.tf', 'worker.tf', 'database.tf', 'storage.tf', 'redis.tf', 'secrets.tf', 'iam.tf', 'load-balancer.tf', 'monitoring.tf', 'variables.tf']));
    await expect(parseHcl('broken.tf', 'resource "google_storage_bucket" "x" {\n  name = \n}\n')).rejects.toThrow(/Invalid expression/);
  });

  it('uses only variables it declares, and every declared variable has a description', () => {
    const text = tf.files.map((f) => fs.readFileSync(path.join(terraformDir, f), 'utf8')).join('\n');
    const used = new Set([...text.matchAll(/\bvar\.([a-z0-9_]+)/g)].map((m) => m[1]!));
    for (const name of used) expect(tf.variables, `var.${name}`).toHaveProperty(name);
    for (const [name, v] of Object.entries(tf.variables)) expect(v.description, name).toEqual(expect.any(String));
  });
});

describe('environment of each service', () => {
  it('has a decision in docs/DEPLOY.md for exactly the variables the server reads', () => {
    const read = serverEnvironmentVariables();
    const contract = environmentContract();
    // Sanity of the scan itself: these are read through three different helpers.
    for (const name of ['DATABASE_URL', 'GCS_BUCKET', 'TROVE_CONCURRENCY', 'GEMINI_API_KEY', 'TROVE_USER_DAILY_BUDGET_USD', 'TROVE_LINK_SIGNING_KEY']) {
      expect(read.has(name), name).toBe(true);
    }
    const undecided = [...read.keys()].filter((n) => !contract.has(n)).map((n) => `${n} (read in ${read.get(n)!.join(', ')})`);
    expect(undecided, 'variables the server reads without a row in docs/DEPLOY.md → "Environment by service"').toEqual([]);
    const stale = [...contract.keys()].filter((n) => !read.has(n));
    expect(stale, 'rows in docs/DEPLOY.md for variables the server no longer reads').toEqual([]);
  });

  it('sets every required variable on the services that need it, secrets from Secret Manager, and nothing a service must not have', () => {
    const problems: string[] = [];
    for (const [name, need] of environmentContract()) {
      for (const s of services) {
        const wanted = need[s];
        const set = envs[s].always.get(name);
        const sometimes = envs[s].conditional.has(name);
        if (wanted === 'secret' && set?.secret === undefined) problems.push(`${s}: ${name} must come from a secret`);
        if (wanted === 'set' && (set === undefined || set.secret !== undefined)) problems.push(`${s}: ${name} must be set to a value`);
        if ((wanted === 'no' || wanted === 'image') && (set || sometimes)) problems.push(`${s}: ${name} must not be set here (${wanted === 'no' ? '—' : 'the image sets it'})`);
      }
    }
    expect(problems).toEqual([]);
    // Nothing is set that the server does not read (a typo would be silently ignored).
    const read = serverEnvironmentVariables();
    for (const s of services) {
      for (const name of [...envs[s].always.keys(), ...envs[s].conditional]) expect(read.has(name), `${s} sets ${name}, which the server never reads`).toBe(true);
    }
  });

  it('leaves to the image what the Dockerfile sets, and listens where the image listens', () => {
    const dockerfile = fs.readFileSync(path.join(repoRoot, 'Dockerfile'), 'utf8');
    const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
    const imageEnv = new Map([...runtime.matchAll(/^\s*(?:ENV\s+)?([A-Z][A-Z0-9_]*)=(\S+?)\s*\\?$/gm)].map((m) => [m[1]!, m[2]!]));
    for (const [name, need] of environmentContract()) {
      if (need.api === 'image' || need.worker === 'image') expect(imageEnv.has(name), `${name} is marked "image" but the Dockerfile's runtime stage does not set it`).toBe(true);
    }
    for (const s of services) expect(block(containers[s], 'ports').container_port).toBe(Number(imageEnv.get('PORT')));
  });

  it('gives each service account exactly the secrets its service reads', () => {
    const readers = tf.locals.secret_readers as Record<string, string[]>;
    const names = tf.locals.secret_names as string[];
    expect(Object.keys(tf.locals.secret_data as object).sort()).toEqual([...names].sort());
    for (const s of services) {
      const used = [...envs[s].always.values()].flatMap((v) => (v.secret ? [v.secret] : [])).sort();
      expect(readers[s]!.slice().sort(), `secret_readers.${s}`).toEqual(used);
      for (const name of used) expect(names).toContain(name);
    }
    const reader = resource(tf, 'google_secret_manager_secret_iam_member', 'reader');
    expect(reader.role).toBe('roles/secretmanager.secretAccessor');
    expect(String(reader.for_each)).toContain('local.secret_readers');
  });

  it('runs `trove serve --role api` and `--role worker`, the budgets and models matching on both', () => {
    expect(containers.api.args).toEqual(['bin/trove.js', 'serve', '--role', 'api']);
    expect(containers.worker.args).toEqual(['bin/trove.js', 'serve', '--role', 'worker']);
    for (const name of ['OPENAI_EMBEDDING_MODEL', 'OPENAI_EMBEDDING_DIMENSIONS', 'TROVE_USER_DAILY_BUDGET_USD', 'TROVE_USER_MONTHLY_BUDGET_USD', 'GCS_BUCKET', 'TROVE_METRICS_PORT']) {
      expect(envs.api.always.get(name), name).toEqual(envs.worker.always.get(name));
    }
    expect(envs.api.always.get('TROVE_USER_DAILY_BUDGET_USD')).toEqual({ value: '${var.user_daily_budget_usd}' });
    expect(envs.worker.always.get('TROVE_CONCURRENCY')).toEqual({ value: '${tostring(var.worker_jobs_per_instance)}' });
  });
});

describe('the design\'s deployment', () => {
  it('scales both services within limits; the API by concurrent requests, workers with CPU always allocated and one always running', () => {
    const api = block(resource(tf, 'google_cloud_run_v2_service', 'api'), 'template');
    const worker = block(resource(tf, 'google_cloud_run_v2_service', 'worker'), 'template');
    expect(block(api, 'scaling')).toMatchObject({ min_instance_count: '${var.api_min_instances}', max_instance_count: '${var.api_max_instances}' });
    expect(api.max_instance_request_concurrency).toBe('${var.api_concurrency}');
    expect(block(worker, 'scaling')).toMatchObject({ min_instance_count: '${var.worker_min_instances}', max_instance_count: '${var.worker_max_instances}' });
    expect(block(containers.worker, 'resources').cpu_idle).toBe(false);
    expect(block(containers.api, 'resources').cpu_idle).toBe(true);
    expect(variableDefault(tf, 'worker_min_instances')).toBeGreaterThanOrEqual(1);
    expect(String(block(tf.variables.worker_min_instances!, 'validation').condition)).toBe('${var.worker_min_instances >= 1}');
    // Only the load balancer reaches the API; nothing outside reaches the workers.
    expect(resource(tf, 'google_cloud_run_v2_service', 'api').ingress).toBe('INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER');
    expect(resource(tf, 'google_cloud_run_v2_service', 'worker').ingress).toBe('INGRESS_TRAFFIC_INTERNAL_ONLY');
  });

  it('runs PostgreSQL 15 with a connection limit that covers every instance at full scale', () => {
    const db = resource(tf, 'google_sql_database_instance', 'trove');
    expect(db.database_version).toBe('POSTGRES_15');
    const flags = blocks(block(db, 'settings'), 'database_flags');
    expect(flags).toContainEqual({ name: 'max_connections', value: '${tostring(var.db_max_connections)}' });
    expect(block(db, 'settings', 'ip_configuration').ipv4_enabled).toBe(false);
    expect(String(block(db, 'lifecycle', 'precondition').condition)).toContain('<= var.db_max_connections');
    // With the defaults: 11 connections per instance (pool of 10 + LISTEN) and a reserve of 10.
    const perInstance = Number(tf.locals.connections_per_instance);
    const need = (Number(variableDefault(tf, 'api_max_instances')) + Number(variableDefault(tf, 'worker_max_instances'))) * perInstance + Number(tf.locals.reserved_connections);
    expect(perInstance).toBe(11);
    expect(need).toBeLessThanOrEqual(Number(variableDefault(tf, 'db_max_connections')));
    // Both services reach it through Cloud Run's Cloud SQL socket, which DATABASE_URL names.
    expect(String((tf.locals.secret_data as Record<string, string>).database_url)).toMatch(/^postgresql:\/\/trove:.*@\/trove\?host=\/cloudsql\//);
    for (const s of services) {
      expect(blocks(block(resource(tf, 'google_cloud_run_v2_service', s), 'template'), 'volumes').some((v) => v.name === 'cloudsql')).toBe(true);
      expect(blocks(containers[s], 'volume_mounts')).toContainEqual({ name: 'cloudsql', mount_path: '/cloudsql' });
    }
  });

  it('keeps purged files recoverable for a while, then lets the bucket delete them; the bucket is private', () => {
    const bucket = resource(tf, 'google_storage_bucket', 'files');
    expect(bucket.public_access_prevention).toBe('enforced');
    expect(bucket.uniform_bucket_level_access).toBe(true);
    expect(block(bucket, 'versioning').enabled).toBe(true);
    const rules = blocks(bucket, 'lifecycle_rule');
    const purge = rules.find((r) => block(r, 'action').type === 'Delete');
    expect(block(purge!, 'condition')).toEqual({ days_since_noncurrent_time: '${var.purged_object_retention_days}', with_state: 'ARCHIVED' });
  });

  it('has Memorystore Redis with AUTH, reached over the private network', () => {
    const redis = resource(tf, 'google_redis_instance', 'trove');
    expect(redis).toMatchObject({ auth_enabled: true, connect_mode: 'PRIVATE_SERVICE_ACCESS', authorized_network: '${google_compute_network.trove.id}' });
    expect(String((tf.locals.secret_data as Record<string, string>).redis_url)).toMatch(/^redis:\/\/:\$\{google_redis_instance\.trove\.auth_string\}@/);
  });

  it('grants least privilege: one account per service, no broad project roles, signBlob for the API on itself only', () => {
    for (const s of services) {
      expect(block(resource(tf, 'google_cloud_run_v2_service', s), 'template').service_account).toBe(`\${google_service_account.${s}.email}`);
    }
    const projectRoles = Object.values(tf.resources.google_project_iam_member ?? {}).map((r) => r.role);
    expect(new Set(projectRoles)).toEqual(new Set(['roles/cloudsql.client', 'roles/monitoring.metricWriter']));
    expect(tf.resources.google_project_iam_binding ?? {}).toEqual({});
    expect(resource(tf, 'google_storage_bucket_iam_member', 'objects')).toMatchObject({ role: 'roles/storage.objectUser', bucket: '${google_storage_bucket.files.name}' });
    const signers = Object.values(tf.resources.google_service_account_iam_member ?? {});
    expect(signers).toEqual([{
      service_account_id: '${google_service_account.api.name}',
      role: 'roles/iam.serviceAccountTokenCreator',
      member: 'serviceAccount:${google_service_account.api.email}',
    }]);
    // No key files anywhere: links are signed through IAM.
    expect(tf.resources.google_service_account_key ?? {}).toEqual({});
  });

  it('puts an HTTPS load balancer with a managed certificate in front of the API, HTTP redirected', () => {
    const neg = resource(tf, 'google_compute_region_network_endpoint_group', 'api');
    expect(neg.network_endpoint_type).toBe('SERVERLESS');
    expect(block(neg, 'cloud_run').service).toBe('${google_cloud_run_v2_service.api.name}');
    expect(block(resource(tf, 'google_compute_backend_service', 'api'), 'backend').group).toBe('${google_compute_region_network_endpoint_group.api.id}');
    expect(resource(tf, 'google_compute_url_map', 'api').default_service).toBe('${google_compute_backend_service.api.id}');
    expect(resource(tf, 'google_compute_target_https_proxy', 'api')).toMatchObject({
      url_map: '${google_compute_url_map.api.id}', ssl_certificates: ['${google_compute_managed_ssl_certificate.api.id}'],
    });
    expect(block(resource(tf, 'google_compute_managed_ssl_certificate', 'api'), 'managed').domains).toEqual(['${var.domain}']);
    expect(resource(tf, 'google_compute_global_forwarding_rule', 'https')).toMatchObject({ port_range: '443', target: '${google_compute_target_https_proxy.api.id}' });
    expect(block(resource(tf, 'google_compute_url_map', 'http_redirect'), 'default_url_redirect').https_redirect).toBe(true);
  });

  it('collects each instance\'s metrics with a Prometheus sidecar that scrapes the loopback port the server serves them on', () => {
    const rendered = fs.readFileSync(path.join(terraformDir, 'run-monitoring.yaml.tftpl'), 'utf8').replaceAll('${metrics_port}', String(variableDefault(tf, 'metrics_port')));
    const config = parseYaml(rendered) as { kind: string; spec: { endpoints: { port: number; path: string }[] } };
    expect(config.kind).toBe('RunMonitoring');
    expect(config.spec.endpoints).toEqual([expect.objectContaining({ port: variableDefault(tf, 'metrics_port'), path: '/metrics' })]);
    for (const s of services) {
      expect(envs[s].always.get('TROVE_METRICS_PORT')).toEqual({ value: '${tostring(var.metrics_port)}' });
      const sidecar = blocks(block(resource(tf, 'google_cloud_run_v2_service', s), 'template'), 'containers').find((c) => c.name === 'prometheus');
      expect(sidecar, `${s} has a prometheus sidecar`).toBeDefined();
      expect(blocks(sidecar!, 'volume_mounts')).toContainEqual({ name: 'run-monitoring', mount_path: '/etc/rungmp' });
    }
  });
});
