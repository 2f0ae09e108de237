//! Applying the inbox's group events: `groupJoined` (the group enters the
//! group list and its timeline is followed from the member's join point),
//! `groupLeft` (it leaves the list and is no longer followed; its
//! conversation and history stay, as in TIM) and `groupSystemNotice` (a
//! `TIMGroupSystemNoticeElem` message in the `@TIM#SYSTEM` conversation,
//! announced by MESSAGE_RECEIVED: checklist 975, 1039).

use super::Changes;
use crate::store::groups::{put_group, remove_group};
use crate::store::{Result, Store};
use confab_proto::constants::types;
use confab_proto::group::{GroupProfile, GroupSystemNotice};
use confab_proto::message::{ConversationType, MessageElement, Priority, WireMessage};
use confab_proto::{MessageId, UserId};
use rusqlite::Transaction;

/// The sender of group system notices (TIM shows `@TIM#SYSTEM`).
const SYSTEM_SENDER: &str = types::CONV_SYSTEM;

impl Store {
    /// `groupJoined`: stores the group and follows its timeline after
    /// `after`.
    pub(super) fn apply_group_joined(
        tx: &Transaction<'_>,
        group: &GroupProfile,
        after: u64,
        changes: &mut Changes,
    ) -> Result<()> {
        put_group(tx, group, Some(after))?;
        changes.groups_changed = true;
        changes.joined = true;
        Ok(())
    }

    /// `groupLeft`: forgets the group and its cursor.
    pub(super) fn apply_group_left(
        tx: &Transaction<'_>,
        group_id: &str,
        changes: &mut Changes,
    ) -> Result<()> {
        if remove_group(tx, group_id)? {
            changes.groups_changed = true;
        }
        Ok(())
    }

    /// `groupSystemNotice`: a message of the `@TIM#SYSTEM` conversation,
    /// identified by the inbox sequence that brought it (the same on every
    /// instance of this user). Notices do not count as unread.
    pub(super) fn apply_group_notice(
        &self,
        tx: &Transaction<'_>,
        inbox_seq: u64,
        notice: &GroupSystemNotice,
        changes: &mut Changes,
    ) -> Result<()> {
        let message = notice_message(&self.me, inbox_seq, notice);
        self.apply_message(tx, &message, changes)
    }
}

/// The message a system notice is shown as.
pub(crate) fn notice_message(me: &str, inbox_seq: u64, notice: &GroupSystemNotice) -> WireMessage {
    WireMessage {
        receiver_list: Vec::new(),
        id: MessageId(format!("{SYSTEM_SENDER}-{inbox_seq}")),
        conversation_type: ConversationType::System,
        from: UserId::new(SYSTEM_SENDER),
        to: me.to_owned(),
        sequence: inbox_seq,
        time: notice.time,
        random: inbox_seq,
        element: MessageElement::GroupSystemNotice(notice.clone()),
        priority: Priority::Normal,
        cloud_custom_data: String::new(),
        nick: String::new(),
        avatar: String::new(),
        need_read_receipt: false,
        is_support_extension: false,
        name_card: String::new(),
        at_user_list: Vec::new(),
        excluded_from_unread_count: true,
        excluded_from_last_message: false,
        online_user_only: false,
        is_revoked: false,
        version: 0,
    }
}
