// My contacts in the app (issue 14): friends, friend groups and friend
// requests, kept from getFriendList / getFriendGroupList /
// getFriendApplicationList and the three events that carry each whole
// list (FRIEND_LIST_UPDATED, FRIEND_GROUP_LIST_UPDATED,
// FRIEND_APPLICATION_LIST_UPDATED), with the calls that change them. Also
// what the contacts view shows (open or not, the search, the selection).
// One `Friends` per AppModel, reached through `friendsOf(app)`.
import type { Friend, FriendApplication, FriendApplicationList, FriendGroup, ImError } from '$lib/types';
import { EVENT } from '$lib/tim';
import { toImError } from '$lib/backend';
import type { AppModel } from './app.svelte';
import { perApp } from './per-app.svelte';

/** The name a friend goes by: my remark, else their nick, else their userID. */
export function friendName(f: Pick<Friend, 'userID' | 'remark'> & { profile?: { nick?: string } | null }): string {
  return f.remark || f.profile?.nick || f.userID;
}

/** Whether a friend's userID, nick or remark holds `query` (case-insensitive; empty: all). */
export function matchesFriend(f: Friend, query: string): boolean {
  const q = query.trim().toLowerCase();
  if (!q) return true;
  return [f.userID, f.profile?.nick ?? '', f.remark].some((s) => s.toLowerCase().includes(q));
}

/** One heading of the friend list: a friend group (`name`), or the ungrouped friends (`name` null). */
export interface FriendSection {
  name: string | null;
  friends: Friend[];
}

/**
 * The friend list under its headings: each friend group in its order (a
 * friend in several groups under each), then the friends in none. With a
 * query, only matching friends, and no empty headings; without one, empty
 * groups stay (so they can be filled) and an empty "ungrouped" goes.
 */
export function groupFriends(friends: Friend[], groups: FriendGroup[], query = ''): FriendSection[] {
  const shown = friends.filter((f) => matchesFriend(f, query));
  const byID = new Map(shown.map((f) => [f.userID, f]));
  const grouped = new Set<string>();
  const sections: FriendSection[] = [];
  for (const g of groups) {
    const members = g.userIDList.map((id) => byID.get(id)).filter((f): f is Friend => f !== undefined);
    for (const id of g.userIDList) grouped.add(id);
    if (members.length > 0 || !query.trim()) sections.push({ name: g.name, friends: members });
  }
  const rest = shown.filter((f) => !grouped.has(f.userID));
  if (rest.length > 0) sections.push({ name: null, friends: rest });
  return sections;
}

/** What the right-hand side of the contacts view shows. */
export type ContactsSelection = { kind: 'friend'; userID: string } | { kind: 'requests' } | { kind: 'blocked' } | null;

/** The contacts view's open dialog. */
export type FriendsDialog =
  | { kind: 'add' }
  | { kind: 'createGroup' }
  | { kind: 'renameGroup'; name: string }
  | { kind: 'deleteGroup'; name: string }
  | null;

/** How an addFriend ended: added at once (0), a request waits (30539), or refused. */
export type AddOutcome = { userID: string; code: number; error?: ImError };

/** The code addFriend's data carries when a request now waits for the other user. */
export const REQUEST_SENT = 30539;

/** My friends, friend groups and friend requests, and the calls that change them. */
export class Friends {
  /** The contacts view is shown in place of the chats. */
  open = $state(false);
  /** The search box of the friend list. */
  query = $state('');
  selected: ContactsSelection = $state.raw(null);
  dialog: FriendsDialog = $state.raw(null);
  /** Friends, in the order added. */
  list: Friend[] = $state.raw([]);
  /** Friend groups, in the order made. */
  groups: FriendGroup[] = $state.raw([]);
  /** Requests to and by me, newest first. */
  applications: FriendApplication[] = $state.raw([]);
  /** Unread requests to me (the rail's badge). */
  unreadCount = $state(0);
  loaded = $state(false);
  /** A call in flight. */
  busy = $state(false);
  /** The last call's failure. */
  error: ImError | null = $state.raw(null);
  #app: AppModel;
  #loading: Promise<void> | null = null;
  /** Counts resets: lists read for an earlier session (another account) are dropped. */
  #session = 0;

  constructor(app: AppModel) {
    this.#app = app;
    const tim = app.tim;
    tim.on(EVENT.FRIEND_LIST_UPDATED, (e) => {
      if (Array.isArray(e.data)) this.list = e.data;
    });
    tim.on(EVENT.FRIEND_GROUP_LIST_UPDATED, (e) => {
      if (Array.isArray(e.data)) this.groups = e.data;
    });
    tim.on(EVENT.FRIEND_APPLICATION_LIST_UPDATED, (e) => {
      const data = e.data as FriendApplicationList | undefined;
      if (!data || !Array.isArray(data.friendApplicationList)) return;
      this.#takeApplications(data);
      // A request that arrives while the requests are on screen is read.
      if (this.open && this.selected?.kind === 'requests') void this.markRead();
    });
    tim.on(EVENT.SDK_READY, () => void this.load(true));
    tim.on(EVENT.SDK_NOT_READY, () => this.reset());
  }

  /** The friend list under its headings, filtered by the search. */
  get sections(): FriendSection[] {
    return groupFriends(this.list, this.groups, this.query);
  }

  /** Requests to me. */
  get incoming(): FriendApplication[] {
    return this.applications.filter((a) => a.type === 'Pendency_Type_ComeIn');
  }

  /** Requests I sent that wait. */
  get outgoing(): FriendApplication[] {
    return this.applications.filter((a) => a.type === 'Pendency_Type_SendOut');
  }

  /** The friend `userID`, if one. */
  friend(userID: string): Friend | undefined {
    return this.list.find((f) => f.userID === userID);
  }

  /** Reads the three lists (once, unless `force`). */
  load(force = false): Promise<void> {
    if (this.loaded && !force) return Promise.resolve();
    if (!this.#loading) {
      const loading = this.#load().finally(() => {
        if (this.#loading === loading) this.#loading = null;
      });
      this.#loading = loading;
    }
    return this.#loading;
  }

  async #load(): Promise<void> {
    const tim = this.#app.tim;
    const session = this.#session;
    try {
      const [friends, groups, applications] = await Promise.all([
        tim.getFriendList(),
        tim.getFriendGroupList(),
        tim.getFriendApplicationList(),
      ]);
      if (session !== this.#session) return;
      this.list = friends.data;
      this.groups = groups.data;
      this.#takeApplications(applications.data);
      this.loaded = true;
    } catch (e) {
      if (session === this.#session) this.error = toImError(e);
    }
  }

  #takeApplications(data: FriendApplicationList): void {
    this.applications = data.friendApplicationList;
    this.unreadCount = data.unreadCount;
  }

  /** Shows the contacts view (or the chats). */
  show(open: boolean): void {
    this.open = open;
    if (open) void this.load();
  }

  /** Shows a friend, the requests or the blocked users on the right. */
  select(selection: ContactsSelection): void {
    this.selected = selection;
    this.error = null;
    if (selection?.kind === 'requests') void this.markRead();
  }

  /** Marks every request to me read (the badge clears). */
  async markRead(): Promise<void> {
    if (this.unreadCount === 0) return;
    try {
      await this.#app.tim.setFriendApplicationRead();
      this.unreadCount = 0;
    } catch (e) {
      this.error = toImError(e);
    }
  }

  /** Asks `to` to be a friend; says whether they were added, a request was sent, or why not. */
  async add(options: { to: string; wording?: string; remark?: string; groupName?: string }): Promise<AddOutcome> {
    const to = options.to.trim();
    this.busy = true;
    try {
      const res = await this.#app.tim.addFriend({
        to,
        source: 'AddSource_Type_Desktop',
        wording: options.wording ?? '',
        remark: options.remark ?? '',
        groupName: options.groupName ?? '',
      });
      const code = res.data.code;
      if (code === 0 || code === REQUEST_SENT) return { userID: to, code };
      return { userID: to, code, error: { code, message: res.data.message } };
    } catch (e) {
      const error = toImError(e);
      return { userID: to, code: error.code, error };
    } finally {
      this.busy = false;
    }
  }

  /** Accepts a request to me; each gains the other. */
  accept(userID: string): Promise<boolean> {
    return this.#call(() => this.#app.tim.acceptFriendApplication({ userID, type: 'Response_Action_AgreeAndAdd' }));
  }

  /** Refuses a request to me. */
  refuse(userID: string): Promise<boolean> {
    return this.#call(() => this.#app.tim.refuseFriendApplication({ userID }));
  }

  /** Withdraws a request I sent. */
  withdraw(userID: string): Promise<boolean> {
    return this.#call(() => this.#app.tim.deleteFriendApplication({ userID, type: 'Pendency_Type_SendOut' }));
  }

  /** Sets my remark for a friend ("" clears it). */
  setRemark(userID: string, remark: string): Promise<boolean> {
    return this.#call(() => this.#app.tim.updateFriend({ userID, remark }));
  }

  /** Ends a friendship, both ways. */
  async remove(userID: string): Promise<boolean> {
    const ok = await this.#call(() => this.#app.tim.deleteFriend({ userIDList: [userID] }), (r) => failureOf(r.data.failureUserIDList));
    if (ok && this.selected?.kind === 'friend' && this.selected.userID === userID) this.selected = null;
    return ok;
  }

  createGroup(name: string, userIDList: string[] = []): Promise<boolean> {
    return this.#call(() => this.#app.tim.createFriendGroup({ name: name.trim(), userIDList }));
  }

  renameGroup(oldName: string, newName: string): Promise<boolean> {
    return this.#call(() => this.#app.tim.renameFriendGroup({ oldName, newName: newName.trim() }));
  }

  deleteGroup(name: string): Promise<boolean> {
    return this.#call(() => this.#app.tim.deleteFriendGroup({ name }));
  }

  addToGroup(name: string, userID: string): Promise<boolean> {
    return this.#call(() => this.#app.tim.addToFriendGroup({ name, userIDList: [userID] }));
  }

  removeFromGroup(name: string, userID: string): Promise<boolean> {
    return this.#call(() => this.#app.tim.removeFromFriendGroup({ name, userIDList: [userID] }));
  }

  /**
   * Runs a change; the lists follow from its event. `failed` finds a
   * per-user failure in a response that resolved.
   */
  async #call<T>(call: () => Promise<T>, failed: (r: T) => ImError | null = () => null): Promise<boolean> {
    this.busy = true;
    this.error = null;
    try {
      const error = failed(await call());
      if (error) this.error = error;
      return error === null;
    } catch (e) {
      this.error = toImError(e);
      return false;
    } finally {
      this.busy = false;
    }
  }

  reset(): void {
    // A read still on its way is of the session that ended.
    this.#session++;
    this.#loading = null;
    this.open = false;
    this.query = '';
    this.selected = null;
    this.dialog = null;
    this.list = [];
    this.groups = [];
    this.applications = [];
    this.unreadCount = 0;
    this.loaded = false;
    this.error = null;
  }
}

function failureOf(list: { userID: string; code: number; message: string }[]): ImError | null {
  const f = list[0];
  return f ? { code: f.code, message: f.message } : null;
}

/** The `Friends` of an app (made on first use). */
export const friendsOf = perApp((app) => new Friends(app));
