//! The node's writer thread: owns the write connection, takes one job,
//! drains up to `max_batch - 1` more that are already queued, and runs them
//! all in one transaction through [`PgTx`]. The transaction first takes the
//! cluster's write lock, so the batches of every node apply one at a time;
//! after the commit (durable: `synchronous_commit` is on) the pushes go to
//! the [`Fanout`] and each job is answered.
//!
//! The caches (sequence counters, profiles) live for one batch only: between
//! two batches another node may have written. Users known to exist are kept
//! (users are never removed). A batch that fails is rolled back and fails
//! every job in it; a broken connection is made anew before the next batch.

use super::{Cx, PgConn};
use crate::fanout::{Delivery, Fanout};
use crate::store::counters::Counters;
use crate::store::job::{Ran, WriteJob};
use crate::store::tx::WriteTx;
use crate::store::StoreError;
use confab_proto::profile::Profile;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use tokio::sync::{mpsc, oneshot};

/// The key of the advisory lock every node's writer holds for the length of
/// one batch ("confab" in ASCII).
const WRITE_LOCK: i64 = 0x636f_6e66_6162;

/// What the writer receives.
pub(super) enum Command {
    /// A write to run in the next batch.
    Job(Box<dyn WriteJob>),
    /// Run what is queued, then stop.
    Close(oneshot::Sender<()>),
}

/// The writer's state that outlives one job: caches and the pushes
/// produced by the current batch.
#[derive(Default)]
pub(super) struct WriterState {
    pub(super) counters: Counters,
    deliveries: Vec<Delivery>,
    /// Users known to exist (users are never removed).
    pub(super) known_users: HashSet<String>,
    /// Profiles as stored, of users whose profile was read or written in
    /// this batch.
    pub(super) profiles: HashMap<String, Profile>,
}

impl WriterState {
    /// Forgets what another node's writes may have changed.
    fn begin_batch(&mut self) {
        self.counters = Counters::default();
        self.deliveries.clear();
        self.profiles.clear();
    }
}

/// The primitives of [`WriteTx`] on the writer's open transaction; the
/// area files (`account.rs`, `message.rs`, …) implement them.
pub(super) struct PgTx<'a> {
    pub(super) cx: Cx<'a>,
    pub(super) state: &'a mut WriterState,
}

impl WriteTx for PgTx<'_> {
    fn publish(&mut self, delivery: Delivery) {
        self.state.deliveries.push(delivery);
    }
}

/// Where the writer connects, and how it hands on what it committed.
pub(super) struct Writer {
    pub(super) url: String,
    pub(super) conn: Option<PgConn>,
    pub(super) max_batch: usize,
    pub(super) fanout: Arc<dyn Fanout>,
}

/// The writer thread's loop: batches until told to close or every sender is gone.
pub(super) fn writer_main(mut writer: Writer, mut commands: mpsc::UnboundedReceiver<Command>) {
    let mut state = WriterState::default();
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
            if jobs.len() >= writer.max_batch {
                break;
            }
            next = commands.try_recv().ok();
        }
        if !jobs.is_empty() {
            run_batch(&mut writer, &mut state, jobs);
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
    drop(writer.conn.take());
    if let Some(ack) = close_ack {
        close_ack_send(ack);
    }
}

fn close_ack_send(ack: oneshot::Sender<()>) {
    if ack.send(()).is_err() {
        tracing::debug!("nobody waits for the store's close acknowledgement");
    }
}

/// The write connection, connecting again when it broke.
fn connection(writer: &mut Writer) -> Result<&mut PgConn, StoreError> {
    if writer.conn.as_ref().is_some_and(PgConn::is_closed) {
        tracing::warn!("the write connection to PostgreSQL broke; connecting again");
        writer.conn = None;
    }
    if writer.conn.is_none() {
        writer.conn = Some(PgConn::connect(&writer.url).map_err(unavailable)?);
    }
    writer.conn.as_mut().ok_or(StoreError::Closed)
}

/// A failure to reach the database, as the error every job of the batch gets.
fn unavailable(e: StoreError) -> StoreError {
    match e {
        StoreError::Unavailable(_) => e,
        other => StoreError::Unavailable(other.to_string()),
    }
}

fn run_batch(writer: &mut Writer, state: &mut WriterState, jobs: Vec<Box<dyn WriteJob>>) {
    // As in SQLite: no savepoint per write. A write is either refused before
    // it writes anything (its counters and pushes are undone, the batch goes
    // on) or fails, which rolls the whole batch back and fails every write
    // in it (clients retry; a resent message is deduplicated by its random).
    let mut jobs = jobs;
    state.begin_batch();
    let settled = (|| -> Result<(), StoreError> {
        let conn = connection(writer)?;
        let mut cx = conn.cx()?;
        cx.batch("BEGIN").map_err(unavailable)?;
        let ran = (|| -> Result<(), StoreError> {
            cx.execute("SELECT pg_advisory_xact_lock($1)", &[&WRITE_LOCK])?;
            for job in &mut jobs {
                let mark = state.deliveries.len();
                let ran = job.run(&mut PgTx { cx: conn_cx(&mut cx), state: &mut *state });
                match ran {
                    Ran::Done => state.counters.keep(),
                    Ran::Rejected => {
                        state.counters.roll_back();
                        state.deliveries.truncate(mark);
                    }
                    Ran::Failed(why) => return Err(StoreError::CommitFailed(why)),
                }
            }
            cx.batch("COMMIT")
        })();
        match ran {
            Ok(()) => Ok(()),
            // The connection broke (PostgreSQL restarted or went away): the
            // transaction is gone with it, nothing of the batch was stored.
            Err(e) if cx.is_closed() => Err(unavailable(e)),
            Err(e) => {
                cx.discard();
                if let Err(rollback) = cx.batch("ROLLBACK") {
                    tracing::warn!(error = %rollback, "rolling back a failed batch failed");
                }
                Err(e)
            }
        }
    })();
    match settled {
        Ok(()) => {
            let deliveries = std::mem::take(&mut state.deliveries);
            if !deliveries.is_empty() {
                writer.fanout.deliver(deliveries);
            }
            for job in jobs {
                job.finish(Ok(()));
            }
        }
        Err(e) => {
            tracing::error!(error = %e, jobs = jobs.len(), "a write batch failed and was rolled back");
            state.begin_batch();
            for job in jobs {
                job.finish(Err(&e));
            }
        }
    }
}

/// A second handle on the same connection for one job's [`PgTx`].
fn conn_cx<'a>(cx: &'a mut Cx<'_>) -> Cx<'a> {
    cx.reborrow()
}
