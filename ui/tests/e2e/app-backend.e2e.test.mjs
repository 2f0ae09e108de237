// An application backend in the real UI (issue 19): confabd posts TIM's
// callbacks to a backend started by this test (a plain HTTP server), which
// answers through confabd's REST API alone. alice chats with its echo bot,
// sees a message the backend rewrote change in place, sees one it refused
// fail with the words for 20006, and is signed out by the administrator
// with the words for REST_API_Kick. One real confabd and web host, a real
// Chromium. SCREENSHOTS=<dir> saves the chat and the sign-in page at the
// UI-DESIGN sizes (and in dark 简体中文).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import { auditAxe, bin, cli, launchBrowser, openPage, removeDir, signIn, sizeShots, startConfabd, startWeb, tempDir } from './harness.mjs';

const PASSWORD = 'alice-secret-1';

/** The backend: records callbacks, judges sends, and lets the bot answer. */
function startBackend() {
  const calls = [];
  const backend = { calls, rest: null };
  const text = (body) => body?.MsgBody?.[0]?.MsgContent?.Text ?? '';
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (d) => (raw += d));
    req.on('end', () => {
      const url = new URL(req.url, 'http://backend');
      const body = JSON.parse(raw || '{}');
      const command = url.searchParams.get('CallbackCommand');
      calls.push({ command, body });
      let answer = { ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '' };
      if (command === 'C2C.CallbackBeforeSendMsg') {
        const said = text(body);
        if (said.includes('forbidden')) answer = { ActionStatus: 'OK', ErrorCode: 1, ErrorInfo: 'not in this community' };
        else if (said.startsWith('secret:'))
          answer = { ...answer, MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: 'secret: [redacted]' } }] };
      }
      // The bot answers texts (not the app's typing notices, which are
      // online-only custom messages).
      const isText = body?.MsgBody?.[0]?.MsgType === 'TIMTextElem';
      if (command === 'C2C.CallbackAfterSendMsg' && body.To_Account === 'bot' && isText) {
        backend.rest('openim/sendmsg', {
          From_Account: 'bot',
          To_Account: body.From_Account,
          MsgRandom: (body.MsgRandom % 4294967295) + 1,
          MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: `echo: ${text(body)}` } }],
        });
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(answer));
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      backend.url = `http://127.0.0.1:${server.address().port}/callback`;
      backend.stop = () => new Promise((r) => server.close(r));
      resolve(backend);
    }),
  );
}

describe('An application backend in the UI against a real server', { timeout: 300_000 }, () => {
  let server;
  let backend;
  let browser;
  let web;
  let page;
  const dirs = [];
  const axeLines = [];
  const bubble = (text) => page.locator('[data-testid="message"]').filter({ hasText: text });
  // alice's own bubbles (they carry their send status).
  const mine = (text) => page.locator('[data-testid="message"][data-status]').filter({ hasText: text });

  async function send(text) {
    const composer = page.getByTestId('composer');
    await composer.fill(text);
    await composer.press('Enter');
  }

  before(async () => {
    backend = await startBackend();
    server = await startConfabd({ env: { CONFABD_CALLBACK_URL: backend.url } });
    dirs.push(server.dataDir);
    // The administrator's UserSig, minted with the server's own key.
    const sig = execFileSync(bin('confabd'), ['usersig', 'administrator'], {
      env: { ...process.env, CONFABD_DATA_DIR: server.dataDir, CONFABD_LOG: 'warn' },
    })
      .toString()
      .trim();
    backend.rest = async (command, body) => {
      const query = `sdkappid=1400000000&identifier=administrator&usersig=${encodeURIComponent(sig)}&random=7&contenttype=json`;
      const res = await fetch(`${server.url}/v4/${command}?${query}`, { method: 'POST', body: JSON.stringify(body) });
      const answer = await res.json();
      assert.equal(answer.ActionStatus, 'OK', `${command}: ${JSON.stringify(answer)}`);
      return answer;
    };
    await backend.rest('im_open_login_svc/account_import', { UserID: 'bot', Nick: 'Echo Bot' });
    const profile = tempDir('alice-cli');
    dirs.push(profile);
    await cli(profile, 'register', 'alice', '--server', server.url, '--password', PASSWORD);
    await cli(profile, 'logout');
    // The bot says hello first, so alice has the chat in her list.
    await backend.rest('openim/sendmsg', {
      From_Account: 'bot',
      To_Account: 'alice',
      MsgRandom: 1,
      MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: 'Hi! I echo what you say.' } }],
    });
    browser = await launchBrowser();
    web = await startWeb({ server: server.url });
    dirs.push(web.dataDir);
    ({ page } = await openPage(browser, web.url, { viewport: { width: 1100, height: 720 } }));
    await signIn(page, 'alice', PASSWORD);
    await page.getByRole('listbox', { name: 'Chats' }).waitFor();
  });

  after(async () => {
    await browser?.close();
    await web?.stop();
    await server?.stop();
    await backend?.stop();
    for (const d of dirs) removeDir(d);
  });

  it("the bot's greeting is in alice's list, and the bot answers what she says", async () => {
    await page.locator('[data-conversation="C2Cbot"]').click();
    await bubble('Hi! I echo what you say.').waitFor();
    await send('hello bot');
    await bubble('echo: hello bot').waitFor();
    assert.ok(backend.calls.some((c) => c.command === 'C2C.CallbackBeforeSendMsg' && c.body.From_Account === 'alice'));
  });

  it('a message the backend rewrote changes in place', async () => {
    await send('secret: 1234');
    await mine('secret: [redacted]').waitFor();
    await page.waitForFunction(() => ![...document.querySelectorAll('[data-testid="message"]')].some((m) => m.textContent?.includes('1234')));
    await bubble('echo: secret: [redacted]').waitFor();
  });

  it('a message the backend refused fails with the words for 20006', async () => {
    await send('a forbidden word');
    const failed = bubble('a forbidden word').getByRole('alert');
    await failed.getByText('did not let this message through').waitFor();
    assert.match(await failed.textContent(), /20006/);
    await auditAxe(page, 'chat with a refused message', axeLines);
    await sizeShots(page, 'app-backend-chat');
  });

  it('the same chat in dark 简体中文', async () => {
    await page.getByRole('button', { name: 'Settings' }).click();
    await page.locator('select[name="language"]').selectOption('zh-CN');
    await page.locator('input[name="theme"][value="dark"]').check({ force: true });
    await page.getByRole('button', { name: '关闭' }).first().click();
    await bubble('a forbidden word').getByRole('alert').getByText('此消息未通过服务器的规则').waitFor();
    await sizeShots(page, 'app-backend-chat-zh-dark');
  });

  it('an administrator signs alice out: the sign-in page says who did', async () => {
    await backend.rest('im_open_login_svc/kick', { UserID: 'alice' });
    const reason = page.getByTestId('kicked-reason');
    await reason.getByText('服务器管理员已将你下线').waitFor({ timeout: 20_000 });
    await sizeShots(page, 'app-backend-kicked-zh-dark');
    assert.deepEqual(axeLines, [], axeLines.join('\n'));
  });
});
