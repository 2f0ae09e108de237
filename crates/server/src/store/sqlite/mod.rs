//! The embedded SQLite store: one writer thread that owns the write
//! connection and commits in batches, and a small pool of read connections.
//!
//! The writer takes one command, drains up to `max_batch - 1` more that are
//! already queued, runs them all in one `BEGIN IMMEDIATE` transaction (each
//! inside its own savepoint, so one failing command does not undo the
//! others), commits (WAL, `synchronous=FULL`), and only then hands the pushes
//! to the [`Fanout`] and answers each command. Sequence counters (per-user
//! inbox, per-conversation message sequence, the message row number) are
//! cached in the writer and rolled back with a failing savepoint.
//!
//! Schema changes are the numbered files in `migrations/`, tracked in
//! `PRAGMA user_version`.

mod account;
mod conversation;
mod files;
mod inbox;
mod message;
mod message_ops;
mod profile;

use super::{
    FileAccess, FileUsage, NewMessage, SessionStanding, Store, StoreError, StoreFuture, StoredFile,
};
use crate::fanout::{Delivery, Fanout};
use confab_proto::conversation::ConversationState;
use confab_proto::message::WireMessage;
use confab_proto::ops::{
    GetMessageListHopping, GetMessageListHoppingResponse, GetMessageListResponse, ModifyMessage,
    SendMessageResponse, SetMessageReadResponse, SyncResponse,
};
use confab_proto::profile::{Profile, ProfilePatch};
use confab_proto::{ConversationId, UserId};
use rusqlite::{Connection, OpenFlags, TransactionBehavior};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{mpsc, oneshot, Semaphore};

/// Schema migrations, in order; entry `i` brings the schema to version `i + 1`.
const MIGRATIONS: &[&str] = &[
    include_str!("migrations/0001_init.sql"),
    include_str!("migrations/0002_files.sql"),
    include_str!("migrations/0003_message_ops.sql"),
    include_str!("migrations/0004_file_refs.sql"),
    include_str!("migrations/0005_file_gc.sql"),
    include_str!("migrations/0006_session_keys.sql"),
];

/// Read connections kept open.
const READ_CONNECTIONS: usize = 4;

/// Page cache of the write connection, in KiB.
const WRITER_CACHE_KIB: i64 = 64 * 1024;

/// How often the WAL is checkpointed.
const CHECKPOINT_EVERY: Duration = Duration::from_millis(200);

/// Prepared statements kept per connection (rusqlite keeps 16 by default,
/// fewer than the store runs).
const STATEMENT_CACHE: usize = 256;

/// How long a connection waits for a lock before failing.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// The SQLite implementation of [`Store`].
pub struct SqliteStore {
    inner: Arc<Inner>,
}

struct Inner {
    path: PathBuf,
    commands: mpsc::UnboundedSender<Command>,
    writer: Mutex<Option<std::thread::JoinHandle<()>>>,
    checkpointer: Mutex<Option<(std::sync::mpsc::Sender<()>, std::thread::JoinHandle<()>)>>,
    readers: ReadPool,
}

impl SqliteStore {
    /// Opens (creating if needed) the database at `path`, applies pending
    /// migrations and starts the writer thread. This blocks on file I/O; in
    /// async code call it through `spawn_blocking`.
    ///
    /// Call [`Store::close`] to stop the writer and wait for it; dropping
    /// the store instead lets the writer finish the queued writes on its own.
    pub fn open(
        path: &Path,
        max_batch: usize,
        fanout: Arc<dyn Fanout>,
    ) -> Result<Self, StoreError> {
        let open_err =
            |reason: String| StoreError::Open { path: path.display().to_string(), reason };
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            confab_private_fs::create_dir_all(dir).map_err(|e| open_err(e.to_string()))?;
        }
        // Created 0600 before SQLite opens it: SQLite gives the WAL and
        // shared-memory files the database file's mode.
        confab_private_fs::prepare_database_file(path).map_err(|e| open_err(e.to_string()))?;
        let mut writer = Connection::open(path)?;
        configure_writer(&writer)?;
        migrate(&mut writer)?;
        let mut readers = Vec::with_capacity(READ_CONNECTIONS);
        for _ in 0..READ_CONNECTIONS {
            readers.push(open_reader(path)?);
        }
        let checkpoint_conn = Connection::open(path)?;
        checkpoint_conn.busy_timeout(BUSY_TIMEOUT)?;
        let (stop_checkpoints, checkpoint_stop) = std::sync::mpsc::channel();
        let checkpointer = std::thread::Builder::new()
            .name("confab-checkpoint".into())
            .spawn(move || checkpointer_main(checkpoint_conn, checkpoint_stop))
            .map_err(|e| open_err(format!("cannot start the checkpoint thread: {e}")))?;
        let (commands, receiver) = mpsc::unbounded_channel();
        let max_batch = max_batch.max(1);
        let thread = std::thread::Builder::new()
            .name("confab-writer".into())
            .spawn(move || writer_main(writer, receiver, max_batch, fanout))
            .map_err(|e| open_err(format!("cannot start the writer thread: {e}")))?;
        Ok(Self {
            inner: Arc::new(Inner {
                path: path.to_owned(),
                commands,
                writer: Mutex::new(Some(thread)),
                checkpointer: Mutex::new(Some((stop_checkpoints, checkpointer))),
                readers: ReadPool::new(readers),
            }),
        })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.inner.path
    }

    /// Queues a write; the returned future resolves after its batch committed.
    fn write<T, F>(&self, work: F) -> StoreFuture<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection, &mut WriteCx) -> Result<T, StoreError> + Send + 'static,
    {
        let (reply, answer) = oneshot::channel();
        let job = TypedJob { work: Some(Box::new(work)), outcome: None, reply };
        let queued = self.inner.commands.send(Command::Job(Box::new(job)));
        Box::pin(async move {
            queued.map_err(|_| StoreError::Closed)?;
            answer.await.map_err(|_| StoreError::Closed)?
        })
    }

    /// Runs a read on a pooled connection in a blocking task.
    fn read<T, F>(&self, work: F) -> StoreFuture<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T, StoreError> + Send + 'static,
    {
        let inner = Arc::clone(&self.inner);
        Box::pin(async move { inner.readers.run(work).await })
    }
}

impl Store for SqliteStore {
    fn ensure_user(&self, user: UserId, now_secs: i64) -> StoreFuture<bool> {
        self.write(move |conn, _| account::ensure_user(conn, &user, now_secs))
    }

    fn register_account(
        &self,
        user: UserId,
        password_hash: String,
        now_secs: i64,
    ) -> StoreFuture<()> {
        self.write(move |conn, _| account::register(conn, &user, &password_hash, now_secs))
    }

    fn send_message(&self, new: NewMessage) -> StoreFuture<SendMessageResponse> {
        self.write(move |conn, cx| message::send(conn, cx, new))
    }

    fn set_message_read(
        &self,
        user: UserId,
        conversation_id: ConversationId,
    ) -> StoreFuture<SetMessageReadResponse> {
        self.write(move |conn, cx| conversation::set_read(conn, cx, &user, conversation_id))
    }

    fn delete_conversations(
        &self,
        user: UserId,
        conversation_ids: Vec<ConversationId>,
        clear_history: bool,
    ) -> StoreFuture<()> {
        self.write(move |conn, _| {
            conversation::delete(conn, &user, &conversation_ids, clear_history)
        })
    }

    fn update_profile(
        &self,
        user: UserId,
        patch: ProfilePatch,
        now_secs: i64,
    ) -> StoreFuture<Profile> {
        self.write(move |conn, cx| profile::update(conn, cx, &user, &patch, now_secs))
    }

    fn revoke_message(
        &self,
        user: UserId,
        conversation_id: ConversationId,
        message_id: String,
        now_secs: i64,
        window_secs: i64,
    ) -> StoreFuture<WireMessage> {
        self.write(move |conn, cx| {
            message_ops::revoke(
                conn,
                cx,
                &user,
                &conversation_id,
                &message_id,
                now_secs,
                window_secs,
            )
        })
    }

    fn modify_message(
        &self,
        user: UserId,
        request: ModifyMessage,
        payload_by_receiver: bool,
    ) -> StoreFuture<WireMessage> {
        self.write(move |conn, cx| {
            message_ops::modify(conn, cx, &user, request, payload_by_receiver)
        })
    }

    fn delete_messages(
        &self,
        user: UserId,
        conversation_id: ConversationId,
        message_ids: Vec<String>,
    ) -> StoreFuture<Vec<String>> {
        self.write(move |conn, _| message_ops::hide(conn, &user, &conversation_id, &message_ids))
    }

    fn message_hopping(
        &self,
        user: UserId,
        request: GetMessageListHopping,
    ) -> StoreFuture<GetMessageListHoppingResponse> {
        self.read(move |conn| {
            let tx = conn.transaction()?;
            let page = message_ops::hopping(&tx, &user, &request)?;
            tx.commit()?;
            Ok(page)
        })
    }

    fn user_exists(&self, user: UserId) -> StoreFuture<bool> {
        self.read(move |conn| account::exists(conn, &user))
    }

    fn password_hash(&self, user: UserId) -> StoreFuture<Option<String>> {
        self.read(move |conn| account::password_hash(conn, &user))
    }

    fn inbox_head(&self, user: UserId) -> StoreFuture<u64> {
        self.read(move |conn| inbox::head(conn, &user))
    }

    fn sync(
        &self,
        user: UserId,
        after: u64,
        limit: u32,
        max_bytes: usize,
    ) -> StoreFuture<SyncResponse> {
        self.read(move |conn| {
            let tx = conn.transaction()?;
            let head = inbox::head(&tx, &user)?;
            let entries = inbox::entries_after(&tx, &user, after, limit, max_bytes)?;
            tx.commit()?;
            Ok(SyncResponse { entries, head, groups: Vec::new() })
        })
    }

    fn conversation_list(&self, user: UserId) -> StoreFuture<(Vec<ConversationState>, u64)> {
        self.read(move |conn| {
            let tx = conn.transaction()?;
            let list = conversation::list(&tx, &user)?;
            let head = inbox::head(&tx, &user)?;
            tx.commit()?;
            Ok((list, head))
        })
    }

    fn message_list(
        &self,
        user: UserId,
        conversation_id: ConversationId,
        before_sequence: Option<u64>,
        count: u32,
    ) -> StoreFuture<GetMessageListResponse> {
        self.read(move |conn| {
            let tx = conn.transaction()?;
            let page = message::page(&tx, &user, &conversation_id, before_sequence, count)?;
            tx.commit()?;
            Ok(page)
        })
    }

    fn profiles(&self, users: Vec<UserId>) -> StoreFuture<Vec<Profile>> {
        self.read(move |conn| profile::load_many(conn, &users))
    }

    fn record_file(
        &self,
        file: StoredFile,
        uploader: UserId,
        refs: Vec<String>,
    ) -> StoreFuture<()> {
        self.write(move |conn, _| files::record(conn, &file, &uploader, &refs))
    }

    fn file_access(&self, user: UserId, id: String) -> StoreFuture<FileAccess> {
        self.read(move |conn| files::access(conn, &user, &id))
    }

    fn file_usage(&self, user: UserId) -> StoreFuture<FileUsage> {
        self.read(move |conn| {
            let tx = conn.transaction()?;
            let usage = files::usage(&tx, &user)?;
            tx.commit()?;
            Ok(usage)
        })
    }

    fn collect_unnamed_files(&self, cutoff_secs: i64) -> StoreFuture<Vec<StoredFile>> {
        self.write(move |conn, _| files::collect(conn, cutoff_secs))
    }

    fn session_standing(
        &self,
        user: UserId,
        serial: Option<String>,
    ) -> StoreFuture<SessionStanding> {
        self.read(move |conn| account::session_standing(conn, &user, serial.as_deref()))
    }

    fn revoke_user_sig(
        &self,
        user: UserId,
        serial: String,
        expire_at: i64,
        now_secs: i64,
    ) -> StoreFuture<()> {
        self.write(move |conn, _| account::revoke_sig(conn, &user, &serial, expire_at, now_secs))
    }

    fn bump_session_generation(&self, user: UserId, now_secs: i64) -> StoreFuture<u64> {
        self.write(move |conn, _| account::bump_generation(conn, &user, now_secs))
    }

    fn change_password(
        &self,
        user: UserId,
        password_hash: String,
        now_secs: i64,
    ) -> StoreFuture<u64> {
        self.write(move |conn, _| account::change_password(conn, &user, &password_hash, now_secs))
    }

    fn close(&self) -> StoreFuture<()> {
        let inner = Arc::clone(&self.inner);
        Box::pin(async move {
            let checkpointer = inner.checkpointer.lock().unwrap_or_else(|p| p.into_inner()).take();
            if let Some((stop, thread)) = checkpointer {
                // A send error means the thread already ended; joining tells how.
                if stop.send(()).is_err() {
                    tracing::debug!("the checkpoint thread had already stopped");
                }
                tokio::task::spawn_blocking(move || thread.join())
                    .await
                    .map_err(|e| StoreError::Task(e.to_string()))?
                    .map_err(|_| StoreError::Task("the checkpoint thread panicked".into()))?;
            }
            let (ack, acked) = oneshot::channel();
            if inner.commands.send(Command::Close(ack)).is_ok() {
                // An error means the writer already stopped; joining tells why.
                if acked.await.is_err() {
                    tracing::warn!("the writer stopped before acknowledging close");
                }
            }
            let thread = inner.writer.lock().unwrap_or_else(|p| p.into_inner()).take();
            if let Some(thread) = thread {
                tokio::task::spawn_blocking(move || thread.join())
                    .await
                    .map_err(|e| StoreError::Task(e.to_string()))?
                    .map_err(|_| StoreError::Task("the writer thread panicked".into()))?;
            }
            inner.readers.close().await;
            Ok(())
        })
    }
}

fn configure_writer(conn: &Connection) -> Result<(), StoreError> {
    conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    // Plans must not depend on bound values, or SQLite re-prepares cached
    // statements whenever a parameter it looked at changes.
    conn.set_db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true)?;
    let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(StoreError::Open {
            path: conn.path().unwrap_or("?").to_owned(),
            reason: format!("cannot switch to WAL (journal_mode is {mode})"),
        });
    }
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    // Checkpoints run on their own thread (see `checkpointer_main`), never
    // inside a commit the clients are waiting for.
    conn.pragma_update(None, "wal_autocheckpoint", 0)?;
    conn.pragma_update(None, "cache_size", WRITER_CACHE_KIB.wrapping_neg())?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    Ok(())
}

/// Runs a passive checkpoint every [`CHECKPOINT_EVERY`] until told to stop,
/// so the WAL is copied into the database beside the writer, not by it.
fn checkpointer_main(conn: Connection, stop: std::sync::mpsc::Receiver<()>) {
    // A message or a dropped sender both mean stop.
    while let Err(std::sync::mpsc::RecvTimeoutError::Timeout) = stop.recv_timeout(CHECKPOINT_EVERY)
    {
        if let Err(e) = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(())) {
            tracing::warn!(error = %e, "WAL checkpoint failed");
        }
    }
    if let Err((_, e)) = conn.close() {
        tracing::warn!(error = %e, "closing the checkpoint connection failed");
    }
}

fn open_reader(path: &Path) -> Result<Connection, StoreError> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX
            | OpenFlags::SQLITE_OPEN_URI,
    )?;
    conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    // Plans must not depend on bound values, or SQLite re-prepares cached
    // statements whenever a parameter it looked at changes.
    conn.set_db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true)?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    conn.pragma_update(None, "query_only", "ON")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    Ok(conn)
}

/// The schema version this build creates.
pub const SCHEMA_VERSION: u32 = MIGRATIONS.len() as u32;

/// Applies the migrations the database has not seen yet, each in its own
/// transaction together with the `user_version` bump.
fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    let found: u32 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if found > SCHEMA_VERSION {
        return Err(StoreError::SchemaTooNew { found, supported: SCHEMA_VERSION });
    }
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(found as usize) {
        let version = index as u32 + 1;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", version)?;
        tx.commit()?;
        tracing::info!(version, "applied database migration");
    }
    Ok(())
}

// ---------------------------------------------------------------- read pool

/// Read connections handed out one per blocking task.
struct ReadPool {
    connections: Arc<Mutex<Vec<Connection>>>,
    permits: Arc<Semaphore>,
    size: u32,
}

/// Returns a connection to the pool (then frees its permit) even when the
/// read panics or its caller stops waiting.
struct Lease {
    connection: Option<Connection>,
    pool: Arc<Mutex<Vec<Connection>>>,
    _permit: tokio::sync::OwnedSemaphorePermit,
}

impl Drop for Lease {
    fn drop(&mut self) {
        if let Some(conn) = self.connection.take() {
            self.pool.lock().unwrap_or_else(|p| p.into_inner()).push(conn);
        }
    }
}

impl ReadPool {
    fn new(connections: Vec<Connection>) -> Self {
        let size = connections.len();
        Self {
            connections: Arc::new(Mutex::new(connections)),
            permits: Arc::new(Semaphore::new(size)),
            size: u32::try_from(size).unwrap_or(u32::MAX),
        }
    }

    async fn run<T, F>(&self, work: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T, StoreError> + Send + 'static,
    {
        let permit =
            Arc::clone(&self.permits).acquire_owned().await.map_err(|_| StoreError::Closed)?;
        let connection = self.connections.lock().unwrap_or_else(|p| p.into_inner()).pop();
        // Every permit stands for one pooled connection, so one is there.
        let connection = connection.ok_or_else(|| StoreError::Task("read pool is empty".into()))?;
        let mut lease = Lease {
            connection: Some(connection),
            pool: Arc::clone(&self.connections),
            _permit: permit,
        };
        tokio::task::spawn_blocking(move || match lease.connection.as_mut() {
            Some(conn) => work(conn),
            None => Err(StoreError::Closed),
        })
        .await
        .map_err(|e| StoreError::Task(e.to_string()))?
    }

    /// Waits for running reads, then closes every connection.
    async fn close(&self) {
        if let Ok(all) = self.permits.acquire_many(self.size).await {
            all.forget();
        }
        self.permits.close();
        self.connections.lock().unwrap_or_else(|p| p.into_inner()).clear();
    }
}

// ------------------------------------------------------------------- writer

/// What the writer receives.
enum Command {
    Job(Box<dyn Job>),
    Close(oneshot::Sender<()>),
}

/// The writer's state that outlives one command: sequence caches and the
/// pushes produced by the current batch.
#[derive(Default)]
pub(crate) struct WriteCx {
    counters: Counters,
    deliveries: Vec<Delivery>,
    /// Counter for the IDs of `onlineUserOnly` messages (never stored).
    transient_ids: u64,
    /// Users known to exist (users are never removed).
    known_users: HashSet<String>,
    /// Nickname and avatar of users who sent messages, as stored.
    sender_profiles: HashMap<String, (String, String)>,
}

impl WriteCx {
    /// Whether `user` exists; positive answers are cached.
    pub(crate) fn user_exists(
        &mut self,
        conn: &Connection,
        user: &UserId,
    ) -> Result<bool, StoreError> {
        if self.known_users.contains(user.as_str()) {
            return Ok(true);
        }
        let exists = account::exists(conn, user)?;
        if exists {
            self.known_users.insert(user.as_str().to_owned());
        }
        Ok(exists)
    }

    /// The nickname and avatar stamped on `user`'s messages.
    pub(crate) fn sender_profile(
        &mut self,
        conn: &Connection,
        user: &UserId,
    ) -> Result<(String, String), StoreError> {
        if let Some(cached) = self.sender_profiles.get(user.as_str()) {
            return Ok(cached.clone());
        }
        let found = profile::load(conn, user)?.map(|p| (p.nick, p.avatar)).unwrap_or_default();
        self.sender_profiles.insert(user.as_str().to_owned(), found.clone());
        Ok(found)
    }

    /// Keeps the cached sender details in step with a profile just written.
    pub(crate) fn remember_profile(&mut self, profile: &Profile) {
        self.sender_profiles.insert(
            profile.user_id.as_str().to_owned(),
            (profile.nick.clone(), profile.avatar.clone()),
        );
    }

    /// Forgets every cache: the transaction that filled them was rolled back.
    fn reset(&mut self) {
        self.counters.reset();
        self.deliveries.clear();
        self.known_users.clear();
        self.sender_profiles.clear();
    }

    /// Queues a push for after the commit.
    pub(crate) fn push(&mut self, delivery: Delivery) {
        self.deliveries.push(delivery);
    }

    /// The next ID number for a transient message.
    pub(crate) fn next_transient_id(&mut self) -> u64 {
        self.transient_ids += 1;
        self.transient_ids
    }

    /// The next sequence of `owner`'s inbox.
    pub(crate) fn next_inbox_seq(
        &mut self,
        conn: &Connection,
        owner: &UserId,
    ) -> Result<u64, StoreError> {
        let key = owner.as_str();
        let current = match self.counters.inbox.get(key) {
            Some(seq) => *seq,
            None => inbox::head(conn, owner)?,
        };
        let previous = self.counters.inbox.insert(key.to_owned(), current + 1);
        self.counters.undo.push(Undo::Inbox(key.to_owned(), previous));
        Ok(current + 1)
    }

    /// The next message sequence of a conversation (by conversation key).
    pub(crate) fn next_conversation_seq(
        &mut self,
        conn: &Connection,
        conv_key: &str,
    ) -> Result<u64, StoreError> {
        let current = match self.counters.conversations.get(conv_key) {
            Some(seq) => *seq,
            None => conn.query_row(
                "SELECT COALESCE(MAX(sequence), 0) FROM messages WHERE conv_key = ?1",
                [conv_key],
                |r| r.get::<_, u64>(0),
            )?,
        };
        let previous = self.counters.conversations.insert(conv_key.to_owned(), current + 1);
        self.counters.undo.push(Undo::Conversation(conv_key.to_owned(), previous));
        Ok(current + 1)
    }

    /// The row number the next stored message gets.
    pub(crate) fn next_message_row(&mut self, conn: &Connection) -> Result<i64, StoreError> {
        let current = match self.counters.last_message_row {
            Some(row) => row,
            None => conn.query_row("SELECT COALESCE(MAX(id), 0) FROM messages", [], |r| {
                r.get::<_, i64>(0)
            })?,
        };
        self.counters.undo.push(Undo::MessageRow(self.counters.last_message_row));
        self.counters.last_message_row = Some(current + 1);
        Ok(current + 1)
    }
}

/// Cached counters plus the undo log of the command being run.
#[derive(Default)]
struct Counters {
    inbox: HashMap<String, u64>,
    conversations: HashMap<String, u64>,
    last_message_row: Option<i64>,
    undo: Vec<Undo>,
}

enum Undo {
    Inbox(String, Option<u64>),
    Conversation(String, Option<u64>),
    MessageRow(Option<i64>),
}

impl Counters {
    /// The command's savepoint was released: keep its counter changes.
    fn keep(&mut self) {
        self.undo.clear();
    }

    /// The command's savepoint was rolled back: restore the counters.
    fn roll_back(&mut self) {
        while let Some(undo) = self.undo.pop() {
            match undo {
                Undo::Inbox(key, Some(v)) => {
                    self.inbox.insert(key, v);
                }
                Undo::Inbox(key, None) => {
                    self.inbox.remove(&key);
                }
                Undo::Conversation(key, Some(v)) => {
                    self.conversations.insert(key, v);
                }
                Undo::Conversation(key, None) => {
                    self.conversations.remove(&key);
                }
                Undo::MessageRow(v) => self.last_message_row = v,
            }
        }
    }

    /// The whole transaction failed: forget everything and reload on use.
    fn reset(&mut self) {
        *self = Self::default();
    }
}

type Work<T> = Box<dyn FnOnce(&Connection, &mut WriteCx) -> Result<T, StoreError> + Send>;

/// How a write went inside its batch.
enum Ran {
    /// It wrote what it had to.
    Done,
    /// It was refused before writing anything (see [`StoreError::is_rejection`]).
    Rejected,
    /// It failed after it may have written: the whole batch must roll back.
    Failed(String),
}

/// A queued write, type-erased for the writer.
trait Job: Send {
    /// Runs the write's statements.
    fn run(&mut self, conn: &Connection, cx: &mut WriteCx) -> Ran;
    /// Answers the requester once the batch is settled.
    fn finish(self: Box<Self>, commit: Result<(), &StoreError>);
}

struct TypedJob<T> {
    work: Option<Work<T>>,
    outcome: Option<Result<T, StoreError>>,
    reply: oneshot::Sender<Result<T, StoreError>>,
}

impl<T: Send + 'static> Job for TypedJob<T> {
    fn run(&mut self, conn: &Connection, cx: &mut WriteCx) -> Ran {
        let Some(work) = self.work.take() else { return Ran::Failed("job ran twice".into()) };
        let outcome = work(conn, cx);
        let ran = match &outcome {
            Ok(_) => Ran::Done,
            Err(e) if e.is_rejection() => Ran::Rejected,
            Err(e) => Ran::Failed(e.to_string()),
        };
        self.outcome = Some(outcome);
        ran
    }

    fn finish(self: Box<Self>, commit: Result<(), &StoreError>) {
        let result = match (self.outcome, commit) {
            (Some(Err(e)), _) if e.is_rejection() => Err(e),
            (Some(Ok(value)), Ok(())) => Ok(value),
            (Some(Err(e)), Ok(())) => Err(e),
            (Some(_), Err(e)) => Err(StoreError::CommitFailed(e.to_string())),
            (None, Ok(())) => Err(StoreError::Closed),
            (None, Err(e)) => Err(StoreError::CommitFailed(e.to_string())),
        };
        if self.reply.send(result).is_err() {
            tracing::trace!("a write's requester stopped waiting for its answer");
        }
    }
}

fn writer_main(
    mut conn: Connection,
    mut commands: mpsc::UnboundedReceiver<Command>,
    max_batch: usize,
    fanout: Arc<dyn Fanout>,
) {
    let mut cx = WriteCx::default();
    let mut close_ack = None;
    while close_ack.is_none() {
        let Some(first) = commands.blocking_recv() else { break };
        let mut jobs = Vec::new();
        let mut next = Some(first);
        while let Some(command) = next.take() {
            match command {
                Command::Job(job) => jobs.push(job),
                Command::Close(ack) => {
                    close_ack = Some(ack);
                    break;
                }
            }
            if jobs.len() >= max_batch {
                break;
            }
            next = commands.try_recv().ok();
        }
        if !jobs.is_empty() {
            run_batch(&mut conn, &mut cx, jobs, fanout.as_ref());
        }
    }
    // Whatever was queued after the close request is refused.
    commands.close();
    while let Ok(command) = commands.try_recv() {
        match command {
            Command::Job(job) => job.finish(Err(&StoreError::Closed)),
            Command::Close(ack) => close_ack_send(ack),
        }
    }
    if let Err(e) = conn.pragma_update(None, "wal_checkpoint", "TRUNCATE") {
        tracing::warn!(error = %e, "WAL checkpoint at close failed");
    }
    if let Err((_, e)) = conn.close() {
        tracing::error!(error = %e, "closing the write connection failed");
    }
    if let Some(ack) = close_ack {
        close_ack_send(ack);
    }
}

fn close_ack_send(ack: oneshot::Sender<()>) {
    if ack.send(()).is_err() {
        tracing::debug!("nobody waits for the store's close acknowledgement");
    }
}

fn run_batch(
    conn: &mut Connection,
    cx: &mut WriteCx,
    jobs: Vec<Box<dyn Job>>,
    fanout: &dyn Fanout,
) {
    // No savepoint per write: a write either is refused before it writes
    // anything (a rejection: its counters and pushes are undone, the rest
    // of the batch goes on) or fails after it may have written, which rolls
    // the whole batch back and fails every write in it (clients retry; a
    // resent message is deduplicated by its random). Savepoints made SQLite
    // copy every page a write touched into a sub-journal.
    let mut jobs = jobs;
    let settled = (|| -> Result<(), StoreError> {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        for job in &mut jobs {
            let mark = cx.deliveries.len();
            match job.run(&tx, cx) {
                Ran::Done => cx.counters.keep(),
                Ran::Rejected => {
                    cx.counters.roll_back();
                    cx.deliveries.truncate(mark);
                }
                Ran::Failed(why) => return Err(StoreError::CommitFailed(why)),
            }
        }
        tx.commit()?;
        Ok(())
    })();
    match settled {
        Ok(()) => {
            let deliveries = std::mem::take(&mut cx.deliveries);
            if !deliveries.is_empty() {
                fanout.deliver(deliveries);
            }
            for job in jobs {
                job.finish(Ok(()));
            }
        }
        Err(e) => {
            tracing::error!(error = %e, jobs = jobs.len(), "a write batch failed and was rolled back");
            cx.reset();
            for job in jobs {
                job.finish(Err(&e));
            }
        }
    }
}

/// Key of the C2C conversation between two users, the same from both sides.
pub(crate) fn c2c_key(a: &UserId, b: &UserId) -> String {
    let (first, second) = if a <= b { (a, b) } else { (b, a) };
    format!("c2c:{first}\u{0}{second}")
}

#[cfg(test)]
mod tests;
