//! Whisper's log-mel front-end: periodic Hann window, 400-point STFT every 160 samples,
//! power spectrum, Slaney mel filters, log10 with the dynamic range clamped to 8 (80 dB).
//!
//! Over `realfft` and `ndarray` (instead of candle's example front-end) so that we can compute
//! exactly the frames a shortened encoder window needs, with reused plans.

use super::mel_filters::{N_FFT, N_FREQS};
use ndarray::Array2;
use realfft::{RealFftPlanner, RealToComplex};
use std::sync::Arc;

pub const HOP: usize = 160;

pub struct LogMel {
    /// `[n_mels, N_FREQS]`
    filters: Array2<f32>,
    window: Vec<f32>,
    fft: Arc<dyn RealToComplex<f32>>,
}

impl LogMel {
    /// `filters` is row-major `[n_mels, N_FREQS]`.
    pub fn new(filters: &[f32], n_mels: usize) -> Self {
        let filters = Array2::from_shape_fn((n_mels, N_FREQS), |(m, f)| {
            filters.get(m * N_FREQS + f).copied().unwrap_or(0.0)
        });
        let window = (0..N_FFT)
            .map(|i| 0.5 * (1.0 - (2.0 * std::f32::consts::PI * i as f32 / N_FFT as f32).cos()))
            .collect();
        let fft = RealFftPlanner::<f32>::new().plan_fft_forward(N_FFT);
        Self {
            filters,
            window,
            fft,
        }
    }

    /// Log-mel of `samples` (16 kHz) as `[n_mels, frames]`, row-major. The signal is
    /// reflect-padded at the start (as `torch.stft(center=True)`) and zero-padded after its
    /// end, so frames past the audio read as Whisper's padding does.
    pub fn compute(&self, samples: &[f32], frames: usize) -> Vec<f32> {
        let half = N_FFT / 2;
        let needed = frames * HOP + N_FFT;
        let mut padded = vec![0f32; needed];
        for i in 0..half.min(samples.len().saturating_sub(1)) {
            padded[half - 1 - i] = samples[i + 1];
        }
        let n = samples.len().min(needed - half);
        padded[half..half + n].copy_from_slice(&samples[..n]);

        let mut power = Array2::<f32>::zeros((frames, N_FREQS));
        let mut input = self.fft.make_input_vec();
        let mut spectrum = self.fft.make_output_vec();
        let mut scratch = self.fft.make_scratch_vec();
        for (t, mut p) in power.rows_mut().into_iter().enumerate() {
            let frame = &padded[t * HOP..t * HOP + N_FFT];
            for ((dst, &x), &w) in input.iter_mut().zip(frame).zip(&self.window) {
                *dst = x * w;
            }
            // Lengths are fixed by the plan, so this cannot fail.
            let _ = self
                .fft
                .process_with_scratch(&mut input, &mut spectrum, &mut scratch);
            for (dst, c) in p.iter_mut().zip(&spectrum) {
                *dst = c.norm_sqr();
            }
        }

        let mut mel = self.filters.dot(&power.t());
        mel.mapv_inplace(|e| e.max(1e-10).log10());
        let floor = mel.fold(f32::NEG_INFINITY, |m, &v| m.max(v)) - 8.0;
        mel.mapv_inplace(|v| (v.max(floor) + 4.0) / 4.0);
        mel.into_raw_vec_and_offset().0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stt::mel_filters::mel_filters;

    #[test]
    fn tone_lands_in_the_right_band_and_padding_is_floor() {
        let mel = LogMel::new(&mel_filters(80, 16000.0), 80);
        let tone: Vec<f32> = (0..16000)
            .map(|i| (2.0 * std::f32::consts::PI * 1000.0 * i as f32 / 16000.0).sin())
            .collect();
        let frames = 200; // 2 s: the second second is padding.
        let m = mel.compute(&tone, frames);
        assert_eq!(m.len(), 80 * frames);
        let col = |t: usize| (0..80).map(|b| m[b * frames + t]).collect::<Vec<_>>();
        let mid = col(50);
        let peak = (0..80).max_by(|&a, &b| mid[a].total_cmp(&mid[b])).unwrap();
        // 1 kHz sits near mel bin 28 of Whisper's 80-bin bank.
        assert!((24..=29).contains(&peak), "peak bin {peak}");
        let pad = col(190);
        let floor = m.iter().cloned().fold(f32::INFINITY, f32::min);
        assert!(pad.iter().all(|&v| (v - floor).abs() < 1e-6));
    }
}
