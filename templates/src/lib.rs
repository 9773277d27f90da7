//! The runtime that every generated crate carries.
//!
//! `cargo xtask codegen` copies `src/runtime/` verbatim (plus a header) into the generated
//! crate, so the generated crate stands alone. This crate exists so the runtime is compiled,
//! linted and tested as ordinary Rust.

pub mod runtime;
