// Conversation epoch keys (docs/protocol.md §4). A key is accepted only from
// a key envelope addressed to us, signed by a user whose pinned Ed25519 key
// verifies it, who is a member of the conversation (for past epochs, whose
// makers may have left since, a pinned household account suffices).
import { keyEnvelopeFromJson, openKeyEnvelope } from '../crypto/key_envelope.js';

export class EpochKeyRing {
  constructor() {
    this.keys = new Map();  // conv -> Map(epoch -> key)
  }

  get(conv, epoch) {
    return this.keys.get(conv)?.get(epoch) ?? null;
  }

  has(conv, epoch) {
    return this.get(conv, epoch) !== null;
  }

  // Opens the key envelopes of one conversation. `conversation` is
  // { id, epoch, members }. Returns the list of refusals ({ epoch, from,
  // reason }); accepted keys are stored.
  addEnvelopes(conversation, envelopesJson, self, directory) {
    const refused = [];
    for (const json of envelopesJson ?? []) {
      const { keyEnvelope, error } = keyEnvelopeFromJson(json);
      if (error) {
        refused.push({ epoch: json?.epoch, from: json?.from, reason: 'malformed' });
        continue;
      }
      const { epoch, from, to } = keyEnvelope;
      if (to !== self.name) {
        refused.push({ epoch, from, reason: 'not_for_us' });
        continue;
      }
      const isCurrent = epoch >= conversation.epoch;
      if (isCurrent && !conversation.members.includes(from)) {
        refused.push({ epoch, from, reason: 'not_member' });
        continue;
      }
      const pinned = directory.keysOf(from);
      if (pinned === null) {
        refused.push({ epoch, from, reason: 'unknown_sender' });
        continue;
      }
      const opened = openKeyEnvelope(conversation.id, keyEnvelope, pinned.ed25519, self.box);
      if (opened.error) {
        refused.push({ epoch, from, reason: opened.error });
        continue;
      }
      if (!this.keys.has(conversation.id)) this.keys.set(conversation.id, new Map());
      this.keys.get(conversation.id).set(epoch, opened.epochKey);
    }
    return refused;
  }

  // A key this client made itself (conversation creation, rotation).
  set(conv, epoch, key) {
    if (!this.keys.has(conv)) this.keys.set(conv, new Map());
    this.keys.get(conv).set(epoch, key);
  }

  forget(conv) {
    for (const key of this.keys.get(conv)?.values() ?? []) key.fill(0);
    this.keys.delete(conv);
  }

  clear() {
    for (const conv of [...this.keys.keys()]) this.forget(conv);
  }
}
