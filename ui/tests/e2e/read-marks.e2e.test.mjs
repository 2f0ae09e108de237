// Issue 10, defect 2: a conversation is marked read (the peer gets ✓✓) only
// when its latest message is on screen in a focused, visible window. Alice
// reads in Chromium; bob is the real confab CLI, whose `listen` prints the
// read receipts (onMessageReadByPeer) he gets. What the UI asks the SDK is
// seen on the bridge's WebSocket frames (every `tim.setMessageRead` call).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  cli,
  cliListen,
  launchBrowser,
  removeDir,
  startConfabd,
  startWeb,
  tempDir,
} from './harness.mjs';

const PASSWORD = 'alice-secret-1';
const BOB_PASSWORD = 'bob-secret-12';

describe('Read marks follow what the reader sees', { timeout: 120_000 }, () => {
  let server;
  let web;
  let browser;
  let page;
  let listen;
  /** Commands the UI sent over the bridge, in order. */
  const commands = [];
  const errors = [];
  const bob = tempDir('bob');
  const aliceSetup = tempDir('alice');
  const dirs = [bob, aliceSetup];

  const row = () => page.locator('[data-conversation="C2Cbob"]');
  const log = () => page.getByRole('log');
  const jump = () => page.getByRole('button', { name: /^Jump to latest/ });
  const readCalls = (from) => commands.slice(from).filter((c) => c === 'tim.setMessageRead').length;
  /** Receipts bob got after event index `from` that cover a message with `text`. */
  const receiptsFor = (from, text) =>
    listen.events
      .slice(from)
      .filter((e) => e.name === 'onMessageReadByPeer' && JSON.stringify(e.data).includes(text)).length;
  const receiptCount = (from = 0) => listen.events.slice(from).filter((e) => e.name === 'onMessageReadByPeer').length;
  /** Resolves after `n` painted frames. */
  const frames = (n) =>
    page.evaluate(
      (count) =>
        new Promise((done) => {
          const step = (left) => (left === 0 ? done() : requestAnimationFrame(() => step(left - 1)));
          step(count);
        }),
      n,
    );
  const badge = async () =>
    (await row().getByTestId('unread-badge').count()) ? await row().getByTestId('unread-badge').textContent() : '';

  before(async () => {
    server = await startConfabd();
    dirs.push(server.dataDir);
    await cli(bob, 'register', 'bob', '--server', server.url, '--password', BOB_PASSWORD);
    await cli(aliceSetup, 'register', 'alice', '--server', server.url, '--password', PASSWORD);
    await cli(aliceSetup, 'logout');
    // Enough history that the chat scrolls.
    await cli(bob, 'send', 'alice', 'older', '--count', '40');
    web = await startWeb({ server: server.url });
    dirs.push(web.dataDir);
    browser = await launchBrowser();
    const context = await browser.newContext({ viewport: { width: 1100, height: 720 }, locale: 'en-US' });
    page = await context.newPage();
    page.on('websocket', (ws) =>
      ws.on('framesent', (f) => {
        try {
          commands.push(JSON.parse(String(f.payload)).command);
        } catch {
          /* not a command frame */
        }
      }),
    );
    page.on('console', (m) => m.type() === 'error' && errors.push(`console: ${m.text()}`));
    page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
    await page.goto(web.url);
    listen = cliListen(bob);
    await listen.waitFor((ev) => ev.some((e) => e.name === 'sdkStateReady'));
    await page.locator('input[name="userID"]').fill('alice');
    await page.locator('input[name="password"]').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await row().waitFor();
  });

  after(async () => {
    await listen?.stop();
    await browser?.close();
    await web?.stop();
    await server?.stop();
    for (const d of dirs) removeDir(d);
  });

  it('opening the chat at its latest message in a focused window marks it read', async () => {
    await row().click();
    await page.locator('[data-testid="message"]', { hasText: 'older 40' }).waitFor();
    await listen.waitFor((ev) => ev.some((e) => e.name === 'onMessageReadByPeer' && JSON.stringify(e.data).includes('older 40')));
    await row().getByTestId('unread-badge').waitFor({ state: 'detached' });
  });

  // At the desktop default and the other common sizes (issue 10 asks for
  // defect 2 across window sizes; below 900 px the list is an icon strip).
  for (const [width, height] of [
    [1100, 720],
    [1280, 700],
    [900, 700],
    [800, 600],
  ]) {
    it(`${width}×${height}: scrolled up, new messages are not marked read; scrolling down to them marks them read`, async () => {
      await page.setViewportSize({ width, height });
      // Let the list lay itself out at the new size before the reader scrolls.
      await frames(2);
      const fresh = `fresh${width}x${height}`;
      const box = await log().boundingBox();
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      await page.mouse.wheel(0, -3000);
      await jump().waitFor();
      await frames(2);
      assert.ok(await jump().isVisible(), 'still scrolled up');
      const sent = commands.length;
      const heard = listen.events.length;

      await cli(bob, 'send', 'alice', fresh, '--count', '3');
      // The list got the 3 unread (the read rule ran on that very update) and
      // the chat counts them as new below the view.
      await page.getByRole('button', { name: 'Jump to latest (3 new)' }).waitFor();
      await row().getByText(`${fresh} 3`).waitFor({ state: 'attached' });
      assert.equal(readCalls(sent), 0, 'no setMessageRead while the latest messages are off screen');
      assert.equal(receiptCount(heard), 0, 'bob got no read receipt');
      await page.waitForFunction(
        () => document.querySelector('[data-conversation="C2Cbob"] [data-testid="unread-badge"]')?.textContent === '3',
      );
      assert.ok(await jump().isVisible());

      // The reader scrolls down by hand to the newest message.
      for (let i = 0; i < 40 && (await jump().isVisible()); i++) await page.mouse.wheel(0, 1500);
      await jump().waitFor({ state: 'detached' });
      await listen.waitFor(() => receiptsFor(heard, `${fresh} 3`) > 0);
      await row().getByTestId('unread-badge').waitFor({ state: 'detached' });
      assert.equal(await badge(), '');
    });
  }

  it('an unfocused window does not mark read; focusing it does', async () => {
    await page.setViewportSize({ width: 1100, height: 720 });
    if (await jump().isVisible()) await jump().click();
    await page.evaluate(() => {
      document.hasFocus = () => false;
      window.dispatchEvent(new Event('blur'));
    });
    const sent = commands.length;
    const heard = listen.events.length;
    await cli(bob, 'send', 'alice', 'while away');
    await page.locator('[data-testid="message"]', { hasText: 'while away' }).waitFor();
    await page.waitForFunction(
      () => document.querySelector('[data-conversation="C2Cbob"] [data-testid="unread-badge"]')?.textContent === '1',
    );
    assert.equal(readCalls(sent), 0, 'no setMessageRead while the window is not focused');
    assert.equal(receiptCount(heard), 0, 'bob got no read receipt');

    await page.evaluate(() => {
      document.hasFocus = () => true;
      window.dispatchEvent(new Event('focus'));
    });
    await listen.waitFor(() => receiptsFor(heard, 'while away') > 0);
    await row().getByTestId('unread-badge').waitFor({ state: 'detached' });
  });

  it('a hidden window (minimised, other tab) does not mark read; showing it does', async () => {
    await page.evaluate(() => {
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
      document.dispatchEvent(new Event('visibilitychange'));
    });
    const sent = commands.length;
    const heard = listen.events.length;
    await cli(bob, 'send', 'alice', 'while hidden');
    await page.locator('[data-testid="message"]', { hasText: 'while hidden' }).waitFor();
    await page.waitForFunction(
      () => document.querySelector('[data-conversation="C2Cbob"] [data-testid="unread-badge"]')?.textContent === '1',
    );
    assert.equal(readCalls(sent), 0, 'no setMessageRead while the window is hidden');
    assert.equal(receiptCount(heard), 0, 'bob got no read receipt');

    await page.evaluate(() => {
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'visible' });
      document.dispatchEvent(new Event('visibilitychange'));
    });
    await listen.waitFor(() => receiptsFor(heard, 'while hidden') > 0);
    await row().getByTestId('unread-badge').waitFor({ state: 'detached' });
  });

  it('had no console errors', () => {
    assert.deepEqual(errors, []);
  });
});
