//! The pairing QR code, drawn for a terminal or as a PNG photo for Telegram.

use qrcode::{Color, QrCode};

/// A QR code as text for a terminal (two rows of modules per line).
pub fn qr_text(code: &str) -> Result<String, String> {
    let qr = QrCode::new(code.as_bytes()).map_err(|e| format!("cannot draw the QR code: {e}"))?;
    Ok(qr.render::<qrcode::render::unicode::Dense1x2>().quiet_zone(true).build())
}

/// Pixels per module in the PNG.
const SCALE: usize = 8;
/// Modules of white around the code (the QR standard asks for four).
const QUIET: usize = 4;

/// A QR code as a PNG (8-bit greyscale, black on white).
pub fn qr_png(code: &str) -> Result<Vec<u8>, String> {
    let qr = QrCode::new(code.as_bytes()).map_err(|e| format!("cannot draw the QR code: {e}"))?;
    let modules = qr.width();
    let colors = qr.to_colors();
    let side = (modules + 2 * QUIET) * SCALE;
    let mut raw = Vec::with_capacity((side + 1) * side);
    for y in 0..side {
        raw.push(0); // filter: none
        let my = (y / SCALE).checked_sub(QUIET).filter(|m| *m < modules);
        for x in 0..side {
            let mx = (x / SCALE).checked_sub(QUIET).filter(|m| *m < modules);
            let dark = matches!((mx, my), (Some(mx), Some(my)) if colors[my * modules + mx] == Color::Dark);
            raw.push(if dark { 0 } else { 255 });
        }
    }
    Ok(png_greyscale(side as u32, side as u32, &raw))
}

/// A PNG of `width` × `height` greyscale pixels, `rows` already filtered (one filter byte per
/// row). The image data is stored uncompressed (deflate "stored" blocks): a QR code is small.
fn png_greyscale(width: u32, height: u32, rows: &[u8]) -> Vec<u8> {
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::with_capacity(13);
    ihdr.extend_from_slice(&width.to_be_bytes());
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, 0, 0, 0, 0]); // 8-bit, greyscale, deflate, no filter, no interlace
    chunk(&mut out, b"IHDR", &ihdr);
    chunk(&mut out, b"IDAT", &zlib_stored(rows));
    chunk(&mut out, b"IEND", &[]);
    out
}

fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    let start = out.len();
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let crc = crc32(&out[start..]);
    out.extend_from_slice(&crc.to_be_bytes());
}

/// A zlib stream of stored (uncompressed) deflate blocks.
fn zlib_stored(data: &[u8]) -> Vec<u8> {
    let mut out = vec![0x78, 0x01];
    let mut blocks = data.chunks(65_535).peekable();
    if blocks.peek().is_none() {
        out.extend_from_slice(&[1, 0, 0, 0xff, 0xff]);
    }
    while let Some(block) = blocks.next() {
        out.push(u8::from(blocks.peek().is_none()));
        let len = block.len() as u16;
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&(!len).to_le_bytes());
        out.extend_from_slice(block);
    }
    out.extend_from_slice(&adler32(data).to_be_bytes());
    out
}

fn adler32(data: &[u8]) -> u32 {
    let (mut a, mut b) = (1u32, 0u32);
    for chunk in data.chunks(5552) {
        for &byte in chunk {
            a += u32::from(byte);
            b += a;
        }
        a %= 65_521;
        b %= 65_521;
    }
    (b << 16) | a
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in data {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checksums_match_their_reference_values() {
        assert_eq!(crc32(b"IEND"), 0xAE42_6082);
        assert_eq!(adler32(b"Wikipedia"), 0x11E6_0398);
    }

    #[test]
    fn the_png_is_well_formed() {
        let png = qr_png("2@abc,def,ghi").unwrap();
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        assert_eq!(&png[12..16], b"IHDR");
        let width = u32::from_be_bytes(png[16..20].try_into().unwrap());
        assert_eq!(width % SCALE as u32, 0);
        assert_eq!(&png[png.len() - 8..png.len() - 4], b"IEND");
        let text = qr_text("2@abc,def,ghi").unwrap();
        assert!(text.lines().count() > 10);
    }
}
