import type { AppMode, AppState, ImError, NetState } from '$lib/types';
import { CONFAB_EVENT, EVENT, type Tim } from '$lib/tim';
import { toImError } from '$lib/backend';

export type Phase = 'starting' | 'chooseMode' | 'login' | 'main';

export interface SessionHooks {
  signedIn?: () => void;
  signedOut?: () => void;
}

/**
 * Mode choice, sign-in, the remembered session, logout (here or on every
 * device), password changes, connection state and being kicked out.
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
  busy = $state(false);
  error: ImError | null = $state.raw(null);

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

  // The hooks follow the signed-in user, not just `loggedIn`: during a login
  // the host may report loggedIn before the user ID, and per-user data
  // (drafts, the open chat) needs the ID.
  #set(next: AppState): void {
    if (this.#restoring && !next.loggedIn && this.state?.loggedIn && next.userID === this.state.userID) {
      next = { ...next, loggedIn: true };
    }
    const was = this.userID;
    this.state = next;
    const now = this.userID;
    if (now === was) return;
    if (was) this.#hooks.signedOut?.();
    if (now) this.#hooks.signedIn?.();
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
