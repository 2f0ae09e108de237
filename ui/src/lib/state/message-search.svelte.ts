// The search across every message on this computer (`searchLocalMessages`)
// behind the conversation list's search field and the find-chat dialog:
// the typed text becomes up to MAX_KEYWORDS keywords, searched SEARCH_DELAY_MS
// after the typing stops; an overview (one row per conversation with its
// newest match), and one conversation's matches page by page (its cursor).
//
// Invariants: only the latest query's answer is ever shown (each search and
// each page carries a sequence number; a late answer of an older one is
// dropped); errors are kept by their `{code}`; the lists are replaced, never
// mutated. One `MessageSearch` per search field (the list's through
// `messageSearchOf(app)`, the dialog makes its own).
import type { ImError, Message } from '$lib/types';
import { EVENT, TYPES, type SearchResultItem, type Tim } from '$lib/tim';
import { toImError } from '$lib/backend';
import type { MessageKey } from '$lib/i18n/messages';
import { plainText } from '$lib/text/markup';
import type { AppModel } from './app.svelte';
import { communitiesOf } from './communities.svelte';
import { groupsOf } from './groups.svelte';
import { bodyPreview } from './media';
import { communityOfTopic, conversationName, isGroupConversation, peerOf } from './names';
import { perApp } from './per-app.svelte';

/** The SDK takes at most this many keywords. */
export const MAX_KEYWORDS = 5;
/** How long after the last keystroke the search runs. */
export const SEARCH_DELAY_MS = 200;
/** Matches read per page in one conversation. */
export const PAGE_SIZE = 20;

/**
 * The keywords of a typed query: split on white space (an ideographic
 * space too), repeats left out (case-insensitively), at most MAX_KEYWORDS.
 */
export function keywordsOf(query: string): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const word of query.split(/\s+/u)) {
    const key = word.toLowerCase();
    if (!word || seen.has(key)) continue;
    seen.add(key);
    out.push(word);
    if (out.length === MAX_KEYWORDS) break;
  }
  return out;
}

function sameKeywords(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((k, i) => k === b[i]);
}

/** Where a search stands. */
export type SearchStatus = 'idle' | 'loading' | 'ready' | 'error';

/** The overview of one query: a row per conversation, its newest match first. */
export interface SearchOverview {
  keywords: string[];
  /** Every match, in all conversations. */
  totalCount: number;
  items: SearchResultItem[];
}

/** One conversation's matches, read page by page (newest first). */
export interface ConversationMatches {
  conversationID: string;
  keywords: string[];
  /** How many of its messages match. */
  messageCount: number;
  messages: Message[];
  /** The next page's cursor; '' once all are read. */
  cursor: string;
  /** `loading` while a page is on its way. */
  status: SearchStatus;
  error: ImError | null;
}

/** The message search of one search field. */
export class MessageSearch {
  /** The text typed. */
  query = $state('');
  /** Its keywords (what the next search asks for). */
  keywords: string[] = $derived(keywordsOf(this.query));
  /** The overview's state: `loading` from the keystroke until its answer. */
  status: SearchStatus = $state('idle');
  /** The last answered query's overview (kept while a newer one loads). */
  overview: SearchOverview | null = $state.raw(null);
  /** Why the overview's search failed. */
  error: ImError | null = $state.raw(null);
  /** The conversation whose matches are shown, when one is. */
  detail: ConversationMatches | null = $state.raw(null);

  #tim: Tim;
  #delay: number;
  #timer: ReturnType<typeof setTimeout> | null = null;
  /** The keywords last searched for (or waiting for the delay). */
  #wanted: string[] = [];
  #seq = 0;
  #detailSeq = 0;

  constructor(tim: Tim, options: { delay?: number } = {}) {
    this.#tim = tim;
    this.#delay = options.delay ?? SEARCH_DELAY_MS;
  }

  /**
   * The typed text changed: its keywords are searched after the delay
   * (at once cleared when there are none). The same keywords again (a
   * trailing space) change nothing; new ones close the conversation view.
   */
  set(query: string): void {
    this.query = query;
    const keywords = keywordsOf(query);
    if (sameKeywords(keywords, this.#wanted)) return;
    this.#wanted = keywords;
    this.#cancelTimer();
    this.#seq++;
    this.back();
    if (keywords.length === 0) {
      this.status = 'idle';
      this.overview = null;
      this.error = null;
      return;
    }
    this.status = 'loading';
    const seq = this.#seq;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      void this.#run(seq, keywords);
    }, this.#delay);
  }

  /** Clears the query and every result. */
  clear(): void {
    this.set('');
  }

  /** Searches the current keywords again (after an error), at once. */
  retry(): void {
    const keywords = this.#wanted;
    if (keywords.length === 0) return;
    this.#cancelTimer();
    const seq = ++this.#seq;
    this.status = 'loading';
    void this.#run(seq, keywords);
  }

  /**
   * Messages arrived, were recalled or edited: while an overview is
   * shown, its keywords are searched again after the delay, quietly (the
   * results stay until the new answer replaces them). Several changes in
   * a row make one search.
   */
  refresh(): void {
    if (this.#wanted.length === 0 || this.#timer !== null || this.status === 'loading') return;
    const seq = ++this.#seq;
    const keywords = this.#wanted;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      void this.#run(seq, keywords);
    }, this.#delay);
  }

  async #run(seq: number, keywords: string[]): Promise<void> {
    try {
      const res = await this.#tim.searchLocalMessages({ keywordList: keywords });
      if (seq !== this.#seq) return;
      this.overview = { keywords, totalCount: res.data.totalCount, items: res.data.searchResultList };
      this.error = null;
      this.status = 'ready';
    } catch (e) {
      if (seq !== this.#seq) return;
      this.error = toImError(e);
      this.status = 'error';
    }
  }

  /** Shows one conversation's matches (of the overview's keywords): its first page. */
  openConversation(conversationID: string): Promise<void> {
    const keywords = this.overview?.keywords ?? this.#wanted;
    const item = this.overview?.items.find((i) => i.conversationID === conversationID);
    this.#detailSeq++;
    this.detail = {
      conversationID,
      keywords,
      messageCount: item?.messageCount ?? 0,
      messages: [],
      cursor: '',
      status: 'loading',
      error: null,
    };
    return this.#page(this.#detailSeq, '');
  }

  /** The next page of the shown conversation's matches (nothing while one loads or when all are read). */
  more(): Promise<void> {
    const d = this.detail;
    if (!d || d.status === 'loading' || !d.cursor) return Promise.resolve();
    this.detail = { ...d, status: 'loading', error: null };
    return this.#page(this.#detailSeq, d.cursor);
  }

  /** Reads the page that failed again. */
  retryPage(): Promise<void> {
    const d = this.detail;
    if (!d || d.status !== 'error') return Promise.resolve();
    this.detail = { ...d, status: 'loading', error: null };
    return this.#page(this.#detailSeq, d.cursor);
  }

  async #page(seq: number, cursor: string): Promise<void> {
    const d = this.detail;
    if (!d) return;
    try {
      const res = await this.#tim.searchLocalMessages({
        keywordList: d.keywords,
        conversationID: d.conversationID,
        count: PAGE_SIZE,
        ...(cursor ? { cursor } : {}),
      });
      const now = this.detail;
      if (seq !== this.#detailSeq || !now) return;
      const found = res.data.searchResultList.find((i) => i.conversationID === d.conversationID)?.messageList ?? [];
      const known = new Set(now.messages.map((m) => m.ID));
      this.detail = {
        ...now,
        messageCount: res.data.totalCount,
        messages: [...now.messages, ...found.filter((m) => !known.has(m.ID))],
        cursor: res.data.cursor,
        status: 'ready',
        error: null,
      };
    } catch (e) {
      const now = this.detail;
      if (seq !== this.#detailSeq || !now) return;
      this.detail = { ...now, status: 'error', error: toImError(e) };
    }
  }

  /** Leaves the conversation view (back to the overview); its answers still on the way are dropped. */
  back(): void {
    this.#detailSeq++;
    this.detail = null;
  }

  /** Stops a search waiting for its delay (the field goes away). */
  dispose(): void {
    this.#cancelTimer();
    this.#seq++;
    this.#detailSeq++;
  }

  #cancelTimer(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
  }
}

/** The search of the conversation list's field (one per app). */
export const messageSearchOf = perApp((app) => {
  const search = new MessageSearch(app.tim);
  // What is found changes with the messages: the shown results follow.
  for (const event of [EVENT.MESSAGE_RECEIVED, EVENT.MESSAGE_REVOKED, EVENT.MESSAGE_MODIFIED]) {
    app.tim.on(event, () => search.refresh());
  }
  return search;
});

/** A part of a shown text: a keyword found (`hit`) or the text between. */
export interface TextPart {
  text: string;
  hit: boolean;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** `text` split at every case-insensitive occurrence of a keyword (the longest one first where they overlap). */
export function highlightParts(text: string, keywords: readonly string[]): TextPart[] {
  const words = keywords.filter(Boolean);
  if (!text || words.length === 0) return text ? [{ text, hit: false }] : [];
  const alternatives = [...words].sort((a, b) => b.length - a.length).map(escapeRegExp);
  const re = new RegExp(alternatives.join('|'), 'giu');
  const out: TextPart[] = [];
  let last = 0;
  for (const m of text.matchAll(re)) {
    const at = m.index ?? 0;
    if (m[0].length === 0) continue;
    if (at > last) out.push({ text: text.slice(last, at), hit: false });
    out.push({ text: m[0], hit: true });
    last = at + m[0].length;
  }
  if (last < text.length) out.push({ text: text.slice(last), hit: false });
  return out;
}

/** How much text before the first keyword a one-line snippet keeps. */
const SNIPPET_BEFORE = 16;
/** A keyword this near the start shows in a row as it is: the text is not cut. */
const SNIPPET_SHOWN = 24;
/** The longest snippet (a row shows one line of it). */
const SNIPPET_MAX = 160;

/**
 * One line of `text` around its first keyword: line breaks become spaces,
 * and a keyword far into the text is brought forward ("…" before it).
 */
export function snippet(text: string, keywords: readonly string[]): string {
  const line = text.replace(/\s+/gu, ' ').trim();
  const lower = line.toLowerCase();
  let first = -1;
  for (const k of keywords) {
    const at = k ? lower.indexOf(k.toLowerCase()) : -1;
    if (at >= 0 && (first < 0 || at < first)) first = at;
  }
  let start = first > SNIPPET_SHOWN ? first - SNIPPET_BEFORE : 0;
  // At a word's start where one is near (English), never inside a surrogate pair.
  const space = start > 0 ? line.indexOf(' ', start) : -1;
  if (space >= 0 && space < first && space - start <= 8) start = space + 1;
  if (start > 0 && /[\uDC00-\uDFFF]/.test(line[start] ?? '')) start--;
  const body = line.slice(start, start + SNIPPET_MAX);
  return `${start > 0 ? '…' : ''}${body}${start + SNIPPET_MAX < line.length ? '…' : ''}`;
}

type T = (key: MessageKey, params?: Record<string, string | number>) => string;

/**
 * The searched text of a found message as shown: a text's words (without
 * formatting marks), a file's name, a custom message's or location's
 * description, a chat history's title; otherwise its preview.
 */
export function foundText(m: Pick<Message, 'type' | 'payload'>, t: T): string {
  const p = (m.payload ?? {}) as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === 'string' ? v : '');
  switch (m.type) {
    case TYPES.MSG_TEXT:
      return plainText(str(p.text));
    case TYPES.MSG_CUSTOM:
      return str(p.description) || t('preview.custom');
    case TYPES.MSG_MERGER:
      return str(p.title) || t('preview.merger');
    default:
      return bodyPreview(m.type, p, t);
  }
}

/** How a found conversation is shown: its name, the ID its avatar colour comes from, its avatar image. */
export interface FoundConversation {
  name: string;
  avatarID: string;
  avatar: string;
  /** A group or topic (its messages name their sender). */
  group: boolean;
}

/**
 * The name and avatar of a found conversation: the list's conversation
 * (remark, nickname, group name), a topic by its name ("# general"), else
 * what is known of the group, else the ID.
 */
export function foundConversation(app: AppModel, conversationID: string): FoundConversation {
  const peer = peerOf(conversationID);
  const group = isGroupConversation(conversationID);
  const community = group ? communityOfTopic(peer) : null;
  if (community) {
    const communities = communitiesOf(app);
    const topic = communities.topicOf(peer);
    return { name: topic ? `# ${topic.topicName}` : peer, avatarID: peer, avatar: topic?.avatar ?? '', group: true };
  }
  const c = app.conversations.list.find((x) => x.conversationID === conversationID);
  if (group) {
    const profile = c?.groupProfile ?? groupsOf(app).profile(peer) ?? null;
    const name = typeof profile?.name === 'string' && profile.name ? profile.name : peer;
    return { name, avatarID: peer, avatar: String(profile?.avatar ?? ''), group: true };
  }
  return { name: c ? conversationName(c) : peer, avatarID: peer, avatar: c?.userProfile?.avatar ?? '', group: false };
}

/**
 * Opens a found message in its conversation and jumps to it. A topic's
 * community's topics are read first, so that it opens in the communities
 * view (as a notification's topic does).
 */
export async function openFound(app: AppModel, conversationID: string, messageID: string): Promise<void> {
  const community = isGroupConversation(conversationID) ? communityOfTopic(peerOf(conversationID)) : null;
  if (community) {
    const communities = communitiesOf(app);
    await communities.load();
    await communities.loadTopics(community);
  }
  await app.openAtMessage(conversationID, messageID);
}
