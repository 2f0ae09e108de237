//! C2C throughput: many sender/receiver pairs of lean clients; each sender
//! keeps a window of pipelined `sendMessage` requests in flight. A message
//! counts when acknowledged (= committed); the run ends when every receiver
//! has every message.

use crate::lean::Lean;
use crate::process::Confabd;
use crate::report::{Goal, RunFigures};
use anyhow::{bail, Context};
use confab_proto::frame::{Push, ServerFrame};
use confab_proto::inbox::InboxEvent;
use std::time::Instant;

/// Sizes.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Params {
    /// Sender/receiver pairs.
    pub pairs: usize,
    /// Messages in all.
    pub messages: usize,
    /// Requests in flight per sender.
    pub window: usize,
}

/// One run.
pub async fn run(server: &Confabd, params: &Params, tag: &str) -> anyhow::Result<RunFigures> {
    let per_pair = params.messages / params.pairs.max(1);
    let total = per_pair * params.pairs;
    let before = server.usage()?;
    let mut receivers = Vec::new();
    for p in 0..params.pairs {
        let user = format!("tr{tag}-{p}");
        let (mut lean, _) = Lean::login(server.addr, None, &user).await?;
        receivers.push(tokio::spawn(async move {
            let mut got = 0usize;
            while got < per_pair {
                if let ServerFrame::Push { push: Push::Inbox(entry) } = lean.next().await? {
                    if matches!(entry.event, InboxEvent::Message { ref message } if message.to == user) {
                        got += 1;
                    }
                }
            }
            anyhow::Ok(Instant::now())
        }));
    }
    let mut senders_ready = Vec::new();
    for p in 0..params.pairs {
        let (lean, _) = Lean::login(server.addr, None, &format!("ts{tag}-{p}")).await?;
        senders_ready.push(lean);
    }
    let start = Instant::now();
    let mut senders = Vec::new();
    for (p, mut lean) in senders_ready.into_iter().enumerate() {
        let to = format!("tr{tag}-{p}");
        let window = params.window;
        senders.push(tokio::spawn(async move {
            let (mut sent, mut acked, mut failed) = (0usize, 0usize, 0usize);
            while acked + failed < per_pair {
                let mut fed = false;
                while sent < per_pair && sent - acked - failed < window {
                    lean.feed(&super::text_send(
                        &to,
                        super::random_id(),
                        format!("throughput {sent}"),
                    ))
                    .await?;
                    sent += 1;
                    fed = true;
                }
                if fed {
                    lean.flush().await?;
                }
                match lean.next().await? {
                    ServerFrame::Ok { .. } => acked += 1,
                    ServerFrame::Err { .. } => failed += 1,
                    ServerFrame::Push { .. } => {}
                }
            }
            if failed > 0 {
                bail!("{failed} sends failed");
            }
            anyhow::Ok(Instant::now())
        }));
    }
    let mut acked_at = start;
    for s in senders {
        acked_at = acked_at.max(s.await.context("sender task")??);
    }
    let mut delivered_at = start;
    for r in receivers {
        delivered_at = delivered_at.max(r.await.context("receiver task")??);
    }
    let after = server.usage()?;
    let mut figures = RunFigures::default();
    let ack_secs = (acked_at - start).as_secs_f64();
    let delivered_secs = (delivered_at - start).as_secs_f64();
    figures.add_bar(
        "durable msgs/s (acknowledged)",
        total as f64 / ack_secs,
        "msg/s",
        Goal::AtLeast,
        30_000.0,
    );
    figures.add("msgs/s delivered to receivers", total as f64 / delivered_secs, "msg/s");
    figures.add("server CPU seconds", after.cpu_seconds - before.cpu_seconds, "s");
    figures.add("server RSS at end", after.rss_bytes as f64 / 1e6, "MB");
    Ok(figures)
}
