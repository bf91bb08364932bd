//! Every stage on real inputs, the end-of-speech -> intent path, streaming, model load, and
//! two references measured in the same run (a plain matmul and the full 30 s encoder) so that
//! the gate (`scripts/bench-gate`, budgets in `benches/budgets.toml`) can judge ratios on a
//! noisy machine. Run: `cargo bench --bench pipeline`.

use candle_core::{Device, Tensor};
use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use voxshop::audio::{downmix, load_wav_16k, read_wav, resample_to_16k};
use voxshop::pipeline::Event;
use voxshop::stt::decode::Decoder;
use voxshop::stt::{BiasMode, BiasStrength, EncoderWindow};
use voxshop::vad::{Vad, VadConfig};
use voxshop::{Recognizer, RecognizerConfig, Utterance};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn sample(rel: &str) -> PathBuf {
    root().join(rel)
}

fn recognizer() -> Recognizer {
    let config = RecognizerConfig {
        models_dir: root().join("models"),
        ..Default::default()
    };
    Recognizer::load(&config).expect("run scripts/setup first")
}

/// A household catalogue of 2,000 names none of the samples says.
const UNRELATED_2K: &str = "tests/data/catalog_unrelated_2000.toml";

/// The 3 s spoken command used throughout (read_list.wav is 2.0 s; buy_paper_towels 3.0 s).
const COMMAND: &str = "samples/en/buy_paper_towels.wav";
/// "remove the light bulbs", 500 ms of silence, "from my party list".
const CONTINUED: &str = "samples/en/pause_party_list.wav";

fn stages(c: &mut Criterion) {
    // As the command-line tool does at start-up, before any thread starts.
    for (key, value) in voxshop::stt::thread_env(voxshop::stt::default_threads(), None) {
        std::env::set_var(key, value);
    }
    let rec = recognizer();
    let stt = rec.stt();
    let command = load_wav_16k(&sample(COMMAND)).unwrap().samples;

    let mut g = c.benchmark_group("audio");
    g.bench_function("decode_resample_44k_stereo_3s", |b| {
        b.iter(|| {
            let raw = read_wav(&sample(COMMAND)).unwrap();
            let mono = downmix(&raw.samples, raw.channels);
            black_box(resample_to_16k(&mono, raw.rate).unwrap())
        })
    });
    g.finish();

    let ctx = stt.window.ctx_for(command.len(), stt.config().n_audio_ctx);
    let mut g = c.benchmark_group("stt");
    g.bench_function("log_mel_3s", |b| {
        b.iter(|| black_box(stt.log_mel().compute(&command, 2 * ctx)))
    });

    let mel = stt.log_mel().compute(&command, 2 * ctx);
    let model = stt.model();
    g.bench_function("encoder_3s", |b| {
        b.iter(|| black_box(model.encode(&mel, 2 * ctx).unwrap()))
    });

    let audio = model.encode(&mel, 2 * ctx).unwrap();
    let tok = stt.tokenizer();
    let mut state = model.start(&audio, true).unwrap();
    model
        .decode(&mut state, &[tok.sot, tok.no_timestamps], &[1])
        .unwrap();
    // A decoder step with ten tokens already in the cache, as mid-utterance.
    for _ in 0..10 {
        model.decode(&mut state, &[220], &[0]).unwrap();
    }
    g.bench_function("decoder_per_token", |b| {
        b.iter_batched(
            || state.clone(),
            |mut s| black_box(model.decode(&mut s, &[220], &[0]).unwrap()),
            BatchSize::SmallInput,
        )
    });

    // Issue 12: the whole greedy decoding of the command after its encoder, without and with
    // a 2,000-name catalogue steering it (the gate holds their ratio to <= 1.10).
    let catalog = voxshop::catalog::Catalog::from_toml_file(&sample(UNRELATED_2K)).unwrap();
    let bias = stt.bias(catalog.spellings(), BiasMode::Trie, BiasStrength::default());
    let decoder = Decoder::new(model, tok);
    g.bench_function("decode_3s", |b| {
        b.iter(|| black_box(decoder.run(&audio, true, &stt.options, None).unwrap()))
    });
    // Issue 15: the same after a draft, the tokens a speculation in a pause just before the
    // end wrote (here the whole command's, the best case: README "Session 51").
    let draft = decoder
        .run(&audio, true, &stt.options, None)
        .unwrap()
        .tokens;
    g.bench_function("decode_3s_drafted", |b| {
        b.iter(|| {
            black_box(
                decoder
                    .run_drafted(&audio, true, &stt.options, None, &draft)
                    .unwrap(),
            )
        })
    });
    g.bench_function("decode_3s_biased_2k", |b| {
        b.iter(|| {
            black_box(
                decoder
                    .run(&audio, true, &stt.options, Some(&bias))
                    .unwrap(),
            )
        })
    });
    // The second hearing of a transcript that reads as no command: beam search of the same
    // command at the default width (README, "Spoken commands end to end").
    let width = stt.options.rescue_beams.max(1);
    g.bench_function("decode_3s_beams", |b| {
        b.iter(|| black_box(decoder.beams(&audio, true, &stt.options, width).unwrap()))
    });
    // Issue 12: a name no catalogue entry resolves heard again with the most entries near it
    // in its place (README, "names heard again"), paid only for a name the model was unsure
    // of (or a brand or shop), with a catalogue.
    let misheard = load_wav_16k(&sample("samples/en/catalog_kruidvat.wav")).unwrap();
    let (heard, _) = stt.transcribe_window(&misheard.samples, None).unwrap();
    let at = heard.text.rfind(" from ").expect("a merchant") + " from ".len();
    let (before, rest) = heard.text.split_at(at);
    let end = rest.find(['.', '?', '!']).unwrap_or(rest.len());
    let said = at..at + end;
    let entries = [
        "kruidvat", "coolblue", "picard", "rewe", "kaufland", "rossmann", "hornbach", "jumbo",
        "edeka", "action", "monoprix", "netto",
    ];
    let readings: Vec<(String, usize)> = std::iter::once(&rest[..end])
        .chain(entries.into_iter().take(voxshop::catalog::NEAR_ENTRIES))
        .map(|name| (format!("{before}{name}{}", &rest[end..]), at + name.len()))
        .collect();
    assert!(stt
        .score_readings(&heard, said.clone(), &readings, false)
        .unwrap()
        .is_some());
    g.bench_function("hear_name_again", |b| {
        b.iter(|| {
            black_box(
                stt.score_readings(&heard, said.clone(), &readings, false)
                    .unwrap(),
            )
        })
    });
    g.finish();

    let frame = &command[16_000..16_256];
    let mut vad = Vad::new(VadConfig::default());
    let mut g = c.benchmark_group("vad");
    g.bench_function("frame_16ms", |b| b.iter(|| black_box(vad.push(frame))));
    g.finish();

    let intent = rec.intent_model();
    let mut g = c.benchmark_group("intent");
    g.bench_function("classify", |b| {
        b.iter(|| {
            black_box(
                intent.classify("uh could you add two litres of oat milk to my shopping list"),
            )
        })
    });
    // Whisper's punctuation: the utterance is also read cut at its stops (README, "Several
    // commands in one utterance"), up to three readings where plain text has one.
    g.bench_function("classify_two_sentences", |b| {
        b.iter(|| {
            black_box(intent.commands(
                "Cross off the light bulbs from my list. Remove wrapping paper from my Christmas list.",
            ))
        })
    });
    // The longest utterances a speaker hears: a telephone menu on a speakerphone.
    g.bench_function("classify_phone_menu", |b| {
        b.iter(|| black_box(intent.commands(PHONE_MENU)))
    });
    // Issue 15: asked at every pause of `tail_ms` inside an utterance (adaptive end).
    g.bench_function("completer", |b| {
        b.iter(|| black_box(intent.incomplete_prob("uh could you add two litres of")))
    });
    g.finish();

    // A household catalogue of 10,000 names (issue 12: loads in < 50 ms).
    let names = |kind: &str, n: usize| -> String {
        let v: Vec<String> = (0..n)
            .map(|i| format!("\"{kind} number {i} deluxe\""))
            .collect();
        v.join(", ")
    };
    let toml = format!(
        "items = [{}]\nbrands = [{}]\nmerchants = [{}]\ncontacts = [{}]\n",
        names("item", 6_000),
        names("brand", 3_000),
        names("shop", 800),
        names("friend", 200)
    );
    let mut g = c.benchmark_group("catalog");
    g.sample_size(10);
    g.bench_function("load_10k", |b| {
        b.iter(|| black_box(voxshop::catalog::Catalog::from_toml_str(&toml).unwrap()))
    });
    // What a reload adds for the speech model: 2,000 names' spellings tokenised into the trie.
    g.bench_function("bias_2k", |b| {
        b.iter(|| black_box(stt.bias(catalog.spellings(), BiasMode::Trie, BiasStrength::default())))
    });
    g.finish();

    let mut g = c.benchmark_group("e2e");
    // All the work after the end of speech when nothing was done ahead (audio arriving
    // faster than real time, or `speculate = false`).
    g.bench_function("end_of_speech_to_intent_3s", |b| {
        b.iter(|| black_box(rec.recognize_segment(&command, 0, 3000).unwrap()))
    });
    // What a listener waits for in a live stream: from the arrival of the audio that lets
    // the endpointer declare the end, to the intent (speculation on, as by default).
    let live = live_stream(&command);
    g.bench_function("live_end_of_speech_to_intent_3s", |b| {
        b.iter_custom(|iters| {
            (0..iters)
                .map(|_| live_latency(&rec, &live, |_| true).after_end)
                .sum()
        })
    });
    // Issue 15: what the user waits for after the last word, live: from the capture of the
    // last audible sample to the intent, the pause the endpointer waits out included.
    g.bench_function("live_last_word_to_intent_3s", |b| {
        b.iter_custom(|iters| {
            (0..iters)
                .map(|_| live_latency(&rec, &live, |_| true).after_last_word)
                .sum()
        })
    });
    // Issue 15: a command finished after a 500 ms pause ("remove the light bulbs" ... "from
    // my party list"), live: from the capture of the second half's last audible sample to
    // the object that amends the first half (both halves heard together during the pause,
    // beside the second half's own transcript, and the end comes 48 ms into it).
    let paused = load_wav_16k(&sample(CONTINUED)).unwrap().samples;
    g.bench_function("live_continuation_last_word_to_intent", |b| {
        b.iter_custom(|iters| {
            (0..iters)
                .map(|_| live_latency(&rec, &paused, |u| u.amends.is_some()).after_last_word)
                .sum()
        })
    });
    // The multilingual `base` on 3 s of real French (a telephone prompt, 8 kHz), language
    // detected: its own encoder window (7.5 s floor) and one decoder step more than tiny.en.
    let base = Recognizer::load(&RecognizerConfig {
        model: voxshop::ModelKind::Base,
        models_dir: root().join("models"),
        ..Default::default()
    })
    .expect("run scripts/setup (it makes both models)");
    let french = load_wav_16k(Path::new(FRENCH_3S))
        .expect("asterisk-core-sounds-fr-wav is installed by scripts/setup")
        .samples;
    g.bench_function("end_of_speech_to_intent_3s_base", |b| {
        b.iter(|| black_box(base.recognize_segment(&french, 0, 3000).unwrap()))
    });
    g.finish();
}

/// A 35-word conference menu, as the Asterisk French prompts say them.
const PHONE_MENU: &str = "Pour activer ou désactiver le mode sourdine, veuillez appuyer sur 1. \
    Pour vérrouiller ou dévérouiller la conférence, appuyez sur 2. Pour éjecter le dernier \
    participant, appuyez sur 3. Pour quitter la conférence appuyez sur dièse.";

/// "Composez votre mot de passe suivi du dièse": 3.0 s of June Wallack's Canadian French.
const FRENCH_3S: &str = "/usr/share/asterisk/sounds/fr/agent-pass.wav";

/// Half a second of silence, the command, then two seconds of silence.
fn live_stream(command: &[f32]) -> Vec<f32> {
    let mut s = vec![0.0; 8_000];
    s.extend_from_slice(command);
    s.extend(std::iter::repeat_n(0.0, 32_000));
    s
}

/// When the first intent object of a live stream was out.
struct Live {
    /// From the arrival of the chunk that yields it: work done during the pause counts only
    /// where it overruns the audio still to come.
    after_end: Duration,
    /// From the capture of the stream's last audible sample.
    after_last_word: Duration,
}

/// Replays `stream` as a microphone would deliver it, 20 ms chunks in real time, without
/// sleeping: chunk i arrives when its last sample is captured, (i + 1) * 20 ms, and is
/// processed once it has arrived and the previous push has returned (the measured
/// durations), until the first intent object `want`s is out.
fn live_latency(rec: &Recognizer, stream: &[f32], want: impl Fn(&Utterance) -> bool) -> Live {
    const CHUNK: usize = 320;
    let ms = |samples: usize| Duration::from_micros(samples as u64 * 1000 / 16);
    let last_word = ms(last_audible(stream));
    let mut session = rec.session();
    let mut busy_until = Duration::ZERO;
    for (i, chunk) in stream.chunks(CHUNK).enumerate() {
        let arrival = ms((i + 1) * CHUNK);
        let start = busy_until.max(arrival);
        let t0 = Instant::now();
        let events = session.push(chunk, 16_000, 1).unwrap();
        busy_until = start + t0.elapsed();
        if (events.iter()).any(|e| matches!(e, Event::Intent(u) if want(u))) {
            return Live {
                after_end: busy_until - arrival,
                after_last_word: busy_until.saturating_sub(last_word),
            };
        }
    }
    panic!("the stream gave no such intent");
}

/// The end of the last 10 ms louder than -45 dBFS (as `scripts/eval_wait.py` hears it).
fn last_audible(stream: &[f32]) -> usize {
    const HOP: usize = 160;
    let loud = |w: &[f32]| (w.iter().map(|x| x * x).sum::<f32>() / w.len() as f32).sqrt() > 0.0056;
    (0..stream.len() / HOP)
        .rev()
        .find(|&i| loud(&stream[i * HOP..(i + 1) * HOP]))
        .map_or(0, |i| (i + 1) * HOP)
}

fn references(c: &mut Criterion) {
    let mut g = c.benchmark_group("reference");
    g.sample_size(10);
    let a = Tensor::randn(0f32, 1.0, (1500, 384), &Device::Cpu).unwrap();
    let w = Tensor::randn(0f32, 1.0, (384, 1536), &Device::Cpu).unwrap();
    g.bench_function("matmul_1500x384x1536", |b| {
        b.iter(|| black_box(a.matmul(&w).unwrap()))
    });
    let rec = recognizer();
    let stt = rec.stt();
    let full = EncoderWindow::FULL.ctx_for(0, stt.config().n_audio_ctx);
    let command = load_wav_16k(&sample(COMMAND)).unwrap().samples;
    let mel = stt.log_mel().compute(&command, 2 * full);
    g.bench_function("encoder_full_30s_window", |b| {
        b.iter(|| black_box(stt.model().encode(&mel, 2 * full).unwrap()))
    });
    g.finish();
}

fn system(c: &mut Criterion) {
    let mut g = c.benchmark_group("system");
    g.sample_size(10);
    // The recogniser is dropped outside the timing: a drop waits for the sentence encoder's
    // loading thread, which a process overlaps with its first speech.
    g.bench_function("model_load", |b| b.iter_with_large_drop(recognizer));
    // What a one-shot `transcribe` loads: no warm-up run.
    let one_shot = RecognizerConfig {
        models_dir: root().join("models"),
        warm_up: false,
        ..Default::default()
    };
    g.bench_function("model_load_one_shot", |b| {
        b.iter_with_large_drop(|| Recognizer::load(&one_shot).expect("run scripts/setup first"))
    });
    // What a user of the command line waits for: a fresh process from spawn to exit, load,
    // first-run costs and exit included (README, "The whole process"). In process, the
    // repeated load above reuses the allocator's memory and never sees a cold start.
    g.bench_function("transcribe_one_shot_process", |b| {
        b.iter(|| {
            let status = std::process::Command::new(env!("CARGO_BIN_EXE_voxshop"))
                .args(["transcribe", "--json", COMMAND])
                .current_dir(root())
                .stdout(std::process::Stdio::null())
                .status()
                .expect("voxshop runs");
            assert!(status.success(), "voxshop transcribe {COMMAND} failed");
        })
    });

    // 60 s of real speech and pauses: the LibriVox clips with a second of silence between.
    let rec = recognizer();
    let mut stream = Vec::new();
    let dir = Path::new("/usr/share/pocketsphinx/test/data/librivox");
    let mut clips: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("pocketsphinx-testdata is installed")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "wav"))
        .collect();
    clips.sort();
    while stream.len() < 60 * 16_000 {
        for c in &clips {
            stream.extend(load_wav_16k(c).unwrap().samples);
            stream.extend(std::iter::repeat_n(0.0, 16_000));
        }
    }
    stream.truncate(60 * 16_000);
    g.measurement_time(Duration::from_secs(20));
    g.bench_function("stream_60s", |b| {
        b.iter(|| {
            let mut s = rec.session();
            let mut n = 0;
            for chunk in stream.chunks(320) {
                n += s.push(chunk, 16_000, 1).unwrap().len();
            }
            n += s.finish().unwrap().len();
            black_box(n)
        })
    });
    g.finish();
}

criterion_group!(benches, stages, references, system);
criterion_main!(benches);
