// The logged-in screen: conversation list beside the open conversation on a
// laptop, one or the other on a phone (the `show-conv` class switches); the
// admin page for admins; notification settings; notifications for messages
// that arrive while the tab is hidden.
import { loadNotifyPrefs, notificationFor, saveNotifyPrefs } from '../domain/notifications.js';
import { t } from '../i18n/index.js';
import { AdminView } from './admin_view.js';
import { el, openDialog } from './dom.js';
import { renderConversationList, renderNewConversation } from './conversation_list_view.js';
import { ConversationView } from './conversation_view.js';
import { languageSwitch } from './login_view.js';

const TYPING_REFRESH_MS = 1000;

function notificationPermission() {
  return typeof Notification === 'undefined' ? 'unsupported' : Notification.permission;
}

export class ShellView {
  constructor(root, { session, storage, onLogout }) {
    this.session = session;
    this.storage = storage;
    this.selected = null;
    this.adminOpen = false;
    this.status = el('p', { className: 'status', testid: 'connection-status', attrs: { 'aria-live': 'polite' } });
    this.sidebar = el('nav', { className: 'sidebar' });
    this.main = el('section', { className: 'main' });
    this.layout = el('div', { className: 'layout' }, [this.sidebar, this.main]);
    const isAdmin = session.self.role === 'admin';
    const header = el('header', { className: 'topbar' }, [
      el('img', { attrs: { src: 'icon.svg', alt: '', width: 28, height: 28 } }),
      el('strong', { text: t('app.name') }),
      el('span', { className: 'me', testid: 'me', text: session.self.name }),
      this.status,
      isAdmin ? el('button', {
        className: 'link', testid: 'admin-open', text: t('menu.admin'), attrs: { type: 'button' },
        on: { click: () => this.openAdmin() },
      }) : null,
      el('button', {
        className: 'link', testid: 'settings-open', text: t('menu.settings'), attrs: { type: 'button' },
        on: { click: () => this.openSettings() },
      }),
      languageSwitch(storage),
      el('button', { className: 'link', testid: 'logout', text: t('menu.logout'), attrs: { type: 'button' }, on: { click: onLogout } }),
    ]);
    root.replaceChildren(el('div', { className: 'app', testid: 'app-shell' }, [header, this.layout]));
    this.conversationView = new ConversationView(this.main, {
      session, onBack: () => this.select(null),
    });
    this.unsubscribe = [
      session.on('change', (what) => this.onChange(what)),
      session.on('typing', (conv) => { if (conv === this.selected) this.conversationView.renderTyping(); }),
      session.on('status', () => this.renderStatus()),
      session.on('message', (conv, message) => this.notify(conv, message)),
    ];
    this.typingTimer = setInterval(() => {
      if (this.selected) this.conversationView.renderTyping();
    }, TYPING_REFRESH_MS);
    this.visibility = () => this.markReadIfVisible();
    document.addEventListener('visibilitychange', this.visibility);
    this.renderStatus();
    this.renderList();
    this.select(null);
  }

  destroy() {
    for (const off of this.unsubscribe) off();
    clearInterval(this.typingTimer);
    document.removeEventListener('visibilitychange', this.visibility);
    for (const dialog of document.querySelectorAll('dialog')) dialog.close();
    this.notifications?.forEach((shown) => shown.close());
  }

  renderStatus() {
    const { status } = this.session;
    this.status.textContent = status === 'offline' ? t('status.offline') : status === 'connecting' ? t('status.connecting') : '';
    this.status.dataset.state = status;
  }

  renderList() {
    renderConversationList(this.sidebar, {
      session: this.session,
      selected: this.selected,
      onSelect: (id) => this.select(id),
      onNew: () => this.newConversation(),
    });
  }

  select(convId) {
    this.conversationView.saveDraft();
    this.adminOpen = false;
    this.mainMode = convId === null ? 'empty' : 'conv';
    this.selected = convId;
    this.layout.classList.toggle('show-conv', convId !== null);
    if (convId === null) {
      this.main.replaceChildren(el('p', { className: 'empty', text: t('conv.select') }));
    } else {
      this.conversationView.open(convId);
      this.markReadIfVisible();
    }
    this.renderList();
  }

  openAdmin() {
    this.conversationView.saveDraft();
    this.mainMode = 'admin';
    this.selected = null;
    this.adminOpen = true;
    this.layout.classList.add('show-conv');
    this.adminView = new AdminView(this.main, { session: this.session, onClose: () => this.select(null) });
    this.renderList();
  }

  async newConversation() {
    this.conversationView.saveDraft();
    this.mainMode = 'new';
    this.adminOpen = false;
    this.layout.classList.add('show-conv');
    // People invited since login appear too.
    try {
      await this.session.refreshUsers();
    } catch {
      // Offline: the people known so far.
    }
    renderNewConversation(this.main, {
      session: this.session,
      onCreate: async (members, title) => this.select(await this.session.conversations.keys.create(members, title)),
      onCancel: () => this.select(this.selected),
    });
  }

  openSettings() {
    const prefs = loadNotifyPrefs(this.storage);
    const note = el('p', { className: 'muted', attrs: { 'aria-live': 'polite' } });
    const enable = el('input', { testid: 'notify-enable', attrs: { type: 'checkbox', checked: prefs.enabled } });
    const showText = el('input', { testid: 'notify-show-text', attrs: { type: 'checkbox', checked: prefs.showText } });
    const save = () => saveNotifyPrefs(this.storage, { enabled: enable.checked, showText: showText.checked });
    const explain = () => {
      const permission = notificationPermission();
      note.textContent = permission === 'denied' ? t('settings.denied')
        : permission === 'unsupported' ? t('settings.unsupported') : '';
    };
    enable.addEventListener('change', async () => {
      if (enable.checked && notificationPermission() === 'default') {
        const answer = await Notification.requestPermission();
        if (answer !== 'granted') enable.checked = false;
      } else if (enable.checked && notificationPermission() !== 'granted') {
        enable.checked = false;
      }
      save();
      explain();
    });
    showText.addEventListener('change', save);
    explain();
    let handle = null;
    handle = openDialog({ testid: 'settings-dialog', label: t('settings.title') }, [
      el('h2', { text: t('settings.title') }),
      el('label', { className: 'check' }, [enable, el('span', { text: t('settings.notify') })]),
      el('label', { className: 'check' }, [showText, el('span', { text: t('settings.show_text') })]),
      note,
      // On a phone the top bar has no room for the language switch: it is here.
      el('label', { className: 'field settings-lang' }, [el('span', { text: t('lang.label') }), languageSwitch(this.storage, 'settings-lang')]),
      el('div', { className: 'actions' }, [el('button', {
        testid: 'settings-close', text: t('dialog.close'), attrs: { type: 'button' }, on: { click: () => handle.close() },
      })]),
    ]);
  }

  notify(convId, message) {
    const shown = notificationFor({
      message,
      convId,
      hidden: document.visibilityState !== 'visible',
      permission: notificationPermission(),
      prefs: loadNotifyPrefs(this.storage),
      texts: { title: t('app.name'), generic: t('notify.generic') },
    });
    if (shown === null) return;
    try {
      const notification = new Notification(shown.title, { body: shown.body, tag: shown.tag, icon: 'icon.svg' });
      notification.addEventListener('click', () => { window.focus(); this.select(convId); notification.close(); });
      this.notifications = (this.notifications ?? new Set()).add(notification);
      notification.addEventListener('close', () => this.notifications.delete(notification));
    } catch {
      // Some browsers only allow notifications from a service worker.
    }
  }

  markReadIfVisible() {
    if (this.selected && this.mainMode === 'conv' && document.visibilityState === 'visible') {
      this.session.conversations.markRead(this.selected);
    }
  }

  // Only the conversation on screen follows changes: the new-conversation
  // form and the admin page are never redrawn under the person's fingers.
  onChange(what) {
    const showing = this.mainMode === 'conv';
    if (showing && what === this.selected) {
      this.conversationView.scheduleRender();
      this.markReadIfVisible();
    } else if (showing && this.selected && (what === 'keys' || what === 'presence')) {
      this.conversationView.scheduleRender();
    }
    if (what === 'conversations' && this.selected && !this.session.conversations.get(this.selected)) {
      if (showing) {
        this.select(null);
        return;
      }
      this.selected = null;  // gone while another page is shown: cancel goes to the list
    }
    this.renderList();
  }
}
