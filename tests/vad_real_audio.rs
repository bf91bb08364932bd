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
            // Closed by a pause: the hang-over, and before it the frames where the voice had
            // already faded while earshot's score trailed off (at most 7), follow the voice's
            // end (the session keeps only `tail_ms` of them for the speech model).
            let hangover = (vad::frames(VadConfig::default().hangover_ms) * vad::FRAME) as u64;
            let pause = s.end - s.voiced_end;
            assert!(
                (hangover..=hangover + 7 * vad::FRAME as u64).contains(&pause),
                "{}..{}: pause {pause}",
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

/// The utterance `signal` gives with `pause_below_db`, and whether its pause was ever two
/// frames long before earshot scored a frame unvoiced.
fn ended_with(signal: &[f32], pause_below_db: f32) -> (vad::Segment, bool) {
    let mut vad = Vad::new(VadConfig {
        pause_below_db,
        ..Default::default()
    });
    let (mut ended, mut paused_early) = (Vec::new(), false);
    for frame in signal.chunks(vad::FRAME) {
        for e in vad.push(frame) {
            if let VadEvent::SpeechEnd(s) = e {
                ended.push(s);
            }
        }
        paused_early |= vad.pause_frames().is_some_and(|p| p >= 2) && !vad.voice_stopped();
    }
    assert_eq!(
        ended.len(),
        1,
        "{:?}",
        ended.iter().map(|s| (s.start, s.end))
    );
    (ended.remove(0), paused_early)
}

/// earshot's score trails off for several frames of silence after the last word; the pause
/// the session judges begins where the voice fades (README, "The end of the voice"), while
/// the utterance still closes after earshot's hang-over. In a room whose noise is within
/// `pause_below_db` of the voice nothing changes.
#[test]
fn the_pause_begins_where_the_voice_fades_and_noise_leaves_it_to_earshot() {
    if common::skip_without_setup() {
        return;
    }
    let mut signal = speech("buy_paper_towels.wav");
    signal.extend(vec![0.0; 16_000]);
    let default = VadConfig::default().pause_below_db;
    let (by_level, paused_early) = ended_with(&signal, default);
    let (by_earshot, earshot_early) = ended_with(&signal, 0.0);
    assert!(paused_early && !earshot_early);
    assert_eq!(
        (by_level.start, by_level.end),
        (by_earshot.start, by_earshot.end)
    );
    let earlier = by_earshot.voiced_end - by_level.voiced_end;
    assert!(earlier >= 2 * vad::FRAME as u64, "{earlier} samples");
    // Nothing audible is left out of the voice: what lies between is under -45 dBFS.
    let between = &signal[by_level.voiced_end as usize..by_earshot.voiced_end as usize];
    let rms = (between.iter().map(|x| x * x).sum::<f32>() / between.len() as f32).sqrt();
    assert!(20.0 * rms.log10() < -45.0, "{rms}");

    let noisy: Vec<f32> = (signal.iter())
        .zip(common::white_noise(signal.len(), 0.01, 3))
        .map(|(s, n)| s + n)
        .collect();
    let (by_level, paused_early) = ended_with(&noisy, default);
    let (by_earshot, _) = ended_with(&noisy, 0.0);
    assert!(!paused_early);
    assert_eq!(by_level, by_earshot);
}
