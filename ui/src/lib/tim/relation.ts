// The relation-chain methods of the facade (TIM's blacklist API; friends
// come later). Each resolves with the whole blacklist, as TIM's do.
import type { ImResponse, TimCore } from './core';

/** The relation-chain methods over `core`. */
export function relationApi(core: TimCore) {
  return {
    /** My blacklist's userIDs. */
    getBlacklist(): Promise<ImResponse<string[]>> {
      return core.tim('tim.getBlacklist', {});
    },

    /** Blocks users (1 to 1,000; even one goes in a list); 2742 for my own userID. */
    addToBlacklist(options: { userIDList: string[] }): Promise<ImResponse<string[]>> {
      return core.tim('tim.addToBlacklist', options);
    },

    /** Unblocks users (1 to 1,000). */
    removeFromBlacklist(options: { userIDList: string[] }): Promise<ImResponse<string[]>> {
      return core.tim('tim.removeFromBlacklist', options);
    },
  };
}

/** The relation-chain methods of `Tim`. */
export type RelationApi = ReturnType<typeof relationApi>;
