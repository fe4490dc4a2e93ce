// The logged-in person's session: login and registration (docs/protocol.md
// §2, §3, §7), the connection's life (reconnects resynchronise and resend the
// outbox), peers' keys and presence, and logout, which wipes every key and
// every decrypted text from memory. Nothing secret is ever written to
// storage: only pinned public keys and read positions are.
//
// Events: 'status' (status), 'change' (what: 'conversations' | conv id |
// 'users' | 'presence' | 'keys'), 'typing' (conv), 'failure' ({ conv, seq,
// from, reason }), 'message' (conv, message) for messages from others.
import { deriveLogin, openBundle, sealBundle } from '../crypto/login.js';
import { generateBoxKeyPair, generateSignKeyPair } from '../crypto/keys.js';
import { decodeInviteCode } from '../crypto/invite.js';
import { INVITE_USER_NAME, validUserName } from '../crypto/names.js';
import {
  equalBytes, fromB64, fromHex, randomBytes, toB64, toHex, wipe,
} from '../crypto/sodium.js';
import {
  CONNACK_BAD_CREDENTIALS, CONNACK_NOT_AUTHORIZED,
} from '../transport/mqtt_transport.js';
import {
  PRESENCE_FILTER, inboxTopic, parseTopic, presenceTopic,
} from '../transport/topics.js';
import { Conversations } from './conversations.js';
import { Emitter } from './emitter.js';
import { EpochKeyRing } from './epoch_keys.js';
import { DomainError } from './errors.js';
import { Files } from './files.js';
import { KeyDirectory } from './key_directory.js';
import { Outbox } from './outbox.js';

const MAX_PRESENCE_BYTES = 256;

function clientSuffix() {
  return `web-${toHex(randomBytes(4))}`;
}

export class Session extends Emitter {
  // config: { householdHex, mqttUrl }; storage: { getItem, setItem,
  // removeItem }; transport: see src/transport/mqtt_transport.js.
  constructor({
    transport, storage, config, now = () => Date.now(),
  }) {
    super();
    this.transport = transport;
    this.storage = storage;
    this.config = config;
    this.now = now;
    this.status = 'logged_out';  // logged_out | connecting | online | offline
    this.self = null;            // { name, role, box, sign }
    this.users = new Map();      // name -> { name, role }
    this.presence = new Map();   // name -> { state, time }
    this.directory = null;
    this.ring = new EpochKeyRing();
    this.outbox = new Outbox();
    this.conversations = new Conversations(this);
    this.files = new Files(this);
    this.resyncing = Promise.resolve();  // the running post-reconnect sync
    transport.onMessage((topic, text) => this.route(topic, text));
    transport.onStatus((status) => this.onTransportStatus(status));
  }

  setStatus(status) {
    if (this.status === status) return;
    this.status = status;
    this.emit('status', status);
  }

  request(op, args) {
    return this.transport.request(op, args);
  }

  householdBytes() {
    const household = fromHex(this.config.householdHex ?? '');
    if (household === null || household.length !== 16) {
      throw new DomainError('household_mismatch', 'no household id configured');
    }
    return household;
  }

  // Derives the keys from the password (Argon2id, about a second) and logs in.
  async login(user, password) {
    if (!validUserName(user)) throw new DomainError('invalid_name');
    const household = this.householdBytes();
    this.setStatus('connecting');
    try {
      const keys = deriveLogin(password, household, user);
      await this.openSession(user, household, keys);
    } catch (error) {
      await this.abort();
      throw error;
    }
  }

  // Redeems an invite: makes the key pairs here, stores the sealed bundle on
  // the server, then logs in as the new user. Returns the user name.
  async register(inviteCode, password) {
    const invite = decodeInviteCode(inviteCode.trim());
    if (invite.error) throw new DomainError('invite_invalid', invite.error);
    this.setStatus('connecting');
    try {
      await this.connectOrThrow({
        username: INVITE_USER_NAME,
        password: invite.password,
        clientId: `${INVITE_USER_NAME}:${clientSuffix()}`,
        reconnect: false,
      }, 'invite_refused');
      const info = await this.request('invite_info');
      if (info.household !== toHex(invite.household) || !validUserName(info.user)) {
        throw new DomainError('invite_invalid', 'the invite is for another household');
      }
      if (this.config.householdHex && this.config.householdHex !== info.household) {
        throw new DomainError('household_mismatch');
      }
      this.config.householdHex = info.household;
      const keys = deriveLogin(password, invite.household, info.user);
      const box = generateBoxKeyPair();
      const sign = generateSignKeyPair();
      const bundle = sealBundle(keys.bundleKey, invite.household, info.user, box, sign);
      await this.request('register', {
        auth_key: toHex(keys.authKey),
        x25519: toB64(box.publicKey),
        ed25519: toB64(sign.publicKey),
        bundle: toB64(bundle),
      });
      wipe(box.secretKey);
      wipe(sign.secretKey);
      await this.transport.end();
      await this.openSession(info.user, invite.household, keys);
      return info.user;
    } catch (error) {
      await this.abort();
      throw error;
    }
  }

  async connectOrThrow(options, refusedCode) {
    try {
      await this.transport.connect({ url: this.config.mqttUrl, ...options });
    } catch (error) {
      const refused = error.reasonCode === CONNACK_BAD_CREDENTIALS
        || error.reasonCode === CONNACK_NOT_AUTHORIZED;
      throw new DomainError(refused ? refusedCode : 'unreachable', error.message);
    }
  }

  async openSession(user, household, keys) {
    const clientId = `${user}:${clientSuffix()}`;
    const will = {
      topic: presenceTopic(user),
      payload: JSON.stringify({ state: 'offline', time: this.now() }),
      qos: 1,
      retain: true,
    };
    await this.connectOrThrow({
      username: user, password: toHex(keys.authKey), clientId, will,
    }, 'bad_credentials');
    wipe(keys.authKey);
    const stored = await this.request('bundle_get');
    const opened = openBundle(keys.bundleKey, household, user, fromB64(stored.bundle) ?? new Uint8Array());
    wipe(keys.kek);
    wipe(keys.bundleKey);
    if (opened === null
        || !equalBytes(opened.box.publicKey, fromB64(stored.x25519) ?? new Uint8Array())
        || !equalBytes(opened.sign.publicKey, fromB64(stored.ed25519) ?? new Uint8Array())) {
      throw new DomainError('bundle');
    }
    const who = await this.request('whoami');
    if (who.household !== toHex(household)) throw new DomainError('household_mismatch');
    this.self = {
      name: user, role: who.role, box: opened.box, sign: opened.sign,
    };
    this.storage.setItem('foyer:last-user', user);
    this.directory = new KeyDirectory(this.storage, `foyer:${toHex(household)}:${user}:pins`);
    this.directory.on('warning', () => this.emit('change', 'keys'));
    this.directory.on('change', () => this.emit('change', 'keys'));
    this.directory.learn(user, opened.sign.publicKey, opened.box.publicKey);
    await this.refreshUsers();
    await this.transport.subscribe([inboxTopic(user), PRESENCE_FILTER]);
    await this.conversations.loadAll();
    this.setStatus('online');
    await this.announcePresence('online');
  }

  // Learns every enabled account's keys (pins new ones, warns on changes).
  async refreshUsers() {
    const { users } = await this.request('users');
    this.users.clear();
    for (const entry of users ?? []) {
      if (!validUserName(entry?.name)) continue;
      this.users.set(entry.name, { name: entry.name, role: entry.role });
      this.directory.learn(entry.name, fromB64(entry.ed25519), fromB64(entry.x25519));
    }
    this.emit('change', 'users');
  }

  // The person checked `user`'s new safety number and accepts it. The new
  // key cannot open the epoch keys sealed to the old one, so each shared
  // conversation starts a new epoch before our next message there.
  acceptKey(user) {
    if (!this.directory?.acceptChange(user)) return false;
    for (const conv of this.conversations.byId.values()) {
      if (conv.members.includes(user) && user !== this.self.name) conv.rekey = true;
    }
    this.emit('change', 'keys');
    return true;
  }

  async announcePresence(state) {
    const payload = JSON.stringify({ state, time: this.now() });
    try {
      await this.transport.publish(presenceTopic(this.self.name), payload, { qos: 1, retain: true });
    } catch {
      // Presence is best effort; the will covers a lost connection.
    }
  }

  route(topic, text) {
    if (this.self === null) return;
    const { kind, id } = parseTopic(topic);
    if (kind === 'messages') this.conversations.handleEnvelopeText(id, text);
    else if (kind === 'ephemeral') this.conversations.handleSignal(id, text);
    else if (kind === 'inbox' && id === this.self.name) this.conversations.handleInbox(text);
    else if (kind === 'presence') this.handlePresence(id, text);
  }

  handlePresence(user, text) {
    if (text.length === 0 || text.length > MAX_PRESENCE_BYTES) {
      this.presence.delete(user);
    } else {
      try {
        const value = JSON.parse(text);
        if (value?.state !== 'online' && value?.state !== 'offline') return;
        const before = this.presence.get(user)?.state;
        this.presence.set(user, {
          state: value.state, time: Number.isSafeInteger(value.time) ? value.time : 0,
        });
        if (value.state === 'online' && before !== 'online' && user !== this.self.name) {
          // Someone came online: maybe a new account, or new keys after a
          // reset (the pins then warn at once, not at the next message).
          this.scheduleUsersRefresh();
          // And he may not get our retained presence (the broker's
          // check_retain_source check refuses it today): say it again, live.
          // Only on his transition to online, so two clients never loop.
          this.scheduleAnnounce();
        }
      } catch {
        return;
      }
    }
    this.emit('change', 'presence');
  }

  scheduleAnnounce() {
    clearTimeout(this.announceTimer);
    this.announceTimer = setTimeout(() => {
      if (this.self !== null && this.status === 'online') this.announcePresence('online');
    }, 300);
  }

  scheduleUsersRefresh() {
    clearTimeout(this.usersTimer);
    this.usersTimer = setTimeout(() => {
      if (this.self !== null && this.transport.connected) this.refreshUsers().catch(() => {});
    }, 500);
  }

  onTransportStatus(status) {
    if (this.self === null) return;
    if (status === 'refused') {
      // The server no longer accepts this account: end the session.
      this.emit('ended', 'account_refused');
      this.abort();
      return;
    }
    if (status === 'offline') {
      this.setStatus('offline');
      return;
    }
    if (status !== 'online' || this.status === 'online' || this.status === 'connecting') return;
    this.resyncing = this.afterReconnect();
  }

  // A reconnect: catch up, then resend what the server has not confirmed.
  async afterReconnect() {
    try {
      await this.conversations.resync();
      this.setStatus('online');
      await this.announcePresence('online');
      await this.conversations.flushOutbox();
    } catch {
      // The next reconnect tries again.
    }
  }

  // Ends the session and wipes keys and decrypted data from memory.
  async logout() {
    if (this.self !== null && this.transport.connected) await this.announcePresence('offline');
    await this.abort();
  }

  async abort() {
    await this.transport.end();
    if (this.self !== null) {
      wipe(this.self.box.secretKey);
      wipe(this.self.sign.secretKey);
    }
    this.self = null;
    clearTimeout(this.usersTimer);
    clearTimeout(this.announceTimer);
    this.ring.clear();
    this.outbox.clear();
    this.conversations.clear();
    this.files.clear();
    this.users.clear();
    this.presence.clear();
    this.directory = null;
    this.setStatus('logged_out');
    this.emit('change', 'conversations');
  }
}
