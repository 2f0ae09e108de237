// Everyday features: replies (TUIKit's cloudCustomData.messageReply) and
// the C2C typing indicator (TUIKit's user_typing_status custom messages,
// online only), both sides. Alice is the browser (real confab-web and
// confabd); bob is the real confab CLI.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cli, cliListen, launchBrowser, openPage, signIn, sizeShots, startConfabd, startWeb, tearDown, tempDir } from './harness.mjs';

const PASSWORD = 'alice-secret-1';
const typingJson = (status) =>
  JSON.stringify({
    businessID: 'user_typing_status',
    typingStatus: status,
    version: 1,
    userAction: 14,
    actionParam: status === 1 ? 'EIMAMSG_InputStatus_Ing' : 'EIMAMSG_InputStatus_End',
  });

/**
 * bob sends an online-only typing message. The CLI can send before its
 * connection is up (the SDK then refuses online-only messages with 2800,
 * as TIM does): it is tried again a few times.
 */
async function bobTyping(bob, status) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await cli(bob, 'send', 'alice', typingJson(status), '--custom', '--online-user-only');
    } catch (e) {
      if (attempt >= 5 || !/"code":2800/.test(String(e.message))) throw e;
    }
  }
}

/** bob's whole history with alice, oldest first. */
async function bobHistory(bob) {
  const out = await cli(bob, 'history', 'C2Calice', '--all');
  const parsed = JSON.parse(out);
  return Array.isArray(parsed) ? parsed : parsed.messageList;
}

describe('Replies and the typing indicator', { timeout: 300_000 }, () => {
  let server;
  let web;
  let browser;
  let page;
  let errors;
  let listen;
  const bob = tempDir('bob');
  const setup = tempDir('setup');
  const dirs = [bob, setup];

  /** The message showing `text` as its own (a reply's quote of it does not count). */
  const bubble = (text) => page.getByTestId('message').filter({ hasText: text, hasNot: page.getByTestId('reply-quote') });
  const replyBubble = (text) => page.getByTestId('message').filter({ hasText: text, has: page.getByTestId('reply-quote') });
  const openChat = async () => {
    await page.locator('[data-conversation="C2Cbob"]').click();
    await page.getByTestId('chat-pane').waitFor();
  };
  /** Whether the element lies wholly inside the message list's scroll area. */
  const inView = (locator) =>
    locator.evaluate((el) => {
      const list = el.closest('.viewport').getBoundingClientRect();
      const r = el.getBoundingClientRect();
      return r.top >= list.top - 1 && r.bottom <= list.bottom + 1;
    });

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
    ({ page, errors } = await openPage(browser, web.url, { viewport: { width: 1100, height: 720 } }));
    await signIn(page, 'alice', PASSWORD);
    await openChat();
    await bubble('hi alice').waitFor();
    // Alice's first message: far up once bob has sent sixty more.
    await page.getByTestId('composer').fill('the very first thing alice said');
    await page.getByTestId('composer').press('Enter');
    await page.locator('[data-testid="message"][data-status="sent"]').filter({ hasText: 'the very first thing alice said' }).waitFor();
    await cli(bob, 'send', 'alice', 'msg', '--count', '60');
    await bubble('msg 60').waitFor();
    listen = cliListen(bob);
  });

  after(async () => {
    listen?.child.kill();
    await tearDown({ browser, web, server, dirs });
  });

  it('alice replies to one of bob’s messages from its menu; bob’s history has the reply with the quoted ID', async () => {
    await bubble('msg 58').click({ button: 'right' });
    await page.getByRole('menuitem', { name: 'Reply' }).click();
    const bar = page.getByTestId('reply-bar');
    await bar.waitFor();
    assert.match(await bar.innerText(), /Replying to bob/);
    assert.match(await bar.innerText(), /msg 58/);
    // The composer has focus: alice just types.
    assert.equal(await page.getByTestId('composer').evaluate((el) => el === document.activeElement), true);
    // Esc cancels; the hover toolbar's Reply starts again.
    await page.keyboard.press('Escape');
    await bar.waitFor({ state: 'detached' });
    await bubble('msg 58').hover();
    await bubble('msg 58').locator('[data-action="reply"]').click();
    await bar.waitFor();
    await page.keyboard.type('sounds good to me');
    await sizeShots(page, 'reply-bar');
    await page.keyboard.press('Enter');
    await bar.waitFor({ state: 'detached' });
    const mine = replyBubble('sounds good to me').and(page.locator('[data-status="sent"]'));
    await mine.waitFor();
    const quote = mine.getByTestId('reply-quote');
    assert.match(await quote.innerText(), /bob\s+msg 58/);

    const history = await bobHistory(bob);
    const quoted = history.find((m) => m.payload?.text === 'msg 58');
    const reply = history.find((m) => m.payload?.text === 'sounds good to me');
    assert.ok(quoted && reply, 'both messages in bob’s history');
    const data = JSON.parse(reply.cloudCustomData);
    assert.equal(data.messageReply.messageID, quoted.ID);
    assert.equal(data.messageReply.messageType, 1);
    assert.equal(data.messageReply.messageAbstract, 'msg 58');
    assert.equal(data.messageReply.version, 1);
    assert.equal(await quote.getAttribute('data-message-id'), quoted.ID);
  });

  it('bob replies to alice’s first message from the CLI; its quote jumps far up and highlights it', async () => {
    const history = await bobHistory(bob);
    const first = history.find((m) => m.payload?.text === 'the very first thing alice said');
    const data = {
      keep: 'me',
      messageReply: { messageAbstract: 'the very first thing alice said', messageSender: 'alice', messageID: first.ID, messageType: 1, version: 1 },
    };
    await cli(bob, 'send', 'alice', 'remember this?', '--cloud-custom-data', JSON.stringify(data));
    // After a reload only the newest page is loaded: the jump reads the history in between.
    await page.reload();
    await openChat();
    const reply = replyBubble('remember this?');
    await reply.waitFor();
    const quote = reply.getByTestId('reply-quote');
    assert.match(await quote.innerText(), /alice\s+the very first thing alice said/);
    await sizeShots(page, 'reply-quote');
    assert.equal(await bubble('the very first thing alice said').count(), 0, 'not loaded before the jump');
    await quote.click();
    const target = page.locator('[data-testid="message"][data-highlighted="true"]').filter({ hasText: 'the very first thing alice said' });
    await target.waitFor();
    assert.equal(await inView(target), true);
    await sizeShots(page, 'reply-jumped');
    // The highlight fades; the list around it is whole (bob's messages below it are there).
    await page.locator('[data-highlighted="true"]').waitFor({ state: 'detached' });
    await bubble('msg 1').first().waitFor();
  });

  it('bob types: alice’s header says "typing…", no bubble appears; "stopped" takes it away', async () => {
    const jump = page.getByRole('button', { name: /Jump to latest/ });
    if (await jump.isVisible()) await jump.click();
    const count = await page.getByTestId('message').count();
    await bobTyping(bob, 1);
    const typing = page.getByTestId('chat-typing');
    await typing.waitFor();
    assert.equal(await typing.innerText(), 'typing…');
    await sizeShots(page, 'typing-header');
    assert.equal(await page.getByTestId('message').count(), count);
    assert.equal(await page.getByTestId('message').filter({ hasText: 'user_typing_status' }).count(), 0);
    assert.doesNotMatch(await page.locator('[data-conversation="C2Cbob"]').innerText(), /Custom|user_typing/);
    await bobTyping(bob, 0);
    await typing.waitFor({ state: 'detached' });
    // A real message ends it too.
    await bobTyping(bob, 1);
    await typing.waitFor();
    await cli(bob, 'send', 'alice', 'done typing');
    await bubble('done typing').waitFor();
    await typing.waitFor({ state: 'detached' });
  });

  it('alice types: bob hears online-only typing messages, "typing" then "stopped" once sent', async () => {
    const composer = page.getByTestId('composer');
    await composer.click();
    await page.keyboard.type('on my way');
    const typingOf = (events, status) =>
      events.some(
        (e) =>
          e.name === 'onMessageReceived' &&
          e.data.some((m) => {
            if (m.type !== 'TIMCustomElem') return false;
            try {
              const d = JSON.parse(m.payload.data);
              return d.businessID === 'user_typing_status' && d.typingStatus === status && m.sequence === 0;
            } catch {
              return false;
            }
          }),
      );
    await listen.waitFor((ev) => typingOf(ev, 1));
    await composer.press('Enter');
    await listen.waitFor((ev) => typingOf(ev, 0));
    // Online only: nothing of it is in bob's history.
    const history = await bobHistory(bob);
    assert.equal(history.filter((m) => m.type === 'TIMCustomElem').length, 0);
    assert.ok(history.some((m) => m.payload?.text === 'on my way'));
    assert.deepEqual(errors, []);
  });
});
