//! Correctly signed `component_verify_ticket` pushes, as WeChat sends them to the
//! authorization-event URL, serialised once as raw HTTP/1.1 requests.

use wechat::crypto::MsgCrypt;
use wechat::xml::{Addressee, ComponentHeader, ComponentVerifyTicket, Event};

/// The platform the pushes are signed for.
pub struct Platform {
    /// The relay's platform id (the URL path is `/wx/{id}/component`).
    pub id: String,
    /// The component appid (the envelope's `AppId`, the crypt's receive id).
    pub component_appid: String,
    /// The message Token the relay checks `msg_signature` with.
    pub token: String,
    /// The EncodingAESKey (43 characters); the relay never sees it.
    pub encoding_aes_key: String,
}

/// `count` distinct signed pushes to `host` (the `Host` header), each a complete HTTP/1.1 request.
pub fn requests(platform: &Platform, host: &str, count: usize, now_secs: u64) -> Result<Vec<Vec<u8>>, String> {
    let crypt = MsgCrypt::new(&platform.token, &platform.encoding_aes_key, &platform.component_appid).map_err(|e| e.to_string())?;
    let addressee = Addressee::AppId(platform.component_appid.clone());
    let mut out = Vec::with_capacity(count);
    for i in 0..count {
        let event = Event::ComponentVerifyTicket(ComponentVerifyTicket {
            header: ComponentHeader { app_id: platform.component_appid.clone(), create_time: now_secs as i64 },
            component_verify_ticket: format!("ticket@@@bench-{now_secs}-{i:08}"),
        });
        let mut random = [0x5au8; 16];
        random[..8].copy_from_slice(&(i as u64).to_be_bytes());
        let sealed = crypt.seal_push(&addressee, &event.to_xml(), &now_secs.to_string(), &format!("{i:010}"), None, random);
        let head = format!(
            "POST /wx/{}/component?{} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: Mozilla/4.0\r\nContent-Type: text/xml\r\nContent-Length: {}\r\n\r\n",
            platform.id,
            sealed.query_string,
            sealed.body.len()
        );
        let mut request = head.into_bytes();
        request.extend_from_slice(sealed.body.as_bytes());
        out.push(request);
    }
    Ok(out)
}
