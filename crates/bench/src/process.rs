//! The server under test: a real `confabd` child process on a temporary
//! data directory (or an external one given by URL), and its resource use
//! read from `/proc`.

use anyhow::{bail, Context};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;
use tokio::io::AsyncBufReadExt;

/// The secret key the bench gives the servers it starts.
pub const BENCH_KEY: &str = "b7e14c02d9a3f68e5c1b7d40a92fe3c6815d0b4a7e29c3f6d8a05e1b4c7f29d3";
/// The SDKAppID of the servers the bench starts.
pub const SDK_APP_ID: u64 = 1_400_000_000;

/// A running `confabd` the bench started.
pub struct Confabd {
    child: tokio::process::Child,
    /// Where it listens.
    pub addr: SocketAddr,
    drain: tokio::task::JoinHandle<()>,
}

/// Resource use of a process at one moment.
#[derive(Clone, Copy, Debug, Default)]
pub struct Usage {
    /// Resident set size, bytes.
    pub rss_bytes: u64,
    /// Peak resident set size, bytes.
    pub peak_rss_bytes: u64,
    /// User plus system CPU time, seconds.
    pub cpu_seconds: f64,
}

impl Confabd {
    /// Starts `binary` on `data_dir`, listening on `127.0.0.1:0`.
    pub async fn start(
        binary: &Path,
        data_dir: &Path,
        extra_env: &[(&str, String)],
    ) -> anyhow::Result<Self> {
        let mut command = tokio::process::Command::new(binary);
        command
            .env("CONFABD_DATA_DIR", data_dir)
            .env("CONFABD_LISTEN", "127.0.0.1:0")
            .env("CONFABD_SECRET_KEY", BENCH_KEY)
            .env("CONFABD_SDK_APP_ID", SDK_APP_ID.to_string())
            .env("CONFABD_LOG", "warn")
            // Benchmarks measure the server at full speed, not its send rate limit.
            .env("CONFABD_SEND_RATE_PER_SEC", "0")
            // The bench measures capacity: thousands of sessions from a few
            // loopback addresses, beyond the default connection caps.
            .env("CONFABD_MAX_CONNECTIONS_PER_IP", "0")
            .env("CONFABD_MAX_CONNECTIONS", "0")
            .stdout(std::process::Stdio::piped())
            .kill_on_drop(true);
        for (k, v) in extra_env {
            command.env(k, v);
        }
        let mut child = command.spawn().with_context(|| format!("start {}", binary.display()))?;
        let stdout = child.stdout.take().context("confabd stdout")?;
        let mut lines = tokio::io::BufReader::new(stdout).lines();
        let addr = tokio::time::timeout(Duration::from_secs(60), async {
            while let Some(line) = lines.next_line().await? {
                if let Some(rest) = line.split("http://").nth(1) {
                    let end =
                        rest.find(|c: char| c == '/' || c.is_whitespace()).unwrap_or(rest.len());
                    if let Ok(addr) = rest[..end].parse::<SocketAddr>() {
                        return Ok(addr);
                    }
                }
            }
            bail!("confabd exited before printing its address")
        })
        .await
        .context("confabd did not start within 60 s")??;
        let drain = tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        Ok(Self { child, addr, drain })
    }

    /// WebSocket URL.
    pub fn ws_url(&self) -> String {
        format!("ws://{}{}", self.addr, confab_proto::WS_PATH)
    }

    /// Process ID.
    pub fn pid(&self) -> u32 {
        self.child.id().unwrap_or(0)
    }

    /// Current resource use.
    pub fn usage(&self) -> anyhow::Result<Usage> {
        usage_of(self.pid())
    }

    /// Kills the process with SIGKILL.
    pub async fn kill9(mut self) -> anyhow::Result<()> {
        self.child.start_kill().context("SIGKILL confabd")?;
        self.child.wait().await.context("wait for confabd")?;
        self.drain.abort();
        Ok(())
    }

    /// Stops the process with SIGTERM and waits for its graceful exit.
    pub async fn stop(mut self) -> anyhow::Result<()> {
        let pid = self.pid();
        if pid != 0 {
            let status =
                std::process::Command::new("kill").arg("-TERM").arg(pid.to_string()).status()?;
            if !status.success() {
                bail!("kill -TERM {pid} failed");
            }
        }
        tokio::time::timeout(Duration::from_secs(60), self.child.wait())
            .await
            .context("confabd did not stop within 60 s")??;
        self.drain.abort();
        Ok(())
    }
}

/// Resource use of process `pid` from `/proc`.
pub fn usage_of(pid: u32) -> anyhow::Result<Usage> {
    let status =
        std::fs::read_to_string(format!("/proc/{pid}/status")).context("read /proc/PID/status")?;
    let field = |name: &str| -> u64 {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(0)
            * 1024
    };
    let stat =
        std::fs::read_to_string(format!("/proc/{pid}/stat")).context("read /proc/PID/stat")?;
    // Fields after the command name (which may contain spaces) start at ')'.
    let after = stat.rsplit_once(')').map(|(_, rest)| rest).unwrap_or("");
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks = |i: usize| fields.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    // utime and stime are fields 14 and 15 of stat; index 11 and 12 after ')'.
    let hz = 100.0;
    Ok(Usage {
        rss_bytes: field("VmRSS:"),
        peak_rss_bytes: field("VmHWM:"),
        cpu_seconds: (ticks(11) + ticks(12)) / hz,
    })
}

/// Finds `name` beside the bench binary (same cargo profile directory).
pub fn sibling_binary(name: &str) -> anyhow::Result<PathBuf> {
    let exe = std::env::current_exe().context("bench path")?;
    let path = exe.parent().context("bench directory")?.join(name);
    if !path.exists() {
        bail!(
            "{} not found: build it with `cargo build --release -p confab-server`",
            path.display()
        );
    }
    Ok(path)
}
