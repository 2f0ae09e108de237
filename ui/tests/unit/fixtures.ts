import { FakeBackend } from '../../src/lib/backend/fake';
import { buildMessage } from '../../src/lib/tim/message-builder';
import type { AppState, Conversation, Message, Profile } from '../../src/lib/types';

export function appState(over: Partial<AppState> = {}): AppState {
  return {
    mode: 'remote',
    serverUrl: 'http://127.0.0.1:7788',
    userID: 'alice',
    loggedIn: true,
    caFile: null,
    insecureTransport: false,
    netState: 'connected',
    netError: null,
    locale: 'en-US',
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
