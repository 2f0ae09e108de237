//! The [`Tim`] handle: TIM's instance methods in snake_case.
//!
//! The handle owns the current login ([`Session`]): its shared core (store,
//! readiness, events) and its actor task, which is aborted when the session
//! is dropped. Lifecycle calls (`login`, `logout`, `destroy`) are
//! serialized; every other call reads the store directly or asks the actor.

use crate::actor::{Actor, Command};
use crate::event::{Event, EventHub, EventName, ListenerId, NetState};
use crate::files::upload::{FileService, UploadJob};
use crate::files::{self, FileSource, Rendition};
use crate::model::{
    message_from_wire, split_element, Conversation, ConversationListResult, CreateMessageOptions,
    DeleteConversationOptions, GetMessageListOptions, IntoElement, LoginResult, Message,
    MessageFlow, MessageListPage, MessageStatus, ReadReceiptInfo, SendMessageOptions, SendResult,
};
use crate::options::TimOptions;
use crate::session::{log_at, SessionCore};
use crate::store::Store;
use crate::{TimError, MESSAGE_PAGE_SIZE};
use confab_proto::constants::types;
use confab_proto::message::{
    ConversationType, CustomPayload, FacePayload, LocationPayload, MessageElement, OutgoingMessage,
    TextPayload,
};
use confab_proto::ops::{
    DeleteConversation, GetMessageList, GetUserProfile, Operation, SendMessage, SetMessageRead,
    UpdateMyProfile,
};
use confab_proto::profile::{Profile, ProfilePatch};
use confab_proto::{code, ConversationId, ConversationKind, UserId};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};
use std::sync::{Arc, Mutex};
use tokio::sync::{broadcast, mpsc, oneshot};
use tokio::task::JoinHandle;

mod account_security;
mod merger;
pub(crate) mod message_ops;

/// Most conversations per `delete_conversation` call.
const MAX_DELETE: usize = 100;
/// Most users per `get_user_profile` call.
const MAX_PROFILES: usize = 100;
/// Largest `random` (below 2^53).
const RANDOM_MASK: u64 = (1 << 53) - 1;

/// A TIM instance. Cheap to clone: clones share one instance.
#[derive(Clone)]
pub struct Tim {
    inner: Arc<TimInner>,
}

impl std::fmt::Debug for Tim {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tim")
            .field("sdk_app_id", &self.inner.options.sdk_app_id)
            .field("user_id", &self.user_id())
            .finish_non_exhaustive()
    }
}

struct TimInner {
    options: TimOptions,
    hub: Arc<EventHub>,
    log_level: Arc<AtomicU8>,
    session: Mutex<Option<Arc<Session>>>,
    /// Serializes login, logout and destroy (an async lock guarding no
    /// data: it orders lifecycle transitions).
    lifecycle: tokio::sync::Mutex<()>,
    destroyed: AtomicBool,
    /// Files of messages made by `create_*_message` (image, audio, video,
    /// file) and not sent yet, by message ID.
    file_sources: Mutex<HashMap<String, files::PendingSource>>,
}

/// One login: its core and its actor.
struct Session {
    core: Arc<SessionCore>,
    commands: mpsc::UnboundedSender<Command>,
    task: Mutex<Option<JoinHandle<()>>>,
    /// Uploads and downloads of file messages (tasks aborted on drop).
    files: Arc<FileService>,
}

impl Session {
    fn abort(&self) {
        let task = self.task.lock().unwrap_or_else(std::sync::PoisonError::into_inner).take();
        if let Some(task) = task {
            task.abort();
        }
        self.files.abort_all();
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        self.abort();
    }
}

/// Announces profiles a fetch found changed: PROFILE_UPDATED, and
/// CONVERSATION_LIST_UPDATED for the one-to-one conversations with those
/// users, whose `userProfile` (name, avatar, signature in the list and the
/// chat header) is the stored profile. Messages only carry the nickname and
/// avatar of when they were sent, so a fetch is how a peer's later changes
/// and signature reach the list.
fn announce_profiles(core: &SessionCore, changed: Vec<Profile>) -> Result<(), TimError> {
    if changed.is_empty() {
        return Ok(());
    }
    let ids: Vec<String> =
        changed.iter().map(|p| format!("{}{}", types::CONV_C2C, p.user_id.as_str())).collect();
    let conversations = core.store.conversations(Some(&ids))?;
    if !conversations.is_empty() {
        core.emit(Event::ConversationListUpdated(conversations));
    }
    core.emit(Event::ProfileUpdated(changed));
    Ok(())
}

fn c2c_peer(conversation_id: &str) -> Result<String, TimError> {
    match ConversationId::from(conversation_id).kind() {
        Some(ConversationKind::C2c(peer)) => Ok(peer.0),
        Some(_) => Err(TimError::new(
            code::CONVERSATION_UN_RECORDED_TYPE,
            format!("{conversation_id}: only C2C conversations are served"),
        )),
        None => Err(TimError::new(
            code::INVALID_CONVERSATION_ID,
            format!("invalid conversationID {conversation_id:?}"),
        )),
    }
}

impl Tim {
    /// Creates an instance (TIM `TIM.create`). Nothing connects until
    /// [`Tim::login`].
    pub fn create(options: TimOptions) -> Tim {
        Tim {
            inner: Arc::new(TimInner {
                options,
                hub: Arc::new(EventHub::new()),
                log_level: Arc::new(AtomicU8::new(0)),
                session: Mutex::new(None),
                lifecycle: tokio::sync::Mutex::new(()),
                destroyed: AtomicBool::new(false),
                file_sources: Mutex::new(HashMap::new()),
            }),
        }
    }

    fn slot(&self) -> std::sync::MutexGuard<'_, Option<Arc<Session>>> {
        self.inner.session.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The live session, if logged in (ready or not).
    fn session(&self) -> Option<Arc<Session>> {
        self.slot().as_ref().filter(|s| !s.core.is_terminated()).cloned()
    }

    fn ready_session(&self) -> Result<Arc<Session>, TimError> {
        self.session().filter(|s| s.core.is_ready()).ok_or_else(TimError::not_ready)
    }

    fn log(&self, level: tracing::Level, message: std::fmt::Arguments<'_>) {
        log_at(&self.inner.log_level, level, message);
    }

    // ----- lifecycle ---------------------------------------------------

    /// Logs in (TIM `login`). Resolves once the server accepted the login;
    /// SDK_READY follows after the first sync. When the server cannot be
    /// reached but this account's local store has synced before, resolves
    /// with `offline: true`, fires SDK_READY from the store and keeps
    /// reconnecting. Logging in again as the same user resolves with
    /// `repeat_login: true`; as another user, logs the first one out.
    pub async fn login(&self, user_id: &str, user_sig: &str) -> Result<LoginResult, TimError> {
        if self.inner.destroyed.load(Ordering::SeqCst) {
            return Err(TimError::new(code::SDK_IS_NOT_READY, "the instance was destroyed"));
        }
        if user_id.is_empty() {
            return Err(TimError::new(code::NO_IDENTIFIER, "userID is required"));
        }
        if user_sig.is_empty() {
            return Err(TimError::new(code::NO_USERSIG, "userSig is required"));
        }
        let _lifecycle = self.inner.lifecycle.lock().await;
        if let Some(session) = self.session() {
            if session.core.user_id == user_id {
                return Ok(LoginResult { repeat_login: true, offline: false });
            }
            self.logout_locked().await?;
        }
        let options = &self.inner.options;
        let path = Store::path_for(&options.data_dir, options.sdk_app_id, user_id);
        let store = Store::open(&path, user_id)?;
        let core = Arc::new(SessionCore::new(
            user_id.to_owned(),
            user_sig.to_owned(),
            store,
            Arc::clone(&self.inner.hub),
            Arc::clone(&options.clock),
            Arc::clone(&self.inner.log_level),
        ));
        let (commands, receiver) = mpsc::unbounded_channel();
        let file_service = Arc::new(FileService::new(
            Arc::clone(&core),
            commands.clone(),
            files::http_base_url(&options.server_url),
            &options.tls,
            files::cache_dir(&options.data_dir, options.sdk_app_id, user_id),
            options.reconnect,
            options.request_timeout,
        )?);
        let (reply, result) = oneshot::channel();
        let actor = Actor::new(options.clone(), Arc::clone(&core), receiver, reply);
        let task = tokio::spawn(actor.run());
        let session =
            Arc::new(Session { core, commands, task: Mutex::new(Some(task)), files: file_service });
        *self.slot() = Some(Arc::clone(&session));
        let outcome = match result.await {
            Ok(outcome) => outcome,
            Err(_) => Err(TimError::internal("the session ended during login")),
        };
        if outcome.is_ok() {
            // Uploads interrupted by a restart go on.
            session.files.resume_all();
        }
        if outcome.is_err() {
            session.core.terminate();
            session.abort();
            let mut slot = self.slot();
            if slot.as_ref().is_some_and(|s| Arc::ptr_eq(s, &session)) {
                *slot = None;
            }
        }
        outcome
    }

    /// Logs out (TIM `logout`): tells the server, stops the session, clears
    /// in-memory state and fires SDK_NOT_READY. Later calls fail with 2999.
    pub async fn logout(&self) -> Result<(), TimError> {
        let _lifecycle = self.inner.lifecycle.lock().await;
        self.logout_locked().await
    }

    async fn logout_locked(&self) -> Result<(), TimError> {
        let Some(session) = self.slot().take() else { return Err(TimError::not_ready()) };
        // A session the server already ended (kick, refused login) has
        // announced SDK_NOT_READY itself.
        let already_ended = session.core.is_terminated();
        if !already_ended {
            let (reply, done) = oneshot::channel();
            if session.commands.send(Command::Logout { reply }).is_ok() {
                let limit = self.inner.options.request_timeout + std::time::Duration::from_secs(1);
                if tokio::time::timeout(limit, done).await.is_err() {
                    self.log(tracing::Level::WARN, format_args!("logout was not confirmed"));
                }
            }
        }
        session.abort();
        session.core.terminate();
        if !already_ended {
            session.core.set_net_state(NetState::Disconnected);
            self.inner.hub.emit(Event::SdkNotReady);
        }
        Ok(())
    }

    /// Destroys the instance (TIM `destroy`): logs out, fires SDK_DESTROY;
    /// the handle cannot log in again.
    pub async fn destroy(&self) -> Result<(), TimError> {
        let _lifecycle = self.inner.lifecycle.lock().await;
        if self.slot().is_some() {
            self.logout_locked().await?;
        }
        if !self.inner.destroyed.swap(true, Ordering::SeqCst) {
            self.inner.hub.emit(Event::SdkDestroy);
        }
        Ok(())
    }

    // ----- events --------------------------------------------------------

    /// A receiver of every event from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Event> {
        self.inner.hub.subscribe()
    }

    /// Registers a handler for one event (TIM `on`).
    pub fn on(
        &self,
        name: EventName,
        handler: impl Fn(&Event) + Send + Sync + 'static,
    ) -> ListenerId {
        self.inner.hub.on(name, Arc::new(handler))
    }

    /// Removes a handler (TIM `off`); false when it was not registered.
    pub fn off(&self, id: ListenerId) -> bool {
        self.inner.hub.off(id)
    }

    /// TIM `setLogLevel`: 0 everything, 1 release, 2 warnings and errors,
    /// 3 errors, 4 nothing. Higher values count as 4.
    pub fn set_log_level(&self, level: u8) {
        self.inner.log_level.store(level.min(4), Ordering::Relaxed);
    }

    // ----- state ---------------------------------------------------------

    /// The network state of the current login (disconnected when none).
    pub fn net_state(&self) -> NetState {
        self.session().map(|s| s.core.net_state()).unwrap_or(NetState::Disconnected)
    }

    /// Why the current login cannot connect, when retrying alone will not
    /// fix it: a refused TLS certificate or handshake (`TLS_*` codes, also
    /// reported once as an ERROR event). `None` once connected, and for
    /// plain network trouble.
    pub fn net_error(&self) -> Option<TimError> {
        self.session().and_then(|s| s.core.net_error())
    }

    /// Whether SDK_READY has fired for the current login.
    pub fn is_ready(&self) -> bool {
        self.session().is_some_and(|s| s.core.is_ready())
    }

    /// The logged-in user.
    pub fn user_id(&self) -> Option<String> {
        self.session().map(|s| s.core.user_id.clone())
    }

    // ----- messages ------------------------------------------------------

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

    fn create_message<P: IntoElement>(
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
        let random = rand::random::<u64>() & RANDOM_MASK;
        let conversation_id = match options.conversation_type {
            ConversationType::C2c => format!("{}{}", types::CONV_C2C, options.to),
            ConversationType::Group => format!("{}{}", types::CONV_GROUP, options.to),
            ConversationType::System => types::CONV_SYSTEM.to_owned(),
        };
        let me = core.store.profile(&core.user_id).ok().flatten();
        let (message_type, payload) = split_element(&options.payload.into_element());
        Ok(Message {
            id: format!("local-{random}"),
            r#type: message_type,
            payload,
            conversation_id,
            conversation_type: options.conversation_type,
            to: options.to,
            from: core.user_id.clone(),
            flow: MessageFlow::Out,
            time: core.now_millis() / 1000,
            status: MessageStatus::UnSend,
            is_revoked: false,
            priority: options.priority,
            nick: me.as_ref().map(|p| p.nick.clone()).unwrap_or_default(),
            avatar: me.as_ref().map(|p| p.avatar.clone()).unwrap_or_default(),
            is_peer_read: false,
            name_card: String::new(),
            at_user_list: Vec::new(),
            cloud_custom_data: options.cloud_custom_data,
            is_deleted: false,
            is_modified: false,
            need_read_receipt: options.need_read_receipt,
            read_receipt_info: ReadReceiptInfo::default(),
            is_broadcast_message: false,
            sequence: 0,
            random,
            version: 0,
        })
    }

    /// TIM `sendMessage`. The message is stored with an outbox row at once
    /// (shown by `get_message_list` / `get_conversation_list`), then sent
    /// in order when connected. Resolves on the server's answer; while
    /// disconnected it keeps waiting. Dropping the future does not cancel
    /// the send. `online_user_only` messages are never queued: they fail
    /// with 2800 when not connected.
    pub async fn send_message(
        &self,
        message: &Message,
        options: SendMessageOptions,
    ) -> Result<SendResult, TimError> {
        let session = self.ready_session()?;
        let core = &session.core;
        if message.from != core.user_id || message.random > RANDOM_MASK {
            return Err(TimError::new(
                code::MESSAGE_SEND_NEED_MESSAGE_INSTANCE,
                "not a message created by this instance's create_*_message",
            ));
        }
        if message.conversation_type != ConversationType::C2c {
            return Err(TimError::new(
                code::MESSAGE_SEND_INVALID_CONVERSATION_TYPE,
                "only C2C messages can be sent",
            ));
        }
        if message.to.is_empty() {
            return Err(TimError::new(code::MESSAGE_SEND_INVALID_CONVERSATION_TYPE, "no receiver"));
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
        if options.online_user_only && options.message_control_info.is_some() {
            return Err(TimError::new(
                code::MESSAGE_SEND_INVALID_CONVERSATION_TYPE,
                "onlineUserOnly cannot be combined with messageControlInfo",
            ));
        }
        if options.online_user_only {
            if core.net_state() != NetState::Connected {
                return Err(TimError::network(
                    "not connected: onlineUserOnly messages are not queued",
                ));
            }
            let request = SendMessage {
                message: outgoing(message, element, core.now_millis()),
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
                key
            }
        };
        self.await_send(&session, key).await
    }

    fn requeue(&self, core: &SessionCore, key: i64) -> Result<(), TimError> {
        if let Some(c) = core.store.requeue_failed(key, core.now_millis())? {
            core.emit(Event::ConversationListUpdated(vec![c]));
        }
        Ok(())
    }

    async fn await_send(&self, session: &Session, key: i64) -> Result<SendResult, TimError> {
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
    /// store holds.
    pub async fn get_message_list(
        &self,
        options: GetMessageListOptions,
    ) -> Result<MessageListPage, TimError> {
        let session = self.ready_session()?;
        let core = &session.core;
        let conversation_id = options.conversation_id;
        c2c_peer(&conversation_id)?;
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
                self.log(tracing::Level::ERROR, format_args!("findMessage: {e}"));
                None
            }
        }
    }

    /// TIM `setMessageRead`: marks the whole conversation read.
    pub async fn set_message_read(&self, conversation_id: &str) -> Result<(), TimError> {
        let session = self.ready_session()?;
        c2c_peer(conversation_id)?;
        let request = SetMessageRead { conversation_id: ConversationId::from(conversation_id) };
        let response = self.request(&session, &request).await?;
        let core = &session.core;
        if core.store.mark_read(conversation_id, response.read_sequence)? {
            if let Some(c) = core.store.conversation(conversation_id)? {
                core.emit(Event::ConversationListUpdated(vec![c]));
            }
            core.refresh_total_unread();
        }
        Ok(())
    }

    // ----- conversations -------------------------------------------------

    /// TIM `getConversationList`: all conversations (most recent first) or
    /// just the listed ones that the local store holds.
    #[expect(clippy::unused_async, reason = "asynchronous like TIM's; served from the local store")]
    pub async fn get_conversation_list(
        &self,
        ids: Option<Vec<String>>,
    ) -> Result<ConversationListResult, TimError> {
        let session = self.ready_session()?;
        if let Some(ids) = &ids {
            if ids.is_empty() {
                return Err(TimError::new(
                    code::INVALID_CONVERSATION_ID,
                    "the conversationID list must not be empty",
                ));
            }
        }
        let list = session.core.store.conversations(ids.as_deref())?;
        Ok(ConversationListResult {
            conversation_list: list,
            is_sync_completed: session.core.is_synced(),
        })
    }

    /// TIM `getConversationProfile`: a conversation from the local store,
    /// with the peer's profile refreshed from the server when connected (a
    /// changed profile is announced as for `get_user_profile`).
    pub async fn get_conversation_profile(
        &self,
        conversation_id: &str,
    ) -> Result<Conversation, TimError> {
        let session = self.ready_session()?;
        let peer = c2c_peer(conversation_id)?;
        let store = &session.core.store;
        if store.conversation(conversation_id)?.is_none() {
            return Err(TimError::new(
                code::CONVERSATION_NOT_FOUND,
                format!("no conversation {conversation_id}"),
            ));
        }
        let request = GetUserProfile { user_id_list: vec![UserId::new(peer)] };
        match self.request(&session, &request).await {
            Ok(response) => {
                let changed = store.store_profiles(&response.profiles)?;
                announce_profiles(&session.core, changed)?;
            }
            Err(e) => self.log(tracing::Level::INFO, format_args!("peer profile: {e}")),
        }
        store.conversation(conversation_id)?.ok_or_else(|| {
            TimError::new(
                code::CONVERSATION_NOT_FOUND,
                format!("no conversation {conversation_id}"),
            )
        })
    }

    /// TIM `deleteConversation`: removes conversations (1 to 100) on the
    /// server and locally, with their history unless
    /// `clear_history_message` is false. CONVERSATION_LIST_UPDATED carries
    /// the remaining list.
    pub async fn delete_conversation(
        &self,
        options: DeleteConversationOptions,
    ) -> Result<Vec<String>, TimError> {
        let session = self.ready_session()?;
        let ids = options.conversation_id_list;
        if ids.is_empty() || ids.len() > MAX_DELETE {
            return Err(TimError::new(
                code::INVALID_CONVERSATION_ID,
                format!("between 1 and {MAX_DELETE} conversationIDs are required"),
            ));
        }
        for id in &ids {
            c2c_peer(id)?;
        }
        let request = DeleteConversation {
            conversation_id_list: ids.iter().map(|id| ConversationId::from(id.as_str())).collect(),
            clear_history_message: options.clear_history_message,
        };
        let response = self.request(&session, &request).await?;
        let deleted: Vec<String> =
            response.conversation_id_list.into_iter().map(|id| id.0).collect();
        let core = &session.core;
        core.store.delete_conversations(&deleted, options.clear_history_message)?;
        core.emit(Event::ConversationListUpdated(core.store.conversations(None)?));
        core.refresh_total_unread();
        Ok(deleted)
    }

    /// TIM `getTotalUnreadMessageCount`: the sum of unread counts (0 when
    /// not logged in).
    pub fn get_total_unread_message_count(&self) -> u64 {
        let Some(session) = self.session() else { return 0 };
        match session.core.store.total_unread() {
            Ok(total) => total,
            Err(e) => {
                self.log(tracing::Level::ERROR, format_args!("getTotalUnreadMessageCount: {e}"));
                0
            }
        }
    }

    // ----- profiles ------------------------------------------------------

    /// TIM `getMyProfile`: from the server when connected, else the last
    /// known one.
    pub async fn get_my_profile(&self) -> Result<Profile, TimError> {
        let session = self.ready_session()?;
        let me = session.core.user_id.clone();
        let mut profiles = self.get_user_profile(vec![me.clone()]).await?;
        match profiles.pop() {
            Some(p) => Ok(p),
            None => Ok(Profile::empty(UserId::new(me))),
        }
    }

    /// TIM `getUserProfile`: profiles of up to 100 users (more are dropped;
    /// unknown users are left out). Offline, the last known profiles.
    /// Profiles that differ from the stored ones are stored and announced:
    /// PROFILE_UPDATED, and CONVERSATION_LIST_UPDATED for the conversations
    /// with those users.
    pub async fn get_user_profile(&self, user_ids: Vec<String>) -> Result<Vec<Profile>, TimError> {
        let session = self.ready_session()?;
        let mut user_ids = user_ids;
        user_ids.truncate(MAX_PROFILES);
        if user_ids.is_empty() {
            return Ok(Vec::new());
        }
        let store = &session.core.store;
        let request = GetUserProfile {
            user_id_list: user_ids.iter().map(|u| UserId::new(u.as_str())).collect(),
        };
        match self.request(&session, &request).await {
            Ok(response) => {
                let changed = store.store_profiles(&response.profiles)?;
                announce_profiles(&session.core, changed)?;
                Ok(response.profiles)
            }
            Err(e) if e.code == code::NETWORK_ERROR => {
                let mut known = Vec::new();
                for id in &user_ids {
                    if let Some(p) = store.profile(id)? {
                        known.push(p);
                    }
                }
                Ok(known)
            }
            Err(e) => Err(e),
        }
    }

    /// TIM `updateMyProfile`: at least one field (else 2722). Fires
    /// PROFILE_UPDATED on this instance too.
    pub async fn update_my_profile(&self, patch: ProfilePatch) -> Result<Profile, TimError> {
        let session = self.ready_session()?;
        if patch.is_empty() {
            return Err(TimError::new(code::UPDATE_PROFILE_NO_KEY, "no profile field given"));
        }
        let response = self.request(&session, &UpdateMyProfile { patch }).await?;
        let changed = session.core.store.store_profiles(std::slice::from_ref(&response.profile))?;
        if !changed.is_empty() {
            session.core.emit(Event::ProfileUpdated(changed));
        }
        Ok(response.profile)
    }

    // ----- file messages -------------------------------------------------

    /// TIM `createImageMessage`: an image message from a local JPEG, PNG,
    /// GIF, BMP or WebP file (sniffed by content). The payload has the
    /// format, dimensions and size (and the thumbnails' dimensions); URLs
    /// and `uuid` stay empty until `send_message` uploaded it. Errors:
    /// 2251 no readable file, 2108 empty, 2253 over 100 MB, 2252 not a
    /// supported image. Reads only the file's header.
    pub fn create_image_message(
        &self,
        options: CreateMessageOptions<FileSource>,
    ) -> Result<Message, TimError> {
        self.create_file_kind(files::FileKind::Image, options)
    }

    /// TIM `createAudioMessage`: a sound message from a local recording.
    /// `second` comes from `payload.duration_ms` (TIM Web's
    /// `file.duration`), else from a WAV header, else 0. Errors: 2401 no
    /// readable file, 2108 empty, 2301 over 100 MB.
    pub fn create_audio_message(
        &self,
        options: CreateMessageOptions<FileSource>,
    ) -> Result<Message, TimError> {
        self.create_file_kind(files::FileKind::Audio, options)
    }

    /// TIM `createVideoMessage`: a video message from a local MP4, MOV or
    /// WebM file; duration and dimensions from the MP4/MOV header (0 when
    /// unknown). No cover image is made. Errors: 2401 no readable file,
    /// 2108 empty, 2351 over 100 MB, 2352 not MP4/MOV/WebM.
    pub fn create_video_message(
        &self,
        options: CreateMessageOptions<FileSource>,
    ) -> Result<Message, TimError> {
        self.create_file_kind(files::FileKind::Video, options)
    }

    /// TIM `createFileMessage`: a file message (any file up to 100 MB) with
    /// its name and size. Errors: 2401 no readable file, 2108 empty, 2402
    /// over 100 MB.
    pub fn create_file_message(
        &self,
        options: CreateMessageOptions<FileSource>,
    ) -> Result<Message, TimError> {
        self.create_file_kind(files::FileKind::File, options)
    }

    fn create_file_kind(
        &self,
        kind: files::FileKind,
        options: CreateMessageOptions<FileSource>,
    ) -> Result<Message, TimError> {
        let session = self.session().ok_or_else(TimError::not_ready)?;
        let (element, source) = files::prepare(kind, &options.payload)?;
        if let Some(problem) = &source.cover_problem {
            // A video without a cover is still a valid video message.
            session.core.log(tracing::Level::WARN, format_args!("{problem}"));
        }
        let message = self.create_message(CreateMessageOptions {
            to: options.to,
            conversation_type: options.conversation_type,
            payload: files::Prepared(element),
            priority: options.priority,
            cloud_custom_data: options.cloud_custom_data,
            need_read_receipt: options.need_read_receipt,
        })?;
        self.inner
            .file_sources
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(message.id.clone(), source);
        Ok(message)
    }

    /// `send_message` of a file message not uploaded yet: stored at once
    /// (unSend, with its upload job), uploaded, then queued; resolves when
    /// the server stored the message, or with the upload's error. Such a
    /// message always goes through the outbox (`online_user_only` does not
    /// apply to it).
    async fn send_with_upload(
        &self,
        session: &Session,
        message: &Message,
        kind: files::FileKind,
        options: SendMessageOptions,
    ) -> Result<SendResult, TimError> {
        let core = &session.core;
        if let Some(key) = core.store.key_of(&message.id)? {
            let stored = core.store.message_by_key(key)?.ok_or_else(|| {
                TimError::new(code::MESSAGE_SEND_NEED_MESSAGE_INSTANCE, "message vanished")
            })?;
            let has_job = core.store.upload_job::<UploadJob>(key)?.is_some();
            return match stored.status {
                MessageStatus::Success => Ok(SendResult { message: stored }),
                MessageStatus::Fail if has_job => self.resume_upload(session, key).await,
                MessageStatus::UnSend if has_job => self.await_upload(session, key).await,
                MessageStatus::Fail => {
                    self.requeue(core, key)?;
                    self.await_send(session, key).await
                }
                MessageStatus::UnSend => self.await_send(session, key).await,
            };
        }
        let source = if kind == files::FileKind::Merger {
            files::stage_merger_body(
                &session.files.ctx.cache_dir,
                message.random,
                &message.element()?,
            )?
        } else {
            self.inner
                .file_sources
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .get(&message.id)
                .cloned()
                .ok_or_else(|| {
                    TimError::new(
                        kind.select_first_code(),
                        "no local file for this message: create it with create_*_message",
                    )
                })?
        };
        let mut queued = message.clone();
        queued.status = MessageStatus::UnSend;
        queued.flow = MessageFlow::Out;
        let job = UploadJob::new(&source, options.message_control_info);
        let (key, conversation) = core.store.insert_upload(&queued, &job, core.now_millis())?;
        self.inner
            .file_sources
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .remove(&message.id);
        if let Some(c) = conversation {
            core.emit(Event::ConversationListUpdated(vec![c]));
        }
        self.await_upload(session, key).await
    }

    /// Restarts a stopped upload (resend) and awaits it.
    async fn resume_upload(&self, session: &Session, key: i64) -> Result<SendResult, TimError> {
        let core = &session.core;
        if let Some(conversation) = core.store.restart_upload(key, core.now_millis())? {
            if let Some(m) = core.store.message_by_key(key)? {
                core.emit(Event::MessageStatusChanged(vec![m]));
            }
            if let Some(c) = conversation {
                core.emit(Event::ConversationListUpdated(vec![c]));
            }
        }
        self.await_upload(session, key).await
    }

    /// Runs (or joins) the upload of `key` and awaits the send.
    async fn await_upload(&self, session: &Session, key: i64) -> Result<SendResult, TimError> {
        let mut outcome = session.files.start(key);
        let result = match outcome.wait_for(Option::is_some).await {
            Ok(value) => value.clone(),
            Err(_) => None,
        };
        match result {
            Some(Ok(message)) => Ok(SendResult { message }),
            Some(Err(e)) => Err(e),
            None => Err(TimError::new(
                code::SDK_IS_NOT_READY,
                "logged out during the upload; it resumes at the next login",
            )),
        }
    }

    /// Stops the upload of a file message being sent (TIM Web's
    /// `cancelUploading`): the message becomes `fail`
    /// (`onMessageStatusChanged`), its `send_message` fails, and
    /// `resend_message` resumes the upload where the server stopped.
    /// Fails with `INVALID_OPERATION` when the message has no upload in
    /// progress.
    pub fn cancel_upload(&self, message: &Message) -> Result<(), TimError> {
        let session = self.session().ok_or_else(TimError::not_ready)?;
        let key = session.core.store.key_of(&message.id)?.ok_or_else(|| {
            TimError::new(code::INVALID_OPERATION, "the message is not being sent")
        })?;
        if session.files.cancel(key)? {
            Ok(())
        } else {
            Err(TimError::new(code::INVALID_OPERATION, "the message has no upload in progress"))
        }
    }

    /// Downloads a file of a message into the local cache
    /// (`<data_dir>/<sdkAppID>/<userID>.files/<uuid>.<ext>`) and returns its
    /// path; a file already cached returns at once. The download is
    /// streamed, resumed after interruptions, verified against the file ID
    /// and reported by `onFileDownloadProgress`. Errors: 2403 when the
    /// message has no such file, the server's code (90009) when access is
    /// denied, 2800 when the server cannot be reached.
    pub async fn download_file(
        &self,
        message: &Message,
        rendition: Rendition,
    ) -> Result<PathBuf, TimError> {
        let session = self.session().ok_or_else(TimError::not_ready)?;
        files::download::download(&session.files, message, rendition).await
    }

    // ----- plumbing ------------------------------------------------------

    async fn request<O: Operation>(
        &self,
        session: &Session,
        request: &O,
    ) -> Result<O::Response, TimError> {
        let data = serde_json::to_value(request)?;
        let (reply, result) = oneshot::channel();
        session
            .commands
            .send(Command::Request { op: O::NAME, data, reply })
            .map_err(|_| TimError::not_ready())?;
        let value = result.await.map_err(|_| TimError::network("the session ended"))??;
        Ok(serde_json::from_value(value)?)
    }
}

fn outgoing(message: &Message, element: MessageElement, now_millis: i64) -> OutgoingMessage {
    OutgoingMessage {
        conversation_type: message.conversation_type,
        to: message.to.clone(),
        random: message.random,
        element,
        priority: message.priority,
        cloud_custom_data: message.cloud_custom_data.clone(),
        need_read_receipt: message.need_read_receipt,
        at_user_list: message.at_user_list.clone(),
        client_time: now_millis,
    }
}
