//! `crypto`: opening a pushed `component_verify_ticket` — `msg_signature` check, base64, AES-256-CBC,
//! padding, receive id, event XML — per push, on one thread.
//!
//! * `crypto gen` writes N pushes sealed with [`MsgCrypt::seal_push`] to a JSON-lines file that every
//!   implementation reads (first line: the platform's Token, EncodingAESKey and appid; then one push
//!   a line: query string, body, and the ticket it must yield).
//! * `crypto measure --impl wxfleet|floor` times one implementation over that file and prints one
//!   JSON line (µs per push of each repetition). The peers (`bench/peers/crypto_wechatpy.py`,
//!   `bench/peers/node/crypto.js`) print the same line.
//! * `crypto report` reads those lines and prints the table: median, spread, ratios.
//!
//! `wxfleet` is the inbox's own call path (`fleet::inbox::open`): `PushQuery::parse`,
//! `MsgCrypt::open_push`, `Event::parse`, then the `AppId` inside compared with ours. `floor` is the
//! cryptography alone on pre-decoded bytes — SHA-1 over the signed strings and AES-256-CBC
//! decryption of the ciphertext, with the `aes`, `cbc` and `sha1` crates — no base64, no XML,
//! no checks: what no implementation can go below.

use std::hint::black_box;
use std::io::{BufRead, BufWriter, Write};
use std::path::PathBuf;
use std::time::Instant;

use aes::cipher::block_padding::NoPadding;
use aes::cipher::{BlockModeDecrypt, KeyIvInit};
use base64::engine::{GeneralPurpose, GeneralPurposeConfig};
use base64::{alphabet, Engine};
use clap::{Parser, Subcommand, ValueEnum};
use serde::{Deserialize, Serialize};
use sha1::{Digest, Sha1};
use wechat::crypto::{MsgCrypt, PushQuery};
use wechat::xml::{Addressee, ComponentHeader, ComponentVerifyTicket, Envelope, Event};

/// A platform's credentials: any will do, nothing leaves the process.
const TOKEN: &str = "benchtoken";
const ENCODING_AES_KEY: &str = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
const COMPONENT_APPID: &str = "wx00000000000be0c4";
/// The time every push claims (the signatures cover it; nothing checks its age).
const TIMESTAMP: u64 = 1_795_000_000;

#[derive(Debug, Parser)]
#[command(name = "crypto", about = "Decrypt + verify + parse of pushed tickets, wxfleet beside the floor (and the peers' lines)")]
struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Writes `count` sealed ticket pushes to `out`.
    Gen {
        #[arg(long, default_value_t = 10_000)]
        count: usize,
        #[arg(long)]
        out: PathBuf,
    },
    /// Times one implementation over the pushes in `input`; prints one JSON line.
    Measure {
        #[arg(long, value_enum)]
        r#impl: Impl,
        #[arg(long)]
        input: PathBuf,
        /// Timed passes over all pushes (after one untimed warm-up pass).
        #[arg(long, default_value_t = 5)]
        reps: usize,
    },
    /// Prints the table of the JSON lines in `results` (one per implementation and round).
    Report {
        #[arg(long)]
        results: PathBuf,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Impl {
    Wxfleet,
    Floor,
}

/// The first line of the pushes file.
#[derive(Debug, Serialize, Deserialize)]
struct Platform {
    token: String,
    encoding_aes_key: String,
    appid: String,
}

/// One push of the file.
#[derive(Debug, Serialize, Deserialize)]
struct Push {
    query: String,
    body: String,
    ticket: String,
}

/// What `measure` prints, and the peers too.
#[derive(Debug, Serialize, Deserialize)]
struct Measured {
    #[serde(rename = "impl")]
    name: String,
    pushes: usize,
    /// µs per push, one value per timed pass.
    us_per_op: Vec<f64>,
}

fn main() {
    let result = match Args::parse().command {
        Command::Gen { count, out } => generate(count, &out),
        Command::Measure { r#impl, input, reps } => measure(r#impl, &input, reps),
        Command::Report { results } => report(&results),
    };
    if let Err(e) = result {
        eprintln!("crypto: {e}");
        std::process::exit(1);
    }
}

fn crypt() -> MsgCrypt {
    MsgCrypt::new(TOKEN, ENCODING_AES_KEY, COMPONENT_APPID).expect("a valid EncodingAESKey")
}

/// A ticket as long as WeChat's (`ticket@@@` and about 90 characters), different for every push.
fn ticket(i: usize) -> String {
    let digest = hex::encode(Sha1::digest(i.to_be_bytes()));
    format!("ticket@@@{digest}{}", &digest[..40])
}

fn generate(count: usize, out: &PathBuf) -> Result<(), String> {
    let crypt = crypt();
    let file = std::fs::File::create(out).map_err(|e| format!("cannot create {}: {e}", out.display()))?;
    let mut w = BufWriter::new(file);
    let platform = Platform { token: TOKEN.into(), encoding_aes_key: ENCODING_AES_KEY.into(), appid: COMPONENT_APPID.into() };
    line(&mut w, &platform)?;
    for i in 0..count {
        let event = Event::ComponentVerifyTicket(ComponentVerifyTicket {
            header: ComponentHeader { app_id: COMPONENT_APPID.into(), create_time: TIMESTAMP as i64 },
            component_verify_ticket: ticket(i),
        });
        let mut random = [0xa5u8; 16];
        random[..8].copy_from_slice(&(i as u64).to_be_bytes());
        let nonce = format!("{}", 1_000_000_000 + i);
        let sealed =
            crypt.seal_push(&Addressee::AppId(COMPONENT_APPID.into()), &event.to_xml(), &TIMESTAMP.to_string(), &nonce, None, random);
        line(&mut w, &Push { query: sealed.query_string, body: sealed.body, ticket: ticket(i) })?;
    }
    w.flush().map_err(|e| e.to_string())
}

fn line(w: &mut impl Write, value: &impl Serialize) -> Result<(), String> {
    writeln!(w, "{}", serde_json::to_string(value).map_err(|e| e.to_string())?).map_err(|e| e.to_string())
}

fn read(input: &PathBuf) -> Result<(Platform, Vec<Push>), String> {
    let file = std::fs::File::open(input).map_err(|e| format!("cannot open {}: {e}", input.display()))?;
    let mut lines = std::io::BufReader::new(file).lines();
    let first = lines.next().ok_or("empty pushes file")?.map_err(|e| e.to_string())?;
    let platform: Platform = serde_json::from_str(&first).map_err(|e| e.to_string())?;
    let pushes =
        lines.map(|l| serde_json::from_str(&l.map_err(|e| e.to_string())?).map_err(|e| e.to_string())).collect::<Result<_, String>>()?;
    Ok((platform, pushes))
}

fn measure(which: Impl, input: &PathBuf, reps: usize) -> Result<(), String> {
    let (platform, pushes) = read(input)?;
    let count = pushes.len();
    let mut pass: Box<dyn FnMut() -> Result<(), String>> = match which {
        Impl::Wxfleet => {
            let crypt = MsgCrypt::new(&platform.token, &platform.encoding_aes_key, &platform.appid).map_err(|e| e.to_string())?;
            Box::new(move || pushes.iter().try_for_each(|push| open(&crypt, &platform.appid, push)))
        }
        Impl::Floor => {
            let floor = Floor::new(&platform, &pushes)?;
            Box::new(move || {
                floor.pass();
                Ok(())
            })
        }
    };
    pass()?;
    let mut us_per_op = Vec::with_capacity(reps);
    for _ in 0..reps {
        let t0 = Instant::now();
        pass()?;
        us_per_op.push(t0.elapsed().as_secs_f64() * 1e6 / count as f64);
    }
    let name = match which {
        Impl::Wxfleet => format!("wxfleet {}", env!("CARGO_PKG_VERSION")),
        Impl::Floor => "floor (aes+cbc+sha1 crates)".to_owned(),
    };
    println!("{}", serde_json::to_string(&Measured { name, pushes: count, us_per_op }).map_err(|e| e.to_string())?);
    Ok(())
}

/// What the inbox does with a push (`fleet::inbox::open`), and the ticket compared with the expected one.
fn open(crypt: &MsgCrypt, appid: &str, push: &Push) -> Result<(), String> {
    let xml = crypt.open_push(&PushQuery::parse(&push.query), push.body.as_bytes()).map_err(|e| e.to_string())?;
    match Event::parse(&xml).map_err(|e| e.to_string())? {
        Event::ComponentVerifyTicket(t) if t.header.app_id == appid && t.component_verify_ticket == push.ticket => Ok(()),
        other => Err(format!("push did not open to its ticket: {other:?}")),
    }
}

/// The cryptography of each push on bytes prepared beforehand.
struct Floor {
    key: [u8; 32],
    /// Per push: the strings `msg_signature` covers, sorted and concatenated; the ciphertext.
    pushes: Vec<(Vec<u8>, Vec<u8>)>,
}

impl Floor {
    fn new(platform: &Platform, pushes: &[Push]) -> Result<Floor, String> {
        // 43 characters and `=`; the last character's low bits are not part of the key.
        let engine = GeneralPurpose::new(&alphabet::STANDARD, GeneralPurposeConfig::new().with_decode_allow_trailing_bits(true));
        let key: [u8; 32] = engine
            .decode(format!("{}=", platform.encoding_aes_key))
            .map_err(|e| e.to_string())?
            .try_into()
            .map_err(|_| "the key is not 32 bytes")?;
        let prepared = pushes
            .iter()
            .map(|push| {
                let envelope = Envelope::parse(push.body.as_bytes()).map_err(|e| e.to_string())?;
                let query = PushQuery::parse(&push.query);
                let mut parts = [
                    platform.token.as_str(),
                    query.timestamp.as_deref().unwrap_or(""),
                    query.nonce.as_deref().unwrap_or(""),
                    &envelope.encrypt,
                ];
                parts.sort_unstable();
                let ciphertext = base64::engine::general_purpose::STANDARD.decode(&envelope.encrypt).map_err(|e| e.to_string())?;
                Ok((parts.concat().into_bytes(), ciphertext))
            })
            .collect::<Result<Vec<_>, String>>()?;
        let floor = Floor { key, pushes: prepared };
        // Not a no-op: the first push decrypts to its ticket.
        let mut buf = floor.pushes[0].1.clone();
        let plain = floor.decrypt(&mut buf);
        if !String::from_utf8_lossy(plain).contains(&pushes[0].ticket) {
            return Err("the floor's decryption does not yield the ticket".into());
        }
        Ok(floor)
    }

    fn decrypt<'a>(&self, buf: &'a mut [u8]) -> &'a [u8] {
        let iv: [u8; 16] = self.key[..16].try_into().expect("16 of 32 bytes");
        cbc::Decryptor::<aes::Aes256>::new(&self.key.into(), &iv.into()).decrypt_padded::<NoPadding>(buf).expect("whole blocks")
    }

    fn pass(&self) {
        let mut buf = Vec::new();
        for (signed, ciphertext) in &self.pushes {
            black_box(Sha1::digest(black_box(signed)));
            buf.clear();
            buf.extend_from_slice(ciphertext);
            black_box(self.decrypt(black_box(&mut buf)));
        }
    }
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    }
}

/// One implementation over all its rounds: the median of each round's repetitions.
struct Row {
    name: String,
    pushes: usize,
    round_medians: Vec<f64>,
}

impl Row {
    fn us(&self) -> f64 {
        median(&mut self.round_medians.clone())
    }
}

fn report(results: &PathBuf) -> Result<(), String> {
    let text = std::fs::read_to_string(results).map_err(|e| format!("cannot read {}: {e}", results.display()))?;
    let mut rows: Vec<Row> = Vec::new();
    for line in text.lines().filter(|l| l.trim_start().starts_with('{')) {
        let mut m: Measured = serde_json::from_str(line).map_err(|e| format!("{e}: {line}"))?;
        let round = median(&mut m.us_per_op);
        match rows.iter_mut().find(|r| r.name == m.name) {
            Some(row) => row.round_medians.push(round),
            None => rows.push(Row { name: m.name, pushes: m.pushes, round_medians: vec![round] }),
        }
    }
    let wxfleet = rows.iter().find(|r| r.name.starts_with("wxfleet")).map(Row::us).ok_or("no wxfleet line")?;
    let floor = rows.iter().find(|r| r.name.starts_with("floor")).map(Row::us).ok_or("no floor line")?;
    println!("| implementation | pushes × rounds | µs/op (median) | spread of round medians | ops/s | × wxfleet's time | × floor's time |");
    println!("|---|---|---|---|---|---|---|");
    for row in &rows {
        let us = row.us();
        let (lo, hi) = row.round_medians.iter().fold((f64::MAX, f64::MIN), |(lo, hi), &v| (lo.min(v), hi.max(v)));
        println!(
            "| {} | {} × {} | {:.2} | {:.2}–{:.2} | {:.0} | {:.2} | {:.1} |",
            row.name,
            row.pushes,
            row.round_medians.len(),
            us,
            lo,
            hi,
            1e6 / us,
            us / wxfleet,
            us / floor
        );
    }
    Ok(())
}
