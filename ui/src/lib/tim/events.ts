// The facade's event map, derived from the Rust event type: every event
// on the channel is the generated `AppEvent` union (the SDK's TIM events
// plus the app's own), plus the web backend's bridge event.
import type { AppEvent } from '$lib/types';
import type { BRIDGE_EVENT, BridgeEventData } from '$lib/backend/backend';

/** The web backend's bridge link event (not from Rust: the WebSocket's own state). */
export interface BridgeEvent {
  name: typeof BRIDGE_EVENT;
  data: BridgeEventData;
}

/** Every event a handler can receive. */
export type AnyTimEvent = AppEvent | BridgeEvent;

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
