//! `confabd`: the Confab IM server binary. `confabd` (or `confabd serve`)
//! serves until SIGINT/SIGTERM; `confabd usersig USER` prints a UserSig
//! minted with the server's secret key; `confabd admin …` runs an
//! operator's jobs (import users, send to many, kick) over the REST API of
//! a running confabd.

use anyhow::Context as _;
use clap::{Parser, Subcommand};
use confab_server::clock::{Clock as _, SystemClock};
use confab_server::config::ConfigArgs;
use std::sync::Arc;

/// The Confab IM server.
///
/// Every option can also be set with its environment variable or in the TOML
/// file given by --config (keys named like the options, with `_`); options
/// win over variables, variables over the file.
#[derive(Parser, Debug)]
#[command(name = "confabd", version)]
struct Cli {
    #[command(flatten)]
    config: ConfigArgs,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Serve (the default).
    Serve,
    /// Print a UserSig for USER_ID signed with this server's secret key.
    Usersig {
        /// The userID to sign for.
        user_id: String,
        /// Lifetime in seconds [default: user_sig_expire_secs].
        #[arg(long, value_name = "SECONDS")]
        expire: Option<i64>,
    },
    /// Operator jobs over the REST API of a running confabd (same configuration).
    #[cfg(feature = "rest")]
    Admin {
        /// The server's URL [default: http(s)://<listen>, 127.0.0.1 for an unspecified address].
        #[arg(long, value_name = "URL")]
        url: Option<String>,
        /// The administrator to act as [default: the first of admin_identifiers].
        #[arg(long = "as", value_name = "USER_ID")]
        admin: Option<String>,
        #[command(subcommand)]
        job: AdminJob,
    },
}

/// One operator job.
#[cfg(feature = "rest")]
#[derive(Subcommand, Debug)]
enum AdminJob {
    /// Import (create) users from a CSV file: userID[,nick[,faceUrl]] per line.
    ImportUsers {
        /// The CSV file.
        file: std::path::PathBuf,
    },
    /// Send a text message from one account to many (500 per request).
    Broadcast {
        /// The text.
        #[arg(long)]
        text: String,
        /// The sender [default: the administrator].
        #[arg(long, value_name = "USER_ID")]
        from: Option<String>,
        /// A receiver (repeat or comma-separate).
        #[arg(long = "to", value_name = "USER_ID", value_delimiter = ',')]
        to: Vec<String>,
        /// A file of receivers: the import CSV format (its first column).
        #[arg(long, value_name = "FILE")]
        to_file: Option<std::path::PathBuf>,
    },
    /// Sign a user out of every instance (they see KICKED_OUT, REST_API_Kick).
    Kick {
        /// The user.
        user_id: String,
    },
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let config = cli.config.load()?;
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_new(&config.log)
                .with_context(|| format!("invalid log filter {:?}", config.log))?,
        )
        .with_writer(std::io::stderr)
        .init();
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(config).await,
        Command::Usersig { user_id, expire } => {
            confab_proto::account::validate_user_id(&user_id)
                .map_err(|why| anyhow::anyhow!("invalid userID {user_id:?}: {why}"))?;
            let key = config.resolve_secret_key()?;
            let expire = expire.unwrap_or(config.user_sig_expire_secs);
            anyhow::ensure!(expire > 0, "--expire must be positive");
            let sig = confab_server::usersig::gen_user_sig(
                config.sdk_app_id,
                &key,
                &user_id,
                expire,
                SystemClock.now_secs(),
            );
            println!("{sig}");
            Ok(())
        }
        #[cfg(feature = "rest")]
        Command::Admin { url, admin, job } => admin_job(&config, url, admin, job).await,
    }
}

/// Runs one `confabd admin` job; fails (exit status 1) when anything failed.
#[cfg(feature = "rest")]
async fn admin_job(
    config: &confab_server::config::Config,
    url: Option<String>,
    admin: Option<String>,
    job: AdminJob,
) -> anyhow::Result<()> {
    use confab_server::rest::admin::{parse_import, AdminClient};
    let url = url.unwrap_or_else(|| {
        let mut addr = config.listen;
        if addr.ip().is_unspecified() {
            addr.set_ip(std::net::Ipv4Addr::LOCALHOST.into());
        }
        let scheme = if config.tls_cert_file.is_some() { "https" } else { "http" };
        format!("{scheme}://{addr}")
    });
    let admin = admin
        .or_else(|| config.admin_identifiers.first().cloned())
        .context("no administrator: set admin_identifiers or pass --as")?;
    let client = AdminClient::new(config, &url, &admin, SystemClock.now_secs())?;
    let read = |path: &std::path::Path| {
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))
    };
    match job {
        AdminJob::ImportUsers { file } => {
            let rows = parse_import(&read(&file)?)?;
            let failed = client.import_users(&rows).await;
            for (user, why) in &failed {
                eprintln!("{user}: {why}");
            }
            println!("imported {} of {} users", rows.len() - failed.len(), rows.len());
            anyhow::ensure!(failed.is_empty(), "{} users were not imported", failed.len());
        }
        AdminJob::Broadcast { text, from, mut to, to_file } => {
            if let Some(file) = to_file {
                to.extend(parse_import(&read(&file)?)?.into_iter().map(|row| row.user_id));
            }
            anyhow::ensure!(!to.is_empty(), "name the receivers with --to or --to-file");
            let from = from.unwrap_or_else(|| admin.clone());
            let failed = client.broadcast(&from, &to, &text).await?;
            for (user, code) in &failed {
                eprintln!("{user}: not sent ({code})");
            }
            println!("sent to {} of {} users", to.len() - failed.len(), to.len());
            anyhow::ensure!(failed.is_empty(), "{} users did not get it", failed.len());
        }
        AdminJob::Kick { user_id } => {
            client.kick(&user_id).await?;
            println!("{user_id} was signed out of every instance");
        }
    }
    Ok(())
}

async fn serve(config: confab_server::config::Config) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .with_context(|| format!("cannot listen on {}", config.listen))?;
    let server = confab_server::start(config, listener, Arc::new(SystemClock)).await?;
    println!("confabd listening on {} (WebSocket {})", server.http_url(), server.ws_url());
    println!("data dir: {}", server.data_dir().display());
    match server.config().store {
        confab_server::config::StoreBackend::Sqlite => {
            println!("database: {}", server.database_path().display());
        }
        confab_server::config::StoreBackend::Postgres => {
            let url = server.config().database_url.as_deref().unwrap_or_default();
            println!("database: PostgreSQL {}", confab_server::config::redact_database_url(url));
        }
    }
    if let Some(node) = &server.config().node_name {
        println!("node: {node}");
    }
    println!("sdkAppID: {}", server.sdk_app_id());
    wait_for_signal().await?;
    println!("confabd shutting down");
    server.shutdown().await
}

async fn wait_for_signal() -> anyhow::Result<()> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let mut term = signal(SignalKind::terminate()).context("installing the SIGTERM handler")?;
        tokio::select! {
            result = tokio::signal::ctrl_c() => result.context("waiting for SIGINT")?,
            _ = term.recv() => {}
        }
        Ok(())
    }
    #[cfg(not(unix))]
    {
        tokio::signal::ctrl_c().await.context("waiting for Ctrl-C")
    }
}
