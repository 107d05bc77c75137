import { Command } from 'commander';
import { VERSION } from '../version.ts';
import { serveCommand } from './serve-command.ts';

export async function runCli(argv: string[]): Promise<void> {
  const program = new Command()
    .name('trove')
    .description('Search your own images, videos, audio and documents by what they show and say.')
    .version(VERSION);
  program.command('serve').description('Run the Trove server on this machine (embedded default).').action(serveCommand);
  await program.parseAsync(argv);
}
