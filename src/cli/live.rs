//! Shared by `listen` and `serve`: where audio comes from, stop signals, event rendering.

use anyhow::{Context, Result};
use clap::Args;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use voxshop::audio::mic::{Mic, MicConfig, MicFormat};
use voxshop::pipeline::{Event, Utterance};

#[derive(Args, Debug, Clone)]
pub struct InputArgs {
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
    /// Stop after this many seconds of audio.
    #[arg(long, value_name = "S")]
    pub max_seconds: Option<f64>,
    /// Stop after this many intents.
    #[arg(long, value_name = "N")]
    pub max_intents: Option<usize>,
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

impl InputArgs {
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
    pub fn mic(args: &InputArgs) -> Result<Self> {
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

/// One JSON line per event.
pub fn event_json(e: &Event) -> String {
    serde_json::to_string(e).unwrap_or_else(|_| "{}".into())
}

/// The human view of an event.
pub fn event_human(e: &Event) -> String {
    let s = |ms: u64| ms as f64 / 1000.0;
    match e {
        Event::SpeechStart { at_ms } => format!("[{:>7.2} s] speech start", s(*at_ms)),
        Event::PartialTranscript { at_ms, text, .. } => {
            format!("[{:>7.2} s] ... {text}", s(*at_ms))
        }
        Event::SpeechEnd { start_ms, end_ms } => {
            format!(
                "[{:>7.2} s] speech end ({:.2} s)",
                s(*end_ms),
                s(end_ms - start_ms)
            )
        }
        Event::FinalTranscript {
            end_ms, lang, text, ..
        } => {
            format!("[{:>7.2} s] {}: {text}", s(*end_ms), lang.code())
        }
        Event::Intent(u) => format!(
            "[{:>7.2} s] -> {}  [{:.0} ms after end of speech]",
            s(u.end_ms),
            command_human(u).unwrap_or_else(|| "-".into()),
            u.timings_ms
                .after_end
                .unwrap_or(u.timings_ms.stt + u.timings_ms.intent)
        ),
    }
}

/// One command in words: intent, confidence, slots, and where it stands in the spending
/// dialog. `None` for an utterance without a command.
pub fn command_human(u: &Utterance) -> Option<String> {
    let intent = u.intent?;
    let slots = u
        .slots
        .as_ref()
        .map(|x| serde_json::to_string(x).unwrap_or_default())
        .unwrap_or_default();
    let d = &u.dialog;
    let dialog = match (&d.action_id, &d.resolves, &d.outcome) {
        (Some(id), _, _) => format!(
            "  needs confirmation: action {id} until {:.2} s",
            d.expires_ms.unwrap_or(0) as f64 / 1e3
        ),
        (_, Some(Some(id)), Some(Some(outcome))) => format!("  {outcome:?} {id}").to_lowercase(),
        (_, Some(None), _) => "  (nothing pending)".to_string(),
        _ => String::new(),
    };
    Some(format!(
        "{intent} ({:.2}) {slots}{dialog}",
        u.confidence.unwrap_or(0.0)
    ))
}
