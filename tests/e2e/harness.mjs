// Real processes for the desktop E2E tests: confabd, the confab CLI,
// tauri-driver (which starts WebKitWebDriver, which starts the app), and
// memory readings from /proc. Nothing is faked.
import { spawn, execFile } from 'node:child_process';
import { mkdtempSync, rmSync, mkdirSync, readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { tmpdir, homedir } from 'node:os';
import { connect } from 'node:net';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { remote } from 'webdriverio';

export const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const TARGET = process.env.CARGO_TARGET_DIR || join(homedir(), '.cache/confab/target');
const PROFILE = process.env.CONFAB_E2E_PROFILE || 'debug';
export const bin = (name) => join(TARGET, PROFILE, name);
export const APP = process.env.CONFAB_DESKTOP_BIN || bin('confab-desktop');
export const RESULTS_DIR = join(ROOT, 'test-results', 'desktop');
const TAURI_DRIVER = process.env.TAURI_DRIVER || join(homedir(), '.cargo/bin/tauri-driver');

export function tempDir(prefix) {
  return mkdtempSync(join(tmpdir(), `confab-desktop-e2e-${prefix}-`));
}

export function resultsDir() {
  mkdirSync(RESULTS_DIR, { recursive: true });
  return RESULTS_DIR;
}

export function removeDir(dir) {
  rmSync(dir, { recursive: true, force: true });
}

/** Spawns a process and resolves once its output matches `pattern`. */
function spawnUntil(cmd, args, { env = {}, pattern, name, timeout = 30_000, stream = 'stdout' }) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${name}: no ${pattern} within ${timeout} ms\n${out}`));
    }, timeout);
    const onData = (which) => (d) => {
      if (process.env.E2E_VERBOSE) process.stderr.write(`[${name}] ${d}`);
      out += d;
      const m = which === stream && out.match(pattern);
      if (m) {
        clearTimeout(timer);
        resolvePromise({ child, match: m });
      }
    };
    child.stdout.on('data', onData('stdout'));
    child.stderr.on('data', onData('stderr'));
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code}\n${out}`));
    });
  });
}

export function stop(child) {
  return new Promise((res) => {
    if (!child || child.exitCode !== null || child.signalCode !== null) return res();
    child.once('exit', () => res());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 5000).unref();
  });
}

/** A real confabd on 127.0.0.1, any port. */
export async function startConfabd() {
  const dataDir = tempDir('confabd');
  const { child, match } = await spawnUntil(bin('confabd'), [], {
    // The desktop scenarios seed a 10,000-message conversation through the
    // CLI: that fixture is not a user, so confabd's per-user send rate is off.
    env: { CONFABD_DATA_DIR: dataDir, CONFABD_LISTEN: '127.0.0.1:0', CONFABD_SEND_RATE_PER_SEC: '0' },
    pattern: /confabd listening on (http:\/\/127\.0\.0\.1:\d+)/,
    name: 'confabd',
  });
  return { url: match[1], dataDir, child, stop: () => stop(child) };
}

/** One `confab` CLI command; resolves with stdout. */
export function cli(profile, args, { env = {}, timeout = 120_000 } = {}) {
  return new Promise((res, rej) => {
    execFile(bin('confab'), ['--profile', profile, ...args], { timeout, env: { ...process.env, ...env }, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      if (err) rej(new Error(`confab ${args.join(' ')}: ${err.message}\n${stderr}`));
      else res(stdout);
    });
  });
}

/** `confab listen`: every event it prints, and a way to wait for one. */
export function listen(profile) {
  const child = spawn(bin('confab'), ['--profile', profile, 'listen'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const events = [];
  const waiters = new Set();
  let buffer = '';
  child.stdout.on('data', (d) => {
    buffer += d;
    let i;
    while ((i = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, i).trim();
      buffer = buffer.slice(i + 1);
      if (line) events.push(JSON.parse(line));
      for (const w of waiters) w();
    }
  });
  return {
    child,
    events,
    waitFor(predicate, timeout = 30_000) {
      return new Promise((res, rej) => {
        const check = () => {
          if (predicate(events)) {
            waiters.delete(check);
            clearTimeout(timer);
            res();
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          rej(new Error(`listen: not seen; events: ${JSON.stringify(events).slice(0, 2000)}`));
        }, timeout);
        waiters.add(check);
        check();
      });
    },
    stop: () => stop(child),
  };
}

/** Resolves once something accepts TCP connections on 127.0.0.1:port. */
async function waitForPort(port, timeout = 10_000) {
  const deadline = performance.now() + timeout;
  for (;;) {
    const open = await new Promise((res) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => (socket.destroy(), res(true)));
      socket.once('error', () => res(false));
    });
    if (open) return;
    if (performance.now() > deadline) throw new Error(`nothing listens on ${port}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * The app through tauri-driver (ports 4444/4445: never two suites at once).
 * `env` reaches the app: tauri-driver → WebKitWebDriver → app inherit it.
 * `started` is taken before tauri-driver is spawned.
 */
export async function launchApp(env) {
  const started = performance.now();
  const driver = spawn(TAURI_DRIVER, [], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', process.env.E2E_VERBOSE ? 'inherit' : 'ignore'],
  });
  await waitForPort(4444);
  const browser = await remote({
    hostname: '127.0.0.1',
    port: 4444,
    logLevel: 'error',
    waitforInterval: 20,
    waitforTimeout: 30_000,
    capabilities: { 'tauri:options': { application: APP } },
  });
  return { browser, driver, started };
}

export async function quitApp({ browser, driver }) {
  try {
    await browser?.deleteSession();
  } finally {
    await stop(driver);
  }
}

/** The processes whose executable is the app, started by this test run. */
export function appPids() {
  const pids = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readlinkSync(`/proc/${entry}/exe`) === APP) pids.push(Number(entry));
    } catch {
      /* gone, or not ours to read */
    }
  }
  return pids;
}

function children(pid) {
  const out = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push(Number(entry));
    } catch {
      /* gone */
    }
  }
  return out;
}

/** PSS (kB) of a process and all its descendants (the WebKit processes), by name. */
export function pss(rootPid) {
  const rows = [];
  const queue = [rootPid];
  while (queue.length) {
    const pid = queue.shift();
    try {
      const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
      const kb = Number(rollup.match(/^Pss:\s+(\d+) kB/m)[1]);
      const name = readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
      rows.push({ pid, name, kb });
    } catch {
      /* gone */
    }
    queue.push(...children(pid));
  }
  return { rows, totalKb: rows.reduce((a, r) => a + r.kb, 0) };
}

/** Fills the welcome form and submits it (`register` switches it to sign-up first). */
export async function signIn(browser, userID, password, { register = false } = {}) {
  const user = await browser.$('input[name="userID"]');
  await user.waitForDisplayed();
  if (register) await (await browser.$('form button.link.center')).click();
  await user.setValue(userID);
  await (await browser.$('input[name="password"]')).setValue(password);
  await (await browser.$('form button[type="submit"]')).click();
}
