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
//! there are several nodes. Connections are used from threads, like
//! SQLite's, so the rule code stays synchronous; each drives its
//! asynchronous client (tokio-postgres) with a small runtime of its own,
//! which lets the writes of a batch that need no answer (messages, inbox
//! and timeline entries, conversation rows) go out pipelined with the next
//! statement or the commit instead of one round trip each ([`Cx::write`]).

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

use super::{Store, StoreError, StoreFuture, WriteJob};
use crate::fanout::Fanout;
use crate::store::pool::ReadPool;
use confab_proto::UserId;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tokio::sync::{mpsc, oneshot};
use tokio_postgres::types::ToSql;
use tokio_postgres::{Client, NoTls, Row, Statement};
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
        let open_err = |e: StoreError| StoreError::Open {
            path: crate::config::redact_database_url(url),
            reason: e.to_string(),
        };
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
                path: crate::config::redact_database_url(url),
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

crate::store::read::delegate_reads!(PgStore);

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

impl From<tokio_postgres::Error> for StoreError {
    /// The server's own message (with its SQLSTATE) for errors it reported;
    /// a broken or refused connection is [`StoreError::Unavailable`].
    fn from(e: tokio_postgres::Error) -> Self {
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

/// A parameter a deferred write owns until it is sent.
pub(super) type Owned = Box<dyn ToSql + Sync + Send>;

/// One connection, the runtime that drives it, and the statements prepared
/// on it. The client is asynchronous (tokio-postgres) and driven here by a
/// small runtime of the connection's own, so the writer and readers stay
/// plain threads and the rule code synchronous, while statements can be
/// pipelined: sent together, answered together (see [`Cx::write`]).
pub(super) struct PgConn {
    /// Always `Some` until dropped.
    parts: Option<(tokio::runtime::Runtime, Client)>,
    statements: HashMap<String, Statement>,
    /// Writes not sent yet (see [`Cx::write`]).
    pending: Vec<(Statement, Vec<Owned>)>,
}

impl PgConn {
    /// Connects to the database at `url` (a libpq URL or key=value string).
    /// Blocks: call it on a thread that is not running async tasks.
    pub(super) fn connect(url: &str) -> Result<Self, StoreError> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| StoreError::Task(format!("cannot start a database runtime: {e}")))?;
        let (client, connection) = runtime.block_on(tokio_postgres::connect(url, NoTls))?;
        runtime.spawn(async move {
            if let Err(e) = connection.await {
                tracing::debug!(error = %e, "a database connection ended");
            }
        });
        Ok(Self { parts: Some((runtime, client)), statements: HashMap::new(), pending: Vec::new() })
    }

    /// Whether the connection broke (the server restarted or went away).
    pub(super) fn is_closed(&self) -> bool {
        self.parts.as_ref().is_none_or(|(_, client)| client.is_closed())
    }

    /// The connection as the area files use it.
    pub(super) fn cx(&mut self) -> Result<Cx<'_>, StoreError> {
        match self.parts.as_ref() {
            Some((runtime, client)) => Ok(Cx {
                runtime,
                client,
                statements: &mut self.statements,
                pending: &mut self.pending,
            }),
            None => Err(StoreError::Closed),
        }
    }
}

impl Drop for PgConn {
    /// The connection's runtime may not be dropped on a thread that runs
    /// async tasks (a store dropped in async code), so it is dropped on a
    /// thread of its own.
    fn drop(&mut self) {
        if let Some(parts) = self.parts.take() {
            let dropped = std::thread::Builder::new()
                .name("confab-pg-close".into())
                .spawn(move || drop(parts));
            if let Err(e) = dropped {
                tracing::warn!(error = %e, "cannot start a thread to close a connection");
            }
        }
    }
}

/// What the area files run their SQL on: a connection (in the writer's
/// open transaction, or a read's) with its cache of prepared statements.
/// Parameters are `$1`, `$2`, …; every integer column is BIGINT (`i64`).
///
/// Writes whose answer nobody needs go through [`Cx::write`]: they wait
/// and are sent, pipelined, together with the next statement that needs an
/// answer (or the commit), so a batch's inserts cost one round trip, not
/// one each. Every statement runs in the order it was issued; a deferred
/// write that fails fails the statement it was sent with.
pub(super) struct Cx<'a> {
    runtime: &'a tokio::runtime::Runtime,
    client: &'a Client,
    statements: &'a mut HashMap<String, Statement>,
    pending: &'a mut Vec<(Statement, Vec<Owned>)>,
}

impl Cx<'_> {
    /// The statement for `sql`, prepared once per connection.
    fn statement(&mut self, sql: &str) -> Result<Statement, StoreError> {
        if let Some(statement) = self.statements.get(sql) {
            return Ok(statement.clone());
        }
        self.flush()?;
        let statement = self.runtime.block_on(self.client.prepare(sql))?;
        self.statements.insert(sql.to_owned(), statement.clone());
        Ok(statement)
    }

    /// Runs `then` after the waiting writes, all sent at once; its answer.
    fn pipelined<'c, T, F>(&mut self, then: F) -> Result<T, StoreError>
    where
        F: std::future::Future<Output = Result<T, tokio_postgres::Error>> + 'c,
    {
        let pending = std::mem::take(self.pending);
        let client = self.client;
        let writes = pending.iter().map(|(statement, params)| {
            client.execute_raw(statement, params.iter().map(|p| &**p as Param<'_>))
        });
        let (written, answer) = self.runtime.block_on(async {
            futures_util::future::join(futures_util::future::join_all(writes), then).await
        });
        for result in written {
            result?;
        }
        Ok(answer?)
    }

    /// Sends the waiting writes.
    pub(super) fn flush(&mut self) -> Result<(), StoreError> {
        if self.pending.is_empty() {
            return Ok(());
        }
        self.pipelined(async { Ok(()) })
    }

    /// Queues a write whose answer (the rows it changed) is not needed; it
    /// goes out with the next statement that needs one.
    pub(super) fn write(&mut self, sql: &str, params: Vec<Owned>) -> Result<(), StoreError> {
        let statement = self.statement(sql)?;
        self.pending.push((statement, params));
        Ok(())
    }

    /// Runs a statement; the number of rows it changed.
    pub(super) fn execute(&mut self, sql: &str, params: &[Param<'_>]) -> Result<u64, StoreError> {
        let statement = self.statement(sql)?;
        let client = self.client;
        self.pipelined(client.execute(&statement, params))
    }

    /// Every row a query returns.
    pub(super) fn query(
        &mut self,
        sql: &str,
        params: &[Param<'_>],
    ) -> Result<Vec<Row>, StoreError> {
        let statement = self.statement(sql)?;
        let client = self.client;
        self.pipelined(client.query(&statement, params))
    }

    /// The one row a query returns (an error when there is none).
    pub(super) fn query_one(&mut self, sql: &str, params: &[Param<'_>]) -> Result<Row, StoreError> {
        let statement = self.statement(sql)?;
        let client = self.client;
        self.pipelined(client.query_one(&statement, params))
    }

    /// The row a query returns, if any (an error when there are several).
    pub(super) fn query_opt(
        &mut self,
        sql: &str,
        params: &[Param<'_>],
    ) -> Result<Option<Row>, StoreError> {
        let statement = self.statement(sql)?;
        let client = self.client;
        self.pipelined(client.query_opt(&statement, params))
    }

    /// Runs SQL text without parameters (several statements allowed),
    /// after the waiting writes (a `COMMIT` sends them first).
    pub(super) fn batch(&mut self, sql: &str) -> Result<(), StoreError> {
        let client = self.client;
        self.pipelined(client.batch_execute(sql))
    }

    /// Forgets the waiting writes (their transaction is rolled back).
    pub(super) fn discard(&mut self) {
        self.pending.clear();
    }

    /// Whether the connection broke.
    pub(super) fn is_closed(&self) -> bool {
        self.client.is_closed()
    }

    /// A shorter-lived handle on the same connection.
    pub(super) fn reborrow(&mut self) -> Cx<'_> {
        Cx {
            runtime: self.runtime,
            client: self.client,
            statements: &mut *self.statements,
            pending: &mut *self.pending,
        }
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
