import type { AddGroupMemberResponse, GroupMember, GroupProfile, ImError, MemberRole, Message, UpdateGroupProfile } from '$lib/types';
import { EVENT, TYPES, type Tim } from '$lib/tim';
import { toImError } from '$lib/backend';
import { roleIn, sortMembers } from './group-rules';

/** Most members the panel pages in (100 a page, TIM's cap). */
export const MEMBER_PAGES_MAX = 20;

/** What became of the caller's membership while the panel was open. */
export type Gone = 'quit' | 'dismissed' | 'removed' | null;

/** An action's outcome shown in the panel: its words and, for a refusal, the TIM code. */
export interface ActionResult {
  ok: boolean;
  error?: ImError;
  invite?: AddGroupMemberResponse;
}

/**
 * One group as the info panel shows it: the profile, every member, the
 * caller's role; the TIM calls of the panel's actions. Kept current by
 * the group's tips (MESSAGE_RECEIVED, MSG_GRP_TIP: the server's record of
 * every change), GROUP_LIST_UPDATED (joined or left) and the group
 * system notices about it (removed, dismissed).
 */
export class GroupInfo {
  readonly groupID: string;
  group: GroupProfile | null = $state.raw(null);
  members: GroupMember[] = $state.raw([]);
  status: 'loading' | 'ready' | 'error' = $state('loading');
  error: ImError | null = $state.raw(null);
  /** Set when the caller left, was removed, or the group was dismissed. */
  gone: Gone = $state(null);
  /** The action running now (its name), to disable its button. */
  busy: string | null = $state(null);
  #tim: Tim;
  #me: string;
  #reload: ReturnType<typeof setTimeout> | null = null;
  /** Bumped by each load: an older load's answer never overwrites a newer one. */
  #loadSeq = 0;
  #off: Array<() => void> = [];

  constructor(tim: Tim, groupID: string, me: string) {
    this.#tim = tim;
    this.groupID = groupID;
    this.#me = me;
  }

  /** The caller's role (null once not a member). */
  get role(): MemberRole | null {
    if (!this.group || this.gone) return null;
    return roleIn(this.group, this.#me, this.members);
  }

  get me(): string {
    return this.#me;
  }

  /** Starts following the group's events; returns the stop function. */
  attach(): () => void {
    const onMessages = (e: { data: Message[] }) => {
      if (!Array.isArray(e.data)) return;
      for (const m of e.data) {
        if (m.type === TYPES.MSG_GRP_TIP && m.conversationID === `${TYPES.CONV_GROUP}${this.groupID}`) this.#schedule();
        if (m.type === TYPES.MSG_GRP_SYS_NOTICE && m.payload?.groupProfile?.groupID === this.groupID) {
          const op = Number(m.payload.operationType);
          if (op === 4) this.gone = 'removed';
          else if (op === 5 || op === 11) this.gone = 'dismissed';
          else this.#schedule();
        }
      }
    };
    const onList = (e: { data: GroupProfile[] }) => {
      if (!Array.isArray(e.data)) return;
      const mine = e.data.find((g) => g.groupID === this.groupID);
      if (mine) {
        if (this.gone) this.gone = null;
        this.group = mine;
        this.#schedule();
      } else if (!this.gone && this.group) {
        this.gone = 'removed';
      }
    };
    this.#tim.on(EVENT.MESSAGE_RECEIVED, onMessages);
    this.#tim.on(EVENT.GROUP_LIST_UPDATED, onList);
    this.#off.push(
      () => this.#tim.off(EVENT.MESSAGE_RECEIVED, onMessages),
      () => this.#tim.off(EVENT.GROUP_LIST_UPDATED, onList),
    );
    return () => {
      for (const off of this.#off.splice(0)) off();
      if (this.#reload) clearTimeout(this.#reload);
    };
  }

  /** Reloads once for a burst of tips. */
  #schedule(): void {
    if (this.#reload) return;
    this.#reload = setTimeout(() => {
      this.#reload = null;
      void this.load();
    }, 0);
  }

  /** The profile, then every member (pages of 100). */
  async load(): Promise<void> {
    const seq = ++this.#loadSeq;
    try {
      const group = (await this.#tim.getGroupProfile({ groupID: this.groupID })).data.group;
      const members = await this.#fetchMembers();
      if (seq !== this.#loadSeq) return;
      this.group = group;
      this.members = members;
      this.status = 'ready';
      this.error = null;
    } catch (e) {
      if (seq !== this.#loadSeq) return;
      const err = toImError(e);
      // Not a member (any more): the profile stays readable, the members not.
      if (this.group && err.code === 10007) {
        this.members = [];
        this.status = 'ready';
        if (!this.gone) this.gone = 'removed';
        return;
      }
      this.error = err;
      this.status = this.group ? 'ready' : 'error';
    }
  }

  /** Every member, owner first (pages of 100). */
  async #fetchMembers(): Promise<GroupMember[]> {
    const all: GroupMember[] = [];
    let offset: number | string = 0;
    for (let page = 0; page < MEMBER_PAGES_MAX; page++) {
      const res = await this.#tim.getGroupMemberList({ groupID: this.groupID, count: 100, offset });
      all.push(...res.data.memberList);
      offset = res.data.offset;
      if (!offset || offset === '0') break;
    }
    return sortMembers(all);
  }

  /** Runs one TIM call as the named action; the panel shows its result. */
  async #act<T>(name: string, call: () => Promise<T>, after?: (value: T) => void): Promise<ActionResult & { value?: T }> {
    this.busy = name;
    try {
      const value = await call();
      after?.(value);
      return { ok: true, value };
    } catch (e) {
      return { ok: false, error: toImError(e) };
    } finally {
      this.busy = null;
    }
  }

  #setGroup = (g: { data: { group: GroupProfile } }) => {
    this.group = g.data.group;
  };

  /** updateGroupProfile with only the changed fields. */
  async update(patch: Omit<UpdateGroupProfile, 'groupID'>): Promise<ActionResult> {
    return this.#act('update', () => this.#tim.updateGroupProfile({ groupID: this.groupID, ...patch }), this.#setGroup);
  }

  async invite(userIDList: string[]): Promise<ActionResult> {
    const r = await this.#act('invite', () => this.#tim.addGroupMember({ groupID: this.groupID, userIDList }), this.#setGroup);
    if (r.ok) await this.#refreshMembers();
    return { ok: r.ok, error: r.error, invite: r.value?.data };
  }

  async remove(userID: string): Promise<ActionResult> {
    const r = await this.#act('remove', () => this.#tim.deleteGroupMember({ groupID: this.groupID, userIDList: [userID] }), this.#setGroup);
    if (r.ok) this.members = this.members.filter((m) => m.userID !== userID);
    return r;
  }

  #setMember = (r: { data: { group: GroupProfile; member: GroupMember } }) => {
    this.group = r.data.group;
    const m = r.data.member;
    this.members = sortMembers(this.members.map((x) => (x.userID === m.userID ? { ...x, ...m } : x)));
  };

  async setRole(userID: string, role: MemberRole): Promise<ActionResult> {
    return this.#act('role', () => this.#tim.setGroupMemberRole({ groupID: this.groupID, userID, role }), this.#setMember);
  }

  /** Mutes for `minutes` (0: lifts the mute). */
  async mute(userID: string, minutes: number): Promise<ActionResult> {
    const muteTime = Math.max(0, Math.round(minutes * 60));
    return this.#act('mute', () => this.#tim.setGroupMemberMuteTime({ groupID: this.groupID, userID, muteTime }), this.#setMember);
  }

  async setNameCard(userID: string, nameCard: string): Promise<ActionResult> {
    return this.#act('nameCard', () => this.#tim.setGroupMemberNameCard({ groupID: this.groupID, userID, nameCard }), this.#setMember);
  }

  async transfer(newOwnerID: string): Promise<ActionResult> {
    const r = await this.#act('transfer', () => this.#tim.changeGroupOwner({ groupID: this.groupID, newOwnerID }), this.#setGroup);
    if (r.ok) await this.#refreshMembers();
    return r;
  }

  async quit(): Promise<ActionResult> {
    const r = await this.#act('quit', () => this.#tim.quitGroup(this.groupID));
    if (r.ok) this.gone = 'quit';
    return r;
  }

  async dismiss(): Promise<ActionResult> {
    const r = await this.#act('dismiss', () => this.#tim.dismissGroup(this.groupID));
    if (r.ok) this.gone = 'dismissed';
    return r;
  }

  async #refreshMembers(): Promise<void> {
    const seq = ++this.#loadSeq;
    try {
      const members = await this.#fetchMembers();
      if (seq === this.#loadSeq) this.members = members;
    } catch (e) {
      console.warn('getGroupMemberList failed', toImError(e));
    }
  }
}
