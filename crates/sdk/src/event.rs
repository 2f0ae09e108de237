//! Events (`TIM.EVENT`): the typed [`Event`] enum, its names, the network
//! state, and the hub that delivers events to `on` handlers and to
//! [`crate::Tim::subscribe`] receivers.
//!
//! Serialized, an event is `{"name": <TIM.EVENT value>, "data": …}`, the
//! shape of TIM's handler argument. Handlers run synchronously on the task
//! that emits the event, in registration order, before broadcast
//! subscribers see it; they must not block.

use crate::model::{Conversation, Message};
use confab_proto::profile::Profile;
use serde::{Deserialize, Serialize};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use tokio::sync::broadcast;

/// Network state (`TIM.TYPES.NET_STATE_*`).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum NetState {
    /// `connected`: logged in and synced.
    #[serde(rename = "connected")]
    Connected,
    /// `connecting`: a connection attempt is under way.
    #[serde(rename = "connecting")]
    Connecting,
    /// `disconnected`: no connection; the SDK keeps retrying.
    #[serde(rename = "disconnected")]
    Disconnected,
}

impl NetState {
    /// The TIM value: `connected`, `connecting` or `disconnected`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Connected => "connected",
            Self::Connecting => "connecting",
            Self::Disconnected => "disconnected",
        }
    }
}

/// An SDK event. The serde form is `{"name": "<TIM.EVENT value>", "data": …}`.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "name", content = "data")]
pub enum Event {
    /// `sdkStateReady`: login done and the first sync complete (or, offline,
    /// the local store loaded). Fires once per login.
    #[serde(rename = "sdkStateReady")]
    SdkReady,
    /// `sdkStateNotReady`: logged out, kicked out or destroyed.
    #[serde(rename = "sdkStateNotReady")]
    SdkNotReady,
    /// `sdkDestroy`: `destroy()` completed; the instance is dead.
    #[serde(rename = "sdkDestroy")]
    SdkDestroy,
    /// `onMessageReceived`: new messages (not those sent by this instance).
    #[serde(rename = "onMessageReceived")]
    MessageReceived(Vec<Message>),
    /// `onMessageReadByPeer`: the C2C peer read these messages of mine.
    #[serde(rename = "onMessageReadByPeer")]
    MessageReadByPeer(Vec<Message>),
    /// `onMessageExtensionsUpdated`: extensions of a message were added or
    /// changed, by anyone in its conversation, this instance included
    /// (checklist 1002–1004).
    #[serde(rename = "onMessageExtensionsUpdated")]
    MessageExtensionsUpdated {
        /// The message.
        #[serde(rename = "messageID")]
        message_id: String,
        /// The extensions written (`{key, value}`, with Confab's `seq`).
        extensions: Vec<confab_proto::extension::MessageExtension>,
    },
    /// `onMessageExtensionsDeleted`: extensions of a message were deleted
    /// (checklist 1006–1008).
    #[serde(rename = "onMessageExtensionsDeleted")]
    MessageExtensionsDeleted {
        /// The message.
        #[serde(rename = "messageID")]
        message_id: String,
        /// The keys deleted.
        #[serde(rename = "keyList")]
        key_list: Vec<String>,
    },
    /// `onMessageReadReceiptReceived`: someone read messages of mine that
    /// asked for read receipts; their read state now (checklist 995–1000).
    #[serde(rename = "onMessageReadReceiptReceived")]
    MessageReadReceiptReceived(Vec<confab_proto::receipt::ReadReceipt>),
    /// `onConversationListUpdated`: these conversations changed. After a
    /// deletion it carries the complete remaining list instead.
    #[serde(rename = "onConversationListUpdated")]
    ConversationListUpdated(Vec<Conversation>),
    /// `onTotalUnreadMessageCountUpdated`: the new total unread count.
    #[serde(rename = "onTotalUnreadMessageCountUpdated")]
    TotalUnreadMessageCountUpdated(u64),
    /// `onProfileUpdated`: changed profiles (mine included).
    #[serde(rename = "onProfileUpdated")]
    ProfileUpdated(Vec<Profile>),
    /// `onGroupListUpdated`: the group list changed (joined, left,
    /// dismissed, a profile or the caller's standing changed); carries the
    /// whole list (checklist 694, 702, 736).
    #[serde(rename = "onGroupListUpdated")]
    GroupListUpdated(Vec<confab_proto::group::GroupProfile>),
    /// `groupAttributesUpdated`: a group's attributes changed (checklist
    /// 784); carries all of them.
    #[serde(rename = "groupAttributesUpdated")]
    GroupAttributesUpdated {
        /// The group.
        #[serde(rename = "groupID")]
        group_id: String,
        /// Every attribute now, key → value.
        #[serde(rename = "groupAttributes")]
        group_attributes: std::collections::BTreeMap<String, String>,
    },
    /// `onTopicCreated`: a topic was made in a community I am in
    /// (checklist 929, 1050).
    #[serde(rename = "onTopicCreated")]
    TopicCreated {
        /// The community.
        #[serde(rename = "groupID")]
        group_id: String,
        /// The topic.
        #[serde(rename = "topicID")]
        topic_id: String,
    },
    /// `onTopicDeleted`: topics of a community I am in were deleted
    /// (checklist 935, 1054).
    #[serde(rename = "onTopicDeleted")]
    TopicDeleted {
        /// The community.
        #[serde(rename = "groupID")]
        group_id: String,
        /// The topics.
        #[serde(rename = "topicIDList")]
        topic_id_list: Vec<String>,
    },
    /// `onTopicUpdated`: a topic's profile, or my unread count, last
    /// message or @ info in it, changed (checklist 941, 1058).
    #[serde(rename = "onTopicUpdated")]
    TopicUpdated {
        /// The community.
        #[serde(rename = "groupID")]
        group_id: String,
        /// The topic now.
        topic: Box<crate::model::Topic>,
    },
    /// `onGroupCounterUpdated`: one group counter changed (checklist 810).
    #[serde(rename = "onGroupCounterUpdated")]
    GroupCounterUpdated {
        /// The group.
        #[serde(rename = "groupID")]
        group_id: String,
        /// The counter.
        key: String,
        /// Its value now.
        value: i64,
    },
    /// `blacklistUpdated`: my blacklist changed (here, on another
    /// instance, or learnt when this store began); carries the whole list
    /// (checklist 511, 517).
    #[serde(rename = "blacklistUpdated")]
    BlacklistUpdated(Vec<String>),
    /// `onFriendListUpdated`: my friend list changed (a friend added,
    /// deleted or updated, here or on another instance, a friend's profile
    /// or groups); carries the whole list (checklist 549, 1074–1076).
    #[serde(rename = "onFriendListUpdated")]
    FriendListUpdated(Vec<confab_proto::relation::Friend>),
    /// `onFriendApplicationListUpdated`: my friend requests changed; carries
    /// `{friendApplicationList, unreadCount}` (checklist 1082–1084).
    #[serde(rename = "onFriendApplicationListUpdated")]
    FriendApplicationListUpdated(crate::model::FriendApplicationList),
    /// `onFriendGroupListUpdated`: my friend groups changed; carries them
    /// all (checklist 1078–1080).
    #[serde(rename = "onFriendGroupListUpdated")]
    FriendGroupListUpdated(Vec<confab_proto::relation::FriendGroup>),
    /// `onConversationGroupListUpdated`: my conversation groups were made,
    /// deleted or renamed; carries their names (checklist 446–463).
    #[serde(rename = "onConversationGroupListUpdated")]
    ConversationGroupListUpdated(Vec<String>),
    /// `onConversationInGroupUpdated`: conversations were added to or taken
    /// out of one of my conversation groups (checklist 465–473).
    #[serde(rename = "onConversationInGroupUpdated")]
    ConversationInGroupUpdated {
        /// The group.
        #[serde(rename = "groupName")]
        group_name: String,
        /// Its conversations now.
        #[serde(rename = "conversationList")]
        conversation_list: Vec<crate::model::Conversation>,
    },
    /// `onUserStatusUpdated`: users I subscribed to changed status, or I
    /// set my custom status (here or on another instance); carries
    /// `[{userID, statusType, customStatus}]` (checklist 1066–1068).
    #[serde(rename = "onUserStatusUpdated")]
    UserStatusUpdated(Vec<confab_proto::status::UserStatus>),
    /// `kickedOut`: the instance was forced offline (already logged out).
    #[serde(rename = "kickedOut")]
    KickedOut {
        /// `TIM.TYPES.KICKED_OUT_*` value, e.g. `multipleAccount`.
        #[serde(rename = "type")]
        kick_type: String,
    },
    /// `netStateChange`: the connection state changed.
    #[serde(rename = "netStateChange")]
    NetStateChange {
        /// The new state.
        state: NetState,
    },
    /// `error`: a failure in the background (not of a call).
    #[serde(rename = "error")]
    Error {
        /// TIM error code.
        code: i32,
        /// Explanation.
        message: String,
    },
    /// Confab extension (not a TIM event), `onMessageStatusChanged`: an
    /// outbox message became `success` or `fail`, whether or not anyone
    /// still awaits its `send_message` future.
    #[serde(rename = "onMessageStatusChanged")]
    MessageStatusChanged(Vec<Message>),
    /// `onMessageRevoked`: messages of my conversations were revoked (by
    /// the peer, or by me on another instance); each has `isRevoked`.
    #[serde(rename = "onMessageRevoked")]
    MessageRevoked(Vec<Message>),
    /// `onMessageModified`: messages of my conversations were modified (by
    /// the peer, by me here or on another instance, or by the server when
    /// it stored other content than this instance sent, e.g. a masked
    /// text), as they are now.
    #[serde(rename = "onMessageModified")]
    MessageModified(Vec<Message>),

    // ----- file messages (Confab extensions) ---------------------------
    /// `onMessageUploadProgress`: bytes of an outgoing file message's
    /// files (original and thumbnails together) the server has taken so
    /// far. `loaded` never decreases for one message and ends at `total`.
    #[serde(rename = "onMessageUploadProgress")]
    MessageUploadProgress {
        /// The message's ID.
        #[serde(rename = "ID")]
        id: String,
        /// The message's `random`.
        random: u64,
        /// Its conversation.
        #[serde(rename = "conversationID")]
        conversation_id: String,
        /// Bytes uploaded.
        loaded: u64,
        /// Bytes to upload.
        total: u64,
    },
    /// `onFileDownloadProgress`: bytes of a message's file downloaded into
    /// the local cache so far.
    #[serde(rename = "onFileDownloadProgress")]
    FileDownloadProgress {
        /// The message's ID.
        #[serde(rename = "ID")]
        id: String,
        /// Which file of the message.
        rendition: crate::files::Rendition,
        /// Bytes downloaded.
        loaded: u64,
        /// Bytes in all.
        total: u64,
    },

    // ----- sessions (Confab extension) ---------------------------------
    /// `onUserSigRenewed`: the server issued this login a new UserSig (the
    /// SDK renewed it once half of its life was over, or the password was
    /// changed); the previous one no longer logs in. An application that
    /// stores the UserSig to log in after a restart stores this one.
    #[serde(rename = "onUserSigRenewed")]
    UserSigRenewed {
        /// The logged-in user.
        #[serde(rename = "userID")]
        user_id: String,
        /// The new UserSig.
        #[serde(rename = "userSig")]
        user_sig: String,
        /// When it expires (server time, seconds since the Unix epoch).
        #[serde(rename = "expireAt")]
        expire_at: i64,
    },
}

/// The name of an event, for [`crate::Tim::on`]; serialized as the
/// `TIM.EVENT` value.
///
/// `TIM.EVENT.GROUP_SYSTEM_NOTICE_RECEIVED` is deliberately absent: TIM
/// 2.27 delivers group system notices through `MESSAGE_RECEIVED`, as
/// `TIMGroupSystemNoticeElem` messages of `@TIM#SYSTEM` (checklist 1039,
/// 1040: the constant is kept, the event never fires).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum EventName {
    /// `sdkStateReady`.
    #[serde(rename = "sdkStateReady")]
    SdkReady,
    /// `sdkStateNotReady`.
    #[serde(rename = "sdkStateNotReady")]
    SdkNotReady,
    /// `sdkDestroy`.
    #[serde(rename = "sdkDestroy")]
    SdkDestroy,
    /// `onMessageReceived`.
    #[serde(rename = "onMessageReceived")]
    MessageReceived,
    /// `onMessageReadByPeer`.
    #[serde(rename = "onMessageReadByPeer")]
    MessageReadByPeer,
    /// `onMessageReadReceiptReceived`.
    #[serde(rename = "onMessageReadReceiptReceived")]
    MessageReadReceiptReceived,
    /// `onMessageExtensionsUpdated`.
    #[serde(rename = "onMessageExtensionsUpdated")]
    MessageExtensionsUpdated,
    /// `onMessageExtensionsDeleted`.
    #[serde(rename = "onMessageExtensionsDeleted")]
    MessageExtensionsDeleted,
    /// `onConversationListUpdated`.
    #[serde(rename = "onConversationListUpdated")]
    ConversationListUpdated,
    /// `onTotalUnreadMessageCountUpdated`.
    #[serde(rename = "onTotalUnreadMessageCountUpdated")]
    TotalUnreadMessageCountUpdated,
    /// `onProfileUpdated`.
    #[serde(rename = "onProfileUpdated")]
    ProfileUpdated,
    /// `onGroupListUpdated`.
    #[serde(rename = "onGroupListUpdated")]
    GroupListUpdated,
    /// `groupAttributesUpdated`.
    #[serde(rename = "groupAttributesUpdated")]
    GroupAttributesUpdated,
    /// `onGroupCounterUpdated`.
    #[serde(rename = "onGroupCounterUpdated")]
    GroupCounterUpdated,
    /// `onTopicCreated`.
    #[serde(rename = "onTopicCreated")]
    TopicCreated,
    /// `onTopicDeleted`.
    #[serde(rename = "onTopicDeleted")]
    TopicDeleted,
    /// `onTopicUpdated`.
    #[serde(rename = "onTopicUpdated")]
    TopicUpdated,
    /// `blacklistUpdated`.
    #[serde(rename = "blacklistUpdated")]
    BlacklistUpdated,
    /// `onFriendListUpdated`.
    #[serde(rename = "onFriendListUpdated")]
    FriendListUpdated,
    /// `onFriendApplicationListUpdated`.
    #[serde(rename = "onFriendApplicationListUpdated")]
    FriendApplicationListUpdated,
    /// `onFriendGroupListUpdated`.
    #[serde(rename = "onFriendGroupListUpdated")]
    FriendGroupListUpdated,
    /// `onUserStatusUpdated`.
    #[serde(rename = "onUserStatusUpdated")]
    UserStatusUpdated,
    /// `onConversationGroupListUpdated`.
    #[serde(rename = "onConversationGroupListUpdated")]
    ConversationGroupListUpdated,
    /// `onConversationInGroupUpdated`.
    #[serde(rename = "onConversationInGroupUpdated")]
    ConversationInGroupUpdated,
    /// `kickedOut`.
    #[serde(rename = "kickedOut")]
    KickedOut,
    /// `netStateChange`.
    #[serde(rename = "netStateChange")]
    NetStateChange,
    /// `error`.
    #[serde(rename = "error")]
    Error,
    /// `onMessageStatusChanged` (Confab extension).
    #[serde(rename = "onMessageStatusChanged")]
    MessageStatusChanged,
    /// `onMessageRevoked`.
    #[serde(rename = "onMessageRevoked")]
    MessageRevoked,
    /// `onMessageModified`.
    #[serde(rename = "onMessageModified")]
    MessageModified,
    /// `onMessageUploadProgress` (Confab extension).
    #[serde(rename = "onMessageUploadProgress")]
    MessageUploadProgress,
    /// `onFileDownloadProgress` (Confab extension).
    #[serde(rename = "onFileDownloadProgress")]
    FileDownloadProgress,
    /// `onUserSigRenewed` (Confab extension).
    #[serde(rename = "onUserSigRenewed")]
    UserSigRenewed,
}

impl EventName {
    /// The `TIM.EVENT` value (or Confab's name for its extension).
    pub fn as_str(self) -> &'static str {
        use confab_proto::constants::event as e;
        match self {
            Self::SdkReady => e::SDK_READY,
            Self::SdkNotReady => e::SDK_NOT_READY,
            Self::SdkDestroy => e::SDK_DESTROY,
            Self::MessageReceived => e::MESSAGE_RECEIVED,
            Self::MessageReadByPeer => e::MESSAGE_READ_BY_PEER,
            Self::MessageReadReceiptReceived => e::MESSAGE_READ_RECEIPT_RECEIVED,
            Self::MessageExtensionsUpdated => e::MESSAGE_EXTENSIONS_UPDATED,
            Self::MessageExtensionsDeleted => e::MESSAGE_EXTENSIONS_DELETED,
            Self::ConversationListUpdated => e::CONVERSATION_LIST_UPDATED,
            Self::TotalUnreadMessageCountUpdated => e::TOTAL_UNREAD_MESSAGE_COUNT_UPDATED,
            Self::ProfileUpdated => e::PROFILE_UPDATED,
            Self::GroupListUpdated => e::GROUP_LIST_UPDATED,
            Self::GroupAttributesUpdated => e::GROUP_ATTRIBUTES_UPDATED,
            Self::GroupCounterUpdated => e::GROUP_COUNTER_UPDATED,
            Self::TopicCreated => e::TOPIC_CREATED,
            Self::TopicDeleted => e::TOPIC_DELETED,
            Self::TopicUpdated => e::TOPIC_UPDATED,
            Self::BlacklistUpdated => e::BLACKLIST_UPDATED,
            Self::FriendListUpdated => e::FRIEND_LIST_UPDATED,
            Self::FriendApplicationListUpdated => e::FRIEND_APPLICATION_LIST_UPDATED,
            Self::FriendGroupListUpdated => e::FRIEND_GROUP_LIST_UPDATED,
            Self::UserStatusUpdated => e::USER_STATUS_UPDATED,
            Self::ConversationGroupListUpdated => e::CONVERSATION_GROUP_LIST_UPDATED,
            Self::ConversationInGroupUpdated => e::CONVERSATION_IN_GROUP_UPDATED,
            Self::KickedOut => e::KICKED_OUT,
            Self::NetStateChange => e::NET_STATE_CHANGE,
            Self::Error => e::ERROR,
            Self::MessageStatusChanged => "onMessageStatusChanged",
            Self::MessageRevoked => e::MESSAGE_REVOKED,
            Self::MessageModified => e::MESSAGE_MODIFIED,
            Self::MessageUploadProgress => "onMessageUploadProgress",
            Self::FileDownloadProgress => "onFileDownloadProgress",
            Self::UserSigRenewed => "onUserSigRenewed",
        }
    }
}

impl Event {
    /// This event's name.
    pub fn name(&self) -> EventName {
        match self {
            Self::SdkReady => EventName::SdkReady,
            Self::SdkNotReady => EventName::SdkNotReady,
            Self::SdkDestroy => EventName::SdkDestroy,
            Self::MessageReceived(_) => EventName::MessageReceived,
            Self::MessageReadByPeer(_) => EventName::MessageReadByPeer,
            Self::MessageReadReceiptReceived(_) => EventName::MessageReadReceiptReceived,
            Self::MessageExtensionsUpdated { .. } => EventName::MessageExtensionsUpdated,
            Self::MessageExtensionsDeleted { .. } => EventName::MessageExtensionsDeleted,
            Self::ConversationListUpdated(_) => EventName::ConversationListUpdated,
            Self::TotalUnreadMessageCountUpdated(_) => EventName::TotalUnreadMessageCountUpdated,
            Self::ProfileUpdated(_) => EventName::ProfileUpdated,
            Self::GroupListUpdated(_) => EventName::GroupListUpdated,
            Self::GroupAttributesUpdated { .. } => EventName::GroupAttributesUpdated,
            Self::GroupCounterUpdated { .. } => EventName::GroupCounterUpdated,
            Self::TopicCreated { .. } => EventName::TopicCreated,
            Self::TopicDeleted { .. } => EventName::TopicDeleted,
            Self::TopicUpdated { .. } => EventName::TopicUpdated,
            Self::BlacklistUpdated(_) => EventName::BlacklistUpdated,
            Self::FriendListUpdated(_) => EventName::FriendListUpdated,
            Self::FriendApplicationListUpdated(_) => EventName::FriendApplicationListUpdated,
            Self::FriendGroupListUpdated(_) => EventName::FriendGroupListUpdated,
            Self::UserStatusUpdated(_) => EventName::UserStatusUpdated,
            Self::ConversationGroupListUpdated(_) => EventName::ConversationGroupListUpdated,
            Self::ConversationInGroupUpdated { .. } => EventName::ConversationInGroupUpdated,
            Self::KickedOut { .. } => EventName::KickedOut,
            Self::NetStateChange { .. } => EventName::NetStateChange,
            Self::Error { .. } => EventName::Error,
            Self::MessageStatusChanged(_) => EventName::MessageStatusChanged,
            Self::MessageRevoked(_) => EventName::MessageRevoked,
            Self::MessageModified(_) => EventName::MessageModified,
            Self::MessageUploadProgress { .. } => EventName::MessageUploadProgress,
            Self::FileDownloadProgress { .. } => EventName::FileDownloadProgress,
            Self::UserSigRenewed { .. } => EventName::UserSigRenewed,
        }
    }
}

/// Identifies a handler registered with [`crate::Tim::on`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ListenerId(u64);

type Handler = Arc<dyn Fn(&Event) + Send + Sync + 'static>;

/// Delivers events to handlers and broadcast subscribers.
pub(crate) struct EventHub {
    sender: broadcast::Sender<Event>,
    handlers: Mutex<Vec<(ListenerId, EventName, Handler)>>,
    next_id: AtomicU64,
}

/// How many events a slow subscriber may fall behind before it lags.
const BROADCAST_CAPACITY: usize = 4096;

impl EventHub {
    pub(crate) fn new() -> Self {
        let (sender, _) = broadcast::channel(BROADCAST_CAPACITY);
        Self { sender, handlers: Mutex::new(Vec::new()), next_id: AtomicU64::new(1) }
    }

    pub(crate) fn subscribe(&self) -> broadcast::Receiver<Event> {
        self.sender.subscribe()
    }

    pub(crate) fn on(&self, name: EventName, handler: Handler) -> ListenerId {
        let id = ListenerId(self.next_id.fetch_add(1, Ordering::Relaxed));
        self.lock_handlers().push((id, name, handler));
        id
    }

    pub(crate) fn off(&self, id: ListenerId) -> bool {
        let mut handlers = self.lock_handlers();
        let before = handlers.len();
        handlers.retain(|(h, _, _)| *h != id);
        handlers.len() != before
    }

    /// Delivers an event: handlers first (outside the lock), then
    /// subscribers.
    pub(crate) fn emit(&self, event: Event) {
        let name = event.name();
        let matching: Vec<Handler> = self
            .lock_handlers()
            .iter()
            .filter(|(_, n, _)| *n == name)
            .map(|(_, _, h)| Arc::clone(h))
            .collect();
        for handler in matching {
            handler(&event);
        }
        if self.sender.send(event).is_err() {
            tracing::trace!(event = name.as_str(), "no subscribers");
        }
    }

    fn lock_handlers(&self) -> std::sync::MutexGuard<'_, Vec<(ListenerId, EventName, Handler)>> {
        // A handler list poisoned by a panicking thread is still consistent:
        // every mutation is a single push or retain.
        self.handlers.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn event_names_are_tim_values() {
        let cases = [
            (Event::SdkReady, json!({"name":"sdkStateReady"})),
            (Event::SdkNotReady, json!({"name":"sdkStateNotReady"})),
            (Event::SdkDestroy, json!({"name":"sdkDestroy"})),
            (Event::MessageReceived(vec![]), json!({"name":"onMessageReceived","data":[]})),
            (Event::MessageReadByPeer(vec![]), json!({"name":"onMessageReadByPeer","data":[]})),
            (
                Event::ConversationListUpdated(vec![]),
                json!({"name":"onConversationListUpdated","data":[]}),
            ),
            (
                Event::TotalUnreadMessageCountUpdated(3),
                json!({"name":"onTotalUnreadMessageCountUpdated","data":3}),
            ),
            (Event::ProfileUpdated(vec![]), json!({"name":"onProfileUpdated","data":[]})),
            (Event::GroupListUpdated(vec![]), json!({"name":"onGroupListUpdated","data":[]})),
            (
                Event::BlacklistUpdated(vec!["bob".into()]),
                json!({"name":"blacklistUpdated","data":["bob"]}),
            ),
            (
                Event::KickedOut { kick_type: "multipleAccount".into() },
                json!({"name":"kickedOut","data":{"type":"multipleAccount"}}),
            ),
            (
                Event::NetStateChange { state: NetState::Connecting },
                json!({"name":"netStateChange","data":{"state":"connecting"}}),
            ),
            (
                Event::Error { code: 2800, message: "m".into() },
                json!({"name":"error","data":{"code":2800,"message":"m"}}),
            ),
            (
                Event::MessageStatusChanged(vec![]),
                json!({"name":"onMessageStatusChanged","data":[]}),
            ),
            (Event::MessageRevoked(vec![]), json!({"name":"onMessageRevoked","data":[]})),
            (Event::MessageModified(vec![]), json!({"name":"onMessageModified","data":[]})),
            (
                Event::MessageUploadProgress {
                    id: "local-7".into(),
                    random: 7,
                    conversation_id: "C2Cbob".into(),
                    loaded: 10,
                    total: 20,
                },
                json!({"name":"onMessageUploadProgress","data":{"ID":"local-7","random":7,
                    "conversationID":"C2Cbob","loaded":10,"total":20}}),
            ),
            (
                Event::FileDownloadProgress {
                    id: "m1".into(),
                    rendition: crate::files::Rendition::VideoCover,
                    loaded: 1,
                    total: 2,
                },
                json!({"name":"onFileDownloadProgress","data":{"ID":"m1","rendition":"thumb",
                    "loaded":1,"total":2}}),
            ),
            (
                Event::UserSigRenewed {
                    user_id: "alice".into(),
                    user_sig: "sig".into(),
                    expire_at: 9,
                },
                json!({"name":"onUserSigRenewed","data":{"userID":"alice","userSig":"sig","expireAt":9}}),
            ),
        ];
        for (event, expected) in cases {
            let value = serde_json::to_value(&event).expect("serialize");
            assert_eq!(value, expected);
            assert_eq!(value["name"], event.name().as_str());
            assert_eq!(serde_json::to_value(event.name()).expect("name"), expected["name"]);
            assert_eq!(serde_json::from_value::<Event>(value).expect("parse"), event);
        }
    }

    #[test]
    fn tim_constants_agree() {
        use confab_proto::constants::event as e;
        assert_eq!(EventName::SdkReady.as_str(), e::SDK_READY);
        assert_eq!(EventName::KickedOut.as_str(), e::KICKED_OUT);
        assert_eq!(EventName::NetStateChange.as_str(), e::NET_STATE_CHANGE);
        assert_eq!(EventName::MessageRevoked.as_str(), e::MESSAGE_REVOKED);
        assert_eq!(EventName::MessageModified.as_str(), e::MESSAGE_MODIFIED);
    }

    #[test]
    fn handlers_can_be_removed() {
        let hub = EventHub::new();
        let count = Arc::new(AtomicU64::new(0));
        let c = Arc::clone(&count);
        let id = hub.on(
            EventName::SdkReady,
            Arc::new(move |_| {
                c.fetch_add(1, Ordering::SeqCst);
            }),
        );
        hub.emit(Event::SdkReady);
        hub.emit(Event::SdkNotReady);
        assert_eq!(count.load(Ordering::SeqCst), 1);
        assert!(hub.off(id));
        assert!(!hub.off(id));
        hub.emit(Event::SdkReady);
        assert_eq!(count.load(Ordering::SeqCst), 1);
    }
}
