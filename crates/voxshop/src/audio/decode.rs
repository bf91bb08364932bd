//! WAV decoding, whole or streamed, with the checks that turn bad files into clear errors.

use crate::error::AudioError;
use std::io::Read;
use std::path::{Path, PathBuf};

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

/// Reads a whole WAV file (8/16/24/32-bit integer PCM or 32-bit float, 1..=32 channels,
/// 8 kHz..=96 kHz) into interleaved f32 samples in [-1, 1]. For long files and pipes, read
/// a [`WavStream`] chunk by chunk instead.
pub fn read_wav(path: &Path) -> Result<RawAudio, AudioError> {
    let mut stream = WavStream::open(path)?;
    let mut samples = Vec::new();
    loop {
        let chunk = stream.read_frames(stream.rate as usize)?;
        if chunk.is_empty() {
            break;
        }
        if (samples.len() + chunk.len()) as u64 > MAX_SAMPLES {
            return Err(AudioError::Unsupported {
                path: path.to_owned(),
                reason: format!(
                    "more than {} MiB of samples to hold at once; stream it instead",
                    (MAX_SAMPLES * 4) >> 20
                ),
            });
        }
        samples.extend(chunk);
    }
    if samples.is_empty() {
        return Err(AudioError::Empty {
            path: path.to_owned(),
        });
    }
    Ok(RawAudio {
        samples,
        rate: stream.rate,
        channels: stream.channels,
    })
}

/// How samples are stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Encoding {
    /// Signed little-endian integers of this many bytes (8-bit WAV is unsigned).
    Int(usize),
    Float32,
}

/// The data sizes a writer puts in a header when it does not know the length yet: `arecord`
/// piped or stopped, streaming encoders. The audio runs to the end of the stream.
const STREAMING_SIZES: [u32; 4] = [0, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF];
/// A chunk before the audio (metadata, padding) larger than this is not a WAV file.
const MAX_HEADER_CHUNK: u64 = 16 << 20;

/// A WAV stream read chunk by chunk from a file, a pipe or standard input: memory stays
/// bounded by the chunk whatever the length, and a header whose sizes are streaming
/// placeholders is read to the end of the stream.
///
/// Hand-written rather than `hound`: hound refuses (or reads nothing of) a WAV whose header
/// carries a streaming size, which is what `arecord` writes to a pipe.
pub struct WavStream {
    reader: Box<dyn Read + Send>,
    name: PathBuf,
    pub rate: u32,
    pub channels: u16,
    encoding: Encoding,
    /// Bytes of audio left when the header knows them; `None`: until the stream ends.
    remaining: Option<u64>,
    frames_read: u64,
    buf: Vec<u8>,
}

impl WavStream {
    /// Opens a WAV file (or a FIFO: it is read as a stream).
    pub fn open(path: &Path) -> Result<Self, AudioError> {
        let file = std::fs::File::open(path).map_err(|source| AudioError::Open {
            path: path.to_owned(),
            source,
        })?;
        let meta = file.metadata().ok();
        let file_len = meta.filter(|m| m.is_file()).map(|m| m.len());
        Self::from_reader(std::io::BufReader::new(file), path, file_len)
    }

    /// Reads the header from `reader`, named `name` in errors; `file_len` (a regular file's
    /// size) lets a header that claims more audio than there is be refused up front.
    pub fn from_reader(
        reader: impl Read + Send + 'static,
        name: impl Into<PathBuf>,
        file_len: Option<u64>,
    ) -> Result<Self, AudioError> {
        let mut s = Self {
            reader: Box::new(reader),
            name: name.into(),
            rate: 0,
            channels: 0,
            encoding: Encoding::Float32,
            remaining: None,
            frames_read: 0,
            buf: Vec::new(),
        };
        s.read_header(file_len)?;
        Ok(s)
    }

    fn not_wav(&self, reason: impl Into<String>) -> AudioError {
        AudioError::NotWav {
            path: self.name.clone(),
            reason: reason.into(),
        }
    }

    fn unsupported(&self, reason: String) -> AudioError {
        AudioError::Unsupported {
            path: self.name.clone(),
            reason,
        }
    }

    /// Fills `out` or fails with "the header is cut short".
    fn read_header_bytes(&mut self, out: &mut [u8]) -> Result<(), AudioError> {
        self.reader.read_exact(out).map_err(|e| {
            if e.kind() == std::io::ErrorKind::UnexpectedEof {
                self.not_wav("file ends before the WAV header does")
            } else {
                self.not_wav(e.to_string())
            }
        })
    }

    fn read_header(&mut self, file_len: Option<u64>) -> Result<(), AudioError> {
        let mut riff = [0u8; 12];
        self.read_header_bytes(&mut riff)?;
        if &riff[0..4] != b"RIFF" || &riff[8..12] != b"WAVE" {
            return Err(self.not_wav("no RIFF/WAVE header"));
        }
        let mut at = 12u64;
        let mut format: Option<(Encoding, u16, u32)> = None;
        loop {
            let mut head = [0u8; 8];
            self.read_header_bytes(&mut head)?;
            at += 8;
            let size = u32::from_le_bytes([head[4], head[5], head[6], head[7]]);
            match &head[0..4] {
                b"fmt " => {
                    if !(16..=1024).contains(&size) {
                        return Err(self.not_wav(format!("fmt chunk of {size} bytes")));
                    }
                    let mut fmt = vec![0u8; size as usize + (size as usize & 1)];
                    self.read_header_bytes(&mut fmt)?;
                    at += fmt.len() as u64;
                    format = Some(self.parse_fmt(&fmt)?);
                }
                b"data" => {
                    let Some((encoding, channels, rate)) = format else {
                        return Err(self.not_wav("audio before its format (no fmt chunk)"));
                    };
                    (self.encoding, self.channels, self.rate) = (encoding, channels, rate);
                    if !STREAMING_SIZES.contains(&size) {
                        self.check_declared(size.into(), file_len.map(|l| l.saturating_sub(at)))?;
                        self.remaining = Some(size.into());
                    }
                    return Ok(());
                }
                other => {
                    let skip = u64::from(size) + u64::from(size & 1);
                    if skip > MAX_HEADER_CHUNK {
                        return Err(self.not_wav(format!(
                            "a {:?} chunk of {size} bytes before the audio",
                            String::from_utf8_lossy(other)
                        )));
                    }
                    let skipped =
                        std::io::copy(&mut (&mut self.reader).take(skip), &mut std::io::sink())
                            .map_err(|e| self.not_wav(e.to_string()))?;
                    if skipped < skip {
                        return Err(self.not_wav("file ends before the WAV header does"));
                    }
                    at += skip;
                }
            }
        }
    }

    /// (encoding, channels, rate) of a fmt chunk, checked.
    fn parse_fmt(&self, fmt: &[u8]) -> Result<(Encoding, u16, u32), AudioError> {
        let u16_at = |i: usize| u16::from_le_bytes([fmt[i], fmt[i + 1]]);
        let mut tag = u16_at(0);
        let channels = u16_at(2);
        let rate = u32::from_le_bytes([fmt[4], fmt[5], fmt[6], fmt[7]]);
        let bits = u16_at(14);
        // WAVE_FORMAT_EXTENSIBLE: the real format is the first two bytes of the sub-format.
        if tag == 0xFFFE && fmt.len() >= 26 {
            tag = u16_at(24);
        }
        if channels == 0 || channels > MAX_CHANNELS {
            return Err(self.unsupported(format!(
                "{channels} channels (1 to {MAX_CHANNELS} supported)"
            )));
        }
        if !(MIN_RATE..=MAX_RATE).contains(&rate) {
            return Err(self.unsupported(format!(
                "sample rate {rate} Hz ({MIN_RATE} to {MAX_RATE} Hz supported)"
            )));
        }
        let encoding = match (tag, bits) {
            (1, 8 | 16 | 24 | 32) => Encoding::Int(bits as usize / 8),
            (3, 32) => Encoding::Float32,
            (1 | 3, _) => {
                return Err(self.unsupported(format!(
                    "{bits}-bit {} samples (8/16/24/32-bit integer or 32-bit float supported)",
                    if tag == 3 { "float" } else { "integer" }
                )))
            }
            _ => {
                return Err(self.unsupported(format!(
                    "format tag {tag:#x} (PCM integer or IEEE float supported)"
                )))
            }
        };
        Ok((encoding, channels, rate))
    }

    fn bytes_per_sample(&self) -> usize {
        match self.encoding {
            Encoding::Int(b) => b,
            Encoding::Float32 => 4,
        }
    }

    /// A known length: at most 4 hours, and not more than the file holds.
    fn check_declared(&self, bytes: u64, file_left: Option<u64>) -> Result<(), AudioError> {
        let frame = (self.bytes_per_sample() * self.channels as usize) as u64;
        let frames = bytes / frame;
        if frames > MAX_SECONDS * u64::from(self.rate) {
            return Err(self.unsupported(format!(
                "header declares {} s of audio (at most {MAX_SECONDS} s supported)",
                frames / u64::from(self.rate)
            )));
        }
        if let Some(left) = file_left.filter(|&left| bytes > left) {
            return Err(AudioError::Corrupt {
                path: self.name.clone(),
                reason: format!(
                    "header declares {bytes} bytes of samples but the file has {left} after its header"
                ),
            });
        }
        Ok(())
    }

    /// Up to `max_frames` frames as interleaved f32 in [-1, 1]; empty at the end of the
    /// audio. A frame cut by the end of a stream is dropped.
    pub fn read_frames(&mut self, max_frames: usize) -> Result<Vec<f32>, AudioError> {
        let frame = self.bytes_per_sample() * self.channels as usize;
        let mut want = (max_frames.max(1) * frame) as u64;
        if let Some(left) = self.remaining {
            want = want.min(left);
        }
        self.buf.clear();
        (&mut self.reader)
            .take(want)
            .read_to_end(&mut self.buf)
            .map_err(|e| AudioError::Corrupt {
                path: self.name.clone(),
                reason: e.to_string(),
            })?;
        let got = self.buf.len() - self.buf.len() % frame;
        if let Some(left) = self.remaining.as_mut() {
            *left -= self.buf.len() as u64;
        }
        self.frames_read += (got / frame) as u64;
        if self.frames_read > MAX_SECONDS * u64::from(self.rate) {
            return Err(self.unsupported(format!("longer than {MAX_SECONDS} s of audio")));
        }
        let samples = decode(&self.buf[..got], self.encoding);
        if samples.iter().any(|s| !s.is_finite()) {
            return Err(AudioError::Corrupt {
                path: self.name.clone(),
                reason: "float samples hold NaN or infinity".into(),
            });
        }
        Ok(samples)
    }
}

/// Little-endian samples to f32 in [-1, 1] (float WAVs may exceed full scale: clamped).
fn decode(bytes: &[u8], encoding: Encoding) -> Vec<f32> {
    match encoding {
        Encoding::Float32 => bytes
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .map(|x| if x.is_finite() { x.clamp(-1.0, 1.0) } else { x })
            .collect(),
        Encoding::Int(1) => bytes.iter().map(|&b| (b as f32 - 128.0) / 128.0).collect(),
        Encoding::Int(n) => {
            let scale = 1.0 / (1u64 << (8 * n - 1)) as f32;
            bytes
                .chunks_exact(n)
                .map(|b| {
                    // Sign-extend from the top byte.
                    let mut v = (b[n - 1] as i8) as i32;
                    for &byte in b[..n - 1].iter().rev() {
                        v = (v << 8) | byte as i32;
                    }
                    v as f32 * scale
                })
                .collect()
        }
    }
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
