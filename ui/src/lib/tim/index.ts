export { Tim, type TimOptions } from './tim';
export { random53, buildMessage, type MessageSeed } from './message-builder';
export type { ImResponse } from './core';
export type { TimEvent, TimEventName, TimHandler, EventDataMap, UploadProgress, DownloadProgress, TimObject } from './events';
export type {
  TextMessageOptions,
  TextAtMessageOptions,
  CustomMessageOptions,
  ForwardMessageOptions,
  MergerMessageOptions,
  SendMessageOptions,
  HoppingOptions,
  HoppingResult,
} from './message';
export type { FileMessageOptions, FileInput } from './file';
export type { SearchLocalMessagesOptions, SearchResult, SearchResultItem } from '$lib/types';
export type { LoginOptions, LoginResult } from './session';
export type { CreateGroupOptions, GroupMemberListOptions, HandleGroupApplicationOptions } from './group';
export type { DeleteConversationOptions, ConversationFilter, ConversationListOptions } from './conversation';
export type { Rendition, PickKind } from '$lib/types';
export { EVENT, TYPES, CONFAB_EVENT } from './constants';
export { ERROR_CODE } from './errors';
