//! The rules of each feature area that touch stored state, run inside the
//! store's single writer over its primitives ([`crate::store::WriteTx`]):
//! deduplication of sends, file grants, which inboxes (or, with groups,
//! which timeline) a change reaches and what it pushes, revoke's sender and
//! time-window checks, modify's permission and version checks, account and
//! session-key bookkeeping.
//!
//! Each area adds its operations as methods of the store handle
//! (`impl dyn Store`), so a caller writes `ctx.store.send_message(new)`
//! whatever the backend; each method queues one write (`transact` on the
//! store handle) whose closure is this module's rule code. A rule refuses
//! only before its first write (see [`crate::store::tx`]). The request
//! checks that need no stored state stay in `crate::handlers`.

pub(crate) mod account;
pub(crate) mod conversation;
pub(crate) mod conversation_settings;
pub(crate) mod extension;
pub(crate) mod files;
pub(crate) mod group;
#[cfg(feature = "rest")]
pub(crate) mod group_admin;
pub(crate) mod group_kinds;
pub(crate) mod group_values;
pub(crate) mod inbox;
pub(crate) mod message;
pub(crate) mod message_ops;
pub(crate) mod profile;
pub(crate) mod receipt;
pub(crate) mod relation;
pub(crate) mod status;
pub(crate) mod topic;
