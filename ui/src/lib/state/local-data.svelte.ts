// The local data: exporting a conversation (an HTML page to read, or JSON
// for other programs) and backing up or restoring the whole local store.
// The app commands write the file into the download cache; it is then
// saved where the user says (desktop: the native save dialog) or downloaded
// (browser: no dialog, `app.saveFileAs` is unsupported there). A restore
// stops the session and logs the same user in again: the app stays signed
// in meanwhile (`Session.restoreLocalStore`), then reads the conversation
// list and the chats again from the restored store.
import type { ExportFormat, ExportedFile, ImError } from '$lib/types';
import type { MessageKey } from '$lib/i18n/messages';
import type { Params } from '$lib/i18n/i18n.svelte';
import { dataErrorKey, type DataOperation } from '$lib/i18n/data-errors';
import { toImError, UNSUPPORTED } from '$lib/backend';
import { EVENT } from '$lib/tim';
import type { AppModel } from './app.svelte';
import { perApp } from './per-app.svelte';
import { hostPathOf, type ChosenFile } from './pick-files';

/** A result line: what was done, or what went wrong (with its code). */
export interface DataNotice {
  tone: 'success' | 'error';
  key: MessageKey;
  params?: Params;
  code?: number;
}

/** How a made file reached the user: saved where they chose, not saved (dialog cancelled), or handed to the browser's downloads. */
export type SaveOutcome = { kind: 'saved'; path: string } | { kind: 'cancelled' } | { kind: 'downloaded' };

/**
 * Starts the browser's download of `url`, suggesting `fileName`: the web
 * host names the download from `?name=` (a browser ignores `<a download>`
 * across origins, and the cache serves files from its own).
 */
export function downloadInBrowser(url: string, fileName: string): void {
  const a = document.createElement('a');
  const named = new URL(url, location.href);
  named.searchParams.set('name', fileName);
  a.href = named.toString();
  a.download = fileName;
  a.rel = 'noopener';
  a.hidden = true;
  document.body.appendChild(a);
  a.click();
  a.remove();
}

/** The longest a restore waits for SDK_READY before reading the lists again anyway. */
export const READY_WAIT_MS = 20_000;

export interface LocalDataOptions {
  /** Starts a browser download (tests replace it). */
  download?: (url: string, fileName: string) => void;
  /** How long a restore waits for SDK_READY. */
  readyWaitMs?: number;
}

/** Export, backup and restore of the local data, with their busy states and result lines. */
export class LocalData {
  /** The conversation whose export dialog is open (null: none). */
  exportTarget: { conversationID: string; title: string } | null = $state.raw(null);
  format: ExportFormat = $state('html');
  /** An export is being made and saved. */
  exporting = $state(false);
  /** The export dialog's result line. */
  exportNotice: DataNotice | null = $state.raw(null);
  /** What the settings' local-data section is doing. */
  busy: 'backup' | 'restore' | null = $state(null);
  /** The settings' local-data result line. */
  notice: DataNotice | null = $state.raw(null);
  /**
   * Counts the times the local store was replaced under the running
   * session: the views are made again each time, so that what they asked
   * for when made (members, statuses, the block list) is asked again.
   */
  generation = $state(0);

  #app: AppModel;
  #download: (url: string, fileName: string) => void;
  #readyWaitMs: number;
  /** The running restore stopped the session (SDK_NOT_READY came). */
  #sessionStopped = false;
  /** The views were made anew by a restore (its result line stays). */
  #remade = false;

  constructor(app: AppModel, options: LocalDataOptions = {}) {
    this.#app = app;
    this.#download = options.download ?? downloadInBrowser;
    this.#readyWaitMs = options.readyWaitMs ?? READY_WAIT_MS;
    // A sign-out (or a kick) ends what was shown for that session; a
    // restore's own stop of the session does not.
    app.tim.on(EVENT.SDK_NOT_READY, () => {
      if (this.busy === 'restore') {
        this.#sessionStopped = true;
        return;
      }
      if (!this.exporting) {
        this.exportTarget = null;
        this.exportNotice = null;
      }
      if (!this.busy) this.notice = null;
    });
  }

  /** Opens the export dialog of a conversation; `title` is its name as the UI shows it. */
  openExport(conversationID: string, title: string): void {
    if (this.exporting) return;
    this.exportTarget = { conversationID, title };
    this.exportNotice = null;
  }

  /** Closes the export dialog (not while an export runs: its result would have nowhere to show). */
  closeExport(): void {
    if (this.exporting) return;
    this.exportTarget = null;
    this.exportNotice = null;
  }

  /** Exports the dialog's conversation in the chosen format and saves the file; the outcome lands in `exportNotice`. */
  async exportChat(): Promise<void> {
    const target = this.exportTarget;
    if (!target || this.exporting) return;
    this.exporting = true;
    this.exportNotice = null;
    try {
      const file = await this.#app.tim.app.exportConversation({
        conversationID: target.conversationID,
        format: this.format,
        title: target.title,
        language: this.#app.i18n.locale === 'zh-CN' ? 'zh' : 'en',
      });
      const outcome = await this.save(file);
      if (outcome.kind !== 'cancelled') {
        this.exportNotice = { tone: 'success', key: 'data.exported', params: { count: file.messageCount } };
      }
    } catch (e) {
      this.exportNotice = failure('export', toImError(e));
    } finally {
      this.exporting = false;
    }
  }

  /** Makes a backup of the whole local store and saves it; the outcome lands in `notice`. */
  async backup(): Promise<void> {
    if (this.busy) return;
    this.busy = 'backup';
    this.notice = null;
    try {
      const outcome = await this.save(await this.#app.tim.app.backupLocalStore());
      if (outcome.kind === 'saved') this.notice = { tone: 'success', key: 'data.backupSaved', params: { path: outcome.path } };
      else if (outcome.kind === 'downloaded') this.notice = { tone: 'success', key: 'data.backupDownloaded' };
    } catch (e) {
      this.notice = failure('backup', toImError(e));
    } finally {
      this.busy = null;
    }
  }

  /**
   * Replaces the local store with a chosen backup (a host path, or a
   * browser File staged first), then reads the conversation list and the
   * chats again once the SDK is ready. The outcome lands in `notice`;
   * true when restored.
   */
  async restore(chosen: ChosenFile): Promise<boolean> {
    if (this.busy) return false;
    this.busy = 'restore';
    this.notice = null;
    this.#sessionStopped = false;
    const ready = this.#nextReady();
    try {
      const path = await hostPathOf(this.#app.tim, chosen);
      await this.#app.session.restoreLocalStore(path);
      await this.#reread(ready.done);
      this.notice = { tone: 'success', key: 'data.restored' };
      return true;
    } catch (e) {
      // A restore that failed after the session stopped started it again
      // over the store as it was: what the views held was dropped all the same.
      if (this.#sessionStopped && this.#app.session.phase === 'main') await this.#reread(ready.done);
      this.notice = failure('restore', toImError(e));
      return false;
    } finally {
      ready.cancel();
      this.busy = null;
    }
  }

  /**
   * Saves a made file: the desktop's save dialog, else (the browser, whose
   * host has none) a download of its URL.
   */
  async save(file: ExportedFile): Promise<SaveOutcome> {
    const tim = this.#app.tim;
    if (tim.nativeFiles) {
      try {
        const { path } = await tim.app.saveFileAs(file.path, file.fileName);
        return path ? { kind: 'saved', path } : { kind: 'cancelled' };
      } catch (e) {
        const err = toImError(e);
        if (err.code !== UNSUPPORTED) throw err;
      }
    }
    this.#download(file.url, file.fileName);
    return { kind: 'downloaded' };
  }

  /**
   * The settings' section was made: the last result line is no news any
   * more, unless the section was made anew by the restore it tells of.
   */
  sectionShown(): void {
    if (this.#remade) this.#remade = false;
    else if (!this.busy) this.notice = null;
  }

  /** Once the SDK is ready again: the conversation list (replaced), the chats read so far, my profile; then the views anew. */
  async #reread(ready: Promise<void>): Promise<void> {
    await ready;
    const app = this.#app;
    await Promise.all([app.conversations.load(true), app.chats.storeReplaced(), app.profile.load()]);
    this.#remade = true;
    this.generation++;
  }

  /** Resolves at the next SDK_READY, or after the wait (a restore whose login stays unready still shows what the store has). */
  #nextReady(): { done: Promise<void>; cancel: () => void } {
    const tim = this.#app.tim;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let handler: (() => void) | undefined;
    const done = new Promise<void>((resolve) => {
      handler = () => resolve();
      tim.on(EVENT.SDK_READY, handler);
      timer = setTimeout(resolve, this.#readyWaitMs);
    });
    const cancel = () => {
      if (handler) tim.off(EVENT.SDK_READY, handler);
      clearTimeout(timer);
    };
    void done.then(cancel);
    return { done, cancel };
  }
}

function failure(operation: DataOperation, err: ImError): DataNotice {
  return { tone: 'error', key: dataErrorKey(operation, err), code: err.code };
}

/** The app's local data (one per app). */
export const localDataOf = perApp((app) => new LocalData(app));
