// My blacklist in the app (issue 14): who I blocked, kept from
// getBlacklist and BLACKLIST_UPDATED (changes made here or on another
// instance), with block / unblock. One `Blacklist` per AppModel, reached
// through `blacklistOf(app)`.
import type { ImError } from '$lib/types';
import { EVENT } from '$lib/tim';
import { toImError } from '$lib/backend';
import type { AppModel } from './app.svelte';
import { perApp } from './per-app.svelte';

/** The users I blocked, and the calls that change them. */
export class Blacklist {
  /** Blocked userIDs, in the order blocked. */
  list: string[] = $state([]);
  /** A call in flight. */
  busy = $state(false);
  /** The last call's failure. */
  error: ImError | null = $state.raw(null);
  #loaded = false;
  /** Counts sign-outs: a list read for an earlier session (another account) is dropped. */
  #session = 0;
  #app: AppModel;

  constructor(app: AppModel) {
    this.#app = app;
    app.tim.on(EVENT.BLACKLIST_UPDATED, (e) => {
      if (Array.isArray(e.data)) {
        this.list = e.data;
        this.#loaded = true;
      }
    });
    app.tim.on(EVENT.SDK_NOT_READY, () => {
      this.#session++;
      this.list = [];
      this.#loaded = false;
      this.error = null;
    });
  }

  /** Whether I blocked `userID`. */
  has(userID: string): boolean {
    return this.list.includes(userID);
  }

  /** Reads the list (once, unless `force`). */
  async load(force = false): Promise<void> {
    if (this.#loaded && !force) return;
    const session = this.#session;
    try {
      const list = (await this.#app.tim.getBlacklist()).data;
      if (session !== this.#session) return;
      this.list = list;
      this.#loaded = true;
    } catch (e) {
      if (session === this.#session) this.error = toImError(e);
    }
  }

  /** Blocks one user; whether it worked. */
  block(userID: string): Promise<boolean> {
    return this.#change(() => this.#app.tim.addToBlacklist({ userIDList: [userID] }));
  }

  /** Unblocks one user; whether it worked. */
  unblock(userID: string): Promise<boolean> {
    return this.#change(() => this.#app.tim.removeFromBlacklist({ userIDList: [userID] }));
  }

  async #change(call: () => Promise<{ data: string[] }>): Promise<boolean> {
    this.busy = true;
    this.error = null;
    try {
      this.list = (await call()).data;
      this.#loaded = true;
      return true;
    } catch (e) {
      this.error = toImError(e);
      return false;
    } finally {
      this.busy = false;
    }
  }
}

/** The `Blacklist` of an app (made on first use). */
export const blacklistOf = perApp((app) => new Blacklist(app));
