// The Session against an in-memory server (test/fake_server.js): invites,
// login, conversations, live messages, outbox across reconnects, dedupe,
// refused sends, key pinning, forged epoch keys, read markers, typing,
// history scroll-back, logout. Real crypto throughout (Argon2id included).
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { setImmediate as tick } from 'node:timers/promises';

import * as c from '../src/crypto/index.js';
import { Session } from '../src/domain/session.js';
import { TransportError } from '../src/transport/mqtt_transport.js';
import { sendTopic } from '../src/transport/topics.js';
import { FakeServer, FakeTransport, MemoryStorage } from './fake_server.js';

const HOUSEHOLD = '0f'.repeat(16);
let server;
let alice;
let bob;
let clock = 1767225600000;
const now = () => clock;

async function settle() {
  for (let i = 0; i < 20; i += 1) await tick();
}

function newSession(storage = new MemoryStorage()) {
  const transport = new FakeTransport(server);
  const session = new Session({
    transport, storage, config: { householdHex: HOUSEHOLD, mqttUrl: 'ws://fake' }, now,
  });
  return session;
}

async function registered(name, password) {
  const secret = c.randomBytes(16);
  server.addInvite(c.toHex(secret), name);
  const session = newSession();
  const user = await session.register(c.encodeInviteCode(c.fromHex(HOUSEHOLD), secret), password);
  assert.equal(user, name);
  return session;
}

const texts = (conv) => conv.sortedMessages().map((m) => m.text);

before(async () => {
  await c.ready();
  server = new FakeServer(HOUSEHOLD);
  alice = await registered('alice', 'alice password');
  bob = await registered('bob', 'mot de passe de Bob');
});

let convId;

test('registration stores only public keys and a sealed bundle', () => {
  const account = server.accounts.get('alice');
  assert.equal(account.authKey.length, 64);
  assert.equal(c.fromB64(account.bundle).length, 24 + 96 + 16);
  assert.equal(alice.status, 'online');
  assert.equal(alice.self.role, 'member');
  assert.deepEqual([...alice.self.sign.publicKey], [...c.fromB64(account.ed25519)]);
  assert.equal(server.invites.size, 0, 'invites are used up');
});

test('a wrong password is refused at connect', async () => {
  const session = newSession();
  await assert.rejects(session.login('alice', 'wrong'), { code: 'bad_credentials' });
  assert.equal(session.status, 'logged_out');
  await assert.rejects(session.login('Alice', 'x'), { code: 'invalid_name' });
});

test('a conversation made by alice reaches bob with its title', async () => {
  convId = await alice.conversations.keys.create(['bob'], 'Famille 🏡');
  await settle();
  const conv = bob.conversations.get(convId);
  assert.notEqual(conv, null);
  assert.equal(conv.title, 'Famille 🏡');
  assert.deepEqual(conv.members, ['alice', 'bob']);
  assert.ok(!JSON.stringify(server.convs.get(convId).title).includes('Famille'));
});

test('a multi-line message is delivered once, confirmed, and counted unread', async () => {
  await alice.conversations.sendText(convId, 'Bonjour Bob\nça va ?');
  await settle();
  assert.equal(alice.outbox.pending().length, 0, 'confirmed by the echo with a seq');
  const conv = bob.conversations.get(convId);
  assert.deepEqual(texts(conv), ['Bonjour Bob\nça va ?']);
  assert.equal(conv.unreadCount('bob'), 1);
  assert.equal(conv.lastMessage().from, 'alice');
  // The server delivers the stored copy again: no duplicate.
  server.deliver(`foyer/c/${convId}/m`, JSON.stringify(server.convs.get(convId).messages[0]));
  await settle();
  assert.equal(conv.sortedMessages().length, 1);
  assert.ok(!server.convs.get(convId).messages[0].body.includes('Bonjour'));
});

test('read markers clear unread counts and reach the sender', async () => {
  bob.conversations.markRead(convId);
  await settle();
  assert.equal(bob.conversations.get(convId).unreadCount('bob'), 0);
  assert.equal(alice.conversations.get(convId).readBy.get('bob'), 1);
  // The read position is kept for the next login.
  assert.match(bob.storage.getItem(`foyer:${HOUSEHOLD}:bob:read`), new RegExp(`"${convId}":1`));
});

test('typing signals show on the other side, at most one per 3 s', async () => {
  const before = alice.transport.published.length;
  alice.conversations.typing(convId);
  alice.conversations.typing(convId);
  await settle();
  assert.equal(alice.transport.published.length, before + 1);
  assert.deepEqual(bob.conversations.get(convId).typingPeers(now()), ['alice']);
  assert.deepEqual(alice.conversations.get(convId).typingPeers(now()), []);
});

test('offline sends stay in the outbox and go out once after reconnecting', async () => {
  alice.transport.drop();
  assert.equal(alice.status, 'offline');
  await alice.conversations.sendText(convId, 'envoyé hors ligne');
  assert.equal(alice.outbox.pending().length, 1);
  await bob.conversations.sendText(convId, 'pendant ta coupure');
  await alice.transport.restore();
  await alice.resyncing;
  await settle();
  assert.equal(alice.status, 'online');
  assert.equal(alice.outbox.pending().length, 0);
  assert.deepEqual(texts(alice.conversations.get(convId)).slice(-2),
    ['pendant ta coupure', 'envoyé hors ligne']);
  assert.deepEqual(texts(bob.conversations.get(convId)).slice(-2),
    ['pendant ta coupure', 'envoyé hors ligne']);
});

test('a lost PUBACK: the resend gets the stored copy, same seq, no duplicate', async () => {
  // Stored by the server, but alice drops before she sees the echo.
  const original = alice.transport.publish.bind(alice.transport);
  alice.transport.publish = (topic, text, options) => {
    const sent = original(topic, text, options);
    if (topic !== sendTopic(convId)) return sent;
    alice.transport.drop();
    return Promise.reject(new TransportError('connection lost'));
  };
  await alice.conversations.sendText(convId, 'une seule fois');
  alice.transport.publish = original;
  assert.equal(alice.outbox.pending().length, 1);
  await alice.transport.restore();
  await alice.resyncing;
  await settle();
  const stored = server.convs.get(convId).messages.filter((m) => m.from === 'alice');
  assert.equal(stored.length, 3);
  assert.equal(alice.outbox.pending().length, 0);
  assert.equal(texts(bob.conversations.get(convId)).filter((t) => t === 'une seule fois').length, 1);
});

test('a refused envelope is marked failed, and a retry sends it', async () => {
  server.refuseNextSend = true;
  const cmid = await alice.conversations.sendText(convId, 'refusé une fois');
  assert.equal(alice.outbox.get(cmid).state, 'failed');
  await alice.conversations.retry(cmid);
  await settle();
  assert.equal(alice.outbox.get(cmid), null);
  assert.equal(texts(bob.conversations.get(convId)).at(-1), 'refusé une fois');
});

test('a changed key is a warning, never used; forged messages are refused', async () => {
  const mallory = { sign: c.generateSignKeyPair(), box: c.generateBoxKeyPair() };
  const bobAccount = server.accounts.get('bob');
  const realKeys = { ed25519: bobAccount.ed25519, x25519: bobAccount.x25519 };
  bobAccount.ed25519 = c.toB64(mallory.sign.publicKey);
  bobAccount.x25519 = c.toB64(mallory.box.publicKey);
  await alice.refreshUsers();
  const [warning] = alice.directory.warnings();
  assert.equal(warning.user, 'bob');
  assert.deepEqual([...alice.directory.keysOf('bob').ed25519], [...c.fromB64(realKeys.ed25519)]);
  await assert.rejects(alice.conversations.keys.create(['bob']), { code: 'key_changed' });

  // The server forges a message "from bob" with the new key: refused.
  const conv = server.convs.get(convId);
  const failures = [];
  alice.on('failure', (failure) => failures.push(failure));
  const forged = c.sealEnvelope({
    conv: convId, epoch: 1, from: 'bob', cmid: c.randomIdHex(), ts: now(),
    epochKey: alice.ring.get(convId, 1), signSecret: mallory.sign.secretKey,
    plaintext: '{"type":"text","text":"faux"}',
  });
  const stored = { ...c.envelopeToJson(forged), seq: conv.messages.length + 1, stime: now() };
  conv.messages.push(stored);
  server.deliver(`foyer/c/${convId}/m`, JSON.stringify(stored));
  await settle();
  assert.deepEqual(failures.map((f) => f.reason), ['signature']);
  assert.ok(!texts(alice.conversations.get(convId)).includes('faux'));
  assert.equal(alice.conversations.get(convId).lastMessage().type, 'refused');

  Object.assign(bobAccount, realKeys);
  await alice.refreshUsers();
  assert.deepEqual(alice.directory.warnings(), []);
});

test('an epoch key signed by a non-member is refused', async () => {
  const carol = await registered('carol', 'carol password');
  const conv = server.convs.get(convId);
  const fakeKey = c.randomBytes(32);
  const aliceBox = c.fromB64(server.accounts.get('alice').x25519);
  conv.keys.push(c.keyEnvelopeToJson(c.makeKeyEnvelope({
    conv: convId, epoch: 2, epochKey: fakeKey, from: 'carol', signSecret: carol.self.sign.secretKey,
    to: 'alice', toX25519Public: aliceBox,
  })));
  conv.epoch = 2;
  const failures = [];
  alice.on('failure', (failure) => failures.push(failure.reason));
  await alice.conversations.refresh(convId);
  assert.deepEqual(failures, ['key:not_member']);
  assert.equal(alice.ring.get(convId, 2), null);
  await assert.rejects(alice.conversations.sendText(convId, 'x'), { code: 'no_key' });
  conv.epoch = 1;
  conv.keys.pop();
  await alice.conversations.refresh(convId);
  await carol.logout();
});

test('a new login recovers keys and history from the password; scroll-back pages', async () => {
  for (let i = 0; i < 60; i += 1) await alice.conversations.sendText(convId, `n°${i}`);
  await settle();
  const total = server.convs.get(convId).messages.length;
  await bob.logout();
  assert.equal(bob.self, null);
  assert.equal(bob.conversations.list().length, 0);
  assert.equal(bob.ring.keys.size, 0);

  const again = newSession(bob.storage);
  await again.login('bob', 'mot de passe de Bob');
  const conv = again.conversations.get(convId);
  assert.equal(conv.title, 'Famille 🏡');
  assert.equal(conv.sortedMessages().length, 50);
  assert.equal(conv.hasOlder, true);
  assert.equal(conv.readSeq, 1, 'read position restored');
  assert.equal(conv.unreadMore(), true);
  await again.conversations.loadOlder(convId);
  assert.equal(conv.sortedMessages().length, total);
  assert.equal(conv.hasOlder, false);
  assert.equal(conv.sortedMessages()[0].text, 'Bonjour Bob\nça va ?');
  assert.equal(texts(conv).at(-1), 'n°59');
  await again.logout();
  await alice.logout();
});
