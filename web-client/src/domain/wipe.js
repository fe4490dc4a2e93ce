// Logout's sweep of browser storage. Keys and decrypted texts are never
// written to storage in the first place (they live in memory, which the
// reload after logout drops); this removes anything else a page could have
// left: sessionStorage, IndexedDB, Cache Storage other than the app shell's,
// and every localStorage entry except the few non-secret ones listed here.
const KEEP_EXACT = new Set(['foyer:lang', 'foyer:last-user', 'foyer:household', 'foyer:notify']);
// foyer:<household hex>:<user>:pins (peers' public keys, trust on first use)
// and :read (read positions: sequence numbers only).
const KEEP_PATTERN = /^foyer:[0-9a-f]{32}:[a-z][a-z0-9._-]*:(pins|read)$/;
export const SHELL_CACHE_PREFIX = 'foyer-shell-';

export function localKeysToRemove(keys) {
  return keys.filter((key) => !KEEP_EXACT.has(key) && !KEEP_PATTERN.test(key));
}

export function cachesToRemove(names) {
  return names.filter((name) => !name.startsWith(SHELL_CACHE_PREFIX));
}

// `win`: window (or a stand-in with the same members). Never throws.
export async function wipeBrowserStorage(win) {
  try {
    win.sessionStorage?.clear();
  } catch { /* storage disabled */ }
  try {
    const storage = win.localStorage;
    const keys = [];
    for (let i = 0; i < storage.length; i += 1) keys.push(storage.key(i));
    for (const key of localKeysToRemove(keys)) storage.removeItem(key);
  } catch { /* storage disabled */ }
  try {
    const databases = await win.indexedDB?.databases?.() ?? [];
    await Promise.all(databases.map((db) => new Promise((resolve) => {
      const request = win.indexedDB.deleteDatabase(db.name);
      request.onsuccess = resolve;
      request.onerror = resolve;
      request.onblocked = resolve;
    })));
  } catch { /* no IndexedDB */ }
  try {
    const names = await win.caches?.keys() ?? [];
    await Promise.all(cachesToRemove(names).map((name) => win.caches.delete(name)));
  } catch { /* no Cache Storage */ }
}
