// Conversation management (add with shared history, remove with a new key,
// leave then rotation), receipts, safety-number state, the admin requests,
// notifications, logout's storage sweep and QR codes, against the in-memory
// server (test/fake_server.js) with real crypto.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { setImmediate as tick } from 'node:timers/promises';

import * as c from '../src/crypto/index.js';
import { Admin, inviteLink, normalizeUsers } from '../src/domain/admin.js';
import { Conversation } from '../src/domain/conversation.js';
import { KeyDirectory, safetyPayload } from '../src/domain/key_directory.js';
import { loadNotifyPrefs, notificationFor, saveNotifyPrefs } from '../src/domain/notifications.js';
import { Session } from '../src/domain/session.js';
import { cachesToRemove, localKeysToRemove, wipeBrowserStorage } from '../src/domain/wipe.js';
import { qrMatrix, qrPath } from '../src/ui/qr.js';
import { FakeServer, FakeTransport, MemoryStorage } from './fake_server.js';

const HOUSEHOLD = 'a1'.repeat(16);
let server;
let alice;
let bob;
let carol;
const now = () => 1767225600000;

async function settle() {
  for (let i = 0; i < 30; i += 1) await tick();
}

async function registered(name, role = 'member') {
  const secret = c.randomBytes(16);
  server.addInvite(c.toHex(secret), name, role);
  const session = new Session({
    transport: new FakeTransport(server), storage: new MemoryStorage(),
    config: { householdHex: HOUSEHOLD, mqttUrl: 'ws://fake' }, now,
  });
  await session.register(c.encodeInviteCode(c.fromHex(HOUSEHOLD), secret), `${name} password`);
  return session;
}

const texts = (session, convId) => session.conversations.get(convId).sortedMessages().map((m) => m.text);

before(async () => {
  await c.ready();
  server = new FakeServer(HOUSEHOLD);
  alice = await registered('alice', 'admin');
  bob = await registered('bob');
  carol = await registered('carol');
});

let convId;

test('adding a member shares the history', async () => {
  convId = await alice.conversations.keys.create(['bob'], 'Famille');
  await settle();
  await alice.conversations.sendText(convId, 'avant carol');
  await settle();
  await alice.conversations.keys.addMember(convId, 'carol');
  await settle();
  assert.deepEqual(server.convs.get(convId).members, ['alice', 'bob', 'carol']);
  const seen = carol.conversations.get(convId);
  assert.ok(seen, 'carol got the conversation');
  assert.equal(seen.title, 'Famille');
  assert.deepEqual(texts(carol, convId), ['avant carol']);
  assert.deepEqual(bob.conversations.get(convId).members, ['alice', 'bob', 'carol']);
  await assert.rejects(alice.conversations.keys.addMember(convId, 'nobody'), { code: 'not_found' });
});

test('removing a member rotates the key; the removed one cannot read on', async () => {
  const epoch = await alice.conversations.keys.removeMember(convId, 'bob');
  await settle();
  assert.equal(epoch, 2);
  const conv = server.convs.get(convId);
  assert.deepEqual(conv.members, ['alice', 'carol']);
  assert.deepEqual(conv.keys.filter((k) => k.epoch === 2).map((k) => k.to).sort(), ['alice', 'carol']);
  assert.equal(bob.conversations.get(convId), null, 'bob dropped the conversation');
  assert.equal(bob.ring.get(convId, 2), null);
  await alice.conversations.sendText(convId, 'sans bob');
  await settle();
  assert.deepEqual(texts(carol, convId), ['avant carol', 'sans bob']);
  assert.equal(carol.conversations.get(convId).epoch, 2);
  assert.equal(carol.conversations.get(convId).title, 'Famille', 'title re-encrypted for epoch 2');
  assert.equal(conv.messages.at(-1).epoch, 2);
});

test('leaving: the conversation waits for a rotation made by who stays', async () => {
  await carol.conversations.keys.leave(convId);
  await settle();
  assert.equal(carol.conversations.get(convId), null);
  assert.equal(server.convs.get(convId).rotate, true);
  assert.equal(alice.conversations.get(convId).rotate, true);
  await alice.conversations.sendText(convId, 'seule');
  await settle();
  const conv = server.convs.get(convId);
  assert.equal(conv.epoch, 3);
  assert.deepEqual(conv.keys.filter((k) => k.epoch === 3).map((k) => k.to), ['alice']);
  assert.equal(conv.messages.at(-1).epoch, 3);
});

test('rename changes the title for every member', async () => {
  const id = await bob.conversations.keys.create(['carol']);
  await settle();
  await bob.conversations.keys.rename(id, 'Jardin 🌱');
  await carol.conversations.refresh(id);
  assert.equal(carol.conversations.get(id).title, 'Jardin 🌱');
});

test('receipts: delivered until every other member read it', () => {
  const conv = new Conversation({ id: '00'.repeat(16), members: ['alice', 'bob', 'carol'] });
  assert.equal(conv.receiptState(5, 'alice'), 'delivered');
  conv.noteReadBy('bob', 5);
  assert.equal(conv.receiptState(5, 'alice'), 'delivered');
  assert.deepEqual(conv.readersOf(5, 'alice'), ['bob']);
  conv.noteReadBy('carol', 7);
  assert.equal(conv.receiptState(5, 'alice'), 'read');
  assert.equal(conv.receiptState(6, 'alice'), 'delivered');
  conv.addMessage({ seq: 3, cmid: 'ab'.repeat(16), from: 'bob', text: 'x' });
  assert.equal(conv.findByCmid('ab'.repeat(16)).seq, 3);
  assert.equal(conv.findByCmid('cd'.repeat(16)), null);
  const alone = new Conversation({ id: '01'.repeat(16), members: ['alice'] });
  assert.equal(alone.receiptState(1, 'alice'), 'delivered');
});

test('replies carry the answered message id', async () => {
  const id = await alice.conversations.keys.create(['bob']);
  await settle();
  await alice.conversations.sendText(id, 'question ?');
  await settle();
  const asked = bob.conversations.get(id).lastMessage();
  await bob.conversations.sendText(id, 'réponse\nsur deux lignes 👍', asked.cmid);
  await settle();
  const answer = alice.conversations.get(id).lastMessage();
  assert.equal(answer.replyTo, asked.cmid);
  assert.equal(answer.text, 'réponse\nsur deux lignes 👍');
  assert.equal(alice.conversations.get(id).findByCmid(answer.replyTo).text, 'question ?');
});

test('safety numbers: status, verification, a changed key blocks verification until accepted', () => {
  const storage = new MemoryStorage();
  const directory = new KeyDirectory(storage, 'pins');
  const first = [c.generateSignKeyPair().publicKey, c.generateBoxKeyPair().publicKey];
  const second = [c.generateSignKeyPair().publicKey, c.generateBoxKeyPair().publicKey];
  assert.equal(directory.status('dave'), null);
  directory.learn('dave', ...first);
  const fp1 = c.fingerprint(...first);
  assert.deepEqual(directory.status('dave'), { fingerprint: fp1, verified: false, changed: null });
  directory.setVerified('dave', true);
  assert.equal(new KeyDirectory(storage, 'pins').status('dave').verified, true, 'persisted');
  assert.equal(directory.learn('dave', ...second), 'changed');
  const status = directory.status('dave');
  assert.equal(status.fingerprint, fp1, 'the pinned key stays in force');
  assert.equal(status.changed, c.fingerprint(...second));
  directory.setVerified('dave', false);
  assert.equal(directory.status('dave').verified, true, 'no change while a warning stands');
  assert.ok(directory.acceptChange('dave'));
  assert.deepEqual(directory.status('dave'), { fingerprint: c.fingerprint(...second), verified: false, changed: null });
  assert.equal(safetyPayload('dave', '12345 67890'), 'foyer:fp:1:dave:1234567890');
});

test('QR codes: square matrix with finder patterns, drawn as one path', () => {
  const text = safetyPayload('alice', alice.directory.status('alice').fingerprint);
  const matrix = qrMatrix(text);
  const size = matrix.length;
  assert.ok(size >= 21 && (size - 17) % 4 === 0, `size ${size}`);
  for (const row of matrix) assert.equal(row.length, size);
  for (const [r, col] of [[0, 0], [0, size - 7], [size - 7, 0]]) {
    assert.deepEqual(matrix[r].slice(col, col + 7), Array(7).fill(true), 'finder top edge');
    assert.equal(matrix[r + 1][col + 1], false, 'finder ring');
    assert.equal(matrix[r + 3][col + 3], true, 'finder centre');
  }
  const dark = matrix.flat().filter(Boolean).length;
  assert.equal((qrPath(matrix).match(/M/g) ?? []).length, dark);
  assert.notDeepEqual(qrMatrix(`${text}x`), matrix);
});

test('admin: invite link, user list, disable, enable, reset; members are refused', async () => {
  assert.equal(inviteLink('https://foyer.home/app/?x=1#invite=old', 'AbC_-1'), 'https://foyer.home/app/#invite=AbC_-1');
  const admin = new Admin(alice);
  assert.ok(admin.isAdmin());
  const invite = await admin.invite('dave', 'member');
  assert.equal(invite.user, 'dave');
  assert.equal(invite.role, 'member');
  assert.ok(invite.expires > 0);
  await assert.rejects(admin.invite('Not Valid'), { code: 'invalid_name' });
  const users = await admin.listUsers();
  assert.deepEqual(users.map((u) => u.name), ['alice', 'bob', 'carol']);
  assert.equal(users[0].role, 'admin');
  assert.equal(users[1].online, true);
  await admin.setDisabled('bob', true);
  assert.equal((await admin.listUsers())[1].disabled, true);
  await admin.setDisabled('bob', false);
  assert.equal((await admin.listUsers())[1].disabled, false);
  await assert.rejects(admin.setDisabled('alice', true), { code: 'denied' });
  const reset = await admin.reset('carol');
  assert.equal(reset.user, 'carol');
  assert.equal(server.accounts.has('carol'), false, 'unregistered until the new invite is redeemed');
  const member = new Admin(bob);
  assert.equal(member.isAdmin(), false);
  await assert.rejects(member.listUsers(), { code: 'denied' });
  assert.deepEqual(normalizeUsers([{ name: 'x y' }, null, { name: 'zed', role: 'root', created: -1, online: 1 }]), [{
    name: 'zed', role: 'member', created: 0, lastSeen: 0, online: false, disabled: false, registered: true,
  }]);
});

test('notifications: only while hidden, permitted and enabled; text only when allowed', () => {
  const message = { type: 'text', from: 'bob', text: 'secret plans' };
  const texts = { title: 'Foyer', generic: 'New message' };
  const base = {
    message, convId: 'ab'.repeat(16), hidden: true, permission: 'granted', prefs: { enabled: true, showText: false }, texts,
  };
  assert.deepEqual(notificationFor(base), { title: 'Foyer', body: 'New message', tag: `foyer-${'ab'.repeat(16)}` });
  assert.equal(notificationFor({ ...base, prefs: { enabled: true, showText: true } }).body, 'bob: secret plans');
  assert.equal(notificationFor({ ...base, hidden: false }), null);
  assert.equal(notificationFor({ ...base, permission: 'default' }), null);
  assert.equal(notificationFor({ ...base, prefs: { enabled: false, showText: true } }), null);
  const storage = new MemoryStorage();
  assert.deepEqual(loadNotifyPrefs(storage), { enabled: false, showText: false });
  saveNotifyPrefs(storage, { enabled: true, showText: 'yes' });
  assert.deepEqual(loadNotifyPrefs(storage), { enabled: true, showText: false });
});

test('logout sweep: session storage, IndexedDB, caches and unknown local entries go', async () => {
  const pins = `foyer:${HOUSEHOLD}:alice:pins`;
  const keep = ['foyer:lang', 'foyer:last-user', 'foyer:household', 'foyer:notify', pins, `foyer:${HOUSEHOLD}:alice:read`];
  const drop = ['foyer:draft', 'other', `foyer:${HOUSEHOLD}:alice:cache`];
  assert.deepEqual(localKeysToRemove([...keep, ...drop]), drop);
  assert.deepEqual(cachesToRemove(['foyer-shell-1234', 'attachments', 'x']), ['attachments', 'x']);
  const local = new MemoryStorage();
  for (const key of [...keep, ...drop]) local.setItem(key, 'v');
  local.key = (i) => [...local.items.keys()][i];
  Object.defineProperty(local, 'length', { get: () => local.items.size });
  let sessionCleared = false;
  const deleted = [];
  const cacheNames = ['foyer-shell-1', 'decrypted'];
  const win = {
    localStorage: local,
    sessionStorage: { clear: () => { sessionCleared = true; } },
    indexedDB: {
      databases: async () => [{ name: 'db1' }, { name: 'db2' }],
      deleteDatabase: (name) => {
        deleted.push(name);
        const request = {};
        setTimeout(() => request.onsuccess?.(), 0);
        return request;
      },
    },
    caches: {
      keys: async () => [...cacheNames],
      delete: async (name) => { cacheNames.splice(cacheNames.indexOf(name), 1); return true; },
    },
  };
  await wipeBrowserStorage(win);
  assert.ok(sessionCleared);
  assert.deepEqual([...local.items.keys()].sort(), [...keep].sort());
  assert.deepEqual(deleted, ['db1', 'db2']);
  assert.deepEqual(cacheNames, ['foyer-shell-1']);
  await wipeBrowserStorage({});  // nothing available: no throw
});

test('a changed key blocks sending until accepted; then a new epoch reaches the new key', async () => {
  const id = await alice.conversations.keys.create(['bob']);
  await settle();
  await alice.conversations.sendText(id, 'old keys');
  await settle();
  // bob is reset and registers again: new key pairs, same name and memberships.
  server.accounts.delete('bob');
  const newBob = await registered('bob');
  await alice.refreshUsers();
  assert.deepEqual(alice.directory.warnings().map((w) => w.user), ['bob']);
  await assert.rejects(alice.conversations.sendText(id, 'blocked'), { code: 'key_changed' });
  assert.equal(server.convs.get(id).messages.length, 1, 'nothing sent');
  assert.ok(alice.acceptKey('bob'));
  assert.equal(alice.directory.warnings().length, 0);
  await alice.conversations.sendText(id, 'for the new key');
  await settle();
  const conv = server.convs.get(id);
  assert.equal(conv.epoch, 2, 'a new epoch was started');
  const envelope = conv.keys.find((k) => k.epoch === 2 && k.to === 'bob');
  assert.ok(envelope);
  await newBob.conversations.refresh(id);
  await newBob.conversations.loadKeys(newBob.conversations.get(id));
  assert.ok(newBob.ring.get(id, 2), 'the new bob opens the new epoch key');
  assert.equal(newBob.ring.get(id, 1), null, 'but not the old one');
  await newBob.logout();
});

test('presence: a newcomer hears the others again, live, once', async () => {
  const wait = () => new Promise((resolve) => { setTimeout(resolve, 400); });
  const sent = () => alice.transport.published.filter((p) => p.topic === 'foyer/p/alice').length;
  const start = sent();
  alice.handlePresence('zoe', JSON.stringify({ state: 'online', time: 1 }));
  await wait();
  assert.equal(sent(), start + 1, 'alice said she is online again');
  alice.handlePresence('zoe', JSON.stringify({ state: 'online', time: 2 }));
  await wait();
  assert.equal(sent(), start + 1, 'not again while zoe stays online');
  alice.handlePresence('zoe', JSON.stringify({ state: 'offline', time: 3 }));
  alice.handlePresence('zoe', JSON.stringify({ state: 'online', time: 4 }));
  await wait();
  assert.equal(sent(), start + 2);
  assert.equal(alice.presence.get('zoe').state, 'online');
});

test('a reconnect refused (account disabled or reset) ends the session', async () => {
  const dave = await registered('dave');
  const ended = [];
  dave.on('ended', (reason) => ended.push(reason));
  const secret = dave.self.box.secretKey;
  dave.transport.emitStatus('refused');
  await settle();
  assert.deepEqual(ended, ['account_refused']);
  assert.equal(dave.status, 'logged_out');
  assert.equal(dave.self, null);
  assert.ok(secret.every((b) => b === 0));
});

test('logout wipes keys and decrypted messages from memory', async () => {
  const box = alice.self.box.secretKey;
  const sign = alice.self.sign.secretKey;
  const epochKeys = [...alice.ring.keys.values()].flatMap((m) => [...m.values()]);
  assert.ok(epochKeys.length > 0);
  await alice.logout();
  assert.ok(box.every((b) => b === 0));
  assert.ok(sign.every((b) => b === 0));
  for (const key of epochKeys) assert.ok(key.every((b) => b === 0));
  assert.equal(alice.self, null);
  assert.equal(alice.conversations.list().length, 0);
});
