//! Per-step timing of one transcription, repeated: where the end-of-speech time goes.
//! Run: `cargo run --release --example profile_stt [WAV] [RUNS] [tiny.en|base]`.

use anyhow::Context;
use std::time::Instant;
use voxshop::audio::load_wav_16k;
use voxshop::{Recognizer, RecognizerConfig};

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let wav = args
        .get(1)
        .map(String::as_str)
        .unwrap_or("samples/en/buy_paper_towels.wav");
    let runs: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(10);
    // As the command-line tool does at start-up, before any thread starts.
    for (key, value) in voxshop::stt::thread_env(voxshop::stt::default_threads(), None) {
        std::env::set_var(key, value);
    }
    let model: voxshop::ModelKind = args
        .get(3)
        .map(|m| m.parse::<voxshop::ModelKind>())
        .transpose()
        .map_err(anyhow::Error::msg)?
        .unwrap_or_default();
    let config = RecognizerConfig {
        model,
        ..RecognizerConfig::default()
    };
    let rec = Recognizer::load(&config).context("loading the models (run scripts/setup first)")?;
    let stt = rec.stt();
    let model = stt.model();
    let tok = stt.tokenizer();
    let samples = load_wav_16k(std::path::Path::new(wav))
        .with_context(|| format!("reading {wav}"))?
        .samples;
    let ctx = stt.window.ctx_for(samples.len(), stt.config().n_audio_ctx);
    let ms = |t: Instant| t.elapsed().as_secs_f64() * 1e3;
    for run in 0..runs {
        let t = Instant::now();
        let mel = stt.log_mel().compute(&samples, 2 * ctx);
        let mel_ms = ms(t);
        let t = Instant::now();
        let audio = model.encode(&mel, 2 * ctx)?;
        let enc_ms = ms(t);
        let t = Instant::now();
        let mut state = model.start(&audio, true)?;
        let start_ms = ms(t);
        let t = Instant::now();
        model.decode(&mut state, &[tok.sot], &[0])?;
        let sot_ms = ms(t);
        let mut steps = Vec::new();
        for _ in 0..11 {
            let t = Instant::now();
            let l = model.decode(&mut state, &[220], &[0])?;
            let _ = l.to_vec2::<f32>()?;
            steps.push(ms(t));
        }
        let t = Instant::now();
        let (tr, _) = stt.transcribe_window(&samples, None)?;
        let full_ms = ms(t);
        let step: f64 = steps.iter().sum::<f64>() / steps.len() as f64;
        println!(
            "run {run}: ctx {ctx} mel {mel_ms:.1} encode {enc_ms:.1} start {start_ms:.1} sot {sot_ms:.2} step {step:.2} (first {:.2}) | transcribe_window {full_ms:.1} ({} tokens)",
            steps[0],
            tr.tokens.len()
        );
    }
    Ok(())
}
