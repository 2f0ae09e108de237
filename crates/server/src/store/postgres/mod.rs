//! The PostgreSQL backend, for several confabd nodes sharing one database:
//! the primitives of [`crate::store::WriteTx`] as SQL on one writer thread
//! per node ([`writer`]), reads on a small pool of connections, and the
//! schema with its migrations ([`schema`]). Each area file (`account.rs`,
//! `message.rs`, …) holds the primitives and reads of its tables, mirroring
//! the SQLite backend's file of the same name; none holds a rule.
//!
//! Every node's writer takes the cluster's write lock (a transaction-scoped
//! advisory lock) at the start of each batch, so batches of all nodes apply
//! one after another and sequences stay gap-free without a rule knowing
//! there are several nodes. The synchronous `postgres` client is used on
//! threads, like SQLite's connections, so the rule code stays synchronous.

mod account;
mod conversation;
mod extension;
mod files;
mod group;
mod inbox;
mod message;
mod profile;
mod receipt;
mod relation;
mod schema;
mod timeline;
mod topic;
mod writer;

pub use schema::SCHEMA_VERSION;

use super::{
    AccountRead, ConversationRead, FileAccess, FileRead, FileUsage, GroupRead, InboxRead,
    MemberRecord, MessageRead, ProfileRead, RelationRead, SessionStanding, Store, StoreError,
    StoreFuture, TimelineRead, TopicMemberRecord, TopicRead, WriteJob,
};
use crate::fanout::Fanout;
use crate::store::pool::ReadPool;
use confab_proto::conversation::ConversationState;
use confab_proto::group::{
    GroupApplication, GroupAttributes, GroupCounters, GroupMember, GroupProfile,
};
use confab_proto::inbox::TimelinePage;
use confab_proto::ops::{
    GetMessageListHopping, GetMessageListHoppingResponse, GetMessageListResponse, SyncResponse,
};
use confab_proto::profile::Profile;
use confab_proto::topic::TopicProfile;
use confab_proto::{ConversationId, GroupId, UserId};
use postgres::types::ToSql;
use postgres::{Client, NoTls, Row, Statement};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tokio::sync::{mpsc, oneshot};
use writer::Command;

/// Read connections each node keeps open.
const READ_CONNECTIONS: usize = 4;

/// The PostgreSQL implementation of [`Store`].
pub struct PgStore {
    inner: Arc<Inner>,
}

struct Inner {
    url: String,
    commands: mpsc::UnboundedSender<Command>,
    writer: Mutex<Option<std::thread::JoinHandle<()>>>,
    readers: ReadPool<PgConn>,
}

impl PgStore {
    /// Connects to the database at `url` (a libpq URL such as
    /// `postgres://confab@db.internal/confab`), applies pending migrations
    /// (once, whichever node comes first) and starts this node's writer
    /// thread. This blocks on I/O; in async code call it through
    /// `spawn_blocking`.
    pub fn open(url: &str, max_batch: usize, fanout: Arc<dyn Fanout>) -> Result<Self, StoreError> {
        let open_err =
            |e: StoreError| StoreError::Open { path: redact(url), reason: e.to_string() };
        let mut writer = PgConn::connect(url).map_err(open_err)?;
        schema::migrate(&mut writer).map_err(|e| match e {
            StoreError::SchemaTooNew { .. } => e,
            other => open_err(other),
        })?;
        let mut readers = Vec::with_capacity(READ_CONNECTIONS);
        for _ in 0..READ_CONNECTIONS {
            readers.push(PgConn::connect(url).map_err(open_err)?);
        }
        let (commands, receiver) = mpsc::unbounded_channel();
        let state = writer::Writer {
            url: url.to_owned(),
            conn: Some(writer),
            max_batch: max_batch.max(1),
            fanout,
        };
        let thread = std::thread::Builder::new()
            .name("confab-pg-writer".into())
            .spawn(move || writer::writer_main(state, receiver))
            .map_err(|e| StoreError::Open {
                path: redact(url),
                reason: format!("cannot start the writer thread: {e}"),
            })?;
        Ok(Self {
            inner: Arc::new(Inner {
                url: url.to_owned(),
                commands,
                writer: Mutex::new(Some(thread)),
                readers: ReadPool::new(readers),
            }),
        })
    }

    /// Runs a read on a pooled connection in a blocking task, connecting
    /// it again first when it broke.
    fn read<T, F>(&self, work: F) -> StoreFuture<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Cx<'_>) -> Result<T, StoreError> + Send + 'static,
    {
        let inner = Arc::clone(&self.inner);
        Box::pin(async move {
            let url = inner.url.clone();
            inner
                .readers
                .run(move |conn| {
                    if conn.is_closed() {
                        *conn = PgConn::connect(&url)
                            .map_err(|e| StoreError::Unavailable(e.to_string()))?;
                    }
                    work(&mut conn.cx()?)
                })
                .await
        })
    }

    /// Runs a read in one read-only transaction (one consistent snapshot).
    fn read_tx<T, F>(&self, work: F) -> StoreFuture<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Cx<'_>) -> Result<T, StoreError> + Send + 'static,
    {
        self.read(move |cx| {
            cx.batch("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")?;
            match work(cx) {
                Ok(value) => {
                    cx.batch("COMMIT")?;
                    Ok(value)
                }
                Err(e) => {
                    if let Err(rollback) = cx.batch("ROLLBACK") {
                        tracing::debug!(error = %rollback, "rolling back a failed read failed");
                    }
                    Err(e)
                }
            }
        })
    }
}

/// A database URL (`postgres://user:password@host/db` or a key=value
/// string) without its password, for messages and logs.
pub fn redact(url: &str) -> String {
    if !url.contains("://") {
        return url
            .split_whitespace()
            .map(|kv| if kv.starts_with("password=") { "password=***" } else { kv })
            .collect::<Vec<_>>()
            .join(" ");
    }
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let credentials = &url[scheme + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

impl AccountRead for PgStore {
    fn user_exists(&self, user: UserId) -> StoreFuture<bool> {
        self.read(move |cx| account::exists(cx, &user))
    }

    fn custom_statuses(&self, users: Vec<UserId>) -> StoreFuture<Vec<(UserId, Option<String>)>> {
        self.read(move |cx| account::custom_statuses(cx, &users))
    }

    fn password_hash(&self, user: UserId) -> StoreFuture<Option<String>> {
        self.read(move |cx| account::password_hash(cx, &user))
    }

    fn session_standing(
        &self,
        user: UserId,
        serial: Option<String>,
    ) -> StoreFuture<SessionStanding> {
        self.read(move |cx| account::session_standing(cx, &user, serial.as_deref()))
    }
}

impl ProfileRead for PgStore {
    fn profiles(&self, users: Vec<UserId>) -> StoreFuture<Vec<Profile>> {
        self.read(move |cx| profile::load_many(cx, &users))
    }
}

impl RelationRead for PgStore {
    fn blacklist(&self, user: UserId) -> StoreFuture<Vec<UserId>> {
        self.read(move |cx| relation::blacklist(cx, &user))
    }

    fn friends(
        &self,
        user: UserId,
        only: Option<Vec<UserId>>,
    ) -> StoreFuture<Vec<confab_proto::relation::Friend>> {
        self.read_tx(move |cx| relation::friends(cx, &user, only.as_deref()))
    }

    fn friend_relations(
        &self,
        user: UserId,
        others: Vec<UserId>,
    ) -> StoreFuture<Vec<crate::store::FriendRelation>> {
        self.read_tx(move |cx| relation::relations(cx, &user, &others))
    }

    fn friend_requests(
        &self,
        user: UserId,
    ) -> StoreFuture<confab_proto::relation::FriendApplicationListResponse> {
        self.read(move |cx| relation::requests(cx, &user))
    }

    fn friend_groups(&self, user: UserId) -> StoreFuture<Vec<confab_proto::relation::FriendGroup>> {
        self.read_tx(move |cx| relation::friend_groups(cx, &user))
    }
}

impl InboxRead for PgStore {
    fn inbox_head(&self, user: UserId) -> StoreFuture<u64> {
        self.read(move |cx| inbox::head(cx, &user))
    }

    fn sync(
        &self,
        user: UserId,
        after: u64,
        limit: u32,
        max_bytes: usize,
    ) -> StoreFuture<SyncResponse> {
        self.read_tx(move |cx| {
            let head = inbox::head(cx, &user)?;
            let entries = inbox::entries_after(cx, &user, after, limit, max_bytes)?;
            Ok(SyncResponse { entries, head, groups: Vec::new() })
        })
    }
}

impl TimelineRead for PgStore {
    fn timeline_page(
        &self,
        group_id: String,
        after: u64,
        limit: u32,
        max_bytes: usize,
    ) -> StoreFuture<TimelinePage> {
        self.read_tx(move |cx| timeline::page(cx, group_id, after, limit, max_bytes))
    }

    fn timeline_pages(
        &self,
        cursors: Vec<(String, u64)>,
        limit: u32,
        max_bytes: usize,
    ) -> StoreFuture<Vec<TimelinePage>> {
        self.read_tx(move |cx| timeline::pages(cx, cursors, limit, max_bytes))
    }
}

impl TopicRead for PgStore {
    fn topics(&self, group: GroupId) -> StoreFuture<Vec<TopicProfile>> {
        self.read_tx(move |cx| topic::topics(cx, &group))
    }

    fn topic(&self, topic_id: String) -> StoreFuture<Option<(GroupId, TopicProfile)>> {
        self.read_tx(move |cx| topic::topic(cx, &topic_id))
    }

    fn topic_member(&self, topic_id: String, user: UserId) -> StoreFuture<TopicMemberRecord> {
        self.read(move |cx| topic::member(cx, &topic_id, &user))
    }

    fn topic_members_of(&self, user: UserId) -> StoreFuture<Vec<(String, TopicMemberRecord)>> {
        self.read(move |cx| topic::members_of(cx, &user))
    }
}

impl GroupRead for PgStore {
    fn group(&self, id: GroupId) -> StoreFuture<Option<GroupProfile>> {
        self.read_tx(move |cx| group::group(cx, &id))
    }

    fn member(&self, id: GroupId, user: UserId) -> StoreFuture<Option<MemberRecord>> {
        self.read(move |cx| group::member(cx, &id, &user))
    }

    fn memberships(&self, user: UserId) -> StoreFuture<Vec<(GroupProfile, MemberRecord)>> {
        self.read_tx(move |cx| group::memberships(cx, &user))
    }

    fn group_values(&self, id: GroupId) -> StoreFuture<(GroupAttributes, GroupCounters)> {
        self.read_tx(move |cx| Ok((group::attributes(cx, &id)?, group::counters(cx, &id)?)))
    }

    fn group_applications(&self, user: UserId) -> StoreFuture<Vec<GroupApplication>> {
        self.read_tx(move |cx| group::applications(cx, &user))
    }

    fn members_page(&self, id: GroupId, offset: u64, count: u32) -> StoreFuture<Vec<GroupMember>> {
        self.read_tx(move |cx| group::members_page(cx, &id, offset, count))
    }

    fn members_after(
        &self,
        id: GroupId,
        after: Option<(i64, UserId)>,
        count: u32,
    ) -> StoreFuture<Vec<GroupMember>> {
        self.read_tx(move |cx| group::members_after(cx, &id, after.as_ref(), count))
    }

    fn members_of(&self, id: GroupId, users: Vec<UserId>) -> StoreFuture<Vec<GroupMember>> {
        self.read_tx(move |cx| group::members_of(cx, &id, &users))
    }

    fn group_conversations(&self, user: UserId) -> StoreFuture<Vec<ConversationState>> {
        self.read_tx(move |cx| group::conversations(cx, &user))
    }

    fn group_messages(
        &self,
        id: GroupId,
        reader: UserId,
        after: u64,
        before_sequence: Option<u64>,
        count: u32,
    ) -> StoreFuture<GetMessageListResponse> {
        self.read_tx(move |cx| group::messages(cx, &id, &reader, after, before_sequence, count))
    }
}

impl ConversationRead for PgStore {
    fn conversation_list(&self, user: UserId) -> StoreFuture<(Vec<ConversationState>, u64)> {
        self.read_tx(move |cx| {
            let list = conversation::list(cx, &user)?;
            let head = inbox::head(cx, &user)?;
            Ok((list, head))
        })
    }

    fn conversation_settings(
        &self,
        user: UserId,
    ) -> StoreFuture<Vec<confab_proto::conversation::ConversationSettings>> {
        self.read(move |cx| conversation::all_settings(cx, &user))
    }

    fn conversation_groups(
        &self,
        user: UserId,
    ) -> StoreFuture<Vec<confab_proto::conversation::ConversationGroup>> {
        self.read_tx(move |cx| conversation::groups(cx, &user))
    }
}

impl MessageRead for PgStore {
    fn message_list(
        &self,
        user: UserId,
        conversation_id: ConversationId,
        before_sequence: Option<u64>,
        count: u32,
    ) -> StoreFuture<GetMessageListResponse> {
        self.read_tx(move |cx| message::page(cx, &user, &conversation_id, before_sequence, count))
    }

    fn message_hopping(
        &self,
        user: UserId,
        request: GetMessageListHopping,
    ) -> StoreFuture<GetMessageListHoppingResponse> {
        self.read_tx(move |cx| message::hopping(cx, &user, &request))
    }

    fn read_receipts(
        &self,
        user: UserId,
        conversation_id: ConversationId,
        message_ids: Vec<String>,
    ) -> StoreFuture<Vec<confab_proto::receipt::ReadReceipt>> {
        self.read_tx(move |cx| receipt::receipts(cx, &user, &conversation_id, &message_ids))
    }

    fn read_receipt_members(
        &self,
        user: UserId,
        request: confab_proto::receipt::GetGroupMessageReadMemberList,
    ) -> StoreFuture<confab_proto::receipt::ReadMemberListResponse> {
        self.read_tx(move |cx| receipt::members(cx, &user, &request))
    }
}

impl FileRead for PgStore {
    fn file_access(&self, user: UserId, id: String) -> StoreFuture<FileAccess> {
        self.read(move |cx| files::access(cx, &user, &id))
    }

    fn file_usage(&self, user: UserId) -> StoreFuture<FileUsage> {
        self.read_tx(move |cx| files::usage(cx, &user))
    }
}

impl Store for PgStore {
    fn submit(&self, job: Box<dyn WriteJob>) {
        if let Err(mpsc::error::SendError(Command::Job(job))) =
            self.inner.commands.send(Command::Job(job))
        {
            job.finish(Err(&StoreError::Closed));
        }
    }

    fn close(&self) -> StoreFuture<()> {
        let inner = Arc::clone(&self.inner);
        Box::pin(async move {
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

impl From<postgres::Error> for StoreError {
    /// The server's own message (with its SQLSTATE) for errors it reported;
    /// a broken or refused connection is [`StoreError::Unavailable`].
    fn from(e: postgres::Error) -> Self {
        if let Some(db) = e.as_db_error() {
            let code = db.code();
            // Class 57 (operator intervention: shutting down, restarting) and
            // class 08 (connection exceptions) mean the database is away.
            if code.code().starts_with("57") || code.code().starts_with("08") {
                return Self::Unavailable(db.message().to_owned());
            }
            return Self::Backend(match db.detail() {
                Some(detail) => format!("{} ({}): {detail}", db.message(), code.code()),
                None => format!("{} ({})", db.message(), code.code()),
            });
        }
        if e.is_closed() || std::error::Error::source(&e).is_some_and(|s| s.is::<std::io::Error>())
        {
            return Self::Unavailable(e.to_string());
        }
        Self::Backend(e.to_string())
    }
}

/// A parameter of a statement.
pub(super) type Param<'a> = &'a (dyn ToSql + Sync);

/// One connection and the statements prepared on it.
pub(super) struct PgConn {
    /// Always `Some` until dropped.
    client: Option<Client>,
    statements: HashMap<String, Statement>,
}

impl PgConn {
    /// Connects to the database at `url` (a libpq URL or key=value string).
    /// Blocks: call it on a thread that is not running async tasks.
    pub(super) fn connect(url: &str) -> Result<Self, StoreError> {
        let client = Client::connect(url, NoTls)?;
        Ok(Self { client: Some(client), statements: HashMap::new() })
    }

    /// Whether the connection broke (the server restarted or went away).
    pub(super) fn is_closed(&self) -> bool {
        self.client.as_ref().is_none_or(Client::is_closed)
    }

    /// The connection as the area files use it.
    pub(super) fn cx(&mut self) -> Result<Cx<'_>, StoreError> {
        match self.client.as_mut() {
            Some(client) => Ok(Cx { client, statements: &mut self.statements }),
            None => Err(StoreError::Closed),
        }
    }
}

impl Drop for PgConn {
    /// A `postgres::Client` owns a small runtime, which may not be dropped
    /// on a thread that runs async tasks (a store dropped in async code), so
    /// it is dropped on a thread of its own.
    fn drop(&mut self) {
        if let Some(client) = self.client.take() {
            let dropped = std::thread::Builder::new()
                .name("confab-pg-close".into())
                .spawn(move || drop(client));
            if let Err(e) = dropped {
                tracing::warn!(error = %e, "cannot start a thread to close a connection");
            }
        }
    }
}

/// What the area files run their SQL on: a connection (in the writer's
/// open transaction, or a read's) with its cache of prepared statements.
/// Parameters are `$1`, `$2`, …; every integer column is BIGINT (`i64`).
pub(super) struct Cx<'a> {
    client: &'a mut Client,
    statements: &'a mut HashMap<String, Statement>,
}

impl Cx<'_> {
    /// The statement for `sql`, prepared once per connection.
    fn statement(&mut self, sql: &str) -> Result<Statement, StoreError> {
        if let Some(statement) = self.statements.get(sql) {
            return Ok(statement.clone());
        }
        let statement = self.client.prepare(sql)?;
        self.statements.insert(sql.to_owned(), statement.clone());
        Ok(statement)
    }

    /// Runs a statement; the number of rows it changed.
    pub(super) fn execute(&mut self, sql: &str, params: &[Param<'_>]) -> Result<u64, StoreError> {
        let statement = self.statement(sql)?;
        Ok(self.client.execute(&statement, params)?)
    }

    /// Every row a query returns.
    pub(super) fn query(
        &mut self,
        sql: &str,
        params: &[Param<'_>],
    ) -> Result<Vec<Row>, StoreError> {
        let statement = self.statement(sql)?;
        Ok(self.client.query(&statement, params)?)
    }

    /// The one row a query returns (an error when there is none).
    pub(super) fn query_one(&mut self, sql: &str, params: &[Param<'_>]) -> Result<Row, StoreError> {
        let statement = self.statement(sql)?;
        Ok(self.client.query_one(&statement, params)?)
    }

    /// The row a query returns, if any (an error when there are several).
    pub(super) fn query_opt(
        &mut self,
        sql: &str,
        params: &[Param<'_>],
    ) -> Result<Option<Row>, StoreError> {
        let statement = self.statement(sql)?;
        Ok(self.client.query_opt(&statement, params)?)
    }

    /// Runs SQL text without parameters (several statements allowed).
    pub(super) fn batch(&mut self, sql: &str) -> Result<(), StoreError> {
        Ok(self.client.batch_execute(sql)?)
    }
}

/// A conversation key as stored. PostgreSQL text cannot hold NUL, which
/// separates the two users of a C2C key, so `\` is stored as `\\` and NUL
/// as `\0` (reversed by [`key_from_db`]).
pub(super) fn db_key(key: &str) -> String {
    key.replace('\\', "\\\\").replace('\0', "\\0")
}

/// A conversation key as the rules know it, from its stored form.
pub(super) fn key_from_db(stored: &str) -> String {
    let mut key = String::with_capacity(stored.len());
    let mut chars = stored.chars();
    while let Some(c) = chars.next() {
        match (c, c == '\\') {
            (_, true) => match chars.next() {
                Some('0') => key.push('\0'),
                Some(other) => key.push(other),
                None => key.push('\\'),
            },
            (c, false) => key.push(c),
        }
    }
    key
}

/// [`crate::store::c2c_key`] as stored.
pub(super) fn c2c_key(a: &UserId, b: &UserId) -> String {
    db_key(&crate::store::c2c_key(a, b))
}

/// [`crate::store::group_key`] as stored.
pub(super) fn group_key(group_id: &str) -> String {
    db_key(&crate::store::group_key(group_id))
}

/// A stored BIGINT as the unsigned number it holds (sequences, sizes).
pub(super) fn to_u64(value: i64) -> Result<u64, StoreError> {
    u64::try_from(value).map_err(|_| StoreError::Corrupt(format!("negative stored number {value}")))
}

/// An unsigned number as the BIGINT it is stored as.
pub(super) fn to_i64(value: u64) -> Result<i64, StoreError> {
    i64::try_from(value).map_err(|_| StoreError::Corrupt(format!("number {value} is out of range")))
}

#[cfg(test)]
mod tests;
