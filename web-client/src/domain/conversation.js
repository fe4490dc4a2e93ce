// One conversation as the client knows it: members, epoch, title, the
// messages loaded so far (de-duplicated by seq), read position, unread count,
// who is typing. Pure state: no I/O, no crypto.
export const TYPING_TIMEOUT_MS = 6000;

export class Conversation {
  constructor({
    id, members = [], epoch = 1, lastSeq = 0, rotate = false,
  }) {
    this.id = id;
    this.members = members;
    this.epoch = epoch;
    this.lastSeq = lastSeq;     // highest seq the server announced or we saw
    this.rotate = rotate;
    this.rekey = false;         // a member's new key was accepted: new epoch before sending
    this.title = null;          // decrypted title, or null
    this.messages = new Map();  // seq -> message
    this.readSeq = 0;           // our read position (persisted by the session)
    this.readBy = new Map();    // peer -> highest seq he read
    this.typing = new Map();    // peer -> time of his last typing signal
    this.hasOlder = true;       // history holds messages before the oldest loaded
    this.failures = 0;          // messages refused by the signature or AEAD checks
  }

  // message: { seq, cmid, from, ts, stime, epoch, text, replyTo, type }.
  // Returns false for a duplicate (same seq).
  addMessage(message) {
    if (this.messages.has(message.seq)) return false;
    this.messages.set(message.seq, message);
    if (message.seq > this.lastSeq) this.lastSeq = message.seq;
    this.typing.delete(message.from);
    return true;
  }

  hasSeq(seq) {
    return this.messages.has(seq);
  }

  // Messages in seq order.
  sortedMessages() {
    return [...this.messages.values()].sort((a, b) => a.seq - b.seq);
  }

  oldestSeq() {
    let oldest = 0;
    for (const seq of this.messages.keys()) if (oldest === 0 || seq < oldest) oldest = seq;
    return oldest;
  }

  newestSeq() {
    let newest = 0;
    for (const seq of this.messages.keys()) if (seq > newest) newest = seq;
    return newest;
  }

  lastMessage() {
    const newest = this.newestSeq();
    return newest === 0 ? null : this.messages.get(newest);
  }

  // Messages from others after our read position, among those loaded. When
  // the loaded history does not reach back to the read position, the count
  // is a lower bound: `unreadMore` says so.
  unreadCount(self) {
    let count = 0;
    for (const message of this.messages.values()) {
      if (message.seq > this.readSeq && message.from !== self) count += 1;
    }
    return count;
  }

  unreadMore() {
    const oldest = this.oldestSeq();
    return this.hasOlder && oldest > 0 && this.readSeq < oldest - 1;
  }

  // Moves the read position forward (never back). Returns true if it moved.
  markRead(seq) {
    if (seq <= this.readSeq) return false;
    this.readSeq = seq;
    return true;
  }

  noteReadBy(peer, seq) {
    if (seq > (this.readBy.get(peer) ?? 0)) this.readBy.set(peer, seq);
  }

  // The state of our message `seq`: 'read' once every other current member
  // read up to it, 'delivered' (stored by the server) before.
  receiptState(seq, self) {
    const others = this.members.filter((member) => member !== self);
    if (others.length > 0 && others.every((member) => (this.readBy.get(member) ?? 0) >= seq)) {
      return 'read';
    }
    return 'delivered';
  }

  // Who (besides us) read up to `seq`, in name order.
  readersOf(seq, self) {
    return [...this.readBy.entries()]
      .filter(([peer, read]) => peer !== self && read >= seq)
      .map(([peer]) => peer).sort();
  }

  // The loaded message with client message id `cmid` (for replies), or null.
  findByCmid(cmid) {
    for (const message of this.messages.values()) if (message.cmid === cmid) return message;
    return null;
  }

  noteTyping(peer, now) {
    this.typing.set(peer, now);
  }

  // Peers typing now, in name order.
  typingPeers(now) {
    return [...this.typing.entries()]
      .filter(([, time]) => now - time < TYPING_TIMEOUT_MS)
      .map(([peer]) => peer)
      .sort();
  }

  // A name for lists: the title, else the other members.
  displayName(self) {
    if (this.title) return this.title;
    const others = this.members.filter((member) => member !== self);
    return others.length > 0 ? others.join(', ') : self;
  }
}
