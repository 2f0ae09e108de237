// My conversation groups (TIM's 会话分组), shown as folder tabs over the
// conversation list, and the per-conversation settings the list's menu
// changes: pin, mute, mark unread, folders. One `Folders` per AppModel,
// reached through `foldersOf(app)`. The SDK announces every change (from
// here or another instance of mine) and the list follows the events.
import type { Conversation, ImError } from '$lib/types';
import { EVENT } from '$lib/tim';
import { toImError } from '$lib/backend';
import type { AppModel } from './app.svelte';
import { perApp } from './per-app.svelte';
import { peerOf } from './names';

/** Whether a conversation is muted (any remind type but AcceptAndNotify). */
export function isMuted(c: Pick<Conversation, 'messageRemindType'>): boolean {
  return c.messageRemindType !== 'AcceptAndNotify';
}

/** TIM's built-in unread mark. */
export const MARK_UNREAD = 2;

/** Whether a conversation is marked unread. */
export function isMarkedUnread(c: Pick<Conversation, 'markList'>): boolean {
  return c.markList.includes(MARK_UNREAD);
}

/**
 * What a folder tab counts: its conversations' unread messages, muted ones
 * left out (as the total is), a conversation marked unread counting one.
 */
export function folderUnread(list: readonly Conversation[], name: string): number {
  let n = 0;
  for (const c of list) {
    if (!c.conversationGroupList.includes(name) || isMuted(c)) continue;
    n += c.unreadCount > 0 ? c.unreadCount : isMarkedUnread(c) ? 1 : 0;
  }
  return n;
}

/** A folder dialog: make one (optionally with a conversation), rename one, pick a conversation's folders. */
export type FolderDialog =
  | { kind: 'create'; conversationID: string | null }
  | { kind: 'rename'; name: string }
  | { kind: 'move'; conversationID: string }
  | null;

/** My conversation folders and the calls behind the conversation menu. */
export class Folders {
  /** Folder names, in the order made. */
  names: string[] = $state.raw([]);
  /** The folder whose conversations the list shows; null: all. */
  active: string | null = $state(null);
  dialog: FolderDialog = $state.raw(null);
  busy = $state(false);
  /** The last call's failure (shown in the open dialog, or the list's banner). */
  error: ImError | null = $state.raw(null);
  #app: AppModel;
  /** Counts resets: folders read for an earlier session (another account) are dropped. */
  #session = 0;

  constructor(app: AppModel) {
    this.#app = app;
    const tim = app.tim;
    tim.on(EVENT.CONVERSATION_GROUP_LIST_UPDATED, (e) => {
      if (!Array.isArray(e.data)) return;
      this.names = e.data;
      if (this.active !== null && !this.names.includes(this.active)) this.active = null;
    });
    tim.on(EVENT.SDK_READY, () => void this.load());
    tim.on(EVENT.SDK_NOT_READY, () => this.reset());
  }

  async load(): Promise<void> {
    const session = this.#session;
    try {
      const res = await this.#app.tim.getConversationGroupList();
      // Signed out or switched to another account meanwhile: not this session's folders.
      if (session !== this.#session) return;
      this.names = res.data;
    } catch (e) {
      console.warn('getConversationGroupList failed', toImError(e));
    }
  }

  reset(): void {
    this.#session++;
    this.names = [];
    this.active = null;
    this.dialog = null;
    this.error = null;
  }

  /** Runs a call; its failure is kept in `error`. Resolves whether it succeeded. */
  async #run(call: () => Promise<unknown>): Promise<boolean> {
    this.busy = true;
    this.error = null;
    try {
      await call();
      return true;
    } catch (e) {
      this.error = toImError(e);
      return false;
    } finally {
      this.busy = false;
    }
  }

  open(dialog: FolderDialog): void {
    this.error = null;
    this.dialog = dialog;
  }

  close(): void {
    this.dialog = null;
    this.error = null;
  }

  /** Makes a folder, with a conversation in it when one is given; it becomes the open tab when made from the tabs. */
  async create(name: string, conversationID: string | null): Promise<boolean> {
    const groupName = name.trim();
    // TIM's createConversationGroup needs a conversation: from the tabs, the open one (or the first).
    const seed = conversationID ?? this.#app.conversations.activeID ?? this.#app.conversations.sorted[0]?.conversationID;
    if (!seed) return false;
    const ok = await this.#run(() => this.#app.tim.createConversationGroup({ groupName, conversationIDList: [seed] }));
    if (ok) {
      if (!this.names.includes(groupName)) this.names = [...this.names, groupName];
      // From the folder picker, the new folder shows there, ticked.
      if (this.dialog?.kind === 'create') this.dialog = null;
    }
    return ok;
  }

  async rename(oldName: string, newName: string): Promise<boolean> {
    const name = newName.trim();
    const ok = await this.#run(() => this.#app.tim.renameConversationGroup({ oldName, newName: name }));
    if (ok) {
      this.names = this.names.map((n) => (n === oldName ? name : n));
      if (this.active === oldName) this.active = name;
      this.dialog = null;
    }
    return ok;
  }

  async remove(name: string): Promise<boolean> {
    const ok = await this.#run(() => this.#app.tim.deleteConversationGroup({ groupName: name }));
    if (ok) {
      this.names = this.names.filter((n) => n !== name);
      if (this.active === name) this.active = null;
    }
    return ok;
  }

  /** Puts a conversation in a folder, or takes it out. */
  async setIn(conversationID: string, name: string, inside: boolean): Promise<boolean> {
    const options = { conversationIDList: [conversationID], groupName: name };
    return this.#run(() =>
      inside ? this.#app.tim.addConversationsToGroup(options) : this.#app.tim.deleteConversationsFromGroup(options),
    );
  }

  /** Pins or unpins. */
  pin(c: Conversation, isPinned: boolean): Promise<boolean> {
    return this.#run(() => this.#app.tim.pinConversation({ conversationID: c.conversationID, isPinned }));
  }

  /** Mutes (AcceptNotNotify: no notification, left out of the unread total) or unmutes. */
  mute(c: Conversation, muted: boolean): Promise<boolean> {
    const T = this.#app.tim.TYPES;
    const messageRemindType = muted ? T.MSG_REMIND_ACPT_NOT_NOTE : T.MSG_REMIND_ACPT_AND_NOTE;
    const peer = peerOf(c.conversationID);
    const target = c.conversationID.startsWith(T.CONV_GROUP) ? { groupID: peer } : { userIDList: [peer] };
    return this.#run(() => this.#app.tim.setMessageRemindType({ ...target, messageRemindType }));
  }

  /** Marks unread (TIM's unread mark), or read: its messages read and the mark gone. */
  async markUnread(c: Conversation, unread: boolean): Promise<boolean> {
    const tim = this.#app.tim;
    const mark = (enableMark: boolean) =>
      tim.markConversation({ conversationIDList: [c.conversationID], markType: MARK_UNREAD, enableMark });
    if (unread) return this.#run(() => mark(true));
    return this.#run(async () => {
      if (isMarkedUnread(c)) await mark(false);
      if (c.unreadCount > 0) await tim.setMessageRead({ conversationID: c.conversationID });
    });
  }

  /** Opening a conversation marked unread takes the mark away (it has been looked at). */
  seen(c: Conversation | null): void {
    if (!c || !isMarkedUnread(c)) return;
    this.#app.tim
      .markConversation({ conversationIDList: [c.conversationID], markType: MARK_UNREAD, enableMark: false })
      .catch((e) => console.warn('clearing the unread mark failed', toImError(e)));
  }
}

export const foldersOf = perApp((app) => new Folders(app));
