// What the facade's area files share: the Backend, the typed command
// call, the event handlers, the caches TIM answers synchronously from
// (the messages of the local store and those seen since, the logged-in
// user, the own profile, the unread total), the work a created message
// still needs before it can be sent, and upload progress callbacks.
// A session that ends (logout, kick, another user or another signed-in
// account made active) empties every cache; one that starts fills them
// before the call that started it resolves.
import type { Backend } from '$lib/backend';
import { toImError } from '$lib/backend';
import type {
  AppState,
  BackendEvent,
  CommandArgs,
  CommandName,
  CommandResult,
  CreateMessageArgs,
  Message,
  Profile,
  ReadReceipt,
} from '$lib/types';
import { CONFAB_EVENT, EVENT, TYPES } from './constants';
import { buildMessage } from './message-builder';
import type { TimEvent, TimEventName, TimHandler } from './events';

/** TIM's `imResponse`. */
export interface ImResponse<T> {
  code: 0;
  data: T;
}

type AnyHandler = (event: TimEvent<TimEventName>) => void;

/**
 * How many of the local store's newest messages the facade holds for the
 * synchronous `findMessage` when a session starts (older ones: the
 * asynchronous `fetchMessage`).
 */
export const LOCAL_MESSAGES_HELD = 1000;

/** The SDK's part of a `create*Message`, still running or failed. */
interface Preparation {
  /** Runs the work again (a resend after it failed). */
  run: () => Promise<void>;
  /** The current run. */
  done: Promise<void>;
}

/** The facade's shared state and plumbing; one per `Tim`. */
export class TimCore {
  readonly backend: Backend;
  /** The local store's newest messages and every message seen since (created, sent, received, paged), by ID. */
  readonly messages = new Map<string, Message>();
  /** `onProgress` of file messages being sent, by `random`. */
  readonly progress = new Map<number, (percent: number) => void>();
  #preparations = new WeakMap<Message, Preparation>();
  /** The session (`#session()`) whose caches are filled. */
  #warmed: string | null = null;
  #warming: { session: string; done: Promise<void> } | null = null;
  /** The unread total from the last TOTAL_UNREAD_MESSAGE_COUNT_UPDATED (or sync). */
  totalUnread = 0;
  /** The logged-in user, from the last AppState. */
  userID: string | null = null;
  /**
   * The active account (`AppState.accountID`) while logged in, from the last
   * AppState: two accounts may share a user ID (on different servers).
   */
  accountID: string | null = null;
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

  /**
   * A new own message (`unSend`) of `seed`'s type and payload, addressed
   * and flagged by TIM's MESSAGE_OPTIONS, with this user's nick and
   * avatar; kept for `findMessage`.
   */
  ownMessage(seed: Pick<Message, 'type' | 'payload'>, options: Omit<CreateMessageArgs<unknown>, 'payload'>): Message {
    const message = buildMessage({
      ...seed,
      conversationType: options.conversationType,
      to: options.to,
      from: this.userID ?? '',
      priority: options.priority ?? TYPES.MSG_PRIORITY_NORMAL,
      nick: this.myProfile?.nick ?? '',
      avatar: this.myProfile?.avatar ?? '',
      cloudCustomData: options.cloudCustomData ?? '',
      needReadReceipt: options.needReadReceipt ?? false,
      isSupportExtension: options.isSupportExtension ?? false,
      // A targeted group message (TIM `receiverList`) carries its receivers.
      ...(options.receiverList?.length ? { receiverList: options.receiverList } : {}),
    });
    this.messages.set(message.ID, message);
    return message;
  }

  /** Keeps these messages for `findMessage`. */
  remember(list: Message[]): void {
    for (const m of list) this.messages.set(m.ID, m);
  }

  /**
   * Follows an AppState: the logged-in user and account; a logout, another
   * user or another account empties every cache.
   */
  setAppState(s: AppState | null | undefined): void {
    if (!s) return;
    const userID = s.loggedIn ? s.userID : null;
    const accountID = s.loggedIn ? (s.accountID ?? null) : null;
    // An account reported late (null, then its key) is the same session.
    const otherAccount = accountID !== null && this.accountID !== null && accountID !== this.accountID;
    if (userID !== this.userID || otherAccount) this.clear();
    this.userID = userID;
    this.accountID = accountID;
  }

  /** The session the caches are of: the account and its user; null when logged out. */
  #session(): string | null {
    return this.userID === null ? null : `${this.accountID ?? ''}\u0000${this.userID}`;
  }

  /**
   * Follows the AppState a session command returned and, when it is
   * logged in, fills the caches before the command's promise resolves
   * (a failure to fill them is logged: the session stands).
   */
  async followState(state: AppState): Promise<AppState> {
    this.setAppState(state);
    try {
      await this.warm();
    } catch (err) {
      console.warn('filling the caches failed', err);
    }
    return state;
  }

  /** Empties every cache of the last session (TIM: logout drops all in-memory data). */
  clear(): void {
    this.messages.clear();
    this.progress.clear();
    this.myProfile = null;
    this.totalUnread = 0;
    this.#warmed = null;
    this.#warming = null;
  }

  /**
   * Fills the caches of a session that is ready (once per session): the
   * unread total and the local store's newest messages, so the synchronous
   * `getTotalUnreadMessageCount` and `findMessage` are right at once, even
   * after a reload and before any event.
   */
  warm(): Promise<void> {
    const session = this.#session();
    if (!session || this.#warmed === session) return Promise.resolve();
    if (this.#warming?.session === session) return this.#warming.done;
    const done = (async () => {
      const [total, local] = await Promise.all([
        this.call('tim.getTotalUnreadMessageCount', {}),
        this.call('tim.getLocalMessages', { count: LOCAL_MESSAGES_HELD }),
      ]);
      // Another account (even of the same user ID) is active by now: not its data.
      if (this.#session() !== session) return;
      this.totalUnread = total;
      // Newest first; what the facade saw meanwhile is newer still.
      for (const m of [...local].reverse()) if (!this.messages.has(m.ID)) this.messages.set(m.ID, m);
      this.#warmed = session;
    })().finally(() => {
      if (this.#warming?.done === done) this.#warming = null;
    });
    this.#warming = { session, done };
    return done;
  }

  /**
   * Registers the SDK's part of a message made synchronously: `work`
   * returns the SDK's message, whose fields (payload above all) are then
   * copied onto `message`, which keeps its own ID, random (the key of an
   * own message), time and status (a file message's SDK part is made with
   * the same time and random, so the SDK knows it by the same ID).
   */
  prepare(message: Message, work: () => Promise<Message>): void {
    const run = async () => {
      const made = await work();
      const { ID, random, time, status } = message;
      Object.assign(message, made, { ID, random, time, status });
      this.messages.set(message.ID, message);
    };
    const preparation: Preparation = { run, done: run() };
    // Reported by the send that waits for it.
    preparation.done.catch(() => {});
    this.#preparations.set(message, preparation);
  }

  /**
   * Waits for a message's preparation, or null when it has none left;
   * rejects with its `imError`. `retry` runs a failed one again
   * (resendMessage).
   */
  prepared(message: Message, retry = false): Promise<void> | null {
    const preparation = this.#preparations.get(message);
    if (!preparation) return null;
    return (async () => {
      try {
        await preparation.done;
      } catch (e) {
        if (!retry) throw toImError(e);
        preparation.done = preparation.run();
        try {
          await preparation.done;
        } catch (again) {
          throw toImError(again);
        }
      }
      this.#preparations.delete(message);
    })();
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
      case EVENT.MESSAGE_READ_RECEIPT_RECEIVED:
        // findMessage then returns the message with its new readReceiptInfo (checklist 1000).
        for (const r of (e.data as ReadReceipt[] | undefined) ?? []) {
          const m = this.messages.get(r.messageID);
          if (m) m.readReceiptInfo = { isPeerRead: r.isPeerRead, readCount: r.readCount, unreadCount: r.unreadCount };
        }
        break;
      case CONFAB_EVENT.APP_STATE:
      case EVENT.SDK_READY:
        if (e.name === CONFAB_EVENT.APP_STATE) this.setAppState(e.data as AppState);
        this.warm().catch((err: unknown) => console.warn('filling the caches failed', err));
        break;
      case CONFAB_EVENT.UPLOAD_PROGRESS: {
        const p = e.data as { random: number; loaded: number; total: number };
        const onProgress = this.progress.get(p.random);
        if (onProgress) onProgress(p.total > 0 ? Math.min(1, p.loaded / p.total) : 0);
        break;
      }
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
