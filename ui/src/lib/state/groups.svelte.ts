// The group side of the app state (issue 13): the member lists of the
// groups shown (names for tips and bubbles, the @ list, my role), and the
// create / join dialogs with their work (createGroup, searchGroupByID,
// joinGroup). One `Groups` per AppModel, reached through `groupsOf(app)`.
import { SvelteMap } from 'svelte/reactivity';
import type { GroupMember, GroupProfile, GroupType, ImError, JoinOption, JoinStatus } from '$lib/types';
import { EVENT, TYPES, type Tim } from '$lib/tim';
import { toImError } from '$lib/backend';
import type { AppModel } from './app.svelte';
import { perApp } from './per-app.svelte';
import { memberName, parseUserIDs, type GroupKindKey } from './group-text';
import { memberGroupOf, peerOf } from './names';
import { communitiesOf } from './communities.svelte';

export type GroupDialog = 'create' | 'join' | null;

/** What the create dialog sends. */
export interface NewGroup {
  name: string;
  type: GroupType;
  groupID: string;
  members: string[];
  joinOption: JoinOption;
  /** A Community with topics (`isSupportTopic`). */
  topics?: boolean;
}

/** The members of groups, the group dialogs. */
export class Groups {
  /** The open group dialog. */
  dialog: GroupDialog = $state(null);
  /** The kind the create dialog starts with. */
  createKind: GroupKindKey = $state('work');
  busy = $state(false);
  error: ImError | null = $state.raw(null);
  /** The join dialog's found group, and what joining it gave. */
  found: GroupProfile | null = $state.raw(null);
  joinStatus: JoinStatus | null = $state(null);

  #members = new SvelteMap<string, GroupMember[]>();
  #profiles = new SvelteMap<string, GroupProfile>();
  /** Names of members seen before (`groupID\nuserID`), so that tips about those who left still name them. */
  #former = new SvelteMap<string, string>();
  #loading = new Map<string, Promise<void>>();
  /** Counts resets: what is read for an earlier session (another account) is dropped. */
  #session = 0;
  #app: AppModel;

  constructor(app: AppModel) {
    this.#app = app;
    const tim = app.tim;
    // A tip (join, quit, kick, role or card change) changes the member list: read it again.
    tim.on(EVENT.MESSAGE_RECEIVED, (e) => {
      if (!Array.isArray(e.data)) return;
      for (const m of e.data) {
        const id = memberGroupOf(peerOf(m.conversationID));
        if (m.type === TYPES.MSG_GRP_TIP && this.#members.has(id)) void this.loadMembers(id, true);
      }
    });
    // Another session (a sign-out, a kick) must not see this one's groups.
    tim.on(EVENT.SDK_NOT_READY, () => this.reset());
    tim.on(EVENT.GROUP_LIST_UPDATED, (e) => {
      if (Array.isArray(e.data)) for (const g of e.data) this.#profiles.set(g.groupID, g);
      for (const id of [...this.#members.keys()]) void this.loadMembers(id, true);
    });
  }

  get #tim(): Tim {
    return this.#app.tim;
  }

  /** The loaded members of a group (undefined until loaded); a topic's are its community's. */
  members(groupID: string): GroupMember[] | undefined {
    return this.#members.get(memberGroupOf(groupID));
  }

  /** Loads every member of a group (pages of 100); `force` reads them again. A topic's are its community's. */
  loadMembers(topicOrGroupID: string, force = false): Promise<void> {
    const groupID = memberGroupOf(topicOrGroupID);
    const running = this.#loading.get(groupID);
    if (running) return running;
    if (!force && this.#members.has(groupID)) return Promise.resolve();
    const session = this.#session;
    const work = (async () => {
      try {
        const all: GroupMember[] = [];
        let offset: number | string = 0;
        for (let page = 0; page < 100; page++) {
          const res = await this.#tim.getGroupMemberList({ groupID, count: 100, offset });
          all.push(...res.data.memberList);
          offset = res.data.offset;
          // The end: 0, or "0" for a Community (its offsets are strings).
          if (!offset || offset === '0' || res.data.memberList.length === 0) break;
        }
        if (session !== this.#session) return;
        for (const m of this.#members.get(groupID) ?? []) {
          if (!all.some((x) => x.userID === m.userID)) this.#former.set(`${groupID}\n${m.userID}`, memberName(m));
        }
        this.#members.set(groupID, all);
      } catch (e) {
        console.warn('getGroupMemberList failed', toImError(e));
      } finally {
        // After a reset the entry (if any) is a newer session's read.
        if (session === this.#session) this.#loading.delete(groupID);
      }
    })();
    this.#loading.set(groupID, work);
    return work;
  }

  /** The group's profile as last read (undefined until read). */
  profile(groupID: string): GroupProfile | undefined {
    return this.#profiles.get(groupID);
  }

  #wanted = new Set<string>();

  /** Reads a group's profile once (a list row whose conversation has none yet). */
  wantProfile(groupID: string): Promise<void> {
    if (this.#wanted.has(groupID) || this.#profiles.has(groupID)) return Promise.resolve();
    this.#wanted.add(groupID);
    return this.loadProfile(groupID);
  }

  /** Reads a group's profile (for a chat header whose conversation has none yet). */
  async loadProfile(groupID: string): Promise<void> {
    const session = this.#session;
    try {
      const res = await this.#tim.getGroupProfile({ groupID });
      if (session === this.#session) this.#profiles.set(groupID, res.data.group);
    } catch (e) {
      console.warn('getGroupProfile failed', toImError(e));
    }
  }

  /** A user's name in a group (name card > nick > user ID), "You" for me. */
  nameOf(topicOrGroupID: string, userID: string): string {
    const groupID = memberGroupOf(topicOrGroupID);
    if (userID && userID === this.#app.session.userID) return this.#app.i18n.t('groups.you');
    const m = this.#members.get(groupID)?.find((x) => x.userID === userID);
    return m ? memberName(m) : (this.#former.get(`${groupID}\n${userID}`) ?? userID);
  }

  /** My role in a group, when its members are loaded. */
  myRole(groupID: string): string | null {
    const me = this.#app.session.userID;
    return this.#members.get(memberGroupOf(groupID))?.find((x) => x.userID === me)?.role ?? null;
  }

  /** Opens a dialog; the create dialog starts with `kind` picked. */
  open(dialog: GroupDialog, kind: GroupKindKey = 'work'): void {
    this.createKind = kind;
    this.error = null;
    this.found = null;
    this.joinStatus = null;
    this.dialog = dialog;
  }

  close(): void {
    this.dialog = null;
    this.error = null;
    this.found = null;
    this.joinStatus = null;
  }

  /** Creates the group and opens it; false (with `error`) when refused. */
  async create(g: NewGroup): Promise<boolean> {
    this.error = null;
    this.busy = true;
    try {
      const members = parseUserIDs(g.members.join(' '), this.#app.session.userID);
      const res = await this.#tim.createGroup({
        name: g.name.trim(),
        type: g.type,
        ...(g.groupID.trim() ? { groupID: g.groupID.trim() } : {}),
        ...(g.type === TYPES.GRP_PUBLIC || g.type === TYPES.GRP_COMMUNITY ? { joinOption: g.joinOption } : {}),
        // AVChatRooms take no initial members.
        ...(g.type !== TYPES.GRP_AVCHATROOM && members.length ? { memberList: members.map((userID) => ({ userID })) } : {}),
        ...(g.topics && g.type === TYPES.GRP_COMMUNITY ? { isSupportTopic: true } : {}),
      });
      this.#profiles.set(res.data.group.groupID, res.data.group);
      this.close();
      if (res.data.group.isSupportTopic) {
        // Its messages go into topics (the community itself takes none, 2115): its view opens.
        communitiesOf(this.#app).created(res.data.group);
      } else {
        this.#app.openConversation(`${TYPES.CONV_GROUP}${res.data.group.groupID}`);
      }
      void this.#app.conversations.load();
      return true;
    } catch (e) {
      this.error = toImError(e);
      return false;
    } finally {
      this.busy = false;
    }
  }

  /** Looks a group up by ID (the join dialog). */
  async search(groupID: string): Promise<void> {
    this.error = null;
    this.found = null;
    this.joinStatus = null;
    const id = groupID.trim();
    if (!id) return;
    this.busy = true;
    try {
      const res = await this.#tim.searchGroupByID(id);
      this.found = res.data.group;
    } catch (e) {
      this.error = toImError(e);
    } finally {
      this.busy = false;
    }
  }

  /** Joins the found group: joined or already in → opens it; waiting → says so. */
  async join(applyMessage = ''): Promise<void> {
    const g = this.found;
    if (!g) return;
    this.error = null;
    this.busy = true;
    try {
      const res = await this.#tim.joinGroup({ groupID: g.groupID, applyMessage });
      this.joinStatus = res.data.status;
      if (res.data.group) this.#profiles.set(g.groupID, res.data.group);
      if (res.data.status !== TYPES.JOIN_STATUS_WAIT_APPROVAL) void this.#app.conversations.load();
    } catch (e) {
      this.error = toImError(e);
    } finally {
      this.busy = false;
    }
  }

  /** Opens the found group's conversation (after joining). */
  openFound(): void {
    const g = this.found;
    if (!g) return;
    this.close();
    this.#app.openConversation(`${TYPES.CONV_GROUP}${g.groupID}`);
  }

  reset(): void {
    this.#session++;
    this.#loading.clear();
    this.#members.clear();
    this.#profiles.clear();
    this.#former.clear();
    this.#wanted.clear();
    this.close();
  }
}

/** The `Groups` of an app (made on first use). */
export const groupsOf = perApp((app) => new Groups(app));
