// The session methods of the facade with TIM's arguments: `login` with a
// UserSig the app's own server issued, and `logout`. (Confab's password
// sign-in is an app command beside them: `tim.app.login`.)
import type { ImResponse, TimCore } from './core';

/** TIM `login` options. */
export interface LoginOptions {
  /** The account. */
  userID: string;
  /** Its UserSig (issued for the server's SDKAppID with its secret key). */
  userSig: string;
}

/** TIM `login`'s `imResponse.data`. */
export interface LoginResult {
  /** This instance was already logged in with this account (the call still resolves). */
  repeatLogin: boolean;
  /** Explains a repeat login. */
  errorInfo?: string;
}

/** The session methods over `core`; `SDKAppID` is the one given to `new Tim`. */
export function sessionApi(core: TimCore, SDKAppID?: number) {
  return {
    /**
     * Logs in with TIM's `{userID, userSig}` on the chosen server; resolves
     * once the SDK is ready and the facade's caches are filled. The session
     * is kept, so `tim.app.resume()` logs in again after a restart.
     */
    async login(options: LoginOptions): Promise<ImResponse<LoginResult>> {
      const repeatLogin = core.userID === options.userID;
      const args = { userID: options.userID, userSig: options.userSig, ...(SDKAppID === undefined ? {} : { SDKAppID }) };
      await core.followState(await core.call('tim.login', args));
      const data: LoginResult = repeatLogin ? { repeatLogin, errorInfo: `${options.userID} is already logged in` } : { repeatLogin };
      return { code: 0, data };
    },

    /** Logs out; every cache of the session is emptied (TIM: all in-memory data). */
    async logout(): Promise<ImResponse<Record<string, never>>> {
      await core.followState(await core.call('tim.logout', {}));
      core.clear();
      return { code: 0, data: {} };
    },
  };
}

/** The session methods of `Tim`. */
export type SessionApi = ReturnType<typeof sessionApi>;
