/** The folder walk's own cases beyond the shared contract: links, loops, unreadable and missing paths. */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasSupportedExtension, isChosenInFolder } from '../../../shared/file-selection.ts';
import { selectFiles } from '../../../shared/node/file-selection.ts';

let root: string;
const put = async (rel: string, content = 'text') => {
  await fs.mkdir(path.dirname(path.join(root, rel)), { recursive: true });
  await fs.writeFile(path.join(root, rel), content);
};

beforeAll(async () => {
  root = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'trove-select-')));
  await put('chosen/a.txt');
  await put('chosen/sub/b.md');
  await put('chosen/.git/config.txt');
  await put('outside/secret.txt');
  await fs.symlink('..', path.join(root, 'chosen', 'sub', 'loop')); // back up into the folder: no loop, no twice
  await fs.symlink(path.join(root, 'outside'), path.join(root, 'chosen', 'away')); // out of the folder: not followed
  await fs.symlink(path.join(root, 'chosen', 'a.txt'), path.join(root, 'chosen', 'again.txt')); // the same file twice
  await fs.symlink(path.join(root, 'nowhere.txt'), path.join(root, 'chosen', 'dangling.txt'));
});

afterAll(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

describe('selectFiles', () => {
  it('follows links only inside the chosen folder, takes each file once, and skips dangling links quietly', async () => {
    const { files, problems } = await selectFiles([path.join(root, 'chosen')]);
    expect(files.map((f) => path.relative(root, f.path))).toEqual([path.join('chosen', 'a.txt'), path.join('chosen', 'sub', 'b.md')]);
    expect(problems).toEqual([]);
  });

  it('takes a named file as it is, and says what it cannot find', async () => {
    await put('.named-hidden.bin');
    const { files, problems } = await selectFiles(['.named-hidden.bin', 'missing.txt'], root);
    expect(files.map((f) => f.path)).toEqual([path.join(root, '.named-hidden.bin')]);
    expect(problems).toEqual([expect.objectContaining({ path: path.join(root, 'missing.txt'), error: expect.objectContaining({ code: 'FILE_MISSING' }) as unknown })]);
  });
});

describe('the name rule', () => {
  it('judges paths inside a folder by every segment and the extension', () => {
    expect(isChosenInFolder('a/b/photo.JPG')).toBe(true);
    expect(isChosenInFolder('.cache/photo.jpg')).toBe(false);
    expect(isChosenInFolder('a/photo.jpg.crdownload')).toBe(false);
    expect(isChosenInFolder('a/~$report.docx')).toBe(false);
    expect(hasSupportedExtension('folder.jpg/README')).toBe(false);
  });
});
