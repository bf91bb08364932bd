//! Command-line edge: argument parsing (clap), human and JSON output, exit codes.

mod args;
mod classify;
mod listen;
mod live;
mod render;
mod serve;
mod setup;
mod train;
mod transcribe;

use anyhow::Result;
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser, Debug)]
#[command(
    name = "voxshop",
    version,
    about = "On-device speech intent recognizer for voice shopping",
    long_about = "Turns spoken shopping commands (English and French) into structured intents, \
                  on device: WAV or microphone -> 16 kHz -> quantised Whisper -> intent JSON.\n\n\
                  First run `scripts/setup` (or `voxshop setup`) to fetch and convert the weights."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Args, Debug, Clone)]
pub struct GlobalArgs {
    /// Settings file (TOML: model, models_dir, language, min_ctx, margin_ctx, catalog, bias,
    /// bias_bonus, bias_margin, bias_min_logprob, bias_rehear, [session], [session.vad]); flags given on the command line win.
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// The household's catalogue (TOML: items, brands, merchants, charities, contacts, lists,
    /// [aliases]): misheard names are written as the catalogue writes them.
    #[arg(long, global = true, value_name = "FILE")]
    pub catalog: Option<PathBuf>,
    /// How the catalogue steers the speech model toward its names [default: trie].
    #[arg(long, global = true, value_enum)]
    pub bias: Option<args::BiasArg>,
    /// Directory holding converted models (default: $VOXSHOP_MODELS or ./models).
    #[arg(long, global = true, value_name = "DIR")]
    pub models_dir: Option<PathBuf>,
    /// Compute threads, 1-256 (default: physical cores).
    #[arg(long, global = true, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=256))]
    pub threads: Option<u16>,
    /// Threads of the decoder's quantised products, 1-256 (default: --threads); 1 keeps the
    /// decoder steady when other programs take a core.
    #[arg(long, global = true, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=256))]
    pub decoder_threads: Option<u16>,
    /// More logging (-v info, -vv debug); RUST_LOG overrides.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Transcribe WAV files (any rate, format and channel count) into utterances.
    Transcribe(transcribe::TranscribeArgs),
    /// Listen on the microphone and print events (speech start/end, transcripts, intents).
    Listen(listen::ListenArgs),
    /// Daemon: stream JSON events to every client of a Unix socket.
    Serve(serve::ServeArgs),
    /// Classify typed text (arguments, or one utterance per stdin line) into intents + slots.
    Classify(classify::ClassifyArgs),
    /// Verify the fetched weights against models/manifest.toml and convert them to GGUF.
    Setup(setup::SetupArgs),
    /// Train the intent classifier + slot tagger (see scripts/train-intent).
    TrainIntent(train::TrainArgs),
    /// Score the intent model on labelled text: accuracy, slot F1, false accepts, confusions.
    EvalIntent(train::EvalArgs),
    /// Refit a trained intent model's temperature and acceptance bars on dev files.
    CalibrateIntent(train::CalibrateArgs),
}

fn init_logging(verbose: u8) {
    let default = match verbose {
        0 => "warn",
        1 => "info",
        _ => "debug",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

/// Sizes candle's own thread pools, which read only the environment: set here, at the process
/// edge before any thread starts (the library never sets process-wide variables; see
/// `voxshop::stt::default_threads` for why they matter).
fn init_threads(threads: Option<usize>, decoder_threads: Option<usize>) {
    let n = threads.unwrap_or_else(voxshop::stt::default_threads);
    for (key, value) in voxshop::stt::thread_env(n, decoder_threads) {
        std::env::set_var(key, value);
    }
}

fn run(cli: Cli) -> Result<ExitCode> {
    init_logging(cli.global.verbose);
    let mut config = match &cli.global.config {
        Some(path) => voxshop::pipeline::RecognizerConfig::from_toml_file(path)?,
        None => voxshop::pipeline::RecognizerConfig::default(),
    };
    if let Some(dir) = &cli.global.models_dir {
        config.models_dir = dir.clone();
    }
    if let Some(catalog) = &cli.global.catalog {
        config.catalog = Some(catalog.clone());
    }
    if let Some(bias) = cli.global.bias {
        config.bias = bias.into();
    }
    if let Some(n) = cli.global.threads {
        config.threads = Some(n.into());
    }
    if let Some(n) = cli.global.decoder_threads {
        config.decoder_threads = Some(n.into());
    }
    init_threads(config.threads, config.decoder_threads);
    let models_dir = config.models_dir.clone();
    match cli.command {
        Command::Transcribe(args) => transcribe::run(args, config),
        Command::Setup(args) => setup::run(args, models_dir),
        Command::Listen(args) => listen::run(args, config),
        Command::Serve(args) => serve::run(args, config),
        Command::Classify(args) => classify::run(args, config),
        Command::TrainIntent(args) => train::run_train(args),
        Command::CalibrateIntent(args) => train::run_calibrate(args),
        Command::EvalIntent(args) => train::run_eval(args, models_dir, config.catalog.as_deref()),
    }
}

/// Entry point of the `voxshop` binary.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        // The reader went away (`voxshop transcribe ... | head`): nothing left to tell anyone.
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            note(format_args!("error: {e:#}"));
            ExitCode::FAILURE
        }
    }
}

/// A line on standard error that cannot panic: with stderr closed (`voxshop transcribe bad.wav
/// good.wav 2>&1 | head -1`), `eprintln!` would; the line is simply lost.
pub(crate) fn note(line: std::fmt::Arguments<'_>) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "{line}");
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
