//! TIM's `MsgBody` (of the REST API and the callbacks): a list of `{MsgType, MsgContent}` with TIM's
//! REST field names (`Text`, `Data`/`Desc`/`Ext`, `Index`, …), and its
//! mapping to the one element of a Confab message.
//!
//! A REST send carries exactly one element of kind text, custom, face or
//! location (a body of several elements, or a file kind that would need an
//! upload, is refused with 90005: Confab messages hold one element, and
//! file elements name uploaded files). History answers carry the stored
//! element; the file kinds are given with the SDK's field names.

use confab_proto::message::{
    CustomPayload, FacePayload, LocationPayload, MessageElement, TextPayload,
};
use confab_proto::ErrorBody;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

/// The code of a `MsgBody` that cannot be sent (TIM: "MsgBody 格式错误").
pub(crate) const INVALID_MSG_BODY: i32 = 90005;

/// One element of a `MsgBody`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "rest", derive(schemars::JsonSchema))]
pub(crate) struct MsgBodyElem {
    /// `TIMTextElem`, `TIMCustomElem`, `TIMFaceElem` or `TIMLocationElem`
    /// (answers may carry the file kinds too).
    #[serde(rename = "MsgType")]
    pub msg_type: String,
    /// The element's fields, with TIM's REST names.
    #[serde(rename = "MsgContent")]
    pub msg_content: Value,
}

fn field<'a>(content: &'a Value, name: &str) -> Option<&'a Value> {
    content.get(name)
}

fn text_field(content: &Value, name: &str) -> Result<String, ErrorBody> {
    match field(content, name) {
        None | Some(Value::Null) => Ok(String::new()),
        Some(Value::String(text)) => Ok(text.clone()),
        Some(other) => Err(invalid(format!("MsgContent.{name} must be a string, not {other}"))),
    }
}

fn number_field(content: &Value, name: &str) -> Result<f64, ErrorBody> {
    field(content, name)
        .and_then(Value::as_f64)
        .ok_or_else(|| invalid(format!("MsgContent.{name} must be a number")))
}

fn invalid(info: String) -> ErrorBody {
    ErrorBody::new(INVALID_MSG_BODY, info)
}

/// The element a REST `MsgBody` sends; 90005 unless it is one element of a
/// kind a backend can send.
pub(crate) fn to_element(body: &[MsgBodyElem]) -> Result<MessageElement, ErrorBody> {
    let [elem] = body else {
        return Err(invalid(format!(
            "MsgBody must hold exactly one element (Confab messages hold one), not {}",
            body.len()
        )));
    };
    let content = &elem.msg_content;
    if !content.is_object() {
        return Err(invalid("MsgContent must be an object".into()));
    }
    match elem.msg_type.as_str() {
        "TIMTextElem" => {
            let text = text_field(content, "Text")?;
            if text.is_empty() {
                return Err(invalid("MsgContent.Text must not be empty".into()));
            }
            Ok(MessageElement::Text(TextPayload { text }))
        }
        "TIMCustomElem" => Ok(MessageElement::Custom(CustomPayload {
            data: text_field(content, "Data")?,
            description: text_field(content, "Desc")?,
            extension: text_field(content, "Ext")?,
        })),
        "TIMFaceElem" => {
            let index = number_field(content, "Index")?;
            if index.fract() != 0.0 || index.abs() > 2f64.powi(53) {
                return Err(invalid("MsgContent.Index must be an integer".into()));
            }
            Ok(MessageElement::Face(FacePayload { index: index as i64, data: text_field(content, "Data")? }))
        }
        "TIMLocationElem" => {
            let latitude = number_field(content, "Latitude")?;
            let longitude = number_field(content, "Longitude")?;
            if !(-90.0..=90.0).contains(&latitude) || !(-180.0..=180.0).contains(&longitude) {
                return Err(invalid("Latitude must be within ±90 and Longitude within ±180".into()));
            }
            Ok(MessageElement::Location(LocationPayload {
                description: text_field(content, "Desc")?,
                latitude,
                longitude,
            }))
        }
        other => Err(invalid(format!(
            "MsgType {other:?} cannot be sent over REST (TIMTextElem, TIMCustomElem, TIMFaceElem, TIMLocationElem)"
        ))),
    }
}

/// The `MsgBody` of a stored element.
pub(crate) fn from_element(element: &MessageElement) -> Vec<MsgBodyElem> {
    let (kind, content) = match element {
        MessageElement::Text(p) => ("TIMTextElem", json!({"Text": p.text})),
        MessageElement::Custom(p) => {
            ("TIMCustomElem", json!({"Data": p.data, "Desc": p.description, "Ext": p.extension}))
        }
        MessageElement::Face(p) => ("TIMFaceElem", json!({"Index": p.index, "Data": p.data})),
        MessageElement::Location(p) => (
            "TIMLocationElem",
            json!({"Desc": p.description, "Latitude": p.latitude, "Longitude": p.longitude}),
        ),
        other => {
            // The file kinds and server-made elements: the SDK's fields.
            let value = serde_json::to_value(other).unwrap_or(Value::Null);
            let content = value.get("payload").cloned().unwrap_or(value);
            (other.type_name(), content)
        }
    };
    vec![MsgBodyElem { msg_type: kind.to_owned(), msg_content: content }]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn elem(kind: &str, content: Value) -> Vec<MsgBodyElem> {
        vec![MsgBodyElem { msg_type: kind.into(), msg_content: content }]
    }

    #[test]
    fn the_sendable_kinds_map_both_ways() {
        for body in [
            elem("TIMTextElem", json!({"Text": "hi"})),
            elem("TIMCustomElem", json!({"Data": "d", "Desc": "s", "Ext": "e"})),
            elem("TIMFaceElem", json!({"Index": 3, "Data": "x"})),
            elem("TIMLocationElem", json!({"Desc": "here", "Latitude": 1.5, "Longitude": -2.25})),
        ] {
            let element = to_element(&body).expect("sendable");
            assert_eq!(from_element(&element), body);
        }
    }

    #[test]
    fn what_cannot_be_sent_is_90005() {
        let code = |body: Vec<MsgBodyElem>| to_element(&body).expect_err("refused").code;
        assert_eq!(code(vec![]), INVALID_MSG_BODY);
        let two =
            [elem("TIMTextElem", json!({"Text": "a"})), elem("TIMTextElem", json!({"Text": "b"}))]
                .concat();
        assert_eq!(code(two), INVALID_MSG_BODY);
        assert_eq!(code(elem("TIMTextElem", json!({"Text": ""}))), INVALID_MSG_BODY);
        assert_eq!(code(elem("TIMTextElem", json!({"Text": 5}))), INVALID_MSG_BODY);
        assert_eq!(code(elem("TIMTextElem", json!("hi"))), INVALID_MSG_BODY);
        assert_eq!(code(elem("TIMImageElem", json!({}))), INVALID_MSG_BODY);
        assert_eq!(code(elem("TIMFaceElem", json!({"Index": 1.5}))), INVALID_MSG_BODY);
        assert_eq!(
            code(elem("TIMLocationElem", json!({"Latitude": 91, "Longitude": 0}))),
            INVALID_MSG_BODY
        );
    }
}
