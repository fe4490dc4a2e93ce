// Message plaintexts (docs/protocol.md §5): JSON objects; version 1 knows
// {"type":"text","text":...,"reply_to"?:cmid} and {"type":"file",...} (§10). Unknown types are kept as
// such so that the view can say "unsupported message".
import { fileRefFromJson, fileRefToJson } from '../crypto/file.js';
import { validHexId } from '../crypto/names.js';
import { fromUtf8 } from '../crypto/sodium.js';

export const MAX_TEXT_LENGTH = 16000;

export function textContent(text, replyTo = null) {
  const content = { type: 'text', text };
  if (replyTo) content.reply_to = replyTo;
  return JSON.stringify(content);
}

// A file message (§10): the reference (with its key) and an optional caption.
export function fileContent(ref, caption = '', replyTo = null) {
  const content = { type: 'file', file: fileRefToJson(ref) };
  if (caption) content.text = caption;
  if (replyTo) content.reply_to = replyTo;
  return JSON.stringify(content);
}

// { type: 'text', text, replyTo } | { type: 'file', file, text, replyTo } |
// { type: 'unsupported' } | null (garbage).
export function parseContent(plaintextBytes) {
  const text = fromUtf8(plaintextBytes);
  if (text === null) return null;
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    return null;
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return null;
  if (json.type === 'text' && typeof json.text === 'string') {
    return {
      type: 'text',
      text: json.text,
      replyTo: validHexId(json.reply_to) ? json.reply_to : null,
    };
  }
  if (json.type === 'file' && (json.text === undefined || typeof json.text === 'string')) {
    const file = fileRefFromJson(json.file);
    if (file !== null) {
      return {
        type: 'file',
        file,
        text: json.text ?? '',
        replyTo: validHexId(json.reply_to) ? json.reply_to : null,
      };
    }
  }
  return { type: 'unsupported' };
}
