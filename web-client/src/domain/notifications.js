// Browser notifications for new messages while the tab is hidden. The
// person opts in (the browser asks for permission); the message text is
// shown only if he also allowed it, otherwise the notification says "New
// message". Preferences are not secret: localStorage.
const PREFS_KEY = 'foyer:notify';

export function loadNotifyPrefs(storage) {
  try {
    const saved = JSON.parse(storage.getItem(PREFS_KEY) ?? '{}');
    return { enabled: saved?.enabled === true, showText: saved?.showText === true };
  } catch {
    return { enabled: false, showText: false };
  }
}

export function saveNotifyPrefs(storage, prefs) {
  storage.setItem(PREFS_KEY, JSON.stringify({ enabled: prefs.enabled === true, showText: prefs.showText === true }));
}

// What to show for `message` (from someone else), or null for nothing.
// `texts`: { title, generic } in the interface language.
export function notificationFor({
  message, convId, hidden, permission, prefs, texts,
}) {
  if (!hidden || permission !== 'granted' || !prefs.enabled) return null;
  const showText = prefs.showText && message.type === 'text';
  return {
    title: texts.title,
    body: showText ? `${message.from}: ${message.text}` : texts.generic,
    tag: `foyer-${convId}`,
  };
}
