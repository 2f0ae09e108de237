// The message search (searchLocalMessages) over the fake backend: the
// typed text → keywords (white space, at most 5, no repeats), the search
// running once the typing stops, only the latest query's answer shown,
// errors kept by their code, one conversation's matches page by page with
// the cursor; the marked parts and one-line snippets of a found text; and
// opening a found message (the chat's newest page first, then the jump; a
// topic in the communities view).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AppModel } from '../../src/lib/state/app.svelte';
import { MemoryStorage } from '../../src/lib/state/storage';
import { WindowFocus } from '../../src/lib/state/focus.svelte';
import {
  foundText,
  highlightParts,
  keywordsOf,
  MAX_KEYWORDS,
  MessageSearch,
  messageSearchOf,
  openFound,
  PAGE_SIZE,
  SEARCH_DELAY_MS,
  snippet,
} from '../../src/lib/state/message-search.svelte';
import { communitiesOf } from '../../src/lib/state/communities.svelte';
import { messageKey } from '../../src/lib/state/names';
import { I18n } from '../../src/lib/i18n/i18n.svelte';
import { searchErrorKey } from '../../src/lib/i18n/search-errors';
import { Tim, type SearchLocalMessagesOptions, type SearchResult } from '../../src/lib/tim';
import { FakeBackend } from '../../src/lib/backend/fake';
import type { GroupProfile, Message, Topic } from '../../src/lib/types';
import { flush, loggedInBackend, message } from './fixtures';

const SEARCH = 'tim.searchLocalMessages';

/** A search answer that the test resolves (or rejects) when it wants. */
interface Pending {
  args: SearchLocalMessagesOptions;
  resolve: (r: SearchResult) => void;
  reject: (e: unknown) => void;
}

/** A facade whose searches wait for the test. */
function pendingSearches(): { tim: Tim; b: FakeBackend; pending: Pending[] } {
  const b = new FakeBackend();
  const pending: Pending[] = [];
  b.handle(
    SEARCH,
    (a) => new Promise<SearchResult>((resolve, reject) => pending.push({ args: a as unknown as SearchLocalMessagesOptions, resolve, reject })),
  );
  return { tim: new Tim(b), b, pending };
}

const overviewOf = (...items: Array<[string, number, Message]>): SearchResult => ({
  totalCount: items.reduce((n, [, count]) => n + count, 0),
  searchResultList: items.map(([conversationID, messageCount, m]) => ({ conversationID, messageCount, messageList: [m] })),
  cursor: '',
});

describe('keywords of a typed query', () => {
  it('are split on white space (an ideographic space too), without repeats, at most 5', () => {
    expect(keywordsOf('')).toEqual([]);
    expect(keywordsOf('   ')).toEqual([]);
    expect(keywordsOf('  meet  ')).toEqual(['meet']);
    expect(keywordsOf('meeting at\tnoon\n')).toEqual(['meeting', 'at', 'noon']);
    expect(keywordsOf('你好\u3000大家')).toEqual(['你好', '大家']);
    expect(keywordsOf('Meet meet MEET noon')).toEqual(['Meet', 'noon']);
    expect(keywordsOf('a b c d e f g')).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(MAX_KEYWORDS).toBe(5);
  });
});

describe('the shown text of a found message', () => {
  const t = new I18n('en').t.bind(new I18n('en'));

  it('keywords are marked case-insensitively, Chinese anywhere, the longest where they overlap', () => {
    expect(highlightParts('Meeting at noon', ['meet'])).toEqual([
      { text: 'Meet', hit: true },
      { text: 'ing at noon', hit: false },
    ]);
    expect(highlightParts('大家你好吗', ['你好'])).toEqual([
      { text: '大家', hit: false },
      { text: '你好', hit: true },
      { text: '吗', hit: false },
    ]);
    expect(highlightParts('meeting', ['meet', 'meeting'])).toEqual([{ text: 'meeting', hit: true }]);
    // Keywords are text, never patterns.
    expect(highlightParts('a (b) c.d', ['(b)', '.'])).toEqual([
      { text: 'a ', hit: false },
      { text: '(b)', hit: true },
      { text: ' c', hit: false },
      { text: '.', hit: true },
      { text: 'd', hit: false },
    ]);
    expect(highlightParts('nothing here', ['zzz'])).toEqual([{ text: 'nothing here', hit: false }]);
    expect(highlightParts('', ['a'])).toEqual([]);
  });

  it('a snippet is one line, with a keyword far into a long text brought forward', () => {
    expect(snippet('line one\nline two', ['two'])).toBe('line one line two');
    const long = `${'x'.repeat(3000)} the meeting is at noon ${'y'.repeat(3000)}`;
    const s = snippet(long, ['meeting']);
    expect(s.startsWith('…')).toBe(true);
    expect(s.endsWith('…')).toBe(true);
    expect(s.indexOf('meeting')).toBeLessThan(24);
    expect(s.length).toBeLessThanOrEqual(162);
    expect(snippet('short meeting', ['meeting'])).toBe('short meeting');
    // A keyword near the start: the text as it is.
    expect(snippet('Poll: where shall we meet?', ['meet'])).toBe('Poll: where shall we meet?');
    // Cut at a word's start.
    expect(snippet('one two three four five six seven eight nine meeting', ['meeting'])).toBe('…eight nine meeting');
  });

  it('is what was searched: the words of a text, a file name, a description, a chat history title', () => {
    expect(foundText({ type: 'TIMTextElem', payload: { text: 'the **meeting** moved' } }, t)).toBe('the meeting moved');
    expect(foundText({ type: 'TIMFileElem', payload: { fileName: 'meeting-notes.pdf' } }, t)).toBe('[File] meeting-notes.pdf');
    expect(foundText({ type: 'TIMCustomElem', payload: { data: '{}', description: 'meeting invite' } }, t)).toBe('meeting invite');
    expect(foundText({ type: 'TIMLocationElem', payload: { description: 'meeting room' } }, t)).toBe('[Location] meeting room');
    expect(foundText({ type: 'TIMRelayElem', payload: { title: 'Meeting notes' } }, t)).toBe('Meeting notes');
  });

  it('errors in words by code: the network as everywhere, anything else the search’s own', () => {
    expect(searchErrorKey({ code: 2800 })).toBe('error.network');
    expect(searchErrorKey({ code: 2905 })).toBe('search.failed');
  });
});

describe('MessageSearch', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });
  /** Lets the answers given so far arrive (the clock is the test's). */
  const tick = () => vi.advanceTimersByTimeAsync(0);

  it('searches once the typing stops, with the keywords of the last text', async () => {
    const { tim, pending } = pendingSearches();
    const search = new MessageSearch(tim);
    search.set('m');
    expect(search.status).toBe('loading');
    await vi.advanceTimersByTimeAsync(SEARCH_DELAY_MS - 50);
    search.set('meet');
    await vi.advanceTimersByTimeAsync(SEARCH_DELAY_MS - 1);
    expect(pending).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(pending.map((p) => p.args)).toEqual([{ keywordList: ['meet'] }]);
    const hit = message({ payload: { text: 'meeting at noon' } });
    pending[0].resolve(overviewOf(['C2Cbob', 1, hit]));
    await tick();
    expect(search.status).toBe('ready');
    expect(search.overview).toEqual({
      keywords: ['meet'],
      totalCount: 1,
      items: [{ conversationID: 'C2Cbob', messageCount: 1, messageList: [hit] }],
    });
    // A trailing space is the same search: nothing runs again.
    search.set('meet ');
    await vi.advanceTimersByTimeAsync(SEARCH_DELAY_MS * 2);
    expect(pending).toHaveLength(1);
    expect(search.status).toBe('ready');
  });

  it('searches again, quietly and once, when messages change while results are shown', async () => {
    const { tim, pending } = pendingSearches();
    const search = new MessageSearch(tim);
    search.refresh();
    await vi.advanceTimersByTimeAsync(SEARCH_DELAY_MS);
    expect(pending).toHaveLength(0);
    search.set('meet');
    await vi.advanceTimersByTimeAsync(SEARCH_DELAY_MS);
    const first = message({ payload: { text: 'meeting at noon' } });
    pending[0].resolve(overviewOf(['C2Cbob', 1, first]));
    await tick();
    // Three changes in a row: one search, the old results shown meanwhile.
    search.refresh();
    search.refresh();
    search.refresh();
    expect(search.status).toBe('ready');
    await vi.advanceTimersByTimeAsync(SEARCH_DELAY_MS);
    expect(pending.map((p) => p.args.keywordList)).toEqual([['meet'], ['meet']]);
    expect(search.overview?.totalCount).toBe(1);
    const second = message({ payload: { text: 'meet again' } });
    pending[1].resolve(overviewOf(['C2Cbob', 2, second]));
    await tick();
    expect(search.overview?.totalCount).toBe(2);
    expect(search.status).toBe('ready');
  });

  it('shows only the latest query’s answer, whichever order the answers come in', async () => {
    const { tim, pending } = pendingSearches();
    const search = new MessageSearch(tim);
    search.set('meet');
    await vi.advanceTimersByTimeAsync(SEARCH_DELAY_MS);
    search.set('你好');
    await vi.advanceTimersByTimeAsync(SEARCH_DELAY_MS);
    expect(pending.map((p) => p.args.keywordList)).toEqual([['meet'], ['你好']]);
    const chinese = message({ payload: { text: '大家你好吗' } });
    pending[1].resolve(overviewOf(['C2Cbob', 1, chinese]));
    await tick();
    pending[0].resolve(overviewOf(['C2Cbob', 1, message()], ['C2Ccarol', 1, message()]));
    await tick();
    expect(search.overview?.keywords).toEqual(['你好']);
    expect(search.overview?.items.map((i) => i.messageList[0].ID)).toEqual([chinese.ID]);
    // An error of an older query is dropped too.
    search.set('lunch');
    await vi.advanceTimersByTimeAsync(SEARCH_DELAY_MS);
    search.set('noon');
    await vi.advanceTimersByTimeAsync(SEARCH_DELAY_MS);
    pending[3].resolve(overviewOf());
    pending[2].reject({ code: 2800, message: 'offline' });
    await tick();
    expect(search.status).toBe('ready');
    expect(search.error).toBeNull();
  });

  it('an empty query clears at once, and a late answer does not bring results back', async () => {
    const { tim, pending } = pendingSearches();
    const search = new MessageSearch(tim);
    search.set('meet');
    await vi.advanceTimersByTimeAsync(SEARCH_DELAY_MS);
    search.set('   ');
    expect(search.status).toBe('idle');
    expect(search.keywords).toEqual([]);
    pending[0].resolve(overviewOf(['C2Cbob', 1, message()]));
    await tick();
    expect(search.overview).toBeNull();
    expect(search.status).toBe('idle');
    // Typed and cleared within the delay: nothing is asked.
    search.set('x');
    search.clear();
    await vi.advanceTimersByTimeAsync(SEARCH_DELAY_MS * 2);
    expect(pending).toHaveLength(1);
  });

  it('a failure is kept by its code; Retry searches again at once', async () => {
    const { tim, pending } = pendingSearches();
    const search = new MessageSearch(tim);
    search.set('meet');
    await vi.advanceTimersByTimeAsync(SEARCH_DELAY_MS);
    pending[0].reject({ code: 2800, message: 'whatever the words' });
    await tick();
    expect(search.status).toBe('error');
    expect(search.error?.code).toBe(2800);
    search.retry();
    expect(pending).toHaveLength(2);
    expect(pending[1].args).toEqual({ keywordList: ['meet'] });
    pending[1].resolve(overviewOf());
    await tick();
    expect(search.status).toBe('ready');
    expect(search.error).toBeNull();
  });

  it('one conversation’s matches come page by page with the cursor, newest first, until the cursor is empty', async () => {
    const { tim, pending } = pendingSearches();
    const search = new MessageSearch(tim);
    search.set('meet');
    await vi.advanceTimersByTimeAsync(SEARCH_DELAY_MS);
    const page1 = Array.from({ length: PAGE_SIZE }, (_, i) => message({ ID: `p1-${i}` }));
    const page2 = [message({ ID: 'p2-0' }), message({ ID: 'p2-1' })];
    pending[0].resolve(overviewOf(['C2Cbob', 22, page1[0]]));
    await tick();

    const opening = search.openConversation('C2Cbob');
    expect(search.detail).toMatchObject({ conversationID: 'C2Cbob', keywords: ['meet'], messageCount: 22, messages: [], status: 'loading' });
    expect(pending[1].args).toEqual({ keywordList: ['meet'], conversationID: 'C2Cbob', count: PAGE_SIZE });
    pending[1].resolve({ totalCount: 22, searchResultList: [{ conversationID: 'C2Cbob', messageCount: 22, messageList: page1 }], cursor: 'c1' });
    await opening;
    expect(search.detail?.messages).toHaveLength(PAGE_SIZE);
    expect(search.detail?.cursor).toBe('c1');

    const more = search.more();
    // Asked once while a page is on its way.
    void search.more();
    expect(pending).toHaveLength(3);
    expect(pending[2].args).toEqual({ keywordList: ['meet'], conversationID: 'C2Cbob', count: PAGE_SIZE, cursor: 'c1' });
    // A repeat of a message already shown is not shown twice.
    pending[2].resolve({ totalCount: 22, searchResultList: [{ conversationID: 'C2Cbob', messageCount: 22, messageList: [page1[19], ...page2] }], cursor: '' });
    await more;
    expect(search.detail?.messages.map((m) => m.ID)).toEqual([...page1.map((m) => m.ID), 'p2-0', 'p2-1']);
    expect(search.detail?.cursor).toBe('');
    expect(search.detail?.status).toBe('ready');
    await search.more();
    expect(pending).toHaveLength(3);
  });

  it('a page that comes after Back, or after a new query, is dropped; a new query closes the conversation view', async () => {
    const { tim, pending } = pendingSearches();
    const search = new MessageSearch(tim);
    search.set('meet');
    await vi.advanceTimersByTimeAsync(SEARCH_DELAY_MS);
    pending[0].resolve(overviewOf(['C2Cbob', 3, message()]));
    await tick();
    const late = search.openConversation('C2Cbob');
    search.back();
    expect(search.detail).toBeNull();
    pending[1].resolve({ totalCount: 3, searchResultList: [{ conversationID: 'C2Cbob', messageCount: 3, messageList: [message()] }], cursor: '' });
    await late;
    expect(search.detail).toBeNull();

    void search.openConversation('C2Cbob');
    search.set('noon');
    expect(search.detail).toBeNull();
    pending[2].resolve({ totalCount: 3, searchResultList: [], cursor: '' });
    await tick();
    expect(search.detail).toBeNull();
  });

  it('a failed page keeps its code and is read again with Retry', async () => {
    const { tim, pending } = pendingSearches();
    const search = new MessageSearch(tim);
    search.set('meet');
    await vi.advanceTimersByTimeAsync(SEARCH_DELAY_MS);
    pending[0].resolve(overviewOf(['C2Cbob', 3, message()]));
    await tick();
    const opening = search.openConversation('C2Cbob');
    pending[1].reject({ code: 2800, message: 'offline' });
    await opening;
    expect(search.detail).toMatchObject({ status: 'error', error: { code: 2800 } });
    const again = search.retryPage();
    expect(pending[2].args).toEqual(pending[1].args);
    pending[2].resolve({ totalCount: 3, searchResultList: [{ conversationID: 'C2Cbob', messageCount: 3, messageList: [message()] }], cursor: '' });
    await again;
    expect(search.detail).toMatchObject({ status: 'ready', error: null });
    expect(search.detail?.messages).toHaveLength(1);
  });

  it('the facade keeps the messages found for findMessage', async () => {
    const { tim, pending } = pendingSearches();
    const found = message({ ID: 'found-1' });
    const res = tim.searchLocalMessages({ keywordList: ['meet'] });
    pending[0].resolve(overviewOf(['C2Cbob', 1, found]));
    expect((await res).data.totalCount).toBe(1);
    expect(tim.findMessage('found-1')).toBe(found);
  });
});

describe('opening a found message', () => {
  /** Bob's 40 messages: the newest page (20) is what a chat first reads. */
  function historyBackend(conversationID = 'C2Cbob') {
    const b = loggedInBackend();
    b.handle('tim.getUserProfile', () => []);
    const history = Array.from({ length: 40 }, (_, i) =>
      message({ ID: `h${i + 1}`, conversationID, sequence: i + 1, time: 1_764_115_200 + i, payload: { text: `msg ${i + 1}` } }),
    );
    let releaseFirstPage: () => void = () => {};
    const firstPage = new Promise<void>((r) => (releaseFirstPage = r));
    b.handle('tim.getMessageList', async () => {
      await firstPage;
      return { messageList: history.slice(-20), nextReqMessageID: 'h20', isCompleted: false };
    })
      .handle('tim.findMessage', (a) => history.find((m) => m.ID === a.messageID) ?? null)
      .handle('tim.getMessageListHopping', (a) => {
        const seq = Number(a.sequence);
        const count = Number(a.count) || 15;
        const list = a.direction === 0 ? history.filter((m) => m.sequence <= seq).slice(-count) : history.filter((m) => m.sequence >= seq).slice(0, count);
        const done = a.direction === 0 ? list[0].sequence === 1 : list.at(-1)!.sequence === 40;
        const edge = a.direction === 0 ? list[0].sequence - 1 : list.at(-1)!.sequence + 1;
        return { messageList: list, isCompleted: done, nextMessageTime: 0, nextMessageSeq: done ? '' : edge };
      });
    return { b, history, releaseFirstPage };
  }

  it('opens the conversation, waits for its newest page, then reads around the message and highlights it', async () => {
    const { b, releaseFirstPage } = historyBackend();
    const app = new AppModel(b, { storage: new MemoryStorage(), focus: new WindowFocus(true) });
    await app.start();
    await flush();
    const opening = openFound(app, 'C2Cbob', 'h5');
    await flush();
    expect(app.conversations.activeID).toBe('C2Cbob');
    // Nothing is read around it before the newest page is in (the list would have a hole).
    expect(b.callsOf('tim.getMessageListHopping')).toHaveLength(0);
    releaseFirstPage();
    await opening;
    const chat = app.chats.get('C2Cbob');
    expect(chat.highlight?.key).toBe(messageKey(chat.messages.find((m) => m.ID === 'h5')!));
    // Whole from the message down to the newest.
    expect(chat.messages.map((m) => m.sequence)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
  });

  it('a topic opens in the communities view, its community’s topics read first', async () => {
    const CLUB = '@TGS#_club';
    const GENERAL = `${CLUB}@TOPIC#_general`;
    const { b, releaseFirstPage } = historyBackend(`GROUP${GENERAL}`);
    releaseFirstPage();
    b.handle('tim.getJoinedCommunityList', () => ({
      groupList: [{ groupID: CLUB, name: 'Club', type: 'Community', isSupportTopic: true, selfInfo: { role: 'Member' } } as unknown as GroupProfile],
    })).handle('tim.getTopicList', () => ({
      successTopicList: [{ topicID: GENERAL, topicName: 'general', unreadCount: 0, selfInfo: { messageRemindType: 'AcceptAndNotify' } } as unknown as Topic],
      failureTopicList: [],
    }));
    const app = new AppModel(b, { storage: new MemoryStorage(), focus: new WindowFocus(true) });
    await app.start();
    await flush();
    await openFound(app, `GROUP${GENERAL}`, 'h30');
    const communities = communitiesOf(app);
    expect(communities.open).toBe(true);
    expect(communities.topicID).toBe(GENERAL);
    expect(app.conversations.activeID).toBeNull();
    expect(app.chats.get(`GROUP${GENERAL}`).highlight).not.toBeNull();
  });

  it('the list’s search is one per app', () => {
    const app = new AppModel(loggedInBackend(), { storage: new MemoryStorage(), focus: new WindowFocus(true) });
    expect(messageSearchOf(app)).toBe(messageSearchOf(app));
  });
});
