//! How WebKitGTK draws the window on Linux.

/// Turns off WebKitGTK's accelerated compositing unless the user chose otherwise. The window is
/// forms and tables: painted without compositing layers it looks the same, while the layers cost
/// ≈ 90 MB more in WebKit's web process (graphics buffers and the GL driver's memory; bench/desktop).
/// Called first, before any thread starts (environment writes are only sound while the process is
/// single-threaded).
pub fn prefer_software_rendering() {
    #[cfg(target_os = "linux")]
    if std::env::var_os("WEBKIT_DISABLE_COMPOSITING_MODE").is_none() {
        std::env::set_var("WEBKIT_DISABLE_COMPOSITING_MODE", "1");
    }
}
