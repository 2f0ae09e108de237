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

use crate::fanout::{Audience, Delivery, Fanout, SessionId};
use crate::sessions::SessionRegistry;
use confab_proto::frame::Push;
use confab_proto::inbox::TimelineEntry;
use confab_proto::ops::Platform;
use confab_proto::{GroupId, UserId};
use futures_util::StreamExt as _;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

/// What one node publishes for one committed batch.
#[derive(Debug, Serialize, Deserialize)]
struct Batch {
    /// The publishing node (its own publications come back and are skipped).
    node: String,
    /// The pushes in commit order.
    deliveries: Vec<WireDelivery>,
}

/// One push as it crosses nodes: who gets it and what. The session a push
/// skips is one of the publishing node's, so it does not cross.
#[derive(Debug, Serialize, Deserialize)]
struct WireDelivery {
    audience: Audience,
    push: Push,
}

/// The fan-out of a cluster node: local sessions at once, other nodes
/// through NATS.
pub struct ClusterFanout {
    local: Arc<SessionRegistry>,
    node: String,
    subject: String,
    outgoing: mpsc::UnboundedSender<(String, Vec<u8>)>,
}

impl Fanout for ClusterFanout {
    fn deliver(&self, deliveries: Vec<Delivery>) {
        let batch = Batch {
            node: self.node.clone(),
            deliveries: deliveries
                .iter()
                .map(|d| WireDelivery { audience: d.audience.clone(), push: (*d.push).clone() })
                .collect(),
        };
        self.local.deliver(deliveries);
        match serde_json::to_vec(&batch) {
            Ok(bytes) => {
                if self.outgoing.send((self.subject.clone(), bytes)).is_err() {
                    tracing::debug!("the cluster link is closed; pushes stay on this node");
                }
            }
            Err(e) => tracing::error!(error = %e, "cannot encode pushes for other nodes"),
        }
    }
}

/// This node's link to the others: the NATS client, its tasks, and what
/// the other nodes told of their sessions.
pub struct Cluster {
    client: async_nats::Client,
    tasks: Vec<JoinHandle<()>>,
    view: Arc<ClusterView>,
    /// What the NATS connection reports (handled by the node-events task).
    link_events: Option<mpsc::UnboundedReceiver<LinkEvent>>,
}

/// A change of the NATS link the node must act on.
#[derive(Debug)]
enum LinkEvent {
    /// Connected again after the link dropped (pushes may have been lost).
    Reconnected,
    /// NATS dropped messages for this node (too slow).
    Dropped,
}

/// How long to wait before the `attempt`th reconnect: quick at first, then
/// at most a second apart.
fn reconnect_delay(attempt: usize) -> Duration {
    let attempt = u32::try_from(attempt).unwrap_or(u32::MAX);
    Duration::from_millis(50u64.saturating_mul(u64::from(attempt))).min(Duration::from_secs(1))
}

impl Cluster {
    /// Connects this node (`node`) to NATS at `url` (comma-separated for
    /// several servers) for the cluster of application `sdk_app_id`, and
    /// returns the link and the fan-out the store hands its pushes to. The
    /// node starts even while NATS is unreachable: the client keeps trying,
    /// and until it connects only this node's sessions get pushes.
    pub async fn connect(
        url: &str,
        node: &str,
        sdk_app_id: u64,
        local: Arc<SessionRegistry>,
    ) -> anyhow::Result<(Self, Arc<ClusterFanout>)> {
        let subject = format!("confab.{sdk_app_id}.push");
        // Set once the link dropped; the next connection resyncs the sessions.
        let dropped = Arc::new(AtomicBool::new(false));
        let (link_tx, link_events) = mpsc::unbounded_channel();
        let options = {
            let dropped = Arc::clone(&dropped);
            async_nats::ConnectOptions::new()
                .name(format!("confabd {node}"))
                .retry_on_initial_connect()
                .max_reconnects(None)
                .reconnect_delay_callback(reconnect_delay)
                .event_callback(move |event| {
                    let dropped = Arc::clone(&dropped);
                    let link_tx = link_tx.clone();
                    async move { on_event(&event, &dropped, &link_tx) }
                })
        };
        let servers: Vec<async_nats::ServerAddr> = url
            .split(',')
            .map(|u| u.trim().parse())
            .collect::<Result<_, _>>()
            .map_err(|e| anyhow::anyhow!("nats_url {url:?}: {e}"))?;
        let client = options.connect(servers).await?;
        let mut incoming = client.subscribe(subject.clone()).await?;
        let (outgoing, mut to_publish) = mpsc::unbounded_channel::<(String, Vec<u8>)>();
        let publisher = {
            let client = client.clone();
            tokio::spawn(async move {
                while let Some((subject, bytes)) = to_publish.recv().await {
                    if let Err(e) = client.publish(subject, bytes.into()).await {
                        tracing::warn!(error = %e, "publishing pushes to other nodes failed");
                    }
                }
            })
        };
        let receiver = {
            let local = Arc::clone(&local);
            let node = node.to_owned();
            tokio::spawn(async move {
                while let Some(message) = incoming.next().await {
                    match serde_json::from_slice::<Batch>(&message.payload) {
                        Ok(batch) if batch.node == node => {}
                        Ok(batch) => local.deliver(
                            batch
                                .deliveries
                                .into_iter()
                                .map(|d| Delivery {
                                    audience: d.audience,
                                    push: Arc::new(d.push),
                                    skip: None,
                                })
                                .collect(),
                        ),
                        Err(e) => {
                            tracing::warn!(error = %e, "undecodable pushes from another node")
                        }
                    }
                }
            })
        };
        let view = Arc::new(ClusterView {
            node: node.to_owned(),
            prefix: format!("confab.{sdk_app_id}"),
            nodes: Mutex::new(HashMap::new()),
            outgoing: outgoing.clone(),
        });
        let fanout = Arc::new(ClusterFanout { local, node: node.to_owned(), subject, outgoing });
        let cluster =
            Self { client, tasks: vec![publisher, receiver], view, link_events: Some(link_events) };
        Ok((cluster, fanout))
    }

    /// What the other nodes told of their sessions and rooms.
    pub fn view(&self) -> Arc<ClusterView> {
        Arc::clone(&self.view)
    }

    /// Starts following the other nodes' sessions: kicks the sessions of
    /// this node a login elsewhere displaces, announces status changes to
    /// this node's subscribers, delivers other nodes' room broadcasts, and
    /// tells the others of this node's sessions (at once, then a heartbeat
    /// every [`HEARTBEAT`]; a node silent for [`NODE_TIMEOUT`] is
    /// forgotten).
    pub async fn serve(
        &mut self,
        sessions: Arc<SessionRegistry>,
        presence: Arc<crate::presence::Presence>,
        broadcaster: Arc<crate::broadcast::Broadcaster>,
    ) -> anyhow::Result<()> {
        let mut events = self.client.subscribe(self.view.subject("nodes")).await?;
        let mut rooms = self.client.subscribe(self.view.subject("room")).await?;
        let mut link_events =
            self.link_events.take().ok_or_else(|| anyhow::anyhow!("served twice"))?;
        let view = Arc::clone(&self.view);
        view.publish(&NodeEvent::Hello);
        view.publish(&view.snapshot(&sessions, &presence));
        let node_task = tokio::spawn(async move {
            let mut heartbeat = tokio::time::interval(HEARTBEAT);
            loop {
                tokio::select! {
                    message = events.next() => {
                        let Some(message) = message else { return };
                        match serde_json::from_slice::<NodeMessage>(&message.payload) {
                            Ok(m) if m.node == view.node => {}
                            Ok(m) => view.apply(m, &sessions, &presence).await,
                            Err(e) => tracing::warn!(error = %e, "undecodable node event"),
                        }
                    }
                    message = rooms.next() => {
                        let Some(message) = message else { return };
                        match serde_json::from_slice::<RoomMessage>(&message.payload) {
                            Ok(m) if m.node == view.node => {}
                            Ok(m) => {
                                for entry in m.entries {
                                    broadcaster.send(&m.group, entry, SessionId(0));
                                }
                            }
                            Err(e) => tracing::warn!(error = %e, "undecodable room broadcast"),
                        }
                    }
                    event = link_events.recv() => {
                        let Some(event) = event else { return };
                        let closed = sessions.resync_all();
                        tracing::warn!(?event, sessions = closed, "pushes may have been lost; sessions resync");
                        view.publish(&NodeEvent::Hello);
                        view.publish(&view.snapshot(&sessions, &presence));
                    }
                    _ = heartbeat.tick() => {
                        view.publish(&NodeEvent::Heartbeat);
                        for user in view.forget_silent() {
                            presence.remote_changed(&user).await;
                        }
                    }
                }
            }
        });
        self.tasks.push(node_task);
        Ok(())
    }

    /// Tells the others this node is going, sends what is queued and stops
    /// the link's tasks.
    pub async fn close(self) {
        let bye = serde_json::json!({ "node": self.view.node, "kind": "bye" });
        if let Ok(bytes) = serde_json::to_vec(&bye) {
            if let Err(e) = self.client.publish(self.view.subject("nodes"), bytes.into()).await {
                tracing::debug!(error = %e, "cannot say goodbye to the other nodes");
            }
        }
        if let Err(e) = self.client.flush().await {
            tracing::debug!(error = %e, "flushing the cluster link at close failed");
        }
        // Dropping stops the tasks.
    }
}

impl Drop for Cluster {
    /// Stops the link's tasks (a server dropped without a shutdown too).
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}

/// Follows the NATS link: after it dropped (or NATS found this node too
/// slow and dropped messages), the node-events task closes every session
/// so each catches up from the store, and tells the others its sessions
/// again.
fn on_event(
    event: &async_nats::Event,
    dropped: &AtomicBool,
    link: &mpsc::UnboundedSender<LinkEvent>,
) {
    let tell = |event: LinkEvent| {
        if link.send(event).is_err() {
            tracing::debug!("the node-events task has stopped");
        }
    };
    match event {
        async_nats::Event::Disconnected => {
            tracing::warn!("lost the link to NATS; pushes from other nodes wait for it");
            dropped.store(true, Ordering::SeqCst);
        }
        async_nats::Event::Connected => {
            if dropped.swap(false, Ordering::SeqCst) {
                tracing::warn!("the link to NATS is back");
                tell(LinkEvent::Reconnected);
            } else {
                tracing::info!("connected to NATS");
            }
        }
        async_nats::Event::SlowConsumer(_) => tell(LinkEvent::Dropped),
        other => tracing::info!(event = %other, "NATS"),
    }
}

/// How often a node tells the others it is alive.
pub const HEARTBEAT: Duration = Duration::from_secs(2);

/// How long a node may stay silent before the others forget its sessions
/// (a node killed without a goodbye).
pub const NODE_TIMEOUT: Duration = Duration::from_secs(10);

/// One node's news for the others.
#[derive(Debug, Serialize, Deserialize)]
struct NodeMessage {
    node: String,
    #[serde(flatten)]
    event: NodeEvent,
}

/// What a node tells the others of its sessions.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
enum NodeEvent {
    /// A session of `user`'s `instance` logged in here.
    Login { user: UserId, instance: String, platform: Platform },
    /// A session ended here: by a logout or kick (`logged_out`) or a lost
    /// connection; `gone`: the user has no session left here (and so is in
    /// no AVChatRoom here).
    Ended { user: UserId, instance: String, logged_out: bool, gone: bool },
    /// `user` set a custom status (stored; each node tells its own
    /// subscribers).
    StatusSet { user: UserId },
    /// `user` joined the AVChatRoom `group` here (leaving any other).
    RoomJoined { user: UserId, group: String },
    /// `user` left the AVChatRoom `group` here.
    RoomLeft { user: UserId, group: String },
    /// Everything this node has: sessions, logged-in instances, rooms.
    State {
        sessions: Vec<(UserId, String, Platform)>,
        logged_in: Vec<(UserId, String)>,
        rooms: Vec<(UserId, String)>,
    },
    /// A node (re)joined: every node answers with its `State`.
    Hello,
    /// Still here.
    Heartbeat,
    /// Shutting down: forget this node's sessions.
    Bye,
}

/// A room broadcast (AVChatRoom or `onlineUserOnly` messages) for the
/// other nodes' members.
#[derive(Debug, Serialize, Deserialize)]
struct RoomMessage {
    node: String,
    group: GroupId,
    entries: Vec<TimelineEntry>,
}

/// What one other node has.
#[derive(Debug)]
struct NodeView {
    last_heard: Instant,
    sessions: HashMap<UserId, Vec<(String, Platform)>>,
    logged_in: HashMap<UserId, HashSet<String>>,
    rooms: HashMap<UserId, String>,
}

impl NodeView {
    fn new() -> Self {
        Self {
            last_heard: Instant::now(),
            sessions: HashMap::new(),
            logged_in: HashMap::new(),
            rooms: HashMap::new(),
        }
    }

    fn users(&self) -> HashSet<UserId> {
        self.sessions
            .keys()
            .chain(self.logged_in.keys())
            .chain(self.rooms.keys())
            .cloned()
            .collect()
    }
}

/// The other nodes' sessions, logins and room members, as they told them,
/// and the way to tell them this node's.
pub struct ClusterView {
    node: String,
    /// `confab.<SDKAppID>`.
    prefix: String,
    nodes: Mutex<HashMap<String, NodeView>>,
    outgoing: mpsc::UnboundedSender<(String, Vec<u8>)>,
}

impl ClusterView {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, NodeView>> {
        // Every update leaves the views consistent at each step.
        self.nodes.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn subject(&self, name: &str) -> String {
        format!("{}.{name}", self.prefix)
    }

    fn publish(&self, event: &NodeEvent) {
        #[derive(Serialize)]
        struct Out<'a> {
            node: &'a str,
            #[serde(flatten)]
            event: &'a NodeEvent,
        }
        self.send("nodes", &Out { node: &self.node, event });
    }

    fn send(&self, subject: &str, value: &impl Serialize) {
        match serde_json::to_vec(value) {
            Ok(bytes) => {
                if self.outgoing.send((self.subject(subject), bytes)).is_err() {
                    tracing::debug!("the cluster link is closed");
                }
            }
            Err(e) => tracing::error!(error = %e, "cannot encode a message for other nodes"),
        }
    }

    /// A session of `user`'s `instance` on `platform` logged in here.
    pub fn login(&self, user: &UserId, instance: &str, platform: Platform) {
        self.publish(&NodeEvent::Login {
            user: user.clone(),
            instance: instance.to_owned(),
            platform,
        });
    }

    /// A session of `user`'s `instance` ended here.
    pub fn ended(&self, user: &UserId, instance: &str, logged_out: bool, gone: bool) {
        self.publish(&NodeEvent::Ended {
            user: user.clone(),
            instance: instance.to_owned(),
            logged_out,
            gone,
        });
    }

    /// `user` set a custom status here.
    pub fn status_set(&self, user: &UserId) {
        self.publish(&NodeEvent::StatusSet { user: user.clone() });
    }

    /// `user` joined the AVChatRoom `group` here.
    pub fn room_joined(&self, user: &UserId, group: &str) {
        self.publish(&NodeEvent::RoomJoined { user: user.clone(), group: group.to_owned() });
    }

    /// `user` left the AVChatRoom `group` here.
    pub fn room_left(&self, user: &UserId, group: &str) {
        self.publish(&NodeEvent::RoomLeft { user: user.clone(), group: group.to_owned() });
    }

    /// A broadcast entry for the other nodes' members of `group`.
    pub fn room_broadcast(&self, group: &GroupId, entry: &TimelineEntry) {
        self.send(
            "room",
            &RoomMessage {
                node: self.node.clone(),
                group: group.clone(),
                entries: vec![entry.clone()],
            },
        );
    }

    /// Whether `user` has a session on another node, and whether an
    /// instance of theirs is logged in (not out) on another node.
    pub fn remote_status(&self, user: &UserId) -> (bool, bool) {
        let nodes = self.lock();
        let online = nodes.values().any(|n| n.sessions.get(user).is_some_and(|s| !s.is_empty()));
        let logged_in = nodes.values().any(|n| n.logged_in.contains_key(user));
        (online, logged_in)
    }

    /// How many other nodes `user` has sessions on.
    pub fn remote_nodes_of(&self, user: &UserId) -> usize {
        self.lock().values().filter(|n| n.sessions.get(user).is_some_and(|s| !s.is_empty())).count()
    }

    /// Web sessions of `user` on other nodes.
    pub fn remote_web_sessions(&self, user: &UserId) -> usize {
        self.lock()
            .values()
            .filter_map(|n| n.sessions.get(user))
            .flatten()
            .filter(|(_, platform)| !platform.is_terminal())
            .count()
    }

    /// Members of the AVChatRoom `group` on other nodes.
    pub fn remote_room_members(&self, group: &str) -> HashSet<UserId> {
        self.lock()
            .values()
            .flat_map(|n| n.rooms.iter().filter(|(_, room)| *room == group).map(|(u, _)| u.clone()))
            .collect()
    }

    /// This node's sessions, logins and rooms, as a `State` event.
    fn snapshot(
        &self,
        sessions: &SessionRegistry,
        presence: &crate::presence::Presence,
    ) -> NodeEvent {
        let (live, rooms) = sessions.snapshot();
        NodeEvent::State { sessions: live, logged_in: presence.roster().logged_in(), rooms }
    }

    /// Takes one node's news in: kicks what a login elsewhere displaces,
    /// and has presence announce the users whose status may have changed.
    async fn apply(
        &self,
        message: NodeMessage,
        sessions: &SessionRegistry,
        presence: &crate::presence::Presence,
    ) {
        let NodeMessage { node, event } = message;
        let mut changed: Vec<UserId> = Vec::new();
        let mut reply_state = false;
        let mut status_set = None;
        {
            let mut nodes = self.lock();
            let view = nodes.entry(node.clone()).or_insert_with(NodeView::new);
            view.last_heard = Instant::now();
            match event {
                NodeEvent::Login { user, instance, platform } => {
                    let list = view.sessions.entry(user.clone()).or_default();
                    list.retain(|(i, _)| *i != instance);
                    list.push((instance.clone(), platform));
                    view.logged_in.entry(user.clone()).or_default().insert(instance.clone());
                    drop(nodes);
                    let remote_web = self.remote_web_sessions(&user);
                    sessions.remote_login(&user, &instance, platform, remote_web);
                    changed.push(user);
                }
                NodeEvent::Ended { user, instance, logged_out, gone } => {
                    if let Some(list) = view.sessions.get_mut(&user) {
                        list.retain(|(i, _)| *i != instance);
                        if list.is_empty() {
                            view.sessions.remove(&user);
                        }
                    }
                    if logged_out {
                        if let Some(set) = view.logged_in.get_mut(&user) {
                            set.remove(&instance);
                            if set.is_empty() {
                                view.logged_in.remove(&user);
                            }
                        }
                    }
                    if gone {
                        view.rooms.remove(&user);
                    }
                    changed.push(user);
                }
                NodeEvent::StatusSet { user } => status_set = Some(user),
                NodeEvent::RoomJoined { user, group } => {
                    view.rooms.insert(user, group);
                }
                NodeEvent::RoomLeft { user, group } => {
                    if view.rooms.get(&user).is_some_and(|room| *room == group) {
                        view.rooms.remove(&user);
                    }
                }
                NodeEvent::State { sessions: live, logged_in, rooms } => {
                    let before = view.users();
                    let mut fresh = NodeView::new();
                    for (user, instance, platform) in live {
                        fresh.sessions.entry(user).or_default().push((instance, platform));
                    }
                    for (user, instance) in logged_in {
                        fresh.logged_in.entry(user).or_default().insert(instance);
                    }
                    fresh.rooms = rooms.into_iter().collect();
                    changed = before.union(&fresh.users()).cloned().collect();
                    *view = fresh;
                }
                NodeEvent::Hello => reply_state = true,
                NodeEvent::Heartbeat => {}
                NodeEvent::Bye => {
                    if let Some(gone) = nodes.remove(&node) {
                        changed = gone.users().into_iter().collect();
                    }
                }
            }
        }
        if reply_state {
            self.publish(&self.snapshot(sessions, presence));
        }
        if let Some(user) = status_set {
            presence.custom_status_told(&user).await;
        }
        for user in changed {
            presence.remote_changed(&user).await;
        }
    }

    /// Forgets the nodes silent for longer than [`NODE_TIMEOUT`]; the users
    /// they had.
    fn forget_silent(&self) -> Vec<UserId> {
        let mut nodes = self.lock();
        let silent: Vec<String> = nodes
            .iter()
            .filter(|(_, view)| view.last_heard.elapsed() > NODE_TIMEOUT)
            .map(|(name, _)| name.clone())
            .collect();
        let mut users = HashSet::new();
        for name in silent {
            tracing::warn!(node = %name, "a node went silent; its sessions are forgotten");
            if let Some(view) = nodes.remove(&name) {
                users.extend(view.users());
            }
        }
        users.into_iter().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reconnects_come_quickly_then_at_most_a_second_apart() {
        assert_eq!(reconnect_delay(0), Duration::ZERO);
        assert_eq!(reconnect_delay(1), Duration::from_millis(50));
        assert_eq!(reconnect_delay(100), Duration::from_secs(1));
        assert_eq!(reconnect_delay(usize::MAX), Duration::from_secs(1));
    }
}
