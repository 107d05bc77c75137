/**
 * ZIP archives made in the tests (yazl, the writer the server uses for downloads), and the byte
 * patches that turn a good archive into a hostile one: a name no writer would produce, an
 * encryption flag, a header that lies about sizes.
 */
import yazl from 'yazl';

export interface ZipItem {
  name: string;
  data: Buffer;
  /** Deflate (default) or store. */
  compress?: boolean;
}

/** Sizes and CRCs in the local headers (yazl's buffers), so a cut-off copy can still be walked. */
export function buildZip(items: ZipItem[]): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const item of items) zip.addBuffer(item.data, item.name, { compress: item.compress ?? true, mtime: new Date('2024-05-01T12:00:00Z') });
  zip.end();
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    zip.outputStream.on('data', (c: Buffer) => chunks.push(c));
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
    zip.outputStream.on('error', reject);
  });
}

const LOCAL = 0x04034b50;
const CENTRAL = 0x02014b50;

/** Each header (local and central) of the entry named `name`, with where its fields live. */
function headersOf(zip: Buffer, name: string): { at: number; kind: 'local' | 'central' }[] {
  const wanted = Buffer.from(name);
  const found: { at: number; kind: 'local' | 'central' }[] = [];
  for (let i = 0; i + 4 <= zip.length; i++) {
    const sig = zip.readUInt32LE(i);
    if (sig !== LOCAL && sig !== CENTRAL) continue;
    const kind = sig === LOCAL ? 'local' : 'central';
    const nameAt = i + (kind === 'local' ? 30 : 46);
    const len = zip.readUInt16LE(i + (kind === 'local' ? 26 : 28));
    if (len === wanted.length && zip.subarray(nameAt, nameAt + len).equals(wanted)) found.push({ at: i, kind });
  }
  if (found.length !== 2) throw new Error(`expected a local and a central header for ${name}, found ${found.length}`);
  return found;
}

/** Renames an entry in place (same length), e.g. `__/__/evil.txt` → `../../evil.txt`, which yazl would refuse to write. */
export function renameEntry(zip: Buffer, from: string, to: string): Buffer {
  if (Buffer.byteLength(from) !== Buffer.byteLength(to)) throw new Error('renameEntry keeps the length');
  const out = Buffer.from(zip);
  for (const h of headersOf(out, from)) out.write(to, h.at + (h.kind === 'local' ? 30 : 46));
  return out;
}

/** Sets the "encrypted" flag (general purpose bit 0) of an entry. */
export function markEncrypted(zip: Buffer, name: string): Buffer {
  const out = Buffer.from(zip);
  for (const h of headersOf(out, name)) {
    const at = h.at + (h.kind === 'local' ? 6 : 8);
    out.writeUInt16LE(out.readUInt16LE(at) | 1, at);
  }
  return out;
}

/** Makes the headers claim `size` uncompressed bytes (a bomb hiding its real size). */
export function lieAboutSize(zip: Buffer, name: string, size: number): Buffer {
  const out = Buffer.from(zip);
  for (const h of headersOf(out, name)) out.writeUInt32LE(size, h.at + (h.kind === 'local' ? 22 : 24));
  return out;
}
