//! (to be written)

use axum::Router;

use crate::Sim;

/// The routes of this area.
pub fn routes() -> Router<Sim> {
    Router::new()
}
