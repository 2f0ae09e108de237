//! The transactional primitives every backend implements, by feature area,
//! and [`WriteTx`], the whole set a write's rule code runs against.
//!
//! A write is a closure over `&mut dyn WriteTx` that the backend's single
//! writer runs inside its current batch transaction (see
//! [`super::Store::submit`]). The closure holds the rules (the services in
//! `crate::services`); the primitives only load, save, count and append,
//! and decide nothing. Every primitive is synchronous and speaks in the
//! store's own records, never in a driver's types, so a backend on another
//! database implements the same set on its own writer thread.
//!
//! Invariants a rule must keep: it refuses (returns an error for which
//! [`super::StoreError::is_rejection`] holds) only before its first write,
//! since a rejected write's effects are not rolled back one by one: only
//! the sequences it took and the pushes it published are. Sequences are
//! gap-free per inbox, per timeline and per conversation; a backend may
//! cache them, as long as the rule code cannot tell.

use super::types::{
    ConversationTouch, EventRecord, GroupHeads, MemberRecord, MessageRow, ReadMarks, StoredFile,
    TopicMemberRecord,
};
use super::StoreError;
use crate::fanout::Delivery;
use confab_proto::extension::MessageExtension;
use confab_proto::group::{GroupAttributes, GroupCounters, GroupProfile};
use confab_proto::message::WireMessage;
use confab_proto::profile::Profile;
use confab_proto::topic::TopicProfile;
use confab_proto::{ConversationId, GroupId, UserId};

/// Accounts: existence, password hashes, session generations, revoked
/// UserSigs.
pub trait AccountTx {
    /// Creates the user (with `password_hash`, if any) unless the userID is
    /// taken; `true` when created.
    fn insert_user(
        &mut self,
        user: &UserId,
        password_hash: Option<&str>,
        now_secs: i64,
    ) -> Result<bool, StoreError>;

    /// Whether the user exists.
    fn user_exists(&mut self, user: &UserId) -> Result<bool, StoreError>;

    /// Replaces the user's password hash; `false` for an unknown user.
    fn set_password_hash(&mut self, user: &UserId, hash: &str) -> Result<bool, StoreError>;

    /// Increments the user's session generation and raises the floor for
    /// UserSigs minted elsewhere to at least `sigs_valid_from`; the new
    /// generation, `None` for an unknown user.
    fn bump_session_generation(
        &mut self,
        user: &UserId,
        sigs_valid_from: i64,
    ) -> Result<Option<u64>, StoreError>;

    /// Records the password-issued UserSig `serial` as revoked until
    /// `expire_at` (again: nothing changes).
    fn insert_sig_revocation(
        &mut self,
        user: &UserId,
        serial: &str,
        expire_at: i64,
    ) -> Result<(), StoreError>;

    /// Forgets every revoked UserSig of the user.
    fn forget_sig_revocations(&mut self, user: &UserId) -> Result<(), StoreError>;

    /// Forgets the revocations of sigs that expired by `now_secs`.
    fn forget_expired_sig_revocations(&mut self, now_secs: i64) -> Result<(), StoreError>;

    /// Sets `user`'s custom status (`""` clears it).
    fn set_custom_status(&mut self, user: &UserId, status: &str) -> Result<(), StoreError>;
}

/// Profiles: one document per user.
pub trait ProfileTx {
    /// The user's profile, if the user has one.
    fn load_profile(&mut self, user: &UserId) -> Result<Option<Profile>, StoreError>;

    /// Stores the profile of `profile.user_id`, replacing any earlier one.
    fn save_profile(&mut self, profile: &Profile) -> Result<(), StoreError>;
}

/// Messages: stored once, numbered by row and by their conversation's sequence.
pub trait MessageTx {
    /// The row of the stored message with this ID, if any.
    fn message_row(&mut self, message_id: &str) -> Result<Option<MessageRow>, StoreError>;

    /// The row the next stored message gets.
    fn next_message_row(&mut self) -> Result<MessageRow, StoreError>;

    /// The next message sequence of a conversation (by its key).
    fn next_conversation_sequence(&mut self, conv_key: &str) -> Result<u64, StoreError>;

    /// Stores a new message at `row` in the conversation `conv_key` (its
    /// sender, random, time and sequence are the message's).
    fn insert_message(
        &mut self,
        row: MessageRow,
        conv_key: &str,
        message: &WireMessage,
    ) -> Result<(), StoreError>;

    /// The stored message at `row` with its conversation's key.
    fn load_message(
        &mut self,
        row: MessageRow,
    ) -> Result<Option<(String, WireMessage)>, StoreError>;

    /// Replaces the stored message at `row` (a revoke, a modification).
    fn update_message(&mut self, row: MessageRow, message: &WireMessage) -> Result<(), StoreError>;

    /// Hides the message at `row` from `owner`'s history (again: nothing changes).
    fn hide_message(&mut self, owner: &UserId, row: MessageRow) -> Result<(), StoreError>;
}

/// Conversations: each user's row per conversation.
pub trait ConversationTx {
    /// Applies a stored message to one side of a conversation (see
    /// [`ConversationTouch`]).
    fn touch_conversation(&mut self, touch: &ConversationTouch<'_>) -> Result<(), StoreError>;

    /// The owner's read marks of a conversation; `None` when the owner has
    /// no such conversation.
    fn read_marks(
        &mut self,
        owner: &UserId,
        conversation_id: &ConversationId,
    ) -> Result<Option<ReadMarks>, StoreError>;

    /// Sets the owner's read sequence and clears the unread count.
    fn mark_read(
        &mut self,
        owner: &UserId,
        conversation_id: &ConversationId,
        read_sequence: u64,
    ) -> Result<(), StoreError>;

    /// Raises the peer-read sequence of the owner's conversation to at
    /// least `sequence`; `false` when the owner has no such conversation.
    fn raise_peer_read(
        &mut self,
        owner: &UserId,
        conversation_id: &ConversationId,
        sequence: u64,
    ) -> Result<bool, StoreError>;

    /// Marks the owner's conversation deleted (unknown ones: nothing
    /// happens); with `clear_history`, also moves its cleared point to its
    /// last sequence and drops its unread count and last message.
    fn delete_conversation(
        &mut self,
        owner: &UserId,
        conversation_id: &ConversationId,
        clear_history: bool,
    ) -> Result<(), StoreError>;

    /// Clears the owner's history of a C2C conversation without deleting
    /// it: its cleared point moves to its last sequence, its unread count
    /// and last message go. The cleared point; `None` when the owner has
    /// no such conversation.
    fn clear_conversation(
        &mut self,
        owner: &UserId,
        conversation_id: &ConversationId,
    ) -> Result<Option<u64>, StoreError>;

    /// The owner's C2C conversations (not deleted) with anything unread.
    fn unread_conversations(&mut self, owner: &UserId) -> Result<Vec<ConversationId>, StoreError>;

    /// The owner's settings of a conversation (the defaults when none was
    /// changed).
    fn conversation_settings(
        &mut self,
        owner: &UserId,
        conversation_id: &ConversationId,
    ) -> Result<confab_proto::conversation::ConversationSettings, StoreError>;

    /// Keeps the owner's settings of a conversation (all defaults: forgets
    /// them).
    fn save_conversation_settings(
        &mut self,
        owner: &UserId,
        settings: &confab_proto::conversation::ConversationSettings,
    ) -> Result<(), StoreError>;

    /// The owner's conversation group `name`, if it exists.
    fn conversation_group(
        &mut self,
        owner: &UserId,
        name: &str,
    ) -> Result<Option<confab_proto::conversation::ConversationGroup>, StoreError>;

    /// How many conversation groups the owner has.
    fn conversation_group_count(&mut self, owner: &UserId) -> Result<u64, StoreError>;

    /// Makes an empty conversation group; `false` when the name is taken.
    fn conversation_group_create(&mut self, owner: &UserId, name: &str)
        -> Result<bool, StoreError>;

    /// Deletes a conversation group; `false` when none.
    fn conversation_group_delete(&mut self, owner: &UserId, name: &str)
        -> Result<bool, StoreError>;

    /// Renames a conversation group (`new` must be free); it keeps its place.
    fn conversation_group_rename(
        &mut self,
        owner: &UserId,
        old: &str,
        new: &str,
    ) -> Result<(), StoreError>;

    /// Puts a conversation in a group (`true`) or takes it out (`false`);
    /// whether that changed anything.
    fn conversation_group_member(
        &mut self,
        owner: &UserId,
        name: &str,
        conversation_id: &ConversationId,
        member: bool,
    ) -> Result<bool, StoreError>;
}

/// Inboxes: each user's ordered log of personal events.
pub trait InboxTx {
    /// Appends a record to the owner's inbox with the inbox's next sequence,
    /// which it returns.
    fn append_inbox(&mut self, owner: &UserId, record: EventRecord<'_>) -> Result<u64, StoreError>;
}

/// Group timelines: each group's ordered log, written once per event
/// whatever the number of members.
pub trait TimelineTx {
    /// Appends a record to the group's timeline with the timeline's next
    /// sequence (the group's own, from 1), which it returns.
    fn append_timeline(
        &mut self,
        group_id: &str,
        record: EventRecord<'_>,
    ) -> Result<u64, StoreError>;
}

/// Groups: one profile document per group and one row per stored member.
pub trait GroupTx {
    /// Stores a new group unless its ID is taken; `true` when stored.
    fn insert_group(&mut self, profile: &GroupProfile, now_secs: i64) -> Result<bool, StoreError>;

    /// The stored profile of a group (its `member_count` and
    /// `next_message_seq` as last saved, not computed).
    fn load_group(&mut self, group: &GroupId) -> Result<Option<GroupProfile>, StoreError>;

    /// Replaces a group's stored profile.
    fn save_group(&mut self, profile: &GroupProfile) -> Result<(), StoreError>;

    /// Forgets a group and its members (its timeline and messages stay).
    fn delete_group(&mut self, group: &GroupId) -> Result<(), StoreError>;

    /// One member's record.
    fn load_member(
        &mut self,
        group: &GroupId,
        user: &UserId,
    ) -> Result<Option<MemberRecord>, StoreError>;

    /// Stores a member's record, replacing any earlier one.
    fn save_member(&mut self, group: &GroupId, member: &MemberRecord) -> Result<(), StoreError>;

    /// Removes a member (not one: nothing happens).
    fn delete_member(&mut self, group: &GroupId, user: &UserId) -> Result<(), StoreError>;

    /// How many members are stored.
    fn member_count(&mut self, group: &GroupId) -> Result<u64, StoreError>;

    /// Every stored member's ID.
    fn member_ids(&mut self, group: &GroupId) -> Result<Vec<UserId>, StoreError>;

    /// The groups `user` is a stored member of.
    fn member_groups(&mut self, user: &UserId) -> Result<Vec<GroupId>, StoreError>;

    /// The group's message sequence and timeline heads, without moving them.
    fn group_heads(&mut self, group: &GroupId) -> Result<GroupHeads, StoreError>;

    /// Records (or renews) `applicant`'s pending join request.
    fn save_application(
        &mut self,
        group: &GroupId,
        applicant: &UserId,
        note: &str,
        time: i64,
    ) -> Result<(), StoreError>;

    /// Whether `applicant` has a pending join request.
    fn has_application(&mut self, group: &GroupId, applicant: &UserId) -> Result<bool, StoreError>;

    /// Forgets `applicant`'s pending join request (none: nothing happens).
    fn delete_application(&mut self, group: &GroupId, applicant: &UserId)
        -> Result<(), StoreError>;

    /// The group's attributes.
    fn load_group_attributes(&mut self, group: &GroupId) -> Result<GroupAttributes, StoreError>;

    /// Replaces the group's attributes with `attributes`.
    fn save_group_attributes(
        &mut self,
        group: &GroupId,
        attributes: &GroupAttributes,
    ) -> Result<(), StoreError>;

    /// The group's counters.
    fn load_group_counters(&mut self, group: &GroupId) -> Result<GroupCounters, StoreError>;

    /// Sets one counter of the group.
    fn save_group_counter(
        &mut self,
        group: &GroupId,
        key: &str,
        value: i64,
    ) -> Result<(), StoreError>;
}

/// The file service's records: contents, uploaders, grants, references.
pub trait FileTx {
    /// Whether `user` holds a grant for the file `id`.
    fn has_file_grant(&mut self, id: &str, user: &UserId) -> Result<bool, StoreError>;

    /// Grants `user` the file `id`; `false` when the grant was held already.
    fn insert_file_grant(&mut self, id: &str, user: &UserId) -> Result<bool, StoreError>;

    /// The files the merger body `id` names.
    fn file_refs(&mut self, id: &str) -> Result<Vec<String>, StoreError>;

    /// Records a content unless it is known; either way its latest upload
    /// time becomes at least `file.created_at`.
    fn upsert_file(&mut self, file: &StoredFile) -> Result<(), StoreError>;

    /// Records that `user` uploaded the file `id` (again: nothing changes).
    fn insert_file_uploader(&mut self, id: &str, user: &UserId) -> Result<(), StoreError>;

    /// Records that the merger body `id` names `ref_id` (again: nothing changes).
    fn insert_file_ref(&mut self, id: &str, ref_id: &str) -> Result<(), StoreError>;

    /// Records that the stored message at `row` names the files `ids`.
    fn name_files_in_message(&mut self, row: MessageRow, ids: &[String]) -> Result<(), StoreError>;

    /// The files some stored message names, and those last uploaded at or
    /// after `cutoff_secs`.
    fn file_gc_roots(&mut self, cutoff_secs: i64) -> Result<Vec<String>, StoreError>;

    /// Every recorded file, by ID.
    fn all_files(&mut self) -> Result<Vec<StoredFile>, StoreError>;

    /// Forgets the file with its grants, uploaders and references.
    fn forget_file(&mut self, id: &str) -> Result<(), StoreError>;

    /// Records the file of this server `user`'s avatar names (`None`: none).
    fn set_avatar_file(&mut self, user: &UserId, id: Option<&str>) -> Result<(), StoreError>;
}

/// The owner's fields for one friend, as stored (the friend's profile and
/// groups live elsewhere).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FriendFields {
    /// The owner's remark.
    pub remark: String,
    /// `AddSource_Type_*`.
    pub source: String,
    /// The request message the friendship began with.
    pub wording: String,
    /// The owner's `Tag_SNS_Custom_*` fields, sorted by key.
    pub custom: Vec<confab_proto::profile::CustomField>,
}

/// A pending friend request as stored.
#[derive(Clone, Debug, PartialEq)]
pub struct FriendRequestRecord {
    /// Who asked.
    pub requester: UserId,
    /// Who was asked.
    pub target: UserId,
    /// `AddSource_Type_*`.
    pub source: String,
    /// The requester's message.
    pub wording: String,
    /// Whether the requester asked for a two-way friendship.
    pub both_ways: bool,
    /// The requester's remark for the target.
    pub remark: String,
    /// The requester's friend group for the target (`""`: none).
    pub group_name: String,
    /// When it was (last) made, server seconds.
    pub made_at: i64,
    /// The target has not marked it read.
    pub unread: bool,
}

/// Write primitives of the relation chain: blacklists, friends, friend
/// requests and friend groups.
pub trait RelationTx {
    /// Puts `blocked` on `owner`'s blacklist; `false` when it was there.
    fn blacklist_insert(
        &mut self,
        owner: &UserId,
        blocked: &UserId,
        now_secs: i64,
    ) -> Result<bool, StoreError>;

    /// Takes `blocked` off `owner`'s blacklist; `false` when it was not there.
    fn blacklist_delete(&mut self, owner: &UserId, blocked: &UserId) -> Result<bool, StoreError>;

    /// `owner`'s blacklist, oldest entry first.
    fn blacklist_of(&mut self, owner: &UserId) -> Result<Vec<UserId>, StoreError>;

    /// Whether either user has the other on their blacklist.
    fn blocked_either_way(&mut self, a: &UserId, b: &UserId) -> Result<bool, StoreError>;

    /// `friend` on `owner`'s list as the wire shows it (profile and groups
    /// filled in), if there.
    fn friend_of(
        &mut self,
        owner: &UserId,
        friend: &UserId,
    ) -> Result<Option<confab_proto::relation::Friend>, StoreError>;

    /// Puts `friend` on `owner`'s list with these fields, or changes the
    /// fields of one already there (who keeps their place).
    fn friend_save(
        &mut self,
        owner: &UserId,
        friend: &UserId,
        fields: &FriendFields,
        now_secs: i64,
    ) -> Result<(), StoreError>;

    /// Takes `friend` off `owner`'s list and out of the owner's friend
    /// groups; `false` when not there.
    fn friend_delete(&mut self, owner: &UserId, friend: &UserId) -> Result<bool, StoreError>;

    /// How many friends `owner` has.
    fn friend_count(&mut self, owner: &UserId) -> Result<u64, StoreError>;

    /// The users who have `user` on their friend list.
    fn friend_owners(&mut self, user: &UserId) -> Result<Vec<UserId>, StoreError>;

    /// The pending request from `requester` to `target`, if any.
    fn friend_request_load(
        &mut self,
        requester: &UserId,
        target: &UserId,
    ) -> Result<Option<FriendRequestRecord>, StoreError>;

    /// Saves a request (replacing one between the same two, which keeps
    /// its place).
    fn friend_request_save(&mut self, request: &FriendRequestRecord) -> Result<(), StoreError>;

    /// Deletes the request from `requester` to `target`; `false` when none.
    fn friend_request_delete(
        &mut self,
        requester: &UserId,
        target: &UserId,
    ) -> Result<bool, StoreError>;

    /// Marks every request to `target` read; `false` when none was unread.
    fn friend_requests_mark_read(&mut self, target: &UserId) -> Result<bool, StoreError>;

    /// `owner`'s friend group `name`, if it exists.
    fn friend_group_load(
        &mut self,
        owner: &UserId,
        name: &str,
    ) -> Result<Option<confab_proto::relation::FriendGroup>, StoreError>;

    /// The names of `owner`'s friend groups, in the order made.
    fn friend_group_names(&mut self, owner: &UserId) -> Result<Vec<String>, StoreError>;

    /// Makes an empty friend group; `false` when the name is taken.
    fn friend_group_create(&mut self, owner: &UserId, name: &str) -> Result<bool, StoreError>;

    /// Deletes a friend group (its friends stay friends); `false` when none.
    fn friend_group_delete(&mut self, owner: &UserId, name: &str) -> Result<bool, StoreError>;

    /// Renames a friend group (`new` must be free); it keeps its place.
    fn friend_group_rename(
        &mut self,
        owner: &UserId,
        old: &str,
        new: &str,
    ) -> Result<(), StoreError>;

    /// Puts a friend in a group; `false` when already there.
    fn friend_group_add(
        &mut self,
        owner: &UserId,
        name: &str,
        friend: &UserId,
    ) -> Result<bool, StoreError>;

    /// Takes a friend out of a group; `false` when not there.
    fn friend_group_remove(
        &mut self,
        owner: &UserId,
        name: &str,
        friend: &UserId,
    ) -> Result<bool, StoreError>;
}

/// Read receipts: who reported reading which message, and a message's
/// read state.
pub trait ReceiptTx {
    /// Records that `reader` read the message; `false` when already
    /// recorded.
    fn insert_read_receipt(
        &mut self,
        row: MessageRow,
        reader: &UserId,
        time: i64,
    ) -> Result<bool, StoreError>;

    /// The read state of a stored message that asked for receipts: the
    /// peer read it (C2C), or how many members read it and how many who
    /// could have not (group).
    fn read_receipt_state(
        &mut self,
        row: MessageRow,
        message: &WireMessage,
    ) -> Result<confab_proto::receipt::ReadReceipt, StoreError>;
}

/// Message extensions: each message's keys with their values and
/// versions.
pub trait ExtensionTx {
    /// The message's extensions, by key.
    fn extensions_of(&mut self, row: MessageRow) -> Result<Vec<MessageExtension>, StoreError>;

    /// Takes the message's next extension version (1, 2, … never reused).
    fn next_extension_seq(&mut self, row: MessageRow) -> Result<u64, StoreError>;

    /// Adds or replaces one extension (with its version).
    fn save_extension(
        &mut self,
        row: MessageRow,
        extension: &MessageExtension,
    ) -> Result<(), StoreError>;

    /// Deletes one extension; `false` when the message has no such key.
    fn delete_extension(&mut self, row: MessageRow, key: &str) -> Result<bool, StoreError>;
}

/// Community topics: one profile per topic and what is personal to a
/// member in it. A topic's messages and timeline are a group's (keyed by
/// the topic ID).
pub trait TopicTx {
    /// Stores a new topic of `group` unless its ID is taken; `true` when
    /// stored.
    fn insert_topic(
        &mut self,
        group: &GroupId,
        topic: &TopicProfile,
        now_secs: i64,
    ) -> Result<bool, StoreError>;

    /// A topic's stored profile (`next_message_seq` as saved) and its
    /// community.
    fn load_topic(&mut self, topic_id: &str)
        -> Result<Option<(GroupId, TopicProfile)>, StoreError>;

    /// Replaces a topic's stored profile.
    fn save_topic(&mut self, topic: &TopicProfile) -> Result<(), StoreError>;

    /// Forgets a topic and its members' records (its timeline and messages
    /// stay).
    fn delete_topic(&mut self, topic_id: &str) -> Result<(), StoreError>;

    /// The topics of a group, in the order made.
    fn topics_of(&mut self, group: &GroupId) -> Result<Vec<TopicProfile>, StoreError>;

    /// `user`'s record in a topic (the defaults when none is stored).
    fn load_topic_member(
        &mut self,
        topic_id: &str,
        user: &UserId,
    ) -> Result<TopicMemberRecord, StoreError>;

    /// Stores `user`'s record in a topic.
    fn save_topic_member(
        &mut self,
        topic_id: &str,
        user: &UserId,
        record: &TopicMemberRecord,
    ) -> Result<(), StoreError>;

    /// Forgets `user`'s records in every topic of `group`.
    fn delete_topic_members(&mut self, group: &GroupId, user: &UserId) -> Result<(), StoreError>;
}

/// Everything a write can do inside the writer's transaction.
pub trait WriteTx:
    AccountTx
    + ProfileTx
    + MessageTx
    + ConversationTx
    + InboxTx
    + TimelineTx
    + GroupTx
    + FileTx
    + RelationTx
    + ReceiptTx
    + ExtensionTx
    + TopicTx
{
    /// Queues a push for its audience, sent only once the batch committed
    /// (and dropped if this write is rejected or the batch fails).
    fn publish(&mut self, delivery: Delivery);
}
