//! Messages (server: `handlers/message.rs`): the plain message factories
//! (`createTextMessage`, `createCustomMessage`, `createFaceMessage`,
//! `createLocationMessage`), `sendMessage` through the outbox,
//! `resendMessage`, `getMessageList` (local run first, then the server) and
//! `findMessage`.

use super::{chat_conversation, Session, Tim, RANDOM_MASK};
use crate::actor::Command;
use crate::event::{Event, NetState};
use crate::files;
use crate::files::upload::UploadJob;
use crate::model::{
    message_from_wire, split_element, CreateMessageOptions, GetMessageListOptions, IntoElement,
    Message, MessageFlow, MessageListPage, MessageStatus, ReadReceiptInfo, SendMessageOptions,
    SendResult,
};
use crate::session::SessionCore;
use crate::{TimError, MESSAGE_PAGE_SIZE};
use confab_proto::constants::types;
use confab_proto::message::{
    ConversationType, CustomPayload, FacePayload, LocationPayload, MessageElement, OutgoingMessage,
    TextPayload,
};
use confab_proto::ops::{GetMessageList, SendMessage};
use confab_proto::{code, ConversationId};
use tokio::sync::oneshot;

impl Tim {
    /// TIM `createTextMessage`: a message ready to show and send.
    pub fn create_text_message(
        &self,
        options: CreateMessageOptions<TextPayload>,
    ) -> Result<Message, TimError> {
        self.create_message(options)
    }

    /// TIM `createCustomMessage`.
    pub fn create_custom_message(
        &self,
        options: CreateMessageOptions<CustomPayload>,
    ) -> Result<Message, TimError> {
        self.create_message(options)
    }

    /// TIM `createFaceMessage`: a face (sticker) by index and data.
    pub fn create_face_message(
        &self,
        options: CreateMessageOptions<FacePayload>,
    ) -> Result<Message, TimError> {
        self.create_message(options)
    }

    /// TIM `createLocationMessage`: a place with its description.
    pub fn create_location_message(
        &self,
        options: CreateMessageOptions<LocationPayload>,
    ) -> Result<Message, TimError> {
        self.create_message(options)
    }

    pub(super) fn create_message<P: IntoElement>(
        &self,
        options: CreateMessageOptions<P>,
    ) -> Result<Message, TimError> {
        let session = self.session().ok_or_else(TimError::not_ready)?;
        if options.to.is_empty() {
            return Err(TimError::new(
                code::MESSAGE_SEND_INVALID_CONVERSATION_TYPE,
                "`to` is required",
            ));
        }
        let core = &session.core;
        let (time, random) = match options.identity {
            None => (core.now_millis() / 1000, rand::random::<u64>() & RANDOM_MASK),
            Some(i) if i.time >= 0 && (1..=RANDOM_MASK).contains(&i.random) => (i.time, i.random),
            Some(i) => {
                return Err(TimError::new(
                    code::MESSAGE_SEND_NEED_MESSAGE_INSTANCE,
                    format!("a message's time must not be negative and its random must be 1 to 2^53 - 1 (got {i:?})"),
                ))
            }
        };
        let conversation_id = match options.conversation_type {
            ConversationType::C2c => format!("{}{}", types::CONV_C2C, options.to),
            ConversationType::Group => format!("{}{}", types::CONV_GROUP, options.to),
            ConversationType::System => types::CONV_SYSTEM.to_owned(),
        };
        let me = core.store.profile(&core.user_id).ok().flatten();
        let (message_type, payload) = split_element(&options.payload.into_element());
        Ok(Message {
            id: client_made_id(&core.user_id, time, random),
            r#type: message_type,
            payload,
            conversation_id,
            conversation_type: options.conversation_type,
            to: options.to,
            from: core.user_id.clone(),
            flow: MessageFlow::Out,
            time,
            status: MessageStatus::UnSend,
            is_revoked: false,
            priority: options.priority,
            nick: me.as_ref().map(|p| p.nick.clone()).unwrap_or_default(),
            avatar: me.as_ref().map(|p| p.avatar.clone()).unwrap_or_default(),
            is_peer_read: false,
            name_card: String::new(),
            at_user_list: Vec::new(),
            receiver_list: options.receiver_list,
            cloud_custom_data: options.cloud_custom_data,
            is_deleted: false,
            is_modified: false,
            need_read_receipt: options.need_read_receipt,
            is_support_extension: options.is_support_extension,
            read_receipt_info: ReadReceiptInfo::default(),
            is_broadcast_message: false,
            sequence: 0,
            random,
            version: 0,
        })
    }

    /// TIM `sendMessage`. The message is stored with an outbox row at once,
    /// `unSend` (shown by `get_message_list` / `get_conversation_list`),
    /// then sent in order when connected. The rule while disconnected:
    /// the send stays pending and resolves when the message went out (the
    /// outbox survives restarts: the message then goes out at the next
    /// login, and this future ends with 2999 at logout); with
    /// `fail_when_offline` it is stored as `fail` and the send fails at once
    /// with 2800. Dropping the future does not cancel the send.
    /// `online_user_only` messages are never queued: they fail with 2800
    /// when not connected.
    pub async fn send_message(
        &self,
        message: &Message,
        options: SendMessageOptions,
    ) -> Result<SendResult, TimError> {
        let session = self.ready_session()?;
        let core = &session.core;
        if message.from != core.user_id
            || message.random > RANDOM_MASK
            || message.id != client_made_id(&message.from, message.time, message.random)
        {
            return Err(TimError::new(
                code::MESSAGE_SEND_NEED_MESSAGE_INSTANCE,
                "not a message created by this instance's create_*_message",
            ));
        }
        if message.conversation_type == ConversationType::System {
            return Err(TimError::new(
                code::MESSAGE_SEND_INVALID_CONVERSATION_TYPE,
                "only C2C and group messages can be sent",
            ));
        }
        if message.to.is_empty() {
            return Err(TimError::new(code::MESSAGE_SEND_INVALID_CONVERSATION_TYPE, "no receiver"));
        }
        // The seed forbids the combination without naming a code; 2100
        // (MESSAGE_SEND_FAIL) is the server's answer too, so a client hears
        // one code whichever side refuses (docs/protocol.md).
        if options.online_user_only && options.message_control_info.is_some() {
            return Err(TimError::new(
                code::MESSAGE_SEND_FAIL,
                "onlineUserOnly cannot be combined with messageControlInfo",
            ));
        }
        let element = message.element().map_err(|e| {
            TimError::new(code::MESSAGE_SEND_NEED_MESSAGE_INSTANCE, format!("bad payload: {e}"))
        })?;
        if files::merger_needs_upload(&element, &message.cloud_custom_data) {
            self.check_merger_envelope(&element, &message.cloud_custom_data)?;
            return self
                .send_with_upload(&session, message, files::FileKind::Merger, options)
                .await;
        }
        if let Some(kind) = files::FileKind::pending_upload(&element) {
            return self.send_with_upload(&session, message, kind, options).await;
        }
        // A merger whose body is stored (e.g. forwarded) goes without its list.
        let element = files::wire_element(element);
        let size = confab_proto::message::body_size(&element, &message.cloud_custom_data);
        if size > confab_proto::MAX_MESSAGE_BODY_BYTES {
            return Err(TimError::new(
                code::ERR_SVR_COMM_BODY_SIZE_LIMIT,
                format!("the message body is {size} bytes; the limit is 12 KB"),
            ));
        }
        if options.online_user_only {
            if core.net_state() != NetState::Connected {
                return Err(TimError::network(
                    "not connected: onlineUserOnly messages are not queued",
                ));
            }
            let request = SendMessage {
                message: outgoing(message, element),
                online_user_only: true,
                message_control_info: None,
            };
            let response = self.request(&session, &request).await?;
            return Ok(SendResult { message: message_from_wire(&response.message, &core.user_id) });
        }
        let key = match core.store.key_of(&message.id)? {
            Some(key) => {
                let stored = core.store.message_by_key(key)?.ok_or_else(|| {
                    TimError::new(code::MESSAGE_SEND_NEED_MESSAGE_INSTANCE, "message vanished")
                })?;
                match stored.status {
                    MessageStatus::Success => return Ok(SendResult { message: stored }),
                    MessageStatus::Fail if options.fail_when_offline && offline(core) => {
                        return Err(not_queued());
                    }
                    MessageStatus::Fail => self.requeue(core, key)?,
                    MessageStatus::UnSend => {}
                }
                key
            }
            None => {
                let mut queued = message.clone();
                queued.status = MessageStatus::UnSend;
                queued.flow = MessageFlow::Out;
                let (key, conversation) = core.store.enqueue_new(
                    &queued,
                    options.message_control_info,
                    core.now_millis(),
                )?;
                if let Some(c) = conversation {
                    core.emit(Event::ConversationListUpdated(vec![c]));
                }
                if options.fail_when_offline && offline(core) {
                    if let Some((failed, conversation)) = core.store.fail_send(key)? {
                        core.emit(Event::MessageStatusChanged(vec![failed]));
                        if let Some(c) = conversation {
                            core.emit(Event::ConversationListUpdated(vec![c]));
                        }
                    }
                    return Err(not_queued());
                }
                key
            }
        };
        self.await_send(&session, key).await
    }

    pub(super) fn requeue(&self, core: &SessionCore, key: i64) -> Result<(), TimError> {
        if let Some(c) = core.store.requeue_failed(key, core.now_millis())? {
            core.emit(Event::ConversationListUpdated(vec![c]));
        }
        Ok(())
    }

    pub(super) async fn await_send(
        &self,
        session: &Session,
        key: i64,
    ) -> Result<SendResult, TimError> {
        let (reply, result) = oneshot::channel();
        session
            .commands
            .send(Command::Enqueued { key, reply })
            .map_err(|_| TimError::not_ready())?;
        match result.await {
            Ok(Ok(message)) => Ok(SendResult { message }),
            Ok(Err(e)) => Err(e),
            Err(_) => Err(TimError::new(
                code::SDK_IS_NOT_READY,
                "logged out before the server answered; the message stays queued",
            )),
        }
    }

    /// TIM `resendMessage`: puts a failed message back into the outbox with
    /// the same `random`, so the server never stores it twice.
    pub async fn resend_message(&self, message: &Message) -> Result<SendResult, TimError> {
        let session = self.ready_session()?;
        let core = &session.core;
        let Some(key) = core.store.key_of(&message.id)? else {
            // Never stored (e.g. refused before queueing): a first send.
            return self.send_message(message, SendMessageOptions::default()).await;
        };
        let stored = core.store.message_by_key(key)?;
        match stored.map(|m| m.status) {
            Some(MessageStatus::Fail) if core.store.upload_job::<UploadJob>(key)?.is_some() => {
                return self.resume_upload(&session, key).await;
            }
            Some(MessageStatus::Fail) => {}
            Some(status) => {
                return Err(TimError::new(
                    code::MESSAGE_SEND_FAIL,
                    format!("only failed messages can be resent (status {})", status.as_str()),
                ))
            }
            None => {
                return Err(TimError::new(
                    code::MESSAGE_SEND_NEED_MESSAGE_INSTANCE,
                    "unknown message",
                ))
            }
        }
        self.requeue(core, key)?;
        self.await_send(&session, key).await
    }

    /// TIM `getMessageList`: 15 messages per page, newest page first,
    /// oldest first within a page. Served from the local store where it
    /// holds a complete run, else fetched from the server and stored.
    /// Unsent messages come at the newest end. Offline, returns what the
    /// store holds. `@TIM#SYSTEM` pages the group system notices this
    /// device received (they have no server history).
    pub async fn get_message_list(
        &self,
        options: GetMessageListOptions,
    ) -> Result<MessageListPage, TimError> {
        let session = self.ready_session()?;
        let core = &session.core;
        let conversation_id = options.conversation_id;
        if conversation_id == types::CONV_SYSTEM {
            return system_page(core, options.next_req_message_id.as_deref());
        }
        chat_conversation(&conversation_id)?;
        let pending = core.store.pending_messages(&conversation_id)?;
        // Where the page starts: below a sequence, or inside the unsent tail.
        let (before, pending_below) = match options.next_req_message_id.as_deref() {
            None | Some("") => (None, pending.len()),
            Some(id) => {
                let anchor = core.store.find_message(id)?.ok_or_else(|| {
                    TimError::new(code::INVALID_OPERATION, format!("unknown nextReqMessageID {id}"))
                })?;
                if anchor.sequence > 0 {
                    (Some(anchor.sequence), 0)
                } else {
                    let position = pending.iter().position(|m| m.id == anchor.id).unwrap_or(0);
                    (None, position)
                }
            }
        };
        let take_pending = pending_below.min(MESSAGE_PAGE_SIZE);
        let tail: Vec<Message> = pending[pending_below - take_pending..pending_below].to_vec();
        let wanted = MESSAGE_PAGE_SIZE - take_pending;
        let (mut list, completed) = if wanted == 0 {
            (Vec::new(), false)
        } else {
            self.history_page(&session, &conversation_id, before, wanted).await?
        };
        list.extend(tail);
        let completed = completed && take_pending == pending_below;
        let next = if completed {
            String::new()
        } else {
            list.first().map(|m| m.id.clone()).unwrap_or_default()
        };
        Ok(MessageListPage {
            message_list: list,
            next_req_message_id: next,
            is_completed: completed,
        })
    }

    async fn history_page(
        &self,
        session: &Session,
        conversation_id: &str,
        before: Option<u64>,
        count: usize,
    ) -> Result<(Vec<Message>, bool), TimError> {
        let store = &session.core.store;
        if let Some(page) = store.local_page(conversation_id, before, count)? {
            return Ok(page);
        }
        let request = GetMessageList {
            conversation_id: ConversationId::from(conversation_id),
            before_sequence: before,
            count: u32::try_from(count).unwrap_or(u32::MAX),
        };
        match self.request(session, &request).await {
            Ok(response) => {
                let stored = store.store_fetched(
                    conversation_id,
                    before,
                    &response.messages,
                    response.is_completed,
                )?;
                Ok((stored, response.is_completed))
            }
            Err(e) if e.code == code::NETWORK_ERROR => {
                Ok((store.any_page(conversation_id, before, count)?, false))
            }
            Err(e) => Err(e),
        }
    }

    /// TIM `findMessage`: a message from the local store by server or local
    /// ID.
    pub fn find_message(&self, message_id: &str) -> Option<Message> {
        let session = self.session()?;
        match session.core.store.find_message(message_id) {
            Ok(m) => m,
            Err(e) => {
                session.core.log(tracing::Level::ERROR, format_args!("findMessage: {e}"));
                None
            }
        }
    }

    /// The newest `limit` messages of the local store (every conversation,
    /// newest first): what [`Tim::find_message`] can find, for a client
    /// that answers `findMessage` synchronously from its own copy. Empty
    /// when not logged in.
    pub fn local_messages(&self, limit: usize) -> Vec<Message> {
        let Some(session) = self.session() else {
            return Vec::new();
        };
        match session.core.store.recent_messages(limit) {
            Ok(list) => list,
            Err(e) => {
                session.core.log(tracing::Level::ERROR, format_args!("localMessages: {e}"));
                Vec::new()
            }
        }
    }
}

/// Not connected now (the outbox would hold a message).
fn offline(core: &SessionCore) -> bool {
    core.net_state() != NetState::Connected
}

/// The answer to a send that asked not to be queued while disconnected.
fn not_queued() -> TimError {
    TimError::network("not connected, and the send asked not to wait (failWhenOffline): the message is stored as failed; resend it")
}

/// The ID of a message this client creates: the rule the server applies to
/// what it receives (`confab_proto::MessageId::client_made`), so the ID is
/// the same before and after sending.
pub(crate) fn client_made_id(user_id: &str, time_secs: i64, random: u64) -> String {
    let time = u64::try_from(time_secs).unwrap_or(0);
    confab_proto::MessageId::client_made(&user_id.into(), time, random).0
}

/// What the server is sent for `message`: its creation time as
/// `clientTime` (milliseconds), from which the server rebuilds its ID.
fn outgoing(message: &Message, element: MessageElement) -> OutgoingMessage {
    OutgoingMessage {
        receiver_list: message.receiver_list.clone(),
        conversation_type: message.conversation_type,
        to: message.to.clone(),
        random: message.random,
        element,
        priority: message.priority,
        cloud_custom_data: message.cloud_custom_data.clone(),
        need_read_receipt: message.need_read_receipt,
        is_support_extension: message.is_support_extension,
        at_user_list: message.at_user_list.clone(),
        client_time: message.time.saturating_mul(1000),
    }
}

/// `getMessageList` of `@TIM#SYSTEM`: the group system notices this device
/// received, paged from the local store (notices have no server history).
fn system_page(core: &SessionCore, next: Option<&str>) -> Result<MessageListPage, TimError> {
    let before = match next {
        None | Some("") => None,
        Some(id) => Some(
            core.store
                .find_message(id)?
                .ok_or_else(|| {
                    TimError::new(code::INVALID_OPERATION, format!("unknown nextReqMessageID {id}"))
                })?
                .sequence,
        ),
    };
    let (message_list, is_completed) = core.store.system_page(before, MESSAGE_PAGE_SIZE)?;
    let next_req_message_id = if is_completed {
        String::new()
    } else {
        message_list.first().map(|m| m.id.clone()).unwrap_or_default()
    };
    Ok(MessageListPage { message_list, next_req_message_id, is_completed })
}
