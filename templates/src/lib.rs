//! The runtime of the crates `cargo xtask codegen` generates: request values, errors, the
//! decoders and (de)serialisation helpers generated models call, and, with the `client`
//! feature, the HTTP client with its retries, rate limiting, paging and batches.
//!
//! Generated crates depend on this crate and re-export it as their `runtime` module, so it
//! is compiled once however many generated crates a program uses, and all of them share one
//! `Client`. `cargo xtask codegen --out DIR` writes a copy of it to `DIR/runtime/` (or to the
//! directory given by `--runtime`).

mod runtime;

pub use runtime::*;
