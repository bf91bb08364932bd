//! `voxshop transcribe FILE...`

use anyhow::{Context, Result};
use clap::Args;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;
use voxshop::pipeline::{Recognizer, RecognizerConfig, Utterance};
use voxshop::stt::{EncoderWindow, ModelKind};

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
    /// Whisper model: tiny.en (English, fastest) or base (multilingual: English + French). [default: tiny.en]
    #[arg(long)]
    pub model: Option<String>,
    /// Language of the speech (base model): en or fr; detected between the two if unset.
    #[arg(long, value_name = "LANG")]
    pub lang: Option<String>,
    /// Encode the whole 30 s window instead of only the audio plus a margin.
    #[arg(long, conflicts_with_all = ["min_ctx", "margin_ctx"])]
    pub full_window: bool,
    /// Advanced: fewest encoder positions to run (1 position = 20 ms; 1500 = 30 s).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=1500))]
    pub min_ctx: Option<u16>,
    /// Advanced: encoder positions of padding kept after the audio.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(0..=1500))]
    pub margin_ctx: Option<u16>,
    /// Advanced: decode the shortened window without the padding memory (to measure it).
    #[arg(long)]
    pub no_padding_memory: bool,
}

pub fn run(args: TranscribeArgs, mut config: RecognizerConfig) -> Result<ExitCode> {
    if let Some(m) = &args.model {
        config.model = m.parse()?;
    }
    let model = config.model;
    if let Some(lang) = &args.lang {
        anyhow::ensure!(
            model == ModelKind::Base,
            "--lang needs the multilingual model (--model base)"
        );
        config.decode.language = Some(lang.parse().map_err(anyhow::Error::msg)?);
    }
    if args.full_window {
        config.window = Some(EncoderWindow::FULL);
    }
    if let Some(n) = args.min_ctx {
        config.window_mut().min_ctx = n as usize;
    }
    if let Some(n) = args.margin_ctx {
        config.window_mut().margin_ctx = n as usize;
    }
    if args.no_padding_memory {
        config.window_mut().padding_memory = false;
    }
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
                    print_human(&mut out, file, &utterances)
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

fn print_human(
    out: &mut impl Write,
    file: &std::path::Path,
    utterances: &[Utterance],
) -> std::io::Result<()> {
    writeln!(out, "{}", file.display())?;
    if utterances.is_empty() {
        writeln!(out, "  (no speech)")?;
    }
    // The commands of one utterance follow each other, numbered from part 0.
    let starts: Vec<usize> = (0..utterances.len())
        .filter(|&i| utterances[i].part.unwrap_or(0) == 0)
        .chain([utterances.len()])
        .collect();
    for w in starts.windows(2) {
        let commands = &utterances[w[0]..w[1]];
        let u = &commands[0];
        writeln!(
            out,
            "  [{:>6.2}-{:>6.2} s] {}  {}",
            u.start_ms as f64 / 1e3,
            u.end_ms as f64 / 1e3,
            u.lang.code(),
            u.transcript
        )?;
        for c in commands {
            if let Some(line) = super::live::command_human(c) {
                writeln!(out, "  {:>18} -> {line}", "")?;
            }
        }
        writeln!(
            out,
            "  {:>18} audio {:.1} ms, stt {:.1} ms, total {:.1} ms",
            "", u.timings_ms.decode_audio, u.timings_ms.stt, u.timings_ms.total
        )?;
    }
    out.flush()
}
