//! The boxes of a minimal MP4/MOV (ISO-BMFF): enough for a prober to read
//! a duration (`mvhd`) and a video track's size (`tkhd`).

/// A box: its 32-bit size, its type, its body.
///
/// # Panics
/// When the body does not fit a 32-bit box size.
pub fn mp4_box(kind: &[u8; 4], body: &[u8]) -> Vec<u8> {
    let size = u32::try_from(body.len() + 8).unwrap_or_else(|_| panic!("box body too large"));
    let mut out = size.to_be_bytes().to_vec();
    out.extend_from_slice(kind);
    out.extend_from_slice(body);
    out
}

/// The body of a version-0 `mvhd`: `duration` in units of `timescale` per
/// second.
pub fn mvhd_v0_body(timescale: u32, duration: u32) -> Vec<u8> {
    let mut body = vec![0u8; 12]; // version 0, flags, creation and modification times
    body.extend_from_slice(&timescale.to_be_bytes());
    body.extend_from_slice(&duration.to_be_bytes());
    body.extend_from_slice(&[0u8; 80]);
    body
}

/// A version-0 `tkhd` box of a `width`×`height` track (0×0: no picture).
pub fn tkhd(width: u32, height: u32) -> Vec<u8> {
    let mut body = vec![0u8; 4 + 20]; // version 0, flags, times, id, reserved, duration
    body.extend_from_slice(&[0u8; 8 + 8]); // reserved, layer, group, volume, reserved
    body.extend_from_slice(&[0u8; 36]); // matrix
    body.extend_from_slice(&(width << 16).to_be_bytes());
    body.extend_from_slice(&(height << 16).to_be_bytes());
    mp4_box(b"tkhd", &body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boxes_carry_their_size() {
        assert_eq!(mp4_box(b"free", b"ab"), b"\0\0\0\x0afreeab".to_vec());
        assert_eq!(tkhd(1, 1).len(), 8 + 84);
        assert_eq!(mvhd_v0_body(1000, 4200).len(), 100);
    }
}
