// Builds the web client into $FOYER_WEB_OUT (default: web-client/dist):
// one bundled, minified app.js (no CDN, nothing fetched at run time), plus
// the static files. Usage: npm run build
import { cp, mkdir, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const out = resolve(process.env.FOYER_WEB_OUT ?? join(here, 'dist'));
const STATIC_FILES = ['index.html', 'app.css', 'manifest.webmanifest', 'icon.svg'];

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
console.log(`web client built in ${out}`);
