// My communities with topics (TIM 社群/话题) in the app: the communities I
// am in (getJoinedCommunityList, then GROUP_LIST_UPDATED, which carries
// the whole group list), each one's topics (getTopicList when it opens,
// then TOPIC_CREATED / TOPIC_DELETED / TOPIC_UPDATED; TOPIC_UPDATED also
// carries my unread count and last message in a topic), the calls that
// change them (create, edit, delete, mute a topic), and what the
// communities view shows (open or not, the selected community, the open
// topic, its dialogs). One `Communities` per AppModel, through
// `communitiesOf(app)`.
//
// Invariants: a topic's conversation is `GROUP<topicID>`, outside the
// conversation list and its total; getTopicList is limited to 10 calls a
// second per user (2996), so it is called once per community (when it
// opens, or among the first PREFETCH at sign-in for the rail's badge) and
// the events keep the lists after. Lists are replaced, never mutated (the
// facade hands out objects it may change in place).
import type { GroupProfile, ImError, Topic } from '$lib/types';
import { EVENT, TYPES } from '$lib/tim';
import { toImError } from '$lib/backend';
import type { AppModel } from './app.svelte';
import { perApp } from './per-app.svelte';

/** How many communities' topics are read at sign-in (under the 10 calls a second of getTopicList). */
export const PREFETCH = 8;

/** A topic's conversation ID. */
export const topicConversationID = (topicID: string) => `${TYPES.CONV_GROUP}${topicID}`;

/** Whether a topic is muted for me (its messages arrive without a notification, its unread pill grey). */
export function isTopicMuted(t: Pick<Topic, 'selfInfo'>): boolean {
  return t.selfInfo.messageRemindType !== TYPES.MSG_REMIND_ACPT_AND_NOTE;
}

/** Whether I may make, edit and delete a community's topics (its owner or an admin). */
export function canManageTopics(g: Pick<GroupProfile, 'selfInfo' | 'ownerID'>, userID: string | null): boolean {
  const role = g.selfInfo?.role;
  if (role) return role === TYPES.GRP_MBR_ROLE_OWNER || role === TYPES.GRP_MBR_ROLE_ADMIN;
  return !!userID && g.ownerID === userID;
}

/** The communities with topics among a group list. */
export function communitiesIn(groups: GroupProfile[]): GroupProfile[] {
  return groups.filter((g) => g.type === TYPES.GRP_COMMUNITY && g.isSupportTopic);
}

/** My unread messages in these topics, the muted ones left out (as muted chats leave the total). */
export function unreadOf(topics: Iterable<Topic>): number {
  let n = 0;
  for (const t of topics) if (!isTopicMuted(t)) n += t.unreadCount;
  return n;
}

/** What a topic dialog edits. */
export interface TopicFields {
  topicName: string;
  notification: string;
  introduction: string;
  /** Edit only: everyone but the owner and admins is muted in the topic. */
  muteAllMembers?: boolean;
}

/** The open dialog of the view (IDs, never objects: the topic may change or go meanwhile). */
export type TopicDialog =
  | { kind: 'create'; groupID: string }
  | { kind: 'edit'; groupID: string; topicID: string }
  | { kind: 'delete'; groupID: string; topicID: string }
  | null;

/** A topic as just made here (TOPIC_UPDATED and getTopicList replace it with the SDK's). */
function madeTopic(topicID: string, f: TopicFields): Topic {
  return {
    topicID,
    topicName: f.topicName,
    avatar: '',
    introduction: f.introduction,
    notification: f.notification,
    unreadCount: 0,
    muteAllMembers: false,
    customData: '',
    groupAtInfoList: [],
    lastMessage: null,
    selfInfo: { muteUntil: 0, readSequence: 0, messageRemindType: TYPES.MSG_REMIND_ACPT_AND_NOTE },
  };
}

/** Replaces (or adds) one topic of a list, keeping the order. */
function withTopic(list: Topic[], topic: Topic): Topic[] {
  const i = list.findIndex((t) => t.topicID === topic.topicID);
  return i < 0 ? [...list, topic] : list.map((t, j) => (j === i ? topic : t));
}

/** My communities and their topics, and the communities view. */
export class Communities {
  /** The communities view is shown in place of the chats. */
  open = $state(false);
  /** My communities with topics, in the SDK's order. */
  list: GroupProfile[] = $state.raw([]);
  loaded = $state(false);
  /** The topics known per community (all of them once `topicsLoaded` has it; else those the events told of). */
  topics: Record<string, Topic[]> = $state.raw({});
  /** The communities whose whole topic list has been read. */
  topicsLoaded: ReadonlySet<string> = $state.raw(new Set());
  /** Why a community's topic list could not be read. */
  topicErrors: Record<string, ImError> = $state.raw({});
  /** The community picked in the view (else the first). */
  selectedID: string | null = $state(null);
  /** The open topic (its chat in the chat pane while the view is shown). */
  topicID: string | null = $state(null);
  dialog: TopicDialog = $state.raw(null);
  /** A call in flight. */
  busy = $state(false);
  /** The last call's failure (shown by the dialog, or in the list). */
  error: ImError | null = $state.raw(null);
  /** Whether `error` is a mute / unmute's (its words differ: any member may mute). */
  muteFailed = $state(false);

  /** The community the view shows. */
  selected: GroupProfile | null = $derived(this.list.find((g) => g.groupID === this.selectedID) ?? this.list[0] ?? null);
  /** The selected community's topics. */
  selectedTopics: Topic[] = $derived(this.selected ? (this.topics[this.selected.groupID] ?? []) : []);
  /** The open topic, while it exists. */
  activeTopic: Topic | null = $derived(this.topicID ? this.topicOf(this.topicID) : null);
  /** The rail's badge: my unread messages in every known topic (muted ones left out). */
  totalUnread: number = $derived(unreadOf(Object.values(this.topics).flat()));

  #app: AppModel;
  #loading: Promise<void> | null = null;
  #topicLoads = new Map<string, Promise<void>>();
  /** Topics told of by TOPIC_CREATED, read together once the current task ends. */
  #created = new Map<string, Set<string>>();
  #seq = 0;

  constructor(app: AppModel) {
    this.#app = app;
    const tim = app.tim;
    tim.on(EVENT.GROUP_LIST_UPDATED, (e) => {
      if (Array.isArray(e.data)) this.#takeCommunities(communitiesIn(e.data), true);
    });
    tim.on(EVENT.TOPIC_CREATED, (e) => this.#topicCreated(e.data.groupID, e.data.topicID));
    tim.on(EVENT.TOPIC_DELETED, (e) => this.#removeTopics(e.data.groupID, e.data.topicIDList));
    tim.on(EVENT.TOPIC_UPDATED, (e) => {
      if (!e.data?.topic) return;
      this.#putTopic(e.data.groupID, e.data.topic);
      // A message that arrives in the open topic while it is on screen is read.
      if (e.data.topic.topicID === this.topicID) this.#app.markReadIfVisible();
    });
    tim.on(EVENT.SDK_READY, () => void this.load(true));
    tim.on(EVENT.SDK_NOT_READY, () => this.reset());
    app.useTopics({
      shown: () => {
        if (!this.open) return null;
        const t = this.activeTopic;
        return { conversationID: t ? topicConversationID(t.topicID) : null, unreadCount: t?.unreadCount ?? 0 };
      },
      remindType: (conversationID) => {
        if (!conversationID.startsWith(TYPES.CONV_GROUP)) return null;
        const t = this.topicOf(conversationID.slice(TYPES.CONV_GROUP.length));
        return t ? t.selfInfo.messageRemindType : null;
      },
      openTopic: (conversationID) => {
        if (!conversationID.startsWith(TYPES.CONV_GROUP)) return false;
        const topicID = conversationID.slice(TYPES.CONV_GROUP.length);
        const community = this.communityOf(topicID);
        if (!community) return false;
        this.openTopic(community.groupID, topicID);
        return true;
      },
      hide: () => this.show(false),
    });
  }

  /** A known topic by its ID. */
  topicOf(topicID: string): Topic | null {
    for (const list of Object.values(this.topics)) {
      const t = list.find((x) => x.topicID === topicID);
      if (t) return t;
    }
    return null;
  }

  /** The community a known topic is in. */
  communityOf(topicID: string): GroupProfile | null {
    for (const [groupID, list] of Object.entries(this.topics)) {
      if (list.some((t) => t.topicID === topicID)) return this.list.find((g) => g.groupID === groupID) ?? null;
    }
    return null;
  }

  /** My unread messages in a community's known topics (muted ones left out). */
  unreadIn(groupID: string): number {
    return unreadOf(this.topics[groupID] ?? []);
  }

  /** Whether I may make, edit and delete this community's topics. */
  canManage(groupID: string): boolean {
    const g = this.list.find((x) => x.groupID === groupID);
    return !!g && canManageTopics(g, this.#app.session.userID);
  }

  /** Reads my communities (once; `force` again), then the topics of the first PREFETCH. */
  load(force = false): Promise<void> {
    if (this.#loading) return this.#loading;
    if (this.loaded && !force) return Promise.resolve();
    const seq = this.#seq;
    this.#loading = (async () => {
      try {
        const res = await this.#app.tim.getJoinedCommunityList();
        if (seq !== this.#seq) return;
        this.#takeCommunities(communitiesIn(res.data.groupList), false);
        this.loaded = true;
        await Promise.all(this.list.slice(0, PREFETCH).map((g) => this.loadTopics(g.groupID)));
      } catch (e) {
        console.warn('getJoinedCommunityList failed', toImError(e));
        if (seq === this.#seq) this.loaded = true;
      } finally {
        this.#loading = null;
      }
    })();
    return this.#loading;
  }

  /** Reads a community's whole topic list (once; `force`, e.g. Retry, again). */
  loadTopics(groupID: string, force = false): Promise<void> {
    const running = this.#topicLoads.get(groupID);
    if (running) return running;
    if (!force && this.topicsLoaded.has(groupID)) return Promise.resolve();
    const seq = this.#seq;
    const work = (async () => {
      try {
        const res = await this.#app.tim.getTopicList({ groupID });
        if (seq !== this.#seq || !this.list.some((g) => g.groupID === groupID)) return;
        // Topics an event told of meanwhile are newer than the list.
        const known = new Map((this.topics[groupID] ?? []).map((t) => [t.topicID, t]));
        const fresh = res.data.successTopicList.map((t) => ({ ...t, ...(known.get(t.topicID) ?? {}) }));
        this.topics = { ...this.topics, [groupID]: fresh };
        this.topicsLoaded = new Set([...this.topicsLoaded, groupID]);
        this.#clearError(groupID);
      } catch (e) {
        if (seq === this.#seq) this.topicErrors = { ...this.topicErrors, [groupID]: toImError(e) };
      } finally {
        this.#topicLoads.delete(groupID);
      }
    })();
    this.#topicLoads.set(groupID, work);
    return work;
  }

  /** Shows (or leaves) the communities view. */
  show(open: boolean): void {
    this.open = open;
    // Back on screen, the open topic is read if its newest message shows.
    if (open) this.#app.markReadIfVisible();
  }

  /** Picks a community in the view; its topics are read if they never were. */
  select(groupID: string): void {
    if (this.selectedID === groupID && this.selected?.groupID === groupID) return;
    this.selectedID = groupID;
    void this.loadTopics(groupID);
  }

  /** Opens a topic's chat: its history at once, read when its newest message shows. */
  openTopic(groupID: string, topicID: string): void {
    this.selectedID = groupID;
    this.topicID = topicID;
    this.open = true;
    const t = this.topicOf(topicID);
    this.#app.loadChat(topicConversationID(topicID), t?.unreadCount ?? 0);
    this.#app.markReadIfVisible();
  }

  /** A community made here: listed at once, shown in the view (its topics come next). */
  created(group: GroupProfile): void {
    if (!this.list.some((g) => g.groupID === group.groupID)) {
      // The creator owns it (the creation answer has no selfInfo).
      const mine: GroupProfile = group.selfInfo ? group : { ...group, selfInfo: { role: 'Owner', joinTime: group.createTime, nameCard: '', readSequence: 0 } };
      this.list = [...this.list, mine];
    }
    this.topics = { ...this.topics, [group.groupID]: this.topics[group.groupID] ?? [] };
    this.topicsLoaded = new Set([...this.topicsLoaded, group.groupID]);
    this.selectedID = group.groupID;
    this.topicID = null;
    this.show(true);
  }

  openDialog(dialog: TopicDialog): void {
    this.error = null;
    this.dialog = dialog;
  }

  closeDialog(): void {
    this.dialog = null;
    this.error = null;
    this.muteFailed = false;
  }

  /** Makes a topic (owner and admins; else 10007) and opens it. False, with `error`, when refused. */
  async createTopic(groupID: string, f: TopicFields): Promise<boolean> {
    return this.#run(async () => {
      const fields = { topicName: f.topicName.trim(), notification: f.notification.trim(), introduction: f.introduction.trim() };
      const res = await this.#app.tim.createTopicInCommunity({ groupID, ...fields });
      const topicID = res.data.topicID;
      if (!this.topicOf(topicID)) this.#putTopic(groupID, madeTopic(topicID, fields));
      this.closeDialog();
      this.openTopic(groupID, topicID);
    });
  }

  /** Changes a topic's profile (the fields that differ). False, with `error`, when refused. */
  async updateTopic(groupID: string, topicID: string, f: TopicFields): Promise<boolean> {
    const before = this.topicOf(topicID);
    const patch: Partial<TopicFields> = {};
    const name = f.topicName.trim();
    if (!before || name !== before.topicName) patch.topicName = name;
    if (!before || f.notification.trim() !== before.notification) patch.notification = f.notification.trim();
    if (!before || f.introduction.trim() !== before.introduction) patch.introduction = f.introduction.trim();
    if (f.muteAllMembers !== undefined && (!before || f.muteAllMembers !== before.muteAllMembers)) patch.muteAllMembers = f.muteAllMembers;
    return this.#run(async () => {
      if (Object.keys(patch).length > 0) {
        const res = await this.#app.tim.updateTopicProfile({ groupID, topicID, ...patch });
        this.#putTopic(groupID, { ...res.data.topic });
      }
      this.closeDialog();
    });
  }

  /** Deletes a topic (owner and admins). False, with `error`, when refused. */
  async deleteTopic(groupID: string, topicID: string): Promise<boolean> {
    return this.#run(async () => {
      const res = await this.#app.tim.deleteTopicFromCommunity({ groupID, topicIDList: [topicID] });
      const failed = res.data.failureTopicList.find((x) => x.topicID === topicID);
      if (failed) throw { code: failed.code, message: failed.message };
      this.#removeTopics(groupID, [topicID]);
      this.closeDialog();
    });
  }

  /** Mutes (or unmutes) a topic for me: its messages still arrive, without a notification. */
  async setMuted(groupID: string, topicID: string, muted: boolean): Promise<boolean> {
    const messageRemindType = muted ? TYPES.MSG_REMIND_ACPT_NOT_NOTE : TYPES.MSG_REMIND_ACPT_AND_NOTE;
    const ok = await this.#run(async () => {
      await this.#app.tim.setMessageRemindType({ groupID: topicID, messageRemindType });
      const t = this.topicOf(topicID);
      if (t) this.#putTopic(groupID, { ...t, selfInfo: { ...t.selfInfo, messageRemindType } });
    });
    this.muteFailed = !ok;
    return ok;
  }

  reset(): void {
    this.#seq++;
    this.open = false;
    this.list = [];
    this.loaded = false;
    this.topics = {};
    this.topicsLoaded = new Set();
    this.topicErrors = {};
    this.selectedID = null;
    this.topicID = null;
    this.dialog = null;
    this.busy = false;
    this.error = null;
    this.muteFailed = false;
    this.#created.clear();
  }

  async #run(work: () => Promise<void>): Promise<boolean> {
    this.error = null;
    this.muteFailed = false;
    this.busy = true;
    try {
      await work();
      return true;
    } catch (e) {
      this.error = toImError(e);
      return false;
    } finally {
      this.busy = false;
    }
  }

  /**
   * A new community list (from the SDK): the topics of communities I left
   * go; a community that appears after the first load (joined, made
   * elsewhere) has its topics read.
   */
  #takeCommunities(list: GroupProfile[], fromEvent: boolean): void {
    const before = new Set(this.list.map((g) => g.groupID));
    this.list = list;
    const ids = new Set(list.map((g) => g.groupID));
    if (Object.keys(this.topics).some((id) => !ids.has(id))) {
      this.topics = Object.fromEntries(Object.entries(this.topics).filter(([id]) => ids.has(id)));
      this.topicsLoaded = new Set([...this.topicsLoaded].filter((id) => ids.has(id)));
    }
    if (this.topicID && !this.topicOf(this.topicID)) this.topicID = null;
    if (fromEvent && this.loaded) {
      for (const g of list) if (!before.has(g.groupID)) void this.loadTopics(g.groupID);
    }
  }

  #putTopic(groupID: string, topic: Topic): void {
    this.topics = { ...this.topics, [groupID]: withTopic(this.topics[groupID] ?? [], topic) };
  }

  #removeTopics(groupID: string, topicIDList: string[]): void {
    if (!Array.isArray(topicIDList) || topicIDList.length === 0) return;
    const list = this.topics[groupID];
    if (list) this.topics = { ...this.topics, [groupID]: list.filter((t) => !topicIDList.includes(t.topicID)) };
    if (this.topicID && topicIDList.includes(this.topicID)) this.topicID = null;
    const d = this.dialog;
    if (d && d.kind !== 'create' && topicIDList.includes(d.topicID)) this.closeDialog();
  }

  #clearError(groupID: string): void {
    if (!(groupID in this.topicErrors)) return;
    const next = { ...this.topicErrors };
    delete next[groupID];
    this.topicErrors = next;
  }

  /**
   * TOPIC_CREATED names the topic only: a community whose list was read
   * reads the new topics, those of one burst of events in one call.
   */
  #topicCreated(groupID: string, topicID: string): void {
    if (!this.topicsLoaded.has(groupID) || this.topicOf(topicID)) return;
    const pending = this.#created.get(groupID);
    if (pending) {
      pending.add(topicID);
      return;
    }
    this.#created.set(groupID, new Set([topicID]));
    const seq = this.#seq;
    queueMicrotask(async () => {
      const ids = [...(this.#created.get(groupID) ?? [])].filter((id) => !this.topicOf(id));
      this.#created.delete(groupID);
      if (ids.length === 0 || seq !== this.#seq) return;
      try {
        const res = await this.#app.tim.getTopicList({ groupID, topicIDList: ids });
        if (seq !== this.#seq) return;
        for (const t of res.data.successTopicList) if (!this.topicOf(t.topicID)) this.#putTopic(groupID, t);
      } catch (e) {
        console.warn('getTopicList failed', toImError(e));
      }
    });
  }
}

/** The `Communities` of an app (made on first use). */
export const communitiesOf = perApp((app) => new Communities(app));
