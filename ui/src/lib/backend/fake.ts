import type { BackendEvent, CommandArgs, CommandName, CommandResult, ImError, Message } from '$lib/types';
import { buildMessage } from '$lib/tim/message-builder';
import type { Backend, DragDropEvent, DragDropHandler, EventHandler, Unsubscribe } from './backend';

export type FakeHandler = (args: Record<string, unknown>) => unknown | Promise<unknown>;

/**
 * Unit-test backend: commands answered by registered handlers, every call
 * recorded, events pushed by the test. No network.
 *
 * `withMedia()` adds an in-memory implementation of the file and message
 * operation commands of issue 5 (create*Message from paths, send with
 * simulated upload progress, revoke, modify, delete, forward, merger,
 * downloadFile, pickers), so the UI logic can be tested without a host.
 */
export class FakeBackend implements Backend {
  calls: { command: string; args: Record<string, unknown> }[] = [];
  #routes = new Map<string, FakeHandler>();
  #handlers = new Set<EventHandler>();
  #drops = new Set<DragDropHandler>();

  /** Tauri-like (paths from pickers / drops) when true; browser-like otherwise. */
  nativeFiles = false;
  /** Desktop-like (the host's locale is the system's) when true. */
  hostLocale = false;
  /** Files passed to stageFile, in order. */
  staged: File[] = [];
  /** When set, stageFile rejects with it. */
  stageError: ImError | null = null;

  handle(command: CommandName, handler: FakeHandler): this {
    this.#routes.set(command, handler);
    return this;
  }

  async call<C extends CommandName>(command: C, args: CommandArgs<C>): Promise<CommandResult<C>> {
    const a = args as Record<string, unknown>;
    this.calls.push({ command, args: a });
    const route = this.#routes.get(command);
    if (!route) throw { code: -1, message: `FakeBackend: no handler for ${command}` } satisfies ImError;
    return (await route(a)) as CommandResult<C>;
  }

  onEvent(handler: EventHandler): Unsubscribe {
    this.#handlers.add(handler);
    return () => this.#handlers.delete(handler);
  }

  emit(name: string, data?: unknown): void {
    const event: BackendEvent = { name, data };
    for (const h of [...this.#handlers]) h(event);
  }

  callsOf(command: string): Record<string, unknown>[] {
    return this.calls.filter((c) => c.command === command).map((c) => c.args);
  }

  async stageFile(file: File): Promise<string> {
    if (this.stageError) throw this.stageError;
    this.staged.push(file);
    return `/staged/${this.staged.length}/${file.name}`;
  }

  onDragDrop(handler: DragDropHandler): Unsubscribe {
    this.#drops.add(handler);
    return () => this.#drops.delete(handler);
  }

  /** Simulates a native drag-drop event (Tauri). */
  dragDrop(event: DragDropEvent): void {
    for (const h of [...this.#drops]) h(event);
  }

  /** Installs the in-memory media / message-operation commands. */
  withMedia(options: FakeMediaOptions = {}): FakeMedia {
    return new FakeMedia(this, options);
  }
}

export interface FakeMediaOptions {
  /** The signed-in user (`from` of created messages). */
  userID?: string;
  /** Sends of file messages wait for `finishSend(random)` instead of completing at once. */
  holdSends?: boolean;
  /** Seconds "now" for revoke windows (default: the wall clock). */
  now?: () => number;
}

const FILE_TYPES = new Set(['TIMImageElem', 'TIMVideoFileElem', 'TIMSoundElem', 'TIMFileElem']);

/** In-memory message store answering the issue-5 commands on a FakeBackend. */
export class FakeMedia {
  readonly messages = new Map<string, Message>();
  #b: FakeBackend;
  #opts: FakeMediaOptions;
  #seq = 0;
  #nextRandom = 1;
  #held = new Map<number, { resolve: () => void; reject: (e: ImError) => void }>();

  constructor(b: FakeBackend, opts: FakeMediaOptions) {
    this.#b = b;
    this.#opts = opts;
    const create = (type: string, payload: (file: string) => Record<string, unknown>) => (a: Record<string, unknown>) => {
      const file = String((a.payload as { file?: unknown } | undefined)?.file ?? '');
      if (!file) throw { code: 2401, message: 'select a file first' } satisfies ImError;
      return this.#create(a, type, payload(file));
    };
    const name = (p: string) => p.split('/').pop() ?? p;
    b.handle(
      'tim.createImageMessage',
      create('TIMImageElem', (f) => ({
        uuid: `img-${f}`,
        imageFormat: 1,
        imageInfoArray: [
          { type: 0, width: 800, height: 600, size: 1000, url: '' },
          { type: 1, width: 800, height: 600, size: 1000, url: '' },
          { type: 2, width: 198, height: 149, size: 100, url: '' },
        ],
      })),
    )
      .handle(
        'tim.createVideoMessage',
        create('TIMVideoFileElem', (f) => ({ videoUUID: `vid-${f}`, videoSecond: 3, videoSize: 5000, videoFormat: 'mp4', videoUrl: '', thumbUrl: '', thumbWidth: 320, thumbHeight: 180 })),
      )
      .handle('tim.createAudioMessage', create('TIMSoundElem', (f) => ({ uuid: `snd-${f}`, url: '', size: 100, second: 2, downloadFlag: 2 })))
      .handle('tim.createFileMessage', create('TIMFileElem', (f) => ({ uuid: `file-${f}`, fileName: name(f), fileUrl: '', fileSize: 2048 })))
      .handle('tim.createForwardMessage', (a) => {
        const src = a.payload as Message;
        return this.#create(a, src.type, structuredClone(src.payload));
      })
      .handle('tim.createMergerMessage', (a) => {
        const p = a.payload as { messageList: Message[]; title: string; abstractList: string[]; compatibleText: string };
        if (p.messageList.some((m) => m.status === 'fail')) throw { code: 2450, message: 'failed message in the list' } satisfies ImError;
        return this.#create(a, 'TIMRelayElem', {
          title: p.title,
          abstractList: p.abstractList,
          compatibleText: p.compatibleText,
          downloadKey: '',
          version: 1,
          messageList: p.messageList.map((m) => ({
            ID: m.ID,
            nick: m.nick,
            avatar: m.avatar,
            from: m.from,
            time: m.time,
            cloudCustomData: m.cloudCustomData,
            messageBody: [{ type: m.type, payload: m.payload }],
          })),
        });
      })
      .handle('tim.sendMessage', (a) => this.#send(a.message as Message))
      .handle('tim.resendMessage', (a) => this.#send(a.message as Message))
      .handle('tim.cancelUpload', (a) => {
        const m = a.message as Message;
        this.#held.get(m.random)?.reject({ code: 2400, message: 'upload cancelled' });
        return {};
      })
      .handle('tim.revokeMessage', (a) => {
        const m = this.#known(a.message as Message);
        const now = this.#opts.now?.() ?? Math.floor(Date.now() / 1000);
        if (now - m.time > 120) throw { code: 2110, message: 'revoke window passed' } satisfies ImError;
        const revoked = { ...m, isRevoked: true };
        this.messages.set(m.ID, revoked);
        return { message: revoked };
      })
      .handle('tim.modifyMessage', (a) => {
        const m = a.message as Message;
        const cur = this.#known(m);
        const modified = { ...cur, payload: m.payload, cloudCustomData: m.cloudCustomData, isModified: true };
        this.messages.set(m.ID, modified);
        return { message: modified };
      })
      .handle('tim.deleteMessage', (a) => {
        const list = (a.messageList as Message[]).slice(0, 30).map((m) => ({ ...m, isDeleted: true }));
        for (const m of list) this.messages.delete(m.ID);
        return { messageList: list };
      })
      .handle('tim.downloadMergerMessage', (a) => {
        const m = a.message as Message;
        return { ...m, payload: { ...m.payload, downloadKey: '', messageList: (m.payload.messageList as unknown[]) ?? [] } };
      })
      .handle('tim.findMessage', (a) => this.messages.get(String(a.messageID)) ?? null)
      .handle('tim.getLocalMessages', (a) => [...this.messages.values()].reverse().slice(0, Number(a.count)))
      .handle('tim.getMessageListHopping', (a) => {
        const list = [...this.messages.values()].filter((m) => m.conversationID === a.conversationID);
        return { messageList: list.slice(-(Number(a.count) || 15)), isCompleted: true, nextMessageTime: 0 };
      })
      .handle('app.downloadFile', (a) => {
        const m = a.message as Message;
        const rendition = (a.rendition as string | undefined) ?? 'original';
        b.emit('onFileDownloadProgress', { ID: m.ID, rendition, loaded: 1, total: 2 });
        b.emit('onFileDownloadProgress', { ID: m.ID, rendition, loaded: 2, total: 2 });
        return { path: `/cache/${m.ID}-${rendition}`, url: `fake://${m.ID}/${rendition}` };
      })
      .handle('app.openFile', () => ({}))
      .handle('app.revealFile', () => ({}))
      .handle('app.saveFileAs', (a) => ({ path: `/saved/${String(a.fileName)}` }))
      .handle('app.pickFiles', (a) => {
        if (!b.nativeFiles) throw { code: 90011, message: 'unsupported in the web host' } satisfies ImError;
        return { paths: a.kind === 'image' ? ['/pick/a.png'] : a.kind === 'video' ? ['/pick/v.mp4'] : ['/pick/doc.pdf'] };
      })
      .handle('app.pasteImage', () => {
        if (!b.nativeFiles) throw { code: 90011, message: 'unsupported in the web host' } satisfies ImError;
        return { path: '/tmp/paste.png' };
      })
      .handle('app.localFileUrl', (a) => {
        if (!b.nativeFiles) throw { code: 90011, message: 'unsupported in the web host' } satisfies ImError;
        return { url: `http://127.0.0.1:9/token/file/${encodeURIComponent(String(a.path))}` };
      })
      .handle('app.writeStagedFile', (a) => {
        if (String(a.base64).length > 2_796_204) throw { code: 2905, message: 'over 2 MB' } satisfies ImError;
        return { path: `/data/staging/${String(a.name)}` };
      });
  }

  /** Adds a message to the store (e.g. a received one). */
  put(m: Message): Message {
    this.messages.set(m.ID, m);
    return m;
  }

  /** Emits an upload progress event for the held send of `random`. */
  progress(m: Pick<Message, 'ID' | 'random' | 'conversationID'>, loaded: number, total: number): void {
    this.#b.emit('onMessageUploadProgress', { ID: m.ID, random: m.random, conversationID: m.conversationID, loaded, total });
  }

  /** Completes (or fails) a held send. */
  finishSend(random: number, error?: ImError): void {
    const h = this.#held.get(random);
    if (!h) throw new Error(`no held send for ${random}`);
    if (error) h.reject(error);
    else h.resolve();
  }

  get heldCount(): number {
    return this.#held.size;
  }

  #known(m: Message): Message {
    const cur = this.messages.get(m.ID);
    if (!cur) throw { code: 20026, message: 'no such message' } satisfies ImError;
    return cur;
  }

  #create(a: Record<string, unknown>, type: string, payload: Record<string, unknown>): Message {
    const random = this.#nextRandom++;
    const to = String(a.to);
    const conversationType = a.conversationType as Message['conversationType'];
    return buildMessage({
      type,
      payload,
      conversationType,
      to,
      from: this.#opts.userID ?? 'alice',
      time: this.#opts.now?.() ?? Math.floor(Date.now() / 1000),
      priority: (a.priority as Message['priority']) ?? 'Normal',
      cloudCustomData: (a.cloudCustomData as string) ?? '',
      random,
    });
  }

  async #send(m: Message): Promise<{ message: Message }> {
    if (FILE_TYPES.has(m.type)) {
      if (this.#opts.holdSends) {
        try {
          await new Promise<void>((resolve, reject) => this.#held.set(m.random, { resolve, reject }));
        } finally {
          this.#held.delete(m.random);
        }
      } else {
        this.progress(m, 50, 100);
        this.progress(m, 100, 100);
      }
    }
    const sent: Message = { ...m, ID: `fake-${m.random}`, status: 'success', sequence: ++this.#seq };
    this.messages.set(sent.ID, sent);
    return { message: sent };
  }
}
