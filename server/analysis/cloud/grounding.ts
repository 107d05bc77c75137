// The exact facts the local extractors found (EXIF, container tags, the object detector, the text
// layer, OCR, the speech recogniser), written for the prompt so a model carries exact names, numbers
// and dates into its summary instead of guessing them from pixels.
import { dateWords, formatDuration, wallClock } from '../offline/names.ts';
import { cleanBlock, num, oneLine, rec, text, type Rec } from '../offline/text.ts';
import type { Analysis, AnalysisInput } from '../types.ts';

/** Objects at or above this score are named as detected; below it as possible (the offline description's rule). */
const SURE = 0.5;
const MAX_OBJECTS = 10;

/** One line per fact, e.g. "Date taken: 15 June 2021, 14:30 (the camera's clock)". */
export function groundingFacts(input: AnalysisInput, grounding: Analysis): string[] {
  const meta = rec(input.metadata) ?? {};
  const tags = rec(meta.tags) ?? {};
  const exif = rec(meta.exif) ?? {};
  const out: string[] = [];
  if (input.fileType === 'image') {
    const taken = dateTime(exif.takenAt);
    if (taken) out.push(`Date taken: ${taken} (the camera's clock)`);
    const camera = cameraName(exif.make, exif.model);
    if (camera) out.push(`Camera: ${camera}`);
  }
  if (input.fileType === 'video') {
    const recorded = wallClock(tags.creation_time ?? tags.date);
    if (recorded) out.push(`Date recorded: ${dateWords(recorded)}`);
  }
  const duration = num(meta.durationSec);
  if ((input.fileType === 'video' || input.fileType === 'audio') && duration !== undefined && duration > 0) {
    out.push(`Duration: ${formatDuration(duration)}`);
  }
  const place = gpsPlace(rec(exif.gps) ?? rec(meta.gps), tags);
  if (place) out.push(`GPS position: ${place} (rounded to about 10 km; name the town or region if you know it, never a street or an address)`);
  const objects = objectList(rec(grounding.metadata)?.objects);
  if (objects) out.push(`Objects found by a detector: ${objects}`);
  const summary = oneLine(grounding.summary ?? '');
  if (summary) out.push(`Local description (from the file's metadata and the local models): ${summary}`);
  return out;
}

/** The text the file carries, labelled with where it came from, or undefined when there is none. */
export function groundingText(input: AnalysisInput, grounding: Analysis, maxTokens: number): string | undefined {
  const body = cleanBlock(grounding.extractedText || (typeof input.text === 'string' ? input.text : ''));
  if (body === '') return undefined;
  const capped = capToTokens(body, maxTokens);
  const size = capped.cut
    ? `the first ${capped.text.length} of ${body.length} characters; the rest was cut to fit the prompt`
    : `${body.length} characters`;
  // The fence must stay the only one: text that contains it could otherwise end the quoted data early.
  const fenced = capped.text.replace(/<<<|>>>/g, (m) => m.split('').join(' '));
  return `${textLabel(input, grounding)} (${size}):\n<<<\n${fenced}\n>>>`;
}

function textLabel(input: AnalysisInput, grounding: Analysis): string {
  const meta = rec(input.metadata) ?? {};
  const found = rec(grounding.metadata) ?? {};
  const transcript = text(rec(found.transcript)?.confidence, 10);
  const speech = transcript ? `, an automatic speech transcript of ${transcript} confidence that may mishear words` : '';
  switch (input.fileType) {
    case 'document': {
      const own = typeof input.text === 'string' && input.text.trim() !== '';
      if (meta.scanned !== true) return 'Document text (its text layer: exact)';
      return own ? 'Document text (its text layer, plus OCR of its scanned pages, which may misread words)'
        : 'Document text (read by OCR from its scanned pages; may misread words)';
    }
    case 'image':
      return 'Text in the picture (read by OCR; may misread words)';
    case 'video':
      return `Text found in the video (its tags, OCR of frames${speech})`;
    case 'audio':
      return `Text found in the recording (its tags${speech})`;
    default:
      return 'Text found in the file';
  }
}

/**
 * Cuts text to about `maxTokens` tokens (4 characters a token, the usual English ratio) at a word
 * boundary, so a long document costs a bounded amount; the rest is still indexed locally.
 */
export function capToTokens(body: string, maxTokens: number): { text: string; cut: boolean } {
  const maxChars = Math.max(1, Math.floor(maxTokens * 4));
  if (body.length <= maxChars) return { text: body, cut: false };
  let end = maxChars;
  if (/[\uDC00-\uDFFF]/.test(body[end] ?? '')) end -= 1; // never split a surrogate pair
  const head = body.slice(0, end);
  const space = Math.max(head.lastIndexOf(' '), head.lastIndexOf('\n'));
  return { text: (space >= maxChars * 0.8 ? head.slice(0, space) : head).trimEnd(), cut: true };
}

/** "15 June 2021, 14:30" as the camera wrote it (EXIF holds local wall-clock time, so no time zone is applied). */
function dateTime(v: unknown): string | undefined {
  const d = wallClock(v);
  if (!d) return undefined;
  const raw = v instanceof Date ? v.toISOString() : typeof v === 'string' ? v : '';
  const time = /[T ](\d{1,2}):(\d{2})/.exec(raw);
  return time && d.hour !== undefined ? `${dateWords(d)}, ${time[1]!.padStart(2, '0')}:${time[2]}` : dateWords(d);
}

function cameraName(makeRaw: unknown, modelRaw: unknown): string | undefined {
  const make = text(makeRaw, 60);
  const model = text(modelRaw, 80);
  if (!make || !model) return model ?? make;
  return model.toLowerCase().startsWith(make.split(' ')[0]!.toLowerCase()) ? model : `${make} ${model}`;
}

/**
 * Rounded to 0.1° (~10 km): enough for a model to name the town, which is what a person searches
 * for, while a home's exact position stays on the device (the pictures go without their EXIF).
 */
function gpsPlace(gps: Rec | undefined, tags: Rec): string | undefined {
  let lat = num(gps?.latitude);
  let lon = num(gps?.longitude);
  if (lat === undefined || lon === undefined) {
    // QuickTime/MP4 keep it as ISO 6709 text, e.g. "+48.8584+002.2945/".
    const iso = Object.entries(tags).find(([k, v]) => /location/i.test(k) && typeof v === 'string')?.[1] as string | undefined;
    const m = iso ? /^([+-]\d+(?:\.\d+)?)([+-]\d+(?:\.\d+)?)/.exec(iso.trim()) : null;
    if (m) {
      lat = Number(m[1]);
      lon = Number(m[2]);
    }
  }
  if (lat === undefined || lon === undefined || Math.abs(lat) > 90 || Math.abs(lon) > 180 || (lat === 0 && lon === 0)) return undefined;
  const r = (x: number) => (Math.round(Math.abs(x) * 10) / 10).toFixed(1);
  return `${r(lat)}° ${lat >= 0 ? 'N' : 'S'}, ${r(lon)}° ${lon >= 0 ? 'E' : 'W'}`;
}

/** "3 × person, dog (in 4 sampled frames); possibly a cup" from the offline analysis's objects. */
function objectList(raw: unknown): string | undefined {
  if (!Array.isArray(raw)) return undefined;
  const objects = raw.map((o) => rec(o)).filter((o): o is Rec => o !== undefined && typeof o.label === 'string')
    .slice(0, MAX_OBJECTS)
    .map((o) => ({ label: oneLine(o.label as string), score: num(o.score) ?? 0, count: num(o.count), frames: num(o.frames) }));
  const phrase = (o: (typeof objects)[number]) =>
    `${o.count !== undefined && o.count > 1 ? `${o.count} × ` : ''}${o.label}${o.frames !== undefined ? ` (in ${o.frames} sampled frame${o.frames === 1 ? '' : 's'})` : ''}`;
  const sure = objects.filter((o) => o.score >= SURE).map(phrase);
  const unsure = objects.filter((o) => o.score < SURE).map(phrase);
  if (sure.length === 0 && unsure.length === 0) return undefined;
  return [sure.join(', '), unsure.length > 0 ? `possibly ${unsure.join(', ')}` : ''].filter(Boolean).join('; ');
}
