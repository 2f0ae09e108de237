//! `confabd`: the Confab IM server binary. `confabd` (or `confabd serve`)
//! serves until SIGINT/SIGTERM; `confabd usersig USER` prints a UserSig
//! minted with the server's secret key.

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
    }
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
