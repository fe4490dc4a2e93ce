// What a person does in the web client, in terms of its screens. The selectors
// are in one place (SEL) so that a change of markup is a change here.
import { assert } from './system.js';

const id = (testid) => `[data-testid="${testid}"]`;

// The stable hooks documented in docs/web-client.md ("Test selectors").
export const SEL = {
  loginForm: id('login-form'),
  user: id('login-user'),
  code: id('register-code'),
  password: `${id('login-password')}, ${id('register-password')}`,
  confirm: id('register-confirm'),
  submit: `${id('login-submit')}, ${id('register-submit')}`,
  formError: `${id('login-form')} ${id('form-error')}`,
  shell: id('app-shell'),
  me: id('me'),
  logout: id('logout'),
  newConversation: id('new-conv'),
  newForm: id('new-conv-form'),
  newMember: id('new-conv-member'),
  newTitle: id('new-conv-title'),
  newCreate: id('new-conv-create'),
  convItem: id('conv-item'),
  convName: id('conv-name'),
  convPreview: id('conv-preview'),
  badge: id('unread-badge'),
  messages: id('message-list'),
  message: id('message'),
  messageText: `${id('message')} ${id('message-text')}`,
  messageStatus: id('message-status'),
  messageQuote: id('message-quote'),
  reply: id('reply'),
  replyPreview: id('reply-preview'),
  presence: id('presence'),
  membersOpen: id('members-open'),
  membersDialog: id('members-dialog'),
  membersClose: id('members-close'),
  member: id('member'),
  memberRemove: id('member-remove'),
  memberRemoveConfirm: id('member-remove-confirm'),
  memberAddSelect: id('member-add-select'),
  memberAdd: id('member-add'),
  renameInput: id('rename-input'),
  renameSubmit: id('rename-submit'),
  safetyOpen: id('safety-open'),
  safetyView: id('safety-view'),
  safetyNumber: id('safety-number'),
  safetyQr: id('safety-qr'),
  safetyClose: id('safety-close'),
  verifyButton: id('verify-button'),
  verifiedBadge: id('verified-badge'),
  adminOpen: id('admin-open'),
  adminPage: id('admin-page'),
  adminClose: id('admin-close'),
  inviteName: id('invite-name'),
  inviteSubmit: id('invite-submit'),
  inviteLink: id('invite-link'),
  inviteQr: id('invite-qr'),
  userRow: id('user-row'),
  composer: id('composer-input'),
  sendButton: id('send-button'),
  typing: id('typing-indicator'),
  convTitle: id('conv-title'),
  back: id('back'),
  attachInput: id('attach-input'),
  attachmentImage: id('attachment-image'),
  messageFile: id('message-file'),
};

const ARGON_TIMEOUT_MS = 30000;

// Opens the invite link, chooses a password, waits for the logged-in screen.
export async function redeem(page, link, password) {
  await page.goto(link);
  await page.locator(SEL.code).waitFor();
  assert.ok((await page.locator(SEL.code).inputValue()).length > 0, 'the invite link fills in the code');
  await page.fill(SEL.password, password);
  await page.fill(SEL.confirm, password);
  await page.click(SEL.submit);
  await page.locator(SEL.shell).waitFor({ timeout: ARGON_TIMEOUT_MS });
  assert.ok(!page.url().includes('invite='), 'the used invite leaves the address bar');
}

export async function login(page, url, user, password) {
  if (url) await page.goto(url);
  await page.locator(SEL.password).waitFor();
  await page.fill(SEL.user, user);
  await page.fill(SEL.password, password);
  await page.click(SEL.submit);
  await page.locator(SEL.shell).waitFor({ timeout: ARGON_TIMEOUT_MS });
}

// Logout ends by loading the page afresh: wait for that load, so that what
// follows (a screenshot, a look at storage) sees the new page, not the old
// one going away.
export async function logout(page) {
  const reloaded = page.waitForEvent('load', { timeout: 30000 });
  await page.click(SEL.logout);
  await reloaded;
  await page.locator(SEL.loginForm).waitFor();
}

export async function createConversation(page, members, title) {
  await page.click(SEL.newConversation);
  await page.locator(SEL.newForm).waitFor();
  for (const name of members) await page.check(`${SEL.newMember}[value="${name}"]`);
  if (title) await page.fill(SEL.newTitle, title);
  await page.click(SEL.newCreate);
  await page.locator(SEL.composer).waitFor();
}

// The list entry of the conversation whose shown name is `name`.
export function conversationItem(page, name) {
  return page.locator(SEL.convItem).filter({ has: page.locator(SEL.convName, { hasText: name }) });
}

export async function openConversation(page, name) {
  await conversationItem(page, name).first().click();
  await page.locator(SEL.composer).waitFor();
}

export async function send(page, text) {
  await page.fill(SEL.composer, text);
  await page.press(SEL.composer, 'Enter');
}

// Waits until a delivered message (with a seq) shows exactly `text`.
export async function waitForMessage(page, text, timeout = 15000) {
  await page.waitForFunction(([selector, wanted]) => [...document.querySelectorAll(selector)]
    .some((node) => node.closest('[data-testid="message"]')?.dataset.seq && node.textContent === wanted),
  [SEL.messageText, text], { timeout });
}

export async function messageTexts(page) {
  return page.locator(SEL.messageText).allTextContents();
}
