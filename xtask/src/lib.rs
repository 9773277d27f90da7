//! The generator behind `cargo xtask codegen`, as a library so tests can drive each stage.
//!
//! Data flows one way: [`load`] -> [`lower`] -> [`ir`] -> [`emit`] -> [`write`];
//! [`codegen`] runs them in order. See ARCHITECTURE.md for the map.

pub mod codegen;
pub mod crate_version;
pub mod diff;
pub mod emit;
pub mod error;
pub mod files;
pub mod ir;
pub mod load;
pub mod lower;
pub mod naming;
pub mod runtime;
pub mod update_spec;
pub mod write;
