//! TIM data objects as the SDK hands them out (`Message`, `Conversation`,
//! the conversation's `lastMessage` summary) and the option and result
//! objects of the API methods. Field names are TIM's
//! (`shared/reference/data-model.md`).

use confab_proto::constants::types;
use confab_proto::message::{
    ConversationType, CustomPayload, FacePayload, LocationPayload, MessageControlInfo,
    MessageElement, Priority, TextPayload,
};
use confab_proto::profile::Profile;
use serde::{Deserialize, Serialize};

/// Direction of a message from this user's point of view.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum MessageFlow {
    /// `in`: received.
    #[serde(rename = "in")]
    In,
    /// `out`: sent by this user (from any instance).
    #[serde(rename = "out")]
    Out,
}

/// Send status of a message.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum MessageStatus {
    /// `unSend`: created or queued, not acknowledged yet.
    #[serde(rename = "unSend")]
    UnSend,
    /// `success`: stored by the server.
    #[serde(rename = "success")]
    Success,
    /// `fail`: rejected; see `resend_message`.
    #[serde(rename = "fail")]
    Fail,
}

impl MessageStatus {
    /// The TIM value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::UnSend => "unSend",
            Self::Success => "success",
            Self::Fail => "fail",
        }
    }

    /// Parses the TIM value.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "unSend" => Some(Self::UnSend),
            "success" => Some(Self::Success),
            "fail" => Some(Self::Fail),
            _ => None,
        }
    }
}

impl MessageFlow {
    /// The TIM value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::In => "in",
            Self::Out => "out",
        }
    }
}

/// Compares with the TIM value, e.g. `message.flow == "out"`.
impl PartialEq<&str> for MessageFlow {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

/// Compares with the TIM value, e.g. `message.status == "success"`.
impl PartialEq<&str> for MessageStatus {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

/// `message.readReceiptInfo`: the state of read receipts
/// (`needReadReceipt` messages and `sendMessageReadReceipt`), as last
/// learnt (MESSAGE_READ_RECEIPT_RECEIVED, `getMessageReadReceiptList`).
/// The peer's `setMessageRead` sets the message's top-level `is_peer_read`
/// instead; neither touches the other.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ReadReceiptInfo {
    /// C2C: the peer sent a read receipt for the message.
    pub is_peer_read: bool,
    /// Group: members who read it.
    pub read_count: u64,
    /// Group: members who could read it and have not (0: all read it).
    pub unread_count: u64,
}

impl From<&confab_proto::receipt::ReadReceipt> for ReadReceiptInfo {
    fn from(r: &confab_proto::receipt::ReadReceipt) -> Self {
        Self {
            is_peer_read: r.is_peer_read,
            read_count: r.read_count,
            unread_count: r.unread_count,
        }
    }
}

/// A TIM `Message`.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Message {
    /// Message ID, made by the sender's client when it creates the message
    /// (`<from>-<time>-<random>`) and the same on the server and every
    /// client from then on; opaque (older messages have other forms).
    #[serde(rename = "ID")]
    pub id: String,
    /// `TIM.TYPES.MSG_*` value, e.g. `TIMTextElem`.
    #[serde(rename = "type")]
    pub r#type: String,
    /// The element's TIM payload object (e.g. `{"text": …}`); see
    /// [`Message::element`] for the typed form.
    #[cfg_attr(feature = "ts", ts(type = "Record<string, any>"))]
    pub payload: serde_json::Value,
    /// Conversation, from this user's side (`C2C<peer>`).
    #[serde(rename = "conversationID")]
    pub conversation_id: String,
    /// Conversation type.
    pub conversation_type: ConversationType,
    /// Receiver.
    pub to: String,
    /// Sender.
    pub from: String,
    /// `in` or `out`.
    pub flow: MessageFlow,
    /// Seconds since the Unix epoch (server time once sent).
    pub time: i64,
    /// `unSend`, `success` or `fail`.
    pub status: MessageStatus,
    /// Revoked.
    pub is_revoked: bool,
    /// Priority.
    pub priority: Priority,
    /// Sender's nickname.
    pub nick: String,
    /// Sender's avatar.
    pub avatar: String,
    /// C2C: the peer read this (outgoing) message (the peer's
    /// `setMessageRead` reached it; read receipts are in
    /// `read_receipt_info`).
    pub is_peer_read: bool,
    /// Sender's group name card (groups only).
    pub name_card: String,
    /// @-mentioned users (groups only).
    pub at_user_list: Vec<String>,
    /// A targeted group message's receivers (TIM `receiverList`, given to
    /// `create_*_message`): only they and the sender see it. Empty for
    /// every other message, and not kept in the local store once sent.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub receiver_list: Vec<String>,
    /// Opaque data stored with the message.
    pub cloud_custom_data: String,
    /// Deleted.
    pub is_deleted: bool,
    /// Modified after sending.
    pub is_modified: bool,
    /// Read receipts were asked for.
    pub need_read_receipt: bool,
    /// Read receipt state (not set by `setMessageRead`).
    pub read_receipt_info: ReadReceiptInfo,
    /// The message takes extensions (TIM `isSupportExtension`; the
    /// message extension methods need it).
    #[serde(default)]
    pub is_support_extension: bool,
    /// Broadcast message.
    pub is_broadcast_message: bool,
    /// Per-conversation sequence (0 until sent, and for `onlineUserOnly`).
    pub sequence: u64,
    /// The client message ID, kept across resends (server dedup key).
    pub random: u64,
    /// Confab extension: how many times the message was modified (0 for an
    /// unmodified one). `modify_message` sends it as the version the change
    /// was made from, so a stale copy gets 2480 instead of overwriting.
    #[serde(default)]
    pub version: u32,
}

impl Message {
    /// The element's `TIM.TYPES.MSG_*` value.
    pub fn message_type(&self) -> &str {
        &self.r#type
    }

    /// The typed element (`type` + `payload`).
    pub fn element(&self) -> Result<MessageElement, serde_json::Error> {
        serde_json::from_value(serde_json::json!({"type": self.r#type, "payload": self.payload}))
    }

    /// Replaces `type` and `payload` with an element's.
    pub fn set_element(&mut self, element: &MessageElement) {
        let (message_type, payload) = split_element(element);
        self.r#type = message_type;
        self.payload = payload;
    }
}

/// An element's `type` and `payload`.
pub(crate) fn split_element(element: &MessageElement) -> (String, serde_json::Value) {
    // A MessageElement is plain data: it always serializes to an object
    // with a payload.
    let mut value = serde_json::to_value(element).unwrap_or(serde_json::Value::Null);
    let payload = value.get_mut("payload").map(serde_json::Value::take).unwrap_or_default();
    (element.type_name().to_owned(), payload)
}

/// A server message as this user sees it, without local state (used for
/// `onlineUserOnly` messages, which are never stored).
pub(crate) fn message_from_wire(m: &confab_proto::message::WireMessage, me: &str) -> Message {
    let mine = m.from.as_str() == me;
    let conversation_id = match m.conversation_type {
        ConversationType::C2c => {
            let peer = if mine { m.to.as_str() } else { m.from.as_str() };
            format!("{}{peer}", types::CONV_C2C)
        }
        ConversationType::Group => format!("{}{}", types::CONV_GROUP, m.to),
        ConversationType::System => types::CONV_SYSTEM.to_owned(),
    };
    let (message_type, payload) = split_element(&m.element);
    Message {
        id: m.id.0.clone(),
        r#type: message_type,
        payload,
        conversation_id,
        conversation_type: m.conversation_type,
        to: m.to.clone(),
        from: m.from.0.clone(),
        flow: if mine { MessageFlow::Out } else { MessageFlow::In },
        time: m.time,
        status: MessageStatus::Success,
        is_revoked: m.is_revoked,
        priority: m.priority,
        nick: m.nick.clone(),
        avatar: m.avatar.clone(),
        is_peer_read: false,
        name_card: m.name_card.clone(),
        at_user_list: m.at_user_list.clone(),
        receiver_list: m.receiver_list.clone(),
        cloud_custom_data: m.cloud_custom_data.clone(),
        is_deleted: false,
        is_modified: m.version > 0,
        need_read_receipt: m.need_read_receipt,
        is_support_extension: m.is_support_extension,
        read_receipt_info: ReadReceiptInfo::default(),
        is_broadcast_message: false,
        sequence: m.sequence,
        random: m.random,
        version: m.version,
    }
}

/// Text TIM shows for a message in a conversation list (`messageForShow`).
pub fn message_for_show(element: &MessageElement) -> String {
    match element {
        MessageElement::Text(t) => t.text.clone(),
        MessageElement::Custom(_) => "[自定义消息]".into(),
        MessageElement::Face(_) => "[动画表情]".into(),
        MessageElement::Location(_) => "[位置]".into(),
        MessageElement::Image(_) => "[图片]".into(),
        MessageElement::Sound(_) => "[语音]".into(),
        MessageElement::Video(_) => "[视频]".into(),
        MessageElement::File(f) => format!("[文件]{}", f.file_name),
        MessageElement::Merger(_) => "[聊天记录]".into(),
        MessageElement::GroupTip(_) => "[群提示消息]".into(),
        MessageElement::GroupSystemNotice(_) => "[群系统通知]".into(),
    }
}

/// `conversation.lastMessage`: TIM's summary of the newest message.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LastMessage {
    /// Time, seconds.
    pub last_time: i64,
    /// Sequence (0 while unsent).
    pub last_sequence: u64,
    /// Sender.
    pub from_account: String,
    /// `TIM.TYPES.MSG_*` value.
    #[serde(rename = "type")]
    pub r#type: String,
    /// The element's payload.
    #[cfg_attr(feature = "ts", ts(type = "Record<string, any>"))]
    pub payload: serde_json::Value,
    /// Display text.
    pub message_for_show: String,
    /// Revoked.
    pub is_revoked: bool,
    /// The peer read it (outgoing C2C).
    pub is_peer_read: bool,
    /// Sender's nickname.
    pub nick: String,
    /// Sender's name card (groups).
    pub name_card: String,
    /// Opaque data.
    pub cloud_custom_data: String,
}

impl LastMessage {
    /// The summary of a message.
    pub fn of(message: &Message) -> Self {
        Self {
            last_time: message.time,
            last_sequence: message.sequence,
            from_account: message.from.clone(),
            r#type: message.r#type.clone(),
            payload: message.payload.clone(),
            message_for_show: match message.element() {
                Ok(element) => message_for_show(&element),
                Err(_) => format!("[{}]", message.r#type),
            },
            is_revoked: message.is_revoked,
            is_peer_read: message.is_peer_read,
            nick: message.nick.clone(),
            name_card: message.name_card.clone(),
            cloud_custom_data: message.cloud_custom_data.clone(),
        }
    }
}

/// A TIM `Conversation`.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Conversation {
    /// `C2C<peer>`.
    #[serde(rename = "conversationID")]
    pub conversation_id: String,
    /// Conversation type.
    #[serde(rename = "type")]
    pub conversation_type: ConversationType,
    /// Unread messages.
    pub unread_count: u64,
    /// The newest message as TIM's summary object ([`LastMessage`]'s
    /// fields), or null.
    #[cfg_attr(feature = "ts", ts(as = "Option<LastMessage>"))]
    pub last_message: Option<serde_json::Value>,
    /// Group profile (null for C2C).
    #[cfg_attr(feature = "ts", ts(type = "Record<string, any> | null"))]
    pub group_profile: Option<serde_json::Value>,
    /// The peer's profile as far as known.
    pub user_profile: Option<Profile>,
    /// @-mention info (groups).
    #[cfg_attr(feature = "ts", ts(type = "Array<Record<string, any>>"))]
    pub group_at_info_list: Vec<serde_json::Value>,
    /// Friend remark.
    pub remark: String,
    /// Pinned.
    pub is_pinned: bool,
    /// `TIM.TYPES.MSG_REMIND_*`.
    pub message_remind_type: String,
    /// Marks.
    pub mark_list: Vec<u64>,
    /// Custom data.
    pub custom_data: String,
    /// Conversation groups it belongs to.
    pub conversation_group_list: Vec<String>,
}

impl Conversation {
    /// A conversation with TIM's defaults for everything but its ID, type,
    /// unread count, last message and peer profile.
    pub fn new(
        conversation_id: String,
        conversation_type: ConversationType,
        unread_count: u64,
        last_message: Option<LastMessage>,
        user_profile: Option<Profile>,
    ) -> Self {
        Self {
            conversation_id,
            conversation_type,
            unread_count,
            last_message: last_message.map(|l| {
                serde_json::to_value(l).expect("a LastMessage is plain data and always serializes")
            }),
            group_profile: None,
            user_profile,
            group_at_info_list: Vec::new(),
            remark: String::new(),
            is_pinned: false,
            message_remind_type: types::MSG_REMIND_ACPT_AND_NOTE.into(),
            mark_list: Vec::new(),
            custom_data: String::new(),
            conversation_group_list: Vec::new(),
        }
    }
}

impl Conversation {
    /// `lastMessage` in typed form.
    pub fn last_message_summary(&self) -> Option<LastMessage> {
        self.last_message.clone().and_then(|v| serde_json::from_value(v).ok())
    }
}

/// My own standing in a topic (`Topic.selfInfo`).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TopicSelfInfo {
    /// Muted in this topic until, seconds (0: not muted here).
    pub mute_until: i64,
    /// Highest message sequence of the topic I have read.
    pub read_sequence: u64,
    /// My remind type of the topic (`TIM.TYPES.MSG_REMIND_*`; ignored
    /// while the community is set to Discard).
    pub message_remind_type: String,
}

/// A TIM `Topic`: the topic's profile with my unread count, last message
/// and @ info in it (from this store's copy of its conversation,
/// `GROUP<topicID>`).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Topic {
    /// The topic ID.
    #[serde(rename = "topicID")]
    pub topic_id: String,
    /// Name.
    pub topic_name: String,
    /// Avatar URL.
    pub avatar: String,
    /// Introduction.
    pub introduction: String,
    /// Notification.
    pub notification: String,
    /// My unread messages in it.
    pub unread_count: u64,
    /// Everyone but the community's owner and admins is muted.
    pub mute_all_members: bool,
    /// The app's own data.
    pub custom_data: String,
    /// @-mentions of me that I have not read.
    #[cfg_attr(feature = "ts", ts(type = "Array<Record<string, any>>"))]
    pub group_at_info_list: Vec<serde_json::Value>,
    /// The newest message as TIM's summary object, or null.
    #[cfg_attr(feature = "ts", ts(as = "Option<LastMessage>"))]
    pub last_message: Option<serde_json::Value>,
    /// My standing in it.
    pub self_info: TopicSelfInfo,
}

impl Topic {
    /// The topic as the server keeps it, with what this store's copy of
    /// its conversation says (none yet: nothing unread).
    pub fn of(
        profile: &confab_proto::topic::TopicProfile,
        conversation: Option<&Conversation>,
    ) -> Self {
        let server = profile.self_info.clone().unwrap_or_default();
        Self {
            topic_id: profile.topic_id.clone(),
            topic_name: profile.topic_name.clone(),
            avatar: profile.avatar.clone(),
            introduction: profile.introduction.clone(),
            notification: profile.notification.clone(),
            unread_count: conversation.map_or(0, |c| c.unread_count),
            mute_all_members: profile.mute_all_members,
            custom_data: profile.custom_data.clone(),
            group_at_info_list: conversation
                .map(|c| c.group_at_info_list.clone())
                .unwrap_or_default(),
            last_message: conversation.and_then(|c| c.last_message.clone()),
            self_info: TopicSelfInfo {
                mute_until: server.mute_until,
                read_sequence: server.read_sequence,
                message_remind_type: conversation.map_or_else(
                    || types::MSG_REMIND_ACPT_AND_NOTE.to_owned(),
                    |c| c.message_remind_type.clone(),
                ),
            },
        }
    }
}

/// Options of `create_text_message` / `create_custom_message`.
#[derive(Clone, Debug, PartialEq)]
pub struct CreateMessageOptions<P> {
    /// The receiver: a userID (C2C) or a groupID (GROUP).
    pub to: String,
    /// Conversation type: `C2C` (to a userID) or `GROUP` (to a groupID).
    pub conversation_type: ConversationType,
    /// The payload.
    pub payload: P,
    /// Priority (default `Normal`).
    pub priority: Priority,
    /// Opaque data stored and delivered with the message.
    pub cloud_custom_data: String,
    /// Ask for read receipts.
    pub need_read_receipt: bool,
    /// Make the message extensible (TIM `isSupportExtension`).
    pub is_support_extension: bool,
    /// Makes a targeted group message (TIM `receiverList`): the members
    /// who alone receive it, at most 50; not with @-mentions, not in a
    /// Community or AVChatRoom. Empty: the whole group.
    pub receiver_list: Vec<String>,
    /// The creation time and `random` to give the message (Confab
    /// extension, for a facade that already showed the message it made,
    /// so the message keeps its ID); `None`: now and a new random.
    pub identity: Option<MessageIdentity>,
}

/// What a message's ID is made of besides its sender: its creation time
/// and `random` (see `confab_proto::MessageId::client_made`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MessageIdentity {
    /// Creation time, seconds (not negative).
    pub time: i64,
    /// `random`, 1 to 2^53 − 1.
    pub random: u64,
}

impl<P> CreateMessageOptions<P> {
    /// A one-to-one message to `to` with default options.
    pub fn c2c(to: String, payload: P) -> Self {
        Self {
            to,
            conversation_type: ConversationType::C2c,
            payload,
            priority: Priority::Normal,
            cloud_custom_data: String::new(),
            need_read_receipt: false,
            is_support_extension: false,
            receiver_list: Vec::new(),
            identity: None,
        }
    }
}

/// Turns a create payload into a message element.
pub trait IntoElement {
    /// The element.
    fn into_element(self) -> MessageElement;
}

impl IntoElement for TextPayload {
    fn into_element(self) -> MessageElement {
        MessageElement::Text(self)
    }
}

impl IntoElement for CustomPayload {
    fn into_element(self) -> MessageElement {
        MessageElement::Custom(self)
    }
}

impl IntoElement for FacePayload {
    fn into_element(self) -> MessageElement {
        MessageElement::Face(self)
    }
}

impl IntoElement for LocationPayload {
    fn into_element(self) -> MessageElement {
        MessageElement::Location(self)
    }
}

/// Options of `send_message`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SendMessageOptions {
    /// Deliver only to receivers online now; not stored, not queued while
    /// offline (fails with 2800 when not connected).
    pub online_user_only: bool,
    /// Unread / last-message control.
    pub message_control_info: Option<MessageControlInfo>,
    /// Do not queue while disconnected (Confab extension). By default a
    /// message sent while disconnected waits in the outbox, `unSend`, and
    /// the send settles when it went out; with this set it is stored as
    /// `fail` at once (resend it later) and the send fails with 2800.
    pub fail_when_offline: bool,
}

/// Result of `send_message` / `resend_message` (TIM `imResponse.data`).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SendResult {
    /// The sent message, with its server ID, sequence, time and status
    /// `success`.
    pub message: Message,
}

/// Result of `login`.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LoginResult {
    /// This instance was already logged in with this account.
    pub repeat_login: bool,
    /// The server was unreachable: the SDK started from the local store and
    /// keeps reconnecting in the background (Confab extension).
    pub offline: bool,
    /// With `repeat_login`: why nothing happened (TIM's
    /// `imResponse.data.errorInfo`); absent otherwise. Text for people:
    /// decide by `repeat_login`, never by this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub error_info: Option<String>,
}

impl LoginResult {
    /// The answer to `login` on an instance already logged in as `user_id`.
    pub(crate) fn repeat(user_id: &str) -> Self {
        Self {
            repeat_login: true,
            offline: false,
            error_info: Some(format!(
                "this instance is already logged in as {user_id}: repeat login, nothing changed"
            )),
        }
    }
}

/// Options of `get_message_list`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GetMessageListOptions {
    /// The conversation.
    #[serde(rename = "conversationID")]
    pub conversation_id: String,
    /// Continue below this message (the previous page's
    /// `nextReqMessageID`); `None` for the newest page.
    #[serde(rename = "nextReqMessageID", default)]
    pub next_req_message_id: Option<String>,
}

impl GetMessageListOptions {
    /// The newest page of a conversation.
    pub fn newest(conversation_id: impl Into<String>) -> Self {
        Self { conversation_id: conversation_id.into(), next_req_message_id: None }
    }
}

/// A page of history (TIM `imResponse.data` of `getMessageList`).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MessageListPage {
    /// Messages, oldest first.
    pub message_list: Vec<Message>,
    /// Pass to get the next (older) page; `""` when complete.
    #[serde(rename = "nextReqMessageID")]
    pub next_req_message_id: String,
    /// The oldest message has been reached.
    pub is_completed: bool,
}

/// Result of `get_conversation_list`.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConversationListResult {
    /// Conversations, most recent first.
    pub conversation_list: Vec<Conversation>,
    /// The list reflects a completed sync with the server.
    pub is_sync_completed: bool,
}

/// TIM's friend request list (`getFriendApplicationList`'s data and
/// FRIEND_APPLICATION_LIST_UPDATED's).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FriendApplicationList {
    /// Requests to and by me, newest first.
    pub friend_application_list: Vec<confab_proto::relation::FriendApplication>,
    /// How many requests to me are unread.
    pub unread_count: u64,
}

/// Options of `delete_conversation`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeleteConversationOptions {
    /// 1 to 100 conversations.
    #[serde(rename = "conversationIDList")]
    pub conversation_id_list: Vec<String>,
    /// Also delete the history, locally and on the server (default true).
    #[serde(default = "default_true")]
    pub clear_history_message: bool,
}

fn default_true() -> bool {
    true
}

impl DeleteConversationOptions {
    /// TIM's string form: one conversation, history cleared.
    pub fn one(conversation_id: impl Into<String>) -> Self {
        Self { conversation_id_list: vec![conversation_id.into()], clear_history_message: true }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use confab_proto::UserId;
    use serde_json::json;

    pub(crate) fn sample_message() -> Message {
        Message {
            id: "17-1764115200-42".into(),
            r#type: "TIMTextElem".into(),
            payload: json!({"text": "hi"}),
            conversation_id: "C2Calice".into(),
            conversation_type: ConversationType::C2c,
            to: "bob".into(),
            from: "alice".into(),
            flow: MessageFlow::In,
            time: 1_764_115_200,
            status: MessageStatus::Success,
            is_revoked: false,
            priority: Priority::Normal,
            nick: "Alice".into(),
            avatar: String::new(),
            is_peer_read: false,
            name_card: String::new(),
            at_user_list: vec![],
            receiver_list: vec![],
            cloud_custom_data: String::new(),
            is_deleted: false,
            is_modified: false,
            need_read_receipt: false,
            read_receipt_info: ReadReceiptInfo::default(),
            is_support_extension: false,
            is_broadcast_message: false,
            sequence: 17,
            random: 42,
            version: 0,
        }
    }

    #[test]
    fn message_snapshot() {
        let m = sample_message();
        let value = serde_json::to_value(&m).expect("serialize");
        assert_eq!(
            value,
            json!({
                "ID": "17-1764115200-42", "type": "TIMTextElem", "payload": {"text": "hi"},
                "conversationID": "C2Calice", "conversationType": "C2C", "to": "bob",
                "from": "alice", "flow": "in", "time": 1_764_115_200, "status": "success",
                "isRevoked": false, "priority": "Normal", "nick": "Alice", "avatar": "",
                "isPeerRead": false, "nameCard": "", "atUserList": [], "cloudCustomData": "",
                "isDeleted": false, "isModified": false, "needReadReceipt": false,
                "readReceiptInfo": {"isPeerRead": false, "readCount": 0, "unreadCount": 0},
                "isSupportExtension": false,
                "isBroadcastMessage": false,
                "sequence": 17, "random": 42, "version": 0
            })
        );
        assert_eq!(serde_json::from_value::<Message>(value).expect("parse"), m);
        let out = Message { status: MessageStatus::UnSend, flow: MessageFlow::Out, ..m };
        let value = serde_json::to_value(&out).expect("serialize");
        assert_eq!(value["status"], "unSend");
        assert_eq!(value["flow"], "out");
    }

    #[test]
    fn conversation_snapshot() {
        let m = sample_message();
        let mut profile = Profile::empty(UserId::new("alice"));
        profile.nick = "Alice".into();
        let c = Conversation::new(
            "C2Calice".into(),
            ConversationType::C2c,
            2,
            Some(LastMessage::of(&m)),
            Some(profile),
        );
        let value = serde_json::to_value(&c).expect("serialize");
        assert_eq!(value["conversationID"], "C2Calice");
        assert_eq!(value["type"], "C2C");
        assert_eq!(value["unreadCount"], 2);
        assert_eq!(
            value["lastMessage"],
            json!({
                "lastTime": 1_764_115_200, "lastSequence": 17, "fromAccount": "alice",
                "type": "TIMTextElem", "payload": {"text": "hi"}, "messageForShow": "hi",
                "isRevoked": false, "isPeerRead": false, "nick": "Alice", "nameCard": "",
                "cloudCustomData": ""
            })
        );
        assert_eq!(value["groupProfile"], json!(null));
        assert_eq!(value["userProfile"]["userID"], "alice");
        assert_eq!(value["userProfile"]["nick"], "Alice");
        assert_eq!(value["groupAtInfoList"], json!([]));
        assert_eq!(value["remark"], "");
        assert_eq!(value["isPinned"], false);
        assert_eq!(value["messageRemindType"], "AcceptAndNotify");
        assert_eq!(value["markList"], json!([]));
        assert_eq!(value["customData"], "");
        assert_eq!(value["conversationGroupList"], json!([]));
        assert_eq!(value.as_object().map(|o| o.len()), Some(13));
        assert_eq!(serde_json::from_value::<Conversation>(value).expect("parse"), c);
        let empty = Conversation::new("C2Cbob".into(), ConversationType::C2c, 0, None, None);
        assert_eq!(serde_json::to_value(&empty).expect("serialize")["lastMessage"], json!(null));
    }

    #[test]
    fn result_snapshots() {
        let page = MessageListPage {
            message_list: vec![],
            next_req_message_id: String::new(),
            is_completed: true,
        };
        assert_eq!(
            serde_json::to_value(&page).expect("serialize"),
            json!({"messageList": [], "nextReqMessageID": "", "isCompleted": true})
        );
        let list = ConversationListResult { conversation_list: vec![], is_sync_completed: false };
        assert_eq!(
            serde_json::to_value(&list).expect("serialize"),
            json!({"conversationList": [], "isSyncCompleted": false})
        );
        let d: DeleteConversationOptions =
            serde_json::from_value(json!({"conversationIDList": ["C2Cbob"]})).expect("parse");
        assert!(d.clear_history_message);
        // checklist 35: a repeat login resolves with repeatLogin and errorInfo.
        let repeat = serde_json::to_value(LoginResult::repeat("alice")).expect("serialize");
        assert_eq!(repeat["repeatLogin"], true);
        assert!(repeat["errorInfo"].as_str().is_some_and(|s| s.contains("alice")));
        assert_eq!(
            serde_json::to_value(LoginResult::default()).expect("serialize"),
            json!({"repeatLogin": false, "offline": false})
        );
    }
}
