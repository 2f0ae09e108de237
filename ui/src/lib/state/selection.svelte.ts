// The multi-select mode of one chat: which messages are selected (by
// key, at most MAX_SELECTION) for forwarding or deleting together.
import type { Message } from '$lib/types';
import { MAX_SELECTION } from './media';
import { messageKey } from './names';

/** A chat's selection. `onLimit` is told when a toggle is refused at MAX_SELECTION. */
export class Selection {
  /** Multi-select mode is on. */
  selecting = $state(false);
  /** The selected message keys, in the order they were picked. */
  selected: string[] = $state([]);
  #onLimit: () => void;

  constructor(onLimit: () => void) {
    this.#onLimit = onLimit;
  }

  start(first?: Message): void {
    this.selecting = true;
    this.selected = first ? [messageKey(first)] : [];
  }

  stop(): void {
    this.selecting = false;
    this.selected = [];
  }

  /** Toggles a message; refuses beyond MAX_SELECTION (and tells `onLimit`). */
  toggle(m: Message): boolean {
    const key = messageKey(m);
    if (this.selected.includes(key)) {
      this.selected = this.selected.filter((k) => k !== key);
      return true;
    }
    if (this.selected.length >= MAX_SELECTION) {
      this.#onLimit();
      return false;
    }
    this.selected = [...this.selected, key];
    return true;
  }

  /** Forgets these keys (their messages are gone). */
  drop(keys: ReadonlySet<string>): void {
    this.selected = this.selected.filter((k) => !keys.has(k));
  }

  /** The selected messages among `messages`, in their order. */
  messagesOf(messages: readonly Message[]): Message[] {
    const keys = new Set(this.selected);
    return messages.filter((m) => keys.has(messageKey(m)));
  }
}
