/**
 * Results on disk: `bench/results.json` (every section's rows and details, merged section by
 * section so `--only` keeps the others) and the table in `docs/BENCHMARKS.md`, between markers so
 * a rerun replaces only the table.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ROOT, type Row, type SectionResult } from './lib.ts';

export interface StoredSection extends SectionResult {
  ranAt: string;
  quick: boolean;
  seconds: number;
  /** The machine this section ran on (`--only` runs can put sections of different machines in one table). */
  machine?: ResultsFile['machine'];
}

export interface ResultsFile {
  machine: { node: string; cpus: number; cpuModel: string; memoryGb: number; loadAvgAtStart: number[] };
  sections: Record<string, StoredSection>;
}

export const START = '<!-- bench:results:start -->';
export const END = '<!-- bench:results:end -->';

export async function readResults(file: string): Promise<ResultsFile | undefined> {
  const raw = await fs.readFile(file, 'utf8').catch(() => undefined);
  return raw ? (JSON.parse(raw) as ResultsFile) : undefined;
}

export function machine(): ResultsFile['machine'] {
  return {
    node: process.version, cpus: os.availableParallelism(), cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryGb: Math.round(os.totalmem() / 1e9), loadAvgAtStart: os.loadavg().map((n) => Math.round(n * 100) / 100),
  };
}

// Below 1, two significant digits: a cost per file in dollars (0.00067) would otherwise show as 0.
const fmt = (n: number): string => {
  if (Math.abs(n) >= 100) return String(Math.round(n));
  if (Math.abs(n) < 1 && n !== 0) return Number(n.toPrecision(2)).toString();
  return String(Math.round(n * 10) / 10);
};

function cells(r: Row): string[] {
  const ratio = r.ratio === undefined || !Number.isFinite(r.ratio) ? '' : `${r.ratio >= 10 ? Math.round(r.ratio) : r.ratio.toFixed(2)}×`;
  const met = r.met === undefined ? '' : r.met ? 'yes' : '**no**';
  return [
    r.name,
    `${fmt(r.value)} ${r.unit}`.trim(),
    r.baseline ? `${r.baseline.name}: ${fmt(r.baseline.value)} ${r.unit}` : '',
    ratio,
    r.goal ?? '',
    met,
    r.note ?? '',
  ].map((c) => c.replace(/\|/g, '\\|'));
}

export function renderTable(results: ResultsFile, order: string[]): string {
  const lines = [
    '| Section | Benchmark | Trove | Baseline (same run) | Ratio | Goal | Met | Note |',
    '|---|---|---|---|---|---|---|---|',
  ];
  const names = [...order.filter((s) => results.sections[s]), ...Object.keys(results.sections).filter((s) => !order.includes(s))];
  for (const name of names) {
    for (const r of results.sections[name]!.rows) lines.push(`| ${name} | ${cells(r).join(' | ')} |`);
  }
  // Sections run at different times (--only) may have run on different machines, or under other loads.
  const describe = (m: ResultsFile['machine']) =>
    `Node ${m.node}, ${m.cpus} × ${m.cpuModel}, ${m.memoryGb} GB RAM, load average at start ${m.loadAvgAtStart.join(' / ')}`;
  const machines = new Map<string, string[]>();
  for (const n of names) {
    const m = describe(results.sections[n]!.machine ?? results.machine);
    machines.set(m, [...(machines.get(m) ?? []), n]);
  }
  const runs = names.map((n) => {
    const s = results.sections[n]!;
    return `${n} ${s.ranAt.slice(0, 16).replace('T', ' ')} UTC (${Math.round(s.seconds)} s${s.quick ? ', quick' : ''})`;
  });
  lines.push('', machines.size <= 1
    ? `Machine: ${[...machines.keys()][0] ?? describe(results.machine)}.`
    : `Machines: ${[...machines].map(([m, sections]) => `${sections.join(', ')}: ${m}`).join('; ')}.`);
  lines.push(`Runs: ${runs.join('; ')}.`);
  return lines.join('\n');
}

/** Replaces the table between the markers in docs/BENCHMARKS.md (appending markers if missing). */
export async function writeDocsTable(table: string): Promise<string> {
  const file = path.join(ROOT, 'docs/BENCHMARKS.md');
  const doc = await fs.readFile(file, 'utf8').catch(() => '# Benchmarks\n');
  const block = `${START}\n${table}\n${END}`;
  const start = doc.indexOf(START);
  const end = doc.indexOf(END);
  const next = start >= 0 && end > start ? doc.slice(0, start) + block + doc.slice(end + END.length) : `${doc.trimEnd()}\n\n${block}\n`;
  await fs.writeFile(file, next);
  return file;
}
