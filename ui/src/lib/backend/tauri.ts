import { invoke } from '@tauri-apps/api/core';
import { listen } from '@tauri-apps/api/event';
import type { BackendEvent } from '$lib/types';
import { toImError, type Backend, type EventHandler, type Unsubscribe } from './backend';

/** Tauri IPC: `invoke('confab_call', {command, args})` and `confab://event`. */
export class TauriBackend implements Backend {
  #handlers = new Set<EventHandler>();

  constructor() {
    void listen<BackendEvent>('confab://event', (e) => {
      for (const h of [...this.#handlers]) h(e.payload);
    });
  }

  async call<T>(command: string, args: object = {}): Promise<T> {
    try {
      return await invoke<T>('confab_call', { command, args });
    } catch (e) {
      throw toImError(e);
    }
  }

  onEvent(handler: EventHandler): Unsubscribe {
    this.#handlers.add(handler);
    return () => this.#handlers.delete(handler);
  }
}
