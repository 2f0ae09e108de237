// Searching every message on this computer (searchLocalMessages) in the real
// UI: alice is the browser (real confab-web and confabd); bob and carol are
// the real confab CLI. While alice is signed in, bob writes her "meeting at
// noon", "大家你好吗", "lunch?" and a custom message described "Poll: where
// shall we meet?", then 60 more (so that his first ones are far above the
// newest page); carol writes "see you at the meeting" and 25 "standup notes".
// Alice recalls a message of her own: it is never found. "meet" shows two
// conversation rows (carol's message with the keyword marked, bob's "2
// related messages"); "你好" shows one, which opens bob's chat at that
// message (read around it with getMessageListHopping) and highlights it;
// bob's row opens his matches (newest first, a back button), one of which
// opens and highlights; carol's 25 standup notes come 20, then the rest as
// the list's end comes into view. The keyboard reaches the results (Down,
// Enter) and Esc clears the field; below 900 px the find-chat dialog shows
// the same results. axe-core runs on each screen; SCREENSHOTS=<dir> saves
// them (light and dark, English and Chinese).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { auditAxe, cli, launchBrowser, openPage, signIn, sizeShots, startConfabd, startWeb, tearDown, tempDir } from './harness.mjs';

const PASSWORD = 'alice-secret-1';

describe('Searching messages in the UI against a real server', { timeout: 300_000 }, () => {
  let server;
  let web;
  let browser;
  let page;
  let errors;
  const bob = tempDir('bob');
  const carol = tempDir('carol');
  const setup = tempDir('setup');
  const dirs = [bob, carol, setup];
  const axeLines = [];

  const field = () => page.locator('.list .search input');
  const results = () => page.getByTestId('message-search-results');
  const searchRows = () => page.getByTestId('message-search-row');
  const searchRow = (conversationID) => page.locator(`[data-testid="message-search-row"][data-conversation="${conversationID}"]`);
  const hits = () => page.getByTestId('message-search-hit');
  const rowIDs = () => searchRows().evaluateAll((rows) => rows.map((r) => r.getAttribute('data-conversation')));
  const bubbles = () => page.locator('[data-testid="message"]');
  const highlighted = (text) => page.locator('[data-testid="message"][data-highlighted="true"]').filter({ hasText: text });

  /** Types a query into the list's field and waits for its answer. */
  async function searchFor(query) {
    await field().fill(query);
    await page.locator('[data-testid="message-search-results"][data-status="ready"]').waitFor();
  }

  /** Whether the element is inside the chat's message list as it is scrolled. */
  async function inView(locator) {
    return locator.evaluate((el) => {
      const list = el.closest('.viewport');
      const r = el.getBoundingClientRect();
      const l = list.getBoundingClientRect();
      return r.bottom > l.top && r.top < l.bottom;
    });
  }

  before(async () => {
    server = await startConfabd();
    dirs.push(server.dataDir);
    await cli(setup, 'register', 'alice', '--server', server.url, '--password', PASSWORD);
    await cli(setup, 'logout');
    await cli(bob, 'register', 'bob', '--server', server.url, '--password', 'bob-secret-12');
    await cli(carol, 'register', 'carol', '--server', server.url, '--password', 'carol-secret-1');
    web = await startWeb({ server: server.url });
    dirs.push(web.dataDir);
    browser = await launchBrowser();
    ({ page, errors } = await openPage(browser, web.url, { viewport: { width: 1100, height: 720 } }));
    await signIn(page, 'alice', PASSWORD);
    await page.getByRole('listbox', { name: 'Chats' }).waitFor();
    // Written while alice is signed in: every message reaches her store on this computer.
    await cli(bob, 'send', 'alice', 'meeting at noon');
    await cli(bob, 'send', 'alice', '大家你好吗');
    await cli(bob, 'send', 'alice', 'lunch?');
    await cli(bob, 'send', 'alice', '{"kind":"poll"}', '--custom', '--description', 'Poll: where shall we meet?');
    await cli(bob, 'send', 'alice', 'filler', '--count', '60');
    await cli(carol, 'send', 'alice', 'see you at the meeting');
    await cli(carol, 'send', 'alice', 'standup notes', '--count', '25');
    await page.locator('[data-conversation="C2Cbob"]').filter({ hasText: /filler \d+/ }).waitFor();
    await page.locator('[data-conversation="C2Ccarol"]').filter({ hasText: /standup notes \d+/ }).waitFor();
  });

  after(async () => {
    await tearDown({ browser, web, server, dirs });
  });

  it('a message alice recalled is never found', async () => {
    await page.locator('[data-conversation="C2Ccarol"]').click();
    const composer = page.getByTestId('composer');
    await composer.fill('a secret rendezvous');
    await composer.press('Enter');
    const mine = page.locator('[data-testid="message"][data-status="sent"]').filter({ hasText: 'a secret rendezvous' });
    await mine.waitFor();
    await searchFor('rendezvous');
    assert.equal(await searchRows().count(), 1, 'found before it is recalled');
    await field().fill('');
    await mine.hover();
    await mine.locator('[data-action="revoke"]').click();
    await page.getByRole('alertdialog', { name: 'Recall this message?' }).getByRole('button', { name: 'Recall' }).click();
    await page.getByTestId('revoked').filter({ hasText: 'You recalled a message' }).waitFor();
    await searchFor('rendezvous');
    await results().getByText('No messages found').waitFor();
    assert.equal(await searchRows().count(), 0);
    await field().fill('');
    await results().waitFor({ state: 'detached' });
  });

  it('"meet" finds two conversations: carol’s message with the keyword marked, bob’s 2 related messages', async () => {
    await searchFor('meet');
    // Newest match first: carol wrote after bob.
    assert.deepEqual(await rowIDs(), ['C2Ccarol', 'C2Cbob']);
    const carolRow = searchRow('C2Ccarol');
    assert.equal(await carolRow.getAttribute('data-count'), '1');
    assert.match(await carolRow.innerText(), /see you at the meeting/);
    assert.deepEqual(await carolRow.locator('mark').allTextContents(), ['meet']);
    const bobRow = searchRow('C2Cbob');
    assert.equal(await bobRow.getAttribute('data-count'), '2');
    assert.match(await bobRow.innerText(), /2 related messages/);
    assert.equal(await bobRow.locator('mark').count(), 0);
    // The chats are filtered by name as before: none is called "meet".
    assert.equal(await page.locator('#conversation-items [role="option"]').count(), 0);
    await sizeShots(page, 'search-results');
    await auditAxe(page, 'message search results', axeLines);
  });

  it('"你好" finds bob’s Chinese message; opening it jumps to it far up in his chat and highlights it', async () => {
    await searchFor('你好');
    assert.deepEqual(await rowIDs(), ['C2Cbob']);
    const row = searchRow('C2Cbob');
    assert.equal(await row.getAttribute('data-count'), '1');
    assert.deepEqual(await row.locator('mark').allTextContents(), ['你好']);
    await row.click();
    await page.getByTestId('chat-title').filter({ hasText: 'bob' }).waitFor();
    const target = highlighted('大家你好吗');
    await target.waitFor();
    assert.ok(await inView(target), 'the message is scrolled into view');
    // Read around it: the messages next to it are there too.
    await bubbles().filter({ hasText: 'lunch?' }).waitFor();
  });

  it('bob’s row opens his matches, newest first; one opens and is highlighted; Back returns', async () => {
    await searchFor('meet');
    await searchRow('C2Cbob').click();
    await page.getByTestId('message-search-back').waitFor();
    await hits().nth(1).waitFor();
    assert.equal(await hits().count(), 2);
    const texts = await hits().allInnerTexts();
    assert.match(texts[0], /Poll: where shall we meet\?/);
    assert.match(texts[1], /meeting at noon/);
    assert.deepEqual(await hits().nth(1).locator('mark').allTextContents(), ['meet']);
    // The chats are not shown meanwhile.
    assert.equal(await page.locator('#conversation-items').isVisible(), false);
    await sizeShots(page, 'search-conversation');
    await auditAxe(page, 'one conversation’s matches', axeLines);
    const id = await hits().nth(1).getAttribute('data-message-id');
    assert.ok(id);
    await hits().nth(1).click();
    await highlighted('meeting at noon').waitFor();
    assert.equal(await hits().nth(1).getAttribute('aria-selected'), 'true');
    await page.getByTestId('message-search-back').click();
    await searchRow('C2Cbob').waitFor();
    assert.deepEqual(await rowIDs(), ['C2Ccarol', 'C2Cbob']);
    assert.equal(await page.getByTestId('message-search-back').count(), 0);
  });

  it('carol’s 25 standup notes come 20 at a time: the rest as the end of the list comes into view', async () => {
    await searchFor('standup');
    const row = searchRow('C2Ccarol');
    assert.equal(await row.getAttribute('data-count'), '25');
    assert.match(await row.innerText(), /25 related messages/);
    await row.click();
    await hits().nth(19).waitFor();
    assert.equal(await hits().count(), 20);
    const more = page.getByTestId('message-search-more');
    await more.waitFor();
    // Newest first.
    assert.match(await hits().first().innerText(), /standup notes \d+/);
    await more.scrollIntoViewIfNeeded();
    await hits().nth(24).waitFor();
    assert.equal(await hits().count(), 25);
    await more.waitFor({ state: 'detached' });
    const ids = await hits().evaluateAll((l) => l.map((e) => e.getAttribute('data-message-id')));
    assert.equal(new Set(ids).size, 25, 'no message twice');
    await page.getByTestId('message-search-back').click();
  });

  it('the keyboard: Down reaches the results, Enter opens, Esc in the field clears it', async () => {
    await field().fill('');
    await field().focus();
    await page.keyboard.type('meeting');
    await page.locator('[data-testid="message-search-results"][data-status="ready"]').waitFor();
    await page.keyboard.press('ArrowDown');
    assert.equal(await searchRow('C2Ccarol').evaluate((el) => el === document.activeElement), true);
    await page.keyboard.press('ArrowDown');
    assert.equal(await searchRow('C2Cbob').evaluate((el) => el === document.activeElement), true);
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('Enter');
    await page.getByTestId('chat-title').filter({ hasText: 'carol' }).waitFor();
    await highlighted('see you at the meeting').waitFor();
    await field().focus();
    await page.keyboard.press('Escape');
    assert.equal(await field().inputValue(), '');
    await results().waitFor({ state: 'detached' });
  });

  it('below 900 px the find-chat dialog shows the same results; one opens and is highlighted', async () => {
    await page.setViewportSize({ width: 720, height: 480 });
    try {
      await page.getByRole('button', { name: 'Find a chat' }).click();
      const dialog = page.getByRole('dialog', { name: 'Find a chat' });
      await dialog.waitFor();
      await dialog.getByRole('combobox').fill('meet');
      await dialog.locator('[data-testid="message-search-results"][data-status="ready"]').waitFor();
      assert.deepEqual(await dialog.getByTestId('message-search-row').evaluateAll((l) => l.map((e) => e.getAttribute('data-conversation'))), ['C2Ccarol', 'C2Cbob']);
      await sizeShots(page, 'search-find-dialog');
      await auditAxe(page, 'find-chat dialog with messages', axeLines);
      // Bob's two matches, inside the dialog; Esc goes back first, not out.
      await dialog.locator('[data-testid="message-search-row"][data-conversation="C2Cbob"]').click();
      await dialog.getByTestId('message-search-hit').nth(1).waitFor();
      await page.keyboard.press('Escape');
      await dialog.locator('[data-testid="message-search-row"][data-conversation="C2Cbob"]').waitFor();
      assert.equal(await dialog.isVisible(), true);
      await dialog.getByRole('combobox').fill('你好');
      await dialog.locator('[data-testid="message-search-results"][data-status="ready"]').waitFor();
      await dialog.getByTestId('message-search-row').first().click();
      await dialog.waitFor({ state: 'detached' });
      await highlighted('大家你好吗').waitFor();
    } finally {
      await page.setViewportSize({ width: 1100, height: 720 });
    }
  });

  it('dark and Chinese: the results and one conversation’s matches', async () => {
    await page.emulateMedia({ colorScheme: 'dark' });
    await searchFor('meet');
    await sizeShots(page, 'search-results-dark');
    await auditAxe(page, 'message search results (dark)', axeLines);
    await searchRow('C2Cbob').click();
    await hits().nth(1).waitFor();
    await sizeShots(page, 'search-conversation-dark');
    await auditAxe(page, 'one conversation’s matches (dark)', axeLines);
    await page.getByTestId('message-search-back').click();
    await field().fill('');
    await page.emulateMedia({ colorScheme: 'light' });

    for (const colorScheme of ['light', 'dark']) {
      const zh = await openPage(browser, web.url, { viewport: { width: 1100, height: 720 }, locale: 'zh-CN', colorScheme });
      try {
        const zhField = zh.page.locator('.list .search input');
        await zhField.waitFor();
        assert.equal(await zhField.getAttribute('placeholder'), '搜索聊天和消息');
        await zhField.fill('meet');
        const ready = zh.page.locator('[data-testid="message-search-results"][data-status="ready"]');
        await ready.waitFor();
        await ready.locator('h3').filter({ hasText: '消息' }).waitFor();
        await zh.page.locator('[data-testid="message-search-row"][data-conversation="C2Cbob"]').filter({ hasText: '2 条相关消息' }).waitFor();
        await sizeShots(zh.page, `search-results-zh-${colorScheme}`);
        await auditAxe(zh.page, `message search results (zh, ${colorScheme})`, axeLines);
        await zhField.fill('zzzzqqq');
        await zh.page.locator('[data-testid="message-search-results"][data-status="ready"]').getByText('未找到相关消息').waitFor();
        if (colorScheme === 'light') await sizeShots(zh.page, 'search-empty-zh');
      } finally {
        await zh.context.close();
      }
    }
  });

  it('the results follow new messages: one that arrives while they are shown is found without typing', async () => {
    await searchFor('quokka');
    assert.equal(await searchRows().count(), 0);
    await cli(bob, 'send', 'alice', 'a quokka smiled at me');
    await searchRow('C2Cbob').filter({ hasText: 'a quokka smiled at me' }).waitFor();
    assert.deepEqual(await searchRow('C2Cbob').locator('mark').allTextContents(), ['quokka']);
    await field().fill('');
  });

  it('no critical or serious axe findings, no page errors', () => {
    assert.deepEqual(axeLines, []);
    assert.deepEqual(errors, []);
  });
});
