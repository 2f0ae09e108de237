// Message bubbles and notices in Chromium against a real confabd and web
// host (issue 10, defects 13 and 14): every message's time on hover or focus
// and at the end of a group, localized without a leading zero; long file
// names keep their extension; image thumbnails sized from their dimensions;
// success notices in the success colour; Recall and Delete confirmations in
// a danger style with AA contrast, light and dark.
// SCREENSHOTS=<dir> saves the screens to <dir>/<name>.png.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { cli, launchBrowser, startConfabd, startWeb, tearDown, tempDir } from './harness.mjs';

const SHOTS = process.env.SCREENSHOTS;
const LONG_NAME = 'Quarterly financial report for the board meeting of the northern region, final version 2.pdf';

/** An `Etc/GMT±N` zone in which it is now between 1 and 9 in the morning (a one-digit hour). */
function morningZone() {
  const utc = new Date().getUTCHours();
  const offset = ((5 - utc + 36) % 24) - 12; // local hour 5 (±0), offset in -12..11
  return offset === 0 ? 'Etc/GMT' : `Etc/GMT${offset > 0 ? '-' : '+'}${Math.abs(offset)}`;
}

describe('bubbles: times, files, images, notices', { timeout: 180_000 }, () => {
  let server;
  let web;
  let browser;
  let context;
  let page;
  const errors = [];
  const cliAlice = tempDir('bubbles-alice');
  const cliBob = tempDir('bubbles-bob');
  const dirs = [cliAlice, cliBob];
  const bubbles = () => page.locator('[data-testid="message"]');
  const shot = async (name) => {
    if (SHOTS) await page.screenshot({ path: join(SHOTS, `${name}.png`), animations: 'disabled' });
  };

  /** Resolves a colour token to its computed rgb() value. */
  const token = (name) =>
    page.evaluate((n) => {
      const probe = document.createElement('span');
      probe.style.color = `var(${n})`;
      document.body.append(probe);
      const c = getComputedStyle(probe).color;
      probe.remove();
      return c;
    }, name);
  /** WCAG contrast of an element's text against its background. */
  const contrastOf = (locator) =>
    locator.evaluate((el) => {
      const rgb = (c) => c.match(/\d+(\.\d+)?/g).slice(0, 3).map(Number);
      const lum = ([r, g, b]) => {
        const f = (v) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
        return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
      };
      const s = getComputedStyle(el);
      const [a, b] = [lum(rgb(s.color)), lum(rgb(s.backgroundColor))].sort((x, y) => y - x);
      return (a + 0.05) / (b + 0.05);
    });

  before(async () => {
    server = await startConfabd();
    dirs.push(server.dataDir);
    await cli(cliAlice, 'register', 'alice', '--server', server.url, '--password', 'alice-secret-1');
    await cli(cliAlice, 'logout');
    await cli(cliBob, 'register', 'bob', '--server', server.url, '--password', 'bob-secret-12');
    await cli(cliBob, 'send', 'alice', 'run', '--count', '3');
    web = await startWeb({ server: server.url });
    dirs.push(web.dataDir);
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: { width: 1100, height: 720 }, locale: 'en-US', timezoneId: morningZone() });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: web.base });
    page = await context.newPage();
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(web.url);
    await page.locator('input[name="userID"]').fill('alice');
    await page.locator('input[name="password"]').fill('alice-secret-1');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.locator('[data-conversation="C2Cbob"]').click();
    await bubbles().filter({ hasText: 'run 3' }).waitFor();
  });

  after(async () => {
    await tearDown({ browser, web, server, dirs });
  });

  it('shows each message’s time on hover and at the end of a group, as "5:06 AM"', async () => {
    const first = bubbles().filter({ hasText: 'run 1' });
    const last = bubbles().filter({ hasText: 'run 3' });
    const firstTime = first.getByTestId('message-time');
    const lastTime = last.getByTestId('message-time');
    assert.match(await lastTime.innerText(), /^[1-9]:\d\d\s(AM|PM)$/u);
    assert.equal(await lastTime.evaluate((el) => getComputedStyle(el).opacity), '1');
    // Mid-group: present (for screen readers too) but shown on hover only.
    assert.equal(await firstTime.count(), 1, 'a time on every message');
    assert.equal(await firstTime.evaluate((el) => getComputedStyle(el).opacity), '0');
    await first.hover();
    await page.waitForFunction((el) => getComputedStyle(el).opacity === '1', await firstTime.elementHandle());
    assert.match(await firstTime.innerText(), /^[1-9]:\d\d\s(AM|PM)$/u);
    await shot('14-time-hover-1100x720');
  });

  it('keeps a long file name’s extension visible and sizes image thumbnails from their dimensions', async () => {
    await page.evaluate(async (longName) => {
      const c = document.createElement('canvas');
      c.width = 640;
      c.height = 480;
      const g = c.getContext('2d');
      g.fillStyle = '#3a7';
      g.fillRect(0, 0, 640, 480);
      g.fillStyle = '#fff';
      g.fillRect(160, 120, 320, 240);
      const blob = await new Promise((r) => c.toBlob(r, 'image/png'));
      const dt = new DataTransfer();
      dt.items.add(new File(['%PDF-1.4 report'], longName, { type: 'application/pdf' }));
      dt.items.add(new File([blob], 'green.png', { type: 'image/png' }));
      const pane = document.querySelector('[data-testid="chat-pane"]');
      for (const type of ['dragenter', 'dragover', 'drop']) pane.dispatchEvent(new DragEvent(type, { dataTransfer: dt, bubbles: true, cancelable: true }));
    }, LONG_NAME);
    const card = page.locator(`[data-testid="file-card"][data-file-name="${LONG_NAME}"]`);
    await card.waitFor({ timeout: 30_000 });
    // The name is cut in the middle: the end and the extension stay visible.
    const tail = card.getByTestId('file-name-tail');
    assert.match(await tail.innerText(), /2\.pdf$/);
    const [cardBox, tailBox] = [await card.boundingBox(), await tail.boundingBox()];
    assert.ok(tailBox.x + tailBox.width <= cardBox.x + cardBox.width + 0.5, 'the extension is inside the card');
    const head = card.getByTestId('file-name-head');
    assert.ok(await head.evaluate((el) => el.scrollWidth > el.clientWidth), 'the middle is cut');
    assert.equal(await card.locator('[title]').first().getAttribute('title'), LONG_NAME);

    const thumb = page.getByTestId('image-thumb').last();
    await page.waitForFunction(
      () => [...document.querySelectorAll('[data-testid="image-thumb"] img')].some((i) => i.complete && i.naturalWidth > 0),
      undefined,
      { timeout: 30_000 },
    );
    const box = await thumb.boundingBox();
    assert.deepEqual([Math.round(box.width), Math.round(box.height)], [320, 240]);
    await shot('14-file-image-1100x720');
  });

  it('success notices in the success colour; Recall and Delete confirmations in a danger style', async () => {
    const theirs = bubbles().filter({ hasText: 'run 2' });
    await theirs.hover();
    await theirs.locator('[data-action="copy"]').click();
    const notice = page.getByTestId('chat-notice');
    await notice.waitFor();
    assert.equal(await notice.evaluate((el) => getComputedStyle(el).backgroundColor), await token('--success-bg'));
    assert.notEqual(await token('--success-bg'), await token('--warn-bg'));
    assert.ok((await contrastOf(notice)) >= 4.5, 'notice text AA');
    await shot('13-success-notice-1100x720');

    const composer = page.getByTestId('composer');
    await composer.fill('mine to recall');
    await composer.press('Enter');
    const mine = bubbles().filter({ hasText: 'mine to recall' });
    await page.waitForFunction(
      () => [...document.querySelectorAll('[data-testid="message"]')].some((m) => m.textContent?.includes('mine to recall') && m.getAttribute('data-status') === 'sent'),
    );
    for (const [action, title, scheme] of [
      ['revoke', 'Recall this message?', 'light'],
      ['delete', 'Delete', 'light'],
      ['delete', 'Delete', 'dark'],
    ]) {
      await page.emulateMedia({ colorScheme: scheme });
      await mine.hover();
      await mine.locator(`[data-action="${action}"]`).click();
      const dialog = page.getByRole('alertdialog', { name: new RegExp(title) });
      await dialog.waitFor();
      const confirm = dialog.getByTestId('confirm');
      const bg = await confirm.evaluate((el) => getComputedStyle(el).backgroundColor);
      assert.equal(bg, await token('--danger-solid'), `${action} (${scheme}) confirm is danger-coloured`);
      assert.notEqual(bg, await token('--accent'));
      assert.ok((await contrastOf(confirm)) >= 4.5, `${action} (${scheme}) confirm text AA`);
      await shot(`13-${action}-confirm-1100x720${scheme === 'dark' ? '-dark' : ''}`);
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      await dialog.waitFor({ state: 'detached' });
    }
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('had no console errors', () => {
    assert.deepEqual(errors.filter((e) => !/Failed to load resource/.test(e)), []);
  });
});
