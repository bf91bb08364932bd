//! Speech to text: quantised Whisper (candle) with our own front-end and decoder loop.

pub mod assets;
pub(crate) mod bias;
pub mod convert;
mod ct2;
pub mod decode;
pub(crate) mod kernels;
pub(crate) mod layout;
mod mapped;
pub(crate) mod mel;
pub(crate) mod mel_filters;
pub mod model;
pub(crate) mod tokenizer;

pub use assets::ModelKind;
pub use bias::{Bias, BiasMode, BiasStrength};
pub use decode::{DecodeOptions, Transcript};
pub use tokenizer::Lang;

use crate::error::SttError;
use candle_core::Device;
use std::path::Path;
use std::time::Instant;

/// What a caller makes of a window's transcript (the recogniser: whether it is a shopping
/// command), which decides whether the window is heard again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reading {
    /// What the caller wants: kept.
    Wanted,
    /// Not wanted, and not near enough to what is to be worth another hearing: kept.
    Unwanted,
    /// Not wanted, but near: another reading of the same audio may be (a second hearing).
    Doubtful,
}

/// Samples per encoder position (two mel frames of 10 ms).
const SAMPLES_PER_CTX: usize = 2 * mel::HOP;
/// Longest window Whisper takes (30 s).
const WINDOW_SAMPLES: usize = 30 * 16_000;
/// Encoder positions of the silence readings are scored against (`Stt::score_readings`);
/// the padding memory stands for the rest of the 30 s window.
const SILENCE_CTX: usize = 25;
/// Tokens of a reading scored past the name in it (`Stt::score_readings`): enough for the
/// audio to say where the name ends; the rest of the sentence does not tell names apart.
const FOLLOWING_TOKENS: usize = 1;
/// A name the model heard with at least this log-probability (all its tokens together) is
/// not heard again: chosen on the spoken dev sets (README, issue 12), where it spares three
/// names in four of those no catalogue entry resolves ("desk lamp") the extra decoding.
pub(crate) const SURE_NAME_LOGPROB: f32 = -1.0;
/// RMS under which a window is digital silence and not worth decoding (-70 dBFS).
const SILENCE_RMS: f32 = 3e-4;

/// How much of the 30 s encoder window to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EncoderWindow {
    /// Never fewer encoder positions than this (1 position = 20 ms).
    pub min_ctx: usize,
    /// Positions of silence kept after the audio.
    pub margin_ctx: usize,
    /// Let the decoder read the rest of the 30 s window from the padding memory (the
    /// encoder's output for silence); off only to measure what it brings.
    pub padding_memory: bool,
}

impl EncoderWindow {
    /// The full 30 s window, as Whisper was trained.
    pub const FULL: Self = Self {
        min_ctx: 1500,
        margin_ctx: 0,
        padding_memory: true,
    };

    /// Encoder positions for `samples` of audio, capped at `max_ctx`.
    pub fn ctx_for(&self, samples: usize, max_ctx: usize) -> usize {
        let audio_ctx = samples.div_ceil(SAMPLES_PER_CTX);
        (audio_ctx + self.margin_ctx).max(self.min_ctx).min(max_ctx)
    }
}

impl EncoderWindow {
    /// The window each model was measured best with (README, "Accuracy of speech to text");
    /// the decoder reads the rest of the 30 s window from the padding memory (see
    /// `model::Whisper::start`).
    /// - tiny.en: 5 s floor, 2 s margin. English Asterisk prompts: WER 6.8 %, against 7.3 %
    ///   for the full window and 8.0 % without the padding memory; ~9x less encoder work.
    /// - base: 7.5 s floor, 3 s margin. Its French needs more context after the speech than
    ///   tiny.en's English: on all 527 French Asterisk prompts the 5 s + 2 s window lost a
    ///   point of WER to the full window and a 6 s floor half a point; this one is at least as
    ///   good (25.0 % against 25.6 %).
    pub fn for_model(kind: ModelKind) -> Self {
        match kind {
            ModelKind::TinyEn => Self {
                min_ctx: 250,
                margin_ctx: 100,
                padding_memory: true,
            },
            ModelKind::Base => Self {
                min_ctx: 375,
                margin_ctx: 150,
                padding_memory: true,
            },
        }
    }
}

/// Wall-clock time spent per STT step, in milliseconds.
#[derive(Debug, Clone, Copy, Default, serde::Serialize)]
pub struct SttTimings {
    pub mel: f64,
    pub encode: f64,
    pub decode: f64,
}

/// The loaded speech-to-text engine; immutable and shareable between threads.
pub struct Stt {
    model: model::Whisper,
    tokenizer: tokenizer::WhisperTokenizer,
    mel: mel::LogMel,
    pub window: EncoderWindow,
    pub options: DecodeOptions,
    /// The decoder started on silence, by language (`Stt::silence`).
    silence: [std::sync::OnceLock<decode::Hearing>; 2],
}

fn ms_since(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1e3
}

impl Stt {
    /// Loads `model.gguf` and `tokenizer.json` from a directory made by `voxshop setup`.
    /// `threads`: the compute pool's size (default: [`default_threads`]; see
    /// `size_compute_pool`).
    pub fn load(
        kind: ModelKind,
        models_dir: &Path,
        device: &Device,
        threads: Option<usize>,
    ) -> Result<Self, SttError> {
        let fix = kind.setup_command();
        let t0 = Instant::now();
        size_compute_pool(threads);
        // The tokenizer is read on a second thread while the weights load: a one-shot run
        // waits for the longer of the two, not their sum.
        let (model, tokenizer) = std::thread::scope(|scope| {
            let tokenizer = scope.spawn(|| {
                let t = Instant::now();
                let tokenizer =
                    tokenizer::WhisperTokenizer::load(&kind.tokenizer_path(models_dir), &fix);
                (tokenizer, ms_since(t))
            });
            let model = model::Whisper::load(&kind.gguf_path(models_dir), device, &fix);
            let weights_ms = ms_since(t0);
            let (tokenizer, tokenizer_ms) = tokenizer.join().unwrap_or_else(|_| {
                (
                    Err(SttError::Tokenizer("its loading thread panicked".into())),
                    0.0,
                )
            });
            tracing::debug!(
                "load: weights {weights_ms:.1} ms, tokenizer {tokenizer_ms:.1} ms (in parallel)"
            );
            (model, tokenizer)
        });
        let (model, tokenizer) = (model?, tokenizer?);
        let mel = mel::LogMel::new(&model.mel_filters, model.config.n_mels);
        Ok(Self {
            model,
            tokenizer,
            mel,
            window: EncoderWindow::for_model(kind),
            options: DecodeOptions::default(),
            silence: Default::default(),
        })
    }

    /// Runs the model once on a short window of silence: the first run of a process starts
    /// the thread pools and sizes their buffers, which made the first utterance ~35 ms slower
    /// than the next ones. A long-lived recogniser pays it at load instead of its first
    /// listener; a one-shot run skips it (`RecognizerConfig::warm_up`).
    pub fn warm_up(&self) -> candle_core::Result<()> {
        let frames = 2 * self.window.ctx_for(0, self.model.config.n_audio_ctx);
        let mel = vec![model::PAD_MEL; self.model.config.n_mels * frames];
        let audio = self.model.encode(&mel, frames)?;
        let mut state = self.model.start(&audio, self.window.padding_memory)?;
        let tok = &self.tokenizer;
        self.model
            .decode(&mut state, &[tok.sot, tok.no_timestamps], &[0, 1])?;
        self.model.decode(&mut state, &[tok.eot], &[0])?;
        self.silence(Lang::En)?;
        Ok(())
    }

    pub fn config(&self) -> &model::WhisperConfig {
        &self.model.config
    }

    /// The model, for benchmarks and tools that drive it step by step.
    pub fn model(&self) -> &model::Whisper {
        &self.model
    }

    pub fn tokenizer(&self) -> &tokenizer::WhisperTokenizer {
        &self.tokenizer
    }

    pub fn log_mel(&self) -> &mel::LogMel {
        &self.mel
    }

    /// Compiles a catalogue's names for this model's tokenizer (see [`Bias`]).
    pub fn bias<'n>(
        &self,
        names: impl IntoIterator<Item = &'n str>,
        mode: BiasMode,
        strength: BiasStrength,
    ) -> Bias {
        Bias::new(&self.tokenizer, names, mode, strength)
    }

    /// The audio features of one utterance's window (at most 30 s) and its encoder positions.
    fn encode_window(
        &self,
        samples: &[f32],
        timings: &mut SttTimings,
    ) -> Result<(candle_core::Tensor, usize), SttError> {
        let t0 = Instant::now();
        let ctx = self
            .window
            .ctx_for(samples.len(), self.model.config.n_audio_ctx);
        let frames = 2 * ctx;
        let mel = self.mel.compute(samples, frames);
        timings.mel = ms_since(t0);
        let t1 = Instant::now();
        let audio = self.model.encode(&mel, frames)?;
        timings.encode = ms_since(t1);
        Ok((audio, ctx))
    }

    /// Up to `width` readings of one utterance (at most 30 s) by beam search, best first,
    /// with no catalogue steering; none for silence.
    pub fn n_best(&self, samples: &[f32], width: usize) -> Result<Vec<Transcript>, SttError> {
        let samples = &samples[..samples.len().min(WINDOW_SAMPLES)];
        if rms(samples) < SILENCE_RMS {
            return Ok(Vec::new());
        }
        let (audio, _) = self.encode_window(samples, &mut SttTimings::default())?;
        let decoder = decode::Decoder::new(&self.model, &self.tokenizer);
        Ok(decoder.beams(&audio, self.window.padding_memory, &self.options, width)?)
    }

    /// Transcribes one utterance of at most 30 s (16 kHz mono), steered toward a
    /// catalogue's names by `bias`.
    pub fn transcribe_window(
        &self,
        samples: &[f32],
        bias: Option<&Bias>,
    ) -> Result<(Transcript, SttTimings), SttError> {
        self.transcribe_window_read(samples, bias, &|_| Reading::Wanted, &[])
    }

    /// As [`Stt::transcribe_window`]; when `read` finds the greedy transcript
    /// [`Reading::Doubtful`] and `DecodeOptions::rescue_beams` is set, the window is decoded
    /// again by beam search and the best-ranked reading that is [`Reading::Wanted`] replaces
    /// it (README, "the second hearing"). `draft`: the tokens of an earlier transcript of the
    /// same utterance, which make greedy decoding cheaper where they are right and change
    /// nothing it writes (`Decoder::run_drafted`).
    pub fn transcribe_window_read(
        &self,
        samples: &[f32],
        bias: Option<&Bias>,
        read: &dyn Fn(&Transcript) -> Reading,
        draft: &[u32],
    ) -> Result<(Transcript, SttTimings), SttError> {
        let samples = &samples[..samples.len().min(WINDOW_SAMPLES)];
        let mut timings = SttTimings::default();
        if rms(samples) < SILENCE_RMS {
            let t = Transcript {
                rejected: Some("silence"),
                no_speech_prob: 1.0,
                ..Default::default()
            };
            return Ok((t, timings));
        }
        let (audio, ctx) = self.encode_window(samples, &mut timings)?;
        let t2 = Instant::now();
        let decoder = decode::Decoder::new(&self.model, &self.tokenizer);
        let padding = self.window.padding_memory;
        let mut transcript = decoder.run_drafted(&audio, padding, &self.options, bias, draft)?;
        let width = self.options.rescue_beams;
        if width > 0 && !transcript.text.is_empty() && read(&transcript) == Reading::Doubtful {
            let beams = decoder.beams(&audio, padding, &self.options, width)?;
            let wanted = |b: &Transcript| !b.text.is_empty() && read(b) == Reading::Wanted;
            if let Some(b) = beams.into_iter().find(wanted) {
                tracing::debug!(greedy = transcript.text, beam = b.text, "second hearing");
                transcript = b;
            }
        }
        timings.decode = ms_since(t2);
        tracing::debug!(
            ctx,
            tokens = transcript.tokens.len(),
            mel_ms = timings.mel,
            encode_ms = timings.encode,
            decode_ms = timings.decode,
            no_speech = transcript.no_speech_prob,
            avg_logprob = transcript.avg_logprob,
            "window transcribed"
        );
        Ok((transcript, timings))
    }
}

impl Stt {
    /// The decoder started on a short window of silence (the padding memory follows it, as
    /// after any window) for `lang`, made at its first use.
    fn silence(&self, lang: Lang) -> candle_core::Result<decode::Hearing> {
        let cell = &self.silence[match lang {
            Lang::En => 0,
            Lang::Fr => 1,
        }];
        if let Some(s) = cell.get() {
            return Ok(s.clone());
        }
        let frames = 2 * SILENCE_CTX;
        let mel = vec![model::PAD_MEL; self.model.config.n_mels * frames];
        let audio = self.model.encode(&mel, frames)?;
        let decoder = decode::Decoder::new(&self.model, &self.tokenizer);
        let started = decoder.started(&audio, self.window.padding_memory, lang)?;
        Ok(cell.get_or_init(|| started).clone())
    }

    /// The model's own log-probability of the tokens of `transcript` that write the bytes
    /// `span` of its text.
    fn logprob_of_span(&self, transcript: &Transcript, span: std::ops::Range<usize>) -> f32 {
        let widths: Vec<usize> = (transcript.tokens.iter())
            .map(|&t| self.tokenizer.byte_len(t))
            .collect();
        let raw = self.tokenizer.decode(&transcript.tokens);
        // The text is the decoded tokens trimmed: its bytes start after the leading space.
        let mut at = -((raw.len() - raw.trim_start().len()) as isize);
        let mut sum = 0.0;
        for (w, lp) in widths.iter().zip(&transcript.token_logprobs) {
            let (start, end) = (at, at + *w as isize);
            if end > span.start as isize && start < span.end as isize {
                sum += lp;
            }
            at = end;
        }
        sum
    }

    /// How much likelier the audio a transcript was read from makes each of `readings` than
    /// silence does: log P(reading | audio) - log P(reading | silence). A reading is a text
    /// (the transcript with other words in place of `said`, its bytes that wrote a name) and
    /// the byte of it up to which it is scored, then `FOLLOWING_TOKENS` more: the same point
    /// of the audio in each. The second term takes out what the decoder expects of text
    /// alone, which ranks a rare name ("Seitenbacher") under any common word; what is left is
    /// the audio's evidence; it comes with the model's own log-probability of `said`. `None`
    /// when the model heard `said` sure enough (`SURE_NAME_LOGPROB`) and `sure_too` is false,
    /// or the transcript keeps no hearing (silence, or made elsewhere).
    pub fn score_readings(
        &self,
        transcript: &Transcript,
        said: std::ops::Range<usize>,
        readings: &[(String, usize)],
        sure_too: bool,
    ) -> Result<Option<crate::catalog::ReadingScores>, SttError> {
        let Some(heard) = &transcript.hearing else {
            return Ok(None);
        };
        let own = self.logprob_of_span(transcript, said);
        tracing::debug!(own, "name's own log-probability");
        if (own >= SURE_NAME_LOGPROB && !sure_too) || readings.is_empty() {
            return Ok(None);
        }
        // Whisper writes a space before a transcript's first word.
        let encode = |text: &str| self.tokenizer.encode(&format!(" {}", text.trim_start()));
        let readings: Vec<Vec<u32>> = readings
            .iter()
            .map(|(text, to)| {
                let head = encode(text.get(..*to).unwrap_or(text)).len();
                let mut tokens = encode(text);
                if tokens.len() <= head + FOLLOWING_TOKENS {
                    tokens.push(self.tokenizer.eot);
                }
                tokens.truncate(head + FOLLOWING_TOKENS);
                tokens
            })
            .collect();
        let shared = readings
            .iter()
            .map(|r| {
                readings[0]
                    .iter()
                    .zip(r)
                    .take_while(|(a, b)| a == b)
                    .count()
            })
            .min()
            .unwrap_or(0);
        let prefix = &readings[0][..shared];
        let endings: Vec<Vec<u32>> = readings.iter().map(|r| r[shared..].to_vec()).collect();
        let decoder = decode::Decoder::new(&self.model, &self.tokenizer);
        let scores = decoder.score_endings(heard, prefix, &endings)?;
        let prior = decoder.score_endings(&self.silence(transcript.lang)?, prefix, &endings)?;
        tracing::debug!(?scores, ?prior, "readings scored");
        Ok(Some(crate::catalog::ReadingScores {
            heard_logprob: own,
            evidence: scores.iter().zip(&prior).map(|(a, p)| a - p).collect(),
        }))
    }
}

/// The compute threads when the configuration names none: candle's own count (physical cores).
///
/// Candle sizes its work by `RAYON_NUM_THREADS`, read from the environment on every matrix
/// multiply; left unset, it re-reads /proc/cpuinfo each time (0.2 ms of a 2 ms decoder step
/// here). A process linking the library should set it at start-up, before any thread starts,
/// to the configuration's `threads` ([`thread_env`]; the command-line tool does; the library
/// never sets process-wide variables). `CANDLE_BARRIER_POOL_SPIN_LIMIT=5000` also helps on few cores:
/// the quantised-matmul workers' default 25 000 spins keep a core busy while the encoder's
/// GEMM runs, which cost the 3 s encoder 6 ms of its 42 on 2 cores.
pub fn default_threads() -> usize {
    candle_core::utils::get_num_threads()
}

/// The environment a process should set at start-up, before any thread starts, for `threads`
/// compute threads (see [`default_threads`]) and, when given, `decoder_threads` for the
/// decoder's quantised products: candle reads only these. The library returns them and never
/// sets them; a variable the user already set is left out.
///
/// `decoder_threads` sizes candle's own pool for Q8_0 matrix products (`CANDLE_NUM_THREADS`,
/// read once at its first use). One thread keeps a decoder step steady when another program
/// takes a core: candle's workers wait for each other at every product, so on 2 cores a step
/// went from 1.24 to 4.7 ms beside one busy core, where one thread takes 2.2 ms either way
/// (README, "Speed": a busy core).
pub fn thread_env(threads: usize, decoder_threads: Option<usize>) -> Vec<(&'static str, String)> {
    let mut env = vec![("RAYON_NUM_THREADS", threads.to_string())];
    if std::env::var_os("CANDLE_BARRIER_POOL_SPIN_LIMIT").is_none() {
        env.push(("CANDLE_BARRIER_POOL_SPIN_LIMIT", "5000".to_string()));
    }
    if let Some(n) = decoder_threads {
        env.push(("CANDLE_NUM_THREADS", n.to_string()));
    }
    env
}

/// Sizes rayon's global pool, which the encoder's GEMMs, our kernels and candle's parallel
/// loops share, to `threads` workers (default: [`default_threads`]). One pool for all of them:
/// a second one (a recogniser's own) left its workers competing with the decoder's on few
/// cores, 1.33 -> 1.57 ms per decoder token on 2. When the program built the global pool
/// itself, its size stays and a different `threads` is reported.
pub(crate) fn size_compute_pool(threads: Option<usize>) {
    let n = threads.unwrap_or_else(default_threads);
    if rayon::ThreadPoolBuilder::new()
        .num_threads(n)
        .build_global()
        .is_err()
        && rayon::current_num_threads() != n
    {
        tracing::warn!(
            "rayon's global pool already has {} threads; `threads = {n}` cannot change it",
            rayon::current_num_threads()
        );
    }
}

pub fn rms(samples: &[f32]) -> f32 {
    if samples.is_empty() {
        return 0.0;
    }
    (samples.iter().map(|x| x * x).sum::<f32>() / samples.len() as f32).sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoder_window_has_floor_margin_and_cap() {
        let w = EncoderWindow {
            min_ctx: 500,
            margin_ctx: 100,
            padding_memory: true,
        };
        assert_eq!(w.ctx_for(16_000, 1500), 500);
        assert_eq!(w.ctx_for(16_000 * 20, 1500), 1100);
        assert_eq!(w.ctx_for(16_000 * 30, 1500), 1500);
        assert_eq!(EncoderWindow::FULL.ctx_for(100, 1500), 1500);
    }
}
