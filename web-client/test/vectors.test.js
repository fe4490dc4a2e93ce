// The shared protocol vectors (tests/vectors/*.json, made by client-lib's
// foyer-make-vectors) checked against the web crypto layer: byte for byte
// what client-lib computes, and every tampered or malformed case refused.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import * as c from '../src/crypto/index.js';
import { parseTopic } from '../src/transport/topics.js';

const VECTORS_DIR = process.env.FOYER_VECTORS_DIR
  ?? join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'tests', 'vectors');

function load(name) {
  return JSON.parse(readFileSync(join(VECTORS_DIR, name), 'utf8'));
}

const hex = (text) => {
  const bytes = c.fromHex(text);
  assert.notEqual(bytes, null, `bad hex in vector: ${text}`);
  return bytes;
};
const b64 = (text) => {
  const bytes = c.fromB64(text);
  assert.notEqual(bytes, null, `bad b64 in vector: ${text}`);
  return bytes;
};

before(async () => {
  await c.ready();
});

test('every vector file is known to this test', () => {
  const files = readdirSync(VECTORS_DIR).filter((name) => name.endsWith('.json')).sort();
  assert.deepEqual(files, ['bundle.json', 'envelope.json', 'file.json', 'fingerprint.json',
    'invite.json', 'key_envelope.json', 'login.json', 'names.json', 'title.json']);
});

describe('login.json', () => {
  test('salt, auth key, kek and bundle key', () => {
    const vectors = load('login.json');
    assert.equal(vectors.opslimit, c.PWHASH_OPSLIMIT);
    assert.equal(vectors.memlimit, c.PWHASH_MEMLIMIT);
    assert.ok(vectors.cases.length >= 2);
    for (const item of vectors.cases) {
      const household = hex(item.household_hex);
      assert.equal(c.toHex(c.loginSalt(household, item.user)), item.salt_hex);
      const keys = c.deriveLogin(item.password, household, item.user);
      assert.equal(c.toHex(keys.authKey), item.auth_key_hex, item.user);
      assert.equal(c.toHex(keys.kek), item.kek_hex, item.user);
      assert.equal(c.toHex(keys.bundleKey), item.bundle_key_hex, item.user);
      assert.equal(c.toHex(c.bundleKeyFromKek(hex(item.kek_hex))), item.bundle_key_hex);
    }
  });
});

describe('fingerprint.json', () => {
  test('key pairs from seeds and safety numbers', () => {
    const vectors = load('fingerprint.json');
    assert.ok(vectors.cases.length >= 4);
    for (const item of vectors.cases) {
      if (item.ed25519_seed_hex !== undefined) {
        const signPair = c.signKeyPairFromSeed(hex(item.ed25519_seed_hex));
        const boxPair = c.boxKeyPairFromSeed(hex(item.x25519_seed_hex));
        assert.equal(c.toB64(signPair.publicKey), item.ed25519_public_b64);
        assert.equal(c.toB64(boxPair.publicKey), item.x25519_public_b64);
        assert.equal(c.toHex(boxPair.secretKey), item.x25519_secret_hex);
      }
      const fingerprint = c.fingerprint(b64(item.ed25519_public_b64), b64(item.x25519_public_b64));
      assert.equal(fingerprint, item.fingerprint);
      assert.match(fingerprint, /^\d{5}( \d{5}){11}$/);
    }
  });
});

describe('envelope.json', () => {
  let v;
  before(() => {
    v = load('envelope.json');
  });

  test('seals to the exact envelope, ad, body and signature', () => {
    const signPair = c.signKeyPairFromSeed(hex(v.ed25519_seed_hex));
    assert.equal(c.toB64(signPair.publicKey), v.ed25519_public_b64);
    assert.equal(c.toHex(c.utf8(v.plaintext)), v.plaintext_hex);
    const envelope = c.sealEnvelope({
      conv: v.conv, epoch: v.epoch, from: v.from, cmid: v.cmid, ts: v.ts,
      epochKey: hex(v.epoch_key_hex), signSecret: signPair.secretKey,
      plaintext: v.plaintext, nonce: hex(v.nonce_hex),
    });
    assert.equal(c.toHex(c.envelopeAd(envelope)), v.ad_hex);
    assert.equal(c.toB64(envelope.body), v.body_b64);
    assert.equal(c.toB64(envelope.sig), v.sig_b64);
    assert.equal(c.serializeEnvelope(envelope), v.envelope);
  });

  test('parses and opens the envelope and its stored form', () => {
    for (const text of [v.envelope, v.stored.envelope]) {
      const { envelope, error } = c.parseEnvelope(text);
      assert.equal(error, undefined);
      assert.equal(c.serializeEnvelope(envelope), text);
      const opened = c.openEnvelope(envelope, b64(v.ed25519_public_b64), hex(v.epoch_key_hex));
      assert.equal(opened.error, undefined);
      assert.equal(c.fromUtf8(opened.plaintext), v.plaintext);
    }
    const { envelope } = c.parseEnvelope(v.stored.envelope);
    assert.equal(envelope.seq, v.stored.seq);
    assert.equal(envelope.stime, v.stored.stime);
  });

  test('every tampered envelope is refused at the stated check', () => {
    assert.ok(v.tampered.length >= 10);
    for (const item of v.tampered) {
      const { envelope, error } = c.parseEnvelope(item.envelope);
      assert.equal(error, undefined, `${item.name} is well formed`);
      const opened = c.openEnvelope(envelope, b64(item.ed25519_public_b64),
        hex(item.epoch_key_hex));
      const expected = item.fails_at === 'signature' ? 'signature' : 'decrypt';
      assert.equal(opened.error, expected, item.name);
      assert.equal(opened.plaintext, undefined, item.name);
    }
  });

  test('every invalid envelope is refused by the structural checks', () => {
    assert.ok(v.invalid.length >= 15);
    for (const item of v.invalid) {
      const result = c.parseEnvelope(item.envelope);
      assert.equal(result.envelope, undefined, item.name);
      assert.equal(typeof result.error, 'string', item.name);
      if (item.field && item.field !== 'extra') {
        assert.ok(result.error.includes(`'${item.field}'`), `${item.name}: ${result.error}`);
      }
    }
  });
});

describe('bundle.json', () => {
  test('seals to the exact bundle and opens only for the right user', () => {
    const v = load('bundle.json');
    const household = hex(v.household_hex);
    const bundleKey = hex(v.bundle_key_hex);
    const box = c.boxKeyPairFromSeed(hex(v.x25519_seed_hex));
    const signPair = c.signKeyPairFromSeed(hex(v.ed25519_seed_hex));
    assert.equal(c.toHex(box.secretKey), v.x25519_secret_hex);
    assert.equal(c.toHex(signPair.secretKey), v.ed25519_secret_hex);
    const sealed = c.sealBundle(bundleKey, household, v.user, box, signPair, hex(v.nonce_hex));
    assert.equal(c.toB64(sealed), v.bundle_b64);

    const opened = c.openBundle(bundleKey, household, v.user, b64(v.bundle_b64));
    assert.notEqual(opened, null);
    assert.equal(c.toHex(opened.box.secretKey), v.x25519_secret_hex);
    assert.equal(c.toB64(opened.box.publicKey), c.toB64(box.publicKey));
    assert.equal(c.toHex(opened.sign.secretKey), v.ed25519_secret_hex);
    assert.equal(c.toB64(opened.sign.publicKey), c.toB64(signPair.publicKey));

    assert.equal(c.openBundle(bundleKey, household, v.wrong_user, b64(v.bundle_b64)), null);
    const raw = b64(v.bundle_b64);
    for (const index of [0, 30, raw.length - 1]) {
      const flipped = raw.slice();
      flipped[index] ^= 1;
      assert.equal(c.openBundle(bundleKey, household, v.user, flipped), null, `byte ${index}`);
    }
    const otherHousehold = household.slice();
    otherHousehold[0] ^= 1;
    assert.equal(c.openBundle(bundleKey, otherHousehold, v.user, raw), null);
  });
});

describe('title.json', () => {
  test('encrypts to the exact title and refuses a wrong epoch', () => {
    const v = load('title.json');
    const key = hex(v.epoch_key_hex);
    assert.equal(c.toHex(c.utf8(v.title)), v.title_hex);
    const made = c.encryptTitle(v.conv, v.json.epoch, key, v.title, hex(v.nonce_hex));
    assert.deepEqual(made, v.json);
    assert.deepEqual(c.decryptTitle(v.conv, v.json, key), { text: v.title });
    assert.ok(c.decryptTitle(v.conv, { ...v.json, epoch: v.wrong_epoch }, key).error);
    const otherConv = `b${v.conv.slice(1)}`;
    assert.ok(c.decryptTitle(otherConv, v.json, key).error);
  });
});

describe('key_envelope.json', () => {
  test('signed part, signature, and the sealed key opens with the seed', () => {
    const v = load('key_envelope.json');
    const { keyEnvelope, error } = c.keyEnvelopeFromJson(v.json);
    assert.equal(error, undefined);
    assert.deepEqual(c.keyEnvelopeToJson(keyEnvelope), v.json);
    assert.equal(c.toHex(c.keyEnvelopeSignedPart(v.conv, keyEnvelope)), v.signed_part_hex);
    const alice = c.signKeyPairFromSeed(hex(v.from_ed25519_seed_hex));
    assert.equal(c.toB64(alice.publicKey), v.from_ed25519_public_b64);
    // Ed25519 is deterministic: our signature over the same part is theirs.
    assert.equal(c.toB64(c.sign(alice.secretKey, c.keyEnvelopeSignedPart(v.conv, keyEnvelope))),
      v.json.sig);
    const bob = c.boxKeyPairFromSeed(hex(v.to_x25519_seed_hex));
    assert.equal(c.toB64(bob.publicKey), v.to_x25519_public_b64);
    const opened = c.openKeyEnvelope(v.conv, keyEnvelope, alice.publicKey, bob);
    assert.equal(opened.error, undefined);
    assert.equal(c.toHex(opened.epochKey), v.epoch_key_hex);
  });

  test('a key envelope made here opens with the same keys', () => {
    const v = load('key_envelope.json');
    const alice = c.signKeyPairFromSeed(hex(v.from_ed25519_seed_hex));
    const bob = c.boxKeyPairFromSeed(hex(v.to_x25519_seed_hex));
    const made = c.makeKeyEnvelope({
      conv: v.conv, epoch: v.json.epoch, epochKey: hex(v.epoch_key_hex), from: 'alice',
      signSecret: alice.secretKey, to: 'bob', toX25519Public: bob.publicKey,
    });
    const opened = c.openKeyEnvelope(v.conv, made, alice.publicKey, bob);
    assert.equal(c.toHex(opened.epochKey), v.epoch_key_hex);
  });

  test('every tampered key envelope is refused at the stated check', () => {
    const v = load('key_envelope.json');
    assert.ok(v.tampered.length >= 6);
    for (const item of v.tampered) {
      const { keyEnvelope, error } = c.keyEnvelopeFromJson(item.json);
      assert.equal(error, undefined, item.name);
      const recipient = c.boxKeyPairFromSeed(hex(item.to_x25519_seed_hex));
      const opened = c.openKeyEnvelope(v.conv, keyEnvelope, b64(item.from_ed25519_public_b64),
        recipient);
      assert.equal(opened.error, item.fails_at, item.name);
      assert.equal(opened.epochKey, undefined, item.name);
    }
  });
});

describe('invite.json', () => {
  test('valid codes decode and encode back; invalid ones are refused', () => {
    const v = load('invite.json');
    for (const item of v.valid) {
      const decoded = c.decodeInviteCode(item.code);
      assert.equal(decoded.error, undefined, item.code);
      assert.equal(c.toHex(decoded.household), item.household_hex);
      assert.equal(c.toHex(decoded.secret), item.secret_hex);
      assert.equal(decoded.password, item.secret_hex);
      assert.equal(c.encodeInviteCode(hex(item.household_hex), hex(item.secret_hex)), item.code);
    }
    assert.ok(v.invalid.length >= 7);
    for (const item of v.invalid) {
      assert.equal(typeof c.decodeInviteCode(item.code).error, 'string', item.reason);
    }
  });
});

describe('names.json', () => {
  test('user names, client ids, hex ids and topics', () => {
    const v = load('names.json');
    for (const name of v.user_names.valid) assert.ok(c.validUserName(name), name);
    for (const item of v.user_names.invalid) {
      assert.ok(!c.validUserName(item.name), JSON.stringify(item.name));
    }
    for (const item of v.client_ids.valid) {
      assert.ok(c.validClientId(item.user, item.client_id), item.client_id);
    }
    for (const item of v.client_ids.invalid) {
      assert.ok(!c.validClientId(item.user, item.client_id), item.client_id);
    }
    for (const id of v.hex_ids.valid) assert.ok(c.validHexId(id), id);
    for (const id of v.hex_ids.invalid) assert.ok(!c.validHexId(id), id);
    assert.ok(v.topics.length >= 10);
    for (const item of v.topics) {
      assert.deepEqual(parseTopic(item.topic), { kind: item.kind, id: item.id }, item.topic);
    }
  });
});
