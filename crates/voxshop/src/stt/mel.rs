//! Whisper's log-mel front-end: periodic Hann window, 400-point STFT every 160 samples,
//! power spectrum, Slaney mel filters, log10 with the dynamic range clamped to 8 (80 dB).
//!
//! Hand-written over `realfft` (instead of candle's example front-end) so that we can compute
//! exactly the frames a shortened encoder window needs, with sparse filters and reused buffers.

use super::mel_filters::{N_FFT, N_FREQS};
use realfft::{RealFftPlanner, RealToComplex};
use std::sync::Arc;

pub const HOP: usize = 160;

pub struct LogMel {
    n_mels: usize,
    /// Per filter: first non-zero bin and its weights (the filters are narrow triangles).
    filters: Vec<(usize, Vec<f32>)>,
    window: Vec<f32>,
    fft: Arc<dyn RealToComplex<f32>>,
}

impl LogMel {
    /// `filters` is row-major `[n_mels, N_FREQS]`.
    pub fn new(filters: &[f32], n_mels: usize) -> Self {
        let filters = filters
            .chunks_exact(N_FREQS)
            .map(|row| {
                let first = row.iter().position(|&w| w != 0.0).unwrap_or(0);
                let last = row.iter().rposition(|&w| w != 0.0).map_or(first, |l| l + 1);
                (first, row[first..last].to_vec())
            })
            .collect();
        let window = (0..N_FFT)
            .map(|i| 0.5 * (1.0 - (2.0 * std::f32::consts::PI * i as f32 / N_FFT as f32).cos()))
            .collect();
        let fft = RealFftPlanner::<f32>::new().plan_fft_forward(N_FFT);
        Self {
            n_mels,
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

        let mut power = vec![vec![0f32; N_FREQS]; frames];
        let mut input = self.fft.make_input_vec();
        let mut spectrum = self.fft.make_output_vec();
        let mut scratch = self.fft.make_scratch_vec();
        for (t, p) in power.iter_mut().enumerate() {
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

        let mut mel = vec![0f32; self.n_mels * frames];
        let mut max = f32::NEG_INFINITY;
        for (m, (first, weights)) in self.filters.iter().enumerate() {
            let row = &mut mel[m * frames..(m + 1) * frames];
            for (dst, p) in row.iter_mut().zip(&power) {
                let e: f32 = weights.iter().zip(&p[*first..]).map(|(w, x)| w * x).sum();
                let v = e.max(1e-10).log10();
                max = max.max(v);
                *dst = v;
            }
        }
        let floor = max - 8.0;
        for v in &mut mel {
            *v = (v.max(floor) + 4.0) / 4.0;
        }
        mel
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
