// Communities and topics (社群/话题) in the real UI: alice (the browser, real
// confab-web and confabd) opens the Communities view (its empty state),
// creates a Community with topics through the create dialog and two topics,
// "general" (with a notification) and "random", through the "New topic"
// dialog; bob (the real confab CLI) joins by the community's ID and writes
// into each topic; the community's own chat points to its topics. Alice sees unread 2 on general and 1 on random (and 3 on
// the rail), opens general (its header: "# general", the community, the
// notification) and its count goes to 0 while random's stays; she mutes
// random (its pill turns grey, the rail leaves it out), edits general's
// notification (the header shows it) and writes into general (bob reads it
// with the CLI). axe-core runs on each screen; SCREENSHOTS=<dir> saves the
// list with its pills, the topic chat and the create-topic dialog (light
// and dark, English and Chinese).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { auditAxe, cli, launchBrowser, openPage, signIn, sizeShots, sleep, startConfabd, startWeb, tearDown, tempDir } from './harness.mjs';

const PASSWORD = 'alice-secret-1';

describe('Communities and topics in the UI against a real server', { timeout: 300_000 }, () => {
  let server;
  let web;
  let browser;
  let page;
  let errors;
  let groupID;
  /** topicName → topicID (from the CLI). */
  const topicIDs = {};
  const bob = tempDir('bob');
  const setup = tempDir('setup');
  const dirs = [bob, setup];
  const axeLines = [];

  const topicRow = (name) => page.locator(`[data-topic-name="${name}"]`);
  const pill = (name) => topicRow(name).getByTestId('topic-unread');
  const pillSays = (name, count) => topicRow(name).locator(`[data-testid="topic-unread"][data-count="${count}"]`).waitFor();
  const railBadge = () => page.getByTestId('communities-badge');
  /** Waits until `condition` (run in the page) holds on 5 checks in a row, 100 ms apart (within 20 s). */
  async function settled(condition) {
    let inARow = 0;
    for (const end = Date.now() + 20_000; Date.now() < end; await sleep(100)) {
      inARow = (await page.evaluate(condition)) ? inARow + 1 : 0;
      if (inARow >= 5) return;
    }
    throw new Error(`not settled: ${condition}`);
  }

  before(async () => {
    server = await startConfabd();
    dirs.push(server.dataDir);
    await cli(setup, 'register', 'alice', '--server', server.url, '--password', PASSWORD);
    await cli(setup, 'logout');
    await cli(bob, 'register', 'bob', '--server', server.url, '--password', 'bob-secret-12');
    web = await startWeb({ server: server.url });
    dirs.push(web.dataDir);
    browser = await launchBrowser();
    ({ page, errors } = await openPage(browser, web.url, { viewport: { width: 1100, height: 720 } }));
    await signIn(page, 'alice', PASSWORD);
    await page.getByRole('listbox', { name: 'Chats' }).waitFor();
  });

  after(async () => {
    await tearDown({ browser, web, server, dirs });
  });

  it('the Communities view says what to do when there are none', async () => {
    await page.getByTestId('communities-button').click();
    await page.getByTestId('communities-empty').filter({ hasText: 'No communities yet' }).waitFor();
    assert.equal(await page.getByTestId('communities-button').getAttribute('aria-current'), 'page');
    await sizeShots(page, 'communities-empty');
    await auditAxe(page, 'communities empty', axeLines);
  });

  it('alice creates a Community with topics from the create dialog; it opens in the view', async () => {
    await page.getByTestId('new-community').click();
    const dialog = page.getByRole('dialog', { name: 'New group' });
    await dialog.waitFor();
    // Opened from the communities view: the kind with topics is picked, open to all.
    assert.equal(await dialog.locator('input[data-kind="communityTopics"]').isChecked(), true);
    assert.equal(await dialog.locator('select[name="join-option"]').inputValue(), 'FreeAccess');
    await dialog.locator('input[name="group-name"]').fill('Book club');
    await dialog.getByRole('button', { name: 'Create group' }).click();
    await dialog.waitFor({ state: 'detached' });
    const item = page.locator('[data-community]').filter({ hasText: 'Book club' });
    await item.waitFor();
    groupID = await item.getAttribute('data-community');
    assert.match(groupID, /^@TGS#/);
    // The owner is invited to add the first topic.
    await page.getByTestId('no-topics').filter({ hasText: 'New topic' }).waitFor();
  });

  it('alice creates "general" (with a notification) and "random" through the New topic dialog', async () => {
    await page.getByTestId('new-topic').click();
    const dialog = page.getByRole('dialog', { name: 'New topic in Book club' });
    await dialog.waitFor();
    // The name is required.
    assert.equal(await dialog.getByTestId('topic-submit').isDisabled(), true);
    await dialog.locator('input[name="topic-name"]').fill('general');
    await dialog.locator('textarea[name="topic-notification"]').fill('Be kind. One book a month.');
    await dialog.locator('input[name="topic-name"]').focus();
    await sizeShots(page, 'communities-create-topic');
    await auditAxe(page, 'create topic dialog', axeLines);
    await dialog.getByTestId('topic-submit').click();
    await dialog.waitFor({ state: 'detached' });
    // The new topic opens, with its header.
    await page.getByTestId('chat-title').filter({ hasText: '# general' }).waitFor();
    await page.getByTestId('topic-notification').filter({ hasText: 'Be kind. One book a month.' }).waitFor();

    await page.getByTestId('new-topic').click();
    const again = page.getByRole('dialog', { name: 'New topic in Book club' });
    await again.locator('input[name="topic-name"]').fill('random');
    await again.locator('input[name="topic-name"]').press('Enter');
    await again.waitFor({ state: 'detached' });
    await page.getByTestId('chat-title').filter({ hasText: '# random' }).waitFor();
    assert.deepEqual(await page.locator('[data-topic-name]').evaluateAll((l) => l.map((e) => e.getAttribute('data-topic-name'))), ['general', 'random']);
    assert.equal(await page.getByTestId('topic-notification').count(), 0);
  });

  it('bob joins by the community’s ID and finds both topics', async () => {
    const joined = JSON.parse(await cli(bob, 'group', 'join', groupID));
    assert.equal(joined.status, 'JoinedSuccess');
    const list = JSON.parse(await cli(bob, 'group', 'topics', groupID));
    for (const t of list.successTopicList) topicIDs[t.topicName] = t.topicID;
    assert.deepEqual(Object.keys(topicIDs).sort(), ['general', 'random']);
  });

  it('a reload reads the lists again; bob’s messages show as unread per topic (2 and 1), 3 on the rail', async () => {
    // After a reload no topic is open, so nothing is read by looking.
    await page.reload();
    await page.getByRole('listbox', { name: 'Chats' }).waitFor();
    // The community's own chat (bob's join tip) takes no messages (2115): it points to its topics.
    await page.locator(`[data-conversation="GROUP${groupID}"]`).click();
    const note = page.getByTestId('community-topics-note');
    await note.filter({ hasText: 'Messages in Book club go into its topics.' }).waitFor();
    assert.equal(await page.getByTestId('composer').count(), 0);
    await note.getByRole('button', { name: 'Open its topics' }).click();
    assert.equal(await page.getByTestId('communities-button').getAttribute('aria-current'), 'page');
    await topicRow('random').waitFor();
    await page.getByTestId('communities-placeholder').waitFor();
    assert.equal(await pill('general').count(), 0);

    await cli(bob, 'send', '--group', topicIDs.general, 'who has read Dune?');
    await cli(bob, 'send', '--group', topicIDs.general, 'we start on Monday');
    await cli(bob, 'send', '--group', topicIDs.random, 'anyone for coffee?');
    await pillSays('general', 2);
    await pillSays('random', 1);
    await railBadge().filter({ hasText: '3' }).waitFor();
    assert.equal(await page.getByTestId('communities-button').getAttribute('aria-label'), 'Communities, 3 unread messages');
    await sizeShots(page, 'communities-list');
    await auditAxe(page, 'communities list with unread', axeLines);
  });

  it('opening general shows its header and reads it: its count goes to 0, random keeps 1', async () => {
    await topicRow('general').locator('.topic').click();
    await page.getByTestId('chat-title').filter({ hasText: '# general' }).waitFor();
    await page.getByTestId('topic-community').filter({ hasText: 'in Book club' }).waitFor();
    await page.getByTestId('topic-notification').filter({ hasText: 'Be kind. One book a month.' }).waitFor();
    await page.getByTestId('message').filter({ hasText: 'we start on Monday' }).waitFor();
    await pill('general').waitFor({ state: 'detached' });
    assert.equal(await topicRow('general').locator('.topic').getAttribute('aria-current'), 'page');
    await pillSays('random', 1);
    await railBadge().filter({ hasText: '1' }).waitFor();
    // A message into the open topic is read as it arrives (its count may show 1 for a moment).
    await cli(bob, 'send', '--group', topicIDs.general, 'bring snacks');
    await page.getByTestId('message').filter({ hasText: 'bring snacks' }).waitFor();
    await settled(() => {
      const general = document.querySelector('[data-topic-name="general"] [data-testid="topic-unread"]');
      return !general && document.querySelector('[data-testid="communities-badge"]')?.textContent === '1';
    });
    await sizeShots(page, 'communities-topic');
    await auditAxe(page, 'topic chat', axeLines);
  });

  it('alice writes into general; bob reads it there', async () => {
    const composer = page.getByTestId('composer');
    await composer.fill('count me in');
    await composer.press('Enter');
    await page.locator('[data-testid="message"][data-status="sent"]').filter({ hasText: 'count me in' }).waitFor();
    const history = await cli(bob, 'history', `GROUP${topicIDs.general}`);
    assert.match(history, /count me in/);
  });

  it('alice mutes random from its menu: the pill turns grey, the rail leaves it out; unmute brings it back', async () => {
    await topicRow('random').hover();
    await topicRow('random').getByTestId('topic-more').click();
    const menu = page.getByTestId('topic-menu');
    await menu.waitFor();
    await auditAxe(page, 'topic menu', axeLines);
    await menu.getByRole('menuitem', { name: 'Mute notifications' }).click();
    // Muted, or refused (then said in the list with its code): whichever comes first.
    const muted = page.locator('[data-topic-name="random"][data-muted="true"]');
    const refused = page.getByTestId('communities-error');
    await muted.or(refused).first().waitFor();
    assert.equal(await refused.count(), 0, `setMessageRemindType on the topic was refused: ${await refused.textContent().catch(() => '')}`);
    await topicRow('random').getByTestId('topic-muted-icon').waitFor();
    assert.match(await pill('random').getAttribute('class'), /\bmuted\b/);
    const [accent, grey] = await Promise.all([
      page.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue('--accent').trim()),
      pill('random').evaluate((el) => getComputedStyle(el).backgroundColor),
    ]);
    assert.notEqual(grey, accent);
    assert.equal(grey, 'rgb(138, 146, 156)');
    await railBadge().waitFor({ state: 'detached' });
    assert.equal(await page.getByTestId('communities-button').getAttribute('aria-label'), 'Communities');
    await sizeShots(page, 'communities-muted');

    await topicRow('random').locator('.topic').click({ button: 'right' });
    await page.getByTestId('topic-menu').getByRole('menuitem', { name: 'Unmute notifications' }).click();
    await page.locator('[data-topic-name="random"][data-muted="false"]').waitFor();
    await railBadge().filter({ hasText: '1' }).waitFor();
    // And muted again for the rest of the story.
    await topicRow('random').locator('.topic').click({ button: 'right' });
    await page.getByTestId('topic-menu').getByRole('menuitem', { name: 'Mute notifications' }).click();
    await page.locator('[data-topic-name="random"][data-muted="true"]').waitFor();
  });

  it('alice edits general’s notification; the header shows it', async () => {
    await topicRow('general').getByTestId('topic-more').click();
    await page.getByTestId('topic-menu').getByRole('menuitem', { name: 'Edit topic' }).click();
    const dialog = page.getByRole('dialog', { name: 'Edit # general' });
    await dialog.waitFor();
    assert.equal(await dialog.locator('textarea[name="topic-notification"]').inputValue(), 'Be kind. One book a month.');
    assert.equal(await dialog.locator('input[name="topic-mute-all"]').isChecked(), false);
    await dialog.locator('textarea[name="topic-notification"]').fill('No spoilers before Friday.');
    await auditAxe(page, 'edit topic dialog', axeLines);
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByTestId('topic-notification').filter({ hasText: 'No spoilers before Friday.' }).waitFor();
    // Bob's copy has it too.
    const list = JSON.parse(await cli(bob, 'group', 'topics', groupID));
    assert.equal(list.successTopicList.find((t) => t.topicName === 'general').notification, 'No spoilers before Friday.');
  });

  it('bob, a member, may not make topics: the refusal comes back by its code (10007)', async () => {
    await assert.rejects(cli(bob, 'group', 'topic-create', groupID, '--name', 'mine'), /10007/);
  });

  it('dark and Chinese: the list and the topic chat', async () => {
    await page.emulateMedia({ colorScheme: 'dark' });
    await sizeShots(page, 'communities-topic-dark');
    await page.getByTestId('new-topic').click();
    await page.getByRole('dialog', { name: 'New topic in Book club' }).waitFor();
    await sizeShots(page, 'communities-create-topic-dark');
    await auditAxe(page, 'create topic dialog (dark)', axeLines);
    await page.keyboard.press('Escape');
    await auditAxe(page, 'topic chat (dark)', axeLines);

    const zh = await openPage(browser, web.url, { viewport: { width: 1100, height: 720 }, locale: 'zh-CN', colorScheme: 'light' });
    try {
      await zh.page.getByTestId('communities-button').click();
      await zh.page.locator('[data-topic-name="general"] .topic').click();
      await zh.page.getByTestId('topic-community').filter({ hasText: '来自 Book club' }).waitFor();
      await zh.page.getByTestId('topic-notification').waitFor();
      await sizeShots(zh.page, 'communities-topic-zh');
      await auditAxe(zh.page, 'topic chat (zh)', axeLines);
    } finally {
      await zh.context.close();
    }
  });

  it('no critical or serious axe findings, no page errors', () => {
    assert.deepEqual(axeLines, []);
    assert.deepEqual(errors, []);
  });
});
