//! The app binary embeds the UI that `ui/dist` holds now.
//!
//! This test is also why `cargo test` builds `target/debug/wxfleet-desktop` (Cargo builds a
//! package's binaries for its integration tests), so the end-to-end suite drives a binary built
//! with the same features as the tests, without a second, differently-featured `cargo build`.

use std::path::PathBuf;

#[test]
fn the_app_binary_embeds_the_current_ui_build() {
    let dist = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../ui/dist");
    let index = std::fs::read_to_string(dist.join("index.html")).expect("ui/dist is built before cargo (scripts/lib.sh build_ui)");
    // Vite names assets by content hash: the script the page loads identifies this build.
    let script = index
        .split('"')
        .find(|part| part.starts_with("/assets/") && part.ends_with(".js"))
        .or_else(|| index.split('"').find(|part| part.contains("assets/") && part.ends_with(".js")))
        .expect("index.html loads a hashed script");
    let asset_name = script.rsplit('/').next().unwrap();
    let binary = std::fs::read(env!("CARGO_BIN_EXE_wxfleet-desktop")).expect("the app binary exists");
    let found = binary.windows(asset_name.len()).any(|w| w == asset_name.as_bytes());
    assert!(found, "the app binary does not embed {asset_name}: it was built from an older ui/dist");
}
