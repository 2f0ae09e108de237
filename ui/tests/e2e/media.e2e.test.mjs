// Files and message operations in Chromium, two real clients: alice and bob
// each in their own web host (confab-web) against one real confabd. Files
// are real File objects built in the page and dropped with a DataTransfer
// (dragenter / dragover / drop), so the browser path is the real one:
// POST /stage → tim.create*Message(path) → tim.sendMessage → upload.
// Needs the issue-5 Rust side (app commands + the web host's /stage).
// Run: npm run test:e2e
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { cli, ensureResultsDir, launchBrowser, openPage, removeDir, startConfabd, startWeb, tempDir } from './harness.mjs';
import { recordCanvasWebm } from '../../../tests/e2e/support/webm.mjs';

const ALICE_PASSWORD = 'alice-secret-1';
const BOB_PASSWORD = 'bob-secret-12';

async function login(page, serverUrl, userID, password) {
  const remote = page.getByRole('radio', { name: /Connect to a server/ });
  const userField = page.locator('input[name="userID"]');
  await Promise.race([remote.waitFor(), userField.waitFor()]);
  if (await remote.isVisible()) {
    await remote.check({ force: true });
    await page.locator('input[name="server-url"]').fill(serverUrl);
    await page.getByRole('button', { name: 'Continue' }).click();
  }
  await userField.fill(userID);
  await page.locator('input[name="password"]').fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByRole('listbox', { name: 'Chats' }).waitFor();
}

/** Builds files in the page and drags them over the chat pane; `drop()` then drops them. */
async function dragFilesOver(page) {
  await page.evaluate(async () => {
    const png = async (name, color, w, h) => {
      const c = document.createElement('canvas');
      c.width = w;
      c.height = h;
      const g = c.getContext('2d');
      g.fillStyle = color;
      g.fillRect(0, 0, w, h);
      g.fillStyle = '#fff';
      g.fillRect(w / 4, h / 4, w / 2, h / 2);
      const blob = await new Promise((r) => c.toBlob(r, 'image/png'));
      return new File([blob], name, { type: 'image/png' });
    };
    // A text file big enough for the upload to take a moment (3 MiB).
    const text = 'confab media e2e\n'.repeat(185_000);
    const dt = new DataTransfer();
    dt.items.add(await png('red.png', '#c33', 640, 480));
    dt.items.add(await png('blue.png', '#33c', 300, 500));
    dt.items.add(new File([text], 'notes.txt', { type: 'text/plain' }));
    window.__drop = dt;
    // Record the progress bars that show up (provisional and uploading bubbles).
    window.__maxBars = 0;
    new MutationObserver(() => {
      const n = document.querySelectorAll('[data-testid="upload-progress"]').length;
      if (n > window.__maxBars) window.__maxBars = n;
    }).observe(document.body, { subtree: true, childList: true, attributes: true });
    const pane = document.querySelector('[data-testid="chat-pane"]');
    pane.dispatchEvent(new DragEvent('dragenter', { dataTransfer: dt, bubbles: true, cancelable: true }));
    pane.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
  });
}

async function drop(page) {
  await page.evaluate(() => {
    const pane = document.querySelector('[data-testid="chat-pane"]');
    pane.dispatchEvent(new DragEvent('drop', { dataTransfer: window.__drop, bubbles: true, cancelable: true }));
  });
}

const statusOf = (page, text) =>
  page.evaluate(
    (t) => [...document.querySelectorAll('[data-testid="message"]')].find((m) => m.textContent?.includes(t))?.getAttribute('data-status') ?? null,
    text,
  );

describe('files, recall and edit between two browser clients', { timeout: 300_000 }, () => {
  let server;
  let webA;
  let webB;
  let browser;
  let alice;
  let bob;
  const dirs = [];
  const cliBob = tempDir('cli-bob');
  const cliAlice = tempDir('cli-alice');
  dirs.push(cliBob, cliAlice);

  const bubbles = (page) => page.locator('[data-testid="message"]');

  before(async () => {
    server = await startConfabd();
    dirs.push(server.dataDir);
    await cli(cliAlice, 'register', 'alice', '--server', server.url, '--password', ALICE_PASSWORD);
    await cli(cliAlice, 'logout');
    await cli(cliBob, 'register', 'bob', '--server', server.url, '--password', BOB_PASSWORD);
    await cli(cliBob, 'send', 'alice', 'hello alice');
    await cli(cliBob, 'logout');
    webA = await startWeb({ server: server.url });
    webB = await startWeb({ server: server.url });
    dirs.push(webA.dataDir, webB.dataDir);
    browser = await launchBrowser();
    alice = await openPage(browser, webA.url);
    bob = await openPage(browser, webB.url);
    await login(alice.page, server.url, 'alice', ALICE_PASSWORD);
    await login(bob.page, server.url, 'bob', BOB_PASSWORD);
    await alice.page.locator('[data-conversation="C2Cbob"]').click();
    await bubbles(alice.page).filter({ hasText: 'hello alice' }).waitFor();
    await bob.page.locator('[data-conversation="C2Calice"]').click();
    await bubbles(bob.page).filter({ hasText: 'hello alice' }).waitFor();
  });

  after(async () => {
    await browser?.close();
    await webA?.stop();
    await webB?.stop();
    await server?.stop();
    for (const d of dirs) removeDir(d);
  });

  it('dropping files shows the overlay, then one message per file with its own progress', async () => {
    const page = alice.page;
    await dragFilesOver(page);
    const overlay = page.getByTestId('drop-overlay');
    await overlay.waitFor();
    assert.match(await overlay.textContent(), /Drop files to send to bob/);
    await page.screenshot({ path: join(ensureResultsDir(), 'media-drop-overlay.png') });
    await drop(page);
    await overlay.waitFor({ state: 'detached' });
    // Each file is its own message at once: two images and a file card.
    await page.locator('[data-testid="message"][data-type="TIMImageElem"]').nth(1).waitFor();
    await page.locator('[data-testid="file-card"][data-file-name="notes.txt"]').waitFor();
    assert.ok((await page.evaluate(() => window.__maxBars)) >= 3, 'every dropped file had its own progress bar');
    await page.waitForFunction(
      () => {
        const mine = [...document.querySelectorAll('[data-testid="message"][data-status]')].filter((m) =>
          ['TIMImageElem', 'TIMFileElem'].includes(m.getAttribute('data-type') ?? ''),
        );
        return mine.length === 3 && mine.every((m) => ['sent', 'read'].includes(m.getAttribute('data-status') ?? ''));
      },
      undefined,
      { timeout: 60_000 },
    );
    assert.equal(await page.locator('[data-testid="upload-progress"]').count(), 0);
    await page.screenshot({ path: join(ensureResultsDir(), 'media-sent.png') });
  });

  it('bob sees both images (loaded thumbnails) and the file card, and the list preview', async () => {
    const page = bob.page;
    await page.locator('[data-testid="image-thumb"] img').nth(1).waitFor({ timeout: 30_000 });
    await page.waitForFunction(
      () => {
        const imgs = [...document.querySelectorAll('[data-testid="image-thumb"] img')];
        return imgs.length === 2 && imgs.every((i) => i.complete && i.naturalWidth > 0);
      },
      undefined,
      { timeout: 30_000 },
    );
    const card = page.locator('[data-testid="file-card"][data-file-name="notes.txt"]');
    await card.waitFor();
    assert.match(await card.textContent(), /3(\.\d)? MB/);
    assert.match(await page.locator('[data-conversation="C2Calice"]').textContent(), /\[(Image|File)\]/);
    // Download with progress, then open / save.
    await card.getByTestId('file-download').click();
    await card.locator('a[download="notes.txt"]').waitFor({ timeout: 30_000 });
    await page.screenshot({ path: join(ensureResultsDir(), 'media-bob.png') });
  });

  it('the image viewer opens, zooms, goes to the next image and closes with Esc', async () => {
    const page = bob.page;
    await page.locator('[data-testid="image-thumb"]').first().click();
    const viewer = page.getByTestId('image-viewer');
    await viewer.waitFor();
    assert.equal(await viewer.getAttribute('data-index'), '0');
    assert.equal(await page.getByTestId('viewer-counter').textContent(), '1 of 2');
    await page.waitForFunction(() => {
      const img = document.querySelector('[data-testid="viewer-image"]');
      return img && img.complete && img.naturalWidth > 0;
    });
    assert.equal(await viewer.getAttribute('data-scale'), 'fit');
    await page.getByRole('button', { name: 'Zoom in' }).click();
    assert.notEqual(await viewer.getAttribute('data-scale'), 'fit');
    const zoomed = Number(await viewer.getAttribute('data-scale'));
    await page.getByRole('button', { name: 'Zoom in' }).click();
    assert.ok(Number(await viewer.getAttribute('data-scale')) > zoomed);
    await page.keyboard.press('ArrowRight');
    assert.equal(await viewer.getAttribute('data-index'), '1');
    assert.equal(await viewer.getAttribute('data-scale'), 'fit');
    await page.keyboard.press('ArrowLeft');
    assert.equal(await viewer.getAttribute('data-index'), '0');
    await page.screenshot({ path: join(ensureResultsDir(), 'media-viewer.png') });
    await page.keyboard.press('Escape');
    await viewer.waitFor({ state: 'detached' });
  });

  it('alice recalls a message; both sides show the placeholder', async () => {
    const page = alice.page;
    const composer = page.getByTestId('composer');
    await composer.fill('please recall me');
    await composer.press('Enter');
    await page.waitForFunction(() =>
      [...document.querySelectorAll('[data-testid="message"]')].some(
        (m) => m.textContent?.includes('please recall me') && ['sent', 'read'].includes(m.getAttribute('data-status') ?? ''),
      ),
    );
    await bubbles(bob.page).filter({ hasText: 'please recall me' }).waitFor();
    const mine = bubbles(page).filter({ hasText: 'please recall me' });
    await mine.hover();
    await mine.locator('[data-action="revoke"]').click();
    const dialog = page.getByRole('alertdialog', { name: 'Recall this message?' });
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Recall' }).click();
    await page.getByTestId('revoked').filter({ hasText: 'You recalled a message' }).waitFor();
    assert.equal(await bubbles(page).filter({ hasText: 'please recall me' }).count(), 0);
    await bob.page.getByTestId('revoked').filter({ hasText: 'alice recalled a message' }).waitFor({ timeout: 20_000 });
    assert.equal(await bubbles(bob.page).filter({ hasText: 'please recall me' }).count(), 0);
  });

  it('alice edits a message; bob sees the new text marked edited', async () => {
    const page = alice.page;
    const composer = page.getByTestId('composer');
    await composer.fill('see you at 5');
    await composer.press('Enter');
    await page.waitForFunction(() =>
      [...document.querySelectorAll('[data-testid="message"]')].some(
        (m) => m.textContent?.includes('see you at 5') && ['sent', 'read'].includes(m.getAttribute('data-status') ?? ''),
      ),
    );
    await bubbles(bob.page).filter({ hasText: 'see you at 5' }).waitFor();
    const mine = bubbles(page).filter({ hasText: 'see you at 5' });
    await mine.hover();
    await mine.locator('[data-action="edit"]').click();
    const box = page.getByTestId('edit-box');
    await box.fill('see you at 6');
    await box.press('Enter');
    await box.waitFor({ state: 'detached' });
    const edited = bubbles(page).filter({ hasText: 'see you at 6' });
    await edited.getByTestId('edited').waitFor();
    const theirs = bubbles(bob.page).filter({ hasText: 'see you at 6' });
    await theirs.waitFor({ timeout: 20_000 });
    await theirs.getByTestId('edited').waitFor();
    assert.equal(await bubbles(bob.page).filter({ hasText: 'see you at 5' }).count(), 0);
    await bob.page.screenshot({ path: join(ensureResultsDir(), 'media-edited.png') });
  });

  it('pasting an image into the composer sends it as an image message', async () => {
    const page = alice.page;
    const before = await bubbles(bob.page).locator('[data-testid="image-thumb"]').count();
    await page.getByTestId('composer').focus();
    await page.evaluate(async () => {
      const c = document.createElement('canvas');
      c.width = 200;
      c.height = 120;
      const g = c.getContext('2d');
      g.fillStyle = '#2a2';
      g.fillRect(0, 0, 200, 120);
      const blob = await new Promise((r) => c.toBlob(r, 'image/png'));
      const dt = new DataTransfer();
      dt.items.add(new File([blob], 'pasted.png', { type: 'image/png' }));
      const composer = document.querySelector('[data-testid="composer"]');
      composer.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
    });
    await bob.page.waitForFunction(
      (n) => {
        const imgs = [...document.querySelectorAll('[data-testid="image-thumb"] img')];
        return imgs.length > n && imgs.every((i) => i.complete && i.naturalWidth > 0);
      },
      before,
      { timeout: 30_000 },
    );
    // Alice's side shows it as her own image, sent.
    await page.waitForFunction(() => {
      const mine = [...document.querySelectorAll('[data-testid="message"][data-type="TIMImageElem"][data-status]')];
      return mine.length === 3 && ['sent', 'read'].includes(mine[2].getAttribute('data-status') ?? '');
    });
  });

  it('a dropped WebM goes with a cover frame taken in the page; bob gets it and shows it', async () => {
    const page = alice.page;
    // A real 1 s 320×240 WebM, recorded from a canvas in the page.
    const recorded = await page.evaluate(recordCanvasWebm);
    const made = await page.evaluate((mimeType) => {
      const file = new File([window.__recordedClip], 'clip.webm', { type: 'video/webm' });
      const dt = new DataTransfer();
      dt.items.add(file);
      window.__drop = dt;
      const pane = document.querySelector('[data-testid="chat-pane"]');
      pane.dispatchEvent(new DragEvent('dragenter', { dataTransfer: dt, bubbles: true, cancelable: true }));
      pane.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
      return { size: file.size, mimeType };
    }, recorded.mimeType);
    assert.ok(made.size > 1000, `a recorded video: ${JSON.stringify(made)}`);
    await drop(page);
    await page.waitForFunction(
      () =>
        [...document.querySelectorAll('[data-testid="message"][data-type="TIMVideoFileElem"]')].some((m) =>
          ['sent', 'read'].includes(m.getAttribute('data-status') ?? ''),
        ),
      undefined,
      { timeout: 60_000 },
    );

    // Bob's client (his web host's store, over its bridge) has the cover fields.
    const bobPage = bob.page;
    await bobPage.locator('[data-testid="message"][data-type="TIMVideoFileElem"]').waitFor({ timeout: 30_000 });
    const payload = await bobPage.evaluate(async () => {
      const ws = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/bridge`);
      await new Promise((res, rej) => {
        ws.onopen = res;
        ws.onerror = rej;
      });
      const answer = new Promise((res) => {
        ws.onmessage = (e) => {
          const frame = JSON.parse(e.data);
          if (frame.id === 'e2e-video') res(frame);
        };
      });
      ws.send(JSON.stringify({ id: 'e2e-video', command: 'tim.getMessageList', args: { conversationID: 'C2Calice' } }));
      const frame = await answer;
      ws.close();
      const list = frame.ok?.messageList ?? [];
      return list.filter((m) => m.type === 'TIMVideoFileElem').pop()?.payload ?? frame;
    });
    assert.match(payload.thumbUrl ?? '', /\/files\/[0-9a-f]{64}/, JSON.stringify(payload));
    assert.equal(payload.snapshotUrl, payload.thumbUrl);
    assert.equal(payload.thumbUUID.length, 64);
    assert.ok(payload.thumbSize > 0);
    assert.equal(payload.thumbFormat, 'jpg');
    assert.deepEqual([payload.snapshotWidth, payload.snapshotHeight], [320, 240]);
    assert.deepEqual([payload.thumbWidth, payload.thumbHeight], [320, 240]);
    // The page measured what the WebM header does not say.
    assert.deepEqual([payload.videoWidth, payload.videoHeight], [320, 240]);
    assert.ok(payload.videoSecond >= 1, `videoSecond ${payload.videoSecond}`);

    // Bob's UI shows the cover before the video is played.
    await bobPage.waitForFunction(
      () => {
        const img = document.querySelector('[data-testid="video"] img[data-testid="video-cover"]');
        return img && img.complete && img.naturalWidth > 0;
      },
      undefined,
      { timeout: 30_000 },
    );
    await bobPage.screenshot({ path: join(ensureResultsDir(), 'media-video-cover.png') });
  });

  it('alice forwards two messages as chat history; bob opens the merged messages', async () => {
    const page = alice.page;
    const first = bubbles(page).filter({ hasText: 'hello alice' });
    await first.hover();
    await first.locator('[data-action="select"]').click();
    const bar = page.getByTestId('selection-bar');
    await bar.waitFor();
    await bubbles(page).filter({ hasText: 'see you at 6' }).click();
    assert.match(await bar.textContent(), /2 selected/);
    await bar.getByRole('button', { name: 'Forward as chat history' }).click();
    const dialog = page.getByRole('dialog', { name: 'Forward to…' });
    await dialog.locator('[data-conversation="C2Cbob"] input').check();
    await dialog.getByTestId('forward-send').click();
    await dialog.waitFor({ state: 'detached' });
    const card = bob.page.getByTestId('merger-card').last();
    await card.waitFor({ timeout: 20_000 });
    assert.match(await card.textContent(), /hello alice/);
    assert.match(await card.textContent(), /see you at 6/);
    await card.click();
    const viewer = bob.page.getByTestId('merger-viewer');
    await viewer.waitFor();
    assert.match(await viewer.textContent(), /hello alice/);
    assert.match(await viewer.textContent(), /see you at 6/);
    await bob.page.keyboard.press('Escape');
    await viewer.waitFor({ state: 'detached' });
  });

  it('had no console errors', () => {
    assert.deepEqual(alice.errors, []);
    assert.deepEqual(bob.errors, []);
  });
});
