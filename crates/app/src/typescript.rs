//! TypeScript generation (ts-rs): every type crossing the app boundary,
//! one file per type, plus `commands.ts` (the command names as a const and
//! the command → args/result map) and `index.ts` re-exporting everything.
//!
//! The committed copy lives in `ui/src/lib/generated/`; the drift test
//! (`tests/generated_ts.rs`) regenerates into a temporary directory and
//! fails when it differs. To regenerate:
//!
//! ```sh
//! UPDATE_TS=1 cargo test -p confab-app --test generated_ts
//! ```

use crate::commands;
use crate::state::AppEvent;
use confab_proto::ErrorBody;
use confab_sdk::{Event, NetState};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use ts_rs::{Config, TypeVisitor, TS};

/// The header of every hand-assembled generated file.
const HEADER: &str = "// Generated from the Rust types by crates/app (ts-rs). Do not edit:\n// regenerate with `UPDATE_TS=1 cargo test -p confab-app --test generated_ts`.\n";

/// The generation failed.
#[derive(Debug, thiserror::Error)]
pub enum GenerateError {
    /// ts-rs could not export a type.
    #[error("exporting TypeScript: {0}")]
    Export(#[from] ts_rs::ExportError),
    /// A file could not be written or listed.
    #[error("{path}: {source}")]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The failure.
        source: std::io::Error,
    },
}

/// The ts-rs configuration: JSON numbers for 64-bit integers (every ID and
/// count the protocol carries stays below 2^53).
pub fn config(dir: &Path) -> Config {
    Config::new().with_large_int("number").with_out_dir(dir)
}

struct Exporter<'a> {
    cfg: &'a Config,
    result: Result<(), ts_rs::ExportError>,
}

impl TypeVisitor for Exporter<'_> {
    fn visit<T: TS + 'static + ?Sized>(&mut self) {
        if self.result.is_err() {
            return;
        }
        if T::output_path().is_some() {
            self.result = T::export_all(self.cfg);
        } else {
            // Vec<T>, Option<T>, primitives: export what they contain.
            T::visit_dependencies(self);
            T::visit_generics(self);
        }
    }
}

/// Writes every generated file into `dir` (which must exist and should be
/// empty) and returns their names.
pub fn generate(dir: &Path) -> Result<Vec<String>, GenerateError> {
    let cfg = config(dir);
    let mut exporter = Exporter { cfg: &cfg, result: Ok(()) };
    commands::visit_types(&mut exporter);
    exporter.visit::<AppEvent>();
    exporter.visit::<Event>();
    exporter.visit::<NetState>();
    exporter.visit::<ErrorBody>();
    exporter.result?;
    write(dir, "commands.ts", &commands_ts(&cfg))?;
    let mut names = list_ts(dir)?;
    names.retain(|n| n != "index.ts" && n != "commands.ts");
    let mut index = String::from(HEADER);
    for name in &names {
        let module = name.trim_end_matches(".ts");
        index.push_str(&format!("export type * from \"./{module}\";\n"));
    }
    index.push_str("export * from \"./commands\";\n");
    write(dir, "index.ts", &index)?;
    names.push("commands.ts".into());
    names.push("index.ts".into());
    names.sort();
    Ok(names)
}

/// `commands.ts`: `COMMANDS`, `CommandName` and `CommandMap`.
fn commands_ts(cfg: &Config) -> String {
    let signatures = commands::signatures(cfg);
    let mut imports: BTreeMap<String, ()> = BTreeMap::new();
    for (_, args, result) in &signatures {
        for ty in [args, result] {
            for word in ty.split(|c: char| !c.is_alphanumeric()) {
                if word.starts_with(|c: char| c.is_ascii_uppercase()) && word != "Array" {
                    imports.insert(word.to_owned(), ());
                }
            }
        }
    }
    let mut out = String::from(HEADER);
    for name in imports.keys() {
        out.push_str(&format!("import type {{ {name} }} from \"./{name}\";\n"));
    }
    out.push_str(
        "\n/** Every command name (docs/app-commands.md). */\nexport const COMMANDS = [\n",
    );
    for (name, _, _) in &signatures {
        out.push_str(&format!("  \"{name}\",\n"));
    }
    out.push_str("] as const;\n\n/** A command name. */\nexport type CommandName = (typeof COMMANDS)[number];\n\n");
    out.push_str("/** Each command's arguments and result. */\nexport type CommandMap = {\n");
    for (name, args, result) in &signatures {
        out.push_str(&format!("  \"{name}\": {{ args: {args}; result: {result} }};\n"));
    }
    out.push_str("};\n\n/** The arguments of command `C`. */\nexport type CommandArgs<C extends CommandName> = CommandMap[C][\"args\"];\n\n/** The result of command `C`. */\nexport type CommandResult<C extends CommandName> = CommandMap[C][\"result\"];\n");
    out
}

fn write(dir: &Path, name: &str, contents: &str) -> Result<(), GenerateError> {
    let path = dir.join(name);
    std::fs::write(&path, contents).map_err(|source| GenerateError::Io { path, source })
}

/// The `.ts` files in `dir`, sorted.
pub fn list_ts(dir: &Path) -> Result<Vec<String>, GenerateError> {
    let io = |source| GenerateError::Io { path: dir.to_owned(), source };
    let mut names = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let name = entry.map_err(io)?.file_name().to_string_lossy().into_owned();
        if name.ends_with(".ts") {
            names.push(name);
        }
    }
    names.sort();
    Ok(names)
}
