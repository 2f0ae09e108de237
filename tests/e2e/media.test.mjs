// Files into the real desktop app under Xvfb: a real X11/GTK drag from a
// GTK drag-source window (tests/e2e/drag_source.py, what a file manager
// does) onto the conversation, driven by xdotool; and the native GTK file
// picker completed with xdotool. Bob is the confab CLI; he must receive
// each file message. Run: tests/e2e/run.sh (after building the app).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ROOT,
  appPids,
  cli,
  launchApp,
  listen,
  quitApp,
  removeDir,
  resultsDir,
  signIn,
  startConfabd,
  tempDir,
} from './harness.mjs';

const ALICE_PASSWORD = 'alice-secret-1';
const BOB_PASSWORD = 'bob-secret-12';

const xdotool = (...args) => execFileSync('xdotool', args.map(String), { encoding: 'utf8' }).trim();
const pause = (ms) => new Promise((r) => setTimeout(r, ms));

/** A file of `size` bytes of varied content. */
function makeFile(dir, name, size) {
  const path = join(dir, name);
  const bytes = Buffer.alloc(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 31 + 7) % 251;
  writeFileSync(path, bytes);
  return path;
}

/** The drag source window; resolves with its button's centre once mapped. */
function dragSource(files) {
  const child = spawn('/usr/bin/python3', [join(ROOT, 'tests/e2e/drag_source.py'), ...files], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`drag source not ready: ${out}`)), 20_000);
    child.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/ready (\d+) (\d+)/);
      if (m) {
        clearTimeout(timer);
        resolve({ child, x: Number(m[1]), y: Number(m[2]) });
      }
    });
    child.once('exit', (code) => reject(new Error(`drag source exited with ${code}: ${out}`)));
  });
}

/** The app's visible top-level window and its geometry on screen. */
function appWindow() {
  const [pid] = appPids();
  const ids = xdotool('search', '--onlyvisible', '--pid', pid).split('\n').filter(Boolean);
  for (const id of ids) {
    const geometry = Object.fromEntries(
      xdotool('getwindowgeometry', '--shell', id)
        .split('\n')
        .map((l) => l.split('=')),
    );
    if (Number(geometry.WIDTH) > 400) return { id, x: Number(geometry.X), y: Number(geometry.Y) };
  }
  throw new Error(`no app window among ${ids}`);
}

/** Where on screen the chat pane's centre is. */
async function chatPaneCentre(browser) {
  const rect = await browser.execute(() => {
    const r = document.querySelector('[data-testid="chat-pane"]').getBoundingClientRect();
    return { x: r.x + r.width / 2, y: r.y + r.height / 2, ratio: window.devicePixelRatio };
  });
  const win = appWindow();
  return { x: Math.round(win.x + rect.x * rect.ratio), y: Math.round(win.y + rect.y * rect.ratio) };
}

const fileCard = (browser, name) => browser.$(`[data-testid="file-card"][data-file-name="${name}"]`);

/** Alice's own message with this file is sent (or already read). */
async function waitSent(browser, name) {
  await browser.waitUntil(
    () =>
      browser.execute(
        (n) =>
          [...document.querySelectorAll('[data-testid="message"]')].some(
            (m) => m.querySelector(`[data-file-name="${n}"]`) && ['sent', 'read'].includes(m.getAttribute('data-status')),
          ),
        name,
      ),
    { timeout: 60_000, timeoutMsg: `${name} was not sent` },
  );
}

const receivedFile = (name) => (events) =>
  events.some((e) => e.name === 'onMessageReceived' && e.data.some((m) => m.type === 'TIMFileElem' && m.payload?.fileName === name));

describe('files into the desktop app', { timeout: 600_000 }, () => {
  let server;
  let app;
  let bobListens;
  const bob = tempDir('bob');
  const aliceCli = tempDir('alice-cli');
  const aliceApp = tempDir('alice-app');
  const files = tempDir('files');
  const dirs = [bob, aliceCli, aliceApp, files];

  before(async () => {
    server = await startConfabd();
    dirs.push(server.dataDir);
    await cli(bob, ['register', 'bob', '--server', server.url], { env: { CONFAB_PASSWORD: BOB_PASSWORD } });
    await cli(aliceCli, ['register', 'alice', '--server', server.url], { env: { CONFAB_PASSWORD: ALICE_PASSWORD } });
    await cli(aliceCli, ['logout']);
    await cli(bob, ['send', 'alice', 'send me the report']);
    bobListens = listen(bob);
    app = await launchApp({ CONFAB_DATA_DIR: aliceApp, CONFAB_SERVER_URL: server.url });
    const { browser } = app;
    await signIn(browser, 'alice', ALICE_PASSWORD);
    const bobRow = await browser.$('[data-conversation="C2Cbob"]');
    await bobRow.waitForDisplayed();
    await bobRow.click();
    await (await browser.$('[data-testid="chat-pane"]')).waitForDisplayed();
  });

  after(async () => {
    try {
      await app?.browser.saveScreenshot(join(resultsDir(), 'media-end.png'));
    } catch {
      /* the app is gone */
    }
    await bobListens?.stop();
    if (app) await quitApp(app);
    await server?.stop();
    for (const dir of dirs) removeDir(dir);
  });

  it('a real GTK drag of a file onto the conversation sends a file message bob receives', async () => {
    const { browser } = app;
    const path = makeFile(files, 'report.bin', 300_000);
    const source = await dragSource([path]);
    try {
      const target = await chatPaneCentre(browser);
      // A drag is a press, motion in steps (GTK starts it after a few
      // pixels), motion over the target, and a release.
      xdotool('mousemove', source.x, source.y);
      xdotool('mousedown', 1);
      for (let i = 1; i <= 10; i++) {
        xdotool('mousemove', source.x + i * 4, source.y + i * 2);
        await pause(30);
      }
      for (let i = 1; i <= 12; i++) {
        const x = Math.round(source.x + ((target.x - source.x) * i) / 12);
        const y = Math.round(source.y + ((target.y - source.y) * i) / 12);
        xdotool('mousemove', x, y);
        await pause(40);
      }
      await pause(200);
      xdotool('mouseup', 1);
      await (await fileCard(browser, 'report.bin')).waitForDisplayed({ timeout: 30_000 });
      await waitSent(browser, 'report.bin');
      await bobListens.waitFor(receivedFile('report.bin'), 60_000);
      const got = bobListens.events
        .filter((e) => e.name === 'onMessageReceived')
        .flatMap((e) => e.data)
        .find((m) => m.payload?.fileName === 'report.bin');
      assert.equal(got.payload.fileSize, 300_000);
      assert.match(got.payload.uuid, /^[0-9a-f]{64}$/);
      await browser.saveScreenshot(join(resultsDir(), 'media-dragged.png'));
    } finally {
      source.child.kill();
    }
  });

  it('the native file picker, completed with xdotool, sends the chosen file', async () => {
    const { browser } = app;
    const path = makeFile(files, 'picked.bin', 12_345);
    const before = xdotool('search', '--onlyvisible', '--pid', appPids()[0]).split('\n').filter(Boolean);
    await (await browser.$('[data-testid="pick-file"]')).click();
    // The GTK chooser is a new top-level window of the app.
    let dialog;
    const deadline = Date.now() + 20_000;
    while (!dialog) {
      const now = xdotool('search', '--onlyvisible', '--pid', appPids()[0]).split('\n').filter(Boolean);
      dialog = now.find((id) => !before.includes(id));
      if (!dialog) {
        if (Date.now() > deadline) throw new Error('no file chooser appeared');
        await pause(100);
      }
    }
    // Type the path into the chooser's location entry and press Return;
    // a chooser still opening can drop keys, so repeat until it closes.
    const open = () => xdotool('search', '--onlyvisible', '--pid', appPids()[0]).split('\n').includes(dialog);
    for (let attempt = 0; open(); attempt++) {
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
    await (await fileCard(browser, 'picked.bin')).waitForDisplayed({ timeout: 30_000 });
    await waitSent(browser, 'picked.bin');
    await bobListens.waitFor(receivedFile('picked.bin'), 60_000);
  });
});
