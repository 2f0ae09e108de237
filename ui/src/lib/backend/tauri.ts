import { invoke } from '@tauri-apps/api/core';
import { listen } from '@tauri-apps/api/event';
import type { BackendEvent, CommandArgs, CommandName, CommandResult } from '$lib/types';
import { toImError, UNSUPPORTED, type Backend, type DragDropHandler, type EventHandler, type Unsubscribe } from './backend';

/** Tauri IPC: `invoke('confab_call', {command, args})` and `confab://event`. */
export class TauriBackend implements Backend {
  #handlers = new Set<EventHandler>();

  constructor() {
    void listen<BackendEvent>('confab://event', (e) => {
      for (const h of [...this.#handlers]) h(e.payload);
    });
  }

  async call<C extends CommandName>(command: C, args: CommandArgs<C>): Promise<CommandResult<C>> {
    try {
      return await invoke<CommandResult<C>>('confab_call', { command, args });
    } catch (e) {
      throw toImError(e);
    }
  }

  onEvent(handler: EventHandler): Unsubscribe {
    this.#handlers.add(handler);
    return () => this.#handlers.delete(handler);
  }

  // ---- files ----------------------------------------------------------------

  readonly nativeFiles = true;
  readonly hostLocale = true;

  /** Not needed in Tauri: drops, pickers and the clipboard give paths. */
  async stageFile(_file: File): Promise<string> {
    throw { code: UNSUPPORTED, message: 'stageFile is for the web host; use app.pickFiles / app.pasteImage' };
  }

  /** `getCurrentWebview().onDragDropEvent`, positions converted to CSS pixels. */
  onDragDrop(handler: DragDropHandler): Unsubscribe {
    let unlisten: (() => void) | null = null;
    let stopped = false;
    void import('@tauri-apps/api/webview').then(async ({ getCurrentWebview }) => {
      const un = await getCurrentWebview().onDragDropEvent((e) => {
        const p = e.payload;
        const scale = window.devicePixelRatio || 1;
        const pos = (q: { x: number; y: number }) => ({ x: q.x / scale, y: q.y / scale });
        if (p.type === 'leave') handler({ type: 'leave' });
        else if (p.type === 'over') handler({ type: 'over', position: pos(p.position) });
        else handler({ type: p.type, paths: p.paths, position: pos(p.position) });
      });
      if (stopped) un();
      else unlisten = un;
    });
    return () => {
      stopped = true;
      unlisten?.();
    };
  }
}
