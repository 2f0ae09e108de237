//! The writer thread: owns the write connection, takes one job, drains up
//! to `max_batch - 1` more that are already queued, runs them all in one
//! `BEGIN IMMEDIATE` transaction through [`SqliteTx`], commits (WAL,
//! `synchronous=FULL`), and only then hands the pushes to the [`Fanout`]
//! and answers each job.
//!
//! Sequence counters (per-user inbox, per-group timeline, per-conversation
//! message sequence, the message row number) are cached here, invisible to
//! the rules: a rejected job's counter changes are undone, a failed batch
//! forgets every cache. Also cached: users known to exist and profiles.

use super::StoreError;
use crate::fanout::{Delivery, Fanout};
use crate::store::counters::Counters;
use crate::store::job::{Ran, WriteJob};
use crate::store::tx::WriteTx;
use confab_proto::profile::Profile;
use rusqlite::{Connection, TransactionBehavior};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{mpsc, oneshot};

/// How often the WAL is checkpointed.
const CHECKPOINT_EVERY: Duration = Duration::from_millis(200);

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
    /// Profiles as stored, of users whose profile was read or written.
    pub(super) profiles: HashMap<String, Profile>,
}

impl WriterState {
    /// Forgets every cache: the transaction that filled them was rolled back.
    fn reset(&mut self) {
        self.counters = Counters::default();
        self.deliveries.clear();
        self.known_users.clear();
        self.profiles.clear();
    }
}

/// The primitives of [`WriteTx`] on the writer's open transaction; the
/// area files (`account.rs`, `message.rs`, …) implement them.
pub(super) struct SqliteTx<'a> {
    pub(super) conn: &'a Connection,
    pub(super) state: &'a mut WriterState,
}

impl WriteTx for SqliteTx<'_> {
    fn publish(&mut self, delivery: Delivery) {
        self.state.deliveries.push(delivery);
    }
}

/// The writer thread's loop: batches until told to close or every sender is gone.
pub(super) fn writer_main(
    mut conn: Connection,
    mut commands: mpsc::UnboundedReceiver<Command>,
    max_batch: usize,
    fanout: Arc<dyn Fanout>,
) {
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
            if jobs.len() >= max_batch {
                break;
            }
            next = commands.try_recv().ok();
        }
        if !jobs.is_empty() {
            run_batch(&mut conn, &mut state, jobs, fanout.as_ref());
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
    state: &mut WriterState,
    jobs: Vec<Box<dyn WriteJob>>,
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
            let mark = state.deliveries.len();
            let ran = job.run(&mut SqliteTx { conn: &tx, state: &mut *state });
            match ran {
                Ran::Done => state.counters.keep(),
                Ran::Rejected => {
                    state.counters.roll_back();
                    state.deliveries.truncate(mark);
                }
                Ran::Failed(why) => return Err(StoreError::CommitFailed(why)),
            }
        }
        tx.commit()?;
        Ok(())
    })();
    match settled {
        Ok(()) => {
            let deliveries = std::mem::take(&mut state.deliveries);
            if !deliveries.is_empty() {
                fanout.deliver(deliveries);
            }
            for job in jobs {
                job.finish(Ok(()));
            }
        }
        Err(e) => {
            tracing::error!(error = %e, jobs = jobs.len(), "a write batch failed and was rolled back");
            state.reset();
            for job in jobs {
                job.finish(Err(&e));
            }
        }
    }
}

/// Runs a passive checkpoint every [`CHECKPOINT_EVERY`] until told to stop,
/// so the WAL is copied into the database beside the writer, not by it.
pub(super) fn checkpointer_main(conn: Connection, stop: std::sync::mpsc::Receiver<()>) {
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
