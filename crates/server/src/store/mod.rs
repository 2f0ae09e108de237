//! Persistence: the [`Store`] trait every backend implements, its
//! backend-neutral error, the transactional primitives writes run against
//! ([`tx`]) and the choice of backend by configuration ([`open`]).
//!
//! The store holds no rule. Writes are closures of rule code (the services
//! in `crate::services`) over [`WriteTx`], run by the backend's single
//! writer in the order they were submitted and acknowledged only after
//! their transaction committed (group commit), so an acknowledged write is
//! durable (`transact` on `dyn Store`). Reads run concurrently on their own
//! connections and see committed data only. The embedded SQLite backend is
//! [`sqlite::SqliteStore`], the clustered PostgreSQL one
//! [`postgres::PgStore`]; one conformance suite (`conformance`, tests
//! only) states the contract every backend passes.

#[cfg(test)]
pub(crate) mod conformance;
mod counters;
mod error;
mod job;
mod log;
mod pool;
#[cfg(feature = "cluster")]
pub mod postgres;
pub mod read;
pub mod sqlite;
pub mod tx;
mod types;

pub use error::StoreError;
pub use job::{Ran, WriteJob};
pub use read::{
    AccountRead, ConversationRead, FileRead, FriendRelation, GroupRead, InboxRead, MessageRead,
    ProfileRead, RelationRead, RelationTimes, TimelineRead, TopicRead,
};
pub use tx::{ExtensionTx, FriendFields, FriendRequestRecord, ReceiptTx, TopicTx, WriteTx};
pub use types::{
    c2c_key, group_key, ConversationTouch, EventRecord, FileAccess, FileUsage, GroupHeads,
    MemberRecord, MessageRow, ReadMarks, SessionStanding, StoredFile, TopicMemberRecord,
};

use crate::config::{Config, StoreBackend};
use crate::fanout::Fanout;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

/// A store operation in flight. For writes, the write is already queued when
/// the method returns, whether or not the future is polled.
pub type StoreFuture<T> = Pin<Box<dyn Future<Output = Result<T, StoreError>> + Send + 'static>>;

/// Persistence used by the services: a writer that runs write jobs in
/// order, and the reads of committed data of every area ([`read`]). Implementations must apply writes in
/// submission order and acknowledge them only once durable.
pub trait Store:
    AccountRead
    + ProfileRead
    + InboxRead
    + TimelineRead
    + GroupRead
    + ConversationRead
    + MessageRead
    + FileRead
    + RelationRead
    + TopicRead
    + Send
    + Sync
    + 'static
{
    /// Queues a write job for the writer. A store that is closed drops the
    /// job, which answers its requester with [`StoreError::Closed`].
    fn submit(&self, job: Box<dyn WriteJob>);

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

/// Opens the store the configuration names (SQLite under its data
/// directory, or the PostgreSQL database at its URL), handing committed
/// pushes to `fanout`. This blocks on I/O; in async code call it through
/// `spawn_blocking`.
pub fn open(config: &Config, fanout: Arc<dyn Fanout>) -> Result<Arc<dyn Store>, StoreError> {
    match config.store {
        StoreBackend::Sqlite => {
            let store =
                sqlite::SqliteStore::open(&config.database_path(), config.max_batch, fanout)?;
            Ok(Arc::new(store))
        }
        #[cfg(feature = "cluster")]
        StoreBackend::Postgres => {
            let url = config.database_url.as_deref().ok_or_else(|| StoreError::Open {
                path: "PostgreSQL".into(),
                reason: "store = \"postgres\" needs database_url".into(),
            })?;
            Ok(Arc::new(postgres::PgStore::open(url, config.max_batch, fanout)?))
        }
        #[cfg(not(feature = "cluster"))]
        StoreBackend::Postgres => Err(StoreError::Open {
            path: "PostgreSQL".into(),
            reason: "this build has no PostgreSQL store (the `cluster` feature)".into(),
        }),
    }
}
