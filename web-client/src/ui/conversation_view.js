// One conversation: history with scroll-back, live messages, the outbox's
// pending and failed messages, read markers, typing, key warnings, composer.
import { t } from '../i18n/index.js';
import { el } from './dom.js';
import { formatDay, formatTime } from './format.js';

const SCROLL_BACK_THRESHOLD_PX = 80;

function messageNode(session, message, { pending = false, failed = false, onRetry = null } = {}) {
  const mine = message.from === session.self.name;
  if (message.type === 'refused') {
    return el('li', { className: 'notice', text: t('conv.refused', { name: message.from }) });
  }
  const body = message.type === 'text'
    ? el('p', { className: 'text', text: message.text })
    : el('p', { className: 'text unsupported', text: t('conv.unsupported') });
  const meta = [el('time', { text: formatTime(message.stime || message.ts) })];
  if (pending) meta.push(el('span', { className: 'state', text: t('conv.pending') }));
  if (failed) {
    meta.push(el('span', { className: 'state failed', text: t('conv.failed') }));
    meta.push(el('button', { className: 'link', text: t('conv.retry'), attrs: { type: 'button' }, on: { click: onRetry } }));
  }
  return el('li', {
    className: `message${mine ? ' mine' : ''}${pending ? ' pending' : ''}${failed ? ' failed' : ''}`,
    attrs: { 'data-seq': message.seq ?? null, 'data-cmid': message.cmid },
  }, [mine ? null : el('span', { className: 'sender', text: message.from }), body, el('div', { className: 'meta' }, meta)]);
}

export class ConversationView {
  constructor(root, { session, onBack }) {
    this.root = root;
    this.session = session;
    this.onBack = onBack;
    this.convId = null;
    this.loadingOlder = false;
  }

  open(convId) {
    this.convId = convId;
    this.build();
    this.render({ stickToBottom: true });
  }

  build() {
    const conv = this.session.conversations.get(this.convId);
    this.title = el('h2', { className: 'conv-title' });
    this.subtitle = el('p', { className: 'conv-subtitle' });
    this.warnings = el('div', { className: 'warnings' });
    this.list = el('ol', { className: 'messages', attrs: { 'aria-live': 'polite' } });
    this.scroller = el('div', { className: 'scroller', on: { scroll: () => this.onScroll() } }, [this.list]);
    this.typingLine = el('p', { className: 'typing', attrs: { 'aria-live': 'polite' } });
    this.error = el('p', { className: 'form-error', attrs: { role: 'alert' } });
    this.input = el('textarea', {
      attrs: { rows: 1, placeholder: t('conv.placeholder'), 'aria-label': t('conv.placeholder'), enterkeyhint: 'send' },
      on: {
        keydown: (event) => {
          if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
            event.preventDefault();
            this.send();
          }
        },
        input: () => {
          if (this.input.value.trim()) this.session.conversations.typing(this.convId);
        },
      },
    });
    const form = el('form', {
      className: 'composer', on: { submit: (event) => { event.preventDefault(); this.send(); } },
    }, [this.input, el('button', { className: 'primary', text: t('conv.send'), attrs: { type: 'submit' } })]);
    this.root.replaceChildren(
      el('header', { className: 'conv-header' }, [
        el('button', { className: 'back', text: `‹ ${t('conv.back')}`, attrs: { type: 'button' }, on: { click: this.onBack } }),
        el('div', {}, [this.title, this.subtitle]),
      ]),
      this.warnings, this.scroller, this.typingLine, this.error, form,
    );
    if (conv !== null) this.input.focus();
  }

  async send() {
    const text = this.input.value;
    if (!text.trim()) return;
    this.input.value = '';
    this.error.textContent = '';
    try {
      await this.session.conversations.sendText(this.convId, text);
    } catch (failure) {
      this.input.value = text;
      const key = `error.${failure.code}`;
      this.error.textContent = t(key) === key ? t('error.generic', { code: failure.code }) : t(key);
    }
    this.render({ stickToBottom: true });
  }

  async onScroll() {
    if (this.scroller.scrollTop > SCROLL_BACK_THRESHOLD_PX || this.loadingOlder) return;
    const conv = this.session.conversations.get(this.convId);
    if (conv === null || !conv.hasOlder) return;
    this.loadingOlder = true;
    const heightBefore = this.scroller.scrollHeight;
    try {
      await this.session.conversations.loadOlder(this.convId);
    } finally {
      this.loadingOlder = false;
    }
    this.render({ stickToBottom: false });
    // Keep the same messages under the eyes.
    this.scroller.scrollTop += this.scroller.scrollHeight - heightBefore;
  }

  renderWarnings(conv) {
    const items = this.session.directory.warnings().filter((warning) => conv.members.includes(warning.user));
    this.warnings.replaceChildren(...items.map((warning) => el('div', { className: 'warning', attrs: { role: 'alert' } }, [
      el('p', { text: t('keys.warning', { name: warning.user }) }),
      el('p', { className: 'fingerprint', text: warning.newFingerprint }),
      el('button', {
        text: t('keys.accept'), attrs: { type: 'button' },
        on: { click: () => { this.session.directory.acceptChange(warning.user); this.render({}); } },
      }),
    ])));
  }

  // Rebuilds the message list (at most a few hundred nodes).
  render({ stickToBottom = false }) {
    const { session } = this;
    const conv = session.conversations.get(this.convId);
    if (conv === null) return;
    const me = session.self.name;
    const atBottom = this.scroller.scrollHeight - this.scroller.scrollTop - this.scroller.clientHeight < 40;
    this.title.textContent = conv.displayName(me);
    const online = conv.members.filter((m) => m !== me && session.presence.get(m)?.state === 'online');
    this.subtitle.textContent = [t('conv.members', { count: conv.members.length }),
      ...online.map((name) => `${name} · ${t('conv.online')}`)].join(' — ');
    this.renderWarnings(conv);
    const nodes = [];
    nodes.push(el('li', { className: 'notice', text: conv.hasOlder ? t('conv.older') : t('conv.start') }));
    let day = '';
    for (const message of conv.sortedMessages()) {
      const messageDay = formatDay(message.stime || message.ts);
      if (messageDay !== day) {
        day = messageDay;
        nodes.push(el('li', { className: 'day', text: day }));
      }
      nodes.push(messageNode(session, message));
    }
    const readers = [...conv.readBy.entries()].filter(([, seq]) => seq >= conv.newestSeq() && conv.newestSeq() > 0).map(([name]) => name);
    if (readers.length > 0 && conv.lastMessage()?.from === me) {
      nodes.push(el('li', { className: 'read-by', text: t('conv.read_by', { names: readers.join(', ') }) }));
    }
    for (const entry of session.outbox.forConversation(conv.id)) {
      nodes.push(messageNode(session, {
        from: me, cmid: entry.cmid, ts: entry.ts, type: 'text', text: entry.text,
      }, {
        pending: entry.state === 'pending', failed: entry.state === 'failed',
        onRetry: () => session.conversations.retry(entry.cmid),
      }));
    }
    this.list.replaceChildren(...nodes);
    this.renderTyping();
    if (stickToBottom || atBottom) this.scroller.scrollTop = this.scroller.scrollHeight;
  }

  renderTyping() {
    const conv = this.session.conversations.get(this.convId);
    const peers = conv ? conv.typingPeers(this.session.now()) : [];
    if (peers.length === 0) this.typingLine.textContent = '';
    else if (peers.length === 1) this.typingLine.textContent = t('conv.typing_one', { name: peers[0] });
    else this.typingLine.textContent = t('conv.typing_many', { names: peers.join(', ') });
  }
}
