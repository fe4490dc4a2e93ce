// Files (docs/protocol.md §10): a fresh key per file, the plaintext cut in
// 64 KiB chunks encrypted with crypto_secretstream_xchacha20poly1305 (the
// last chunk tagged FINAL), BLAKE2b-32 of the plaintext, and the file
// reference a message carries. Byte-compatible with client-lib
// (tests/vectors/file.json).
import { FieldError, getB64, getHexId, getUint, requireObject } from './fields.js';
import {
  concat, equalBytes, lib, toB64, utf8,
} from './sodium.js';

export const FILE_CHUNK_BYTES = 65536;
export const STREAM_HEADER_BYTES = 24;
export const STREAM_OVERHEAD_BYTES = 17;
export const FILE_HASH_BYTES = 32;
export const MAX_FILE_NAME_BYTES = 255;
export const MAX_FILE_MIME_BYTES = 127;
// Shown inline; every other type is offered as a download.
export const INLINE_IMAGE_TYPES = ['image/jpeg', 'image/png', 'image/gif', 'image/webp'];

// max(1, ceil(size / 65536)).
export function fileChunkCount(size) {
  return size === 0 ? 1 : Math.floor((size - 1) / FILE_CHUNK_BYTES) + 1;
}

// Ciphertext bytes of chunk `index`; 0 when out of range.
export function fileChunkCipherBytes(size, index) {
  const count = fileChunkCount(size);
  if (index < 0 || index >= count) return 0;
  const plain = index + 1 < count ? FILE_CHUNK_BYTES : size - FILE_CHUNK_BYTES * (count - 1);
  return plain + STREAM_OVERHEAD_BYTES;
}

export function fileHash(plaintext) {
  return lib().crypto_generichash(FILE_HASH_BYTES, plaintext, null);
}

// Encrypts `plaintext` (Uint8Array) under a fresh key. Returns
// { key, header, hash, size, chunks: [Uint8Array] }.
export function encryptFile(plaintext) {
  const sodium = lib();
  const key = sodium.crypto_secretstream_xchacha20poly1305_keygen();
  const { state, header } = sodium.crypto_secretstream_xchacha20poly1305_init_push(key);
  const count = fileChunkCount(plaintext.length);
  const chunks = [];
  for (let i = 0; i < count; i += 1) {
    const part = plaintext.subarray(i * FILE_CHUNK_BYTES, (i + 1) * FILE_CHUNK_BYTES);
    const tag = i + 1 === count ? sodium.crypto_secretstream_xchacha20poly1305_TAG_FINAL
      : sodium.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE;
    chunks.push(sodium.crypto_secretstream_xchacha20poly1305_push(state, part, null, tag));
  }
  return {
    key, header, hash: fileHash(plaintext), size: plaintext.length, chunks,
  };
}

// A stream decryptor for `ref` ({ key, header, size, hash }): push each
// chunk in order with `add(chunk)`, then `finish()` returns the plaintext.
// Both throw a FileError when anything does not check.
export class FileError extends Error {}

export function fileDecryptor(ref) {
  const sodium = lib();
  const count = fileChunkCount(ref.size);
  let state;
  try {
    state = sodium.crypto_secretstream_xchacha20poly1305_init_pull(ref.header, ref.key);
  } catch {
    throw new FileError('bad file key or header');
  }
  const parts = [];
  let index = 0;
  return {
    add(chunk) {
      if (index >= count) throw new FileError('too many chunks');
      const opened = sodium.crypto_secretstream_xchacha20poly1305_pull(state, chunk, null);
      if (!opened) throw new FileError(`chunk ${index} does not open`);
      const final = opened.tag === sodium.crypto_secretstream_xchacha20poly1305_TAG_FINAL;
      if (final !== (index + 1 === count)) throw new FileError(`chunk ${index} has the wrong tag`);
      parts.push(opened.message);
      index += 1;
    },
    finish() {
      if (index !== count) throw new FileError(`the file has ${index} chunks, not ${count}`);
      const plaintext = concat(...parts);
      if (plaintext.length !== ref.size) throw new FileError('the file has the wrong size');
      if (!equalBytes(fileHash(plaintext), ref.hash)) throw new FileError('the file does not match its hash');
      return plaintext;
    },
  };
}

// Decrypts a whole file; throws a FileError.
export function decryptFile(ref, chunks) {
  const decryptor = fileDecryptor(ref);
  for (const chunk of chunks) decryptor.add(chunk);
  return decryptor.finish();
}

// The reference's JSON form (a member of a file message's plaintext).
export function fileRefToJson(ref) {
  return {
    id: ref.id,
    name: ref.name,
    mime: ref.mime,
    size: ref.size,
    key: toB64(ref.key),
    header: toB64(ref.header),
    hash: toB64(ref.hash),
  };
}

function getText(object, field, maxBytes, allowEmpty) {
  const value = object[field];
  if (typeof value !== 'string' || utf8(value).length > maxBytes || (!allowEmpty && value === '')) {
    throw new FieldError(`field '${field}' must be a string of ${allowEmpty ? 0 : 1}..${maxBytes} bytes`);
  }
  return value;
}

// The reference from its JSON form; null when any field is missing or malformed.
export function fileRefFromJson(json) {
  try {
    requireObject(json, 'file');
    return {
      id: getHexId(json, 'id'),
      name: getText(json, 'name', MAX_FILE_NAME_BYTES, false),
      mime: getText(json, 'mime', MAX_FILE_MIME_BYTES, true),
      size: getUint(json, 'size'),
      key: getB64(json, 'key', 32, 32),
      header: getB64(json, 'header', STREAM_HEADER_BYTES, STREAM_HEADER_BYTES),
      hash: getB64(json, 'hash', FILE_HASH_BYTES, FILE_HASH_BYTES),
    };
  } catch (error) {
    if (error instanceof FieldError) return null;
    throw error;
  }
}

// Whether a file of this MIME type is shown inline as an image.
export function isInlineImage(mime) {
  return INLINE_IMAGE_TYPES.includes(String(mime).toLowerCase());
}

// A peer's file name made safe to save: its base name, no control characters.
export function safeFileName(name) {
  // eslint-disable-next-line no-control-regex
  let out = String(name).split(/[/\\]/).pop().replace(/[\u0000-\u001f\u007f]/g, '');
  if (out === '' || out === '.' || out === '..') out = 'file';
  if (out.startsWith('.')) out = `_${out}`;
  return out;
}
