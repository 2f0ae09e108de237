// Who is online, in the app (issue 14): the status of the users the UI
// shows (friends, the peer of an open chat, C2C rows), from getUserStatus
// and kept current by subscribing (USER_STATUS_UPDATED). Components call
// `watch(ids)` for the users they show; the wanted IDs are gathered and
// asked for in batches (500 per getUserStatus, 100 per subscribe), never
// twice, so rendering cannot run into the server's 20-calls-per-5-s
// limit. A reconnect asks again (a restarted server forgot subscriptions).
// One `Presence` per AppModel, reached through `presenceOf(app)`.
import { SvelteMap } from 'svelte/reactivity';
import type { UserStatus } from '$lib/types';
import type { MessageKey } from '$lib/i18n/messages';
import { EVENT } from '$lib/tim';
import type { AppModel } from './app.svelte';
import { perApp } from './per-app.svelte';

/** TIM's statusType values. */
export const STATUS = { UNKNOWN: 0, ONLINE: 1, OFFLINE: 2, UNLOGINED: 3 } as const;

/** Most userIDs per getUserStatus and per subscribeUserStatus (the seed's limits). */
const QUERY_BATCH = 500;
const SUBSCRIBE_BATCH = 100;
/** Most users followed at once (the server's cap). */
const MAX_WATCHED = 200;

/** Statuses of the users the UI shows. */
export class Presence {
  /** The last known status of each watched user. */
  readonly statuses = new SvelteMap<string, UserStatus>();
  #app: AppModel;
  /** Users asked for (or waiting to be), oldest first. */
  #watched: string[] = [];
  #pending = new Set<string>();
  #flushing: Promise<void> | null = null;
  /** Counts sign-outs: statuses asked for in an earlier session (another account) are dropped. */
  #session = 0;

  constructor(app: AppModel) {
    this.#app = app;
    app.tim.on(EVENT.USER_STATUS_UPDATED, (e) => {
      for (const status of e.data ?? []) this.statuses.set(status.userID, status);
    });
    app.tim.on(EVENT.NET_STATE_CHANGE, (e) => {
      // A reconnect may be to a restarted server: follow everyone again.
      if (e.data.state === 'connected' && this.#watched.length > 0) {
        for (const id of this.#watched) this.#pending.add(id);
        this.#schedule();
      }
    });
    app.tim.on(EVENT.SDK_NOT_READY, () => {
      this.#session++;
      this.statuses.clear();
      this.#watched = [];
      this.#pending.clear();
    });
  }

  /** The status type of `userID` (UNKNOWN until known). */
  type(userID: string): number {
    return this.statuses.get(userID)?.statusType ?? STATUS.UNKNOWN;
  }

  /** The custom status of `userID` ('' when none or unknown). */
  custom(userID: string): string {
    return this.statuses.get(userID)?.customStatus ?? '';
  }

  /** Asks for (and follows) the statuses of `userIDs`; cheap to call again. */
  watch(userIDs: Iterable<string>): void {
    const me = this.#app.tim.userID;
    for (const id of userIDs) {
      if (!id || id === me || this.#watched.includes(id)) continue;
      this.#watched.push(id);
      this.#pending.add(id);
    }
    // The server keeps the latest MAX_WATCHED; so do we.
    if (this.#watched.length > MAX_WATCHED) this.#watched = this.#watched.slice(-MAX_WATCHED);
    this.#schedule();
  }

  #schedule(): void {
    if (this.#pending.size === 0 || this.#flushing) return;
    // Gathered over one task, so a list rendering many rows asks once.
    this.#flushing = new Promise<void>((resolve) => setTimeout(resolve, 0))
      .then(() => this.#flush())
      .finally(() => {
        this.#flushing = null;
        if (this.#pending.size > 0) this.#schedule();
      });
  }

  async #flush(): Promise<void> {
    const ids = [...this.#pending].filter((id) => this.#watched.includes(id));
    this.#pending.clear();
    const session = this.#session;
    try {
      for (let i = 0; i < ids.length; i += SUBSCRIBE_BATCH) {
        await this.#app.tim.subscribeUserStatus({ userIDList: ids.slice(i, i + SUBSCRIBE_BATCH) });
      }
      for (let i = 0; i < ids.length; i += QUERY_BATCH) {
        const answer = await this.#app.tim.getUserStatus({ userIDList: ids.slice(i, i + QUERY_BATCH) });
        if (session !== this.#session) return;
        for (const status of answer.data.successUserList) this.statuses.set(status.userID, status);
      }
    } catch (e) {
      // Offline or over the limit: asked again at the next reconnect.
      console.warn('user status unavailable', e);
    }
  }
}

/**
 * A user's presence in words: "Online", "Offline · in a meeting", the
 * custom status alone when not logged in, '' when nothing is known.
 */
export function presenceLine(presence: Presence, userID: string, t: (key: MessageKey, params?: Record<string, string | number>) => string): string {
  const type = presence.type(userID);
  const custom = presence.custom(userID);
  const state = type === STATUS.ONLINE ? t('presence.online') : type === STATUS.OFFLINE ? t('presence.offline') : '';
  if (state && custom) return t('presence.withStatus', { state, status: custom });
  return state || custom;
}

/** The `Presence` of an app (made on first use). */
export const presenceOf = perApp((app) => new Presence(app));
