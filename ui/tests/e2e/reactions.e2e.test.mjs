// Issue 15: reactions (message extensions) in the browser. Alice (the
// browser, real confab-web and confabd) reacts to her own text from its
// quick reactions; bob (the real confab CLI, listening) hears the
// extension; bob reacts too and alice's chip counts 2 with both names;
// alice takes hers back and the chip counts 1.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cli, cliListen, launchBrowser, openPage, signIn, sizeShots, startConfabd, startWeb, tearDown, tempDir } from './harness.mjs';

const PASSWORD = 'alice-secret-1';

describe('Reactions on a message, both sides', { timeout: 240_000 }, () => {
  let server;
  let web;
  let browser;
  let page;
  let listen;
  let messageID;
  const bob = tempDir('bob');
  const setup = tempDir('setup');
  const dirs = [bob, setup];

  const mine = () => page.getByTestId('message').filter({ hasText: 'pizza on friday?' });
  const chip = (emoji) => mine().locator(`.reaction[data-emoji="${emoji}"]`);

  before(async () => {
    server = await startConfabd();
    dirs.push(server.dataDir);
    await cli(setup, 'register', 'alice', '--server', server.url, '--password', PASSWORD);
    await cli(setup, 'logout');
    await cli(bob, 'register', 'bob', '--server', server.url, '--password', 'bob-secret-12');
    await cli(bob, 'send', 'alice', 'hi alice');
    web = await startWeb({ server: server.url });
    dirs.push(web.dataDir);
    browser = await launchBrowser();
    ({ page } = await openPage(browser, web.url, { viewport: { width: 1100, height: 720 } }));
    await signIn(page, 'alice', PASSWORD);
    await page.locator('[data-conversation="C2Cbob"]').click();
    await page.getByTestId('message').filter({ hasText: 'hi alice' }).waitFor();
    listen = cliListen(bob);
  });

  after(async () => {
    listen?.child.kill();
    await tearDown({ browser, web, server, dirs });
  });

  it('alice reacts 👍 to her text from its quick reactions; bob hears it', async () => {
    await page.getByTestId('composer').fill('pizza on friday?');
    await page.getByTestId('composer').press('Enter');
    await page.locator('[data-testid="message"][data-status="sent"]').filter({ hasText: 'pizza on friday?' }).waitFor();
    await mine().click({ button: 'right' });
    await page.getByRole('menuitem', { name: 'React' }).click();
    const quick = mine().getByTestId('quick-reactions');
    await quick.waitFor();
    await sizeShots(page, 'reactions-quick');
    await quick.getByRole('button', { name: 'React with 👍' }).click();
    await chip('👍').and(page.locator('[data-count="1"][aria-pressed="true"]')).waitFor();
    const events = await listen.waitFor((ev) =>
      ev.some((e) => e.name === 'onMessageExtensionsUpdated' && e.data.extensions.some((x) => x.key === 'r:👍:alice')),
    );
    messageID = events.find((e) => e.name === 'onMessageExtensionsUpdated').data.messageID;
  });

  it('bob reacts 👍 too: the chip counts 2 and names both', async () => {
    const out = JSON.parse(await cli(bob, 'react', 'C2Calice', messageID, '👍'));
    assert.equal(out[0].code, 0);
    await chip('👍').and(page.locator('[data-count="2"]')).waitFor();
    assert.equal(await chip('👍').getAttribute('title'), 'You, bob');
    await sizeShots(page, 'reactions');
  });

  it('alice takes hers back: the chip counts 1, not pressed', async () => {
    await chip('👍').click();
    await chip('👍').and(page.locator('[data-count="1"][aria-pressed="false"]')).waitFor();
    await listen.waitFor((ev) =>
      ev.some((e) => e.name === 'onMessageExtensionsDeleted' && e.data.keyList.includes('r:👍:alice')),
    );
  });

  it('a reload reads the reactions again', async () => {
    await page.reload();
    await page.locator('[data-conversation="C2Cbob"]').click();
    await chip('👍').and(page.locator('[data-count="1"]')).waitFor();
  });
});
