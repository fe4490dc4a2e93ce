// Builds the web client into $FOYER_WEB_OUT (default: web-client/dist):
// one bundled, minified app.js (no CDN, nothing fetched at run time), plus
// the static files. Usage: npm run build
import { createHash } from 'node:crypto';
import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const out = resolve(process.env.FOYER_WEB_OUT ?? join(here, 'dist'));
const STATIC_FILES = ['index.html', 'app.css', 'manifest.webmanifest', 'icon.svg', 'timer_worker.js'];

await rm(out, { recursive: true, force: true });
await mkdir(out, { recursive: true });
await build({
  entryPoints: [join(here, 'src', 'app.js')],
  outfile: join(out, 'app.js'),
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: ['es2022'],
  minify: true,
  sourcemap: true,
  legalComments: 'linked',
  logLevel: 'warning',
});
for (const file of STATIC_FILES) await cp(join(here, 'src', file), join(out, file));
// The service worker's cache is named after the shell it holds: a new build
// replaces the old cache.
const hash = createHash('sha256');
for (const file of ['app.js', ...STATIC_FILES]) hash.update(await readFile(join(out, file)));
const worker = await readFile(join(here, 'src', 'sw.js'), 'utf8');
await writeFile(join(out, 'sw.js'), worker.replace('__SHELL_VERSION__', hash.digest('hex').slice(0, 16)));
console.log(`web client built in ${out}`);
