/**
 * `npm run bench [-- --only search,upload,aicost,… --quick]`: runs the benchmark sections one after the
 * other, writes bench/results.json (or bench/results.quick.json for --quick) and, for full runs,
 * the table in docs/BENCHMARKS.md. Every figure is compared with a baseline measured in the same run.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { aiCostBench } from './ai-cost.ts';
import { coldStartBench } from './cold-start.ts';
import { indexingBench } from './indexing.ts';
import { ROOT, log, type Section } from './lib.ts';
import { loadBench } from './load.ts';
import { mediaBench } from './media.ts';
import { machine, readResults, renderTable, writeDocsTable, type ResultsFile } from './report.ts';
import { scaleOutBench } from './scale-out.ts';
import { searchBench } from './search.ts';
import { throughputBench } from './throughput.ts';
import { uploadBench } from './upload.ts';

const SECTIONS: Record<string, Section> = {
  search: searchBench,
  upload: uploadBench,
  media: mediaBench,
  indexing: indexingBench,
  coldstart: coldStartBench,
  load: loadBench,
  throughput: throughputBench,
  aicost: aiCostBench,
  scaleout: scaleOutBench,
};
const ORDER = Object.keys(SECTIONS);

function parseArgs(argv: string[]): { only: string[]; quick: boolean } {
  let only = ORDER;
  let quick = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--quick') quick = true;
    else if (arg === '--only' || arg.startsWith('--only=')) {
      const value = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[++i] ?? '';
      only = value.split(',').map((s) => s.trim().toLowerCase().replace('cold-start', 'coldstart').replace('scale-out', 'scaleout')).filter(Boolean);
      const unknown = only.filter((s) => !SECTIONS[s]);
      if (unknown.length > 0) throw new Error(`Unknown section(s): ${unknown.join(', ')}. Known: ${ORDER.join(', ')}.`);
    } else if (arg === '--help' || arg === '-h') {
      process.stdout.write(`Usage: npm run bench -- [--only ${ORDER.join(',')}] [--quick]\n`);
      process.exit(0);
    } else throw new Error(`Unknown argument ${arg}`);
  }
  return { only: ORDER.filter((s) => only.includes(s)), quick };
}

async function main(): Promise<void> {
  const { only, quick } = parseArgs(process.argv.slice(2));
  const file = path.join(ROOT, quick ? 'bench/results.quick.json' : 'bench/results.json');
  const previous = await readResults(file);
  const results: ResultsFile = { machine: machine(), sections: { ...previous?.sections } };
  // Sections kept from an earlier run keep the machine they ran on.
  for (const s of Object.values(results.sections)) s.machine ??= previous?.machine;
  const started = performance.now();
  let failed = false;
  for (const name of only) {
    log(`section ${name}${quick ? ' (quick)' : ''}`);
    const t0 = performance.now();
    const ranOn = machine();
    try {
      const res = await SECTIONS[name]!({ quick });
      results.sections[name] = { ...res, ranAt: new Date().toISOString(), quick, seconds: (performance.now() - t0) / 1000, machine: ranOn };
      log(`section ${name} done in ${Math.round((performance.now() - t0) / 1000)} s`);
    } catch (err) {
      failed = true;
      log(`section ${name} FAILED: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    }
    await fs.writeFile(file, `${JSON.stringify(results, null, 2)}\n`);
  }
  const table = renderTable(results, ORDER);
  process.stdout.write(`\n${table}\n\n`);
  if (!quick) log(`table written to ${await writeDocsTable(table)}`);
  log(`results in ${path.relative(ROOT, file)}; total ${Math.round((performance.now() - started) / 1000)} s`);
  if (failed) process.exitCode = 1;
}

await main();
