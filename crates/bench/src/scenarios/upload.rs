//! A big file message through the SDK and the file service: alice sends a
//! file (100 MB by default) to bob, bob downloads it into his cache.
//! Measures upload throughput on loopback, how steady the progress events
//! are (the rate per tenth of the file, the longest gap between events),
//! the download throughput, and the peak resident memory of `confabd` and
//! of the client process (the SDK, as the app embeds it) while it runs —
//! both peaks reset just before the upload through `/proc/PID/clear_refs`.

use crate::process::Confabd;
use crate::report::{Goal, RunFigures};
use crate::scenarios::latency::sdk_client;
use anyhow::Context;
use confab_sdk::{CreateMessageOptions, Event, FileSource, Rendition, SendMessageOptions};
use std::io::Write as _;
use std::path::Path;
use std::time::{Duration, Instant};

/// Sizes.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Params {
    /// Bytes of the file.
    pub bytes: u64,
}

/// Writes `bytes` of incompressible-looking content (a xorshift stream).
fn write_file(path: &Path, bytes: u64) -> anyhow::Result<()> {
    let mut file = std::io::BufWriter::with_capacity(
        1 << 20,
        std::fs::File::create(path).with_context(|| format!("create {}", path.display()))?,
    );
    let mut state = 0x9E37_79B9_7F4A_7C15_u64;
    let mut chunk = vec![0u8; 1 << 16];
    let mut left = bytes;
    while left > 0 {
        for word in chunk.chunks_exact_mut(8) {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            word.copy_from_slice(&state.to_le_bytes());
        }
        let n = usize::try_from(left.min(chunk.len() as u64))?;
        file.write_all(&chunk[..n])?;
        left -= n as u64;
    }
    file.flush()?;
    Ok(())
}

/// Resets a process's peak RSS (`VmHWM`) to its current RSS.
fn reset_peak(pid: u32) -> anyhow::Result<()> {
    std::fs::write(format!("/proc/{pid}/clear_refs"), "5")
        .with_context(|| format!("reset the peak RSS of {pid}"))
}

/// `VmHWM` of a process, bytes.
fn peak_rss(pid: u32) -> anyhow::Result<u64> {
    Ok(crate::process::usage_of(pid)?.peak_rss_bytes)
}

const MB: f64 = 1024.0 * 1024.0;
/// Bounded memory: confabd's peak while it receives the file stays far
/// below the file's size (it streams to disk).
const SERVER_RSS_BAR_MB: f64 = 64.0;
/// The same for the client process, which holds two SDK instances.
const CLIENT_RSS_BAR_MB: f64 = 96.0;

/// One run.
pub async fn run(
    server: &Confabd,
    dir: &Path,
    params: &Params,
    tag: &str,
) -> anyhow::Result<RunFigures> {
    std::fs::create_dir_all(dir)?;
    let bob_id = format!("up-bob{tag}");
    let bob = sdk_client(server, &dir.join("bob"), &bob_id).await?;
    let alice = sdk_client(server, &dir.join("alice"), &format!("up-alice{tag}")).await?;
    let source = dir.join("big.bin");
    {
        let (path, bytes) = (source.clone(), params.bytes);
        tokio::task::spawn_blocking(move || write_file(&path, bytes)).await??;
    }
    let me = std::process::id();
    let message = alice
        .create_file_message(CreateMessageOptions::c2c(bob_id.clone(), FileSource::new(&source)))
        .context("create_file_message")?;
    let mut alice_events = alice.subscribe();
    let mut bob_events = bob.subscribe();
    reset_peak(server.pid())?;
    reset_peak(me)?;
    let started = Instant::now();
    let send = alice.send_message(&message, SendMessageOptions::default());
    tokio::pin!(send);
    let mut progress: Vec<(Duration, u64)> = Vec::new();
    let sent = loop {
        tokio::select! {
            result = &mut send => break result.context("send_message")?,
            event = alice_events.recv() => {
                if let Ok(Event::MessageUploadProgress { random, loaded, .. }) = event {
                    if random == message.random {
                        progress.push((started.elapsed(), loaded));
                    }
                }
            }
        }
    };
    let upload_time = started.elapsed();
    let server_peak = peak_rss(server.pid())?;
    let client_peak = peak_rss(me)?;
    // Progress events still queued when the send resolved.
    while let Ok(event) = alice_events.try_recv() {
        if let Event::MessageUploadProgress { random, loaded, .. } = event {
            if random == message.random {
                progress.push((upload_time, loaded));
            }
        }
    }
    let received = tokio::time::timeout(Duration::from_secs(60), async {
        loop {
            if let Ok(Event::MessageReceived(list)) = bob_events.recv().await {
                if let Some(m) = list.into_iter().find(|m| m.id == sent.message.id) {
                    return m;
                }
            }
        }
    })
    .await
    .context("bob's MESSAGE_RECEIVED")?;
    reset_peak(server.pid())?;
    let download_started = Instant::now();
    let path = bob.download_file(&received, Rendition::Original).await.context("download_file")?;
    let download_time = download_started.elapsed();
    let download_server_peak = peak_rss(server.pid())?;
    anyhow::ensure!(
        std::fs::metadata(&path)?.len() == params.bytes,
        "the downloaded file has the wrong size"
    );

    let (slowest, fastest) = tenth_rates(&progress, params.bytes);
    let longest_gap =
        progress.windows(2).map(|w| w[1].0.saturating_sub(w[0].0)).max().unwrap_or_default();
    let bytes = params.bytes as f64;
    let mut figures = RunFigures::default();
    figures.add("upload throughput", bytes / MB / upload_time.as_secs_f64(), "MB/s");
    figures.add("upload time", upload_time.as_secs_f64(), "s");
    figures.add("progress events", progress.len() as f64, "");
    figures.add("slowest tenth of the upload", slowest, "MB/s");
    figures.add("fastest tenth of the upload", fastest, "MB/s");
    figures.add("longest gap between progress events", longest_gap.as_secs_f64() * 1e3, "ms");
    figures.add_bar(
        "confabd peak RSS during the upload",
        server_peak as f64 / MB,
        "MB",
        Goal::AtMost,
        SERVER_RSS_BAR_MB,
    );
    figures.add_bar(
        "client (SDK) peak RSS during the upload",
        client_peak as f64 / MB,
        "MB",
        Goal::AtMost,
        CLIENT_RSS_BAR_MB,
    );
    figures.add("download throughput", bytes / MB / download_time.as_secs_f64(), "MB/s");
    figures.add("confabd peak RSS during the download", download_server_peak as f64 / MB, "MB");
    alice.destroy().await.ok();
    bob.destroy().await.ok();
    std::fs::remove_file(&source).ok();
    Ok(figures)
}

/// The slowest and fastest upload rate (MB/s) over each tenth of the
/// file, from the progress events.
fn tenth_rates(progress: &[(Duration, u64)], total: u64) -> (f64, f64) {
    let mut rates = Vec::new();
    let mut from = (Duration::ZERO, 0u64);
    for tenth in 1..=10u64 {
        let mark = total * tenth / 10;
        if let Some(&at) = progress.iter().find(|(_, loaded)| *loaded >= mark) {
            let seconds = at.0.saturating_sub(from.0).as_secs_f64();
            if seconds > 0.0 {
                rates.push((at.1 - from.1) as f64 / MB / seconds);
            }
            from = at;
        }
    }
    let slowest = rates.iter().copied().fold(f64::INFINITY, f64::min);
    let fastest = rates.iter().copied().fold(0.0, f64::max);
    (if slowest.is_finite() { slowest } else { 0.0 }, fastest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tenths_of_a_steady_upload_have_one_rate() {
        let progress: Vec<(Duration, u64)> =
            (1..=100).map(|i| (Duration::from_millis(i * 10), i * 1_048_576)).collect();
        let (slowest, fastest) = tenth_rates(&progress, 100 * 1_048_576);
        assert!((slowest - 100.0).abs() < 1e-6, "{slowest}");
        assert!((fastest - 100.0).abs() < 1e-6, "{fastest}");
    }

    #[test]
    fn the_generated_file_has_the_asked_size() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("f");
        write_file(&path, 100_003).expect("write");
        assert_eq!(std::fs::metadata(&path).expect("stat").len(), 100_003);
    }
}
