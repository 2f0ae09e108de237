//! The NATS link of a cluster node: the fan-out that publishes committed
//! pushes, the tasks that deliver other nodes' pushes and follow their
//! sessions, and what the node does when the link drops.

use super::view::{ClusterView, NodeEvent, NodeMessage, RoomMessage, HEARTBEAT};
use crate::fanout::{Audience, Delivery, Fanout, SessionId};
use crate::sessions::SessionRegistry;
use confab_proto::frame::Push;
use futures_util::StreamExt as _;
use serde::{Deserialize, Serialize};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;
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
        let view = Arc::new(ClusterView::new(node, sdk_app_id, outgoing.clone()));
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
                            Ok(m) if m.node == view.node() => {}
                            Ok(m) => view.apply(m, &sessions, &presence).await,
                            Err(e) => tracing::warn!(error = %e, "undecodable node event"),
                        }
                    }
                    message = rooms.next() => {
                        let Some(message) = message else { return };
                        match serde_json::from_slice::<RoomMessage>(&message.payload) {
                            Ok(m) if m.node == view.node() => {}
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
        let bye = serde_json::json!({ "node": self.view.node(), "kind": "bye" });
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
