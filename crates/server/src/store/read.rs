//! The reads every backend offers, by feature area: they run concurrently,
//! beside the writer, and see committed data only (each in one consistent
//! snapshot). [`super::Store`] is all of them plus the writer.

use super::{FileAccess, FileUsage, MemberRecord, SessionStanding, StoreFuture, TopicMemberRecord};
use confab_proto::conversation::ConversationState;
use confab_proto::group::{
    GroupApplication, GroupAttributes, GroupCounters, GroupMember, GroupProfile,
};
use confab_proto::inbox::TimelinePage;
use confab_proto::message::WireMessage;
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

    /// When the user added each friend and blacklisted each user.
    fn relation_times(&self, user: UserId) -> StoreFuture<RelationTimes>;
}

/// When each entry of a user's lists began (server seconds): the REST
/// API's `Tag_SNS_IM_AddTime` and `AddBlackTimeStamp`. Changing a
/// friend's fields keeps the time; deleting and adding again renews it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RelationTimes {
    /// Each friend with when it was added, in the order added.
    pub friends: Vec<(UserId, i64)>,
    /// Each blacklisted user with when, oldest entry first.
    pub blacklist: Vec<(UserId, i64)>,
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

/// A window of a C2C history by message time, read newest first
/// ([`MessageRead::message_window`], TIM's `admin_getroammsg`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TimeWindow {
    /// The earliest message time, seconds, included.
    pub min_time: i64,
    /// The latest message time, seconds, included.
    pub max_time: i64,
    /// Only messages after this `(time, sequence)` in the newest-first
    /// order (the last message of the page before), when given.
    pub after: Option<(i64, u64)>,
    /// The most messages to read.
    pub count: u32,
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

    /// `user`'s view of a C2C conversation's messages whose time lies in
    /// the window, newest first by time and then sequence (so an imported
    /// message sits where its time puts it), at most `window.count`.
    fn message_window(
        &self,
        user: UserId,
        conversation_id: ConversationId,
        window: TimeWindow,
    ) -> StoreFuture<Vec<WireMessage>>;

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

/// Implements every read trait for a backend's store type `$store` by
/// delegating to its area modules' functions of the same names
/// (`account::exists(c, …)`, `message::page(c, …)`, …, resolved where the
/// macro is used) through its `read` (one statement) and `read_tx` (one
/// snapshot) methods, whose closures get the backend's connection. Both
/// backends use it, so the mapping from trait method to area function is
/// written once.
macro_rules! delegate_reads {
    ($store:ty) => {
        impl $crate::store::AccountRead for $store {
            fn user_exists(&self, user: confab_proto::UserId) -> $crate::store::StoreFuture<bool> {
                self.read(move |c| account::exists(c, &user))
            }

            fn custom_statuses(&self, users: Vec<confab_proto::UserId>) -> $crate::store::StoreFuture<Vec<(confab_proto::UserId, Option<String>)>> {
                self.read(move |c| account::custom_statuses(c, &users))
            }

            fn password_hash(&self, user: confab_proto::UserId) -> $crate::store::StoreFuture<Option<String>> {
                self.read(move |c| account::password_hash(c, &user))
            }

            fn session_standing(
                &self,
                user: confab_proto::UserId,
                serial: Option<String>,
            ) -> $crate::store::StoreFuture<$crate::store::SessionStanding> {
                self.read(move |c| account::session_standing(c, &user, serial.as_deref()))
            }
        }

        impl $crate::store::ProfileRead for $store {
            fn profiles(&self, users: Vec<confab_proto::UserId>) -> $crate::store::StoreFuture<Vec<confab_proto::profile::Profile>> {
                self.read(move |c| profile::load_many(c, &users))
            }
        }

        impl $crate::store::RelationRead for $store {
            fn blacklist(&self, user: confab_proto::UserId) -> $crate::store::StoreFuture<Vec<confab_proto::UserId>> {
                self.read(move |c| relation::blacklist(c, &user))
            }

            fn friends(
                &self,
                user: confab_proto::UserId,
                only: Option<Vec<confab_proto::UserId>>,
            ) -> $crate::store::StoreFuture<Vec<confab_proto::relation::Friend>> {
                self.read_tx(move |c| relation::friends(c, &user, only.as_deref()))
            }

            fn friend_relations(
                &self,
                user: confab_proto::UserId,
                others: Vec<confab_proto::UserId>,
            ) -> $crate::store::StoreFuture<Vec<$crate::store::FriendRelation>> {
                self.read_tx(move |c| relation::relations(c, &user, &others))
            }

            fn friend_requests(
                &self,
                user: confab_proto::UserId,
            ) -> $crate::store::StoreFuture<confab_proto::relation::FriendApplicationListResponse> {
                self.read(move |c| relation::requests(c, &user))
            }

            fn friend_groups(&self, user: confab_proto::UserId) -> $crate::store::StoreFuture<Vec<confab_proto::relation::FriendGroup>> {
                self.read_tx(move |c| relation::friend_groups(c, &user))
            }

            fn relation_times(&self, user: confab_proto::UserId) -> $crate::store::StoreFuture<$crate::store::RelationTimes> {
                self.read_tx(move |c| relation::times(c, &user))
            }
        }

        impl $crate::store::InboxRead for $store {
            fn inbox_head(&self, user: confab_proto::UserId) -> $crate::store::StoreFuture<u64> {
                self.read(move |c| inbox::head(c, &user))
            }

            fn sync(
                &self,
                user: confab_proto::UserId,
                after: u64,
                limit: u32,
                max_bytes: usize,
            ) -> $crate::store::StoreFuture<confab_proto::ops::SyncResponse> {
                self.read_tx(move |c| {
                    let head = inbox::head(c, &user)?;
                    let entries = inbox::entries_after(c, &user, after, limit, max_bytes)?;
                    Ok(confab_proto::ops::SyncResponse { entries, head, groups: Vec::new() })
                })
            }
        }

        impl $crate::store::TimelineRead for $store {
            fn timeline_page(
                &self,
                group_id: String,
                after: u64,
                limit: u32,
                max_bytes: usize,
            ) -> $crate::store::StoreFuture<confab_proto::inbox::TimelinePage> {
                self.read_tx(move |c| timeline::page(c, group_id, after, limit, max_bytes))
            }

            fn timeline_pages(
                &self,
                cursors: Vec<(String, u64)>,
                limit: u32,
                max_bytes: usize,
            ) -> $crate::store::StoreFuture<Vec<confab_proto::inbox::TimelinePage>> {
                self.read_tx(move |c| timeline::pages(c, cursors, limit, max_bytes))
            }
        }

        impl $crate::store::TopicRead for $store {
            fn topics(&self, group: confab_proto::GroupId) -> $crate::store::StoreFuture<Vec<confab_proto::topic::TopicProfile>> {
                self.read_tx(move |c| topic::topics(c, &group))
            }

            fn topic(&self, topic_id: String) -> $crate::store::StoreFuture<Option<(confab_proto::GroupId, confab_proto::topic::TopicProfile)>> {
                self.read_tx(move |c| topic::topic(c, &topic_id))
            }

            fn topic_member(&self, topic_id: String, user: confab_proto::UserId) -> $crate::store::StoreFuture<$crate::store::TopicMemberRecord> {
                self.read(move |c| topic::member(c, &topic_id, &user))
            }

            fn topic_members_of(&self, user: confab_proto::UserId) -> $crate::store::StoreFuture<Vec<(String, $crate::store::TopicMemberRecord)>> {
                self.read(move |c| topic::members_of(c, &user))
            }
        }

        impl $crate::store::GroupRead for $store {
            fn group(&self, id: confab_proto::GroupId) -> $crate::store::StoreFuture<Option<confab_proto::group::GroupProfile>> {
                self.read_tx(move |c| group::group(c, &id))
            }

            fn member(&self, id: confab_proto::GroupId, user: confab_proto::UserId) -> $crate::store::StoreFuture<Option<$crate::store::MemberRecord>> {
                self.read(move |c| group::member(c, &id, &user))
            }

            fn memberships(&self, user: confab_proto::UserId) -> $crate::store::StoreFuture<Vec<(confab_proto::group::GroupProfile, $crate::store::MemberRecord)>> {
                self.read_tx(move |c| group::memberships(c, &user))
            }

            fn group_values(&self, id: confab_proto::GroupId) -> $crate::store::StoreFuture<(confab_proto::group::GroupAttributes, confab_proto::group::GroupCounters)> {
                self.read_tx(move |c| Ok((group::attributes(c, &id)?, group::counters(c, &id)?)))
            }

            fn group_applications(&self, user: confab_proto::UserId) -> $crate::store::StoreFuture<Vec<confab_proto::group::GroupApplication>> {
                self.read_tx(move |c| group::applications(c, &user))
            }

            fn members_page(&self, id: confab_proto::GroupId, offset: u64, count: u32) -> $crate::store::StoreFuture<Vec<confab_proto::group::GroupMember>> {
                self.read_tx(move |c| group::members_page(c, &id, offset, count))
            }

            fn members_after(
                &self,
                id: confab_proto::GroupId,
                after: Option<(i64, confab_proto::UserId)>,
                count: u32,
            ) -> $crate::store::StoreFuture<Vec<confab_proto::group::GroupMember>> {
                self.read_tx(move |c| group::members_after(c, &id, after.as_ref(), count))
            }

            fn members_of(&self, id: confab_proto::GroupId, users: Vec<confab_proto::UserId>) -> $crate::store::StoreFuture<Vec<confab_proto::group::GroupMember>> {
                self.read_tx(move |c| group::members_of(c, &id, &users))
            }

            fn group_conversations(&self, user: confab_proto::UserId) -> $crate::store::StoreFuture<Vec<confab_proto::conversation::ConversationState>> {
                self.read_tx(move |c| group::conversations(c, &user))
            }

            fn group_messages(
                &self,
                id: confab_proto::GroupId,
                reader: confab_proto::UserId,
                after: u64,
                before_sequence: Option<u64>,
                count: u32,
            ) -> $crate::store::StoreFuture<confab_proto::ops::GetMessageListResponse> {
                self.read_tx(move |c| group::messages(c, &id, &reader, after, before_sequence, count))
            }
        }

        impl $crate::store::ConversationRead for $store {
            fn conversation_list(&self, user: confab_proto::UserId) -> $crate::store::StoreFuture<(Vec<confab_proto::conversation::ConversationState>, u64)> {
                self.read_tx(move |c| {
                    let list = conversation::list(c, &user)?;
                    let head = inbox::head(c, &user)?;
                    Ok((list, head))
                })
            }

            fn conversation_settings(
                &self,
                user: confab_proto::UserId,
            ) -> $crate::store::StoreFuture<Vec<confab_proto::conversation::ConversationSettings>> {
                self.read(move |c| conversation::all_settings(c, &user))
            }

            fn conversation_groups(
                &self,
                user: confab_proto::UserId,
            ) -> $crate::store::StoreFuture<Vec<confab_proto::conversation::ConversationGroup>> {
                self.read_tx(move |c| conversation::groups(c, &user))
            }
        }

        impl $crate::store::MessageRead for $store {
            fn message_list(
                &self,
                user: confab_proto::UserId,
                conversation_id: confab_proto::ConversationId,
                before_sequence: Option<u64>,
                count: u32,
            ) -> $crate::store::StoreFuture<confab_proto::ops::GetMessageListResponse> {
                self.read_tx(move |c| message::page(c, &user, &conversation_id, before_sequence, count))
            }

            fn message_hopping(
                &self,
                user: confab_proto::UserId,
                request: confab_proto::ops::GetMessageListHopping,
            ) -> $crate::store::StoreFuture<confab_proto::ops::GetMessageListHoppingResponse> {
                self.read_tx(move |c| message::hopping(c, &user, &request))
            }

            fn message_window(
                &self,
                user: confab_proto::UserId,
                conversation_id: confab_proto::ConversationId,
                window: $crate::store::read::TimeWindow,
            ) -> $crate::store::StoreFuture<Vec<confab_proto::message::WireMessage>> {
                self.read_tx(move |c| message::window(c, &user, &conversation_id, &window))
            }

            fn read_receipts(
                &self,
                user: confab_proto::UserId,
                conversation_id: confab_proto::ConversationId,
                message_ids: Vec<String>,
            ) -> $crate::store::StoreFuture<Vec<confab_proto::receipt::ReadReceipt>> {
                self.read_tx(move |c| receipt::receipts(c, &user, &conversation_id, &message_ids))
            }

            fn read_receipt_members(
                &self,
                user: confab_proto::UserId,
                request: confab_proto::receipt::GetGroupMessageReadMemberList,
            ) -> $crate::store::StoreFuture<confab_proto::receipt::ReadMemberListResponse> {
                self.read_tx(move |c| receipt::members(c, &user, &request))
            }
        }

        impl $crate::store::FileRead for $store {
            fn file_access(&self, user: confab_proto::UserId, id: String) -> $crate::store::StoreFuture<$crate::store::FileAccess> {
                self.read(move |c| files::access(c, &user, &id))
            }

            fn file_usage(&self, user: confab_proto::UserId) -> $crate::store::StoreFuture<$crate::store::FileUsage> {
                self.read_tx(move |c| files::usage(c, &user))
            }
        }
    };
}
pub(crate) use delegate_reads;
