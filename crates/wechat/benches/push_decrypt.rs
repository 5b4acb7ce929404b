//! (to be written: decrypt + verify + parse of a ticket push vs raw AES-256-CBC + SHA-1)
fn main() {}
