// MqttTransport (mqtt.js, MQTT 5 over WebSockets) against a real Mosquitto on
// loopback, without the Foyer plugin: connect, subscribe, publish, receive,
// a request that gets no answer, and reconnection after a broker restart.
// Skipped when mosquitto is not installed.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';

import { MqttTransport } from '../src/transport/mqtt_transport.js';

const MOSQUITTO = ['/usr/sbin/mosquitto', '/usr/bin/mosquitto'].find((path) => existsSync(path));
const skip = MOSQUITTO ? false : 'mosquitto is not installed';

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

function accepts(port) {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}

let dir;
let broker = null;
let wsPort;
let transport;

async function startBroker() {
  broker = spawn(MOSQUITTO, ['-c', join(dir, 'mosquitto.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  broker.stderr.on('data', (chunk) => { log += chunk; });
  for (let i = 0; i < 100; i += 1) {
    if (broker.exitCode !== null) throw new Error(`mosquitto exited: ${log}`);
    if (await accepts(wsPort)) return;
    await sleep(50);
  }
  throw new Error(`mosquitto did not start: ${log}`);
}

async function stopBroker() {
  if (broker === null || broker.exitCode !== null) return;
  const exited = new Promise((resolve) => { broker.once('exit', resolve); });
  broker.kill('SIGTERM');
  await exited;
}

async function until(condition, what) {
  for (let i = 0; i < 200; i += 1) {
    if (condition()) return;
    await sleep(25);
  }
  assert.fail(`timed out waiting for ${what}`);
}

before(async () => {
  if (skip) return;
  dir = mkdtempSync(join(tmpdir(), 'foyer-web-mqtt-'));
  const mqttPort = await freePort();
  wsPort = await freePort();
  writeFileSync(join(dir, 'mosquitto.conf'), [
    'per_listener_settings false', 'allow_anonymous true', 'persistence false', 'log_dest stderr',
    'log_type error', 'log_type notice',
    `listener ${mqttPort} 127.0.0.1`,
    `listener ${wsPort} 127.0.0.1`, 'protocol websockets', 'socket_domain ipv4', '',
  ].join('\n'));
  await startBroker();
  transport = new MqttTransport({ requestTimeoutMs: 300 });
});

after(async () => {
  if (skip) return;
  await transport?.end();
  await stopBroker();
  rmSync(dir, { recursive: true, force: true });
});

test('publishes and receives over WebSockets with MQTT 5', { skip }, async () => {
  const received = [];
  const statuses = [];
  transport.onMessage((topic, text) => received.push([topic, text]));
  transport.onStatus((status) => statuses.push(status));
  await transport.connect({ url: `ws://127.0.0.1:${wsPort}`, username: 'alice', password: 'x', clientId: 'alice:web-test' });
  assert.equal(transport.connected, true);
  assert.equal(transport.client.options.protocolVersion, 5);
  await transport.subscribe(['foyer/c/test/+']);
  await transport.publish('foyer/c/test/m', 'Bonjour\nà tous 🌞');
  await until(() => received.length === 1, 'the message');
  assert.deepEqual(received[0], ['foyer/c/test/m', 'Bonjour\nà tous 🌞']);
  assert.deepEqual(statuses, ['online']);
});

test('a request nobody answers fails with a timeout', { skip }, async () => {
  await assert.rejects(transport.request('whoami'), { name: 'RequestError', code: 'timeout' });
  assert.equal(transport.requester.pending.size, 0);
});

test('reconnects after a broker restart and keeps its subscriptions', { skip }, async () => {
  const statuses = [];
  const received = [];
  transport.onStatus((status) => statuses.push(status));
  transport.onMessage((topic, text) => received.push(text));
  await stopBroker();
  await until(() => statuses.includes('offline'), 'offline');
  await assert.rejects(transport.publish('foyer/c/test/m', 'lost'), { name: 'TransportError' });
  await startBroker();
  await until(() => statuses.at(-1) === 'online', 'the reconnect');
  await until(() => transport.client.connected, 'connected');
  await sleep(200);  // mqtt.js resubscribes right after CONNACK
  await transport.publish('foyer/c/test/m', 'après');
  await until(() => received.includes('après'), 'a message after the reconnect');
});
