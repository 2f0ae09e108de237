// Files into the real desktop app under Xvfb: a real X11/GTK drag from a
// GTK drag-source window (tests/e2e/drag_source.py, what a file manager
// does) onto the conversation, driven by xdotool; and the native GTK file
// picker completed with xdotool. Bob is the confab CLI; he must receive
// each file message. Run: tests/e2e/run.sh (after building the app).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ROOT,
  appPids,
  cli,
  completeFileChooser,
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

/**
 * The drag source window; resolves with its button's centre once mapped,
 * and `said(word)`: whether the source has printed that word since (its
 * lines say what GTK told it about the drag: begin, data, failed, end).
 */
function dragSource(files) {
  const child = spawn('/usr/bin/python3', [join(ROOT, 'tests/e2e/drag_source.py'), ...files], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  const said = (word) => out.split('\n').some((line) => line.split(' ')[0] === word);
  child.stdout.on('data', (d) => {
    out += d;
  });
  return new Promise((resolve, reject) => {
    const timer = setInterval(() => {
      const m = out.match(/ready (\d+) (\d+)/);
      if (m) {
        clearInterval(timer);
        clearTimeout(limit);
        resolve({ child, x: Number(m[1]), y: Number(m[2]), said, log: () => out.trim().split('\n').join(', ') });
      }
    }, 20);
    const limit = setTimeout(() => {
      clearInterval(timer);
      reject(new Error(`drag source not ready: ${out}`));
    }, 20_000);
    child.once('exit', (code) => {
      clearInterval(timer);
      clearTimeout(limit);
      reject(new Error(`drag source exited with ${code}: ${out}`));
    });
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

/**
 * A real drag of `paths` from the GTK drag source onto the chat pane.
 * Resolves with the source, still running (the app may ask it for the
 * files after the button is released), once GTK says the drag is over;
 * the caller kills it.
 */
async function dragOnto(browser, paths) {
  const source = await dragSource(paths);
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
    // A drag that never began ends with the release; one that did ends
    // when the target has taken the drop (or refused it).
    for (const deadline = Date.now() + 15_000; source.said('begin') && !source.said('end') && Date.now() < deadline; ) {
      await pause(50);
    }
    return source;
  } catch (e) {
    source.child.kill();
    throw e;
  }
}

/**
 * Drags `path` onto the chat pane until a message for it shows (`shown`).
 * An X drag synthesized while the previous one is still being torn down
 * can fail to start or be refused; the drag source says so (no "begin", or
 * "failed"), nothing was dropped, and only then is the drag tried again, so
 * a retry cannot send twice. A drop GTK completed must show its message.
 */
async function dropFile(browser, path, shown) {
  for (let attempt = 1; ; attempt++) {
    const source = await dragOnto(browser, [path]);
    try {
      const dropped = source.said('begin') && source.said('end') && !source.said('failed');
      if (dropped || attempt === 3) {
        await browser.waitUntil(shown, {
          timeout: 60_000,
          interval: 100,
          timeoutMsg: `no message after ${attempt} drag(s) of ${path}; the drag source said: ${source.log()}`,
        });
        return;
      }
    } finally {
      source.child.kill();
    }
  }
}

const hasFileCard = (browser, name) => () =>
  browser.execute((n) => Boolean(document.querySelector(`[data-testid="file-card"][data-file-name="${n}"]`)), name);

/** The app and its WebKit processes. */
function appTree() {
  const root = appPids()[0];
  const all = [root];
  for (let i = 0; i < all.length; i++) {
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === all[i]) all.push(Number(entry));
      } catch {
        /* gone */
      }
    }
  }
  return all;
}

/** Resident MB of a process (`field`: VmRSS now, VmHWM peak since the last reset). */
function residentMb(pid, field) {
  try {
    const kb = Number(readFileSync(`/proc/${pid}/status`, 'utf8').match(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'))[1]);
    return kb / 1024;
  } catch {
    return 0;
  }
}

/** Resets the peak RSS of processes (`/proc/PID/clear_refs`). */
function resetPeaks(pids) {
  for (const pid of pids) {
    try {
      writeFileSync(`/proc/${pid}/clear_refs`, '5');
    } catch {
      /* gone */
    }
  }
}

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
    await dropFile(browser, path, hasFileCard(browser, 'report.bin'));
    try {
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
      /* nothing to clean: the drag source is gone */
    }
  });

  it('a dragged video goes with a cover frame the app took from it', async () => {
    const { browser } = app;
    // A copy, so the message's file name is this test's own.
    const path = join(files, 'clip-dragged.webm');
    writeFileSync(path, readFileSync(join(ROOT, 'tests/e2e/fixtures/clip.webm')));
    await dropFile(browser, path, () =>
      browser.execute(() => Boolean(document.querySelector('[data-testid="message"][data-type="TIMVideoFileElem"]'))),
    );
    await bobListens.waitFor(
      (events) => events.some((e) => e.name === 'onMessageReceived' && e.data.some((m) => m.type === 'TIMVideoFileElem')),
      60_000,
    );
    const video = bobListens.events
      .filter((e) => e.name === 'onMessageReceived')
      .flatMap((e) => e.data)
      .find((m) => m.type === 'TIMVideoFileElem');
    assert.match(video.payload.videoUrl, /\/files\/[0-9a-f]{64}/);
    assert.match(video.payload.thumbUrl, /\/files\/[0-9a-f]{64}/, 'the cover frame was taken and uploaded');
    assert.deepEqual([video.payload.snapshotWidth, video.payload.snapshotHeight], [320, 240]);
    assert.deepEqual([video.payload.videoWidth, video.payload.videoHeight], [320, 240]);
    // In the app, the cover shows and the video plays: both come from the
    // app's loopback file server (WebKitGTK plays no custom-scheme media).
    await browser.waitUntil(
      () =>
        browser.execute(() => {
          const img = document.querySelector('[data-testid="video"] img[data-testid="video-cover"]');
          return Boolean(img && img.complete && img.naturalWidth === 320);
        }),
      { timeout: 30_000, timeoutMsg: 'the cover image did not load' },
    );
    await (await browser.$('[data-testid="video"] button.play')).click();
    await browser.waitUntil(
      () =>
        browser.execute(() => {
          const v = document.querySelector('[data-testid="video"] video');
          return Boolean(v && v.readyState >= 1 && v.videoWidth === 320 && !v.error);
        }),
      { timeout: 30_000, timeoutMsg: 'the video did not load in the app' },
    );
    await browser.saveScreenshot(join(resultsDir(), 'media-video.png'));
  });

  it('an image on the system clipboard pasted into the composer is sent as an image message', async () => {
    const { browser } = app;
    const owner = spawn('/usr/bin/python3', [join(ROOT, 'tests/e2e/clipboard_image.py'), '160', '90'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      await new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('clipboard owner not ready')), 20_000);
        owner.stdout.on('data', (d) => {
          if (String(d).includes('ready')) {
            clearTimeout(timer);
            resolve();
          }
        });
      });
      const images = () =>
        browser.execute(() => document.querySelectorAll('[data-testid="message"][data-type="TIMImageElem"]').length);
      const before = await images();
      const composer = await browser.$('[data-testid="composer"]');
      await composer.click();
      await browser.keys(['Control', 'v']);
      await browser.waitUntil(async () => (await images()) > before, {
        timeout: 30_000,
        timeoutMsg: 'no image message after pasting',
      });
      await bobListens.waitFor(
        (events) =>
          events.some(
            (e) =>
              e.name === 'onMessageReceived' &&
              e.data.some((m) => m.type === 'TIMImageElem' && m.payload?.imageInfoArray?.[0]?.width === 160),
          ),
        60_000,
      );
    } finally {
      owner.kill();
    }
  });

  it('a 100 MB file dragged in goes through with steady progress (memory measured)', async () => {
    const { browser } = app;
    const size = 100 * 1024 * 1024;
    const path = makeFile(files, 'big.bin', size);
    const pids = appTree();
    const appBeforeMb = Math.round(residentMb(pids[0], 'VmRSS'));
    const confabdBeforeMb = Math.round(residentMb(server.child.pid, 'VmRSS'));
    resetPeaks([...pids, server.child.pid]);
    const samples = [];
    const started = performance.now();
    const sampler = setInterval(() => {
      samples.push({
        ms: Math.round(performance.now() - started),
        appMb: pids.reduce((a, p) => a + residentMb(p, 'VmRSS'), 0),
        bar: null,
      });
    }, 100);
    try {
      await dropFile(browser, path, hasFileCard(browser, 'big.bin'));
      await browser.waitUntil(
        async () => {
          const width = await browser.execute(
            () => document.querySelector('[data-testid="upload-progress"]')?.getAttribute('aria-valuenow') ?? null,
          );
          if (width !== null && samples.length) samples[samples.length - 1].bar = Number(width);
          return browser.execute(() =>
            [...document.querySelectorAll('[data-testid="message"]')].some(
              (m) => m.querySelector('[data-file-name="big.bin"]') && ['sent', 'read'].includes(m.getAttribute('data-status')),
            ),
          );
        },
        { timeout: 180_000, interval: 100, timeoutMsg: 'the 100 MB file was not sent' },
      );
    } finally {
      clearInterval(sampler);
    }
    const seconds = (performance.now() - started) / 1000;
    await bobListens.waitFor(receivedFile('big.bin'), 60_000);
    const metrics = {
      bytes: size,
      dragToSentSeconds: Math.round(seconds * 100) / 100,
      throughputMBps: Math.round((size / 1048576 / seconds) * 10) / 10,
      appPeakRssMb: Math.round(pids.reduce((a, p) => a + residentMb(p, 'VmHWM'), 0)),
      appProcessRssBeforeMb: appBeforeMb,
      appProcessPeakRssMb: Math.round(residentMb(pids[0], 'VmHWM')),
      confabdRssBeforeMb: confabdBeforeMb,
      confabdPeakRssMb: Math.round(residentMb(server.child.pid, 'VmHWM')),
      progressSeen: samples.filter((x) => x.bar !== null).map((x) => x.bar),
    };
    writeFileSync(join(resultsDir(), 'media-metrics.json'), JSON.stringify(metrics, null, 2));
    console.log(`# 100 MB upload from the desktop app: ${JSON.stringify(metrics)}`);
    const seen = metrics.progressSeen;
    assert.ok(seen.every((v, i) => i === 0 || v >= seen[i - 1]), `progress never goes back: ${seen}`);
  });

  it('the native file picker, completed with xdotool, sends the chosen file', async () => {
    const { browser } = app;
    const path = makeFile(files, 'picked.bin', 12_345);
    // The GTK chooser is a new top-level window of the app.
    await completeFileChooser(async () => (await browser.$('[data-testid="pick-file"]')).click(), path);
    await (await fileCard(browser, 'picked.bin')).waitForDisplayed({ timeout: 30_000 });
    await waitSent(browser, 'picked.bin');
    await bobListens.waitFor(receivedFile('picked.bin'), 60_000);
  });
});
