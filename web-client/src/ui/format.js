// Dates and times for the views, in the interface language.
import { language } from '../i18n/index.js';

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
