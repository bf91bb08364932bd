//! Endpointing on real speech (bundled samples), silence and noise; no model needed.

mod common;

use voxshop::audio::load_wav_16k;
use voxshop::vad::{self, Vad, VadConfig, VadEvent};

fn speech(name: &str) -> Vec<f32> {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("samples/en")
        .join(name);
    load_wav_16k(&p).unwrap().samples
}

fn segments(samples: &[f32], chunk: usize) -> Vec<(u64, u64)> {
    let mut vad = Vad::new(VadConfig::default());
    let mut out = Vec::new();
    let mut events = Vec::new();
    for c in samples.chunks(chunk) {
        events.extend(vad.push(c));
    }
    events.extend(vad.finish());
    for e in events {
        if let VadEvent::SpeechEnd(s) = e {
            assert_eq!(s.samples.len() as u64, s.end - s.start);
            // Closed by a pause: the hang-over heard is exactly what follows the last voiced
            // frame (the session keeps only `tail_ms` of it for the speech model).
            let hangover = vad::frames(VadConfig::default().hangover_ms) * vad::FRAME;
            assert_eq!(
                s.end - s.voiced_end,
                hangover as u64,
                "{}..{}",
                s.start,
                s.end
            );
            out.push((s.start_ms(), s.end_ms()));
        }
    }
    out
}

#[test]
fn commands_separated_by_silence_and_noise_are_found_one_by_one() {
    if common::skip_without_setup() {
        return;
    }
    let mut signal = vec![0.0f32; 8000];
    let mut expected = Vec::new();
    for (i, name) in ["add_milk.wav", "read_list.wav", "confirm_yes.wav"]
        .iter()
        .enumerate()
    {
        let s = speech(name);
        let start = signal.len() as u64 * 1000 / 16000;
        signal.extend(&s);
        expected.push((start, signal.len() as u64 * 1000 / 16000));
        // 1.5 s of low noise between commands.
        signal.extend(common::white_noise(24_000, 0.01, i as u64 + 1));
    }
    for chunk in [160, 256, 1000, 4096, 48_000] {
        let got = segments(&signal, chunk);
        assert_eq!(got.len(), expected.len(), "chunk {chunk}: {got:?}");
        for ((gs, ge), (es, ee)) in got.iter().zip(&expected) {
            // Each segment lies within its command (samples carry 250 ms of silence either
            // side) and covers its speech.
            assert!(*gs + 50 >= *es && *gs <= es + 500, "start {gs} vs {es}");
            assert!(*ge <= ee + 700 && *ge + 400 >= *ee, "end {ge} vs {ee}");
        }
    }
}

#[test]
fn silence_and_steady_noise_open_no_utterance() {
    if common::skip_without_setup() {
        return;
    }
    assert!(segments(&vec![0.0; 16_000 * 20], 512).is_empty());
    assert!(segments(&common::white_noise(16_000 * 20, 0.2, 9), 512).is_empty());
}

#[test]
fn endless_voice_is_cut_at_the_maximum_length() {
    if common::skip_without_setup() {
        return;
    }
    let one = speech("add_milk.wav");
    let signal: Vec<f32> = one.iter().cycle().take(16_000 * 40).copied().collect();
    let cfg = VadConfig {
        max_utterance_ms: 5_000,
        ..Default::default()
    };
    let mut vad = Vad::new(cfg);
    let mut ends = vec![];
    for c in signal.chunks(1600) {
        for e in vad.push(c) {
            if let VadEvent::SpeechEnd(s) = e {
                ends.push(s.end - s.start);
            }
        }
    }
    assert!(!ends.is_empty());
    assert!(ends.iter().all(|&n| n <= 16 * 5_000 + 256), "{ends:?}");
}
