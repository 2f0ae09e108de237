// Real processes for the browser E2E tests: confabd, confab-web, the confab
// CLI, and Chromium through playwright-core. Nothing here is faked.
import { spawn, execFile } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const UI_DIR = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const RESULTS_DIR = join(UI_DIR, 'test-results');
const TARGET = process.env.CARGO_TARGET_DIR || '/root/.cache/confab/target';
export const bin = (name) => join(TARGET, 'debug', name);
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

export function tempDir(prefix) {
  return mkdtempSync(join(tmpdir(), `confab-e2e-${prefix}-`));
}

/** Spawns a process and resolves with the first stdout match of `pattern`. */
function spawnUntil(cmd, args, { env, pattern, name, timeout = 30_000 }) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${name}: no "${pattern}" within ${timeout} ms\nstdout: ${out}\nstderr: ${err}`));
    }, timeout);
    child.stdout.on('data', (d) => {
      out += d;
      const m = out.match(pattern);
      if (m) {
        clearTimeout(timer);
        resolvePromise({ child, match: m });
      }
    });
    child.stderr.on('data', (d) => {
      err += d;
      if (process.env.E2E_VERBOSE) process.stderr.write(`[${name}] ${d}`);
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code}\nstdout: ${out}\nstderr: ${err}`));
    });
  });
}

function stopChild(child) {
  return new Promise((res) => {
    if (child.exitCode !== null || child.signalCode !== null) return res();
    child.once('exit', () => res());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 5000).unref();
  });
}

/** A real confabd on 127.0.0.1 (port 0 = any), restartable on the same port and data. */
export async function startConfabd({ dataDir = tempDir('confabd'), listen = '127.0.0.1:0', env = {} } = {}) {
  const { child, match } = await spawnUntil(bin('confabd'), [], {
    env: { CONFABD_DATA_DIR: dataDir, CONFABD_LISTEN: listen, ...env },
    pattern: /confabd listening on (http:\/\/127\.0\.0\.1:(\d+))/,
    name: 'confabd',
  });
  const url = match[1];
  const port = Number(match[2]);
  return {
    url,
    port,
    dataDir,
    child,
    stop: () => stopChild(child),
    restart: () => startConfabd({ dataDir, listen: `127.0.0.1:${port}`, env }),
  };
}

/**
 * The real web host serving ui/dist and the bridge. `url` is the URL it
 * printed, with its per-launch token (opening it sets the session cookie);
 * `base` is the UI's origin without it, `filesOrigin` the origin of the
 * downloaded files (`/local`).
 */
export async function startWeb({ server, dataDir = tempDir('web') }) {
  const args = ['--port', '0', '--ui-dir', join(UI_DIR, 'dist'), '--data-dir', dataDir];
  if (server) args.push('--server', server);
  const { child, match } = await spawnUntil(bin('confab-web'), args, {
    env: {},
    pattern:
      /confab-web files on (http:\/\/127\.0\.0\.1:\d+)\s+confab-web listening on ((http:\/\/127\.0\.0\.1:\d+)\/\?token=([0-9a-f]+))\s/,
    name: 'confab-web',
  });
  return {
    url: match[2],
    base: match[3],
    token: match[4],
    filesOrigin: match[1],
    dataDir,
    child,
    stop: () => stopChild(child),
  };
}

/** One `confab` CLI command; resolves with stdout. */
export function cli(profile, ...args) {
  return new Promise((res, rej) => {
    execFile(bin('confab'), ['--profile', profile, ...args], { timeout: 30_000 }, (err, stdout, stderr) => {
      if (err) rej(new Error(`confab ${args.join(' ')} failed: ${err.message}\n${stderr}`));
      else res(stdout);
    });
  });
}

/**
 * `confab listen` in the background: every JSON event line it prints.
 * `ready` resolves once it is logged in (first event printed or after a delay).
 */
export function cliListen(profile, ...args) {
  const child = spawn(bin('confab'), ['--profile', profile, 'listen', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const events = [];
  let buf = '';
  let stderr = '';
  const waiters = [];
  child.stdout.on('data', (d) => {
    buf += d;
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i).trim();
      buf = buf.slice(i + 1);
      if (!line) continue;
      try {
        events.push(JSON.parse(line));
      } catch {
        events.push({ raw: line });
      }
      for (const w of [...waiters]) w();
    }
  });
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise((res) => child.on('exit', (code) => res(code)));
  return {
    child,
    events,
    exited,
    get stderr() {
      return stderr;
    },
    /** Resolves when `predicate(events)` holds. */
    waitFor(predicate, timeout = 20_000) {
      return new Promise((res, rej) => {
        const check = () => {
          if (predicate(events)) {
            waiters.splice(waiters.indexOf(check), 1);
            clearTimeout(t);
            res(events);
          }
        };
        const t = setTimeout(() => {
          waiters.splice(waiters.indexOf(check), 1);
          rej(new Error(`listen: condition not met; events: ${JSON.stringify(events)}\n${stderr}`));
        }, timeout);
        waiters.push(check);
        check();
      });
    },
    stop: () => stopChild(child),
  };
}

/** Chromium; `args` are extra command-line switches. */
export async function launchBrowser({ args = [] } = {}) {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', ...args],
  });
}

/** A page that records console errors and page errors. */
export async function openPage(browser, url, { viewport = { width: 1200, height: 760 }, locale = 'en-US', colorScheme = 'light' } = {}) {
  const context = await browser.newContext({ viewport, locale, colorScheme });
  const page = await context.newPage();
  const errors = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`console: ${msg.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  await page.goto(url);
  return { context, page, errors };
}

export function ensureResultsDir() {
  if (!existsSync(RESULTS_DIR)) mkdirSync(RESULTS_DIR, { recursive: true });
  return RESULTS_DIR;
}

export function removeDir(dir) {
  try {
    rmSync(dir, { recursive: true, force: true });
  } catch {
    /* best effort */
  }
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
