/**
 * infra/monitoring: the alert rules and the Grafana dashboard, checked against the server. Every
 * expression parses as PromQL (Prometheus's own grammar), and every metric, label and route it
 * names is one a real `Metrics` registry (server/metrics.ts + prom-client's process metrics) and
 * the API's routes provide — so renaming a metric breaks this test, not the pager at night.
 */
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { apiRoutes, exportedSeries, loadTerraform, monitoringDir, parsePromql, queryProblems, type Terraform } from './sources.ts';

interface Rule { alert: string; expr: string; for: string; labels: Record<string, string>; annotations: Record<string, string> }
interface Panel { id: number; type: string; title: string; gridPos: { x: number; y: number; w: number; h: number }; targets?: { refId: string; expr: string }[] }

let series: Map<string, Set<string>>;
let routes: Set<string>;
let rules: Rule[];
let dashboard: { uid: string; title: string; panels: Panel[]; templating: { list: { name: string; type: string }[] } };
let tf: Terraform;

beforeAll(async () => {
  series = await exportedSeries();
  routes = apiRoutes();
  const doc = parseYaml(fs.readFileSync(path.join(monitoringDir, 'alerts.yml'), 'utf8')) as { groups: { name: string; rules: Rule[] }[] };
  rules = doc.groups.flatMap((g) => g.rules);
  dashboard = JSON.parse(fs.readFileSync(path.join(monitoringDir, 'grafana-dashboard.json'), 'utf8')) as typeof dashboard;
  tf = await loadTerraform();
});

describe('what the checks compare against', () => {
  it('reads the exported metrics from a real registry, and the routes from the route files', () => {
    for (const name of ['http_requests_total', 'http_request_duration_seconds_bucket', 'trove_queue_depth', 'trove_ai_cost_usd_total', 'process_cpu_seconds_total']) {
      expect(series.has(name), name).toBe(true);
    }
    expect(series.get('http_requests_total')).toEqual(new Set(['method', 'route', 'status']));
    expect(series.get('trove_ai_tokens_total')).toEqual(new Set(['model', 'kind', 'direction']));
    expect(routes).toContain('/api/v1/events');
    expect(routes).toContain('/api/v1/tus/:id');
  });

  it('catches what it is meant to catch', () => {
    expect(queryProblems('sum(rate(http_request_total[5m]))', series, routes)).toEqual(['http_request_total is not exported by the server']);
    expect(queryProblems('sum(rate(http_requests_total{code="500"}[5m]))', series, routes)).toEqual(['http_requests_total has no label code']);
    expect(queryProblems('sum by (model) (trove_queue_depth)', series, routes)).toEqual(['grouping by model, a label none of the query\'s metrics has']);
    expect(queryProblems('rate(http_requests_total{route="/api/v1/nope"}[5m])', series, routes)).toEqual(['route = "/api/v1/nope" matches no route of the API']);
    expect(queryProblems('sum(rate(http_requests_total[5m]) > ', series, routes)).not.toEqual([]);
  });
});

describe('alert rules (infra/monitoring/alerts.yml)', () => {
  it('implement the design\'s four alerts', () => {
    const families = new Set(rules.map((r) => r.labels.design_alert));
    expect(families).toEqual(new Set(['queue_depth', 'error_rate', 'api_latency', 'ai_budget_or_quota']));
    const byName = new Map(rules.map((r) => [r.alert, r]));
    // The thresholds the design names.
    expect(byName.get('TroveQueueBacklog')!.expr).toMatch(/trove_queue_depth\) > 1000$/);
    expect(byName.get('TroveHighErrorRate')!.expr).toMatch(/\[5m\]\)\) > 0\.05$/);
    expect(byName.get('TroveSlowApi')!.expr).toMatch(/^histogram_quantile\(0\.95, .*http_request_duration_seconds_bucket.*\) > 2$/);
    const ai = rules.filter((r) => r.labels.design_alert === 'ai_budget_or_quota').map((r) => parsePromql(r.expr).selectors.map((s) => s.metric)).flat();
    expect(new Set(ai)).toEqual(new Set(['trove_ai_provider_errors_total', 'trove_ai_cost_usd_total', 'trove_ai_budget_deferred_total']));
  });

  it('parse as PromQL and name only metrics, labels and routes the server has', () => {
    for (const r of rules) expect(queryProblems(r.expr, series, routes), r.alert).toEqual([]);
  });

  it('are complete enough for Terraform to turn into alert policies', () => {
    const severities = new Set(Object.keys(tf.locals.alert_severity as object));
    for (const r of rules) {
      expect(r.alert, 'alert name').toMatch(/^Trove[A-Za-z]+$/);
      expect(r.for, `${r.alert}: for, in minutes (Terraform converts it)`).toMatch(/^\d+m$/);
      expect(severities, `${r.alert}: severity ${r.labels.severity}`).toContain(r.labels.severity);
      expect(r.annotations.summary, r.alert).toEqual(expect.any(String));
      expect(r.annotations.description?.length ?? 0, r.alert).toBeGreaterThan(40);
    }
    expect(new Set(rules.map((r) => r.alert)).size).toBe(rules.length);
    expect(String(tf.locals.alert_rules)).toContain('file("${path.module}/../monitoring/alerts.yml")');
  });
});

describe('Grafana dashboard (infra/monitoring/grafana-dashboard.json)', () => {
  const queries = () => dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p.title, expr: t.expr })));

  it('queries only metrics, labels and routes the server has', () => {
    expect(queries().length).toBeGreaterThan(15);
    for (const q of queries()) expect(queryProblems(q.expr, series, routes), q.panel).toEqual([]);
  });

  it('shows the four alerts and the AI cost and budget metrics', () => {
    const metrics = new Set(queries().flatMap((q) => parsePromql(q.expr).selectors.map((s) => s.metric)));
    for (const name of ['trove_queue_depth', 'http_requests_total', 'http_request_duration_seconds_bucket', 'trove_ai_cost_usd_total',
      'trove_ai_tokens_total', 'trove_ai_budget_deferred_total', 'trove_ai_provider_errors_total']) {
      expect(metrics, name).toContain(name);
    }
  });

  it('is a well-formed dashboard: unique panel ids, panels within the 24-column grid, a Prometheus data source variable', () => {
    expect(dashboard.uid).toMatch(/^[a-z0-9-]+$/);
    const ids = dashboard.panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const p of dashboard.panels) {
      expect(p.gridPos.x + p.gridPos.w, p.title).toBeLessThanOrEqual(24);
      if (p.type !== 'row') expect(p.targets?.length, p.title).toBeGreaterThan(0);
    }
    // No two panels overlap.
    const cells = new Set<string>();
    for (const p of dashboard.panels) {
      for (let x = p.gridPos.x; x < p.gridPos.x + p.gridPos.w; x++) {
        for (let y = p.gridPos.y; y < p.gridPos.y + p.gridPos.h; y++) {
          expect(cells.has(`${x},${y}`), `${p.title} overlaps another panel at ${x},${y}`).toBe(false);
          cells.add(`${x},${y}`);
        }
      }
    }
    expect(dashboard.templating.list).toContainEqual(expect.objectContaining({ name: 'datasource', type: 'datasource' }));
  });
});
