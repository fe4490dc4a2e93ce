// The list of conversations: name, last message, time, unread count.
import { t } from '../i18n/index.js';
import { el } from './dom.js';
import { formatListTime } from './format.js';

function preview(session, conv) {
  const last = conv.lastMessage();
  if (last === null) return t('list.no_message');
  const who = last.from === session.self.name ? t('list.you') : last.from;
  if (last.type === 'refused') return t('conv.refused', { name: last.from });
  if (last.type === 'file') return `${who}: 📎 ${last.file.name}`;
  if (last.type !== 'text') return `${who}: ${t('conv.unsupported')}`;
  return `${who}: ${last.text.replace(/\s+/g, ' ')}`;
}

// Draws the list into `root`; `selected` is the open conversation's id.
export function renderConversationList(root, { session, selected, onSelect, onNew }) {
  const me = session.self.name;
  const items = session.conversations.list().map((conv) => {
    const unread = conv.unreadCount(me);
    const last = conv.lastMessage();
    return el('li', {}, [el('button', {
      testid: 'conv-item',
      className: `conv-item${conv.id === selected ? ' selected' : ''}${unread > 0 ? ' unread' : ''}`,
      attrs: { type: 'button', 'data-conv': conv.id, 'aria-current': conv.id === selected ? 'true' : null },
      on: { click: () => onSelect(conv.id) },
    }, [
      el('span', { className: 'conv-name', testid: 'conv-name', text: conv.displayName(me) }),
      el('span', { className: 'conv-time', testid: 'conv-time', text: last ? formatListTime(last.stime || last.ts) : '' }),
      el('span', { className: 'conv-preview', testid: 'conv-preview', text: preview(session, conv) }),
      unread > 0 ? el('span', {
        className: 'badge', testid: 'unread-badge', text: `${unread}${conv.unreadMore() ? '+' : ''}`,
        attrs: { 'aria-label': t('list.unread', { count: unread }) },
      }) : null,
    ])]);
  });
  root.replaceChildren(
    el('div', { className: 'list-header' }, [
      el('h2', { text: t('list.title') }),
      el('button', { className: 'primary small', testid: 'new-conv', text: t('list.new'), attrs: { type: 'button' }, on: { click: onNew } }),
    ]),
    items.length > 0 ? el('ul', { className: 'conv-list', testid: 'conv-list' }, items)
      : el('ul', { className: 'conv-list', testid: 'conv-list' }, [el('li', { className: 'empty', text: t('list.empty') })]),
  );
}

// A dialog to start a conversation with some of the household's people.
export function renderNewConversation(root, { session, onCreate, onCancel }) {
  const me = session.self.name;
  const people = [...session.users.keys()].filter((name) => name !== me).sort();
  const error = el('p', { className: 'form-error', testid: 'form-error', attrs: { role: 'alert' } });
  const boxes = people.map((name) => el('input', { testid: 'new-conv-member', attrs: { type: 'checkbox', value: name } }));
  const title = el('input', { testid: 'new-conv-title', attrs: { name: 'title', maxlength: 100 } });
  const form = el('form', {
    className: 'new-conv',
    testid: 'new-conv-form',
    on: {
      submit: async (event) => {
        event.preventDefault();
        const members = boxes.filter((box) => box.checked).map((box) => box.value);
        if (members.length === 0) { error.textContent = t('new.pick'); return; }
        try {
          await onCreate(members, title.value.trim());
        } catch (failure) {
          error.textContent = t(`error.${failure.code}`) === `error.${failure.code}` ? t('error.generic', { code: failure.code }) : t(`error.${failure.code}`);
        }
      },
    },
  }, [
    el('h2', { text: t('new.title') }),
    el('fieldset', {}, [el('legend', { text: t('new.members') }),
      ...people.map((name, i) => el('label', { className: 'check' }, [boxes[i], el('span', { text: name })]))]),
    el('label', { className: 'field' }, [el('span', { text: t('new.name') }), title]),
    error,
    el('div', { className: 'actions' }, [
      el('button', { testid: 'new-conv-cancel', text: t('new.cancel'), attrs: { type: 'button' }, on: { click: onCancel } }),
      el('button', { className: 'primary', testid: 'new-conv-create', text: t('new.create'), attrs: { type: 'submit' } }),
    ]),
  ]);
  root.replaceChildren(form);
}
