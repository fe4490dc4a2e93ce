// Wires the layers: crypto (libsodium), transport (MQTT over WebSockets),
// domain (Session), views. The gateway serves config.json beside this page:
// {"household": "<32 hex>", "mqtt_url": "wss://host:8884"}; without it the
// household comes from an invite code and the broker is assumed on this host.
import { ready } from './crypto/sodium.js';
import { initLanguage, onLanguageChange } from './i18n/index.js';
import { Session } from './domain/session.js';
import { wipeBrowserStorage } from './domain/wipe.js';
import { MqttTransport } from './transport/mqtt_transport.js';
import { workerIntervalTimer } from './transport/worker_timer.js';
import { renderLogin } from './ui/login_view.js';
import { ShellView } from './ui/shell_view.js';

const HOUSEHOLD_KEY = 'foyer:household';

function defaultMqttUrl() {
  const secure = window.location.protocol === 'https:';
  return `${secure ? 'wss' : 'ws'}://${window.location.hostname}:${secure ? 8884 : 9001}`;
}

async function loadConfig(storage) {
  let served = {};
  try {
    const response = await fetch('config.json', { cache: 'no-store' });
    if (response.ok) served = await response.json();
  } catch {
    served = {};
  }
  return {
    householdHex: typeof served.household === 'string' ? served.household : storage.getItem(HOUSEHOLD_KEY),
    mqttUrl: typeof served.mqtt_url === 'string' ? served.mqtt_url : defaultMqttUrl(),
  };
}

function inviteFromLocation() {
  const match = /(?:^#|&)invite=([A-Za-z0-9_-]+)/.exec(window.location.hash);
  return match ? match[1] : null;
}

async function main() {
  const root = document.getElementById('app');
  const storage = window.localStorage;
  document.documentElement.lang = initLanguage(storage, navigator.languages ?? [navigator.language]);
  await ready();
  const config = await loadConfig(storage);
  const transport = new MqttTransport({ timer: workerIntervalTimer('timer_worker.js') });
  const session = new Session({ transport, storage, config });
  let shell = null;
  let loginScreen = null;

  const showShell = () => {
    storage.setItem(HOUSEHOLD_KEY, config.householdHex);
    // The invite code is used up: drop it from the address bar and history.
    if (inviteFromLocation()) window.history.replaceState(null, '', window.location.pathname);
    loginScreen = null;
    shell = new ShellView(root, {
      session, storage, onLogout: () => logout(),
    });
  };
  const showLogin = () => {
    shell?.destroy();
    shell = null;
    loginScreen = renderLogin(root, {
      storage,
      initial: { user: storage.getItem('foyer:last-user'), invite: inviteFromLocation(), notice },
      actions: {
        login: async (user, password) => { await session.login(user, password); showShell(); },
        register: async (code, password) => { await session.register(code, password); showShell(); },
      },
    });
  };
  // Logout: take decrypted text off the screen, end the session (wipes keys
  // in memory), sweep storage, and load the page afresh so that nothing
  // decrypted survives in its memory. The login form is the fresh page's:
  // none is drawn in between, so nothing can be typed into a page that is
  // about to go away.
  let leaving = false;
  const logout = async () => {
    leaving = true;
    shell?.destroy();
    shell = null;
    root.replaceChildren();
    try {
      await session.logout();
    } finally {
      await wipeBrowserStorage(window);
      window.location.replace(window.location.pathname);
    }
  };
  let notice = null;
  session.on('ended', (reason) => { notice = reason; });
  session.on('status', (status) => {
    if (status === 'logged_out' && shell !== null && !leaving) showLogin();
  });
  onLanguageChange((lang) => {
    document.documentElement.lang = lang;
    if (shell !== null) {
      shell.destroy();
      showShell();
    } else {
      loginScreen?.redraw();
    }
  });
  window.addEventListener('pagehide', () => { if (session.self) session.logout(); });
  showLogin();
  // An invite link opened in a tab already showing Foyer changes only the
  // fragment: show the invite form.
  window.addEventListener('hashchange', () => {
    if (shell === null && inviteFromLocation()) showLogin();
  });
  // The service worker caches the app shell only (see sw.js).
  if ('serviceWorker' in navigator && window.isSecureContext) {
    navigator.serviceWorker.register('sw.js').catch(() => {});
  }
}

main();
