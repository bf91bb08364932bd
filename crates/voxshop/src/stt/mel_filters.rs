//! The Slaney-style mel filter bank Whisper was trained with
//! (`librosa.filters.mel(sr=16000, n_fft=400, n_mels=N)`), computed rather than shipped as a blob.

pub const N_FFT: usize = 400;
pub const N_FREQS: usize = N_FFT / 2 + 1;

// Slaney's mel scale: linear below 1 kHz, logarithmic above.
const F_SP: f64 = 200.0 / 3.0;
const MIN_LOG_HZ: f64 = 1000.0;
const MIN_LOG_MEL: f64 = MIN_LOG_HZ / F_SP;

fn logstep() -> f64 {
    6.4f64.ln() / 27.0
}

fn hz_to_mel(f: f64) -> f64 {
    if f >= MIN_LOG_HZ {
        MIN_LOG_MEL + (f / MIN_LOG_HZ).ln() / logstep()
    } else {
        f / F_SP
    }
}

fn mel_to_hz(m: f64) -> f64 {
    if m >= MIN_LOG_MEL {
        MIN_LOG_HZ * (logstep() * (m - MIN_LOG_MEL)).exp()
    } else {
        F_SP * m
    }
}

/// Row-major `[n_mels, N_FREQS]` weights.
pub fn mel_filters(n_mels: usize, sample_rate: f64) -> Vec<f32> {
    let fft_freqs: Vec<f64> = (0..N_FREQS)
        .map(|i| i as f64 * sample_rate / N_FFT as f64)
        .collect();
    let (lo, hi) = (hz_to_mel(0.0), hz_to_mel(sample_rate / 2.0));
    let mel_f: Vec<f64> = (0..n_mels + 2)
        .map(|i| mel_to_hz(lo + (hi - lo) * i as f64 / (n_mels + 1) as f64))
        .collect();
    let mut w = vec![0f32; n_mels * N_FREQS];
    for m in 0..n_mels {
        let enorm = 2.0 / (mel_f[m + 2] - mel_f[m]);
        for (k, &f) in fft_freqs.iter().enumerate() {
            let lower = (f - mel_f[m]) / (mel_f[m + 1] - mel_f[m]);
            let upper = (mel_f[m + 2] - f) / (mel_f[m + 2] - mel_f[m + 1]);
            w[m * N_FREQS + k] = (lower.min(upper).max(0.0) * enorm) as f32;
        }
    }
    w
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_librosa_reference_values() {
        // Values of librosa.filters.mel(sr=16000, n_fft=400, n_mels=80) (Whisper's mel_filters.npz).
        let w = mel_filters(80, 16000.0);
        assert!((w[1] - 0.024_862_594).abs() < 1e-6, "{}", w[1]);
        assert!(
            (w[N_FREQS + 2] - 0.022_871_772).abs() < 1e-6,
            "{}",
            w[N_FREQS + 2]
        );
        assert!((w[79 * N_FREQS + 190] - 0.002_232_055).abs() < 1e-6);
        // Each filter is a triangle: non-negative, one peak.
        assert!(w.iter().all(|&x| x >= 0.0));
        let last = &w[79 * N_FREQS..];
        assert!(last.iter().any(|&x| x > 0.0));
    }
}
