// `tim.app`: the app's own commands (session, server choice, desktop
// integration, local files), not TIM methods. Session transitions update
// the facade's notion of the logged-in user from the state they return.
import type {
  AppState,
  ChangePasswordArgs,
  ChooseServerArgs,
  CommandArgs,
  CredentialsArgs,
  DownloadFileResult,
  Empty,
  ExportConversationArgs,
  ExportedFile,
  LocalFileUrl,
  MaybePath,
  Message,
  NotifyArgs,
  PickFilesResult,
  PickKind,
  Rendition,
  StagedFile,
  SwitchAccountArgs,
} from '$lib/types';
import type { TimCore } from './core';

type StateCommand =
  | 'app.getState'
  | 'app.chooseServer'
  | 'app.register'
  | 'app.login'
  | 'app.resume'
  | 'app.logout'
  | 'app.signOutEverywhere'
  | 'app.addAccount'
  | 'app.switchAccount';

/** The app commands over `core`. */
export function appApi(core: TimCore) {
  async function withState<C extends StateCommand>(command: C, args: CommandArgs<C>): Promise<AppState> {
    return core.followState(await core.call(command, args));
  }

  return {
    getState: () => withState('app.getState', {}),
    chooseServer: (args: ChooseServerArgs) => withState('app.chooseServer', args),
    register: (args: CredentialsArgs) => withState('app.register', args),
    login: (args: CredentialsArgs) => withState('app.login', args),
    resume: () => withState('app.resume', {}),
    logout: () => withState('app.logout', {}),
    /** Confab: changes the password; other devices are signed out, this one stays signed in. */
    changePassword: (args: ChangePasswordArgs): Promise<Empty> => core.call('app.changePassword', args),
    /** Confab: signs the account out here and on every other device. */
    signOutEverywhere: () => withState('app.signOutEverywhere', {}),
    /**
     * Confab: keeps the active account signed in, in the background, and
     * opens an empty slot: the state returned is signed out (the sign-in
     * page), and the next chooseServer / login / register act on the new
     * slot. 2905 when nobody is signed in or 8 accounts are already.
     */
    addAccount: () => withState('app.addAccount', {}),
    /**
     * Confab: makes a signed-in account the active one (the one shown, the
     * one every `tim.*` method acts for); the active one, if any, goes to the
     * background. 2905 for an account not signed in.
     */
    switchAccount: (args: SwitchAccountArgs) => withState('app.switchAccount', args),
    notify: (args: NotifyArgs): Promise<Empty> => core.call('app.notify', args),
    setUnreadBadge: (count: number): Promise<Empty> => core.call('app.setUnreadBadge', { count }),
    /** Fetches a message's file into the local cache: `{path, url}` (url loadable by the webview). */
    downloadFile: (message: Message, rendition?: Rendition): Promise<DownloadFileResult> =>
      core.call('app.downloadFile', rendition ? { message, rendition } : { message }),
    /** Fetches an avatar of this server's file service (`…/files/<id>`) into the local cache: `{path, url}`; 2403 any other URL, 90009 nobody's avatar. */
    downloadAvatar: (url: string): Promise<DownloadFileResult> => core.call('app.downloadAvatar', { url }),
    openFile: (path: string): Promise<Empty> => core.call('app.openFile', { path }),
    revealFile: (path: string): Promise<Empty> => core.call('app.revealFile', { path }),
    saveFileAs: (path: string, fileName: string): Promise<MaybePath> => core.call('app.saveFileAs', { path, fileName }),
    /** Native file picker (desktop); 90011 in the browser. */
    pickFiles: (kind: PickKind, multiple = true): Promise<PickFilesResult> => core.call('app.pickFiles', { kind, multiple }),
    /** The clipboard's image as a temp PNG (desktop); `{path: null}` when there is none. */
    pasteImage: (): Promise<MaybePath> => core.call('app.pasteImage', {}),
    /** A URL the webview can load a local file from (desktop: asset:, allowed for this file); 90011 in the browser. */
    localFileUrl: (path: string): Promise<LocalFileUrl> => core.call('app.localFileUrl', { path }),
    /** Writes a small file the webview made (a video cover, ≤ 2 MB) to the host's staging dir → its path. */
    writeStagedFile: (name: string, base64: string): Promise<StagedFile> => core.call('app.writeStagedFile', { name, base64 }),
    /**
     * Confab: the whole history of a conversation (local, then from the server what was never
     * fetched: may take seconds) as one file in the download cache, an HTML page to read
     * (pictures embedded) or JSON of TIM Message objects. 2503 no such conversation, 2800 offline.
     */
    exportConversation: (args: ExportConversationArgs): Promise<ExportedFile> => core.call('app.exportConversation', args),
    /** Confab: a consistent copy of this account's whole local store, in the download cache. */
    backupLocalStore: (): Promise<ExportedFile> => core.call('app.backupLocalStore', {}),
    /**
     * Confab: replaces the local store with a backup of this account (a path the host lets commands
     * read: the picker's, or a staged file); 2905 when it is not one. The session stops
     * (SDK_NOT_READY) and the same user logs in again (SDK_READY follows).
     */
    restoreLocalStore: (path: string): Promise<Empty> => core.call('app.restoreLocalStore', { path }),
  };
}

/** `tim.app`. */
export type AppApi = ReturnType<typeof appApi>;
