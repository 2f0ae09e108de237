//! `confab-desktop`: the Confab desktop app, a thin Tauri 2 shell over the
//! app command layer (`confab_app`). It owns the window, the tray, desktop
//! notifications ([`desktop`]) and two bridges: the one IPC command
//! `confab_call(command, args)` → [`AppCore::call`], and a task emitting
//! every [`AppEvent`] to the webview as `confab://event`. No domain logic
//! lives here.
//!
//! Environment (tests, power users): `CONFAB_DATA_DIR` overrides the app
//! data directory, `CONFAB_SERVER_URL` preselects a remote `confabd`,
//! `CONFAB_LOG` sets the log filter.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod desktop;

use anyhow::Context as _;
use confab_app::{AppCore, AppEvent, AppOptions, ErrorBody, Platform};
use std::path::PathBuf;
use std::sync::Arc;
use tauri::{Emitter as _, Manager as _};
use tokio::sync::broadcast;

/// The webview event carrying every app event (`{name, data}`).
pub(crate) const EVENT: &str = "confab://event";

/// The app's one IPC command: runs a command of the command set.
#[tauri::command]
async fn confab_call(
    core: tauri::State<'_, Arc<AppCore>>,
    command: String,
    args: serde_json::Value,
) -> Result<serde_json::Value, ErrorBody> {
    core.call(&command, args).await
}

/// The task forwarding app events to the webview; aborted when dropped.
struct EventForwarder(tauri::async_runtime::JoinHandle<()>);

impl Drop for EventForwarder {
    fn drop(&mut self) {
        self.0.abort();
    }
}

async fn forward_events(app: tauri::AppHandle, mut events: broadcast::Receiver<AppEvent>) {
    loop {
        match events.recv().await {
            Ok(event) => {
                if let Err(e) = app.emit(EVENT, &event) {
                    tracing::warn!(error = %e, event = event.name(), "emitting to the webview");
                }
            }
            Err(broadcast::error::RecvError::Lagged(missed)) => {
                tracing::warn!(missed, "the webview fell behind the app events");
            }
            Err(broadcast::error::RecvError::Closed) => break,
        }
    }
}

fn env_path(name: &str) -> Option<PathBuf> {
    std::env::var_os(name).filter(|v| !v.is_empty()).map(PathBuf::from)
}

fn setup(app: &mut tauri::App) -> anyhow::Result<()> {
    let handle = app.handle().clone();
    let data_dir = match env_path("CONFAB_DATA_DIR") {
        Some(dir) => dir,
        None => handle.path().app_data_dir().context("no app data directory")?,
    };
    let tray = match desktop::tray(&handle) {
        Ok(tray) => Some(tray),
        Err(e) => {
            tracing::warn!(error = %e, "no tray icon");
            None
        }
    };
    // The webview loads cached downloads (and videos the user chose, for
    // their cover) over loopback HTTP: WebKitGTK cannot play media from a
    // custom scheme.
    let (files, serve_files) =
        confab_app::local_files::LocalFiles::bind(data_dir.join(confab_app::SDK_DIR))
            .context("local file server")?;
    tauri::async_runtime::spawn(serve_files);
    let hooks = Arc::new(desktop::Desktop::new(handle.clone(), tray, files));
    let remote_server = std::env::var("CONFAB_SERVER_URL").ok().filter(|v| !v.is_empty());
    let core = AppCore::open(AppOptions {
        hooks,
        remote_server,
        platform: Platform::Desktop,
        ..AppOptions::new(&data_dir)
    })
    .with_context(|| format!("opening {}", data_dir.display()))?;
    let core = Arc::new(core);
    let forwarder = tauri::async_runtime::spawn(forward_events(handle, core.events()));
    app.manage(core);
    app.manage(EventForwarder(forwarder));
    tracing::info!(data_dir = %data_dir.display(), "confab-desktop started");
    Ok(())
}

fn main() -> anyhow::Result<()> {
    let filter = std::env::var("CONFAB_LOG").unwrap_or_else(|_| "info".into());
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
        .with_writer(std::io::stderr)
        .init();
    let app = tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_opener::init())
        .plugin(tauri_plugin_clipboard_manager::init())
        .invoke_handler(tauri::generate_handler![confab_call])
        .setup(|app| setup(app).map_err(Into::into))
        .build(tauri::generate_context!())
        .context("building the app")?;
    app.run(|app, event| match event {
        tauri::RunEvent::WindowEvent {
            label,
            event: tauri::WindowEvent::CloseRequested { api, .. },
            ..
        } if label == desktop::MAIN_WINDOW && desktop::has_tray(app) => {
            // With a tray, closing the window keeps the app (and its
            // notifications) running; "Quit" in the tray menu ends it.
            api.prevent_close();
            desktop::hide_main_window(app);
        }
        tauri::RunEvent::Exit => {
            if let Some(forwarder) = app.try_state::<EventForwarder>() {
                forwarder.0.abort();
            }
            if let Some(core) = app.try_state::<Arc<AppCore>>() {
                if let Err(e) = tauri::async_runtime::block_on(core.shutdown()) {
                    tracing::warn!(error = %e, "shutting the app down");
                }
            }
        }
        _ => {}
    });
    Ok(())
}
