//! Applying what a sync brings: the bootstrap from `getConversationList`,
//! inbox entries and group timeline pages.
//!
//! Entries are applied in order, each in the transaction that moves its
//! cursor (the inbox's, or its group's), and each is dispatched by area in
//! one `match` over the wire's [`InboxEvent`] ([`Store::apply_event`]):
//! messages, revokes and modifications in `message.rs`, read marks in
//! `conversation.rs`, profiles in `profile.rs`, membership and system
//! notices in `group.rs`; group attribute and counter changes become their
//! events as they are. A new kind of event (relations) is one arm here
//! and its own file. What the entries changed is
//! gathered as store keys in [`Changes`] and read back as messages once the
//! transaction committed ([`Applied`]).

use super::conversations::ensure_conversation;
use super::history::{save_range, HistoryRange};
use super::sync_state::{cursor_of, group_cursor_of, set_cursor, set_group_cursor};
use super::{sql_u64, Result, Store};
use crate::event::Event;
use crate::model::{Conversation, Message};
use confab_proto::constants::types;
use confab_proto::conversation::ConversationState;
use confab_proto::group::GroupProfile;
use confab_proto::inbox::{InboxEntry, InboxEvent, TimelinePage};
use confab_proto::profile::Profile;
use rusqlite::{params, Transaction};
use std::collections::{BTreeSet, HashSet};

mod conversation;
mod group;
mod message;
mod profile;

/// What applying inbox entries or timeline pages changed, for the events.
#[derive(Debug, Default)]
pub(crate) struct Applied {
    /// New messages to announce (MESSAGE_RECEIVED).
    pub(crate) received: Vec<Message>,
    /// My messages whose acknowledgement arrived through the inbox.
    pub(crate) merged: Vec<Message>,
    /// My messages the peer read (MESSAGE_READ_BY_PEER).
    pub(crate) read_by_peer: Vec<Message>,
    /// Conversations that changed.
    pub(crate) conversations: Vec<Conversation>,
    /// Profiles that changed.
    pub(crate) profiles: Vec<Profile>,
    /// Messages that became revoked (MESSAGE_REVOKED).
    pub(crate) revoked: Vec<Message>,
    /// Messages that got a newer version (MESSAGE_MODIFIED).
    pub(crate) modified: Vec<Message>,
    /// The group list afterwards, when it changed (GROUP_LIST_UPDATED).
    pub(crate) groups: Option<Vec<GroupProfile>>,
    /// A group was joined: its timeline may already hold entries to fetch.
    pub(crate) joined: bool,
    /// Events the changes carry as they are, to fire in order
    /// (GROUP_ATTRIBUTES_UPDATED, GROUP_COUNTER_UPDATED,
    /// MESSAGE_READ_RECEIPT_RECEIVED).
    pub(crate) passed_events: Vec<Event>,
    /// Topics whose profile changed (TOPIC_UPDATED).
    pub(crate) topics_updated: Vec<String>,
    /// My blacklist afterwards, when it changed (BLACKLIST_UPDATED).
    pub(crate) blacklist: Option<Vec<String>>,
    /// My friends afterwards, when they changed (FRIEND_LIST_UPDATED).
    pub(crate) friends: Option<Vec<confab_proto::relation::Friend>>,
    /// My friend requests afterwards, when they changed
    /// (FRIEND_APPLICATION_LIST_UPDATED).
    pub(crate) friend_applications: Option<crate::model::FriendApplicationList>,
    /// My friend groups afterwards, when they changed
    /// (FRIEND_GROUP_LIST_UPDATED).
    pub(crate) friend_groups: Option<Vec<confab_proto::relation::FriendGroup>>,
    /// My conversation group names afterwards, when they changed
    /// (CONVERSATION_GROUP_LIST_UPDATED).
    pub(crate) conversation_groups: Option<Vec<String>>,
    /// Conversation groups whose conversations changed, with their
    /// conversations now (CONVERSATION_IN_GROUP_UPDATED).
    pub(crate) in_group: Vec<(String, Vec<Conversation>)>,
    /// The inbox cursor afterwards.
    pub(crate) cursor: u64,
    /// A group timeline moved but is still behind its head (more pages
    /// are waiting: sync again).
    pub(crate) groups_behind: bool,
}

/// What the events of one transaction changed so far: store keys of the
/// messages to announce, conversations touched, profiles changed.
#[derive(Default)]
pub(super) struct Changes {
    /// New messages (MESSAGE_RECEIVED).
    received: Vec<i64>,
    /// My messages acknowledged through the inbox.
    merged: Vec<i64>,
    /// My messages the peer read.
    read_by_peer: Vec<i64>,
    /// IDs of the conversations that changed.
    conversations: BTreeSet<String>,
    /// Profiles that changed.
    profiles: Vec<Profile>,
    /// Stored messages that became revoked.
    revoked: Vec<i64>,
    /// Stored messages that got a newer version.
    modified: Vec<i64>,
    /// Revoked messages this store does not hold, as the server sent them.
    revoked_unknown: Vec<Message>,
    /// Modified messages this store does not hold, as the server sent them.
    modified_unknown: Vec<Message>,
    /// The group list changed.
    groups_changed: bool,
    /// A group was joined.
    joined: bool,
    /// Changes announced as they came (group attributes and counters,
    /// read receipts), as their events.
    passed_events: Vec<Event>,
    /// Topics whose profile changed.
    topics_updated: BTreeSet<String>,
    /// My blacklist changed.
    blacklist_changed: bool,
    /// Which friend lists changed.
    relations: super::relations::RelationChanges,
    /// The conversation group names changed.
    conversation_groups_changed: bool,
    /// Conversation groups whose conversations changed.
    in_group: BTreeSet<String>,
    /// What the messages applied since the last flush do to their
    /// conversations, by conversation ID.
    touches: std::collections::HashMap<String, message::Touch>,
    /// Conversations known to have their row in this transaction (each is
    /// ensured once, not once per message).
    ensured: HashSet<String>,
    /// Senders (userID, nick, avatar) whose profile this transaction has
    /// already brought up to date from a message; forgotten when a profile
    /// event is applied.
    senders: HashSet<(String, String, String)>,
}

impl Changes {
    /// The changes as announced: messages and conversations as stored after
    /// the transaction.
    fn resolve(self, store: &Store, conn: &rusqlite::Connection, cursor: u64) -> Result<Applied> {
        let received = store.messages_by_keys(conn, &self.received)?;
        let merged = store.messages_by_keys(conn, &self.merged)?;
        let read_by_peer = store.messages_by_keys(conn, &self.read_by_peer)?;
        let ids: Vec<String> = self.conversations.into_iter().collect();
        let conversations: Vec<Conversation> = store.conversations_in(conn, Some(&ids))?;
        let mut revoked = store.messages_by_keys(conn, &self.revoked)?;
        revoked.extend(self.revoked_unknown);
        let mut modified = store.messages_by_keys(conn, &self.modified)?;
        modified.extend(self.modified_unknown);
        let groups = if self.groups_changed { Some(super::groups::groups_in(conn)?) } else { None };
        let blacklist =
            if self.blacklist_changed { Some(super::relations::blacklist_in(conn)?) } else { None };
        let mut relations = self.relations;
        // A friend's new profile is part of their Friend.
        for p in &self.profiles {
            relations.friends |= super::relations::is_friend(conn, p.user_id.as_str())?;
        }
        let friends =
            if relations.friends { Some(super::relations::friends_in(conn)?) } else { None };
        let friend_applications = if relations.applications {
            Some(super::relations::applications_in(conn)?)
        } else {
            None
        };
        let friend_groups =
            if relations.groups { Some(super::relations::friend_groups_in(conn)?) } else { None };
        let all_groups = if self.conversation_groups_changed || !self.in_group.is_empty() {
            super::conversation_settings::groups_in(conn)?
        } else {
            Vec::new()
        };
        let conversation_groups = self
            .conversation_groups_changed
            .then(|| all_groups.iter().map(|g| g.name.clone()).collect());
        let mut in_group = Vec::new();
        for name in &self.in_group {
            if let Some(group) = all_groups.iter().find(|g| &g.name == name) {
                let ids: Vec<String> =
                    group.conversation_id_list.iter().map(|c| c.as_str().to_owned()).collect();
                in_group.push((name.clone(), store.conversations_in(conn, Some(&ids))?));
            }
        }
        Ok(Applied {
            received,
            merged,
            read_by_peer,
            conversations,
            profiles: self.profiles,
            revoked,
            modified,
            groups,
            joined: self.joined,
            passed_events: self.passed_events,
            topics_updated: self.topics_updated.into_iter().collect(),
            blacklist,
            friends,
            friend_applications,
            friend_groups,
            conversation_groups,
            in_group,
            cursor,
            groups_behind: false,
        })
    }
}

impl Store {
    /// Fills a fresh store from `getConversationList` and sets the cursor
    /// to the inbox sequence it reflects; each group conversation's
    /// timeline is followed from its last sequence (the group profiles come
    /// from `getGroupList` next). Returns the conversations.
    pub(crate) fn bootstrap(
        &self,
        states: &[ConversationState],
        inbox_seq: u64,
    ) -> Result<Vec<Conversation>> {
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        let mut ids = Vec::new();
        for state in states {
            let id = state.conversation_id.as_str();
            ensure_conversation(&tx, id, state.conversation_type)?;
            let last_key = match &state.last_message {
                Some(m) => Some(self.upsert_wire(&tx, id, m, true)?.0),
                None => None,
            };
            tx.prepare_cached(
                "UPDATE conversations SET visible = 1, unread_count = ?2, read_sequence = ?3,
                   peer_read_sequence = ?4, last_sequence = MAX(last_sequence, ?5),
                   last_message_key = ?6, update_time = ?7,
                   cleared_sequence = MAX(cleared_sequence, ?8)
                 WHERE conversation_id = ?1",
            )?
            .execute(params![
                id,
                sql_u64(state.unread_count),
                sql_u64(state.read_sequence),
                sql_u64(state.peer_read_sequence),
                sql_u64(state.last_sequence),
                last_key,
                state.update_time.saturating_mul(1000),
                sql_u64(state.cleared_sequence)
            ])?;
            if state.last_sequence <= state.cleared_sequence {
                // Nothing visible: an empty, complete run at the top.
                save_range(
                    &tx,
                    id,
                    HistoryRange {
                        lo: state.last_sequence + 1,
                        hi: state.last_sequence,
                        complete: true,
                    },
                )?;
            }
            if let Some(group_id) = id.strip_prefix(types::CONV_GROUP) {
                // A group joined before this store began: its joining is
                // behind the inbox cursor set below, so follow its
                // timeline from here (the last sequence the state names).
                tx.prepare_cached(
                    "INSERT INTO group_cursors (group_id, sequence) VALUES (?1, ?2)
                     ON CONFLICT (group_id) DO NOTHING",
                )?
                .execute(params![group_id, sql_u64(state.last_sequence)])?;
            }
            ids.push(id.to_owned());
        }
        set_cursor(&tx, inbox_seq)?;
        tx.commit()?;
        drop(conn);
        self.conversations(Some(&ids))
    }

    /// Applies inbox entries in order (those at or below the cursor are
    /// skipped; the first gap stops), advancing the cursor in the same
    /// transaction.
    pub(crate) fn apply_entries(&self, entries: &[InboxEntry]) -> Result<Applied> {
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        let start = cursor_of(&tx)?.unwrap_or(0);
        let mut changes = Changes::default();
        let events = entries.iter().map(|e| (e.seq, &e.event));
        let cursor = self.apply_in_order(&tx, start, events, &mut changes)?;
        if cursor > start {
            set_cursor(&tx, cursor)?;
        }
        tx.commit()?;
        changes.resolve(self, &conn, cursor)
    }

    /// Applies group timeline pages (the `groups` of a sync answer) by the
    /// inbox's rules, each group against its own cursor: entries at or
    /// below it are skipped, the first gap stops that group, and the cursor
    /// moves in the same transaction. Pages of groups this store does not
    /// follow are ignored. `groups_behind` when a cursor moved and some
    /// followed group is still below its page's head (ask again).
    pub(crate) fn apply_timeline_pages(&self, pages: &[TimelinePage]) -> Result<Applied> {
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        let mut changes = Changes::default();
        let mut progressed = false;
        let mut lagging = false;
        for page in pages {
            let Some(start) = group_cursor_of(&tx, &page.group_id)? else { continue };
            let events = page.entries.iter().map(|e| (e.seq, &e.event));
            let cursor = self.apply_in_order(&tx, start, events, &mut changes)?;
            if cursor > start {
                set_group_cursor(&tx, &page.group_id, cursor)?;
                progressed = true;
            }
            // An empty page below its head is a group the answer's byte
            // budget did not reach: behind as well.
            lagging |= cursor < page.head;
        }
        let inbox_cursor = cursor_of(&tx)?.unwrap_or(0);
        tx.commit()?;
        let mut applied = changes.resolve(self, &conn, inbox_cursor)?;
        // Behind only while an answer moves some cursor on: a page that
        // cannot be applied (a gap) does not make the client ask forever.
        applied.groups_behind = progressed && lagging;
        Ok(applied)
    }

    /// Applies the events that follow `cursor` without a gap (those at or
    /// below it are skipped, the first gap stops); returns the new cursor.
    /// The caller moves its cursor in the same transaction.
    fn apply_in_order<'a>(
        &self,
        tx: &Transaction<'_>,
        mut cursor: u64,
        events: impl Iterator<Item = (u64, &'a InboxEvent)>,
        changes: &mut Changes,
    ) -> Result<u64> {
        for (seq, event) in events {
            if seq <= cursor {
                continue;
            }
            if seq != cursor + 1 {
                break;
            }
            // Messages touch their conversations together; anything else
            // (a read mark, a revoke, a notice) sees them applied first.
            if !matches!(event, InboxEvent::Message { .. }) {
                self.flush_touches(tx, changes)?;
            }
            self.apply_event(tx, seq, event, changes)?;
            cursor = seq;
        }
        self.flush_touches(tx, changes)?;
        Ok(cursor)
    }

    /// Applies one event (`seq`: its sequence in its inbox or timeline),
    /// dispatched by area.
    fn apply_event(
        &self,
        tx: &Transaction<'_>,
        seq: u64,
        event: &InboxEvent,
        changes: &mut Changes,
    ) -> Result<()> {
        match event {
            InboxEvent::Message { message } => self.apply_message(tx, message, changes),
            InboxEvent::MessageRevoked { message } => {
                self.apply_update(tx, message, message::Update::Revoke, changes)
            }
            InboxEvent::MessageModified { message } => {
                self.apply_update(tx, message, message::Update::Modify, changes)
            }
            InboxEvent::ConversationRead { conversation_id, read_sequence } => {
                self.apply_read(tx, conversation_id.as_str(), *read_sequence, changes)
            }
            InboxEvent::PeerRead { conversation_id, read_sequence } => {
                self.apply_peer_read(tx, conversation_id.as_str(), *read_sequence, changes)
            }
            InboxEvent::ProfileUpdated { profile } => profile::apply_profile(tx, profile, changes),
            InboxEvent::GroupJoined { group, after, topics } => {
                Self::apply_group_joined(tx, group, *after, changes)?;
                super::topics::join_topics(tx, group, topics)
            }
            InboxEvent::TopicCreated { group_id, topic } => {
                // Followed from its start: the account is in the community.
                if super::groups::group_in(tx, group_id.as_str())?.is_some() {
                    super::topics::put_topic(tx, group_id.as_str(), topic, Some(0))?;
                    changes.joined = true;
                }
                changes.passed_events.push(Event::TopicCreated {
                    group_id: group_id.0.clone(),
                    topic_id: topic.topic_id.clone(),
                });
                Ok(())
            }
            InboxEvent::TopicDeleted { group_id, topic_id_list } => {
                super::topics::remove_topics(tx, topic_id_list)?;
                changes.passed_events.push(Event::TopicDeleted {
                    group_id: group_id.0.clone(),
                    topic_id_list: topic_id_list.clone(),
                });
                Ok(())
            }
            InboxEvent::TopicUpdated { group_id, topic } => {
                if super::topics::topic_in(tx, &topic.topic_id)?.is_some() {
                    super::topics::put_topic(tx, group_id.as_str(), topic, None)?;
                }
                changes.topics_updated.insert(topic.topic_id.clone());
                Ok(())
            }
            InboxEvent::GroupLeft { group_id, .. } => {
                Self::apply_group_left(tx, group_id.0.as_str(), changes)
            }
            InboxEvent::GroupSystemNotice { notice } => {
                self.apply_group_notice(tx, seq, notice, changes)
            }
            InboxEvent::GroupAttributesUpdated { group_id, group_attributes } => {
                changes.passed_events.push(Event::GroupAttributesUpdated {
                    group_id: group_id.0.clone(),
                    group_attributes: group_attributes.clone(),
                });
                Ok(())
            }
            InboxEvent::GroupCounterUpdated { group_id, key, value } => {
                changes.passed_events.push(Event::GroupCounterUpdated {
                    group_id: group_id.0.clone(),
                    key: key.clone(),
                    value: *value,
                });
                Ok(())
            }
            InboxEvent::BlacklistAdded { user_id_list } => {
                changes.blacklist_changed |= super::relations::add_to_blacklist(tx, user_id_list)?;
                Ok(())
            }
            InboxEvent::BlacklistRemoved { user_id_list } => {
                changes.blacklist_changed |=
                    super::relations::remove_from_blacklist(tx, user_id_list)?;
                Ok(())
            }
            InboxEvent::ConversationSettingsUpdated { settings } => {
                if super::conversation_settings::apply_settings(tx, settings)? {
                    changes.conversations.insert(settings.conversation_id.as_str().to_owned());
                }
                Ok(())
            }
            InboxEvent::ConversationGroupUpdated { group } => {
                let change = super::conversation_settings::upsert_group(tx, group)?;
                changes.conversation_groups_changed |= change.list;
                if let Some(name) = change.members_of {
                    changes.in_group.insert(name);
                }
                changes.conversations.extend(change.conversations);
                Ok(())
            }
            InboxEvent::MessageExtensionsUpdated { message_id, extensions, .. } => {
                super::extensions::save_in(tx, message_id, extensions)?;
                changes.passed_events.push(Event::MessageExtensionsUpdated {
                    message_id: message_id.clone(),
                    extensions: extensions.clone(),
                });
                Ok(())
            }
            InboxEvent::MessageExtensionsDeleted { message_id, key_list, .. } => {
                super::extensions::forget_in(tx, message_id, key_list)?;
                changes.passed_events.push(Event::MessageExtensionsDeleted {
                    message_id: message_id.clone(),
                    key_list: key_list.clone(),
                });
                Ok(())
            }
            InboxEvent::ReadReceipt { receipt, .. } => {
                super::messages::set_read_receipt(tx, receipt)?;
                changes
                    .passed_events
                    .push(Event::MessageReadReceiptReceived(vec![receipt.clone()]));
                Ok(())
            }
            InboxEvent::ConversationCleared { conversation_id, cleared_sequence } => {
                let id = conversation_id.as_str();
                if super::conversations::clear_history_in(tx, &self.me, id, *cleared_sequence)? {
                    changes.conversations.insert(id.to_owned());
                }
                Ok(())
            }
            InboxEvent::ConversationGroupDeleted { name } => {
                if let Some(members) = super::conversation_settings::delete_group(tx, name)? {
                    changes.conversation_groups_changed = true;
                    changes.conversations.extend(members);
                }
                Ok(())
            }
            InboxEvent::ConversationGroupRenamed { old_name, new_name } => {
                if let Some(members) =
                    super::conversation_settings::rename_group(tx, old_name, new_name)?
                {
                    changes.conversation_groups_changed = true;
                    changes.conversations.extend(members);
                }
                Ok(())
            }
            InboxEvent::FriendUpdated { friend } => {
                changes.relations.friends |= super::relations::upsert_friend(tx, friend)?;
                changes.senders.clear(); // the friend's profile may be newer
                Ok(())
            }
            InboxEvent::FriendDeleted { user_id_list } => {
                let (friends, groups) = super::relations::delete_friends(tx, user_id_list)?;
                changes.relations.friends |= friends;
                changes.relations.groups |= groups;
                Ok(())
            }
            InboxEvent::FriendApplicationUpdated { application } => {
                changes.relations.applications |=
                    super::relations::upsert_application(tx, application, true)?;
                Ok(())
            }
            InboxEvent::FriendApplicationDeleted { user_id, application_type } => {
                changes.relations.applications |=
                    super::relations::delete_application(tx, user_id, *application_type)?;
                Ok(())
            }
            InboxEvent::FriendApplicationsRead => {
                changes.relations.applications |= super::relations::read_applications(tx)?;
                Ok(())
            }
            InboxEvent::FriendGroupUpdated { friend_group } => {
                let changed = super::relations::upsert_friend_group(tx, friend_group)?;
                changes.relations.groups |= changed;
                changes.relations.friends |= changed; // their groupList
                Ok(())
            }
            InboxEvent::FriendGroupDeleted { name } => {
                let changed = super::relations::delete_friend_group(tx, name)?;
                changes.relations.groups |= changed;
                changes.relations.friends |= changed;
                Ok(())
            }
            InboxEvent::FriendGroupRenamed { old_name, new_name } => {
                let changed = super::relations::rename_friend_group(tx, old_name, new_name)?;
                changes.relations.groups |= changed;
                changes.relations.friends |= changed;
                Ok(())
            }
            // A targeted message for other members: it only moves the cursor.
            InboxEvent::Withheld => Ok(()),
        }
    }
}
