//! Images as the UI shows them: a `data:` URL, which the CSP allows in `img-src` and which needs no
//! file on disk or extra protocol.
use base64::Engine;
use fleet::apps::qrcodes::CodeImage;
use serde::Serialize;
use specta::Type;

/// An image WeChat made, ready for `<img src>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
pub struct ImageData {
    /// `data:image/png;base64,…`.
    pub data_url: String,
    /// Its size in bytes, for the "save" button's label.
    pub bytes: u32,
}

impl From<CodeImage> for ImageData {
    fn from(image: CodeImage) -> Self {
        let encoded = base64::engine::general_purpose::STANDARD.encode(&image.bytes);
        ImageData {
            data_url: format!("data:{};base64,{encoded}", image.content_type),
            bytes: image.bytes.len().try_into().unwrap_or(u32::MAX),
        }
    }
}

/// The bytes of a `data:…;base64,` URL.
pub fn decode_data_url(url: &str) -> Result<Vec<u8>, String> {
    let (_, encoded) = url.split_once(";base64,").ok_or("not a base64 data: URL")?;
    base64::engine::general_purpose::STANDARD.decode(encoded).map_err(|e| format!("the image is not valid base64: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_through_a_data_url() {
        let image = CodeImage { content_type: "image/png".into(), bytes: vec![0x89, b'P', b'N', b'G', 0, 255] };
        let data = ImageData::from(image.clone());
        assert!(data.data_url.starts_with("data:image/png;base64,"), "{}", data.data_url);
        assert_eq!(data.bytes, 6);
        assert_eq!(decode_data_url(&data.data_url).unwrap(), image.bytes);
        assert!(decode_data_url("https://example.com/x.png").is_err());
    }
}
