// Issue 15: group read receipts in the browser. Alice (the browser, real
// confab-web and confabd) writes in a Work group bob made with her and
// carol (both the real confab CLI). Her text asks for read receipts; as bob
// and then carol report reading it (`confab read --receipts`), her bubble
// says "1 read" and then "Read by all", and "Read by" lists who read it and
// who has not. A text of bob's that asks for receipts gets alice's as soon
// as it is on her screen.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cli, cliListen, launchBrowser, openPage, signIn, sizeShots, startConfabd, startWeb, tearDown, tempDir } from './harness.mjs';

const PASSWORD = 'alice-secret-1';

describe('Group read receipts: counts on my message and "Read by"', { timeout: 240_000 }, () => {
  let server;
  let web;
  let browser;
  let page;
  let groupID;
  const bob = tempDir('bob');
  const carol = tempDir('carol');
  const setup = tempDir('setup');
  const dirs = [bob, carol, setup];

  const mine = () => page.getByTestId('message').filter({ hasText: 'standup at ten' });
  const readBy = () => mine().getByTestId('read-by');

  before(async () => {
    server = await startConfabd();
    dirs.push(server.dataDir);
    await cli(setup, 'register', 'alice', '--server', server.url, '--password', PASSWORD);
    await cli(setup, 'logout');
    await cli(carol, 'register', 'carol', '--server', server.url, '--password', 'carol-secret-1');
    await cli(bob, 'register', 'bob', '--server', server.url, '--password', 'bob-secret-12');
    const made = JSON.parse(await cli(bob, 'group', 'create', '--name', 'Standup', '--member', 'alice', '--member', 'carol'));
    groupID = made.group.groupID;
    await cli(bob, 'send', groupID, 'morning all', '--group');
    web = await startWeb({ server: server.url });
    dirs.push(web.dataDir);
    browser = await launchBrowser();
    ({ page } = await openPage(browser, web.url, { viewport: { width: 1100, height: 720 } }));
    await signIn(page, 'alice', PASSWORD);
    await page.locator(`[data-conversation="GROUP${groupID}"]`).click();
    await page.getByTestId('message').filter({ hasText: 'morning all' }).waitFor();
  });

  after(async () => {
    await tearDown({ browser, web, server, dirs });
  });

  it('a text alice sends in the group asks for receipts; nobody has read it yet', async () => {
    await page.getByTestId('composer').fill('standup at ten');
    await page.getByTestId('composer').press('Enter');
    await mine().waitFor();
    await page.locator('[data-testid="message"][data-status="sent"]').filter({ hasText: 'standup at ten' }).waitFor();
    // Nobody has read it: no count yet (the counts come with the first receipt).
    assert.equal(await readBy().count(), 0);
  });

  it('bob reads it: "1 read"; carol too: "Read by all"', async () => {
    const first = JSON.parse(await cli(bob, 'read', `GROUP${groupID}`, '--receipts'));
    assert.equal(first.receiptMessageIDList.length, 1, 'bob receipted alice’s text only');
    await page.locator('[data-testid="read-by"][data-read="1"][data-unread="1"]').waitFor();
    assert.equal(await readBy().innerText(), '1 read');
    await sizeShots(page, 'read-receipt-count');
    await cli(carol, 'read', `GROUP${groupID}`, '--receipts');
    await page.locator('[data-testid="read-by"][data-read="2"][data-unread="0"]').waitFor();
    assert.equal((await readBy().innerText()).trim(), 'Read by all');
  });

  it('"Read by" lists who read it and who has not', async () => {
    await readBy().click();
    const dialog = page.getByRole('dialog', { name: 'Read by' });
    await dialog.waitFor();
    const list = dialog.getByTestId('read-by-list');
    await list.locator('li[data-user="carol"]').waitFor();
    const readers = await list.locator('li').evaluateAll((items) => items.map((li) => li.getAttribute('data-user')));
    assert.deepEqual(readers, ['bob', 'carol']);
    await sizeShots(page, 'read-by');
    await dialog.getByTestId('unread-tab').click();
    await dialog.getByText('Everyone has read it.').waitFor();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
  });

  it('a reopened chat asks the server for the counts again', async () => {
    await page.reload();
    await page.locator(`[data-conversation="GROUP${groupID}"]`).click();
    await page.locator('[data-testid="read-by"][data-read="2"][data-unread="0"]').waitFor();
  });

  it('bob’s text that asks for receipts gets alice’s as soon as she has it on screen', async () => {
    const listen = cliListen(bob);
    try {
      const sent = JSON.parse(await cli(bob, 'send', groupID, 'please confirm', '--group', '--need-read-receipt'));
      await page.getByTestId('message').filter({ hasText: 'please confirm' }).waitFor();
      const events = await listen.waitFor((ev) =>
        ev.some((e) => e.name === 'onMessageReadReceiptReceived' && e.data.some((r) => r.messageID === sent.ID && r.readCount === 1)),
      );
      const receipt = events.find((e) => e.name === 'onMessageReadReceiptReceived').data.find((r) => r.messageID === sent.ID);
      assert.equal(receipt.groupID, groupID);
      assert.equal(receipt.unreadCount, 1, 'carol has not read it yet');
    } finally {
      listen.child.kill();
    }
  });
});
