// Round trips and refusals of the crypto layer, beyond the shared vectors.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';

import * as c from '../src/crypto/index.js';

const CONV = 'a0'.repeat(16);

before(async () => {
  await c.ready();
});

function user(name) {
  return { name, box: c.generateBoxKeyPair(), sign: c.generateSignKeyPair() };
}

test('encodings refuse what the protocol does not write', () => {
  assert.equal(c.fromHex('ABCD'), null);
  assert.equal(c.fromHex('abc'), null);
  assert.deepEqual([...c.fromHex('00ff')], [0, 255]);
  assert.equal(c.fromB64('AA=='), null);
  assert.equal(c.fromB64('+/'), null);
  assert.equal(c.toB64(Uint8Array.of(0xfb, 0xff)), '-_8');
  assert.deepEqual([...c.fromB64('-_8')], [0xfb, 0xff]);
  assert.equal(c.fromUtf8(Uint8Array.of(0xff)), null);
  assert.equal(c.randomIdHex().length, 32);
  assert.notEqual(c.randomIdHex(), c.randomIdHex());
});

test('an envelope round-trips through its JSON and opens only with the right keys', () => {
  const alice = user('alice');
  const epochKey = c.randomBytes(32);
  const envelope = c.sealEnvelope({
    conv: CONV, epoch: 1, from: 'alice', cmid: c.randomIdHex(), ts: Date.now(), epochKey,
    signSecret: alice.sign.secretKey, plaintext: '{"type":"text","text":"Salut\\nça va ?"}',
  });
  const parsed = c.parseEnvelope(c.serializeEnvelope(envelope)).envelope;
  const opened = c.openEnvelope(parsed, alice.sign.publicKey, epochKey);
  assert.equal(c.fromUtf8(opened.plaintext), '{"type":"text","text":"Salut\\nça va ?"}');
  assert.equal(c.openEnvelope(parsed, user('eve').sign.publicKey, epochKey).error, 'signature');
  assert.equal(c.openEnvelope(parsed, alice.sign.publicKey, c.randomBytes(32)).error, 'decrypt');
});

test('an oversized plaintext is refused before sealing', () => {
  const alice = user('alice');
  assert.throws(() => c.sealEnvelope({
    conv: CONV, epoch: 1, from: 'alice', cmid: c.randomIdHex(), ts: 1, epochKey: c.randomBytes(32),
    signSecret: alice.sign.secretKey, plaintext: new Uint8Array(64 * 1024 + 1),
  }));
});

test('a bundle made here opens only with the same key, household and user', () => {
  const alice = user('alice');
  const household = c.randomBytes(16);
  const bundleKey = c.randomBytes(32);
  const bundle = c.sealBundle(bundleKey, household, 'alice', alice.box, alice.sign);
  const opened = c.openBundle(bundleKey, household, 'alice', bundle);
  assert.deepEqual([...opened.box.publicKey], [...alice.box.publicKey]);
  assert.deepEqual([...opened.sign.publicKey], [...alice.sign.publicKey]);
  assert.equal(c.openBundle(c.randomBytes(32), household, 'alice', bundle), null);
  assert.equal(c.openBundle(bundleKey, household, 'alicia', bundle), null);
  assert.equal(c.openBundle(bundleKey, household, 'alice', bundle.subarray(1)), null);
});

test('key envelopes: the wrong recipient and a forged sender are refused', () => {
  const alice = user('alice');
  const bob = user('bob');
  const epochKey = c.randomBytes(32);
  const made = c.makeKeyEnvelope({
    conv: CONV, epoch: 2, epochKey, from: 'alice', signSecret: alice.sign.secretKey, to: 'bob',
    toX25519Public: bob.box.publicKey,
  });
  const parsed = c.keyEnvelopeFromJson(c.keyEnvelopeToJson(made)).keyEnvelope;
  assert.deepEqual([...c.openKeyEnvelope(CONV, parsed, alice.sign.publicKey, bob.box).epochKey],
    [...epochKey]);
  assert.equal(c.openKeyEnvelope(CONV, parsed, alice.sign.publicKey, alice.box).error, 'open');
  assert.equal(c.openKeyEnvelope(CONV, parsed, bob.sign.publicKey, bob.box).error, 'signature');
  assert.equal(c.openKeyEnvelope(`b${CONV.slice(1)}`, parsed, alice.sign.publicKey, bob.box).error,
    'signature');
  assert.ok(c.keyEnvelopeFromJson({ ...c.keyEnvelopeToJson(made), to: 'Bob' }).error);
});

test('titles refuse a wrong key, a long title and a malformed object', () => {
  const key = c.randomBytes(32);
  const title = c.encryptTitle(CONV, 4, key, 'Les cousins 🎉');
  assert.deepEqual(c.decryptTitle(CONV, title, key), { text: 'Les cousins 🎉' });
  assert.equal(c.decryptTitle(CONV, title, c.randomBytes(32)).error, 'decrypt');
  assert.ok(c.decryptTitle(CONV, { ...title, nonce: 'AAAA' }, key).error);
  assert.ok(c.decryptTitle(CONV, null, key).error);
  assert.throws(() => c.encryptTitle(CONV, 4, key, 'x'.repeat(257)));
});

test('fingerprints differ when either key changes', () => {
  const alice = user('alice');
  const base = c.fingerprint(alice.sign.publicKey, alice.box.publicKey);
  assert.notEqual(c.fingerprint(alice.sign.publicKey, c.generateBoxKeyPair().publicKey), base);
  assert.notEqual(c.fingerprint(c.generateSignKeyPair().publicKey, alice.box.publicKey), base);
  assert.equal(c.fingerprint(alice.sign.publicKey, alice.box.publicKey), base);
});
