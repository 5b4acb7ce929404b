//! Opening a real-sized `component_verify_ticket` push — parse the envelope, check `msg_signature`,
//! base64-decode, AES-256-CBC decrypt, unpad, check the receive id — against the floor of the same
//! work without any of the protocol around it: AES-256-CBC decryption plus SHA-1 of the same bytes.
//! Also the same push with the typed event parsed (`xml::Event::parse`).
//!
//! `cargo bench -p wechat --bench push_decrypt`. After criterion's figures, a summary line gives
//! both medians and their ratio (target ≤ 3×).

use std::hint::black_box;
use std::time::{Duration, Instant};

use aes::cipher::block_padding::NoPadding;
use aes::cipher::{BlockModeDecrypt, KeyIvInit};
use base64::alphabet;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, STANDARD};
use base64::Engine;
use criterion::Criterion;
use sha1::{Digest, Sha1};
use wechat::crypto::{MsgCrypt, PushQuery};
use wechat::selftest::VECTOR_FILES;
use wechat::xml::{Envelope, Event};

/// The ticket push of the miaoxing/wechat vectors: 305-byte plaintext, 352-byte ciphertext, the size of a real one.
struct TicketPush {
    crypt: MsgCrypt,
    query: PushQuery,
    body: String,
    key: [u8; 32],
    ciphertext: Vec<u8>,
}

fn ticket_push() -> TicketPush {
    let (_, json) = VECTOR_FILES.iter().find(|(name, _)| *name == "miaoxing-wechat.json").expect("vector file");
    let file: serde_json::Value = serde_json::from_str(json).expect("json");
    let case = file["cases"].as_array().unwrap().iter().find(|c| c["name"] == "testComponentVerifyTicket").expect("ticket case");
    let text = |field: &str| case[field].as_str().unwrap().to_owned();
    let crypt = MsgCrypt::new(&text("token"), &text("encoding_aes_key"), &text("receive_id")).unwrap();
    let body = text("body");
    let encrypt = Envelope::parse(body.as_bytes()).unwrap().encrypt;
    // The sample key has non-zero trailing bits, which the crate ignores; so must this decoder.
    let key_engine = GeneralPurpose::new(&alphabet::STANDARD, GeneralPurposeConfig::new().with_decode_allow_trailing_bits(true));
    let key: [u8; 32] = key_engine.decode(format!("{}=", text("encoding_aes_key"))).unwrap().try_into().unwrap();
    TicketPush { crypt, query: PushQuery::parse(&text("query")), body, key, ciphertext: STANDARD.decode(encrypt).unwrap() }
}

/// The query string is parsed once, outside: what is measured is envelope, signature, decryption.
fn open_push(p: &TicketPush) -> String {
    p.crypt.open_push(black_box(&p.query), black_box(p.body.as_bytes())).unwrap()
}

fn open_and_parse_event(p: &TicketPush) -> Event {
    Event::parse(&open_push(p)).unwrap()
}

/// AES-256-CBC over the ciphertext and SHA-1 over the same bytes, nothing else.
fn raw_floor(p: &TicketPush, buf: &mut Vec<u8>) -> [u8; 20] {
    buf.clear();
    buf.extend_from_slice(black_box(&p.ciphertext));
    let iv: [u8; 16] = p.key[..16].try_into().unwrap();
    let plain = cbc::Decryptor::<aes::Aes256>::new(&p.key.into(), &iv.into()).decrypt_padded::<NoPadding>(buf).unwrap();
    black_box(plain);
    Sha1::digest(&p.ciphertext).into()
}

fn benches(c: &mut Criterion, p: &TicketPush) {
    let mut group = c.benchmark_group("push_decrypt");
    group.bench_function("open_push (envelope + msg_signature + decrypt + appid)", |b| b.iter(|| open_push(p)));
    group.bench_function("open_push + Event::parse", |b| b.iter(|| open_and_parse_event(p)));
    let mut buf = Vec::with_capacity(p.ciphertext.len());
    group.bench_function("raw floor (AES-256-CBC + SHA-1, same bytes)", |b| b.iter(|| raw_floor(p, &mut buf)));
    group.finish();
}

/// Median time per call over several timed batches.
fn median_per_call(mut f: impl FnMut()) -> Duration {
    const BATCH: u32 = 20_000;
    for _ in 0..BATCH {
        f();
    }
    let mut samples: Vec<Duration> = (0..9)
        .map(|_| {
            let start = Instant::now();
            for _ in 0..BATCH {
                f();
            }
            start.elapsed() / BATCH
        })
        .collect();
    samples.sort();
    samples[samples.len() / 2]
}

fn main() {
    let push = ticket_push();
    assert!(open_push(&push).contains("component_verify_ticket"), "the vector decrypts");
    let mut criterion = Criterion::default().configure_from_args();
    benches(&mut criterion, &push);
    criterion.final_summary();

    let open = median_per_call(|| {
        black_box(open_push(&push));
    });
    let with_event = median_per_call(|| {
        black_box(open_and_parse_event(&push));
    });
    let mut buf = Vec::with_capacity(push.ciphertext.len());
    let floor = median_per_call(|| {
        black_box(raw_floor(&push, &mut buf));
    });
    let ratio = |d: Duration| d.as_secs_f64() / floor.as_secs_f64();
    println!(
        "\nticket push ({} B ciphertext): open_push {:?}, open_push + Event::parse {:?}, raw floor {:?}; ratio {:.2}x and {:.2}x (target <= 3x for open_push)",
        push.ciphertext.len(),
        open,
        with_event,
        floor,
        ratio(open),
        ratio(with_event),
    );
}
