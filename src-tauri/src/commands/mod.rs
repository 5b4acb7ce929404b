//! Every command the UI can call, by area. Each is an adapter of one to three lines: take the
//! arguments, call one core function, return its answer; logic that wants an `if` belongs in the core.
//! The list that registers them (and generates `ui/src/bindings.ts`) is [`crate::bindings::builder`].
pub mod app_rows;
pub mod apps;
pub mod campaigns;
pub mod desk;
pub mod ext;
pub mod inbox;
pub mod merchants;
pub mod platforms;
pub mod releases;
pub mod templates;

/// The app's state, as commands receive it.
pub type DeskState<'a> = tauri::State<'a, std::sync::Arc<crate::desk::Desk>>;
