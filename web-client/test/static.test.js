// Static guarantees of the client's sources: no HTML injection sinks, no
// inline script or style (the gateway's CSP forbids them), both languages
// complete, language choice from the browser's preferences.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { MESSAGES } from '../src/i18n/messages.js';
import {
  initLanguage, language, pickLanguage, setLanguage, t,
} from '../src/i18n/index.js';
import { MemoryStorage } from './fake_server.js';

const SRC = join(dirname(fileURLToPath(import.meta.url)), '..', 'src');

function sources(dir = SRC) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.js') ? [path] : [];
  });
}

test('no source uses an HTML sink or eval', () => {
  const sinks = /\.innerHTML\s*=|\.outerHTML\s*=|insertAdjacentHTML|document\.write|\beval\(|new Function\(|\.style\.|setAttribute\(\s*['"]style/;
  const files = sources();
  assert.ok(files.length > 20);
  for (const file of files) {
    const code = readFileSync(file, 'utf8').split('\n').filter((line) => !line.trim().startsWith('//')).join('\n');
    assert.doesNotMatch(code, sinks, file);
  }
});

test('index.html has no inline script, style or event handler', () => {
  const html = readFileSync(join(SRC, 'index.html'), 'utf8');
  assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/);
  assert.doesNotMatch(html, /<style|\sstyle=|\son[a-z]+=/i);
  assert.match(html, /<script type="module" src="app.js"><\/script>/);
  const manifest = JSON.parse(readFileSync(join(SRC, 'manifest.webmanifest'), 'utf8'));
  assert.equal(manifest.display, 'standalone');
});

test('French and English have the same keys and placeholders', () => {
  const placeholders = (text) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
  assert.deepEqual(Object.keys(MESSAGES.fr).sort(), Object.keys(MESSAGES.en).sort());
  for (const key of Object.keys(MESSAGES.en)) {
    assert.deepEqual(placeholders(MESSAGES.fr[key]), placeholders(MESSAGES.en[key]), key);
  }
});

test('language: browser preference, saved choice, switch, placeholders', () => {
  assert.equal(pickLanguage(['fr-FR', 'en-US']), 'fr');
  assert.equal(pickLanguage(['de-DE', 'en-GB']), 'en');
  assert.equal(pickLanguage(['de-DE']), 'en');
  const storage = new MemoryStorage();
  assert.equal(initLanguage(storage, ['fr-CA']), 'fr');
  assert.equal(t('conv.typing_one', { name: 'Bob' }), 'Bob écrit…');
  setLanguage('en', storage);
  assert.equal(language(), 'en');
  assert.equal(t('conv.typing_one', { name: '<b>' }), '<b> is typing…');
  assert.equal(initLanguage(storage, ['fr-FR']), 'en', 'the saved choice wins');
});

test('the service worker caches exactly the app shell the build writes', () => {
  const worker = readFileSync(join(SRC, 'sw.js'), 'utf8');
  const shell = JSON.parse(/const SHELL = (\[[^\]]*\])/.exec(worker)[1].replace(/'/g, '"'));
  const build = readFileSync(join(SRC, '..', 'build.mjs'), 'utf8');
  const statics = JSON.parse(/const STATIC_FILES = (\[[^\]]*\])/.exec(build)[1].replace(/'/g, '"'));
  assert.deepEqual([...shell].sort(), ['./', 'app.js', ...statics].sort());
  assert.ok(!shell.includes('config.json'));
  assert.match(worker, /__SHELL_VERSION__/);
  assert.match(worker, /if \(path === null\) return;/, 'other requests are not intercepted');
});
