//! The records the store interface speaks in, shared by every backend:
//! stored-message numbers, conversation keys, inbox and timeline records,
//! file records and session standings.

use confab_proto::group::{CustomField, GroupMember, MemberRole};
use confab_proto::inbox::InboxEvent;
use confab_proto::profile::Profile;
use confab_proto::{ConversationId, UserId};

/// The store's number of a stored message: unique across all messages,
/// increasing in the order they were stored, and the first part of the
/// message's ID (`<row>-<time>-<random>`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MessageRow(pub i64);

/// Key of the C2C conversation between two users, the same from both sides
/// (what a conversation's message sequence counts in).
pub fn c2c_key(a: &UserId, b: &UserId) -> String {
    let (first, second) = if a <= b { (a, b) } else { (b, a) };
    format!("c2c:{first}\u{0}{second}")
}

/// Key of a group's conversation: its messages' sequence is the group's own.
pub fn group_key(group_id: &str) -> String {
    format!("group:{group_id}")
}

/// What an inbox or timeline entry holds: a reference to a stored message
/// (the entry shows it as it currently is, as an `InboxEvent::Message`), or
/// any other event, stored as is.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum EventRecord<'a> {
    /// A `message` event for the stored message at this row.
    Message(MessageRow),
    /// Any other event.
    Event(&'a InboxEvent),
}

/// A stored message's effect on one owner's side of a conversation:
/// creates the owner's conversation or revives a deleted one, adds
/// `unread_increment` to its unread count, moves its last sequence up to
/// `sequence` and its activity time to `time`, and, when `last_message` is
/// set, makes that message its last message.
#[derive(Clone, Debug, PartialEq)]
pub struct ConversationTouch<'a> {
    /// Whose conversation.
    pub owner: &'a UserId,
    /// The conversation, from the owner's side.
    pub conversation_id: &'a ConversationId,
    /// The conversation's key ([`c2c_key`]).
    pub conv_key: &'a str,
    /// The message to show as the last one (`None`: keep the current one).
    pub last_message: Option<MessageRow>,
    /// How much the unread count grows.
    pub unread_increment: u64,
    /// The message's sequence.
    pub sequence: u64,
    /// The message's time, seconds.
    pub time: i64,
}

/// Where one owner stands in a conversation, as far as reading goes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ReadMarks {
    /// Sequence of the newest message.
    pub last_sequence: u64,
    /// Highest sequence the owner read.
    pub read_sequence: u64,
    /// Messages the owner has not read.
    pub unread_count: u64,
}

/// What decides whether a UserSig of a user still works before its expiry
/// (the server's session keys; see `docs/protocol.md`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SessionStanding {
    /// The generation a password-issued UserSig must name.
    pub generation: u64,
    /// UserSigs minted elsewhere must be issued at or after this second.
    pub sigs_valid_from: i64,
    /// The password-issued UserSig asked about was revoked.
    pub revoked: bool,
}

/// A content kept by the file service.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredFile {
    /// Lowercase hex SHA-256 of the content.
    pub id: String,
    /// Size in bytes.
    pub size: u64,
    /// Kind it was first uploaded as (`image`, `video`, `audio`, `file`, `merger`).
    pub kind: String,
    /// MIME type sniffed from the content.
    pub content_type: String,
    /// When it was first stored, seconds since the epoch.
    pub created_at: i64,
}

/// How many bytes the file store holds, for quotas.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FileUsage {
    /// Stored files the user uploaded (each content once).
    pub user_bytes: u64,
    /// All stored files.
    pub total_bytes: u64,
}

/// What a user may do with a file ID.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FileAccess {
    /// The user uploaded it or a message they can see names it.
    Granted(StoredFile),
    /// It exists, but the user may not download it.
    Denied,
    /// No such file.
    Unknown,
}

/// One member of a group as stored: what is personal to the member in it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MemberRecord {
    /// The member.
    pub user_id: UserId,
    /// Role.
    pub role: MemberRole,
    /// When they joined, seconds.
    pub join_time: i64,
    /// The group's message sequence when they joined (they see later ones).
    pub join_sequence: u64,
    /// The group's timeline head when they joined (their first cursor).
    pub join_timeline: u64,
    /// Name card.
    pub name_card: String,
    /// Muted until, seconds (0: not muted).
    pub mute_until: i64,
    /// Highest group message sequence read.
    pub read_sequence: u64,
    /// Member custom fields.
    pub custom: Vec<CustomField>,
    /// The group's message sequence up to which the member cleared the
    /// history (`clearHistoryMessage`; 0: never).
    pub cleared_sequence: u64,
}

impl MemberRecord {
    /// Where the member's view of the group's messages starts: after the
    /// later of joining and clearing.
    pub fn history_from(&self) -> u64 {
        self.join_sequence.max(self.cleared_sequence)
    }
}

impl MemberRecord {
    /// The wire member, with the nick and avatar of `profile`.
    pub fn to_member(&self, profile: Option<&Profile>) -> GroupMember {
        GroupMember {
            user_id: self.user_id.clone(),
            nick: profile.map(|p| p.nick.clone()).unwrap_or_default(),
            avatar: profile.map(|p| p.avatar.clone()).unwrap_or_default(),
            role: self.role,
            join_time: self.join_time,
            name_card: self.name_card.clone(),
            mute_until: self.mute_until,
            member_custom_field: self.custom.clone(),
        }
    }
}

/// What is personal to a member in one topic of a community they are a
/// member of (no stored record: the defaults, a member since before the
/// topic was made).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TopicMemberRecord {
    /// The topic's message sequence when they joined the community (they
    /// see later ones).
    pub join_sequence: u64,
    /// The topic's timeline head when they joined the community (their
    /// first cursor).
    pub join_timeline: u64,
    /// Highest topic message sequence read.
    pub read_sequence: u64,
    /// Muted in this topic until, seconds (0: not muted here).
    pub mute_until: i64,
}

/// Where a group's two counters stand: its message sequence (messages and
/// tips) and its timeline (every event).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct GroupHeads {
    /// Sequence of the newest stored group message (0: none).
    pub message_sequence: u64,
    /// Sequence of the newest timeline entry (0: none).
    pub timeline: u64,
}
