import type { Backend } from './backend';

export type { Backend, EventHandler, Unsubscribe, DragDropEvent, DragDropHandler } from './backend';
export { BRIDGE_EVENT, UNSUPPORTED, toImError } from './backend';

/** Inside the Tauri app: IPC; anywhere else: the web host's bridge. */
export async function createBackend(): Promise<Backend> {
  if ('__TAURI_INTERNALS__' in window) {
    const { TauriBackend } = await import('./tauri');
    return new TauriBackend();
  }
  const { WebBackend } = await import('./web');
  return new WebBackend();
}
