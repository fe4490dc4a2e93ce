// Message plaintexts (docs/protocol.md §5): JSON objects; version 1 knows
// {"type":"text","text":...,"reply_to"?:cmid}. Unknown types are kept as
// such so that the view can say "unsupported message".
import { validHexId } from '../crypto/names.js';
import { fromUtf8 } from '../crypto/sodium.js';

export const MAX_TEXT_LENGTH = 16000;

export function textContent(text, replyTo = null) {
  const content = { type: 'text', text };
  if (replyTo) content.reply_to = replyTo;
  return JSON.stringify(content);
}

// { type: 'text', text, replyTo } | { type: 'unsupported' } | null (garbage).
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
  return { type: 'unsupported' };
}
