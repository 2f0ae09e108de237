// Sending files in one chat: a provisional bubble per file at once, the
// browser's staging, the video cover, creating the message, then the
// chat's ordinary delivery; upload progress and local previews (what the
// sender sees while a file uploads) by message key.
import type { ImError, Message } from '$lib/types';
import { buildMessage, type FileMessageOptions, type Tim } from '$lib/tim';
import { toImError } from '$lib/backend';
import type { SvelteSet } from 'svelte/reactivity';
import { messageKey } from './names';
import { baseName, kindOfFile, MESSAGE_TYPE_OF_KIND, type FileKind } from './media';
import { blobToBase64, videoCover } from './videoCover';
import { hostPathOf } from './pick-files';

type FileMessagePayload = FileMessageOptions['payload'];

/** A file to send: a browser File (staged first) or a host path (desktop). */
export type FileSource = { file: File; kind?: FileKind } | { path: string; kind?: FileKind; name?: string; size?: number };

/** Upload / download progress in bytes. */
export interface Progress {
  loaded: number;
  total: number;
}

/** What a FileSender needs of its chat. */
export interface FileChat {
  readonly conversationID: string;
  readonly peerID: string;
  readonly conversationType: Message['conversationType'];
  /** Messages sent here take extensions (reactions). */
  readonly extensible: boolean;
  readonly messages: Message[];
  readonly pending: SvelteSet<string>;
  upsert(list: Message[]): void;
  /** Takes a message off the list (a provisional bubble replaced by the created message). */
  remove(key: string): void;
  /** Sends a created message, showing it at once and keeping failures with Retry. */
  deliver(message: Message, send: () => Promise<{ data: { message: Message } }>): Promise<void>;
  setSendError(key: string, err: ImError | null): void;
  /** What Retry does for a message that never got created. */
  setRetry(key: string, retry: () => Promise<void>): void;
  /** Shows an action's error as the chat's notice. */
  fail(e: unknown): ImError;
}

type FileJob = { src: FileSource; kind: FileKind; placeholder: Message };

/** One chat's file sending. */
export class FileSender {
  /** Upload progress by message key (from onMessageUploadProgress, matched by random). */
  progress: Map<string, Progress> = $state.raw(new Map());
  /** Object URLs of images being sent from this browser (shown before the upload ends). */
  localPreviews: Map<string, string> = $state.raw(new Map());
  #tim: Tim;
  #chat: FileChat;

  constructor(tim: Tim, chat: FileChat) {
    this.#tim = tim;
    this.#chat = chat;
  }

  /**
   * Sends each file as its own message, in order: each shows at once (a
   * provisional bubble while a browser File is staged and the message is
   * created), then uploads with its own progress; failures stay with Retry.
   */
  async sendFiles(sources: FileSource[]): Promise<void> {
    const jobs = sources.map((src) => this.#provisional(src));
    await Promise.all(jobs.map((j) => this.#runFileJob(j)));
  }

  #provisional(src: FileSource): FileJob {
    const chat = this.#chat;
    const name = 'file' in src ? src.file.name : (src.name ?? baseName(src.path));
    const size = 'file' in src ? src.file.size : (src.size ?? 0);
    const kind = src.kind ?? kindOfFile(name, 'file' in src ? src.file.type : '');
    const payload: Record<string, unknown> =
      kind === 'file'
        ? { fileName: name, fileSize: size, fileUrl: '', uuid: '' }
        : kind === 'image'
          ? { uuid: '', imageFormat: 0, imageInfoArray: [] }
          : { videoSize: size, videoSecond: 0, videoUrl: '', thumbUrl: '' };
    const placeholder = buildMessage({
      type: MESSAGE_TYPE_OF_KIND[kind],
      payload,
      conversationID: chat.conversationID,
      conversationType: chat.conversationType,
      to: chat.peerID,
      from: this.#tim.userID ?? '',
    });
    const key = messageKey(placeholder);
    if (kind === 'image' && 'file' in src && typeof URL !== 'undefined' && URL.createObjectURL) {
      try {
        this.#setLocalPreview(key, URL.createObjectURL(src.file));
      } catch {
        /* no preview */
      }
    }
    if (kind === 'image' && 'path' in src) {
      // Desktop: the dropped or picked image itself, from the app's local
      // file server, while it uploads.
      this.#tim.app
        .localFileUrl(src.path)
        .then(({ url }) => {
          // The bubble may have become the created message meanwhile.
          const now = this.#currentKey(key);
          if (chat.messages.some((m) => messageKey(m) === now)) this.#setLocalPreview(now, url);
        })
        .catch(() => {
          /* no preview: the bubble waits for the thumbnail */
        });
    }
    chat.upsert([placeholder]);
    chat.pending.add(key);
    return { src, kind, placeholder };
  }

  async #runFileJob(job: FileJob): Promise<void> {
    const chat = this.#chat;
    const pkey = messageKey(job.placeholder);
    let message: Message;
    try {
      const path = await hostPathOf(this.#tim, job.src);
      const payload = job.kind === 'video' ? await this.#videoPayload(job.src, path, pkey) : { file: path };
      const options = { to: chat.peerID, conversationType: chat.conversationType, isSupportExtension: chat.extensible, payload };
      message =
        job.kind === 'image'
          ? await this.#tim.createImageMessage(options)
          : job.kind === 'video'
            ? await this.#tim.createVideoMessage(options)
            : await this.#tim.createFileMessage(options);
    } catch (e) {
      const err = toImError(e);
      chat.pending.delete(pkey);
      chat.upsert([{ ...job.placeholder, status: 'fail' }]);
      chat.setSendError(pkey, { code: err.code, message: err.message });
      chat.setRetry(pkey, async () => {
        chat.upsert([{ ...job.placeholder, status: 'unSend' }]);
        chat.setSendError(pkey, null);
        chat.pending.add(pkey);
        await this.#runFileJob(job);
      });
      return;
    }
    // The created message replaces the provisional bubble.
    chat.remove(pkey);
    chat.pending.delete(pkey);
    this.moveLocalPreview(pkey, messageKey(message));
    await chat.deliver(message, () => this.#tim.sendMessage(message));
  }

  /**
   * A video's payload: its path, plus a cover frame taken in the webview
   * (staged: browser `stageFile`, desktop `app.writeStagedFile`) and what
   * the element measured. Any failure leaves the cover out (never the video).
   */
  async #videoPayload(src: FileSource, path: string, key: string): Promise<FileMessagePayload> {
    const payload: FileMessagePayload = { file: path };
    let objectUrl: string | null = null;
    try {
      let url: string;
      if ('file' in src) {
        objectUrl = URL.createObjectURL(src.file);
        url = objectUrl;
      } else {
        url = (await this.#tim.app.localFileUrl(path)).url;
      }
      const frame = await videoCover.capture(url, { crossOrigin: objectUrl === null });
      if (!frame) return payload;
      // The sender sees the cover at once, while the video uploads.
      if (typeof URL !== 'undefined' && URL.createObjectURL) this.#setLocalPreview(key, URL.createObjectURL(frame.blob));
      if (frame.duration > 0) payload.duration = Math.round(frame.duration * 1000);
      if (frame.videoWidth > 0 && frame.videoHeight > 0) {
        payload.width = frame.videoWidth;
        payload.height = frame.videoHeight;
      }
      payload.snapshot =
        'file' in src
          ? await this.#tim.stageFile(new File([frame.blob], 'cover.jpg', { type: 'image/jpeg' }))
          : (await this.#tim.app.writeStagedFile('cover.jpg', await blobToBase64(frame.blob))).path;
    } catch {
      // No cover: the video goes without one.
    } finally {
      if (objectUrl) URL.revokeObjectURL(objectUrl);
    }
    return payload;
  }

  /** Stops an upload in progress (the message becomes failed, resendable). */
  async cancelUpload(message: Message): Promise<void> {
    try {
      await this.#tim.cancelUpload(message);
    } catch (e) {
      this.#chat.fail(e);
    }
  }

  setProgress(key: string, p: Progress | null): void {
    if (!p && !this.progress.has(key)) return;
    const next = new Map(this.progress);
    if (p) next.set(key, p);
    else next.delete(key);
    this.progress = next;
  }

  #setLocalPreview(key: string, url: string | null): void {
    const next = new Map(this.localPreviews);
    if (url) next.set(key, url);
    else next.delete(key);
    this.localPreviews = next;
  }

  /** Where a bubble's key went (provisional → created), for previews that arrive late. */
  #moved = new Map<string, string>();

  #currentKey(key: string): string {
    let now = key;
    for (let hops = 0; hops < 4 && this.#moved.has(now); hops++) now = this.#moved.get(now) ?? now;
    return now;
  }

  /** The preview follows a message whose key changed (provisional → created → sent). */
  moveLocalPreview(from: string, to: string): void {
    if (from === to) return;
    this.#moved.set(from, to);
    const url = this.localPreviews.get(from);
    if (!url) return;
    const next = new Map(this.localPreviews);
    next.delete(from);
    next.set(to, url);
    this.localPreviews = next;
  }
}
