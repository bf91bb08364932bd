//! Voice activity detection and endpointing on 16 kHz mono.
//!
//! Frame scores come from `earshot` (a small pure-Rust neural VAD, 16 ms frames); on top of it
//! we endpoint: onset after a run of voiced frames, pre-roll so the first syllable is kept,
//! hang-over before declaring the end, a minimum speech length and a maximum utterance length
//! so that noise cannot hold an utterance open forever. The pause the session judges (and the
//! audio's end for the speech model) begins where the voice fades by level, ahead of earshot's
//! smoothed score; the hang-over counts earshot's unvoiced frames alone.

use std::borrow::Cow;
use std::collections::VecDeque;

/// Samples per VAD frame (16 ms at 16 kHz), fixed by earshot.
pub const FRAME: usize = 256;
const RATE: u64 = 16_000;

/// Endpointing knobs, in milliseconds unless said otherwise.
#[derive(Debug, Clone, Copy, serde::Deserialize, serde::Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct VadConfig {
    /// Frame score at or above which a frame is voiced.
    pub threshold: f32,
    /// Voiced time needed to open an utterance.
    pub onset_ms: u32,
    /// Unvoiced time that closes an utterance.
    pub hangover_ms: u32,
    /// Audio kept before the onset.
    pub preroll_ms: u32,
    /// Shorter utterances (clicks, coughs) are dropped.
    pub min_speech_ms: u32,
    /// An utterance is cut when it reaches this length.
    pub max_utterance_ms: u32,
    /// Utterances whose voiced frames are quieter than this (dBFS RMS) are background
    /// (a TV across the room), not someone talking to the speaker. Commands in `samples/`
    /// and the LibriVox recordings sit at -16 to -27 dBFS.
    pub min_level_dbfs: f32,
    /// A frame more than this many dB under the utterance's voiced level counts as pause
    /// although earshot still scores it voiced: its score trails off for 3-7 frames after
    /// the voice stops (README, "The end of the voice"). 0: pauses are earshot's alone. In a
    /// room whose noise is within this of the voice, no frame is this quiet and nothing
    /// changes.
    pub pause_below_db: f32,
}

impl Default for VadConfig {
    fn default() -> Self {
        Self {
            threshold: 0.5,
            onset_ms: 64,
            hangover_ms: 300,
            preroll_ms: 320,
            min_speech_ms: 250,
            max_utterance_ms: 15_000,
            min_level_dbfs: -40.0,
            pause_below_db: 40.0,
        }
    }
}

/// The longest utterance: the speech model reads at most a 30 s window.
pub const MAX_UTTERANCE_MS: u32 = 30_000;

impl VadConfig {
    /// Every knob in a range where the endpointer works; an error names the knob and range.
    pub fn validate(&self) -> Result<(), String> {
        if !(self.threshold.is_finite() && self.threshold > 0.0 && self.threshold < 1.0) {
            return Err(format!(
                "vad.threshold = {} is not in (0, 1)",
                self.threshold
            ));
        }
        let frame_ms = (FRAME as u64 * 1000).div_ceil(RATE) as u32;
        for (name, v, lo, hi) in [
            ("onset_ms", self.onset_ms, frame_ms, 2_000),
            ("hangover_ms", self.hangover_ms, frame_ms, 5_000),
            ("preroll_ms", self.preroll_ms, 0, 2_000),
            ("min_speech_ms", self.min_speech_ms, 0, 10_000),
            (
                "max_utterance_ms",
                self.max_utterance_ms,
                1_000,
                MAX_UTTERANCE_MS,
            ),
        ] {
            if !(lo..=hi).contains(&v) {
                return Err(format!("vad.{name} = {v} is not in {lo}..={hi}"));
            }
        }
        if self.min_speech_ms >= self.max_utterance_ms {
            return Err(format!(
                "vad.min_speech_ms = {} is not below max_utterance_ms = {}",
                self.min_speech_ms, self.max_utterance_ms
            ));
        }
        if !(self.min_level_dbfs.is_finite() && (-120.0..=0.0).contains(&self.min_level_dbfs)) {
            return Err(format!(
                "vad.min_level_dbfs = {} is not in -120..=0",
                self.min_level_dbfs
            ));
        }
        if !(self.pause_below_db == 0.0 || (6.0..=120.0).contains(&self.pause_below_db)) {
            return Err(format!(
                "vad.pause_below_db = {} is neither 0 (off) nor in 6..=120",
                self.pause_below_db
            ));
        }
        Ok(())
    }
}

/// Whole frames covering `ms` milliseconds.
pub fn frames(ms: u32) -> usize {
    (ms as usize * RATE as usize / 1000).div_ceil(FRAME)
}

/// `audio` with every unvoiced run between two voiced frames longer than `keep` frames cut
/// to `keep` (half its start, half its end), by the frame flags `voiced` (one per 16 ms frame
/// of `audio`, the last possibly partial); borrowed as it is when no run is cut or `keep` is 0.
pub fn shorten_pauses<'a>(audio: &'a [f32], voiced: &[bool], keep: usize) -> Cow<'a, [f32]> {
    let first = voiced.iter().position(|&v| v);
    let last = voiced.iter().rposition(|&v| v);
    let (Some(first), Some(last)) = (first, last) else {
        return Cow::Borrowed(audio);
    };
    let mut cuts = Vec::new();
    let mut run_start = None;
    for (i, &v) in voiced.iter().enumerate().take(last + 1).skip(first) {
        match (v, run_start) {
            (false, None) => run_start = Some(i),
            (true, Some(s)) => {
                if keep > 0 && i - s > keep {
                    let from = s + keep / 2;
                    cuts.push((from * FRAME, (i - (keep - keep / 2)) * FRAME));
                }
                run_start = None;
            }
            _ => {}
        }
    }
    if cuts.is_empty() {
        return Cow::Borrowed(audio);
    }
    let mut out = Vec::with_capacity(audio.len());
    let mut at = 0;
    for (from, to) in cuts {
        let (from, to) = (from.min(audio.len()), to.min(audio.len()));
        out.extend_from_slice(&audio[at..from]);
        at = to;
    }
    out.extend_from_slice(&audio[at..]);
    Cow::Owned(out)
}

/// An utterance found in the stream; sample positions count from the start of the stream.
#[derive(Debug, Clone, PartialEq)]
pub struct Segment {
    pub start: u64,
    pub end: u64,
    pub samples: Vec<f32>,
    /// Stream position just after the last voiced frame (`end` less the pause heard: frames
    /// earshot scores unvoiced or under `pause_below_db`).
    pub voiced_end: u64,
    /// Cut by `max_utterance_ms` rather than by silence.
    pub forced: bool,
    /// RMS level of the voiced frames, dBFS.
    pub level_dbfs: f32,
    /// Whether each 16 ms frame of `samples` was voiced (the pre-roll before the onset
    /// counts as unvoiced).
    pub voiced: Vec<bool>,
}

impl Segment {
    pub fn start_ms(&self) -> u64 {
        self.start * 1000 / RATE
    }
    pub fn end_ms(&self) -> u64 {
        self.end * 1000 / RATE
    }
}

/// What the endpointer noticed while consuming audio.
#[derive(Debug, Clone, PartialEq)]
pub enum VadEvent {
    /// Speech began at this sample (pre-roll included).
    SpeechStart { at: u64 },
    /// Speech ended; the utterance's audio.
    SpeechEnd(Segment),
    /// What opened as speech was too short (click, cough) or too faint (background talk) to
    /// be an utterance.
    Discarded { start: u64, end: u64 },
}

/// Where an utterance being closed lies in the stream.
struct Span {
    start: u64,
    end: u64,
    voiced_end: u64,
}

enum State {
    Silence,
    /// Voiced frames seen so far that may open an utterance.
    Onset {
        voiced: usize,
    },
    Speech {
        start: u64,
        /// Frames since earshot last scored one voiced (what the hang-over counts).
        unvoiced: usize,
        /// Frames since the last one that was voiced and not under `pause_below_db` (at
        /// least `unvoiced`): the pause as the session judges it.
        pause: usize,
        voiced_total: usize,
    },
}

/// Streaming endpointer: push 16 kHz samples in chunks of any size.
pub struct Vad {
    config: VadConfig,
    detector: Box<earshot::Detector>,
    pending: Vec<f32>,
    /// Recent audio before any utterance, for pre-roll (bounded).
    history: VecDeque<f32>,
    current: Vec<f32>,
    /// Whether each frame of `current` was voiced.
    voiced: Vec<bool>,
    state: State,
    /// Samples consumed into frames so far.
    pos: u64,
    /// Sum of squares of the open utterance's voiced frames.
    voiced_energy: f64,
    /// The open utterance's hang-over in frames, when the caller changed it
    /// ([`Vad::set_hangover_ms`]); back to the configured one when it closes.
    hangover: Option<usize>,
}

impl Vad {
    pub fn new(config: VadConfig) -> Self {
        Self {
            config,
            detector: earshot::Detector::default_boxed(),
            pending: Vec::with_capacity(FRAME),
            history: VecDeque::new(),
            current: Vec::new(),
            voiced: Vec::new(),
            state: State::Silence,
            pos: 0,
            voiced_energy: 0.0,
            hangover: None,
        }
    }

    /// Changes the hang-over of the open utterance only (the session waits longer after a
    /// command still being said).
    pub fn set_hangover_ms(&mut self, ms: u32) {
        if self.in_speech() {
            self.hangover = Some(frames(ms));
        }
    }

    /// Ends the open utterance here, as the hang-over would have later (the session knows
    /// the command is whole); nothing when none is open.
    pub fn end_now(&mut self) -> Vec<VadEvent> {
        let mut events = Vec::new();
        if let State::Speech {
            start,
            pause,
            voiced_total,
            ..
        } = self.state
        {
            let span = self.span_to_here(start, pause);
            self.close(span, voiced_total, false, &mut events);
        }
        events
    }

    /// True while an utterance is open.
    pub fn in_speech(&self) -> bool {
        matches!(self.state, State::Speech { .. })
    }

    /// Stream position where the open utterance started.
    pub fn current_start(&self) -> Option<u64> {
        match self.state {
            State::Speech { start, .. } => Some(start),
            _ => None,
        }
    }

    /// Stream time consumed so far, in ms.
    pub fn position_ms(&self) -> u64 {
        self.pos * 1000 / RATE
    }

    /// Frames of pause at the end of the open utterance (unvoiced or under
    /// `pause_below_db`), if one is open.
    pub fn pause_frames(&self) -> Option<usize> {
        match self.state {
            State::Speech { pause, .. } => Some(pause),
            _ => None,
        }
    }

    /// Whether earshot itself has scored the open utterance's last frame unvoiced (its
    /// pause may have begun earlier, by level).
    pub fn voice_stopped(&self) -> bool {
        matches!(self.state, State::Speech { unvoiced, .. } if unvoiced > 0)
    }

    /// Audio of the open utterance so far (for partial transcripts).
    pub fn current(&self) -> &[f32] {
        &self.current
    }

    /// Whether each frame of [`Vad::current`] was voiced.
    pub fn current_voiced(&self) -> &[bool] {
        &self.voiced
    }

    /// Consumes samples, returning the events they complete.
    pub fn push(&mut self, samples: &[f32]) -> Vec<VadEvent> {
        let mut events = Vec::new();
        let mut rest = samples;
        while !rest.is_empty() {
            let take = (FRAME - self.pending.len()).min(rest.len());
            self.pending.extend_from_slice(&rest[..take]);
            rest = &rest[take..];
            if self.pending.len() == FRAME {
                let frame = std::mem::take(&mut self.pending);
                self.frame(&frame, &mut events);
                self.pending = frame;
                self.pending.clear();
            }
        }
        events
    }

    /// Ends the stream: closes an open utterance.
    pub fn finish(&mut self) -> Vec<VadEvent> {
        let mut events = Vec::new();
        if let State::Speech {
            start,
            unvoiced,
            pause,
            voiced_total,
        } = self.state
        {
            self.current.extend_from_slice(&self.pending);
            if !self.pending.is_empty() {
                self.voiced.push(unvoiced == 0);
            }
            let end = self.pos + self.pending.len() as u64;
            // The unjudged partial frame counts as voiced when speech was still going on.
            let voiced_end = if pause == 0 {
                end
            } else {
                self.pos - (pause * FRAME) as u64
            };
            let span = Span {
                start,
                end,
                voiced_end,
            };
            self.close(span, voiced_total, false, &mut events);
        }
        self.pending.clear();
        events
    }

    fn frame(&mut self, frame: &[f32], events: &mut Vec<VadEvent>) {
        let voiced = self.detector.predict_f32(frame) >= self.config.threshold;
        let energy: f64 = frame.iter().map(|&x| (x as f64) * (x as f64)).sum();
        self.pos += FRAME as u64;
        let c = self.config;
        match self.state {
            State::Silence | State::Onset { .. } => {
                self.remember(frame);
                if !voiced || matches!(self.state, State::Silence) {
                    self.voiced_energy = 0.0;
                }
                if voiced {
                    self.voiced_energy += energy;
                }
                let run = match self.state {
                    State::Onset { voiced: v } if voiced => v + 1,
                    _ if voiced => 1,
                    _ => 0,
                };
                if run >= frames(c.onset_ms) {
                    let keep = (frames(c.preroll_ms) * FRAME).min(self.history.len());
                    let start = self.pos - keep as u64;
                    self.current.clear();
                    self.current
                        .extend(self.history.iter().skip(self.history.len() - keep));
                    // The onset's voiced frames are the pre-roll's last ones.
                    let preroll = keep.div_ceil(FRAME);
                    self.voiced.clear();
                    self.voiced.resize(preroll.saturating_sub(run), false);
                    self.voiced.resize(preroll, true);
                    self.history.clear();
                    self.state = State::Speech {
                        start,
                        unvoiced: 0,
                        pause: 0,
                        voiced_total: run,
                    };
                    events.push(VadEvent::SpeechStart { at: start });
                } else {
                    self.state = if run > 0 {
                        State::Onset { voiced: run }
                    } else {
                        State::Silence
                    };
                }
            }
            State::Speech {
                start,
                unvoiced,
                pause,
                voiced_total,
            } => {
                self.current.extend_from_slice(frame);
                self.voiced.push(voiced);
                if voiced {
                    self.voiced_energy += energy;
                }
                let unvoiced = if voiced { 0 } else { unvoiced + 1 };
                let voiced_total = voiced_total + usize::from(voiced);
                let quiet = self.under_voice(energy, voiced_total);
                let pause = if voiced && !quiet { 0 } else { pause + 1 };
                let too_long = self.pos - start >= c.max_utterance_ms as u64 * RATE / 1000;
                let span = self.span_to_here(start, pause);
                if unvoiced >= self.hangover.unwrap_or(frames(c.hangover_ms)) {
                    // End at the last voiced frame plus the hang-over already heard.
                    self.close(span, voiced_total, false, events);
                } else if too_long {
                    self.close(span, voiced_total, true, events);
                } else {
                    self.state = State::Speech {
                        start,
                        unvoiced,
                        pause,
                        voiced_total,
                    };
                }
            }
        }
    }

    /// The open utterance from `start` to the frames consumed so far, its last `pause`
    /// frames the pause.
    fn span_to_here(&self, start: u64, pause: usize) -> Span {
        Span {
            start,
            end: self.pos,
            voiced_end: self.pos - (pause * FRAME) as u64,
        }
    }

    /// Whether a frame of this `energy` lies more than `pause_below_db` under the open
    /// utterance's voiced level so far.
    fn under_voice(&self, energy: f64, voiced_frames: usize) -> bool {
        let below = self.config.pause_below_db;
        let scaled = energy * 10f64.powf(below as f64 / 10.0) * voiced_frames.max(1) as f64;
        below > 0.0 && scaled < self.voiced_energy
    }

    fn remember(&mut self, frame: &[f32]) {
        self.history.extend(frame);
        let cap = frames(self.config.preroll_ms) * FRAME;
        while self.history.len() > cap {
            self.history.pop_front();
        }
    }

    fn close(
        &mut self,
        span: Span,
        voiced_frames: usize,
        forced: bool,
        events: &mut Vec<VadEvent>,
    ) {
        let Span {
            start,
            end,
            voiced_end,
        } = span;
        self.state = State::Silence;
        self.hangover = None;
        let samples = std::mem::take(&mut self.current);
        let voiced = std::mem::take(&mut self.voiced);
        let energy = std::mem::take(&mut self.voiced_energy);
        let rms = (energy / (voiced_frames.max(1) * FRAME) as f64).sqrt();
        let level_dbfs = (20.0 * rms.max(1e-10).log10()) as f32;
        let too_short =
            voiced_frames * FRAME * 1000 < self.config.min_speech_ms as usize * RATE as usize;
        if too_short || level_dbfs < self.config.min_level_dbfs {
            events.push(VadEvent::Discarded { start, end });
            return;
        }
        events.push(VadEvent::SpeechEnd(Segment {
            start,
            end,
            samples,
            voiced_end,
            forced,
            level_dbfs,
            voiced,
        }));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn knobs_outside_their_range_are_refused() {
        assert!(VadConfig::default().validate().is_ok());
        let off = VadConfig {
            pause_below_db: 0.0,
            ..VadConfig::default()
        };
        assert!(off.validate().is_ok());
        let d = VadConfig::default;
        for bad in [
            VadConfig {
                threshold: f32::NAN,
                ..d()
            },
            VadConfig {
                threshold: 1.5,
                ..d()
            },
            VadConfig {
                hangover_ms: 0,
                ..d()
            },
            VadConfig {
                max_utterance_ms: 0,
                ..d()
            },
            VadConfig {
                max_utterance_ms: 120_000,
                ..d()
            },
            VadConfig {
                preroll_ms: u32::MAX,
                ..d()
            },
            VadConfig {
                min_speech_ms: 9_000,
                max_utterance_ms: 5_000,
                ..d()
            },
            VadConfig {
                min_level_dbfs: f32::INFINITY,
                ..d()
            },
            VadConfig {
                pause_below_db: 3.0,
                ..d()
            },
            VadConfig {
                pause_below_db: f32::NAN,
                ..d()
            },
        ] {
            assert!(bad.validate().is_err(), "{bad:?}");
        }
    }

    #[test]
    fn only_pauses_between_voiced_frames_longer_than_kept_are_shortened() {
        // Each frame's samples carry its index, to see which frames are left.
        let flags = "..vv....vv.v......v...";
        let voiced: Vec<bool> = flags.chars().map(|c| c == 'v').collect();
        let audio: Vec<f32> = (0..voiced.len() * FRAME)
            .map(|i| (i / FRAME) as f32)
            .collect();
        let left = |keep: usize| -> Vec<usize> {
            let out = shorten_pauses(&audio, &voiced, keep);
            out.chunks(FRAME).map(|f| f[0] as usize).collect()
        };
        // The leading and trailing pauses stay; the inner runs of 4 and 6 frames keep 2: one
        // frame of each end; the run of one frame is shorter.
        assert_eq!(
            left(2),
            [0, 1, 2, 3, 4, 7, 8, 9, 10, 11, 12, 17, 18, 19, 20, 21]
        );
        let mut five: Vec<usize> = (0..22).collect();
        five.retain(|&f| f != 14);
        assert_eq!(left(5), five);
        assert!(matches!(
            shorten_pauses(&audio, &voiced, 0),
            Cow::Borrowed(_)
        ));
        assert!(matches!(
            shorten_pauses(&audio, &voiced, 6),
            Cow::Borrowed(_)
        ));
        // A partial last frame: flags for it, and a cut never past the audio's end.
        assert_eq!(
            shorten_pauses(&audio[..audio.len() - 100], &voiced, 2).len(),
            16 * FRAME - 100
        );
    }
}
