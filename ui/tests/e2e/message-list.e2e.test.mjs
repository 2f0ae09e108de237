// The message list in Chromium against a real confabd (issue 10, defects 1,
// 11 and 15): a conversation with rows of very different heights (1-line,
// multi-line, a 5,000-character message, images whose files arrive late)
// opens without freezing at common window sizes, rows never overlap, the
// view holds still at the bottom and keeps its anchor row when scrolled up,
// and the list is a keyboard-reachable ARIA list. Images reach bob's
// conversation by forwarding them from carol's, so the seeding never opens
// a chat that contains the long message.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { cli, launchBrowser, openPage, startConfabd, startWeb, tearDown, tempDir } from './harness.mjs';

const PASSWORD = 'alice-secret-1';
const SIZES = [
  [1100, 720],
  [1280, 700],
  [900, 700],
  [800, 600],
];
const WORDS = 'lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore ';
const LONG = WORDS.repeat(60).slice(0, 5000);
const MULTI = 'first line\nsecond line\nthird line\nfourth line\nfifth line\nsixth line';

/** Rows in the list sorted by their top edge; overlapping neighbours. */
const overlaps = (page) =>
  page.evaluate(() => {
    const rows = [...document.querySelectorAll('[role="log"] .row')]
      .map((r) => {
        const b = r.getBoundingClientRect();
        return { key: r.getAttribute('data-key'), top: b.top, bottom: b.bottom };
      })
      .sort((a, b) => a.top - b.top);
    const bad = [];
    for (let i = 1; i < rows.length; i++) if (rows[i].top < rows[i - 1].bottom - 0.5) bad.push([rows[i - 1], rows[i]]);
    return bad;
  });

const distanceFromBottom = (page) =>
  page.evaluate(() => {
    const log = document.querySelector('[role="log"]');
    return log.scrollHeight - log.scrollTop - log.clientHeight;
  });

/** Resolves after `n` painted frames. */
const frames = (page, n) =>
  page.evaluate((count) => new Promise((r) => {
    let left = count;
    const tick = () => (--left <= 0 ? r() : requestAnimationFrame(tick));
    requestAnimationFrame(tick);
  }), n);

/** The top of the row whose key is `key`, relative to the list's top edge. */
const rowTop = (page, key) =>
  page.evaluate((k) => {
    const log = document.querySelector('[role="log"]');
    const row = [...log.querySelectorAll('.row')].find((r) => r.getAttribute('data-key') === k);
    return row ? row.getBoundingClientRect().top - log.getBoundingClientRect().top : null;
  }, key);

describe('message list with rows of very different heights', { timeout: 300_000 }, () => {
  let server;
  let web;
  let browser;
  const bob = tempDir('ml-bob');
  const carol = tempDir('ml-carol');
  const aliceCli = tempDir('ml-alice');
  const dirs = [bob, carol, aliceCli];

  async function forwardImage(page, nth) {
    const image = page.locator('[data-testid="message"][data-type="TIMImageElem"]').nth(nth);
    await image.click({ button: 'right' });
    await page.getByRole('menuitem', { name: 'Forward' }).click();
    await page.locator('label[data-conversation="C2Cbob"]').click();
    await page.getByTestId('forward-send').click();
    await page.getByTestId('forward-send').waitFor({ state: 'detached' });
  }

  before(async () => {
    server = await startConfabd();
    dirs.push(server.dataDir);
    await cli(aliceCli, 'register', 'alice', '--server', server.url, '--password', PASSWORD);
    await cli(aliceCli, 'logout');
    await cli(carol, 'register', 'carol', '--server', server.url, '--password', 'carol-secret-1');
    await cli(carol, 'send', 'alice', 'hi from carol');
    await cli(bob, 'register', 'bob', '--server', server.url, '--password', 'bob-secret-12');
    await cli(bob, 'send', 'alice', 'early', '--count', '6');
    await cli(bob, 'send', 'alice', MULTI);
    web = await startWeb({ server: server.url });
    dirs.push(web.dataDir);
    browser = await launchBrowser();
    const { context, page } = await openPage(browser, web.url, { viewport: { width: 1280, height: 800 } });
    const user = page.locator('input[name="userID"]');
    await user.waitFor();
    await user.fill('alice');
    await page.locator('input[name="password"]').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.locator('[data-conversation="C2Ccarol"]').click();
    // Three images in carol's chat: a tall one, a large landscape one, a small one.
    await page.evaluate(async () => {
      const png = async (name, color, w, h) => {
        const c = document.createElement('canvas');
        c.width = w;
        c.height = h;
        const g = c.getContext('2d');
        g.fillStyle = color;
        g.fillRect(0, 0, w, h);
        const blob = await new Promise((r) => c.toBlob(r, 'image/png'));
        return new File([blob], name, { type: 'image/png' });
      };
      const dt = new DataTransfer();
      dt.items.add(await png('tall.png', '#c33', 300, 500));
      dt.items.add(await png('wide.png', '#3a3', 1600, 1200));
      dt.items.add(await png('small.png', '#33c', 320, 200));
      const pane = document.querySelector('[data-testid="chat-pane"]');
      for (const type of ['dragenter', 'dragover', 'drop']) pane.dispatchEvent(new DragEvent(type, { dataTransfer: dt, bubbles: true, cancelable: true }));
    });
    await page.waitForFunction(
      () => {
        const imgs = [...document.querySelectorAll('[data-testid="message"][data-type="TIMImageElem"]')];
        return imgs.length === 3 && imgs.every((m) => ['sent', 'read'].includes(m.getAttribute('data-status') ?? ''));
      },
      undefined,
      { timeout: 60_000 },
    );
    await forwardImage(page, 0);
    await forwardImage(page, 1);
    await cli(bob, 'send', 'alice', 'middle', '--count', '4');
    await cli(bob, 'send', 'alice', LONG);
    await cli(bob, 'send', 'alice', MULTI);
    await cli(bob, 'send', 'alice', 'more', '--count', '4');
    await forwardImage(page, 2);
    await cli(bob, 'send', 'alice', 'tail', '--count', '2');
    await cli(carol, 'send', 'alice', 'carol', '--count', '3');
    await context.close();
  });

  after(async () => {
    await tearDown({ browser, web, server, dirs });
  });

  for (const [width, height] of SIZES) {
    it(`${width}×${height}: opens without freezing, rows never overlap, the view holds still while images load late`, async () => {
      const { context, page, errors } = await openPage(browser, web.url, { viewport: { width, height } });
      // Hold every file download (the images) until released.
      const held = [];
      await context.route(
        (url) => url.href.startsWith(web.filesOrigin),
        (route) => held.push(route),
      );
      const release = async () => {
        const routes = held.splice(0);
        for (const r of routes) await r.continue();
        return routes.length;
      };
      try {
        await page.locator('[data-conversation="C2Cbob"]').click();
        await page.locator('[role="log"] [data-testid="message"]').filter({ hasText: 'tail 2' }).waitFor();
        // The page keeps painting: 30 frames come (a frozen page paints 0-2 a second).
        const start = await page.evaluate(() => {
          window.__frames = 0;
          const tick = () => {
            window.__frames++;
            requestAnimationFrame(tick);
          };
          requestAnimationFrame(tick);
          return 0;
        });
        await page
          .waitForFunction((s) => window.__frames - s >= 30, start, { timeout: 20_000, polling: 100 })
          .catch(async () => assert.fail(`the page stopped painting: ${await page.evaluate(() => window.__frames)} frames; ${errors.join('; ')}`));
        assert.deepEqual(errors, []);
        assert.deepEqual(await overlaps(page), []);
        await page.waitForFunction(() => {
          const log = document.querySelector('[role="log"]');
          return log.scrollHeight - log.scrollTop - log.clientHeight <= 1;
        });

        // The image near the bottom loads late; the view stays at the bottom.
        await page.waitForFunction(() => document.querySelectorAll('[role="log"] [data-testid="image-thumb"]').length > 0);
        assert.ok((await release()) > 0, 'the image downloads were held');
        await page.waitForFunction(() => {
          const imgs = [...document.querySelectorAll('[role="log"] [data-testid="image-thumb"] img')];
          return imgs.length > 0 && imgs.every((i) => i.complete && i.naturalWidth > 0);
        });
        await frames(page, 3);
        assert.ok((await distanceFromBottom(page)) <= 1, 'still at the bottom after the image loaded');
        assert.deepEqual(await overlaps(page), []);
        if (process.env.SCREENSHOTS) await page.screenshot({ path: join(process.env.SCREENSHOTS, `1-freeze-bottom-${width}x${height}.png`) });

        // Scroll up a bit at a time through the long message: the row at the top stays put once rendered.
        let anchorKey = null;
        for (let step = 0; step < 40 && !anchorKey; step++) {
          await page.evaluate(() => {
            const log = document.querySelector('[role="log"]');
            log.scrollTop = Math.max(0, log.scrollTop - log.clientHeight * 0.5);
          });
          await frames(page, 2);
          const top = await page.evaluate(() => {
            const log = document.querySelector('[role="log"]');
            const box = log.getBoundingClientRect();
            const rows = [...log.querySelectorAll('.row')];
            const first = rows.find((r) => r.getBoundingClientRect().top >= box.top);
            const middle = rows.find((r) => /middle 1\b/.test(r.textContent) && r.getBoundingClientRect().top >= box.top && r.getBoundingClientRect().bottom <= box.bottom);
            return first ? { key: first.getAttribute('data-key'), middle: middle?.getAttribute('data-key') ?? null } : null;
          });
          if (!top) continue;
          const y0 = await rowTop(page, top.key);
          await frames(page, 3);
          assert.equal(await rowTop(page, top.key), y0, `row ${top.key} moved after scrolling`);
          assert.deepEqual(await overlaps(page), []);
          anchorKey = top.middle;
        }
        assert.ok(anchorKey, 'scrolled up to "middle 1"');
        // The two images just above it were requested and are held: let them load now.
        await page.waitForFunction(() => {
          const log = document.querySelector('[role="log"]');
          return [...log.querySelectorAll('[data-testid="image-thumb"]')].length >= 2;
        });
        const y0 = await rowTop(page, anchorKey);
        await release();
        await page.waitForFunction(() => {
          const imgs = [...document.querySelectorAll('[role="log"] [data-testid="image-thumb"] img')];
          return imgs.length >= 2 && imgs.every((i) => i.complete && i.naturalWidth > 0);
        });
        await frames(page, 3);
        assert.equal(await rowTop(page, anchorKey), y0, 'the anchor row held still while images above it loaded');
        assert.deepEqual(await overlaps(page), []);
        assert.deepEqual(errors, []);
      } finally {
        await context.close();
      }
    });
  }

  /** The text of the focused row, or null when focus is not on a row of the list. */
  const focusedRow = (page) =>
    page.evaluate(() => {
      const a = document.activeElement;
      return a?.classList.contains('row') && a.closest('[role="log"]') ? a.textContent.trim() : null;
    });

  it('arrow keys move focus between messages; Shift+F10 and the menu key open the message menu; Up in the composer still edits', async () => {
    const { context, page, errors } = await openPage(browser, web.url, { viewport: { width: 1100, height: 720 } });
    try {
      await page.locator('[data-conversation="C2Ccarol"]').click();
      await page.locator('[role="log"] [data-testid="message"]').filter({ has: page.getByText('carol 3', { exact: true }) }).waitFor();
      const composer = page.getByTestId('composer');
      await composer.fill('my own text');
      await composer.press('Enter');
      await page.waitForFunction(() =>
        [...document.querySelectorAll('[data-testid="message"]')].some((m) => m.textContent.includes('my own text') && m.getAttribute('data-status') === 'sent'),
      );
      // The list is one tab stop, reached from the composer with Shift+Tab: the newest message.
      await composer.focus();
      const path = [];
      for (let i = 0; i < 8 && (await focusedRow(page)) === null; i++) {
        await page.keyboard.press('Shift+Tab');
        path.push(await page.evaluate(() => `${document.activeElement?.tagName}.${document.activeElement?.className}[${document.activeElement?.getAttribute('aria-label') ?? ''}]`));
      }
      assert.match((await focusedRow(page)) ?? `no row focused: ${path.join(' < ')}`, /my own text/);
      await page.keyboard.press('ArrowUp');
      assert.match((await focusedRow(page)) ?? '', /carol 3/);
      await page.keyboard.press('ArrowUp');
      assert.match((await focusedRow(page)) ?? '', /carol 2/);
      await page.keyboard.press('ArrowDown');
      assert.match((await focusedRow(page)) ?? '', /carol 3/);

      // Shift+F10 opens the focused message's menu (the right-click one), focus on its first item.
      await page.keyboard.press('Shift+F10');
      const menu = page.getByRole('menu', { name: 'Message actions' });
      await menu.waitFor();
      assert.equal(await menu.getByRole('menuitem', { name: 'Reply' }).evaluate((b) => b === document.activeElement), true);
      await page.keyboard.press('ArrowDown');
      assert.equal(await menu.getByRole('menuitem', { name: 'Copy' }).evaluate((b) => b === document.activeElement), true);
      await page.keyboard.press('Escape');
      await menu.waitFor({ state: 'detached' });
      assert.match((await focusedRow(page)) ?? 'focus lost', /carol 3/);
      if (process.env.SCREENSHOTS) {
        await page.keyboard.press('ContextMenu');
        await menu.waitFor();
        await page.screenshot({ path: join(process.env.SCREENSHOTS, '11-message-menu-keyboard-1100x720.png') });
        await page.keyboard.press('Escape');
      }
      // The menu key does the same.
      await page.keyboard.press('ContextMenu');
      await menu.waitFor();
      await page.keyboard.press('Escape');
      await menu.waitFor({ state: 'detached' });

      // Up in an empty composer still edits the last own message.
      await composer.focus();
      await page.keyboard.press('ArrowUp');
      const edit = page.getByTestId('edit-box');
      await edit.waitFor();
      assert.equal(await edit.inputValue(), 'my own text');
      await page.keyboard.press('Escape');
      await edit.waitFor({ state: 'detached' });
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  it('the messages are an ARIA list of list items, and the scroll region always holds one tab stop', async () => {
    const { context, page, errors } = await openPage(browser, web.url, { viewport: { width: 800, height: 600 } });
    try {
      await page.locator('[data-conversation="C2Ccarol"]').click();
      await page.locator('[role="log"] [data-testid="message"]').filter({ has: page.getByText('carol 3', { exact: true }) }).waitFor();
      await page.getByRole('list', { name: 'Messages' }).waitFor();
      const structure = () =>
        page.evaluate(() => {
          const log = document.querySelector('[role="log"]');
          const items = [...log.querySelectorAll('[role="listitem"]')];
          const top = log.getBoundingClientRect().top;
          const bottom = log.getBoundingClientRect().bottom;
          const stops = [...log.querySelectorAll('[tabindex="0"]')];
          return {
            messages: log.querySelectorAll('[data-testid="message"]').length,
            messagesInItems: [...log.querySelectorAll('[data-testid="message"]')].filter((m) => m.closest('[role="listitem"]')?.parentElement?.getAttribute('role') === 'list').length,
            orphanItems: items.filter((i) => i.parentElement?.getAttribute('role') !== 'list').length,
            nestedItems: items.filter((i) => i.parentElement?.closest('[role="listitem"]')).length,
            stops: stops.length,
            stopOnScreen: stops.length === 1 && stops[0].getBoundingClientRect().bottom > top && stops[0].getBoundingClientRect().top < bottom,
            stopIsItem: stops.length === 1 && stops[0].getAttribute('role') === 'listitem',
          };
        });
      const check = async (where) => {
        const s = await structure();
        assert.ok(s.messages > 0, where);
        assert.equal(s.messagesInItems, s.messages, `${where}: every message is inside a list item of a list`);
        assert.equal(s.orphanItems, 0, `${where}: list items outside a list`);
        assert.equal(s.nestedItems, 0, `${where}: nested list items`);
        assert.equal(s.stops, 1, `${where}: one tab stop in the scroll region`);
        assert.ok(s.stopOnScreen && s.stopIsItem, `${where}: the tab stop is a message on screen`);
      };
      await check('at the bottom');
      await page.evaluate(() => {
        const log = document.querySelector('[role="log"]');
        log.scrollTop = log.scrollHeight / 3;
      });
      await frames(page, 3);
      await check('scrolled up');
      // Selection mode: its checkboxes sit inside the rows and still work.
      await page.evaluate(() => {
        const log = document.querySelector('[role="log"]');
        log.scrollTop = log.scrollHeight;
      });
      await page.locator('[role="log"] [data-testid="message"]').filter({ has: page.getByText('carol 3', { exact: true }) }).click({ button: 'right' });
      await page.getByRole('menuitem', { name: 'Select' }).click();
      const boxes = page.locator('[role="log"] [role="listitem"] input[type="checkbox"]');
      await boxes.first().waitFor();
      // The text exactly: by substring, "hi from carol" with a time of 2:xx also holds "carol 2".
      await page
        .locator('[role="log"] [data-testid="message"]')
        .filter({ has: page.getByText('carol 2', { exact: true }) })
        .getByRole('checkbox')
        .check();
      await page.getByTestId('selection-bar').getByText('2 selected').waitFor();
      await check('selecting');
      await page.getByTestId('selection-bar').getByRole('button', { name: 'Cancel' }).click();
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });
});
