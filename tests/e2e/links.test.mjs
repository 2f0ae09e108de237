// Desktop: a link in a message opens in the system browser (through the
// opener plugin, allowed for http(s) only) and the app's WebView stays on
// the app (issue 10, defect 5). A stand-in `xdg-open` on PATH records what
// the app asked to open, so nothing leaves the machine. Run through
// tests/e2e/run.sh tests/e2e/links.test.mjs. It also checks that the
// shipped emoji font draws in colour in WebKitGTK (defect 4).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, launchApp, quitApp, removeDir, resultsDir, signIn, startConfabd, tempDir } from './harness.mjs';

const LINK = 'https://example.com/desktop-link_(1)';

describe('desktop links', { timeout: 180_000 }, () => {
  let server;
  const bob = tempDir('bob');
  const aliceCli = tempDir('alice-cli');
  const aliceApp = tempDir('alice-app');
  const shim = tempDir('opener');
  const opened = join(shim, 'opened.txt');
  const dirs = [bob, aliceCli, aliceApp, shim];

  before(async () => {
    writeFileSync(join(shim, 'xdg-open'), `#!/bin/sh\nprintf '%s\\n' "$@" >> '${opened}'\n`);
    chmodSync(join(shim, 'xdg-open'), 0o755);
    server = await startConfabd();
    dirs.push(server.dataDir);
    await cli(bob, ['register', 'bob', '--server', server.url], { env: { CONFAB_PASSWORD: 'bob-secret-12' } });
    await cli(aliceCli, ['register', 'alice', '--server', server.url], { env: { CONFAB_PASSWORD: 'alice-secret-1' } });
    await cli(aliceCli, ['logout']);
    await cli(bob, ['send', 'alice', `visit ${LINK}. or javascript:alert(1) 😀🎉`]);
  });

  after(async () => {
    await server?.stop();
    for (const dir of dirs) removeDir(dir);
  });

  it('clicking a link opens it in the system browser and the app stays put', async () => {
    const app = await launchApp({ CONFAB_DATA_DIR: aliceApp, CONFAB_SERVER_URL: server.url, PATH: `${shim}:${process.env.PATH}` });
    try {
      const { browser } = app;
      const appUrl = await browser.getUrl();
      await signIn(browser, 'alice', 'alice-secret-1');
      const bobRow = await browser.$('[data-conversation="C2Cbob"]');
      await bobRow.waitForDisplayed();
      await bobRow.click();
      const link = await browser.$(`a[href="${LINK}"]`);
      await link.waitForDisplayed();
      assert.equal(await browser.execute(() => document.querySelectorAll('[data-testid="message"] a').length), 1);
      await link.click();
      await browser.waitUntil(() => existsSync(opened) && readFileSync(opened, 'utf8').includes(LINK), {
        timeoutMsg: 'the system opener was not asked to open the link',
      });
      assert.equal(readFileSync(opened, 'utf8').trim(), LINK);
      assert.equal(await browser.getUrl(), appUrl, 'the WebView did not navigate away');
      assert.ok(await (await browser.$('[data-testid="composer"]')).isDisplayed());
      // The shipped emoji font draws in colour in WebKitGTK too (defect 4).
      const coloured = await browser.execute(async () => {
        const text = document.querySelector('[data-testid="message"] .text');
        const family = getComputedStyle(text).fontFamily;
        await document.fonts.load(`32px ${family}`, '😀');
        const canvas = document.createElement('canvas');
        canvas.width = 64;
        canvas.height = 64;
        const ctx = canvas.getContext('2d');
        ctx.font = `32px ${family}`;
        ctx.textBaseline = 'top';
        ctx.fillText('😀', 8, 8);
        const data = ctx.getImageData(0, 0, 64, 64).data;
        let n = 0;
        for (let i = 0; i < data.length; i += 4) {
          if (data[i + 3] > 0 && (Math.abs(data[i] - data[i + 1]) > 40 || Math.abs(data[i + 1] - data[i + 2]) > 40)) n++;
        }
        return n;
      });
      assert.ok(coloured > 100, `coloured pixels of 😀 in WebKitGTK: ${coloured}`);
      await browser.saveScreenshot(join(resultsDir(), 'links.png'));
    } finally {
      await quitApp(app);
    }
  });
});
