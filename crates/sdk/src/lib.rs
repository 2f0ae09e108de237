//! Confab client SDK: the TIM Web SDK 2.27 API as async Rust.
//!
//! [`Tim::create`] makes an instance; [`Tim::login`] starts a session
//! actor (one task owning the WebSocket: login, heartbeat, reconnect with
//! backoff, inbox sync) and opens the account's local SQLite store, which
//! serves conversations and history, works offline, and holds a persistent
//! outbox so messages sent while offline go out, in order, later. Events
//! (`TIM.EVENT`) arrive through [`Tim::on`] handlers and [`Tim::subscribe`]
//! receivers as the typed [`Event`]. Every error carries TIM's numeric code
//! ([`TimError`]).
//!
//! The wire protocol is `confab_proto` (see `docs/protocol.md`).

pub mod account;
mod actor;
mod error;
mod event;
mod files;
pub mod import;
mod model;
mod options;
mod session;
mod store;
mod tim;
pub mod tls;
pub mod transport;

pub use confab_proto::conversation::{
    ConversationFailure, ConversationIdResponse, ConversationResultResponse, ConversationSettings,
    ReadAllScope, RemindType, RemindTypeResponse, SetMessageRemindType, TranslateText,
    TranslateTextResponse,
};
pub use confab_proto::extension::{ExtensionResult, MessageExtension};
pub use confab_proto::message::{
    ConversationType, CustomPayload, FacePayload, LocationPayload, MessageControlInfo,
    MessageElement, Priority, TextPayload,
};
pub use confab_proto::ops::Platform;
pub use confab_proto::profile::{CustomField, Profile, ProfilePatch};
pub use confab_proto::receipt::{ReadMemberListResponse, ReadReceipt};
pub use confab_proto::relation::{
    AddFriend, AddFriendResponse, AddType, ApplicationType, CheckFriendResponse, CheckType,
    CheckedRelation, DeleteType, Friend, FriendApplication, FriendGroup, FriendGroupChange,
    FriendProfileResponse, FriendResultResponse, Relation, ResponseAction, UpdateFriend,
    UserFailure, UserResult,
};
pub use confab_proto::status::{StatusFailures, UserStatus, UserStatusResponse};
pub use confab_proto::topic::{
    CreateTopicInCommunity, DeleteTopicFromCommunity, DeleteTopicResponse, GetTopicList,
    TopicFailure, TopicIdOnly, TopicIdResponse, TopicProfile, UpdateTopicProfile,
};
pub use error::TimError;
pub use event::{Event, EventName, ListenerId, NetState};
pub use files::{is_safe_to_open, FileSource, Rendition, MAX_FILE_SIZE};
pub use model::{
    message_for_show, Conversation, ConversationListResult, CreateMessageOptions,
    DeleteConversationOptions, FriendApplicationList, GetMessageListOptions, IntoElement,
    LastMessage, LoginResult, Message, MessageFlow, MessageIdentity, MessageListPage,
    MessageStatus, ReadReceiptInfo, SendMessageOptions, SendResult, Topic, TopicSelfInfo,
};
pub use options::{Clock, ReconnectPolicy, SystemClock, TimOptions};
pub use tim::conversation_settings::ConversationFilter;
pub use tim::message_ops::{
    GetMessageListHoppingOptions, HoppingPage, MergerMessagePayload, TextAtPayload,
};
pub use tim::receipt::ReadMemberListOptions;
pub use tim::search::{
    KeywordMatchType, SearchLocalMessagesOptions, SearchResult, SearchResultItem,
};
pub use tim::topic::{TopicList, UpdatedTopic};
pub use tim::Tim;
pub use tls::{CustomCa, TlsConfig, TlsFailure};
pub use transport::{SwitchableTransport, Transport, TransportError, WsTransport};

/// Grant returned by [`account::register`] and [`account::login`].
pub use confab_proto::account::Grant;

/// Messages per `get_message_list` page (TIM's 15).
pub const MESSAGE_PAGE_SIZE: usize = 15;
