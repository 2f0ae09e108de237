export { Tim, random53 } from './tim';
export type {
  ImResponse,
  TimEvent,
  TimEventName,
  TimHandler,
  EventDataMap,
  TextMessageOptions,
  FileMessageOptions,
  ForwardMessageOptions,
  MergerMessageOptions,
  HoppingOptions,
  HoppingResult,
  UploadProgress,
  DownloadProgress,
  Rendition,
  PickKind,
} from './tim';
export { EVENT, TYPES, CONFAB_EVENT } from './constants';
