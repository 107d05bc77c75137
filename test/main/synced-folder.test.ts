/** The folder a synced file is sent with (metadata.folder), on this system's path rules. */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { syncedFolderOf } from '../../main/sync/sync-manager.ts';

describe('syncedFolderOf', () => {
  it('is the synced folder\'s name, then the sub-folders down to the file, joined by /', () => {
    const root = path.join(path.sep, 'home', 'me', 'Pictures');
    expect(syncedFolderOf(root, path.join(root, 'a.jpg'))).toBe('Pictures');
    expect(syncedFolderOf(root, path.join(root, 'Holidays', '2023', 'b.jpg'))).toBe('Pictures/Holidays/2023');
  });
});
