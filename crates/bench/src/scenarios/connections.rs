//! Idle connections: N logged-in sessions held by one server, spread over
//! several 127.0.0.x source addresses (each has its own ephemeral ports),
//! and the server's memory per session.

use crate::lean::Lean;
use crate::process::Confabd;
use crate::report::{Goal, RunFigures};
use futures_util::stream::{self, StreamExt};
use std::net::{IpAddr, Ipv4Addr};
use std::time::Instant;

/// Sizes.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Params {
    /// Sessions to hold.
    pub sessions: usize,
    /// Logins in flight at once.
    pub concurrency: usize,
    /// Sessions per source address.
    pub per_address: usize,
}

/// One run on a fresh server (started with a long heartbeat interval so
/// idle sessions are not closed while the others connect).
pub async fn run(server: &Confabd, params: &Params, tag: &str) -> anyhow::Result<RunFigures> {
    let before = server.usage()?;
    let start = Instant::now();
    let addr = server.addr;
    let per_address = params.per_address.max(1);
    // Each run starts on fresh source addresses: the previous run's ports
    // are still in TIME_WAIT on its own.
    let addresses_per_run = params.sessions.div_ceil(per_address);
    let first = 1 + tag.parse::<usize>().unwrap_or(0) * addresses_per_run;
    let held: Vec<Lean> = stream::iter(0..params.sessions)
        .map(|i| {
            let octet = u8::try_from((first + i / per_address).min(254)).unwrap_or(254);
            let source = IpAddr::V4(Ipv4Addr::new(127, 0, 0, octet));
            let user = format!("idle{tag}-{i}");
            async move { Lean::login(addr, Some(source), &user).await.map(|(lean, _)| lean) }
        })
        .buffer_unordered(params.concurrency.max(1))
        .collect::<Vec<_>>()
        .await
        .into_iter()
        .collect::<anyhow::Result<_>>()?;
    let connect_secs = start.elapsed().as_secs_f64();
    let after = server.usage()?;
    let per_session =
        (after.rss_bytes.saturating_sub(before.rss_bytes)) as f64 / held.len().max(1) as f64;
    let mut figures = RunFigures::default();
    figures.add("sessions held", held.len() as f64, "sessions");
    figures.add_bar(
        "server RSS per session",
        per_session / 1024.0,
        "KiB",
        Goal::AtMost,
        // 1.5 GB over 100,000 sessions.
        1.5e9 / 100_000.0 / 1024.0,
    );
    figures.add("server RSS with all sessions", after.rss_bytes as f64 / 1e6, "MB");
    figures.add("server peak RSS", after.peak_rss_bytes as f64 / 1e6, "MB");
    figures.add("logins per second", held.len() as f64 / connect_secs, "login/s");
    figures.add("server CPU seconds", after.cpu_seconds - before.cpu_seconds, "s");
    drop(held);
    Ok(figures)
}
