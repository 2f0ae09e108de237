//! The [`Tim`] handle: TIM's instance methods in snake_case.
//!
//! The handle owns the current login ([`Session`]): its shared core (store,
//! readiness, events) and its actor task, which is aborted when the session
//! is dropped. Lifecycle calls (`login`, `logout`, `destroy`) are
//! serialized; every other call reads the store directly or asks the actor.
//!
//! The methods are split by feature area, one file each, named like the
//! server's handler files (`crates/server/src/handlers/`):
//!
//! | file | methods |
//! |---|---|
//! | `session.rs` | `login`, `logout`, `destroy`, `change_password`, `sign_out_everywhere` |
//! | `message.rs` | `create_text_message` and the other plain factories, `send_message`, `resend_message`, `get_message_list`, `find_message` |
//! | `message_ops.rs` | `revoke_message`, `modify_message`, `delete_message`, `get_message_list_hopping`, forward / merger / @ factories |
//! | `conversation.rs` | `get_conversation_list`, `get_conversation_profile`, `delete_conversation`, `set_message_read`, `get_total_unread_message_count` |
//! | `profile.rs` | `get_my_profile`, `get_user_profile`, `update_my_profile` |
//! | `file.rs` | file message factories, uploads, downloads, `cancel_upload`, `download_merger_message` |
//!
//! This file keeps the handle itself: creation, events, state and the
//! request plumbing every area uses.

use crate::actor::Command;
use crate::event::{Event, EventHub, EventName, ListenerId, NetState};
use crate::files;
use crate::files::upload::FileService;
use crate::options::TimOptions;
use crate::session::SessionCore;
use crate::TimError;
use confab_proto::ops::Operation;
use confab_proto::{code, ConversationId, ConversationKind};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};
use std::sync::{Arc, Mutex};
use tokio::sync::{broadcast, mpsc, oneshot};
use tokio::task::JoinHandle;

mod conversation;
mod file;
mod message;
pub(crate) mod message_ops;
mod profile;
mod session;

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
