// Imported, not read at run time: the build inlines it, so the version is right wherever the built
// server runs from (dist/server/, the packaged app).
import packageJson from '../package.json' with { type: 'json' };

export const VERSION: string = packageJson.version;
