// Names and ids (docs/protocol.md §1). Pure functions, no libsodium.

export const MAX_USER_NAME_LENGTH = 32;
export const INVITE_USER_NAME = '~invite';

const USER_NAME_PATTERN = /^[a-z][a-z0-9._-]{0,31}$/;
const CLIENT_SUFFIX_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;
const HEX_ID_PATTERN = /^[0-9a-f]{32}$/;

export function validUserName(name) {
  return typeof name === 'string' && USER_NAME_PATTERN.test(name);
}

export function validClientSuffix(suffix) {
  return typeof suffix === 'string' && CLIENT_SUFFIX_PATTERN.test(suffix);
}

export function validClientId(user, clientId) {
  if (typeof clientId !== 'string') return false;
  if (user === INVITE_USER_NAME) {
    const prefix = `${INVITE_USER_NAME}:`;
    return clientId.startsWith(prefix) && validClientSuffix(clientId.slice(prefix.length));
  }
  if (!validUserName(user)) return false;
  if (clientId === user) return true;
  return clientId.startsWith(`${user}:`) && validClientSuffix(clientId.slice(user.length + 1));
}

export function validHexId(id) {
  return typeof id === 'string' && HEX_ID_PATTERN.test(id);
}
