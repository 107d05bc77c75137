import type { ProcessingStatus } from '../../shared/file-types.ts';
import type { Health, Usage } from '../../shared/api/schemas.ts';
import { ApiError } from '../../shared/api/client/api-error.ts';
import type { TroveClient } from './client.ts';
import { connect, type ConnectionFlags } from './locate.ts';
import { isAllLocal } from '../../shared/api/usage.ts';
import { totalsText } from './usage-command.ts';

export interface StatusOptions extends ConnectionFlags {
  json?: boolean;
}

const RECENT_FAILURES = 5;

/** `trove status`: where the server is, whether it is healthy, and how far processing has got. */
export async function statusCommand(opts: StatusOptions): Promise<number> {
  const { client, located } = await connect(opts);
  const health: Health = await client.health();
  if (health.status !== 'ok') {
    if (opts.json) process.stdout.write(`${JSON.stringify({ url: located.url, health, counts: null, recent_failures: [] }, null, 2)}\n`);
    if (health.status === 'starting') throw new ApiError('SERVICE_STARTING', `Trove at ${located.url} is starting (opening its database); ask again in a few seconds.`);
    throw new ApiError('SERVICE_UNAVAILABLE', `Trove at ${located.url} is ${health.status}: its database is ${health.database}.`);
  }
  const count = (status?: ProcessingStatus) => client.listUploads({ limit: 1, ...(status ? { status } : {}) }).then((l) => l.total);
  const [total, pending, processing, completed, failedCount] = await Promise.all([
    count(), count('pending'), count('processing'), count('completed'), count('failed'),
  ]);
  const counts: { total: number } & Record<ProcessingStatus, number> = { total, pending, processing, completed, failed: failedCount };
  const failed = counts.failed > 0 ? (await client.listUploads({ status: 'failed', limit: RECENT_FAILURES })).uploads : [];
  const recentFailures = failed.map((u) => ({
    upload_id: u.id,
    filename: u.filename,
    code: u.processing_error?.code ?? 'PROCESSING_FAILED',
    message: u.processing_error?.message ?? '',
    updated_at: u.updated_at,
  }));

  const ai = await aiUsage(client);

  if (opts.json) {
    const aiJson = ai.kind === 'reported' ? { from: ai.usage.from, to: ai.usage.to, total: ai.usage.total, budget: ai.usage.budget } : null;
    process.stdout.write(`${JSON.stringify({ url: located.url, health, counts, recent_failures: recentFailures, ai_usage: aiJson }, null, 2)}\n`);
  } else {
    const lines = [
      `Trove ${health.version} at ${located.url} (${located.urlSource === 'server.json' ? 'from server.json' : located.urlSource === 'default' ? 'default address' : `from ${located.urlSource === 'env' ? 'TROVE_URL' : '--url'}`})`,
      `Health:     ${health.status} (database ${health.database}, up ${formatDuration(health.uptime_s)}, ${health.mode} mode)`,
      `Uploads:    ${counts.total} total — ${counts.completed} completed, ${counts.processing} processing, ${counts.pending} pending, ${counts.failed} failed`,
    ];
    if (ai.kind === 'reported') {
      lines.push(isAllLocal(ai.usage) ? 'AI usage:   none this month (files are analysed on this device)' : `AI usage:   ${totalsText(ai.usage.total)} this month`);
      if (ai.usage.budget.awaiting_budget > 0) lines.push(`            ${ai.usage.budget.awaiting_budget} waiting for AI budget (\`npx trove usage\` for details)`);
    } else if (ai.kind === 'failed') {
      lines.push(`AI usage:   unavailable (${ai.error.code}: ${ai.error.message})`);
    }
    if (recentFailures.length > 0) {
      lines.push(`Recent failures${counts.failed > recentFailures.length ? ` (latest ${recentFailures.length} of ${counts.failed})` : ''}:`);
      for (const f of recentFailures) lines.push(`  ${f.filename}: ${f.code} ${f.message}`);
    }
    process.stdout.write(`${lines.join('\n')}\n`);
  }
  return 0;
}

/** This month's AI usage, when the server reports it (an older server has no /usage; that is no error). */
async function aiUsage(client: TroveClient): Promise<{ kind: 'reported'; usage: Usage } | { kind: 'absent' } | { kind: 'failed'; error: ApiError }> {
  try {
    return { kind: 'reported', usage: await client.usage() };
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return { kind: 'absent' };
    if (err instanceof ApiError) return { kind: 'failed', error: err };
    throw err;
  }
}

function formatDuration(seconds: number): string {
  if (seconds < 60) return `${Math.round(seconds)} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)} h ${Math.floor((seconds % 3600) / 60)} min`;
  return `${Math.floor(seconds / 86_400)} d ${Math.floor((seconds % 86_400) / 3600)} h`;
}
