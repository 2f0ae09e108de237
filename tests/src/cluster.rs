//! Clusters for scenario tests: several confabd nodes on one PostgreSQL
//! database and one NATS server, started from Debian's packages by
//! `scripts/services.sh` (which `./scripts/test.sh` sources).
//!
//! - [`TestDatabase`]: a fresh database on the shared test PostgreSQL.
//! - [`PrivatePostgres`] / [`PrivateNats`]: an engine of the test's own, on
//!   a private port and data directory, that the test may restart.
//! - [`start_nodes`]: in-process nodes (each a [`TestServer`]) sharing a
//!   database, a NATS server and a files directory.
//! - [`ConfabdProcess::start_node`](crate::ConfabdProcess::start_node): a
//!   node as a real process, for `kill -9`.
//! - [`Balancer`]: a TCP load balancer in front of several nodes, which
//!   sends each new connection to the next node that accepts it, so a
//!   client whose node died reconnects to another.

use crate::{received_in, within, TestClient, TestServer};
use confab_sdk::{
    ConversationType, CreateMessageOptions, Event, Message, SendMessageOptions, TextPayload,
};
use confab_server::config::StoreBackend;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use tokio::net::{TcpListener, TcpStream};

/// The value of an environment variable `scripts/services.sh` exports.
fn service_env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| {
        panic!(
            "{name} is not set: run the tests with ./scripts/test.sh, or \
             `source scripts/services.sh && confab_services_start` first"
        )
    })
}

/// The shared test PostgreSQL (`CONFAB_TEST_POSTGRES_URL`).
pub fn shared_postgres_url() -> String {
    service_env("CONFAB_TEST_POSTGRES_URL")
}

/// The shared test NATS server (`CONFAB_TEST_NATS_URL`).
pub fn shared_nats_url() -> String {
    service_env("CONFAB_TEST_NATS_URL")
}

/// Runs blocking database work on a thread of its own (the synchronous
/// PostgreSQL client may not run inside the test's runtime).
fn blocking<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::spawn(work).join().expect("blocking database work")
}

/// Runs `sql` on the server at `url`.
fn run_sql(url: &str, sql: &str) -> Result<(), postgres::Error> {
    let (url, sql) = (url.to_owned(), sql.to_owned());
    blocking(move || {
        let mut client = postgres::Client::connect(&url, postgres::NoTls)?;
        client.batch_execute(&sql)
    })
}

/// A fresh database on a PostgreSQL server, dropped with this.
pub struct TestDatabase {
    server: String,
    name: String,
    /// The database's URL (key=value form).
    pub url: String,
}

impl TestDatabase {
    /// A fresh database on the shared test server.
    pub fn new() -> Self {
        Self::on(&shared_postgres_url())
    }

    /// A fresh database on the server at `server` (a key=value URL).
    pub fn on(server: &str) -> Self {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let name = format!(
            "cluster_{}_{}_{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed),
            rand_suffix()
        );
        run_sql(server, &format!("CREATE DATABASE {name}")).expect("create the test database");
        let url = format!("{} dbname={name}", without_dbname(server));
        Self { server: server.to_owned(), name, url }
    }

    /// Counts the rows `sql` (a `SELECT COUNT(*) …`) finds.
    pub fn count(&self, sql: &str) -> i64 {
        let (url, sql) = (self.url.clone(), sql.to_owned());
        blocking(move || {
            let mut client = postgres::Client::connect(&url, postgres::NoTls).expect("connect");
            client.query_one(&sql, &[]).expect("count").get(0)
        })
    }
}

impl Default for TestDatabase {
    fn default() -> Self {
        Self::new()
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let sql = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name);
        if let Err(e) = run_sql(&self.server, &sql) {
            tracing::warn!(error = %e, "dropping a test database failed");
        }
    }
}

/// A few random lowercase letters for names the test makes.
fn rand_suffix() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    format!("{nanos:x}")
}

/// A key=value URL without its `dbname`.
fn without_dbname(url: &str) -> String {
    url.split_whitespace().filter(|kv| !kv.starts_with("dbname=")).collect::<Vec<_>>().join(" ")
}

/// A free port on 127.0.0.1 (the kernel's pick, released for the engine).
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr").port()
}

/// Runs `program` (as the `postgres` user when the test runs as root:
/// PostgreSQL refuses root) and fails the test when it fails.
fn run_as_postgres(program: &Path, args: &[&str]) {
    let root = std::env::var("USER").is_ok_and(|u| u == "root")
        || Command::new("id").arg("-u").output().is_ok_and(|o| o.stdout.starts_with(b"0\n"));
    let mut command = if root {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(program);
        c
    } else {
        Command::new(program)
    };
    let output = command.args(args).stdin(Stdio::null()).output().expect("run a PostgreSQL tool");
    assert!(
        output.status.success(),
        "{} {args:?} failed: {}",
        program.display(),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// A PostgreSQL server of the test's own, which it may stop and start.
pub struct PrivatePostgres {
    dir: tempfile::TempDir,
    bin: PathBuf,
    port: u16,
}

impl PrivatePostgres {
    /// Makes a database cluster in a temporary directory and starts it on
    /// a private port.
    pub fn start() -> Self {
        let bin = PathBuf::from(service_env("CONFAB_TEST_PG_BIN"));
        let dir = tempfile::tempdir().expect("temp dir");
        make_postgres_readable(dir.path());
        let data = dir.path().join("data");
        run_as_postgres(
            &bin.join("initdb"),
            &[
                "-D",
                &data.display().to_string(),
                "-U",
                "postgres",
                "-A",
                "trust",
                "--no-sync",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
            ],
        );
        let pg = Self { dir, bin, port: free_port() };
        pg.start_again();
        pg
    }

    /// Starts the (stopped) server again on the same port.
    pub fn start_again(&self) {
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1",
            self.port,
            self.dir.path().display()
        );
        let data = self.dir.path().join("data").display().to_string();
        let log = self.dir.path().join("pg.log").display().to_string();
        run_as_postgres(
            &self.bin.join("pg_ctl"),
            &["-D", &data, "-l", &log, "-w", "-o", &options, "start"],
        );
    }

    /// Stops the server at once (`immediate`: like a crash; it recovers
    /// from its WAL when started again).
    pub fn stop(&self) {
        let data = self.dir.path().join("data").display().to_string();
        run_as_postgres(&self.bin.join("pg_ctl"), &["-D", &data, "-m", "immediate", "-w", "stop"]);
    }

    /// The server's URL (its `postgres` database).
    pub fn url(&self) -> String {
        format!("host=127.0.0.1 port={} user=postgres dbname=postgres", self.port)
    }
}

impl Drop for PrivatePostgres {
    fn drop(&mut self) {
        let data = self.dir.path().join("data").display().to_string();
        // Already stopped is fine.
        let _ = Command::new("runuser")
            .args(["-u", "postgres", "--"])
            .arg(self.bin.join("pg_ctl"))
            .args(["-D", &data, "-m", "immediate", "stop"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .or_else(|_| {
                Command::new(self.bin.join("pg_ctl"))
                    .args(["-D", &data, "-m", "immediate", "stop"])
                    .status()
            });
    }
}

/// Lets the `postgres` user into a temporary directory made by root.
fn make_postgres_readable(dir: &Path) {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o777)).expect("chmod");
}

/// A nats-server of the test's own, which it may restart.
pub struct PrivateNats {
    child: Mutex<Option<std::process::Child>>,
    port: u16,
}

impl PrivateNats {
    /// Starts nats-server on a private port.
    pub fn start() -> Self {
        let nats = Self { child: Mutex::new(None), port: free_port() };
        nats.start_again();
        nats
    }

    /// Starts the (stopped) server again on the same port and waits until
    /// it accepts connections.
    pub fn start_again(&self) {
        let child = Command::new(service_env("CONFAB_TEST_NATS_SERVER"))
            .args(["-a", "127.0.0.1", "-p", &self.port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start nats-server");
        *self.child.lock().expect("nats lock") = Some(child);
        let deadline = std::time::Instant::now() + crate::WAIT;
        while std::net::TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            assert!(std::time::Instant::now() < deadline, "nats-server did not start");
            std::thread::yield_now();
        }
    }

    /// Kills the server (SIGKILL) and waits for it to end.
    pub fn stop(&self) {
        if let Some(mut child) = self.child.lock().expect("nats lock").take() {
            child.kill().expect("kill nats-server");
            child.wait().expect("wait for nats-server");
        }
    }

    /// The server's URL.
    pub fn url(&self) -> String {
        format!("nats://127.0.0.1:{}", self.port)
    }
}

impl Drop for PrivateNats {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Starts `n` in-process nodes (`node-1` …) of one cluster: the database at
/// `database_url`, NATS at `nats_url`, stored files in `files_dir`.
pub async fn start_nodes(
    n: usize,
    database_url: &str,
    nats_url: &str,
    files_dir: &Path,
) -> Vec<TestServer> {
    // Clients here send in bulk; the send rate has its own tests.
    start_nodes_with(n, database_url, nats_url, files_dir, |c| c.send_rate_per_sec = 0).await
}

/// [`start_nodes`] with every node's configuration changed by `adjust`.
pub async fn start_nodes_with(
    n: usize,
    database_url: &str,
    nats_url: &str,
    files_dir: &Path,
    adjust: impl Fn(&mut confab_server::config::Config),
) -> Vec<TestServer> {
    let mut nodes = Vec::with_capacity(n);
    for i in 1..=n {
        let node = TestServer::start_with(|c| {
            c.store = StoreBackend::Postgres;
            c.database_url = Some(database_url.to_owned());
            c.nats_url = Some(nats_url.to_owned());
            c.node_name = Some(format!("node-{i}"));
            c.files_dir = Some(files_dir.to_owned());
            adjust(c);
        })
        .await;
        nodes.push(node);
    }
    nodes
}

/// A TCP load balancer on `127.0.0.1:0` in front of several nodes: each
/// new connection goes to the next node in turn that accepts it (a dead
/// node is skipped), and bytes are copied both ways until either side
/// closes. No sticky routing: a client that reconnects may land anywhere.
pub struct Balancer {
    /// Where clients connect.
    pub addr: SocketAddr,
    task: tokio::task::JoinHandle<()>,
}

impl Balancer {
    /// Starts a balancer over `backends`.
    pub async fn start(backends: Vec<SocketAddr>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("balancer address");
        let next = Arc::new(AtomicUsize::new(0));
        let task = tokio::spawn(async move {
            while let Ok((mut client, _)) = listener.accept().await {
                let backends = backends.clone();
                let next = Arc::clone(&next);
                tokio::spawn(async move {
                    for _ in 0..backends.len() {
                        let i = next.fetch_add(1, Ordering::Relaxed) % backends.len();
                        if let Ok(mut server) = TcpStream::connect(backends[i]).await {
                            // Either side closing ends the pair.
                            let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
                            return;
                        }
                    }
                });
            }
        });
        Self { addr, task }
    }

    /// The WebSocket URL clients use.
    pub fn ws_url(&self) -> String {
        format!("ws://{}{}", self.addr, confab_proto::WS_PATH)
    }
}

impl Drop for Balancer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Sends a text to a group and returns the sent message.
pub async fn send_group_text(client: &TestClient, group_id: &str, text: &str) -> Message {
    let message = client
        .tim
        .create_text_message(CreateMessageOptions {
            conversation_type: ConversationType::Group,
            ..CreateMessageOptions::c2c(group_id.to_owned(), TextPayload { text: text.to_owned() })
        })
        .expect("create a group text");
    within("group send", client.tim.send_message(&message, SendMessageOptions::default()))
        .await
        .expect("group send succeeds")
        .message
}

/// Waits until `client` received `n` messages of `conversation` as pushes;
/// those messages.
pub async fn wait_received_from(client: &TestClient, conversation: &str, n: usize) -> Vec<Message> {
    client
        .events
        .wait_for(&format!("{n} messages of {conversation} at {}", client.user_id), |events| {
            let got: Vec<Message> = received_in(events)
                .into_iter()
                .filter(|m| m.conversation_id == conversation)
                .collect();
            (got.len() >= n).then_some(got)
        })
        .await
}

/// Waits until `client` announced `group` in its group list.
pub async fn wait_group_listed(client: &TestClient, group: &str) {
    client
        .events
        .wait_for(&format!("group {group} in {}'s list", client.user_id), |events| {
            events
                .iter()
                .any(|e| match e {
                    Event::GroupListUpdated(list) => {
                        list.iter().any(|g| g.group_id.as_str() == group)
                    }
                    _ => false,
                })
                .then_some(())
        })
        .await;
}
