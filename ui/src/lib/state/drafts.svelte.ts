import { SvelteMap } from 'svelte/reactivity';
import type { KeyValue } from './storage';

/** Unsent text per conversation, kept across restarts (per account). */
export class Drafts {
  #map = new SvelteMap<string, string>();
  #storage: KeyValue;
  #key: string | null = null;

  constructor(storage: KeyValue) {
    this.#storage = storage;
  }

  /** Loads the drafts of an account (its storage name, `accountStorageName`; null: none, e.g. signed out). */
  useUser(name: string | null): void {
    this.#map.clear();
    this.#key = name ? draftsKey(name) : null;
    if (!this.#key) return;
    try {
      const saved = JSON.parse(this.#storage.getItem(this.#key) ?? '{}') as Record<string, string>;
      for (const [k, v] of Object.entries(saved)) if (typeof v === 'string' && v) this.#map.set(k, v);
    } catch {
      /* a broken entry is dropped */
    }
  }

  get(conversationID: string): string {
    return this.#map.get(conversationID) ?? '';
  }

  set(conversationID: string, text: string): void {
    if (text) this.#map.set(conversationID, text);
    else this.#map.delete(conversationID);
    this.#persist();
  }

  #persist(): void {
    if (!this.#key) return;
    this.#storage.setItem(this.#key, JSON.stringify(Object.fromEntries(this.#map)));
  }
}

/** Storage key of an account's drafts (by its storage name). */
export const draftsKey = (name: string) => `confab.drafts.${name}`;
