/** The one file-name rule of server and clients (shared/file-names.ts), case by case. */
import { describe, expect, it } from 'vitest';
import { cleanFileName, cleanFolder, contentDisposition, isUnsafeEntryPath, portablePath, splitEntryPath, UniqueNames } from '../../shared/file-names.ts';

describe('cleanFileName', () => {
  it.each([
    ['../../etc/cron.d/evil.txt', 'evil.txt'],
    ['..\\..\\windows\\win.ini', 'win.ini'],
    ['C:\\Users\\me\\photo.jpg', 'photo.jpg'],
    ['/absolute/path/', 'path'],
    ['folder/..', 'folder'],
    ['nul\u0000byte\u0007bell\ttab.txt', 'nulbytebelltab.txt'],
    ['right-to-left \u202egnp.exe', 'right-to-left gnp.exe'],
    ['CON', '_CON'], ['con.txt', '_con.txt'], ['COM1.jpg', '_COM1.jpg'], ['LPT9', '_LPT9'], ['console.txt', 'console.txt'],
    ['trailing dots...', 'trailing dots'],
    ['Été "best".jpg', 'Été "best".jpg'],
    ['', 'untitled'], ['..', 'untitled'], ['/', 'untitled'], [' ', 'untitled'],
  ])('%j → %j', (given, shown) => {
    expect(cleanFileName(given)).toBe(shown);
  });

  it('keeps at most 255 characters and the extension', () => {
    const long = cleanFileName(`${'a'.repeat(400)}.jpeg`);
    expect(long).toHaveLength(255);
    expect(long.endsWith('.jpeg')).toBe(true);
  });
});

describe('archive entry names', () => {
  it('split into a cleaned folder and name', () => {
    expect(splitEntryPath('Holidays/2023/beach.jpg')).toEqual({ folder: 'Holidays/2023', filename: 'beach.jpg' });
    expect(splitEntryPath('Holidays\\2023\\beach.jpg')).toEqual({ folder: 'Holidays/2023', filename: 'beach.jpg' });
    expect(splitEntryPath('./a//b/./c.txt')).toEqual({ folder: 'a/b', filename: 'c.txt' });
    expect(splitEntryPath('top.txt')).toEqual({ folder: null, filename: 'top.txt' });
    expect(splitEntryPath('AUX/x.txt')).toEqual({ folder: '_AUX', filename: 'x.txt' });
  });

  it('are unsafe when absolute or climbing out', () => {
    for (const n of ['../x.txt', 'a/../../x.txt', '/etc/passwd', '\\\\server\\share\\x', 'C:\\x.txt', 'C:x.txt', 'a\\..\\..\\x']) expect(isUnsafeEntryPath(n), n).toBe(true);
    for (const n of ['a/b.txt', 'a..b/c.txt', '...txt', 'x/..y']) expect(isUnsafeEntryPath(n), n).toBe(false);
  });

  it('drop `..` and drive parts from folders', () => {
    expect(cleanFolder('../../etc/cron.d')).toBe('etc/cron.d');
    expect(cleanFolder('C:/temp')).toBe('temp');
    expect(cleanFolder('')).toBeNull();
  });
});

describe('names in a ZIP written out', () => {
  it('are made unique like a file manager, ignoring case', () => {
    const names = new UniqueNames();
    expect(['a.jpg', 'a.jpg', 'A.JPG', 'dir/a.jpg', 'noext', 'noext', 'dir.v2/file'].map((n) => names.take(n)))
      .toEqual(['a.jpg', 'a (2).jpg', 'A (3).JPG', 'dir/a.jpg', 'noext', 'noext (2)', 'dir.v2/file']);
  });

  it('carry no character Windows refuses', () => {
    expect(portablePath('Q&A: "why"?/file<1>.txt')).toBe('Q&A_ _why__/file_1_.txt');
  });
});

describe('contentDisposition', () => {
  it('names the last part only, ASCII fallback plus RFC 5987 for the rest', () => {
    expect(contentDisposition('attachment', '../../etc/cron.d/evil.txt')).toBe('attachment; filename="evil.txt"; filename*=UTF-8\'\'evil.txt');
    expect(contentDisposition('inline', 'Été "best" 100%.jpg')).toBe('inline; filename="_t_ _best_ 100_.jpg"; filename*=UTF-8\'\'%C3%89t%C3%A9%20%22best%22%20100%25.jpg');
  });
});
