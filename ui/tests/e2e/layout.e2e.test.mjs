// The layout at every window size UI-DESIGN.md checks (issue 10, defects 6
// and 9): the chat's header, composer and Send button stay inside the window,
// nothing overflows sideways, the conversation list collapses to an icon
// strip below 900 px, the settings panel fits at 720×480, and the message
// hover toolbar sits beside its bubble, never over its text or the row above.
// One real confabd, web host and Chromium for the whole file; bob and carol
// are confab CLI clients. SCREENSHOTS=<dir> also saves a picture per size.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { cli, launchBrowser, openPage, signIn, startConfabd, startWeb, tearDown, tempDir } from './harness.mjs';

const PASSWORD = 'alice-secret-1';
const SIZES = [
  [720, 480],
  [800, 560],
  [900, 700],
  [1100, 720],
  [1280, 800],
  [1920, 1080],
];
/** Below this width the conversation list is an icon strip. */
const COMPACT_BELOW = 900;
const SHOTS = process.env.SCREENSHOTS;

/** Saves a screenshot when SCREENSHOTS names a directory. */
async function shot(page, name) {
  if (!SHOTS) return;
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}.png`), animations: 'disabled' });
}

/** Whether box `b` lies fully inside a `width`×`height` viewport. */
function insideViewport(b, width, height) {
  return !!b && b.x >= -0.5 && b.y >= -0.5 && b.x + b.width <= width + 0.5 && b.y + b.height <= height + 0.5;
}

/** Whether two boxes overlap by more than half a pixel both ways. */
function intersects(a, b) {
  return a.x < b.x + b.width - 0.5 && b.x < a.x + a.width - 0.5 && a.y < b.y + b.height - 0.5 && b.y < a.y + a.height - 0.5;
}

describe('layout at every window size', { timeout: 240_000 }, () => {
  let server;
  let web;
  let browser;
  let page;
  let errors;
  const bob = tempDir('bob');
  const carol = tempDir('carol');
  const aliceElsewhere = tempDir('alice2');
  const dirs = [bob, carol, aliceElsewhere];

  const row = (peer) => page.locator(`[data-conversation="C2C${peer}"]`);
  const chatPane = () => page.getByTestId('chat-pane');
  const send = () => page.getByRole('button', { name: 'Send', exact: true });

  before(async () => {
    server = await startConfabd();
    dirs.push(server.dataDir);
    await cli(bob, 'register', 'bob', '--server', server.url, '--password', 'bob-secret-12');
    await cli(carol, 'register', 'carol', '--server', server.url, '--password', 'carol-secret-1');
    await cli(aliceElsewhere, 'register', 'alice', '--server', server.url, '--password', PASSWORD);
    await cli(aliceElsewhere, 'send', 'bob', 'hi bob, a message of mine that is long enough to wrap on a narrow window');
    await cli(aliceElsewhere, 'send', 'bob', 'and a second one of mine');
    await cli(aliceElsewhere, 'logout');
    await cli(bob, 'send', 'alice', 'hello from bob, a message long enough to wrap on a narrow window for sure');
    await cli(bob, 'send', 'alice', 'second from bob');
    await cli(carol, 'send', 'alice', 'hello from carol');
    web = await startWeb({ server: server.url });
    dirs.push(web.dataDir);
    browser = await launchBrowser();
    ({ page, errors } = await openPage(browser, web.url, { viewport: { width: 1100, height: 720 } }));
    await signIn(page, 'alice', PASSWORD);
    await row('bob').waitFor();
    await row('carol').waitFor();
    await row('bob').click();
    await page.locator('[data-testid="message"]', { hasText: 'second from bob' }).waitFor();
    await page.locator('[data-testid="message"]', { hasText: 'a second one of mine' }).waitFor();
  });

  after(async () => {
    await tearDown({ browser, web, server, dirs });
  });

  for (const [width, height] of SIZES) {
    it(`at ${width}×${height} the header, composer and Send button are inside the window and nothing overflows sideways`, async () => {
      await page.setViewportSize({ width, height });
      await page.waitForFunction(([w, h]) => window.innerWidth === w && window.innerHeight === h, [width, height]);
      await shot(page, `6-chat-${width}x${height}`);
      await page.getByTestId('composer').fill('a draft');
      const header = chatPane().locator('header').first();
      for (const [what, locator] of [
        ['header', header],
        ['composer', page.getByTestId('composer')],
        ['Send button', send()],
      ]) {
        const box = await locator.boundingBox();
        assert.ok(insideViewport(box, width, height), `${what} at ${width}×${height}: ${JSON.stringify(box)}`);
      }
      // The chat takes the rest of the window, with room to type.
      const pane = await chatPane().boundingBox();
      assert.ok(Math.abs(pane.x + pane.width - width) <= 1, `the chat pane ends at ${pane.x + pane.width}, not ${width}`);
      const typing = await page.getByTestId('composer').boundingBox();
      assert.ok(typing.width >= 240, `the composer is ${typing.width}px wide`);
      const overflow = await page.evaluate(() => {
        const w = window.innerWidth;
        const out = [];
        if (document.documentElement.scrollWidth > w) out.push(`document ${document.documentElement.scrollWidth}px wide`);
        for (const el of document.querySelectorAll('#app *')) {
          const r = el.getBoundingClientRect();
          if (r.width === 0 || r.height === 0) continue;
          if (r.right > w + 0.5 || r.left < -0.5) out.push(`${el.tagName.toLowerCase()}.${el.className} ${Math.round(r.left)}–${Math.round(r.right)}`);
        }
        return out.slice(0, 8);
      });
      assert.deepEqual(overflow, [], `sideways overflow at ${width}×${height}`);
      await page.getByTestId('composer').fill('');
    });
  }

  it('below 900 px the list is an icon strip that the keyboard still reaches; Alt+Up/Down still switch chats', async () => {
    for (const [width, height] of SIZES) {
      await page.setViewportSize({ width, height });
      await page.waitForFunction((w) => window.innerWidth === w, width);
      if (width === 720) await shot(page, '6-list-720x480');
      const list = await page.locator('.list-pane').boundingBox();
      if (width < COMPACT_BELOW) assert.ok(list.width <= 88, `list at ${width}: ${list.width}px, not an icon strip`);
      else assert.ok(list.width >= 220, `list at ${width}: ${list.width}px, not the full list`);
      // Every row keeps its name for assistive technology, and is in view.
      const option = page.getByRole('option', { name: /^carol/ });
      assert.ok(insideViewport(await option.boundingBox(), width, height), `carol's row at ${width}`);
    }
    await page.setViewportSize({ width: 720, height: 480 });
    await row('bob').click();
    await page.getByTestId('chat-title').filter({ hasText: 'bob' }).waitFor();
    await page.keyboard.press('Alt+ArrowDown');
    await page.getByTestId('chat-title').filter({ hasText: 'carol' }).waitFor();
    await page.keyboard.press('Alt+ArrowUp');
    await page.getByTestId('chat-title').filter({ hasText: 'bob' }).waitFor();
    // Tab reaches the rows of the strip, and Enter opens one.
    await row('carol').focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('chat-title').filter({ hasText: 'carol' }).waitFor();
    // Finding a chat by name is a button away in the strip.
    await page.getByRole('button', { name: 'Find a chat' }).click();
    await page.getByRole('dialog').waitFor();
    await page.keyboard.press('Escape');
    await row('bob').click();
  });

  it('the settings panel fits at 720×480 without sideways overflow', async () => {
    await page.setViewportSize({ width: 720, height: 480 });
    await page.getByRole('button', { name: 'Settings' }).click();
    const panel = page.locator('aside.panel');
    await panel.waitFor();
    // Measured where it comes to rest, after its slide-in.
    await panel.evaluate((el) => Promise.all(el.getAnimations().map((a) => a.finished)));
    await shot(page, '6-settings-720x480');
    try {
      const box = await panel.boundingBox();
      assert.ok(insideViewport(box, 720, 480), `settings panel: ${JSON.stringify(box)}`);
      const sideways = await panel.evaluate((el) => el.scrollWidth - el.clientWidth);
      assert.ok(sideways <= 0, `the settings panel scrolls sideways by ${sideways}px`);
      // Its last control scrolls into view inside the panel.
      const last = panel.getByRole('button', { name: 'Sign out of all devices' });
      await last.scrollIntoViewIfNeeded();
      assert.ok(insideViewport(await last.boundingBox(), 720, 480), 'the last settings button');
    } finally {
      await page.keyboard.press('Escape');
      await panel.waitFor({ state: 'detached' });
    }
  });

  // Defect 9: the hover toolbar beside the bubble.
  for (const [width, height] of [
    [720, 480],
    [800, 560],
    [1280, 800],
  ]) {
    for (const [whose, text] of [
      ['own', 'a second one of mine'],
      ["bob's", 'second from bob'],
    ]) {
      it(`at ${width}×${height} the hover toolbar of ${whose} message covers neither its text nor the row above`, async () => {
        await page.setViewportSize({ width, height });
        await page.waitForFunction((w) => window.innerWidth === w, width);
        if (!(await page.getByTestId('chat-title').filter({ hasText: 'bob' }).isVisible())) await row('bob').click();
        const messages = page.locator('[data-testid="message"]');
        const line = messages.filter({ hasText: text });
        await line.waitFor();
        const index = await line.evaluate((el) => [...document.querySelectorAll('[data-testid="message"]')].indexOf(el));
        assert.ok(index > 0, 'a row above it');
        const bubble = line.locator('.bubble');
        // Forced: the pointer goes there even if another row's toolbar covers it.
        await bubble.hover({ force: true });
        const toolbar = line.getByRole('toolbar');
        await toolbar.evaluate((el) => new Promise((res) => {
          const check = () => (getComputedStyle(el).opacity === '1' ? res() : requestAnimationFrame(check));
          check();
        }));
        await shot(page, `9-toolbar-${whose === 'own' ? 'own' : 'peer'}-${width}x${height}`);
        const tools = await toolbar.boundingBox();
        const textBox = await bubble.boundingBox();
        const above = await messages.nth(index - 1).boundingBox();
        assert.ok(!intersects(tools, textBox), `toolbar ${JSON.stringify(tools)} over the bubble ${JSON.stringify(textBox)}`);
        assert.ok(!intersects(tools, above), `toolbar ${JSON.stringify(tools)} over the row above ${JSON.stringify(above)}`);
        const pane = await page.getByRole('log').boundingBox();
        assert.ok(
          tools.x >= pane.x - 0.5 && tools.x + tools.width <= pane.x + pane.width + 0.5,
          `toolbar ${JSON.stringify(tools)} outside the message list ${JSON.stringify(pane)}`,
        );
        // Beside the bubble: on the side away from its alignment, level with it.
        if (whose === 'own') assert.ok(tools.x + tools.width <= textBox.x + 0.5, 'left of an own bubble');
        else assert.ok(tools.x >= textBox.x + textBox.width - 0.5, "right of the peer's bubble");
        assert.ok(tools.y < textBox.y + textBox.height && tools.y + tools.height > textBox.y, 'level with the bubble');
        // And nothing (no neighbour's toolbar) covers the bubble: a plain hover reaches it.
        await page.mouse.move(0, 0);
        await bubble.hover({ timeout: 5000 });
        await page.mouse.move(0, 0);
      });
    }
  }

  it('had no console errors', () => {
    assert.deepEqual(errors, []);
  });
});
