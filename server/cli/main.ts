import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { VERSION } from '../version.ts';
import { ApiError } from '../../shared/api/client/api-error.ts';
import { UsageError } from './client.ts';
import type { SearchFlags } from './search-command.ts';

/**
 * `trove serve | add | search | usage | status`. Each command module is imported only when it runs, so the
 * client commands start without loading the server (database, models, HTTP stack).
 */
export async function runCli(argv: string[]): Promise<void> {
  const program = new Command()
    .name('trove')
    .description('Search your own images, videos, audio and documents by what they show and say.')
    .version(VERSION)
    .exitOverride()
    .configureOutput({ outputError: (str, write) => write(str.replace(/^error: /, 'error USAGE: ')) });

  program.command('serve').description('Run the Trove server on this machine (embedded default).')
    .addOption(new Option('--role <role>', 'what this process runs: all (API and processing, the default), api (HTTP only), worker (processing only); api and worker need DATABASE_URL')
      .choices(['all', 'api', 'worker']).env('TROVE_ROLE'))
    .action(async (opts: { role?: 'all' | 'api' | 'worker' }) => {
      const { serveCommand } = await import('./serve-command.ts');
      await serveCommand(opts);
    });

  withConnection(program.command('add'))
    .description('Add files and folders to Trove (folders recursively, for the files of types Trove reads; hidden, lock and temporary files inside them are skipped). Cut-off uploads resume; passing failures are retried.')
    .argument('<paths...>', 'files or folders to add')
    .option('--wait', 'wait until every file is processed and searchable')
    .option('--json', 'print a JSON summary instead of progress')
    .option('--concurrency <n>', 'files uploaded at once (1-16)', intOption(1, 16), 3)
    .option('--keep-local', 'keep these files on this device: stored and searchable as usual, never sent to a cloud AI model')
    .action(async (paths: string[], opts: { wait?: boolean; json?: boolean; concurrency: number; keepLocal?: boolean; url?: string; token?: string }) => {
      const { addCommand } = await import('./add-command.ts');
      await run(() => addCommand(paths, opts));
    });

  withConnection(program.command('search'))
    .description('Search your files the way you would ask: "pdf from last March", "photos taken with the Canon", "invoice -draft". Shows what the query was understood as and why each file matched.')
    .argument('<query...>', 'what to look for (quote it, or give several words)')
    .option('--type <types>', 'only these types: image, video, audio, document (repeatable or a comma list)', (v: string, prev: string[] | undefined) => [...(prev ?? []), v])
    // Checked by the command itself (loaded only when it runs) against the API's own limits.
    .option('--sort <order>', 'relevance (default), newest, oldest (when the content was made), name or size (largest first)')
    .option('--limit <n>', 'at most this many results (1-100; default 20, or 100 a page with --all)')
    .option('--offset <n>', 'skip this many results of the list first')
    .option('--all', 'page on to the end of the list')
    .option('--weaker', 'also list the weaker matches the relevance cut-off leaves out, after the others')
    .option('--literal', 'match every word as typed: no dates, kinds of file, cameras or exclusions read out of the query')
    .option('--time-zone <zone>', 'IANA time zone that "last week" and "March" are read in (default: this system\'s)')
    .option('--json', 'print the answer as JSON: what the query was understood as, the counts, each result and why it matched')
    .action(async (query: string[], opts: SearchFlags) => {
      const { searchCommand } = await import('./search-command.ts');
      await run(() => searchCommand(query, opts));
    });

  withConnection(program.command('usage'))
    .description('Show what paid AI models cost: tokens and US dollars by model and file type, and your AI budget (default: this month).')
    .option('--from <day>', 'first day, YYYY-MM-DD (UTC; default: the first of this month)', dayOption)
    .option('--to <day>', 'last day, YYYY-MM-DD (UTC, inclusive; default: today)', dayOption)
    .option('--json', 'print the raw usage report as JSON')
    .action(async (opts: { from?: string; to?: string; json?: boolean; url?: string; token?: string }) => {
      const { usageCommand } = await import('./usage-command.ts');
      await run(() => usageCommand(opts));
    });

  withConnection(program.command('status'))
    .description('Show the server, its health, how many uploads are pending, processing, completed or failed, and this month\'s AI usage.')
    .option('--json', 'print the status as JSON')
    .action(async (opts: { json?: boolean; url?: string; token?: string }) => {
      const { statusCommand } = await import('./status-command.ts');
      await run(() => statusCommand(opts));
    });

  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and --version end here with code 0; usage errors were already printed by commander.
      process.exitCode = err.exitCode === 0 ? 0 : 2;
      return;
    }
    process.exitCode = reportError(err);
  }
}

function withConnection(cmd: Command): Command {
  return cmd
    .addOption(new Option('--url <url>', 'server URL (default: TROVE_URL, the running server\'s server.json, or http://127.0.0.1:8787)'))
    .addOption(new Option('--token <token>', 'access token (default: TROVE_TOKEN, or the token file in the data folder)'));
}

/** Runs a client command: its result is the exit code; expected errors become `error CODE: message`. */
async function run(fn: () => Promise<number>): Promise<void> {
  // `trove search … | head -1`: a reader that stops early is not an error worth a stack trace.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
  try {
    process.exitCode = await fn();
  } catch (err) {
    process.exitCode = reportError(err);
  }
}

function reportError(err: unknown): number {
  if (err instanceof UsageError) {
    process.stderr.write(`error USAGE: ${err.message}\n`);
    return 2;
  }
  if (err instanceof ApiError) {
    process.stderr.write(`error ${err.code}: ${err.message}\n`);
    return 1;
  }
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`error INTERNAL: ${message}\n`);
  if (process.env.TROVE_DEBUG && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
  else process.stderr.write('(set TROVE_DEBUG=1 to see where it happened)\n');
  return 1;
}

function dayOption(value: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`))) {
    throw new InvalidArgumentError('expected a day as YYYY-MM-DD, e.g. 2026-03-01.');
  }
  return value;
}

function intOption(min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\s*\d+\s*$/.test(value) || n < min || n > max) {
      throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}.`);
    }
    return n;
  };
}
