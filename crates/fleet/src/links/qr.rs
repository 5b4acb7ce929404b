//! QR codes of link URLs, as PNG (to show and download) and SVG (to print at any size).

use image::{ImageEncoder, Luma};
use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};

use crate::error::{FleetError, Result};

/// The smallest side of a PNG, in pixels: scannable from a screen across a desk.
const PNG_MIN_PX: u32 = 360;

/// Medium error correction: survives a smudge or a logo sticker without growing the code much.
fn code(text: &str) -> Result<QrCode> {
    QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M)
        .map_err(|e| FleetError::invalid("url", format!("cannot be put in a QR code ({e}); links are short URLs, so this is a bug")))
}

/// The QR code of `text` as a greyscale PNG with its quiet zone.
pub fn png(text: &str) -> Result<Vec<u8>> {
    let image = code(text)?.render::<Luma<u8>>().min_dimensions(PNG_MIN_PX, PNG_MIN_PX).quiet_zone(true).build();
    let mut out = Vec::new();
    image::codecs::png::PngEncoder::new(&mut out)
        .write_image(image.as_raw(), image.width(), image.height(), image::ExtendedColorType::L8)
        .map_err(|e| FleetError::Io(format!("encoding the QR code as PNG: {e}")))?;
    Ok(out)
}

/// The QR code of `text` as an SVG document with its quiet zone.
pub fn svg(text: &str) -> Result<String> {
    Ok(code(text)?.render::<svg::Color<'_>>().min_dimensions(200, 200).quiet_zone(true).build())
}
