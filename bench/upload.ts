/**
 * Upload: `POST /api/v1/upload` throughput for 1 MB and 100 MB files against a raw loopback HTTP
 * stream to disk (a tiny node:http server that pipes the request body to a file), both servers in
 * their own process, both fed the same multipart bytes by the same client. Also the server's peak
 * RSS growth while it receives 100 MB, sampled from /proc every 10 ms.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { bigWav, photoJpeg } from './fixtures.ts';
import {
  BENCH_TOKEN, lessThroughput, log, median, multipartFraming, procMemory, round, sampleRss, slower, startChildServer, tempDir, waitFor,
  type BenchOptions, type ChildServer, type Row, type SectionResult,
} from './lib.ts';

const MB = 1_000_000;
const RSS_GOAL_MB = 64;

/** The raw baseline: node:http piping each request body to its own file, nothing else. */
const RAW_SINK = `
const http = require('node:http'), fs = require('node:fs'), path = require('node:path');
const dir = process.argv[1]; let n = 0;
http.createServer((req, res) => {
  const file = path.join(dir, 'up-' + (n++));
  req.pipe(fs.createWriteStream(file)).on('finish', () => { res.end('ok'); fs.rm(file, () => {}); });
}).listen(0, '127.0.0.1', function () { process.stdout.write(JSON.stringify({ port: this.address().port }) + '\\n'); });`;

async function startRawSink(dir: string): Promise<{ pid: number; url: string; stop: () => void }> {
  const child = spawn(process.execPath, ['-e', RAW_SINK, dir], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    child.stdout.once('data', (d: Buffer) => resolve(d.toString()));
    child.once('exit', () => reject(new Error('raw sink exited')));
  });
  const { port } = JSON.parse(line) as { port: number };
  return { pid: child.pid!, url: `http://127.0.0.1:${port}/upload`, stop: () => child.kill('SIGTERM') };
}

const agent = new http.Agent({ keepAlive: true });

/** Sends one multipart body; resolves with the elapsed ms and the response. */
function post(url: string, body: Buffer[], contentType: string, headers: Record<string, string> = {}): Promise<{ ms: number; status: number; text: string }> {
  const length = body.reduce((n, b) => n + b.length, 0);
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', agent, headers: { 'content-type': contentType, 'content-length': String(length), ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ ms: performance.now() - started, status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
      res.on('error', reject);
    });
    req.on('error', reject);
    for (const b of body) req.write(b);
    req.end();
  });
}

async function troveUpload(server: ChildServer, content: Buffer, filename: string): Promise<{ ms: number; jobId: string }> {
  const { head, tail, contentType } = multipartFraming(filename);
  const res = await post(`${server.url}/api/v1/upload`, [head, content, tail], contentType, { authorization: `Bearer ${BENCH_TOKEN}` });
  if (res.status !== 202) throw new Error(`upload ${res.status}: ${res.text.slice(0, 300)}`);
  return { ms: res.ms, jobId: (JSON.parse(res.text) as { data: { job_id: string } }).data.job_id };
}

/** Waits until a job is no longer queued or processing, so its processing does not overlap the next measurement. */
async function settle(server: ChildServer, jobId: string): Promise<void> {
  await waitFor(`job ${jobId}`, async () => {
    const { data } = await server.json<{ status: string }>(`/api/v1/upload/status/${jobId}`);
    return ['completed', 'failed', 'cancelled'].includes(data.status) ? true : undefined;
  }, 120_000, 50);
}

export async function uploadBench(opts: BenchOptions): Promise<SectionResult> {
  const { dir, remove } = await tempDir('upload');
  const sinkDir = path.join(dir, 'sink');
  await fs.mkdir(sinkDir);
  let server: ChildServer | undefined;
  let sink: Awaited<ReturnType<typeof startRawSink>> | undefined;
  try {
    // A 1 MB JPEG (padded after its end marker to exactly 1 MB; a counter there makes each upload new bytes).
    const jpeg = await photoJpeg(1400, 1050, 1, 90);
    const small = Buffer.alloc(MB);
    jpeg.copy(small, 0, 0, Math.min(jpeg.length, MB - 16));
    const wavPath = path.join(dir, 'big.wav');
    await bigWav(wavPath, 100 * MB);
    const big = await fs.readFile(wavPath);

    server = await startChildServer(path.join(dir, 'data'));
    sink = await startRawSink(sinkDir);
    await server.search('warm up'); // the model loads in the background after start; let it finish first

    const smallRuns = opts.quick ? 5 : 20;
    const bigRuns = opts.quick ? 1 : 3;
    log(`upload: ${smallRuns} × 1 MB and ${bigRuns} × 100 MB, Trove and the raw sink alternating`);
    let counter = 0;
    const stamp = (buf: Buffer, at: number) => buf.writeUInt32LE(++counter, at);
    const troveSmall: number[] = [];
    const rawSmall: number[] = [];
    for (let i = 0; i < smallRuns + 1; i++) {
      stamp(small, MB - 8);
      const t = await troveUpload(server, small, `photo-${counter}.jpg`);
      await settle(server, t.jobId);
      const { head, tail, contentType } = multipartFraming(`photo-${counter}.jpg`);
      const r = await post(sink.url, [head, small, tail], contentType);
      if (i > 0) { // the first pair warms both paths
        troveSmall.push(t.ms);
        rawSmall.push(r.ms);
      }
    }

    const troveBig: number[] = [];
    const rawBig: number[] = [];
    const troveGrowth: number[] = [];
    const rawGrowth: number[] = [];
    for (let i = 0; i < bigRuns; i++) {
      stamp(big, 44);
      const before = (await procMemory(server.pid))!.rssMb;
      const sampler = sampleRss(server.pid, 10);
      const t = await troveUpload(server, big, `recording-${counter}.wav`);
      const { peakMb } = await sampler.stop();
      troveBig.push(t.ms);
      troveGrowth.push(peakMb - before);
      await settle(server, t.jobId);

      const { head, tail, contentType } = multipartFraming(`recording-${counter}.wav`);
      const rawBefore = (await procMemory(sink.pid))!.rssMb;
      const rawSampler = sampleRss(sink.pid, 10);
      const r = await post(sink.url, [head, big, tail], contentType);
      rawBig.push(r.ms);
      rawGrowth.push((await rawSampler.stop()).peakMb - rawBefore);
    }

    const mbps = (bytes: number, ms: number) => bytes / MB / (ms / 1000);
    const tput = (bytes: number, times: number[]) => mbps(bytes, median(times));
    const rows: Row[] = [];
    for (const [label, bytes, trove, raw] of [['1 MB', MB, troveSmall, rawSmall], ['100 MB', 100 * MB, troveBig, rawBig]] as const) {
      const value = tput(bytes, trove);
      const base = tput(bytes, raw);
      rows.push({
        section: 'upload', name: `POST /upload ${label} file, throughput`, value: round(value), unit: 'MB/s',
        baseline: { name: 'raw node:http → file', value: round(base) }, ratio: round(lessThroughput(value, base), 2),
        note: `median of ${trove.length}: ${round(median(trove))} ms vs ${round(median(raw))} ms`,
      });
    }
    const growth = Math.max(...troveGrowth);
    const rawMax = Math.max(...rawGrowth);
    rows.push({
      section: 'upload', name: 'server RSS growth during a 100 MB upload (peak)', value: round(growth), unit: 'MB',
      baseline: { name: 'raw sink RSS growth', value: round(rawMax) }, ratio: round(slower(Math.max(growth, 0.1), Math.max(rawMax, 0.1)), 2),
      goal: `< ${RSS_GOAL_MB} MB`, met: growth < RSS_GOAL_MB,
    });
    return { rows, details: { troveSmallMs: troveSmall.map((x) => round(x)), rawSmallMs: rawSmall.map((x) => round(x)), troveBigMs: troveBig.map((x) => round(x)), rawBigMs: rawBig.map((x) => round(x)), troveGrowthMb: troveGrowth.map((x) => round(x)), rawGrowthMb: rawGrowth.map((x) => round(x)) } };
  } finally {
    sink?.stop();
    await server?.stop();
    await remove();
  }
}
