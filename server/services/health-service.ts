import type { Kysely } from 'kysely';
import type { Health } from '../../shared/api/schemas.ts';
import { databaseAnswers } from '../db/health-repo.ts';
import type { DB } from '../db/schema.ts';

/** GET /health for API and worker processes alike. */
export class HealthService {
  constructor(private readonly deps: { db: Kysely<DB>; version: string; mode: Health['mode'] }) {}

  async check(): Promise<Health> {
    const dbOk = await databaseAnswers(this.deps.db);
    return {
      status: dbOk ? 'ok' : 'degraded', database: dbOk ? 'ok' : 'unavailable',
      version: this.deps.version, uptime_s: Math.round(process.uptime()), mode: this.deps.mode,
    };
  }
}
