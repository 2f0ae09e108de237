// Several accounts signed in at once in the browser, on two servers: two
// real confabd, the real web host (on the first), the real confab CLI as
// the peers, Chromium. alice signs in on server 1, then adds an account:
// the sign-in page says so and offers the way back, "Change server" picks
// server 2, and carol is created there. bob (CLI, server 1) writes to alice
// while carol is shown: alice's button in the rail gets a badge and a
// notification naming alice is asked for (`app.notify` with her account);
// a click on her button shows her chats with bob's message, and carol's
// button takes its place. dave (CLI, server 2) writes to carol in turn.
// With three other accounts the rail still fits a 720×480 window (its
// accounts' list scrolls, every button reachable from the keyboard); a
// reload keeps every account signed in; signing out of the shown account
// shows another. axe-core runs on each new screen; SCREENSHOTS=<dir> saves
// the rail with accounts and the add-account sign-in page.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { auditAxe, cli, launchBrowser, openPage, signIn, sizeShots, startConfabd, startWeb, tearDown, tempDir } from './harness.mjs';

const PASSWORDS = {
  alice: 'alice-secret-1',
  bob: 'bob-secret-12',
  carol: 'carol-secret-1',
  dave: 'dave-secret-12',
  erin: 'erin-secret-12',
  frank: 'frank-secret-1',
};

describe('Several accounts signed in at once, on two servers', { timeout: 360_000 }, () => {
  let server1;
  let server2;
  let web;
  let browser;
  let page;
  let errors;
  const profiles = {};
  const dirs = [];
  const axeLines = [];
  /** The arguments of every `app.notify` the page asked for. */
  const notified = [];
  /** Account keys, by user ID (read from the rail's buttons). */
  const ids = {};

  /** Resolves once `check()` holds (polled every 25 ms, up to 20 s). */
  async function until(check, what) {
    const end = Date.now() + 20_000;
    while (!(await check())) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  const chats = () => page.getByRole('listbox', { name: 'Chats' });
  const row = (peer) => page.locator(`[data-conversation="C2C${peer}"]`);
  const switches = () => page.getByTestId('account-switch');
  const switchTo = (userID) => page.locator(`[data-testid="account-switch"][data-account-id="${ids[userID]}"]`);
  /** The account keys the rail offers a switch to, in its order. */
  const offered = () => switches().evaluateAll((buttons) => buttons.map((b) => b.getAttribute('data-account-id')));
  /** Waits until the rail's own avatar is `userID`'s (its initials) and the chat list is back. */
  async function shows(userID) {
    const initials = userID.slice(0, 2).toUpperCase();
    const me = page.getByRole('button', { name: /Your profile/ });
    try {
      await me.locator(`.avatar[data-initials="${initials}"]`).waitFor({ timeout: 20_000 });
    } catch (e) {
      const shown = (await me.count()) ? await me.locator('.avatar').getAttribute('data-initials') : 'no profile button (signed out?)';
      throw new Error(`expected ${userID} shown, the rail shows ${shown}; offered: ${JSON.stringify(await offered())}`, { cause: e });
    }
    await chats().waitFor();
  }

  /** Switches the page's colour scheme and waits until the new colours are on screen (no transition midway). */
  async function scheme(colorScheme) {
    await page.emulateMedia({ colorScheme });
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    await page.evaluate(() => Promise.all(document.getAnimations().map((a) => a.finished.catch(() => {}))));
  }

  /** "Add account", then (from the sign-in page it shows) signs `userID` in on the shown server. */
  async function addAndSignIn(userID) {
    await page.getByTestId('account-add').click();
    await page.getByTestId('adding-account').waitFor();
    await signIn(page, userID, PASSWORDS[userID]);
    await shows(userID);
  }

  before(async () => {
    server1 = await startConfabd();
    server2 = await startConfabd();
    dirs.push(server1.dataDir, server2.dataDir);
    // alice, bob, erin and frank on server 1; dave on server 2 (carol signs up there in the browser).
    for (const [userID, server] of [
      ['alice', server1],
      ['bob', server1],
      ['erin', server1],
      ['frank', server1],
      ['dave', server2],
    ]) {
      profiles[userID] = tempDir(`accounts-${userID}`);
      dirs.push(profiles[userID]);
      await cli(profiles[userID], 'register', userID, '--server', server.url, '--password', PASSWORDS[userID]);
    }
    for (const userID of ['alice', 'erin', 'frank']) await cli(profiles[userID], 'logout');
    web = await startWeb({ server: server1.url });
    dirs.push(web.dataDir);
    browser = await launchBrowser();
    ({ page, errors } = await openPage(browser, web.url, { viewport: { width: 1100, height: 720 } }));
    // Every command goes over the bridge's WebSocket: note the notifications asked for.
    page.on('websocket', (ws) =>
      ws.on('framesent', ({ payload }) => {
        try {
          const frame = JSON.parse(String(payload));
          if (frame.command === 'app.notify') notified.push(frame.args);
        } catch {
          /* not a command */
        }
      }),
    );
    await signIn(page, 'alice', PASSWORDS.alice);
    await shows('alice');
  });

  after(async () => {
    await tearDown({ browser, web, server: server1, dirs });
    await server2?.stop();
  });

  it('one account alone: the rail offers "Add account" and no switch', async () => {
    await page.getByRole('button', { name: 'Add account' }).waitFor();
    assert.equal(await switches().count(), 0);
  });

  it('"Add account" shows the sign-in page saying so, with the way back to alice', async () => {
    await page.getByTestId('account-add').click();
    const adding = page.getByTestId('adding-account');
    await adding.waitFor();
    assert.match(await adding.innerText(), /Add another account/);
    const back = page.getByTestId('account-back');
    assert.equal((await back.innerText()).trim(), 'Back to alice');
    // The form is the normal one, on alice's server, its first field empty.
    assert.equal(await page.locator('input[name="userID"]').inputValue(), '');
    assert.match(await page.locator('.server').innerText(), new RegExp(`Server: ${server1.url}`));
    await auditAxe(page, 'add account: sign-in', axeLines);
    await sizeShots(page, 'accounts-add-signin');
    await scheme('dark');
    await auditAxe(page, 'add account: sign-in, dark', axeLines);
    await sizeShots(page, 'accounts-add-signin-dark');
    await scheme('light');
    // Back: alice again, without signing in.
    await back.click();
    await shows('alice');
    assert.equal(await switches().count(), 0);
  });

  it('adds carol on server 2: "Change server", then a new account there', async () => {
    await page.getByTestId('account-add').click();
    await page.getByTestId('adding-account').waitFor();
    await page.getByRole('button', { name: 'Change server' }).click();
    await page.getByRole('heading', { name: 'Which server is the new account on?' }).waitFor();
    // The way back stays while the server is chosen.
    await page.getByTestId('account-back').waitFor();
    await page.getByText('Connect to a server').click();
    await page.locator('input[name="server-url"]').fill(server2.url);
    await auditAxe(page, 'add account: server choice', axeLines);
    await sizeShots(page, 'accounts-add-server');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.locator('.server').filter({ hasText: server2.url }).waitFor();
    await page.getByRole('button', { name: 'New here? Create an account' }).click();
    const form = page.getByRole('form', { name: 'Create an account' });
    await form.locator('input[name="userID"]').fill('carol');
    await form.locator('input[name="password"]').fill(PASSWORDS.carol);
    await form.getByRole('button', { name: 'Create account' }).click();
    await shows('carol');
    // alice stays signed in: her button in the rail, named with her server.
    await switches().first().waitFor();
    assert.equal(await switches().count(), 1);
    ids.alice = await switches().first().getAttribute('data-account-id');
    assert.ok(ids.alice, 'alice’s button carries her account key');
    const label = await switchTo('alice').getAttribute('aria-label');
    assert.equal(label, `Switch to alice (${new URL(server1.url).host})`);
    assert.equal(await switchTo('alice').getAttribute('title'), label);
    // carol's own chat list is empty: alice's is not shown under her.
    assert.equal(await row('bob').count(), 0);
  });

  it('bob writes to alice while carol is shown: a badge on alice’s button, a notification naming alice', async () => {
    notified.length = 0;
    await cli(profiles.bob, 'send', 'alice', 'hello alice in the background');
    const badge = switchTo('alice').getByTestId('account-badge');
    await badge.waitFor();
    assert.equal((await badge.innerText()).trim(), '1');
    assert.equal(await switchTo('alice').getAttribute('aria-label'), `Switch to alice (${new URL(server1.url).host}), 1 unread`);
    await until(() => notified.some((n) => n.accountID === ids.alice), 'the notification of alice’s message');
    const note = notified.find((n) => n.accountID === ids.alice);
    assert.deepEqual(note, { title: 'bob · to alice', body: 'hello alice in the background', conversationID: 'C2Cbob', accountID: ids.alice });
    // The window title counts every account's unread; the chats badge is carol's alone.
    await until(async () => (await page.title()) === '(1) Confab', 'the unread count in the title');
    assert.equal(await page.getByTestId('total-unread').count(), 0);
    await auditAxe(page, 'rail with another account', axeLines);
    await sizeShots(page, 'accounts-rail');
    await scheme('dark');
    await auditAxe(page, 'rail with another account, dark', axeLines);
    await sizeShots(page, 'accounts-rail-dark');
    await scheme('light');
  });

  it('alice’s button shows her chats with bob’s message; carol’s button takes its place', async () => {
    await switchTo('alice').click();
    await shows('alice');
    await row('bob').filter({ hasText: 'hello alice in the background' }).waitFor();
    await until(async () => (await switches().count()) === 1 && (await offered())[0] !== ids.alice, 'carol’s button');
    ids.carol = (await offered())[0];
    assert.equal(await switchTo('carol').getAttribute('aria-label'), `Switch to carol (${new URL(server2.url).host})`);
  });

  it('dave writes to carol while alice is shown: carol’s badge and a notification naming carol', async () => {
    notified.length = 0;
    await cli(profiles.dave, 'send', 'carol', 'hi carol');
    await switchTo('carol').getByTestId('account-badge').filter({ hasText: '1' }).waitFor();
    await until(() => notified.some((n) => n.accountID === ids.carol), 'the notification of carol’s message');
    assert.deepEqual(
      notified.find((n) => n.accountID === ids.carol),
      { title: 'dave · to carol', body: 'hi carol', conversationID: 'C2Cdave', accountID: ids.carol },
    );
  });

  it('switches back and forth; each account shows its own chats', async () => {
    await switchTo('carol').click();
    await shows('carol');
    await row('dave').filter({ hasText: 'hi carol' }).waitFor();
    assert.equal(await row('bob').count(), 0);
    // alice has not read bob's message: her badge is back.
    await switchTo('alice').getByTestId('account-badge').filter({ hasText: '1' }).waitFor();
    await switchTo('alice').click();
    await shows('alice');
    await row('bob').waitFor();
    assert.equal(await row('dave').count(), 0);
    // Reading bob's message clears alice's count (carol's button keeps hers).
    await row('bob').click();
    await page.getByText('hello alice in the background').last().waitFor();
    await switchTo('carol').click();
    await shows('carol');
    await until(async () => (await switchTo('alice').getByTestId('account-badge').count()) === 0, 'alice’s badge to clear');
    await switchTo('alice').click();
    await shows('alice');
  });

  it('after the switches, the search of the list finds the shown account’s messages only', async () => {
    // The main view was made anew at each switch: the search must still answer.
    const field = page.locator('.list .search input');
    await field.fill('background');
    await page.locator('[data-testid="message-search-results"][data-status="ready"]').waitFor();
    const found = await page.getByTestId('message-search-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-conversation')));
    assert.deepEqual(found, ['C2Cbob']);
    await field.fill('carol');
    await page.locator('[data-testid="message-search-results"][data-status="ready"]').waitFor();
    assert.equal(await page.getByTestId('message-search-row').count(), 0, 'nothing of carol’s store');
    await field.fill('');
  });

  it('with three other accounts the rail still fits a 720×480 window; its accounts’ list scrolls', async () => {
    await addAndSignIn('erin');
    await switchTo('alice').click();
    await shows('alice');
    await addAndSignIn('frank');
    assert.equal(await switches().count(), 3);
    for (const button of await switches().all()) {
      const id = await button.getAttribute('data-account-id');
      if (id !== ids.alice && id !== ids.carol) ids.erin = id;
    }
    await page.setViewportSize({ width: 720, height: 480 });
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    // Settings and the profile button stay inside the window.
    for (const button of [page.getByRole('button', { name: 'Settings', exact: true }), page.getByRole('button', { name: /Your profile/ }), page.getByTestId('account-add')]) {
      const box = await button.boundingBox();
      assert.ok(box && box.y >= 0 && box.y + box.height <= 480, `within the window: ${JSON.stringify(box)}`);
    }
    const list = page.getByTestId('account-list');
    const { scrollHeight, clientHeight } = await list.evaluate((el) => ({ scrollHeight: el.scrollHeight, clientHeight: el.clientHeight }));
    assert.ok(scrollHeight > clientHeight, `the list scrolls (${scrollHeight} > ${clientHeight})`);
    // Every account is reachable from the keyboard: each button takes the focus, scrolled into view.
    for (const button of await switches().all()) {
      await button.focus();
      assert.equal(await button.evaluate((el) => el === document.activeElement), true);
      const box = await button.boundingBox();
      const listBox = await list.boundingBox();
      assert.ok(box && listBox && box.y >= listBox.y - 1 && box.y + box.height <= listBox.y + listBox.height + 1, 'a focused account is scrolled into view');
    }
    await auditAxe(page, 'rail with three other accounts, 720×480', axeLines);
    await page.setViewportSize({ width: 1100, height: 720 });
    await sizeShots(page, 'accounts-rail-many');
  });

  it('the rail lists the other accounts in the order they signed in', async () => {
    // Signed in: alice, carol, erin, frank (shown); switches in between change nothing.
    assert.deepEqual(await offered(), [ids.alice, ids.carol, ids.erin]);
  });

  it('a reload keeps every account signed in, the shown one still shown', async () => {
    const before = new Set(await offered());
    await page.reload();
    await shows('frank');
    await until(async () => (await switches().count()) === 3, 'the three other accounts after the reload');
    assert.deepEqual(new Set(await offered()), before);
  });

  it('signing out of the shown account shows another; the others stay', async () => {
    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    // The first of the others in sign-in order (alice, carol, erin): alice.
    await shows('alice');
    await until(async () => (await switches().count()) === 2, 'two other accounts');
    const left = await offered();
    assert.ok(!left.includes(ids.alice), 'alice is shown, not offered');
    assert.ok(left.includes(ids.carol) && left.includes(ids.erin), `carol and erin stay: ${left}`);
  });

  it('in Chinese: the rail and the add-account page in Chinese words', async () => {
    const zh = await openPage(browser, web.url, { locale: 'zh-CN', viewport: { width: 1100, height: 720 } });
    try {
      await zh.page.getByTestId('account-switch').first().waitFor();
      const labels = await zh.page.getByTestId('account-switch').evaluateAll((buttons) => buttons.map((b) => b.getAttribute('aria-label')));
      assert.ok(labels.every((l) => l.startsWith('切换到 ')), labels.join(', '));
      assert.equal(await zh.page.getByTestId('account-add').getAttribute('aria-label'), '添加账号');
      await auditAxe(zh.page, 'rail with accounts, zh', axeLines);
      await sizeShots(zh.page, 'accounts-rail-zh');
    } finally {
      await zh.context.close();
    }
  });

  it('axe-core found nothing critical or serious, and the page logged no errors', () => {
    assert.deepEqual(axeLines, [], axeLines.join('\n'));
    assert.deepEqual(
      errors.filter((e) => !/status of 40\d|Failed to load resource/.test(e)),
      [],
    );
  });
});
