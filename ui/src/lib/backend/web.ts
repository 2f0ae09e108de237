import type { BackendEvent, CommandArgs, CommandName, CommandResult, ImError } from '$lib/types';
import {
  BRIDGE_EVENT,
  NETWORK_ERROR,
  toImError,
  type Backend,
  type DragDropHandler,
  type EventHandler,
  type Unsubscribe,
} from './backend';

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: ImError) => void;
  frame: string;
}

type Frame =
  | { id: number; ok: unknown }
  | { id: number; error: ImError }
  | { event: BackendEvent };

/**
 * The web host's bridge: a WebSocket to `/bridge` on the page's own host.
 * Requests carry ids; calls made while the link is down wait for it; the
 * link reconnects with backoff. Link changes are reported as
 * `confab.bridge` events.
 */
export class WebBackend implements Backend {
  #url: string;
  #ws: WebSocket | null = null;
  #open = false;
  #nextId = 1;
  #pending = new Map<number, Pending>();
  #queue: number[] = [];
  #handlers = new Set<EventHandler>();
  #retry = 0;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #closed = false;
  #refused = false;

  constructor(url?: string) {
    this.#url = url ?? WebBackend.defaultUrl();
    this.#connect();
  }

  static defaultUrl(): string {
    const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
    return `${proto}//${location.host}/bridge`;
  }

  get connected(): boolean {
    return this.#open;
  }

  call<C extends CommandName>(command: C, args: CommandArgs<C>): Promise<CommandResult<C>> {
    const id = this.#nextId++;
    const frame = JSON.stringify({ id, command, args });
    return new Promise<CommandResult<C>>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (v: unknown) => void, reject, frame });
      if (this.#open && this.#ws) this.#ws.send(frame);
      else this.#queue.push(id);
    });
  }

  onEvent(handler: EventHandler): Unsubscribe {
    this.#handlers.add(handler);
    return () => this.#handlers.delete(handler);
  }

  // ---- files ----------------------------------------------------------------

  readonly nativeFiles = false;
  readonly hostLocale = false;

  /** `POST /stage?name=…` with the raw bytes → `{path}` (the host's local copy). */
  async stageFile(file: File): Promise<string> {
    let res: Response;
    try {
      res = await fetch(`${WebBackend.httpBase(this.#url)}/stage?name=${encodeURIComponent(file.name || 'file')}`, {
        method: 'POST',
        headers: { 'Content-Type': file.type || 'application/octet-stream' },
        body: file,
      });
    } catch (e) {
      throw { code: NETWORK_ERROR, message: e instanceof Error ? e.message : String(e) } satisfies ImError;
    }
    let body: unknown = null;
    try {
      body = await res.json();
    } catch {
      /* not JSON */
    }
    if (!res.ok) throw toImError(body ?? { code: -1, message: `stage failed: HTTP ${res.status}` });
    const path = (body as { path?: unknown } | null)?.path;
    if (typeof path !== 'string') throw { code: -1, message: 'stage: no path in the answer' } satisfies ImError;
    return path;
  }

  /** The browser's own HTML5 drag and drop is used instead. */
  onDragDrop(_handler: DragDropHandler): Unsubscribe {
    return () => {};
  }

  /** `ws://host/bridge` → `http://host`. */
  static httpBase(wsUrl: string): string {
    const u = new URL(wsUrl);
    return `${u.protocol === 'wss:' ? 'https:' : 'http:'}//${u.host}`;
  }

  /** Closes the link for good (tests, page unload). */
  close(): void {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#ws?.close();
  }

  #emit(event: BackendEvent): void {
    for (const h of [...this.#handlers]) {
      try {
        h(event);
      } catch (e) {
        console.warn('event handler failed', event.name, e);
      }
    }
  }

  #connect(): void {
    if (this.#closed) return;
    let ws: WebSocket;
    try {
      ws = new WebSocket(this.#url);
    } catch (e) {
      this.#scheduleReconnect();
      return;
    }
    this.#ws = ws;
    ws.onopen = () => {
      this.#open = true;
      this.#refused = false;
      this.#retry = 0;
      const queued = this.#queue;
      this.#queue = [];
      for (const id of queued) {
        const p = this.#pending.get(id);
        if (p) ws.send(p.frame);
      }
      this.#emit({ name: BRIDGE_EVENT, data: { connected: true } });
    };
    ws.onmessage = (e) => this.#onFrame(e.data);
    ws.onclose = () => {
      const wasOpen = this.#open;
      this.#open = false;
      this.#ws = null;
      // Requests already sent cannot be answered by the next link.
      for (const [id, p] of this.#pending) {
        if (!this.#queue.includes(id)) {
          this.#pending.delete(id);
          p.reject({ code: NETWORK_ERROR, message: 'The connection to the app was lost' });
        }
      }
      if (wasOpen) this.#emit({ name: BRIDGE_EVENT, data: { connected: false } });
      else void this.#checkRefused();
      this.#scheduleReconnect();
    };
    ws.onerror = () => {
      /* onclose follows */
    };
  }

  /**
   * A WebSocket that fails to open tells the page nothing; a plain GET of
   * the bridge answers 401 when the host refuses this browser (no session
   * cookie): then the UI asks the user to open the printed URL.
   */
  async #checkRefused(): Promise<void> {
    let refused: boolean;
    try {
      const res = await fetch(`${WebBackend.httpBase(this.#url)}/bridge`, { cache: 'no-store' });
      refused = res.status === 401;
    } catch {
      return; // the host is down: keep reconnecting
    }
    if (refused && !this.#refused && !this.#open) this.#emit({ name: BRIDGE_EVENT, data: { connected: false, refused } });
    this.#refused = refused;
  }

  #scheduleReconnect(): void {
    if (this.#closed) return;
    const delay = Math.min(5000, 250 * 2 ** this.#retry++);
    this.#timer = setTimeout(() => this.#connect(), delay);
  }

  #onFrame(raw: unknown): void {
    if (typeof raw !== 'string') return;
    let frame: Frame;
    try {
      frame = JSON.parse(raw) as Frame;
    } catch {
      console.warn('bridge: unparsable frame');
      return;
    }
    if ('event' in frame) {
      this.#emit(frame.event);
      return;
    }
    const p = this.#pending.get(frame.id);
    if (!p) return;
    this.#pending.delete(frame.id);
    if ('error' in frame) p.reject(toImError(frame.error));
    else p.resolve(frame.ok);
  }
}
