import { rename, rm, writeFile } from 'node:fs/promises';
import { fileSystemError } from './failures.ts';

/**
 * Readers (thumbnail server, preview player) may open `outPath` at any moment, so output is produced
 * under a temporary name and renamed into place only once it is complete.
 */
export async function writeAtomically(outPath: string, produce: (tmpPath: string) => Promise<void>): Promise<void> {
  const tmpPath = `${outPath}.tmp`;
  try {
    await produce(tmpPath);
    await rename(tmpPath, outPath).catch((err: unknown) => {
      throw fileSystemError(err, 'saving a generated file');
    });
  } catch (err) {
    // The failure is what the caller needs to see, not a leftover that could not be tidied (e.g. a directory).
    await rm(tmpPath, { force: true }).catch(() => undefined);
    throw err;
  }
}

export async function writeFileAtomically(outPath: string, data: Uint8Array): Promise<void> {
  await writeAtomically(outPath, async (tmpPath) => {
    await writeFile(tmpPath, data).catch((err: unknown) => {
      throw fileSystemError(err, 'saving a generated file');
    });
  });
}
