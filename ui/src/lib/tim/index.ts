export { Tim, random53 } from './tim';
export type { ImResponse, TimEvent, TimEventName, TimHandler, EventDataMap, TextMessageOptions } from './tim';
export { EVENT, TYPES, CONFAB_EVENT } from './constants';
