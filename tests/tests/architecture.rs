//! Keeps `docs/ARCHITECTURE.md` true: every code name its method table gives
//! must exist where the table says.
//!
//! A cell holds `` `path::name` `` items (several separated by `<br>`) or `—`.
//! `path` is relative to the repository root. The file must exist and define
//! `name`: in Rust a `fn`, `struct`, `enum`, `trait`, `const`, `type`,
//! `static` or `mod`, or a `"name"` string literal when the name is quoted;
//! in TypeScript a method, function, property or const of that name.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The repository root (this crate lives in `tests/`).
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("repository root").to_path_buf()
}

/// One `path::name` item of a cell.
#[derive(Debug, PartialEq)]
struct Item {
    path: String,
    name: String,
}

/// The items of one cell; `—` and empty cells have none.
fn items(cell: &str) -> Result<Vec<Item>, String> {
    let mut out = Vec::new();
    for part in cell.split("<br>") {
        let part = part.trim();
        if part.is_empty() || part == "—" {
            continue;
        }
        let code = part
            .strip_prefix('`')
            .and_then(|p| p.strip_suffix('`'))
            .ok_or_else(|| format!("{part:?} is not `path::name`"))?;
        let (path, name) =
            code.rsplit_once("::").ok_or_else(|| format!("{code:?} is not `path::name`"))?;
        out.push(Item { path: path.to_owned(), name: name.to_owned() });
    }
    Ok(out)
}

/// The method table: the rows after the header line that starts with `| TIM method`.
fn table(doc: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut inside = false;
    for line in doc.lines() {
        if line.starts_with("| TIM method") {
            inside = true;
            continue;
        }
        if !inside {
            continue;
        }
        if !line.starts_with('|') {
            break;
        }
        if line.starts_with("|---") || line.starts_with("| ---") {
            continue;
        }
        let cells: Vec<String> =
            line.trim().trim_matches('|').split('|').map(|c| c.trim().to_owned()).collect();
        rows.push(cells);
    }
    rows
}

/// Whether `source` (of a file with extension `ext`) defines `name`.
fn defines(source: &str, ext: &str, name: &str) -> bool {
    if let Some(literal) = name.strip_prefix('"').and_then(|n| n.strip_suffix('"')) {
        return source.contains(&format!("\"{literal}\""));
    }
    let is_word_end = |rest: &str| !rest.starts_with(|c: char| c.is_alphanumeric() || c == '_');
    let patterns: &[&str] = match ext {
        "rs" => &["fn ", "struct ", "enum ", "trait ", "const ", "type ", "static ", "mod "],
        _ => &["", "function ", "const ", "async ", "get ", "readonly "],
    };
    source.lines().any(|line| {
        let line = line.trim_start();
        patterns.iter().any(|p| {
            // Rust items may be `pub`, `pub(crate)`, `async`…; look for the keyword anywhere.
            let mut from = 0;
            while let Some(at) = line[from..].find(&format!("{p}{name}")) {
                let start = from + at;
                let end = start + p.len() + name.len();
                let before_ok = start == 0
                    || !line[..start].ends_with(|c: char| c.is_alphanumeric() || c == '_');
                let rest = &line[end..];
                let followed = if ext == "rs" {
                    is_word_end(rest)
                } else {
                    rest.starts_with('(')
                        || rest.starts_with(':')
                        || rest.starts_with(" =")
                        || rest.starts_with('<')
                };
                if before_ok && followed && (ext == "rs" || !p.is_empty() || start == 0) {
                    return true;
                }
                from = start + 1;
            }
            false
        })
    })
}

#[test]
fn every_name_in_the_method_table_exists() {
    let root = root();
    let doc =
        std::fs::read_to_string(root.join("docs/ARCHITECTURE.md")).expect("docs/ARCHITECTURE.md");
    let rows = table(&doc);
    assert!(
        rows.len() >= 30,
        "the method table has {} rows; every TIM method that exists belongs in it",
        rows.len()
    );
    let mut missing = Vec::new();
    let mut methods = BTreeSet::new();
    for row in &rows {
        assert_eq!(row.len(), 7, "a row has 7 cells: {row:?}");
        assert!(methods.insert(row[0].clone()), "{} appears twice", row[0]);
        for cell in &row[1..] {
            match items(cell) {
                Err(e) => missing.push(format!("{}: {e}", row[0])),
                Ok(list) => {
                    for item in list {
                        let path = root.join(&item.path);
                        let ext =
                            path.extension().and_then(|e| e.to_str()).unwrap_or("").to_owned();
                        match std::fs::read_to_string(&path) {
                            Err(_) => missing.push(format!("{}: no file {}", row[0], item.path)),
                            Ok(source) if !defines(&source, &ext, &item.name) => missing.push(
                                format!("{}: {} does not define {}", row[0], item.path, item.name),
                            ),
                            Ok(_) => {}
                        }
                    }
                }
            }
        }
    }
    assert!(
        missing.is_empty(),
        "docs/ARCHITECTURE.md names code that does not exist:\n{}",
        missing.join("\n")
    );
}

#[test]
fn the_checker_tells_definitions_from_mentions() {
    assert!(defines("pub(crate) fn send_message(ctx: &X)", "rs", "send_message"));
    assert!(defines("    pub async fn send_message(&self)", "rs", "send_message"));
    assert!(!defines("send_message(ctx)", "rs", "send_message"));
    assert!(!defines("fn send_message_now()", "rs", "send_message"));
    assert!(defines("operation!(SendMessage, \"sendMessage\", R);", "rs", "\"sendMessage\""));
    assert!(defines("  async sendMessage(message: Message) {", "ts", "sendMessage"));
    assert!(defines("  sendMessage(message: Message) {", "ts", "sendMessage"));
    assert!(defines("  sendMessage: (m) => call(m),", "ts", "sendMessage"));
    assert!(!defines("  this.sendMessage(message);", "ts", "sendMessage"));
    assert_eq!(
        items("`a/b.rs::f`<br>`c.ts::g`").expect("items"),
        vec![
            Item { path: "a/b.rs".into(), name: "f".into() },
            Item { path: "c.ts".into(), name: "g".into() }
        ]
    );
    assert!(items("—").expect("none").is_empty());
    assert!(items("f").is_err());
}
