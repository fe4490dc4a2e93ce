// The outbox (docs/protocol.md §5): a message counts as sent only when it
// came back from the server with a `seq` (on the topic or in history). Until
// then it stays here, sealed once (same cmid, so the server stores it once),
// and is published again after every reconnect. A message the server refused
// (PUBACK 0x87, e.g. a stale epoch) is marked failed and not retried.
export class Outbox {
  constructor() {
    this.entries = new Map();  // cmid -> entry
  }

  // entry: { conv, cmid, payload (envelope JSON text), text, replyTo, ts }
  add(entry) {
    this.entries.set(entry.cmid, { ...entry, state: 'pending', publishedAt: 0 });
    return this.entries.get(entry.cmid);
  }

  get(cmid) {
    return this.entries.get(cmid) ?? null;
  }

  // The server echoed our message with a seq: it is sent. Returns the entry.
  confirm(cmid) {
    const entry = this.entries.get(cmid) ?? null;
    this.entries.delete(cmid);
    return entry;
  }

  markPublished(cmid, now) {
    const entry = this.entries.get(cmid);
    if (entry) entry.publishedAt = now;
  }

  markFailed(cmid, reason) {
    const entry = this.entries.get(cmid);
    if (entry) {
      entry.state = 'failed';
      entry.reason = reason;
    }
  }

  discard(cmid) {
    return this.entries.delete(cmid);
  }

  // Entries to publish (again) after a (re)connect, oldest first.
  pending() {
    return [...this.entries.values()].filter((entry) => entry.state === 'pending')
      .sort((a, b) => a.ts - b.ts);
  }

  forConversation(conv) {
    return [...this.entries.values()].filter((entry) => entry.conv === conv)
      .sort((a, b) => a.ts - b.ts);
  }

  clear() {
    this.entries.clear();
  }
}
