// The facade's event map: every event on the channel is the generated
// `AppEvent` union (the SDK's TIM events plus the app's own) or the web
// backend's bridge event (GROUP_LIST_UPDATED, GROUP_ATTRIBUTES_UPDATED and
// GROUP_COUNTER_UPDATED among the SDK's, typed by the generated `Event`);
// TIM's events Confab does not emit yet (group system notices,
// …) are typed here with TIM's data shapes,
// so `on(TIM.EVENT.X, …)` type-checks for every one of TIM's 31 events.
import type { AppEvent, Conversation, Message } from '$lib/types';
import type { BRIDGE_EVENT, BridgeEventData } from '$lib/backend/backend';
import type { EVENT } from './constants';

/** The web backend's bridge link event (not from Rust: the WebSocket's own state). */
export interface BridgeEvent {
  name: typeof BRIDGE_EVENT;
  data: BridgeEventData;
}

/** A TIM object Confab does not model yet (group, friend, topic, …): its fields as TIM names them. */
export type TimObject = Record<string, unknown>;

/** The data of TIM's events that no Confab component emits yet (TIM's shapes). */
interface NotYetEmitted {
  [EVENT.GROUP_SYSTEM_NOTICE_RECEIVED]: { message: Message; type: number };
  [EVENT.SDK_RELOAD]: undefined;
}

/** An event of `NotYetEmitted` as `{name, data}`. */
type NotYetEmittedEvent = { [K in keyof NotYetEmitted]: { name: K; data: NotYetEmitted[K] } }[keyof NotYetEmitted];

/** Every event a handler can receive. */
export type AnyTimEvent = AppEvent | BridgeEvent | Exclude<NotYetEmittedEvent, { name: AppEvent['name'] }>;

/** An event name (TIM.EVENT values and Confab's). */
export type TimEventName = AnyTimEvent['name'];

/** The data each event carries (`event.data` in a handler); `undefined` for events without data. */
export type EventDataMap = {
  [K in TimEventName]: Extract<AnyTimEvent, { name: K }> extends { data: infer D } ? D : undefined;
};

/** An event as a handler receives it. */
export interface TimEvent<K extends TimEventName> {
  name: K;
  data: EventDataMap[K];
}

/** A handler of one event. */
export type TimHandler<K extends TimEventName> = (event: TimEvent<K>) => void;

/** `onMessageUploadProgress`: bytes uploaded so far for an outgoing file message. */
export type UploadProgress = EventDataMap['onMessageUploadProgress'];

/** `onFileDownloadProgress`. */
export type DownloadProgress = EventDataMap['onFileDownloadProgress'];

/** Every TIM.EVENT value the map lacks: must stay `never` (checked by the type below). */
type MissingTimEvents = Exclude<(typeof EVENT)[keyof typeof EVENT], TimEventName>;

/** Fails to compile when a TIM event is missing from the map. */
export const EVERY_TIM_EVENT_IS_TYPED: [MissingTimEvents] extends [never] ? true : MissingTimEvents = true;
