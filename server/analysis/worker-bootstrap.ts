/**
 * Starting a model's worker thread from sources and from the build alike. Built, the host code and
 * the worker are JavaScript side by side in dist/server/ (each worker is an entry of
 * bin/build-server.js); from sources they are TypeScript, and the new thread gets tsx's loader
 * registered first (tsx, bin/trove.js and vitest do not hand theirs to new threads reliably).
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/** True when this module runs from the build (JavaScript), false under tsx or vitest (TypeScript). */
export const RUNS_BUILT = import.meta.url.endsWith('.js');

/** The worker entry `name` (no extension) beside the module at `hostUrl`, as built or as source. */
export function workerEntry(name: string, hostUrl: string): URL {
  return new URL(`./${name}${RUNS_BUILT ? '.js' : '.ts'}`, hostUrl);
}

/** A new thread running `workerUrl`; `execArgv` is cleared so the server's own flags (e.g. --cpu-prof) stay with it. */
export function startWorker(workerUrl: URL, options: Omit<WorkerOptions, 'eval'> = {}): Worker {
  return new Worker(bootstrapCode(workerUrl), { execArgv: [], ...options, eval: true });
}

/**
 * A snippet that imports the worker: JavaScript directly; TypeScript after registering tsx's ESM
 * loader in the new thread.
 */
export function bootstrapCode(workerUrl: URL): string {
  if (workerUrl.pathname.endsWith('.js')) return `import(${JSON.stringify(workerUrl.href)});`;
  // require.resolve finds tsx's CommonJS build of the API; its ESM twin sits beside it.
  const cjs = createRequire(import.meta.url).resolve('tsx/esm/api');
  const tsxApi = pathToFileURL(cjs.replace(/\.cjs$/, '.mjs')).href;
  return `import(${JSON.stringify(tsxApi)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(workerUrl.href)}); });`;
}
