//! The gateway's decoding of a client's WebSocket text frame: the frame
//! layer (`{id, op, data}`), every operation's request type, and the checks
//! that need no database. Input: the frame's text (the WebSocket layer has
//! already refused frames that are not UTF-8, so other inputs are skipped).
//!
//! Beyond "does not panic": every refusal encodes as an error frame that
//! decodes back with the same `id` and `code`.

#![no_main]

use confab_proto::frame::ServerFrame;
use confab_server::fuzzing::{decode_frame, FrameOutcome};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let FrameOutcome::Refused { id, code, frame } = decode_frame(text) {
        let frame = frame.expect("an error frame always encodes");
        match serde_json::from_str::<ServerFrame>(&frame).expect("an error frame decodes") {
            ServerFrame::Err { id: sent_id, error } => {
                assert_eq!(sent_id, id);
                assert_eq!(error.code, code);
            }
            other => panic!("an error became {other:?}"),
        }
    }
});
