//! The integration tests, one binary so linking is paid once.

mod bad_specs;
mod client;
mod diff;
mod examples;
mod fixtures;
mod live_quirks;
mod models;
mod partial;
mod reference_docs;
mod requests;
mod robustness;
mod round_trip;
mod transport;
mod up_to_date;
mod workers;
