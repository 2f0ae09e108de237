//! The embedded SQLite backend: the primitives of [`crate::store::WriteTx`]
//! as SQL on one writer thread ([`writer`]), reads on a small pool of
//! read connections ([`pool`]), and the schema with its migrations
//! ([`schema`]). Each area file (`account.rs`, `message.rs`, …) holds the
//! primitives and reads of its tables; none holds a rule.

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
use confab_proto::GroupId;
use confab_proto::{ConversationId, UserId};
use rusqlite::Connection;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use tokio::sync::{mpsc, oneshot};
use writer::Command;

/// Read connections kept open.
const READ_CONNECTIONS: usize = 4;

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        Self::Backend(e.to_string())
    }
}

/// The SQLite implementation of [`Store`].
pub struct SqliteStore {
    inner: Arc<Inner>,
}

struct Inner {
    path: PathBuf,
    commands: mpsc::UnboundedSender<Command>,
    writer: Mutex<Option<std::thread::JoinHandle<()>>>,
    checkpointer: Mutex<Option<(std::sync::mpsc::Sender<()>, std::thread::JoinHandle<()>)>>,
    readers: ReadPool<Connection>,
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
        schema::configure_writer(&writer)?;
        schema::migrate(&mut writer)?;
        let mut readers = Vec::with_capacity(READ_CONNECTIONS);
        for _ in 0..READ_CONNECTIONS {
            readers.push(schema::open_reader(path)?);
        }
        let checkpoint_conn = Connection::open(path)?;
        checkpoint_conn.busy_timeout(schema::BUSY_TIMEOUT)?;
        let (stop_checkpoints, checkpoint_stop) = std::sync::mpsc::channel();
        let checkpointer = std::thread::Builder::new()
            .name("confab-checkpoint".into())
            .spawn(move || writer::checkpointer_main(checkpoint_conn, checkpoint_stop))
            .map_err(|e| open_err(format!("cannot start the checkpoint thread: {e}")))?;
        let (commands, receiver) = mpsc::unbounded_channel();
        let max_batch = max_batch.max(1);
        let thread = std::thread::Builder::new()
            .name("confab-writer".into())
            .spawn(move || writer::writer_main(writer, receiver, max_batch, fanout))
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

    /// Runs a read on a pooled connection in a blocking task.
    fn read<T, F>(&self, work: F) -> StoreFuture<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T, StoreError> + Send + 'static,
    {
        let inner = Arc::clone(&self.inner);
        Box::pin(async move { inner.readers.run(work).await })
    }

    /// Runs a read in one read transaction (one consistent snapshot).
    fn read_tx<T, F>(&self, work: F) -> StoreFuture<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T, StoreError> + Send + 'static,
    {
        self.read(move |conn| {
            let tx = conn.transaction()?;
            let value = work(&tx)?;
            tx.commit()?;
            Ok(value)
        })
    }
}

impl AccountRead for SqliteStore {
    fn user_exists(&self, user: UserId) -> StoreFuture<bool> {
        self.read(move |conn| account::exists(conn, &user))
    }

    fn custom_statuses(&self, users: Vec<UserId>) -> StoreFuture<Vec<(UserId, Option<String>)>> {
        self.read(move |conn| account::custom_statuses(conn, &users))
    }

    fn password_hash(&self, user: UserId) -> StoreFuture<Option<String>> {
        self.read(move |conn| account::password_hash(conn, &user))
    }

    fn session_standing(
        &self,
        user: UserId,
        serial: Option<String>,
    ) -> StoreFuture<SessionStanding> {
        self.read(move |conn| account::session_standing(conn, &user, serial.as_deref()))
    }
}

impl ProfileRead for SqliteStore {
    fn profiles(&self, users: Vec<UserId>) -> StoreFuture<Vec<Profile>> {
        self.read(move |conn| profile::load_many(conn, &users))
    }
}

impl RelationRead for SqliteStore {
    fn blacklist(&self, user: UserId) -> StoreFuture<Vec<UserId>> {
        self.read(move |conn| relation::blacklist(conn, &user))
    }

    fn friends(
        &self,
        user: UserId,
        only: Option<Vec<UserId>>,
    ) -> StoreFuture<Vec<confab_proto::relation::Friend>> {
        self.read_tx(move |conn| relation::friends(conn, &user, only.as_deref()))
    }

    fn friend_relations(
        &self,
        user: UserId,
        others: Vec<UserId>,
    ) -> StoreFuture<Vec<super::FriendRelation>> {
        self.read_tx(move |conn| relation::relations(conn, &user, &others))
    }

    fn friend_requests(
        &self,
        user: UserId,
    ) -> StoreFuture<confab_proto::relation::FriendApplicationListResponse> {
        self.read(move |conn| relation::requests(conn, &user))
    }

    fn friend_groups(&self, user: UserId) -> StoreFuture<Vec<confab_proto::relation::FriendGroup>> {
        self.read_tx(move |conn| relation::friend_groups(conn, &user))
    }
}

impl InboxRead for SqliteStore {
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
        self.read_tx(move |tx| {
            let head = inbox::head(tx, &user)?;
            let entries = inbox::entries_after(tx, &user, after, limit, max_bytes)?;
            Ok(SyncResponse { entries, head, groups: Vec::new() })
        })
    }
}

impl TimelineRead for SqliteStore {
    fn timeline_page(
        &self,
        group_id: String,
        after: u64,
        limit: u32,
        max_bytes: usize,
    ) -> StoreFuture<TimelinePage> {
        self.read_tx(move |tx| timeline::page(tx, group_id, after, limit, max_bytes))
    }

    fn timeline_pages(
        &self,
        cursors: Vec<(String, u64)>,
        limit: u32,
        max_bytes: usize,
    ) -> StoreFuture<Vec<TimelinePage>> {
        self.read_tx(move |tx| timeline::pages(tx, cursors, limit, max_bytes))
    }
}

impl TopicRead for SqliteStore {
    fn topics(&self, group: GroupId) -> StoreFuture<Vec<TopicProfile>> {
        self.read_tx(move |tx| topic::topics(tx, &group))
    }

    fn topic(&self, topic_id: String) -> StoreFuture<Option<(GroupId, TopicProfile)>> {
        self.read_tx(move |tx| topic::topic(tx, &topic_id))
    }

    fn topic_member(&self, topic_id: String, user: UserId) -> StoreFuture<TopicMemberRecord> {
        self.read(move |conn| topic::member(conn, &topic_id, &user))
    }

    fn topic_members_of(&self, user: UserId) -> StoreFuture<Vec<(String, TopicMemberRecord)>> {
        self.read(move |conn| topic::members_of(conn, &user))
    }
}

impl GroupRead for SqliteStore {
    fn group(&self, id: GroupId) -> StoreFuture<Option<GroupProfile>> {
        self.read_tx(move |tx| group::group(tx, &id))
    }

    fn member(&self, id: GroupId, user: UserId) -> StoreFuture<Option<MemberRecord>> {
        self.read(move |conn| group::member(conn, &id, &user))
    }

    fn memberships(&self, user: UserId) -> StoreFuture<Vec<(GroupProfile, MemberRecord)>> {
        self.read_tx(move |tx| group::memberships(tx, &user))
    }

    fn group_values(&self, id: GroupId) -> StoreFuture<(GroupAttributes, GroupCounters)> {
        self.read_tx(move |tx| Ok((group::attributes(tx, &id)?, group::counters(tx, &id)?)))
    }

    fn group_applications(&self, user: UserId) -> StoreFuture<Vec<GroupApplication>> {
        self.read_tx(move |tx| group::applications(tx, &user))
    }

    fn members_page(&self, id: GroupId, offset: u64, count: u32) -> StoreFuture<Vec<GroupMember>> {
        self.read_tx(move |tx| group::members_page(tx, &id, offset, count))
    }

    fn members_after(
        &self,
        id: GroupId,
        after: Option<(i64, UserId)>,
        count: u32,
    ) -> StoreFuture<Vec<GroupMember>> {
        self.read_tx(move |tx| group::members_after(tx, &id, after.as_ref(), count))
    }

    fn members_of(&self, id: GroupId, users: Vec<UserId>) -> StoreFuture<Vec<GroupMember>> {
        self.read_tx(move |tx| group::members_of(tx, &id, &users))
    }

    fn group_conversations(&self, user: UserId) -> StoreFuture<Vec<ConversationState>> {
        self.read_tx(move |tx| group::conversations(tx, &user))
    }

    fn group_messages(
        &self,
        id: GroupId,
        reader: UserId,
        after: u64,
        before_sequence: Option<u64>,
        count: u32,
    ) -> StoreFuture<GetMessageListResponse> {
        self.read_tx(move |tx| group::messages(tx, &id, &reader, after, before_sequence, count))
    }
}

impl ConversationRead for SqliteStore {
    fn conversation_list(&self, user: UserId) -> StoreFuture<(Vec<ConversationState>, u64)> {
        self.read_tx(move |tx| {
            let list = conversation::list(tx, &user)?;
            let head = inbox::head(tx, &user)?;
            Ok((list, head))
        })
    }

    fn conversation_settings(
        &self,
        user: UserId,
    ) -> StoreFuture<Vec<confab_proto::conversation::ConversationSettings>> {
        self.read(move |conn| conversation::all_settings(conn, &user))
    }

    fn conversation_groups(
        &self,
        user: UserId,
    ) -> StoreFuture<Vec<confab_proto::conversation::ConversationGroup>> {
        self.read_tx(move |conn| conversation::groups(conn, &user))
    }
}

impl MessageRead for SqliteStore {
    fn message_list(
        &self,
        user: UserId,
        conversation_id: ConversationId,
        before_sequence: Option<u64>,
        count: u32,
    ) -> StoreFuture<GetMessageListResponse> {
        self.read_tx(move |tx| message::page(tx, &user, &conversation_id, before_sequence, count))
    }

    fn message_hopping(
        &self,
        user: UserId,
        request: GetMessageListHopping,
    ) -> StoreFuture<GetMessageListHoppingResponse> {
        self.read_tx(move |tx| message::hopping(tx, &user, &request))
    }

    fn read_receipts(
        &self,
        user: UserId,
        conversation_id: ConversationId,
        message_ids: Vec<String>,
    ) -> StoreFuture<Vec<confab_proto::receipt::ReadReceipt>> {
        self.read_tx(move |tx| receipt::receipts(tx, &user, &conversation_id, &message_ids))
    }

    fn read_receipt_members(
        &self,
        user: UserId,
        request: confab_proto::receipt::GetGroupMessageReadMemberList,
    ) -> StoreFuture<confab_proto::receipt::ReadMemberListResponse> {
        self.read_tx(move |tx| receipt::members(tx, &user, &request))
    }
}

impl FileRead for SqliteStore {
    fn file_access(&self, user: UserId, id: String) -> StoreFuture<FileAccess> {
        self.read(move |conn| files::access(conn, &user, &id))
    }

    fn file_usage(&self, user: UserId) -> StoreFuture<FileUsage> {
        self.read_tx(move |tx| files::usage(tx, &user))
    }
}

impl Store for SqliteStore {
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

#[cfg(test)]
mod tests;
