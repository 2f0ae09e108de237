// The facade against the real web host and server (issue 12): alice's web
// host runs the embedded confabd; bob's web host connects to it. Each
// test quotes the checklist line (shared/reference/conformance-checklist.md)
// it proves.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Tim } from '../../src/lib/tim';
import type { Message } from '../../src/lib/types';
import { nextEvent, registerAccount, startWebHost, type WebHost } from './webhost';

const { EVENT, TYPES } = Tim;

describe('the facade over the real web host', { timeout: 60_000 }, () => {
  let aliceHost: WebHost;
  let bobHost: WebHost;
  let alice: Tim;
  let bob: Tim;
  let bobSig: string;

  beforeAll(async () => {
    [aliceHost, bobHost] = await Promise.all([startWebHost('alice'), startWebHost('bob')]);
    alice = aliceHost.tim;
    bob = bobHost.tim;
    const state = await alice.app.chooseServer({ mode: 'local' });
    await alice.app.register({ userID: 'alice', password: 'alice-password-1' });
    const serverUrl = state.serverUrl ?? '';
    bobSig = await registerAccount(serverUrl, 'bob', 'bob-password-1');
    await bob.app.chooseServer({ mode: 'remote', url: serverUrl });
  }, 120_000);

  afterAll(async () => {
    await Promise.all([aliceHost?.stop(), bobHost?.stop()]);
  });

  it("login takes TIM's {userID, userSig}, and a repeat login resolves", async () => {
    // checklist 34: `options.userID` (String) and `options.userSig` (String) are both required.
    const res = await bob.login({ userID: 'bob', userSig: bobSig });
    expect(res).toEqual({ code: 0, data: { repeatLogin: false } });
    expect(bob.userID).toBe('bob');
    // checklist 35: … `login` still resolves (it does not reject): `imResponse.data.repeatLogin === true` …
    const again = await bob.login({ userID: 'bob', userSig: bobSig });
    expect(again.data.repeatLogin).toBe(true);
    expect(again.data.errorInfo).toBeTruthy();
  });

  it('sendMessage changes the message object passed: success, or fail', async () => {
    const m = alice.createTextMessage({ to: 'bob', conversationType: TYPES.CONV_C2C, payload: { text: 'hi bob' } });
    const res = await alice.sendMessage(m);
    // checklist 218: On success the message's status becomes 'success'; on failure it becomes 'fail' …
    expect(m.status).toBe('success');
    expect(res.data.message).toBe(m);
    expect(m.sequence).toBeGreaterThan(0);

    const lost = alice.createTextMessage({ to: 'nobody-here', conversationType: TYPES.CONV_C2C, payload: { text: '?' } });
    const err = await alice.sendMessage(lost).then(
      () => null,
      (e: { code: number; data: { message: Message } }) => e,
    );
    expect(err?.code).toBeGreaterThan(0);
    expect(lost.status).toBe('fail');
    expect(err?.data.message).toBe(lost);
  });

  it('revokeMessage and deleteMessage change the message objects passed', async () => {
    const m = alice.createTextMessage({ to: 'bob', conversationType: TYPES.CONV_C2C, payload: { text: 'oops' } });
    await alice.sendMessage(m);
    await alice.revokeMessage(m);
    // checklist 223: On success `message.isRevoked === true`.
    expect(m.isRevoked).toBe(true);
    const d = alice.createTextMessage({ to: 'bob', conversationType: TYPES.CONV_C2C, payload: { text: 'bye' } });
    await alice.sendMessage(d);
    await alice.deleteMessage([d]);
    // checklist 238: On success each deleted message has `isDeleted === true`.
    expect(d.isDeleted).toBe(true);
  });

  it('a file message is made synchronously from a Blob, a File or a file input, and reports progress', async () => {
    const progress: number[] = [];
    // checklist 1122: The create*Message methods … return values synchronously.
    // checklist 148: `payload.file` is required: an HTMLInputElement, a File object, or an Object (pick result).
    const m = alice.createFileMessage({
      to: 'bob',
      conversationType: TYPES.CONV_C2C,
      payload: { file: new File(['hello from a browser file'], 'notes.txt', { type: 'text/plain' }) },
      // checklist 150: `onProgress` reports upload progress.
      onProgress: (p) => progress.push(p),
    });
    expect(m).not.toBeInstanceOf(Promise);
    expect(m).toMatchObject({ type: TYPES.MSG_FILE, status: 'unSend', payload: { fileName: 'notes.txt' } });
    const { random, ID } = m;
    // checklist 1147: created with its ID, which it keeps through the upload and the send.
    expect(ID).toBe(`alice-${m.time}-${random}`);
    const sent = await alice.sendMessage(m);
    expect(m).toMatchObject({ ID, status: 'success', random, payload: { fileName: 'notes.txt', fileSize: 25 } });
    expect(sent.data.message.ID).toBe(ID);
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.at(-1)).toBe(1);
    expect(progress.every((p) => p >= 0 && p <= 1)).toBe(true);

    // checklist 115: `payload.file` is required: an HTMLInputElement (file picker), a File object, or a platform pick result.
    const png = new File([PNG_1X1], 'dot.png', { type: 'image/png' });
    const input = { files: [png] };
    const image = alice.createImageMessage({ to: 'bob', conversationType: TYPES.CONV_C2C, payload: { file: input } });
    await alice.sendMessage(image);
    expect(image.status).toBe('success');
    expect(image.payload.imageInfoArray?.[0]).toMatchObject({ width: 1, height: 1 });
  });

  it('findMessage reads the local store and getTotalUnreadMessageCount is right after a reload, before any event', async () => {
    const arrived = nextEvent(alice, EVENT.TOTAL_UNREAD_MESSAGE_COUNT_UPDATED, (n) => n >= 2);
    const first = bob.createTextMessage({ to: 'alice', conversationType: TYPES.CONV_C2C, payload: { text: 'one' } });
    const second = bob.createTextMessage({ to: 'alice', conversationType: TYPES.CONV_C2C, payload: { text: 'two' } });
    await bob.sendMessage(first);
    await bob.sendMessage(second);
    await arrived;

    // A page reload: a new bridge connection and a new facade; the host's SDK stays logged in.
    const reloaded = aliceHost.reload();
    await reloaded.app.getState();
    // checklist 427: Returns a Number synchronously, not a Promise: the sum of unread counts …
    expect(reloaded.getTotalUnreadMessageCount()).toBe(2);
    // checklist 352: Returns a Message or `null`, synchronously, not a Promise.
    // checklist 353: The lookup covers only the local store of messages this instance already holds.
    expect(reloaded.findMessage(second.ID)).toMatchObject({ ID: second.ID, payload: { text: 'two' }, flow: 'in' });
    expect(reloaded.findMessage('no-such-message')).toBeNull();
  });

  it("deleteConversation('C2Cbob') resolves {conversationID}", async () => {
    const res = await alice.deleteConversation('C2Cbob');
    // checklist 385: The String form returns `imResponse.data.conversationID`; the Object form returns `imResponse.data.conversationIDList`.
    expect(res).toEqual({ code: 0, data: { conversationID: 'C2Cbob' } });
  });

  it('logout clears every cache of the session', async () => {
    const m = bob.createTextMessage({ to: 'alice', conversationType: TYPES.CONV_C2C, payload: { text: 'still here?' } });
    await bob.sendMessage(m);
    expect(bob.findMessage(m.ID)).not.toBeNull();
    await bob.logout();
    // checklist 47: Clears this instance's login state and all its in-memory data. Conversations, messages and profiles are no longer returned until the next login.
    expect(bob.userID).toBeNull();
    expect(bob.findMessage(m.ID)).toBeNull();
    expect(bob.getTotalUnreadMessageCount()).toBe(0);
  });
});

/** A 1×1 PNG. */
const PNG_1X1 = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);
