// Message content (issue 10): links and formatting (defect 5), colour
// emoji with no system emoji font (defect 4), "Forwarded from …" (defect
// 8). One real confabd, one web host, one Chromium; bob and carol are CLI
// clients.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { cli, launchBrowser, openPage, signIn, startConfabd, startWeb, tearDown, tempDir } from './harness.mjs';

const PASSWORD = 'alice-secret-1';

describe('message content', { timeout: 180_000 }, () => {
  let server;
  let web;
  let browser;
  let page;
  let errors;
  let target;
  let targetUrl;
  const bob = tempDir('bob');
  const carol = tempDir('carol');
  const alice = tempDir('alice');
  const dirs = [bob, carol, alice];

  // SCREENSHOTS=<dir>: screenshots of each screen (the before/after record).
  const shot = async (name) => {
    if (process.env.SCREENSHOTS) await page.screenshot({ path: `${process.env.SCREENSHOTS}/${name}.png`, animations: 'disabled' });
  };
  const row = (peer) => page.locator(`[data-conversation="C2C${peer}"]`);
  const bubble = (text) => page.locator('[data-testid="message"]').filter({ hasText: text });

  before(async () => {
    // A local page for the link to open: no traffic leaves the machine.
    target = http.createServer((_, res) => res.end('link target')).listen(0, '127.0.0.1');
    await new Promise((r) => target.once('listening', r));
    targetUrl = `http://127.0.0.1:${target.address().port}/page_(1)`;
    server = await startConfabd();
    dirs.push(server.dataDir);
    await cli(bob, 'register', 'bob', '--server', server.url, '--password', 'bob-secret-12');
    await cli(bob, 'set-profile', '--nick', 'Bobby Tables');
    await cli(carol, 'register', 'carol', '--server', server.url, '--password', 'carol-secret-1');
    await cli(alice, 'register', 'alice', '--server', server.url, '--password', PASSWORD);
    await cli(alice, 'logout');
    await cli(carol, 'send', 'alice', 'hi from carol');
    await cli(bob, 'send', 'alice', 'forward me please');
    await cli(
      bob,
      'send',
      'alice',
      `see ${targetUrl}. and www.example.org, **bold** _slanted_ \`a<b>\` <b>not html</b> javascript:alert(1)`,
    );
    await cli(bob, 'send', 'alice', 'code:\n```\nlet x = **1**;\n```');
    web = await startWeb({ server: server.url });
    dirs.push(web.dataDir);
    browser = await launchBrowser();
    ({ page, errors } = await openPage(browser, web.url, { viewport: { width: 1100, height: 720 } }));
    await signIn(page, 'alice', PASSWORD);
    await row('bob').waitFor();
  });

  after(async () => {
    await tearDown({ browser, web, server, dirs });
    target?.close();
  });

  it('defect 5: links are clickable and safe; bold, italic, code and code blocks render; the list shows plain text', async () => {
    await row('bob').click();
    const msg = bubble('see http');
    await msg.waitFor();
    await bubble('let x').waitFor();
    await shot('5-links-format-1100x720');
    const link = msg.locator(`a[href="${targetUrl}"]`);
    assert.equal(await link.count(), 1, 'the URL (with its parentheses, without the final dot) is a link');
    assert.equal(await link.getAttribute('target'), '_blank');
    assert.equal(await link.getAttribute('rel'), 'noopener noreferrer');
    assert.equal(await msg.locator('a[href="https://www.example.org"]').count(), 1, 'a bare www. address is a link');
    assert.equal(await msg.locator('a[href^="javascript"]').count(), 0);
    assert.equal(await msg.locator('a').count(), 2);
    assert.equal(await msg.locator('strong').textContent(), 'bold');
    assert.equal(await msg.locator('em').textContent(), 'slanted');
    assert.equal(await msg.locator('code').textContent(), 'a<b>');
    assert.equal(await msg.locator('b').count(), 0, 'HTML in a message is text');
    assert.match(await msg.textContent(), /<b>not html<\/b>/);
    const block = bubble('let x').locator('pre');
    assert.equal(await block.textContent(), 'let x = **1**;');
    // The list preview is the plain text, without markers.
    await page.waitForFunction(() => /code:\s*let x = \*\*1\*\*;/.test(document.querySelector('[data-conversation="C2Cbob"] .preview')?.textContent ?? ''));
    const preview = await row('bob').locator('.preview').textContent();
    assert.doesNotMatch(preview, /```/);
    // Clicking opens a new tab; the app stays where it is.
    const appUrl = page.url();
    const [popup] = await Promise.all([page.context().waitForEvent('page'), link.click()]);
    await popup.waitForLoadState();
    assert.equal(popup.url(), targetUrl);
    assert.equal(page.url(), appUrl);
    assert.equal(await popup.evaluate(() => window.opener), null);
    await popup.close();
  });

  it('defect 4: an emoji in a message renders in colour with no system emoji font', async () => {
    await row('bob').click();
    const composer = page.getByTestId('composer');
    await composer.fill('party 😀🎉');
    await composer.press('Enter');
    await bubble('party').waitFor();
    await shot('4-emoji-message-1100x720');
    const coloured = await page.evaluate(async () => {
      const text = document.querySelector('[data-testid="message"] .text');
      const family = getComputedStyle(text).fontFamily;
      await document.fonts.load(`32px ${family}`, '😀');
      const canvas = document.createElement('canvas');
      canvas.width = 64;
      canvas.height = 64;
      const ctx = canvas.getContext('2d');
      ctx.font = `32px ${family}`;
      ctx.textBaseline = 'top';
      ctx.fillStyle = '#000';
      ctx.fillText('😀', 8, 8);
      const data = ctx.getImageData(0, 0, 64, 64).data;
      let n = 0;
      for (let i = 0; i < data.length; i += 4) {
        const [r, g, b, a] = [data[i], data[i + 1], data[i + 2], data[i + 3]];
        if (a > 0 && (Math.abs(r - g) > 40 || Math.abs(g - b) > 40)) n++;
      }
      return n;
    });
    assert.ok(coloured > 100, `coloured pixels of 😀: ${coloured}`);
  });

  it('defect 4: the emoji picker searches, inserts at the caret, sends, keeps recents and the skin tone', async () => {
    await row('bob').click();
    const composer = page.getByTestId('composer');
    const picker = page.getByTestId('emoji-picker');
    await composer.fill('ab');
    await composer.evaluate((el) => el.setSelectionRange(1, 1));
    await page.getByTestId('emoji-button').click();
    await picker.waitFor();
    await picker.getByRole('searchbox').fill('smile');
    const first = picker.getByTestId('emoji-results').locator('button').first();
    await first.waitFor();
    await shot('4-emoji-picker-search-1100x720');
    const smile = await first.textContent();
    await page.keyboard.press('ArrowDown');
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), smile);
    await page.keyboard.press('Enter');
    assert.equal(await composer.inputValue(), `a${smile}b`);
    await page.keyboard.press('Escape');
    await picker.waitFor({ state: 'detached' });
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'composer');
    await composer.press('Enter');
    await bubble(`a${smile}b`).waitFor();
    await page.waitForFunction(
      (t) => [...document.querySelectorAll('[data-testid="message"]')].some((m) => m.textContent?.includes(t) && m.getAttribute('data-status') === 'sent'),
      `a${smile}b`,
    );
    assert.match(await cli(bob, 'history', 'C2Calice', '--all'), new RegExp(`a${smile}b`));
    // Recents, then a skin tone that sticks.
    await page.getByTestId('emoji-button').click();
    assert.equal(await picker.getByTestId('emoji-recent').locator('button').first().textContent(), smile);
    await picker.locator('[data-tone="3"]').click();
    await picker.getByRole('searchbox').fill('thumbs up');
    await picker.getByTestId('emoji-results').getByRole('button', { name: 'thumbs up', exact: true }).click();
    assert.equal(await composer.inputValue(), '👍🏽');
    await page.keyboard.press('Escape');
    await page.reload();
    await row('bob').click();
    await page.getByTestId('emoji-button').click();
    assert.equal(await picker.locator('[data-tone="3"]').getAttribute('aria-checked'), 'true');
    assert.equal(await picker.getByTestId('emoji-recent').locator('button').first().textContent(), '👍🏽');
    await shot('4-emoji-picker-1100x720');
    await page.keyboard.press('Escape');
    await composer.fill('');
  });

  it('defect 8: a forwarded message says "Forwarded from <nickname>" (en and zh-CN)', async () => {
    await row('bob').click();
    const source = bubble('forward me please');
    await source.hover();
    await source.locator('[data-action="forward"]').click();
    const dialog = page.getByRole('dialog');
    await dialog.locator('[data-conversation="C2Ccarol"] input').check();
    await page.getByTestId('forward-send').click();
    await dialog.waitFor({ state: 'detached' });
    await row('carol').click();
    const copy = bubble('forward me please');
    await copy.waitFor();
    await shot('8-forwarded-1100x720');
    assert.equal(await copy.getByTestId('forwarded').textContent(), 'Forwarded from Bobby Tables');
    const history = await cli(carol, 'history', 'C2Calice', '--all');
    assert.match(history, /forward me please/);
    await page.getByRole('button', { name: 'Settings' }).click();
    await page.locator('select[name="language"]').selectOption('zh-CN');
    await page.keyboard.press('Escape');
    await page.waitForFunction(() => document.querySelector('[data-testid="forwarded"]')?.textContent === '转发自 Bobby Tables');
    await page.getByRole('button', { name: '设置' }).click();
    await page.locator('select[name="language"]').selectOption('en');
    await page.keyboard.press('Escape');
  });

  it('screenshots at the smallest size, dark and Chinese (SCREENSHOTS only)', { skip: !process.env.SCREENSHOTS }, async () => {
    await page.setViewportSize({ width: 800, height: 560 });
    await row('bob').click();
    await bubble('see http').waitFor();
    await shot('5-links-format-800x560');
    await page.getByTestId('emoji-button').click();
    await page.getByTestId('emoji-picker').waitFor();
    await shot('4-emoji-picker-800x560');
    await page.keyboard.press('Escape');
    await page.emulateMedia({ colorScheme: 'dark' });
    await shot('5-links-format-800x560-dark');
    await page.getByRole('button', { name: 'Settings' }).click();
    await page.locator('select[name="language"]').selectOption('zh-CN');
    await page.keyboard.press('Escape');
    await row('carol').click();
    await page.getByTestId('forwarded').waitFor();
    await shot('8-forwarded-800x560-dark-zh');
    await page.getByRole('button', { name: '设置' }).click();
    await page.locator('select[name="language"]').selectOption('en');
    await page.keyboard.press('Escape');
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('had no console errors', () => {
    assert.deepEqual(errors, []);
  });
});
