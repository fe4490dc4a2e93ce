// The whole system for the browser end-to-end tests: a real mosquitto loading
// the foyer plugin from the build tree, foyer-gateway serving the built web
// client ($FOYER_BUILD_DIR/web), foyer-cli as the command-line peer, and
// Debian's Chromium driven by playwright-core (never a downloaded browser).
// Free loopback ports, a temporary data directory; stop() always stops
// everything it started and removes the directory.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

import { chromium } from 'playwright-core';

const HERE = dirname(fileURLToPath(import.meta.url));
export const REPO = resolve(HERE, '..', '..', '..');
export const BUILD_DIR = resolve(process.env.FOYER_BUILD_DIR ?? join(REPO, 'build'));
const MOSQUITTO = process.env.FOYER_MOSQUITTO ?? '/usr/sbin/mosquitto';
export const CHROMIUM = process.env.FOYER_CHROMIUM ?? '/usr/bin/chromium';
const PLUGIN = join(BUILD_DIR, 'lib', 'foyer_plugin.so');
const GATEWAY = join(BUILD_DIR, 'bin', 'foyer-gateway');
export const CLI = join(BUILD_DIR, 'bin', 'foyer-cli');
export const WEB_ROOT = join(BUILD_DIR, 'web');
export const ARTIFACTS = join(BUILD_DIR, 'test-artifacts');

// Flags for a quiet, offline, reproducible headless Chromium.
export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--disable-dev-shm-usage',
];

const WATCHDOG_MS = 200000;

export const PHONE = { width: 390, height: 844 };
export const DESKTOP = { width: 1280, height: 800 };

function freePorts(count) {
  // Held open together so that the ports differ.
  return new Promise((done, fail) => {
    const servers = [];
    const ports = [];
    const next = () => {
      if (ports.length === count) {
        let closed = 0;
        for (const server of servers) server.close(() => { closed += 1; if (closed === count) done(ports); });
        return;
      }
      const server = createServer();
      server.on('error', fail);
      server.listen(0, '127.0.0.1', () => { ports.push(server.address().port); servers.push(server); next(); });
    };
    next();
  });
}

async function waitFor(what, check, timeoutMs = 20000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = await check();
    if (result) return result;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

function run(file, args, { env = {}, input = null, timeoutMs = 30000 } = {}) {
  return new Promise((done, fail) => {
    const child = execFile(file, args, {
      env: { ...process.env, ...env }, timeout: timeoutMs, maxBuffer: 16 << 20,
    }, (error, stdout, stderr) => {
      if (error) {
        error.message += `\n${file} ${args.join(' ')}\nstderr: ${stderr}`;
        fail(error);
      } else {
        done(stdout);
      }
    });
    if (input !== null) child.stdin.end(input);
  });
}

export function requirements() {
  const missing = [PLUGIN, GATEWAY, CLI, join(WEB_ROOT, 'index.html'), MOSQUITTO, CHROMIUM]
    .filter((path) => !existsSync(path));
  return missing.length === 0 ? null
    : `missing ${missing.join(', ')} (run ./scripts/setup and ./scripts/build with FOYER_BUILD_DIR=${BUILD_DIR})`;
}

export class FoyerSystem {
  constructor(name) {
    this.name = name;
    this.children = [];
    this.browser = null;
    this.dir = null;
  }

  async start() {
    const missing = requirements();
    if (missing) throw new Error(missing);
    // Whatever happens to the test runner, what this file started stops
    // (ctest's timeout kills node alone, not its children).
    this.watchdog = setTimeout(() => {
      process.stderr.write(`${this.name}: watchdog: stopping after ${WATCHDOG_MS} ms\n${this.logs()}\n`);
      for (const child of this.children) child.kill('SIGKILL');
      this.browser?.close().catch(() => {});
      if (this.dir) rmSync(this.dir, { recursive: true, force: true });
      process.exit(1);
    }, WATCHDOG_MS);
    this.watchdog.unref();
    this.dir = mkdtempSync(join(process.env.TMPDIR ?? tmpdir(), 'foyer-e2e-'));
    this.dataDir = join(this.dir, 'data');
    this.cliHome = join(this.dir, 'cli');
    mkdirSync(this.dataDir, { mode: 0o700 });
    mkdirSync(this.cliHome, { mode: 0o700 });
    for (let attempt = 0; ; attempt += 1) {
      [this.mqttPort, this.wsPort, this.httpPort] = await freePorts(3);
      try {
        await this.startBroker();
        break;
      } catch (error) {
        await this.stopChildren();
        if (attempt === 2) throw error;
      }
    }
    await this.startGateway();
    this.url = `http://127.0.0.1:${this.httpPort}/`;
    this.household = JSON.parse(await (await fetch(`${this.url}config.json`)).text()).household;
    this.adminPassword = 'admin password for the e2e test';
    const invite = readFileSync(join(this.dataDir, 'admin-invite'), 'utf8').trim();
    await this.cli('admin', ['register', '--invite', invite]);
    // Chromium never gets a preloaded library (`scripts/test --sanitize`
    // preloads the ASan runtime for the instrumented plugin and programs;
    // Chromium does not start with it).
    const { LD_PRELOAD, ...browserEnv } = process.env;
    this.browser = await chromium.launch({
      executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, timeout: 30000, env: browserEnv,
    });
    return this;
  }

  async startBroker() {
    let config = readFileSync(join(REPO, 'config', 'mosquitto.conf.in'), 'utf8');
    const fields = {
      FOYER_MQTT_PORT: this.mqttPort, FOYER_WS_PORT: this.wsPort, FOYER_PLUGIN: PLUGIN,
      FOYER_DATA_DIR: this.dataDir, FOYER_RUN_USER: userInfo().username,
    };
    for (const [name, value] of Object.entries(fields)) config = config.replaceAll(`@${name}@`, String(value));
    writeFileSync(join(this.dir, 'mosquitto.conf'), config);
    const broker = this.spawn('mosquitto', MOSQUITTO, ['-c', join(this.dir, 'mosquitto.conf')]);
    await waitFor('the broker', () => {
      if (broker.exitCode !== null) throw new Error(`mosquitto exited:\n${broker.log}`);
      return / running/.test(broker.log) && existsSync(join(this.dataDir, 'gateway.key'))
        && existsSync(join(this.dataDir, 'admin-invite'));
    });
  }

  async startGateway() {
    const gateway = this.spawn('gateway', GATEWAY, [
      `--data_dir=${this.dataDir}`, `--broker=mqtt://127.0.0.1:${this.mqttPort}`,
      `--ws_url=ws://127.0.0.1:${this.wsPort}`, `--port=${this.httpPort}`, '--listen=127.0.0.1',
      `--web_root=${WEB_ROOT}`,
    ]);
    await waitFor('the gateway', async () => {
      if (gateway.exitCode !== null) throw new Error(`foyer-gateway exited:\n${gateway.log}`);
      try {
        return (await fetch(`http://127.0.0.1:${this.httpPort}/config.json`)).ok;
      } catch {
        return false;
      }
    });
  }

  spawn(name, file, args) {
    const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child.log = '';
    child.label = name;
    const keep = (chunk) => { child.log = (child.log + chunk).slice(-200000); };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    this.children.push(child);
    return child;
  }

  // foyer-cli as `user` (a person: password from FOYER_PASSWORD).
  cli(user, args, options = {}) {
    return run(CLI, ['--server', `mqtt://127.0.0.1:${this.mqttPort}`, '--home', this.cliHome,
      '--user', user, ...args], {
      ...options, env: { FOYER_PASSWORD: options.password ?? this.adminPassword },
    });
  }

  async invite(name) {
    return (await this.cli('admin', ['invite', name])).trim();
  }

  inviteLink(code) {
    return `${this.url}#invite=${code}`;
  }

  // `foyer-cli listen`, resolved with its JSON lines once it exits.
  async listen(user, password, args) {
    const child = spawn(CLI, ['--server', `mqtt://127.0.0.1:${this.mqttPort}`, '--home', this.cliHome,
      '--user', user, 'listen', ...args], {
      env: { ...process.env, FOYER_PASSWORD: password }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.children.push(child);
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk) => { out += chunk; });
    child.stderr.on('data', (chunk) => { err += chunk; });
    await waitFor('foyer-cli listen to be ready', () => {
      if (child.exitCode !== null) throw new Error(`foyer-cli listen exited: ${err}`);
      return /^ready$/m.test(err);
    });
    const done = new Promise((resolveDone) => {
      child.once('exit', (code) => resolveDone({
        code, err, messages: out.split('\n').filter(Boolean).map((line) => JSON.parse(line)),
      }));
    });
    return { done };
  }

  logs() {
    return this.children.filter((child) => child.label)
      .map((child) => `---- ${child.label} ----\n${child.log.slice(-6000)}`).join('\n');
  }

  async stopChildren() {
    const exits = this.children.map((child) => {
      if (child.exitCode !== null || child.signalCode !== null) return null;
      const exited = new Promise((done) => { child.once('exit', done); });
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 10000);
      return exited.then(() => clearTimeout(killer));
    });
    await Promise.all(exits);
    this.children = [];
  }

  async stop({ failed = false } = {}) {
    clearTimeout(this.watchdog);
    try {
      if (this.browser) await this.browser.close();
    } catch {
      // The browser may already be gone.
    }
    this.browser = null;
    if (failed) process.stderr.write(this.logs());
    await this.stopChildren();
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
    this.dir = null;
  }
}

// A browser context (its own storage: one person's browser) and its page.
// Records CSP violations and every WebSocket frame the page receives.
export async function openPerson(system, { viewport = DESKTOP, bypassCSP = false, locale = 'en-GB' } = {}) {
  const context = await system.browser.newContext({ viewport, bypassCSP, locale });
  await context.addInitScript(() => {
    window.__violations = [];
    document.addEventListener('securitypolicyviolation', (event) => {
      window.__violations.push({ directive: event.violatedDirective, blocked: event.blockedURI, sample: event.sample });
    });
  });
  const page = await context.newPage();
  const person = {
    context, page, frames: [], errors: [],
  };
  page.on('pageerror', (error) => person.errors.push(String(error)));
  page.on('websocket', (socket) => {
    socket.on('framereceived', ({ payload }) => {
      person.frames.push(typeof payload === 'string' ? Buffer.from(payload) : Buffer.from(payload));
    });
  });
  return person;
}

export async function violations(page) {
  return page.evaluate(() => window.__violations ?? []);
}

export async function screenshot(page, name) {
  const dir = join(ARTIFACTS, 'screenshots');
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `${name}.png`), timeout: 60000 });
}

// Runs `steps` ([name, body] pairs, in order) as one suite sharing `system`:
// started before the first step and stopped after the last, with its logs
// printed when a step failed.
export function runSteps(title, system, steps) {
  let failed = false;
  describe(title, () => {
    before(() => system.start());
    after(() => system.stop({ failed }));
    for (const [name, body] of steps) {
      it(name, async () => {
        try {
          await body();
        } catch (error) {
          failed = true;
          throw error;
        }
      });
    }
  });
}

export { assert, sleep, waitFor };
