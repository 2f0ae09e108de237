//! The push fan-out seam between the store's writer and the live sessions.
//!
//! After a batch commits, the writer hands every push it produced, in commit
//! order, to a [`Fanout`]. In one process that is the session registry;
//! several server nodes would put a message broker behind this trait.

use confab_proto::frame::Push;
use confab_proto::UserId;
use std::fmt;
use std::sync::Arc;

/// Identifies one live session (one logged-in WebSocket) in this process.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SessionId(pub u64);

impl fmt::Display for SessionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "s{}", self.0)
    }
}

/// One push for every live session of one user.
#[derive(Clone, Debug, PartialEq)]
pub struct Delivery {
    /// Whose sessions get it.
    pub user: UserId,
    /// What they get; shared, not copied, by every session it goes to.
    pub push: Arc<Push>,
    /// A session of `user` that must not get it (the one that caused it).
    pub skip: Option<SessionId>,
}

/// Delivers committed pushes to live sessions.
pub trait Fanout: Send + Sync + 'static {
    /// Delivers the pushes in order, without blocking: a session that cannot
    /// keep up is closed (it resyncs when it reconnects) rather than waited for.
    fn deliver(&self, deliveries: Vec<Delivery>);
}
