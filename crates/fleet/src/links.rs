//! Authorization links and their QR codes (PC and mobile), tracked until the merchant completes,
//! the link expires, or the consent fails.
