// Accessibility of every main screen, checked with axe-core in Chromium
// against the real app: a real confabd, a real web host serving ui/dist, the
// confab CLI as the peers (bob, carol). Each screen is audited in the light
// and the dark theme (and the main chat in Chinese too): no critical and no
// serious violation. Also: Esc in a dialog or panel gives focus back to where
// it was before it opened.
// SCREENSHOTS=<dir> also saves PNGs of the main chat and the forward dialog.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, launchBrowser, startConfabd, startWeb, tearDown, tempDir } from './harness.mjs';

// Evaluated through the DevTools protocol: the app's CSP (script-src 'self') stays on.
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const ALICE_PASSWORD = 'alice-secret-1';
const BOB_PASSWORD = 'bob-secret-12';
const CAROL_PASSWORD = 'carol-secret-1';
const SHOTS = process.env.SCREENSHOTS;
const SIZES = [
  [800, 560],
  [1100, 720],
];
// Enough peers for the conversation list, the finder and the forward list to scroll.
const PEERS = Array.from({ length: 11 }, (_, i) => `peer${String(i + 1).padStart(2, '0')}`);

/** The critical and serious axe violations on the page now, one readable line each. */
async function axeFindings(page) {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target.join(' '), summary: n.failureSummary, impact: n.impact })),
    }));
  });
  const out = [];
  for (const v of violations) {
    const nodes = v.nodes.filter((n) => n.impact === 'critical' || n.impact === 'serious');
    if (nodes.length === 0) continue;
    out.push({
      id: v.id,
      impact: v.impact,
      line: `${v.id} (${v.impact}): ${v.help}\n${nodes
        .slice(0, 6)
        .map((n) => `      - ${n.target}\n        ${String(n.summary ?? '').replace(/\n\s*/g, ' | ')}`)
        .join('\n')}${nodes.length > 6 ? `\n      … and ${nodes.length - 6} more` : ''}`,
    });
  }
  return out;
}

describe('accessibility (axe-core) of every main screen', { timeout: 300_000 }, () => {
  let server;
  let web;
  let browser;
  let context;
  let page;
  const errors = [];
  const cliBob = tempDir('a11y-bob');
  const cliCarol = tempDir('a11y-carol');
  const cliPeers = PEERS.map((p) => tempDir(`a11y-${p}`));
  const dirs = [cliBob, cliCarol, ...cliPeers];

  const bubbles = () => page.locator('[data-testid="message"]');
  const row = (peer) => page.locator(`[data-conversation="C2C${peer}"]`).first();

  /** SCREENSHOTS=<dir>: `15-<what>-<WxH>[-dark].png` at the desktop default and the minimum size. */
  async function screenshots(what, theme) {
    for (const [w, h] of [
      [1100, 720],
      [800, 560],
    ]) {
      await page.setViewportSize({ width: w, height: h });
      await page.screenshot({ path: join(SHOTS, `${what}-${w}x${h}${theme === 'dark' ? '-dark' : ''}.png`) });
    }
    await page.setViewportSize({ width: 1100, height: 720 });
  }

  /** Whether `locator` holds the keyboard focus. */
  const hasFocus = (locator) => locator.evaluate((el) => el === document.activeElement);

  /** Audits the page as it is, in light and dark; fails with every critical / serious finding. */
  async function audit(screen, { themes = ['light', 'dark'], shot } = {}) {
    const lines = [];
    for (const theme of themes) {
      await page.emulateMedia({ colorScheme: theme });
      await page.waitForFunction((t) => document.documentElement.dataset.theme === t, theme);
      if (SHOTS && shot) await screenshots(shot, theme);
      // The desktop default and the minimum window (where lists overflow and scroll).
      for (const [w, h] of SIZES) {
        await page.setViewportSize({ width: w, height: h });
        for (const f of await axeFindings(page)) lines.push(`  [${screen}, ${theme}, ${w}x${h}] ${f.line}`);
      }
    }
    await page.emulateMedia({ colorScheme: 'light' });
    assert.equal(lines.length, 0, `axe found critical/serious violations on "${screen}":\n${lines.join('\n')}`);
  }

  before(async () => {
    server = await startConfabd();
    dirs.push(server.dataDir);
    await cli(cliBob, 'register', 'bob', '--server', server.url, '--password', BOB_PASSWORD);
    await cli(cliCarol, 'register', 'carol', '--server', server.url, '--password', CAROL_PASSWORD);
    await Promise.all(PEERS.map((p, i) => cli(cliPeers[i], 'register', p, '--server', server.url, '--password', `${p}-secret-1`)));
    // No --server: the first screen is the choice of server.
    web = await startWeb({});
    dirs.push(web.dataDir);
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: { width: 1100, height: 720 }, locale: 'en-US', reducedMotion: 'reduce' });
    page = await context.newPage();
    page.on('console', (msg) => {
      if (msg.type() === 'error') errors.push(`console: ${msg.text()}`);
    });
    page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
    await page.goto(web.url);
  });

  after(async () => {
    await tearDown({ browser, web, server, dirs });
  });

  it('mode choice', async () => {
    const remote = page.getByRole('radio', { name: /Connect to a server/ });
    await remote.waitFor();
    await remote.check({ force: true });
    await page.locator('input[name="server-url"]').fill(server.url);
    await audit('mode choice');
  });

  it('sign-in, with an error shown', async () => {
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.locator('input[name="userID"]').fill('alice');
    await page.locator('input[name="password"]').fill(ALICE_PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    // alice does not exist yet: the sign-in fails with an error.
    await page.locator('form [role="alert"]').waitFor();
    await audit('sign-in');
  });

  it('sign-up', async () => {
    await page.getByRole('button', { name: /create an account/i }).click();
    await page.getByRole('heading', { name: /create/i }).waitFor();
    await audit('sign-up');
  });

  it('main view, empty conversation list', async () => {
    await page.locator('input[name="password"]').fill(ALICE_PASSWORD);
    await page.locator('form button[type="submit"]').click();
    await page.getByRole('listbox', { name: 'Chats' }).waitFor();
    await page.getByText('No conversations yet').waitFor();
    await audit('main view (empty)');
  });

  it('main view with the conversation list', async () => {
    await Promise.all(PEERS.map((p, i) => cli(cliPeers[i], 'send', 'alice', `hello from ${p}`)));
    await cli(cliCarol, 'send', 'alice', 'hi alice, carol here');
    await cli(cliBob, 'send', 'alice', 'note', '--count', '6');
    await cli(cliBob, 'send', 'alice', 'hello alice');
    // A reply in the TIM format (cloudCustomData.messageReply).
    const reply = JSON.stringify({
      messageReply: { messageID: 'x', messageAbstract: 'hello alice', messageSender: 'bob', messageType: 1, version: 1 },
    });
    await cli(cliBob, 'send', 'alice', 'and this is a reply', '--cloud-custom-data', reply);
    await row('bob').getByText('and this is a reply').waitFor();
    await row('carol').waitFor();
    await audit('main view');
  });

  it('open chat: text, image, file, a recalled message, a reply', async () => {
    await row('bob').click();
    await bubbles().filter({ hasText: 'and this is a reply' }).waitFor();
    // Alice drops an image and a file on the chat.
    await page.evaluate(async () => {
      const c = document.createElement('canvas');
      c.width = 320;
      c.height = 200;
      const g = c.getContext('2d');
      g.fillStyle = '#3a7';
      g.fillRect(0, 0, 320, 200);
      const blob = await new Promise((r) => c.toBlob(r, 'image/png'));
      const dt = new DataTransfer();
      dt.items.add(new File([blob], 'green.png', { type: 'image/png' }));
      dt.items.add(new File(['some notes\n'.repeat(200)], 'notes.txt', { type: 'text/plain' }));
      const pane = document.querySelector('[data-testid="chat-pane"]');
      for (const type of ['dragenter', 'dragover', 'drop']) {
        pane.dispatchEvent(new DragEvent(type, { dataTransfer: dt, bubbles: true, cancelable: true }));
      }
    });
    await page.locator('[data-testid="file-card"][data-file-name="notes.txt"]').waitFor();
    await page.waitForFunction(() => {
      const img = document.querySelector('[data-testid="image-thumb"] img');
      return img && img.complete && img.naturalWidth > 0 && !document.querySelector('[data-testid="upload-progress"]');
    });
    // A message alice sends and recalls.
    const composer = page.getByTestId('composer');
    await composer.fill('please recall me');
    await composer.press('Enter');
    const mine = bubbles().filter({ hasText: 'please recall me' });
    await page.waitForFunction(() =>
      [...document.querySelectorAll('[data-testid="message"]')].some(
        (m) => m.textContent?.includes('please recall me') && ['sent', 'read'].includes(m.getAttribute('data-status') ?? ''),
      ),
    );
    await mine.hover();
    await mine.locator('[data-action="revoke"]').click();
    await page.getByRole('alertdialog').getByTestId('confirm').click();
    await page.getByTestId('revoked').waitFor();
    await composer.fill('');
    await page.mouse.move(0, 0);
    await audit('open chat', { shot: '15-chat' });
  });

  it('context menu open', async () => {
    await bubbles().filter({ hasText: 'hello alice', hasNot: page.getByTestId('reply-quote') }).click({ button: 'right' });
    await page.getByRole('menu').waitFor();
    try {
      await audit('context menu');
    } finally {
      await page.keyboard.press('Escape');
      await page.getByRole('menu').waitFor({ state: 'detached' });
    }
  });

  it('selection mode', async () => {
    const first = bubbles().filter({ hasText: 'hello alice', hasNot: page.getByTestId('reply-quote') });
    await first.hover();
    await first.locator('[data-action="select"]').click();
    await page.getByTestId('selection-bar').waitFor();
    // Enough messages for the chat history's viewer to scroll.
    for (const text of ['and this is a reply', 'note 1', 'note 2', 'note 3', 'note 4', 'note 5', 'note 6']) {
      await bubbles().filter({ hasText: text }).click();
    }
    await page.mouse.move(0, 0);
    await audit('selection mode');
  });

  it('forward dialog', async () => {
    await page.getByTestId('selection-bar').getByRole('button', { name: 'Forward as chat history' }).click();
    const dialog = page.getByRole('dialog', { name: 'Forward to…' });
    await dialog.waitFor();
    await dialog.locator('[data-conversation="C2Cbob"]').click();
    try {
      await audit('forward dialog', { shot: '15-forward' });
    } finally {
      await dialog.getByTestId('forward-send').click();
      await dialog.waitFor({ state: 'detached' });
    }
  });

  it('merger viewer', async () => {
    const card = page.getByTestId('merger-card').last();
    await card.waitFor();
    await card.click();
    await page.getByTestId('merger-viewer').waitFor();
    await page.getByTestId('merger-viewer').getByText('and this is a reply').waitFor();
    try {
      await audit('merger viewer');
    } finally {
      await page.keyboard.press('Escape');
      await page.getByTestId('merger-viewer').waitFor({ state: 'detached' });
    }
  });

  it('image viewer', async () => {
    await page.getByTestId('image-thumb').first().click();
    await page.getByTestId('image-viewer').waitFor();
    await page.waitForFunction(() => {
      const img = document.querySelector('[data-testid="viewer-image"]');
      return img && img.complete && img.naturalWidth > 0;
    });
    try {
      await audit('image viewer');
    } finally {
      await page.keyboard.press('Escape');
      await page.getByTestId('image-viewer').waitFor({ state: 'detached' });
    }
  });

  it('find chat dialog', async () => {
    await page.keyboard.press('Control+k');
    await page.getByRole('dialog', { name: 'Find a chat' }).waitFor();
    try {
      await audit('find chat');
    } finally {
      await page.keyboard.press('Escape');
      await page.getByRole('dialog', { name: 'Find a chat' }).waitFor({ state: 'detached' });
    }
  });

  it('new chat dialog', async () => {
    await page.getByRole('navigation').getByRole('button', { name: 'New chat' }).click();
    const dialog = page.getByRole('dialog', { name: /new chat/i });
    await dialog.waitFor();
    try {
      await audit('new chat');
    } finally {
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'detached' });
    }
  });

  it('settings panel', async () => {
    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByRole('heading', { name: 'Settings' }).waitFor();
    await audit('settings');
  });

  it('security settings: a failed password change, the sign-out-everywhere confirmation', async () => {
    try {
      await page.locator('input[name="oldPassword"]').fill('not-the-password');
      await page.locator('input[name="newPassword"]').fill('another-secret-2');
      await page.locator('input[name="newPassword"]').press('Enter');
      await page.locator('fieldset [role="alert"]').waitFor();
      await page.getByRole('button', { name: /sign out of all devices/i }).click();
      await audit('security settings');
    } finally {
      await page.keyboard.press('Escape');
      await page.getByRole('heading', { name: 'Settings' }).waitFor({ state: 'detached' });
    }
  });

  it('profile panel', async () => {
    await page.getByRole('button', { name: /^Your profile/ }).click();
    await page.getByRole('heading', { name: 'Your profile' }).waitFor();
    try {
      await audit('profile');
    } finally {
      await page.keyboard.press('Escape');
      await page.getByRole('heading', { name: 'Your profile' }).waitFor({ state: 'detached' });
    }
  });

  it('main chat in Chinese', async () => {
    await page.getByRole('button', { name: 'Settings' }).click();
    await page.locator('select[name="language"]').selectOption('zh-CN');
    await page.getByRole('heading', { name: '设置' }).waitFor();
    await page.keyboard.press('Escape');
    await page.getByRole('heading', { name: '设置' }).waitFor({ state: 'detached' });
    try {
      await audit('main chat, zh-CN', { shot: '15-chat-zh' });
    } finally {
      await page.getByRole('button', { name: '设置' }).click();
      await page.locator('select[name="language"]').selectOption('en');
      await page.getByRole('heading', { name: 'Settings' }).waitFor();
      await page.keyboard.press('Escape');
    }
  });

  it('avatar initials reach 4.5:1 on the colour of every hue, light and dark', async () => {
    const failures = [];
    for (const theme of ['light', 'dark']) {
      await page.emulateMedia({ colorScheme: theme });
      await page.waitForFunction((t) => document.documentElement.dataset.theme === t, theme);
      // A real avatar on the page, given each hue in turn; the browser paints
      // its colours on a canvas, which gives the sRGB it shows.
      const low = await page.locator('nav .avatar').first().evaluate((el) => {
        const saved = el.style.getPropertyValue('--hue');
        const canvas = document.createElement('canvas');
        canvas.width = canvas.height = 1;
        const g = canvas.getContext('2d', { willReadFrequently: true });
        const rgb = (css) => {
          g.clearRect(0, 0, 1, 1);
          g.fillStyle = css;
          g.fillRect(0, 0, 1, 1);
          return [...g.getImageData(0, 0, 1, 1).data.slice(0, 3)];
        };
        const lum = ([r, gr, b]) => {
          const f = (c) => ((c /= 255) <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
          return 0.2126 * f(r) + 0.7152 * f(gr) + 0.0722 * f(b);
        };
        const out = [];
        for (let hue = 0; hue < 360; hue++) {
          el.style.setProperty('--hue', String(hue));
          const cs = getComputedStyle(el);
          const [a, b] = [lum(rgb(cs.backgroundColor)), lum(rgb(cs.color))].sort((x, y) => y - x);
          const ratio = (a + 0.05) / (b + 0.05);
          if (ratio < 4.5) out.push(`hue ${hue}: ${ratio.toFixed(2)}:1 (${cs.color} on ${cs.backgroundColor})`);
        }
        el.style.setProperty('--hue', saved);
        return out;
      });
      failures.push(...low.map((l) => `${theme}: ${l}`));
    }
    await page.emulateMedia({ colorScheme: 'light' });
    assert.equal(failures.length, 0, `${failures.length} hue/theme pairs under 4.5:1, e.g.\n${failures.filter((_, i) => i % 20 === 0).join('\n')}`);
  });

  it('Esc in the find-chat dialog (Ctrl+K) returns focus to where it was', async () => {
    const find = page.getByRole('dialog', { name: 'Find a chat' });
    const composer = page.getByTestId('composer');
    await composer.focus();
    await page.keyboard.press('Control+k');
    await find.waitFor();
    assert.ok(await hasFocus(find.getByRole('combobox')), 'the search field has the focus');
    await page.keyboard.press('Escape');
    await find.waitFor({ state: 'detached' });
    if (SHOTS) await page.screenshot({ path: join(SHOTS, '11-find-esc-focus-1100x720.png') });
    assert.ok(await hasFocus(composer), 'focus is back in the composer');
    // From a conversation row too.
    await row('carol').focus();
    await page.keyboard.press('Control+k');
    await find.waitFor();
    await page.keyboard.press('Escape');
    await find.waitFor({ state: 'detached' });
    assert.ok(await hasFocus(row('carol')), 'focus is back on the row');
  });

  it('Esc in the other dialogs, panels and viewers returns focus to what opened them', async () => {
    const rail = page.getByRole('navigation');
    const cases = [
      { what: 'new chat', opener: rail.getByRole('button', { name: 'New chat' }), opened: page.getByRole('dialog', { name: 'New chat' }) },
      { what: 'settings', opener: rail.getByRole('button', { name: 'Settings' }), opened: page.getByRole('heading', { name: 'Settings' }) },
      { what: 'profile', opener: rail.getByRole('button', { name: /^Your profile/ }), opened: page.getByRole('heading', { name: 'Your profile' }) },
      { what: 'image viewer', opener: page.getByTestId('image-thumb').first(), opened: page.getByTestId('image-viewer') },
      { what: 'merger viewer', opener: page.getByTestId('merger-card').last(), opened: page.getByTestId('merger-viewer') },
    ];
    const failures = [];
    for (const { what, opener, opened } of cases) {
      await opener.focus();
      await page.keyboard.press('Enter');
      await opened.waitFor();
      await page.keyboard.press('Escape');
      await opened.waitFor({ state: 'detached' });
      if (!(await hasFocus(opener))) {
        const now = await page.evaluate(() => {
          const a = document.activeElement;
          return a ? `${a.tagName.toLowerCase()}${a.getAttribute('aria-label') ? `[aria-label="${a.getAttribute('aria-label')}"]` : ''}` : 'nothing';
        });
        failures.push(`${what}: focus went to ${now}, not back to its opener`);
      }
    }
    assert.deepEqual(failures, []);
  });

  it('had no console errors', () => {
    assert.deepEqual(errors, []);
  });
});
