// Key envelopes and encrypted titles (docs/protocol.md §4).
import {
  FieldError, getB64, getEpoch, getUserName, requireObject,
} from './fields.js';
import { sign, verify } from './keys.js';
import { validHexId } from './names.js';
import {
  concat, fromHex, fromUtf8, lib, randomBytes, shortString, toB64, u32be, utf8,
} from './sodium.js';

export const SEALED_KEY_BYTES = 32 + 48;
export const MAX_TITLE_BYTES = 256;
const NONCE_BYTES = 24;
const TAG_BYTES = 16;

function convRaw(conv) {
  if (!validHexId(conv)) throw new Error('crypto: conversation id must be 32 lowercase hex');
  return fromHex(conv);
}

// { keyEnvelope: {epoch, from, to, sealed, sig} } or { error }.
export function keyEnvelopeFromJson(json) {
  try {
    requireObject(json, 'key envelope');
    return {
      keyEnvelope: {
        epoch: getEpoch(json, 'epoch'),
        from: getUserName(json, 'from'),
        to: getUserName(json, 'to'),
        sealed: getB64(json, 'sealed', SEALED_KEY_BYTES, SEALED_KEY_BYTES),
        sig: getB64(json, 'sig', 64, 64),
      },
    };
  } catch (error) {
    if (error instanceof FieldError) return { error: error.message };
    throw error;
  }
}

export function keyEnvelopeToJson(keyEnvelope) {
  return {
    epoch: keyEnvelope.epoch,
    from: keyEnvelope.from,
    to: keyEnvelope.to,
    sealed: toB64(keyEnvelope.sealed),
    sig: toB64(keyEnvelope.sig),
  };
}

export function keyEnvelopeSignedPart(conv, keyEnvelope) {
  return concat(utf8('foyer/key/v1'), convRaw(conv), u32be(keyEnvelope.epoch),
    shortString(keyEnvelope.from), shortString(keyEnvelope.to), keyEnvelope.sealed);
}

export function makeKeyEnvelope({
  conv, epoch, epochKey, from, signSecret, to, toX25519Public,
}) {
  const keyEnvelope = {
    epoch, from, to, sealed: lib().crypto_box_seal(epochKey, toX25519Public), sig: null,
  };
  keyEnvelope.sig = sign(signSecret, keyEnvelopeSignedPart(conv, keyEnvelope));
  return keyEnvelope;
}

// Verifies `from`'s signature, then opens the sealed key with the recipient's
// X25519 pair. Returns { epochKey } or { error: 'signature' | 'open' }.
export function openKeyEnvelope(conv, keyEnvelope, fromEd25519Public, recipientBox) {
  if (!verify(fromEd25519Public, keyEnvelopeSignedPart(conv, keyEnvelope), keyEnvelope.sig)) {
    return { error: 'signature' };
  }
  try {
    const epochKey = lib().crypto_box_seal_open(keyEnvelope.sealed, recipientBox.publicKey,
      recipientBox.secretKey);
    if (epochKey.length !== 32) return { error: 'open' };
    return { epochKey };
  } catch {
    return { error: 'open' };
  }
}

function titleAd(conv, epoch) {
  return concat(utf8('foyer/title/v1'), convRaw(conv), u32be(epoch));
}

// The wire form {epoch, nonce: b64, ct: b64}. `nonce` is for test vectors only.
export function encryptTitle(conv, epoch, epochKey, title, nonce = null) {
  const bytes = utf8(title);
  if (bytes.length > MAX_TITLE_BYTES) throw new Error('crypto: title longer than 256 bytes');
  const usedNonce = nonce ?? randomBytes(NONCE_BYTES);
  const ct = lib().crypto_aead_xchacha20poly1305_ietf_encrypt(bytes, titleAd(conv, epoch), null,
    usedNonce, epochKey);
  return { epoch, nonce: toB64(usedNonce), ct: toB64(ct) };
}

// { text } or { error }. The caller picks the epoch key of `title.epoch`.
export function decryptTitle(conv, title, epochKey) {
  let nonce;
  let ct;
  let epoch;
  try {
    requireObject(title, 'title');
    epoch = getEpoch(title, 'epoch');
    nonce = getB64(title, 'nonce', NONCE_BYTES, NONCE_BYTES);
    ct = getB64(title, 'ct', TAG_BYTES, MAX_TITLE_BYTES + TAG_BYTES);
  } catch (error) {
    if (error instanceof FieldError) return { error: error.message };
    throw error;
  }
  let plaintext;
  try {
    plaintext = lib().crypto_aead_xchacha20poly1305_ietf_decrypt(null, ct, titleAd(conv, epoch),
      nonce, epochKey);
  } catch {
    return { error: 'decrypt' };
  }
  const text = fromUtf8(plaintext);
  if (text === null) return { error: 'title is not UTF-8' };
  return { text };
}
