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

use super::{Store, StoreError, StoreFuture, WriteJob};
use crate::fanout::Fanout;
use crate::store::pool::ReadPool;
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

crate::store::read::delegate_reads!(SqliteStore);

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
