// Login and invite redemption. The invite code comes from the link's
// fragment (#invite=...), which browsers never send to the server.
import { language, LANGUAGES, setLanguage, t } from '../i18n/index.js';
import { el } from './dom.js';
import { errorText } from './format.js';

export const MIN_PASSWORD_LENGTH = 8;


export function languageSwitch(storage, testid = 'lang-switch') {
  const select = el('select', {
    className: 'lang', testid, attrs: { 'aria-label': t('lang.label') },
    on: { change: (event) => setLanguage(event.target.value, storage) },
  }, LANGUAGES.map((lang) => el('option', {
    text: lang === 'fr' ? 'Français' : 'English', attrs: { value: lang, selected: lang === language() },
  })));
  return select;
}

// Renders into `root`. `actions`: { login(user, password), register(code,
// password) } returning promises; `initial`: { user, invite, notice } where
// `notice` names why the last session ended (an error.* message).
export function renderLogin(root, { actions, initial, storage }) {
  let mode = initial.invite ? 'register' : 'login';
  let typed = null;  // the previous draw's name and code fields
  const draw = () => {
    const error = el('p', {
      className: 'form-error', testid: 'form-error', attrs: { role: 'alert' },
      text: initial.notice ? t(`error.${initial.notice}`) : '',
    });
    const busy = el('p', { className: 'form-busy', attrs: { 'aria-live': 'polite' } });
    const field = (label, input) => el('label', { className: 'field' }, [el('span', { text: label }), input]);
    const user = el('input', { testid: 'login-user', attrs: { name: 'user', autocomplete: 'username', autocapitalize: 'none', spellcheck: 'false', required: true, value: initial.user ?? '' } });
    const code = el('input', { testid: 'register-code', attrs: { name: 'code', autocomplete: 'off', spellcheck: 'false', required: true, value: initial.invite ?? '' } });
    const password = el('input', { testid: mode === 'login' ? 'login-password' : 'register-password', attrs: { name: 'password', type: 'password', required: true, autocomplete: mode === 'login' ? 'current-password' : 'new-password' } });
    const confirm = el('input', { testid: 'register-confirm', attrs: { name: 'confirm', type: 'password', required: true, autocomplete: 'new-password' } });
    // A redraw (language, login/invite switch) keeps the name and code typed.
    if (typed !== null) {
      user.value = typed.user.value;
      code.value = typed.code.value;
    }
    typed = { user, code };
    const submit = el('button', { className: 'primary', testid: mode === 'login' ? 'login-submit' : 'register-submit', text: t(mode === 'login' ? 'login.submit' : 'register.submit'), attrs: { type: 'submit' } });
    const fields = mode === 'login'
      ? [field(t('login.user'), user), field(t('login.password'), password)]
      : [el('p', { className: 'intro', text: t('register.intro') }), field(t('register.code'), code),
        field(t('register.password'), password), field(t('register.confirm'), confirm)];
    const form = el('form', {
      className: 'login-form',
      testid: 'login-form',
      attrs: { 'data-mode': mode },
      on: {
        submit: async (event) => {
          event.preventDefault();
          error.textContent = '';
          if (mode === 'register') {
            if (password.value.length < MIN_PASSWORD_LENGTH) { error.textContent = t('register.short'); return; }
            if (password.value !== confirm.value) { error.textContent = t('register.mismatch'); return; }
          }
          submit.disabled = true;
          busy.textContent = t(mode === 'login' ? 'login.working' : 'register.working');
          // Let the page paint the message before Argon2id takes the thread.
          await new Promise((resolve) => { setTimeout(resolve, 30); });
          try {
            if (mode === 'login') await actions.login(user.value.trim(), password.value);
            else await actions.register(code.value.trim(), password.value);
          } catch (failure) {
            error.textContent = errorText(failure);
            busy.textContent = '';
            submit.disabled = false;
          }
        },
      },
    }, [...fields, error, busy, submit]);
    const toggle = el('button', {
      className: 'link', testid: 'login-toggle', attrs: { type: 'button' },
      text: t(mode === 'login' ? 'register.have_invite' : 'register.have_account'),
      on: { click: () => { mode = mode === 'login' ? 'register' : 'login'; draw(); } },
    });
    root.replaceChildren(el('main', { className: 'login' }, [
      el('div', { className: 'login-card' }, [
        el('header', { className: 'login-header' }, [
          el('img', { attrs: { src: 'icon.svg', alt: '', width: 48, height: 48 } }),
          el('h1', { text: t('app.name') }),
          languageSwitch(storage),
        ]),
        el('h2', { text: t(mode === 'login' ? 'login.title' : 'register.title') }),
        form, toggle,
      ]),
    ]));
    (mode === 'login' && !user.value ? user : password).focus();
  };
  draw();
  return { redraw: draw };
}
