// The file methods of the facade: TIM's file message creators (by local
// path), cancelling an upload, and the host's file access (staging a
// browser File, native drag and drop).
import type { DragDropHandler, Unsubscribe } from '$lib/backend';
import { toImError } from '$lib/backend';
import type { CreateMessageArgs, Empty, FileSource, Message } from '$lib/types';
import type { ImResponse, TimCore } from './core';

/** `create{Image,Video,Audio,File}Message` options: a local file path (and a video's cover and measurements). */
export type FileMessageOptions = CreateMessageArgs<FileSource>;

type FileCommand = 'tim.createImageMessage' | 'tim.createVideoMessage' | 'tim.createAudioMessage' | 'tim.createFileMessage';

/** The file methods over `core`. */
export function fileApi(core: TimCore) {
  async function create(command: FileCommand, options: FileMessageOptions): Promise<Message> {
    const message = await core.call(command, options);
    core.remember([message]);
    return message;
  }

  return {
    /** Image message from a local file (payload pre-filled by the app: size, width/height). */
    createImageMessage(options: FileMessageOptions): Promise<Message> {
      return create('tim.createImageMessage', options);
    },

    createVideoMessage(options: FileMessageOptions): Promise<Message> {
      return create('tim.createVideoMessage', options);
    },

    createAudioMessage(options: FileMessageOptions): Promise<Message> {
      return create('tim.createAudioMessage', options);
    },

    createFileMessage(options: FileMessageOptions): Promise<Message> {
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
