//! Admin API of the code lifecycle: upload drafts, decide audits, script audit outcomes.

use axum::Router;

use crate::Sim;

/// The routes of this area.
pub fn routes() -> Router<Sim> {
    Router::new()
}
