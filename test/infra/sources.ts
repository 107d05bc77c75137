/**
 * What the infra checks compare: the Terraform (parsed by HashiCorp's own HCL parser, compiled to
 * wasm in @cdktf/hcl2json), PromQL (Prometheus's Lezer grammar), and — read from the server's
 * source, never listed by hand — the environment variables it reads, its HTTP routes and the
 * metrics it exports.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { parser as promqlParser } from '@prometheus-io/lezer-promql';
import ts from 'typescript';
import { Metrics } from '../../server/metrics.ts';

export const repoRoot = path.resolve(import.meta.dirname, '../..');

/**
 * HashiCorp's HCL parser. Loaded untyped on purpose: its .d.ts pulls the DOM library into every
 * file of the Node program (`/// <reference lib="dom" />`), which retypes fetch, Buffer bodies and
 * streams across the server's code.
 */
export const parseHcl = (createRequire(import.meta.url)('@cdktf/hcl2json') as {
  parse: (filename: string, content: string) => Promise<Record<string, unknown>>;
}).parse;
export const terraformDir = path.join(repoRoot, 'infra/terraform');
export const monitoringDir = path.join(repoRoot, 'infra/monitoring');

// ---- Terraform ----

/** hcl2json's shape: every block is a list of bodies; attributes are values or "${expression}" strings. */
export type Hcl = Record<string, unknown>;

export interface Terraform {
  files: string[];
  resources: Record<string, Record<string, Hcl>>;
  variables: Record<string, Hcl>;
  locals: Record<string, unknown>;
}

export async function loadTerraform(): Promise<Terraform> {
  const files = fs.readdirSync(terraformDir).filter((f) => f.endsWith('.tf')).sort();
  const tf: Terraform = { files, resources: {}, variables: {}, locals: {} };
  for (const file of files) {
    const doc = await parseHcl(file, fs.readFileSync(path.join(terraformDir, file), 'utf8')) as {
      resource?: Record<string, Record<string, Hcl[]>>; variable?: Record<string, Hcl[]>; locals?: Record<string, unknown>[];
    };
    for (const [type, byName] of Object.entries(doc.resource ?? {})) {
      for (const [name, bodies] of Object.entries(byName)) {
        if ((tf.resources[type] ??= {})[name]) throw new Error(`resource ${type}.${name} is declared twice`);
        tf.resources[type][name] = bodies[0]!;
      }
    }
    for (const [name, bodies] of Object.entries(doc.variable ?? {})) tf.variables[name] = bodies[0]!;
    for (const block of doc.locals ?? []) Object.assign(tf.locals, block);
  }
  return tf;
}

/** The first body of a nested block (`a.b.c`), failing with the path when it is missing. */
export function block(body: Hcl, ...names: string[]): Hcl {
  let at: Hcl = body;
  for (const name of names) {
    const next = (at[name] as Hcl[] | undefined)?.[0];
    if (!next) throw new Error(`no block ${names.join('.')}`);
    at = next;
  }
  return at;
}

export const blocks = (body: Hcl, name: string): Hcl[] => (body[name] as Hcl[] | undefined) ?? [];

export function resource(tf: Terraform, type: string, name: string): Hcl {
  const r = tf.resources[type]?.[name];
  if (!r) throw new Error(`no resource ${type}.${name}`);
  return r;
}

export function variableDefault(tf: Terraform, name: string): unknown {
  const v = tf.variables[name];
  if (!v) throw new Error(`no variable ${name}`);
  return v.default;
}

export interface ContainerEnv {
  /** Static `env` blocks: always set. `secret` is the key of google_secret_manager_secret.secret it reads. */
  always: Map<string, { value?: unknown; secret?: string }>;
  /** Names set by `dynamic "env"` blocks: only under a condition. */
  conditional: Set<string>;
}

export function containerEnv(container: Hcl): ContainerEnv {
  const always = new Map<string, { value?: unknown; secret?: string }>();
  for (const env of blocks(container, 'env')) {
    const name = env.name as string;
    if (always.has(name)) throw new Error(`${name} is set twice`);
    const ref = (env.value_source as Hcl[] | undefined)?.[0] && block(env, 'value_source', 'secret_key_ref');
    const secret = ref ? /^\$\{google_secret_manager_secret\.secret\["([a-z_]+)"\]\.secret_id\}$/.exec(String(ref.secret))?.[1] : undefined;
    if (ref && !secret) throw new Error(`${name} reads a secret that is not one of google_secret_manager_secret.secret: ${String(ref.secret)}`);
    always.set(name, secret ? { secret } : { value: env.value });
  }
  const dynamic = (container.dynamic as { env?: Hcl[] } | undefined)?.env ?? [];
  const conditional = new Set(dynamic.map((d) => block(d, 'content').name as string));
  return { always, conditional };
}

// ---- What the server reads, serves and exports ----

function sourceFiles(...dirs: string[]): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (p.endsWith('.ts') && !p.endsWith('.d.ts')) out.push(p);
    }
  };
  for (const d of dirs) walk(path.join(repoRoot, d));
  return out;
}

const ENV_NAME = /^[A-Z][A-Z0-9_]*$/;

/**
 * Every environment variable the server (and the Node-only shared code it runs) reads, found in its
 * syntax tree: `env.X`, `process.env.X`, `env['X']`, and upper-case string arguments of any call
 * that is also handed `env` (`trimmed(env, 'X')`, `int(env, 'X', …)`, `requires(env, 'X', 'Y')`).
 * Maps each name to the files that read it.
 */
export function serverEnvironmentVariables(): Map<string, string[]> {
  const found = new Map<string, string[]>();
  const isEnv = (e: ts.Node) => (ts.isIdentifier(e) && e.text === 'env')
    || (ts.isPropertyAccessExpression(e) && e.name.text === 'env' && ts.isIdentifier(e.expression) && e.expression.text === 'process');
  for (const file of sourceFiles('server', 'shared/node')) {
    const rel = path.relative(repoRoot, file);
    const add = (name: string) => {
      const files = found.get(name) ?? [];
      if (!files.includes(rel)) files.push(rel);
      found.set(name, files);
    };
    const visit = (node: ts.Node): void => {
      if (ts.isPropertyAccessExpression(node) && isEnv(node.expression) && ENV_NAME.test(node.name.text)) add(node.name.text);
      if (ts.isElementAccessExpression(node) && isEnv(node.expression) && ts.isStringLiteralLike(node.argumentExpression) && ENV_NAME.test(node.argumentExpression.text)) {
        add(node.argumentExpression.text);
      }
      if (ts.isCallExpression(node) && node.arguments.some(isEnv)) {
        for (const arg of node.arguments) if (ts.isStringLiteralLike(arg) && ENV_NAME.test(arg.text)) add(arg.text);
      }
      ts.forEachChild(node, visit);
    };
    visit(ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true));
  }
  return found;
}

/** The API's routes as Fastify reports them in the `route` label: `/api/v1` + each path in server/routes/. */
export function apiRoutes(): Set<string> {
  const routes = new Set<string>();
  const methods = new Set(['get', 'post', 'put', 'patch', 'delete', 'head', 'options', 'all']);
  for (const file of sourceFiles('server/routes')) {
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
        const method = node.expression.name.text;
        const [first] = node.arguments;
        if (methods.has(method) && first && ts.isStringLiteralLike(first)) routes.add(`/api/v1${first.text}`);
        if (method === 'route' && first && ts.isObjectLiteralExpression(first)) {
          for (const prop of first.properties) {
            if (ts.isPropertyAssignment(prop) && ts.isIdentifier(prop.name) && prop.name.text === 'url' && ts.isStringLiteralLike(prop.initializer)) {
              routes.add(`/api/v1${prop.initializer.text}`);
            }
          }
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true));
  }
  return routes;
}

/**
 * The series names a server process exposes, with their label names: read from a real `Metrics`
 * registry (server/metrics.ts plus prom-client's default process metrics). Histograms expose
 * `_bucket` (with `le`), `_sum` and `_count`.
 */
export async function exportedSeries(): Promise<Map<string, Set<string>>> {
  const metrics = new Metrics();
  const series = new Map<string, Set<string>>();
  for (const m of await metrics.registry.getMetricsAsJSON()) {
    const labels = new Set((metrics.registry.getSingleMetric(m.name) as unknown as { labelNames?: string[] }).labelNames ?? []);
    for (const v of m.values) for (const l of Object.keys(v.labels)) if (l !== 'le') labels.add(l);
    // The typings say a numeric enum; at run time the type is the exposition format's word.
    const type = String(m.type);
    if (type === 'histogram') {
      series.set(`${m.name}_bucket`, new Set([...labels, 'le']));
      series.set(`${m.name}_sum`, labels);
      series.set(`${m.name}_count`, labels);
    } else if (type === 'summary') {
      series.set(m.name, new Set([...labels, 'quantile']));
      series.set(`${m.name}_sum`, labels);
      series.set(`${m.name}_count`, labels);
    } else {
      series.set(m.name, labels);
    }
  }
  return series;
}

// ---- PromQL ----

export interface Selector { metric: string; matchers: { label: string; op: string; value: string }[] }

export interface ParsedQuery { errors: string[]; selectors: Selector[]; grouping: string[] }

/** Parses one PromQL expression: syntax errors, the metric selectors with their matchers, and `by`/`without` labels. */
export function parsePromql(expr: string): ParsedQuery {
  const tree = promqlParser.parse(expr);
  const out: ParsedQuery = { errors: [], selectors: [], grouping: [] };
  const text = (from: number, to: number) => expr.slice(from, to);
  tree.iterate({
    enter(node) {
      if (node.type.isError) out.errors.push(`syntax error at ${node.from}: '${text(Math.max(0, node.from - 10), node.to + 10)}'`);
      if (node.name === 'VectorSelector') {
        const metricNode = node.node.getChild('Identifier');
        const matchers: Selector['matchers'] = [];
        for (const m of node.node.getChild('LabelMatchers')?.getChildren('UnquotedLabelMatcher') ?? []) {
          const label = m.getChild('LabelName');
          const op = m.getChild('MatchOp');
          const value = m.getChild('StringLiteral');
          if (label && op && value) matchers.push({ label: text(label.from, label.to), op: text(op.from, op.to), value: JSON.parse(text(value.from, value.to)) as string });
        }
        if (metricNode) out.selectors.push({ metric: text(metricNode.from, metricNode.to), matchers });
        else out.errors.push(`a selector without a metric name: ${text(node.from, node.to)}`);
      }
      if (node.name === 'GroupingLabels') {
        for (const l of node.node.getChildren('LabelName')) out.grouping.push(text(l.from, l.to));
      }
    },
  });
  return out;
}

/** Labels Prometheus adds to every scraped series. */
export const TARGET_LABELS = new Set(['job', 'instance']);

/**
 * Why a query would not work against this server: syntax errors, metrics it does not export,
 * labels those metrics do not have, and `route` values that are not routes of the API.
 */
export function queryProblems(expr: string, series: Map<string, Set<string>>, routes: Set<string>): string[] {
  const q = parsePromql(expr);
  const problems = [...q.errors];
  const labelsInQuery = new Set<string>(TARGET_LABELS);
  for (const s of q.selectors) {
    const labels = series.get(s.metric);
    if (!labels) {
      problems.push(`${s.metric} is not exported by the server`);
      continue;
    }
    for (const l of labels) labelsInQuery.add(l);
    for (const m of s.matchers) {
      if (!labels.has(m.label) && !TARGET_LABELS.has(m.label)) problems.push(`${s.metric} has no label ${m.label}`);
      if (m.label === 'route') {
        const known = [...routes];
        const matches = m.op === '=' || m.op === '!=' ? known.includes(m.value) : known.some((r) => new RegExp(`^(?:${m.value})$`).test(r));
        if (!matches) problems.push(`route ${m.op} "${m.value}" matches no route of the API`);
      }
    }
  }
  for (const l of q.grouping) if (!labelsInQuery.has(l)) problems.push(`grouping by ${l}, a label none of the query's metrics has`);
  return problems;
}

// ---- docs/DEPLOY.md ----

export type Need = 'secret' | 'set' | 'optional' | 'image' | 'no';

/** The "Environment by service" table of docs/DEPLOY.md: variable → what the API and the workers need. */
export function environmentContract(): Map<string, { api: Need; worker: Need; why: string }> {
  const doc = fs.readFileSync(path.join(repoRoot, 'docs/DEPLOY.md'), 'utf8');
  const start = doc.indexOf('| Variable | API | Worker | Why |');
  if (start < 0) throw new Error('docs/DEPLOY.md has no "| Variable | API | Worker | Why |" table');
  const rows = doc.slice(start).split('\n').slice(2);
  const out = new Map<string, { api: Need; worker: Need; why: string }>();
  const need = (cell: string, row: string): Need => {
    const word = cell.trim();
    if (word === '—') return 'no';
    if (['secret', 'set', 'optional', 'image'].includes(word)) return word as Need;
    throw new Error(`unknown need '${word}' in docs/DEPLOY.md row: ${row}`);
  };
  for (const row of rows) {
    if (!row.startsWith('|')) break;
    const cells = row.split('|').slice(1, -1);
    const names = [...cells[0]!.matchAll(/`([A-Z][A-Z0-9_]*)`/g)].map((m) => m[1]!);
    if (names.length === 0) throw new Error(`row without a variable: ${row}`);
    for (const name of names) {
      if (out.has(name)) throw new Error(`${name} appears twice in the table`);
      out.set(name, { api: need(cells[1]!, row), worker: need(cells[2]!, row), why: cells[3]!.trim() });
    }
  }
  return out;
}
