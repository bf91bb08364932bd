//! voxshop: on-device speech intent recognition for voice shopping.
//!
//! Data flows one way: [`audio`] (decode, downmix, resample) -> [`stt`] (quantised Whisper)
//! -> [`pipeline`] (composition, typed results). The CLI in [`cli`] is a thin edge over it.
//!
//! A program linking the library should call [`stt::fix_thread_count`] once at start-up,
//! before other threads and before [`Recognizer::load`], as the CLI does: without it every
//! matrix multiply re-reads /proc/cpuinfo and candle's two thread pools compete for the cores.

pub mod audio;
pub mod catalog;
pub mod cli;
pub mod error;
pub mod intent;
pub mod pipeline;
pub mod stt;
pub mod vad;

pub use error::{Error, Result};
pub use pipeline::{Recognizer, RecognizerConfig, Timings, Utterance};
pub use stt::{Lang, ModelKind};
