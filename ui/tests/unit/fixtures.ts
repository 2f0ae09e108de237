import { FakeBackend } from '../../src/lib/backend/fake';
import { buildMessage } from '../../src/lib/tim/message-builder';
import type { AccountSummary, AppState, Conversation, Message, Profile } from '../../src/lib/types';

/**
 * An app state; unless given, a signed-in user's `accountID` is
 * `acct-<userID>` and `accounts` lists that one account (active).
 */
export function appState(over: Partial<AppState> = {}): AppState {
  const s: AppState = {
    mode: 'remote',
    serverUrl: 'http://127.0.0.1:7788',
    userID: 'alice',
    loggedIn: true,
    caFile: null,
    insecureTransport: false,
    netState: 'connected',
    netError: null,
    locale: 'en-US',
    accountID: null,
    accounts: [],
    ...over,
  };
  if (!('accountID' in over) && s.loggedIn && s.userID) s.accountID = `acct-${s.userID}`;
  if (!('accounts' in over) && s.accountID && s.userID && s.serverUrl && s.mode) {
    s.accounts = [account(s.userID, { accountID: s.accountID, serverUrl: s.serverUrl, mode: s.mode, active: true })];
  }
  return s;
}

/** A signed-in account as `AppState.accounts` lists it (in the background unless `active`). */
export function account(userID: string, over: Partial<AccountSummary> = {}): AccountSummary {
  return {
    accountID: `acct-${userID}`,
    userID,
    serverUrl: 'http://127.0.0.1:7788',
    mode: 'remote',
    active: false,
    loggedIn: true,
    unreadCount: 0,
    ...over,
  };
}

let seq = 0;
export function message(over: Partial<Message> = {}): Message {
  seq++;
  return buildMessage({
    ID: `srv-${seq}`,
    type: 'TIMTextElem',
    payload: { text: `m${seq}` },
    conversationID: 'C2Cbob',
    conversationType: 'C2C',
    to: 'alice',
    from: 'bob',
    flow: 'in',
    time: 1_764_115_200 + seq,
    status: 'success',
    sequence: seq,
    random: 1000 + seq,
    ...over,
  });
}

export function profile(userID: string, over: Partial<Profile> = {}): Profile {
  return {
    userID,
    nick: '',
    gender: 'Gender_Type_Unknown',
    birthday: 0,
    location: '',
    selfSignature: '',
    allowType: 'AllowType_Type_NeedConfirm',
    language: 0,
    avatar: '',
    messageSettings: 0,
    adminForbidType: 'AdminForbid_Type_None',
    level: 0,
    role: 0,
    lastUpdatedNumber: 0,
    profileCustomField: [],
    ...over,
  };
}

export function conversation(peer: string, over: Partial<Conversation> = {}, lastTime = 100): Conversation {
  return {
    conversationID: `C2C${peer}`,
    type: 'C2C',
    unreadCount: 0,
    lastMessage: {
      lastTime,
      lastSequence: 1,
      fromAccount: peer,
      type: 'TIMTextElem',
      payload: { text: 'hi' },
      messageForShow: 'hi',
      isRevoked: false,
      isPeerRead: false,
      nick: '',
      nameCard: '',
      cloudCustomData: '',
    },
    groupProfile: null,
    userProfile: profile(peer),
    groupAtInfoList: [],
    remark: '',
    isPinned: false,
    messageRemindType: 'AcceptAndNotify',
    markList: [],
    customData: '',
    conversationGroupList: [],
    ...over,
  };
}

/** A fake backend answering the basic commands for a signed-in alice. */
export function loggedInBackend(state: AppState = appState()): FakeBackend {
  const b = new FakeBackend();
  b.handle('app.getState', () => state)
    .handle('app.resume', () => state)
    .handle('app.setUnreadBadge', () => ({}))
    .handle('app.notify', () => ({}))
    .handle('tim.getConversationList', () => ({ conversationList: [], isSyncCompleted: true }))
    .handle('tim.getTotalUnreadMessageCount', () => 0)
    .handle('tim.getLocalMessages', () => [])
    .handle('tim.getMyProfile', () => profile(state.userID ?? 'alice', { nick: 'Alice' }))
    .handle('tim.setMessageRead', () => ({}))
    .handle('tim.getMessageList', () => ({ messageList: [], nextReqMessageID: '', isCompleted: true }));
  return b;
}

export const flush = () => new Promise((r) => setTimeout(r, 0));
