/**
 * Reads a ZIP archive staged on this machine, entry by entry, as streams (never the whole archive
 * in memory). The central directory is the truth when the archive has one (yauzl); an archive cut
 * off before its end has none, so its local headers are walked from the start instead and the
 * entries before the damage are still read. Names come back raw (decoded, not judged): cleaning
 * and refusing them is the caller's business.
 */
import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import { pipeline, Readable } from 'node:stream';
import zlib from 'node:zlib';
import yauzl from 'yauzl';
import { TroveError } from '../../../shared/api/errors.ts';

export interface ZipEntryInfo {
  /** The entry's name as the archive spells it (`/`-separated, maybe hostile). */
  name: string;
  isDirectory: boolean;
  encrypted: boolean;
  /** 0 stored, 8 deflate; anything else cannot be read here. */
  method: number;
  compressedSize: number;
  /** What the header claims; only a hint — limits count the bytes actually inflated. */
  declaredSize: number;
  crc32: number;
}

export interface ZipArchive {
  entries: ZipEntryInfo[];
  /** Set when the archive is damaged part-way: `entries` are those before the damage. */
  damage: string | null;
  /** The entry's bytes, inflated. */
  open(index: number): Promise<Readable>;
  close(): void;
}

const LOCAL_HEADER = 0x04034b50;
const CENTRAL_HEADER = 0x02014b50;

/** Opens a staged archive; refuses one with more entries than `maxEntries` before reading any. */
export async function openZip(file: string, maxEntries: number): Promise<ZipArchive> {
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.openPromise(file, { lazyEntries: true, autoClose: false, decodeStrings: false, validateEntrySizes: false });
  } catch {
    // No readable central directory: cut off, or not a ZIP at all. Walk what is there.
    return walkLocalHeaders(file, maxEntries);
  }
  try {
    if (zip.entryCount > maxEntries) throw tooManyEntries(maxEntries);
    const raw = await readCentralDirectory(zip);
    return {
      entries: raw.map(describe),
      damage: null,
      open: (index) => zip.openReadStreamPromise(raw[index]!),
      close: () => zip.close(),
    };
  } catch (err) {
    zip.close();
    throw err;
  }
}

export const tooManyEntries = (max: number) => new TroveError('ZIP_TOO_MANY_ENTRIES',
  `The archive holds more than ${max.toLocaleString('en')} entries, the most one upload may unpack. Split it into smaller archives.`);

function readCentralDirectory(zip: yauzl.ZipFile): Promise<yauzl.Entry[]> {
  return new Promise((resolve, reject) => {
    const entries: yauzl.Entry[] = [];
    zip.on('entry', (entry: yauzl.Entry) => {
      entries.push(entry);
      zip.readEntry();
    });
    zip.once('end', () => resolve(entries));
    zip.once('error', (err: Error) => reject(new TroveError('ZIP_INVALID',
      `The archive's table of contents is damaged (${err.message}). Create the archive again and upload it.`)));
    zip.readEntry();
  });
}

function describe(e: yauzl.Entry): ZipEntryInfo {
  const name = yauzl.getFileNameLowLevel(e.generalPurposeBitFlag, e.fileNameRaw, e.extraFields, false);
  return {
    name, isDirectory: name.endsWith('/') || name.endsWith('\\'), encrypted: e.isEncrypted(), method: e.compressionMethod,
    compressedSize: e.compressedSize, declaredSize: e.uncompressedSize, crc32: e.crc32,
  };
}

interface LocalEntry extends ZipEntryInfo {
  dataStart: number;
}

/**
 * An archive without its central directory: local headers are read one after the other while their
 * sizes are known and their data lies inside the file. The first entry that breaks either rule is
 * where the damage starts. Entries whose sizes follow their data (bit 3) cannot be walked this way.
 */
async function walkLocalHeaders(file: string, maxEntries: number): Promise<ZipArchive> {
  const handle = await fs.open(file, 'r');
  const entries: LocalEntry[] = [];
  let damage: string | null = null;
  try {
    const { size } = await handle.stat();
    let offset = 0;
    const header = Buffer.alloc(30);
    for (;;) {
      const { bytesRead } = await handle.read(header, 0, 30, offset);
      const signature = bytesRead >= 4 ? header.readUInt32LE(0) : 0;
      if (signature === CENTRAL_HEADER) {
        damage = 'its table of contents at the end is missing or damaged';
        break;
      }
      if (bytesRead < 30 || signature !== LOCAL_HEADER) {
        damage = offset >= size ? 'it ends before its table of contents' : `it is damaged at byte ${offset}`;
        break;
      }
      const flags = header.readUInt16LE(6);
      const compressedSize = header.readUInt32LE(18);
      const nameLength = header.readUInt16LE(26);
      const dataStart = offset + 30 + nameLength + header.readUInt16LE(28);
      const nameBytes = Buffer.alloc(nameLength);
      await handle.read(nameBytes, 0, nameLength, offset + 30);
      const sizesFollowData = (flags & 0x08) !== 0 && compressedSize === 0;
      if (sizesFollowData || dataStart + compressedSize > size) {
        damage = 'it is cut off part-way through';
        break;
      }
      if (entries.length >= maxEntries) throw tooManyEntries(maxEntries);
      const name = nameBytes.toString((flags & 0x800) !== 0 ? 'utf8' : 'latin1');
      entries.push({
        name, isDirectory: name.endsWith('/'), encrypted: (flags & 0x01) !== 0, method: header.readUInt16LE(8),
        compressedSize, declaredSize: header.readUInt32LE(22), crc32: header.readUInt32LE(14), dataStart,
      });
      offset = dataStart + compressedSize + ((flags & 0x08) !== 0 ? dataDescriptorLength(await peek(handle, dataStart + compressedSize)) : 0);
    }
  } finally {
    await handle.close();
  }
  if (entries.length === 0) {
    throw new TroveError('ZIP_INVALID', 'This is not a readable ZIP archive: no entry could be found in it. Check that the upload finished, then create the archive again.');
  }
  return {
    entries,
    damage,
    open: (index) => {
      const e = entries[index]!;
      if (e.method !== 0 && e.method !== 8) return Promise.reject(new Error(`unsupported compression method: ${e.method}`));
      if (e.compressedSize === 0) return Promise.resolve(Readable.from([]));
      const raw = createReadStream(file, { start: e.dataStart, end: e.dataStart + e.compressedSize - 1 });
      if (e.method === 0) return Promise.resolve(raw);
      const inflated = zlib.createInflateRaw();
      // pipeline carries a read error on to the inflated stream, which the caller is reading.
      pipeline(raw, inflated, () => undefined);
      return Promise.resolve(inflated);
    },
    close: () => undefined,
  };
}

async function peek(handle: fs.FileHandle, at: number): Promise<number> {
  const b = Buffer.alloc(4);
  const { bytesRead } = await handle.read(b, 0, 4, at);
  return bytesRead === 4 ? b.readUInt32LE(0) : 0;
}

/** A data descriptor is 12 bytes, or 16 with its optional signature. */
const dataDescriptorLength = (first: number) => (first === 0x08074b50 ? 16 : 12);
