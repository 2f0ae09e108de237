import type { Tim } from '$lib/tim';
import { toImError } from '$lib/backend';

/** Most users one `getUserProfile` call asks for (the SDK's limit). */
export const PROFILE_BATCH = 100;

/**
 * Other users' profiles for everything on screen. Messages only carry the
 * nickname and avatar of when they were sent (never the signature), so the
 * UI asks the SDK for the profile of every user it shows — once per
 * session, batched — and again for the peer of a chat when it opens. The
 * SDK keeps the profiles in its store and announces what changed
 * (PROFILE_UPDATED, and CONVERSATION_LIST_UPDATED for that peer's
 * conversation, whose `userProfile` the list and the chat header show).
 */
export class Profiles {
  #tim: Tim;
  #asked = new Set<string>();
  #queue = new Set<string>();
  #scheduled = false;

  constructor(tim: Tim) {
    this.#tim = tim;
  }

  /** Asks for these users' profiles unless already asked this session. */
  want(userIDs: Iterable<string>): void {
    for (const id of userIDs) {
      if (!id || this.#asked.has(id)) continue;
      this.#asked.add(id);
      this.#queue.add(id);
    }
    this.#schedule();
  }

  /** Asks for a user's profile again (a chat being opened). */
  refresh(userID: string): void {
    if (!userID) return;
    this.#asked.add(userID);
    this.#queue.add(userID);
    this.#schedule();
  }

  /** Forgets what was asked (sign-out). */
  reset(): void {
    this.#asked.clear();
    this.#queue.clear();
  }

  // Everything asked for in one turn goes in one call per PROFILE_BATCH users.
  #schedule(): void {
    if (this.#scheduled || this.#queue.size === 0) return;
    this.#scheduled = true;
    queueMicrotask(() => {
      this.#scheduled = false;
      const ids = [...this.#queue];
      this.#queue.clear();
      for (let i = 0; i < ids.length; i += PROFILE_BATCH) {
        const batch = ids.slice(i, i + PROFILE_BATCH);
        this.#tim.getUserProfile({ userIDList: batch }).catch((e) => {
          // Asked again next time one of them is shown.
          for (const id of batch) this.#asked.delete(id);
          console.warn('getUserProfile failed', toImError(e));
        });
      }
    });
  }
}
