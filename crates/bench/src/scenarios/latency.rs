//! C2C latency through the SDK: alice's `send_message` call to bob's
//! MESSAGE_RECEIVED, at a steady offered rate, both SDK instances talking
//! to a real `confabd` over loopback.

use crate::process::Confabd;
use crate::report::{Goal, RunFigures};
use anyhow::Context;
use confab_sdk::{CreateMessageOptions, Event, SendMessageOptions, TextPayload, Tim, TimOptions};
use futures_util::stream::{FuturesUnordered, StreamExt};
use std::path::Path;
use std::time::{Duration, Instant};

/// Sizes.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Params {
    /// Offered messages per second.
    pub rate: u32,
    /// Seconds of measured load (after one second of warm-up).
    pub seconds: u32,
}

/// Logs an SDK instance in and waits for SDK_READY.
pub async fn sdk_client(server: &Confabd, dir: &Path, user: &str) -> anyhow::Result<Tim> {
    let tim = Tim::create(TimOptions::new(crate::process::SDK_APP_ID, server.ws_url(), dir));
    let mut events = tim.subscribe();
    tim.login(user, &crate::lean::user_sig(user)).await.context("login")?;
    tokio::time::timeout(Duration::from_secs(60), async {
        while !tim.is_ready() {
            if let Ok(Event::SdkReady) = events.recv().await {
                break;
            }
        }
    })
    .await
    .context("SDK_READY")?;
    Ok(tim)
}

/// One run.
pub async fn run(
    server: &Confabd,
    dir: &Path,
    params: &Params,
    tag: &str,
) -> anyhow::Result<RunFigures> {
    let bob_id = format!("lat-bob{tag}");
    let bob = sdk_client(server, &dir.join("bob"), &bob_id).await?;
    let alice = sdk_client(server, &dir.join("alice"), &format!("lat-alice{tag}")).await?;
    let warmup = params.rate as usize;
    let total = warmup + (params.rate * params.seconds) as usize;
    let mut sent_at: Vec<Option<Instant>> = vec![None; total];
    let mut latencies: Vec<Duration> = Vec::with_capacity(total);
    let mut events = bob.subscribe();
    let before = server.usage()?;
    let mut ticker =
        tokio::time::interval(Duration::from_secs_f64(1.0 / f64::from(params.rate.max(1))));
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
    let mut sends = FuturesUnordered::new();
    let (mut next, mut received) = (0usize, 0usize);
    let deadline = Instant::now() + Duration::from_secs(u64::from(params.seconds) + 60);
    while received < total {
        anyhow::ensure!(Instant::now() < deadline, "only {received} of {total} messages arrived");
        tokio::select! {
            _ = ticker.tick(), if next < total => {
                let message = alice.create_text_message(CreateMessageOptions::c2c(
                    bob_id.clone(),
                    TextPayload { text: format!("{next}") },
                ))?;
                sent_at[next] = Some(Instant::now());
                let tim = alice.clone();
                sends.push(async move { tim.send_message(&message, SendMessageOptions::default()).await });
                next += 1;
            }
            Some(result) = sends.next(), if !sends.is_empty() => {
                result.context("send")?;
            }
            event = events.recv() => {
                let now = Instant::now();
                if let Ok(Event::MessageReceived(list)) = event {
                    for m in list {
                        if let Some(i) = m.payload["text"].as_str().and_then(|t| t.parse::<usize>().ok()) {
                            if let Some(Some(at)) = sent_at.get(i) {
                                if i >= warmup {
                                    latencies.push(now - *at);
                                }
                                received += 1;
                            }
                        }
                    }
                }
            }
        }
    }
    while let Some(result) = sends.next().await {
        result.context("send")?;
    }
    let after = server.usage()?;
    alice.destroy().await?;
    bob.destroy().await?;
    let p = crate::stats::percentiles(&mut latencies);
    let mut figures = RunFigures::default();
    figures.add_bar("send → peer MESSAGE_RECEIVED p50", p.p50_ms, "ms", Goal::AtMost, 0.5);
    figures.add("send → peer MESSAGE_RECEIVED p95", p.p95_ms, "ms");
    figures.add_bar("send → peer MESSAGE_RECEIVED p99", p.p99_ms, "ms", Goal::AtMost, 3.0);
    figures.add("max", p.max_ms, "ms");
    figures.add("server CPU seconds", after.cpu_seconds - before.cpu_seconds, "s");
    figures.add("server RSS at end", after.rss_bytes as f64 / 1e6, "MB");
    // The same load between two lean protocol clients: the server's share
    // (a durable commit and two pushes) without the SDKs' local stores.
    let mut lean = lean_run(server, params, tag).await?;
    let q = crate::stats::percentiles(&mut lean);
    figures.add("server only (lean clients) p50", q.p50_ms, "ms");
    figures.add("server only (lean clients) p99", q.p99_ms, "ms");
    Ok(figures)
}

/// Send-to-push latencies between two lean clients at the offered rate.
pub async fn lean_run(
    server: &Confabd,
    params: &Params,
    tag: &str,
) -> anyhow::Result<Vec<Duration>> {
    use confab_proto::frame::{Push, ServerFrame};
    use confab_proto::inbox::InboxEvent;
    let bob_id = format!("lean-bob{tag}");
    let (bob, _) = crate::lean::Lean::login(server.addr, None, &bob_id).await?;
    let (alice, _) =
        crate::lean::Lean::login(server.addr, None, &format!("lean-alice{tag}")).await?;
    let (mut alice_tx, mut alice_rx) = alice.split();
    let (_bob_tx, mut bob_rx) = bob.split();
    let warmup = params.rate as usize;
    let total = warmup + (params.rate * params.seconds) as usize;
    // Alice's answers and own pushes are read and dropped.
    let drain = tokio::spawn(async move { while alice_rx.next().await.is_ok() {} });
    let arrivals = tokio::spawn(async move {
        let mut seen = vec![None; total];
        let mut got = 0;
        while got < total {
            if let ServerFrame::Push { push: Push::Inbox(entry) } = bob_rx.next().await? {
                if let InboxEvent::Message { message } = entry.event {
                    if let confab_proto::message::MessageElement::Text(t) = message.element {
                        if let Ok(i) = t.text.parse::<usize>() {
                            if i < total && seen[i].is_none() {
                                seen[i] = Some(Instant::now());
                                got += 1;
                            }
                        }
                    }
                }
            }
        }
        anyhow::Ok(seen)
    });
    let mut ticker =
        tokio::time::interval(Duration::from_secs_f64(1.0 / f64::from(params.rate.max(1))));
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
    let mut sent_at = Vec::with_capacity(total);
    for i in 0..total {
        ticker.tick().await;
        sent_at.push(Instant::now());
        alice_tx.send(&super::text_send(&bob_id, super::random_id(), i.to_string())).await?;
    }
    let seen = tokio::time::timeout(Duration::from_secs(60), arrivals)
        .await
        .context("lean deliveries")???;
    drain.abort();
    Ok(seen
        .iter()
        .zip(&sent_at)
        .skip(warmup)
        .filter_map(|(arrived, sent)| arrived.map(|a| a - *sent))
        .collect())
}
