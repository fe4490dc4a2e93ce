// The one module that loads libsodium; the rest of src/crypto/ goes through
// it. Byte strings are Uint8Array everywhere. Call `ready()` once (it is
// idempotent) before any other function of src/crypto/.
import sodiumModule from 'libsodium-wrappers-sumo';

let sodium = null;

export async function ready() {
  if (sodium === null) {
    await sodiumModule.ready;
    sodium = sodiumModule;
  }
  return sodium;
}

// The loaded libsodium; throws if ready() has not completed.
export function lib() {
  if (sodium === null) throw new Error('crypto: call ready() first');
  return sodium;
}

const encoder = new TextEncoder();
const strictDecoder = new TextDecoder('utf-8', { fatal: true });

export function utf8(text) {
  return encoder.encode(text);
}

// Decodes UTF-8; null when the bytes are not valid UTF-8.
export function fromUtf8(bytes) {
  try {
    return strictDecoder.decode(bytes);
  } catch {
    return null;
  }
}

export function concat(...parts) {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

export function u8(value) {
  return Uint8Array.of(value & 0xff);
}

export function u32be(value) {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, value >>> 0, false);
  return out;
}

// `value` is a Number (safe integer) or a BigInt.
export function u64be(value) {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt(value), false);
  return out;
}

// A string as u8(length in bytes) || bytes; the names it is used for are at
// most 32 bytes (§1), so one length byte always suffices.
export function shortString(text) {
  const bytes = utf8(text);
  if (bytes.length > 255) throw new Error('crypto: short string longer than 255 bytes');
  return concat(u8(bytes.length), bytes);
}

export function toHex(bytes) {
  return lib().to_hex(bytes);
}

const HEX_PATTERN = /^(?:[0-9a-f]{2})*$/;

// Lowercase hex only, as the protocol writes it; null when invalid.
export function fromHex(text) {
  if (typeof text !== 'string' || !HEX_PATTERN.test(text)) return null;
  return lib().from_hex(text);
}

export function toB64(bytes) {
  return lib().to_base64(bytes, lib().base64_variants.URLSAFE_NO_PADDING);
}

// URL-safe base64 without padding (protocol "b64"); null when invalid.
export function fromB64(text) {
  if (typeof text !== 'string' || !/^[A-Za-z0-9_-]*$/.test(text)) return null;
  try {
    return lib().from_base64(text, lib().base64_variants.URLSAFE_NO_PADDING);
  } catch {
    return null;
  }
}

export function randomBytes(size) {
  return lib().randombytes_buf(size);
}

// 16 random bytes as 32 lowercase hex (conversation ids, cmids).
export function randomIdHex() {
  return toHex(randomBytes(16));
}

export function equalBytes(a, b) {
  return a.length === b.length && lib().memcmp(a, b);
}

// Overwrites a secret buffer with zeros (best effort in JavaScript).
export function wipe(bytes) {
  if (bytes instanceof Uint8Array) lib().memzero(bytes);
}
