// A minimal event emitter for domain state: views subscribe to changes.
export class Emitter {
  constructor() {
    this.handlers = new Map();
  }

  // Returns a function that removes the handler.
  on(event, handler) {
    if (!this.handlers.has(event)) this.handlers.set(event, new Set());
    this.handlers.get(event).add(handler);
    return () => this.handlers.get(event)?.delete(handler);
  }

  emit(event, ...args) {
    for (const handler of this.handlers.get(event) ?? []) handler(...args);
  }
}
