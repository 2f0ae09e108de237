//! `confab-web`: the web host binary. Serves the built UI and the command
//! bridge on 127.0.0.1 for one app instance (its data directory), and the
//! downloaded files on a second port; prints
//! `confab-web files on http://127.0.0.1:PORT2`, then
//! `confab-web listening on http://127.0.0.1:PORT/?token=TOKEN` (the URL
//! to open: the token becomes the session cookie). SIGINT/SIGTERM stop it
//! gracefully (the embedded server, if any, included).

use anyhow::Context as _;
use clap::Parser;
use confab_app::loopback;
use confab_app::{AppCore, AppOptions, Platform};
use confab_webhost::{Listeners, WebHooks, WebHost};
use std::io::Write as _;
use std::path::PathBuf;
use std::sync::Arc;

/// Serves the Confab UI in a browser, over the real SDK.
#[derive(Debug, Parser)]
#[command(name = "confab-web", version)]
struct Args {
    /// Port on 127.0.0.1 (0: any free port; the URL is printed).
    #[arg(long, env = "CONFAB_WEB_PORT", default_value_t = 0)]
    port: u16,
    /// The built UI directory.
    #[arg(long, env = "CONFAB_UI_DIR", default_value = "ui/dist")]
    ui_dir: PathBuf,
    /// The app data directory (settings, local stores, embedded server).
    /// Default: `$XDG_DATA_HOME/confab-web` or `~/.local/share/confab-web`.
    #[arg(long, env = "CONFAB_DATA_DIR")]
    data_dir: Option<PathBuf>,
    /// Preselect a remote `confabd` (its HTTP base URL).
    #[arg(long, env = "CONFAB_SERVER_URL")]
    server: Option<String>,
    /// Another origin allowed to use the bridge (e.g. a Vite dev server,
    /// `http://localhost:5173`); repeatable.
    #[arg(long = "allow-origin")]
    allowed_origins: Vec<String>,
    /// Log filter (`tracing` env-filter syntax).
    #[arg(long, env = "CONFAB_LOG", default_value = "info")]
    log: String,
}

fn default_data_dir() -> PathBuf {
    data_home().join("confab-web")
}

/// `$XDG_DATA_HOME`, else `~/.local/share`, else the working directory.
fn data_home() -> PathBuf {
    let non_empty = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
    if let Some(xdg) = non_empty("XDG_DATA_HOME") {
        PathBuf::from(xdg)
    } else if let Some(home) = non_empty("HOME") {
        PathBuf::from(home).join(".local").join("share")
    } else {
        PathBuf::from(".")
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new(&args.log))
        .with_writer(std::io::stderr)
        .init();
    if !args.ui_dir.join("index.html").exists() {
        tracing::warn!(dir = %args.ui_dir.display(), "no index.html: build the UI first (npm --prefix ui run build)");
    }
    let data_dir = args.data_dir.unwrap_or_else(default_data_dir);
    let listeners = Listeners::bind(args.port)
        .await
        .with_context(|| format!("binding 127.0.0.1:{}", args.port))?;
    let addr = listeners.ui_addr().context("listener address")?;
    let content_origin = listeners.content_origin().context("listener address")?;
    let core = AppCore::open(AppOptions {
        remote_server: args.server,
        // A browser page: beside the desktop app, limited in number like
        // TIM's web instances.
        platform: Platform::Web,
        hooks: Arc::new(WebHooks {
            data_dir: data_dir.clone(),
            content_origin: content_origin.clone(),
        }),
        ..AppOptions::new(&data_dir)
    })
    .with_context(|| format!("opening {}", data_dir.display()))?;
    let core = Arc::new(core);
    let host = WebHost {
        core: Arc::clone(&core),
        ui_dir: args.ui_dir,
        allowed_origins: args.allowed_origins,
        token: loopback::random_token(),
    };
    {
        let mut stdout = std::io::stdout().lock();
        writeln!(stdout, "confab-web files on {content_origin}").context("stdout")?;
        writeln!(stdout, "confab-web listening on {}", host.url(addr)).context("stdout")?;
        stdout.flush().context("stdout")?;
    }
    tracing::info!(data_dir = %data_dir.display(), "serving");
    host.serve(listeners, shutdown_signal()).await.context("serving")?;
    core.shutdown().await.context("stopping the app")?;
    Ok(())
}

/// Resolves on SIGINT or SIGTERM.
async fn shutdown_signal() {
    let interrupt = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %e, "SIGINT handler");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(e) => {
                tracing::error!(error = %e, "SIGTERM handler");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {}
        () = terminate => {}
    }
}
