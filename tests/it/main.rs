//! The integration tests, one binary so linking is paid once.

mod as_dependency;
mod auth;
mod bad_specs;
mod bodies;
mod client;
mod diff;
mod examples;
mod fixtures;
mod http_client;
mod limits;
mod live_quirks;
mod logs;
mod many_apis;
mod models;
mod names;
mod oauth;
mod partial;
mod published;
mod reference_docs;
mod requests;
mod robustness;
mod round_trip;
mod transport;
mod up_to_date;
mod webhooks;
mod workers;
