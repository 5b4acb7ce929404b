//! Opening a real-sized `component_verify_ticket` push — parse the envelope, check `msg_signature`,
//! base64-decode, AES-256-CBC decrypt, unpad, check the receive id — and reading it into the typed
//! [`Event`], against the floor of the same work without any of the protocol around it:
//! AES-256-CBC decryption plus SHA-1 of the same bytes. Target: the whole path (open + parse)
//! within 3× the floor.
//!
//! The floor expands the AES key for every call, as a one-off decryption must; [`MsgCrypt`] keeps
//! its expanded key, so a second floor that does too (`floor-key-once`) is shown for comparison,
//! with the whole path's ratio to it.
//!
//! * `cargo bench -p wechat --bench push_decrypt` — criterion's figures, then a summary table:
//!   per path the median and best time per call and the ratios to the floor.
//!   `-- --summary` prints the summary alone.
//! * `cargo bench -p wechat --bench push_decrypt -- --callgrind` — the same four paths counted in
//!   instructions under `valgrind --tool=callgrind`, which, unlike time, does not move when the
//!   machine is shared. Each path runs in a child process twice, with [`CALLGRIND_RUNS`] and
//!   with no calls; the difference divided by the runs is the cost of one call, set-up excluded.

use std::hint::black_box;
use std::process::Command;
use std::time::Instant;

use aes::cipher::block_padding::NoPadding;
use aes::cipher::{BlockModeDecrypt, InnerIvInit, KeyInit, KeyIvInit};
use base64::alphabet;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, STANDARD};
use base64::Engine;
use criterion::Criterion;
use sha1::{Digest, Sha1};
use wechat::crypto::{MsgCrypt, PushQuery};
use wechat::selftest::VECTOR_FILES;
use wechat::xml::{Envelope, Event};

/// Calls per child process in `--callgrind` mode.
const CALLGRIND_RUNS: u64 = 1000;
/// Set in a child process: `<path>:<calls>`, run that many calls of that path and exit.
const RUN_ENV: &str = "PUSH_DECRYPT_RUN";

/// The ticket push of the miaoxing/wechat vectors: 305-byte plaintext, 352-byte ciphertext, the size of a real one.
struct TicketPush {
    crypt: MsgCrypt,
    query: PushQuery,
    body: String,
    plaintext: String,
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
    TicketPush {
        crypt,
        query: PushQuery::parse(&text("query")),
        body,
        plaintext: text("xml"),
        key,
        ciphertext: STANDARD.decode(encrypt).unwrap(),
    }
}

/// The query string is parsed once, outside: what is measured is envelope, signature, decryption.
fn open_push(p: &TicketPush) -> String {
    p.crypt.open_push(black_box(&p.query), black_box(p.body.as_bytes())).unwrap()
}

fn parse_event(p: &TicketPush) -> Event {
    Event::parse(black_box(&p.plaintext)).unwrap()
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

/// [`raw_floor`] with the AES key schedule expanded beforehand.
fn raw_floor_key_once(p: &TicketPush, cipher: &aes::Aes256Dec, buf: &mut Vec<u8>) -> [u8; 20] {
    buf.clear();
    buf.extend_from_slice(black_box(&p.ciphertext));
    let iv: [u8; 16] = p.key[..16].try_into().unwrap();
    let plain = cbc::Decryptor::<&aes::Aes256Dec>::inner_iv_init(cipher, &iv.into()).decrypt_padded::<NoPadding>(buf).unwrap();
    black_box(plain);
    Sha1::digest(&p.ciphertext).into()
}

/// The measured paths, in the order they are reported.
#[derive(Clone, Copy)]
enum Path {
    Floor,
    FloorKeyOnce,
    OpenPush,
    Parse,
    OpenAndParse,
}

impl Path {
    const ALL: [Path; 5] = [Path::Floor, Path::FloorKeyOnce, Path::OpenPush, Path::Parse, Path::OpenAndParse];

    fn name(self) -> &'static str {
        match self {
            Path::Floor => "floor",
            Path::FloorKeyOnce => "floor-key-once",
            Path::OpenPush => "open_push",
            Path::Parse => "parse",
            Path::OpenAndParse => "open_push+parse",
        }
    }

    fn from_name(name: &str) -> Option<Path> {
        Path::ALL.into_iter().find(|p| p.name() == name)
    }

    /// A closure running one call of the path, its result kept from the optimiser.
    fn runner(self, p: &TicketPush) -> impl FnMut() + '_ {
        let mut buf = Vec::with_capacity(p.ciphertext.len());
        let cipher = aes::Aes256Dec::new(&p.key.into());
        move || match self {
            Path::Floor => {
                black_box(raw_floor(p, &mut buf));
            }
            Path::FloorKeyOnce => {
                black_box(raw_floor_key_once(p, &cipher, &mut buf));
            }
            Path::OpenPush => {
                black_box(open_push(p));
            }
            Path::Parse => {
                black_box(parse_event(p));
            }
            Path::OpenAndParse => {
                black_box(open_and_parse_event(p));
            }
        }
    }
}

fn benches(c: &mut Criterion, p: &TicketPush) {
    let mut group = c.benchmark_group("push_decrypt");
    group.bench_function("open_push (envelope + msg_signature + decrypt + appid)", |b| b.iter(|| open_push(p)));
    group.bench_function("Event::parse (plaintext only)", |b| b.iter(|| parse_event(p)));
    group.bench_function("open_push + Event::parse", |b| b.iter(|| open_and_parse_event(p)));
    let mut buf = Vec::with_capacity(p.ciphertext.len());
    group.bench_function("raw floor (AES-256-CBC + SHA-1, same bytes)", |b| b.iter(|| raw_floor(p, &mut buf)));
    let cipher = aes::Aes256Dec::new(&p.key.into());
    group.bench_function("raw floor, AES key expanded once", |b| b.iter(|| raw_floor_key_once(p, &cipher, &mut buf)));
    group.finish();
}

/// Nanoseconds per call of each path, measured in many short interleaved rounds. The machine is
/// shared: a round times one short batch of every path back to back, so load that comes and goes
/// hits all of them alike, and most batches are short enough to run without being preempted.
/// Each path's ratio to the floor is taken within a round, then the median over rounds; the
/// ratio of the best batches is the figure least disturbed by other processes.
fn timed_summary(push: &TicketPush) {
    const ROUNDS: usize = 1001;
    const BATCH: u32 = 64;
    let mut runners: Vec<(Path, Box<dyn FnMut() + '_>)> = Path::ALL.into_iter().map(|p| (p, Box::new(p.runner(push)) as _)).collect();
    let mut per_call = vec![Vec::with_capacity(ROUNDS); runners.len()];
    for round in 0..ROUNDS + 10 {
        for (i, (_, run)) in runners.iter_mut().enumerate() {
            let start = Instant::now();
            for _ in 0..BATCH {
                run();
            }
            // The first rounds warm caches and the allocator up and are not kept.
            if round >= 10 {
                per_call[i].push(start.elapsed().as_secs_f64() * 1e9 / f64::from(BATCH));
            }
        }
    }
    println!(
        "\nticket push ({} B ciphertext), time per call over {ROUNDS} interleaved rounds (target: open_push+parse <= 3x floor):",
        push.ciphertext.len()
    );
    println!("  {:<16} {:>10} {:>10}  {:>14}  {:>14}", "", "median", "best", "median x floor", "best x floor");
    let best = |times: &[f64]| times.iter().copied().fold(f64::INFINITY, f64::min);
    for (i, (path, _)) in runners.iter().enumerate() {
        let ratios: Vec<f64> = per_call[i].iter().zip(&per_call[0]).map(|(t, floor)| t / floor).collect();
        println!(
            "  {:<16} {:>7.0} ns {:>7.0} ns  {:>13.2}x  {:>13.2}x",
            path.name(),
            median(per_call[i].clone()),
            best(&per_call[i]),
            median(ratios),
            best(&per_call[i]) / best(&per_call[0]),
        );
    }
    // `Path::ALL` is in declaration order, so a path's discriminant is its row.
    let (full, key_once) = (&per_call[Path::OpenAndParse as usize], &per_call[Path::FloorKeyOnce as usize]);
    let ratios: Vec<f64> = full.iter().zip(key_once).map(|(t, floor)| t / floor).collect();
    println!("  open_push+parse / floor-key-once: {:.2}x (median), {:.2}x (best)", median(ratios), best(full) / best(key_once));
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// The instructions callgrind counts for a child process running `calls` calls of `path`.
fn callgrind_instructions(path: Path, calls: u64) -> u64 {
    let exe = std::env::current_exe().expect("own executable");
    let output = Command::new("valgrind")
        .args(["--tool=callgrind", "--callgrind-out-file=/dev/null"])
        .arg(exe)
        .env(RUN_ENV, format!("{}:{calls}", path.name()))
        .output()
        .expect("valgrind is installed");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "valgrind failed: {stderr}");
    // `==123== Collected : 4567890`
    let collected = stderr.lines().find_map(|line| line.split_once("Collected :")).map(|(_, n)| n.trim()).expect("a Collected line");
    collected.parse().expect("an instruction count")
}

fn callgrind_summary() {
    let costs: Vec<(Path, f64)> = Path::ALL
        .into_iter()
        .map(|path| {
            let delta = callgrind_instructions(path, CALLGRIND_RUNS) - callgrind_instructions(path, 0);
            (path, delta as f64 / CALLGRIND_RUNS as f64)
        })
        .collect();
    println!("ticket push, instructions per call under callgrind (target: open_push+parse <= 3x floor):");
    let floor = costs[0].1;
    for (path, cost) in &costs {
        println!("  {:<16} {:>8.0} instr  {:>5.2}x floor", path.name(), cost, cost / floor);
    }
    println!("  open_push+parse / floor-key-once: {:.2}x", costs[Path::OpenAndParse as usize].1 / costs[Path::FloorKeyOnce as usize].1);
}

/// The child side of `--callgrind`: `calls` calls of one path, nothing else.
fn run_calls(spec: &str, push: &TicketPush) {
    let (name, calls) = spec.split_once(':').expect("<path>:<calls>");
    let mut run = Path::from_name(name).expect("a known path").runner(push);
    for _ in 0..calls.parse::<u64>().expect("a number of calls") {
        run();
    }
}

fn main() {
    let push = ticket_push();
    assert!(open_push(&push).contains("component_verify_ticket"), "the vector decrypts");
    assert_eq!(open_push(&push), push.plaintext, "the vector's plaintext is what the push holds");
    if let Ok(spec) = std::env::var(RUN_ENV) {
        return run_calls(&spec, &push);
    }
    if std::env::args().any(|arg| arg == "--callgrind") {
        return callgrind_summary();
    }
    if std::env::args().any(|arg| arg == "--summary") {
        return timed_summary(&push);
    }
    let mut criterion = Criterion::default().configure_from_args();
    benches(&mut criterion, &push);
    criterion.final_summary();
    timed_summary(&push);
}
