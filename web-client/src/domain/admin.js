// Administration from the browser (docs/protocol.md §7, admin accounts): the
// web client is a client like any other and sends the admin requests over
// MQTT. The server checks the role; this only shapes requests and answers.
import { validUserName } from '../crypto/names.js';
import { DomainError } from './errors.js';

export const INVITE_ROLES = ['member', 'admin', 'device'];

// The link a person opens to redeem `code` with the web client: the code
// sits in the fragment, which browsers never send to the server.
export function inviteLink(pageUrl, code) {
  const url = new URL(pageUrl);
  url.search = '';
  url.hash = `invite=${code}`;
  return url.toString();
}

function time(value) {
  return Number.isSafeInteger(value) && value > 0 ? value : 0;
}

// Accounts as the admin page shows them: sorted by name, well-formed only.
export function normalizeUsers(users) {
  return (Array.isArray(users) ? users : [])
    .filter((user) => validUserName(user?.name))
    .map((user) => ({
      name: user.name,
      role: INVITE_ROLES.includes(user.role) ? user.role : 'member',
      created: time(user.created),
      lastSeen: time(user.last_seen),
      online: user.online === true,
      disabled: user.disabled === true,
      registered: user.registered !== false,
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

export class Admin {
  constructor(session) {
    this.session = session;
  }

  isAdmin() {
    return this.session.self?.role === 'admin';
  }

  check(name) {
    if (!this.isAdmin()) throw new DomainError('denied');
    if (name !== undefined && !validUserName(name)) throw new DomainError('invalid_name');
  }

  // A one-time invite: { code, user, role, expires }.
  async invite(name, role = 'member') {
    this.check(name);
    if (!INVITE_ROLES.includes(role)) throw new DomainError('invalid');
    const result = await this.session.request('invite', { name, role });
    return {
      code: result.code, user: result.user, role: result.role, expires: time(result.expires),
    };
  }

  async listUsers() {
    this.check();
    const { users } = await this.session.request('user_list');
    return normalizeUsers(users);
  }

  async setDisabled(name, disabled) {
    this.check(name);
    if (name === this.session.self.name) throw new DomainError('denied');
    await this.session.request(disabled ? 'user_disable' : 'user_enable', { name });
  }

  // Unregisters the account and returns a new invite for it.
  async reset(name) {
    this.check(name);
    const result = await this.session.request('user_reset', { name });
    return {
      code: result.code, user: result.user, role: result.role, expires: time(result.expires),
    };
  }
}
