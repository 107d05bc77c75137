/**
 * Where a thread's time went, from a V8 .cpuprofile: self time grouped by what ran it (the text
 * model, PGlite, sharp, the HTTP framework, Trove's own code, Node internals, GC) and the busiest
 * functions. Used by bench/load.ts --profile to say what limits the server under load.
 */
import fs from 'node:fs/promises';

interface ProfileNode { id: number; callFrame: { functionName: string; url: string } }
interface CpuProfile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] }

export interface ProfileSummary {
  seconds: number;
  busySeconds: number;
  /** Share of busy time by group, largest first. */
  groups: { name: string; seconds: number; share: number }[];
  topFunctions: { name: string; seconds: number }[];
}

function group(functionName: string, url: string): string {
  if (functionName === '(idle)') return 'idle';
  if (functionName === '(garbage collector)') return 'garbage collector';
  if (functionName === '(program)') return 'V8/native (program)';
  if (/energetic-ai|tfjs|tensorflow/.test(url)) return 'text model (tfjs)';
  if (/pglite/.test(url)) return 'PGlite (database, WASM)';
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
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
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
