// Files (docs/protocol.md §10): encrypt in the page, upload in chunks with
// progress, then share the reference in an ordinary message; fetch, check and
// decrypt on the other side. Decrypted files are cached (by file id) for the
// page's lifetime, so that re-rendering a conversation does not download
// them again; `clear()` drops them (logout).
import {
  encryptFile, fileChunkCount, fileDecryptor, fromB64, toB64,
} from '../crypto/index.js';
import { DomainError } from './errors.js';

// Chunk requests kept in flight during an upload.
const UPLOAD_WINDOW = 3;
// Decrypted files kept in memory, at most (the oldest are dropped first).
const CACHE_BYTES = 64 * 1024 * 1024;

// The server's refusal of a file_begin as a DomainError the view can explain.
function beginError(error) {
  if (error?.code !== 'limit') return error;
  const message = String(error.message ?? '');
  if (message.includes('quota')) return new DomainError('file_quota', message);
  if (message.includes('uploads at a time')) return new DomainError('file_busy', message);
  const max = /limit is (\d+)/.exec(message);
  const refusal = new DomainError('file_too_large', message);
  refusal.maxBytes = max ? Number(max[1]) : null;
  return refusal;
}

export class Files {
  constructor(session) {
    this.session = session;
    this.cache = new Map();     // file id -> Uint8Array (plaintext)
    this.loading = new Map();   // file id -> Promise<Uint8Array>
    this.maxFileBytes = null;   // learned from the server's answers
  }

  // Encrypts `bytes` (Uint8Array) and uploads it into `convId`; `onProgress`
  // gets (sent chunks, total chunks). Resolves with the reference (key
  // included) to share in a message. An upload that fails is aborted.
  async upload(convId, { name, mime, bytes }, onProgress = () => {}) {
    const { session } = this;
    if (this.maxFileBytes !== null && bytes.length > this.maxFileBytes) {
      const refusal = new DomainError('file_too_large');
      refusal.maxBytes = this.maxFileBytes;
      throw refusal;
    }
    let begun;
    try {
      begun = await session.request('file_begin', { conv: convId, size: bytes.length });
    } catch (error) {
      throw beginError(error);
    }
    if (Number.isSafeInteger(begun.max_file_bytes)) this.maxFileBytes = begun.max_file_bytes;
    const file = begun.file;
    const encrypted = encryptFile(bytes);
    const total = encrypted.chunks.length;
    if (begun.chunks !== total) throw new DomainError('internal', 'unexpected chunk count');
    try {
      let next = 0;
      let done = 0;
      onProgress(0, total);
      const worker = async () => {
        while (next < total) {
          const index = next;
          next += 1;
          await session.request('file_put', { file, index, data: toB64(encrypted.chunks[index]) });
          done += 1;
          onProgress(done, total);
        }
      };
      await Promise.all(Array.from({ length: Math.min(UPLOAD_WINDOW, total) }, worker));
      await session.request('file_end', { file });
    } catch (error) {
      session.request('file_abort', { file }).catch(() => {});
      throw error;
    }
    this.remember(file, bytes);
    return {
      id: file,
      name,
      mime: mime || 'application/octet-stream',
      size: bytes.length,
      key: encrypted.key,
      header: encrypted.header,
      hash: encrypted.hash,
    };
  }

  // The plaintext of a shared file (Uint8Array); downloads, checks and
  // decrypts it once. Rejects with a FileError (damaged) or a RequestError.
  fetch(convId, ref) {
    const cached = this.cache.get(ref.id);
    if (cached) return Promise.resolve(cached);
    if (!this.loading.has(ref.id)) {
      const loading = this.download(convId, ref).finally(() => this.loading.delete(ref.id));
      this.loading.set(ref.id, loading);
    }
    return this.loading.get(ref.id);
  }

  async download(convId, ref, onProgress = () => {}) {
    const decryptor = fileDecryptor(ref);
    const total = fileChunkCount(ref.size);
    for (let index = 0; index < total; index += 1) {
      const got = await this.session.request('file_get', { conv: convId, file: ref.id, index });
      const chunk = fromB64(got.data);
      if (chunk === null) throw new DomainError('file_damaged');
      decryptor.add(chunk);
      onProgress(index + 1, total);
    }
    const plaintext = decryptor.finish();
    this.remember(ref.id, plaintext);
    return plaintext;
  }

  remember(id, plaintext) {
    this.cache.set(id, plaintext);
    let total = 0;
    for (const bytes of this.cache.values()) total += bytes.length;
    for (const [oldId, bytes] of this.cache) {
      if (total <= CACHE_BYTES) break;
      this.cache.delete(oldId);
      total -= bytes.length;
    }
  }

  clear() {
    this.cache.clear();
    this.loading.clear();
  }
}
