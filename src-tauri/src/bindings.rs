//! The command list, shared by the invoke handler and the generated TypeScript bindings, so the two
//! cannot disagree.
use std::path::Path;

use specta_typescript::Typescript;
use tauri_specta::{collect_commands, collect_events, Builder};

use crate::commands::{apps, campaigns, desk, ext, inbox, merchants, platforms, releases, templates};
use crate::error::AppError;
use crate::forward::FleetChanged;

/// The checked-in bindings file the UI imports.
pub const BINDINGS_TS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../ui/src/bindings.ts");

/// Every command and event, plus the types the UI needs that no signature mentions.
///
/// Serde phases are off: one TypeScript type per Rust type. Integers that are `i64` in Rust (row ids,
/// Unix milliseconds, WeChat's ids) become `number`: all stay far below 2^53, where a JavaScript
/// number is still exact.
pub fn builder() -> Builder<tauri::Wry> {
    Builder::<tauri::Wry>::new()
        .commands(collect_commands![
            crate::commands::app_rows::app_rows,
            desk::about,
            desk::desk_status,
            desk::mark_interactive,
            desk::reset_sandbox,
            desk::audit_log,
            desk::explain_errcode,
            desk::diagnostics,
            desk::save_image,
            platforms::platforms,
            platforms::add_platform,
            platforms::remove_platform,
            platforms::ticket_statuses,
            platforms::request_ticket_push,
            platforms::check_relay,
            platforms::relay_status,
            merchants::authorizers,
            merchants::authorizer,
            merchants::sync_authorizers,
            merchants::sync_authorizer_info,
            merchants::create_authorization_link,
            merchants::link,
            merchants::links,
            merchants::link_qr_svg,
            merchants::fast_register,
            merchants::fast_registrations,
            merchants::search_fast_registration,
            apps::basic_info,
            apps::set_nickname,
            apps::nickname_audit,
            apps::set_avatar,
            apps::set_signature,
            apps::search_hidden,
            apps::set_search_hidden,
            apps::categories,
            apps::all_categories,
            apps::add_categories,
            apps::delete_category,
            apps::domain_quota,
            apps::app_domains,
            apps::set_app_domains,
            apps::apply_app_domains,
            apps::webview_domains,
            apps::set_webview_domains,
            apps::effective_domains,
            apps::privacy_templates,
            apps::save_privacy_template,
            apps::delete_privacy_template,
            apps::apply_privacy_template,
            apps::privacy_setting,
            apps::testers,
            apps::bind_tester,
            apps::unbind_tester,
            apps::payment_config,
            apps::set_payment_config,
            apps::clear_payment_config,
            apps::experience_qr,
            apps::pages,
            apps::wxacode,
            apps::wxacode_unlimited,
            apps::wxa_qrcode,
            templates::sync_templates,
            templates::drafts,
            templates::templates,
            templates::add_draft_to_template,
            templates::delete_template,
            templates::prune_templates,
            templates::template_meta,
            templates::set_template_meta,
            ext::ext_config,
            ext::check_ext_config,
            ext::set_ext_config,
            ext::ext_history,
            ext::ext_diff,
            ext::ext_diff_against_committed,
            releases::versions,
            releases::commit,
            releases::submit_audit,
            releases::undo_audit,
            releases::speedup_audit,
            releases::release,
            releases::gray_release,
            releases::revert,
            releases::revert_targets,
            releases::change_visit_status,
            releases::undo_quota,
            releases::audit_quota,
            campaigns::preflight_campaign,
            campaigns::create_campaign,
            campaigns::start_campaign,
            campaigns::resume_campaign,
            campaigns::pause_campaign,
            campaigns::cancel_campaign,
            campaigns::release_campaign_items,
            campaigns::campaign,
            campaigns::campaigns,
            inbox::inbox,
            inbox::inbox_item,
            inbox::retry_inbox_item,
            inbox::diagnose_push,
        ])
        .events(collect_events![FleetChanged])
        .typ::<AppError>()
        .disable_serde_phases()
        .dangerously_cast_bigints_to_number()
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
