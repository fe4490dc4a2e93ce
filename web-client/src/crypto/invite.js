// Invite codes (docs/protocol.md §7): b64(0x01 || household 16 || secret 16).
import { concat, fromB64, toB64, toHex, u8 } from './sodium.js';

const INVITE_VERSION = 0x01;
export const INVITE_CODE_LENGTH = 44;

export function encodeInviteCode(household, secret) {
  if (household.length !== 16 || secret.length !== 16) {
    throw new Error('crypto: invite household and secret must be 16 bytes');
  }
  return toB64(concat(u8(INVITE_VERSION), household, secret));
}

// { household, secret } (raw bytes), plus `password` = hex(secret) for the
// invite session; or { error }.
export function decodeInviteCode(code) {
  if (typeof code !== 'string' || code.length !== INVITE_CODE_LENGTH) {
    return { error: 'invite code must be 44 characters' };
  }
  const raw = fromB64(code);
  if (raw === null || raw.length !== 33) return { error: 'invite code is not valid base64url' };
  if (raw[0] !== INVITE_VERSION) return { error: 'invite code has an unknown version' };
  const household = raw.slice(1, 17);
  const secret = raw.slice(17, 33);
  return { household, secret, password: toHex(secret) };
}
