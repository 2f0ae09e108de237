// The pictures of avatars kept in the server's file service (an uploaded
// avatar's URL is `…/files/<64 hex>`, which only a signed-in client may
// fetch): each is fetched once per session through `app.downloadAvatar` and
// shown from the local URL that returns. Any other avatar URL is shown as
// it is. A failed fetch shows the initials; a lasting failure (not a file
// of this server, nobody's avatar any more) is not asked again this
// session, a passing one (offline, not signed in yet) is asked again when
// an avatar with that URL is next shown.
import { SvelteMap } from 'svelte/reactivity';
import { toImError } from '$lib/backend';

const FILE_URL = /\/files\/[0-9a-f]{64}(?:[?#]|$)/;

/** True for an avatar URL of a file service: `…/files/` then 64 lowercase hex digits, at the end of its path. */
export function isAvatarFileUrl(url: string): boolean {
  return FILE_URL.test(url);
}

/** Codes of a fetch that may work later in this session (offline, not signed in yet). */
const PASSING = new Set([2800, 2801, 2805, 2024, 3005]);

/** Fetches an avatar file into the local cache: `app.downloadAvatar`. */
export type AvatarDownload = (url: string) => Promise<{ url: string }>;

/** The avatar pictures of one session, by avatar URL. */
export class AvatarImages {
  /** The fetches asked for, by avatar URL: the local URL, or null when it failed. */
  readonly #fetches = new Map<string, Promise<string | null>>();
  /** The fetches that ended, for the views: the local URL, or null (initials). */
  readonly #done = new SvelteMap<string, string | null>();
  #download: AvatarDownload;
  #signedIn: () => boolean;

  /** `signedIn`: whether fetches can work yet (they are not asked for before). */
  constructor(download: AvatarDownload, signedIn: () => boolean) {
    this.#download = download;
    this.#signedIn = signedIn;
  }

  /**
   * The URL to show for avatar `src` now (reactive): `src` itself when it
   * needs no fetching, the fetched local URL, or null (the initials) while
   * it is fetched or when the fetch failed.
   */
  current(src: string): string | null {
    if (!isAvatarFileUrl(src)) return src;
    return this.#done.get(src) ?? null;
  }

  /** Fetches `src` unless it needs no fetching or was fetched (or is being) this session. */
  load(src: string): Promise<string | null> {
    if (!isAvatarFileUrl(src)) return Promise.resolve(src);
    const known = this.#fetches.get(src);
    if (known) return known;
    if (!this.#signedIn()) return Promise.resolve(null);
    const fetch = this.#fetch(src);
    this.#fetches.set(src, fetch);
    return fetch;
  }

  async #fetch(src: string): Promise<string | null> {
    try {
      const { url } = await this.#download(src);
      if (this.#fetches.has(src)) this.#done.set(src, url);
      return url;
    } catch (e) {
      const err = toImError(e);
      if (PASSING.has(err.code)) this.#fetches.delete(src);
      else if (this.#fetches.has(src)) this.#done.set(src, null);
      return null;
    }
  }

  /** Forgets every fetch (a session ended). */
  reset(): void {
    this.#fetches.clear();
    this.#done.clear();
  }
}
