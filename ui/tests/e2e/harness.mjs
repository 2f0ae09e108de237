// Real processes for the browser E2E tests: confabd, confab-web, the confab
// CLI, and Chromium through playwright-core. Nothing here is faked.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import * as processes from '../../../tests/e2e/support/processes.mjs';

export { removeDir } from '../../../tests/e2e/support/processes.mjs';

export const UI_DIR = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const RESULTS_DIR = join(UI_DIR, 'test-results');
export const bin = (name) => processes.binOf(name);
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

export function tempDir(prefix) {
  return processes.makeTempDir(`confab-e2e-${prefix}`);
}

/** A real confabd on 127.0.0.1 (port 0 = any), restartable on the same port and data. */
export function startConfabd({ dataDir = tempDir('confabd'), listen = '127.0.0.1:0', env = {} } = {}) {
  return processes.startConfabd({ dataDir, listen, env });
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
  const { child, match } = await processes.spawnUntil(bin('confab-web'), args, {
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
    stop: () => processes.stopChild(child),
  };
}

/** One `confab` CLI command; resolves with stdout. */
export function cli(profile, ...args) {
  return processes.runCli(profile, args);
}

/** `confab listen` in the background: every JSON event line it prints, and `waitFor`. */
export function cliListen(profile, ...args) {
  return processes.listenCli(profile, args);
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

/** Fills the welcome form (already showing the sign-in fields) and signs in. */
export async function signIn(page, userID, password) {
  const userField = page.locator('input[name="userID"]');
  await userField.waitFor();
  await userField.fill(userID);
  await page.locator('input[name="password"]').fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

/** The end of a suite: the browser, then the web host, then confabd; then its directories. */
export async function tearDown({ browser, web, server, dirs = [] }) {
  await browser?.close();
  await web?.stop();
  await server?.stop();
  for (const d of dirs) processes.removeDir(d);
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Evaluated through the DevTools protocol: the app's CSP (script-src 'self') stays on.
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** Loads axe-core into the page (once); then `window.axe.run` audits it. */
export async function injectAxe(page) {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
}

/**
 * Runs axe-core on the page once its entrance animations are over (mid-fade,
 * text is paler than it will be) and appends its critical and serious
 * findings to `lines`, one line each, prefixed with `[screen]`.
 */
export async function auditAxe(page, screen, lines) {
  await page.evaluate(() =>
    Promise.all(
      document
        .getAnimations()
        .filter((a) => a.effect?.getComputedTiming().endTime !== Infinity)
        .map((a) => a.finished.catch(() => {})),
    ),
  );
  await injectAxe(page);
  const violations = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, help: v.help, nodes: v.nodes.filter((n) => n.impact === 'critical' || n.impact === 'serious').map((n) => n.target.join(' ')) }));
  });
  for (const v of violations) if (v.nodes.length) lines.push(`[${screen}] ${v.id}: ${v.help} — ${v.nodes.slice(0, 4).join(', ')}`);
}

/**
 * Saves a screenshot of the page at 1100×720, 720×480, 1280×800 and
 * 1920×1080 as
 * `<name>-<w>x<h>.png` when SCREENSHOTS names a directory, then restores
 * its size.
 */
export async function sizeShots(page, name, dir = process.env.SCREENSHOTS) {
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  const before = page.viewportSize();
  // The sizes UI-DESIGN.md looks at every screen in.
  for (const [w, h] of [
    [1100, 720],
    [720, 480],
    [1280, 800],
    [1920, 1080],
  ]) {
    await page.setViewportSize({ width: w, height: h });
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    await page.screenshot({ path: join(dir, `${name}-${w}x${h}.png`), animations: 'disabled' });
  }
  await page.setViewportSize(before);
}
