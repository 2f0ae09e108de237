//! Sending a C2C message as stored: its ID made by the client's rule
//! (`<from>-<clientTime>-<random>`, see [`MessageId::client_made`]) and a
//! resend recognised by it,
//! the receiver's existence, no blacklist either way (20007), a friendship
//! both ways where the server asks for one (20009–20011), the file
//! check and grants, the sender's nick
//! and avatar stamped on it, its ID and sequence, both sides of the
//! conversation and both inboxes; or, for `onlineUserOnly`, delivery to
//! online sessions only (the request checks are in `crate::handlers::message`).

use super::{files, inbox};
use crate::fanout::{Delivery, SessionId};
use crate::store::{c2c_key, ConversationTouch, Store, StoreError, StoreFuture, WriteTx};
use confab_proto::frame::Push;
use confab_proto::message::{
    ConversationType, MessageControlInfo, MessageElement, Priority, WireMessage,
};
use confab_proto::ops::SendMessageResponse;
use confab_proto::{code, ConversationId, ErrorBody, MessageId, UserId};
use std::sync::Arc;

/// A validated message to store (or, with `online_user_only`, only to
/// deliver).
#[derive(Clone, Debug, PartialEq)]
pub struct NewMessage {
    /// Sender.
    pub from: UserId,
    /// C2C receiver.
    pub to: UserId,
    /// The sender's random number for the message (part of its ID).
    pub random: u64,
    /// The client's clock when it created the message, seconds (part of its
    /// ID; 0 when the client sent none).
    pub client_time: u64,
    /// Content.
    pub element: MessageElement,
    /// Priority.
    pub priority: Priority,
    /// Opaque data.
    pub cloud_custom_data: String,
    /// Read receipts asked for.
    pub need_read_receipt: bool,
    /// The message takes extensions (TIM `isSupportExtension`).
    pub is_support_extension: bool,
    /// @-mentioned users (group messages; the handler refuses them on C2C).
    pub at_user_list: Vec<String>,
    /// Unread and last-message control.
    pub control: MessageControlInfo,
    /// Deliver to online instances only; store nothing.
    pub online_user_only: bool,
    /// Refuse unless sender and receiver have each other as friends
    /// (`c2c_requires_friendship`).
    pub require_friendship: bool,
    /// Server time, seconds.
    pub time: i64,
    /// The session that sent it (does not get the transient echo).
    pub origin: Option<SessionId>,
}

/// Stores (or, for `onlineUserOnly`, only delivers) a C2C message.
fn send(tx: &mut dyn WriteTx, new: NewMessage) -> Result<SendMessageResponse, StoreError> {
    let id = MessageId::client_made(&new.from, new.client_time, new.random);
    if !new.online_user_only {
        // The same ID again is a resend of the stored message (the ID
        // names its sender, so nobody else's message can match).
        if let Some(row) = tx.message_row(id.as_str())? {
            if let Some((_, original)) = tx.load_message(row)? {
                return Ok(SendMessageResponse { message: original, duplicate: true });
            }
        }
    }
    if !tx.user_exists(&new.to)? {
        return Err(StoreError::UserNotFound(new.to));
    }
    // A blacklist either way ends the conversation, online-only sends too.
    if tx.blocked_either_way(&new.from, &new.to)? {
        return Err(StoreError::Refused(ErrorBody::new(
            code::ERR_SVR_MSG_IN_PEER_BLACKLIST,
            format!("{} and {} have a blacklist between them", new.from, new.to),
        )));
    }
    if new.require_friendship {
        let sender_has = tx.friend_of(&new.from, &new.to)?.is_some();
        let receiver_has = tx.friend_of(&new.to, &new.from)?.is_some();
        let refusal = match (sender_has, receiver_has) {
            (true, true) => None,
            (false, false) => Some((code::ERR_SVR_MSG_BOTH_NOT_FRIEND, "are not friends")),
            (true, false) => {
                Some((code::ERR_SVR_MSG_NOT_PEER_FRIEND, "are friends one way: you are not theirs"))
            }
            (false, true) => {
                Some((code::ERR_SVR_MSG_NOT_SELF_FRIEND, "are friends one way: they are not yours"))
            }
        };
        if let Some((code, what)) = refusal {
            return Err(StoreError::Refused(ErrorBody::new(
                code,
                format!("{} and {} {what}; this server needs a friendship", new.from, new.to),
            )));
        }
    }
    // Checked before anything is written (a rejection must leave the batch
    // untouched); the receiver's grants are written with the message.
    let file_ids: Vec<String> = new.element.file_ids().into_iter().map(str::to_owned).collect();
    {
        let ids: Vec<&str> = file_ids.iter().map(String::as_str).collect();
        files::check_sender(tx, &new.from, &ids)?;
    }
    let (nick, avatar) =
        tx.load_profile(&new.from)?.map(|p| (p.nick, p.avatar)).unwrap_or_default();
    let mut message = WireMessage {
        receiver_list: Vec::new(),
        id,
        conversation_type: ConversationType::C2c,
        from: new.from.clone(),
        to: new.to.as_str().to_owned(),
        sequence: 0,
        time: new.time,
        random: new.random,
        element: new.element,
        priority: new.priority,
        cloud_custom_data: new.cloud_custom_data,
        nick,
        avatar,
        need_read_receipt: new.need_read_receipt,
        is_support_extension: new.is_support_extension,
        // Group name cards come with groups; a C2C sender has none.
        name_card: String::new(),
        at_user_list: new.at_user_list,
        excluded_from_unread_count: new.control.excluded_from_unread_count,
        excluded_from_last_message: new.control.excluded_from_last_message,
        online_user_only: new.online_user_only,
        is_revoked: false,
        version: 0,
    };

    if new.online_user_only {
        // Delivered, so the receiver may fetch what it names.
        for id in &file_ids {
            files::grant(tx, id, &new.to)?;
        }
        let push = Arc::new(Push::Transient { message: message.clone() });
        tx.publish(Delivery::to_user(new.to.clone(), Arc::clone(&push), None));
        tx.publish(Delivery::to_user(new.from.clone(), push, new.origin));
        return Ok(SendMessageResponse { message, duplicate: false });
    }

    let key = c2c_key(&new.from, &new.to);
    message.sequence = tx.next_conversation_sequence(&key)?;
    let row = tx.next_message_row()?;
    tx.insert_message(row, &key, &message)?;
    let last_message = (!message.excluded_from_last_message).then_some(row);
    let sides = [
        (&new.from, ConversationId::c2c(&new.to), 0),
        (&new.to, ConversationId::c2c(&new.from), u64::from(!message.excluded_from_unread_count)),
    ];
    for (owner, conversation_id, unread_increment) in &sides {
        tx.touch_conversation(&ConversationTouch {
            owner,
            conversation_id,
            conv_key: &key,
            last_message,
            unread_increment: *unread_increment,
            sequence: message.sequence,
            time: message.time,
        })?;
    }
    inbox::append_message(tx, &new.to, &message, row, None)?;
    inbox::append_message(tx, &new.from, &message, row, None)?;
    for id in &file_ids {
        files::grant(tx, id, &new.to)?;
    }
    tx.name_files_in_message(row, &file_ids)?;
    Ok(SendMessageResponse { message, duplicate: false })
}

impl dyn Store {
    /// Stores a C2C message (a resend of a stored ID returns the original), updates both
    /// conversations and appends it to both inboxes; for `online_user_only`,
    /// only assigns an ID and delivers it to online sessions.
    pub(crate) fn send_message(&self, message: NewMessage) -> StoreFuture<SendMessageResponse> {
        self.transact(move |tx| send(tx, message))
    }
}
