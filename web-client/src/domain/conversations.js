// Conversations of the session: loading (list, epoch keys, titles, history),
// live envelopes and signals, inbox events, sending through the outbox, read
// markers, typing, creating, renaming and rotating (docs/protocol.md §4-§7).
import { decryptTitle } from '../crypto/key_envelope.js';
import { openEnvelope, parseEnvelope, envelopeFromJson, sealEnvelope, serializeEnvelope } from '../crypto/envelope.js';
import { validHexId, validUserName } from '../crypto/names.js';
import { randomIdHex, utf8 } from '../crypto/sodium.js';
import {
  conversationFilter, sendTopic, signalTopic,
} from '../transport/topics.js';
import {
  fileContent, parseContent, textContent, MAX_TEXT_LENGTH,
} from './content.js';
import { Conversation } from './conversation.js';
import { DomainError } from './errors.js';
import { ConversationKeys } from './conversation_keys.js';

export const HISTORY_PAGE = 50;
const MAX_SIGNAL_BYTES = 1024;
const TYPING_SIGNAL_INTERVAL_MS = 3000;
const MAX_CATCHUP_ROUNDS = 20;
const REASON_REFUSED = 0x87;

export class Conversations {
  constructor(session) {
    this.session = session;
    this.byId = new Map();
    this.lastTypingSent = new Map();
    this.keys = new ConversationKeys(session, this);
  }

  get(id) {
    return this.byId.get(id) ?? null;
  }

  // Conversations, most recent activity first.
  list() {
    const activity = (conv) => conv.lastMessage()?.stime || conv.lastMessage()?.ts || 0;
    return [...this.byId.values()].sort((a, b) => activity(b) - activity(a));
  }

  clear() {
    this.byId.clear();
    this.lastTypingSent.clear();
  }

  readKey() {
    const { session } = this;
    return `foyer:${session.config.householdHex}:${session.self.name}:read`;
  }

  loadReadPositions() {
    try {
      const saved = JSON.parse(this.session.storage.getItem(this.readKey()) ?? '{}');
      return saved !== null && typeof saved === 'object' ? saved : {};
    } catch {
      return {};
    }
  }

  saveReadPositions() {
    const out = {};
    for (const conv of this.byId.values()) if (conv.readSeq > 0) out[conv.id] = conv.readSeq;
    this.session.storage.setItem(this.readKey(), JSON.stringify(out));
  }

  // Adds or updates a conversation from a conv_list / conv_get entry.
  upsert(info, readPositions = null) {
    if (!validHexId(info?.conv)) return null;
    let conv = this.byId.get(info.conv);
    if (conv === undefined) {
      conv = new Conversation({ id: info.conv });
      const saved = (readPositions ?? this.loadReadPositions())[info.conv];
      if (Number.isSafeInteger(saved)) conv.readSeq = saved;
      this.byId.set(conv.id, conv);
    }
    conv.members = Array.isArray(info.members) ? info.members.filter(validUserName) : [];
    conv.epoch = Number.isSafeInteger(info.epoch) ? info.epoch : conv.epoch;
    conv.lastSeq = Math.max(conv.lastSeq, Number.isSafeInteger(info.last_seq) ? info.last_seq : 0);
    conv.rotate = info.rotate === true;
    conv.titleJson = info.title ?? null;
    return conv;
  }

  async loadAll() {
    const { convs } = await this.session.request('conv_list');
    const readPositions = this.loadReadPositions();
    const loaded = (convs ?? []).map((info) => this.upsert(info, readPositions)).filter(Boolean);
    if (loaded.length > 0) {
      await this.session.transport.subscribe(loaded.map((conv) => conversationFilter(conv.id)));
    }
    await Promise.all(loaded.map((conv) => this.loadContents(conv)));
    this.session.emit('change', 'conversations');
  }

  async loadContents(conv) {
    await this.loadKeys(conv);
    this.applyTitle(conv);
    await this.loadNewest(conv);
  }

  // Fetches our key envelopes; learns unknown senders once if needed.
  async loadKeys(conv) {
    const { session } = this;
    const { keys } = await session.request('epoch_keys', { conv: conv.id });
    let refused = session.ring.addEnvelopes(conv, keys, session.self, session.directory);
    if (refused.some((refusal) => refusal.reason === 'unknown_sender')) {
      await session.refreshUsers();
      refused = session.ring.addEnvelopes(conv, keys, session.self, session.directory);
    }
    for (const refusal of refused) {
      session.emit('failure', { conv: conv.id, seq: 0, from: refusal.from, reason: `key:${refusal.reason}` });
    }
  }

  applyTitle(conv) {
    const json = conv.titleJson;
    const key = json ? this.session.ring.get(conv.id, json.epoch) : null;
    conv.title = null;
    if (key === null) return;
    const { text } = decryptTitle(conv.id, json, key);
    conv.title = text || null;
  }

  async loadNewest(conv) {
    const { messages, more } = await this.session.request('history', { conv: conv.id, limit: HISTORY_PAGE });
    conv.hasOlder = more === true;
    for (const json of messages ?? []) await this.ingest(conv, json);
  }

  // Scroll-back: the page before the oldest loaded message.
  async loadOlder(convId) {
    const conv = this.get(convId);
    if (conv === null || !conv.hasOlder) return 0;
    const before = conv.oldestSeq();
    const args = { conv: conv.id, limit: HISTORY_PAGE };
    if (before > 0) args.before = before;
    const { messages, more } = await this.session.request('history', args);
    conv.hasOlder = more === true;
    let added = 0;
    for (const json of messages ?? []) if (await this.ingest(conv, json)) added += 1;
    this.session.emit('change', conv.id);
    return added;
  }

  handleEnvelopeText(convId, text) {
    const conv = this.get(convId);
    if (conv === null) return Promise.resolve(false);
    const { envelope, error } = parseEnvelope(text);
    if (error || envelope.conv !== convId) {
      this.session.emit('failure', { conv: convId, seq: 0, from: '', reason: 'malformed' });
      return Promise.resolve(false);
    }
    return this.ingestParsed(conv, envelope).then((added) => {
      if (added) this.session.emit('change', convId);
      return added;
    });
  }

  ingest(conv, json) {
    const { envelope, error } = envelopeFromJson(json);
    if (error || envelope.conv !== conv.id) {
      this.session.emit('failure', { conv: conv.id, seq: 0, from: '', reason: 'malformed' });
      return Promise.resolve(false);
    }
    return this.ingestParsed(conv, envelope);
  }

  // Checks and stores one stamped envelope; false for a duplicate (same seq).
  async ingestParsed(conv, envelope) {
    const { session } = this;
    if (envelope.seq === 0 || conv.hasSeq(envelope.seq)) return false;
    if (envelope.from === session.self.name) session.outbox.confirm(envelope.cmid);
    if (session.directory.keysOf(envelope.from) === null) await session.refreshUsers();
    if (!session.ring.has(conv.id, envelope.epoch)) await this.loadKeys(conv);
    if (conv.hasSeq(envelope.seq)) return false;
    const senderKeys = session.directory.keysOf(envelope.from);
    const epochKey = session.ring.get(conv.id, envelope.epoch);
    const base = {
      seq: envelope.seq, cmid: envelope.cmid, from: envelope.from, ts: envelope.ts,
      stime: envelope.stime, epoch: envelope.epoch,
    };
    let reason = null;
    let content = null;
    if (senderKeys === null) reason = 'unknown_sender';
    else if (epochKey === null) reason = 'no_key';
    else {
      const opened = openEnvelope(envelope, senderKeys.ed25519, epochKey);
      if (opened.error) reason = opened.error;
      else content = parseContent(opened.plaintext) ?? { type: 'unsupported' };
    }
    if (reason !== null) {
      conv.failures += 1;
      conv.addMessage({ ...base, type: 'refused' });
      session.emit('failure', { conv: conv.id, seq: envelope.seq, from: envelope.from, reason });
      return true;
    }
    const message = { ...base, ...content };
    conv.addMessage(message);
    if (message.from !== session.self.name) session.emit('message', conv.id, message);
    return true;
  }

  handleSignal(convId, text) {
    const conv = this.get(convId);
    if (conv === null || utf8(text).length > MAX_SIGNAL_BYTES) return;
    let signal;
    try {
      signal = JSON.parse(text);
    } catch {
      return;
    }
    if (signal === null || typeof signal !== 'object' || !validUserName(signal.from)) return;
    const self = this.session.self.name;
    if (signal.type === 'typing' && signal.from !== self) {
      conv.noteTyping(signal.from, this.session.now());
      this.session.emit('typing', convId);
    } else if (signal.type === 'read' && Number.isSafeInteger(signal.seq) && signal.seq > 0) {
      if (signal.from === self) {
        if (conv.markRead(Math.min(signal.seq, conv.lastSeq))) this.saveReadPositions();
      } else {
        conv.noteReadBy(signal.from, signal.seq);
      }
      this.session.emit('change', convId);
    }
  }

  async handleInbox(text) {
    let event;
    try {
      event = JSON.parse(text);
    } catch {
      return;
    }
    if (!validHexId(event?.conv)) return;
    try {
      if (event.event === 'conv_removed') {
        this.remove(event.conv);
      } else if (event.event === 'rotate_needed') {
        const conv = this.get(event.conv);
        if (conv) conv.rotate = true;
        await this.refresh(event.conv);
      } else if (['conv_added', 'epoch', 'conv_updated'].includes(event.event)) {
        await this.refresh(event.conv);
      }
    } catch {
      // A failed refresh is retried by the next event or reconnect.
    }
    this.session.emit('change', 'conversations');
  }

  // Re-reads one conversation (members, epoch, title), and loads it if new.
  async refresh(convId) {
    const info = await this.session.request('conv_get', { conv: convId });
    const isNew = !this.byId.has(convId);
    const conv = this.upsert(info);
    if (conv === null) return;
    if (isNew) {
      await this.session.transport.subscribe([conversationFilter(conv.id)]);
      await this.loadContents(conv);
    } else {
      if (!this.session.ring.has(conv.id, conv.epoch)) await this.loadKeys(conv);
      this.applyTitle(conv);
    }
    this.session.emit('change', conv.id);
  }

  remove(convId) {
    if (!this.byId.delete(convId)) return;
    this.session.ring.forget(convId);
    this.session.transport.unsubscribe([conversationFilter(convId)]);
  }

  // After a reconnect: the list may have changed; fetch what was missed.
  async resync() {
    const { convs } = await this.session.request('conv_list');
    const seen = new Set();
    for (const info of convs ?? []) {
      seen.add(info?.conv);
      if (!this.byId.has(info?.conv)) await this.refresh(info.conv);
      else this.upsert(info);
    }
    for (const id of [...this.byId.keys()]) if (!seen.has(id)) this.remove(id);
    for (let round = 0; round < MAX_CATCHUP_ROUNDS; round += 1) {
      const since = {};
      for (const conv of this.byId.values()) since[conv.id] = conv.newestSeq();
      if (Object.keys(since).length === 0) break;
      const { messages, more } = await this.session.request('catchup', { since });
      for (const [convId, list] of Object.entries(messages ?? {})) {
        const conv = this.get(convId);
        if (conv === null) continue;
        for (const json of list ?? []) await this.ingest(conv, json);
      }
      if (!Object.values(more ?? {}).some(Boolean)) break;
    }
    for (const conv of this.byId.values()) this.applyTitle(conv);
    this.session.emit('change', 'conversations');
  }

  // Seals a text message (or, with `file`, a file message whose caption is
  // `text`: docs/protocol.md §10), keeps it in the outbox and publishes it.
  async sendText(convId, text, replyTo = null, file = null) {
    const { session } = this;
    const conv = this.get(convId);
    if (conv === null) throw new DomainError('not_member');
    if (text.length > MAX_TEXT_LENGTH) throw new DomainError('too_long');
    // A member's key changed and nobody accepted it: the person decides first.
    const changed = session.directory.warnings().find((warning) => conv.members.includes(warning.user));
    if (changed) throw new DomainError('key_changed', changed.user);
    if (conv.rotate || conv.rekey) await this.keys.rotate(conv, { force: conv.rekey });
    let epochKey = session.ring.get(conv.id, conv.epoch);
    if (epochKey === null) {
      await this.loadKeys(conv);
      epochKey = session.ring.get(conv.id, conv.epoch);
      if (epochKey === null) throw new DomainError('no_key');
    }
    const cmid = randomIdHex();
    const ts = session.now();
    const envelope = sealEnvelope({
      conv: conv.id, epoch: conv.epoch, from: session.self.name, cmid, ts, epochKey,
      signSecret: session.self.sign.secretKey,
      plaintext: file ? fileContent(file, text, replyTo) : textContent(text, replyTo),
    });
    const entry = session.outbox.add({
      conv: conv.id, cmid, payload: serializeEnvelope(envelope), text, replyTo, ts,
      epoch: conv.epoch, file,
    });
    session.emit('change', conv.id);
    await this.publishEntry(entry, true);
    return cmid;
  }

  async publishEntry(entry, mayReseal) {
    const { session } = this;
    if (!session.transport.connected) return;
    try {
      await session.transport.publish(sendTopic(entry.conv), entry.payload, { qos: 1 });
      session.outbox.markPublished(entry.cmid, session.now());
    } catch (error) {
      if (error.reasonCode !== REASON_REFUSED) return;  // offline: sent again on reconnect
      await this.handleRefusal(entry, mayReseal);
    }
  }

  // The server refused the envelope: if the epoch moved on, seal it again
  // for the new epoch once; otherwise the message is marked failed.
  async handleRefusal(entry, mayReseal) {
    const { session } = this;
    const conv = this.get(entry.conv);
    if (mayReseal && conv !== null) {
      try {
        await this.refresh(conv.id);
      } catch {
        // Fall through: marked failed.
      }
      if (conv.rotate || conv.epoch !== entry.epoch) {
        session.outbox.discard(entry.cmid);
        await this.sendText(conv.id, entry.text, entry.replyTo, entry.file ?? null);
        return;
      }
    }
    session.outbox.markFailed(entry.cmid, 'refused');
    session.emit('change', entry.conv);
  }

  // Sends a failed message again (a new envelope).
  async retry(cmid) {
    const entry = this.session.outbox.get(cmid);
    if (entry === null) return;
    this.session.outbox.discard(cmid);
    await this.sendText(entry.conv, entry.text, entry.replyTo, entry.file ?? null);
  }

  // Encrypts and uploads a file, then shares it with an optional caption.
  // `onProgress(sent, total)` follows the upload's chunks.
  async sendFile(convId, { name, mime, bytes }, { caption = '', replyTo = null, onProgress } = {}) {
    if (this.get(convId) === null) throw new DomainError('not_member');
    if (caption.length > MAX_TEXT_LENGTH) throw new DomainError('too_long');
    const file = await this.session.files.upload(convId, { name, mime, bytes }, onProgress);
    return this.sendText(convId, caption, replyTo, file);
  }

  async flushOutbox() {
    for (const entry of this.session.outbox.pending()) await this.publishEntry(entry, true);
  }

  publishSignal(convId, signal) {
    return this.session.transport.publish(signalTopic(convId), JSON.stringify(signal), { qos: 0 })
      .catch(() => {});
  }

  // Called as the person types; sends at most one signal per 3 s.
  typing(convId) {
    const now = this.session.now();
    if (now - (this.lastTypingSent.get(convId) ?? 0) < TYPING_SIGNAL_INTERVAL_MS) return;
    this.lastTypingSent.set(convId, now);
    this.publishSignal(convId, { type: 'typing', from: this.session.self.name });
  }

  // The conversation is on screen: everything loaded is read.
  markRead(convId) {
    const conv = this.get(convId);
    if (conv === null || !conv.markRead(conv.newestSeq())) return;
    this.saveReadPositions();
    this.publishSignal(convId, { type: 'read', from: this.session.self.name, seq: conv.readSeq });
    this.session.emit('change', convId);
  }
}
