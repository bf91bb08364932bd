//! The streaming session: PCM chunks of any size, rate and channel count in, events out.
//! A session is cheap and owns only streaming state; the loaded models are shared.

use super::dialog::{Dialog, Pending, Wording, DEFAULT_CONFIRM_WINDOW_MS};
use super::{Recognizer, Span, Utterance};
use crate::audio::{downmix, StreamResampler, TARGET_RATE};
use crate::error::Result;
use crate::intent::{domain::domain, says_again, Intent, SlotKind, SlotValue, Slots};
use crate::stt::{Lang, SttTimings, Transcript};
use crate::vad::{self, Segment, Vad, VadConfig, VadEvent};
use std::borrow::Cow;
use std::time::Instant;

/// Streaming options.
#[derive(Debug, Clone, Copy, serde::Deserialize, serde::Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct SessionConfig {
    pub vad: VadConfig,
    /// Emit a partial transcript every this many ms of ongoing speech (0: never).
    pub partial_every_ms: u32,
    /// Pause kept after the last voiced frame in the audio given to the speech model (whole
    /// 16 ms frames, at most the hang-over); the rest of the hang-over is not transcribed.
    pub tail_ms: u32,
    /// Transcribe an utterance as soon as its pause reaches `tail_ms`, while the endpointer
    /// is still waiting out the hang-over, so that the end of speech finds the work done.
    /// The audio is the same either way, so is the result; only the latency changes.
    pub speculate: bool,
    /// How long after its utterance ends a command that needs confirmation can still be
    /// confirmed (DOMAIN.md "Spending dialog").
    pub confirm_window_ms: u32,
    /// Adaptive end of utterance (with `speculate`): when the transcript made at `tail_ms`
    /// of pause is a command still being said ("add two litres of"), the pause may last
    /// `incomplete_hangover_ms` before it ends the utterance.
    pub adaptive_end: bool,
    pub incomplete_hangover_ms: u32,
    /// With `adaptive_end`: a whole command ends after this much pause instead of the
    /// hang-over (`None`: never before it, which a config file writes as the hang-over's
    /// value; below `tail_ms`: once the transcript made at `tail_ms` is judged); a "yes" or
    /// "no" always waits the hang-over. People pause
    /// at commas longer than that ("read out my camping list, please"): what they say next
    /// within `join_within_ms` is heard with it and amends it (README, "The early end, by
    /// default").
    pub complete_end_ms: Option<u32>,
    /// An utterance that starts within this many ms of the last one's last voiced frame,
    /// and that finishes its command ("cross off the light bulbs" ... "from my list"), is
    /// heard together with it: its commands replace the last one's and carry `amends`
    /// (README, "A pause inside a command"). 0: never.
    pub join_within_ms: u32,
    /// A pause inside an utterance longer than this is cut to it in the audio given to the
    /// speech model (0: never); the endpointer still hears it whole. Whisper reads a pause
    /// to think as a sentence end ("I get rid of it. Yogurt on my shopping list.").
    pub pause_kept_ms: u32,
}

impl Default for SessionConfig {
    fn default() -> Self {
        Self {
            vad: VadConfig::default(),
            partial_every_ms: 0,
            tail_ms: 16,
            speculate: true,
            confirm_window_ms: DEFAULT_CONFIRM_WINDOW_MS,
            adaptive_end: true,
            incomplete_hangover_ms: 900,
            complete_end_ms: Some(48),
            join_within_ms: 1_000,
            pause_kept_ms: 240,
        }
    }
}

impl SessionConfig {
    /// Every option in a range where the session works; an error names the option.
    pub fn validate(&self) -> Result<(), String> {
        self.vad.validate()?;
        if self.partial_every_ms > 60_000 {
            return Err(format!(
                "partial_every_ms = {} is not in 0..=60000",
                self.partial_every_ms
            ));
        }
        if !(1..=MAX_CONFIRM_WINDOW_MS).contains(&self.confirm_window_ms) {
            return Err(format!(
                "confirm_window_ms = {} is not in 1..={MAX_CONFIRM_WINDOW_MS}",
                self.confirm_window_ms
            ));
        }
        if !(self.vad.hangover_ms..=MAX_INCOMPLETE_HANGOVER_MS)
            .contains(&self.incomplete_hangover_ms)
        {
            return Err(format!(
                "incomplete_hangover_ms = {} is not in {}..={MAX_INCOMPLETE_HANGOVER_MS} (from the hang-over)",
                self.incomplete_hangover_ms, self.vad.hangover_ms
            ));
        }
        if let Some(ms) = self.complete_end_ms {
            // Below `tail_ms` it ends the command as soon as the transcript made then says whole.
            if ms > self.vad.hangover_ms {
                return Err(format!(
                    "complete_end_ms = {ms} is longer than the hang-over ({} ms)",
                    self.vad.hangover_ms
                ));
            }
        }
        if self.join_within_ms > MAX_JOIN_WITHIN_MS {
            return Err(format!(
                "join_within_ms = {} is not in 0..={MAX_JOIN_WITHIN_MS}",
                self.join_within_ms
            ));
        }
        if self.pause_kept_ms > MAX_PAUSE_KEPT_MS {
            return Err(format!(
                "pause_kept_ms = {} is not in 0..={MAX_PAUSE_KEPT_MS}",
                self.pause_kept_ms
            ));
        }
        if self.tail_ms > self.vad.hangover_ms {
            return Err(format!(
                "tail_ms = {} is longer than the hang-over ({} ms)",
                self.tail_ms, self.vad.hangover_ms
            ));
        }
        Ok(())
    }

    /// The first `len` samples of an utterance's `audio` as the speech model hears them:
    /// pauses inside cut to `pause_kept_ms` (`voiced`: its frames' flags).
    fn stt_audio<'a>(&self, audio: &'a [f32], voiced: &[bool], len: usize) -> Cow<'a, [f32]> {
        let frames = len.div_ceil(vad::FRAME).min(voiced.len());
        let keep = vad::frames(self.pause_kept_ms);
        vad::shorten_pauses(&audio[..len], &voiced[..frames], keep)
    }

    /// Samples of pause kept at the end of an utterance for the speech model.
    fn tail_samples(&self) -> usize {
        vad::frames(self.tail_ms).min(vad::frames(self.vad.hangover_ms)) * vad::FRAME
    }

    /// Samples of an utterance given to the speech model: its `voiced` samples and the tail,
    /// within the `available` ones. The one rule for both the speculation during the pause
    /// and the final transcript, so that a speculation matches the utterance it predicted.
    fn stt_len(&self, voiced: usize, available: usize) -> usize {
        (voiced + self.tail_samples()).min(available)
    }
}

/// A pause longer than this ends even a command still being said.
const MAX_INCOMPLETE_HANGOVER_MS: u32 = 5_000;

/// Nobody continues a command after a longer pause than this.
const MAX_JOIN_WITHIN_MS: u32 = 5_000;

/// A pause kept longer than this is no shortening at all.
const MAX_PAUSE_KEPT_MS: u32 = 5_000;

/// Utterances heard together stay within the speech model's 30 s window.
const MAX_JOINED_SAMPLES: usize = 28 * TARGET_RATE as usize;

/// What the transcript at the start of a pause says of the utterance's end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// A whole command: end the utterance now.
    Complete,
    /// A command still being said: wait longer.
    Incomplete,
    /// Not sure: the ordinary hang-over.
    Unsure,
    /// Words that are no command (prose, a question to someone else): the ordinary
    /// hang-over, and no new transcript before a pause of `SLOW_TAIL_MS` (they rarely become
    /// one at the next comma, and a transcript at every short pause of a read book was most
    /// of the streaming cost; README, "The early end, by default").
    NoCommand,
}

/// The pause before the next transcript of an utterance heard as no command so far.
const SLOW_TAIL_MS: u32 = 128;

/// A confirmation asked for longer than this is no longer an answer to the question.
const MAX_CONFIRM_WINDOW_MS: u32 = 600_000;

/// A transcript made during the pause that may end an utterance, before the end is certain.
struct Speculation {
    /// Stream position where the utterance started.
    start: u64,
    /// Samples of the utterance transcribed.
    len: usize,
    transcript: Transcript,
    timings: SttTimings,
    /// Whether it is a whole command, once asked.
    verdict: Option<Verdict>,
    /// The transcript of the last utterance and this one heard together, when this one may
    /// continue it.
    joined: Option<(Transcript, SttTimings)>,
}

/// The last utterance, kept while a continuation of it may begin (`join_within_ms`).
struct Said {
    start: u64,
    span: Span,
    /// Stream position just after its last voiced frame.
    voiced_end: u64,
    /// The audio its transcript was made from.
    audio: Vec<f32>,
    /// Its commands (one at least), to tell whether a continuation changes them.
    commands: Vec<Utterance>,
    /// The spending dialog as it was before it.
    dialog_before: Dialog,
    /// It settled a pending action: the consumer may be spending already, so it stands.
    settled: bool,
    /// An action waited for an answer after it: a "yes" or "no" then is that answer, an
    /// utterance of its own. With none waiting, one resolves nothing and may be the rest of
    /// this one ("Show me my total cash back." ... "So far.") or say it again ("No." ...
    /// "Don't order it."). (An answer the intent model is unsure of is none: "Alexa, donate
    /// $20." ... "Doctors without borders.", a "no" at 0.48, is the charity.)
    answer_binds: bool,
    /// The intent model's acceptance bar (`threshold`): a command or answer it reads less
    /// sure than this is no whole command or answer of its own to the rules below.
    sure_bar: f32,
}

/// The complete shopping commands among `commands` (DOMAIN.md: a command is complete when
/// it has its required slots); out_of_scope is none, confirm and deny none either.
fn complete_commands(commands: &[Utterance]) -> usize {
    (commands.iter())
        .filter(|u| match (u.intent, &u.slots) {
            (Some(i), _) if !i.is_shopping_command() => false,
            (None, _) => false,
            (Some(i), Some(slots)) => domain().intent(i).is_complete(slots),
            (Some(i), None) => domain().intent(i).needs.is_empty(),
        })
        .count()
}

fn summary(commands: &[Utterance]) -> Vec<(Option<Intent>, Option<Slots>)> {
    (commands.iter())
        .map(|u| (u.intent, u.slots.clone()))
        .collect()
}

fn is_answer(u: &Utterance) -> bool {
    u.intent.is_some_and(Intent::is_answer)
}

/// Whether `alone`, heard after a whole command, may be a remark on it: shopping commands,
/// each without what it needs ("Cancel the blender order." ... "I don't need it anymore.":
/// remove_from_list with no item). Heard together, the intent model drops such a part unless
/// it is a command still being said (`IntentModel::commands`), so a joined reading without
/// it tells a remark.
fn is_remark(alone: &[Utterance]) -> bool {
    complete_commands(alone) == 0
        && !alone.is_empty()
        && alone
            .iter()
            .all(|u| u.intent.is_some_and(Intent::is_shopping_command))
}

/// Whether the first of `commands` is a fragment of a command ([`Domain::is_fragment`]).
///
/// [`Domain::is_fragment`]: crate::intent::domain::Domain::is_fragment
fn is_fragment(commands: &[Utterance]) -> bool {
    (commands.first())
        .is_some_and(|u| domain().is_fragment(&crate::intent::text::tokenize(&u.transcript)))
}

impl Said {
    /// Its transcript (every command of an utterance carries it).
    fn transcript(&self) -> &str {
        self.commands.first().map_or("", |u| u.transcript.as_str())
    }

    /// Whether an utterance starting at `start` is soon enough after this one's last voiced
    /// frame to continue it (`within`: `join_within_ms` in samples).
    fn in_reach(&self, within: usize, start: u64) -> bool {
        start.saturating_sub(self.voiced_end) <= within as u64
    }

    /// Whether an utterance with commands `alone`, `heard` samples of audio, starting at
    /// `start`, may continue this one: soon enough, nothing spent on its word, and not a
    /// "yes" or "no" that answers a waiting action (that is its own utterance, `answer_binds`).
    fn may_continue(&self, within: usize, start: u64, heard: usize, alone: &[Utterance]) -> bool {
        self.in_reach(within, start)
            && !self.settled
            && !alone.is_empty()
            && (!self.answer_binds || !alone.iter().any(is_answer))
            && self.audio.len() + heard <= MAX_JOINED_SAMPLES
    }

    /// Whether `alone`, starting at `start`, is an answer after this one's answer settled an
    /// action: that answer stands (the consumer may be spending already), but the same answer
    /// said again after a pause longer than the hang-over ("Yes." ... "Go ahead.") amends it
    /// with the same resolution rather than answering nothing.
    fn answer_said_again(&self, within: usize, start: u64, alone: &[Utterance]) -> bool {
        self.settled
            && self.in_reach(within, start)
            && !alone.is_empty()
            && alone.iter().all(is_answer)
    }

    /// Whether the intent model read `u` at least as sure as its acceptance bar.
    fn is_sure(&self, u: &Utterance) -> bool {
        u.confidence.is_some_and(|c| c >= self.sure_bar)
    }

    /// Whether this utterance and `alone` are two whole commands in a row (a fragment
    /// counts as none), each read sure: "We're almost out of this soap, can you?" ... "Put it
    /// on the list." (a read_list at 0.56) is one request.
    fn two_whole(&self, alone: &[Utterance]) -> bool {
        complete_commands(&self.commands) > 0
            && complete_commands(alone) > 0
            && !is_fragment(alone)
            && alone.iter().chain(&self.commands).all(|u| self.is_sure(u))
    }

    /// Whether the reading of both utterances together, `joined`, replaces this one's and
    /// `alone`'s: it holds a complete command, loses none of theirs (a fragment's do not
    /// count), and says something new, unless `alone` is a fragment or no command at all
    /// ("buy those trash bags" ... "again"; "reorder that" ... "last thing I bought").
    /// Two whole commands in a row stand apart unless the recogniser hears them as one
    /// sentence that is one whole command going on with the first one's intent: halves that
    /// each read as a command ("how much did I?" ... "save with coupons this year").
    fn continued_by(&self, alone: &[Utterance], joined: &[Utterance]) -> bool {
        if self.two_whole(alone) {
            return self.heard_as_one(alone, joined);
        }
        // A "yes" or "no" heard whole ("yes, please, place" ... "the order") counts here only:
        // one heard in a half is as often a mishearing ("donate" -> "don't make").
        let j = complete_commands(joined) + joined.iter().filter(|u| is_answer(u)).count();
        let fragment = is_fragment(alone);
        let theirs = complete_commands(&self.commands)
            + if fragment {
                0
            } else {
                complete_commands(alone)
            };
        let nothing = (alone.iter()).all(|u| u.intent == Some(Intent::OutOfScope));
        j >= 1
            && j >= theirs
            && joined
                .first()
                .is_some_and(|u| u.transcript != self.transcript())
            && (summary(joined) != summary(&self.commands)
                || fragment
                || nothing
                || is_remark(alone))
    }

    /// `joined` is one sentence holding one whole command that goes on with this one's
    /// intent and keeps every slot value of both utterances, whole or as words of its own
    /// ("cross off the light" ... "bulbs from my list": "light bulbs"); two commands heard as
    /// a run-on sentence lose one's values, or take the second's intent. Unless this one has
    /// no value to lose: a first half misheard as a command of a word or two ("can you" ->
    /// "Again", a reorder) is gone in a reading that is the second's command ("Can you share
    /// the party list with Mike?").
    fn heard_as_one(&self, alone: &[Utterance], joined: &[Utterance]) -> bool {
        let [one] = joined else {
            return false;
        };
        let slots = one.slots.clone().unwrap_or_default();
        let mut halves = (self.commands.iter().filter_map(|u| u.slots.as_ref()))
            .chain(alone.iter().filter_map(|u| u.slots.as_ref()));
        let goes_on_with = |us: &[Utterance]| us.first().is_some_and(|u| u.intent == one.intent);
        let no_values =
            (self.commands.iter()).all(|u| u.slots.as_ref().is_none_or(|s| *s == Slots::default()));
        complete_commands(joined) == 1
            && one.transcript != self.transcript()
            && one_sentence(&one.transcript)
            && (goes_on_with(&self.commands) || (no_values && goes_on_with(alone)))
            && halves.all(|h| holds_words(&slots, h))
    }

    /// This one's commands said again, when `alone` says nothing else (`says_again`: "Can
    /// you stop the delivery of the desk lamp?" ... "I want to cancel it.", "No." ... "Don't
    /// order it."): one command said twice, its words and values as first heard, spanning both
    /// utterances (`end_ms`). Whisper's reading of both together is not asked: it hears the
    /// name worse as often as better ("desk plan").
    fn said_again(&self, alone: &[Utterance], end_ms: u64) -> Option<Vec<Utterance>> {
        let restates = |u: &Utterance| {
            let words = crate::intent::text::tokenize(&u.transcript);
            let slots = u.slots.clone().unwrap_or_default();
            (self.commands.iter()).any(|said| match (said.intent, u.intent) {
                (Some(i), Some(j)) => says_again(
                    i,
                    &said.slots.clone().unwrap_or_default(),
                    j,
                    &slots,
                    &words,
                ),
                _ => false,
            })
        };
        let new = alone.first()?;
        if !alone.iter().all(restates) {
            return None;
        }
        let transcript = format!("{} {}", self.transcript(), new.transcript);
        let again = (self.commands.iter().cloned())
            .map(|u| Utterance {
                transcript: transcript.clone(),
                end_ms,
                timings_ms: new.timings_ms,
                ..u
            })
            .collect();
        Some(again)
    }
}

/// Whether `slots` holds every value `half` has, a text value as the same words or among
/// its own ("light" in "light bulbs").
fn holds_words(slots: &Slots, half: &Slots) -> bool {
    let padded = |t: &str| format!(" {t} ");
    (SlotKind::ALL.iter()).all(|&k| match (half.get(k), slots.get(k)) {
        (None, _) => true,
        (Some(SlotValue::Text(h)), Some(SlotValue::Text(j))) => padded(&j).contains(&padded(&h)),
        (h, j) => h == j,
    })
}

/// Whether the recogniser wrote `text` as one sentence: no word before the last ends in
/// '.', '?' or '!' ("5.4" is one word; "Dr." counts as an end, which only declines a join).
/// The rule by which a session takes two utterances heard together as one command, and by
/// which a pause kept inside an utterance is told from one Whisper wrote as a sentence end.
pub fn one_sentence(text: &str) -> bool {
    let words: Vec<&str> = text.split_whitespace().collect();
    let inner = &words[..words.len().saturating_sub(1)];
    !inner.iter().any(|w| w.ends_with(['.', '?', '!']))
}

/// What a session reports, with stream timestamps in ms from the first sample pushed.
#[derive(Debug, Clone, serde::Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    SpeechStart {
        at_ms: u64,
    },
    PartialTranscript {
        start_ms: u64,
        at_ms: u64,
        text: String,
    },
    SpeechEnd {
        start_ms: u64,
        end_ms: u64,
    },
    FinalTranscript {
        start_ms: u64,
        end_ms: u64,
        lang: Lang,
        text: String,
    },
    /// One command of the recognised utterance, shaped as DOMAIN.md's JSON object (one
    /// event per command, in spoken order).
    Intent(Box<Utterance>),
}

struct Input {
    rate: u32,
    channels: u16,
    resampler: StreamResampler,
}

pub struct Session {
    rec: Recognizer,
    config: SessionConfig,
    vad: Vad,
    input: Option<Input>,
    mono: Vec<f32>,
    resampled: Vec<f32>,
    /// Samples of the open utterance at the last partial transcript.
    partial_at: usize,
    speculation: Option<Speculation>,
    /// The tokens of the open utterance's latest transcript (a partial or a speculation)
    /// and where the utterance started: the next transcript's draft.
    heard: Option<(u64, Vec<u32>)>,
    vad_ms: f64,
    source: Option<String>,
    dialog: Dialog,
    said: Option<Said>,
}

fn to_ms(samples: u64) -> u64 {
    samples * 1000 / TARGET_RATE as u64
}

impl Session {
    pub fn new(rec: Recognizer, config: SessionConfig) -> Self {
        Self {
            rec,
            vad: Vad::new(config.vad),
            config,
            input: None,
            mono: Vec::new(),
            resampled: Vec::new(),
            partial_at: 0,
            speculation: None,
            heard: None,
            vad_ms: 0.0,
            source: None,
            dialog: Dialog::new(config.confirm_window_ms),
            said: None,
        }
    }

    /// Names the stream in the utterances it yields (e.g. a file path).
    pub fn with_source(mut self, source: impl Into<String>) -> Self {
        self.source = Some(source.into());
        self
    }

    /// The action waiting for a "yes" or "no", if any (it may have expired by now).
    pub fn pending(&self) -> Option<&Pending> {
        self.dialog.pending()
    }

    /// Drops the pending action: a later "yes" resolves nothing. Returns its id.
    pub fn cancel_pending(&mut self) -> Option<String> {
        self.dialog.cancel_pending()
    }

    /// Stream time in ms: the audio pushed so far, at 16 kHz.
    pub fn stream_ms(&self) -> u64 {
        self.vad.position_ms()
    }

    /// Pushes interleaved f32 samples in [-1, 1] at any rate (8-96 kHz) and channel count.
    pub fn push(&mut self, interleaved: &[f32], rate: u32, channels: u16) -> Result<Vec<Event>> {
        let mut events = Vec::new();
        self.ensure_input(rate, channels, &mut events)?;
        self.mono.clear();
        self.mono.extend(downmix(interleaved, channels));
        self.resampled.clear();
        if let Some(input) = self.input.as_mut() {
            input.resampler.push(&self.mono, &mut self.resampled)?;
        }
        self.feed_vad(&mut events)?;
        Ok(events)
    }

    /// Pushes interleaved 16-bit samples.
    pub fn push_i16(
        &mut self,
        interleaved: &[i16],
        rate: u32,
        channels: u16,
    ) -> Result<Vec<Event>> {
        let f: Vec<f32> = interleaved.iter().map(|&s| s as f32 / 32768.0).collect();
        self.push(&f, rate, channels)
    }

    /// Ends the stream: drains the resampler and closes an open utterance.
    pub fn finish(&mut self) -> Result<Vec<Event>> {
        let mut events = Vec::new();
        self.drain_input(&mut events)?;
        let t0 = Instant::now();
        let vad_events = self.vad.finish();
        self.vad_ms += t0.elapsed().as_secs_f64() * 1e3;
        for e in vad_events {
            self.handle(e, &mut events)?;
        }
        Ok(events)
    }

    fn ensure_input(&mut self, rate: u32, channels: u16, events: &mut Vec<Event>) -> Result<()> {
        if !(crate::audio::MIN_RATE..=crate::audio::MAX_RATE).contains(&rate) || channels == 0 {
            return Err(crate::error::AudioError::BadStream(format!(
                "{rate} Hz, {channels} channels (8000-96000 Hz, 1+ channels supported)"
            ))
            .into());
        }
        match &self.input {
            Some(i) if i.rate == rate && i.channels == channels => Ok(()),
            _ => {
                // A format change mid-stream: finish the old resampler's tail first.
                self.drain_input(events)?;
                self.input = Some(Input {
                    rate,
                    channels,
                    resampler: StreamResampler::new(rate)?,
                });
                Ok(())
            }
        }
    }

    fn drain_input(&mut self, events: &mut Vec<Event>) -> Result<()> {
        if let Some(mut old) = self.input.take() {
            self.resampled.clear();
            old.resampler.flush(&mut self.resampled)?;
            self.feed_vad(events)?;
        }
        Ok(())
    }

    fn feed_vad(&mut self, events: &mut Vec<Event>) -> Result<()> {
        let adaptive = self.adaptive();
        // With the adaptive end a pause is judged frame by frame, not once per push: a file
        // read a second at a time ends (or waits) where a live stream would.
        let step = if adaptive { vad::FRAME } else { usize::MAX };
        let samples = std::mem::take(&mut self.resampled);
        for piece in samples.chunks(step) {
            let t0 = Instant::now();
            let vad_events = self.vad.push(piece);
            self.vad_ms += t0.elapsed().as_secs_f64() * 1e3;
            for e in vad_events {
                self.handle(e, events)?;
            }
            if adaptive {
                self.adapt(events)?;
            }
        }
        self.resampled = samples;
        self.maybe_partial(events)?;
        self.maybe_speculate()
    }

    fn adaptive(&self) -> bool {
        self.config.adaptive_end && self.config.speculate
    }

    /// In a pause of `tail_ms`: gives the utterance a longer hang-over when its transcript
    /// is a command still being said, and the configured one otherwise (an "Actually," that
    /// waited long must not make the whole command after it wait too); ends it after
    /// `complete_end_ms` when it is a whole one.
    fn adapt(&mut self, events: &mut Vec<Event>) -> Result<()> {
        let pause = match self.vad.pause_frames() {
            Some(p) if p * vad::FRAME >= self.config.tail_samples() => p,
            _ => return Ok(()),
        };
        // A pause heard by level alone may be a gap between words or a stop: nothing is
        // judged there (a command cut mid-way often reads as no command), and the early end
        // waits for earshot to score a frame unvoiced. A live stream's pushes have already
        // asked for its transcript (`feed_vad`), which is then ready when earshot agrees; a
        // file's large blocks do not, and pay for no transcript at every gap between words.
        if !self.vad.voice_stopped() {
            return Ok(());
        }
        self.maybe_speculate()?;
        let Some(spec) = self.speculation.as_mut() else {
            return Ok(());
        };
        let verdict = match spec.verdict {
            Some(v) => v,
            None => {
                // What may finish the last utterance's command ("..., please", "for me")
                // is judged with it: alone it is a few words that open no command, and
                // would wait the longest hang-over.
                let heard = spec.joined.as_ref().map_or(&spec.transcript, |(j, _)| j);
                let v = *spec.verdict.insert(self.rec.verdict(heard));
                tracing::debug!(
                    text = heard.text,
                    verdict = ?v,
                    at_ms = self.vad.position_ms(),
                    pause_ms = pause * vad::FRAME * 1000 / TARGET_RATE as usize,
                    "pause judged"
                );
                v
            }
        };
        let hangover_ms = match verdict {
            Verdict::Incomplete => self.config.incomplete_hangover_ms,
            Verdict::Complete | Verdict::Unsure | Verdict::NoCommand => self.config.vad.hangover_ms,
        };
        self.vad.set_hangover_ms(hangover_ms);
        let end = self.config.complete_end_ms.map(vad::frames);
        if verdict == Verdict::Complete && end.is_some_and(|f| pause >= f) {
            for e in self.vad.end_now() {
                self.handle(e, events)?;
            }
        }
        Ok(())
    }

    /// In a pause of at least `tail_ms`, transcribes what the utterance will be if the pause
    /// turns out to be its end. Runs when a push returns, so audio pushed in large blocks
    /// (files) rarely pays for a speculation that new speech then voids.
    fn maybe_speculate(&mut self) -> Result<()> {
        let (Some(pause), Some(start)) = (self.vad.pause_frames(), self.vad.current_start()) else {
            return Ok(());
        };
        let pause = pause * vad::FRAME;
        let no_command = (self.speculation.as_ref())
            .is_some_and(|s| s.start == start && s.verdict == Some(Verdict::NoCommand));
        let mut wait = self.config.tail_samples();
        if no_command {
            wait = wait.max(vad::frames(SLOW_TAIL_MS) * vad::FRAME);
        }
        if !self.config.speculate || pause < wait {
            return Ok(());
        }
        let heard = self.vad.current().len();
        let len = self.config.stt_len(heard - pause, heard);
        if self
            .speculation
            .as_ref()
            .is_some_and(|s| s.start == start && s.len == len)
        {
            return Ok(());
        }
        let audio = (self.config).stt_audio(self.vad.current(), self.vad.current_voiced(), len);
        let (transcript, timings) = self.rec.transcribe_drafted(&audio, self.draft(start))?;
        self.heard = Some((start, transcript.tokens.clone()));
        let earlier = self.speculation.take().filter(|s| s.start == start);
        let (mut joined, mut verdict) = (None, None);
        if let Some(said) = &self.said {
            let within = self.join_within();
            let alone = (self.rec).utterance_from(transcript.clone(), timings, 0, 0);
            if said.answer_said_again(within, start, &alone) {
                // "Go ahead." alone reads as a command still being said; after a "Yes." that
                // settled a purchase it is that answer said again, which waits the
                // ordinary hang-over as every answer does.
                if said.said_again(&alone, 0).is_some() {
                    verdict = Some(Verdict::Unsure);
                }
            } else if said.may_continue(within, start, len, &alone) {
                // The last speculation's joined reading heard most of the same audio.
                let before = earlier.as_ref().and_then(|s| s.joined.as_ref());
                let draft = before.map_or(&[][..], |(t, _)| &t.tokens[..]);
                let both = [&said.audio[..], &audio].concat();
                joined = Some(self.rec.transcribe_drafted(&both, draft)?);
            }
        }
        self.speculation = Some(Speculation {
            start,
            len,
            transcript,
            timings,
            verdict,
            joined,
        });
        Ok(())
    }

    /// The draft for a transcript of the utterance that started at `start`: the tokens of
    /// its latest transcript, which heard most of the same audio (`Decoder::run_drafted`).
    fn draft(&self, start: u64) -> &[u32] {
        match &self.heard {
            Some((at, tokens)) if *at == start => tokens,
            _ => &[],
        }
    }

    /// `join_within_ms` in samples.
    fn join_within(&self) -> usize {
        self.config.join_within_ms as usize * TARGET_RATE as usize / 1000
    }

    /// The commands that replace the last utterance's when `seg` continues it, with the
    /// utterance they replace; None when `seg` stands alone. `audio`: the first `len` samples
    /// of `seg` as the speech model hears them.
    fn continuation(
        &mut self,
        seg: &Segment,
        len: usize,
        audio: &[f32],
        alone: &[Utterance],
        speculated: Option<(Transcript, SttTimings)>,
    ) -> Result<Option<(Vec<Utterance>, Said)>> {
        let within = self.join_within();
        let Some(said) = self.said.as_ref() else {
            return Ok(None);
        };
        if within > 0 && said.answer_said_again(within, seg.start, alone) {
            let again = said.said_again(alone, seg.end_ms());
            return Ok(again.and_then(|again| self.said.take().map(|said| (again, said))));
        }
        if within == 0 || !said.may_continue(within, seg.start, len, alone) {
            return Ok(None);
        }
        if let Some(again) = said.said_again(alone, seg.end_ms()) {
            return Ok(self.said.take().map(|said| (again, said)));
        }
        let (transcript, timings) = match speculated {
            Some(j) => j,
            None => (self.rec).transcribe(&[&said.audio[..], audio].concat())?,
        };
        let joined =
            (self.rec).utterance_from(transcript, timings, said.span.start_ms, seg.end_ms());
        tracing::debug!(
            said = said.transcript(),
            joined = joined.first().map(|u| u.transcript.as_str()),
            "continuation heard"
        );
        if said.continued_by(alone, &joined) {
            return Ok(self.said.take().map(|said| (joined, said)));
        }
        // Heard together, a half is heard worse as often as better ("besmati rice" ... "from
        // Tesco" -> "Bismarri's from Tesco"): the two transcripts as written, read as one.
        let Some(new) = alone.first() else {
            return Ok(None);
        };
        let text = format!("{} {}", said.transcript(), new.transcript);
        // Two whole commands join only as one sentence (`heard_as_one`): as written, two
        // sentences never are, and reading them is work after the end of speech for nothing.
        if said.two_whole(alone) && !one_sentence(&text) {
            return Ok(None);
        }
        let written = Transcript {
            text,
            lang: new.lang,
            ..Transcript::default()
        };
        let (start_ms, end_ms) = (said.span.start_ms, seg.end_ms());
        let by_text = (self.rec).utterance_from(written, SttTimings::default(), start_ms, end_ms);
        if !said.continued_by(alone, &by_text) {
            return Ok(None);
        }
        Ok(self.said.take().map(|said| (by_text, said)))
    }

    /// Samples of `seg` given to the speech model.
    fn stt_len(&self, seg: &Segment) -> usize {
        let heard = ((seg.end - seg.start) as usize).min(seg.samples.len());
        (self.config).stt_len((seg.voiced_end - seg.start) as usize, heard)
    }

    /// The utterance's transcript, and its reading together with the last utterance when
    /// that was made: the speculative ones when they covered the same audio, else `audio`'s
    /// (the first `len` samples of `seg` as the speech model hears them).
    #[allow(clippy::type_complexity)]
    fn final_transcript(
        &mut self,
        seg: &Segment,
        len: usize,
        audio: &[f32],
    ) -> Result<(Transcript, SttTimings, Option<(Transcript, SttTimings)>)> {
        match self.speculation.take() {
            Some(s) if s.start == seg.start && s.len == len => {
                Ok((s.transcript, s.timings, s.joined))
            }
            _ => {
                let (t, timings) = self.rec.transcribe_drafted(audio, self.draft(seg.start))?;
                Ok((t, timings, None))
            }
        }
    }

    fn maybe_partial(&mut self, events: &mut Vec<Event>) -> Result<()> {
        let every = self.config.partial_every_ms as usize * TARGET_RATE as usize / 1000;
        if every == 0 || !self.vad.in_speech() {
            return Ok(());
        }
        let current = self.vad.current();
        if current.len() < self.partial_at + every {
            return Ok(());
        }
        self.partial_at = current.len();
        let start = self.vad.current_start().unwrap_or(0);
        let (t, _) = self.rec.transcribe_partial(current, self.draft(start))?;
        self.heard = Some((start, t.tokens.clone()));
        if !t.text.is_empty() {
            events.push(Event::PartialTranscript {
                start_ms: to_ms(start),
                at_ms: to_ms(start + current.len() as u64),
                text: t.text,
            });
        }
        Ok(())
    }

    fn handle(&mut self, e: VadEvent, events: &mut Vec<Event>) -> Result<()> {
        match e {
            VadEvent::SpeechStart { at } => {
                self.partial_at = 0;
                self.speculation = None;
                let within = self.join_within();
                if (self.said.as_ref()).is_some_and(|s| !s.in_reach(within, at)) {
                    self.said = None;
                }
                events.push(Event::SpeechStart { at_ms: to_ms(at) });
            }
            VadEvent::Discarded { start, end } => events.push(Event::SpeechEnd {
                start_ms: to_ms(start),
                end_ms: to_ms(end),
            }),
            VadEvent::SpeechEnd(seg) => {
                let ended = Instant::now();
                let (start_ms, end_ms) = (seg.start_ms(), seg.end_ms());
                events.push(Event::SpeechEnd { start_ms, end_ms });
                let vad_ms = std::mem::take(&mut self.vad_ms);
                let len = self.stt_len(&seg);
                let audio = self.config.stt_audio(&seg.samples, &seg.voiced, len);
                let (transcript, stt_timings, joined) = self.final_transcript(&seg, len, &audio)?;
                let alone = (self.rec).utterance_from(transcript, stt_timings, start_ms, end_ms);
                let (mut commands, start, span, dialog_before, audio) =
                    match self.continuation(&seg, len, &audio, &alone, joined)? {
                        Some((mut joined, said)) => {
                            self.dialog.restore(&said.dialog_before);
                            for u in &mut joined {
                                u.amends = Some(said.span);
                            }
                            let span = Span {
                                start_ms: said.span.start_ms,
                                end_ms,
                            };
                            let audio = [&said.audio[..], &audio].concat();
                            (joined, said.start, span, said.dialog_before, audio)
                        }
                        None => {
                            let span = Span { start_ms, end_ms };
                            (alone, seg.start, span, self.dialog.clone(), audio.to_vec())
                        }
                    };
                let start_ms = span.start_ms;
                let text = commands
                    .first()
                    .map(|u| u.transcript.clone())
                    .unwrap_or_default();
                let wording = || Wording::of(self.rec.intent_model(), &text);
                let dialog = (self.dialog).settle(start_ms, end_ms, &mut commands, wording);
                let after_end = ended.elapsed().as_secs_f64() * 1e3;
                for (k, (u, dialog)) in commands.iter_mut().zip(dialog).enumerate() {
                    u.source = self.source.clone();
                    u.dialog = dialog;
                    // A spend folded into the answer before it leaves no gap.
                    u.part = u.part.map(|_| k);
                    u.timings_ms.vad = Some(vad_ms);
                    u.timings_ms.total += vad_ms;
                    u.timings_ms.after_end = Some(after_end);
                    u.timings_ms = u.timings_ms.rounded();
                }
                // Noise heard as nothing is no command to continue.
                self.said = (!commands.is_empty()).then(|| Said {
                    start,
                    span,
                    voiced_end: seg.voiced_end,
                    audio,
                    commands: commands.clone(),
                    dialog_before,
                    settled: commands
                        .iter()
                        .any(|u| matches!(u.dialog.resolves, Some(Some(_)))),
                    answer_binds: self.dialog.pending().is_some(),
                    sure_bar: self.rec.intent_model().settings.threshold,
                });
                if let Some(first) = commands.first() {
                    events.push(Event::FinalTranscript {
                        start_ms,
                        end_ms,
                        lang: first.lang,
                        text: first.transcript.clone(),
                    });
                }
                events.extend(commands.into_iter().map(|u| Event::Intent(Box::new(u))));
            }
        }
        Ok(())
    }
}

/// The commands as they stand once every continuation among them is applied: a command
/// whose utterance a later one amends is dropped (`Utterance::amends`).
pub fn standing(commands: &[Utterance]) -> Vec<Utterance> {
    let replaced: Vec<Span> = commands.iter().filter_map(|u| u.amends).collect();
    (commands.iter())
        .filter(|u| {
            let span = Span {
                start_ms: u.start_ms,
                end_ms: u.end_ms,
            };
            !replaced.contains(&span)
        })
        .cloned()
        .collect()
}

/// The command objects among `events`, in stream order, continuations and the commands
/// they amend alike (see [`standing`]).
pub fn utterances(events: &[Event]) -> Vec<Utterance> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::Intent(u) => Some((**u).clone()),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::DialogFields;

    fn command(text: &str, intent: Intent, slots: Slots) -> Utterance {
        Utterance {
            source: None,
            start_ms: 0,
            end_ms: 0,
            lang: crate::stt::Lang::En,
            transcript: text.into(),
            intent: Some(intent),
            confidence: Some(0.9),
            slots: Some(slots),
            requires_confirmation: Some(false),
            part: Some(0),
            dialog: DialogFields::default(),
            amends: None,
            timings_ms: Default::default(),
        }
    }

    fn item(item: &str, list: &str) -> Slots {
        Slots {
            item: Some(item.into()),
            list: Some(list.into()),
            ..Slots::default()
        }
    }

    fn said(commands: &[Utterance]) -> Said {
        Said {
            start: 0,
            span: Span {
                start_ms: 0,
                end_ms: 1_500,
            },
            voiced_end: 1_000,
            audio: vec![0.0; 16_000],
            commands: commands.to_vec(),
            dialog_before: Dialog::new(DEFAULT_CONFIRM_WINDOW_MS),
            settled: false,
            answer_binds: false,
            sure_bar: 0.62,
        }
    }

    const WITHIN: usize = 16_000;

    #[test]
    fn the_rest_of_a_command_continues_it() {
        use Intent::*;
        let first = said(&[command(
            "Remove the light bulbs.",
            RemoveFromList,
            item("light bulbs", "shopping"),
        )]);
        // Read alone, the rest is a command of its own; it begins with "from".
        let rest = [command(
            "from my party list.",
            ReadList,
            Slots {
                list: Some("party".into()),
                ..Slots::default()
            },
        )];
        assert!(first.may_continue(WITHIN, 1_200, 16_000, &rest));
        let joined = [command(
            "Remove the light bulbs from my party list.",
            RemoveFromList,
            item("light bulbs", "party"),
        )];
        assert!(first.continued_by(&rest, &joined));
        // Too late, or the joined reading loses the command: no continuation.
        assert!(!first.may_continue(WITHIN, 1_000 + WITHIN as u64 + 1, 16_000, &rest));
        let lost = [command(
            "Remove the light, both from my party list.",
            OutOfScope,
            Slots::default(),
        )];
        assert!(!first.continued_by(&rest, &lost));
    }

    #[test]
    fn two_whole_commands_and_answers_stand_alone() {
        use Intent::*;
        let add = said(&[command("Add milk.", AddToList, item("milk", "shopping"))]);
        let read = [command(
            "What's on my party list?",
            ReadList,
            Slots {
                list: Some("party".into()),
                ..Slots::default()
            },
        )];
        // Heard together as two sentences, or as one reading of neither's intent: apart.
        let both = [
            command(
                "Add milk. What's on my party list?",
                AddToList,
                item("milk", "shopping"),
            ),
            command(
                "Add milk. What's on my party list?",
                ReadList,
                read[0].slots.clone().unwrap(),
            ),
        ];
        assert!(!add.continued_by(&read, &both));
        assert!(add.two_whole(&read));
        // A second half the model reads unsure ("Put it on the list." as a read_list at
        // 0.56) is no second whole command: heard together, the two may be one request.
        let mut unsure = read.clone();
        unsure[0].confidence = Some(0.56);
        assert!(!add.two_whole(&unsure));
        assert!(add.continued_by(&unsure, &both));
        // A first half with no value, misheard as a command ("can you" -> "Again", a
        // reorder), is gone in one reading that is the second's command; one with a value
        // ("Add milk.") is not.
        let party_mike = Slots {
            list: Some("party".into()),
            contact: Some("mike".into()),
            ..Slots::default()
        };
        let again = said(&[command("Again", Reorder, Slots::default())]);
        let share = [command(
            "You shared the party list with Mike.",
            ShareProduct,
            party_mike.clone(),
        )];
        let one = [command(
            "Can you share the party list with Mike?",
            ShareProduct,
            party_mike,
        )];
        assert!(again.two_whole(&share));
        assert!(again.continued_by(&share, &one));
        assert!(!add.continued_by(&share, &one));
        let run_on = [command(
            "Add milk. What's on my party list?",
            ReadList,
            read[0].slots.clone().unwrap(),
        )];
        assert!(!add.continued_by(&read, &run_on));
        let other = [command(
            "Add milk what's on my party list",
            ReadList,
            read[0].slots.clone().unwrap(),
        )];
        assert!(!add.continued_by(&read, &other), "the second one's intent");
        let track = |t: &str, it: &str| command(t, TrackOrder, item(it, "shopping"));
        let order = said(&[track("Track my headphones order.", "headphones")]);
        let ink = [track("has my printer ink shipped yet", "printer ink")];
        let run_on = [track(
            "Track my headphones order as my printer ink shipped yet.",
            "printer ink",
        )];
        assert!(!order.continued_by(&ink, &run_on), "loses the headphones");
        // A "yes" answers the action waiting after a spend; after a list command it
        // resolves nothing, and may be heard with it.
        let yes = [command("Yes, go ahead.", Confirm, Slots::default())];
        assert!(add.may_continue(WITHIN, 1_200, 16_000, &yes));
        let mut buy = said(&[command("Buy milk.", Buy, item("milk", "shopping"))]);
        buy.answer_binds = true;
        assert!(!buy.may_continue(WITHIN, 1_200, 16_000, &yes));
        // The charity after "Alexa, donate $20.", which the intent model reads as no command
        // (a "no" it is unsure of is none), may be the rest.
        let mut donate = said(&[command("Alexa, donate $20.", Donate, Slots::default())]);
        donate.answer_binds = true;
        let charity = command("Doctors without borders.", OutOfScope, Slots::default());
        assert!(donate.may_continue(WITHIN, 1_200, 16_000, &[charity]));
        let mut spent = said(&[command("Yes.", Confirm, Slots::default())]);
        spent.settled = true;
        let rest = [command("the order", OutOfScope, Slots::default())];
        assert!(!spent.may_continue(WITHIN, 1_200, 16_000, &rest));
        assert!(
            !add.may_continue(WITHIN, 1_200, 16_000, &[]),
            "nothing heard"
        );
    }

    #[test]
    fn a_remark_after_a_whole_command_is_heard_with_it() {
        use Intent::*;
        let order = |item: &str| Slots {
            item: Some(item.into()),
            ..Slots::default()
        };
        let cancel = said(&[command(
            "Cancel the blender order.",
            CancelOrder,
            order("blender"),
        )]);
        let list = Slots {
            list: Some("shopping".into()),
            ..Slots::default()
        };
        // Heard alone, a remark reads as a command without its item; heard together, the
        // intent model drops it, and the first command stands, now with its remark.
        let remark = [command(
            "I don't need it anymore.",
            RemoveFromList,
            list.clone(),
        )];
        let joined = [command(
            "Cancel the blender order. I don't need it anymore.",
            CancelOrder,
            order("blender"),
        )];
        assert!(cancel.continued_by(&remark, &joined));
        // A second whole command the joined reading lost is no remark.
        let add = [command(
            "Add a dozen eggs to my shopping list.",
            AddToList,
            item("eggs", "shopping"),
        )];
        let joined = [command(
            "Cancel the blender order. Add a dozen eggs to my shopping list.",
            CancelOrder,
            order("blender"),
        )];
        assert!(!cancel.continued_by(&add, &joined));
    }

    #[test]
    fn two_halves_that_each_read_as_a_command_are_one_when_heard_as_one_sentence() {
        use Intent::*;
        let none = Slots::default;
        let what = said(&[command("What savings?", CheckSavings, none())]);
        let rest = [command(
            "Do I have on the Christmas list?",
            ReadList,
            Slots {
                list: Some("christmas".into()),
                ..Slots::default()
            },
        )];
        assert!(what.may_continue(WITHIN, 1_200, 16_000, &rest));
        let joined = [command(
            "What savings do I have on the Christmas list?",
            CheckSavings,
            rest[0].slots.clone().unwrap(),
        )];
        assert!(what.continued_by(&rest, &joined));
        // The second half dropped from the joined audio: the first one's reading again.
        let dropped = [command("What savings?", CheckSavings, none())];
        assert!(!what.continued_by(&rest, &dropped));
        // A name cut in two: each half's value is words of the joined one.
        let light = said(&[command(
            "Cross off the light.",
            RemoveFromList,
            item("light", "shopping"),
        )]);
        let bulbs = [command(
            "bulbs from my list.",
            RemoveFromList,
            item("bulbs", "shopping"),
        )];
        let joined = [command(
            "Cross off the light bulbs from my list.",
            RemoveFromList,
            item("light bulbs", "shopping"),
        )];
        assert!(light.continued_by(&bulbs, &joined));
        let lamp = [command(
            "Cross off the lamp.",
            RemoveFromList,
            item("lamp", "shopping"),
        )];
        assert!(!light.continued_by(&bulbs, &lamp));
    }

    #[test]
    fn a_command_said_again_with_nothing_new_is_one_command() {
        use Intent::*;
        let lamp = item("desk lamp", "shopping");
        let first = said(&[command("Stop the desk lamp's delivery.", CancelOrder, lamp)]);
        let again = [command(
            "I want to cancel it.",
            CancelOrder,
            Slots::default(),
        )];
        assert!(first.may_continue(WITHIN, 1_200, 16_000, &again));
        let one = first.said_again(&again, 3_000).expect("said again");
        assert_eq!(one.len(), 1);
        assert_eq!(
            one[0].transcript,
            "Stop the desk lamp's delivery. I want to cancel it."
        );
        assert_eq!(
            one[0].slots, first.commands[0].slots,
            "the values as first heard"
        );
        assert_eq!((one[0].start_ms, one[0].end_ms), (0, 3_000));
        // A value of its own, no word pointing back, or another intent: a command of its own.
        let kettle = item("kettle", "shopping");
        let other = [command("Cancel the kettle order.", CancelOrder, kettle)];
        assert!(first.said_again(&other, 3_000).is_none());
        let unpointed = [command("Cancel my order.", CancelOrder, Slots::default())];
        assert!(first.said_again(&unpointed, 3_000).is_none());
        let track = [command("Where is it?", TrackOrder, Slots::default())];
        assert!(first.said_again(&track, 3_000).is_none());
        // "No." ... "Don't order it.", nothing waiting for the answer.
        let no = said(&[command("No.", Deny, Slots::default())]);
        let dont = [command("Don't order it.", Deny, Slots::default())];
        assert!(no.may_continue(WITHIN, 1_200, 16_000, &dont));
        assert!(no.said_again(&dont, 3_000).is_some());
        // "Yes." that confirmed a purchase ... "Go ahead.": the same answer said again, not a
        // second "yes" that answers nothing; another answer or a command stands alone.
        let yes = Said {
            settled: true,
            ..said(&[command("Yes.", Confirm, Slots::default())])
        };
        let go_ahead = [command("Go ahead.", Confirm, Slots::default())];
        assert!(!yes.may_continue(WITHIN, 1_200, 16_000, &go_ahead));
        assert!(yes.answer_said_again(WITHIN, 1_200, &go_ahead));
        assert!(yes.said_again(&go_ahead, 3_000).is_some());
        let wait_no = [command("Wait, no.", Deny, Slots::default())];
        assert!(yes.said_again(&wait_no, 3_000).is_none());
        let add = [command("Add milk.", AddToList, item("milk", "shopping"))];
        assert!(!yes.answer_said_again(WITHIN, 1_200, &add));
        assert!(!yes.answer_said_again(WITHIN, 1_000 + WITHIN as u64 + 1, &go_ahead));
    }

    #[test]
    fn no_command_soon_after_a_command_is_heard_with_it_as_one_utterance_would_be() {
        use Intent::*;
        let add = said(&[command("Add milk.", AddToList, item("milk", "shopping"))]);
        let question = [command(
            "What time is it now?",
            OutOfScope,
            Slots::default(),
        )];
        let same = [command(
            "Add milk. What time is it now?",
            AddToList,
            item("milk", "shopping"),
        )];
        // DOMAIN.md drops non-shopping words beside a command in one utterance, and so here;
        // the joined reading is taken only when it is not the first one's word for word.
        assert!(add.continued_by(&question, &same));
        let unheard = [command("Add milk.", AddToList, item("milk", "shopping"))];
        assert!(!add.continued_by(&question, &unheard));
    }

    #[test]
    fn standing_drops_what_a_continuation_replaced() {
        use Intent::*;
        let mut first = command("Remove the light bulbs.", RemoveFromList, item("l", "s"));
        first.end_ms = 1_500;
        let mut rest = command("from my party list.", ReadList, Slots::default());
        (rest.start_ms, rest.end_ms) = (1_500, 3_000);
        let mut joined = command("Remove ... party list.", RemoveFromList, item("l", "p"));
        joined.end_ms = 3_000;
        joined.amends = Some(Span {
            start_ms: 0,
            end_ms: 1_500,
        });
        let mut next = command("Add milk.", AddToList, item("milk", "shopping"));
        (next.start_ms, next.end_ms) = (5_000, 6_000);
        let all = [first, joined.clone(), next.clone()];
        let kept = standing(&all);
        assert_eq!(kept.len(), 2);
        assert_eq!(kept[0].transcript, joined.transcript);
        assert_eq!(kept[1].transcript, next.transcript);
    }
}
