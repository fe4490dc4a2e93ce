// An in-memory stand-in for the broker and its plugin, enough of
// docs/protocol.md for the domain tests: accounts and invites, requests,
// /send -> /m stamping with (from, cmid) de-duplication, /signal -> /e,
// inbox events, retained presence. FakeTransport gives a Session the same
// interface as MqttTransport. Crypto stays client side, as on the real server.
import { RequestError } from '../src/transport/requester.js';
import { TransportError } from '../src/transport/mqtt_transport.js';
import {
  ephemeralTopic, inboxTopic, messageTopic, parseTopic,
} from '../src/transport/topics.js';

// localStorage's interface, in memory.
export class MemoryStorage {
  constructor() { this.items = new Map(); }

  getItem(key) { return this.items.has(key) ? this.items.get(key) : null; }

  setItem(key, value) { this.items.set(key, String(value)); }

  removeItem(key) { this.items.delete(key); }
}

export class FakeServer {
  constructor(householdHex) {
    this.household = householdHex;
    this.accounts = new Map();  // name -> { role, authKey, bundle, x25519, ed25519 }
    this.invites = new Map();   // secret hex -> { user, role }
    this.convs = new Map();     // id -> { members, epoch, title, keys, messages, rotate }
    this.clients = new Set();
    this.retained = new Map();
    this.refuseNextSend = false;
    this.requests = [];         // ops seen, for assertions
  }

  addInvite(secretHex, user, role = 'member') {
    this.invites.set(secretHex, { user, role });
  }

  // Delivers to every connected client whose filters match.
  deliver(topic, text, retain = false) {
    if (retain) this.retained.set(topic, text);
    for (const client of this.clients) if (client.matches(topic)) client.receive(topic, text);
  }

  inbox(user, event) {
    this.deliver(inboxTopic(user), JSON.stringify(event));
  }

  convInfo(id) {
    const conv = this.convs.get(id);
    return {
      conv: id, members: conv.members, epoch: conv.epoch, title: conv.title,
      last_seq: conv.messages.length, rotate: conv.rotate,
    };
  }

  handleRequest(client, request) {
    this.requests.push(request.op);
    const user = client.username;
    if (user === '~invite') {
      const invite = this.invites.get(client.password);
      if (request.op === 'invite_info') {
        return { user: invite.user, role: invite.role, household: this.household, expires: 0 };
      }
      if (request.op === 'register') {
        this.accounts.set(invite.user, {
          role: invite.role, authKey: request.auth_key, bundle: request.bundle,
          x25519: request.x25519, ed25519: request.ed25519,
        });
        this.invites.delete(client.password);
        return { user: invite.user, role: invite.role };
      }
      throw new RequestError('denied');
    }
    const account = this.accounts.get(user);
    const member = (id) => {
      const conv = this.convs.get(id);
      if (!conv || !conv.members.includes(user)) throw new RequestError('not_found');
      return conv;
    };
    switch (request.op) {
      case 'whoami': return { user, role: account.role, household: this.household };
      case 'bundle_get': return { bundle: account.bundle, x25519: account.x25519, ed25519: account.ed25519 };
      case 'users':
        return {
          users: [...this.accounts].map(([name, a]) => ({
            name, role: a.role, x25519: a.x25519, ed25519: a.ed25519,
          })),
        };
      case 'conv_list':
        return { convs: [...this.convs.keys()].filter((id) => this.convs.get(id).members.includes(user)).map((id) => this.convInfo(id)) };
      case 'conv_get': member(request.conv); return this.convInfo(request.conv);
      case 'conv_create': {
        if (this.convs.has(request.conv)) throw new RequestError('conflict');
        this.convs.set(request.conv, {
          members: request.members, epoch: 1, title: request.title, keys: request.keys,
          messages: [], rotate: false,
        });
        for (const name of request.members) if (name !== user) this.inbox(name, { event: 'conv_added', conv: request.conv });
        return { conv: request.conv, epoch: 1 };
      }
      case 'conv_title': member(request.conv).title = request.title; return {};
      case 'conv_rotate': {
        const conv = member(request.conv);
        conv.epoch += 1;
        conv.rotate = false;
        conv.title = request.title;
        conv.keys.push(...request.keys);
        for (const name of conv.members) this.inbox(name, { event: 'epoch', conv: request.conv, epoch: conv.epoch });
        return { epoch: conv.epoch };
      }
      case 'conv_add': {
        const conv = member(request.conv);
        if (!this.accounts.has(request.user)) throw new RequestError('not_found');
        if (conv.members.includes(request.user)) throw new RequestError('conflict');
        const covers = request.keys.some((k) => k.to === request.user && k.epoch === conv.epoch);
        if (!covers || request.keys.some((k) => k.to !== request.user)) throw new RequestError('invalid');
        conv.members = [...conv.members, request.user];
        conv.keys.push(...request.keys);
        this.inbox(request.user, { event: 'conv_added', conv: request.conv });
        for (const name of conv.members) if (name !== request.user) this.inbox(name, { event: 'conv_updated', conv: request.conv });
        return { epoch: conv.epoch };
      }
      case 'conv_remove': {
        const conv = member(request.conv);
        if (!conv.members.includes(request.user)) throw new RequestError('not_found');
        const remaining = conv.members.filter((name) => name !== request.user);
        const epoch = conv.epoch + 1;
        const to = request.keys.map((k) => k.to).sort();
        if (request.keys.some((k) => k.epoch !== epoch) || JSON.stringify(to) !== JSON.stringify([...remaining].sort())) {
          throw new RequestError('invalid');
        }
        conv.members = remaining;
        conv.epoch = epoch;
        conv.rotate = false;
        conv.title = request.title;
        conv.keys.push(...request.keys);
        this.inbox(request.user, { event: 'conv_removed', conv: request.conv });
        for (const name of remaining) this.inbox(name, { event: 'epoch', conv: request.conv, epoch });
        return { epoch };
      }
      case 'conv_leave': {
        const conv = member(request.conv);
        conv.members = conv.members.filter((name) => name !== user);
        conv.rotate = true;
        for (const name of conv.members) this.inbox(name, { event: 'rotate_needed', conv: request.conv });
        return {};
      }
      case 'invite': case 'user_list': case 'user_disable': case 'user_enable': case 'user_reset': {
        if (account.role !== 'admin') throw new RequestError('denied');
        return this.adminRequest(request);
      }
      case 'epoch_keys': return { keys: member(request.conv).keys.filter((k) => k.to === user) };
      case 'history': {
        const { messages } = member(request.conv);
        let list = messages;
        if (request.before) list = list.filter((m) => m.seq < request.before);
        if (request.after) list = list.filter((m) => m.seq > request.after);
        const limit = request.limit ?? 50;
        const page = request.after ? list.slice(0, limit) : list.slice(-limit);
        return { messages: page, more: page.length < list.length };
      }
      case 'catchup': {
        const messages = {};
        const more = {};
        for (const [id, since] of Object.entries(request.since)) {
          const list = member(id).messages.filter((m) => m.seq > since);
          messages[id] = list.slice(0, request.limit ?? 200);
          more[id] = list.length > messages[id].length;
        }
        return { messages, more };
      }
      default: throw new RequestError('invalid', request.op);
    }
  }

  adminRequest(request) {
    const { op, name } = request;
    if (op === 'user_list') {
      return {
        users: [...this.accounts].map(([account, a]) => ({
          name: account, role: a.role, created: 1767225600000, last_seen: a.lastSeen ?? 0,
          online: [...this.clients].some((client) => client.username === account),
          disabled: a.disabled === true, registered: true,
        })),
      };
    }
    if (op === 'invite' || op === 'user_reset') {
      if (op === 'user_reset' && !this.accounts.has(name)) throw new RequestError('not_found');
      if (op === 'invite' && this.accounts.has(name)) throw new RequestError('conflict');
      const secret = [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, '0')).join('');
      const role = op === 'invite' ? (request.role ?? 'member') : this.accounts.get(name).role;
      if (op === 'user_reset') this.accounts.delete(name);
      this.addInvite(secret, name, role);
      return {
        code: `invite-${secret}`, secret, user: name, role, expires: 1767225600000 + 604800000,
      };
    }
    const target = this.accounts.get(name);
    if (!target) throw new RequestError('not_found');
    target.disabled = op === 'user_disable';
    return {};
  }

  // A client's PUBLISH; resolves like a PUBACK, rejects with 0x87 when refused.
  publish(client, topic, text, retain) {
    const { kind, id } = parseTopic(topic);
    if (kind === 'send') {
      const json = JSON.parse(text);
      const conv = this.convs.get(id);
      if (this.refuseNextSend || !conv || json.from !== client.username
          || json.epoch !== conv.epoch || conv.rotate) {
        this.refuseNextSend = false;
        throw new TransportError('refused', 0x87);
      }
      let stored = conv.messages.find((m) => m.from === json.from && m.cmid === json.cmid);
      if (!stored) {
        stored = { ...json, seq: conv.messages.length + 1, stime: 1767225600000 + conv.messages.length };
        conv.messages.push(stored);
      }
      this.deliver(messageTopic(id), JSON.stringify(stored));
    } else if (kind === 'signal') {
      this.deliver(ephemeralTopic(id), text);
    } else if (kind === 'presence' && id === client.username) {
      this.deliver(topic, text, retain);
    } else {
      throw new TransportError('refused', 0x87);
    }
  }
}

function filterMatches(filter, topic) {
  const f = filter.split('/');
  const t = topic.split('/');
  for (let i = 0; i < f.length; i += 1) {
    if (f[i] === '#') return true;
    if (i >= t.length || (f[i] !== '+' && f[i] !== t[i])) return false;
  }
  return f.length === t.length;
}

export class FakeTransport {
  constructor(server) {
    this.server = server;
    this.messageHandlers = [];
    this.statusHandlers = [];
    this.filters = new Set();
    this.connected = false;
    this.published = [];
  }

  onMessage(handler) { this.messageHandlers.push(handler); }

  onStatus(handler) { this.statusHandlers.push(handler); }

  async connect({ username, password }) {
    const account = this.server.accounts.get(username);
    const ok = username === '~invite' ? this.server.invites.has(password) : account?.authKey === password;
    if (!ok) throw new TransportError('Connection refused: Bad User Name or Password', 134);
    this.username = username;
    this.password = password;
    this.filters.clear();
    this.connected = true;
    this.server.clients.add(this);
    this.emitStatus('online');
  }

  matches(topic) {
    return [...this.filters].some((filter) => filterMatches(filter, topic));
  }

  receive(topic, text) {
    // Asynchronous like a network, in order.
    queueMicrotask(() => {
      if (!this.connected) return;
      for (const handler of this.messageHandlers) handler(topic, text);
    });
  }

  async subscribe(filters) {
    for (const filter of filters) this.filters.add(filter);
    for (const [topic, text] of this.server.retained) if (this.matches(topic)) this.receive(topic, text);
  }

  async unsubscribe(filters) {
    for (const filter of filters) this.filters.delete(filter);
  }

  async publish(topic, text, { retain = false } = {}) {
    if (!this.connected) throw new TransportError('offline');
    this.published.push({ topic, text });
    this.server.publish(this, topic, text, retain);
  }

  async request(op, args = {}) {
    if (!this.connected) throw new RequestError('offline');
    // Through JSON, as on the wire.
    const request = JSON.parse(JSON.stringify({ ...args, op }));
    return JSON.parse(JSON.stringify({ ok: true, ...this.server.handleRequest(this, request) }));
  }

  // Simulates a lost connection (no PUBACKs, no deliveries).
  drop() {
    this.connected = false;
    this.server.clients.delete(this);
    this.emitStatus('offline');
  }

  // Reconnects with the same session (filters kept, as mqtt.js resubscribes).
  async restore() {
    this.connected = true;
    this.server.clients.add(this);
    this.emitStatus('online');
  }

  async end() {
    if (this.connected) this.drop();
  }

  emitStatus(status) {
    for (const handler of this.statusHandlers) handler(status);
  }
}
