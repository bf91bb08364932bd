//! Composition of the stages. The [`Recognizer`] holds the loaded models (loaded once, cheap
//! to clone, shared by sessions and threads); a [`Session`] streams audio through
//! resampling -> VAD -> STT -> intent and yields [`Event`]s.

mod dialog;
mod session;

pub use dialog::{Dialog, DialogFields, Outcome, Pending, Wording, DEFAULT_CONFIRM_WINDOW_MS};
pub use session::{one_sentence, standing, utterances, Event, Session, SessionConfig};

use crate::audio::{self, Pcm16k, TARGET_RATE};
use crate::catalog::Catalog;
use crate::error::{Result, SttError};
use crate::intent::features::Gazetteer;
use crate::intent::model::INCOMPLETE_AT;
use crate::intent::{Intent, IntentModel, IntentResult, SlotValue, Slots};
use crate::stt::{
    Bias, BiasMode, BiasStrength, DecodeOptions, EncoderWindow, Lang, ModelKind, Reading, Stt,
    SttTimings, Transcript,
};
use candle_core::Device;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

/// Everything needed to build a [`Recognizer`].
#[derive(Debug, Clone)]
pub struct RecognizerConfig {
    pub model: ModelKind,
    pub models_dir: PathBuf,
    /// Intent model directory (default: `$VOXSHOP_INTENT_MODEL` or `<models_dir>/intent`).
    pub intent_dir: Option<PathBuf>,
    /// The encoder window; `None` is the model's own (`EncoderWindow::for_model`).
    pub window: Option<EncoderWindow>,
    pub decode: DecodeOptions,
    pub session: SessionConfig,
    /// The household's catalogue (DOMAIN.md "Catalogue"); replaceable on a live recogniser
    /// with [`Recognizer::reload_catalog`] or [`Recognizer::set_catalog`].
    pub catalog: Option<PathBuf>,
    /// How the catalogue steers the speech model (README, "Catalogue-aware recognition").
    pub bias: BiasMode,
    pub bias_strength: BiasStrength,
    /// Compute threads (1..=256; default: [`crate::stt::default_threads`]). See that function
    /// for the environment variable a process should set to match.
    pub threads: Option<usize>,
    /// Threads of the decoder's quantised products (1..=`threads`; default: `threads`). 1
    /// keeps a decoder step steady when other programs take a core (README, "Speed": a busy
    /// core); see [`crate::stt::thread_env`] for the variable a process sets.
    pub decoder_threads: Option<usize>,
    /// Run the model once at load (default): a long-lived recogniser's first utterance is then
    /// as fast as the next. A one-shot run (`voxshop transcribe`) turns it off.
    pub warm_up: bool,
}

impl Default for RecognizerConfig {
    fn default() -> Self {
        Self {
            model: ModelKind::TinyEn,
            models_dir: default_models_dir(),
            intent_dir: None,
            window: None,
            decode: DecodeOptions::default(),
            session: SessionConfig::default(),
            catalog: None,
            bias: BiasMode::default(),
            bias_strength: BiasStrength::default(),
            threads: None,
            decoder_threads: None,
            warm_up: true,
        }
    }
}

/// `voxshop.toml`: every field optional, unknown keys rejected. Example:
///
/// ```toml
/// model = "base"
/// models_dir = "/var/lib/voxshop/models"
/// language = "fr"            # base only; detected between en and fr when absent
/// min_ctx = 500              # encoder floor, positions of 20 ms
/// margin_ctx = 100
/// padding_memory = true      # decoder reads the rest of the 30 s window from the stored silence
/// catalog = "/etc/voxshop/household.toml"   # the household's names (DOMAIN.md "Catalogue")
/// bias = "trie"              # how the names steer the speech model: off, prompt, trie, both
/// bias_bonus = 4.0           # logit bonus of a token that starts or continues a name
/// bias_margin = 5.0          # ... given only to tokens this close to the best one
/// bias_min_logprob = -5.5    # a name is kept if the model's mean log-probability of it is this
/// bias_rehear = 3.0          # a misheard name becomes a near entry the audio supports this nearly (negative: off)
/// threads = 2                # compute threads (default: physical cores)
/// decoder_threads = 1        # the decoder's: steadier beside other busy programs (default: threads)
/// rescue_beams = 4           # hear again by beam search a transcript that reads as no command (0: off)
/// [session]
/// partial_every_ms = 800
/// tail_ms = 16               # pause after the last voiced frame given to the speech model
/// speculate = true           # transcribe during the hang-over
/// confirm_window_ms = 8000   # how long a purchase can be confirmed after it is asked
/// adaptive_end = true        # wait longer in a pause after "add two litres of"
/// incomplete_hangover_ms = 900
/// complete_end_ms = 48       # end a whole command after this pause (adaptive_end = false: never)
/// join_within_ms = 1000      # hear the next utterance with this one if it finishes its command
/// pause_kept_ms = 240        # a longer pause inside an utterance is cut to this for the speech model
/// [session.vad]
/// hangover_ms = 250
/// min_level_dbfs = -45.0
/// pause_below_db = 40.0      # a frame this far under the voice is pause (0: earshot alone)
/// ```
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ConfigFile {
    pub model: Option<String>,
    pub models_dir: Option<PathBuf>,
    pub intent_dir: Option<PathBuf>,
    pub language: Option<String>,
    pub min_ctx: Option<usize>,
    pub margin_ctx: Option<usize>,
    pub padding_memory: Option<bool>,
    pub catalog: Option<PathBuf>,
    pub bias: Option<String>,
    pub bias_bonus: Option<f32>,
    pub bias_margin: Option<f32>,
    pub bias_min_logprob: Option<f32>,
    pub bias_rehear: Option<f32>,
    pub threads: Option<usize>,
    pub decoder_threads: Option<usize>,
    pub rescue_beams: Option<usize>,
    pub session: Option<SessionConfig>,
}

impl RecognizerConfig {
    /// The window to change: the model's own until something is changed. Choose the model
    /// first: a later change of model keeps a window set here.
    pub fn window_mut(&mut self) -> &mut EncoderWindow {
        let model = self.model;
        self.window
            .get_or_insert_with(|| EncoderWindow::for_model(model))
    }

    /// The window the recogniser will use.
    pub fn effective_window(&self) -> EncoderWindow {
        self.window
            .unwrap_or_else(|| EncoderWindow::for_model(self.model))
    }

    /// Defaults overridden by a TOML file.
    pub fn from_toml_file(path: &Path) -> Result<Self> {
        let bad =
            |reason: String| crate::error::Error::Config(format!("{}: {reason}", path.display()));
        let text = read_bounded(path).map_err(bad)?;
        let file: ConfigFile = toml::from_str(&text).map_err(|e| bad(e.to_string()))?;
        let mut c = Self::default();
        if let Some(m) = file.model {
            c.model = m.parse()?;
        }
        if let Some(d) = file.models_dir {
            c.models_dir = d;
        }
        c.intent_dir = file.intent_dir;
        if let Some(l) = file.language {
            c.decode.language = Some(l.parse().map_err(bad)?);
        }
        if let Some(n) = file.min_ctx {
            if !(1..=1500).contains(&n) {
                return Err(bad(format!("min_ctx = {n} is not in 1..=1500")));
            }
            c.window_mut().min_ctx = n;
        }
        if let Some(n) = file.margin_ctx {
            if n > 1500 {
                return Err(bad(format!("margin_ctx = {n} is not in 0..=1500")));
            }
            c.window_mut().margin_ctx = n;
        }
        if let Some(p) = file.padding_memory {
            c.window_mut().padding_memory = p;
        }
        if let Some(s) = file.session {
            c.session = s;
        }
        c.catalog = file.catalog;
        if let Some(b) = file.bias {
            c.bias = b.parse().map_err(bad)?;
        }
        if let Some(x) = file.bias_bonus {
            c.bias_strength.bonus = x;
        }
        if let Some(x) = file.bias_margin {
            c.bias_strength.margin = x;
        }
        if let Some(x) = file.bias_min_logprob {
            c.bias_strength.min_logprob = x;
        }
        if let Some(x) = file.bias_rehear {
            c.bias_strength.rehear = x;
        }
        c.threads = file.threads;
        c.decoder_threads = file.decoder_threads;
        if let Some(n) = file.rescue_beams {
            c.decode.rescue_beams = n;
        }
        c.validate().map_err(bad)?;
        Ok(c)
    }

    /// The settings checked together: session and endpointer ranges, and a language the
    /// model can speak.
    pub fn validate(&self) -> std::result::Result<(), String> {
        self.session.validate()?;
        if let Some(n) = self.threads {
            if !(1..=MAX_THREADS).contains(&n) {
                return Err(format!("threads = {n}: must be in 1..={MAX_THREADS}"));
            }
        }
        if let Some(n) = self.decoder_threads {
            let most = self.threads.unwrap_or(MAX_THREADS);
            if !(1..=most).contains(&n) {
                return Err(format!(
                    "decoder_threads = {n}: must be in 1..={most} (threads)"
                ));
            }
        }
        let BiasStrength {
            bonus,
            margin,
            min_logprob,
            rehear,
        } = self.bias_strength;
        if !(0.0..=MAX_BIAS_LOGITS).contains(&bonus) || !(0.0..=MAX_BIAS_LOGITS).contains(&margin) {
            return Err(format!(
                "bias_bonus = {bonus}, bias_margin = {margin}: each must be in 0..={MAX_BIAS_LOGITS}"
            ));
        }
        if !(-MAX_BIAS_LOGITS..=0.0).contains(&min_logprob) {
            return Err(format!(
                "bias_min_logprob = {min_logprob}: must be in -{MAX_BIAS_LOGITS}..=0"
            ));
        }
        if rehear.is_nan() || rehear > MAX_BIAS_LOGITS {
            return Err(format!(
                "bias_rehear = {rehear}: must be at most {MAX_BIAS_LOGITS} (negative: off)"
            ));
        }
        if self.decode.rescue_beams > MAX_BEAMS {
            return Err(format!(
                "rescue_beams = {}: must be in 0..={MAX_BEAMS}",
                self.decode.rescue_beams
            ));
        }
        if self.model == ModelKind::TinyEn && self.decode.language == Some(Lang::Fr) {
            return Err("language \"fr\" needs the multilingual model (model = \"base\")".into());
        }
        Ok(())
    }
}

/// The completer's probability under which a command is whole (the utterance ends at once);
/// from [`INCOMPLETE_AT`] it is one still being said (the pause may last
/// `incomplete_hangover_ms`); in between, the ordinary hang-over. README, "Adaptive end".
const COMPLETE_BELOW: f32 = 0.3;
/// Whether `text` ends on a name of `command` (its item, brand, shop, charity or contact) and
/// the command has what it needs: what the completer is taught to call whole ("buy a yoga mat
/// | from amazon", `intent::train::unsaid`), asked of the tagger, which reads names better than
/// the completer's end words do ("I'd like to order a yoga mat." read as unfinished, 0.68,
/// and waited 900 ms; README, "Session 43"). A number at the end is left to the completer
/// ("donate ten | to oxfam").
fn ends_on_its_name(command: &IntentResult, text: &str) -> bool {
    use crate::intent::text::tokenize;
    let Some(last) = tokenize(text).pop() else {
        return false;
    };
    let facts = crate::intent::domain::domain().intent(command.intent);
    command.intent != Intent::OutOfScope
        && !command.intent.is_answer()
        && facts.is_complete(&command.slots)
        && crate::catalog::NAME_KINDS
            .iter()
            .any(|&k| match command.slots.get(k) {
                Some(SlotValue::Text(v)) => tokenize(&v).last() == Some(&last),
                _ => false,
            })
}

/// A transcript of this many words or fewer that is no command is an opening ("Alexa",
/// "please"): the command is still to come.
const OPENING_WORDS: usize = 2;

/// A bias larger than this (in logits) would write names over any audio.
const MAX_BIAS_LOGITS: f32 = 20.0;
/// A transcript that reads as no command is heard again only when there is doubt: the intent
/// model gives what it reads (out_of_scope, or an answer) less than this probability, or the
/// speech model's mean log-probability per token is under the second. Chosen on the spoken
/// dev sets (README, "heard again only in doubt"); beyond them, another hearing of plain talk only
/// costs time, or finds a command in it that nobody said, and a clear "yes" heard again would
/// only make the dialog wait.
const HEAR_AGAIN_BELOW_P: f32 = 0.99;
const HEAR_AGAIN_BELOW_LOGPROB: f32 = -0.6;

/// [`Recognizer::reading`] of a transcript whose commands are `commands`.
fn reading_of(commands: &[IntentResult], t: &Transcript) -> Reading {
    if commands.iter().any(|c| c.intent.is_shopping_command()) {
        return Reading::Wanted;
    }
    let sure_not = |c: &IntentResult| c.confidence >= HEAR_AGAIN_BELOW_P;
    let doubt = !commands.iter().all(sure_not) || t.avg_logprob < HEAR_AGAIN_BELOW_LOGPROB;
    if doubt && t.lang == Lang::En {
        Reading::Doubtful
    } else {
        Reading::Unwanted
    }
}

/// A wider beam than this costs more than the second hearing can be worth.
pub const MAX_BEAMS: usize = 16;
/// More compute threads than this is a typo, not a machine.
const MAX_THREADS: usize = 256;

/// A settings file is small: more than this is not one (`--config /dev/zero`).
const MAX_CONFIG_BYTES: u64 = 1 << 20;

fn read_bounded(path: &Path) -> std::result::Result<String, String> {
    use std::io::Read;
    let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    let mut bytes = Vec::new();
    file.take(MAX_CONFIG_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| e.to_string())?;
    if bytes.len() as u64 > MAX_CONFIG_BYTES {
        return Err(format!(
            "larger than {MAX_CONFIG_BYTES} bytes: not a settings file"
        ));
    }
    String::from_utf8(bytes).map_err(|e| format!("not UTF-8 text: {e}"))
}

/// The first CUDA GPU when built with the `cuda` feature and one is present, else the CPU;
/// a GPU build that falls back says why, as it is many times slower than the user expects.
fn compute_device() -> Device {
    #[cfg(feature = "cuda")]
    {
        match Device::new_cuda(0) {
            Ok(gpu) => gpu,
            Err(e) => {
                tracing::warn!("no usable CUDA device ({e}); running on the CPU");
                Device::Cpu
            }
        }
    }
    #[cfg(not(feature = "cuda"))]
    {
        Device::Cpu
    }
}

/// `$VOXSHOP_MODELS`, else `models/` in the current directory.
pub fn default_models_dir() -> PathBuf {
    std::env::var_os("VOXSHOP_MODELS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("models"))
}

/// Per-stage wall-clock times in milliseconds (DOMAIN.md `timings_ms`).
#[derive(Debug, Clone, Copy, Default, serde::Serialize)]
pub struct Timings {
    pub decode_audio: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vad: Option<f64>,
    pub stt: f64,
    pub intent: f64,
    pub total: f64,
    /// Work left after the endpointer declared the end of speech (streaming only): what a
    /// user waits for beyond the hang-over. Lower than `total` when the transcript was made
    /// during the hang-over (see `SessionConfig::speculate`). Not in the JSON object, whose
    /// fields DOMAIN.md fixes; the live views print it.
    #[serde(skip)]
    pub after_end: Option<f64>,
}

impl Timings {
    /// Rounded to 0.01 ms for output.
    pub(crate) fn rounded(mut self) -> Self {
        let r = |x: f64| (x * 100.0).round() / 100.0;
        self.decode_audio = r(self.decode_audio);
        self.vad = self.vad.map(r);
        self.stt = r(self.stt);
        self.intent = r(self.intent);
        self.total = r(self.total);
        self.after_end = self.after_end.map(r);
        self
    }
}

/// One command of a recognised utterance: DOMAIN.md's JSON object. An utterance of several
/// commands gives several, in spoken order, numbered by `part`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Utterance {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    pub start_ms: u64,
    pub end_ms: u64,
    pub lang: Lang,
    pub transcript: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub intent: Option<Intent>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub confidence: Option<f32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub slots: Option<Slots>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub requires_confirmation: Option<bool>,
    /// Index of this command within its utterance.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub part: Option<usize>,
    /// The spending dialog: `action_id` + `expires_ms` on a command that needs confirmation,
    /// `resolves` + `outcome` on a confirm or deny.
    #[serde(flatten)]
    pub dialog: DialogFields,
    /// On the commands of a continuation: the earlier utterance whose commands these
    /// replace (README, "A pause inside a command"). Absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amends: Option<Span>,
    pub timings_ms: Timings,
}

/// A stretch of stream time, in ms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Span {
    pub start_ms: u64,
    pub end_ms: u64,
}

impl Utterance {
    fn with_command(&self, part: usize, r: IntentResult) -> Self {
        Self {
            intent: Some(r.intent),
            confidence: Some(r.confidence),
            slots: Some(r.slots),
            requires_confirmation: Some(r.requires_confirmation),
            part: Some(part),
            ..self.clone()
        }
    }
}

struct Models {
    stt: Stt,
    intent: IntentModel,
    session: SessionConfig,
    catalog_path: Option<PathBuf>,
    bias_mode: BiasMode,
    bias_strength: BiasStrength,
    /// Swapped whole when replaced: an utterance uses the catalogue it started with.
    catalog: std::sync::RwLock<Option<Household>>,
}

/// A catalogue and what it compiled to for the speech model.
#[derive(Clone)]
struct Household {
    catalog: Arc<Catalog>,
    bias: Option<Arc<Bias>>,
}

/// This process's resident memory now and at its peak (Linux; empty elsewhere), for the
/// load steps' log.
fn memory_in_use() -> String {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            .map(|kb| format!("{name} {} MB", kb / 1024))
    };
    ["VmRSS:", "VmHWM:", "RssAnon:", "RssFile:"]
        .iter()
        .filter_map(|f| field(f))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Loaded models; cloning shares them.
#[derive(Clone)]
pub struct Recognizer {
    models: Arc<Models>,
}

impl Recognizer {
    pub fn load(config: &RecognizerConfig) -> Result<Self> {
        config.validate().map_err(crate::error::Error::Config)?;
        // Each step's time at debug level (`voxshop -vv`): README, "Speed", model load.
        let mut step = Instant::now();
        let mut took = |what: &str| {
            tracing::debug!(
                "load: {what} {:.1} ms; memory {}",
                step.elapsed().as_secs_f64() * 1e3,
                memory_in_use()
            );
            step = Instant::now();
        };
        let intent_dir = crate::intent::model_dir(config.intent_dir.as_deref(), &config.models_dir);
        // The intent model and the catalogue are read on a second thread while the speech
        // model loads (README, "Speed": model load).
        let (stt, side) = std::thread::scope(|scope| {
            let side = scope.spawn(|| -> Result<_> {
                let t = Instant::now();
                let intent = IntentModel::load(&intent_dir)?;
                let catalog = match &config.catalog {
                    Some(path) => Some(Catalog::from_toml_file(path)?),
                    None => None,
                };
                Ok((intent, catalog, t.elapsed().as_secs_f64() * 1e3))
            });
            let stt = Stt::load(
                config.model,
                &config.models_dir,
                &compute_device(),
                config.threads,
            );
            let side = side.join().unwrap_or_else(|_| {
                Err(crate::intent::IntentError::Model {
                    path: intent_dir.display().to_string(),
                    reason: "its loading thread panicked".into(),
                }
                .into())
            });
            (stt, side)
        });
        let mut stt = stt?;
        let (intent, catalog, side_ms) = side?;
        took("speech model and tokenizer");
        tracing::debug!("load: intent model and catalogue {side_ms:.1} ms (in parallel)");
        stt.window = config.effective_window();
        stt.options = config.decode.clone();
        if config.warm_up {
            stt.warm_up().map_err(|e| SttError::CorruptModel {
                path: config.model.gguf_path(&config.models_dir),
                reason: format!("the model failed its first run: {e}"),
                fix: config.model.setup_command(),
            })?;
            took("warm-up run");
        }
        let rec = Self {
            models: Arc::new(Models {
                stt,
                intent,
                session: config.session,
                catalog_path: config.catalog.clone(),
                bias_mode: config.bias,
                bias_strength: config.bias_strength,
                catalog: std::sync::RwLock::new(None),
            }),
        };
        rec.set_catalog(catalog);
        Ok(rec)
    }

    /// The catalogue in use, if any.
    pub fn catalog(&self) -> Option<Arc<Catalog>> {
        self.household().map(|h| h.catalog)
    }

    fn household(&self) -> Option<Household> {
        self.models.catalog.read().ok().and_then(|c| c.clone())
    }

    /// What steers the speech model now: the catalogue's names, unless the catalogue speaks
    /// another language than the one the model is told to hear.
    fn bias(&self) -> Option<Arc<Bias>> {
        let h = self.household()?;
        let hears = match self.models.stt.config().is_multilingual() {
            true => self.models.stt.options.language,
            false => Some(Lang::En),
        };
        let speaks = hears.is_none_or(|l| h.catalog.applies_to(l));
        h.bias.filter(|_| speaks)
    }

    /// Replaces the catalogue for every session of this recogniser, from the next utterance.
    pub fn set_catalog(&self, catalog: Option<Catalog>) {
        let household = catalog.map(|catalog| {
            let bias = (self.models.bias_mode != BiasMode::Off).then(|| {
                let b = self.models.stt.bias(
                    catalog.spellings(),
                    self.models.bias_mode,
                    self.models.bias_strength,
                );
                Arc::new(b)
            });
            Household {
                catalog: Arc::new(catalog),
                bias,
            }
        });
        if let Ok(mut c) = self.models.catalog.write() {
            *c = household;
        }
    }

    /// Whether a transcript made in a pause is a whole command, one still being said, or
    /// neither (see `SessionConfig::adaptive_end`).
    pub(crate) fn verdict(&self, transcript: &Transcript) -> session::Verdict {
        use session::Verdict;
        let text = &transcript.text;
        if text.is_empty() {
            return Verdict::Unsure;
        }
        let (commands, _) = self.classify(text, None);
        let incomplete = if commands.last().is_some_and(|c| ends_on_its_name(c, text)) {
            0.0
        } else {
            self.models.intent.incomplete_prob(text)
        };
        tracing::debug!(text, incomplete, "completer");
        if incomplete >= INCOMPLETE_AT {
            return Verdict::Incomplete;
        }
        if incomplete > COMPLETE_BELOW {
            return Verdict::Unsure;
        }
        let ours = !commands.is_empty() && commands.iter().all(|c| c.intent != Intent::OutOfScope);
        // A "yes" or "no" settles a spend for good, so it is never ended early: what follows
        // may change it ("Yes, | I think we should wait"; prose cut at "Unless to be rather."
        // reads as a deny).
        let answers = commands.iter().any(|c| c.intent.is_answer());
        if ours && !answers && incomplete <= COMPLETE_BELOW {
            Verdict::Complete
        } else if ours {
            Verdict::Unsure
        } else if crate::intent::text::tokenize(text).len() <= OPENING_WORDS {
            // "Alexa", "please", "um, so": what people say before the command.
            Verdict::Incomplete
        } else {
            Verdict::NoCommand
        }
    }

    /// What an utterance's words are so far, for display: no second hearing. `draft`: as
    /// for [`Recognizer::transcribe_drafted`].
    pub(crate) fn transcribe_partial(
        &self,
        samples: &[f32],
        draft: &[u32],
    ) -> Result<(Transcript, SttTimings)> {
        let bias = self.bias();
        let wanted = |_: &Transcript| Reading::Wanted;
        Ok((self.models.stt).transcribe_window_read(samples, bias.as_deref(), &wanted, draft)?)
    }

    /// Transcribes one utterance, steered by the catalogue in use.
    pub(crate) fn transcribe(&self, samples: &[f32]) -> Result<(Transcript, SttTimings)> {
        self.transcribe_drafted(samples, &[])
    }

    /// As [`Recognizer::transcribe`], given the tokens of an earlier transcript of the same
    /// utterance (`Decoder::run_drafted`: the same transcript, sooner where they are right).
    pub(crate) fn transcribe_drafted(
        &self,
        samples: &[f32],
        draft: &[u32],
    ) -> Result<(Transcript, SttTimings)> {
        let bias = self.bias();
        let read = |t: &Transcript| self.reading(t);
        let (mut transcript, timings) =
            (self.models.stt).transcribe_window_read(samples, bias.as_deref(), &read, draft)?;
        // The hearing serves only to check names against a catalogue; without one it would
        // keep the decoder's view of the audio alive as long as the transcript (a speculation
        // and its joined reading wait through the pause): peak memory, README "Speed".
        if self.household().is_none() || self.models.bias_strength.rehear < 0.0 {
            transcript.hearing = None;
        }
        Ok((transcript, timings))
    }

    /// Whether a transcript is a shopping command, and if not, whether it is worth hearing
    /// again (`rescue_beams`). A "yes" or "no" is never wanted: an answer found in a second
    /// hearing of noise could settle a purchase nobody agreed to. French is not heard again:
    /// on the real French recordings every reading a second hearing found was a command
    /// nobody said (README, "heard again only in doubt").
    fn reading(&self, t: &Transcript) -> Reading {
        reading_of(&self.classify(&t.text, None).0, t)
    }

    /// Reads the configured catalogue file again (the daemon does on SIGHUP); on an error the
    /// catalogue in use stays. Returns the entries now in use, `None` without a catalogue file.
    pub fn reload_catalog(&self) -> Result<Option<usize>> {
        let Some(path) = &self.models.catalog_path else {
            return Ok(None);
        };
        let catalog = Catalog::from_toml_file(path)?;
        let n = catalog.len();
        self.set_catalog(Some(catalog));
        Ok(Some(n))
    }

    pub fn stt(&self) -> &Stt {
        &self.models.stt
    }

    pub fn intent_model(&self) -> &IntentModel {
        &self.models.intent
    }

    /// A new streaming session with the configured endpointing.
    pub fn session(&self) -> Session {
        Session::new(self.clone(), self.models.session)
    }

    /// The commands of a transcript (or typed text) in spoken order, and its language;
    /// `lang` is the STT's language when it knows it. No command for text without a word.
    pub fn classify(&self, text: &str, lang: Option<Lang>) -> (Vec<IntentResult>, Lang) {
        let catalog = self.catalog();
        let names = catalog.as_deref().map(|c| c as &dyn Gazetteer);
        self.models.intent.commands_with_names(text, lang, names)
    }

    /// Transcribes and classifies one utterance (16 kHz mono) into its command objects,
    /// without the dialog of a stream; none when it holds no words.
    pub fn recognize_segment(
        &self,
        samples: &[f32],
        start_ms: u64,
        end_ms: u64,
    ) -> Result<Vec<Utterance>> {
        let (transcript, t) = self.transcribe(samples)?;
        Ok(self.utterance_from(transcript, t, start_ms, end_ms))
    }

    /// Classifies a transcript into its command objects (no dialog fields yet: the session
    /// settles those); none when it holds no words.
    pub(crate) fn utterance_from(
        &self,
        transcript: Transcript,
        t: SttTimings,
        start_ms: u64,
        end_ms: u64,
    ) -> Vec<Utterance> {
        if transcript.text.is_empty() {
            return Vec::new();
        }
        let mut stt_ms = t.mel + t.encode + t.decode;
        let t0 = Instant::now();
        // tiny.en has no language token: its "en" is no evidence, so ask the text.
        let stt_lang = self
            .models
            .stt
            .config()
            .is_multilingual()
            .then_some(transcript.lang);
        let (mut commands, lang) = self.classify(&transcript.text, stt_lang);
        let catalog = self.catalog();
        let as_heard = commands.clone();
        if let Some(catalog) = &catalog {
            catalog.resolve_commands(&mut commands, lang, &transcript.text);
        }
        let intent_ms = t0.elapsed().as_secs_f64() * 1e3;
        if let Some(catalog) = &catalog {
            // The speech model's work: timed with it.
            let t1 = Instant::now();
            self.hear_names_again(catalog, &mut commands, &as_heard, lang, &transcript);
            stt_ms += t1.elapsed().as_secs_f64() * 1e3;
        }
        let u = Utterance {
            source: None,
            start_ms,
            end_ms,
            lang: transcript.lang,
            transcript: transcript.text,
            intent: None,
            confidence: None,
            slots: None,
            requires_confirmation: None,
            part: None,
            dialog: DialogFields::default(),
            amends: None,
            timings_ms: Timings {
                stt: stt_ms,
                intent: intent_ms,
                total: stt_ms + intent_ms,
                ..Default::default()
            },
        };
        let u = Utterance { lang, ..u };
        if commands.is_empty() {
            return vec![u];
        }
        commands
            .into_iter()
            .enumerate()
            .map(|(part, c)| u.with_command(part, c))
            .collect()
    }

    /// Name values the catalogue did not resolve, checked against the audio they were heard
    /// in (`Catalog::hear_names`, `Stt::score_readings`; README, issue 12).
    fn hear_names_again(
        &self,
        catalog: &Catalog,
        commands: &mut [IntentResult],
        as_heard: &[IntentResult],
        lang: Lang,
        transcript: &Transcript,
    ) {
        let margin = self.models.bias_strength.rehear;
        if margin < 0.0 || transcript.hearing.is_none() {
            return;
        }
        let stt = &self.models.stt;
        let mut score =
            |said: std::ops::Range<usize>, readings: &[(String, usize)], sure_too| match stt
                .score_readings(transcript, said, readings, sure_too)
            {
                Ok(scores) => scores,
                Err(e) => {
                    tracing::warn!("names not heard again: {e}");
                    None
                }
            };
        catalog.hear_names(
            commands,
            as_heard,
            lang,
            &transcript.text,
            margin,
            &mut score,
        );
    }

    /// Recognises the utterances of a whole 16 kHz signal through the streaming path: every
    /// command object in stream order, continuations and the objects they amend alike
    /// ([`standing`] gives them as they stand at the end).
    pub fn recognize(&self, pcm: &Pcm16k) -> Result<Vec<Utterance>> {
        let mut session = self.session();
        let mut events = Vec::new();
        for chunk in pcm.samples.chunks(TARGET_RATE as usize) {
            events.extend(session.push(chunk, TARGET_RATE, 1)?);
        }
        events.extend(session.finish()?);
        Ok(utterances(&events))
    }

    /// Reads a WAV file of any supported format and recognises its utterances.
    pub fn recognize_file(&self, path: &Path) -> Result<Vec<Utterance>> {
        let t0 = Instant::now();
        let stream = audio::WavStream::open(path)?;
        self.recognize_wav(stream, &path.display().to_string(), t0)
    }

    /// Recognises a WAV stream (a file, a pipe, standard input) named `source`, read a
    /// second at a time: memory stays bounded whatever its length. `t0`: when reading began.
    pub fn recognize_wav(
        &self,
        mut wav: audio::WavStream,
        source: &str,
        t0: Instant,
    ) -> Result<Vec<Utterance>> {
        let mut decode_audio = t0.elapsed().as_secs_f64() * 1e3;
        let mut session = self.session().with_source(source);
        let mut events = Vec::new();
        let mut heard_any = false;
        loop {
            let t = Instant::now();
            let chunk = wav.read_frames(wav.rate as usize)?;
            decode_audio += t.elapsed().as_secs_f64() * 1e3;
            if chunk.is_empty() {
                break;
            }
            heard_any = true;
            events.extend(session.push(&chunk, wav.rate, wav.channels)?);
        }
        if !heard_any {
            return Err(crate::error::AudioError::Empty {
                path: source.into(),
            }
            .into());
        }
        events.extend(session.finish()?);
        let mut out = utterances(&events);
        for u in &mut out {
            u.timings_ms.decode_audio = decode_audio;
            u.timings_ms.total += decode_audio;
            u.timings_ms = u.timings_ms.rounded();
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_model_gets_its_own_window_until_one_is_set() {
        let mut c = RecognizerConfig::default();
        assert_eq!(
            c.effective_window(),
            EncoderWindow::for_model(ModelKind::TinyEn)
        );
        c.model = ModelKind::Base;
        let base = c.effective_window();
        assert_eq!(base, EncoderWindow::for_model(ModelKind::Base));
        assert!(base.min_ctx > EncoderWindow::for_model(ModelKind::TinyEn).min_ctx);
        // An override starts from the chosen model's window and changes only what it names.
        c.window_mut().margin_ctx = 42;
        assert_eq!(c.effective_window().min_ctx, base.min_ctx);
        assert_eq!(c.effective_window().margin_ctx, 42);
    }

    #[test]
    fn a_config_file_overrides_the_models_window_field_by_field() {
        let dir = std::env::temp_dir().join(format!("voxshop-window-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let f = dir.join("voxshop.toml");
        std::fs::write(&f, "model = \"base\"\nmargin_ctx = 60\n").unwrap();
        let c = RecognizerConfig::from_toml_file(&f).unwrap();
        let w = c.effective_window();
        assert_eq!(w.min_ctx, EncoderWindow::for_model(ModelKind::Base).min_ctx);
        assert_eq!(w.margin_ctx, 60);
    }

    #[test]
    fn the_decoders_threads_are_at_most_the_threads() {
        let with = |threads, decoder_threads| RecognizerConfig {
            threads,
            decoder_threads,
            ..Default::default()
        };
        assert!(with(Some(2), Some(1)).validate().is_ok());
        assert!(with(None, Some(1)).validate().is_ok());
        let err = with(Some(2), Some(3)).validate().unwrap_err();
        assert!(err.contains("decoder_threads = 3"), "{err}");
        assert!(with(Some(2), Some(0)).validate().is_err());
    }

    #[test]
    fn the_second_hearings_beam_width_is_set_and_checked_in_the_settings() {
        let dir = std::env::temp_dir().join(format!("voxshop-beams-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let f = dir.join("voxshop.toml");
        assert_eq!(RecognizerConfig::default().decode.rescue_beams, 4);
        std::fs::write(&f, "rescue_beams = 0\n").unwrap();
        let c = RecognizerConfig::from_toml_file(&f).unwrap();
        assert_eq!(c.decode.rescue_beams, 0);
        std::fs::write(&f, "rescue_beams = 17\n").unwrap();
        let err = RecognizerConfig::from_toml_file(&f)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("rescue_beams = 17") && err.contains("voxshop.toml"),
            "{err}"
        );
    }

    #[test]
    fn a_command_that_ends_on_its_name_with_what_it_needs_is_whole() {
        let command = |intent, slots| IntentResult {
            intent,
            confidence: 0.9,
            slots,
            requires_confirmation: false,
        };
        let buy = |item: &str| {
            command(
                Intent::Buy,
                Slots {
                    item: Some(item.into()),
                    ..Default::default()
                },
            )
        };
        assert!(ends_on_its_name(
            &buy("yoga mat"),
            "I'd like to order a yoga mat."
        ));
        let share = command(
            Intent::ShareProduct,
            Slots {
                item: Some("stroller".into()),
                contact: Some("priya".into()),
                ..Default::default()
            },
        );
        assert!(ends_on_its_name(&share, "Share the stroller with Priya."));
        // Words after the name, a list's name, a number, or a command without what it needs
        // are the completer's to judge.
        assert!(!ends_on_its_name(
            &buy("yoga mat"),
            "order a yoga mat for me"
        ));
        let add = command(
            Intent::AddToList,
            Slots {
                item: Some("milk".into()),
                list: Some("party".into()),
                ..Default::default()
            },
        );
        assert!(!ends_on_its_name(&add, "add milk to my party"));
        let donate = command(
            Intent::Donate,
            Slots {
                amount: Some(10.0),
                ..Default::default()
            },
        );
        assert!(!ends_on_its_name(&donate, "donate 10"));
        let share_nobody = command(
            Intent::ShareProduct,
            Slots {
                item: Some("stroller".into()),
                ..Default::default()
            },
        );
        assert!(!ends_on_its_name(&share_nobody, "share the stroller"));
        let talk = command(Intent::OutOfScope, Slots::default());
        assert!(!ends_on_its_name(&talk, "the stroller"));
    }

    #[test]
    fn only_an_english_reading_in_doubt_is_heard_again() {
        let said = |intent, confidence| IntentResult {
            intent,
            confidence,
            slots: Slots::default(),
            requires_confirmation: false,
        };
        let heard = |lang, avg_logprob| Transcript {
            text: "x".into(),
            lang,
            avg_logprob,
            ..Default::default()
        };
        let (sure, clear) = (heard(Lang::En, -0.1), said(Intent::OutOfScope, 0.999));
        // A command is what is wanted, even beside talk; an answer never is.
        let buy = said(Intent::Buy, 0.6);
        assert_eq!(reading_of(&[clear.clone(), buy], &sure), Reading::Wanted);
        assert_eq!(
            reading_of(&[said(Intent::Confirm, 0.9)], &sure),
            Reading::Doubtful
        );
        // A clear answer is kept as heard: the dialog is waiting for it.
        let yes = said(Intent::Confirm, 0.999);
        assert_eq!(reading_of(&[yes], &sure), Reading::Unwanted);
        // Plain talk, clearly heard: kept as it is.
        assert_eq!(
            reading_of(std::slice::from_ref(&clear), &sure),
            Reading::Unwanted
        );
        // The intent model in doubt, or the speech model: heard again.
        assert_eq!(
            reading_of(&[said(Intent::OutOfScope, 0.9)], &sure),
            Reading::Doubtful
        );
        assert_eq!(
            reading_of(std::slice::from_ref(&clear), &heard(Lang::En, -1.2)),
            Reading::Doubtful
        );
        // French never is.
        let french = heard(Lang::Fr, -1.2);
        assert_eq!(
            reading_of(&[said(Intent::OutOfScope, 0.5)], &french),
            Reading::Unwanted
        );
    }

    #[test]
    fn the_catalogues_steering_is_set_and_checked_in_the_settings() {
        let dir = std::env::temp_dir().join(format!("voxshop-bias-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let f = dir.join("voxshop.toml");
        std::fs::write(&f, "bias = \"both\"\nbias_bonus = 2.5\n").unwrap();
        let c = RecognizerConfig::from_toml_file(&f).unwrap();
        assert_eq!(c.bias, BiasMode::Both);
        assert_eq!(c.bias_strength.bonus, 2.5);
        assert_eq!(c.bias_strength.margin, BiasStrength::default().margin);
        for (text, says) in [
            ("bias = \"loud\"", "off, prompt, trie, both"),
            ("bias_margin = 100.0", "bias_margin = 100"),
            ("bias_bonus = nan", "bias_bonus = NaN"),
            ("bias_rehear = 30.0", "bias_rehear = 30"),
        ] {
            std::fs::write(&f, text).unwrap();
            let e = RecognizerConfig::from_toml_file(&f)
                .unwrap_err()
                .to_string();
            assert!(
                e.contains(says) && e.contains("voxshop.toml"),
                "{text}: {e}"
            );
        }
    }
}
