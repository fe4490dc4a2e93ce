// Interface language: French or English, picked from the browser's
// preferences, switchable, remembered in localStorage.
import { MESSAGES } from './messages.js';

export const LANGUAGES = ['en', 'fr'];
const STORAGE_KEY = 'foyer:lang';
let current = 'en';
const listeners = new Set();

// The first supported language among `preferred` (e.g. navigator.languages).
export function pickLanguage(preferred) {
  for (const tag of preferred ?? []) {
    const base = String(tag).toLowerCase().split('-')[0];
    if (LANGUAGES.includes(base)) return base;
  }
  return 'en';
}

export function initLanguage(storage, preferred) {
  const saved = storage?.getItem(STORAGE_KEY);
  current = LANGUAGES.includes(saved) ? saved : pickLanguage(preferred);
  return current;
}

export function language() {
  return current;
}

export function setLanguage(lang, storage = null) {
  if (!LANGUAGES.includes(lang) || lang === current) return;
  current = lang;
  storage?.setItem(STORAGE_KEY, lang);
  for (const listener of listeners) listener(lang);
}

export function onLanguageChange(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

// The text for `key`, placeholders filled in (plain text, never HTML).
export function t(key, params = {}) {
  const template = MESSAGES[current][key] ?? MESSAGES.en[key] ?? key;
  return template.replace(/\{(\w+)\}/g, (match, name) => (name in params ? String(params[name]) : match));
}
