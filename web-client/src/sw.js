// Service worker: caches the application shell only (the page, its script,
// style, manifest and icon) so that Foyer opens without the network and can
// be installed. Messages, keys, attachments, config.json and every other
// request go straight to the network and are never stored here.
const VERSION = '__SHELL_VERSION__';
const CACHE = `foyer-shell-${VERSION}`;
const SHELL = ['./', 'index.html', 'app.js', 'app.css', 'manifest.webmanifest', 'icon.svg', 'timer_worker.js'];

function shellPath(url) {
  const scope = new URL(self.registration.scope);
  if (url.origin !== scope.origin || !url.pathname.startsWith(scope.pathname) || url.search) return null;
  const rest = url.pathname.slice(scope.pathname.length);
  return SHELL.includes(rest === '' ? './' : rest) ? (rest === '' ? './' : rest) : null;
}

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(caches.keys()
    .then((names) => Promise.all(names.filter((name) => name !== CACHE).map((name) => caches.delete(name))))
    .then(() => self.clients.claim()));
});

// Shell files: the network first (updates show at once), the cache offline.
self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET') return;
  const path = shellPath(new URL(request.url));
  if (path === null) return;
  event.respondWith(fetch(request).then((response) => {
    if (response.ok) {
      const copy = response.clone();
      caches.open(CACHE).then((cache) => cache.put(path, copy));
    }
    return response;
  }).catch(() => caches.open(CACHE).then((cache) => cache.match(path)).then((hit) => hit ?? Response.error())));
});
