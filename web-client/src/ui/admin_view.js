// The admin page (role admin): invite people (a link for the web client and
// its QR code), see the accounts (role, created, last seen, online), disable,
// enable, reset. Every action is an admin request over MQTT (protocol §7).
import { Admin, INVITE_ROLES, inviteLink } from '../domain/admin.js';
import { t } from '../i18n/index.js';
import { el } from './dom.js';
import { errorText, formatListTime } from './format.js';
import { qrSvg } from './qr.js';

function inviteResult(invite, testidPrefix) {
  const link = inviteLink(window.location.href, invite.code);
  return el('div', { className: 'invite-result', testid: `${testidPrefix}-result` }, [
    el('p', { text: t('admin.invite_for', { name: invite.user, when: formatListTime(invite.expires) }) }),
    el('a', { className: 'invite-link', testid: testidPrefix === 'invite' ? 'invite-link' : 'user-reset-link', text: link, attrs: { href: link, rel: 'noreferrer' } }),
    el('p', { className: 'muted', text: t('admin.code') }),
    el('code', { className: 'invite-code', testid: testidPrefix === 'invite' ? 'invite-code' : 'user-reset-code', text: invite.code }),
    qrSvg(link, { label: t('admin.qr', { name: invite.user }), testid: testidPrefix === 'invite' ? 'invite-qr' : 'user-reset-qr' }),
    el('button', {
      className: 'small', text: t('admin.copy'), attrs: { type: 'button' },
      on: { click: () => navigator.clipboard?.writeText(link).catch(() => {}) },
    }),
  ]);
}

export class AdminView {
  constructor(root, { session, onClose }) {
    this.root = root;
    this.session = session;
    this.admin = new Admin(session);
    this.onClose = onClose;
    this.users = [];
    this.result = el('div', { className: 'admin-result' });
    this.error = el('p', { className: 'form-error', testid: 'form-error', attrs: { role: 'alert' } });
    this.table = el('tbody', { testid: 'user-list' });
    this.build();
    this.reload();
    // Someone came online or left: the list follows (while the page is shown).
    this.off = session.on('change', (what) => {
      if (!this.root.contains(this.page)) {
        this.off();
        clearTimeout(this.pending);
      } else if (what === 'presence' || what === 'users') {
        clearTimeout(this.pending);
        this.pending = setTimeout(() => this.reload(), 300);
      }
    });
  }

  async run(action) {
    this.error.textContent = '';
    try {
      return await action();
    } catch (failure) {
      this.error.textContent = errorText(failure);
      return null;
    }
  }

  build() {
    const name = el('input', {
      testid: 'invite-name', attrs: { name: 'name', required: true, autocapitalize: 'none', spellcheck: 'false', 'aria-label': t('admin.name') },
    });
    const role = el('select', { testid: 'invite-role', attrs: { 'aria-label': t('admin.role') } },
      INVITE_ROLES.map((value) => el('option', { text: t(`role.${value}`), attrs: { value } })));
    const form = el('form', {
      className: 'invite-form', testid: 'invite-form',
      on: {
        submit: async (event) => {
          event.preventDefault();
          const invite = await this.run(() => this.admin.invite(name.value.trim(), role.value));
          if (invite) {
            name.value = '';
            this.result.replaceChildren(inviteResult(invite, 'invite'));
            this.reload();
          }
        },
      },
    }, [
      el('label', { className: 'field' }, [el('span', { text: t('admin.name') }), name]),
      el('label', { className: 'field' }, [el('span', { text: t('admin.role') }), role]),
      el('button', { className: 'primary', testid: 'invite-submit', text: t('admin.invite'), attrs: { type: 'submit' } }),
    ]);
    this.page = el('section', { className: 'admin-page', testid: 'admin-page' }, [
      el('header', { className: 'conv-header' }, [
        el('button', { testid: 'admin-close', text: `‹ ${t('conv.back')}`, attrs: { type: 'button' }, on: { click: this.onClose } }),
        el('h2', { className: 'conv-title', text: t('admin.title') }),
      ]),
      el('div', { className: 'admin-body' }, [
        el('h3', { text: t('admin.invite_title') }),
        form, this.result, this.error,
        el('h3', { text: t('admin.users') }),
        el('div', { className: 'table-wrap' }, [el('table', { className: 'users' }, [
          el('thead', {}, [el('tr', {}, ['admin.name', 'admin.role', 'admin.created', 'admin.last_seen', 'admin.state', '']
            .map((key) => el('th', { text: key ? t(key) : '' })))]),
          this.table,
        ])]),
      ]),
    ]);
    this.root.replaceChildren(this.page);
  }

  async reload() {
    const users = await this.run(() => this.admin.listUsers());
    if (users === null) return;
    this.users = users;
    this.renderUsers();
  }

  renderUsers() {
    const me = this.session.self.name;
    this.table.replaceChildren(...this.users.map((user) => {
      const actions = [];
      if (user.name !== me) {
        actions.push(user.disabled
          ? el('button', {
            className: 'small', testid: 'user-enable', text: t('admin.enable'), attrs: { type: 'button' },
            on: { click: () => this.run(() => this.admin.setDisabled(user.name, false)).then(() => this.reload()) },
          })
          : el('button', {
            className: 'small danger', testid: 'user-disable', text: t('admin.disable'), attrs: { type: 'button' },
            on: { click: () => this.run(() => this.admin.setDisabled(user.name, true)).then(() => this.reload()) },
          }));
        actions.push(el('button', {
          className: 'small', testid: 'user-reset', text: t('admin.reset'), attrs: { type: 'button' },
          on: {
            click: async () => {
              const invite = await this.run(() => this.admin.reset(user.name));
              if (invite) {
                this.result.replaceChildren(inviteResult(invite, 'user-reset'));
                this.reload();
              }
            },
          },
        }));
      }
      let state = user.online ? t('presence.online') : t('admin.offline');
      if (user.disabled) state = t('admin.disabled');
      else if (!user.registered) state = t('admin.invited');
      return el('tr', {
        className: `user-row${user.disabled ? ' disabled' : ''}`, testid: 'user-row',
        attrs: { 'data-user': user.name, 'data-disabled': String(user.disabled) },
      }, [
        el('td', { className: 'user-name', text: user.name }),
        el('td', { testid: 'user-role', text: t(`role.${user.role}`) }),
        el('td', { testid: 'user-created', text: user.created ? formatListTime(user.created) : '—' }),
        el('td', { testid: 'user-last-seen', text: user.lastSeen ? formatListTime(user.lastSeen) : '—' }),
        el('td', { testid: 'user-online', text: state, attrs: { 'data-online': String(user.online) } }),
        el('td', { className: 'user-actions' }, actions),
      ]);
    }));
  }
}
