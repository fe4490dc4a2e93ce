// Conversation keys that this client makes (docs/protocol.md §4): a new
// conversation's first epoch, a rotation's next epoch, and the title under the
// current epoch. Every key envelope goes to a member's pinned key; a member
// whose key changed without being accepted stops the operation.
import { encryptTitle, keyEnvelopeToJson, makeKeyEnvelope } from '../crypto/key_envelope.js';
import { randomBytes, randomIdHex } from '../crypto/sodium.js';
import { conversationFilter } from '../transport/topics.js';
import { DomainError } from './errors.js';

export class ConversationKeys {
  constructor(session, conversations) {
    this.session = session;
    this.conversations = conversations;
  }

  // Key envelopes of a new epoch key for `members`, from us.
  keyEnvelopes(convId, epoch, epochKey, members) {
    const { session } = this;
    return members.map((member) => {
      if (session.directory.warnings().some((warning) => warning.user === member)) {
        throw new DomainError('key_changed', member);
      }
      const keys = session.directory.keysOf(member);
      if (keys === null) throw new DomainError('not_found', member);
      return keyEnvelopeToJson(makeKeyEnvelope({
        conv: convId, epoch, epochKey, from: session.self.name, signSecret: session.self.sign.secretKey,
        to: member, toX25519Public: keys.x25519,
      }));
    });
  }

  // Starts a 1:1 or group conversation. Returns its id.
  async create(otherMembers, title = '') {
    const { session } = this;
    const members = [...new Set([session.self.name, ...otherMembers])];
    await session.refreshUsers();
    const conv = randomIdHex();
    const epochKey = randomBytes(32);
    const keys = this.keyEnvelopes(conv, 1, epochKey, members);
    const titleJson = encryptTitle(conv, 1, epochKey, title);
    await session.request('conv_create', { conv, members, title: titleJson, keys });
    session.ring.set(conv, 1, epochKey);
    const created = this.conversations.upsert({
      conv, members, epoch: 1, title: titleJson, last_seq: 0,
    });
    created.hasOlder = false;
    this.conversations.applyTitle(created);
    await session.transport.subscribe([conversationFilter(conv)]);
    session.emit('change', 'conversations');
    return conv;
  }

  async rename(convId, title) {
    const conv = this.conversations.get(convId);
    const epochKey = conv && this.session.ring.get(conv.id, conv.epoch);
    if (!epochKey) throw new DomainError('no_key');
    const titleJson = encryptTitle(conv.id, conv.epoch, epochKey, title);
    await this.session.request('conv_title', { conv: conv.id, title: titleJson });
    conv.titleJson = titleJson;
    this.conversations.applyTitle(conv);
    this.session.emit('change', 'conversations');
  }

  // Adds `user` with history shared: key envelopes for every epoch we hold
  // (at least the current one), addressed to the new member only.
  async addMember(convId, user) {
    const { session } = this;
    const conv = this.conversations.get(convId);
    if (conv === null) throw new DomainError('not_member');
    if (conv.members.includes(user)) return conv.epoch;
    await session.refreshUsers();
    if (!session.users.has(user)) throw new DomainError('not_found', user);
    if (!session.ring.has(conv.id, conv.epoch)) throw new DomainError('no_key');
    const keys = [];
    for (const [epoch, epochKey] of session.ring.keys.get(conv.id) ?? []) {
      keys.push(...this.keyEnvelopes(conv.id, epoch, epochKey, [user]));
    }
    const result = await session.request('conv_add', { conv: conv.id, user, keys });
    conv.members = [...conv.members, user];
    if (Number.isSafeInteger(result.epoch)) conv.epoch = result.epoch;
    session.emit('change', conv.id);
    session.emit('change', 'conversations');
    return conv.epoch;
  }

  // Removes `user`: a new epoch whose key only the remaining members get.
  async removeMember(convId, user) {
    const { session } = this;
    const conv = this.conversations.get(convId);
    if (conv === null) throw new DomainError('not_member');
    if (!conv.members.includes(user)) return conv.epoch;
    if (user === session.self.name) return this.leave(convId);
    await session.refreshUsers();
    const remaining = conv.members.filter((member) => member !== user);
    const epoch = conv.epoch + 1;
    const epochKey = randomBytes(32);
    const keys = this.keyEnvelopes(conv.id, epoch, epochKey, remaining);
    const titleJson = encryptTitle(conv.id, epoch, epochKey, conv.title ?? '');
    const result = await session.request('conv_remove', {
      conv: conv.id, user, keys, title: titleJson,
    });
    session.ring.set(conv.id, epoch, epochKey);
    conv.members = remaining;
    conv.epoch = Number.isSafeInteger(result.epoch) ? result.epoch : epoch;
    conv.rotate = false;
    conv.titleJson = titleJson;
    this.conversations.applyTitle(conv);
    session.emit('change', conv.id);
    session.emit('change', 'conversations');
    return conv.epoch;
  }

  // Leaves: the server drops us; a remaining member makes the next key.
  async leave(convId) {
    const { session } = this;
    const conv = this.conversations.get(convId);
    if (conv === null) return;
    await session.request('conv_leave', { conv: conv.id });
    this.conversations.remove(conv.id);
    session.emit('change', 'conversations');
  }

  // A new epoch for the current members (after someone left).
  // `force`: rotate even if the server does not ask for it (a member's key
  // was replaced and accepted: only a new epoch reaches his new key).
  async rotate(conv, { force = false } = {}) {
    const { session } = this;
    await session.refreshUsers();
    // The members as the server has them now: whoever left must not get the
    // new key (the inbox event that asked for the rotation may be stale).
    this.conversations.upsert(await session.request('conv_get', { conv: conv.id }));
    if (!conv.rotate && !force) return;
    const epoch = conv.epoch + 1;
    const epochKey = randomBytes(32);
    const keys = this.keyEnvelopes(conv.id, epoch, epochKey, conv.members);
    const titleJson = encryptTitle(conv.id, epoch, epochKey, conv.title ?? '');
    const result = await session.request('conv_rotate', { conv: conv.id, keys, title: titleJson });
    session.ring.set(conv.id, epoch, epochKey);
    conv.epoch = Number.isSafeInteger(result.epoch) ? result.epoch : epoch;
    conv.rotate = false;
    conv.rekey = false;
    conv.titleJson = titleJson;
    this.conversations.applyTitle(conv);
  }
}
