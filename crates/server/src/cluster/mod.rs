//! Several confabd nodes on one PostgreSQL database: what one node's
//! writer committed reaches the live sessions of every other node through
//! NATS.
//!
//! Each node publishes every batch of pushes its writer hands to the
//! fan-out on `confab.<SDKAppID>.push`, in commit order, and delivers what
//! other nodes publish there to its own sessions; its own sessions get its
//! own pushes at once, without the round trip. NATS (core, at most once)
//! may drop what is published while a node's link is down, so a node whose
//! link to NATS came back, or that NATS found too slow, closes every one of
//! its sessions the way an overflowing session is closed: each reconnects
//! (to any node) and catches up from the store by sequence, as after any
//! reconnect. Nothing the store committed is lost; only pushes are.
//!
//! Nodes also tell each other of their sessions (`confab.<SDKAppID>.nodes`:
//! logins, ends, custom statuses, AVChatRoom joins, a full state on
//! request, heartbeats), so
//! that a login on one node kicks what it displaces on the others (TIM's
//! instance rules), a user's status counts every node's sessions, and an
//! AVChatRoom's online count every node's members; and they pass on room
//! broadcasts (`confab.<SDKAppID>.room`: AVChatRoom and `onlineUserOnly`
//! messages, which are stored nowhere) to the members on other nodes.
//!
//! [`view`] holds what the nodes tell each other and how a node takes it
//! in (always built: the session registry, presence and broadcaster hold a
//! view); [`link`] is the NATS client itself (the `cluster` feature, which
//! `confabd` has and the desktop app's embedded server does not).

#[cfg(feature = "cluster")]
mod link;
mod view;

#[cfg(feature = "cluster")]
pub use link::{Cluster, ClusterFanout};
pub use view::{ClusterView, HEARTBEAT, NODE_TIMEOUT};
