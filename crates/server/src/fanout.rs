//! The push fan-out seam between the store's writer and the live sessions.
//!
//! After a batch commits, the writer hands every push it produced, in commit
//! order, to a [`Fanout`]. Each [`Delivery`] names its [`Audience`]: one
//! user's sessions (what the user's inbox got), or a group's online members
//! (what the group's timeline got, pushed from memory, never written per
//! member). In one process the fan-out is the session registry; several
//! server nodes put a message broker behind this trait
//! ([`crate::cluster::ClusterFanout`]).

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

/// Who a push is for.
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Audience {
    /// Every live session of one user.
    User(UserId),
    /// Every live session of the group's online members (TIM `groupID`).
    Group(String),
    /// Every live session of the group's online members but those of the
    /// listed users (who get their own delivery: a targeted message's
    /// sender and receivers).
    GroupExcept(String, Vec<UserId>),
}

impl fmt::Display for Audience {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::User(user) => write!(f, "user {user}"),
            Self::Group(group) => write!(f, "group {group}"),
            Self::GroupExcept(group, except) => {
                write!(f, "group {group} but {} users", except.len())
            }
        }
    }
}

/// One push for every live session of an audience.
#[derive(Clone, Debug, PartialEq)]
pub struct Delivery {
    /// Whose sessions get it.
    pub audience: Audience,
    /// What they get; shared, not copied, by every session it goes to.
    pub push: Arc<Push>,
    /// A session that must not get it (the one that caused it).
    pub skip: Option<SessionId>,
}

impl Delivery {
    /// A push for every live session of `user` but `skip`.
    pub fn to_user(user: UserId, push: Arc<Push>, skip: Option<SessionId>) -> Self {
        Self { audience: Audience::User(user), push, skip }
    }

    /// The user this goes to, when its audience is one user.
    pub fn user(&self) -> Option<&UserId> {
        match &self.audience {
            Audience::User(user) => Some(user),
            Audience::Group(_) | Audience::GroupExcept(..) => None,
        }
    }
}

/// Delivers committed pushes to live sessions.
pub trait Fanout: Send + Sync + 'static {
    /// Delivers the pushes in order, without blocking: a session that cannot
    /// keep up is closed (it resyncs when it reconnects) rather than waited for.
    fn deliver(&self, deliveries: Vec<Delivery>);
}
