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

  // A new epoch for the current members (after someone left).
  async rotate(conv) {
    const { session } = this;
    await session.refreshUsers();
    const epoch = conv.epoch + 1;
    const epochKey = randomBytes(32);
    const keys = this.keyEnvelopes(conv.id, epoch, epochKey, conv.members);
    const titleJson = encryptTitle(conv.id, epoch, epochKey, conv.title ?? '');
    const result = await session.request('conv_rotate', { conv: conv.id, keys, title: titleJson });
    session.ring.set(conv.id, epoch, epochKey);
    conv.epoch = Number.isSafeInteger(result.epoch) ? result.epoch : epoch;
    conv.rotate = false;
    conv.titleJson = titleJson;
    this.conversations.applyTitle(conv);
  }
}
