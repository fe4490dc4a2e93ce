// Pure domain state: outbox, conversation (dedupe, unread, typing), key pins.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';

import * as c from '../src/crypto/index.js';
import { Conversation, TYPING_TIMEOUT_MS } from '../src/domain/conversation.js';
import { KeyDirectory } from '../src/domain/key_directory.js';
import { Outbox } from '../src/domain/outbox.js';
import { parseContent, textContent } from '../src/domain/content.js';
import { MemoryStorage } from './fake_server.js';

before(async () => {
  await c.ready();
});

describe('Outbox', () => {
  test('keeps entries until confirmed, oldest first, failed ones not pending', () => {
    const outbox = new Outbox();
    outbox.add({ conv: 'x', cmid: 'b', payload: '{}', text: 'two', ts: 2 });
    outbox.add({ conv: 'x', cmid: 'a', payload: '{}', text: 'one', ts: 1 });
    outbox.add({ conv: 'y', cmid: 'c', payload: '{}', text: 'other', ts: 3 });
    assert.deepEqual(outbox.pending().map((e) => e.cmid), ['a', 'b', 'c']);
    assert.equal(outbox.confirm('a').text, 'one');
    assert.equal(outbox.confirm('a'), null);
    outbox.markFailed('b', 'refused');
    assert.deepEqual(outbox.pending().map((e) => e.cmid), ['c']);
    assert.deepEqual(outbox.forConversation('x').map((e) => [e.cmid, e.state]), [['b', 'failed']]);
    outbox.clear();
    assert.equal(outbox.pending().length, 0);
  });
});

describe('Conversation', () => {
  const message = (seq, from) => ({ seq, from, cmid: `${seq}`, ts: seq, stime: seq, type: 'text', text: `m${seq}` });

  test('de-duplicates by seq and tracks last message and unread count', () => {
    const conv = new Conversation({ id: 'x', members: ['alice', 'bob'] });
    assert.equal(conv.addMessage(message(1, 'bob')), true);
    assert.equal(conv.addMessage(message(1, 'bob')), false);
    conv.addMessage(message(3, 'alice'));
    conv.addMessage(message(2, 'bob'));
    assert.deepEqual(conv.sortedMessages().map((m) => m.seq), [1, 2, 3]);
    assert.equal(conv.lastMessage().seq, 3);
    assert.equal(conv.unreadCount('alice'), 2);
    assert.equal(conv.markRead(2), true);
    assert.equal(conv.unreadCount('alice'), 0);
    assert.equal(conv.markRead(1), false, 'the read position never goes back');
    assert.equal(conv.readSeq, 2);
  });

  test('says when unread messages lie beyond the loaded history', () => {
    const conv = new Conversation({ id: 'x', members: ['alice', 'bob'] });
    conv.addMessage(message(60, 'bob'));
    conv.readSeq = 10;
    conv.hasOlder = true;
    assert.equal(conv.unreadMore(), true);
    conv.hasOlder = false;
    assert.equal(conv.unreadMore(), false);
  });

  test('typing expires and stops with the peer\'s message', () => {
    const conv = new Conversation({ id: 'x', members: ['alice', 'bob', 'carol'] });
    conv.noteTyping('carol', 1000);
    conv.noteTyping('bob', 1000);
    assert.deepEqual(conv.typingPeers(1500), ['bob', 'carol']);
    assert.deepEqual(conv.typingPeers(1000 + TYPING_TIMEOUT_MS), []);
    conv.noteTyping('bob', 2000);
    conv.addMessage(message(1, 'bob'));
    assert.deepEqual(conv.typingPeers(2001), ['carol']);
  });

  test('names itself by title, else by the other members', () => {
    const conv = new Conversation({ id: 'x', members: ['alice', 'bob', 'carol'] });
    assert.equal(conv.displayName('alice'), 'bob, carol');
    conv.title = 'Famille';
    assert.equal(conv.displayName('alice'), 'Famille');
  });
});

describe('content', () => {
  test('text messages, replies, unknown types and garbage', () => {
    const reply = 'c0'.repeat(16);
    assert.deepEqual(parseContent(c.utf8(textContent('Salut\nà tous', reply))),
      { type: 'text', text: 'Salut\nà tous', replyTo: reply });
    assert.deepEqual(parseContent(c.utf8('{"type":"image"}')), { type: 'unsupported' });
    assert.equal(parseContent(c.utf8('[1]')), null);
    assert.equal(parseContent(Uint8Array.of(0xff)), null);
    assert.equal(parseContent(c.utf8('{"type":"text","text":"x","reply_to":"zz"}')).replyTo, null);
  });
});

describe('KeyDirectory', () => {
  const keys = () => ({ sign: c.generateSignKeyPair(), box: c.generateBoxKeyPair() });

  test('pins on first sight, warns on change, keeps the pinned keys until accepted', () => {
    const storage = new MemoryStorage();
    const directory = new KeyDirectory(storage, 'pins');
    const warnings = [];
    directory.on('warning', (user) => warnings.push(user));
    const first = keys();
    const second = keys();
    assert.equal(directory.learn('bob', first.sign.publicKey, first.box.publicKey), 'pinned');
    assert.equal(directory.learn('bob', first.sign.publicKey, first.box.publicKey), 'same');
    directory.setVerified('bob', true);
    assert.equal(directory.learn('bob', second.sign.publicKey, second.box.publicKey), 'changed');
    assert.deepEqual(warnings, ['bob']);
    assert.deepEqual([...directory.keysOf('bob').ed25519], [...first.sign.publicKey]);
    const [warning] = directory.warnings();
    assert.equal(warning.oldFingerprint, c.fingerprint(first.sign.publicKey, first.box.publicKey));
    assert.equal(warning.newFingerprint, c.fingerprint(second.sign.publicKey, second.box.publicKey));

    // A new page load still has the old pin, and warns again.
    const reloaded = new KeyDirectory(storage, 'pins');
    assert.equal(reloaded.keysOf('bob').verified, true);
    assert.equal(reloaded.learn('bob', second.sign.publicKey, second.box.publicKey), 'changed');

    assert.equal(directory.acceptChange('bob'), true);
    assert.deepEqual([...directory.keysOf('bob').ed25519], [...second.sign.publicKey]);
    assert.equal(directory.keysOf('bob').verified, false, 'a new key is not verified');
    assert.deepEqual(directory.warnings(), []);
    assert.equal(new KeyDirectory(storage, 'pins').learn('bob', second.sign.publicKey,
      second.box.publicKey), 'same');
  });

  test('ignores malformed keys and corrupt storage', () => {
    const storage = new MemoryStorage();
    storage.setItem('pins', '{not json');
    const directory = new KeyDirectory(storage, 'pins');
    assert.equal(directory.learn('bob', new Uint8Array(31), new Uint8Array(32)), 'invalid');
    assert.equal(directory.keysOf('bob'), null);
  });
});
