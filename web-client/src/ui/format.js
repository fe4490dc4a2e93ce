// Dates and times for the views, in the interface language.
import { language, t } from '../i18n/index.js';

// Intl formatters are costly to build and a render formats every message:
// one per (language, style), kept.
const formatters = new Map();
const STYLES = {
  time: { hour: '2-digit', minute: '2-digit' },
  date: { day: 'numeric', month: 'short' },
  day: { weekday: 'long', day: 'numeric', month: 'long' },
};

function formatter(style) {
  const key = `${language()}:${style}`;
  let format = formatters.get(key);
  if (format === undefined) {
    format = new Intl.DateTimeFormat(language(), STYLES[style]);
    formatters.set(key, format);
  }
  return format;
}

export function formatTime(ms) {
  return formatter('time').format(new Date(ms));
}

// Today: the time; otherwise the date.
export function formatListTime(ms, now = Date.now()) {
  const date = new Date(ms);
  if (new Date(now).toDateString() === date.toDateString()) return formatTime(ms);
  return formatter('date').format(date);
}

export function formatDay(ms) {
  return formatter('day').format(new Date(ms));
}

// A domain or request error as a sentence in the interface language.
export function errorText(error) {
  const key = `error.${error?.code}`;
  const text = t(key);
  return text === key ? t('error.generic', { code: error?.code ?? error?.message }) : text;
}

// "online", "last seen 14:02" / "last seen 3 Mar", or '' when unknown.
export function presenceText(presence, now = Date.now()) {
  if (!presence) return '';
  if (presence.state === 'online') return t('presence.online');
  if (!presence.time) return t('presence.offline');
  return t('presence.last_seen', { when: formatListTime(presence.time, now) });
}
