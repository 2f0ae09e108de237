//! Reaching a user: appending to the owner's inbox and pushing the entry to
//! the owner's live sessions once committed. The per-user inbox keeps what
//! is personal; group events will go once to the group's timeline
//! ([`crate::store::tx::TimelineTx`]) and be pushed to its online members
//! ([`crate::fanout::Audience::Group`]), never to each member's inbox (see
//! `docs/protocol.md`, "Group timelines").

use crate::fanout::{Delivery, SessionId};
use crate::store::{EventRecord, MessageRow, StoreError, WriteTx};
use confab_proto::frame::Push;
use confab_proto::inbox::{InboxEntry, InboxEvent};
use confab_proto::message::WireMessage;
use confab_proto::UserId;
use std::sync::Arc;

/// Appends `event` to the owner's inbox and pushes it to the owner's
/// sessions (not to `skip`).
pub(crate) fn append(
    tx: &mut dyn WriteTx,
    owner: &UserId,
    event: InboxEvent,
    skip: Option<SessionId>,
) -> Result<InboxEntry, StoreError> {
    let seq = tx.append_inbox(owner, EventRecord::Event(&event))?;
    let entry = InboxEntry { seq, event };
    tx.publish(Delivery::to_user(owner.clone(), Arc::new(Push::Inbox(entry.clone())), skip));
    Ok(entry)
}

/// Appends a `message` entry for the stored message at `row` to the
/// owner's inbox (it refers to the message instead of copying it) and
/// pushes it to the owner's sessions (not to `skip`).
pub(crate) fn append_message(
    tx: &mut dyn WriteTx,
    owner: &UserId,
    message: &WireMessage,
    row: MessageRow,
    skip: Option<SessionId>,
) -> Result<(), StoreError> {
    let seq = tx.append_inbox(owner, EventRecord::Message(row))?;
    let entry = InboxEntry { seq, event: InboxEvent::Message { message: message.clone() } };
    tx.publish(Delivery::to_user(owner.clone(), Arc::new(Push::Inbox(entry)), skip));
    Ok(())
}
