/**
 * Where a thread's time went, from a V8 .cpuprofile: self time grouped by what ran it (the text
 * model, PGlite, sharp, the HTTP framework, Trove's own code, Node internals, GC) and the busiest
 * functions. Used by bench/load.ts --profile to say what limits the server under load.
 */
import fs from 'node:fs/promises';

interface ProfileNode { id: number; callFrame: { functionName: string; url: string }; children?: number[] }
interface CpuProfile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] }

export interface ProfileSummary {
  seconds: number;
  busySeconds: number;
  /** Share of busy time by group, largest first. */
  groups: { name: string; seconds: number; share: number }[];
  topFunctions: { name: string; seconds: number }[];
}

const FS_CALLS = new Set(['mkdir', 'lstat', 'stat', 'open', 'close', 'rename', 'unlink', 'read', 'write', 'writeFile', 'readFile', 'fsync', 'rm', 'copyFile', 'readdir', 'fstat']);

function group(functionName: string, url: string): string {
  if (functionName === '(idle)') return 'idle';
  if (functionName === '(garbage collector)') return 'garbage collector';
  if (functionName === '(program)') return 'V8/native (program)';
  if (/energetic-ai|tfjs|tensorflow/.test(url)) return 'text model (tfjs)';
  // Compiled WebAssembly has no package name: on the server's main thread it is PGlite's Postgres
  // (and the text model's kernels too when TROVE_EMBED_THREADS=0).
  if (url.startsWith('wasm://')) return 'WebAssembly (PGlite)';
  if (url === '' && FS_CALLS.has(functionName)) return 'file-system calls';
  if (/pglite/.test(url)) return 'PGlite (its JavaScript)';
  if (/\/sharp\//.test(url)) return 'sharp';
  if (/pg-boss|node_modules\/pg\//.test(url)) return 'job queue (pg-boss)';
  if (/fastify|find-my-way|avvio|@fastify|light-my-request|pino/.test(url)) return 'fastify + pino';
  if (/dist\/server|\/server\//.test(url)) return 'Trove code';
  if (url === '' || url.startsWith('node:')) return 'Node internals';
  return `npm: ${/node_modules\/(@[^/]+\/[^/]+|[^/]+)/.exec(url)?.[1] ?? url.slice(-40)}`;
}

export async function summariseProfile(file: string): Promise<ProfileSummary> {
  const profile = JSON.parse(await fs.readFile(file, 'utf8')) as CpuProfile;
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  // The sampler's own start (the preload's inspector calls) is left out: its first sample can carry
  // seconds of a thread the OS had not scheduled.
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const isProfiler = (id: number): boolean => {
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      if (nodes.get(cur)?.callFrame.url.includes('cpu-profile-preload')) return true;
    }
    return false;
  };
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => {
    if (!isProfiler(id)) selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  const groups = new Map<string, number>();
  const fns = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const { functionName, url } = nodes.get(id)!.callFrame;
    const g = group(functionName, url);
    groups.set(g, (groups.get(g) ?? 0) + us);
    if (g !== 'idle') {
      const name = `${functionName || '(anonymous)'} (${url.split('/').slice(-2).join('/') || 'native'})`;
      fns.set(name, (fns.get(name) ?? 0) + us);
    }
  }
  const total = [...groups.values()].reduce((a, b) => a + b, 0);
  const busy = total - (groups.get('idle') ?? 0);
  return {
    seconds: total / 1e6,
    busySeconds: busy / 1e6,
    groups: [...groups].filter(([n]) => n !== 'idle').sort((a, b) => b[1] - a[1])
      .map(([name, us]) => ({ name, seconds: us / 1e6, share: busy > 0 ? us / busy : 0 })),
    topFunctions: [...fns].sort((a, b) => b[1] - a[1]).slice(0, 10).map(([name, us]) => ({ name, seconds: us / 1e6 })),
  };
}
