//! Pre-auth codes and authorization codes: the tokens of the consent flow (reference §3.2–§3.4).

use serde::{Deserialize, Serialize};

/// Codes in flight between the platform, the consent page and `api_query_auth`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Consent {}
