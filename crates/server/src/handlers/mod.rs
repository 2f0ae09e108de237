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
pub(crate) mod group;
pub(crate) mod group_message;
pub(crate) mod group_values;
pub(crate) mod message;
pub(crate) mod message_ops;
pub(crate) mod profile;
pub(crate) mod registry;
pub(crate) mod session;
pub(crate) mod sync;

use crate::fanout::SessionId;
use crate::store::{StoreError, StoreFuture};
use confab_proto::{code, ErrorBody, UserId};
use futures_util::future::BoxFuture;
use futures_util::FutureExt as _;
pub(crate) use registry::{Registry, RegistryError};

/// A service's answer in flight.
pub(crate) type Reply<T> = BoxFuture<'static, Result<T, ErrorBody>>;

/// The logged-in user and session a request comes from.
#[derive(Clone, Debug)]
pub(crate) struct Caller {
    /// The user.
    pub user: UserId,
    /// The session.
    pub session: SessionId,
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
    Ok(registry)
}

/// An immediate failure.
pub(crate) fn reject<T: Send + 'static>(error: ErrorBody) -> Reply<T> {
    futures_util::future::ready(Err(error)).boxed()
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
        other => {
            tracing::error!(error = %other, "store failure");
            ErrorBody::new(code::INTERNAL, "internal storage error; the request may be retried")
        }
    }
}
