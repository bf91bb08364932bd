//! voxshop: on-device speech intent recognition for voice shopping.
//!
//! Data flows one way: [`audio`] (decode, downmix, resample) -> [`stt`] (quantised Whisper)
//! -> [`pipeline`] (composition, typed results). The command-line tool (package `voxshop-cli`) and
//! the C ABI (`voxshop-ffi`, `libvoxshop.so`) are thin edges over it.
//!
//! A program linking the library should set the environment [`stt::thread_env`] returns once
//! at start-up, before other threads and before [`Recognizer::load`], as the command-line tool
//! does: candle reads only the environment, and without it every matrix multiply re-reads
//! /proc/cpuinfo. The library itself never sets process-wide variables.

pub mod audio;
pub mod catalog;
mod compute;
pub mod error;
pub mod intent;
pub mod pipeline;
pub mod stt;
pub mod vad;

pub use error::{Error, Result};
pub use pipeline::{Recognizer, RecognizerConfig, Timings, Utterance};
pub use stt::{Lang, ModelKind};
