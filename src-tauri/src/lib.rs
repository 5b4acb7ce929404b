//! The wxfleet desktop shell: wires the window to the core. Commands live in [`commands`] and stay
//! thin; the TypeScript the UI calls them through is generated from [`bindings::builder`].
#![warn(missing_docs)]

pub mod about;
pub mod bindings;
pub mod commands;
pub mod error;

pub use error::{AppError, ErrorCode};

/// Opens the main window and runs until it is closed.
pub fn run() {
    let commands = bindings::builder();
    tauri::Builder::default()
        .invoke_handler(commands.invoke_handler())
        .run(tauri::generate_context!())
        .expect("the Tauri runtime failed to start");
}
