// Interval timers for mqtt.js's keepalive, run in a dedicated worker so that
// a hidden tab's throttled timers do not let the connection time out. Served
// from the page's own origin (the CSP forbids workers made from blob: URLs,
// which is what mqtt.js would otherwise use).
const intervals = new Map();
self.addEventListener('message', (event) => {
  const { op, id, ms } = event.data ?? {};
  if (op === 'set') {
    intervals.set(id, setInterval(() => self.postMessage(id), ms));
  } else if (op === 'clear') {
    clearInterval(intervals.get(id));
    intervals.delete(id);
  }
});
