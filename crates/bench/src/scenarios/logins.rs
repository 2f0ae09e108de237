//! Password logins: a fresh `confabd` registers an account, then answers
//! 1,000 `POST /api/login` one after another; its resident memory before
//! and after shows whether argon2's 19 MiB of working memory per hash is
//! reused or piles up in the heap (it used to: 371 MB after 60
//! registrations). Then a burst of concurrent logins (memory bounded by the
//! hashing permits), and, print-only, how long a wrong password and an
//! unknown userID take to be refused: they should match (no account
//! enumeration by timing). Never asserted: the tests check the codes.
//!
//! Requests are plain HTTP/1.1 over loopback from a lean client. The
//! refusals come from their own 127.0.0.x addresses and spread over
//! accounts, so they stay inside the server's login back-off allowances.

use crate::process::Confabd;
use crate::report::{Goal, RunFigures};
use anyhow::{bail, Context};
use futures_util::stream::{self, StreamExt};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

/// Sizes.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Params {
    /// Sequential password logins.
    pub logins: usize,
    /// Logins in the concurrent burst.
    pub burst: usize,
    /// Refusals timed per kind (wrong password, unknown userID); at most 15
    /// so one address stays within the server's allowance.
    pub refusals: usize,
}

const MB: f64 = 1e6;
/// The bar: RSS after 1,000 password logins.
const RSS_BAR_MB: f64 = 64.0;
const PASSWORD: &str = "bench password 1";

/// One `POST` of JSON; returns the status and the body.
async fn post(
    server: SocketAddr,
    source: Option<IpAddr>,
    path: &str,
    body: &serde_json::Value,
) -> anyhow::Result<(u16, serde_json::Value)> {
    let socket = tokio::net::TcpSocket::new_v4().context("socket")?;
    if let Some(ip) = source {
        socket.set_reuseaddr(true).context("SO_REUSEADDR")?;
        socket.bind(SocketAddr::new(ip, 0)).with_context(|| format!("bind {ip}"))?;
    }
    let mut stream = socket.connect(server).await.context("connect")?;
    stream.set_nodelay(true).context("nodelay")?;
    let body = body.to_string();
    let request = format!(
        "POST {path} HTTP/1.1\r\nHost: {server}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await.context("write")?;
    let mut response = Vec::new();
    tokio::time::timeout(Duration::from_secs(60), stream.read_to_end(&mut response))
        .await
        .context("no answer within 60 s")?
        .context("read")?;
    let text = String::from_utf8_lossy(&response);
    let status = text.get(9..12).and_then(|s| s.parse().ok()).context("status line")?;
    let body = text.split_once("\r\n\r\n").map_or("", |(_, b)| b);
    Ok((status, serde_json::from_str(body).unwrap_or(serde_json::Value::Null)))
}

fn credentials(user: &str, password: &str) -> serde_json::Value {
    serde_json::json!({ "userID": user, "password": password })
}

async fn register(server: SocketAddr, user: &str) -> anyhow::Result<()> {
    let (status, body) =
        post(server, None, confab_proto::account::REGISTER_PATH, &credentials(user, PASSWORD))
            .await?;
    if status != 200 {
        bail!("registering {user}: HTTP {status} {body}");
    }
    Ok(())
}

/// Times one login; checks its status.
async fn timed_login(
    server: SocketAddr,
    source: Option<IpAddr>,
    user: &str,
    password: &str,
    expect: u16,
) -> anyhow::Result<Duration> {
    let started = Instant::now();
    let (status, body) =
        post(server, source, confab_proto::account::LOGIN_PATH, &credentials(user, password))
            .await?;
    let took = started.elapsed();
    if status != expect {
        bail!("login of {user}: HTTP {status} {body}, expected {expect}");
    }
    Ok(took)
}

fn median_ms(samples: &mut [Duration]) -> f64 {
    crate::stats::percentiles(samples).p50_ms
}

/// One run, on a fresh server.
pub async fn run(server: &Confabd, params: &Params, tag: &str) -> anyhow::Result<RunFigures> {
    let addr = server.addr;
    let fresh = server.usage()?;
    let user = format!("login{tag}");
    register(addr, &user).await?;

    let mut samples = Vec::with_capacity(params.logins);
    for _ in 0..params.logins {
        samples.push(timed_login(addr, None, &user, PASSWORD, 200).await?);
    }
    let after = server.usage()?;
    eprintln!(
        "   {} sequential logins: RSS {:.1} MB fresh, {:.1} MB after, peak {:.1} MB",
        params.logins,
        fresh.rss_bytes as f64 / MB,
        after.rss_bytes as f64 / MB,
        after.peak_rss_bytes as f64 / MB
    );

    let burst_started = Instant::now();
    let results: Vec<anyhow::Result<Duration>> = stream::iter(0..params.burst)
        .map(|_| timed_login(addr, None, &user, PASSWORD, 200))
        .buffer_unordered(params.burst.max(1))
        .collect()
        .await;
    for result in results {
        result?;
    }
    let burst_secs = burst_started.elapsed().as_secs_f64();
    let after_burst = server.usage()?;

    // Refusals: a wrong password for a different account each time, and a
    // different unknown userID each time, from two addresses of their own.
    let refusals = params.refusals.min(15);
    let run_octet = 2 + 2 * u8::try_from(tag.parse::<usize>().unwrap_or(0) % 100)?;
    let wrong_from = IpAddr::V4(Ipv4Addr::new(127, 0, 1, run_octet));
    let unknown_from = IpAddr::V4(Ipv4Addr::new(127, 0, 1, run_octet + 1));
    for i in 0..refusals {
        register(addr, &format!("timing{tag}-{i}")).await?;
    }
    let mut wrong = Vec::with_capacity(refusals);
    let mut unknown = Vec::with_capacity(refusals);
    for i in 0..refusals {
        let account = format!("timing{tag}-{i}");
        wrong.push(timed_login(addr, Some(wrong_from), &account, "not the password", 401).await?);
        let nobody = format!("nobody{tag}-{i}");
        unknown.push(timed_login(addr, Some(unknown_from), &nobody, PASSWORD, 401).await?);
    }
    let (wrong_ms, unknown_ms) = (median_ms(&mut wrong), median_ms(&mut unknown));
    eprintln!(
        "   refusals (print only): wrong password {wrong_ms:.1} ms, unknown userID {unknown_ms:.1} ms (median of {refusals})"
    );

    let mut figures = RunFigures::default();
    figures.add("RSS of the fresh server", fresh.rss_bytes as f64 / MB, "MB");
    figures.add_bar(
        "RSS after the sequential password logins",
        after.rss_bytes as f64 / MB,
        "MB",
        Goal::AtMost,
        RSS_BAR_MB,
    );
    figures.add("peak RSS during the sequential logins", after.peak_rss_bytes as f64 / MB, "MB");
    figures.add("password login, median", median_ms(&mut samples), "ms");
    figures.add("RSS after the concurrent burst", after_burst.rss_bytes as f64 / MB, "MB");
    figures.add("peak RSS through the burst", after_burst.peak_rss_bytes as f64 / MB, "MB");
    figures.add("burst logins per second", params.burst as f64 / burst_secs.max(1e-9), "logins/s");
    figures.add("wrong password refused, median", wrong_ms, "ms");
    figures.add("unknown userID refused, median", unknown_ms, "ms");
    Ok(figures)
}
