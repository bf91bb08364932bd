//! `voxshop listen`: live microphone -> events on stdout.

use super::args::ModelArgs;
use super::live::{stop_flag, stopped, Limits, MicArgs, Source, StreamArgs};
use super::render;
use anyhow::{Context, Result};
use clap::Args;
use std::io::Write;
use std::process::ExitCode;
use voxshop::pipeline::{Event, Recognizer, RecognizerConfig};

#[derive(Args, Debug)]
pub struct ListenArgs {
    #[command(flatten)]
    pub mic: MicArgs,
    #[command(flatten)]
    pub stream: StreamArgs,
    #[command(flatten)]
    pub model: ModelArgs,
    /// Print one JSON object per event (JSON Lines).
    #[arg(long)]
    pub json: bool,
    /// Print the input devices and exit.
    #[arg(long)]
    pub list_devices: bool,
}

pub fn run(args: ListenArgs, mut config: RecognizerConfig) -> Result<ExitCode> {
    if args.list_devices {
        for d in voxshop::audio::mic::input_devices()? {
            println!("{d}");
        }
        return Ok(ExitCode::SUCCESS);
    }
    args.model.apply(&mut config)?;
    args.stream.apply(&mut config);
    let rec = Recognizer::load(&config).context("loading models")?;
    let stop = stop_flag()?;
    let mut source = Source::mic(&args.mic)?;
    let (rate, channels) = source.format();
    let mut session = rec.session();
    let out = std::io::stdout();
    let mut limits = Limits::new(&args.stream, rate);
    let print = |events: &[Event]| -> Result<()> {
        let mut out = out.lock();
        for e in events {
            let line = if args.json {
                render::event_json(e)
            } else {
                render::event(e)
            };
            writeln!(out, "{line}")?;
        }
        out.flush()?;
        Ok(())
    };
    while !stopped(&stop) {
        let Some(chunk) = source.next()? else { break };
        let events = session.push(&chunk, rate, channels)?;
        print(&events)?;
        if limits.count(chunk.len() / channels as usize, &events) {
            break;
        }
    }
    print(&session.finish()?)?;
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
