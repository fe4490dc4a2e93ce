// Browser end-to-end, security (issues 4 and 7): the gateway's CSP is in
// force (header, and an injected inline script is blocked); a corpus of XSS
// payloads as message text and conversation titles shows as plain text and
// runs nothing, checked in Chromium with a `securitypolicyviolation` listener
// under the CSP AND a script-side flag (`window.__pwned`) in a context that
// bypasses the CSP, so that the flag alone would catch an HTML sink; keys and
// the password never land in any browser storage in clear (hex or base64),
// and logout leaves neither keys nor decrypted text behind.
import { deriveLogin } from '../../src/crypto/login.js';
import { fromHex, ready } from '../../src/crypto/sodium.js';
import { Session } from '../../src/domain/session.js';
import { MqttTransport } from '../../src/transport/mqtt_transport.js';
import { MemoryStorage } from '../fake_server.js';
import {
  DESKTOP, FoyerSystem, PHONE, assert, openPerson, runSteps, screenshot, sleep, violations,
} from './system.js';
import {
  SEL, conversationItem, login, logout, openConversation, redeem, send, waitForMessage,
} from './ui.js';

const system = new FoyerSystem('security');
const PASSWORDS = { alice: 'alice secret passphrase', bob: 'bob secret passphrase' };
let alice;  // under the CSP
let bob;    // CSP bypassed: only the page's own care stops a payload

// Every payload sets window.__pwned if it ever runs as script.
export const XSS = [
  '<img src=x onerror="window.__pwned=1">',
  '<script>window.__pwned=2</script>',
  '<a href="javascript:window.__pwned=3">click me</a>',
  'javascript:window.__pwned=4',
  '<svg onload="window.__pwned=5"><circle r=9></svg>',
  '"><img src=x onerror=window.__pwned=6>',
  "'><svg/onload=window.__pwned=7>",
  '</textarea><script>window.__pwned=8</script>',
  '<iframe src="javascript:top.__pwned=9"></iframe>',
  '<details open ontoggle=window.__pwned=10>x</details>',
  '<input autofocus onfocus=window.__pwned=11>',
  '<body onload=window.__pwned=12>',
  '<math><mtext><table><mglyph><style><img src=x onerror=window.__pwned=13>',
  '<style>*{background:url("javascript:window.__pwned=14")}</style>',
  '&lt;img src=x onerror=window.__pwned=15&gt; &#60;script&#62;',
  '\u202e<img src=x onerror=window.__pwned=16>\u202c',
  '＜script＞window.__pwned=17＜/script＞',
  '<scr\u200bipt>window.__pwned=18</scr\u200bipt>',
  '{{constructor.constructor("window.__pwned=19")()}} ${window.__pwned=20}',
  '<object data="javascript:window.__pwned=21"></object><embed src=x onerror=window.__pwned=22>',
  '<a href="&#106;avascript:window.__pwned=23">x</a><form action="javascript:window.__pwned=24"><button>go',
];
const TITLES = [
  '<img src=x onerror="window.__pwned=101">',
  '"><svg onload=window.__pwned=102>',
  '<script>window.__pwned=103</script>',
];
const FROM_BROWSER = [
  '<img src=x onerror="window.__pwned=201">',
  '<a href="javascript:window.__pwned=202">tap</a>\n<svg onload=window.__pwned=203>',
];

// Where peer-supplied text is shown: each must hold text only, no element.
const TEXT_HOLDERS = ['message-text', 'conv-name', 'conv-preview', 'conv-title', 'message-quote',
  'attachment-download'].map((testid) => `[data-testid="${testid}"]`).join(', ');
// Anywhere in the document: what only an injection would make.
const INJECTED = 'iframe, object, embed, math, details, a[href^="javascript:" i], '
  + '[onerror], [onload], [onfocus], [ontoggle], [onclick], img[src="x"], #app style, #app script';

async function assertNothingInjected(page, who) {
  const found = await page.evaluate(([holders, injected]) => ({
    holders: [...document.querySelectorAll(holders)]
      .filter((node) => node.querySelector('*:not(.quote-from):not(.quote-text)') !== null)
      .map((node) => node.outerHTML.slice(0, 200)),
    injected: [...document.querySelectorAll(injected)].map((node) => node.outerHTML.slice(0, 200)),
    scripts: [...document.scripts].map((script) => script.src),
  }), [TEXT_HOLDERS, INJECTED]);
  assert.deepEqual(found.holders, [], `${who}: markup inside a text holder`);
  assert.deepEqual(found.injected, [], `${who}: injected elements`);
  assert.equal(found.scripts.length, 1, `${who}: scripts ${found.scripts}`);
}

// The steps share one system and one browser, in order.
const steps = [];
function step(name, body) {
  steps.push([name, body]);
}

step('the CSP header is served and an injected inline script is blocked', async () => {
  for (const path of ['', 'index.html', 'app.js', 'config.json', 'no-such-file']) {
    const response = await fetch(`${system.url}${path}`);
    const csp = response.headers.get('content-security-policy') ?? '';
    assert.match(csp, /script-src 'self' 'wasm-unsafe-eval'(;|$)/, `${path}: ${csp}`);
    assert.match(csp, /default-src 'none'/, path);
    assert.match(csp, /style-src 'self'(;|$)/, path);
    assert.match(csp, /frame-ancestors 'none'/, path);
    assert.doesNotMatch(csp.replace("'wasm-unsafe-eval'", ''), /unsafe|\*/, path);
    assert.equal(response.headers.get('x-content-type-options'), 'nosniff', path);
  }
  const probe = await openPerson(system, { viewport: DESKTOP });
  const response = await probe.page.goto(system.url);
  assert.match(response.headers()['content-security-policy'], /script-src 'self'/);
  await probe.page.locator(SEL.password).waitFor();
  await probe.page.evaluate(() => {
    const script = document.createElement('script');
    script.textContent = 'window.__pwned = "inline script";';
    document.head.append(script);
    const img = document.createElement('img');
    img.setAttribute('src', 'x');
    img.setAttribute('onerror', 'window.__pwned = "inline handler"');
    document.body.append(img);
    const styled = document.createElement('p');
    styled.setAttribute('style', 'color: red');
    document.body.append(styled);
  });
  await sleep(300);
  assert.equal(await probe.page.evaluate(() => window.__pwned), undefined);
  const seen = await violations(probe.page);
  const directives = seen.map((v) => v.directive);
  assert.ok(directives.some((d) => d.startsWith('script-src')), JSON.stringify(seen));
  assert.ok(directives.some((d) => d.startsWith('style-src')), JSON.stringify(seen));
  await probe.context.close();
});

step('XSS payloads as messages and titles show as plain text and run nothing', async () => {
  const codes = { alice: await system.invite('alice'), bob: await system.invite('bob') };
  alice = await openPerson(system, { viewport: DESKTOP });
  bob = await openPerson(system, { viewport: PHONE, bypassCSP: true });
  await redeem(alice.page, system.inviteLink(codes.alice), PASSWORDS.alice);
  await redeem(bob.page, system.inviteLink(codes.bob), PASSWORDS.bob);
  const convs = [];
  for (const title of TITLES) {
    convs.push((await system.cli('admin', ['conv', 'create', '--title', title, '--member', 'alice', 'bob'])).trim());
  }
  // A few from foyer-cli (the C++ client), the rest from the web client's
  // own code in node (one login instead of one Argon2id per message).
  const CLI_COUNT = 3;
  for (const text of XSS.slice(0, CLI_COUNT)) await system.cli('admin', ['send', '--conv', convs[0], text]);
  await ready();
  const admin = nodeSession();
  await admin.login('admin', system.adminPassword);
  for (const text of XSS.slice(CLI_COUNT)) await admin.conversations.sendText(convs[0], text);
  await admin.logout();
  for (const person of [alice, bob]) {
    for (const title of TITLES) await conversationItem(person.page, title).waitFor({ timeout: 15000 });
    await openConversation(person.page, TITLES[0]);
    await waitForMessage(person.page, XSS.at(-1));
  }
  for (const text of FROM_BROWSER) {
    await send(alice.page, text);
    await waitForMessage(bob.page, text);
  }
  await sleep(500);  // images would have failed to load by now
  // A link, if one had been made, would run on a tap.
  for (const node of await bob.page.locator(SEL.messageText).all()) await node.click();
  await screenshot(alice.page, 'desktop-5-xss-as-text');
  await screenshot(bob.page, 'phone-5-xss-as-text');
  for (const [who, person] of [['alice (CSP)', alice], ['bob (no CSP)', bob]]) {
    const { page } = person;
    const texts = await page.locator(SEL.messageText).allTextContents();
    assert.deepEqual(texts, [...XSS, ...FROM_BROWSER], `${who}: the payloads show verbatim`);
    const names = await page.locator(`${SEL.convItem} ${SEL.convName}`).allTextContents();
    assert.deepEqual([...names].sort(), [...TITLES].sort(), `${who}: the titles show verbatim`);
    assert.equal(await page.locator(SEL.convTitle).textContent(), TITLES[0]);
    await assertNothingInjected(page, who);
    assert.equal(await page.evaluate(() => window.__pwned), undefined, `${who}: a payload ran`);
    assert.deepEqual(await violations(page), [], `${who}: something tried to run`);
    assert.deepEqual(person.errors, [], `${who}: uncaught errors`);
  }
  // Control: the same payload through an HTML sink does run in bob's context,
  // so the flag would have caught a client that used one.
  await bob.page.evaluate((html) => {
    const probe = document.createElement('div');
    probe.innerHTML = html;
    document.body.append(probe);
  }, XSS[0]);
  await bob.page.waitForFunction(() => window.__pwned === 1, null, { timeout: 5000 });
  await bob.page.evaluate(() => { delete window.__pwned; document.body.lastElementChild.remove(); });
});

const FILE_NAMES = {
  image: '<img src=x onerror=window.__pwned=301>.png',
  other: ['"><svg onload=window.__pwned=302>.txt', 'javascript:window.__pwned=303'],
};

step('XSS payloads as file names show as plain text and run nothing', async () => {
  const png = await alice.page.screenshot({ clip: { x: 0, y: 0, width: 40, height: 30 } });
  await alice.page.setInputFiles(SEL.attachInput, [
    { name: FILE_NAMES.image, mimeType: 'image/png', buffer: png },
    ...FILE_NAMES.other.map((name) => ({ name, mimeType: 'text/plain', buffer: Buffer.from(`content of ${name}`) })),
  ]);
  for (const [who, person] of [['alice (CSP)', alice], ['bob (no CSP)', bob]]) {
    const { page } = person;
    await page.locator(SEL.attachmentImage).waitFor({ timeout: 20000 });
    await page.waitForFunction((sel) => document.querySelectorAll(sel).length === 2,
      '[data-testid="attachment-download"]', { timeout: 20000 });
    assert.equal(await page.locator(SEL.attachmentImage).getAttribute('alt'), FILE_NAMES.image, who);
    const links = await page.locator('[data-testid="attachment-download"]').allTextContents();
    assert.deepEqual(links.map((text) => text.replace(/^⬇ /, '')).sort(), [...FILE_NAMES.other].sort(), who);
    await sleep(300);
    await assertNothingInjected(page, who);
    assert.equal(await page.evaluate(() => window.__pwned), undefined, `${who}: a file name ran`);
    assert.deepEqual(await violations(page), [], `${who}: something tried to run`);
  }
  await screenshot(bob.page, 'phone-5-xss-file-names');
});

// The web client's domain layer in node, over MQTT WebSockets.
function nodeSession() {
  return new Session({
    transport: new MqttTransport(), storage: new MemoryStorage(),
    config: { householdHex: system.household, mqttUrl: `ws://127.0.0.1:${system.wsPort}` },
  });
}

// Every storage a page can reach, as one string; bytes as hex and base64.
async function dumpStorage(person) {
  const inPage = await person.page.evaluate(async () => {
    const hex = (bytes) => [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
    const b64 = (bytes) => btoa(String.fromCharCode(...bytes));
    const flat = (value) => JSON.stringify(value, (key, v) => {
      if (v instanceof ArrayBuffer) v = new Uint8Array(v);
      if (ArrayBuffer.isView(v)) {
        const bytes = new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
        return `bytes:${hex(bytes)}:${b64(bytes)}`;
      }
      return v;
    });
    const parts = [];
    for (const store of [localStorage, sessionStorage]) {
      for (let i = 0; i < store.length; i += 1) parts.push(store.key(i), store.getItem(store.key(i)));
    }
    for (const info of await indexedDB.databases()) {
      const db = await new Promise((done, fail) => {
        const request = indexedDB.open(info.name);
        request.onsuccess = () => done(request.result);
        request.onerror = () => fail(request.error);
      });
      for (const name of db.objectStoreNames) {
        const store = db.transaction(name).objectStore(name);
        const all = (request) => new Promise((done) => { request.onsuccess = () => done(request.result); });
        parts.push(`idb:${info.name}/${name}`, flat(await all(store.getAllKeys())), flat(await all(store.getAll())));
      }
      db.close();
    }
    if ('caches' in window) {
      for (const name of await caches.keys()) {
        const cache = await caches.open(name);
        for (const request of await cache.keys()) {
          parts.push(`cache:${request.url}`, await (await cache.match(request)).text());
        }
      }
    }
    return parts.join('\n');
  });
  const cookies = JSON.stringify(await person.context.cookies());
  return `${inPage}\n${cookies}`;
}

function encodings(bytes) {
  const buffer = Buffer.from(bytes);
  const b64 = buffer.toString('base64');
  return [buffer.toString('hex'), buffer.toString('hex').toUpperCase(), b64, b64.replace(/=+$/, ''),
    buffer.toString('base64url')];
}

function assertNoneIn(dump, secrets, what) {
  for (const [name, bytes] of Object.entries(secrets)) {
    for (const form of encodings(bytes)) {
      assert.ok(!dump.includes(form), `${what}: ${name} found in browser storage`);
    }
  }
}

step('keys never land in browser storage in clear; logout leaves nothing', async () => {
  await ready();
  const household = fromHex(system.household);
  // The secrets alice's browser holds, computed here with the client's own code.
  const derived = deriveLogin(PASSWORDS.alice, household, 'alice');
  const node = nodeSession();
  await node.login('alice', PASSWORDS.alice);
  const secrets = {
    auth_key: derived.authKey, kek: derived.kek, bundle_key: derived.bundleKey,
    x25519_secret: node.self.box.secretKey.slice(),
    ed25519_secret: node.self.sign.secretKey.slice(),
    ed25519_seed: node.self.sign.secretKey.slice(0, 32),
    password: new TextEncoder().encode(PASSWORDS.alice),
  };
  let epochKeys = 0;
  for (const [conv, epochs] of node.ring.keys) {
    for (const [epoch, key] of epochs) {
      secrets[`epoch_key ${conv}/${epoch}`] = key.slice();
      epochKeys += 1;
    }
  }
  await node.logout();
  assert.ok(epochKeys >= TITLES.length, `alice holds ${epochKeys} epoch keys`);

  const during = await dumpStorage(alice);
  assert.ok(during.includes('alice'), 'the storage dump sees what the client stores');
  assert.ok(!during.includes(PASSWORDS.alice), 'the password is in storage');
  assertNoneIn(during, secrets, 'logged in');

  await logout(alice.page);
  const afterLogout = await dumpStorage(alice);
  assertNoneIn(afterLogout, secrets, 'after logout');
  const body = await alice.page.locator('body').textContent();
  for (const text of [...XSS, ...FROM_BROWSER, ...TITLES, FILE_NAMES.image, ...FILE_NAMES.other]) {
    assert.ok(!afterLogout.includes(text), `after logout, storage holds the decrypted "${text}"`);
    assert.ok(!body.includes(text), `after logout, the page still shows "${text}"`);
  }
  assert.equal(await alice.page.locator(SEL.message).count(), 0);
  // And the same person logs in again from the password.
  await login(alice.page, null, 'alice', PASSWORDS.alice);
  await openConversation(alice.page, TITLES[0]);
  await waitForMessage(alice.page, XSS[0]);
  assertNoneIn(await dumpStorage(alice), secrets, 'after a second login');
  assert.equal(await alice.page.evaluate(() => window.__pwned), undefined);
  assert.deepEqual(await violations(alice.page), []);
});

runSteps('security in Chromium', system, steps);
