// What the facade's area files share: the Backend, the typed command
// call, the event handlers, and the caches TIM answers synchronously from
// (messages seen, the logged-in user, the own profile, the unread total).
import type { Backend } from '$lib/backend';
import { toImError } from '$lib/backend';
import type {
  AppState,
  BackendEvent,
  CommandArgs,
  CommandName,
  CommandResult,
  Message,
  Profile,
} from '$lib/types';
import { CONFAB_EVENT, EVENT } from './constants';
import type { TimEvent, TimEventName, TimHandler } from './events';

/** TIM's `imResponse`. */
export interface ImResponse<T> {
  code: 0;
  data: T;
}

type AnyHandler = (event: TimEvent<TimEventName>) => void;

/** The facade's shared state and plumbing; one per `Tim`. */
export class TimCore {
  readonly backend: Backend;
  /** Messages this facade has seen (created, sent, received, paged), by ID. */
  readonly messages = new Map<string, Message>();
  /** The unread total from the last TOTAL_UNREAD_MESSAGE_COUNT_UPDATED (or sync). */
  totalUnread = 0;
  /** The logged-in user, from the last AppState. */
  userID: string | null = null;
  /** The own profile, once fetched or updated (cleared when the user changes). */
  myProfile: Profile | null = null;
  #handlers = new Map<string, Set<AnyHandler>>();

  constructor(backend: Backend) {
    this.backend = backend;
    backend.onEvent((e) => this.#dispatch(e));
  }

  /** A command of the generated CommandMap; rejects with `imError`. */
  async call<C extends CommandName>(command: C, args: CommandArgs<C>): Promise<CommandResult<C>> {
    try {
      return await this.backend.call(command, args);
    } catch (e) {
      throw toImError(e);
    }
  }

  /** `call` wrapped as TIM's `imResponse`. */
  async tim<C extends CommandName>(command: C, args: CommandArgs<C>): Promise<ImResponse<CommandResult<C>>> {
    return { code: 0, data: await this.call(command, args) };
  }

  /** Keeps these messages for `findMessage`. */
  remember(list: Message[]): void {
    for (const m of list) this.messages.set(m.ID, m);
  }

  /** Follows an AppState: the logged-in user; a logout clears the unread total. */
  setAppState(s: AppState | null | undefined): void {
    if (!s) return;
    if (s.userID !== this.userID) this.myProfile = null;
    this.userID = s.loggedIn ? s.userID : null;
    if (!s.loggedIn) this.totalUnread = 0;
  }

  /** Adds a handler of one event. */
  on<K extends TimEventName>(name: K, handler: TimHandler<K>): void {
    let set = this.#handlers.get(name);
    if (!set) this.#handlers.set(name, (set = new Set()));
    set.add(handler as AnyHandler);
  }

  /** Removes a handler added with `on`. */
  off<K extends TimEventName>(name: K, handler: TimHandler<K>): void {
    this.#handlers.get(name)?.delete(handler as AnyHandler);
  }

  #dispatch(e: BackendEvent): void {
    // Keep the facade's own caches first, so handlers see them updated.
    switch (e.name) {
      case EVENT.TOTAL_UNREAD_MESSAGE_COUNT_UPDATED:
        if (typeof e.data === 'number') this.totalUnread = e.data;
        break;
      case EVENT.MESSAGE_RECEIVED:
      case EVENT.MESSAGE_READ_BY_PEER:
      case EVENT.MESSAGE_REVOKED:
      case EVENT.MESSAGE_MODIFIED:
      case CONFAB_EVENT.MESSAGE_STATUS_CHANGED:
        if (Array.isArray(e.data)) this.remember(e.data as Message[]);
        break;
      case CONFAB_EVENT.APP_STATE:
        this.setAppState(e.data as AppState);
        break;
      case EVENT.PROFILE_UPDATED:
        for (const p of (e.data as Profile[]) ?? []) if (p.userID === this.userID) this.myProfile = p;
        break;
    }
    const set = this.#handlers.get(e.name);
    if (!set) return;
    const event = { name: e.name, data: e.data } as TimEvent<TimEventName>;
    for (const h of [...set]) {
      try {
        h(event);
      } catch (err) {
        console.error(`handler of ${e.name} failed`, err);
      }
    }
  }
}
