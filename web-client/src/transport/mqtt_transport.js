// MQTT 5 over WebSockets with mqtt.js: connect, subscribe, publish, requests,
// and automatic reconnection. The domain layer sees only this interface (a
// test fake implements the same):
//   connect({ url, username, password, clientId, will }) -> Promise
//   subscribe(filters) -> Promise        publish(topic, text, opts) -> Promise
//   request(op, args) -> Promise         end() -> Promise
//   onMessage(fn(topic, text))           onStatus(fn(status, detail))
// status: 'online' (first connect and every reconnect), 'offline', 'closed'.
import mqtt from 'mqtt';

import { Requester } from './requester.js';

const RECONNECT_PERIOD_MS = 2000;
const CONNECT_TIMEOUT_MS = 15000;
const textDecoder = new TextDecoder();

// MQTT 5 CONNACK reason codes the login screen tells apart.
export const CONNACK_BAD_CREDENTIALS = 134;
export const CONNACK_NOT_AUTHORIZED = 135;

export class TransportError extends Error {
  constructor(message, reasonCode = 0) {
    super(message);
    this.name = 'TransportError';
    this.reasonCode = reasonCode;
  }
}

export class MqttTransport {
  // timer: mqtt.js's `timerVariant` (see worker_timer.js); its default
  // makes a worker from a blob: URL, which the page's CSP refuses.
  constructor({ connectFunction = mqtt.connect, requestTimeoutMs, timer = undefined } = {}) {
    this.timer = timer;
    this.connectFunction = connectFunction;
    this.client = null;
    this.messageHandlers = [];
    this.statusHandlers = [];
    this.requester = new Requester((topic, text) => this.publish(topic, text, { qos: 1 }),
      { timeoutMs: requestTimeoutMs });
  }

  onMessage(handler) {
    this.messageHandlers.push(handler);
  }

  onStatus(handler) {
    this.statusHandlers.push(handler);
  }

  // Resolves on the first CONNACK; rejects (and stops retrying) when the
  // broker refuses the login or nothing answers in time.
  connect({
    url, username, password, clientId, will = null, reconnect = true,
  }) {
    return new Promise((resolve, reject) => {
      let settled = false;
      const client = this.connectFunction(url, {
        protocolVersion: 5,
        clientId,
        username,
        password,
        clean: true,
        keepalive: 30,
        reconnectPeriod: reconnect ? RECONNECT_PERIOD_MS : 0,
        connectTimeout: CONNECT_TIMEOUT_MS,
        resubscribe: true,
        will: will ?? undefined,
        ...(this.timer === undefined ? {} : { timerVariant: this.timer }),
      });
      this.client = client;
      client.on('connect', () => {
        if (!settled) {
          settled = true;
          resolve();
        }
        this.emitStatus('online');
      });
      client.on('error', (error) => {
        const reasonCode = error.code ?? 0;
        if (!settled) {
          settled = true;
          client.end(true);
          reject(new TransportError(error.message, reasonCode));
        } else if (reasonCode === CONNACK_BAD_CREDENTIALS || reasonCode === CONNACK_NOT_AUTHORIZED) {
          // A reconnect refused: the account was disabled, reset or its
          // password changed. Retrying cannot help.
          client.end(true);
          this.emitStatus('refused');
        }
      });
      client.on('close', () => {
        this.requester.failAll('offline');
        this.emitStatus(settled ? 'offline' : 'closed');
        if (!settled && !reconnect) {
          settled = true;
          reject(new TransportError('connection closed'));
        }
      });
      client.on('message', (topic, payload) => {
        const text = textDecoder.decode(payload);
        if (this.requester.handleMessage(topic, text)) return;
        for (const handler of this.messageHandlers) handler(topic, text);
      });
    });
  }

  get connected() {
    return this.client !== null && this.client.connected;
  }

  subscribe(filters) {
    return new Promise((resolve, reject) => {
      if (!this.client) {
        reject(new TransportError('not connected'));
        return;
      }
      this.client.subscribe(filters, { qos: 1 }, (error, granted) => {
        if (error) {
          reject(new TransportError(error.message));
          return;
        }
        const refused = (granted || []).filter((grant) => grant.qos >= 0x80);
        if (refused.length > 0) {
          reject(new TransportError(`subscription refused: ${refused.map((g) => g.topic)}`,
            refused[0].qos));
          return;
        }
        resolve();
      });
    });
  }

  unsubscribe(filters) {
    return new Promise((resolve) => {
      if (!this.client) {
        resolve();
        return;
      }
      this.client.unsubscribe(filters, () => resolve());
    });
  }

  // Settles with the PUBACK (QoS 1); rejects with the reason code when the
  // server refused the message (0x87) or the connection is down.
  publish(topic, text, { qos = 1, retain = false } = {}) {
    return new Promise((resolve, reject) => {
      if (!this.client || !this.client.connected) {
        reject(new TransportError('offline'));
        return;
      }
      this.client.publish(topic, text, { qos, retain }, (error) => {
        if (error) reject(new TransportError(error.message, error.code ?? 0));
        else resolve();
      });
    });
  }

  request(op, args) {
    return this.requester.request(op, args);
  }

  end() {
    return new Promise((resolve) => {
      const { client } = this;
      this.client = null;
      this.requester.failAll('closed');
      if (!client) {
        resolve();
        return;
      }
      client.end(false, {}, () => resolve());
    });
  }

  emitStatus(status) {
    for (const handler of this.statusHandlers) handler(status);
  }
}
