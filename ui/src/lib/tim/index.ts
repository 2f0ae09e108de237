export { Tim } from './tim';
export { random53, buildMessage, type MessageSeed } from './message-builder';
export type { ImResponse } from './core';
export type { TimEvent, TimEventName, TimHandler, EventDataMap, UploadProgress, DownloadProgress } from './events';
export type {
  TextMessageOptions,
  ForwardMessageOptions,
  MergerMessageOptions,
  SendMessageOptions,
  HoppingOptions,
  HoppingResult,
} from './message';
export type { FileMessageOptions } from './file';
export type { DeleteConversationOptions } from './conversation';
export type { Rendition, PickKind } from '$lib/types';
export { EVENT, TYPES, CONFAB_EVENT } from './constants';
export { ERROR_CODE } from './errors';
