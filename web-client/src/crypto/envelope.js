// Message envelopes (docs/protocol.md §5): parse, seal, open. An envelope
// object holds the header fields as in the JSON, with `nonce`, `body` and
// `sig` as raw bytes, and `seq`/`stime` once the server stamped it (0 before).
import {
  FieldError, checkOnlyFields, getB64, getEpoch, getHexId, getUint, getUserName, requireObject,
} from './fields.js';
import { sign, verify } from './keys.js';
import { validHexId, validUserName } from './names.js';
import {
  concat, fromHex, fromUtf8, lib, randomBytes, shortString, toB64, u32be, u64be, utf8,
} from './sodium.js';

export const VERSION = 1;
export const NONCE_BYTES = 24;
export const TAG_BYTES = 16;
export const MAX_PLAINTEXT_BYTES = 64 * 1024;
export const MAX_BODY_BYTES = MAX_PLAINTEXT_BYTES + TAG_BYTES;
export const MAX_ENVELOPE_BYTES = 96 * 1024;
const FIELDS = ['v', 'conv', 'epoch', 'from', 'cmid', 'ts', 'nonce', 'body', 'sig', 'seq',
  'stime'];

// Structural checks as the server makes them (fields, types, sizes), on a
// parsed JSON value. Returns { envelope } or { error } (a reason).
export function envelopeFromJson(json) {
  try {
    requireObject(json, 'envelope');
    if (json.v !== VERSION) throw new FieldError("field 'v' must be 1");
    const envelope = {
      v: VERSION,
      conv: getHexId(json, 'conv'),
      epoch: getEpoch(json, 'epoch'),
      from: getUserName(json, 'from'),
      cmid: getHexId(json, 'cmid'),
      ts: getUint(json, 'ts'),
      nonce: getB64(json, 'nonce', NONCE_BYTES, NONCE_BYTES),
      body: getB64(json, 'body', TAG_BYTES, MAX_BODY_BYTES),
      sig: getB64(json, 'sig', 64, 64),
      seq: json.seq === undefined ? 0 : getUint(json, 'seq'),
      stime: json.stime === undefined ? 0 : getUint(json, 'stime'),
    };
    checkOnlyFields(json, FIELDS);
    return { envelope };
  } catch (error) {
    if (error instanceof FieldError) return { error: error.message };
    throw error;
  }
}

// Same, from the payload text or bytes.
export function parseEnvelope(payload) {
  const text = typeof payload === 'string' ? payload : fromUtf8(payload);
  if (text === null) return { error: 'envelope is not UTF-8' };
  if (utf8(text).length > MAX_ENVELOPE_BYTES) return { error: 'envelope is too large' };
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    return { error: 'envelope is not JSON' };
  }
  return envelopeFromJson(json);
}

// The wire form, fields in the protocol's order.
export function envelopeToJson(envelope) {
  const json = {
    v: envelope.v,
    conv: envelope.conv,
    epoch: envelope.epoch,
    from: envelope.from,
    cmid: envelope.cmid,
    ts: envelope.ts,
    nonce: toB64(envelope.nonce),
    body: toB64(envelope.body),
    sig: toB64(envelope.sig),
  };
  if (envelope.seq) json.seq = envelope.seq;
  if (envelope.stime) json.stime = envelope.stime;
  return json;
}

export function serializeEnvelope(envelope) {
  return JSON.stringify(envelopeToJson(envelope));
}

export function envelopeAd(envelope) {
  if (!validHexId(envelope.conv) || !validHexId(envelope.cmid) || !validUserName(envelope.from)) {
    throw new Error('crypto: envelope header is invalid');
  }
  return concat(utf8('foyer/msg/v1'), fromHex(envelope.conv), u32be(envelope.epoch),
    shortString(envelope.from), fromHex(envelope.cmid), u64be(envelope.ts));
}

// Encrypts and signs `plaintext` (bytes or a string) into a new envelope.
// `nonce` is for test vectors only.
export function sealEnvelope({
  conv, epoch, from, cmid, ts, epochKey, signSecret, plaintext, nonce = null,
}) {
  const envelope = {
    v: VERSION, conv, epoch, from, cmid, ts, nonce: nonce ?? randomBytes(NONCE_BYTES),
    body: null, sig: null, seq: 0, stime: 0,
  };
  const ad = envelopeAd(envelope);
  const bytes = typeof plaintext === 'string' ? utf8(plaintext) : plaintext;
  if (bytes.length > MAX_PLAINTEXT_BYTES) throw new Error('crypto: plaintext larger than 64 KiB');
  envelope.body = lib().crypto_aead_xchacha20poly1305_ietf_encrypt(bytes, ad, null,
    envelope.nonce, epochKey);
  envelope.sig = sign(signSecret, concat(ad, envelope.nonce, envelope.body));
  return envelope;
}

// Checks the signature with the sender's Ed25519 key, then the AEAD tag.
// Returns { plaintext } (bytes) or { error: 'signature' | 'decrypt' }.
export function openEnvelope(envelope, senderEd25519Public, epochKey) {
  const ad = envelopeAd(envelope);
  if (!verify(senderEd25519Public, concat(ad, envelope.nonce, envelope.body), envelope.sig)) {
    return { error: 'signature' };
  }
  try {
    return {
      plaintext: lib().crypto_aead_xchacha20poly1305_ietf_decrypt(null, envelope.body, ad,
        envelope.nonce, epochKey),
    };
  } catch {
    return { error: 'decrypt' };
  }
}
