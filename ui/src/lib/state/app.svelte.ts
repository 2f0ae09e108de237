import { createContext } from 'svelte';
import type { Backend } from '$lib/backend';
import type { AccountSummary, Conversation, ImError, Message, NotifyArgs, Profile } from '$lib/types';
import { CONFAB_EVENT, ERROR_CODE, EVENT, Tim } from '$lib/tim';
import { I18n } from '$lib/i18n/i18n.svelte';
import { toImError } from '$lib/backend';
import { Session, accountLabel } from './session.svelte';
import { Conversations } from './conversations.svelte';
import { Chats } from './chat.svelte';
import { Drafts, draftsKey } from './drafts.svelte';
import { MyProfile } from './profile.svelte';
import { Profiles } from './profiles.svelte';
import { Settings } from './settings.svelte';
import { WindowFocus } from './focus.svelte';
import { messageText, peerOf } from './names';
import { MediaFiles } from './files.svelte';
import { bodyPreview, canForward, mergerAbstract, mergerTitle } from './media';
import { forwardCloudData, type ForwardedFrom } from './forwarded';
import { plainText } from '$lib/text/markup';
import type { ChatState } from './chat.svelte';
import { moveKey, type KeyValue } from './storage';
import { foldersOf } from './folders.svelte';
import { friendsOf } from './friends.svelte';
import { isTypingMessage } from './typing.svelte';
import { closeGroupInfo } from './group-panel.svelte';
import { kickedReasonKey } from '$lib/i18n/kicks';

export type Panel = 'none' | 'settings' | 'profile' | 'newChat' | 'find';

/**
 * The topics of communities (outside the conversation list): the communities
 * view tells which topic conversation it shows and how each is to remind.
 */
export interface TopicView {
  /**
   * While the view is shown (null when not): the topic conversation the chat
   * pane shows instead of the list's open one (null: none), with its unread count.
   */
  shown(): { conversationID: string | null; unreadCount: number } | null;
  /** A topic conversation's remind type (`TIM.TYPES.MSG_REMIND_*`); null when it is no topic's. */
  remindType(conversationID: string): string | null;
  /** Opens a known topic's chat in the view; false when `conversationID` is no known topic's. */
  openTopic(conversationID: string): boolean;
  /** Leaves the view (a chat of the conversation list is to show). */
  hide(): void;
}

export interface AppModelOptions {
  storage: KeyValue;
  focus?: WindowFocus;
  systemLocale?: string;
}

/**
 * Everything the views share, wired together: the facade, session,
 * conversations, chats, drafts, profile, settings, i18n, window focus; plus
 * the cross-cutting rules (mark read when visible, notify when not, for the
 * shown account and for those signed in in the background).
 */
export class AppModel {
  readonly tim: Tim;
  readonly session: Session;
  readonly conversations: Conversations;
  readonly chats: Chats;
  readonly drafts: Drafts;
  readonly profile: MyProfile;
  /** Other users' profiles: fetched for everyone shown. */
  readonly profiles: Profiles;
  readonly settings: Settings;
  readonly i18n: I18n;
  readonly focus: WindowFocus;
  readonly files: MediaFiles;

  /** Open modals of the chat (image viewer, merged-forward viewer, forward picker). */
  viewer: { conversationID: string; messageKey: string } | null = $state.raw(null);
  mergerView: Message | null = $state.raw(null);
  forwarding: { messages: Message[]; mode: ForwardMode; from: string } | null = $state.raw(null);

  panel: Panel = $state('none');
  newChatError: ImError | null = $state.raw(null);
  newChatBusy = $state(false);

  #reading = new Set<string>();
  #storage: KeyValue;
  #backend: Backend;
  /** The conversation whose latest message its list shows on screen (reported by the list). */
  #latestShown: string | null = null;
  #topics: TopicView | null = null;

  constructor(backend: Backend, options: AppModelOptions) {
    this.tim = new Tim(backend);
    this.#backend = backend;
    this.#storage = options.storage;
    this.focus = options.focus ?? new WindowFocus(true);
    this.settings = new Settings(options.storage, options.systemLocale ?? 'en');
    this.i18n = new I18n(() => this.settings.locale);
    this.drafts = new Drafts(options.storage);
    // Order matters: the list merges updates before the read rule looks.
    this.conversations = new Conversations(this.tim);
    this.chats = new Chats(this.tim);
    this.profile = new MyProfile(this.tim);
    this.profiles = new Profiles(this.tim);
    this.files = new MediaFiles(this.tim);
    this.session = new Session(this.tim, {
      signedIn: () => this.#signedIn(),
      signedOut: () => this.#signedOut(),
      stateChanged: () => this.conversations.setElsewhere(this.session.otherUnread),
    });
    this.tim.on(EVENT.CONVERSATION_LIST_UPDATED, (e) => {
      this.markReadIfVisible();
      this.#wantPeers(e.data);
    });
    this.tim.on(EVENT.MESSAGE_RECEIVED, (e) => this.#notify(e.data));
    this.tim.on(CONFAB_EVENT.ACCOUNT_MESSAGES, (e) => this.#notifyFor(e.data.accountID, e.data.userID, e.data.messages));
    this.tim.on(CONFAB_EVENT.ACCOUNT_SIGNED_OUT, (e) => this.#signedOutElsewhere(e.data.userID, e.data.type));
    this.tim.on(CONFAB_EVENT.NOTIFICATION_CLICKED, (e) => void this.notificationClicked(e.data.conversationID, e.data.accountID));
    this.focus.onChange(() => this.markReadIfVisible());
  }

  /** The unread messages of every signed-in account: the shown one's and those in the background (the window title). */
  get unreadEverywhere(): number {
    return this.conversations.totalUnread + this.session.otherUnread;
  }

  async start(): Promise<void> {
    await this.session.start();
    // The desktop host knows the OS language; a browser's own language wins.
    if (this.#backend.hostLocale && this.session.state?.locale) this.settings.systemLocale = this.session.state.locale;
  }

  #signedIn(): void {
    const userID = this.session.userID;
    const name = this.session.storageName;
    // Kept by user ID before accounts were told apart by server: theirs now.
    if (userID && name) {
      moveKey(this.#storage, draftsKey(userID), draftsKey(name));
      moveKey(this.#storage, openKey(userID), openKey(name));
    }
    this.drafts.useUser(name);
    void this.conversations.load().then(() => {
      this.#reopenLast(name);
      this.markReadIfVisible();
      this.#wantPeers(this.conversations.list);
    });
    void this.profile.load();
  }

  /** The profiles of the peers of these conversations (list rows, headers, the forward picker). */
  #wantPeers(list: Conversation[]): void {
    if (!Array.isArray(list)) return;
    this.profiles.want(list.filter((c) => c.type === this.tim.TYPES.CONV_C2C).map((c) => peerOf(c.conversationID)));
  }

  #signedOut(): void {
    this.profiles.reset();
    this.conversations.reset();
    this.chats.reset();
    this.profile.reset();
    this.files.reset();
    this.viewer = null;
    this.mergerView = null;
    this.forwarding = null;
    this.drafts.useUser(null);
    this.panel = 'none';
    closeGroupInfo();
  }

  /**
   * Opens a conversation: history at once, marks read if visible. `peer`:
   * the profile of a new chat's peer (its provisional row in the list).
   */
  openConversation(conversationID: string | null, peer: Profile | null = null): void {
    this.conversations.open(conversationID, peer);
    this.#rememberOpen(conversationID);
    if (!conversationID) return;
    // The header shows the peer's current name and signature.
    if (conversationID.startsWith(this.tim.TYPES.CONV_C2C)) this.profiles.refresh(peerOf(conversationID));
    this.loadChat(conversationID, this.conversations.active?.unreadCount ?? 0);
    this.markReadIfVisible();
    // Looked at: a conversation marked unread is not any more.
    foldersOf(this).seen(this.conversations.active);
  }

  /** A chat about to show: its history at once (the first time), the unread divider above its `unreadCount` newest. */
  loadChat(conversationID: string, unreadCount: number): void {
    const chat = this.chats.get(conversationID);
    if (chat.status === 'idle' || chat.status === 'error') {
      void chat.loadInitial(unreadCount);
    } else {
      chat.markFirstUnread(unreadCount);
    }
  }

  /**
   * A notification was clicked: one for an account not shown switches to
   * it first (`accountID`; absent: the shown one), then its conversation
   * opens once that account is signed in (openFromNotification).
   */
  async notificationClicked(conversationID: string, accountID?: string): Promise<void> {
    if (accountID && accountID !== this.session.accountID) {
      if (!(await this.session.switchAccount(accountID))) return;
    }
    this.openFromNotification(conversationID);
  }

  /** A clicked notification's conversation, in whichever view shows it (a topic in the communities view, else the chats). */
  openFromNotification(conversationID: string): void {
    if (this.session.phase !== 'main' || !conversationID) return;
    this.#showConversation(conversationID);
  }

  /**
   * A found message in its conversation, in whichever view shows it (as
   * openFromNotification): once the conversation's newest page is in, the
   * history around the message is read and the message highlighted
   * (`ChatState.jumpTo`; a message gone meanwhile gets its notice).
   */
  async openAtMessage(conversationID: string, messageID: string): Promise<void> {
    if (this.session.phase !== 'main' || !conversationID) return;
    this.#showConversation(conversationID);
    const chat = this.chats.get(conversationID);
    await chat.loaded();
    await chat.jumpTo(messageID, 'search.gone');
  }

  #showConversation(conversationID: string): void {
    this.panel = 'none';
    if (this.#topics?.openTopic(conversationID)) return;
    this.#topics?.hide();
    friendsOf(this).show(false);
    this.openConversation(conversationID);
  }

  /** The communities view registers here (one per app): its open topic is then the one read and not notified. */
  useTopics(view: TopicView): void {
    this.#topics = view;
  }

  /** The conversation the chat pane shows: the open topic's while the communities view shows one, else the list's. */
  get visibleConversationID(): string | null {
    const topic = this.#topics?.shown();
    return topic ? topic.conversationID : this.conversations.activeID;
  }

  /** The open conversation is remembered per account, to reopen it after a reload or restart. */
  #rememberOpen(conversationID: string | null): void {
    const name = this.session.storageName;
    if (!name) return;
    try {
      if (conversationID) this.#storage.setItem(openKey(name), conversationID);
      else this.#storage.removeItem(openKey(name));
    } catch (e) {
      console.warn('remembering the open chat failed', e);
    }
  }

  /** Reopens the chat that was open when this account was last shown (unless one is open by now). */
  #reopenLast(name: string | null): void {
    if (!name || this.session.storageName !== name || this.conversations.activeID) return;
    let id: string | null = null;
    try {
      id = this.#storage.getItem(openKey(name));
    } catch {
      return;
    }
    if (id && /^(C2C|GROUP)./.test(id)) this.openConversation(id);
  }

  stepConversation(delta: number): void {
    const id = this.conversations.step(delta);
    if (id) this.openConversation(id);
  }

  /** Starts a one-to-one conversation with a user ID (checked on the server). */
  async startConversation(userID: string): Promise<boolean> {
    const id = userID.trim();
    this.newChatError = null;
    if (!id) return false;
    if (id === this.session.userID) {
      this.newChatError = { code: ERROR_CODE.CANNOT_MESSAGE_SELF, message: 'cannot start a conversation with oneself' };
      return false;
    }
    this.newChatBusy = true;
    try {
      const res = await this.tim.getUserProfile({ userIDList: [id] });
      const peer = res.data.find((p) => p.userID === id);
      if (!peer) {
        this.newChatError = { code: ERROR_CODE.USER_OR_GROUP_NOT_FOUND, message: `user ${id} does not exist` };
        return false;
      }
      this.panel = 'none';
      this.openConversation(`C2C${id}`, peer);
      return true;
    } catch (e) {
      this.newChatError = toImError(e);
      return false;
    } finally {
      this.newChatBusy = false;
    }
  }

  /**
   * The message list of `conversationID` tells whether its latest message is
   * on screen (loaded, and the list at its bottom). Reaching it marks read.
   */
  showsLatest(conversationID: string, shown: boolean): void {
    if (shown) this.#latestShown = conversationID;
    else if (this.#latestShown === conversationID) this.#latestShown = null;
    if (shown) this.markReadIfVisible();
  }

  /**
   * TIM rule of the app: setMessageRead marks the whole conversation, so it
   * is called only while the open conversation's latest message is on screen
   * in a focused, visible window (never while the reader is scrolled up).
   */
  markReadIfVisible(): void {
    const topic = this.#topics?.shown() ?? null;
    const id = topic ? topic.conversationID : this.conversations.activeID;
    if (!id || !this.focus.focused || this.session.phase !== 'main') return;
    if (this.#latestShown !== id) return;
    // Read receipts of what is on screen go with it (each message once).
    void this.chats.peek(id)?.reportRead();
    const unread = topic ? topic.unreadCount : (this.conversations.active?.unreadCount ?? 0);
    if (unread <= 0 || this.#reading.has(id)) return;
    this.#reading.add(id);
    this.tim
      .setMessageRead({ conversationID: id })
      .catch((e) => console.warn('setMessageRead failed', toImError(e)))
      .finally(() => {
        this.#reading.delete(id);
      });
  }

  // ---- forwarding (issue 5) ---------------------------------------------------------

  /** The display name of a message's sender. */
  senderName(m: Message): string {
    if (m.flow === 'out' || m.from === this.session.userID) return this.profile.profile?.nick || m.nick || m.from;
    // The conversation carries the sender's current profile; a message, the nick of when it was sent.
    const c = this.conversations.list.find((x) => x.conversationID === `C2C${m.from}`);
    return m.nameCard || c?.remark || c?.userProfile?.nick || m.nick || m.from;
  }

  /** The name for a "Forwarded from" line: the nickname known now, else the one recorded. */
  forwardedName(from: ForwardedFrom): string {
    if (from.userID && from.userID === this.session.userID) return this.profile.profile?.nick || from.nick || from.userID;
    const c = from.userID ? this.conversations.list.find((x) => x.conversationID === `C2C${from.userID}`) : undefined;
    const known = c?.userProfile?.nick;
    return known || from.nick || from.userID;
  }

  /**
   * Forwards to each target: one message as is ('single', 'oneByOne' for
   * several), or all as one chat-history message ('merged'). Each new
   * message is shown and sent through the target's chat state.
   */
  async forward(messages: Message[], targets: string[], mode: ForwardMode): Promise<ImError | null> {
    const list = messages.filter(canForward);
    if (list.length === 0 || targets.length === 0) return null;
    let failure: ImError | null = null;
    for (const target of targets) {
      const chat = this.chats.get(target);
      const to = chat.peerID;
      const conversationType = target.startsWith('GROUP') ? 'GROUP' : 'C2C';
      try {
        if (mode === 'merged') {
          const t = this.i18n.t.bind(this.i18n);
          const source = list[0].conversationID;
          const names =
            source.startsWith('C2C')
              ? [this.profile.profile?.nick || this.session.userID || '', this.conversations.nameOf(source)]
              : [this.conversations.nameOf(source)];
          const message = await this.tim.createMergerMessage({
            to,
            conversationType,
            payload: {
              messageList: list,
              title: mergerTitle(names, t),
              abstractList: mergerAbstract(list, (m) => this.senderName(m), t),
              compatibleText: t('merger.compatible'),
            },
          });
          await this.#deliverTo(chat, message);
        } else {
          for (const m of list) {
            const cloudCustomData = forwardCloudData(m, this.senderName(m));
            const message = await this.tim.createForwardMessage({ to, conversationType, payload: m, cloudCustomData });
            await this.#deliverTo(chat, message);
          }
        }
      } catch (e) {
        failure = toImError(e);
      }
    }
    return failure;
  }

  async #deliverTo(chat: ChatState, message: Message): Promise<void> {
    await chat.deliverCreated(message);
  }

  /** A summary line of a message (notifications, abstracts). */
  previewOf(m: Message): string {
    return bodyPreview(m.type, m.payload, this.i18n.t.bind(this.i18n));
  }

  #notify(list: Message[]): void {
    if (!Array.isArray(list)) return;
    for (const m of list) {
      // Typing messages are signalling: the chat header shows them, nothing notifies.
      if (m.flow !== 'in' || isTypingMessage(m)) continue;
      const visible = this.focus.focused && this.visibleConversationID === m.conversationID;
      if (visible) continue;
      const conv = this.conversations.list.find((c) => c.conversationID === m.conversationID);
      if (conv && conv.messageRemindType !== this.tim.TYPES.MSG_REMIND_ACPT_AND_NOTE) continue;
      const topicRemind = this.#topics?.remindType(m.conversationID) ?? null;
      if (topicRemind !== null && topicRemind !== this.tim.TYPES.MSG_REMIND_ACPT_AND_NOTE) continue;
      // With one account signed in, the notification need not say whose it is.
      const active = this.session.accounts.length > 1 ? this.session.accounts.find((a) => a.active) : undefined;
      this.#deliver(m, this.senderName(m), active ? this.#named(active) : null);
    }
  }

  /**
   * Messages an account in the background received (the core kept those
   * that want a notification): each one but typing signals becomes a
   * notification that names the account; clicking it switches to it.
   */
  #notifyFor(accountID: string, userID: string, list: Message[]): void {
    if (!Array.isArray(list)) return;
    const known = this.session.accounts.find((a) => a.accountID === accountID);
    // An account the state does not list yet is still named, by its user ID.
    const account = known ? this.#named(known) : { accountID, label: userID };
    for (const m of list) {
      if (isTypingMessage(m)) continue;
      this.#deliver(m, m.nameCard || m.nick || m.from, account);
    }
  }

  /**
   * An account in the background was signed out by the server (it left the
   * rail): a desktop notification says which and why.
   */
  #signedOutElsewhere(userID: string, type: string): void {
    const args: NotifyArgs = {
      title: this.i18n.t('accounts.signedOut', { account: userID }),
      body: this.i18n.t(kickedReasonKey(type)),
      conversationID: '',
    };
    void this.tim.app.notify(args).catch((e) => console.warn('notification failed', toImError(e)));
  }

  /** A signed-in account as a notification names it. */
  #named(account: AccountSummary): NamedAccount {
    return { accountID: account.accountID, label: accountLabel(account, this.session.accounts) };
  }

  /** The text a notification of `m` shows: a text message's words, else its preview. */
  #notificationBody(m: Message): string {
    const text = messageText(m);
    return text !== null ? plainText(text) : this.previewOf(m);
  }

  /**
   * Asks for a desktop notification of `m`, titled by its sender; `account`
   * (null: none named) is put in the title and carried, so that a click
   * opens it there.
   */
  #deliver(m: Message, sender: string, account: NamedAccount | null): void {
    const args: NotifyArgs = account
      ? {
          title: this.i18n.t('notify.forAccount', { sender, account: account.label }),
          body: this.#notificationBody(m),
          conversationID: m.conversationID,
          accountID: account.accountID,
        }
      : { title: sender, body: this.#notificationBody(m), conversationID: m.conversationID };
    void this.tim.app.notify(args).catch((e) => console.warn('notification failed', toImError(e)));
  }
}

export type ForwardMode = 'single' | 'oneByOne' | 'merged';

/** The account a notification is for: its key, and how its title names it. */
interface NamedAccount {
  accountID: string;
  label: string;
}

/** Storage key of an account's open conversation (by its storage name, `accountStorageName`). */
const openKey = (name: string) => `confab.openConversation.${name}`;

export const [getApp, setApp] = createContext<AppModel>();
