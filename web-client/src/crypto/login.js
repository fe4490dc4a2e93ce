// Login key derivation and the key bundle (docs/protocol.md §2, §3).
import { KEY_BYTES, boxKeyPairFromSecret, signKeyPairFromSecret } from './keys.js';
import { validUserName } from './names.js';
import { concat, lib, randomBytes, utf8, wipe } from './sodium.js';

export const HOUSEHOLD_BYTES = 16;
const NONCE_BYTES = 24;
const TAG_BYTES = 16;
const BUNDLE_PLAINTEXT_BYTES = 32 + 64;
export const PWHASH_OPSLIMIT = 3;
export const PWHASH_MEMLIMIT = 64 * 1024 * 1024;
const BUNDLE_KEY_SUBKEY_ID = 1;
const BUNDLE_KEY_CONTEXT = 'foyerkek';

function checkHousehold(household) {
  if (!(household instanceof Uint8Array) || household.length !== HOUSEHOLD_BYTES) {
    throw new Error('crypto: household id must be 16 bytes');
  }
}

// BLAKE2b-128 of household id (16 raw bytes) || user name.
export function loginSalt(household, user) {
  checkHousehold(household);
  return lib().crypto_generichash(16, concat(household, utf8(user)), null);
}

export function bundleKeyFromKek(kek) {
  return lib().crypto_kdf_derive_from_key(KEY_BYTES, BUNDLE_KEY_SUBKEY_ID, BUNDLE_KEY_CONTEXT,
    kek);
}

// Argon2id over the password: ~1 s and 64 MiB. Returns { authKey, kek,
// bundleKey } (32 bytes each). The auth key is the MQTT password (as hex); the
// kek and bundle key never leave the client.
export function deriveLogin(password, household, user) {
  checkHousehold(household);
  if (!validUserName(user)) throw new Error('crypto: invalid user name');
  const sodium = lib();
  const passwordBytes = utf8(password);
  const loginKey = sodium.crypto_pwhash(64, passwordBytes, loginSalt(household, user),
    PWHASH_OPSLIMIT, PWHASH_MEMLIMIT, sodium.crypto_pwhash_ALG_ARGON2ID13);
  wipe(passwordBytes);
  const authKey = loginKey.slice(0, KEY_BYTES);
  const kek = loginKey.slice(KEY_BYTES);
  wipe(loginKey);
  return { authKey, kek, bundleKey: bundleKeyFromKek(kek) };
}

function bundleAd(household, user) {
  return concat(utf8('foyer/bundle/v1'), household, utf8(user));
}

// nonce || AEAD(bundle_key, nonce, x25519_secret || ed25519_secret, ad), raw.
// `nonce` is for test vectors only; a random one is made otherwise.
export function sealBundle(bundleKey, household, user, box, signPair, nonce = null) {
  checkHousehold(household);
  const sodium = lib();
  const usedNonce = nonce ?? randomBytes(NONCE_BYTES);
  const plaintext = concat(box.secretKey, signPair.secretKey);
  const ciphertext = sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(plaintext,
    bundleAd(household, user), null, usedNonce, bundleKey);
  wipe(plaintext);
  return concat(usedNonce, ciphertext);
}

// Returns { box, sign } key pairs, or null when the bundle does not open
// (wrong password, other user or household, tampered bundle).
export function openBundle(bundleKey, household, user, bundle) {
  checkHousehold(household);
  if (!(bundle instanceof Uint8Array)
      || bundle.length !== NONCE_BYTES + BUNDLE_PLAINTEXT_BYTES + TAG_BYTES) {
    return null;
  }
  let plaintext;
  try {
    plaintext = lib().crypto_aead_xchacha20poly1305_ietf_decrypt(null,
      bundle.subarray(NONCE_BYTES), bundleAd(household, user), bundle.subarray(0, NONCE_BYTES),
      bundleKey);
  } catch {
    return null;
  }
  const box = boxKeyPairFromSecret(plaintext.slice(0, 32));
  const signPair = signKeyPairFromSecret(plaintext.slice(32));
  wipe(plaintext);
  return { box, sign: signPair };
}
