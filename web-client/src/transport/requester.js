// Requests to the plugin (docs/protocol.md §7): publish {"id","op",...} on
// $CONTROL/foyer/v1 and wait for the answer with the same id on
// $CONTROL/foyer/v1/response. The broker sends responses to the requesting
// client id only, without a subscription.
import { REQUEST_TOPIC, RESPONSE_TOPIC } from './topics.js';

export const DEFAULT_REQUEST_TIMEOUT_MS = 15000;

// A refused request: `code` is the protocol's error code (invalid, denied,
// not_found, conflict, limit, expired, rotate_needed, internal), or
// 'timeout' / 'offline' when no answer came.
export class RequestError extends Error {
  constructor(code, message) {
    super(message || code);
    this.name = 'RequestError';
    this.code = code;
  }
}

let requestCounter = 0;

export class Requester {
  // `publish(topic, text)` returns a promise that settles with the PUBACK.
  constructor(publish, { timeoutMs = DEFAULT_REQUEST_TIMEOUT_MS } = {}) {
    this.publish = publish;
    this.timeoutMs = timeoutMs;
    this.pending = new Map();
    this.prefix = Math.random().toString(36).slice(2, 10);
  }

  // Resolves with the response object (ok: true) or rejects with RequestError.
  request(op, args = {}) {
    requestCounter += 1;
    const id = `${this.prefix}-${requestCounter}`;
    const payload = JSON.stringify({ ...args, id, op });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new RequestError('timeout', `no answer to ${op}`));
      }, this.timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      this.publish(REQUEST_TOPIC, payload).catch((error) => {
        this.settle(id, null, new RequestError('offline', `${op} not sent: ${error.message}`));
      });
    });
  }

  // Feed every incoming message here; returns true when it was a response.
  handleMessage(topic, payloadText) {
    if (topic !== RESPONSE_TOPIC) return false;
    let response;
    try {
      response = JSON.parse(payloadText);
    } catch {
      return true;
    }
    if (response === null || typeof response !== 'object' || typeof response.id !== 'string') {
      return true;
    }
    if (response.ok === true) {
      this.settle(response.id, response, null);
    } else {
      this.settle(response.id, null,
        new RequestError(String(response.error || 'internal'), String(response.message || '')));
    }
    return true;
  }

  // Fails every request still waiting (the connection is gone).
  failAll(code = 'offline') {
    for (const id of [...this.pending.keys()]) {
      this.settle(id, null, new RequestError(code, 'connection lost'));
    }
  }

  settle(id, response, error) {
    const entry = this.pending.get(id);
    if (entry === undefined) return;
    this.pending.delete(id);
    clearTimeout(entry.timer);
    if (error) entry.reject(error);
    else entry.resolve(response);
  }
}
