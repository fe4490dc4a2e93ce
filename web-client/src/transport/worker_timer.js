// mqtt.js's Timer interface ({ set, clear }, setInterval semantics) backed by
// src/timer_worker.js. Falls back to the page's own timers ('native') where
// workers are unavailable.
export function workerIntervalTimer(url) {
  let worker;
  try {
    worker = new Worker(url);
  } catch {
    return 'native';
  }
  let next = 1;
  const callbacks = new Map();
  worker.addEventListener('message', (event) => callbacks.get(event.data)?.());
  return {
    set(callback, ms) {
      const id = next;
      next += 1;
      callbacks.set(id, callback);
      worker.postMessage({ op: 'set', id, ms });
      return id;
    },
    clear(id) {
      callbacks.delete(id);
      worker.postMessage({ op: 'clear', id });
    },
  };
}
