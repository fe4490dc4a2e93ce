// Dates and times for the views, in the interface language.
import { language, t } from '../i18n/index.js';

export function formatTime(ms) {
  return new Intl.DateTimeFormat(language(), { hour: '2-digit', minute: '2-digit' })
    .format(new Date(ms));
}

// Today: the time; otherwise the date.
export function formatListTime(ms, now = Date.now()) {
  const date = new Date(ms);
  if (new Date(now).toDateString() === date.toDateString()) return formatTime(ms);
  return new Intl.DateTimeFormat(language(), { day: 'numeric', month: 'short' }).format(date);
}

export function formatDay(ms) {
  return new Intl.DateTimeFormat(language(), { weekday: 'long', day: 'numeric', month: 'long' })
    .format(new Date(ms));
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
