//! Support for the integration tests in `it/`: where things are, JSON made from schemas, and
//! comparison of JSON by what the schema says it means.

/// The README's examples run as doctests of this crate, so they cannot go stale.
#[doc = include_str!("../../README.md")]
mod readme {}

pub mod fake_hubspot;
pub mod sample;
pub mod semantic;

use std::path::PathBuf;

/// The repository root.
pub fn workspace_root() -> PathBuf {
    xtask::codegen::workspace_root()
}

/// The model of the checked-in specs, as `cargo xtask codegen` lowers them.
pub fn checked_in_api() -> xtask::ir::Api {
    let job = xtask::codegen::default_job(&workspace_root()).expect("spec/ documents are listed");
    let docs = xtask::codegen::load_all(&job).expect("spec/ documents load");
    xtask::lower::lower(&docs).expect("spec/ documents lower").0
}
