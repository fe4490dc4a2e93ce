// A conversation's members: rename, add (history shared), remove (a new key
// for those who stay), leave, and each member's presence and safety number.
import { t } from '../i18n/index.js';
import { el, openDialog } from './dom.js';
import { errorText, presenceText } from './format.js';
import { openSafetyView } from './safety_view.js';

// Makes `select` offer `values` (in order) while keeping the option the
// person picked, if it is still offered; untouched when nothing changed.
export function syncOptions(select, values) {
  const current = [...select.options].map((option) => option.value);
  if (current.length === values.length && current.every((value, i) => value === values[i])) return;
  const picked = select.value;
  select.replaceChildren(...values.map((value) => el('option', { text: value, attrs: { value } })));
  if (values.includes(picked)) select.value = picked;
}

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
  const asking = new Set();  // confirmations on screen (survive redraws)
  let handle = null;

  // Returns whether the action succeeded.
  const run = async (action) => {
    error.textContent = '';
    let done = false;
    try {
      await action();
      done = true;
    } catch (failure) {
      error.textContent = errorText(failure);
    }
    draw();
    return done;
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

  // The input controls are made once: a redraw (presence, keys, people,
  // the conversation) updates the list around them and never replaces
  // them, so what someone is typing or has picked stays.
  let titleEdited = false;  // the rename field holds the person's own text
  const title = el('input', {
    testid: 'rename-input',
    attrs: { maxlength: 100, 'aria-label': t('members.rename_label'), placeholder: t('members.rename_label') },
    on: { input: () => { titleEdited = true; } },
  });
  const renameForm = el('form', {
    className: 'inline-form',
    on: {
      submit: async (event) => {
        event.preventDefault();
        const wanted = title.value.trim();
        if (await run(() => conversations.keys.rename(convId, wanted))) {
          if (title.value.trim() === wanted) titleEdited = false;
          draw();
        }
      },
    },
  }, [title, el('button', { testid: 'rename-submit', text: t('members.rename'), attrs: { type: 'submit' } })]);
  const count = el('h3');
  const list = el('ul', { className: 'member-list' });
  const select = el('select', { testid: 'member-add-select', attrs: { 'aria-label': t('members.add_label') } });
  const addForm = el('form', {
    className: 'inline-form',
    on: {
      submit: (event) => {
        event.preventDefault();
        const name = select.value;
        if (name) run(() => conversations.keys.addMember(convId, name));
      },
    },
  }, [select, el('button', { testid: 'member-add', text: t('members.add'), attrs: { type: 'submit' } })]);
  const body = el('div', { className: 'members-body' }, [renameForm, count, list, addForm]);

  function draw() {
    const conv = conversations.get(convId);
    if (conv === null) {
      handle?.close();
      return;
    }
    if (!titleEdited) title.value = conv.title ?? '';
    count.textContent = t('conv.members', { count: conv.members.length });
    list.replaceChildren(...[...conv.members].sort().map((name) => memberRow(conv, name)));
    const candidates = [...session.users.keys()].filter((name) => !conv.members.includes(name)).sort();
    syncOptions(select, candidates);
    addForm.hidden = candidates.length === 0;
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
