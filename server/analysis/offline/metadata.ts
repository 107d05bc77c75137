// What a file's own metadata says (dimensions, EXIF, durations, tags, document facts)
// as sentences, tags and indexable texts. No model: the same input always gives the same output.
import {
  article, capitalize, clip, dimensions, num, oneLine, positive, rec, round, text, texts, type Rec, type Tags,
} from './text.ts';
import { addDateTags, addFormatTags, dateWords, FORMAT_LABELS, formatDuration, formatOf, timeOfDay, wallClock } from './names.ts';


/** What the description is assembled from: sentences in order, tags, and texts for full-text search. */
export interface Parts {
  sentences: string[];
  tags: Tags;
  texts: string[];
}

// ---------------------------------------------------------------------------------------------
// Images

export function describeImage(meta: Rec, mime: string, out: Parts): void {
  const exif = rec(meta.exif) ?? {};
  const format = formatOf(meta, mime);
  const size = dimensions(meta);
  const taken = wallClock(exif.takenAt);
  const camera = cameraName(exif.make, exif.model);
  const settings = cameraSettings(exif);
  const isPhoto = camera !== undefined || taken !== undefined || settings.length > 0;
  const kind = isPhoto ? 'photo' : 'image';
  out.tags.add('image');
  if (isPhoto) out.tags.add('photo');
  addFormatTags(out.tags, format);

  const first: string[] = [];
  if (size) {
    first.push(`${size.width}×${size.height}`);
    const shape = imageShape(size.width, size.height);
    first.push(`${shape.sizeClass} ${shape.panorama ? 'panorama' : shape.orientation}`);
    out.tags.add(shape.orientation, shape.sizeClass);
    if (shape.panorama) out.tags.add('panorama');
  }
  if (taken) {
    first.push(`taken on ${dateWords(taken)}${taken.hour !== undefined ? ` in the ${timeOfDay(taken.hour)}` : ''}`);
    addDateTags(out.tags, taken, true);
  }
  if (camera) {
    const phrase = `with ${article(camera.full)} ${camera.full}`;
    if (taken) first[first.length - 1] += ` ${phrase}`;
    else first.push(`taken ${phrase}`);
    out.tags.add(camera.make?.toLowerCase(), camera.full.toLowerCase());
  }
  const label = format ? `${FORMAT_LABELS[format] ?? format.toUpperCase()} ${kind}` : capitalize(kind);
  out.sentences.push(first.length > 0 ? `${label}, ${first.join(', ')}.` : `${label}${format ? '' : ' file'}.`);

  if (settings.length > 0) out.sentences.push(`Settings: ${settings.join(', ')}.`);
  const lens = text(exif.lensModel, 80);
  if (lens) out.sentences.push(`Lens: ${lens}.`);
  if (hasGps(rec(exif.gps))) {
    out.sentences.push('Has GPS location.');
    out.tags.add('gps', 'location');
  }
  describeCaption(rec(meta.caption) ?? {}, out);
}

/** The title, caption and keywords a photo manager (or a PNG's text) put in the file: the owner's own words. */
function describeCaption(caption: Rec, out: Parts): void {
  const title = text(caption.title, 200);
  const description = text(caption.description, 2000);
  const keywords = texts(caption.keywords, 60).slice(0, 30);
  const author = text(caption.author, 120);
  if (title) out.sentences.push(`Titled '${clip(oneLine(title), 120)}'.`);
  if (description) out.sentences.push(`Caption: '${clip(oneLine(description), 160)}'.`);
  if (keywords.length > 0) out.sentences.push(`Keywords: ${keywords.slice(0, 10).join(', ')}.`);
  if (author) out.sentences.push(`By ${author}.`);
  for (const k of keywords) out.tags.add(k.toLowerCase());
  for (const value of [title, description, keywords.join(', '), author]) {
    if (value) out.texts.push(value);
  }
}

interface Shape {
  orientation: 'landscape' | 'portrait' | 'square';
  sizeClass: 'small' | 'medium' | 'large';
  panorama: boolean;
}

function imageShape(width: number, height: number): Shape {
  const long = Math.max(width, height);
  const short = Math.min(width, height);
  const orientation = long / short <= 1.02 ? 'square' : width > height ? 'landscape' : 'portrait';
  const megapixels = (width * height) / 1e6;
  const sizeClass = megapixels < 0.5 ? 'small' : megapixels < 4 ? 'medium' : 'large';
  return { orientation, sizeClass, panorama: long / short >= 2.5 };
}

function cameraSettings(exif: Rec): string[] {
  const out: string[] = [];
  const f = positive(exif.fNumber);
  if (f !== undefined && f < 100) out.push(`f/${round(f, 1)}`);
  const t = positive(exif.exposureTime);
  if (t !== undefined && t < 100_000) out.push(t >= 1 ? `${round(t, 1)} s` : `1/${Math.round(1 / t)} s`);
  const iso = positive(exif.iso);
  if (iso !== undefined && iso < 10_000_000) out.push(`ISO ${Math.round(iso)}`);
  const focal = positive(exif.focalLength);
  if (focal !== undefined && focal < 100_000) out.push(`${round(focal, 1)} mm`);
  return out;
}

interface Camera {
  make: string | undefined;
  full: string;
}

const COMPANY_SUFFIX =
  /[\s,]+(?:corporation|corp\.?|company|co\.?,?\s*ltd\.?|co\.?|ltd\.?|inc\.?|imaging|optical|electronics|gmbh|ag)\.?$/i;

function cameraName(makeRaw: unknown, modelRaw: unknown): Camera | undefined {
  let make = text(makeRaw, 60);
  for (let i = 0; make && i < 3; i++) make = make.replace(COMPANY_SUFFIX, '').trim() || undefined;
  const model = text(modelRaw, 80);
  if (!make && !model) return undefined;
  if (!make) return { make: undefined, full: model! };
  if (!model) return { make, full: make };
  const firstWord = make.split(' ')[0]!.toLowerCase();
  const full = model.toLowerCase().startsWith(firstWord) ? model : `${make} ${model}`;
  return { make, full };
}

function hasGps(gps: Rec | undefined): boolean {
  if (!gps) return false;
  const lat = num(gps.latitude);
  const lon = num(gps.longitude);
  if (lat === undefined || lon === undefined) return false;
  if (Math.abs(lat) > 90 || Math.abs(lon) > 180) return false;
  return !(lat === 0 && lon === 0); // 0,0 is what broken GPS units write
}

// ---------------------------------------------------------------------------------------------
// Videos

export function describeVideo(meta: Rec, mime: string, out: Parts): void {
  const format = formatOf(meta, mime);
  const tags = rec(meta.tags) ?? {};
  const duration = positive(meta.durationSec);
  out.tags.add('video');
  addFormatTags(out.tags, format);
  let size = dimensions(meta);
  const rotation = num(meta.rotation);
  if (size && rotation !== undefined && Math.abs(Math.round(rotation)) % 180 === 90) {
    size = { width: size.height, height: size.width };
  }

  const first: string[] = [];
  if (duration !== undefined) first.push(durationPhrase(duration, 600, 'long', out.tags));
  if (size) {
    const res = videoResolution(size.width, size.height);
    first.push(`${size.width}×${size.height} (${res.label})`);
    const shape = imageShape(size.width, size.height);
    first.push(shape.orientation === 'portrait' ? 'portrait (vertical)' : shape.orientation);
    out.tags.add(...res.tags, shape.orientation);
    if (shape.orientation === 'portrait') out.tags.add('vertical');
  }
  const audioCodec = text(meta.audioCodec, 40);
  const sound = meta.hasAudio === true || (meta.hasAudio === undefined && audioCodec !== undefined);
  if (sound) {
    first.push('with sound');
    out.tags.add('sound');
  } else if (meta.hasAudio === false) {
    first.push('silent');
    out.tags.add('silent');
  }
  const label = format ? `${FORMAT_LABELS[format] ?? format.toUpperCase()} video` : 'Video';
  out.sentences.push(first.length > 0 ? `${label}, ${first.join(', ')}.` : `${label}${format ? '' : ' file'}.`);

  const title = text(tags.title, 120);
  if (title) out.sentences.push(`Titled '${title}'.`);
  const recorded = wallClock(tags.creation_time ?? tags.date);
  if (recorded) {
    // Containers store creation_time in UTC, so the hour is not the local time of day.
    out.sentences.push(`Recorded on ${dateWords(recorded)}.`);
    addDateTags(out.tags, recorded, false);
  }

  const tech: string[] = [];
  const videoCodec = text(meta.videoCodec, 40);
  if (videoCodec) {
    tech.push(`${codecLabel(videoCodec)} video`);
    out.tags.add(videoCodec.toLowerCase());
  }
  if (audioCodec && sound) tech.push(`${codecLabel(audioCodec)} audio`);
  const fps = frameRate(meta.frameRate);
  if (fps !== undefined) tech.push(`${fps} fps`);
  if (tech.length > 0) out.sentences.push(`${capitalize(tech.join(', '))}.`);
  if (hasGps(rec(meta.gps)) || Object.entries(tags).some(([k, v]) => /location/i.test(k) && isIso6709(v))) {
    out.sentences.push('Has GPS location.');
    out.tags.add('gps', 'location');
  }

  const artist = text(tags.artist, 80);
  if (artist) out.tags.add(artist.toLowerCase());
  for (const key of ['title', 'artist', 'album', 'description', 'synopsis', 'comment', 'genre', 'show']) {
    for (const value of texts(tags[key], 2000)) out.texts.push(value);
  }
}

/**
 * "2 min 5 s", followed by "(short clip)" under 30 s or by `longLabel` from `longFrom` seconds on;
 * the class is tagged too ('short' and 'clip', or 'long'), so a search for a short clip finds it.
 */
function durationPhrase(duration: number, longFrom: number, longLabel: string, tags: Tags): string {
  const cls = duration < 30 ? 'short clip' : duration >= longFrom ? longLabel : undefined;
  if (cls === 'short clip') tags.add('short', 'clip');
  if (cls === longLabel) tags.add('long');
  return `${formatDuration(duration)}${cls ? ` (${cls})` : ''}`;
}

function videoResolution(width: number, height: number): { label: string; tags: string[] } {
  const short = Math.min(width, height);
  if (short >= 4320) return { label: '8K', tags: ['8k'] };
  if (short >= 2160) return { label: '4K', tags: ['4k', 'uhd'] };
  if (short >= 1440) return { label: '1440p', tags: ['1440p', 'qhd'] };
  if (short >= 1080) return { label: 'Full HD', tags: ['full hd', '1080p', 'hd'] };
  if (short >= 720) return { label: 'HD', tags: ['hd', '720p'] };
  return { label: 'SD', tags: ['sd'] };
}

const CODEC_LABELS: Record<string, string> = {
  h264: 'H.264', avc1: 'H.264', hevc: 'HEVC', h265: 'HEVC', vp8: 'VP8', vp9: 'VP9', av1: 'AV1',
  mpeg4: 'MPEG-4', mpeg2video: 'MPEG-2', prores: 'ProRes', mjpeg: 'Motion JPEG',
  aac: 'AAC', mp3: 'MP3', opus: 'Opus', vorbis: 'Vorbis', flac: 'FLAC', ac3: 'AC-3', eac3: 'E-AC-3', alac: 'ALAC',
};

function codecLabel(codec: string): string {
  const key = codec.toLowerCase();
  if (CODEC_LABELS[key]) return CODEC_LABELS[key];
  if (key.startsWith('pcm')) return 'PCM';
  return codec;
}

function frameRate(v: unknown): number | undefined {
  let rate = num(v);
  if (rate === undefined && typeof v === 'string') {
    const m = /^\s*(\d+(?:\.\d+)?)\s*\/\s*(\d+(?:\.\d+)?)\s*$/.exec(v);
    if (m && Number(m[2]) > 0) rate = Number(m[1]) / Number(m[2]);
  }
  return rate !== undefined && rate > 0 && rate <= 1000 ? round(rate, 2) : undefined;
}

function isIso6709(v: unknown): boolean {
  return typeof v === 'string' && /^[+-]\d{1,3}(?:\.\d+)?[+-]\d{1,3}(?:\.\d+)?/.test(v.trim());
}

// ---------------------------------------------------------------------------------------------
// Audio

export function describeAudio(meta: Rec, mime: string, out: Parts): void {
  const format = formatOf(meta, mime);
  const tags = rec(meta.tags) ?? {};
  const duration = positive(meta.durationSec);
  const title = text(tags.title, 120);
  const artist = texts(tags.artist ?? tags.artists, 80).slice(0, 4).join(' & ') || undefined;
  const album = text(tags.album, 120);
  const genres = texts(tags.genre, 40).slice(0, 5);
  const year = yearOf(tags.year ?? tags.date);
  const track = trackOf(tags.track);
  out.tags.add('audio');
  addFormatTags(out.tags, format);

  const head: string[] = [];
  if (duration !== undefined) head.push(durationPhrase(duration, 1200, 'long recording', out.tags));
  const details: string[] = [];
  if (album) details.push(`album '${album}'`);
  if (track) details.push(track);
  if (genres.length > 0) details.push(`${genres.length > 1 ? 'genres' : 'genre'} ${genres.join(', ')}`);
  if (year !== undefined) details.push(String(year));

  const label = format ? `${FORMAT_LABELS[format] ?? format.toUpperCase()} audio` : 'Audio';
  let first = head.length > 0 ? `${label}, ${head.join(', ')}` : label;
  if (title) {
    first += `: ${[`'${title}'${artist ? ` by ${artist}` : ''}`, ...details].join(', ')}`;
  } else if (artist || details.length > 0) {
    first += `, ${[...(artist ? [`by ${artist}`] : []), ...details].join(', ')}`;
  } else if (head.length === 0 && !format) {
    first += ' file';
  }
  out.sentences.push(`${first}.`);

  const tech: string[] = [];
  const codec = text(meta.codec, 40);
  if (codec && codec.toLowerCase() !== (FORMAT_LABELS[format ?? ''] ?? '').toLowerCase()) tech.push(codec);
  const bitrate = positive(meta.bitrate);
  if (bitrate !== undefined) tech.push(`${Math.round(bitrate >= 10_000 ? bitrate / 1000 : bitrate)} kbps`);
  const sampleRate = positive(meta.sampleRate);
  if (sampleRate !== undefined && sampleRate < 10_000_000) tech.push(`${round(sampleRate / 1000, 1)} kHz`);
  const channels = positive(meta.channels);
  if (channels !== undefined && Number.isInteger(channels) && channels < 100) {
    const word = channels === 1 ? 'mono' : channels === 2 ? 'stereo' : `${channels} channels`;
    tech.push(word);
    if (channels <= 2) out.tags.add(word);
  }
  if (tech.length > 0) out.sentences.push(`${capitalize(tech.join(', '))}.`);
  const comments = texts(tags.comment, 2000);
  if (comments[0]) out.sentences.push(`Comment: '${clip(oneLine(comments[0]), 160)}'.`);

  if (artist) out.tags.add(artist.toLowerCase());
  for (const g of genres) out.tags.add(g.toLowerCase());
  if (year !== undefined) out.tags.add(String(year));
  for (const value of [title, artist, album, ...comments, ...texts(tags.lyrics, 5000)]) {
    if (value) out.texts.push(value);
  }
}

function yearOf(v: unknown): number | undefined {
  const n = num(v);
  const year = n !== undefined ? n : typeof v === 'string' ? Number(/^\s*(\d{4})/.exec(v)?.[1]) : NaN;
  return Number.isInteger(year) && year >= 1000 && year <= 2999 ? year : undefined;
}

function trackOf(v: unknown): string | undefined {
  let no: number | undefined;
  let of: number | undefined;
  const r = rec(v);
  if (r) {
    no = num(r.no);
    of = num(r.of);
  } else if (typeof v === 'string') {
    const m = /^\s*(\d+)\s*(?:\/\s*(\d+))?/.exec(v);
    if (m) {
      no = Number(m[1]);
      of = m[2] !== undefined ? Number(m[2]) : undefined;
    }
  } else {
    no = num(v);
  }
  if (no === undefined || !Number.isInteger(no) || no <= 0 || no > 10_000) return undefined;
  return of !== undefined && Number.isInteger(of) && of >= no && of <= 10_000 ? `track ${no} of ${of}` : `track ${no}`;
}

// ---------------------------------------------------------------------------------------------
// Documents

const DOCUMENT_LABELS: Record<string, string> = {
  pdf: 'PDF document', docx: 'Word document', txt: 'Text document', markdown: 'Markdown document',
};

export function describeDocument(meta: Rec, mime: string, out: Parts): void {
  const format = formatOf(meta, mime);
  const pages = positive(meta.pageCount);
  const title = text(meta.title, 160);
  const author = text(meta.author, 80);
  out.tags.add('document');
  addFormatTags(out.tags, format);
  const first: string[] = [];
  if (pages !== undefined && Number.isInteger(pages) && pages < 1_000_000) {
    first.push(pages === 1 ? '1 page' : `${pages} pages`);
    out.tags.add(pages === 1 ? 'one page' : 'multi-page');
  }
  if (title) first.push(`titled '${title}'`);
  if (author) first.push(`by ${author}`);
  const label = (format && DOCUMENT_LABELS[format]) ?? 'Document';
  out.sentences.push(first.length > 0 ? `${label}, ${first.join(', ')}.` : `${label}.`);
  if (author) out.tags.add(author.toLowerCase());
  if (title) out.texts.push(title);
  if (author) out.texts.push(author);
}

// ---------------------------------------------------------------------------------------------
