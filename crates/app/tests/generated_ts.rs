//! Drift test: the TypeScript types committed in `ui/src/lib/generated/`
//! must be exactly what the Rust types generate. Regenerate with
//! `UPDATE_TS=1 cargo test -p confab-app --test generated_ts`.
#![cfg(feature = "ts")]

use confab_app::typescript::{generate, list_ts};
use std::path::{Path, PathBuf};

fn committed_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui/src/lib/generated")
}

#[test]
fn generated_typescript_matches_the_committed_files() {
    let fresh = tempfile::tempdir().expect("temp dir");
    let names = generate(fresh.path()).expect("generate");
    let committed = committed_dir();
    if std::env::var_os("UPDATE_TS").is_some_and(|v| v == "1") {
        std::fs::create_dir_all(&committed).expect("create ui/src/lib/generated");
        for stale in list_ts(&committed).expect("list committed") {
            std::fs::remove_file(committed.join(stale)).expect("remove stale file");
        }
        for name in &names {
            std::fs::copy(fresh.path().join(name), committed.join(name)).expect("copy");
        }
        return;
    }
    let existing = list_ts(&committed).unwrap_or_default();
    assert_eq!(
        existing, names,
        "ui/src/lib/generated/ has other files than the Rust types generate; run \
         UPDATE_TS=1 cargo test -p confab-app --test generated_ts"
    );
    for name in &names {
        let want = std::fs::read_to_string(fresh.path().join(name)).expect("read fresh");
        let have = std::fs::read_to_string(committed.join(name)).expect("read committed");
        assert!(
            want == have,
            "ui/src/lib/generated/{name} drifted from the Rust types; run \
             UPDATE_TS=1 cargo test -p confab-app --test generated_ts"
        );
    }
}
