/**
 * Packaging configuration: electron-builder.yml passes electron-builder's own schema, associates
 * every supported extension, publishes to a generic update feed; the icon is a real 512×512 PNG;
 * package.json points at the built main entry; electron-vite builds a CommonJS preload.
 */
import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import sharp from 'sharp';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { SUPPORTED_EXTENSIONS } from '../../shared/file-types.ts';

const repo = path.resolve(import.meta.dirname, '../..');
const require = createRequire(import.meta.url);

describe('desktop packaging', () => {
  it('has a valid electron-builder configuration with file associations and an update feed', async () => {
    const yml = parse(await fs.readFile(path.join(repo, 'electron-builder.yml'), 'utf8')) as {
      appId: string; productName: string; fileAssociations: { ext: string; mimeType: string }[];
      linux: { target: string[] }; mac: { target: string[] }; win: { target: string[] }; publish: { provider: string; url: string }[];
    };
    expect(yml.appId).toBe('app.trove.desktop');
    expect(yml.productName).toBe('Trove');
    expect(yml.linux.target).toEqual(['AppImage', 'deb']);
    expect(yml.mac.target).toEqual(['dmg']);
    expect(yml.win.target).toEqual(['nsis']);
    expect(yml.fileAssociations.map((a) => a.ext).sort()).toEqual(Object.values(SUPPORTED_EXTENSIONS).flat().sort());
    expect(yml.fileAssociations.every((a) => /^[a-z]+\/[\w.+-]+$/.test(a.mimeType))).toBe(true);
    expect(yml.publish[0]).toMatchObject({ provider: 'generic', url: expect.stringMatching(/^https:\/\//) as unknown });

    const config = require('app-builder-lib/out/util/config/config') as {
      getConfig(dir: string, file: string | null, opts: null): Promise<unknown>;
      validateConfiguration(c: unknown, log: { add(): void; isEnabled: boolean }): Promise<void>;
    };
    const loaded = await config.getConfig(repo, null, null);
    await expect(config.validateConfiguration(loaded, { add: () => undefined, isEnabled: false })).resolves.toBeUndefined();
  });

  it('ships a 512×512 icon and points package.json at the built main process', async () => {
    const meta = await sharp(path.join(repo, 'build', 'icon.png')).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['png', 512, 512]);
    expect(await fs.readFile(path.join(repo, 'build', 'icon.svg'), 'utf8')).toMatch(/^<svg [^>]*viewBox="0 0 512 512"/);
    const pkg = JSON.parse(await fs.readFile(path.join(repo, 'package.json'), 'utf8')) as { main: string; scripts: Record<string, string> };
    expect(pkg.main).toBe('out/main/index.js');
    expect(pkg.scripts.build).toBe('electron-vite build');
    expect(pkg.scripts.start).toMatch(/electron/);
  });

  it('builds the preload as one CommonJS file (sandboxed preloads cannot be ES modules)', async () => {
    const { loadConfigFromFile } = await import('electron-vite');
    const { config } = await loadConfigFromFile({ command: 'build', mode: 'production' }, path.join(repo, 'electron.vite.config.ts'));
    const preload = config.preload?.build as { externalizeDeps?: boolean; rolldownOptions?: { input: Record<string, string>; output: { format: string; entryFileNames: string } } };
    expect(preload.externalizeDeps).toBe(false);
    expect(preload.rolldownOptions?.output).toMatchObject({ format: 'cjs', entryFileNames: '[name].cjs' });
    expect(Object.values(preload.rolldownOptions!.input)).toEqual([path.join(repo, 'preload', 'index.ts')]);
    const main = config.main?.build as { rolldownOptions?: { input: Record<string, string> } };
    expect(main.rolldownOptions?.input).toEqual({ index: path.join(repo, 'main', 'electron', 'main.ts') });
  });
});
