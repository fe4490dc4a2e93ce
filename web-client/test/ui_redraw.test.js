// Views that redraw on events (presence, keys, people, the conversation)
// must not replace the controls a person is using: the members dialog's
// rename field and add-member list keep what was typed or picked. Runs the
// real views against a minimal DOM (only what src/ui/dom.js and the views use);
// also the composer's per-conversation draft and the login page's redraw.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, test } from 'node:test';

class FakeNode {
  constructor(tag) {
    this.tagName = tag.toUpperCase();
    this.children = [];
    this.parentNode = null;
    this.attributes = new Map();
    this.dataset = {};
    this.listeners = new Map();
    this.className = '';
    this.hidden = false;
    this.ownText = '';
    this.ownValue = '';
    this.open = false;
  }

  get textContent() { return this.ownText + this.children.map((child) => child.textContent).join(''); }

  set textContent(text) { this.replaceChildren(); this.ownText = String(text); }

  setAttribute(name, value) {
    this.attributes.set(name, String(value));
    if (name === 'value' && this.tagName === 'INPUT') this.ownValue = String(value);
    if (name === 'selected') this.selected = true;
  }

  getAttribute(name) { return this.attributes.get(name) ?? null; }

  append(...nodes) {
    for (const node of nodes) {
      const child = typeof node === 'string' ? Object.assign(new FakeNode('#text'), { ownText: node }) : node;
      child.remove();
      child.parentNode = this;
      this.children.push(child);
    }
  }

  replaceChildren(...nodes) {
    for (const child of this.children) child.parentNode = null;
    this.children = [];
    this.ownText = '';
    this.append(...nodes);
  }

  remove() {
    if (this.parentNode === null) return;
    this.parentNode.children = this.parentNode.children.filter((child) => child !== this);
    this.parentNode = null;
  }

  addEventListener(type, handler) {
    if (!this.listeners.has(type)) this.listeners.set(type, []);
    this.listeners.get(type).push(handler);
  }

  dispatch(type) {
    const event = { type, target: this, preventDefault() {} };
    for (const handler of this.listeners.get(type) ?? []) handler(event);
  }

  showModal() { this.open = true; }

  focus() {}

  get firstElementChild() { return this.children[0] ?? null; }

  close() { this.open = false; this.dispatch('close'); }

  all() { return [this, ...this.children.flatMap((child) => child.all())]; }

  byTestid(testid) { return this.all().filter((node) => node.dataset.testid === testid); }

  // <input>, <select> and <option> values, as a browser has them.
  get options() { return this.children.filter((child) => child.tagName === 'OPTION'); }

  get value() {
    if (this.tagName === 'OPTION') return this.getAttribute('value') ?? this.textContent;
    if (this.tagName === 'SELECT') {
      const chosen = this.options.find((option) => option.selected) ?? this.options[0];
      return chosen ? chosen.value : '';
    }
    return this.ownValue;
  }

  set value(value) {
    if (this.tagName === 'SELECT') {
      for (const option of this.options) option.selected = option.value === value;
    } else {
      this.ownValue = String(value);
    }
  }
}

let body;
beforeEach(() => {
  body = new FakeNode('body');
  globalThis.document = { body, createElement: (tag) => new FakeNode(tag) };
});
afterEach(() => { delete globalThis.document; });

// A session with what the members dialog reads: one conversation, the
// household's people, presence, and the change events.
function fakeSession() {
  const listeners = new Set();
  const conv = { id: 'c1', title: 'Dinner', members: ['alice', 'bob'] };
  const calls = [];
  const session = {
    self: { name: 'alice' },
    users: new Map([['alice', {}], ['bob', {}], ['carol', {}], ['dave', {}]]),
    presence: new Map([['bob', { state: 'online' }]]),
    directory: { status: () => ({}) },
    conversations: {
      get: (id) => (id === conv.id ? conv : null),
      keys: {
        rename: async (id, title) => { calls.push(['rename', id, title]); conv.title = title; },
        addMember: async (id, name) => { calls.push(['add', id, name]); conv.members.push(name); },
        removeMember: async () => {},
        leave: async () => {},
      },
    },
    on: (event, listener) => { listeners.add(listener); return () => listeners.delete(listener); },
    emit: (what) => { for (const listener of listeners) listener(what); },
    refreshUsers: async () => {},
  };
  return { session, conv, calls };
}

const settle = () => new Promise((resolve) => { setTimeout(resolve, 0); });

test('members dialog: a rename being typed survives presence, keys, people and conversation changes', async () => {
  const { openMembersDialog } = await import('../src/ui/members_view.js');
  const { session, conv, calls } = fakeSession();
  const { dialog } = openMembersDialog(session, 'c1', {});
  const input = dialog.byTestid('rename-input')[0];
  assert.equal(input.value, 'Dinner');
  input.value = 'Dinner on Fri';
  input.dispatch('input');
  for (const what of ['presence', 'keys', 'users', 'c1']) session.emit(what);
  assert.equal(dialog.byTestid('rename-input').length, 1);
  assert.equal(dialog.byTestid('rename-input')[0], input, 'the field was replaced by a redraw');
  assert.equal(input.value, 'Dinner on Fri', 'the text typed was lost');
  // Someone else renames meanwhile: the person's own text still wins.
  conv.title = 'Lunch';
  session.emit('c1');
  assert.equal(input.value, 'Dinner on Fri');
  input.parentNode.dispatch('submit');
  await settle();
  assert.deepEqual(calls, [['rename', 'c1', 'Dinner on Fri']]);
  // Once saved, the field follows the conversation's title again.
  conv.title = 'Brunch';
  session.emit('c1');
  assert.equal(input.value, 'Brunch');
  assert.equal(dialog.byTestid('member').length, 2);
});

test('members dialog: the person picked to add stays picked when the list redraws', async () => {
  const { openMembersDialog } = await import('../src/ui/members_view.js');
  const { session, conv, calls } = fakeSession();
  const { dialog } = openMembersDialog(session, 'c1', {});
  const select = dialog.byTestid('member-add-select')[0];
  assert.deepEqual(select.options.map((option) => option.value), ['carol', 'dave']);
  select.value = 'dave';
  session.users.set('aaron', {});  // someone invited meanwhile sorts first
  session.emit('users');
  session.emit('presence');
  assert.equal(dialog.byTestid('member-add-select')[0], select, 'the list was replaced by a redraw');
  assert.deepEqual(select.options.map((option) => option.value), ['aaron', 'carol', 'dave']);
  assert.equal(select.value, 'dave', 'the wrong person would be added');
  select.parentNode.dispatch('submit');
  await settle();
  assert.deepEqual(calls, [['add', 'c1', 'dave']]);
  assert.deepEqual(conv.members, ['alice', 'bob', 'dave']);
  assert.deepEqual(select.options.map((option) => option.value), ['aaron', 'carol']);
  assert.equal(dialog.byTestid('member').length, 3);
  // Everyone in: the add form hides rather than showing an empty list.
  conv.members.push('aaron', 'carol');
  session.emit('c1');
  assert.equal(select.parentNode.hidden, true);
});

test('members dialog: the conversation gone closes the dialog', async () => {
  const { openMembersDialog } = await import('../src/ui/members_view.js');
  const { session, conv } = fakeSession();
  const { dialog } = openMembersDialog(session, 'c1', {});
  assert.equal(dialog.parentNode, body);
  conv.id = 'gone';
  session.emit('c1');
  assert.equal(dialog.parentNode, null);
});

test('conversation view: the text being typed in a conversation is still there when it is opened again', async () => {
  const { ConversationView } = await import('../src/ui/conversation_view.js');
  const conv = (id) => ({
    id, members: ['alice', 'bob'], hasOlder: false,
    displayName: () => id, sortedMessages: () => [], typingPeers: () => [],
  });
  const convs = new Map([['c1', conv('c1')], ['c2', conv('c2')]]);
  const session = {
    self: { name: 'alice' },
    presence: new Map(),
    directory: { warnings: () => [] },
    now: () => 0,
    outbox: { forConversation: () => [] },
    conversations: { get: (id) => convs.get(id) ?? null, typing: () => {} },
  };
  const root = new FakeNode('section');
  const view = new ConversationView(root, { session, onBack: () => {} });
  view.open('c1');
  root.byTestid('composer-input')[0].value = 'half a sentence';
  view.open('c2');
  assert.equal(root.byTestid('composer-input')[0].value, '', 'a draft leaked into another conversation');
  root.byTestid('composer-input')[0].value = 'for c2';
  view.saveDraft();  // the shell leaves for the admin page or a new conversation
  view.open('c1');
  assert.equal(root.byTestid('composer-input')[0].value, 'half a sentence');
  view.open('c2');
  assert.equal(root.byTestid('composer-input')[0].value, 'for c2');
});

test('login page: a redraw (language switched) keeps the name and the invite code typed', async () => {
  const { renderLogin } = await import('../src/ui/login_view.js');
  const root = new FakeNode('div');
  const screen = renderLogin(root, { actions: {}, initial: {}, storage: null });
  root.byTestid('login-user')[0].value = 'bob';
  screen.redraw();
  assert.equal(root.byTestid('login-user')[0].value, 'bob');
  root.byTestid('login-toggle')[0].dispatch('click');  // "I have an invite"
  root.byTestid('register-code')[0].value = 'AQtsa9Z-code';
  screen.redraw();
  assert.equal(root.byTestid('register-code')[0].value, 'AQtsa9Z-code');
});
