//! `confabd admin …`: an operator's common jobs over the REST API, so no
//! curl is needed — import users from a CSV file, send a message to many
//! users, kick a user. Each job calls a running confabd's `/v4` commands as
//! an administrator, with a UserSig minted from the same configuration
//! (secret key, SDKAppID) as `confabd usersig`.
//!
//! The CSV file of `import-users` has one user per line: `userID`, then
//! optionally the nick and the avatar URL (fields may be double-quoted, with
//! `""` for a quote). A first line whose first field is `userID` (any case)
//! is a header. Empty lines and lines starting with `#` are skipped.

use crate::config::Config;
use crate::translate::https_client;
use serde_json::{json, Value};
use std::time::Duration;

/// Most receivers of one `openim/batchsendmsg`.
pub const BATCH: usize = 500;

/// One user of an import file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportRow {
    /// The userID.
    pub user_id: String,
    /// The nickname, when the line has one.
    pub nick: Option<String>,
    /// The avatar URL, when the line has one.
    pub face_url: Option<String>,
}

/// Why an admin job failed.
#[derive(Debug, thiserror::Error)]
pub enum AdminError {
    /// A line of the CSV file cannot be read.
    #[error("line {line}: {why}")]
    Csv {
        /// 1-based line number.
        line: usize,
        /// What is wrong.
        why: String,
    },
    /// The server could not be reached or did not answer JSON.
    #[error("calling {command}: {why}")]
    Transport {
        /// The REST command.
        command: String,
        /// What happened.
        why: String,
    },
    /// The server refused the command.
    #[error("{command} failed with {code}: {info}")]
    Refused {
        /// The REST command.
        command: String,
        /// `ErrorCode`.
        code: i64,
        /// `ErrorInfo`.
        info: String,
    },
}

/// Splits one CSV line into fields (`"…"` quoting with `""` escapes).
fn fields(line: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut field = String::new();
    let mut chars = line.chars().peekable();
    let mut quoted = false;
    let mut was_quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') if field.trim().is_empty() && !was_quoted => {
                field.clear();
                quoted = true;
                was_quoted = true;
            }
            (false, ',') => {
                out.push(if was_quoted {
                    std::mem::take(&mut field)
                } else {
                    field.trim().to_owned()
                });
                field.clear();
                was_quoted = false;
            }
            (false, c) if was_quoted && !c.is_whitespace() => {
                return Err("text after a closing quote".into());
            }
            (false, c) => field.push(c),
        }
    }
    if quoted {
        return Err("an unterminated quote".into());
    }
    out.push(if was_quoted { field } else { field.trim().to_owned() });
    Ok(out)
}

/// The users of an import file's text.
///
/// # Errors
/// A line with a malformed quote, no userID, or more than three fields.
pub fn parse_import(text: &str) -> Result<Vec<ImportRow>, AdminError> {
    let mut rows = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let number = index + 1;
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let cells = fields(trimmed).map_err(|why| AdminError::Csv { line: number, why })?;
        if rows.is_empty() && cells[0].eq_ignore_ascii_case("userid") {
            continue;
        }
        if cells.len() > 3 {
            let why = format!("{} fields; expected userID[,nick[,faceUrl]]", cells.len());
            return Err(AdminError::Csv { line: number, why });
        }
        let mut cells = cells.into_iter();
        let user_id = cells.next().unwrap_or_default();
        if user_id.is_empty() {
            return Err(AdminError::Csv { line: number, why: "no userID".into() });
        }
        let nick = cells.next().filter(|s| !s.is_empty());
        let face_url = cells.next().filter(|s| !s.is_empty());
        rows.push(ImportRow { user_id, nick, face_url });
    }
    Ok(rows)
}

/// A REST caller: the server's URL and an administrator's credentials.
pub struct AdminClient {
    http: reqwest::Client,
    base: String,
    query: String,
}

impl AdminClient {
    /// Calls `base` (e.g. `http://127.0.0.1:8080`) as `admin`, with a
    /// UserSig minted from `config` valid for an hour.
    ///
    /// # Errors
    /// The secret key cannot be read, or the HTTP client cannot be built.
    pub fn new(config: &Config, base: &str, admin: &str, now_secs: i64) -> anyhow::Result<Self> {
        let key = config.resolve_secret_key()?;
        let sig = crate::usersig::gen_user_sig(config.sdk_app_id, &key, admin, 3600, now_secs);
        let http = https_client(Duration::from_secs(60)).map_err(anyhow::Error::msg)?;
        let query = format!(
            "sdkappid={}&identifier={admin}&usersig={sig}&random={}&contenttype=json",
            config.sdk_app_id,
            rand::random::<u32>()
        );
        Ok(Self { http, base: base.trim_end_matches('/').to_owned(), query })
    }

    /// Calls `command` (e.g. `openim/sendmsg`); the answer of an `OK`.
    ///
    /// # Errors
    /// The server is unreachable, or the answer is a `FAIL`.
    pub async fn call(&self, command: &str, body: Value) -> Result<Value, AdminError> {
        let transport = |why: String| AdminError::Transport { command: command.into(), why };
        let url = format!("{}/v4/{command}?{}", self.base, self.query);
        let response =
            self.http.post(url).json(&body).send().await.map_err(|e| transport(e.to_string()))?;
        let answer: Value = response.json().await.map_err(|e| transport(e.to_string()))?;
        if answer["ActionStatus"] == "OK" {
            return Ok(answer);
        }
        Err(AdminError::Refused {
            command: command.into(),
            code: answer["ErrorCode"].as_i64().unwrap_or(-1),
            info: answer["ErrorInfo"].as_str().unwrap_or_default().to_owned(),
        })
    }

    /// Imports `rows` one by one; the userIDs that failed, with why.
    pub async fn import_users(&self, rows: &[ImportRow]) -> Vec<(String, AdminError)> {
        let mut failed = Vec::new();
        for row in rows {
            let mut body = json!({"UserID": row.user_id});
            if let Some(nick) = &row.nick {
                body["Nick"] = nick.clone().into();
            }
            if let Some(face) = &row.face_url {
                body["FaceUrl"] = face.clone().into();
            }
            if let Err(e) = self.call("im_open_login_svc/account_import", body).await {
                failed.push((row.user_id.clone(), e));
            }
        }
        failed
    }

    /// Sends `text` from `from` to every user of `to`, [`BATCH`] at a time;
    /// the receivers that did not get it, with their codes.
    ///
    /// # Errors
    /// A whole batch was refused (e.g. `from` does not exist).
    pub async fn broadcast(
        &self,
        from: &str,
        to: &[String],
        text: &str,
    ) -> Result<Vec<(String, i64)>, AdminError> {
        let mut failed = Vec::new();
        for chunk in to.chunks(BATCH) {
            let body = json!({
                "From_Account": from,
                "To_Account": chunk,
                "MsgRandom": rand::random::<u32>().max(1),
                "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": text}}],
            });
            let answer = self.call("openim/batchsendmsg", body).await?;
            for error in answer["ErrorList"].as_array().into_iter().flatten() {
                let user = error["To_Account"].as_str().unwrap_or_default().to_owned();
                failed.push((user, error["ErrorCode"].as_i64().unwrap_or(-1)));
            }
        }
        Ok(failed)
    }

    /// Signs `user` out of every instance.
    ///
    /// # Errors
    /// The server refused (70107: no such account).
    pub async fn kick(&self, user: &str) -> Result<(), AdminError> {
        self.call("im_open_login_svc/kick", json!({"UserID": user})).await.map(|_| ())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn import_files_are_read_with_headers_quotes_and_comments() {
        let text = "UserID,Nick,FaceUrl\n\n# staff\nalice,Alice,https://x/a.png\n  bob  \n\"carol\",\"Carol \"\"C\"\", Jr\",\n";
        let rows = parse_import(text).expect("parsed");
        assert_eq!(
            rows,
            [
                ImportRow {
                    user_id: "alice".into(),
                    nick: Some("Alice".into()),
                    face_url: Some("https://x/a.png".into())
                },
                ImportRow { user_id: "bob".into(), nick: None, face_url: None },
                ImportRow {
                    user_id: "carol".into(),
                    nick: Some("Carol \"C\", Jr".into()),
                    face_url: None
                },
            ]
        );
    }

    #[test]
    fn malformed_lines_name_their_number() {
        let error = parse_import("alice\n\"bob,x\n").expect_err("unterminated");
        assert!(matches!(error, AdminError::Csv { line: 2, .. }), "{error}");
        let error = parse_import("a,b,c,d").expect_err("four fields");
        assert!(matches!(error, AdminError::Csv { line: 1, .. }), "{error}");
        let error = parse_import(",nick").expect_err("no userID");
        assert_eq!(error.to_string(), "line 1: no userID");
        assert!(parse_import("\"a\"x").is_err());
    }
}
