//! Domain services: the rules of each protocol family (what is valid, which
//! code a failure gets, what is written). Each `<area>.rs` registers its
//! operations in the [`Registry`] ([`registry`] builds it once, at start);
//! the gateway looks an operation up there, which decodes the request and
//! calls one function of its area; each returns a [`Reply`] that resolves to
//! the response or a `{code, message}` error.
//!
//! Validation runs synchronously when the function is called and a write is
//! queued to the store before it returns, so the writes of one session are
//! applied in the order its requests arrived even though their replies are
//! awaited concurrently.

pub(crate) mod conversation;
pub(crate) mod conversation_settings;
pub(crate) mod extension;
pub(crate) mod group;
pub(crate) mod group_message;
pub(crate) mod group_values;
pub(crate) mod message;
pub(crate) mod message_ops;
pub(crate) mod profile;
pub(crate) mod receipt;
pub(crate) mod registry;
pub(crate) mod relation;
pub(crate) mod session;
pub(crate) mod status;
pub(crate) mod sync;
pub(crate) mod topic;

use crate::fanout::SessionId;
use crate::store::{StoreError, StoreFuture};
use confab_proto::{code, ErrorBody, UserId};
use futures_util::future::BoxFuture;
use futures_util::FutureExt as _;
pub(crate) use registry::{Registry, RegistryError};
use std::sync::{Arc, Mutex};
use tokio::sync::oneshot;

/// A service's answer in flight.
pub(crate) type Reply<T> = BoxFuture<'static, Result<T, ErrorBody>>;

/// The logged-in user and session a request comes from.
#[derive(Clone, Debug)]
pub(crate) struct Caller {
    /// The user.
    pub user: UserId,
    /// The session.
    pub session: SessionId,
    /// The order of the session's group sends.
    pub sends: SendOrder,
    /// TIM's `OptPlatform` of the caller (`Web`, `RESTAPI`, …), for callbacks.
    pub platform: &'static str,
}

/// Keeps one session's group messages in the order the session sent them.
///
/// A group send reads the group and the member before it hands the message
/// on (to the writer, or to the broadcaster), and those reads run on
/// several connections at once: without turns, a client with many sends in
/// flight could see them stored or broadcast in the order its reads
/// finished. Each send takes a [`Turn`] when it is dispatched (in the
/// session's order) and hands its message on only after the turn before
/// it ended: its message handed on, or the send refused or dropped.
#[derive(Clone, Default)]
pub(crate) struct SendOrder(Arc<Mutex<Option<oneshot::Receiver<()>>>>);

impl std::fmt::Debug for SendOrder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SendOrder")
    }
}

impl SendOrder {
    /// The next turn: after every turn taken before it. Take it while the
    /// request is dispatched, not in its future.
    pub(crate) fn next(&self) -> Turn {
        let (done, ended) = oneshot::channel();
        // Every update is one replace.
        let before = self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).replace(ended);
        Turn { before, _done: done }
    }
}

/// One send's place in its session's [`SendOrder`]; the turn ends when it
/// is dropped.
pub(crate) struct Turn {
    before: Option<oneshot::Receiver<()>>,
    _done: oneshot::Sender<()>,
}

impl Turn {
    /// Waits until the turn before this one ended.
    pub(crate) async fn wait(&mut self) {
        if let Some(before) = self.before.take() {
            // Ended either way: its sender is dropped, never used.
            let _ = before.await;
        }
    }
}

/// The registry of every operation the server serves: each feature area
/// adds its own. Fails when two areas register one operation.
pub(crate) fn registry() -> Result<Registry, RegistryError> {
    let mut registry = Registry::default();
    session::register(&mut registry)?;
    sync::register(&mut registry)?;
    message::register(&mut registry)?;
    message_ops::register(&mut registry)?;
    conversation::register(&mut registry)?;
    group::register(&mut registry)?;
    group_values::register(&mut registry)?;
    profile::register(&mut registry)?;
    relation::register(&mut registry)?;
    status::register(&mut registry)?;
    conversation_settings::register(&mut registry)?;
    receipt::register(&mut registry)?;
    extension::register(&mut registry)?;
    topic::register(&mut registry)?;
    Ok(registry)
}

/// An immediate failure.
pub(crate) fn reject<T: Send + 'static>(error: ErrorBody) -> Reply<T> {
    futures_util::future::ready(Err(error)).boxed()
}

/// `users` each once, in the order first named, when the request names
/// `min` to `max` of them; else refused with `code`.
pub(crate) fn id_list(
    users: Vec<UserId>,
    min: usize,
    max: usize,
    code: i32,
) -> Result<Vec<UserId>, ErrorBody> {
    if users.len() < min || users.len() > max {
        return Err(ErrorBody::new(
            code,
            format!("userIDList must hold {min} to {max} userIDs, not {}", users.len()),
        ));
    }
    let mut seen = std::collections::HashSet::new();
    Ok(users.into_iter().filter(|u| seen.insert(u.clone())).collect())
}

/// Maps a store result into a reply.
pub(crate) fn from_store<T, U>(
    pending: StoreFuture<T>,
    map: impl FnOnce(T) -> U + Send + 'static,
) -> Reply<U>
where
    T: Send + 'static,
    U: Send + 'static,
{
    async move { pending.await.map(map).map_err(store_error) }.boxed()
}

/// The wire error for a store failure.
pub(crate) fn store_error(error: StoreError) -> ErrorBody {
    match error {
        StoreError::UserNotFound(user) => {
            ErrorBody::new(code::USER_OR_GROUP_NOT_FOUND, format!("user {user} does not exist"))
        }
        StoreError::ConversationNotFound(id) => ErrorBody::new(
            code::CONVERSATION_NOT_FOUND,
            format!("conversation {id} does not exist"),
        ),
        StoreError::AccountExists(user) => {
            ErrorBody::new(code::ACCOUNT_EXISTS, format!("account {user} already exists"))
        }
        StoreError::Refused(body) => body,
        StoreError::FileAccessDenied(id) => ErrorBody::new(
            code::FILE_ACCESS_DENIED,
            format!("file {id} does not exist or the sender may not access it"),
        ),
        StoreError::Closed => {
            ErrorBody::new(code::INTERNAL, "the server is shutting down; retry after reconnecting")
        }
        StoreError::Unavailable(why) => {
            tracing::warn!(error = %why, "the database is unavailable");
            ErrorBody::new(
                code::STORE_UNAVAILABLE,
                "the database is unavailable; nothing was stored; retry shortly",
            )
        }
        other => {
            tracing::error!(error = %other, "store failure");
            ErrorBody::new(code::INTERNAL, "internal storage error; the request may be retried")
        }
    }
}
