//! The op registry: which handler serves each operation of
//! [`confab_proto::ops`].
//!
//! Each feature's handlers file (`handlers/<area>.rs`) adds its operations
//! with a `register` function; [`super::registry`] calls them all once when
//! the server starts. Registering one operation twice is an error that stops
//! the start ([`RegistryError::Duplicate`]). A service operation is decoded
//! and handed to its service here; the session-lifecycle operations (login,
//! heartbeat, logout, renewal, password change, sign-out everywhere) are
//! listed too, but the gateway serves them itself because they act on the
//! session ([`SessionOp`]).

use super::{Caller, Reply};
use crate::server::ServerContext;
use confab_proto::frame::{ok_frame_json, ServerFrame};
use confab_proto::ops::Operation;
use confab_proto::{code, ErrorBody};
use futures_util::future::BoxFuture;
use futures_util::FutureExt as _;
use serde::Serialize;
use std::collections::HashMap;

/// A session-lifecycle operation: served by the gateway itself, because it
/// acts on the session (its login, its idle timer, its UserSig).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SessionOp {
    /// `login` (only valid as a connection's first frame).
    Login,
    /// `heartbeat`.
    Heartbeat,
    /// `logout`.
    Logout,
    /// `renewUserSig`.
    RenewUserSig,
    /// `changePassword`.
    ChangePassword,
    /// `signOutEverywhere`.
    SignOutEverywhere,
}

/// A frame encoded as its JSON text, ready for the socket.
#[derive(Debug)]
pub(crate) struct FrameText(pub(crate) String);

impl FrameText {
    /// The `{"t":"err",…}` frame of `error`, answering request `id`.
    pub(crate) fn err(id: Option<u64>, error: ErrorBody) -> Self {
        match serde_json::to_string(&ServerFrame::Err { id, error }) {
            Ok(text) => Self(text),
            // An error body is two plain fields; this cannot happen, but a
            // request must still get its answer.
            Err(e) => {
                tracing::error!(error = %e, "cannot encode an error frame");
                Self(format!(
                    r#"{{"t":"err","id":{},"error":{{"code":{},"message":"internal error"}}}}"#,
                    id.map_or_else(|| "null".to_owned(), |id| id.to_string()),
                    code::INTERNAL
                ))
            }
        }
    }
}

/// A response frame in flight.
pub(crate) type Answer = BoxFuture<'static, FrameText>;

/// What a service operation made of a request.
pub(crate) enum Served {
    /// The answer, now (the request did not decode).
    Now(FrameText),
    /// The answer, when the service replies.
    Later(Answer),
}

/// A service operation: decodes `data` (the request with this `id`) and
/// hands it to its service, or answers at once when it does not decode.
type Service = Box<dyn Fn(&ServerContext, &Caller, u64, serde_json::Value) -> Served + Send + Sync>;

/// How an operation is served.
pub(crate) enum Route {
    /// By a service of `handlers`.
    Service(Service),
    /// By the gateway itself.
    Session(SessionOp),
}

/// Why the registry could not be built.
#[derive(Debug, thiserror::Error)]
pub(crate) enum RegistryError {
    /// Two `register` calls named the same operation.
    #[error("operation {0:?} is registered twice")]
    Duplicate(&'static str),
}

/// Every served operation by its `op` name.
#[derive(Default)]
pub(crate) struct Registry {
    routes: HashMap<&'static str, Route>,
}

impl Registry {
    /// Registers `service` as the handler of operation `O`.
    pub(crate) fn service<O: Operation>(
        &mut self,
        service: fn(&ServerContext, &Caller, O) -> Reply<O::Response>,
    ) -> Result<(), RegistryError> {
        let route =
            move |ctx: &ServerContext, caller: &Caller, id: u64, data| match decode::<O>(data) {
                Ok(request) => {
                    let reply = service(ctx, caller, request);
                    Served::Later(async move { respond(id, reply.await) }.boxed())
                }
                Err(error) => Served::Now(FrameText::err(Some(id), error)),
            };
        self.add(O::NAME, Route::Service(Box::new(route)))
    }

    /// Registers operation `O` as one the gateway serves itself.
    pub(crate) fn session<O: Operation>(&mut self, op: SessionOp) -> Result<(), RegistryError> {
        self.add(O::NAME, Route::Session(op))
    }

    fn add(&mut self, name: &'static str, route: Route) -> Result<(), RegistryError> {
        match self.routes.entry(name) {
            std::collections::hash_map::Entry::Occupied(_) => Err(RegistryError::Duplicate(name)),
            std::collections::hash_map::Entry::Vacant(slot) => {
                slot.insert(route);
                Ok(())
            }
        }
    }

    /// How operation `op` is served; `None` for an unknown operation.
    pub(crate) fn route(&self, op: &str) -> Option<&Route> {
        self.routes.get(op)
    }

    /// The names of every registered operation, in no particular order.
    #[cfg(test)]
    pub(crate) fn names(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.routes.keys().copied()
    }
}

/// Decodes a request's `data` as operation `O` (`null` counts as `{}`).
pub(crate) fn decode<O: Operation>(data: serde_json::Value) -> Result<O, ErrorBody> {
    let data = if data.is_null() { serde_json::json!({}) } else { data };
    serde_json::from_value(data).map_err(|e| {
        ErrorBody::new(code::MALFORMED_FRAME, format!("invalid {} request: {e}", O::NAME))
    })
}

/// The response frame of request `id`, encoded: its result, or the error
/// that the result could not be encoded. The result is written straight
/// into the frame's text ([`ok_frame_json`]), never through a `Value` tree.
pub(crate) fn respond<T: Serialize>(id: u64, result: Result<T, ErrorBody>) -> FrameText {
    let encoded = result.and_then(|value| {
        ok_frame_json(id, &value)
            .map_err(|e| ErrorBody::new(code::INTERNAL, format!("cannot encode the response: {e}")))
    });
    match encoded {
        Ok(text) => FrameText(text),
        Err(error) => FrameText::err(Some(id), error),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use confab_proto::ops::{Heartbeat, Login, ALL_OPERATIONS};
    use std::collections::BTreeSet;

    #[test]
    fn every_protocol_operation_has_exactly_one_handler() {
        let registry = crate::handlers::registry().expect("the registry builds");
        let registered: BTreeSet<&str> = registry.names().collect();
        let defined: BTreeSet<&str> = ALL_OPERATIONS.iter().copied().collect();
        assert_eq!(registered, defined, "registered operations differ from confab_proto::ops");
    }

    #[test]
    fn lifecycle_operations_are_served_by_the_gateway() {
        let registry = crate::handlers::registry().expect("the registry builds");
        assert!(matches!(registry.route(Login::NAME), Some(Route::Session(SessionOp::Login))));
        assert!(matches!(
            registry.route(Heartbeat::NAME),
            Some(Route::Session(SessionOp::Heartbeat))
        ));
        assert!(registry.route("noSuchOp").is_none());
    }

    #[test]
    fn registering_an_operation_twice_fails() {
        let mut registry = Registry::default();
        registry.session::<Login>(SessionOp::Login).expect("first registration");
        let twice = registry.session::<Login>(SessionOp::Login);
        assert!(matches!(twice, Err(RegistryError::Duplicate("login"))), "{twice:?}");
        let mut registry = Registry::default();
        crate::handlers::message::register(&mut registry).expect("first registration");
        let error = crate::handlers::message::register(&mut registry).map(|_| ()).unwrap_err();
        assert_eq!(error.to_string(), "operation \"sendMessage\" is registered twice");
    }
}
