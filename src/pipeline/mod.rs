//! Composition of the stages: the [`Recognizer`] holds the loaded models (load once, share
//! with `Arc`), and turns audio into [`Utterance`] values shaped like DOMAIN.md's JSON.

use crate::audio::{self, Pcm16k, TARGET_RATE};
use crate::error::Result;
use crate::stt::{DecodeOptions, EncoderWindow, Lang, ModelKind, Stt};
use candle_core::Device;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Everything needed to build a [`Recognizer`].
#[derive(Debug, Clone)]
pub struct RecognizerConfig {
    pub model: ModelKind,
    pub models_dir: PathBuf,
    pub window: EncoderWindow,
    pub decode: DecodeOptions,
}

impl Default for RecognizerConfig {
    fn default() -> Self {
        Self {
            model: ModelKind::TinyEn,
            models_dir: default_models_dir(),
            window: EncoderWindow::default(),
            decode: DecodeOptions::default(),
        }
    }
}

/// `$VOXSHOP_MODELS`, else `models/` in the current directory.
pub fn default_models_dir() -> PathBuf {
    std::env::var_os("VOXSHOP_MODELS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("models"))
}

/// Per-stage wall-clock times in milliseconds (DOMAIN.md `timings_ms`).
#[derive(Debug, Clone, Copy, Default, serde::Serialize)]
pub struct Timings {
    pub decode_audio: f64,
    pub stt: f64,
    pub total: f64,
}

/// One recognised utterance.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Utterance {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    pub start_ms: u64,
    pub end_ms: u64,
    pub lang: Lang,
    pub transcript: String,
    pub timings_ms: Timings,
}

/// Loaded models, immutable, shareable between sessions and threads.
pub struct Recognizer {
    stt: Stt,
}

fn ms(samples: usize) -> u64 {
    samples as u64 * 1000 / TARGET_RATE as u64
}

impl Recognizer {
    pub fn load(config: &RecognizerConfig) -> Result<Self> {
        let mut stt = Stt::load(config.model, &config.models_dir, &Device::Cpu)?;
        stt.window = config.window;
        stt.options = config.decode.clone();
        Ok(Self { stt })
    }

    pub fn stt(&self) -> &Stt {
        &self.stt
    }

    /// Recognises the utterances in 16 kHz mono audio; windows without speech yield nothing.
    pub fn recognize(&self, pcm: &Pcm16k) -> Result<Vec<Utterance>> {
        let windows = self.stt.transcribe(&pcm.samples)?;
        Ok(windows
            .into_iter()
            .filter(|w| !w.transcript.text.is_empty())
            .map(|w| {
                let stt = w.timings.mel + w.timings.encode + w.timings.decode;
                Utterance {
                    source: None,
                    start_ms: ms(w.start_sample),
                    end_ms: ms(w.end_sample),
                    lang: w.transcript.lang,
                    transcript: w.transcript.text,
                    timings_ms: Timings {
                        decode_audio: 0.0,
                        stt,
                        total: stt,
                    },
                }
            })
            .collect())
    }

    /// Reads a WAV file of any supported format and recognises its utterances.
    pub fn recognize_file(&self, path: &Path) -> Result<Vec<Utterance>> {
        let t0 = Instant::now();
        let pcm = audio::load_wav_16k(path)?;
        let decode_audio = t0.elapsed().as_secs_f64() * 1e3;
        let mut utterances = self.recognize(&pcm)?;
        for u in &mut utterances {
            u.source = Some(path.display().to_string());
            u.timings_ms.decode_audio = decode_audio;
            u.timings_ms.total += decode_audio;
        }
        Ok(utterances)
    }
}
