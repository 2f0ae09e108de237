//! A queued write as every backend's writer sees it: a type-erased closure
//! over [`WriteTx`] with the channel its answer goes back on.
//!
//! The writer runs a job inside its batch ([`WriteJob::run`]), commits the
//! batch, and only then answers every job of it ([`WriteJob::finish`]), so a
//! write is acknowledged once durable.

use super::tx::WriteTx;
use super::StoreError;
use tokio::sync::oneshot;

/// How a write went inside its batch.
#[derive(Debug, PartialEq, Eq)]
pub enum Ran {
    /// It wrote what it had to.
    Done,
    /// It was refused before writing anything (see
    /// [`StoreError::is_rejection`]): the writer undoes the sequences it
    /// took and the pushes it published, and the batch goes on.
    Rejected,
    /// It failed after it may have written: the whole batch must roll back.
    Failed(String),
}

/// A queued write, type-erased for the writer.
pub trait WriteJob: Send {
    /// Runs the write's rule code against the batch's transaction.
    fn run(&mut self, tx: &mut dyn WriteTx) -> Ran;
    /// Answers the requester once the batch is settled (`commit` is how).
    fn finish(self: Box<Self>, commit: Result<(), &StoreError>);
}

type Work<T> = Box<dyn FnOnce(&mut dyn WriteTx) -> Result<T, StoreError> + Send>;

/// A write whose answer is a `T`.
pub(crate) struct TypedJob<T> {
    work: Option<Work<T>>,
    outcome: Option<Result<T, StoreError>>,
    reply: oneshot::Sender<Result<T, StoreError>>,
}

impl<T> TypedJob<T> {
    /// A job running `work`, answering on `reply`.
    pub(crate) fn new(work: Work<T>, reply: oneshot::Sender<Result<T, StoreError>>) -> Self {
        Self { work: Some(work), outcome: None, reply }
    }
}

impl<T: Send + 'static> WriteJob for TypedJob<T> {
    fn run(&mut self, tx: &mut dyn WriteTx) -> Ran {
        let Some(work) = self.work.take() else { return Ran::Failed("job ran twice".into()) };
        let outcome = work(tx);
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
            // Nothing was stored because the database is away: say so.
            (_, Err(StoreError::Unavailable(why))) => Err(StoreError::Unavailable(why.clone())),
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
