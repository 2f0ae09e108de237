//! The native side of the app ([`DesktopHooks`]): desktop notifications
//! (notify-rust; a failure is a logged warning, never an error), the tray
//! icon (its menu opens the window or quits; its title and tooltip show the
//! unread total), the window title with the unread total, native file
//! pickers and the save dialog (tauri-plugin-dialog, GTK), opening and
//! revealing files (tauri-plugin-opener), clipboard images
//! (tauri-plugin-clipboard-manager) and the URLs of cached files and of
//! files the user chose (the app's loopback file server, [`LocalFiles`]).
//!
//! Notifications are shown on blocking threads (the D-Bus call and the
//! wait for a click); each is tracked, and ends when its notification
//! closes (they expire after [`NOTIFICATION_TIMEOUT_MS`]).

use confab_app::local_files::LocalFiles;
use confab_app::native::{picker_filter, ClipboardImage, FileKind};
use confab_app::{DesktopHooks, HookError, NotifyArgs};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use tauri::menu::{Menu, MenuItem};
use tauri::tray::{MouseButton, MouseButtonState, TrayIcon, TrayIconBuilder, TrayIconEvent};
use tauri::{AppHandle, Emitter as _, Manager as _};
use tauri_plugin_clipboard_manager::ClipboardExt as _;
use tauri_plugin_dialog::DialogExt as _;
use tauri_plugin_opener::OpenerExt as _;

/// Label of the main window (tauri.conf.json).
pub const MAIN_WINDOW: &str = "main";
/// The app's name in titles.
const APP_NAME: &str = "Confab";
/// How long a notification stays up.
const NOTIFICATION_TIMEOUT_MS: u32 = 8_000;
/// The tray icon's ID.
const TRAY_ID: &str = "confab";

/// The shell's [`DesktopHooks`].
pub struct Desktop {
    app: AppHandle,
    tray: Option<TrayIcon>,
    notifications: Mutex<Vec<tauri::async_runtime::JoinHandle<()>>>,
    /// The loopback server the webview loads local files from.
    files: LocalFiles,
}

impl Desktop {
    /// Hooks over this app and its tray icon (if one could be made).
    pub fn new(app: AppHandle, tray: Option<TrayIcon>, files: LocalFiles) -> Self {
        Self { app, tray, notifications: Mutex::new(Vec::new()), files }
    }
}

/// "Confab" or "(3) Confab" (as the UI titles the document).
fn title_with(count: u64) -> String {
    if count == 0 {
        APP_NAME.to_owned()
    } else {
        format!("({count}) {APP_NAME}")
    }
}

impl DesktopHooks for Desktop {
    fn notify(&self, notification: &NotifyArgs) -> Result<(), HookError> {
        let app = self.app.clone();
        let (title, body) = (notification.title.clone(), notification.body.clone());
        let conversation_id = notification.conversation_id.clone();
        let account_id = notification.account_id.clone();
        let shown = tauri::async_runtime::spawn_blocking(move || {
            show_notification(&app, &title, &body, &conversation_id, account_id);
        });
        // A poisoned list is still a list of handles.
        let mut pending =
            self.notifications.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        pending.retain(|handle| !handle.inner().is_finished());
        pending.push(shown);
        Ok(())
    }

    fn set_unread_badge(&self, count: u64) -> Result<(), HookError> {
        if let Some(window) = self.app.get_webview_window(MAIN_WINDOW) {
            window.set_title(&title_with(count))?;
        }
        if let Some(tray) = &self.tray {
            tray.set_tooltip(Some(match count {
                0 => APP_NAME.to_owned(),
                n => format!("{APP_NAME}: {n} unread"),
            }))?;
            // The label next to the icon (Linux app indicators).
            tray.set_title((count > 0).then(|| count.to_string()))?;
        }
        Ok(())
    }

    fn pick_files(&self, kind: FileKind, multiple: bool) -> Result<Vec<PathBuf>, HookError> {
        let mut dialog = self.app.dialog().file();
        if let Some((name, extensions)) = picker_filter(kind) {
            if !extensions.is_empty() {
                dialog = dialog.add_filter(name, extensions);
            }
        }
        if let Some(window) = self.app.get_webview_window(MAIN_WINDOW) {
            dialog = dialog.set_parent(&window);
        }
        let picked = if multiple {
            dialog.blocking_pick_files().unwrap_or_default()
        } else {
            dialog.blocking_pick_file().into_iter().collect()
        };
        Ok(picked.into_iter().filter_map(|p| p.into_path().ok()).collect())
    }

    fn open_path(&self, path: &Path) -> Result<(), HookError> {
        self.app.opener().open_path(path.to_string_lossy(), None::<&str>)?;
        Ok(())
    }

    fn reveal_path(&self, path: &Path) -> Result<(), HookError> {
        self.app.opener().reveal_item_in_dir(path)?;
        Ok(())
    }

    fn choose_save_path(&self, file_name: &str) -> Result<Option<PathBuf>, HookError> {
        let mut dialog = self.app.dialog().file().set_file_name(file_name);
        if let Some(window) = self.app.get_webview_window(MAIN_WINDOW) {
            dialog = dialog.set_parent(&window);
        }
        Ok(dialog.blocking_save_file().and_then(|p| p.into_path().ok()))
    }

    fn clipboard_image(&self) -> Result<Option<ClipboardImage>, HookError> {
        // No image on the clipboard is an error of the plugin, not ours.
        match self.app.clipboard().read_image() {
            Ok(image) => Ok(Some(ClipboardImage {
                width: image.width(),
                height: image.height(),
                rgba: image.rgba().to_vec(),
            })),
            Err(e) => {
                tracing::debug!(error = %e, "no image on the clipboard");
                Ok(None)
            }
        }
    }

    fn file_url(&self, path: &Path) -> String {
        self.files.url_of(path)
    }

    fn local_file_url(&self, path: &Path) -> Result<String, HookError> {
        Ok(self.files.url_of(path))
    }
}

/// Shows a notification and, when it is clicked, the main window with its
/// conversation (`confab.notificationClicked` tells the UI which, and of
/// which account). Runs on a blocking thread; failures are logged.
fn show_notification(
    app: &AppHandle,
    title: &str,
    body: &str,
    conversation_id: &str,
    account_id: Option<String>,
) {
    let shown = notify_rust::Notification::new()
        .appname(APP_NAME)
        .summary(title)
        .body(body)
        .icon("dev.confab.desktop")
        .action("default", "Open")
        .timeout(notify_rust::Timeout::Milliseconds(NOTIFICATION_TIMEOUT_MS))
        .show();
    match shown {
        Ok(handle) => {
            #[cfg(all(unix, not(target_os = "macos")))]
            handle.wait_for_action(|action| {
                if action == "default" {
                    show_main_window(app);
                    if !conversation_id.is_empty() {
                        let clicked = confab_app::AppEvent::App(
                            confab_app::AppOwnEvent::NotificationClicked {
                                conversation_id: conversation_id.to_owned(),
                                account_id: account_id.clone(),
                            },
                        );
                        if let Err(e) = app.emit(crate::EVENT, &clicked) {
                            tracing::warn!(error = %e, "telling the webview of a click");
                        }
                    }
                }
            });
            #[cfg(not(all(unix, not(target_os = "macos"))))]
            drop((handle, app, conversation_id, account_id));
        }
        Err(e) => tracing::warn!(error = %e, "desktop notification failed"),
    }
}

/// Shows, unminimizes and focuses the main window.
pub fn show_main_window(app: &AppHandle) {
    if let Some(window) = app.get_webview_window(MAIN_WINDOW) {
        let shown =
            window.show().and_then(|()| window.unminimize()).and_then(|()| window.set_focus());
        if let Err(e) = shown {
            tracing::warn!(error = %e, "showing the window");
        }
    }
}

/// Hides the main window (to the tray).
pub fn hide_main_window(app: &AppHandle) {
    if let Some(window) = app.get_webview_window(MAIN_WINDOW) {
        if let Err(e) = window.hide() {
            tracing::warn!(error = %e, "hiding the window");
        }
    }
}

/// Whether the app has a tray icon (so a hidden window can come back).
pub fn has_tray(app: &AppHandle) -> bool {
    app.tray_by_id(TRAY_ID).is_some()
}

/// The tray icon: left click or "Open Confab" shows the window, "Quit"
/// ends the app.
pub fn tray(app: &AppHandle) -> tauri::Result<TrayIcon> {
    let open = MenuItem::with_id(app, "open", "Open Confab", true, None::<&str>)?;
    let quit = MenuItem::with_id(app, "quit", "Quit", true, None::<&str>)?;
    let menu = Menu::with_items(app, &[&open, &quit])?;
    let mut builder = TrayIconBuilder::with_id(TRAY_ID)
        .tooltip(APP_NAME)
        .menu(&menu)
        .show_menu_on_left_click(false)
        .on_menu_event(|app, event| match event.id().as_ref() {
            "open" => show_main_window(app),
            "quit" => app.exit(0),
            _ => {}
        })
        .on_tray_icon_event(|tray, event| {
            if let TrayIconEvent::Click {
                button: MouseButton::Left,
                button_state: MouseButtonState::Up,
                ..
            } = event
            {
                show_main_window(tray.app_handle());
            }
        });
    if let Some(icon) = app.default_window_icon() {
        builder = builder.icon(icon.clone());
    }
    builder.build(app)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_carry_the_unread_total() {
        assert_eq!(title_with(0), "Confab");
        assert_eq!(title_with(12), "(12) Confab");
    }
}
