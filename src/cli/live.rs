//! Shared by `listen` and `serve`: where audio comes from, stop signals, event rendering.

use anyhow::{Context, Result};
use clap::Args;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use voxshop::audio::mic::{Mic, MicConfig, MicFormat};
use voxshop::pipeline::Event;

/// The microphone to open (the flattened group `MicArgs`: `serve --input` refuses it).
#[derive(Args, Debug, Clone)]
pub struct MicArgs {
    /// Input device name or id (default: the system's default input).
    #[arg(long, value_name = "NAME")]
    pub device: Option<String>,
    /// Capture sample rate (default: the device's).
    #[arg(long, value_name = "HZ")]
    pub rate: Option<u32>,
    /// Capture channels (default: the device's).
    #[arg(long, value_name = "N")]
    pub channels: Option<u16>,
    /// Capture sample format (default: the device's).
    #[arg(long, value_enum)]
    pub format: Option<SampleFormat>,
}

/// What a live stream emits and when it stops: `listen` and `serve` alike.
#[derive(Args, Debug, Clone)]
pub struct StreamArgs {
    /// Emit partial transcripts every this many ms of speech (0: off) [default: 0].
    #[arg(long, value_name = "MS")]
    pub partial_every_ms: Option<u32>,
    /// Stop after this many seconds of audio.
    #[arg(long, value_name = "S", value_parser = positive_seconds)]
    pub max_seconds: Option<f64>,
    /// Stop after this many intents.
    #[arg(long, value_name = "N")]
    pub max_intents: Option<usize>,
}

fn positive_seconds(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() && v > 0.0 => Ok(v),
        _ => Err(format!("{s:?} is not a positive number of seconds")),
    }
}

impl StreamArgs {
    pub fn apply(&self, config: &mut voxshop::RecognizerConfig) {
        if let Some(ms) = self.partial_every_ms {
            config.session.partial_every_ms = ms;
        }
    }
}

/// Counts what a stream has heard and said, against `--max-seconds` and `--max-intents`.
pub struct Limits {
    max_frames: Option<f64>,
    max_intents: Option<usize>,
    frames: usize,
    intents: usize,
}

impl Limits {
    pub fn new(args: &StreamArgs, rate: u32) -> Self {
        Self {
            max_frames: args.max_seconds.map(|s| s * rate as f64),
            max_intents: args.max_intents,
            frames: 0,
            intents: 0,
        }
    }

    /// Counts a chunk of `frames` frames and its events; true once a limit is reached.
    pub fn count(&mut self, frames: usize, events: &[Event]) -> bool {
        self.frames += frames;
        self.intents += events
            .iter()
            .filter(|e| matches!(e, Event::Intent(_)))
            .count();
        self.max_frames.is_some_and(|m| self.frames as f64 >= m)
            || self.max_intents.is_some_and(|n| self.intents >= n)
    }
}

/// Capture sample format, as the command line names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SampleFormat {
    I16,
    F32,
}

impl SampleFormat {
    fn into_mic(self) -> MicFormat {
        match self {
            SampleFormat::I16 => MicFormat::I16,
            SampleFormat::F32 => MicFormat::F32,
        }
    }
}

impl MicArgs {
    pub fn mic_config(&self) -> MicConfig {
        MicConfig {
            device: self.device.clone(),
            rate: self.rate,
            channels: self.channels,
            format: self.format.map(SampleFormat::into_mic),
        }
    }
}

/// Audio in chunks: the microphone, or a WAV file (optionally paced in real time).
pub enum Source {
    Mic(Mic),
    File {
        samples: Vec<f32>,
        rate: u32,
        channels: u16,
        pos: usize,
        realtime: bool,
        started: Instant,
    },
}

impl Source {
    pub fn mic(args: &MicArgs) -> Result<Self> {
        let mic = Mic::open(&args.mic_config()).context("opening the microphone")?;
        tracing::info!(
            "capturing from {} at {} Hz, {} ch",
            mic.name,
            mic.rate,
            mic.channels
        );
        Ok(Source::Mic(mic))
    }

    pub fn file(path: &std::path::Path, realtime: bool) -> Result<Self> {
        let raw = voxshop::audio::read_wav(path)?;
        Ok(Source::File {
            samples: raw.samples,
            rate: raw.rate,
            channels: raw.channels,
            pos: 0,
            realtime,
            started: Instant::now(),
        })
    }

    pub fn format(&self) -> (u32, u16) {
        match self {
            Source::Mic(m) => (m.rate, m.channels),
            Source::File { rate, channels, .. } => (*rate, *channels),
        }
    }

    /// The next chunk; `Ok(None)` at the end of a file, an empty chunk when nothing arrived.
    pub fn next(&mut self) -> Result<Option<Vec<f32>>> {
        match self {
            Source::Mic(m) => Ok(Some(
                m.recv(Duration::from_millis(100))?.unwrap_or_default(),
            )),
            Source::File {
                samples,
                rate,
                channels,
                pos,
                realtime,
                started,
            } => {
                if *pos >= samples.len() {
                    return Ok(None);
                }
                // The clock starts with the first chunk, not at load: `serve --wait-client`
                // waits for its client in between, and the file must not then catch up.
                if *pos == 0 {
                    *started = Instant::now();
                }
                // 20 ms chunks, like a capture callback.
                let n = (*rate as usize / 50) * *channels as usize;
                let end = (*pos + n).min(samples.len());
                let chunk = samples[*pos..end].to_vec();
                *pos = end;
                if *realtime {
                    let due =
                        Duration::from_secs_f64(*pos as f64 / (*rate as f64 * *channels as f64));
                    if let Some(wait) = due.checked_sub(started.elapsed()) {
                        std::thread::sleep(wait);
                    }
                }
                Ok(Some(chunk))
            }
        }
    }
}

/// Set on SIGINT or SIGTERM.
pub fn stop_flag() -> Result<Arc<AtomicBool>> {
    let flag = Arc::new(AtomicBool::new(false));
    for sig in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        signal_hook::flag::register(sig, flag.clone()).context("installing signal handlers")?;
    }
    Ok(flag)
}

pub fn stopped(flag: &AtomicBool) -> bool {
    flag.load(Ordering::Relaxed)
}
