// Where `Avatar` gets the picture of an avatar URL that cannot be loaded as
// it is (one that needs the signed-in session to fetch). Set once at the
// root; without it every URL is loaded as it is.
import { createContext } from 'svelte';

/** The pictures of avatar URLs. */
export interface AvatarSource {
  /** The URL to show for `src` now (reactive): `src` itself, a local copy, or null (the initials). */
  current(src: string): string | null;
  /** Fetches `src`'s picture when it needs fetching; at most once per session. */
  load(src: string): unknown;
}

export const [getAvatarSource, setAvatarSource, hasAvatarSource] = createContext<AvatarSource>();
