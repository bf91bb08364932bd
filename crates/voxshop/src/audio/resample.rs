//! Band-limited resampling to 16 kHz with `rubato`'s FFT resampler, usable on a whole
//! signal or statefully on a stream of arbitrary chunks.

use super::TARGET_RATE;
use crate::error::AudioError;
use rubato::{FftFixedIn, Resampler};

/// Input frames per resampler call: 10 ms at 48 kHz is small enough for streaming latency.
const CHUNK_FRAMES: usize = 480;

/// Stateful mono resampler: push chunks of any size, get 16 kHz samples out, no clicks at
/// chunk edges. The filter delay is removed so output sample `n` lines up with input time.
pub struct StreamResampler {
    inner: Option<FftFixedIn<f32>>,
    pending: Vec<f32>,
    /// Output samples still to drop to compensate the filter delay.
    skip: usize,
    in_rate: u32,
    consumed_in: u64,
    produced_out: u64,
    out_buf: Vec<Vec<f32>>,
}

impl StreamResampler {
    pub fn new(in_rate: u32) -> Result<Self, AudioError> {
        if in_rate == 0 {
            return Err(AudioError::BadStream("sample rate 0".into()));
        }
        let inner = if in_rate == TARGET_RATE {
            None
        } else {
            let r =
                FftFixedIn::<f32>::new(in_rate as usize, TARGET_RATE as usize, CHUNK_FRAMES, 2, 1)
                    .map_err(|e| AudioError::Resample(e.to_string()))?;
            Some(r)
        };
        let skip = inner.as_ref().map_or(0, |r| r.output_delay());
        let out_buf = inner
            .as_ref()
            .map_or_else(Vec::new, |r| r.output_buffer_allocate(true));
        Ok(Self {
            inner,
            pending: Vec::new(),
            skip,
            in_rate,
            consumed_in: 0,
            produced_out: 0,
            out_buf,
        })
    }

    /// Resamples `input` (mono, at the input rate), appending 16 kHz samples to `out`.
    pub fn push(&mut self, input: &[f32], out: &mut Vec<f32>) -> Result<(), AudioError> {
        self.consumed_in += input.len() as u64;
        let Some(r) = self.inner.as_mut() else {
            out.extend_from_slice(input);
            self.produced_out += input.len() as u64;
            return Ok(());
        };
        self.pending.extend_from_slice(input);
        let mut start = 0;
        while self.pending.len() - start >= r.input_frames_next() {
            let need = r.input_frames_next();
            let (used, made) = r
                .process_into_buffer(
                    &[&self.pending[start..start + need]],
                    &mut self.out_buf,
                    None,
                )
                .map_err(|e| AudioError::Resample(e.to_string()))?;
            start += used;
            Self::emit(
                &self.out_buf[0][..made],
                &mut self.skip,
                out,
                &mut self.produced_out,
            );
        }
        self.pending.drain(..start);
        Ok(())
    }

    /// Drains the filter at end of stream, so the output has exactly the duration of the input.
    pub fn flush(&mut self, out: &mut Vec<f32>) -> Result<(), AudioError> {
        let expected = self.consumed_in * TARGET_RATE as u64 / self.in_rate as u64;
        let Some(r) = self.inner.as_mut() else {
            return Ok(());
        };
        let mut rest = std::mem::take(&mut self.pending);
        while self.produced_out < expected {
            let need = r.input_frames_next();
            let take = rest.len().min(need);
            let mut chunk: Vec<f32> = rest.drain(..take).collect();
            chunk.resize(need, 0.0);
            let (_, made) = r
                .process_into_buffer(&[&chunk], &mut self.out_buf, None)
                .map_err(|e| AudioError::Resample(e.to_string()))?;
            let missing = (expected - self.produced_out) as usize;
            let mut produced = self.produced_out;
            let before = out.len();
            Self::emit(&self.out_buf[0][..made], &mut self.skip, out, &mut produced);
            if out.len() - before > missing {
                out.truncate(before + missing);
                produced = expected;
            }
            self.produced_out = produced;
        }
        Ok(())
    }

    fn emit(chunk: &[f32], skip: &mut usize, out: &mut Vec<f32>, produced: &mut u64) {
        let drop = (*skip).min(chunk.len());
        *skip -= drop;
        out.extend_from_slice(&chunk[drop..]);
        *produced += (chunk.len() - drop) as u64;
    }
}

/// Resamples a whole mono signal to 16 kHz.
pub fn resample_to_16k(mono: &[f32], rate: u32) -> Result<Vec<f32>, AudioError> {
    let mut r = StreamResampler::new(rate)?;
    let mut out = Vec::with_capacity(mono.len() * TARGET_RATE as usize / rate as usize + 1);
    r.push(mono, &mut out)?;
    r.flush(&mut out)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sine(rate: u32, hz: f32, secs: f32) -> Vec<f32> {
        (0..(rate as f32 * secs) as usize)
            .map(|i| (2.0 * std::f32::consts::PI * hz * i as f32 / rate as f32).sin() * 0.5)
            .collect()
    }

    #[test]
    fn keeps_duration_and_frequency() {
        for rate in [8_000, 22_050, 44_100, 48_000, 96_000] {
            let out = resample_to_16k(&sine(rate, 440.0, 1.0), rate).unwrap();
            assert_eq!(out.len(), 16_000, "rate {rate}");
            // Compare against an ideal 440 Hz sine at 16 kHz, away from the edges, allowing
            // the sub-sample delay that a rational-ratio FFT resampler leaves.
            let err = (-20..=20)
                .map(|k| k as f32 * 0.05)
                .map(|shift| {
                    (2000..14000)
                        .map(|i| {
                            let t = (i as f32 - shift) / 16_000.0;
                            (out[i] - (2.0 * std::f32::consts::PI * 440.0 * t).sin() * 0.5).abs()
                        })
                        .sum::<f32>()
                        / 12000.0
                })
                .fold(f32::INFINITY, f32::min);
            assert!(err < 0.005, "rate {rate}: mean abs error {err}");
        }
    }

    #[test]
    fn removes_content_above_nyquist() {
        // 7.5 kHz at 44.1k fits under 8 kHz; 12 kHz must be filtered, not aliased to 4 kHz.
        let out = resample_to_16k(&sine(44_100, 12_000.0, 1.0), 44_100).unwrap();
        let rms = (out[2000..14000].iter().map(|x| x * x).sum::<f32>() / 12000.0).sqrt();
        assert!(rms < 0.01, "aliased energy rms {rms}");
    }

    #[test]
    fn chunked_equals_whole() {
        let input = sine(44_100, 300.0, 0.7);
        let whole = resample_to_16k(&input, 44_100).unwrap();
        let mut r = StreamResampler::new(44_100).unwrap();
        let mut out = Vec::new();
        let mut pos = 0;
        for (i, size) in [1usize, 7, 441, 1000, 13, 4410].iter().cycle().enumerate() {
            if pos >= input.len() || i > 10_000 {
                break;
            }
            let end = (pos + size).min(input.len());
            r.push(&input[pos..end], &mut out).unwrap();
            pos = end;
        }
        r.flush(&mut out).unwrap();
        assert_eq!(out.len(), whole.len());
        let max_diff = out
            .iter()
            .zip(&whole)
            .map(|(a, b)| (a - b).abs())
            .fold(0.0, f32::max);
        assert!(max_diff < 1e-5, "max diff {max_diff}");
    }
}
