fn main() {
    // The About page names the `wechat` crate's version. That crate exposes no constant for it, and
    // a dependency's CARGO_PKG_VERSION is not visible here, so read it from the lock file.
    println!("cargo:rerun-if-changed=../Cargo.lock");
    let lock = std::fs::read_to_string("../Cargo.lock").unwrap_or_default();
    let version = locked_version(&lock, "wechat").unwrap_or("unknown");
    println!("cargo:rustc-env=WXFLEET_WECHAT_VERSION={version}");

    tauri_build::build()
}

/// The `version` line that follows `name = "<name>"` in Cargo.lock.
fn locked_version<'a>(lock: &'a str, name: &str) -> Option<&'a str> {
    let wanted = format!("name = \"{name}\"");
    let mut lines = lock.lines();
    lines.by_ref().find(|line| *line == wanted)?;
    lines.next()?.strip_prefix("version = \"")?.strip_suffix('"')
}
