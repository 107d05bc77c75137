/**
 * The lint rules that keep the layers inside server/ do fire: each probe below breaks one rule in
 * one folder, and ESLint (the project's own configuration, type-aware) must name that rule and folder.
 */
import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../../..');
// The probes are not files on disk: let the type-aware parser give them a default project.
const eslint = new ESLint({
  cwd: ROOT,
  overrideConfig: { languageOptions: { parserOptions: { projectService: { allowDefaultProject: ['server/*/lint-probe.ts'] } } } },
});

async function messages(folder: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(ROOT, 'server', folder, 'lint-probe.ts') });
  return (result?.messages ?? []).map((m) => `${m.ruleId ?? 'parse'}: ${m.message}`);
}

describe('server layer rules', () => {
  it('a route importing a repository or the SQL builder', async () => {
    const found = await messages('routes', "import * as repo from '../db/uploads-repo.ts';\nimport { Kysely } from 'kysely';\nexport const x = [repo, Kysely];\n");
    expect(found.filter((m) => m.includes('server/routes/ reaches data only through services/'))).toHaveLength(2);
  }, 60_000);

  it('SQL in a service (builder call or sql tag), naming the folder', async () => {
    const found = await messages('services', "import { sql, type Kysely } from 'kysely';\nimport type { DB } from '../db/schema.ts';\nexport const a = (db: Kysely<DB>) => db.selectFrom('uploads').selectAll().execute();\nexport const b = sql`SELECT 1`;\n");
    expect(found.filter((m) => m.includes('SQL in server/services/ breaks the layers'))).toHaveLength(2);
  }, 60_000);

  it('an adapter built outside the composition root, and not inside it', async () => {
    const probe = "import { LocalBlobStore } from '../storage/local-store.ts';\nexport const store = new LocalBlobStore('/tmp/x');\n";
    expect((await messages('analysis', probe)).some((m) => m.includes('server/analysis/ builds an adapter'))).toBe(true);
    expect((await messages('composition', probe)).filter((m) => m.startsWith('no-restricted-syntax'))).toEqual([]);
  }, 60_000);
});
