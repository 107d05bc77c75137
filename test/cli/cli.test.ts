import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SearchResponse, Upload, UploadList } from '../../shared/api/schemas.ts';
import { trove } from '../helpers/cli.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

/**
 * Black-box tests of `trove add | search | status`: the real CLI (bin/trove.js, as a child process)
 * against the real server (PGlite, real models), on files made here.
 */

const jpeg = (r: number, g: number, b: number) =>
  sharp({ create: { width: 64, height: 48, channels: 3, background: { r, g, b } } }).jpeg().toBuffer();

async function write(file: string, content: string | Buffer): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, content);
}

async function closedPort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise((r) => srv.close(r));
  return port;
}

describe('trove CLI against a real server', () => {
  let server: TestServer;
  let root: string;
  let mixed: string;
  let clean: string;
  let byToken: Record<string, string>;
  let byDataDir: Record<string, string>;

  beforeAll(async () => {
    [server, root] = await Promise.all([startTestServer(), fs.mkdtemp(path.join(os.tmpdir(), 'trove-cli-'))]);
    byToken = { TROVE_URL: server.url, TROVE_TOKEN: server.token };
    byDataDir = { TROVE_DATA_DIR: server.dataDir };

    mixed = path.join(root, 'mixed');
    await write(path.join(mixed, 'photo.jpg'), await jpeg(200, 30, 30));
    await write(path.join(mixed, 'notes', 'trip.md'), '# Trip\n\nWe packed a theodolite and some gingerbread for the fjord crossing.\n');
    await write(path.join(mixed, 'notes', 'deeper', 'list.txt'), 'shopping list: lentils, saffron, batteries\n');
    await write(path.join(mixed, 'empty.txt'), '');
    await write(path.join(mixed, '.hidden', 'secret.txt'), 'never uploaded: hidden folder\n');
    await write(path.join(mixed, '.dotfile.txt'), 'never uploaded: hidden file\n');
    await fs.symlink('..', path.join(mixed, 'notes', 'loop')); // a cycle the walk must not follow forever

    clean = path.join(root, 'clean');
    await write(path.join(clean, 'festival.md'), '# Festival\n\nThe quokka parade ended with marmalade fireworks over the harbour.\n');
    await write(path.join(clean, 'pics', 'blue.jpg'), await jpeg(20, 40, 220));
  });

  afterAll(async () => {
    await server?.close();
    if (root) await fs.rm(root, { recursive: true, force: true });
  });

  it('add: uploads a folder recursively, skips hidden files and loops, and exits 1 for the 0-byte file', async () => {
    // Found through the data dir alone: server.json for the URL, the token file for the token.
    const run = await trove(['add', 'mixed'], byDataDir, root);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(1);
    const lines = run.stdout.split('\n');
    expect(lines).toContain(`added    ${path.join('mixed', 'photo.jpg')}`);
    expect(lines).toContain(`added    ${path.join('mixed', 'notes', 'trip.md')}`);
    expect(lines).toContain(`added    ${path.join('mixed', 'notes', 'deeper', 'list.txt')}`);
    expect(lines.some((l) => l.startsWith(`failed   ${path.join('mixed', 'empty.txt')}: EMPTY_FILE `))).toBe(true);
    expect(run.stdout).toContain('3 added, 0 skipped (already in Trove), 1 failed.');
    expect(run.stdout).not.toMatch(/secret|dotfile/);

    const { body } = await server.json<UploadList>('/api/v1/uploads?limit=100');
    expect(body.data.uploads.map((u) => u.filename).sort()).toEqual(['list.txt', 'photo.jpg', 'trip.md']);
  });

  it('add: a second run reports every file as a duplicate', async () => {
    const run = await trove(['add', mixed, '--json'], byToken);
    expect(run.code).toBe(1); // the empty file still fails
    const out = JSON.parse(run.stdout) as { added: unknown[]; duplicates: { path: string }[]; failed: { path: string; code: string; stage: string }[] };
    expect(out.added).toEqual([]);
    expect(out.duplicates.map((d) => path.basename(d.path)).sort()).toEqual(['list.txt', 'photo.jpg', 'trip.md']);
    expect(out.failed).toEqual([expect.objectContaining({ path: path.join(mixed, 'empty.txt'), code: 'EMPTY_FILE', stage: 'upload' })]);

    const plain = await trove(['add', path.join(mixed, 'photo.jpg')], byToken);
    expect(plain.code).toBe(0);
    expect(plain.stdout).toContain('skipped');
    expect(plain.stdout).toContain('photo.jpg (already in Trove)');
  });

  it('add --wait: follows processing until every file of a clean folder is completed, exit 0', async () => {
    const run = await trove(['add', clean, '--wait', '--json', '--concurrency', '2'], byToken);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout) as { added: { path: string; upload_id: string; status: string; file_type: string }[]; failed: unknown[]; duplicates: unknown[] };
    expect(out.failed).toEqual([]);
    expect(out.duplicates).toEqual([]);
    expect(out.added.map((a) => [path.basename(a.path), a.status, a.file_type]).sort()).toEqual([
      ['blue.jpg', 'completed', 'image'],
      ['festival.md', 'completed', 'document'],
    ]);
    for (const a of out.added) {
      const { body } = await server.json<{ processing_status: string }>(`/api/v1/file/${a.upload_id}/metadata`);
      expect(body.data.processing_status).toBe('completed');
    }
  });

  it('add --wait: exit 1 and the processing error when the server cannot process a file', async () => {
    const broken = path.join(root, 'broken.jpg');
    await write(broken, Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0]), Buffer.from('not really a jpeg '.repeat(30))]));
    const run = await trove(['add', broken, '--wait'], byToken);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/failed {3}.*broken\.jpg: CORRUPT_FILE /);
    expect(run.stdout).toContain('0 added, 0 skipped (already in Trove), 1 failed.');
  });

  it('search: finds the text file by a word from its content; --type filters; --json is the raw data', async () => {
    const json = await trove(['search', 'marmalade fireworks', '--json'], byToken);
    expect(json.code).toBe(0);
    const data = JSON.parse(json.stdout) as SearchResponse;
    expect(data.search_id).toEqual(expect.any(String));
    expect(data.results[0]).toMatchObject({ filename: 'festival.md', file_type: 'document' });

    const [images, table] = await Promise.all([
      trove(['search', 'marmalade', '--type', 'image', '--json'], byToken),
      trove(['search', 'marmalade', '--type', 'document,audio', '--limit', '1'], byToken),
    ]);
    expect(images.code).toBe(0);
    expect((JSON.parse(images.stdout) as SearchResponse).results.every((r) => r.file_type === 'image')).toBe(true);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^Understood: "marmalade" · type document · type audio$/m);
    expect(table.stdout).toMatch(/^ {2}1\. festival\.md · document · \d{4}-\d{2}-\d{2} · \d+ B · score \d\.\d{3}$/m);
    expect(table.stdout).toMatch(/^ {5}words in the (description|text): .*«marmalade»/m);
    expect(table.stdout).toMatch(/^Results 1–1 of \d+.*, in \d+ ms\.$/m);
  });

  it('status: counts uploads by status and lists recent failures', async () => {
    // The first run did not wait; let its files finish so the counts are settled.
    const { body } = await server.json<UploadList>('/api/v1/uploads?limit=100');
    await Promise.all(body.data.uploads.map((u) => server.waitForUpload(u.id)));

    const run = await trove(['status', '--json'], byDataDir);
    expect(run.code).toBe(0);
    const status = JSON.parse(run.stdout) as {
      url: string; health: { status: string }; counts: Record<string, number>; recent_failures: { filename: string; code: string }[];
    };
    expect(status.url).toBe(server.url);
    expect(status.health.status).toBe('ok');
    expect(status.counts).toEqual({ total: 6, pending: 0, processing: 0, completed: 5, failed: 1 });
    expect(status.recent_failures).toEqual([expect.objectContaining({ filename: 'broken.jpg', code: 'CORRUPT_FILE' })]);

    const plain = await trove(['status'], byToken);
    expect(plain.code).toBe(0);
    expect(plain.stdout).toContain(`at ${server.url}`);
    expect(plain.stdout).toContain('6 total — 5 completed, 0 processing, 0 pending, 1 failed');
    expect(plain.stdout).toMatch(/broken\.jpg: CORRUPT_FILE/);
  });

  it('add --keep-local: sent with keep_local: true; usage and status tell this month\'s AI use', async () => {
    await write(path.join(root, 'private', 'passport.md'), '# Passport\n\nNumber X1234567, renewed at the consulate in Lyon.\n');
    await write(path.join(root, 'private2', 'diary.md'), '# Diary\n\nThe heron came back to the pond today.\n');
    const run = await trove(['add', path.join(root, 'private'), '--keep-local', '--wait', '--json'], byToken);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout) as { added: { upload_id: string; status: string }[]; keep_local: boolean };
    expect(out.keep_local).toBe(true);
    expect(out.added).toHaveLength(1);
    const { body } = await server.json<Upload>(`/api/v1/file/${out.added[0]!.upload_id}/metadata`);
    expect(body.data.user_metadata).toEqual({ keep_local: true });
    expect(body.data.keep_local).toBe(true);
    expect(body.data.cloud_status).toBe('kept_local');

    const plain = await trove(['add', path.join(root, 'private2'), '--keep-local'], byToken);
    expect(plain.code).toBe(0);
    expect(plain.stdout).toContain('Kept on this device: no cloud AI model sees the file added.');
    const [diary] = (await server.json<UploadList>('/api/v1/uploads?limit=100')).body.data.uploads.filter((u) => u.filename === 'diary.md');
    expect(diary!.keep_local).toBe(true);

    // The embedded default calls no paid model: usage says so, and so does status.
    const usage = await trove(['usage'], byToken);
    expect(usage.stderr).toBe('');
    expect(usage.code).toBe(0);
    expect(usage.stdout).toMatch(/^AI usage \d{4}-\d{2}-01 – \d{4}-\d{2}-\d{2} \(UTC\)\n/);
    expect(usage.stdout).toMatch(/everything (is|was) analysed on this device/);
    const usageJson = await trove(['usage', '--json', '--from', '2026-01-01', '--to', '2026-01-31'], byToken);
    expect(JSON.parse(usageJson.stdout)).toMatchObject({ from: '2026-01-01', to: '2026-01-31', total: { calls: 0, cost_usd: 0 } });
    const status = await trove(['status'], byToken);
    expect(status.stdout).toContain('AI usage:   none this month (files are analysed on this device)');
    const statusJson = JSON.parse((await trove(['status', '--json'], byToken)).stdout) as { ai_usage: { total: { calls: number }; budget: { awaiting_budget: number } } };
    expect(statusJson.ai_usage).toMatchObject({ total: { calls: 0 }, budget: { awaiting_budget: 0 } });

    const bad = await trove(['usage', '--from', 'March'], byToken);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^error USAGE: .*expected a day as YYYY-MM-DD/);
  });

  it('errors: unreachable server, wrong token, bad usage — a clear message, non-zero exit, no stack trace', async () => {
    const port = await closedPort();
    const down = { TROVE_URL: `http://127.0.0.1:${port}`, TROVE_TOKEN: server.token };
    const [status, add, search, badToken, badType, flags] = await Promise.all([
      trove(['status'], down),
      trove(['add', clean], down),
      trove(['search', 'anything'], down),
      trove(['status'], { TROVE_URL: server.url, TROVE_TOKEN: 'not-the-right-token-at-all' }),
      trove(['search', 'x', '--type', 'banana'], byToken),
      // --url/--token win over the environment
      trove(['status', '--json', '--url', `${server.url}/api/v1/`, '--token', server.token], { ...down, TROVE_TOKEN: 'not-the-right-token-at-all' }),
    ]);
    expect(flags.stderr).toBe('');
    expect(flags.code).toBe(0);
    expect(JSON.parse(flags.stdout)).toMatchObject({ url: server.url, health: { status: 'ok' } });
    const notRunning = `error SERVER_UNREACHABLE: Trove is not running at http://127.0.0.1:${port} — start it with \`npx trove serve\`.\n`;
    for (const run of [status, add, search]) {
      expect(run.code).toBe(1);
      expect(run.stderr).toBe(notRunning);
      expect(run.stdout).toBe('');
    }
    expect(badToken.code).toBe(1);
    expect(badToken.stderr).toMatch(/^error UNAUTHORIZED: /);
    expect(badType.code).toBe(2);
    expect(badType.stderr).toBe("error USAGE: Unknown file type 'banana'; use one of image, video, audio, document.\n");
    for (const run of [status, add, search, badToken, badType]) expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});
