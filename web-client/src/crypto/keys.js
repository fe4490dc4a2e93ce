// User key pairs (X25519 for sealed boxes, Ed25519 for signatures) and
// fingerprints, the "safety numbers" (docs/protocol.md §3).
import { concat, lib, utf8 } from './sodium.js';

export const KEY_BYTES = 32;
export const SIGN_SECRET_BYTES = 64;

// { publicKey, secretKey } pairs, as libsodium returns them.
export function generateBoxKeyPair() {
  const pair = lib().crypto_box_keypair();
  return { publicKey: pair.publicKey, secretKey: pair.privateKey };
}

export function boxKeyPairFromSeed(seed) {
  const pair = lib().crypto_box_seed_keypair(seed);
  return { publicKey: pair.publicKey, secretKey: pair.privateKey };
}

export function boxKeyPairFromSecret(secretKey) {
  if (secretKey.length !== KEY_BYTES) throw new Error('crypto: X25519 secret must be 32 bytes');
  return { publicKey: lib().crypto_scalarmult_base(secretKey), secretKey };
}

export function generateSignKeyPair() {
  const pair = lib().crypto_sign_keypair();
  return { publicKey: pair.publicKey, secretKey: pair.privateKey };
}

export function signKeyPairFromSeed(seed) {
  const pair = lib().crypto_sign_seed_keypair(seed);
  return { publicKey: pair.publicKey, secretKey: pair.privateKey };
}

// A 64-byte Ed25519 secret is seed || public key.
export function signKeyPairFromSecret(secretKey) {
  if (secretKey.length !== SIGN_SECRET_BYTES) {
    throw new Error('crypto: Ed25519 secret must be 64 bytes');
  }
  return { publicKey: lib().crypto_sign_ed25519_sk_to_pk(secretKey), secretKey };
}

export function sign(secretKey, message) {
  return lib().crypto_sign_detached(message, secretKey);
}

export function verify(publicKey, message, signature) {
  if (publicKey.length !== KEY_BYTES || signature.length !== 64) return false;
  try {
    return lib().crypto_sign_verify_detached(signature, message, publicKey);
  } catch {
    return false;
  }
}

const FINGERPRINT_LABEL = utf8('foyer/fp/v1');

// "12345 67890 ..." (12 groups of 5 digits) of a user's two public keys.
export function fingerprint(ed25519Public, x25519Public) {
  const hash = lib().crypto_generichash(64, concat(FINGERPRINT_LABEL, ed25519Public, x25519Public),
    null);
  const groups = [];
  for (let i = 0; i < 12; i += 1) {
    let value = 0n;
    for (let j = 0; j < 5; j += 1) value = (value << 8n) | BigInt(hash[5 * i + j]);
    groups.push((value % 100000n).toString().padStart(5, '0'));
  }
  return groups.join(' ');
}
