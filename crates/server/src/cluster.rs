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

use crate::fanout::{Audience, Delivery, Fanout};
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
    outgoing: mpsc::UnboundedSender<Vec<u8>>,
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
                if self.outgoing.send(bytes).is_err() {
                    tracing::debug!("the cluster link is closed; pushes stay on this node");
                }
            }
            Err(e) => tracing::error!(error = %e, "cannot encode pushes for other nodes"),
        }
    }
}

/// This node's link to the others: the NATS client and its tasks.
pub struct Cluster {
    client: async_nats::Client,
    tasks: Vec<JoinHandle<()>>,
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
        let options = {
            let local = Arc::clone(&local);
            let dropped = Arc::clone(&dropped);
            async_nats::ConnectOptions::new()
                .name(format!("confabd {node}"))
                .retry_on_initial_connect()
                .max_reconnects(None)
                .reconnect_delay_callback(reconnect_delay)
                .event_callback(move |event| {
                    let local = Arc::clone(&local);
                    let dropped = Arc::clone(&dropped);
                    async move { on_event(&event, &local, &dropped) }
                })
        };
        let servers: Vec<async_nats::ServerAddr> = url
            .split(',')
            .map(|u| u.trim().parse())
            .collect::<Result<_, _>>()
            .map_err(|e| anyhow::anyhow!("nats_url {url:?}: {e}"))?;
        let client = options.connect(servers).await?;
        let mut incoming = client.subscribe(subject.clone()).await?;
        let (outgoing, mut to_publish) = mpsc::unbounded_channel::<Vec<u8>>();
        let publisher = {
            let client = client.clone();
            let subject = subject.clone();
            tokio::spawn(async move {
                while let Some(bytes) = to_publish.recv().await {
                    if let Err(e) = client.publish(subject.clone(), bytes.into()).await {
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
        let fanout = Arc::new(ClusterFanout { local, node: node.to_owned(), outgoing });
        Ok((Self { client, tasks: vec![publisher, receiver] }, fanout))
    }

    /// Sends what is queued and stops the link's tasks.
    pub async fn close(self) {
        if let Err(e) = self.client.flush().await {
            tracing::debug!(error = %e, "flushing the cluster link at close failed");
        }
        for task in self.tasks {
            task.abort();
        }
    }
}

/// Follows the NATS link: after it dropped (or NATS found this node too
/// slow and dropped messages), the next connection closes every session so
/// each catches up from the store.
fn on_event(event: &async_nats::Event, local: &SessionRegistry, dropped: &AtomicBool) {
    match event {
        async_nats::Event::Disconnected => {
            tracing::warn!("lost the link to NATS; pushes from other nodes wait for it");
            dropped.store(true, Ordering::SeqCst);
        }
        async_nats::Event::Connected => {
            if dropped.swap(false, Ordering::SeqCst) {
                let closed = local.resync_all();
                tracing::warn!(sessions = closed, "the link to NATS is back; sessions resync");
            } else {
                tracing::info!("connected to NATS");
            }
        }
        async_nats::Event::SlowConsumer(_) => {
            let closed = local.resync_all();
            tracing::warn!(sessions = closed, "NATS dropped pushes for this node; sessions resync");
        }
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
