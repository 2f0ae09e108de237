//! Tauri's build step: reads `tauri.conf.json` (a symlink to the root one)
//! and declares the app's one IPC command, so that the capability grants
//! exactly it (`allow-confab-call`).

fn main() {
    let manifest = tauri_build::AppManifest::new().commands(&["confab_call"]);
    if let Err(e) = tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest)) {
        panic!("tauri build step failed: {e:#}");
    }
}
