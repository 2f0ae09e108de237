//! History paging on the server: a conversation of N messages, then pages
//! of 15 (`getMessageList` with `beforeSequence`) at random depths, as a
//! client whose local cache holds none of it would ask for them.

use crate::lean::Lean;
use crate::process::Confabd;
use crate::report::{Goal, RunFigures};
use confab_proto::frame::ServerFrame;
use confab_proto::ops::GetMessageList;
use std::time::{Duration, Instant};

/// Sizes.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Params {
    /// Messages in the conversation.
    pub messages: usize,
    /// Pages requested per run.
    pub pages: usize,
}

/// Fills alice→bob with `params.messages` messages (once per server).
pub async fn populate(server: &Confabd, params: &Params) -> anyhow::Result<()> {
    // Bob must exist; his live session is not needed while filling.
    drop(Lean::login(server.addr, None, "hist-bob").await?);
    let (mut alice, _) = Lean::login(server.addr, None, "hist-alice").await?;
    // Under the server's cap on requests in flight per session (90020 beyond it).
    let window = 128;
    let (mut sent, mut done) = (0usize, 0usize);
    while done < params.messages {
        let mut fed = false;
        while sent < params.messages && sent - done < window {
            alice
                .feed(&super::text_send(
                    "hist-bob",
                    super::random_id(),
                    format!("history message {sent}"),
                ))
                .await?;
            sent += 1;
            fed = true;
        }
        if fed {
            alice.flush().await?;
        }
        match alice.next().await? {
            ServerFrame::Ok { .. } => done += 1,
            ServerFrame::Err { error, .. } => anyhow::bail!("populate failed: {error}"),
            ServerFrame::Push { .. } => {}
        }
    }
    Ok(())
}

/// One run: `params.pages` sequential page requests at random depths.
pub async fn run(server: &Confabd, params: &Params) -> anyhow::Result<RunFigures> {
    let (mut bob, _) = Lean::login(server.addr, None, "hist-bob").await?;
    let mut samples: Vec<Duration> = Vec::with_capacity(params.pages);
    for _ in 0..params.pages {
        let before = rand::random_range(16..=params.messages as u64 + 1);
        let request = GetMessageList {
            conversation_id: "C2Chist-alice".into(),
            before_sequence: Some(before),
            count: 15,
        };
        let t = Instant::now();
        let page = bob.call(&request).await?;
        samples.push(t.elapsed());
        anyhow::ensure!(page.messages.len() == 15, "a full page at depth {before}");
    }
    let p = crate::stats::percentiles(&mut samples);
    let mut figures = RunFigures::default();
    figures.add_bar("page of 15, median", p.p50_ms, "ms", Goal::AtMost, 1.0);
    figures.add("page of 15, p99", p.p99_ms, "ms");
    let usage = server.usage()?;
    figures.add("server RSS", usage.rss_bytes as f64 / 1e6, "MB");
    Ok(figures)
}
