// Peers' public keys with trust on first use (docs/protocol.md §3): the first
// keys seen for a user are pinned (persisted); keys that differ later are
// never used: they raise a warning until the person accepts the change (after
// checking the safety number). Pins survive logout: they are public keys.
import { fingerprint } from '../crypto/keys.js';
import { fromB64, toB64 } from '../crypto/sodium.js';
import { Emitter } from './emitter.js';

export class KeyDirectory extends Emitter {
  // `storage`: { getItem, setItem } (localStorage or a fake); `storageKey`
  // names this account's pins.
  constructor(storage, storageKey) {
    super();
    this.storage = storage;
    this.storageKey = storageKey;
    this.pins = new Map();      // user -> { ed25519, x25519, fingerprint, verified }
    this.changes = new Map();   // user -> { ed25519, x25519, fingerprint } (not trusted)
    this.load();
  }

  load() {
    let saved = null;
    try {
      saved = JSON.parse(this.storage.getItem(this.storageKey) ?? 'null');
    } catch {
      saved = null;
    }
    if (saved === null || typeof saved !== 'object') return;
    for (const [user, pin] of Object.entries(saved)) {
      const ed25519 = fromB64(pin?.ed25519);
      const x25519 = fromB64(pin?.x25519);
      if (ed25519?.length !== 32 || x25519?.length !== 32) continue;
      this.pins.set(user, {
        ed25519, x25519, fingerprint: fingerprint(ed25519, x25519), verified: pin.verified === true,
      });
    }
  }

  save() {
    const out = {};
    for (const [user, pin] of this.pins) {
      out[user] = { ed25519: toB64(pin.ed25519), x25519: toB64(pin.x25519), verified: pin.verified };
    }
    this.storage.setItem(this.storageKey, JSON.stringify(out));
  }

  // Records keys the server announced for `user`. Returns 'pinned' (first
  // sight), 'same', or 'changed' (a warning; the pinned keys stay in force).
  learn(user, ed25519, x25519) {
    if (ed25519?.length !== 32 || x25519?.length !== 32) return 'invalid';
    const seen = fingerprint(ed25519, x25519);
    const pin = this.pins.get(user);
    if (pin === undefined) {
      this.pins.set(user, {
        ed25519, x25519, fingerprint: seen, verified: false,
      });
      this.save();
      this.emit('change', user);
      return 'pinned';
    }
    if (pin.fingerprint === seen) {
      if (this.changes.delete(user)) this.emit('change', user);
      return 'same';
    }
    const previous = this.changes.get(user);
    this.changes.set(user, { ed25519, x25519, fingerprint: seen });
    if (previous?.fingerprint !== seen) this.emit('warning', user);
    return 'changed';
  }

  // The trusted (pinned) keys of `user`, or null.
  keysOf(user) {
    return this.pins.get(user) ?? null;
  }

  warnings() {
    return [...this.changes.entries()].map(([user, change]) => ({
      user, oldFingerprint: this.pins.get(user).fingerprint, newFingerprint: change.fingerprint,
    }));
  }

  // The person checked the new safety number: pin the new keys (unverified).
  acceptChange(user) {
    const change = this.changes.get(user);
    if (change === undefined) return false;
    this.pins.set(user, { ...change, verified: false });
    this.changes.delete(user);
    this.save();
    this.emit('change', user);
    return true;
  }

  // What the safety view shows for `user`: { fingerprint (pinned), verified,
  // changed (the new, untrusted fingerprint, or null) }, or null if unknown.
  status(user) {
    const pin = this.pins.get(user);
    if (pin === undefined) return null;
    return {
      fingerprint: pin.fingerprint,
      verified: pin.verified === true,
      changed: this.changes.get(user)?.fingerprint ?? null,
    };
  }

  // A changed key cannot be marked verified before it is accepted.
  setVerified(user, verified) {
    if (this.changes.has(user)) return;
    const pin = this.pins.get(user);
    if (pin === undefined) return;
    pin.verified = verified;
    this.save();
    this.emit('change', user);
  }
}

// What the safety number QR code holds: the user and the 60 digits, so that
// a scan can be compared with the digits on the other screen.
export function safetyPayload(user, fingerprintText) {
  return `foyer:fp:1:${user}:${fingerprintText.replace(/ /g, '')}`;
}
