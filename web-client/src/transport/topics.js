// Topic names (docs/protocol.md §6, §7).
import { validHexId, validUserName } from '../crypto/names.js';

export const REQUEST_TOPIC = '$CONTROL/foyer/v1';
export const RESPONSE_TOPIC = '$CONTROL/foyer/v1/response';

export const sendTopic = (conv) => `foyer/c/${conv}/send`;
export const messageTopic = (conv) => `foyer/c/${conv}/m`;
export const signalTopic = (conv) => `foyer/c/${conv}/signal`;
export const ephemeralTopic = (conv) => `foyer/c/${conv}/e`;
// One subscription covers a conversation's /m and /e (the server refuses
// nothing a member may read; /send and /signal are never delivered).
export const conversationFilter = (conv) => `foyer/c/${conv}/+`;
export const inboxTopic = (user) => `foyer/u/${user}/inbox`;
export const presenceTopic = (user) => `foyer/p/${user}`;
export const PRESENCE_FILTER = 'foyer/p/+';

const CONVERSATION_LEAVES = {
  send: 'send', m: 'messages', signal: 'signal', e: 'ephemeral',
};

// { kind, id }: kind is one of send, messages, signal, ephemeral, inbox,
// presence, request, response, other; id the conversation or user ('' if none).
export function parseTopic(topic) {
  if (topic === REQUEST_TOPIC) return { kind: 'request', id: '' };
  if (topic === RESPONSE_TOPIC) return { kind: 'response', id: '' };
  const levels = topic.split('/');
  const other = { kind: 'other', id: '' };
  if (levels.length < 3 || levels[0] !== 'foyer') return other;
  const [, area, id] = levels;
  if (area === 'c' && levels.length === 4 && validHexId(id)
      && Object.hasOwn(CONVERSATION_LEAVES, levels[3])) {
    return { kind: CONVERSATION_LEAVES[levels[3]], id };
  }
  if (area === 'u' && levels.length === 4 && levels[3] === 'inbox' && validUserName(id)) {
    return { kind: 'inbox', id };
  }
  if (area === 'p' && levels.length === 3 && validUserName(id)) return { kind: 'presence', id };
  return other;
}
