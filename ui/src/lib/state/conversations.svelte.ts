import type { Conversation, Message, Profile } from '$lib/types';
import { EVENT, TYPES, type Tim } from '$lib/tim';
import { toImError } from '$lib/backend';
import { conversationName, peerOf, sortConversations } from './names';

/** The conversation list: sorted, unread counts, the open conversation. */
export class Conversations {
  list: Conversation[] = $state.raw([]);
  loaded = $state(false);
  activeID: string | null = $state(null);
  totalUnread = $state(0);
  query = $state('');

  /** The peer's profile of a new chat (fetched when it was started), for its provisional row. */
  newPeer: Profile | null = $state.raw(null);

  /**
   * Where each pinned conversation stands among the pinned (lower first):
   * the SDK's order when the list was read (most recently pinned first),
   * and a conversation pinned since goes above them all.
   */
  pinRank: Record<string, number> = $state.raw({});

  sorted: Conversation[] = $derived(sortConversations(this.list, this.pinRank));
  active: Conversation | null = $derived(this.list.find((c) => c.conversationID === this.activeID) ?? null);
  /**
   * The open chat while the server has no conversation for it yet (a new
   * chat before its first message): a row at the top of the list, replaced
   * by the real conversation once a message is sent, gone when left.
   */
  provisional: Conversation | null = $derived(
    this.activeID && !this.active ? provisionalConversation(this.activeID, this.newPeer) : null,
  );
  /** What the list shows, top to bottom: the provisional row, then the sorted conversations. */
  shown: Conversation[] = $derived(this.provisional ? [this.provisional, ...this.sorted] : this.sorted);
  filtered: Conversation[] = $derived(filterConversations(this.shown, this.query));

  #tim: Tim;
  /** The unread messages of the signed-in accounts in the background (the desktop badge adds them). */
  #elsewhere = 0;
  /** Counts resets: a list read for an earlier session is dropped when it arrives. */
  #session = 0;

  constructor(tim: Tim) {
    this.#tim = tim;
    tim.on(EVENT.CONVERSATION_LIST_UPDATED, (e) => this.merge(e.data));
    // A login may resolve before the SDK is ready (a long sync on a big
    // store); the list asked for then can be empty, so ask again when ready.
    tim.on(EVENT.SDK_READY, () => void this.load());
    tim.on(EVENT.TOTAL_UNREAD_MESSAGE_COUNT_UPDATED, (e) => this.#setTotal(e.data));
    tim.on(EVENT.MESSAGE_REVOKED, (e) => this.applyToLastMessage(e.data, (m) => ({ isRevoked: true, payload: m.payload })));
    tim.on(EVENT.MESSAGE_MODIFIED, (e) => this.applyToLastMessage(e.data, (m) => ({ payload: m.payload, type: m.type })));
  }

  /**
   * A revoke / modify of the message that is some conversation's
   * lastMessage changes its preview at once (the SDK's list update may
   * follow; it then simply replaces this).
   */
  applyToLastMessage(list: Message[], patch: (m: Message) => Partial<Conversation['lastMessage'] & object>): void {
    if (!Array.isArray(list) || list.length === 0) return;
    let changed = false;
    const next = this.list.map((c) => {
      const last = c.lastMessage;
      if (!last) return c;
      const m = list.find(
        (x) =>
          x.conversationID === c.conversationID &&
          x.from === last.fromAccount &&
          x.time === last.lastTime &&
          (!x.sequence || !last.lastSequence || x.sequence === last.lastSequence),
      );
      if (!m) return c;
      changed = true;
      return { ...c, lastMessage: { ...last, ...patch(m) } };
    });
    if (changed) this.list = next;
  }

  /**
   * Reads the list. Conversations that events brought meanwhile are kept,
   * unless `replace` (the local store was replaced: what it has is the list).
   */
  async load(replace = false): Promise<void> {
    const session = this.#session;
    try {
      const res = await this.#tim.getConversationList();
      // Signed out or switched to another account meanwhile: not this session's list.
      if (session !== this.#session) return;
      // Events that arrived meanwhile are newer than the snapshot.
      const seen = new Map(replace ? [] : this.list.map((c) => [c.conversationID, c]));
      this.list = res.data.conversationList.map((c) => seen.get(c.conversationID) ?? c);
      const rank: Record<string, number> = {};
      res.data.conversationList.forEach((c, i) => {
        if (c.isPinned) rank[c.conversationID] = i;
      });
      this.pinRank = rank;
      for (const c of seen.values()) if (!this.list.some((x) => x.conversationID === c.conversationID)) this.list = [...this.list, c];
      this.loaded = true;
      const total = await this.#tim.syncTotalUnreadMessageCount();
      if (session === this.#session) this.#setTotal(total);
    } catch (e) {
      console.warn('getConversationList failed', toImError(e));
      if (session === this.#session) this.loaded = true;
    }
  }

  merge(updated: Conversation[]): void {
    if (!Array.isArray(updated) || updated.length === 0) return;
    const byID = new Map(this.list.map((c) => [c.conversationID, c]));
    let rank = this.pinRank;
    for (const c of updated) {
      const before = byID.get(c.conversationID);
      if (c.isPinned && !before?.isPinned && !(c.conversationID in rank)) {
        rank = { ...rank, [c.conversationID]: Math.min(0, ...Object.values(rank)) - 1 };
      } else if (!c.isPinned && c.conversationID in rank) {
        rank = { ...rank };
        delete rank[c.conversationID];
      }
      byID.set(c.conversationID, c);
    }
    this.pinRank = rank;
    this.list = [...byID.values()];
  }

  #setTotal(count: number): void {
    if (typeof count !== 'number') return;
    this.totalUnread = count;
    this.#badge();
  }

  /**
   * The signed-in accounts in the background have `count` unread messages:
   * the desktop badge counts them too (the list and the rail do not).
   */
  setElsewhere(count: number): void {
    if (count === this.#elsewhere) return;
    this.#elsewhere = count;
    this.#badge();
  }

  /** The desktop badge: every signed-in account's unread messages. */
  #badge(): void {
    this.#tim.app.setUnreadBadge(this.totalUnread + this.#elsewhere).catch((e) => console.warn('setUnreadBadge failed', e));
  }

  /** Opens a conversation; `peer` is the profile of a new chat's peer (for its provisional row). */
  open(conversationID: string | null, peer: Profile | null = null): void {
    this.activeID = conversationID;
    this.newPeer = peer && conversationID === `${TYPES.CONV_C2C}${peer.userID}` ? peer : null;
  }

  /** Alt+Up / Alt+Down: the previous / next chat in list order. */
  step(delta: number): string | null {
    const ids = this.shown.map((c) => c.conversationID);
    if (ids.length === 0) return null;
    const i = this.activeID ? ids.indexOf(this.activeID) : -1;
    const next = i < 0 ? (delta > 0 ? 0 : ids.length - 1) : Math.min(ids.length - 1, Math.max(0, i + delta));
    this.activeID = ids[next];
    return this.activeID;
  }

  async remove(conversationID: string): Promise<void> {
    await this.#tim.deleteConversation(conversationID);
    this.list = this.list.filter((c) => c.conversationID !== conversationID);
    if (this.activeID === conversationID) this.activeID = null;
  }

  /** Clears a conversation's history for me (on every instance); it stays listed. */
  async clearHistory(conversationID: string): Promise<void> {
    await this.#tim.clearHistoryMessage(conversationID);
  }

  /** Marks every conversation read (TIM's READ_ALL_MSG) and takes the "unread" marks away. */
  async readAll(): Promise<void> {
    await this.#tim.setAllMessageRead({ scope: TYPES.READ_ALL_MSG });
    const marked = this.list.filter((c) => c.markList.includes(TYPES.CONV_MARK_TYPE_UNREAD)).map((c) => c.conversationID);
    // markConversation takes at most 100 conversations per call.
    for (let i = 0; i < marked.length; i += 100) {
      await this.#tim.markConversation({ conversationIDList: marked.slice(i, i + 100), markType: TYPES.CONV_MARK_TYPE_UNREAD, enableMark: false });
    }
  }

  nameOf(conversationID: string): string {
    const c = this.list.find((x) => x.conversationID === conversationID);
    return c ? conversationName(c) : peerOf(conversationID);
  }

  reset(): void {
    this.#session++;
    this.list = [];
    this.loaded = false;
    this.activeID = null;
    this.newPeer = null;
    this.totalUnread = 0;
    this.query = '';
    this.pinRank = {};
  }
}

/** The row of a chat the server does not know yet: no message, nothing unread. */
export function provisionalConversation(conversationID: string, peer: Profile | null): Conversation {
  const group = conversationID.startsWith(TYPES.CONV_GROUP);
  return {
    conversationID,
    type: group ? TYPES.CONV_GROUP : TYPES.CONV_C2C,
    unreadCount: 0,
    lastMessage: null,
    groupProfile: null,
    userProfile: peer,
    groupAtInfoList: [],
    remark: '',
    isPinned: false,
    messageRemindType: TYPES.MSG_REMIND_ACPT_AND_NOTE,
    markList: [],
    customData: '',
    conversationGroupList: [],
  };
}

export function filterConversations(list: Conversation[], query: string): Conversation[] {
  const q = query.trim().toLowerCase();
  if (!q) return list;
  return list.filter(
    (c) => conversationName(c).toLowerCase().includes(q) || peerOf(c.conversationID).toLowerCase().includes(q),
  );
}
