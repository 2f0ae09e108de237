//! The reads every backend offers, by feature area: they run concurrently,
//! beside the writer, and see committed data only (each in one consistent
//! snapshot). [`super::Store`] is all of them plus the writer.

use super::{FileAccess, FileUsage, MemberRecord, SessionStanding, StoreFuture, TopicMemberRecord};
use confab_proto::conversation::ConversationState;
use confab_proto::group::{
    GroupApplication, GroupAttributes, GroupCounters, GroupMember, GroupProfile,
};
use confab_proto::inbox::TimelinePage;
use confab_proto::ops::{
    GetMessageListHopping, GetMessageListHoppingResponse, GetMessageListResponse, SyncResponse,
};
use confab_proto::profile::Profile;
use confab_proto::topic::TopicProfile;
use confab_proto::{ConversationId, GroupId, UserId};

/// Accounts: existence, passwords and session standings.
pub trait AccountRead {
    /// Whether the user exists.
    fn user_exists(&self, user: UserId) -> StoreFuture<bool>;

    /// The account's password hash (`None` for unknown users and users
    /// without a password).
    fn password_hash(&self, user: UserId) -> StoreFuture<Option<String>>;

    /// The user's session generation and floor for UserSigs minted
    /// elsewhere, and whether the password-issued UserSig `serial` was
    /// revoked. An unknown user has generation 0, floor 0, nothing revoked.
    fn session_standing(
        &self,
        user: UserId,
        serial: Option<String>,
    ) -> StoreFuture<SessionStanding>;

    /// For each of `users` (in order): its custom status (`""`: none), or
    /// `None` when the user is not registered.
    fn custom_statuses(&self, users: Vec<UserId>) -> StoreFuture<Vec<(UserId, Option<String>)>>;
}

/// Reads of the relation chain.
pub trait RelationRead {
    /// The user's blacklist, oldest entry first.
    fn blacklist(&self, user: UserId) -> StoreFuture<Vec<UserId>>;

    /// The user's friends in the order added (`only`: just these, in that
    /// order, those who are friends), with profiles and groups.
    fn friends(
        &self,
        user: UserId,
        only: Option<Vec<UserId>>,
    ) -> StoreFuture<Vec<confab_proto::relation::Friend>>;

    /// For each of `others` (each once, in order): whether it is a
    /// registered user, whether `user` has it, and whether it has `user`.
    fn friend_relations(
        &self,
        user: UserId,
        others: Vec<UserId>,
    ) -> StoreFuture<Vec<FriendRelation>>;

    /// The requests to and from the user, newest first, with who sent the
    /// unread ones.
    fn friend_requests(
        &self,
        user: UserId,
    ) -> StoreFuture<confab_proto::relation::FriendApplicationListResponse>;

    /// The user's friend groups, in the order made.
    fn friend_groups(&self, user: UserId) -> StoreFuture<Vec<confab_proto::relation::FriendGroup>>;
}

/// What [`RelationRead::friend_relations`] finds for one user.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FriendRelation {
    /// The other user.
    pub user: UserId,
    /// Whether they are registered.
    pub exists: bool,
    /// The asker has them.
    pub a_has_b: bool,
    /// They have the asker.
    pub b_has_a: bool,
}

/// Profiles.
pub trait ProfileRead {
    /// Profiles of the users that exist, in the order asked, each once.
    fn profiles(&self, users: Vec<UserId>) -> StoreFuture<Vec<Profile>>;
}

/// Inboxes: heads and `sync` pages.
pub trait InboxRead {
    /// Sequence of the newest entry of the user's inbox (0 when empty).
    fn inbox_head(&self, user: UserId) -> StoreFuture<u64>;

    /// Inbox entries after `after`, at most `limit` and no more than fit a
    /// response frame of `max_bytes` (always at least one when there is
    /// one), plus the head, read in one transaction.
    fn sync(
        &self,
        user: UserId,
        after: u64,
        limit: u32,
        max_bytes: usize,
    ) -> StoreFuture<SyncResponse>;
}

/// Group timelines: pages after a cursor.
pub trait TimelineRead {
    /// A group's timeline entries after `after`, at most `limit` and no
    /// more than fit `max_bytes` of a response frame (always at least one
    /// when there is one), plus the timeline's head, read in one
    /// transaction. An unknown group's page is empty with head 0.
    fn timeline_page(
        &self,
        group_id: String,
        after: u64,
        limit: u32,
        max_bytes: usize,
    ) -> StoreFuture<TimelinePage>;

    /// Pages of several groups' timelines (`(groupID, after)` each, in
    /// order) read in one transaction and sharing one budget of
    /// `max_bytes`: each group gets what the ones before it left (the first
    /// at least one entry), the rest come empty with their heads (the
    /// client is behind there and asks again). `limit` is per group.
    fn timeline_pages(
        &self,
        cursors: Vec<(String, u64)>,
        limit: u32,
        max_bytes: usize,
    ) -> StoreFuture<Vec<TimelinePage>>;
}

/// Groups, their members and their history as members see it. Profiles
/// come with their `member_count` and `next_message_seq` computed.
pub trait GroupRead {
    /// A group's profile; `None` for an unknown group.
    fn group(&self, group: GroupId) -> StoreFuture<Option<GroupProfile>>;

    /// The user's record in a group; `None` when not a stored member.
    fn member(&self, group: GroupId, user: UserId) -> StoreFuture<Option<MemberRecord>>;

    /// The pending join requests of every group where `user` is the owner
    /// or an admin, oldest first, with the applicant's nick and group name.
    fn group_applications(&self, user: UserId) -> StoreFuture<Vec<GroupApplication>>;

    /// A group's attributes and counters.
    fn group_values(&self, group: GroupId) -> StoreFuture<(GroupAttributes, GroupCounters)>;

    /// Every group the user is a stored member of, with the record.
    fn memberships(&self, user: UserId) -> StoreFuture<Vec<(GroupProfile, MemberRecord)>>;

    /// Members by join time (then userID), from `offset`, at most `count`,
    /// with nick and avatar.
    fn members_page(
        &self,
        group: GroupId,
        offset: u64,
        count: u32,
    ) -> StoreFuture<Vec<GroupMember>>;

    /// Members by join time (then userID) after the member `(join_time,
    /// userID)` (`None`: from the first), at most `count`, with nick and
    /// avatar: a page that joins and leaves elsewhere in the list do not
    /// shift.
    fn members_after(
        &self,
        group: GroupId,
        after: Option<(i64, UserId)>,
        count: u32,
    ) -> StoreFuture<Vec<GroupMember>>;

    /// The given users that are members, in the order asked, each once.
    fn members_of(&self, group: GroupId, users: Vec<UserId>) -> StoreFuture<Vec<GroupMember>>;

    /// The user's group conversations (groups of a listed kind they are a
    /// member of): last message, unread count from the messages after the
    /// read sequence that others sent (tips, targeted and
    /// `excludedFromUnreadCount` messages do not count; the last message is
    /// one the user may see), sequences, activity time.
    fn group_conversations(&self, user: UserId) -> StoreFuture<Vec<ConversationState>>;

    /// A page of a group's messages with a sequence above `after` (the
    /// member's join point) and below `before_sequence`, ascending, as
    /// `reader` sees them: a targeted message (`receiverList`) only for
    /// its sender and receivers.
    fn group_messages(
        &self,
        group: GroupId,
        reader: UserId,
        after: u64,
        before_sequence: Option<u64>,
        count: u32,
    ) -> StoreFuture<GetMessageListResponse>;
}

/// Community topics.
pub trait TopicRead {
    /// The topics of a group, in the order made, with their
    /// `next_message_seq` computed.
    fn topics(&self, group: GroupId) -> StoreFuture<Vec<TopicProfile>>;

    /// A topic (`next_message_seq` computed) and its community.
    fn topic(&self, topic_id: String) -> StoreFuture<Option<(GroupId, TopicProfile)>>;

    /// `user`'s record in a topic (the defaults when none is stored).
    fn topic_member(&self, topic_id: String, user: UserId) -> StoreFuture<TopicMemberRecord>;

    /// `user`'s stored records in topics, by topic ID.
    fn topic_members_of(&self, user: UserId) -> StoreFuture<Vec<(String, TopicMemberRecord)>>;
}

/// Conversation lists.
pub trait ConversationRead {
    /// The user's non-deleted conversations, newest activity first, and the
    /// inbox head they reflect, read in one transaction.
    fn conversation_list(&self, user: UserId) -> StoreFuture<(Vec<ConversationState>, u64)>;

    /// The user's settings of conversations where any differs from the
    /// default.
    fn conversation_settings(
        &self,
        user: UserId,
    ) -> StoreFuture<Vec<confab_proto::conversation::ConversationSettings>>;

    /// The user's conversation groups, in the order made.
    fn conversation_groups(
        &self,
        user: UserId,
    ) -> StoreFuture<Vec<confab_proto::conversation::ConversationGroup>>;
}

/// A user's view of a conversation's history.
pub trait MessageRead {
    /// The user's view of a conversation's history: up to `count` messages
    /// before `before_sequence` and after what the user cleared, ascending.
    fn message_list(
        &self,
        user: UserId,
        conversation_id: ConversationId,
        before_sequence: Option<u64>,
        count: u32,
    ) -> StoreFuture<GetMessageListResponse>;

    /// A page of `user`'s view of a C2C conversation from a sequence or a time
    /// (`getMessageListHopping`; `count` already capped).
    fn message_hopping(
        &self,
        user: UserId,
        request: GetMessageListHopping,
    ) -> StoreFuture<GetMessageListHoppingResponse>;

    /// The read state of each listed message of `user`'s conversation that
    /// asked for receipts, in the order asked (`getMessageReadReceiptList`;
    /// a group needs `user` to be a member, else refused with 10007).
    fn read_receipts(
        &self,
        user: UserId,
        conversation_id: ConversationId,
        message_ids: Vec<String>,
    ) -> StoreFuture<Vec<confab_proto::receipt::ReadReceipt>>;

    /// A page of a group message's readers or non-readers
    /// (`getGroupMessageReadMemberList`; 10007 not a member, 10062 no
    /// such message with receipts).
    fn read_receipt_members(
        &self,
        user: UserId,
        request: confab_proto::receipt::GetGroupMessageReadMemberList,
    ) -> StoreFuture<confab_proto::receipt::ReadMemberListResponse>;
}

/// The file service's access checks and usage.
pub trait FileRead {
    /// Whether `user` may download the file `id`.
    fn file_access(&self, user: UserId, id: String) -> StoreFuture<FileAccess>;

    /// Bytes of stored files `user` uploaded, and of the whole file store
    /// (for the upload quota and the disk budget).
    fn file_usage(&self, user: UserId) -> StoreFuture<FileUsage>;
}
