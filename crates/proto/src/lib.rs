//! The Confab wire protocol, shared by `confabd` and the SDK.
//!
//! This crate owns every type that crosses the WebSocket between a client
//! instance and the server, the TIM constants (`TIM.TYPES` / `TIM.EVENT`
//! values) and TIM's numeric error codes. It does no I/O.
//!
//! The frame layer is in [`frame`]: a client sends [`frame::RequestFrame`]s
//! (`{id, op, data}`), the server answers each with exactly one
//! [`frame::ServerFrame::Ok`] or [`frame::ServerFrame::Err`] carrying the same
//! `id`, and sends [`frame::ServerFrame::Push`]es (no `id`) on its own. Every
//! operation is a request type implementing [`ops::Operation`], which names
//! its `op` string and its response type. Events that concern a user are
//! appended to that user's ordered inbox ([`inbox`]) and pushed with their
//! sequence number. `docs/protocol.md` describes the rules in prose.

pub mod account;
pub mod constants;
pub mod conversation;
pub mod error;
pub mod extension;
pub mod files;
pub mod frame;
pub mod group;
pub mod ids;
pub mod inbox;
pub mod message;
pub mod ops;
pub mod profile;
pub mod receipt;
pub mod relation;
pub mod status;
#[cfg(any(test, feature = "testing"))]
pub mod testing;
pub mod topic;

pub use error::{code, ErrorBody};
pub use ids::{ConversationId, ConversationKind, GroupId, MessageId, UserId};

/// Version of the wire protocol spoken by this crate. A client sends it in
/// `login`; the server refuses versions it does not speak.
pub const PROTOCOL_VERSION: u32 = 1;

/// Largest frame, in bytes, that either side accepts. Bigger frames close
/// the connection with WebSocket close code 1009 (message too big).
pub const MAX_FRAME_BYTES: usize = 64 * 1024;

/// Largest message body (element payload plus `cloudCustomData`, as
/// serialized JSON), in bytes: TIM's fixed 12 KB limit. Bigger bodies are
/// refused with [`code::ERR_SVR_COMM_BODY_SIZE_LIMIT`] (80002).
pub const MAX_MESSAGE_BODY_BYTES: usize = 12 * 1024;

/// Path of the WebSocket endpoint on a `confabd`.
pub const WS_PATH: &str = "/ws";
