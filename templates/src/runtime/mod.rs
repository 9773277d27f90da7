//! Support code shared by all generated API modules.
//!
//! Generated models call into this module instead of repeating the same logic in every type.

pub mod de;
mod object_id;

pub use object_id::ObjectId;
