import type { BackendEvent, ImError } from '$lib/types';

export type EventHandler = (event: BackendEvent) => void;
export type Unsubscribe = () => void;

/**
 * The UI's only way to the SDK: the command set of docs/app-commands.md and
 * the event channel. Implemented over Tauri IPC, over the web host's
 * WebSocket bridge, and by a fake for unit tests.
 */
export interface Backend {
  /** Runs a command; rejects with `{code, message}` (TIM codes). */
  call<T>(command: string, args?: object): Promise<T>;
  /** Subscribes to every event (`{name, data}`). */
  onEvent(handler: EventHandler): Unsubscribe;
}

/**
 * Synthetic event the web backend emits when its bridge link goes up or
 * down (not an SDK event; the Tauri backend never emits it).
 */
export const BRIDGE_EVENT = 'confab.bridge';
export interface BridgeEventData {
  connected: boolean;
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
