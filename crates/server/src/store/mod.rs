//! Persistence: the [`Store`] trait every backend implements, its
//! backend-neutral error, the transactional primitives writes run against
//! ([`tx`]) and the choice of backend by configuration ([`open`]).
//!
//! The store holds no rule. Writes are closures of rule code (the services
//! in `crate::services`) over [`WriteTx`], run by the backend's single
//! writer in the order they were submitted and acknowledged only after
//! their transaction committed (group commit), so an acknowledged write is
//! durable ([`Store::transact`]). Reads run concurrently on their own
//! connections and see committed data only. The embedded SQLite backend is
//! [`sqlite::SqliteStore`]; one conformance suite (`conformance`, tests
//! only) states the contract every backend passes.

#[cfg(test)]
pub(crate) mod conformance;
mod error;
mod job;
pub mod sqlite;
pub mod tx;
mod types;

pub use error::StoreError;
pub use job::{Ran, WriteJob};
pub use tx::WriteTx;
pub use types::{
    c2c_key, group_key, ConversationTouch, EventRecord, FileAccess, FileUsage, MessageRow,
    ReadMarks, SessionStanding, StoredFile,
};

use crate::config::{Config, StoreBackend};
use crate::fanout::Fanout;
use confab_proto::conversation::ConversationState;
use confab_proto::inbox::TimelinePage;
use confab_proto::ops::{
    GetMessageListHopping, GetMessageListHoppingResponse, GetMessageListResponse, SyncResponse,
};
use confab_proto::profile::Profile;
use confab_proto::{ConversationId, UserId};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

/// A store operation in flight. For writes, the write is already queued when
/// the method returns, whether or not the future is polled.
pub type StoreFuture<T> = Pin<Box<dyn Future<Output = Result<T, StoreError>> + Send + 'static>>;

/// Persistence used by the services: a writer that runs write jobs in
/// order, and reads of committed data. Implementations must apply writes in
/// submission order and acknowledge them only once durable.
pub trait Store: Send + Sync + 'static {
    // ---- writes (through the single writer) ----

    /// Queues a write job for the writer. A store that is closed drops the
    /// job, which answers its requester with [`StoreError::Closed`].
    fn submit(&self, job: Box<dyn WriteJob>);

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

    /// A group's timeline entries after `after`, at most `limit` and no
    /// more than fit `max_bytes` of a response frame (always at least one
    /// when there is one), plus the timeline's head, read in one
    /// transaction. An unknown group's page is empty with head 0.
    fn timeline_page(
        &self,
        group_id: String,
        after: u64,
        limit: u32,
        max_bytes: usize,
    ) -> StoreFuture<TimelinePage>;

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

    /// Profiles of the users that exist, in the order asked, each once.
    fn profiles(&self, users: Vec<UserId>) -> StoreFuture<Vec<Profile>>;

    /// Whether `user` may download the file `id`.
    fn file_access(&self, user: UserId, id: String) -> StoreFuture<FileAccess>;

    /// Bytes of stored files `user` uploaded, and of the whole file store
    /// (for the upload quota and the disk budget).
    fn file_usage(&self, user: UserId) -> StoreFuture<FileUsage>;

    /// The user's session generation and floor for UserSigs minted
    /// elsewhere, and whether the password-issued UserSig `serial` was
    /// revoked. An unknown user has generation 0, floor 0, nothing revoked.
    fn session_standing(
        &self,
        user: UserId,
        serial: Option<String>,
    ) -> StoreFuture<SessionStanding>;

    // ---- lifecycle ----

    /// Runs every queued write, stops the writer and closes the database.
    /// Later operations fail with [`StoreError::Closed`].
    fn close(&self) -> StoreFuture<()>;
}

impl dyn Store {
    /// Runs `work` (rule code over the primitives) in the writer's current
    /// batch; resolves once its batch committed. The write is queued before
    /// this returns, so the writes of one caller apply in call order.
    pub fn transact<T, F>(&self, work: F) -> StoreFuture<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut dyn WriteTx) -> Result<T, StoreError> + Send + 'static,
    {
        let (reply, answer) = tokio::sync::oneshot::channel();
        self.submit(Box::new(job::TypedJob::new(Box::new(work), reply)));
        Box::pin(async move { answer.await.map_err(|_| StoreError::Closed)? })
    }
}

/// Opens the store the configuration names, under its data directory,
/// handing committed pushes to `fanout`. This blocks on I/O; in async code
/// call it through `spawn_blocking`.
pub fn open(config: &Config, fanout: Arc<dyn Fanout>) -> Result<Arc<dyn Store>, StoreError> {
    match config.store {
        StoreBackend::Sqlite => {
            let store =
                sqlite::SqliteStore::open(&config.database_path(), config.max_batch, fanout)?;
            Ok(Arc::new(store))
        }
    }
}
