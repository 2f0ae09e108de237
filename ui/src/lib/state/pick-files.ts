// Choosing local files to send: the desktop host's native picker gives
// paths; the browser has none (`app.pickFiles` answers 90011 there), so a
// file input chooses, and its Files are staged on the host (`stageFile`)
// for their paths there.
import type { PickKind, Tim } from '$lib/tim';
import { toImError, UNSUPPORTED } from '$lib/backend';

/** A file input's `accept` per kind (what the SDK takes; '' any file). */
export const ACCEPT: Record<PickKind, string> = {
  image: 'image/jpeg,image/png,image/gif,image/webp,image/bmp',
  video: 'video/mp4,video/quicktime,video/webm',
  file: '',
};

/**
 * The paths chosen in the host's native picker ([] when it was cancelled);
 * null where the host has none (the browser): a file input chooses then.
 * Rejects with the picker's other errors.
 */
export async function pickNative(tim: Tim, kind: PickKind, multiple: boolean): Promise<string[] | null> {
  if (!tim.nativeFiles) return null;
  try {
    return (await tim.app.pickFiles(kind, multiple)).paths;
  } catch (e) {
    const err = toImError(e);
    if (err.code === UNSUPPORTED) return null;
    throw err;
  }
}

/** A chosen file: a host path (desktop) or a browser File. */
export type ChosenFile = { path: string } | { file: File };

/** The host path of a chosen file: a path as it is, a browser File staged on the host. */
export async function hostPathOf(tim: Tim, chosen: ChosenFile): Promise<string> {
  return 'path' in chosen ? chosen.path : tim.stageFile(chosen.file);
}
