//! Audio in: WAV decoding, downmix to mono and band-limited resampling to 16 kHz.

mod decode;
#[cfg(feature = "mic")]
pub mod mic;
mod resample;

pub use decode::{downmix, read_wav, RawAudio, WavStream, MAX_RATE, MIN_RATE};
pub use resample::{resample_to_16k, StreamResampler};

/// Sample rate of everything past the audio stage.
pub const TARGET_RATE: u32 = 16_000;

/// Mono 16 kHz audio, samples in [-1, 1].
#[derive(Debug, Clone, Default)]
pub struct Pcm16k {
    pub samples: Vec<f32>,
}

/// Reads a WAV file of any supported format and returns it as mono 16 kHz.
pub fn load_wav_16k(path: &std::path::Path) -> Result<Pcm16k, crate::error::AudioError> {
    let raw = read_wav(path)?;
    let mono = downmix(&raw.samples, raw.channels);
    let samples = resample_to_16k(&mono, raw.rate)?;
    Ok(Pcm16k { samples })
}
