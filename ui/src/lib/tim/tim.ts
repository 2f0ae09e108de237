// `Tim`: a TIM-compatible facade over the Backend, composed of one file
// per area (session, message, conversation, profile, file, group, relation, status, topic, search) plus `tim.app`
// (the app's own commands), all typed by the generated CommandMap.
import type { Backend } from '$lib/backend';
import { appApi, type AppApi } from './app';
import { CONFAB_EVENT, EVENT, TYPES } from './constants';
import { conversationApi, type ConversationApi } from './conversation';
import { TimCore, type ImResponse } from './core';
import type { Empty } from '$lib/types';
import type { TimEventName, TimHandler } from './events';
import { fileApi, type FileApi } from './file';
import { groupApi, type GroupApi } from './group';
import { messageApi, type MessageApi } from './message';
import { profileApi, type ProfileApi } from './profile';
import { relationApi, type RelationApi } from './relation';
import { searchApi, type SearchApi } from './search';
import { sessionApi, type SessionApi } from './session';
import { statusApi, type StatusApi } from './status';
import { topicApi, type TopicApi } from './topic';

/** `new Tim` options (TIM's `TIM.create` options). */
export interface TimOptions {
  /** The SDKAppID UserSigs are issued for (`login`); by default the saved session's, else confabd's default. */
  SDKAppID?: number;
}

/** The area methods `Tim` is composed of (declaration merging: the constructor installs them). */
export interface Tim extends SessionApi, MessageApi, ConversationApi, ProfileApi, FileApi, GroupApi, RelationApi, StatusApi, TopicApi, SearchApi {}

/**
 * A TIM-compatible facade over the Backend: TIM's method names, events,
 * constants, object shapes, `imResponse` / `imError`. Views use only this.
 */
export class Tim {
  static readonly EVENT = EVENT;
  static readonly TYPES = TYPES;
  readonly EVENT = EVENT;
  readonly TYPES = TYPES;
  /** The app's own commands (session and settings, desktop, local files); not TIM methods. */
  readonly app: AppApi;
  #core: TimCore;

  constructor(backend: Backend, options: TimOptions = {}) {
    const core = new TimCore(backend);
    this.#core = core;
    this.app = appApi(core);
    const areas = [sessionApi(core, options.SDKAppID), messageApi(core), conversationApi(core), profileApi(core), fileApi(core), groupApi(core), relationApi(core), statusApi(core), topicApi(core), searchApi(core)];
    for (const area of areas) {
      // Descriptors, so getters (`nativeFiles`) stay getters.
      Object.defineProperties(this, Object.getOwnPropertyDescriptors(area));
    }
  }

  /** The logged-in user (from the app state), or null. */
  get userID(): string | null {
    return this.#core.userID;
  }

  /**
   * TIM's plugins, e.g. `{'tim-upload-plugin': TIMUploadPlugin}`: Confab
   * does their work built in, so TIM's names are accepted and change
   * nothing; any other name is refused with 20001.
   */
  registerPlugin(plugins: Record<string, unknown>): Promise<ImResponse<Empty>> {
    return this.#core.tim('tim.registerPlugin', { plugins: Object.keys(plugins) });
  }

  /** Adds a handler of one event (`TIM.EVENT` values and Confab's). */
  on<K extends TimEventName>(name: K, handler: TimHandler<K>): void {
    this.#core.on(name, handler);
  }

  /** Removes a handler added with `on`. */
  off<K extends TimEventName>(name: K, handler: TimHandler<K>): void {
    this.#core.off(name, handler);
  }
}
