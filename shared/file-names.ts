/**
 * File names as Trove keeps and shows them: the same rule for a multipart upload, a tus upload, an
 * entry of a ZIP and a name the clients send. A name is only ever displayed and sent back (storage
 * paths are built from ids), but it travels into `Content-Disposition`, other people's file systems
 * (a downloaded ZIP) and terminals, so it keeps only its last part and nothing a file system or a
 * terminal would misread.
 */

/** What an empty or wholly unusable name becomes. */
export const DEFAULT_FILE_NAME = 'untitled';

const MAX_NAME_LENGTH = 255;
const MAX_FOLDER_DEPTH = 32;

/** Windows' reserved device names: `CON`, `con.txt` and `COM1.jpg` cannot be created there. */
const RESERVED = /^(con|prn|aux|nul|conin\$|conout\$|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$/i;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
/** Characters Windows refuses in a name: kept in the name Trove shows, replaced in a ZIP it writes. */
const WINDOWS_FORBIDDEN = /[<>:"|?*]/g;

/**
 * One path segment made safe to show and to unpack: control and bidirectional-override characters
 * removed, trailing dots and spaces trimmed (Windows drops them), reserved device names prefixed
 * with `_`. '' when nothing usable is left.
 */
function cleanSegment(segment: string): string {
  let s = segment.normalize('NFC').replace(CONTROL, '').trim().replace(/[. ]+$/, '');
  if (s === '' || /^\.+$/.test(s)) return '';
  if (RESERVED.test(s)) s = `_${s}`;
  return truncateKeepingExtension(s, MAX_NAME_LENGTH);
}

function truncateKeepingExtension(s: string, max: number): string {
  if (s.length <= max) return s;
  const dot = s.lastIndexOf('.');
  const ext = dot > 0 && s.length - dot <= 16 ? s.slice(dot) : '';
  return s.slice(0, max - ext.length) + ext;
}

/** The parts of a name split on both separators, `/` and `\`. */
function segments(name: string): string[] {
  return name.split(/[/\\]+/);
}

/**
 * The name a file is kept under: only its last part (`../../etc/cron.d/evil.txt` → `evil.txt`,
 * `C:\Users\me\a.jpg` → `a.jpg`), cleaned; `untitled` when nothing is left.
 */
export function cleanFileName(name: string | null | undefined): string {
  const parts = segments(name ?? '');
  for (let i = parts.length - 1; i >= 0; i--) {
    const cleaned = cleanSegment(parts[i]!);
    if (cleaned !== '') return cleaned;
    // A trailing separator or dot names nothing; look at the part before it.
    if (parts[i] !== '' && !/^[. ]*$/.test(parts[i]!)) break;
  }
  return DEFAULT_FILE_NAME;
}

/**
 * A relative folder path made safe (`Holidays/2023`): each part cleaned, `.` and empty parts dropped,
 * at most 32 levels deep. Null when nothing is left. Callers refuse names with `..` or an absolute
 * start first (see `isUnsafeEntryPath`); here such parts are simply dropped.
 */
export function cleanFolder(folder: string | null | undefined): string | null {
  const parts = segments(folder ?? '')
    // `..` and a drive (`C:`) name no folder inside the archive.
    .filter((p) => p.trim() !== '..' && !/^[a-zA-Z]:$/.test(p))
    .map(cleanSegment)
    .filter((p) => p !== '')
    .slice(0, MAX_FOLDER_DEPTH);
  return parts.length > 0 ? parts.join('/') : null;
}

/**
 * Whether an archive entry's name tries to leave the folder it is unpacked into: an absolute path
 * (`/etc/passwd`, `\\server\share`, `C:\x`, `C:x`) or a `..` part anywhere.
 */
export function isUnsafeEntryPath(name: string): boolean {
  if (/^[/\\]/.test(name) || /^[a-zA-Z]:/.test(name)) return true;
  return segments(name).some((p) => p.trim() === '..');
}

/** An archive entry's name as Trove keeps it: the cleaned folder part and the cleaned file name. */
export function splitEntryPath(name: string): { folder: string | null; filename: string } {
  const parts = segments(name);
  const last = parts.pop() ?? '';
  return { folder: cleanFolder(parts.join('/')), filename: cleanFileName(last) };
}

/** A cleaned `folder/name` as an entry of a ZIP that unpacks on every system: Windows' forbidden characters become `_`. */
export function portablePath(path: string): string {
  return path.split('/').map((s) => s.replace(WINDOWS_FORBIDDEN, '_')).join('/');
}

/**
 * Makes names unique in the order given, as a file manager would: `a.jpg`, `a (2).jpg`, `a (3).jpg`.
 * Compared without regard to case, since most file systems a ZIP is unpacked on ignore it.
 */
export class UniqueNames {
  private readonly taken = new Set<string>();

  take(path: string): string {
    let candidate = path;
    const slash = path.lastIndexOf('/');
    const dot = path.lastIndexOf('.');
    const [stem, ext] = dot > slash + 1 ? [path.slice(0, dot), path.slice(dot)] : [path, ''];
    for (let n = 2; this.taken.has(candidate.toLowerCase()); n++) candidate = `${stem} (${n})${ext}`;
    this.taken.add(candidate.toLowerCase());
    return candidate;
  }
}

/** RFC 5987 `attr-char` encoding: like encodeURIComponent, plus `! ' ( ) *`. */
function encodeRfc5987(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * `attachment; filename="ascii"; filename*=UTF-8''…` (RFC 6266): the name cleaned to its last part
 * first, so no download ever names a path, with an ASCII fallback for old clients and the exact name
 * for the rest; quotes, backslashes and anything outside printable ASCII never reach the quoted form.
 */
export function contentDisposition(disposition: 'inline' | 'attachment', filename: string): string {
  const name = cleanFileName(filename);
  const ascii = name.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  return `${disposition}; filename="${ascii}"; filename*=UTF-8''${encodeRfc5987(name)}`;
}
