//! The per-user ordered inbox.
//!
//! Every change that concerns a user is appended to that user's inbox with
//! the next sequence number (1, 2, 3, … without gaps). A client instance
//! keeps the last sequence it applied; after every (re)connect it asks for
//! the entries after it (`sync`), applies them idempotently, and then
//! receives live `inbox` pushes carrying their sequence. An entry whose
//! sequence is more than one past the client's cursor reveals a gap and
//! triggers a `sync`; an entry at or below the cursor is ignored.
//!
//! Group messages are not copied into members' inboxes: each group has one
//! **timeline** with its own gap-free sequence ([`TimelineEntry`]). A client
//! keeps one cursor per group ([`TimelineCursor`]) and asks for every group's
//! news in the same `sync` request; the answer holds one [`TimelinePage`] per
//! group. The inbox keeps what is personal (C2C messages, read marks,
//! profile, membership changes and system notices).

use crate::group::{GroupProfile, GroupSystemNotice, LeftReason};
use crate::ids::{ConversationId, GroupId};
use crate::message::WireMessage;
use crate::profile::Profile;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One inbox entry: its sequence in the owner's inbox and the event.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InboxEntry {
    /// Sequence in the owner's inbox, strictly increasing from 1.
    pub seq: u64,
    /// What happened.
    pub event: InboxEvent,
}

/// The events an inbox carries.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum InboxEvent {
    /// A new stored message in one of the owner's conversations: received
    /// from a peer, or sent by the owner (from any of their instances).
    #[serde(rename_all = "camelCase")]
    Message {
        /// The message.
        message: WireMessage,
    },
    /// The owner read a conversation up to a sequence (from any instance):
    /// its unread count drops to what lies after `readSequence`.
    #[serde(rename_all = "camelCase")]
    ConversationRead {
        /// The conversation, from the owner's side.
        #[serde(rename = "conversationID")]
        conversation_id: ConversationId,
        /// Highest sequence read.
        read_sequence: u64,
    },
    /// The peer of a one-to-one conversation read the owner's messages up to
    /// a sequence.
    #[serde(rename_all = "camelCase")]
    PeerRead {
        /// The conversation, from the owner's side (`C2C<peer>`).
        #[serde(rename = "conversationID")]
        conversation_id: ConversationId,
        /// Highest sequence the peer has read.
        read_sequence: u64,
    },
    /// A message in one of the owner's conversations was revoked by its
    /// sender (from any instance); it carries the revoked message.
    #[serde(rename_all = "camelCase")]
    MessageRevoked {
        /// The message, `isRevoked: true`.
        message: WireMessage,
    },
    /// A message in one of the owner's conversations was modified (by
    /// either participant, from any instance); it carries the new version.
    #[serde(rename_all = "camelCase")]
    MessageModified {
        /// The message as modified.
        message: WireMessage,
    },
    /// The owner's profile changed (from any instance).
    #[serde(rename_all = "camelCase")]
    ProfileUpdated {
        /// The new profile.
        profile: Profile,
    },
    /// The owner became a member of a group (created it, joined it, was
    /// added): the group enters the owner's group list, and the client
    /// keeps a timeline cursor for it from `after` on (the timeline's head
    /// when the owner joined; their join tip and everything later is
    /// after it).
    #[serde(rename_all = "camelCase")]
    GroupJoined {
        /// The group as it was then, with the owner's `selfInfo`.
        group: GroupProfile,
        /// The owner's first cursor on the group's timeline.
        after: u64,
        /// For a community with topics: its topics then, each with the
        /// owner's first cursor on the topic's timeline.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        topics: Vec<crate::topic::JoinedTopic>,
    },
    /// The owner put users on their blacklist (those already on it are
    /// not named).
    #[serde(rename_all = "camelCase")]
    BlacklistAdded {
        /// The users added.
        #[serde(rename = "userIDList")]
        user_id_list: Vec<crate::ids::UserId>,
    },
    /// The owner took users off their blacklist (those not on it are not
    /// named).
    #[serde(rename_all = "camelCase")]
    BlacklistRemoved {
        /// The users removed.
        #[serde(rename = "userIDList")]
        user_id_list: Vec<crate::ids::UserId>,
    },
    /// The owner changed their settings of a conversation (pin, remind
    /// type, marks, custom data; any instance): all of them now.
    #[serde(rename_all = "camelCase")]
    ConversationSettingsUpdated {
        /// The settings.
        settings: crate::conversation::ConversationSettings,
    },
    /// A conversation group of the owner was made or its conversations
    /// changed: the whole group now.
    #[serde(rename_all = "camelCase")]
    ConversationGroupUpdated {
        /// The group.
        group: crate::conversation::ConversationGroup,
    },
    /// A conversation group of the owner was deleted.
    #[serde(rename_all = "camelCase")]
    ConversationGroupDeleted {
        /// Its name.
        name: String,
    },
    /// A conversation group of the owner was renamed (it keeps its place).
    #[serde(rename_all = "camelCase")]
    ConversationGroupRenamed {
        /// The name it had.
        old_name: String,
        /// The name it has.
        new_name: String,
    },
    /// Extensions of a message in one of the owner's conversations were
    /// added or changed (by anyone in it).
    #[serde(rename_all = "camelCase")]
    MessageExtensionsUpdated {
        /// The conversation, from the owner's side.
        #[serde(rename = "conversationID")]
        conversation_id: ConversationId,
        /// The message.
        #[serde(rename = "messageID")]
        message_id: String,
        /// The extensions written, with their versions now.
        extensions: Vec<crate::extension::MessageExtension>,
    },
    /// Extensions of a message in one of the owner's conversations were
    /// deleted.
    #[serde(rename_all = "camelCase")]
    MessageExtensionsDeleted {
        /// The conversation, from the owner's side.
        #[serde(rename = "conversationID")]
        conversation_id: ConversationId,
        /// The message.
        #[serde(rename = "messageID")]
        message_id: String,
        /// The keys deleted.
        key_list: Vec<String>,
    },
    /// Someone read a message of the owner's that asked for read receipts
    /// (`sendMessageReadReceipt`): its read state now.
    #[serde(rename_all = "camelCase")]
    ReadReceipt {
        /// The conversation, from the owner's side.
        #[serde(rename = "conversationID")]
        conversation_id: ConversationId,
        /// The message's read state.
        receipt: crate::receipt::ReadReceipt,
    },
    /// The owner cleared the history of a conversation (from any
    /// instance): messages up to `clearedSequence` are gone for the owner,
    /// the conversation stays with no unread messages.
    #[serde(rename_all = "camelCase")]
    ConversationCleared {
        /// The conversation, from the owner's side.
        #[serde(rename = "conversationID")]
        conversation_id: ConversationId,
        /// Messages up to and including this sequence are cleared.
        cleared_sequence: u64,
    },
    /// A friend was added to the owner's list or changed (remark, custom
    /// fields, profile as of the change): the whole friend now.
    #[serde(rename_all = "camelCase")]
    FriendUpdated {
        /// The friend.
        friend: crate::relation::Friend,
    },
    /// Users left the owner's friend list (and with it every friend group
    /// of the owner).
    #[serde(rename_all = "camelCase")]
    FriendDeleted {
        /// The users.
        #[serde(rename = "userIDList")]
        user_id_list: Vec<crate::ids::UserId>,
    },
    /// A friend request to or from the owner is new or was made again: the
    /// request now (one to the owner is unread).
    #[serde(rename_all = "camelCase")]
    FriendApplicationUpdated {
        /// The request, seen from the owner.
        application: crate::relation::FriendApplication,
    },
    /// A friend request to or from the owner is gone (accepted, refused,
    /// deleted, or ended by a blacklist or a friendship).
    #[serde(rename_all = "camelCase")]
    FriendApplicationDeleted {
        /// The other user.
        #[serde(rename = "userID")]
        user_id: crate::ids::UserId,
        /// Which of the owner's requests.
        #[serde(rename = "type")]
        application_type: crate::relation::ApplicationType,
    },
    /// Every friend request to the owner is read.
    FriendApplicationsRead,
    /// A friend group of the owner was made or its friends changed: the
    /// whole group now.
    #[serde(rename_all = "camelCase")]
    FriendGroupUpdated {
        /// The group.
        friend_group: crate::relation::FriendGroup,
    },
    /// A friend group of the owner was deleted.
    #[serde(rename_all = "camelCase")]
    FriendGroupDeleted {
        /// Its name.
        name: String,
    },
    /// A friend group of the owner was renamed (it keeps its place).
    #[serde(rename_all = "camelCase")]
    FriendGroupRenamed {
        /// The name it had.
        old_name: String,
        /// The name it has.
        new_name: String,
    },
    /// The owner is no longer a member of a group: it leaves the group
    /// list and the client drops its cursor (history already fetched may
    /// stay).
    #[serde(rename_all = "camelCase")]
    GroupLeft {
        /// The group.
        #[serde(rename = "groupID")]
        group_id: GroupId,
        /// Why.
        reason: LeftReason,
    },
    /// A group system notice for the owner (`TIMGroupSystemNoticeElem`,
    /// shown in `@TIM#SYSTEM`, `GROUP_SYSTEM_NOTICE_RECEIVED`).
    #[serde(rename_all = "camelCase")]
    GroupSystemNotice {
        /// The notice.
        notice: GroupSystemNotice,
    },
    /// A group's attributes changed (`GROUP_ATTRIBUTES_UPDATED`): on the
    /// group's timeline (an AVChatRoom's: pushed with `seq` 0), carrying the
    /// whole set after the change.
    #[serde(rename_all = "camelCase")]
    GroupAttributesUpdated {
        /// The group.
        #[serde(rename = "groupID")]
        group_id: GroupId,
        /// Every attribute now, key → value.
        group_attributes: BTreeMap<String, String>,
    },
    /// One group counter changed (`GROUP_COUNTER_UPDATED`): on the group's
    /// timeline (an AVChatRoom's: pushed with `seq` 0).
    #[serde(rename_all = "camelCase")]
    GroupCounterUpdated {
        /// The group.
        #[serde(rename = "groupID")]
        group_id: GroupId,
        /// The counter.
        key: String,
        /// Its value now.
        value: i64,
    },
    /// A topic was made in a community (on the community's timeline;
    /// `TOPIC_CREATED`): members follow its timeline from its start.
    #[serde(rename_all = "camelCase")]
    TopicCreated {
        /// The community.
        #[serde(rename = "groupID")]
        group_id: GroupId,
        /// The topic.
        topic: crate::topic::TopicProfile,
    },
    /// Topics of a community were deleted (on the community's timeline;
    /// `TOPIC_DELETED`): members stop following them.
    #[serde(rename_all = "camelCase")]
    TopicDeleted {
        /// The community.
        #[serde(rename = "groupID")]
        group_id: GroupId,
        /// The topics.
        #[serde(rename = "topicIDList")]
        topic_id_list: Vec<String>,
    },
    /// A topic's profile changed (on the community's timeline;
    /// `TOPIC_UPDATED`): the whole profile now.
    #[serde(rename_all = "camelCase")]
    TopicUpdated {
        /// The community.
        #[serde(rename = "groupID")]
        group_id: GroupId,
        /// The topic.
        topic: crate::topic::TopicProfile,
    },
    /// A timeline entry the reader may not see (a targeted group message,
    /// or its revoke or modification, for a member not among its
    /// receivers): it keeps the timeline gap-free for that reader and
    /// changes nothing. Never stored; made when a timeline is read or
    /// pushed.
    Withheld,
}

impl InboxEvent {
    /// The message this event carries, if any.
    pub fn message(&self) -> Option<&crate::message::WireMessage> {
        match self {
            Self::Message { message }
            | Self::MessageRevoked { message }
            | Self::MessageModified { message } => Some(message),
            _ => None,
        }
    }

    /// This event as `user` may see it: [`InboxEvent::Withheld`] when it
    /// carries a targeted message not meant for them.
    pub fn as_seen_by(self, user: &str) -> Self {
        match self.message() {
            Some(message) if !message.visible_to(user) => Self::Withheld,
            _ => self,
        }
    }
}

/// A client's position on one group's timeline: the last sequence applied.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TimelineCursor {
    /// The group (TIM `groupID`).
    #[serde(rename = "groupID")]
    pub group_id: String,
    /// Entries with a greater sequence are wanted.
    pub after: u64,
}

/// One entry of a group's timeline.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TimelineEntry {
    /// Sequence on the group's timeline, strictly increasing from 1.
    pub seq: u64,
    /// What happened; the events a timeline carries are those of
    /// [`InboxEvent`] that concern a conversation (messages, revokes and
    /// modifications), with the group's conversation ID.
    pub event: InboxEvent,
}

/// A group's timeline entries after a client's cursor.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TimelinePage {
    /// The group.
    #[serde(rename = "groupID")]
    pub group_id: String,
    /// Entries in sequence order, without gaps, after the cursor.
    pub entries: Vec<TimelineEntry>,
    /// Newest sequence of the timeline when read.
    pub head: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inbox_entries_snapshot() {
        let read = InboxEntry {
            seq: 9,
            event: InboxEvent::PeerRead { conversation_id: "C2Cbob".into(), read_sequence: 4 },
        };
        let json = serde_json::to_string(&read).expect("serialize");
        assert_eq!(
            json,
            r#"{"seq":9,"event":{"kind":"peerRead","conversationID":"C2Cbob","readSequence":4}}"#
        );
        assert_eq!(serde_json::from_str::<InboxEntry>(&json).expect("parse"), read);

        for event in [
            InboxEvent::ConversationRead { conversation_id: "C2Cbob".into(), read_sequence: 2 },
            InboxEvent::ProfileUpdated { profile: Profile::empty(crate::UserId::new("alice")) },
            InboxEvent::Message { message: crate::message::tests::sample() },
            InboxEvent::MessageRevoked { message: crate::message::tests::sample() },
            InboxEvent::MessageModified { message: crate::message::tests::sample() },
            InboxEvent::GroupJoined {
                group: GroupProfile::default(),
                after: 3,
                topics: Vec::new(),
            },
            InboxEvent::GroupLeft { group_id: GroupId::new("g"), reason: LeftReason::Kicked },
            InboxEvent::GroupSystemNotice { notice: GroupSystemNotice::default() },
            InboxEvent::BlacklistAdded { user_id_list: vec![crate::UserId::new("bob")] },
            InboxEvent::BlacklistRemoved { user_id_list: vec![crate::UserId::new("bob")] },
            InboxEvent::FriendDeleted { user_id_list: vec![crate::UserId::new("bob")] },
            InboxEvent::FriendApplicationsRead,
            InboxEvent::FriendGroupRenamed { old_name: "a".into(), new_name: "b".into() },
            InboxEvent::TopicCreated {
                group_id: GroupId::new("@TGS#_c"),
                topic: crate::topic::TopicProfile::default(),
            },
            InboxEvent::TopicDeleted {
                group_id: GroupId::new("@TGS#_c"),
                topic_id_list: vec!["@TGS#_c@TOPIC#_t".into()],
            },
            InboxEvent::TopicUpdated {
                group_id: GroupId::new("@TGS#_c"),
                topic: crate::topic::TopicProfile::default(),
            },
        ] {
            let entry = InboxEntry { seq: 1, event };
            let json = serde_json::to_string(&entry).expect("serialize");
            assert_eq!(serde_json::from_str::<InboxEntry>(&json).expect("parse"), entry);
        }
        let msg =
            serde_json::to_value(InboxEvent::Message { message: crate::message::tests::sample() })
                .expect("serialize");
        assert_eq!(msg["kind"], "message");
        assert_eq!(msg["message"]["ID"], "17-1764115200-42");
        let revoked = serde_json::to_value(InboxEvent::MessageRevoked {
            message: crate::message::tests::sample(),
        })
        .expect("serialize");
        assert_eq!(revoked["kind"], "messageRevoked");
        assert_eq!(revoked["message"]["ID"], "17-1764115200-42");
        let modified = serde_json::to_value(InboxEvent::MessageModified {
            message: crate::message::tests::sample(),
        })
        .expect("serialize");
        assert_eq!(modified["kind"], "messageModified");
        assert_eq!(modified["message"]["version"], 0);
    }

    #[test]
    fn group_membership_events_snapshot() {
        let left = InboxEvent::GroupLeft { group_id: GroupId::new("g"), reason: LeftReason::Quit };
        assert_eq!(
            serde_json::to_string(&left).expect("serialize"),
            r#"{"kind":"groupLeft","groupID":"g","reason":"quit"}"#
        );
        let joined = serde_json::to_value(InboxEvent::GroupJoined {
            topics: Vec::new(),
            group: GroupProfile::default(),
            after: 4,
        })
        .expect("serialize");
        assert_eq!(joined["kind"], "groupJoined");
        assert_eq!(joined["after"], 4);
        assert_eq!(joined["group"]["type"], "Private");
        let notice =
            serde_json::to_value(InboxEvent::GroupSystemNotice { notice: Default::default() })
                .expect("serialize");
        assert_eq!(notice["kind"], "groupSystemNotice");
        assert_eq!(notice["notice"]["operationType"], 0);
    }

    #[test]
    fn group_attribute_and_counter_events_snapshot() {
        let attributes = InboxEvent::GroupAttributesUpdated {
            group_id: GroupId::new("g"),
            group_attributes: BTreeMap::from([("k".to_owned(), "v".to_owned())]),
        };
        let json = serde_json::to_string(&attributes).expect("serialize");
        assert_eq!(
            json,
            r#"{"kind":"groupAttributesUpdated","groupID":"g","groupAttributes":{"k":"v"}}"#
        );
        assert_eq!(serde_json::from_str::<InboxEvent>(&json).expect("parse"), attributes);
        let counter = InboxEvent::GroupCounterUpdated {
            group_id: GroupId::new("g"),
            key: "likes".into(),
            value: -2,
        };
        let json = serde_json::to_string(&counter).expect("serialize");
        assert_eq!(
            json,
            r#"{"kind":"groupCounterUpdated","groupID":"g","key":"likes","value":-2}"#
        );
        assert_eq!(serde_json::from_str::<InboxEvent>(&json).expect("parse"), counter);
    }

    #[test]
    fn timeline_cursors_and_pages_snapshot() {
        let cursor = TimelineCursor { group_id: "@TGS#1abc".into(), after: 7 };
        let json = serde_json::to_string(&cursor).expect("serialize");
        assert_eq!(json, r#"{"groupID":"@TGS#1abc","after":7}"#);
        assert_eq!(serde_json::from_str::<TimelineCursor>(&json).expect("parse"), cursor);
        let page = TimelinePage {
            group_id: "@TGS#1abc".into(),
            entries: vec![TimelineEntry {
                seq: 8,
                event: InboxEvent::Message { message: crate::message::tests::sample() },
            }],
            head: 8,
        };
        let value = serde_json::to_value(&page).expect("serialize");
        assert_eq!(value["groupID"], "@TGS#1abc");
        assert_eq!(value["entries"][0]["seq"], 8);
        assert_eq!(value["entries"][0]["event"]["kind"], "message");
        assert_eq!(serde_json::from_value::<TimelinePage>(value).expect("parse"), page);
    }
}
