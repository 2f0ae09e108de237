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
//! | `conversation.rs` | `get_conversation_list`, `get_conversation_profile`, `delete_conversation`, `set_message_read`, `set_all_message_read`, `clear_history_message`, `get_total_unread_message_count`, `translate_text` |
//! | `profile.rs` | `get_my_profile`, `get_user_profile`, `update_my_profile` |
//! | `group.rs` | `create_group`, `get_group_list`, `get_group_profile`, `dismiss_group`, `update_group_profile`, `join_group`, `quit_group`, `search_group_by_id`, `add_group_member`, `delete_group_member`, `get_group_member_list`, `get_group_member_profile`, `change_group_owner`, `set_group_member_role`, `set_group_member_mute_time`, `set_group_member_name_card` |
//! | `group_values.rs` | `get_group_application_list`, `handle_group_application`, `get_group_online_member_count`, group attributes and counters, `set_group_member_custom_field`, `mark_group_member_list` |
//! | `file.rs` | file message factories, uploads, downloads, `cancel_upload`, `download_merger_message` |
//! | `extension.rs` | `set_message_extensions`, `get_message_extensions`, `delete_message_extensions` |
//! | `receipt.rs` | `send_message_read_receipt`, `get_message_read_receipt_list`, `get_group_message_read_member_list` |
//! | `search.rs` | `search_local_messages` (Confab extension) |
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
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};
use std::sync::{Arc, Mutex, Weak};
use tokio::sync::{broadcast, mpsc, oneshot};
use tokio::task::JoinHandle;

mod conversation;
pub mod conversation_settings;
mod extension;
mod file;
mod group;
mod group_values;
mod message;
pub(crate) mod message_ops;
mod profile;
pub(crate) mod receipt;
mod relation;
pub mod search;
mod session;
mod status;
pub mod topic;

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
    /// Where the last `get_message_list_hopping` page of a conversation
    /// ended, by (user, conversationID, direction): its `nextMessageTime`
    /// and the sequence of that next message.
    hopping_continuations: Mutex<HashMap<HoppingPosition, (i64, u64)>>,
}

/// A user's conversation and a hopping direction.
type HoppingPosition = (String, String, u8);

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

/// A conversation messages are exchanged in: `C2C<userID>` or
/// `GROUP<groupID>` (the system conversation is refused with 2502).
fn chat_conversation(conversation_id: &str) -> Result<ConversationKind, TimError> {
    match ConversationId::from(conversation_id).kind() {
        Some(ConversationKind::System) => Err(TimError::new(
            code::CONVERSATION_UN_RECORDED_TYPE,
            format!("{conversation_id}: only C2C and group conversations are served"),
        )),
        Some(kind) => Ok(kind),
        None => Err(TimError::new(
            code::INVALID_CONVERSATION_ID,
            format!("invalid conversationID {conversation_id:?}"),
        )),
    }
}

/// The plugin names `register_plugin` accepts: TIM's, whose work Confab
/// does built in.
pub const KNOWN_PLUGINS: &[&str] =
    &["tim-upload-plugin", "tim-profanity-filter-plugin", "cos-js-sdk", "cos-wx-sdk"];

/// The live instances of this process, by server, SDKAppID, data
/// directory and instance name.
///
/// TIM's `TIM.create` returns the same instance for the same SDKAppID
/// within one page. An SDKAppID names an app on one server, so the server
/// URL is part of the key; and a native process may hold several users'
/// instances (the scenario tests run alice, bob and carol side by side),
/// each on its own data directory, so the directory stands for TIM's page
/// (two instances on one directory would share an account's store and
/// cursor, which must never happen anyway). A native app with several
/// accounts signed in on one server names an instance per account
/// ([`TimOptions::instance`]). Entries are weak: dropping every handle, or
/// `destroy`, frees the slot.
static INSTANCES: Mutex<Vec<(InstanceKey, Weak<TimInner>)>> = Mutex::new(Vec::new());

/// Server URL, SDKAppID, data directory and name of an instance.
type InstanceKey = (String, u64, PathBuf, Option<String>);

impl Tim {
    /// Creates an instance (TIM `TIM.create`). Nothing connects until
    /// [`Tim::login`]. While an instance for the same server, SDKAppID,
    /// data directory and [`TimOptions::instance`] name lives (not
    /// destroyed, some handle kept), returns that instance and ignores the
    /// other options, as TIM does for the same SDKAppID.
    pub fn create(options: TimOptions) -> Tim {
        let mut instances = INSTANCES.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        instances.retain(|(_, weak)| {
            weak.upgrade().is_some_and(|inner| !inner.destroyed.load(Ordering::SeqCst))
        });
        let key: InstanceKey = (
            options.server_url.clone(),
            options.sdk_app_id,
            options.data_dir.clone(),
            options.instance.clone(),
        );
        if let Some(inner) =
            instances.iter().find(|(k, _)| *k == key).and_then(|(_, weak)| weak.upgrade())
        {
            return Tim { inner };
        }
        let inner = Arc::new(TimInner {
            options,
            hub: Arc::new(EventHub::new()),
            log_level: Arc::new(AtomicU8::new(0)),
            session: Mutex::new(None),
            lifecycle: tokio::sync::Mutex::new(()),
            destroyed: AtomicBool::new(false),
            file_sources: Mutex::new(HashMap::new()),
            hopping_continuations: Mutex::new(HashMap::new()),
        });
        instances.push((key, Arc::downgrade(&inner)));
        Tim { inner }
    }

    fn hopping_continuations(
        &self,
    ) -> std::sync::MutexGuard<'_, HashMap<HoppingPosition, (i64, u64)>> {
        self.inner.hopping_continuations.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
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

    /// TIM `registerPlugin`: takes the names of TIM's plugins (checklist
    /// 69–72). What they do is built in, so registering one changes
    /// nothing and is accepted: `tim-upload-plugin` (and the older
    /// `cos-js-sdk` / `cos-wx-sdk`): files are uploaded to the Confab
    /// server; `tim-profanity-filter-plugin`: the server's profanity
    /// filter moderates every message (80001). Any other name is refused
    /// with 20001 naming the ones known, and nothing is registered.
    pub fn register_plugin(&self, names: &[&str]) -> Result<(), TimError> {
        if let Some(unknown) = names.iter().find(|n| !KNOWN_PLUGINS.contains(n)) {
            return Err(TimError::new(
                code::ERR_SVR_MSG_PKG_PARSE_FAILED,
                format!(
                    "unknown plugin {unknown:?}: Confab knows {} (built in)",
                    KNOWN_PLUGINS.join(", ")
                ),
            ));
        }
        Ok(())
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

    /// The logged-in user's file cache directory (where `download_file`
    /// puts files, `<data_dir>/<sdkAppID>/<userID>.files`).
    pub fn file_cache_dir(&self) -> Option<PathBuf> {
        self.session().map(|s| s.files.ctx.cache_dir.clone())
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

#[cfg(test)]
mod tests {
    use super::*;

    fn options(server: &str, app: u64, dir: &std::path::Path) -> TimOptions {
        TimOptions::new(app, server, dir)
    }

    #[tokio::test]
    async fn create_returns_the_live_instance_of_the_same_app_server_and_directory() {
        // checklist 1115: "`TIM.create({ SDKAppID })` returns the same
        // instance for the same SDKAppID."
        let server = "ws://confab.invalid/ws";
        let dir = tempfile::tempdir().expect("tempdir");
        let other_dir = tempfile::tempdir().expect("tempdir");
        let first = Tim::create(options(server, 1_400_000_001, dir.path()));
        let again = Tim::create(options(server, 1_400_000_001, dir.path()));
        assert!(Arc::ptr_eq(&first.inner, &again.inner));
        // Another app, server or directory is another instance.
        for different in [
            options(server, 1_400_000_002, dir.path()),
            options("ws://elsewhere.invalid/ws", 1_400_000_001, dir.path()),
            options(server, 1_400_000_001, other_dir.path()),
            TimOptions {
                instance: Some("bob".into()),
                ..options(server, 1_400_000_001, dir.path())
            },
        ] {
            assert!(!Arc::ptr_eq(&first.inner, &Tim::create(different).inner));
        }
        // A destroyed instance is not handed out again.
        first.destroy().await.expect("destroy");
        let fresh = Tim::create(options(server, 1_400_000_001, dir.path()));
        assert!(!Arc::ptr_eq(&first.inner, &fresh.inner));
        // Nor is one whose handles are all gone.
        let weak = Arc::downgrade(&fresh.inner);
        drop(fresh);
        assert!(weak.upgrade().is_none());
        let next = Tim::create(options(server, 1_400_000_001, dir.path()));
        assert!(!next.inner.destroyed.load(Ordering::SeqCst));
    }
}
