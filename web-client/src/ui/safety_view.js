// A contact's safety number: the fingerprint of his keys as 60 digits and as
// a QR code, a way to mark it verified, and, when the server announced other
// keys, a warning that blocks their use until the person accepts them.
import { safetyPayload } from '../domain/key_directory.js';
import { t } from '../i18n/index.js';
import { el, openDialog } from './dom.js';
import { qrSvg } from './qr.js';

// "12345 67890 ..." -> three lines of four groups.
function digitLines(fingerprintText) {
  const groups = fingerprintText.split(' ');
  const lines = [];
  for (let i = 0; i < groups.length; i += 4) lines.push(groups.slice(i, i + 4).join(' '));
  return lines;
}

function digitsNode(fingerprintText, testid) {
  return el('p', {
    className: 'fingerprint safety-digits', testid, attrs: { 'data-digits': fingerprintText },
  }, digitLines(fingerprintText).map((line) => el('span', { text: line })));
}

// The changed-key warning (also shown in conversations).
export function keyWarning(session, user, onAccepted) {
  const status = session.directory.status(user);
  return el('div', { className: 'warning key-warning', testid: 'key-warning', attrs: { role: 'alert', 'data-user': user } }, [
    el('p', { text: t('keys.warning', { name: user }) }),
    el('p', { className: 'muted', text: t('safety.new_number') }),
    status?.changed ? digitsNode(status.changed, 'key-warning-number') : null,
    el('button', {
      testid: 'key-accept', text: t('keys.accept'), attrs: { type: 'button' },
      on: {
        click: () => {
          session.acceptKey(user);
          onAccepted?.();
        },
      },
    }),
  ]);
}

export function openSafetyView(session, user) {
  const body = el('div', { className: 'safety-body' });
  const draw = () => {
    const status = session.directory.status(user);
    if (status === null) {
      body.replaceChildren(el('p', { text: t('safety.unknown', { name: user }) }));
      return;
    }
    const me = session.directory.status(session.self.name);
    // (replaceChildren would show a null as the text "null")
    body.replaceChildren(...[
      status.changed ? keyWarning(session, user, draw) : null,
      el('p', { className: 'muted', text: t('safety.explain', { name: user }) }),
      digitsNode(status.fingerprint, 'safety-number'),
      qrSvg(safetyPayload(user, status.fingerprint), { label: t('safety.qr', { name: user }), testid: 'safety-qr' }),
      status.verified
        ? el('p', { className: 'verified', testid: 'verified-badge', text: `✓ ${t('safety.verified', { name: user })}` })
        : el('p', { className: 'muted', text: t('safety.not_verified') }),
      el('button', {
        className: status.verified ? '' : 'primary',
        testid: 'verify-button',
        text: status.verified ? t('safety.unverify') : t('safety.verify'),
        attrs: { type: 'button', 'data-verified': String(status.verified), disabled: status.changed !== null },
        on: { click: () => { session.directory.setVerified(user, !status.verified); draw(); } },
      }),
      me ? el('details', { className: 'own-number' }, [
        el('summary', { text: t('safety.yours') }),
        digitsNode(me.fingerprint, 'own-safety-number'),
      ]) : null,
    ].filter(Boolean));
  };
  const off = session.on('change', (what) => { if (what === 'keys') draw(); });
  let handle = null;
  handle = openDialog({
    testid: 'safety-view', className: 'safety', label: t('safety.title', { name: user }), onClose: off,
  }, [
    el('h2', { text: t('safety.title', { name: user }) }),
    body,
    el('div', { className: 'actions' }, [el('button', {
      testid: 'safety-close', text: t('dialog.close'), attrs: { type: 'button' }, on: { click: () => handle.close() },
    })]),
  ]);
  handle.dialog.dataset.user = user;
  draw();
  return handle;
}
