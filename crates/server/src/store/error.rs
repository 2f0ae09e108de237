//! The store's error type, the same for every backend: a backend maps its
//! own failures (SQLite's, PostgreSQL's) to [`StoreError::Backend`], so no
//! driver type appears in the interface.

use confab_proto::{ConversationId, ErrorBody, UserId};

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
    /// The database failed (the backend's own error, as text).
    #[error("database error: {0}")]
    Backend(String),
    /// The database cannot be reached (a PostgreSQL server that is down or
    /// restarting); nothing of the operation was stored.
    #[error("the database is unavailable: {0}")]
    Unavailable(String),
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
        /// The database (file or address).
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
