/** Files handed to the app on its command line (first launch, second launch, "Open with"). */
import fs from 'node:fs';
import path from 'node:path';

/**
 * Existing files and folders named in `argv` (resolved against `cwd`), skipping the executable,
 * the app path, flags (`--hidden`, Chromium's `--foo=bar`) and anything that does not exist.
 * `skip` is how many leading entries are the program itself (1 packaged, 2 when run as `electron .`).
 */
export function pathsFromArgv(argv: readonly string[], cwd: string, skip: number): string[] {
  const out: string[] = [];
  for (const arg of argv.slice(skip)) {
    if (!arg || arg.startsWith('-')) continue;
    const p = path.resolve(cwd, arg);
    try {
      const st = fs.statSync(p);
      if ((st.isFile() || st.isDirectory()) && !out.includes(p)) out.push(p);
    } catch {
      // not a path
    }
  }
  return out;
}

/** `--hidden` (start at login): run in the tray without opening the window. */
export const startsHidden = (argv: readonly string[]): boolean => argv.includes('--hidden');
