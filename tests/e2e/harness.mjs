// Real processes for the desktop E2E tests: confabd, the confab CLI,
// tauri-driver (which starts WebKitWebDriver, which starts the app), and
// memory readings from /proc. Nothing is faked.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { homedir } from 'node:os';
import { connect } from 'node:net';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { remote } from 'webdriverio';
import * as processes from './support/processes.mjs';

export { removeDir } from './support/processes.mjs';

export const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const PROFILE = process.env.CONFAB_E2E_PROFILE || 'debug';
export const bin = (name) => processes.binOf(name, PROFILE);
export const APP = process.env.CONFAB_DESKTOP_BIN || bin('confab-desktop');
export const RESULTS_DIR = join(ROOT, 'test-results', 'desktop');
const TAURI_DRIVER = process.env.TAURI_DRIVER || join(homedir(), '.cargo/bin/tauri-driver');

export function tempDir(prefix) {
  return processes.makeTempDir(`confab-desktop-e2e-${prefix}`);
}

export function resultsDir() {
  mkdirSync(RESULTS_DIR, { recursive: true });
  return RESULTS_DIR;
}

export const stop = processes.stopChild;

/** A real confabd on 127.0.0.1, any port. */
export function startConfabd() {
  return processes.startConfabd({
    dataDir: tempDir('confabd'),
    // The desktop scenarios seed a 10,000-message conversation through the
    // CLI: that fixture is not a user, so confabd's per-user send rate is off.
    env: { CONFABD_SEND_RATE_PER_SEC: '0' },
    bin: bin('confabd'),
  });
}

/** One `confab` CLI command; resolves with stdout. */
export function cli(profile, args, { env = {}, timeout = 120_000 } = {}) {
  return processes.runCli(profile, args, { env, timeout, bin: bin('confab') });
}

/** `confab listen`: every event it prints, and a way to wait for one. */
export function listen(profile) {
  return processes.listenCli(profile, [], { bin: bin('confab'), waitTimeout: 30_000 });
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
    await reapApp();
  }
}

/**
 * Waits until no app process is left (an app closing a large store can take a
 * while after its session ends), then kills what still lingers, so the next
 * test finds only the app it launched.
 */
async function reapApp(timeout = 15_000) {
  const deadline = performance.now() + timeout;
  while (appPids().length > 0 && performance.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
  }
  for (const pid of appPids()) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
  while (appPids().length > 0) await new Promise((r) => setTimeout(r, 20));
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

/**
 * Clicks the element `selector` names, looking it up again when
 * WebKitWebDriver reports it stale (the UI re-rendered it between the
 * lookup and the click, so the click did not happen) or the click
 * intercepted (something was still moving over it: a menu or dialog
 * sliding in); neither click happened, so trying again is safe.
 */
export async function click(browser, selector) {
  for (let attempt = 0; ; attempt++) {
    try {
      const element = await browser.$(selector);
      await element.waitForDisplayed();
      await element.click();
      return;
    } catch (e) {
      if (attempt >= 4 || !/stale|intercepted/i.test(String(e?.message ?? e))) throw new Error(`clicking ${selector}: ${e?.message ?? e}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

/**
 * Resolves once `selector` matches an element of the page (with `gone`:
 * matches none), asked of the page itself, so no element handle can go
 * stale while the UI re-renders.
 */
export async function waitForSelector(browser, selector, { gone = false, timeout = 30_000 } = {}) {
  await browser.waitUntil(async () => (await browser.execute((s) => document.querySelector(s) !== null, selector)) !== gone, {
    timeout,
    timeoutMsg: `${selector} ${gone ? 'is still there' : 'never appeared'} after ${timeout} ms`,
  });
}

/**
 * Registers each `[userID, profile]` on `server` through the CLI with its
 * password from `passwords`; the app's user (`appUser`, registered from a
 * CLI profile of its own) is logged out again, so the app signs in alone.
 */
export async function registerUsers(server, accounts, passwords, appUser = 'alice') {
  for (const [user, profile] of accounts) {
    await cli(profile, ['register', user, '--server', server.url], { env: { CONFAB_PASSWORD: passwords[user] } });
  }
  const app = accounts.find(([user]) => user === appUser);
  if (app) await cli(app[1], ['logout']);
}

/** The session bus's Notify calls, as dbus-monitor prints them (all of its output so far). */
export function recordNotifications() {
  const monitor = spawn('dbus-monitor', ['--session', "type='method_call',interface='org.freedesktop.Notifications',member='Notify'"], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const record = { monitor, text: '' };
  monitor.stdout.on('data', (d) => (record.text += d));
  return record;
}

/** Resolves once `check()` holds (polled every 50 ms, up to 30 s). */
export async function until(check, what) {
  const end = Date.now() + 30_000;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const xdotool = (...args) => execFileSync('xdotool', args.map(String), { encoding: 'utf8' }).trim();
const appWindows = () => xdotool('search', '--onlyvisible', '--pid', appPids()[0]).split('\n').filter(Boolean);

/**
 * Completes the native GTK file chooser (open or save) that `open()`
 * brings up: waits for the app's new dialog-sized top-level window, types `path` into
 * its location field (`ctrl+L`, then the whole path) and presses Return,
 * again until the chooser has closed (a chooser still opening can drop
 * keys). Needs xdotool.
 */
export async function completeFileChooser(open, path) {
  const pause = (ms) => new Promise((r) => setTimeout(r, ms));
  const before = appWindows();
  await open();
  let dialog;
  const deadline = Date.now() + 20_000;
  // A window as big as a dialog: a tooltip (the button's title, shown
  // under the pointer after the click) is a new top-level window too.
  const dialogSized = (id) => {
    try {
      const g = xdotool('getwindowgeometry', '--shell', id);
      const size = (key) => Number(g.match(new RegExp(`${key}=(\\d+)`))?.[1] ?? 0);
      return size('WIDTH') >= 300 && size('HEIGHT') >= 200;
    } catch {
      return false;
    }
  };
  while (!dialog) {
    dialog = appWindows().find((id) => !before.includes(id) && dialogSized(id));
    if (!dialog) {
      if (Date.now() > deadline) throw new Error('no file chooser appeared');
      await pause(100);
    }
  }
  for (let attempt = 0; appWindows().includes(dialog); attempt++) {
    if (attempt === 8) throw new Error('the file chooser did not take the path');
    await pause(250 * (attempt + 1));
    try {
      xdotool('windowfocus', '--sync', dialog);
      xdotool('key', 'ctrl+l');
      await pause(150);
      xdotool('key', 'ctrl+a');
      xdotool('type', '--delay', 5, path);
      await pause(150);
      xdotool('key', 'Return');
    } catch {
      // The chooser closed between the check and the keys.
    }
    await pause(500);
  }
}
