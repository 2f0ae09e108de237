// The virtualized message list with 10,000 messages, in Chromium: only the
// visible rows are in the DOM, and scrolling through the whole history stays
// smooth. Uses a Vite-served fixture (tests/e2e/fixtures/big-chat.html) with
// the FakeBackend, since seeding 10,000 messages through a real server is
// not what this test measures.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { createServer } from 'vite';
import { UI_DIR, ensureResultsDir, launchBrowser, openPage } from './harness.mjs';

describe('10,000-message conversation', { timeout: 180_000 }, () => {
  let vite;
  let browser;
  let page;
  let errors;

  before(async () => {
    vite = await createServer({ root: UI_DIR, configFile: join(UI_DIR, 'vite.config.ts'), server: { port: 0, strictPort: false }, logLevel: 'error' });
    await vite.listen();
    const url = vite.resolvedUrls.local[0];
    browser = await launchBrowser();
    ({ page, errors } = await openPage(browser, `${url}tests/e2e/fixtures/big-chat.html`));
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="message"]').length > 0, undefined, { timeout: 60_000 });
  });

  after(async () => {
    await browser?.close();
    await vite?.close();
  });

  it('renders only the visible rows, newest at the bottom', async () => {
    const rows = await page.locator('[role="log"] .row').count();
    assert.ok(rows > 5 && rows < 120, `rendered rows: ${rows}`);
    const newest = page.locator('[role="log"]').getByText('#9999 ', { exact: false });
    await newest.waitFor();
    // Opened at the bottom, and still there once every row is measured.
    await page.waitForTimeout(500);
    const inView = await page.evaluate(() => {
      const log = document.querySelector('[role="log"]');
      return log.scrollHeight - log.scrollTop - log.clientHeight;
    });
    assert.ok(inView < 8, `distance from the bottom: ${inView}`);
    assert.equal(await page.getByRole('button', { name: /Jump to latest/ }).count(), 0);
    await page.screenshot({ path: join(ensureResultsDir(), 'big-chat.png'), animations: 'disabled' });
  });

  it('scrolls from the newest to the oldest message smoothly, paging older history', async () => {
    const result = await page.evaluate(async () => {
      const log = document.querySelector('[role="log"]');
      const frames = [];
      let maxRows = 0;
      const step = () => new Promise((r) => requestAnimationFrame(() => r(performance.now())));
      let t = await step();
      // Scroll up a screen at a time until the first message is in view.
      for (let i = 0; i < 4000; i++) {
        log.scrollTop = Math.max(0, log.scrollTop - log.clientHeight);
        log.dispatchEvent(new Event('scroll'));
        const t2 = await step();
        frames.push(t2 - t);
        t = t2;
        maxRows = Math.max(maxRows, log.querySelectorAll('.row').length);
        if (log.textContent.includes('#0 ')) break;
      }
      frames.sort((a, b) => a - b);
      return {
        steps: frames.length,
        median: frames[Math.floor(frames.length / 2)],
        p95: frames[Math.floor(frames.length * 0.95)],
        maxRows,
        messages: window.confabFixture.app.chats.get('C2Cbob').messages.length,
        reachedStart: log.textContent.includes('#0 '),
      };
    });
    console.log(`# 10k scroll: ${JSON.stringify(result)}`);
    assert.equal(result.messages, 10_000);
    assert.ok(result.reachedStart, 'reached the first message');
    assert.ok(result.maxRows < 150, `max rows in the DOM: ${result.maxRows}`);
    // The median frame time is printed above, never asserted: tests do not
    // assert on timings (a loaded machine would fail them).
  });

  it('had no console errors', () => {
    assert.deepEqual(errors, []);
  });
});
