// One conversation: history with scroll-back, live messages, the outbox's
// pending and failed messages, replies, delivery and read markers, typing,
// presence, key warnings, the members dialog and the composer.
import { t } from '../i18n/index.js';
import {
  AttachmentUrls, attachControls, fileMessageBody, uploadErrorText,
} from './attachment_view.js';
import { el } from './dom.js';
import { formatDay, formatTime, errorText, presenceText } from './format.js';
import { openMembersDialog } from './members_view.js';
import { keyWarning } from './safety_view.js';

const SCROLL_BACK_THRESHOLD_PX = 80;
const QUOTE_LENGTH = 120;

function shorten(text) {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > QUOTE_LENGTH ? `${flat.slice(0, QUOTE_LENGTH)}…` : flat;
}

// The line quoting the message a reply answers (or saying it is not loaded).
function quoteNode(conv, replyTo) {
  const original = conv.findByCmid(replyTo);
  let text = t('conv.unsupported');
  if (original === null) text = t('conv.reply_missing');
  else if (original.type === 'text') text = shorten(original.text);
  else if (original.type === 'file') text = `📎 ${shorten(original.file.name)}`;
  return el('blockquote', { className: 'quote', testid: 'message-quote', attrs: { 'data-cmid': replyTo } }, [
    original ? el('span', { className: 'quote-from', text: original.from }) : null,
    el('span', { className: 'quote-text', text }),
  ]);
}

const STATUS_MARK = {
  pending: '🕓', failed: '!', delivered: '✓', read: '✓✓',
};

function statusNode(state, readers) {
  const label = state === 'read' && readers.length > 0
    ? t('conv.read_by', { names: readers.join(', ') }) : t(`status.${state}`);
  return el('span', {
    className: `state ${state}`, testid: 'message-status', text: STATUS_MARK[state],
    attrs: { 'data-state': state, title: label, 'aria-label': label },
  });
}

export class ConversationView {
  constructor(root, { session, onBack }) {
    this.root = root;
    this.session = session;
    this.onBack = onBack;
    this.convId = null;
    this.loadingOlder = false;
    this.replyTo = null;  // cmid of the message being answered
    this.urls = new AttachmentUrls();  // object URLs of the files shown
    this.drafts = new Map();  // conversation id -> text typed and not sent
  }

  // Keeps the text being typed in the conversation shown (for when it is
  // opened again: another conversation, the admin page, a new one).
  saveDraft() {
    if (this.convId === null || !this.input) return;
    if (this.input.value) this.drafts.set(this.convId, this.input.value);
    else this.drafts.delete(this.convId);
  }

  open(convId) {
    this.saveDraft();
    this.urls.revokeAll();
    this.convId = convId;
    this.replyTo = null;
    this.build();
    this.input.value = this.drafts.get(convId) ?? '';
    this.render({ stickToBottom: true });
  }

  messageNode(conv, message, { pending = false, failed = false, onRetry = null } = {}) {
    const { session } = this;
    const me = session.self.name;
    const mine = message.from === me;
    if (message.type === 'refused') {
      return el('li', { className: 'notice', testid: 'refused-message', text: t('conv.refused', { name: message.from }) });
    }
    let body = el('p', { className: 'text unsupported', testid: 'message-text', text: t('conv.unsupported') });
    if (message.type === 'text') body = el('p', { className: 'text', testid: 'message-text', text: message.text });
    else if (message.type === 'file') body = fileMessageBody(session, conv.id, message, this.urls);
    const meta = [el('time', { testid: 'message-time', text: formatTime(message.stime || message.ts) })];
    if (mine) {
      let state = pending ? 'pending' : 'delivered';
      if (failed) state = 'failed';
      else if (!pending) state = conv.receiptState(message.seq, me);
      meta.push(statusNode(state, pending || failed ? [] : conv.readersOf(message.seq, me)));
    }
    if (failed) {
      meta.push(el('span', { className: 'state failed', text: t('conv.failed') }));
      meta.push(el('button', {
        className: 'link', testid: 'retry', text: t('conv.retry'), attrs: { type: 'button' }, on: { click: onRetry },
      }));
    }
    if (!pending && !failed && (message.type === 'text' || message.type === 'file')) {
      meta.push(el('button', {
        className: 'link reply-button', testid: 'reply', text: t('conv.reply'),
        attrs: { type: 'button', 'aria-label': t('conv.reply_to', { name: message.from }) },
        on: { click: () => this.startReply(message.cmid) },
      }));
    }
    return el('li', {
      className: `message${mine ? ' mine' : ''}${pending ? ' pending' : ''}${failed ? ' failed' : ''}`,
      testid: 'message',
      attrs: {
        'data-seq': message.seq ?? null, 'data-cmid': message.cmid, 'data-from': message.from, 'data-mine': String(mine),
      },
    }, [
      mine ? null : el('span', { className: 'sender', testid: 'message-sender', text: message.from }),
      message.replyTo ? quoteNode(conv, message.replyTo) : null,
      body,
      el('div', { className: 'meta' }, meta),
    ]);
  }

  build() {
    const conv = this.session.conversations.get(this.convId);
    this.title = el('h2', { className: 'conv-title', testid: 'conv-title' });
    this.subtitle = el('p', { className: 'conv-subtitle', testid: 'conv-subtitle' });
    this.warnings = el('div', { className: 'warnings' });
    this.list = el('ol', { className: 'messages', attrs: { 'aria-live': 'polite' } });
    this.scroller = el('div', { className: 'scroller', testid: 'message-list', on: { scroll: () => this.onScroll() } }, [this.list]);
    this.typingLine = el('p', { className: 'typing', testid: 'typing-indicator', attrs: { 'aria-live': 'polite' } });
    this.error = el('p', { className: 'form-error', testid: 'form-error', attrs: { role: 'alert' } });
    this.replyLine = el('div', { className: 'reply-line' });
    this.input = el('textarea', {
      testid: 'composer-input',
      attrs: { rows: 1, placeholder: t('conv.placeholder'), 'aria-label': t('conv.placeholder'), enterkeyhint: 'send' },
      on: {
        keydown: (event) => {
          if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
            event.preventDefault();
            this.send();
          } else if (event.key === 'Escape' && this.replyTo) {
            this.startReply(null);
          }
        },
        input: () => {
          if (this.input.value.trim()) this.session.conversations.typing(this.convId);
        },
      },
    });
    const attach = attachControls((files) => this.sendFiles(files));
    this.uploadLine = el('p', { className: 'upload-progress muted', testid: 'upload-progress', attrs: { 'aria-live': 'polite' } });
    this.composer = el('form', {
      className: 'composer', testid: 'composer',
      on: {
        submit: (event) => { event.preventDefault(); this.send(); },
        paste: (event) => {
          const files = [...(event.clipboardData?.files ?? [])];
          if (files.length > 0) {
            event.preventDefault();
            this.sendFiles(files);
          }
        },
      },
    }, [attach.input, attach.button, this.input, el('button', { className: 'primary', testid: 'send-button', text: t('conv.send'), attrs: { type: 'submit' } })]);
    this.root.replaceChildren(el('div', { className: 'conv-view', testid: 'conv-view', attrs: { 'data-conv': this.convId } }, [
      el('header', { className: 'conv-header' }, [
        el('button', { className: 'back', testid: 'back', text: `‹ ${t('conv.back')}`, attrs: { type: 'button' }, on: { click: this.onBack } }),
        el('div', { className: 'conv-heading' }, [this.title, this.subtitle]),
        el('button', {
          className: 'small', testid: 'members-open', text: t('members.open'), attrs: { type: 'button' },
          on: { click: () => openMembersDialog(this.session, this.convId, { onLeft: this.onBack }) },
        }),
      ]),
      this.warnings, this.scroller, this.typingLine, this.error, this.uploadLine, this.replyLine, this.composer,
    ]));
    // Files dropped anywhere on the conversation are sent.
    const view = this.root.firstElementChild;
    view.addEventListener('dragover', (event) => {
      if (event.dataTransfer?.types?.includes('Files')) event.preventDefault();
    });
    view.addEventListener('drop', (event) => {
      const files = [...(event.dataTransfer?.files ?? [])];
      if (files.length === 0) return;
      event.preventDefault();
      this.sendFiles(files);
    });
    if (conv !== null) this.input.focus();
  }

  // Answers `cmid` with the next message (null: no reply).
  startReply(cmid) {
    this.replyTo = cmid;
    const conv = this.session.conversations.get(this.convId);
    if (cmid === null || conv === null) {
      this.replyLine.replaceChildren();
      return;
    }
    this.replyLine.replaceChildren(el('div', { className: 'reply-preview', testid: 'reply-preview' }, [
      el('span', { className: 'muted', text: t('conv.replying') }),
      quoteNode(conv, cmid),
      el('button', {
        className: 'link', testid: 'reply-cancel', text: t('new.cancel'), attrs: { type: 'button' },
        on: { click: () => this.startReply(null) },
      }),
    ]));
    this.input.focus();
  }

  async send() {
    const text = this.input.value;
    if (!text.trim()) return;
    const { replyTo } = this;
    this.input.value = '';
    this.error.textContent = '';
    this.startReply(null);
    try {
      await this.session.conversations.sendText(this.convId, text, replyTo);
    } catch (failure) {
      this.input.value = text;
      this.startReply(replyTo);
      this.error.textContent = errorText(failure);
    }
    this.render({ stickToBottom: true });
  }

  // Encrypts, uploads and shares each file in turn, with a progress line;
  // the text being typed stays for the next message.
  async sendFiles(files) {
    const convId = this.convId;
    this.error.textContent = '';
    for (const file of files) {
      const name = file.name || 'file';
      const onProgress = (sent, total) => {
        this.uploadLine.textContent = t('file.uploading', { name, percent: Math.floor((100 * sent) / total) });
      };
      try {
        const max = this.session.files.maxFileBytes;
        if (max !== null && file.size > max) {
          throw Object.assign(new Error('file_too_large'), { code: 'file_too_large', maxBytes: max });
        }
        onProgress(0, 1);
        const bytes = new Uint8Array(await file.arrayBuffer());
        await this.session.conversations.sendFile(convId, { name, mime: file.type, bytes }, { onProgress });
      } catch (failure) {
        this.error.textContent = `${name}: ${uploadErrorText(failure) ?? errorText(failure)}`;
      }
      this.uploadLine.textContent = '';
      if (this.convId === convId) this.render({ stickToBottom: true });
    }
  }

  async onScroll() {
    if (this.scroller.scrollTop > SCROLL_BACK_THRESHOLD_PX || this.loadingOlder) return;
    const conv = this.session.conversations.get(this.convId);
    if (conv === null || !conv.hasOlder) return;
    this.loadingOlder = true;
    const heightBefore = this.scroller.scrollHeight;
    const topBefore = this.scroller.scrollTop;
    try {
      await this.session.conversations.loadOlder(this.convId);
    } catch {
      // Offline: scrolling tries again in a few seconds.
      setTimeout(() => { this.loadingOlder = false; }, 5000);
      return;
    }
    this.loadingOlder = false;
    this.render({ stickToBottom: false });
    // Keep the same messages under the eyes.
    this.scroller.scrollTop = topBefore + this.scroller.scrollHeight - heightBefore;
  }

  renderWarnings(conv) {
    const items = this.session.directory.warnings().filter((warning) => conv.members.includes(warning.user));
    this.warnings.replaceChildren(...items.map((warning) => keyWarning(this.session, warning.user, () => this.render({}))));
  }

  renderPresence(conv) {
    const { session } = this;
    const me = session.self.name;
    const others = conv.members.filter((member) => member !== me).sort();
    const parts = [el('span', { text: t('conv.members', { count: conv.members.length }) })];
    for (const name of others.slice(0, 5)) {
      const presence = session.presence.get(name);
      parts.push(el('span', {
        className: `presence ${presence?.state ?? 'unknown'}`, testid: 'presence',
        text: `${name}: ${presenceText(presence) || t('presence.unknown')}`,
        attrs: { 'data-user': name, 'data-state': presence?.state ?? 'unknown' },
      }));
    }
    this.subtitle.replaceChildren(...parts);
  }

  // Several changes in a burst (a message, its read marker, presence...)
  // cost one render, at the next frame.
  scheduleRender() {
    if (this.renderPending) return;
    this.renderPending = true;
    requestAnimationFrame(() => {
      this.renderPending = false;
      this.render({});
    });
  }

  // Rebuilds the message list (at most a few hundred nodes).
  render({ stickToBottom = false }) {
    const { session } = this;
    const conv = session.conversations.get(this.convId);
    if (conv === null) return;
    const me = session.self.name;
    const atBottom = this.scroller.scrollHeight - this.scroller.scrollTop - this.scroller.clientHeight < 40;
    this.title.textContent = conv.displayName(me);
    this.renderPresence(conv);
    this.renderWarnings(conv);
    const nodes = [];
    nodes.push(el('li', {
      className: 'notice', testid: conv.hasOlder ? 'history-more' : 'history-start', text: conv.hasOlder ? t('conv.older') : t('conv.start'),
    }));
    let day = '';
    for (const message of conv.sortedMessages()) {
      const messageDay = formatDay(message.stime || message.ts);
      if (messageDay !== day) {
        day = messageDay;
        nodes.push(el('li', { className: 'day', text: day }));
      }
      nodes.push(this.messageNode(conv, message));
    }
    for (const entry of session.outbox.forConversation(conv.id)) {
      nodes.push(this.messageNode(conv, {
        from: me, cmid: entry.cmid, ts: entry.ts, type: entry.file ? 'file' : 'text', file: entry.file, text: entry.text, replyTo: entry.replyTo,
      }, {
        pending: entry.state === 'pending', failed: entry.state === 'failed',
        onRetry: () => session.conversations.retry(entry.cmid),
      }));
    }
    this.list.replaceChildren(...nodes);
    this.renderTyping();
    if (stickToBottom || atBottom) this.scroller.scrollTop = this.scroller.scrollHeight;
    // Short history: fill the screen by loading older pages.
    if (conv.hasOlder && this.scroller.scrollHeight <= this.scroller.clientHeight) this.onScroll();
  }

  renderTyping() {
    const conv = this.session.conversations.get(this.convId);
    const peers = conv ? conv.typingPeers(this.session.now()) : [];
    if (peers.length === 0) this.typingLine.textContent = '';
    else if (peers.length === 1) this.typingLine.textContent = t('conv.typing_one', { name: peers[0] });
    else this.typingLine.textContent = t('conv.typing_many', { names: peers.join(', ') });
  }
}
