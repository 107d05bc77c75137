/**
 * Folders dropped on the page: each file found inside is remembered with the folder it was in,
 * relative to what was dropped (`Holidays/2023`), and sent as the upload's `metadata.folder` so the
 * library's folder tree shows where it came from. A WeakMap: the File objects carry it, nothing leaks.
 */
const folders = new WeakMap<File, string>();

/** The folder a file was in: from a dropped folder, or a picked one (its `webkitRelativePath`). */
export function folderOfFile(file: File): string | undefined {
  const dropped = folders.get(file);
  if (dropped !== undefined) return dropped;
  const rel = file.webkitRelativePath ?? '';
  return rel.includes('/') ? rel.slice(0, rel.lastIndexOf('/')) : undefined;
}

/** At most this many files from one drop: a dropped home folder should not freeze the page. */
const MAX_FILES = 10_000;

/**
 * The files of a drop, walking into dropped folders (webkitGetAsEntry). Must be called during the
 * drop event: the browser empties the DataTransfer afterwards. Plain files come back as they are.
 */
export function filesOfDrop(data: DataTransfer): Promise<File[]> {
  const entries = [...data.items].map((i) => (i.kind === 'file' ? i.webkitGetAsEntry() : null));
  if (!entries.some((e) => e?.isDirectory)) return Promise.resolve([...data.files]);
  const plain = [...data.files];
  return (async () => {
    const out: File[] = [];
    for (const [i, entry] of entries.entries()) {
      if (entry?.isDirectory) await walk(entry as FileSystemDirectoryEntry, entry.name, out);
      else if (entry?.isFile) out.push(await fileOf(entry as FileSystemFileEntry));
      else if (plain[i]) out.push(plain[i]);
    }
    return out;
  })();
}

async function walk(dir: FileSystemDirectoryEntry, folder: string, out: File[]): Promise<void> {
  for (const entry of await readAll(dir)) {
    if (out.length >= MAX_FILES) return;
    // Hidden files and folders (.DS_Store, .git) are never what a person means to add.
    if (entry.name.startsWith('.')) continue;
    if (entry.isDirectory) {
      await walk(entry as FileSystemDirectoryEntry, `${folder}/${entry.name}`, out);
    } else if (entry.isFile) {
      const file = await fileOf(entry as FileSystemFileEntry);
      folders.set(file, folder);
      out.push(file);
    }
  }
}

/** readEntries answers in chunks (100 in Chromium) until it answers with none. */
async function readAll(dir: FileSystemDirectoryEntry): Promise<FileSystemEntry[]> {
  const reader = dir.createReader();
  const all: FileSystemEntry[] = [];
  for (;;) {
    const chunk = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
    if (chunk.length === 0) return all;
    all.push(...chunk);
  }
}

const fileOf = (entry: FileSystemFileEntry) => new Promise<File>((resolve, reject) => entry.file(resolve, reject));
