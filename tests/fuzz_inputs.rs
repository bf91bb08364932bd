//! Property tests over everything the recogniser reads from outside (issue 14): WAV streams,
//! the settings file, typed or transcribed text, and the speech model's header. Each input is
//! either accepted or refused with a typed error; none panics, none hangs, none sizes memory
//! by a number it has not checked. Case counts keep the whole file to seconds in CI.

mod common;

use proptest::prelude::*;
use std::io::Cursor;
use voxshop::audio::WavStream;
use voxshop::intent::IntentModel;
use voxshop::ModelKind;

fn root() -> &'static std::path::Path {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A valid 16-bit mono WAV of `n` samples.
fn wav(n: usize) -> Vec<u8> {
    let mut b = Vec::new();
    b.extend(b"RIFF");
    b.extend((36 + 2 * n as u32).to_le_bytes());
    b.extend(b"WAVEfmt ");
    b.extend(16u32.to_le_bytes());
    b.extend(1u16.to_le_bytes());
    b.extend(1u16.to_le_bytes());
    b.extend(16_000u32.to_le_bytes());
    b.extend(32_000u32.to_le_bytes());
    b.extend(2u16.to_le_bytes());
    b.extend(16u16.to_le_bytes());
    b.extend(b"data");
    b.extend((2 * n as u32).to_le_bytes());
    for i in 0..n {
        b.extend(((i as i16).wrapping_mul(97)).to_le_bytes());
    }
    b
}

/// Reads a whole stream; every sample must be a number in [-1, 1].
fn read_all(bytes: Vec<u8>) {
    let len = bytes.len() as u64;
    let Ok(mut s) = WavStream::from_reader(Cursor::new(bytes), "fuzz.wav", Some(len)) else {
        return;
    };
    for _ in 0..10_000 {
        match s.read_frames(4_000) {
            Ok(chunk) if chunk.is_empty() => return,
            Ok(chunk) => assert!(chunk.iter().all(|x| (-1.0..=1.0).contains(x))),
            Err(_) => return,
        }
    }
    panic!("a stream of a few kilobytes did not end");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3_000))]

    #[test]
    fn wav_bytes_with_damage_never_panic(
        n in 0usize..300,
        edits in prop::collection::vec((0usize..700, any::<u8>()), 0..12),
        cut in 0usize..800,
    ) {
        let mut b = wav(n);
        for (at, v) in edits {
            if let Some(x) = b.get_mut(at) {
                *x = v;
            }
        }
        b.truncate(cut.max(1));
        read_all(b);
    }

    #[test]
    fn arbitrary_bytes_are_not_a_wav(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
        read_all(bytes);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    /// Settings files: known keys with any value, unknown keys, and noise.
    #[test]
    fn settings_files_are_accepted_or_refused_never_crash(
        key in prop::sample::select(vec![
            "model", "min_ctx", "margin_ctx", "padding_memory", "language", "models_dir",
            "[session]\npartial_every_ms", "[session]\ntail_ms", "[session]\nconfirm_window_ms",
            "[session.vad]\nhangover_ms", "[session.vad]\nthreshold", "[session.vad]\npreroll_ms",
            "[session.vad]\nmax_utterance_ms", "[session]\nnot_a_key",
        ]),
        value in prop::sample::select(vec![
            "0", "1", "-1", "4294967295", "18446744073709551616", "nan", "inf", "1e308",
            "\"fr\"", "\"base\"", "\"\"", "true", "[1, 2]", "{}", "0.5",
        ]),
        noise in ".{0,40}",
    ) {
        let dir = std::env::temp_dir().join(format!("voxshop-fuzz-cfg-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        for body in [format!("{key} = {value}\n"), noise.clone()] {
            let f = dir.join("c.toml");
            std::fs::write(&f, &body).unwrap();
            if let Ok(c) = voxshop::RecognizerConfig::from_toml_file(&f) {
                prop_assert!(c.validate().is_ok(), "{body}");
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1_500))]

    /// Any text, as typed or as a recogniser could write it: objects numbered in order,
    /// confidences in [0, 1], numbers within their ranges, slots the intent may carry.
    #[test]
    fn any_text_gives_well_formed_commands(
        text in prop_oneof![
            ".{0,120}",
            "(add|buy|order|ajoute|achète|and|et|then|puis|yes|no|milk|lait|two|deux|-3|1e9|&|,| ){0,30}",
        ]
    ) {
        static MODEL: std::sync::OnceLock<Option<IntentModel>> = std::sync::OnceLock::new();
        let model = MODEL.get_or_init(|| {
            (!common::skip_without_intent_model())
                .then(|| IntentModel::load(&root().join("models/intent")).unwrap())
        });
        let Some(m) = model else {
            return Ok(());
        };
        let commands = m.commands(&text);
        if commands.len() > 1 {
            prop_assert!(commands.iter().all(|c| c.intent != voxshop::intent::Intent::OutOfScope));
        }
        for c in &commands {
            prop_assert!((0.0..=1.0).contains(&c.confidence));
            prop_assert_eq!(c.requires_confirmation, c.intent.requires_confirmation());
            let s = &c.slots;
            prop_assert!(s.quantity.is_none_or(|q| q > 0.0 && q <= 10_000.0), "{:?}", s);
            prop_assert!(s.amount.is_none_or(|a| a > 0.0 && a <= 100_000.0), "{:?}", s);
            for &k in voxshop::intent::SlotKind::ALL {
                if s.get(k).is_some() {
                    prop_assert!(c.intent.allowed_slots().contains(&k), "{:?} {:?}", c.intent, k);
                }
            }
        }
    }
}

/// The speech model's header and metadata with damage: refused or loaded, never a panic or
/// an allocation sized by a damaged number (tensor bytes are covered by their checksums).
#[test]
fn damaged_model_headers_are_refused_without_crashing() {
    if common::skip_without_setup() {
        return;
    }
    let dir = common::models_dir(ModelKind::TinyEn);
    let good = std::fs::read(ModelKind::TinyEn.gguf_path(&dir)).unwrap();
    let tmp = std::env::temp_dir().join(format!("voxshop-fuzz-gguf-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).unwrap();
    let path = tmp.join("model.gguf");
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig::with_cases(40));
    runner
        .run(
            &prop::collection::vec((0usize..8_192, any::<u8>()), 1..6),
            |edits| {
                let mut b = good.clone();
                for (at, v) in edits {
                    b[at] = v;
                }
                std::fs::write(&path, &b).unwrap();
                let _ = voxshop::stt::model::Whisper::load(
                    &path,
                    &candle_core::Device::Cpu,
                    "scripts/setup",
                );
                Ok(())
            },
        )
        .unwrap();
}
