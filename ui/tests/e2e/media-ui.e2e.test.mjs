// The media UI in Chromium over the in-memory FakeBackend (FakeMedia): every
// message type, drag and drop, the image viewer, the action toolbar and
// context menu, recall / edit, multi-select and merged forwarding. Served by
// Vite from tests/e2e/fixtures/media-chat.html; the same flows against the
// real host are in media.e2e.test.mjs.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { createServer } from 'vite';
import { UI_DIR, ensureResultsDir, launchBrowser, openPage } from './harness.mjs';

describe('media UI over the fake backend', { timeout: 180_000 }, () => {
  let vite;
  let browser;
  let page;
  let errors;
  let base;
  const bubbles = () => page.locator('[data-testid="message"]');
  // The list is virtualized: scroll so that rows far from the bottom exist.
  const scrollList = async (dy) => {
    await page.locator('[role="log"]').hover({ position: { x: 20, y: 200 } });
    await page.mouse.wheel(0, dy);
    await page.waitForTimeout(300);
  };

  before(async () => {
    vite = await createServer({ root: UI_DIR, configFile: join(UI_DIR, 'vite.config.ts'), server: { port: 0, strictPort: false }, logLevel: 'error' });
    await vite.listen();
    base = `${vite.resolvedUrls.local[0]}tests/e2e/fixtures/media-chat.html`;
    browser = await launchBrowser();
    // Tall enough that the fixture’s rows (320 px thumbnails included) are all rendered.
    ({ page, errors } = await openPage(browser, base, { viewport: { width: 1200, height: 1000 } }));
    await bubbles().first().waitFor({ timeout: 60_000 });
  });

  after(async () => {
    await browser?.close();
    await vite?.close();
  });

  it('renders every message type', async () => {
    for (const id of ['image-thumb', 'video', 'audio', 'file-card', 'location-card', 'face', 'custom', 'merger-card', 'revoked', 'edited']) {
      assert.ok((await page.getByTestId(id).count()) > 0, `no ${id}`);
    }
    assert.match(await page.locator('.mention').first().textContent(), /@alice/);
    assert.equal(await page.getByTestId('revoked').first().textContent(), 'Bob recalled a message');
    assert.match(await page.locator('[data-conversation="C2Cbob"]').textContent(), /\[File\] Quarterly report\.pdf/);
    assert.match(await page.locator('[data-conversation="C2Cdave"]').textContent(), /Dave recalled a message/);
    // Thumbnails keep their aspect ratio before and after loading (1200×800 → 320×213).
    const box = await page.getByTestId('image-thumb').first().boundingBox();
    assert.equal(Math.round(box.width), 320);
    assert.equal(Math.round(box.height), 213);
  });

  it('drops files: overlay, a message per file with progress, then sent', async () => {
    await page.evaluate(async () => {
      const c = document.createElement('canvas');
      c.width = 200;
      c.height = 100;
      c.getContext('2d').fillRect(0, 0, 200, 100);
      const blob = await new Promise((r) => c.toBlob(r, 'image/png'));
      const dt = new DataTransfer();
      dt.items.add(new File([blob], 'dot.png', { type: 'image/png' }));
      dt.items.add(new File(['x'.repeat(5000)], 'list.csv', { type: 'text/csv' }));
      window.__drop = dt;
      const pane = document.querySelector('[data-testid="chat-pane"]');
      pane.dispatchEvent(new DragEvent('dragenter', { dataTransfer: dt, bubbles: true, cancelable: true }));
      pane.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
    });
    await page.getByText('Drop files to send to Bob').waitFor();
    await page.evaluate(() =>
      document
        .querySelector('[data-testid="chat-pane"]')
        .dispatchEvent(new DragEvent('drop', { dataTransfer: window.__drop, bubbles: true, cancelable: true })),
    );
    await page.getByTestId('drop-overlay').waitFor({ state: 'detached' });
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="upload-progress"]').length === 2);
    await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="upload-progress"]')].some((p) => Number(p.getAttribute('aria-valuenow')) > 0));
    await page.screenshot({ path: join(ensureResultsDir(), 'media-ui-uploading.png') });
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="upload-progress"]').length === 0, undefined, { timeout: 20_000 });
    await page.locator('[data-testid="file-card"][data-file-name="list.csv"]').waitFor();
    const last = bubbles().last();
    assert.equal(await last.getAttribute('data-status'), 'sent');
  });

  it('image viewer: zoom, next / previous, Esc', async () => {
    await page.getByTestId('image-thumb').first().click();
    const viewer = page.getByTestId('image-viewer');
    await viewer.waitFor();
    assert.equal(await page.getByTestId('viewer-counter').textContent(), '1 of 3');
    await page.getByRole('button', { name: 'Zoom in' }).click();
    assert.notEqual(await viewer.getAttribute('data-scale'), 'fit');
    await page.mouse.move(600, 450);
    await page.mouse.wheel(0, 200);
    await page.getByRole('button', { name: 'Fit to window' }).click();
    assert.equal(await viewer.getAttribute('data-scale'), 'fit');
    await page.keyboard.press('ArrowRight');
    assert.equal(await viewer.getAttribute('data-index'), '1');
    await page.getByRole('button', { name: 'Next image' }).click();
    assert.equal(await viewer.getAttribute('data-index'), '2');
    assert.equal(await page.getByRole('button', { name: 'Next image' }).count(), 0);
    await page.keyboard.press('Escape');
    await viewer.waitFor({ state: 'detached' });
  });

  it('context menu, Up to edit the last own text, recall with re-edit', async () => {
    const mine = bubbles().filter({ hasText: 'recent own message' });
    await mine.click({ button: 'right' });
    const menu = page.getByRole('menu', { name: 'Message actions' });
    await menu.waitFor();
    const items = await menu.getByRole('menuitem').allTextContents();
    assert.deepEqual(items, ['Reply', 'Copy', 'Forward', 'Edit', 'Recall', 'Delete for me', 'Select']);
    await page.keyboard.press('Escape');
    await menu.waitFor({ state: 'detached' });
    // A peer's message offers neither edit nor recall, and can be translated.
    await scrollList(-10_000);
    const theirs = bubbles().filter({ hasText: 'here are the files' });
    await theirs.click({ button: 'right' });
    assert.deepEqual(await menu.getByRole('menuitem').allTextContents(), ['Reply', 'Copy', 'Translate', 'Forward', 'Delete for me', 'Select']);
    await page.keyboard.press('Escape');
    await scrollList(10_000);

    const composer = page.getByTestId('composer');
    await composer.click();
    await composer.press('ArrowUp');
    const box = page.getByTestId('edit-box');
    await box.waitFor();
    assert.equal(await box.inputValue(), 'recent own message');
    await box.fill('recent own message!');
    await box.press('Enter');
    await bubbles().filter({ hasText: 'recent own message!' }).getByTestId('edited').waitFor();

    const edited = bubbles().filter({ hasText: 'recent own message!' });
    await edited.hover();
    await edited.locator('[data-action="revoke"]').click();
    await page.getByRole('alertdialog', { name: 'Recall this message?' }).getByRole('button', { name: 'Recall' }).click();
    await page.getByText('You recalled a message').waitFor();
    await page.getByRole('button', { name: 'Re-edit' }).click();
    assert.equal(await composer.inputValue(), 'recent own message!');
    await composer.fill('');
  });

  it('multi-select: forward as chat history to another chat, then view it', async () => {
    await scrollList(-10_000);
    const first = bubbles().filter({ hasText: 'here are the files' });
    await first.hover();
    await first.locator('[data-action="select"]').click();
    const bar = page.getByTestId('selection-bar');
    await bar.waitFor();
    await scrollList(10_000);
    await bubbles().filter({ hasText: 'fixed the typo' }).click();
    assert.match(await bar.textContent(), /2 selected/);
    await bar.getByRole('button', { name: 'Forward as chat history' }).click();
    const dialog = page.getByRole('dialog', { name: 'Forward to…' });
    await dialog.locator('[data-conversation="C2Ccarol"] input').check();
    await dialog.getByTestId('forward-send').click();
    await dialog.waitFor({ state: 'detached' });
    await bar.waitFor({ state: 'detached' });
    await page.getByTestId('chat-notice').getByText('Forwarded.').waitFor();
    await page.locator('[data-conversation="C2Ccarol"]').click();
    const card = page.getByTestId('merger-card').last();
    await card.waitFor();
    assert.match(await card.textContent(), /Chat history of Alice and Bob/);
    assert.match(await card.textContent(), /Bob: Hi @alice, here are the files/);
    assert.match(await card.textContent(), /Alice: fixed the typo/);
    await card.click();
    const viewer = page.getByTestId('merger-viewer');
    await viewer.waitFor();
    assert.match(await viewer.textContent(), /fixed the typo/);
    await page.screenshot({ path: join(ensureResultsDir(), 'media-ui-merger.png') });
    await page.keyboard.press('Escape');
    await viewer.waitFor({ state: 'detached' });
  });

  it('Chinese previews and placeholders', async () => {
    const zh = await openPage(browser, `${base}?locale=zh-CN`, { locale: 'zh-CN' });
    await zh.page.locator('[data-testid="message"]').first().waitFor();
    assert.match(await zh.page.locator('[data-conversation="C2Cbob"]').textContent(), /\[文件\] Quarterly report\.pdf/);
    assert.match(await zh.page.locator('[data-conversation="C2Ccarol"]').textContent(), /\[图片\]/);
    assert.match(await zh.page.locator('[data-conversation="C2Cdave"]').textContent(), /Dave撤回了一条消息/);
    assert.equal(await zh.page.getByTestId('revoked').first().textContent(), 'Bob撤回了一条消息');
    await zh.page.screenshot({ path: join(ensureResultsDir(), 'media-ui-zh.png') });
    assert.deepEqual(zh.errors, []);
    await zh.context.close();
  });

  it('had no console errors', () => {
    assert.deepEqual(errors, []);
  });
});
