//! The OpenAPI 3.0 document of the REST API, generated from the commands'
//! request and response types (their `schemars` schemas): one path per
//! command, the common URL parameters, and a response that is either the
//! failure envelope or the success envelope with the command's fields.

use super::Command;
use schemars::generate::SchemaSettings;
use serde_json::{json, Value};

/// The URL parameters every command takes.
fn common_parameters() -> Value {
    json!([
        {"name": "sdkappid", "in": "query", "required": true,
         "description": "The server's SDKAppID.",
         "schema": {"type": "integer", "format": "int64", "minimum": 0}},
        {"name": "identifier", "in": "query", "required": true,
         "description": "An administrator's userID (`admin_identifiers`).",
         "schema": {"type": "string"}},
        {"name": "usersig", "in": "query", "required": true,
         "description": "The administrator's UserSig.",
         "schema": {"type": "string"}},
        {"name": "random", "in": "query", "required": true,
         "description": "A random 32-bit number (any value; TIM uses it to match logs).",
         "schema": {"type": "integer", "format": "int64", "minimum": 0, "maximum": 4294967295u64}},
        {"name": "contenttype", "in": "query", "required": false,
         "description": "Always `json`.",
         "schema": {"type": "string", "enum": ["json"]}}
    ])
}

/// The envelope's fields; `status` is `OK` or `FAIL`.
fn envelope(status: &str) -> Value {
    json!({
        "type": "object",
        "required": ["ActionStatus", "ErrorCode", "ErrorInfo"],
        "properties": {
            "ActionStatus": {"type": "string", "enum": [status]},
            "ErrorCode": {"type": "integer"},
            "ErrorInfo": {"type": "string"}
        }
    })
}

/// The whole document for `commands` (in the order given).
pub(crate) fn document(commands: &[&Command]) -> Value {
    let mut generator = SchemaSettings::openapi3().into_generator();
    let mut paths = serde_json::Map::new();
    for command in commands {
        let request = (command.request)(&mut generator).to_value();
        let response = (command.response)(&mut generator).to_value();
        let path = format!("/v4/{}/{}", command.service, command.command);
        let operation = json!({
            "post": {
                "operationId": format!("{}.{}", command.service, command.command),
                "summary": command.summary,
                "tags": [command.service],
                "parameters": common_parameters(),
                "requestBody": {
                    "required": true,
                    "content": {"application/json": {"schema": request}}
                },
                "responses": {
                    "200": {
                        "description": "`ActionStatus` `OK` with the command's fields, or `FAIL` with `ErrorCode` and `ErrorInfo`.",
                        "content": {"application/json": {"schema": {
                            "oneOf": [
                                {"allOf": [envelope("OK"), response]},
                                envelope("FAIL")
                            ]
                        }}}
                    },
                    "404": {
                        "description": "No such command (60009).",
                        "content": {"application/json": {"schema": envelope("FAIL")}}
                    }
                }
            }
        });
        paths.insert(path, operation);
    }
    let schemas = generator.take_definitions(true);
    json!({
        "openapi": "3.0.3",
        "info": {
            "title": "Confab REST API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "TIM's server REST API as confabd serves it: see docs/rest-api.md."
        },
        "paths": paths,
        "components": {"schemas": schemas}
    })
}
