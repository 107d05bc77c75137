/**
 * What search filters and facets read from a processed file's metadata, kept in their own columns
 * (`uploads.content_date`, `uploads.camera`): when the content was made — a photo's EXIF date, a
 * video's creation time, a recording's tagged date or year, a PDF's creation date — and which
 * camera made it. Null when the file does not say; the date then falls back to when it was added.
 */

export interface ContentFacts {
  contentDate: Date | null;
  camera: string | null;
}

/** Clocks that were never set: QuickTime's and Unix's epochs. */
const UNSET_CLOCKS = new Set([Date.UTC(1904, 0, 1), Date.UTC(1970, 0, 1)]);
const EARLIEST = Date.UTC(1826, 0, 1); // the oldest surviving photograph
/** A camera whose clock runs a little ahead still counts; a date years away does not. */
const FUTURE_SLACK_MS = 2 * 86_400_000;

const record = (v: unknown): Record<string, unknown> | undefined =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
const text = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);

/**
 * An ISO 8601 date or date-time, a bare year (a number or "2019"), "2019-05" or "2019-05-04".
 * A time without an offset is the camera's wall clock, which is all anyone knows of it: read as UTC.
 */
export function parseContentDate(value: unknown, now = Date.now()): Date | null {
  let t: number;
  if (typeof value === 'number') t = Number.isInteger(value) ? Date.UTC(value, 0, 1) : NaN;
  else if (typeof value === 'string') {
    const v = value.trim();
    let m: RegExpExecArray | null;
    if ((m = /^(\d{4})$/.exec(v))) t = Date.UTC(Number(m[1]), 0, 1);
    else if ((m = /^(\d{4})-(\d{2})$/.exec(v))) t = Date.UTC(Number(m[1]), Number(m[2]) - 1, 1);
    else if (/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/i.test(v)) {
      const iso = v.replace(' ', 'T');
      const hasZone = /(Z|[+-]\d{2}:?\d{2})$/i.test(iso) && iso.includes('T');
      t = Date.parse(iso.length === 10 ? `${iso}T00:00:00Z` : hasZone ? iso : `${iso}Z`);
    } else t = NaN;
  } else t = NaN;
  if (!Number.isFinite(t) || t < EARLIEST || t > now + FUTURE_SLACK_MS || UNSET_CLOCKS.has(t)) return null;
  return new Date(t);
}

/** "Canon EOS R5" rather than "Canon Canon EOS R5", "NIKON D750" rather than "NIKON CORPORATION NIKON D750"; "Apple iPhone 12". */
export function cameraName(make: unknown, model: unknown): string | null {
  const mk = text(make);
  const md = text(model);
  const brand = mk?.split(/\s+/)[0]?.toLowerCase();
  if (mk && md) return (brand && md.toLowerCase().startsWith(brand) ? md : `${mk} ${md}`).slice(0, 200);
  return (mk ?? md)?.slice(0, 200) ?? null;
}

export function contentFacts(metadata: Record<string, unknown>, now = Date.now()): ContentFacts {
  const exif = record(metadata.exif);
  const tags = record(metadata.tags);
  const candidates: unknown[] = [
    exif?.takenAt,
    tags?.['com.apple.quicktime.creationdate'],
    tags?.creation_time,
    tags?.date,
    tags?.year,
    metadata.created,
  ];
  let contentDate: Date | null = null;
  for (const c of candidates) {
    contentDate = parseContentDate(c, now);
    if (contentDate) break;
  }
  const camera = cameraName(exif?.make, exif?.model)
    ?? cameraName(tags?.['com.apple.quicktime.make'], tags?.['com.apple.quicktime.model'])
    ?? cameraName(tags?.['com.android.manufacturer'], tags?.['com.android.model']);
  return { contentDate, camera };
}
