//! WAV decoding with `hound`, with the checks that turn bad files into clear errors.

use crate::error::AudioError;
use std::path::Path;

pub const MIN_RATE: u32 = 8_000;
pub const MAX_RATE: u32 = 96_000;
const MAX_CHANNELS: u16 = 32;
/// Longest file we accept (4 hours): anything longer is an absurd header or the wrong tool.
const MAX_SECONDS: u64 = 4 * 3600;
/// Most samples (all channels) decoded at once: 1 GiB of f32.
const MAX_SAMPLES: u64 = 1 << 28;

/// Decoded, still interleaved audio at its native rate.
#[derive(Debug, Clone)]
pub struct RawAudio {
    pub samples: Vec<f32>,
    pub rate: u32,
    pub channels: u16,
}

/// Reads a WAV file (8/16/24/32-bit integer PCM or 32-bit float, 1..=32 channels,
/// 8 kHz..=96 kHz) into interleaved f32 samples in [-1, 1].
pub fn read_wav(path: &Path) -> Result<RawAudio, AudioError> {
    let file = std::fs::File::open(path).map_err(|source| AudioError::Open {
        path: path.to_owned(),
        source,
    })?;
    let file_len = file.metadata().map(|m| m.len()).unwrap_or(u64::MAX);
    let reader =
        hound::WavReader::new(std::io::BufReader::new(file)).map_err(|e| AudioError::NotWav {
            path: path.to_owned(),
            reason: hound_reason(&e),
        })?;
    let spec = reader.spec();
    check_spec(path, &spec)?;
    let declared = reader.len() as u64;
    check_declared_length(path, &spec, declared, file_len)?;
    let samples = decode_samples(path, reader, &spec)?;
    if samples.is_empty() {
        return Err(AudioError::Empty {
            path: path.to_owned(),
        });
    }
    Ok(RawAudio {
        samples,
        rate: spec.sample_rate,
        channels: spec.channels,
    })
}

fn hound_reason(e: &hound::Error) -> String {
    match e {
        hound::Error::IoError(io) if io.kind() == std::io::ErrorKind::UnexpectedEof => {
            "file ends before the WAV header does".into()
        }
        other => other.to_string(),
    }
}

fn check_spec(path: &Path, spec: &hound::WavSpec) -> Result<(), AudioError> {
    let unsupported = |reason: String| AudioError::Unsupported {
        path: path.to_owned(),
        reason,
    };
    if spec.channels == 0 || spec.channels > MAX_CHANNELS {
        return Err(unsupported(format!(
            "{} channels (1 to {MAX_CHANNELS} supported)",
            spec.channels
        )));
    }
    if !(MIN_RATE..=MAX_RATE).contains(&spec.sample_rate) {
        return Err(unsupported(format!(
            "sample rate {} Hz ({MIN_RATE} to {MAX_RATE} Hz supported)",
            spec.sample_rate
        )));
    }
    match (spec.sample_format, spec.bits_per_sample) {
        (hound::SampleFormat::Int, 8 | 16 | 24 | 32) | (hound::SampleFormat::Float, 32) => Ok(()),
        (fmt, bits) => Err(unsupported(format!(
            "{bits}-bit {} samples (8/16/24/32-bit integer or 32-bit float supported)",
            if fmt == hound::SampleFormat::Float {
                "float"
            } else {
                "integer"
            }
        ))),
    }
}

fn check_declared_length(
    path: &Path,
    spec: &hound::WavSpec,
    declared_samples: u64,
    file_len: u64,
) -> Result<(), AudioError> {
    let frames = declared_samples / spec.channels as u64;
    if frames > MAX_SECONDS * spec.sample_rate as u64 {
        return Err(AudioError::Unsupported {
            path: path.to_owned(),
            reason: format!(
                "header declares {} s of audio (at most {MAX_SECONDS} s supported)",
                frames / spec.sample_rate as u64
            ),
        });
    }
    if declared_samples > MAX_SAMPLES {
        return Err(AudioError::Unsupported {
            path: path.to_owned(),
            reason: format!(
                "{declared_samples} samples would need {} MiB in memory (at most {} MiB)",
                (declared_samples * 4) >> 20,
                (MAX_SAMPLES * 4) >> 20
            ),
        });
    }
    let bytes = declared_samples * (spec.bits_per_sample as u64).div_ceil(8);
    if bytes > file_len {
        return Err(AudioError::Corrupt {
            path: path.to_owned(),
            reason: format!(
                "header declares {bytes} bytes of samples but the file has {file_len} bytes"
            ),
        });
    }
    Ok(())
}

fn decode_samples<R: std::io::Read>(
    path: &Path,
    mut reader: hound::WavReader<R>,
    spec: &hound::WavSpec,
) -> Result<Vec<f32>, AudioError> {
    let corrupt = |e: hound::Error| AudioError::Corrupt {
        path: path.to_owned(),
        reason: hound_reason(&e),
    };
    let samples: Result<Vec<f32>, _> = match spec.sample_format {
        hound::SampleFormat::Float => reader.samples::<f32>().collect(),
        hound::SampleFormat::Int => {
            let scale = 1.0 / (1u64 << (spec.bits_per_sample - 1)) as f32;
            reader
                .samples::<i32>()
                .map(|s| s.map(|v| v as f32 * scale))
                .collect()
        }
    };
    let mut samples = samples.map_err(corrupt)?;
    if samples.iter().any(|s| !s.is_finite()) {
        return Err(AudioError::Corrupt {
            path: path.to_owned(),
            reason: "float samples hold NaN or infinity".into(),
        });
    }
    // Float WAVs may exceed full scale; clamp so later stages see [-1, 1].
    for s in &mut samples {
        *s = s.clamp(-1.0, 1.0);
    }
    Ok(samples)
}

/// Averages interleaved channels into one.
pub fn downmix(interleaved: &[f32], channels: u16) -> Vec<f32> {
    match channels {
        0 | 1 => interleaved.to_vec(),
        n => {
            let n = n as usize;
            let inv = 1.0 / n as f32;
            interleaved
                .chunks_exact(n)
                .map(|frame| frame.iter().sum::<f32>() * inv)
                .collect()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn downmix_averages_frames() {
        assert_eq!(downmix(&[1.0, 0.0, 0.5, 0.5], 2), vec![0.5, 0.5]);
        assert_eq!(downmix(&[0.25, -0.25], 1), vec![0.25, -0.25]);
    }
}
