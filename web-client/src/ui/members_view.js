// A conversation's members: rename, add (history shared), remove (a new key
// for those who stay), leave, and each member's presence and safety number.
import { t } from '../i18n/index.js';
import { el, openDialog } from './dom.js';
import { errorText, presenceText } from './format.js';
import { openSafetyView } from './safety_view.js';

// A destructive button that asks first: a click shows "<confirmText>" with a
// `<testid>-confirm` button (and `<testid>-cancel`) beside it. `asking` (a Set
// kept by the dialog) remembers open questions by `key` across redraws.
function confirmButton({
  testid, key, asking, text, confirmText, action,
}) {
  const holder = el('span', { className: 'confirm' });
  const ask = el('button', {
    className: 'small danger', testid, text, attrs: { type: 'button' },
    on: { click: () => { asking.add(key); question(); } },
  });
  function question() {
    holder.replaceChildren(
      el('span', { className: 'confirm-text', text: confirmText }),
      el('button', {
        className: 'small danger', testid: `${testid}-confirm`, text: t('dialog.confirm'), attrs: { type: 'button' },
        on: { click: () => { asking.delete(key); action(); } },
      }),
      el('button', {
        className: 'small', testid: `${testid}-cancel`, text: t('new.cancel'), attrs: { type: 'button' },
        on: { click: () => { asking.delete(key); holder.replaceChildren(ask); } },
      }),
    );
  }
  if (asking.has(key)) question();
  else holder.append(ask);
  return holder;
}

export function openMembersDialog(session, convId, { onLeft }) {
  const conversations = session.conversations;
  const me = session.self.name;
  const error = el('p', { className: 'form-error', testid: 'form-error', attrs: { role: 'alert' } });
  const body = el('div', { className: 'members-body' });
  const asking = new Set();  // confirmations on screen (survive redraws)
  let handle = null;

  const run = async (action) => {
    error.textContent = '';
    try {
      await action();
    } catch (failure) {
      error.textContent = errorText(failure);
    }
    draw();
  };

  function memberRow(conv, name) {
    const status = session.directory?.status(name);
    const badges = [];
    if (status?.changed) badges.push(el('span', { className: 'tag warn', text: t('members.key_changed') }));
    else if (status?.verified) badges.push(el('span', { className: 'tag ok', text: `✓ ${t('members.verified')}` }));
    return el('li', { className: 'member', testid: 'member', attrs: { 'data-user': name } }, [
      el('span', { className: 'member-name', text: name === me ? `${name} (${t('list.you')})` : name }),
      el('span', { className: 'member-presence', text: name === me ? '' : presenceText(session.presence.get(name)) }),
      ...badges,
      el('span', { className: 'member-actions' }, [
        el('button', {
          className: 'small', testid: 'safety-open', text: t('members.safety'), attrs: { type: 'button' },
          on: { click: () => openSafetyView(session, name) },
        }),
        name === me ? null : confirmButton({
          testid: 'member-remove', key: `remove:${name}`, asking, text: t('members.remove'), confirmText: t('members.remove_confirm', { name }),
          action: () => run(() => conversations.keys.removeMember(conv.id, name)),
        }),
      ]),
    ]);
  }

  function draw() {
    const conv = conversations.get(convId);
    if (conv === null) {
      handle?.close();
      return;
    }
    const candidates = [...session.users.keys()].filter((name) => !conv.members.includes(name)).sort();
    const select = el('select', { testid: 'member-add-select', attrs: { 'aria-label': t('members.add_label') } },
      candidates.map((name) => el('option', { text: name, attrs: { value: name } })));
    const title = el('input', {
      testid: 'rename-input',
      attrs: {
        value: conv.title ?? '', maxlength: 100, 'aria-label': t('members.rename_label'), placeholder: t('members.rename_label'),
      },
    });
    // (replaceChildren would show a null as the text "null")
    body.replaceChildren(...[
      el('form', {
        className: 'inline-form',
        on: { submit: (event) => { event.preventDefault(); run(() => conversations.keys.rename(conv.id, title.value.trim())); } },
      }, [title, el('button', { testid: 'rename-submit', text: t('members.rename'), attrs: { type: 'submit' } })]),
      el('h3', { text: t('conv.members', { count: conv.members.length }) }),
      el('ul', { className: 'member-list' }, [...conv.members].sort().map((name) => memberRow(conv, name))),
      candidates.length > 0 ? el('form', {
        className: 'inline-form',
        on: { submit: (event) => { event.preventDefault(); run(() => conversations.keys.addMember(conv.id, select.value)); } },
      }, [select, el('button', { testid: 'member-add', text: t('members.add'), attrs: { type: 'submit' } })]) : null,
    ].filter(Boolean));
  }

  const off = session.on('change', (what) => {
    if (what === convId || what === 'keys' || what === 'presence' || what === 'users') draw();
  });
  handle = openDialog({
    testid: 'members-dialog', className: 'members', label: t('members.title'), onClose: off,
  }, [
    el('h2', { text: t('members.title') }),
    body,
    error,
    el('div', { className: 'actions' }, [
      confirmButton({
        testid: 'conv-leave', key: 'leave', asking, text: t('members.leave'), confirmText: t('members.leave_confirm'),
        action: () => run(async () => {
          await conversations.keys.leave(convId);
          handle.close();
          onLeft?.();
        }),
      }),
      el('button', {
        testid: 'members-close', text: t('dialog.close'), attrs: { type: 'button' }, on: { click: () => handle.close() },
      }),
    ]),
  ]);
  draw();
  session.refreshUsers().catch(() => {});  // people invited since login
  return handle;
}
