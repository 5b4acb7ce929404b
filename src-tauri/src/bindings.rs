//! The command list, shared by the invoke handler and the generated TypeScript bindings, so the two
//! cannot disagree.
use std::path::Path;

use specta_typescript::Typescript;
use tauri_specta::{collect_commands, Builder};

use crate::{commands, error::AppError};

/// The checked-in bindings file the UI imports.
pub const BINDINGS_TS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../ui/src/bindings.ts");

/// Every command, plus the types the UI needs that no command signature mentions yet.
///
/// Serde phases are off: the types crossing to the UI are output-only, so one TypeScript type per
/// Rust type is exact, where phases would add a `_Deserialize` twin of each.
pub fn builder() -> Builder<tauri::Wry> {
    Builder::<tauri::Wry>::new().commands(collect_commands![commands::about]).typ::<AppError>().disable_serde_phases()
}

/// Writes the TypeScript bindings for [`builder`] to `path`.
pub fn export(path: &Path) -> Result<(), specta_typescript::Error> {
    builder().export(Typescript::default().header(HEADER), path)
}

const HEADER: &str = "// Generated from src-tauri by tauri-specta. Do not edit: run\n\
//   WXFLEET_WRITE_BINDINGS=1 cargo test -p wxfleet-desktop bindings\n\
// and commit the result.";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checked_in_bindings_are_current() {
        if std::env::var_os("WXFLEET_WRITE_BINDINGS").is_some() {
            export(Path::new(BINDINGS_TS)).unwrap();
            return;
        }
        let fresh = std::env::temp_dir().join(format!("wxfleet-bindings-{}.ts", std::process::id()));
        export(&fresh).unwrap();
        let expected = std::fs::read_to_string(&fresh).unwrap();
        let _ = std::fs::remove_file(&fresh);
        let checked_in = std::fs::read_to_string(BINDINGS_TS).unwrap_or_default();
        assert!(
            checked_in == expected,
            "ui/src/bindings.ts is stale (or missing). Regenerate it with\n    \
             WXFLEET_WRITE_BINDINGS=1 cargo test -p wxfleet-desktop bindings\nand commit the result."
        );
    }
}
