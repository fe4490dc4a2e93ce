// The logged-in screen: conversation list beside the open conversation on a
// laptop, one or the other on a phone (the `show-conv` class switches).
import { t } from '../i18n/index.js';
import { el } from './dom.js';
import { renderConversationList, renderNewConversation } from './conversation_list_view.js';
import { ConversationView } from './conversation_view.js';
import { languageSwitch } from './login_view.js';

const TYPING_REFRESH_MS = 1000;

export class ShellView {
  constructor(root, { session, storage, onLogout }) {
    this.session = session;
    this.storage = storage;
    this.selected = null;
    this.status = el('p', { className: 'status', attrs: { 'aria-live': 'polite' } });
    this.sidebar = el('nav', { className: 'sidebar' });
    this.main = el('section', { className: 'main' });
    this.layout = el('div', { className: 'layout' }, [this.sidebar, this.main]);
    const header = el('header', { className: 'topbar' }, [
      el('img', { attrs: { src: 'icon.svg', alt: '', width: 28, height: 28 } }),
      el('strong', { text: t('app.name') }),
      el('span', { className: 'me', text: session.self.name }),
      this.status,
      languageSwitch(storage),
      el('button', { className: 'link', text: t('menu.logout'), attrs: { type: 'button' }, on: { click: onLogout } }),
    ]);
    root.replaceChildren(el('div', { className: 'app' }, [header, this.layout]));
    this.conversationView = new ConversationView(this.main, {
      session, onBack: () => this.select(null),
    });
    this.unsubscribe = [
      session.on('change', (what) => this.onChange(what)),
      session.on('typing', (conv) => { if (conv === this.selected) this.conversationView.renderTyping(); }),
      session.on('status', () => this.renderStatus()),
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
  }

  renderStatus() {
    const { status } = this.session;
    this.status.textContent = status === 'offline' ? t('status.offline') : status === 'connecting' ? t('status.connecting') : '';
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

  newConversation() {
    this.layout.classList.add('show-conv');
    renderNewConversation(this.main, {
      session: this.session,
      onCreate: async (members, title) => this.select(await this.session.conversations.keys.create(members, title)),
      onCancel: () => this.select(this.selected),
    });
  }

  markReadIfVisible() {
    if (this.selected && document.visibilityState === 'visible') {
      this.session.conversations.markRead(this.selected);
    }
  }

  onChange(what) {
    if (what === this.selected) {
      this.conversationView.render({});
      this.markReadIfVisible();
    } else if (this.selected && (what === 'keys' || what === 'presence')) {
      this.conversationView.render({});
    }
    if (what === 'conversations' && this.selected && !this.session.conversations.get(this.selected)) {
      this.select(null);
      return;
    }
    this.renderList();
  }
}
