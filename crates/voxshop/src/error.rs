//! Typed errors, one enum per pipeline stage, wrapped by the crate [`Error`].

use std::path::PathBuf;

/// Errors from reading or converting audio.
#[derive(Debug, thiserror::Error)]
pub enum AudioError {
    #[error("{path}: cannot open: {source}")]
    Open {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: not a readable WAV file: {reason}")]
    NotWav { path: PathBuf, reason: String },
    #[error("{path}: unsupported WAV format: {reason}")]
    Unsupported { path: PathBuf, reason: String },
    #[error("{path}: truncated or corrupt WAV data: {reason}")]
    Corrupt { path: PathBuf, reason: String },
    #[error("{path}: WAV file holds no audio samples")]
    Empty { path: PathBuf },
    #[error("unsupported stream format: {0}")]
    BadStream(String),
    #[error("resampler failed: {0}")]
    Resample(String),
}

/// Errors from the speech-to-text stage (model files, inference, conversion).
#[derive(Debug, thiserror::Error)]
pub enum SttError {
    #[error("model file {path} is missing; make it with `{fix}`")]
    MissingModel { path: PathBuf, fix: String },
    #[error(
        "model file {path} is corrupt or not what we expect ({reason}); remake it with `{fix}`"
    )]
    CorruptModel {
        path: PathBuf,
        reason: String,
        fix: String,
    },
    #[error("unknown model {0:?}; known models: tiny.en, base")]
    UnknownModel(String),
    #[error("inference failed: {0}")]
    Inference(#[from] candle_core::Error),
    #[error("tokenizer: {0}")]
    Tokenizer(String),
    #[error("conversion failed: {0}")]
    Convert(String),
    #[error("I/O on {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// The crate error.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Audio(#[from] AudioError),
    #[error(transparent)]
    Stt(#[from] SttError),
    #[error(transparent)]
    Intent(#[from] crate::intent::IntentError),
    #[error(transparent)]
    Catalog(#[from] crate::catalog::CatalogError),
    #[error("configuration: {0}")]
    Config(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
