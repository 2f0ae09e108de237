import { SvelteMap } from 'svelte/reactivity';
import type { ImError, Message } from '$lib/types';
import { CONFAB_EVENT, type Rendition, type Tim } from '$lib/tim';
import { toImError } from '$lib/backend';
import { AvatarImages } from './avatars.svelte';

/** One downloaded (or downloading) file of a message. */
export interface MediaEntry {
  state: 'loading' | 'ready' | 'error';
  url?: string;
  path?: string;
  loaded?: number;
  total?: number;
  error?: ImError;
}

/** `app.downloadFile` results cached per message and rendition, with download progress; and the avatar pictures. */
export class MediaFiles {
  readonly entries = new SvelteMap<string, MediaEntry>();
  /** The pictures of avatars in the server's file service (`app.downloadAvatar`), once per session each. */
  readonly avatars: AvatarImages;
  #inflight = new Map<string, Promise<MediaEntry>>();
  #tim: Tim;

  constructor(tim: Tim) {
    this.#tim = tim;
    this.avatars = new AvatarImages(
      (url) => tim.app.downloadAvatar(url),
      () => tim.userID !== null,
    );
    tim.on(CONFAB_EVENT.DOWNLOAD_PROGRESS, (e) => {
      const p = e.data;
      if (!p) return;
      // A download asked for without a rendition reports the one the app chose.
      for (const k of [MediaFiles.key(p.ID, p.rendition ?? 'original'), MediaFiles.key(p.ID, 'default')]) {
        const cur = this.entries.get(k);
        if (cur?.state === 'loading') {
          this.entries.set(k, { ...cur, loaded: p.loaded, total: p.total });
          break;
        }
      }
    });
  }

  static key(ID: string, rendition: Rendition | 'default'): string {
    return `${ID}|${rendition}`;
  }

  get(message: Pick<Message, 'ID'>, rendition: Rendition | 'default' = 'default'): MediaEntry | undefined {
    return this.entries.get(MediaFiles.key(message.ID, rendition));
  }

  /** Downloads once (cached afterwards); a failed download may be asked for again. */
  async load(message: Message, rendition: Rendition | 'default' = 'default'): Promise<MediaEntry> {
    const k = MediaFiles.key(message.ID, rendition);
    const running = this.#inflight.get(k);
    if (running) return running;
    const cur = this.entries.get(k);
    if (cur && cur.state === 'ready') return cur;
    const p = this.#fetch(message, rendition, k).finally(() => this.#inflight.delete(k));
    this.#inflight.set(k, p);
    return p;
  }

  async #fetch(message: Message, rendition: Rendition | 'default', k: string): Promise<MediaEntry> {
    this.entries.set(k, { state: 'loading' });
    try {
      const res = await this.#tim.app.downloadFile(message, rendition === 'default' ? undefined : rendition);
      const entry: MediaEntry = { state: 'ready', url: res.url, path: res.path };
      this.entries.set(k, entry);
      return entry;
    } catch (e) {
      const entry: MediaEntry = { state: 'error', error: toImError(e) };
      this.entries.set(k, entry);
      return entry;
    }
  }

  reset(): void {
    this.entries.clear();
    this.#inflight.clear();
    this.avatars.reset();
  }
}
