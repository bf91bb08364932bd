//! Intent recognition: a small trained classifier + slot tagger over transcripts, with
//! deterministic normal forms for slot values (DOMAIN.md).

pub mod eval;
pub mod features;
pub mod lang;
pub mod model;
pub mod net;
pub mod normalize;
pub mod schema;
pub mod text;
pub mod train;

pub use model::{IntentError, IntentModel};
pub use schema::{Intent, IntentResult, SlotKind, Slots};

use std::path::PathBuf;

/// `$VOXSHOP_INTENT_MODEL`, else `models/intent` in the current directory.
pub fn default_model_dir() -> PathBuf {
    std::env::var_os("VOXSHOP_INTENT_MODEL")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("models/intent"))
}
