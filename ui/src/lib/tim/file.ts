// The file methods of the facade: TIM's file message creators, cancelling
// an upload, and the host's file access (staging a browser File, native
// drag and drop).
//
// A creator returns the Message at once, as TIM's do. `payload.file` is
// what TIM accepts in a browser (a File or Blob, or an `<input type=file>`
// element: its first file) or, as the desktop app gives it, a local path.
// The SDK's part (staging a browser file on the host, reading the file's
// headers) runs in the background; `sendMessage` waits for it, and its
// failure (2251 no file, 2253 too large, …) is the send's. The message
// keeps its `random` (the key of an own message) throughout; its `ID`
// becomes the SDK's when the SDK has read the file (the SDK knows the
// file by that ID), before it is sent. `onProgress`
// gets the upload's progress as a fraction from 0 to 1.
import type { DragDropHandler, Unsubscribe } from '$lib/backend';
import { toImError } from '$lib/backend';
import type { CreateMessageArgs, Empty, FileSource, ImError, Message } from '$lib/types';
import { TYPES } from './constants';
import type { ImResponse, TimCore } from './core';

/** What `payload.file` may be: a local path, a File/Blob, or a file input element. */
export type FileInput = string | Blob | { files: ArrayLike<File> | null };

/** `create{Image,Video,Audio,File}Message` options: TIM's, with the file as a path, File, Blob or file input. */
export type FileMessageOptions = CreateMessageArgs<Omit<FileSource, 'file'> & { file: FileInput }> & {
  /** Upload progress, a fraction from 0 to 1 (TIM's `onProgress`). */
  onProgress?: (percent: number) => void;
};

type FileCommand = 'tim.createImageMessage' | 'tim.createVideoMessage' | 'tim.createAudioMessage' | 'tim.createFileMessage';

/** TIM's "no file selected" code per creator. */
const NO_FILE: Record<FileCommand, number> = {
  'tim.createImageMessage': 2251,
  'tim.createVideoMessage': 2401,
  'tim.createAudioMessage': 2401,
  'tim.createFileMessage': 2401,
};

const TYPE_OF: Record<FileCommand, string> = {
  'tim.createImageMessage': TYPES.MSG_IMAGE,
  'tim.createVideoMessage': TYPES.MSG_VIDEO,
  'tim.createAudioMessage': TYPES.MSG_AUDIO,
  'tim.createFileMessage': TYPES.MSG_FILE,
};

/** The one file `payload.file` names, or null (an input with nothing chosen). */
function pickedFile(file: FileInput | null | undefined): string | Blob | null {
  if (typeof file === 'string') return file || null;
  if (file instanceof Blob) return file;
  if (file && typeof file === 'object' && 'files' in file) return file.files?.[0] ?? null;
  return null;
}

/** The TIM payload a file message shows before the SDK read the file. */
function provisionalPayload(file: string | Blob): Record<string, unknown> {
  const fileName = typeof file === 'string' ? (file.split(/[\\/]/).pop() ?? '') : file instanceof File ? file.name : '';
  const fileSize = typeof file === 'string' ? 0 : file.size;
  return { uuid: '', fileName, fileSize, fileUrl: '', url: '', size: fileSize, imageInfoArray: [] };
}

/** The file methods over `core`. */
export function fileApi(core: TimCore) {
  /** A host path for the file: the path itself, or a File/Blob staged on the host. */
  async function hostPath(file: string | Blob): Promise<string> {
    if (typeof file === 'string') return file;
    const named = file instanceof File ? file : new File([file], 'file', { type: file.type });
    try {
      return await core.backend.stageFile(named);
    } catch (e) {
      throw toImError(e);
    }
  }

  function create(command: FileCommand, options: FileMessageOptions): Message {
    const { onProgress, payload, ...rest } = options;
    const file = pickedFile(payload?.file);
    if (!file) throw { code: NO_FILE[command], message: 'payload.file: no file selected' } satisfies ImError;
    const message = core.ownMessage({ type: TYPE_OF[command], payload: provisionalPayload(file) }, rest);
    if (onProgress) core.progress.set(message.random, onProgress);
    // TIM Web: an audio File carries its duration (ms) as a property.
    const duration = payload.duration ?? (file as { duration?: unknown }).duration;
    core.prepare(message, async () => {
      const source: FileSource = { ...payload, file: await hostPath(file) };
      if (typeof duration === 'number') source.duration = duration;
      // The SDK's message takes this one's time and random: the same ID.
      return core.call(command, { ...rest, payload: source, time: message.time, random: message.random });
    });
    return message;
  }

  return {
    /** Image message (JPEG, PNG, GIF, BMP, WebP); synchronous. */
    createImageMessage(options: FileMessageOptions): Message {
      return create('tim.createImageMessage', options);
    },

    /** Video message (MP4, MOV, WebM); synchronous. */
    createVideoMessage(options: FileMessageOptions): Message {
      return create('tim.createVideoMessage', options);
    },

    /** Audio message (`payload.file.duration` or `payload.duration` in ms); synchronous. */
    createAudioMessage(options: FileMessageOptions): Message {
      return create('tim.createAudioMessage', options);
    },

    /** File message (any file up to 100 MB); synchronous. */
    createFileMessage(options: FileMessageOptions): Message {
      return create('tim.createFileMessage', options);
    },

    /** Stops an upload: the message becomes `fail` (resendable). */
    cancelUpload(message: Message): Promise<ImResponse<Empty>> {
      return core.tim('tim.cancelUpload', { message });
    },

    /** The host gives file paths itself (desktop); the browser stages Files. */
    get nativeFiles(): boolean {
      return core.backend.nativeFiles;
    },

    /** Browser: copies a File to the host and returns its path there. */
    async stageFile(file: File): Promise<string> {
      try {
        return await core.backend.stageFile(file);
      } catch (e) {
        throw toImError(e);
      }
    },

    /** Native drag and drop over the window (desktop). */
    onDragDrop(handler: DragDropHandler): Unsubscribe {
      return core.backend.onDragDrop(handler);
    },
  };
}

/** The file methods of `Tim`. */
export type FileApi = ReturnType<typeof fileApi>;
