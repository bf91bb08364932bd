//! Intent recognition: a small trained classifier + slot tagger over transcripts, with
//! deterministic normal forms for slot values (DOMAIN.md).

pub(crate) mod domain;
pub mod encoder;
pub mod eval;
pub mod features;
pub(crate) mod lang;
pub mod model;
pub(crate) mod net;
pub(crate) mod normalize;
pub(crate) mod schema;
pub(crate) mod text;
pub mod train;
pub(crate) mod vectors;

pub use model::{says_again, IntentError, IntentModel};
pub use schema::{Intent, IntentResult, SlotKind, SlotValue, Slots};

use std::path::{Path, PathBuf};

/// Where the intent model lives: `explicit` if given, else `$VOXSHOP_INTENT_MODEL`, else
/// `<models_dir>/intent`.
pub fn model_dir(explicit: Option<&Path>, models_dir: &Path) -> PathBuf {
    explicit
        .map(Path::to_path_buf)
        .or_else(|| std::env::var_os("VOXSHOP_INTENT_MODEL").map(PathBuf::from))
        .unwrap_or_else(|| models_dir.join("intent"))
}
