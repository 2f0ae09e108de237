import type { BackendEvent, CommandArgs, CommandName, CommandResult, ImError } from '$lib/types';

export type EventHandler = (event: BackendEvent) => void;
export type Unsubscribe = () => void;

/**
 * The UI's only way to the SDK: the command set of docs/app-commands.md and
 * the event channel. Implemented over Tauri IPC, over the web host's
 * WebSocket bridge, and by a fake for unit tests.
 */
export interface Backend {
  /**
   * Runs a command of the generated CommandMap; rejects with `{code,
   * message}` (TIM codes).
   */
  call<C extends CommandName>(command: C, args: CommandArgs<C>): Promise<CommandResult<C>>;
  /** Subscribes to every event (`{name, data}`). */
  onEvent(handler: EventHandler): Unsubscribe;

  // ---- files (issue 5) ------------------------------------------------------

  /**
   * True where the host gives file-system paths itself (Tauri: native
   * pickers, drag-drop paths, clipboard); false in the browser, where files
   * are staged with `stageFile` first.
   */
  readonly nativeFiles: boolean;
  /**
   * True where the host's locale is the user's system language (the desktop
   * app: WebKit's `navigator.language` may not follow the OS); false in the
   * browser, whose own language is the user's (the web host's process may
   * run in another locale).
   */
  readonly hostLocale: boolean;
  /** Browser only: uploads a File's bytes to the host and returns its local path. */
  stageFile(file: File): Promise<string>;
  /** Native drag and drop of files over the window (Tauri); a no-op elsewhere. */
  onDragDrop(handler: DragDropHandler): Unsubscribe;
}

/** A native drag-drop event: positions in CSS pixels of the webview. */
export type DragDropEvent =
  | { type: 'enter'; paths: string[]; position: { x: number; y: number } }
  | { type: 'over'; position: { x: number; y: number } }
  | { type: 'drop'; paths: string[]; position: { x: number; y: number } }
  | { type: 'leave' };
export type DragDropHandler = (event: DragDropEvent) => void;

/** The "unsupported in this host" code (e.g. app.pickFiles in the browser). */
export const UNSUPPORTED = 90011;

/**
 * Synthetic event the web backend emits when its bridge link goes up or
 * down (not an SDK event; the Tauri backend never emits it).
 */
export const BRIDGE_EVENT = 'confab.bridge';
export interface BridgeEventData {
  connected: boolean;
  /**
   * The web host refused the link (401: this browser has no session
   * cookie, or one of an earlier launch): the user must open the URL
   * confab-web printed, with its token.
   */
  refused?: boolean;
}

export const NETWORK_ERROR = 2800;

/** Normalizes anything thrown into `{code, message}`. */
export function toImError(e: unknown): ImError {
  if (e && typeof e === 'object' && 'code' in e && typeof (e as ImError).code === 'number') {
    const err = e as ImError;
    return { code: err.code, message: String(err.message ?? ''), ...(err.data !== undefined ? { data: err.data } : {}) };
  }
  if (typeof e === 'string') {
    // Tauri may reject with a JSON string.
    try {
      return toImError(JSON.parse(e));
    } catch {
      return { code: -1, message: e };
    }
  }
  return { code: -1, message: e instanceof Error ? e.message : String(e) };
}
