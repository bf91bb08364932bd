//! Helpers shared by the model-backed tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use voxshop::{ModelKind, Recognizer, RecognizerConfig};

pub const LIBRIVOX: &str = "/usr/share/pocketsphinx/test/data/librivox";

/// The models directory the tests read (`$VOXSHOP_MODELS`, else the checkout's `models/`).
fn models_root() -> PathBuf {
    let dir = voxshop::pipeline::default_models_dir();
    if dir.is_relative() {
        Path::new(env!("CARGO_MANIFEST_DIR")).join(dir)
    } else {
        dir
    }
}

/// The intent model's directory.
pub fn intent_model_dir() -> PathBuf {
    models_root().join("intent")
}

/// The intent model's weights, which `scripts/setup` trains (they are not committed), and
/// the sentence encoder its networks read, which it converts.
fn missing_intent_model() -> Option<String> {
    let dir = intent_model_dir();
    let weights = dir.join("intent.safetensors");
    let encoder = dir.join("sentence_encoder.safetensors");
    if !encoder.exists() {
        return Some(format!(
            "{} (`scripts/setup` converts it; `voxshop setup --encoder` alone does too)",
            encoder.display()
        ));
    }
    (!weights.exists()).then(|| {
        format!(
            "{} (`scripts/setup` trains it; `scripts/train-intent` alone does too)",
            weights.display()
        )
    })
}

/// What `scripts/setup` puts on a machine for the model-backed tests: both converted models,
/// the trained intent model and the Debian packages of real recordings. The first one
/// missing, if any.
fn missing_setup() -> Option<String> {
    let dir = models_root();
    for kind in [ModelKind::TinyEn, ModelKind::Base] {
        if !kind.gguf_path(&dir).exists() {
            return Some(format!(
                "{} (`{}`)",
                kind.gguf_path(&dir).display(),
                kind.setup_command()
            ));
        }
    }
    if let Some(missing) = missing_intent_model() {
        return Some(missing);
    }
    [
        LIBRIVOX,
        "/usr/share/doc/asterisk-core-sounds-en",
        "/usr/share/doc/asterisk-core-sounds-fr",
    ]
    .into_iter()
    .find(|p| !Path::new(p).exists())
    .map(|p| format!("{p} (`scripts/setup` installs it)"))
}

/// True when a model-backed test must be skipped: on a fresh clone, before `scripts/setup`,
/// it says what is missing and passes. `scripts/test` (what CI runs) sets
/// VOXSHOP_REQUIRE_SETUP=1, and there a missing piece fails the test: CI runs everything.
pub fn skip_without_setup() -> bool {
    skip_if_missing(missing_setup())
}

/// As `skip_without_setup`, for the tests that need only the trained intent model.
pub fn skip_without_intent_model() -> bool {
    skip_if_missing(missing_intent_model())
}

fn skip_if_missing(missing: Option<String>) -> bool {
    let Some(missing) = missing else {
        return false;
    };
    assert!(
        std::env::var_os("VOXSHOP_REQUIRE_SETUP").is_none(),
        "{missing} is missing: run scripts/setup"
    );
    eprintln!("skipped: {missing} is missing; run scripts/setup first");
    true
}

/// The converted models; a missing model is a failure, not a skip.
pub fn models_dir(kind: ModelKind) -> PathBuf {
    let dir = models_root();
    assert!(
        kind.gguf_path(&dir).exists(),
        "{} is missing: run `{}` before the model-backed tests",
        kind.gguf_path(&dir).display(),
        kind.setup_command()
    );
    dir
}

pub fn recognizer(kind: ModelKind) -> Recognizer {
    recognizer_with(kind, |_| {})
}

/// The recogniser with its session settings changed by `session`.
#[allow(dead_code)] // not every test binary that includes this module changes them
pub fn recognizer_with(
    kind: ModelKind,
    session: impl FnOnce(&mut voxshop::pipeline::SessionConfig),
) -> Recognizer {
    let mut config = RecognizerConfig {
        model: kind,
        models_dir: models_dir(kind),
        ..Default::default()
    };
    session(&mut config.session);
    Recognizer::load(&config).expect("model loads")
}

/// (wav, reference) pairs of the LibriVox recordings in pocketsphinx-testdata.
pub fn librivox() -> Vec<(PathBuf, String)> {
    let text = std::fs::read_to_string(Path::new(LIBRIVOX).join("transcription"))
        .expect("pocketsphinx-testdata is installed (apt-get install pocketsphinx-testdata)");
    text.lines()
        .filter_map(|l| {
            let (words, id) = l.rsplit_once(" (")?;
            let words = words
                .trim()
                .trim_start_matches("<s>")
                .trim_end_matches("</s>");
            let id = id.trim_end_matches(')');
            Some((
                Path::new(LIBRIVOX).join(format!("{id}.wav")),
                words.trim().to_string(),
            ))
        })
        .collect()
}

fn number_word(n: u32) -> Option<&'static str> {
    const W: [&str; 21] = [
        "zero",
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
        "thirteen",
        "fourteen",
        "fifteen",
        "sixteen",
        "seventeen",
        "eighteen",
        "nineteen",
        "twenty",
    ];
    W.get(n as usize).copied()
}

/// Lower case words without punctuation; small numbers and "$N" spelled out, titles expanded.
pub fn normalize(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for raw in text.to_lowercase().replace('-', " ").split_whitespace() {
        let dollars = raw.starts_with('$');
        let w: String = raw
            .chars()
            .filter(|c| c.is_alphanumeric() || *c == '\'')
            .collect();
        let w = match w.as_str() {
            "mr" => "mister".to_string(),
            "mrs" => "missus".to_string(),
            "" => continue,
            other => match other.parse::<u32>().ok().and_then(number_word) {
                Some(word) => word.to_string(),
                None => other.to_string(),
            },
        };
        out.push(w);
        if dollars {
            out.push("dollars".to_string());
        }
    }
    out
}

/// Word-level edit distance.
pub fn word_errors(reference: &[String], hypothesis: &[String]) -> usize {
    let mut d: Vec<usize> = (0..=hypothesis.len()).collect();
    for (i, r) in reference.iter().enumerate() {
        let mut prev = d[0];
        d[0] = i + 1;
        for (j, h) in hypothesis.iter().enumerate() {
            let cur = (d[j + 1] + 1).min(d[j] + 1).min(prev + usize::from(r != h));
            prev = d[j + 1];
            d[j + 1] = cur;
        }
    }
    d[hypothesis.len()]
}

/// Deterministic white noise (xorshift), amplitude in [-amp, amp].
pub fn white_noise(n: usize, amp: f32, seed: u64) -> Vec<f32> {
    let mut s = seed.max(1);
    (0..n)
        .map(|_| {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            ((s >> 40) as f32 / (1u64 << 24) as f32 * 2.0 - 1.0) * amp
        })
        .collect()
}

/// Real human speech with transcripts: the Asterisk prompts in Debian's
/// asterisk-core-sounds-{en,fr}-wav (8 kHz telephone recordings). `lang` is "en" or "fr";
/// keeps every `every`-th top-level prompt of at least `min_words` words.
pub fn asterisk_prompts(lang: &str, min_words: usize, every: usize) -> Vec<(PathBuf, String)> {
    let voice = match lang {
        "en" => "en_US_f_Allison",
        _ => "fr_CA_f_June",
    };
    let doc = format!("/usr/share/doc/asterisk-core-sounds-{lang}/core-sounds-{lang}.txt.gz");
    let out = std::process::Command::new("gzip")
        .args(["-dc", &doc])
        .output()
        .expect("gzip runs");
    assert!(
        out.status.success(),
        "{doc} is missing: apt-get install asterisk-core-sounds-{lang}-wav"
    );
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let dir = Path::new("/usr/share/asterisk/sounds").join(voice);
    text.lines()
        .filter(|l| !l.starts_with(';'))
        .filter_map(|l| l.split_once(':'))
        .filter(|(key, text)| {
            !key.contains('/')
                && !text.contains(['[', '<', '('])
                && text.split_whitespace().count() >= min_words
        })
        .map(|(key, text)| {
            (
                dir.join(format!("{}.wav", key.trim())),
                text.trim().to_string(),
            )
        })
        .filter(|(wav, _)| wav.exists())
        .step_by(every)
        .collect()
}

/// One object per utterance as the stream stands at its end (a continuation replaces the
/// utterance it amends): the commands of an utterance share its transcript.
pub fn first_parts(utterances: &[voxshop::Utterance]) -> Vec<voxshop::Utterance> {
    (voxshop::pipeline::standing(utterances).into_iter())
        .filter(|u| u.part.unwrap_or(0) == 0)
        .collect()
}
