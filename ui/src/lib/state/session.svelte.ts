import type { AccountSummary, AppMode, AppState, ImError, NetState } from '$lib/types';
import { CONFAB_EVENT, EVENT, type Tim } from '$lib/tim';
import { toImError } from '$lib/backend';

export type Phase = 'starting' | 'chooseMode' | 'login' | 'main';

/** What the app does when the shown session changes. */
export interface SessionHooks {
  /** An account is signed in and shown (after a sign-in, a resume, a switch to it). */
  signedIn?: () => void;
  /** The shown account is no longer shown (a sign-out, a kick, a switch away from it). */
  signedOut?: () => void;
  /** The app state changed (after the hooks above, when they run). */
  stateChanged?: () => void;
}

/** The most accounts signed in at once (the app refuses one more with 2905). */
export const MAX_ACCOUNTS = 8;

/** The signed-in accounts' unread messages, the active one's left out. */
export function backgroundUnread(accounts: readonly AccountSummary[]): number {
  return accounts.reduce((sum, a) => (a.active ? sum : sum + Math.max(0, a.unreadCount)), 0);
}

/** A server URL's `host:port` (the URL itself when it is none). */
export function serverHost(serverUrl: string): string {
  try {
    return new URL(serverUrl).host || serverUrl;
  } catch {
    return serverUrl;
  }
}

/**
 * How an account is named where several are signed in: its user ID, or
 * `userID (host:port)` when another signed-in account has the same user ID
 * (on another server).
 */
export function accountLabel(account: Pick<AccountSummary, 'accountID' | 'userID' | 'serverUrl'>, accounts: readonly AccountSummary[]): string {
  const twin = accounts.some((a) => a.accountID !== account.accountID && a.userID === account.userID);
  return twin ? `${account.userID} (${serverHost(account.serverUrl)})` : account.userID;
}

/**
 * The name an account's own entries in local storage (drafts, the open
 * chat) are kept under: its user ID on the embedded server (whose port may
 * change), `userID@host:port` on a remote one, so that two accounts of one
 * user ID on two servers keep theirs apart.
 */
export function accountStorageName(s: Pick<AppState, 'userID' | 'mode' | 'serverUrl'>): string | null {
  if (!s.userID) return null;
  return s.mode === 'remote' && s.serverUrl ? `${s.userID}@${serverHost(s.serverUrl)}` : s.userID;
}

/**
 * Mode choice, sign-in, the remembered session, logout (here or on every
 * device), password changes, connection state and being kicked out; the
 * signed-in accounts (several at once, on one or several servers), adding
 * one and switching between them.
 */
export class Session {
  state: AppState | null = $state.raw(null);
  /** The link to the app itself (web bridge) is up. */
  bridgeUp = $state(true);
  /** The web host refused this browser (no token cookie): open the printed URL. */
  bridgeRefused = $state(false);
  /**
   * Set by KICKED_OUT (the kick type and who was signed in) until the next
   * sign-in attempt: the sign-in page says why and keeps the user ID.
   */
  kicked: { type: string; userID: string } | null = $state.raw(null);
  /** The person asked to pick another server from the login screen. */
  changingMode = $state(false);
  /** The account shown when "Add account" was pressed (where "Back" returns). */
  #returnTo: string | null = $state(null);
  busy = $state(false);
  error: ImError | null = $state.raw(null);
  /**
   * Counts the switches from one shown account straight to another: the
   * main view is made anew for each. A sign-out leaves the main view
   * anyway, and a sign-in whose user or key is reported late (the host
   * may say loggedIn first) is the same view: neither counts.
   */
  generation = $state(0);

  phase: Phase = $derived(
    this.state === null
      ? 'starting'
      : this.state.mode === null || this.changingMode
        ? 'chooseMode'
        : this.state.loggedIn
          ? 'main'
          : 'login',
  );
  userID: string | null = $derived(this.state?.loggedIn ? this.state.userID : null);
  /** The shown account's key while signed in (null: none, or a host that does not report it). */
  accountID: string | null = $derived(this.state?.loggedIn ? (this.state.accountID ?? null) : null);
  /** What the shown account's entries in local storage are kept under (`accountStorageName`); null when signed out. */
  storageName: string | null = $derived(this.state?.loggedIn ? accountStorageName(this.state) : null);
  /** Every signed-in account, the active one included, in sign-in order. */
  accounts: AccountSummary[] = $derived(this.state?.accounts ?? []);
  /** The signed-in accounts not shown (in the background): the rail offers a switch to each. */
  others: AccountSummary[] = $derived(this.accounts.filter((a) => !a.active));
  /** The unread messages of the accounts in the background (the window title and the desktop badge add them). */
  otherUnread: number = $derived(backgroundUnread(this.accounts));
  /**
   * The sign-in page shows while other accounts stay signed in (an account
   * being added, or the shown one signed out or kicked): it offers a way
   * back to one of them.
   */
  addingAccount: boolean = $derived((this.phase === 'login' || this.phase === 'chooseMode') && this.others.length > 0);
  /** The account "Back" returns to: the one shown when "Add account" was pressed, else the first other one. */
  backTo: AccountSummary | null = $derived(
    this.others.find((a) => a.accountID === this.#returnTo) ?? this.others[0] ?? null,
  );
  netState: NetState = $derived(this.state?.netState ?? 'connecting');
  /** Why the app cannot connect when retrying alone will not help (a refused certificate). */
  netError: ImError | null = $derived(this.state?.netError ?? null);
  /** What the connection banner shows: null when all is well. */
  connection: 'bridge' | 'connecting' | 'disconnected' | null = $derived(
    !this.bridgeUp ? 'bridge' : this.phase !== 'main' || this.netState === 'connected' ? null : this.netState,
  );

  #tim: Tim;
  #hooks: SessionHooks;
  /**
   * A restore of the local store is running: its brief stop of the session
   * (loggedIn false, then true again for the same user) is no sign-out.
   */
  #restoring = false;

  constructor(tim: Tim, hooks: SessionHooks = {}) {
    this.#tim = tim;
    this.#hooks = hooks;
    tim.on(CONFAB_EVENT.APP_STATE, (e) => this.#set(e.data));
    tim.on(EVENT.NET_STATE_CHANGE, (e) => {
      if (this.state) this.#set({ ...this.state, netState: e.data.state });
    });
    tim.on(EVENT.KICKED_OUT, (e) => {
      this.kicked = { type: e.data?.type ?? '', userID: this.state?.userID ?? '' };
      if (this.state) this.#set({ ...this.state, loggedIn: false });
    });
    tim.on(CONFAB_EVENT.BRIDGE, (e) => {
      this.bridgeUp = e.data.connected;
      this.bridgeRefused = !e.data.connected && e.data.refused === true;
      // The app may have changed while the link was down.
      if (e.data.connected) void this.#refresh();
    });
  }

  // The hooks follow the signed-in account, not just `loggedIn`: during a
  // login the host may report loggedIn before the user ID, and per-user data
  // (drafts, the open chat) needs the ID; two accounts may share a user ID
  // (on two servers), so a switch between them is a sign-out and a sign-in.
  #set(next: AppState): void {
    if (this.#restoring && !next.loggedIn && this.state?.loggedIn && next.userID === this.state.userID) {
      next = { ...next, loggedIn: true };
    }
    const was = { userID: this.userID, accountID: this.accountID };
    this.state = next;
    const now = { userID: this.userID, accountID: this.accountID };
    if (now.userID !== null) this.#returnTo = null;
    if (!sameAccount(was, now)) {
      if (was.userID && now.userID) this.generation++;
      if (was.userID) this.#hooks.signedOut?.();
      if (now.userID) this.#hooks.signedIn?.();
    }
    this.#hooks.stateChanged?.();
  }

  async #refresh(): Promise<void> {
    try {
      this.#set(await this.#tim.app.getState());
    } catch (e) {
      console.warn('app.getState failed', e);
    }
  }

  /** Startup: read the app state and resume a remembered session. */
  async start(): Promise<void> {
    try {
      const s = await this.#tim.app.getState();
      if (s.mode !== null && !s.loggedIn && s.userID) {
        // Resume the saved session: works offline from the local store.
        try {
          this.#set(await this.#tim.app.resume());
          return;
        } catch (e) {
          this.error = toImError(e);
        }
      }
      this.#set(s);
    } catch (e) {
      this.error = toImError(e);
      // Show the first-run screen rather than spinning forever.
      this.state = {
        mode: null,
        serverUrl: null,
        userID: null,
        loggedIn: false,
        caFile: null,
        insecureTransport: false,
        netState: 'disconnected',
        netError: null,
        locale: 'en',
        accountID: null,
        accounts: [],
      };
    }
  }

  async chooseServer(mode: AppMode, url?: string, caFile?: string): Promise<boolean> {
    return this.#run(async () => {
      const s = await this.#tim.app.chooseServer(mode === 'remote' ? { mode, url, caFile } : { mode });
      this.changingMode = false;
      this.#set(s);
    });
  }

  /** Signs in with a password; the error, if any, lands in `error`. */
  login(userID: string, password: string): Promise<boolean> {
    return this.#run(async () => this.#set(await this.#tim.app.login({ userID, password })));
  }

  /** Creates an account and signs in; the error, if any, lands in `error`. */
  register(userID: string, password: string): Promise<boolean> {
    return this.#run(async () => this.#set(await this.#tim.app.register({ userID, password })));
  }

  logout(): Promise<boolean> {
    return this.#run(async () => this.#set(await this.#tim.app.logout()));
  }

  /**
   * Keeps the shown account signed in, in the background, and shows the
   * sign-in page for another one (on this server or, through "Change
   * server", another); `backTo` is where "Back" returns.
   */
  addAccount(): Promise<boolean> {
    const from = this.accountID;
    return this.#run(async () => {
      const s = await this.#tim.app.addAccount();
      this.#returnTo = from;
      this.kicked = null;
      this.changingMode = false;
      this.#set(s);
    });
  }

  /**
   * Shows another signed-in account (the shown one, if any, goes to the
   * background). When that fails (2905: it is signed in no more), the
   * state is read again, so that the accounts offered are the real ones.
   */
  async switchAccount(accountID: string): Promise<boolean> {
    const ok = await this.#run(async () => {
      const s = await this.#tim.app.switchAccount({ accountID });
      this.kicked = null;
      this.changingMode = false;
      this.#set(s);
    });
    if (!ok) await this.#refresh();
    return ok;
  }

  /** Leaves the sign-in page for the account it was opened from (`backTo`) without signing anyone in. */
  back(): Promise<boolean> {
    const to = this.backTo;
    return to ? this.switchAccount(to.accountID) : Promise.resolve(false);
  }

  /**
   * Replaces the local store with the backup at `path` (a host path). The
   * SDK stops the session and logs the same user in again: meanwhile the
   * app stays signed in (no sign-in page; the signed-out hook does not
   * run); the app state is read again at the end. Rejects with the command's error
   * (2905: not a backup of this account).
   */
  async restoreLocalStore(path: string): Promise<void> {
    this.#restoring = true;
    try {
      await this.#tim.app.restoreLocalStore(path);
    } finally {
      this.#restoring = false;
      await this.#refresh();
    }
  }

  /** Changes the password (other devices are signed out); the error, if any, for the form. */
  async changePassword(oldPassword: string, newPassword: string): Promise<ImError | null> {
    try {
      await this.#tim.app.changePassword({ oldPassword, newPassword });
      return null;
    } catch (e) {
      return toImError(e);
    }
  }

  /** Signs out here and on every other device. */
  signOutEverywhere(): Promise<boolean> {
    return this.#run(async () => this.#set(await this.#tim.app.signOutEverywhere()));
  }

  changeMode(on = true): void {
    this.changingMode = on;
    this.error = null;
  }

  /** Forgets why the last session ended (the sign-in page stops saying so). */
  dismissKick(): void {
    this.kicked = null;
  }

  clearError(): void {
    this.error = null;
  }

  async #run(work: () => Promise<void>): Promise<boolean> {
    this.busy = true;
    this.error = null;
    try {
      await work();
      return true;
    } catch (e) {
      this.error = toImError(e);
      return false;
    } finally {
      this.busy = false;
    }
  }
}

/** Whether two sign-in states are the same session: the same user, and not two known, different accounts. */
function sameAccount(a: { userID: string | null; accountID: string | null }, b: { userID: string | null; accountID: string | null }): boolean {
  if (a.userID !== b.userID) return false;
  // An account key reported late (null, then the key) is the same session.
  return a.accountID === null || b.accountID === null || a.accountID === b.accountID;
}
