//! Persistence: the [`Store`] trait the services use, its error type and the
//! write requests that go through the single writer.
//!
//! Writes are applied by one writer in the order they were submitted and
//! acknowledged only after their transaction committed (group commit), so an
//! acknowledged write is durable. Reads run concurrently on their own
//! connections and see committed data only. The embedded SQLite
//! implementation is [`sqlite::SqliteStore`].

pub mod sqlite;

use crate::fanout::SessionId;
use confab_proto::conversation::ConversationState;
use confab_proto::message::WireMessage;
use confab_proto::message::{MessageControlInfo, MessageElement, Priority};
use confab_proto::ops::{
    GetMessageListHopping, GetMessageListHoppingResponse, GetMessageListResponse, ModifyMessage,
    SendMessageResponse, SetMessageReadResponse, SyncResponse,
};
use confab_proto::profile::{Profile, ProfilePatch};
use confab_proto::{ConversationId, ErrorBody, UserId};
use std::future::Future;
use std::pin::Pin;

/// A store operation in flight. For writes, the write is already queued when
/// the method returns, whether or not the future is polled.
pub type StoreFuture<T> = Pin<Box<dyn Future<Output = Result<T, StoreError>> + Send + 'static>>;

/// Why a store operation failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A user the operation needs is not registered.
    #[error("user {0} does not exist")]
    UserNotFound(UserId),
    /// The user has no such conversation.
    #[error("conversation {0} does not exist")]
    ConversationNotFound(ConversationId),
    /// Registration of a userID that exists.
    #[error("account {0} already exists")]
    AccountExists(UserId),
    /// A rule of the domain refused the write (checked inside the writer,
    /// before anything was written), with the wire error to answer.
    #[error("refused: {0}")]
    Refused(ErrorBody),
    /// The store was closed.
    #[error("the store is closed")]
    Closed,
    /// SQLite failed.
    #[error("database error: {0}")]
    Database(#[from] rusqlite::Error),
    /// A stored record could not be decoded.
    #[error("corrupt stored record: {0}")]
    Corrupt(String),
    /// The batch this write was in failed to commit; nothing of it is stored.
    #[error("commit failed: {0}")]
    CommitFailed(String),
    /// The database was written by a newer confabd.
    #[error("database schema version {found} is newer than this confabd supports ({supported})")]
    SchemaTooNew {
        /// Version in the file.
        found: u32,
        /// Newest version known here.
        supported: u32,
    },
    /// A blocking task failed.
    #[error("store task failed: {0}")]
    Task(String),
    /// A message names a file of the file service its sender may not
    /// download (or that does not exist).
    #[error("file {0} is not accessible to the sender")]
    FileAccessDenied(String),
    /// Opening the store failed.
    #[error("cannot open the store at {path}: {reason}")]
    Open {
        /// The database file.
        path: String,
        /// Why.
        reason: String,
    },
}

impl StoreError {
    /// Whether this is a refusal by the rules (unknown user or
    /// conversation, taken userID) rather than a failure. A write returns a
    /// rejection only before it has written anything, which is what lets the
    /// writer batch writes without a savepoint each.
    pub fn is_rejection(&self) -> bool {
        matches!(
            self,
            Self::UserNotFound(_)
                | Self::ConversationNotFound(_)
                | Self::AccountExists(_)
                | Self::Refused(_)
                | Self::FileAccessDenied(_)
        )
    }
}

impl From<serde_json::Error> for StoreError {
    fn from(e: serde_json::Error) -> Self {
        Self::Corrupt(e.to_string())
    }
}

/// A validated message to store (or, with `online_user_only`, only to
/// deliver).
#[derive(Clone, Debug, PartialEq)]
pub struct NewMessage {
    /// Sender.
    pub from: UserId,
    /// C2C receiver.
    pub to: UserId,
    /// The sender's client message ID (dedup key with `from`).
    pub random: u64,
    /// Content.
    pub element: MessageElement,
    /// Priority.
    pub priority: Priority,
    /// Opaque data.
    pub cloud_custom_data: String,
    /// Read receipts asked for.
    pub need_read_receipt: bool,
    /// Unread and last-message control.
    pub control: MessageControlInfo,
    /// Deliver to online instances only; store nothing.
    pub online_user_only: bool,
    /// Server time, seconds.
    pub time: i64,
    /// The session that sent it (does not get the transient echo).
    pub origin: Option<SessionId>,
}

/// Persistence used by the services. Implementations must apply writes in
/// submission order and acknowledge them only once durable.
pub trait Store: Send + Sync + 'static {
    // ---- writes (through the single writer) ----

    /// Creates the user (row and empty profile) unless it exists; `true` when created.
    fn ensure_user(&self, user: UserId, now_secs: i64) -> StoreFuture<bool>;

    /// Creates an account with a password hash; [`StoreError::AccountExists`]
    /// when the userID is taken.
    fn register_account(
        &self,
        user: UserId,
        password_hash: String,
        now_secs: i64,
    ) -> StoreFuture<()>;

    /// Stores a C2C message (deduplicated by sender and `random`), updates both
    /// conversations and appends it to both inboxes; for `online_user_only`,
    /// only assigns an ID and delivers it to online sessions.
    fn send_message(&self, message: NewMessage) -> StoreFuture<SendMessageResponse>;

    /// Marks a C2C conversation read for `user` and tells the peer.
    fn set_message_read(
        &self,
        user: UserId,
        conversation_id: ConversationId,
    ) -> StoreFuture<SetMessageReadResponse>;

    /// Marks the user's conversations deleted, optionally clearing their history.
    fn delete_conversations(
        &self,
        user: UserId,
        conversation_ids: Vec<ConversationId>,
        clear_history: bool,
    ) -> StoreFuture<()>;

    /// Applies a validated profile patch and appends it to the user's inbox.
    fn update_profile(
        &self,
        user: UserId,
        patch: ProfilePatch,
        now_secs: i64,
    ) -> StoreFuture<Profile>;

    // ---- message operations (writes) ----

    /// Revokes a stored C2C message `user` sent, if its time lies at most
    /// `window_secs` before `now_secs`; appends `messageRevoked` to both
    /// inboxes. A revoked message is returned as is. Refusals: 20026 for a
    /// message not in the conversation, 2110 for someone else's message or
    /// one past the window.
    fn revoke_message(
        &self,
        user: UserId,
        conversation_id: ConversationId,
        message_id: String,
        now_secs: i64,
        window_secs: i64,
    ) -> StoreFuture<WireMessage>;

    /// Applies a validated modification by a participant; appends
    /// `messageModified` to both inboxes. Refusals: 20026 (unknown, not the
    /// caller's, revoked), 2480 with the latest message as `data.message`
    /// when `request.version` is stale, 10007
    /// (`MODIFY_PERMISSION_DENIED`) when the receiver changes the content
    /// and `payload_by_receiver` is false (`cloudCustomData` is open to
    /// both).
    fn modify_message(
        &self,
        user: UserId,
        request: ModifyMessage,
        payload_by_receiver: bool,
    ) -> StoreFuture<WireMessage>;

    /// Hides messages of one conversation from `user`'s history; returns
    /// the IDs that are hidden (unknown ones are skipped).
    fn delete_messages(
        &self,
        user: UserId,
        conversation_id: ConversationId,
        message_ids: Vec<String>,
    ) -> StoreFuture<Vec<String>>;

    // ---- reads (concurrent, committed data) ----

    /// Whether the user exists.
    fn user_exists(&self, user: UserId) -> StoreFuture<bool>;

    /// The account's password hash (`None` for unknown users and users
    /// without a password).
    fn password_hash(&self, user: UserId) -> StoreFuture<Option<String>>;

    /// Sequence of the newest entry of the user's inbox (0 when empty).
    fn inbox_head(&self, user: UserId) -> StoreFuture<u64>;

    /// Inbox entries after `after`, at most `limit` and no more than fit a
    /// response frame of `max_bytes` (always at least one when there is
    /// one), plus the head, read in one transaction.
    fn sync(
        &self,
        user: UserId,
        after: u64,
        limit: u32,
        max_bytes: usize,
    ) -> StoreFuture<SyncResponse>;

    /// The user's non-deleted conversations, newest activity first, and the
    /// inbox head they reflect, read in one transaction.
    fn conversation_list(&self, user: UserId) -> StoreFuture<(Vec<ConversationState>, u64)>;

    /// The user's view of a conversation's history: up to `count` messages
    /// before `before_sequence` and after what the user cleared, ascending.
    fn message_list(
        &self,
        user: UserId,
        conversation_id: ConversationId,
        before_sequence: Option<u64>,
        count: u32,
    ) -> StoreFuture<GetMessageListResponse>;

    /// A page of `user`'s view of a C2C conversation by time
    /// (`getMessageListHopping`; `count` already capped).
    fn message_hopping(
        &self,
        user: UserId,
        request: GetMessageListHopping,
    ) -> StoreFuture<GetMessageListHoppingResponse>;

    /// Profiles of the users that exist, in the order asked.
    fn profiles(&self, users: Vec<UserId>) -> StoreFuture<Vec<Profile>>;

    // ---- file service ----

    /// Records a finished upload's content (unless already known) and
    /// grants the uploader access to it. `refs` are the files a merger
    /// body names: the uploader must hold a grant for each (else
    /// [`StoreError::FileAccessDenied`] and nothing is recorded), and every
    /// grant of this file extends to them.
    fn record_file(&self, file: StoredFile, uploader: UserId, refs: Vec<String>)
        -> StoreFuture<()>;

    /// Whether `user` may download the file `id`.
    fn file_access(&self, user: UserId, id: String) -> StoreFuture<FileAccess>;

    /// Bytes of stored files `user` uploaded, and of the whole file store
    /// (for the upload quota and the disk budget).
    fn file_usage(&self, user: UserId) -> StoreFuture<FileUsage>;

    /// Garbage collection: forgets every file that no stored message names
    /// (directly or through a kept merger body) and that was last uploaded
    /// before `cutoff_secs`, with its grants; returns those files, whose
    /// contents the caller deletes.
    fn collect_unnamed_files(&self, cutoff_secs: i64) -> StoreFuture<Vec<StoredFile>>;

    // ---- session keys: what retires a UserSig before it expires ----

    /// The user's session generation and floor for UserSigs minted
    /// elsewhere, and whether the password-issued UserSig `serial` was
    /// revoked. An unknown user has generation 0, floor 0, nothing revoked.
    fn session_standing(
        &self,
        user: UserId,
        serial: Option<String>,
    ) -> StoreFuture<SessionStanding>;

    /// Revokes the password-issued UserSig `serial` (which would expire at
    /// `expire_at`) and forgets revocations that expired by `now_secs`.
    fn revoke_user_sig(
        &self,
        user: UserId,
        serial: String,
        expire_at: i64,
        now_secs: i64,
    ) -> StoreFuture<()>;

    /// Makes every UserSig issued to `user` so far stop working: bumps the
    /// session generation and sets the floor for UserSigs minted elsewhere
    /// to `now_secs + 1`. Returns the new generation;
    /// [`StoreError::UserNotFound`] for an unknown user.
    fn bump_session_generation(&self, user: UserId, now_secs: i64) -> StoreFuture<u64>;

    /// Sets a new password hash and, in the same transaction, does what
    /// [`Store::bump_session_generation`] does. Returns the new generation.
    fn change_password(
        &self,
        user: UserId,
        password_hash: String,
        now_secs: i64,
    ) -> StoreFuture<u64>;

    // ---- lifecycle ----

    /// Runs every queued write, stops the writer and closes the database.
    /// Later operations fail with [`StoreError::Closed`].
    fn close(&self) -> StoreFuture<()>;
}

/// What decides whether a UserSig of a user still works before its expiry
/// (the server's session keys; see `docs/protocol.md`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SessionStanding {
    /// The generation a password-issued UserSig must name.
    pub generation: u64,
    /// UserSigs minted elsewhere must be issued at or after this second.
    pub sigs_valid_from: i64,
    /// The password-issued UserSig asked about was revoked.
    pub revoked: bool,
}

/// A content kept by the file service (a row of `files`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredFile {
    /// Lowercase hex SHA-256 of the content.
    pub id: String,
    /// Size in bytes.
    pub size: u64,
    /// Kind it was first uploaded as (`image`, `video`, `audio`, `file`, `merger`).
    pub kind: String,
    /// MIME type sniffed from the content.
    pub content_type: String,
    /// When it was first stored, seconds since the epoch.
    pub created_at: i64,
}

/// How many bytes the file store holds, for quotas.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FileUsage {
    /// Stored files the user uploaded (each content once).
    pub user_bytes: u64,
    /// All stored files.
    pub total_bytes: u64,
}

/// What a user may do with a file ID.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FileAccess {
    /// The user uploaded it or a message they can see names it.
    Granted(StoredFile),
    /// It exists, but the user may not download it.
    Denied,
    /// No such file.
    Unknown,
}
