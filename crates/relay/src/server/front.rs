//! The service in front of the router: WeChat's POSTs to the push URLs go straight to the ingest,
//! everything else through the [`Router`].
//!
//! The ingest is the hot path (every push, under load thousands a second); the router's matching,
//! its URL-parameter map, its extractors and the boxing around each route cost about as much as
//! the rest of the request's handling in the relay's own code, for a path that is two fixed shapes.
//! The router still has the push routes, so other methods on them are answered 405 as before.

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use axum::body::Body;
use axum::http::{Method, Request};
use axum::response::Response;
use axum::Router;
use hyper::body::Incoming;
use tower_service::Service;

use super::ingest::{self, PushTarget};
use super::RelayState;
use crate::store::EventStore;

/// WeChat's pushes to the ingest, the rest to `routes`.
pub(super) struct Front<S> {
    state: RelayState<S>,
    routes: Router,
}

impl<S> Clone for Front<S> {
    fn clone(&self) -> Self {
        Front { state: self.state.clone(), routes: self.routes.clone() }
    }
}

impl<S: EventStore> Front<S> {
    /// In front of `routes` (the relay's router on the same `state`).
    pub(super) fn new(state: RelayState<S>, routes: Router) -> Front<S> {
        Front { state, routes }
    }
}

impl<S, B> Service<Request<B>> for Front<S>
where
    S: EventStore,
    B: http_body::Body<Data = bytes::Bytes> + Send + 'static,
    B::Error: Into<axum::BoxError>,
{
    type Response = Response;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Response, Infallible>> + Send>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request<B>) -> Self::Future {
        self.route(request)
    }
}

/// What [`super::plain`] serves: hyper calls it by reference, with no clone of the service and no
/// readiness dance per request.
impl<S: EventStore> hyper::service::Service<Request<Incoming>> for Front<S> {
    type Response = Response;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Response, Infallible>> + Send>>;

    fn call(&self, request: Request<Incoming>) -> Self::Future {
        self.route(request)
    }
}

impl<S: EventStore> Front<S> {
    fn route<B>(&self, request: Request<B>) -> Pin<Box<dyn Future<Output = Result<Response, Infallible>> + Send>>
    where
        B: http_body::Body<Data = bytes::Bytes> + Send + 'static,
        B::Error: Into<axum::BoxError>,
    {
        if request.method() == Method::POST {
            if let Some(target) = PushTarget::parse(request.uri().path()) {
                let state = self.state.clone();
                // The body as hyper gives it: no box around it for the ingest.
                return Box::pin(async move { Ok(ingest::push(&state, target, request).await) });
            }
        }
        let mut routes = self.routes.clone();
        let request = request.map(Body::new);
        Box::pin(async move { routes.call(request).await })
    }
}
