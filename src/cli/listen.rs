//! `voxshop listen`: live microphone -> events on stdout.

use super::live::{event_human, event_json, stop_flag, stopped, InputArgs, Source};
use anyhow::{Context, Result};
use clap::Args;
use std::io::Write;
use std::process::ExitCode;
use voxshop::pipeline::{Event, Recognizer, RecognizerConfig};
use voxshop::stt::ModelKind;

#[derive(Args, Debug)]
pub struct ListenArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Print one JSON object per event (JSON Lines).
    #[arg(long)]
    pub json: bool,
    /// Whisper model: tiny.en or base. [default: tiny.en]
    #[arg(long)]
    pub model: Option<String>,
    /// Print the input devices and exit.
    #[arg(long)]
    pub list_devices: bool,
    /// Emit partial transcripts every this many ms of speech (0: off) [default: 0].
    #[arg(long, value_name = "MS")]
    pub partial_every_ms: Option<u32>,
}

pub fn run(args: ListenArgs, mut config: RecognizerConfig) -> Result<ExitCode> {
    if args.list_devices {
        for d in voxshop::audio::mic::input_devices()? {
            println!("{d}");
        }
        return Ok(ExitCode::SUCCESS);
    }
    if let Some(m) = &args.model {
        config.model = m.parse::<ModelKind>()?;
    }
    if let Some(ms) = args.partial_every_ms {
        config.session.partial_every_ms = ms;
    }
    let rec = Recognizer::load(&config).context("loading models")?;
    let stop = stop_flag()?;
    let mut source = Source::mic(&args.input)?;
    let (rate, channels) = source.format();
    let mut session = rec.session();
    let out = std::io::stdout();
    let mut heard = 0usize;
    let mut intents = 0usize;
    let print = |events: Vec<Event>, intents: &mut usize| -> Result<()> {
        let mut out = out.lock();
        for e in &events {
            *intents += usize::from(matches!(e, Event::Intent(_)));
            let line = if args.json {
                event_json(e)
            } else {
                event_human(e)
            };
            writeln!(out, "{line}")?;
        }
        out.flush()?;
        Ok(())
    };
    while !stopped(&stop) {
        let Some(chunk) = source.next()? else { break };
        heard += chunk.len() / channels as usize;
        print(session.push(&chunk, rate, channels)?, &mut intents)?;
        let too_long = args
            .input
            .max_seconds
            .is_some_and(|s| heard as f64 >= s * rate as f64);
        let enough = args.input.max_intents.is_some_and(|n| intents >= n);
        if too_long || enough {
            break;
        }
    }
    print(session.finish()?, &mut intents)?;
    if let Source::Mic(m) = &source {
        if m.dropped() > 0 {
            tracing::warn!(
                "{} capture chunks dropped (recognition fell behind)",
                m.dropped()
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
