// Files (docs/protocol.md §10): tests/vectors/file.json (made by client-lib),
// chunking, round trips, tampered streams refused, the file message format,
// and the upload/download path against the in-memory plugin stand-in.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import * as c from '../src/crypto/index.js';
import { fileContent, parseContent } from '../src/domain/content.js';
import { Files } from '../src/domain/files.js';

const VECTORS_DIR = process.env.FOYER_VECTORS_DIR
  ?? join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'tests', 'vectors');
const vector = () => JSON.parse(readFileSync(join(VECTORS_DIR, 'file.json'), 'utf8'));

const plaintext = (size) => Uint8Array.from({ length: size }, (_, i) => i % 251);
const b64 = (text) => {
  const bytes = c.fromB64(text);
  assert.notEqual(bytes, null);
  return bytes;
};

before(async () => {
  await c.ready();
});

describe('file.json', () => {
  test('each case decrypts to its plaintext', () => {
    const v = vector();
    assert.equal(v.chunk_bytes, c.FILE_CHUNK_BYTES);
    for (const name of ['two_chunks', 'empty']) {
      const item = v[name];
      const ref = c.fileRefFromJson(item.reference);
      assert.notEqual(ref, null, name);
      assert.deepEqual(ref.key, b64(v.key_b64));
      assert.equal(ref.size, item.size);
      const chunks = item.chunks_b64.map(b64);
      assert.equal(chunks.length, c.fileChunkCount(item.size));
      chunks.forEach((chunk, i) => assert.equal(chunk.length, c.fileChunkCipherBytes(item.size, i)));
      assert.deepEqual(c.fileHash(plaintext(item.size)), b64(item.hash_b64));
      assert.deepEqual(c.decryptFile(ref, chunks), plaintext(item.size));
      // The message that shares it parses as a file message.
      const content = parseContent(c.utf8(item.message_plaintext));
      assert.equal(content.type, 'file');
      assert.equal(content.file.id, item.reference.id);
      assert.equal(content.file.name, item.reference.name);
    }
  });

  test('tampered streams are refused', () => {
    const v = vector();
    const good = c.fileRefFromJson(v.two_chunks.reference);
    const chunks = v.two_chunks.chunks_b64.map(b64);
    assert.equal(v.tampered.length, 7);
    for (const item of v.tampered) {
      const ref = { ...good, hash: Uint8Array.from(good.hash) };
      const list = item.chunks.map((i) => Uint8Array.from(chunks[i]));
      if (item.flip_chunk !== undefined) list[item.flip_chunk][item.flip_byte] ^= 1;
      if (item.flip_hash_byte !== undefined) ref.hash[item.flip_hash_byte] ^= 1;
      if (item.size !== undefined) ref.size = item.size;
      assert.throws(() => c.decryptFile(ref, list), c.FileError, item.case);
    }
    const nf = v.not_final_stream;
    const ref = {
      key: b64(v.key_b64), header: b64(nf.header_b64), size: nf.size, hash: b64(nf.hash_b64),
    };
    assert.throws(() => c.decryptFile(ref, nf.chunks_b64.map(b64)), c.FileError);
  });
});

describe('file crypto', () => {
  test('chunk sizes', () => {
    assert.equal(c.fileChunkCount(0), 1);
    assert.equal(c.fileChunkCount(65536), 1);
    assert.equal(c.fileChunkCount(65537), 2);
    assert.equal(c.fileChunkCount(20971520), 320);
    assert.equal(c.fileChunkCipherBytes(0, 0), 17);
    assert.equal(c.fileChunkCipherBytes(65537, 0), 65553);
    assert.equal(c.fileChunkCipherBytes(65537, 1), 18);
    assert.equal(c.fileChunkCipherBytes(65537, 2), 0);
  });

  test('round trip with fresh keys', () => {
    for (const size of [0, 5, 65536, 65536 * 2 + 3]) {
      const data = plaintext(size);
      const a = c.encryptFile(data);
      const b = c.encryptFile(data);
      assert.notDeepEqual(a.key, b.key);
      assert.equal(a.chunks.length, c.fileChunkCount(size));
      assert.deepEqual(c.decryptFile(a, a.chunks), data);
      assert.throws(() => c.decryptFile({ ...a, key: b.key }, a.chunks), c.FileError);
    }
  });

  test('the reference is checked and round-trips through a message', () => {
    const encrypted = c.encryptFile(c.utf8('hello'));
    const ref = { ...encrypted, id: 'ab'.repeat(16), name: '<img src=x onerror=alert(1)>.png', mime: 'image/png' };
    const content = parseContent(c.utf8(fileContent(ref, 'caption', 'cd'.repeat(16))));
    assert.equal(content.type, 'file');
    assert.equal(content.text, 'caption');
    assert.equal(content.replyTo, 'cd'.repeat(16));
    assert.equal(content.file.name, ref.name);
    assert.deepEqual(c.decryptFile(content.file, encrypted.chunks), c.utf8('hello'));
    const json = c.fileRefToJson(ref);
    for (const field of ['id', 'name', 'mime', 'size', 'key', 'header', 'hash']) {
      const broken = { ...json };
      delete broken[field];
      assert.equal(c.fileRefFromJson(broken), null, field);
    }
    assert.equal(c.fileRefFromJson({ ...json, name: '' }), null);
    assert.equal(c.fileRefFromJson({ ...json, key: c.toB64(new Uint8Array(31)) }), null);
    assert.equal(parseContent(c.utf8('{"type":"file","file":{"id":"x"}}')).type, 'unsupported');
  });

  test('names and types', () => {
    assert.equal(c.safeFileName('../../etc/passwd'), 'passwd');
    assert.equal(c.safeFileName('C:\\x\\a.txt'), 'a.txt');
    assert.equal(c.safeFileName('..'), 'file');
    assert.equal(c.safeFileName('.bashrc'), '_.bashrc');
    assert.equal(c.safeFileName('a\u0000b\nc'), 'abc');
    assert.ok(c.isInlineImage('image/png'));
    assert.ok(c.isInlineImage('IMAGE/JPEG'));
    assert.ok(!c.isInlineImage('image/svg+xml'));
    assert.ok(!c.isInlineImage('text/html'));
  });
});

// A stand-in for the plugin's file ops (protocol §10), enough to drive Files.
function fakeFileServer({ maxFileBytes = 200000 } = {}) {
  const files = new Map();
  let counter = 0;
  const refuse = (code, message) => Object.assign(new Error(message), { code });
  return {
    files,
    async request(op, args) {
      if (op === 'file_begin') {
        if (args.size > maxFileBytes) throw refuse('limit', `the file has ${args.size} bytes; the limit is ${maxFileBytes}`);
        counter += 1;
        const id = counter.toString(16).padStart(32, '0');
        files.set(id, { conv: args.conv, size: args.size, chunks: [], complete: false });
        return { file: id, chunks: c.fileChunkCount(args.size), chunk_bytes: 65536, max_file_bytes: maxFileBytes };
      }
      const file = files.get(args.file);
      if (!file) throw refuse('not_found', 'unknown upload');
      if (op === 'file_put') {
        const data = c.fromB64(args.data);
        if (data.length !== c.fileChunkCipherBytes(file.size, args.index)) throw refuse('invalid', 'length');
        file.chunks[args.index] = data;
        return { received: file.chunks.filter(Boolean).length };
      }
      if (op === 'file_end') {
        file.complete = true;
        return { file: args.file };
      }
      if (op === 'file_abort') {
        files.delete(args.file);
        return {};
      }
      if (op === 'file_get') {
        if (file.conv !== args.conv || !file.complete) throw refuse('not_found', 'no such file');
        return { data: c.toB64(file.chunks[args.index]), chunks: file.chunks.length, size: file.size };
      }
      throw refuse('invalid', op);
    },
  };
}

describe('Files (upload and download)', () => {
  test('uploads in chunks with progress, another page fetches and decrypts', async () => {
    const server = fakeFileServer();
    const conv = 'aa'.repeat(16);
    const data = plaintext(150000);
    const progress = [];
    const ref = await new Files(server).upload(conv, { name: 'photo.png', mime: 'image/png', bytes: data },
      (sent, total) => progress.push([sent, total]));
    assert.deepEqual(progress.at(-1), [3, 3]);
    assert.equal(progress.length, 4);
    assert.equal(ref.size, data.length);
    // The server holds ciphertext only.
    const stored = server.files.get(ref.id);
    assert.ok(stored.complete);
    const reader = new Files(server);
    assert.deepEqual(await reader.fetch(conv, ref), data);
    assert.equal(reader.cache.size, 1);
    // Through JSON as a peer receives it.
    const received = parseContent(c.utf8(fileContent(ref))).file;
    assert.deepEqual(await new Files(server).fetch(conv, received), data);
    // Another conversation does not give it.
    await assert.rejects(new Files(server).fetch('bb'.repeat(16), ref), { code: 'not_found' });
  });

  test('an oversized file is refused before anything is encrypted or sent', async () => {
    const server = fakeFileServer({ maxFileBytes: 1000 });
    const files = new Files(server);
    await assert.rejects(files.upload('aa'.repeat(16), { name: 'big', mime: '', bytes: plaintext(1001) }),
      (error) => error.code === 'file_too_large' && error.maxBytes === 1000);
    assert.equal(server.files.size, 0);
  });

  test('a damaged chunk is refused', async () => {
    const server = fakeFileServer();
    const conv = 'aa'.repeat(16);
    const ref = await new Files(server).upload(conv, { name: 'a', mime: '', bytes: plaintext(70000) });
    server.files.get(ref.id).chunks[1][3] ^= 1;
    await assert.rejects(new Files(server).fetch(conv, ref), c.FileError);
  });
});
