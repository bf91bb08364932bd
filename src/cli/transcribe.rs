//! `voxshop transcribe FILE...`

use super::args::ModelArgs;
use anyhow::{Context, Result};
use clap::Args;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;
use voxshop::pipeline::{Recognizer, RecognizerConfig, Utterance};

#[derive(Args, Debug)]
pub struct TranscribeArgs {
    /// WAV files (8/16/24/32-bit PCM or 32-bit float, any rate 8-96 kHz, any channels); `-` is
    /// standard input. Pipes, FIFOs and headers with streaming sizes (`arecord | ...`) are
    /// read as they come, a second at a time.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Print one JSON object per utterance (JSON Lines) instead of the human view.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub model: ModelArgs,
}

pub fn run(args: TranscribeArgs, mut config: RecognizerConfig) -> Result<ExitCode> {
    args.model.apply(&mut config)?;
    // Files are transcribed once each: a warm-up run would cost more than it saves.
    config.warm_up = false;
    let model = config.model;
    let t0 = Instant::now();
    let recognizer =
        Recognizer::load(&config).with_context(|| format!("loading model {}", model.name()))?;
    tracing::info!("model loaded in {:.0} ms", t0.elapsed().as_secs_f64() * 1e3);
    let stdout = std::io::stdout();
    let mut failed = 0;
    for file in &args.files {
        let result = if file.as_os_str() == "-" {
            let stdin =
                voxshop::audio::WavStream::from_reader(std::io::stdin(), "standard input", None);
            stdin
                .map_err(voxshop::Error::from)
                .and_then(|wav| recognizer.recognize_wav(wav, "-", Instant::now()))
        } else {
            recognizer.recognize_file(file)
        };
        match result {
            Ok(utterances) => {
                let mut out = stdout.lock();
                let shown = if args.json {
                    print_json(&mut out, &utterances)
                } else {
                    super::render::utterances(&mut out, file, &utterances)
                };
                shown.context("writing output")?;
            }
            Err(e) => {
                failed += 1;
                super::note(format_args!("error: {e}"));
            }
        }
    }
    if failed > 0 {
        super::note(format_args!(
            "{failed} of {} file(s) failed",
            args.files.len()
        ));
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}

fn print_json(out: &mut impl Write, utterances: &[Utterance]) -> std::io::Result<()> {
    for u in utterances {
        serde_json::to_writer(&mut *out, u)?;
        writeln!(out)?;
    }
    out.flush()
}
