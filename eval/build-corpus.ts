/**
 * Rebuilds eval/corpus/ (committed, so `npm run eval` needs only `npm ci`) from files that other
 * people made and that ship in npm packages and Debian packages. Run it only to change the corpus:
 *
 *   apt-get install python3-skimage sound-theme-freedesktop libtasn1-doc shared-mime-info espeak-ng git fonts-dejavu-core
 *   npx tsx eval/build-corpus.ts [--root /]     # --root: where those packages' files are (e.g. an unpacked .deb tree)
 *
 * File names are neutral (file001.jpg…) so that a file is found by what it holds, never by its name.
 * Every step is deterministic: same inputs, same bytes (espeak-ng and ffmpeg are run without
 * randomness; ffmpeg's encoder tags are stripped).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import ffmpeg from '@ffmpeg-installer/ffmpeg';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import sharp from 'sharp';
import { CORPUS_DIR, ROOT, type CorpusFile } from './lib.ts';

const run = promisify(execFile);
const argRoot = process.argv.indexOf('--root');
const SYS = argRoot > 0 ? process.argv[argRoot + 1]! : '/';
/** Under --root when the file is there, else the installed one: lets an unpacked .deb stand in for an install. */
const sys = (p: string) => (existsSync(path.join(SYS, p)) ? path.join(SYS, p) : path.join('/', p));
const SKIMAGE = sys('usr/lib/python3/dist-packages/skimage/data');
const SOUNDS = sys('usr/share/sounds/freedesktop/stereo');
const LICENSES = sys('usr/share/common-licenses');
const nm = (p: string) => path.join(ROOT, 'node_modules', p);

const SKIMAGE_SRC = 'scikit-image sample data (Debian python3-skimage, skimage/data; descriptions and terms in skimage/data/_fetchers.py)';

interface ImageSpec { src: string; source: string; licence: string; content: string }
const IMAGES: ImageSpec[] = [
  { src: `${SKIMAGE}/astronaut.png`, source: SKIMAGE_SRC, licence: 'NASA, no known copyright restrictions', content: 'Portrait of astronaut Eileen Collins in an orange flight suit, US flag and a space shuttle model behind her' },
  { src: `${SKIMAGE}/camera.png`, source: SKIMAGE_SRC, licence: 'BSD-3-Clause (scikit-image)', content: 'Grayscale photo of a man (cameraman) with a camera on a tripod in a park' },
  { src: `${SKIMAGE}/chelsea.png`, source: SKIMAGE_SRC, licence: 'CC0 (Stefan van der Walt)', content: 'Chelsea the cat: close-up of a tabby cat' },
  { src: `${SKIMAGE}/coffee.png`, source: SKIMAGE_SRC, licence: 'CC0 (Rachel Michetti)', content: 'A cup of coffee on a saucer with a spoon, on a wooden table' },
  { src: `${SKIMAGE}/coins.png`, source: SKIMAGE_SRC, licence: 'Brooklyn Museum, no known copyright restrictions', content: 'Greek coins from Pompeii on a gray background (grayscale)' },
  { src: `${SKIMAGE}/horse.png`, source: SKIMAGE_SRC, licence: 'CC0 (Andreas Preuss)', content: 'Black silhouette of a horse on white' },
  { src: `${SKIMAGE}/hubble_deep_field.jpg`, source: SKIMAGE_SRC, licence: 'NASA, public domain', content: 'Hubble eXtreme Deep Field: galaxies in deep space' },
  { src: `${SKIMAGE}/moon.png`, source: SKIMAGE_SRC, licence: 'BSD-3-Clause (scikit-image)', content: 'Low-contrast grayscale photo of the surface of the moon, craters' },
  { src: `${SKIMAGE}/motorcycle_left.png`, source: SKIMAGE_SRC, licence: 'Middlebury stereo data set, research use', content: 'A motorcycle parked indoors, side view' },
  { src: `${SKIMAGE}/retina.jpg`, source: SKIMAGE_SRC, licence: 'CC0 (Mikael Häggström)', content: 'Fundus photograph of a human retina (eye), red-orange disc' },
  { src: `${SKIMAGE}/rocket.jpg`, source: SKIMAGE_SRC, licence: 'SpaceX, public domain', content: 'Falcon 9 rocket launch carrying DSCOVR, flames and smoke, blue sky' },
  { src: `${SKIMAGE}/page.png`, source: SKIMAGE_SRC, licence: 'BSD-3-Clause (scikit-image)', content: "Photo of a printed book page: 'Region-based segmentation … markers of the coins and the background … histogram of grey values'" },
  { src: `${SKIMAGE}/text.png`, source: SKIMAGE_SRC, licence: 'public domain (Wikipedia Corner.png)', content: 'Handwritten mathematical formulas on lined paper, photographed at an angle' },
  { src: `${SKIMAGE}/brick.png`, source: SKIMAGE_SRC, licence: 'CC0 (Stefan van der Walt)', content: 'Texture: a brick wall (grayscale)' },
  { src: `${SKIMAGE}/grass.png`, source: SKIMAGE_SRC, licence: 'CC0 (Stefan van der Walt)', content: 'Texture: grass (grayscale)' },
  { src: `${SKIMAGE}/gravel.png`, source: SKIMAGE_SRC, licence: 'CC0 (Stefan van der Walt)', content: 'Texture: gravel, small stones (grayscale)' },
  { src: `${SKIMAGE}/ihc.png`, source: SKIMAGE_SRC, licence: 'CMMI, no known copyright restrictions', content: 'Microscopy: immunohistochemical staining of colonic glands, brown and blue tissue' },
  { src: `${SKIMAGE}/cell.png`, source: SKIMAGE_SRC, licence: 'BSD-3-Clause (scikit-image)', content: 'Microscopy: quantitative phase image of a single cell floating in saline' },
  { src: `${SKIMAGE}/clock_motion.png`, source: SKIMAGE_SRC, licence: 'public domain (Stefan van der Walt)', content: 'Motion-blurred wall clock (grayscale)' },
  { src: `${SKIMAGE}/logo.png`, source: SKIMAGE_SRC, licence: 'BSD-3-Clause (scikit-image)', content: "The scikit-image logo with the words 'scikit image'" },
  { src: nm('@fastify/static/example/public/images/sample.jpg'), source: 'npm @fastify/static, example/public/images/sample.jpg', licence: 'MIT (@fastify/static)', content: "A red rubber stamp reading 'SAMPLE'" },
  { src: nm('tesseract.js/docs/images/tesseract.png'), source: 'npm tesseract.js, docs/images/tesseract.png', licence: 'Apache-2.0 (tesseract.js)', content: 'The tesseract.js logo / banner with text' },
  { src: nm('@vladmandic/human/assets/screenshot-typedoc.png'), source: 'npm @vladmandic/human, assets/screenshot-typedoc.png', licence: 'MIT (@vladmandic/human)', content: 'Screenshot of API documentation web page (TypeDoc) for the Human library' },
];

interface VideoSpec { images: string[]; narration?: string; content: string }
const VIDEOS: VideoSpec[] = [
  { images: ['rocket.jpg'], narration: 'Launch photo of DSCOVR on Falcon 9 by SpaceX. Falcon 9 carrying DSCOVR lifted off from SpaceX Launch Complex 40 at Cape Canaveral Air Force Station, Florida.', content: 'Slow zoom into the Falcon 9 rocket launch photo, spoken description of the launch' },
  { images: ['astronaut.png'], narration: 'Photograph of Eileen Collins, an American astronaut. She was selected as an astronaut in 1992 and first piloted the space shuttle in 1995.', content: 'Slow zoom into the astronaut portrait, spoken biography of Eileen Collins' },
  { images: ['chelsea.png'], content: 'Silent slow zoom on Chelsea the cat' },
  { images: ['motorcycle_left.png', 'motorcycle_right.png'], content: 'Silent clip: the parked motorcycle seen from two viewpoints' },
  { images: ['coffee.png'], narration: 'Coffee cup. This photograph is courtesy of Pikolo Espresso Bar. It contains several elliptical shapes as well as varying texture, from smooth porcelain to coarse wood grain.', content: 'Coffee cup on a table, spoken description' },
  { images: ['moon.png'], narration: 'Surface of the moon. This low contrast image of the surface of the moon is useful for illustrating histogram equalization and contrast stretching.', content: 'The moon surface, spoken description' },
  { images: ['hubble_deep_field.jpg'], narration: 'Hubble eXtreme Deep Field. This photograph contains the Hubble Telescope farthest ever view of the universe.', content: 'Hubble deep field galaxies, spoken description' },
  { images: ['coins.png'], narration: 'Greek coins from Pompeii. This image shows several coins outlined against a gray background.', content: 'Greek coins, spoken description' },
  { images: ['clock_motion.png', 'camera.png'], content: 'Silent clip: the blurred wall clock, then the cameraman' },
  { images: ['chelsea.png', 'coffee.png', 'astronaut.png'], content: 'Silent slideshow: the cat, the coffee cup, the astronaut' },
];

/** Public texts read aloud by espeak-ng; `title` goes into the MP3's ID3 title when set, as audiobooks carry one. */
interface SpeechSpec { text: string; title?: string; content: string }
const SPEECH: SpeechSpec[] = [
  { text: await licenceExcerpt('GPL-3', 'The GNU General Public License is a free', 900), title: 'GNU General Public License, preamble', content: 'Spoken: preamble of the GNU GPL version 3 (free software, freedom to share and change)' },
  { text: await licenceExcerpt('Apache-2.0', 'TERMS AND CONDITIONS', 700), content: 'Spoken: Apache License 2.0, definitions (License, Licensor, Legal Entity)' },
  { text: await licenceExcerpt('CC0-1.0', 'Statement of Purpose', 800), title: 'Creative Commons Zero, statement of purpose', content: 'Spoken: CC0 statement of purpose (copyright, commons, creative works)' },
  { text: await licenceExcerpt('MPL-2.0', '1. Definitions', 700), content: 'Spoken: Mozilla Public License 2.0, definitions (Contributor, Covered Software)' },
  { text: await licenceExcerpt('GFDL-1.3', '0. PREAMBLE', 700), title: 'GNU Free Documentation License, preamble', content: 'Spoken: GNU FDL preamble (manual, textbook, freedom to copy)' },
  { text: 'Chelsea the cat. An example with texture, prominent edges in horizontal and diagonal directions, as well as features of differing scales.', content: 'Spoken: description of the photo of Chelsea the cat' },
  { text: 'Human retina. This image of a retina is useful for demonstrations requiring circular images. Fundus photograph of a normal left eye.', content: 'Spoken: description of a photo of the human retina (eye)' },
  { text: 'Black and white silhouette of a horse. Motion blurred clock. This photograph of a wall clock was taken while moving the camera in an approximately horizontal direction.', title: 'Image descriptions', content: 'Spoken: descriptions of the horse silhouette and the blurred clock' },
];

interface SoundSpec { name: string; content: string; licence: string }
const SOUNDS_USED: SoundSpec[] = [
  { name: 'alarm-clock-elapsed', content: 'An alarm clock ringing', licence: 'CC-BY-SA-3.0 (Tim/corsica_s)' },
  { name: 'phone-incoming-call', content: 'A telephone ringing (incoming call)', licence: 'CC-BY-SA-3.0' },
  { name: 'camera-shutter', content: 'A camera shutter click', licence: 'CC-BY-SA-3.0 (horsthorstensen)' },
  { name: 'bell', content: 'A short bell', licence: 'CC-BY-3.0 (Dr. Richard Boulanger et al)' },
  { name: 'trash-empty', content: 'Crumpling paper / emptying the trash', licence: 'CC-BY-3.0 (Dr. Richard Boulanger et al)' },
  { name: 'audio-channel-front-left', content: "A voice saying 'front left' (speaker test)", licence: 'GPL-2+ (The ALSA developers)' },
  { name: 'audio-test-signal', content: 'Test signal noise (speaker test)', licence: 'GPL-2+ (The ALSA developers)' },
];

interface DocSpec { kind: 'copy' | 'pdf' | 'scan' | 'copytext'; src: string; title?: string; maxChars?: number; ext: string; source: string; licence: string; content: string }
const DOCS: DocSpec[] = [
  { kind: 'copy', src: sys('usr/share/doc/libtasn1-doc/libtasn1.pdf'), ext: 'pdf', source: 'Debian libtasn1-doc', licence: 'GFDL-1.3+', content: 'GNU Libtasn1 reference manual (ASN.1 parsing library, DER encoding)' },
  { kind: 'copy', src: sys('usr/share/doc/shared-mime-info/shared-mime-info-spec.pdf'), ext: 'pdf', source: 'Debian shared-mime-info', licence: 'GPL-2+', content: 'Shared MIME-info Database specification (freedesktop.org, MIME types, magic)' },
  { kind: 'pdf', src: `${LICENSES}/GPL-3`, maxChars: 9000, ext: 'pdf', source: 'Debian base-files, /usr/share/common-licenses/GPL-3 typeset with pdf-lib', licence: 'verbatim copying permitted', content: 'GNU General Public License version 3 (first pages)' },
  { kind: 'pdf', src: `${LICENSES}/Apache-2.0`, maxChars: 9000, ext: 'pdf', source: 'Debian base-files, common-licenses/Apache-2.0 typeset with pdf-lib', licence: 'Apache-2.0 text', content: 'Apache License 2.0 (patent grant, redistribution, trademarks)' },
  { kind: 'pdf', src: `${LICENSES}/MPL-2.0`, maxChars: 9000, ext: 'pdf', source: 'Debian base-files, common-licenses/MPL-2.0 typeset with pdf-lib', licence: 'MPL-2.0 text', content: 'Mozilla Public License 2.0' },
  { kind: 'pdf', src: `${LICENSES}/CC0-1.0`, ext: 'pdf', source: 'Debian base-files, common-licenses/CC0-1.0 typeset with pdf-lib', licence: 'CC0 legal code', content: 'Creative Commons CC0 1.0 Universal public domain dedication' },
  { kind: 'pdf', src: `${LICENSES}/GFDL-1.3`, maxChars: 9000, ext: 'pdf', source: 'Debian base-files, common-licenses/GFDL-1.3 typeset with pdf-lib', licence: 'verbatim copying permitted', content: 'GNU Free Documentation License 1.3 (manuals, documentation)' },
  { kind: 'copytext', src: `${LICENSES}/BSD`, ext: 'txt', source: 'Debian base-files, common-licenses/BSD', licence: 'BSD licence text', content: 'BSD licence (Regents of the University of California, redistribution conditions)' },
  { kind: 'copytext', src: `${LICENSES}/Artistic`, ext: 'txt', source: 'Debian base-files, common-licenses/Artistic', licence: 'Artistic licence text', content: 'The Artistic License (Perl, Package, Copyright Holder)' },
  { kind: 'copytext', src: `${LICENSES}/LGPL-2.1`, ext: 'txt', source: 'Debian base-files, common-licenses/LGPL-2.1', licence: 'verbatim copying permitted', content: 'GNU Lesser General Public License 2.1 (libraries)' },
  { kind: 'copytext', src: sys('usr/share/doc/git/README.md'), ext: 'md', source: 'Debian git, README.md', licence: 'GPL-2', content: 'Git README: the fast, scalable, distributed revision control system' },
  { kind: 'copytext', src: sys('usr/share/doc/fonts-dejavu-core/README.md'), ext: 'md', source: 'Debian fonts-dejavu-core, README.md', licence: 'Bitstream Vera licence (DejaVu)', content: 'DejaVu fonts README (font family based on Bitstream Vera, glyph coverage)' },
  { kind: 'scan', src: `${SKIMAGE}/page.png`, ext: 'pdf', source: `${SKIMAGE_SRC}: page.png placed as a picture in a PDF with no text layer`, licence: 'BSD-3-Clause (scikit-image)', content: "Scanned page (no text layer): 'Region-based segmentation', markers of the coins and the background, histogram of grey values" },
  { kind: 'scan', src: `${LICENSES}/BSD`, ext: 'pdf', source: 'common-licenses/BSD rendered to a picture (sharp, SVG text) and placed in a PDF with no text layer', licence: 'BSD licence text', content: 'Scanned BSD licence page (no text layer): Regents of the University of California, redistribution' },
];

async function licenceExcerpt(name: string, from: string, chars: number): Promise<string> {
  const all = await fs.readFile(`${LICENSES}/${name}`, 'utf8');
  const start = Math.max(0, all.indexOf(from));
  return all.slice(start, start + chars).replace(/\s+/g, ' ').replace(/\s\S*$/, '').trim();
}

const FFMPEG = ffmpeg.path;
const ff = (args: string[]) => run(FFMPEG, ['-hide_banner', '-loglevel', 'error', '-y', ...args, '-map_metadata', '-1', '-fflags', '+bitexact', '-flags:v', '+bitexact', '-flags:a', '+bitexact']);

async function speak(text: string, wav: string): Promise<void> {
  await run('espeak-ng', ['-v', 'en-us', '-s', '150', '-w', wav, text]);
}

async function main(): Promise<void> {
  await fs.rm(CORPUS_DIR, { recursive: true, force: true });
  await fs.mkdir(CORPUS_DIR, { recursive: true });
  const tmp = await fs.mkdtemp(path.join(CORPUS_DIR, '.tmp-'));
  const files: CorpusFile[] = [];
  let n = 0;
  const next = (ext: string) => `file${String(++n).padStart(3, '0')}.${ext}`;

  for (const img of IMAGES) {
    const name = next('jpg');
    // At most 1024 px and JPEG: keeps the committed corpus small; content is unchanged.
    await sharp(img.src).resize(1024, 1024, { fit: 'inside', withoutEnlargement: true }).flatten({ background: '#ffffff' })
      .jpeg({ quality: 82 }).toFile(path.join(CORPUS_DIR, name));
    files.push({ file: name, type: 'image', source: img.source, licence: img.licence, content: img.content });
  }

  for (const v of VIDEOS) {
    const name = next('mp4');
    const per = v.images.length === 1 ? 8 : 4;
    const args: string[] = [];
    for (const img of v.images) args.push('-loop', '1', '-t', String(per), '-i', `${SKIMAGE}/${img}`);
    let audio: string[] = ['-an'];
    if (v.narration) {
      const wav = path.join(tmp, `${name}.wav`);
      await speak(v.narration, wav);
      args.push('-i', wav);
      audio = ['-map', `${v.images.length}:a`, '-c:a', 'aac', '-b:a', '48k'];
    }
    const scaled = v.images.map((_, i) => `[${i}:v]scale=640:360:force_original_aspect_ratio=decrease,pad=640:360:(ow-iw)/2:(oh-ih)/2,setsar=1,fps=10[v${i}]`);
    const concat = `${v.images.map((_, i) => `[v${i}]`).join('')}concat=n=${v.images.length}:v=1:a=0,format=yuv420p[out]`;
    await ff([...args, '-filter_complex', [...scaled, concat].join(';'), '-map', '[out]', ...audio,
      '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '30', '-threads', '1', '-t', String(per * v.images.length), path.join(CORPUS_DIR, name)]);
    files.push({ file: name, type: 'video', source: `${SKIMAGE_SRC}${v.narration ? ', narration by espeak-ng reading the image description' : ''}, assembled with ffmpeg`, licence: 'see the images used', content: v.content });
  }

  for (const s of SPEECH) {
    const name = next('mp3');
    const wav = path.join(tmp, `${name}.wav`);
    await speak(s.text, wav);
    await run(FFMPEG, ['-hide_banner', '-loglevel', 'error', '-y', '-i', wav, '-map_metadata', '-1', ...(s.title ? ['-metadata', `title=${s.title}`] : []),
      '-c:a', 'libmp3lame', '-b:a', '48k', '-ac', '1', '-fflags', '+bitexact', path.join(CORPUS_DIR, name)]);
    files.push({ file: name, type: 'audio', source: 'espeak-ng reading a public text (Debian common-licenses or scikit-image image descriptions)', licence: 'text licence applies', content: s.content });
  }
  for (const s of SOUNDS_USED) {
    const name = next('ogg');
    await fs.copyFile(`${SOUNDS}/${s.name}.oga`, path.join(CORPUS_DIR, name));
    files.push({ file: name, type: 'audio', source: `Debian sound-theme-freedesktop, ${s.name}.oga`, licence: s.licence, content: s.content });
  }

  for (const d of DOCS) {
    const name = next(d.ext);
    const out = path.join(CORPUS_DIR, name);
    if (d.kind === 'copy') await fs.copyFile(d.src, out);
    else if (d.kind === 'copytext') await fs.writeFile(out, await fs.readFile(d.src));
    else if (d.kind === 'pdf') await fs.writeFile(out, await typeset((await fs.readFile(d.src, 'utf8')).slice(0, d.maxChars ?? 20_000)));
    else await fs.writeFile(out, await scannedPdf(d.src, tmp));
    files.push({ file: name, type: 'document', source: d.source, licence: d.licence, content: d.content });
  }

  await fs.rm(tmp, { recursive: true, force: true });
  await fs.writeFile(path.join(CORPUS_DIR, 'manifest.json'), `${JSON.stringify(files, null, 2)}\n`);
  await fs.writeFile(path.join(CORPUS_DIR, 'SOURCES.md'), sourcesMarkdown(files));
  process.stdout.write(`${files.length} files in ${path.relative(ROOT, CORPUS_DIR)}\n`);
}

/** Plain text on A4 pages in Helvetica (WinAnsi only: other characters become '?'). */
async function typeset(text: string): Promise<Uint8Array> {
  const pdf = fixedDates(await PDFDocument.create());
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  const size = 10;
  const lines = text.replace(/\t/g, '    ').replace(/[^\n\x20-\x7e]/g, '?').split('\n');
  let page = pdf.addPage([595, 842]);
  let y = 800;
  for (const line of lines) {
    if (y < 50) {
      page = pdf.addPage([595, 842]);
      y = 800;
    }
    page.drawText(line, { x: 50, y, size, font });
    y -= size * 1.3;
  }
  return pdf.save({ useObjectStreams: false });
}

/** A PDF whose only content is a picture of the page: what a scanner without OCR produces. */
async function scannedPdf(src: string, tmp: string): Promise<Uint8Array> {
  let png: Buffer;
  if (src.endsWith('.png')) png = await sharp(src).png().toBuffer();
  else {
    const lines = (await fs.readFile(src, 'utf8')).split('\n').slice(0, 40);
    const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="1240" height="1754"><rect width="100%" height="100%" fill="#f4f1ea"/>${
      lines.map((l, i) => `<text x="90" y="${120 + i * 34}" font-family="DejaVu Serif, serif" font-size="24" fill="#222">${esc(l)}</text>`).join('')}</svg>`;
    png = await sharp(Buffer.from(svg)).png().toBuffer();
    await fs.writeFile(path.join(tmp, 'scan.png'), png);
  }
  const pdf = fixedDates(await PDFDocument.create());
  const image = await pdf.embedPng(png);
  const page = pdf.addPage([595, 842]);
  const scale = Math.min(515 / image.width, 762 / image.height);
  page.drawImage(image, { x: 40, y: 842 - 40 - image.height * scale, width: image.width * scale, height: image.height * scale });
  return pdf.save({ useObjectStreams: false });
}

/** pdf-lib stamps the current time; a fixed one keeps rebuilt PDFs byte-identical. */
function fixedDates(pdf: PDFDocument): PDFDocument {
  const epoch = new Date(Date.UTC(2000, 0, 1));
  pdf.setCreationDate(epoch);
  pdf.setModificationDate(epoch);
  pdf.setProducer('pdf-lib');
  return pdf;
}

function sourcesMarkdown(files: CorpusFile[]): string {
  const rows = files.map((f) => `| ${f.file} | ${f.type} | ${f.content.replace(/\|/g, '/')} | ${f.source.replace(/\|/g, '/')} | ${f.licence} |`);
  return `# Evaluation corpus: sources and licences

Built by \`eval/build-corpus.ts\` from files that ship in npm and Debian packages; nobody on this
project authored their content. Names are neutral on purpose. Speech is espeak-ng reading the text
named; videos are ffmpeg slideshows of the photos named.

| File | Type | Content | Source | Licence |
|---|---|---|---|---|
${rows.join('\n')}
`;
}

await main();
