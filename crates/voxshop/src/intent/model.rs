//! The trained joint model: intent classifier + BIO slot tagger, with calibration and
//! rejection, and its on-disk form (`models/intent/`: f16 safetensors + JSON settings).

use super::domain::{domain, PlaceWords};
use super::encoder::PieceMemo;
use super::features::{
    completion_features, intent_features, split_features, token_features, Gazetteer, NameMark,
    FEATURES_VERSION,
};
use super::lang::detect;
use super::net::{row_bytes, softmax, SavedRows, Scratch, SparseNet, MAX_HIDDEN};
use super::normalize::{normalize_slot, parse_number, MAX_AMOUNT};
use super::schema::{Intent, IntentResult, SlotKind, SlotValue, Slots};
use super::text::{join, pauses_of, tokenize, tokenize_with_breaks, Break};
use super::vectors::DenseInput;
use crate::stt::Lang;
use candle_core::{DType, Device, Tensor};
use std::collections::HashMap;
use std::path::Path;

/// Errors loading or saving the intent model.
#[derive(Debug, thiserror::Error)]
pub enum IntentError {
    #[error(
        "intent model {path}: {reason}; `scripts/setup` trains it (or `scripts/train-intent`)"
    )]
    Model { path: String, reason: String },
    #[error("intent data {path}: {reason}")]
    Data { path: String, reason: String },
}

/// Tagger labels: 0 = O, then B-/I- for each slot kind.
pub fn n_labels() -> usize {
    1 + 2 * SlotKind::ALL.len()
}
pub fn label_b(kind: SlotKind) -> usize {
    1 + 2 * kind.index()
}
pub fn label_i(kind: SlotKind) -> usize {
    2 + 2 * kind.index()
}
pub(crate) fn label_kind(label: usize) -> Option<SlotKind> {
    (label > 0).then(|| SlotKind::ALL[(label - 1) / 2])
}

/// Settings stored beside the weights; a key this build does not know is refused.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelSettings {
    pub buckets: usize,
    pub intent_hidden: usize,
    pub tagger_hidden: usize,
    /// Units of the splitter: the network that finds where a new command starts.
    pub splitter_hidden: usize,
    /// Units of the completer: the network that tells a whole command from one still being
    /// said ("add two litres of").
    pub completer_hidden: usize,
    /// Intent networks trained from successive seeds whose probabilities are averaged: one
    /// network's answer moved by a few points from seed to seed (README, "Training").
    pub ensemble: usize,
    /// Taggers, splitters and completers (each as many) trained from successive draws whose
    /// per-token probabilities are averaged: one such network is what moved most from seed to
    /// seed (README, "Training"). Absent in a file written before the field existed: one.
    #[serde(default = "one_labeller", skip_serializing_if = "is_one_labeller")]
    pub labellers: usize,
    /// Completers averaged, when not `labellers`: the completer decides when a whole command
    /// ends early, and one network's answer on a whole command moved from seed to seed more
    /// than the taggers' (README, "Session 43"). Absent: as many as `labellers`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completers: Option<usize>,
    /// Softmax temperature fitted on the dev set.
    pub temperature: f32,
    /// Below this probability of being in the domain at all (1 - p(out_of_scope), see
    /// [`Guess`]) a guess becomes `out_of_scope`. Fitted on the dev set.
    pub threshold: f32,
    /// The stricter bar for the spend intents (those that require confirmation: a false
    /// accept there starts a purchase dialog); never below `threshold`. Fitted on the dev set.
    pub spend_threshold: f32,
    pub seed: u64,
    pub corpus_sha256: String,
    /// The feature set the networks were trained on ([`FEATURES_VERSION`]); a model file
    /// written before the field existed read version 1.
    #[serde(default = "first_features_version")]
    pub features: u32,
    /// The one-word answers of the training corpus ("yes", "nope", "ouais"): a word alone
    /// is a confirm or deny only when it is one of them, so that "oh", "so" or "ah" (which
    /// the network, never shown them, read as "yes") cannot settle a purchase. Empty in a
    /// file written before the field existed: no word is held back then.
    #[serde(default)]
    pub answers: Vec<String>,
    /// The word vectors the intent networks read beside their n-grams (README, "Word
    /// vectors"); absent for networks that read none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vectors: Option<VectorSettings>,
}

/// Which word-vector table the intent networks were trained with, and how they read it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VectorSettings {
    /// The table, a file in the model's directory (`word_vectors.safetensors`).
    pub file: String,
    /// Its SHA-256: the networks were trained on exactly this table.
    pub sha256: String,
    /// Values per vector.
    pub dims: usize,
    /// The length of the utterance's vector as the networks read it.
    pub scale: f32,
}

impl VectorSettings {
    pub(crate) fn validate(&self) -> Result<(), String> {
        let plain_name = !self.file.is_empty()
            && !self.file.contains(['/', '\\'])
            && self.file != ".."
            && self.file != ".";
        if !plain_name {
            return Err(format!("vectors.file {:?} is not a file name", self.file));
        }
        if self.dims == 0 || self.dims > MAX_HIDDEN * 4 {
            return Err(format!(
                "vectors.dims {} is not in 1..={}",
                self.dims,
                MAX_HIDDEN * 4
            ));
        }
        if !(self.scale.is_finite() && self.scale > 0.0 && self.scale <= 100.0) {
            return Err(format!("vectors.scale {} is not in (0, 100]", self.scale));
        }
        Ok(())
    }
}

/// Dense inputs (and intent logits) an utterance's scratch remembers (its whole, sentences
/// and parts).
const DENSE_MEMO: usize = 32;

/// At most this many one-word answers in `intent.json`.
const MAX_ANSWERS: usize = 10_000;

fn first_features_version() -> u32 {
    1
}

fn one_labeller() -> usize {
    1
}

// serde's `skip_serializing_if` hands the field by reference.
#[allow(clippy::trivially_copy_pass_by_ref)]
fn is_one_labeller(n: &usize) -> bool {
    *n == 1
}

impl ModelSettings {
    /// How many completers the model averages (see `completers`).
    pub fn completer_count(&self) -> usize {
        completer_count(self.completers, self.labellers)
    }

    /// The acceptance bar of `intent`: the risk tier of spend intents is stricter.
    pub fn threshold_for(&self, intent: Intent) -> f32 {
        acceptance_bar(intent, self.threshold, self.spend_threshold)
    }

    /// Every number that sizes the model or decides its answers, checked before use.
    fn validate(&self) -> Result<(), String> {
        if self.features != FEATURES_VERSION {
            return Err(format!(
                "the networks were trained on features version {}, and this build computes \
                 version {FEATURES_VERSION}",
                self.features
            ));
        }
        if self.answers.len() > MAX_ANSWERS
            || (self.answers.iter()).any(|w| w.is_empty() || w.contains(char::is_whitespace))
            || self.answers.windows(2).any(|w| w[0] >= w[1])
        {
            return Err(format!(
                "answers: {} entries; at most {MAX_ANSWERS} single words, sorted, each once",
                self.answers.len()
            ));
        }
        if !self.buckets.is_power_of_two() || self.buckets > 1 << 24 {
            return Err(format!(
                "buckets {} is not a power of two up to 2^24",
                self.buckets
            ));
        }
        check_network_counts(self.ensemble, self.labellers, self.completer_count())?;
        if let Some(v) = &self.vectors {
            v.validate()?;
        }
        for (name, h) in [
            ("intent_hidden", self.intent_hidden),
            ("tagger_hidden", self.tagger_hidden),
            ("splitter_hidden", self.splitter_hidden),
            ("completer_hidden", self.completer_hidden),
        ] {
            if h == 0 || h > MAX_HIDDEN {
                return Err(format!("{name} {h} is not in 1..={MAX_HIDDEN}"));
            }
        }
        if !(self.temperature.is_finite() && self.temperature > 0.0) {
            return Err(format!(
                "temperature {} is not a positive number",
                self.temperature
            ));
        }
        for (name, t) in [
            ("threshold", self.threshold),
            ("spend_threshold", self.spend_threshold),
        ] {
            if !(0.0..1.0).contains(&t) {
                return Err(format!("{name} {t} is not in [0, 1)"));
            }
        }
        Ok(())
    }
}

/// The bar `intent` must clear under a general `threshold` and a `spend` threshold: the
/// stricter one for spend intents, never below the general one. The one rule for deciding
/// and for fitting the thresholds.
pub fn acceptance_bar(intent: Intent, threshold: f32, spend: f32) -> f32 {
    if intent.requires_confirmation() {
        spend.max(threshold)
    } else {
        threshold
    }
}

/// The classifier's first answer before rejection.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Guess {
    /// The most probable class (possibly `out_of_scope`).
    pub intent: Intent,
    /// Its probability: the confidence reported.
    pub p: f32,
    /// The probability that the request is for us at all (1 - p(out_of_scope)): what the
    /// thresholds bar. Not `p`: "buy a mouse from best buy" is split between buy and
    /// buy_for_me, each under half, yet surely a shopping request.
    pub in_domain: f32,
}

impl Guess {
    pub fn of(probs: &[f32]) -> Self {
        let (best, &p) = probs
            .iter()
            .enumerate()
            .max_by(|a, b| a.1.total_cmp(b.1))
            .unwrap_or((Intent::OutOfScope.index(), &1.0));
        let oos = probs
            .get(Intent::OutOfScope.index())
            .copied()
            .unwrap_or(1.0);
        Self {
            intent: Intent::ALL[best],
            p,
            in_domain: 1.0 - oos,
        }
    }
}

/// Most intent networks a model file may hold.
pub const MAX_ENSEMBLE: usize = 16;

/// How many completers are averaged when `completers` are asked for beside `labellers`: as
/// many as the labellers unless said (a file or a training without the field).
pub(crate) fn completer_count(completers: Option<usize>, labellers: usize) -> usize {
    completers.unwrap_or(labellers)
}

/// Whether a model may average `ensemble` intent networks, `labellers` taggers and splitters
/// and `completers` completers: each count in 1..=[`MAX_ENSEMBLE`]. Read at load and before
/// training.
pub(crate) fn check_network_counts(
    ensemble: usize,
    labellers: usize,
    completers: usize,
) -> Result<(), String> {
    for (name, n) in [
        ("ensemble", ensemble),
        ("labellers", labellers),
        ("completers", completers),
    ] {
        if !(1..=MAX_ENSEMBLE).contains(&n) {
            return Err(format!("{name} {n} is not in 1..={MAX_ENSEMBLE}"));
        }
    }
    Ok(())
}

pub struct IntentModel {
    pub settings: ModelSettings,
    /// The word vectors of `settings.vectors`, if the intent networks read them.
    pub vectors: Option<DenseInput>,
    /// `settings.ensemble` networks.
    pub intent_nets: Vec<SparseNet>,
    /// `settings.labellers` networks each, from here on (completers:
    /// `settings.completer_count()`).
    pub taggers: Vec<SparseNet>,
    /// Per token: inside the current command, start of a new one, or a joiner between two
    /// ("and then"), see [`SplitLabel`].
    pub splitters: Vec<SparseNet>,
    /// Whole command (0) or one still being said ([`INCOMPLETE`]).
    pub completers: Vec<SparseNet>,
}

/// What a scratch's `memo` keeps for a reading of `words`, if anything.
fn recall<'m, T>(memo: &'m [(Vec<String>, T)], words: &[String]) -> Option<&'m T> {
    memo.iter()
        .find(|(w, _)| w.as_slice() == words)
        .map(|(_, x)| x)
}

/// Keeps `x` in `memo` for the utterance's later readings of `words`; a scratch that serves
/// many utterances (calibration) keeps a few.
fn remember<T>(memo: &mut Vec<(Vec<String>, T)>, words: &[String], x: T) {
    if memo.len() >= DENSE_MEMO {
        memo.clear();
    }
    memo.push((words.to_vec(), x));
}

/// The mean of `nets`' softmax for one set of feature ids: all of a task's networks hash
/// into the same buckets, so the ids are computed once.
fn mean_probs(nets: &[SparseNet], feats: &[String], s: &mut Scratch) -> Vec<f32> {
    let Some(first) = nets.first() else {
        return Vec::new();
    };
    let ids = first.ids(feats.iter().map(String::as_str));
    let mut mean = vec![0.0; first.outputs];
    for net in nets {
        net.forward(&ids, s);
        for (m, p) in mean.iter_mut().zip(softmax(&s.logits)) {
            *m += p / nets.len() as f32;
        }
    }
    mean
}

/// What an intent network reads of each of `readings` beside its n-grams, in training and
/// after: the sentence encoder's embedding of their text (both languages; zeros if it could
/// not be loaded; the readings taken at once, sharing `memo`'s pieces), or the word vectors'
/// mean, whose pieces are English (uncased WordPiece), so French is read through its n-grams
/// alone (a zero vector), where the pieces of its words moved French answers the wrong way
/// (README, "Word vectors").
pub(crate) fn utterance_vectors(
    vectors: &DenseInput,
    readings: &[&[String]],
    scale: f32,
    memo: &mut PieceMemo,
) -> Vec<Vec<f32>> {
    match vectors {
        DenseInput::Sentences(encoder) => match encoder.get() {
            Some(encoder) => {
                let texts: Vec<String> = readings.iter().map(|tokens| tokens.join(" ")).collect();
                let texts: Vec<&str> = texts.iter().map(String::as_str).collect();
                let mut all = encoder.embed_many_with(&texts, memo);
                for v in &mut all {
                    v.iter_mut().for_each(|x| *x *= scale);
                }
                all
            }
            None => vec![vec![0.0; vectors.dims()]; readings.len()],
        },
        DenseInput::Words(words) => (readings.iter())
            .map(|tokens| match detect(tokens) {
                Lang::Fr => vec![0.0; words.dims()],
                _ => words.sentence(tokens, scale),
            })
            .collect(),
    }
}

/// Tensor names of a task's networks: the first is `name` (as in files written before there
/// were several), the others `name1`, `name2`, ...
fn member_name(name: &str, k: usize) -> String {
    match k {
        0 => name.to_string(),
        k => format!("{name}{k}"),
    }
}

/// The completer's output for a command still being said.
pub const INCOMPLETE: usize = 1;

/// The completer's probability from which words are a command still being said: the
/// endpointer waits longer after them (README, "Adaptive end"), and a part without what its
/// command needs is kept for the consumer to ask, not dropped as a remark.
pub const INCOMPLETE_AT: f32 = 0.5;

/// What the splitter says of a token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SplitLabel {
    Inside = 0,
    /// The first word of a new command ("add milk and **take** the butter off").
    Start = 1,
    /// A word joining two commands, part of neither ("and", "then", "et puis").
    Join = 2,
}

impl SplitLabel {
    pub const COUNT: usize = 3;
}

/// A tagged slot span over tokens `[start, end)`, with the tagger's mean log-probability.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Span {
    pub kind: SlotKind,
    pub start: usize,
    pub end: usize,
    pub score: f32,
}

impl Span {
    fn with_start(self, start: usize) -> Self {
        Self { start, ..self }
    }
}

impl IntentModel {
    /// Calibrated intent probabilities of `tokens`.
    pub fn intent_probs(&self, tokens: &[String], s: &mut Scratch) -> Vec<f32> {
        ensemble_probs(&self.intent_logits(tokens, s), self.settings.temperature)
    }

    /// Each ensemble member's raw logits for `tokens`.
    pub fn intent_logits(&self, tokens: &[String], s: &mut Scratch) -> Vec<Vec<f32>> {
        if let Some(logits) = recall(&s.intent_logits, tokens) {
            return logits.clone();
        }
        let logits = self.intent_logits_of(tokens, s);
        remember(&mut s.intent_logits, tokens, logits.clone());
        logits
    }

    /// [`Self::intent_logits`], computed.
    fn intent_logits_of(&self, tokens: &[String], s: &mut Scratch) -> Vec<Vec<f32>> {
        let Some(first) = self.intent_nets.first() else {
            return Vec::new();
        };
        // All members hash into the same `settings.buckets`: one set of ids serves them all.
        let feats = intent_features(tokens);
        let ids = first.ids(feats.iter().map(String::as_str));
        let x = match recall(&s.dense, tokens) {
            Some(x) => x.clone(),
            None => {
                let x = self.dense_vectors(&[tokens], s).pop().unwrap_or_default();
                let x: std::sync::Arc<[f32]> = x.into();
                remember(&mut s.dense, tokens, x.clone());
                x
            }
        };
        self.intent_nets
            .iter()
            .map(|net| {
                net.forward_with(&ids, &x, s);
                s.logits.clone()
            })
            .collect()
    }

    /// Computes the dense inputs of `readings` in one batch, for the calls to
    /// [`Self::intent_logits`] on them that follow (the same vectors as one by one: see
    /// `SentenceEncoder::embed_many`).
    fn prefetch_dense<'t>(&self, readings: impl Iterator<Item = &'t [String]>, s: &mut Scratch) {
        let mut missing: Vec<&[String]> = Vec::new();
        for words in readings {
            if !missing.contains(&words) && recall(&s.dense, words).is_none() {
                missing.push(words);
            }
        }
        if missing.len() < 2 {
            return;
        }
        for (words, x) in missing.iter().zip(self.dense_vectors(&missing, s)) {
            remember(&mut s.dense, words, x.into());
        }
    }

    /// What the intent networks read of each of `readings` beside their n-grams: the scaled
    /// sentence embedding or mean word vector, or nothing for networks trained without one.
    fn dense_vectors(&self, readings: &[&[String]], s: &mut Scratch) -> Vec<Vec<f32>> {
        match (&self.vectors, &self.settings.vectors) {
            (Some(v), Some(how)) => utterance_vectors(v, readings, how.scale, &mut s.pieces),
            _ => vec![Vec::new(); readings.len()],
        }
    }

    /// BIO-consistent spans (kind, start, end) for an utterance of `intent`; only the slots
    /// DOMAIN.md allows for that intent can be produced.
    /// `marks`: where the catalogue's names are (one per token, or empty without a catalogue).
    pub fn tag(
        &self,
        tokens: &[String],
        intent: Intent,
        marks: &[Option<NameMark>],
        s: &mut Scratch,
    ) -> Vec<Span> {
        let allowed = intent.allowed_slots();
        if allowed.is_empty() || tokens.is_empty() {
            return Vec::new();
        }
        let n = n_labels();
        let ok = |l: usize| label_kind(l).is_none_or(|k| allowed.contains(&k));
        let scores: Vec<Vec<f32>> = (0..tokens.len())
            .map(|i| {
                let feats = token_features(tokens, i, intent.name(), marks);
                mean_probs(&self.taggers, &feats, s)
                    .into_iter()
                    .enumerate()
                    .map(|(l, p)| {
                        if ok(l) {
                            p.max(1e-9).ln()
                        } else {
                            f32::NEG_INFINITY
                        }
                    })
                    .collect()
            })
            .collect();
        viterbi(&scores, n)
    }

    /// Where the commands of `tokens` are: token ranges in spoken order, joiners left out.
    /// A joiner counts only before the start of a new command ("milk **and** eggs" is one).
    pub fn split(&self, tokens: &[String], s: &mut Scratch) -> Vec<std::ops::Range<usize>> {
        let labels: Vec<SplitLabel> = (0..tokens.len())
            .map(|i| {
                let feats = split_features(tokens, i);
                match argmax(&mean_probs(&self.splitters, &feats, s)) {
                    1 if i > 0 => SplitLabel::Start,
                    2 => SplitLabel::Join,
                    _ => SplitLabel::Inside,
                }
            })
            .collect();
        segments(&labels)
    }

    /// The commands of `text` in spoken order (DOMAIN.md "Several commands in one
    /// utterance"): one per command, and one per item under one verb. Fragments that are
    /// not for us are dropped; an utterance without any command is one `out_of_scope`.
    /// Empty for text without a word.
    pub fn commands(&self, text: &str) -> Vec<IntentResult> {
        let (tokens, breaks) = classified_tokens(text);
        self.commands_of(&tokens, &breaks, &[])
    }

    /// The commands and the language (`stt_lang` when the speech model knows it, else read
    /// from the same tokens the classifier uses), with the tagger told where a household's
    /// names are.
    pub fn commands_with_names(
        &self,
        text: &str,
        stt_lang: Option<Lang>,
        names: Option<&dyn Gazetteer>,
    ) -> (Vec<IntentResult>, Lang) {
        let (tokens, breaks) = classified_tokens(text);
        let lang = stt_lang.unwrap_or_else(|| detect(&tokens));
        let marks = names.map(|g| g.marks(&tokens)).unwrap_or_default();
        (self.commands_of(&tokens, &breaks, &marks), lang)
    }

    /// The first command of `text` (see [`Self::commands`]); `None` without a word.
    pub fn classify(&self, text: &str) -> Option<IntentResult> {
        self.commands(text).into_iter().next()
    }

    /// The splitter's reading, or one that also cuts where Whisper ended a sentence, or
    /// then also at its commas, when that one finds more whole commands: "Cross off the light
    /// bulbs from my list. Remove wrapping paper from my Christmas list." and "Order 3 kilos
    /// of rice from Tesco, please buy 4 cans of cat food." are two commands the splitter,
    /// which never sees punctuation, reads as one. The commas are a second command's cue
    /// only where the whole or its sentences hold a command of ours: clauses between commas
    /// read alone found commands in talk ("n'oublie pas ton manteau, il fait froid dehors")
    /// and phone menus ("press one to track your order, press two ..."); README, "Session 37".
    fn commands_of(
        &self,
        tokens: &[String],
        breaks: &[Break],
        marks: &[Option<NameMark>],
    ) -> Vec<IntentResult> {
        if tokens.is_empty() {
            return Vec::new();
        }
        // On the pool: the sentence encoder's stacks run on both cores (`embed_many_with`).
        crate::compute::on_pool(|| self.read_utterance(tokens, breaks, marks))
    }

    /// [`Self::commands_of`], on the compute pool.
    fn read_utterance(
        &self,
        tokens: &[String],
        breaks: &[Break],
        marks: &[Option<NameMark>],
    ) -> Vec<IntentResult> {
        self.read_with_answer(tokens, breaks, marks, &mut Scratch::default())
    }

    /// "Buy milk. No, forget it.", "Commande des piles. Oui.", "Buy milk. No. Buy oat milk.":
    /// a sentence, or a few words between commas, that reads alone as a sure yes or no
    /// answers the commands said whole before it in the same breath (the dialog settles it:
    /// `pipeline::dialog`). Read with them, the answer was taken for one more item ("no",
    /// "oui"), a shop ("never mind") or its words for the command ("Buy the milk. Actually
    /// no, cancel that." -> cancel_order milk, a spend). README, "Session 46".
    fn read_with_answer(
        &self,
        tokens: &[String],
        breaks: &[Break],
        marks: &[Option<NameMark>],
        s: &mut Scratch,
    ) -> Vec<IntentResult> {
        // The whole read as one, once: a comma's answer is judged by it, and it is the
        // reading when no answer parts. It and every clause an answer may be are read in one
        // batch (the sentence encoder's cost is mostly per batch for short texts), with the
        // sentences that `Self::read_commands` reads next when none is an answer.
        let readings = [Break::Sentence, Break::Pause].into_iter().flat_map(|at| {
            (clauses_at(tokens, breaks, at).into_iter())
                .filter(move |r| may_answer(at, r))
                .map(|r| &tokens[r])
        });
        self.prefetch_dense(std::iter::once(tokens).chain(readings), s);
        let mut whole = None;
        for at in [Break::Sentence, Break::Pause] {
            if let Some(found) =
                self.answer_after_commands(tokens, breaks, marks, at, &mut whole, s)
            {
                return found;
            }
        }
        let whole = whole.unwrap_or_else(|| self.read_commands(tokens, breaks, marks, s));
        self.answer_before_a_spend(tokens, breaks, marks, &whole, s)
            .unwrap_or(whole)
    }

    /// "Yes, order the bread.": a sure yes or no before its first comma or sentence end, then
    /// a spend that names what it needs, read as one answer (`whole`) swallow the spend;
    /// read apart, they are the answer and the spend, so that the dialog can tell whether
    /// the spend is the purchase asked about (`pipeline::dialog`). `None`: `whole` stands.
    fn answer_before_a_spend(
        &self,
        tokens: &[String],
        breaks: &[Break],
        marks: &[Option<NameMark>],
        whole: &[IntentResult],
        s: &mut Scratch,
    ) -> Option<Vec<IntentResult>> {
        let [said] = whole else { return None };
        if !said.intent.is_answer() {
            return None;
        }
        let first = opening_clause(breaks)?;
        let answer = self.sure_answer(&tokens[first.clone()], s)?;
        let rest = self.read_commands_from(first.end, tokens, breaks, marks, s);
        let sure = |c: &IntentResult| {
            c.intent.is_shopping_command() && is_whole(c) && c.confidence >= self.settings.threshold
        };
        let spends = |c: &IntentResult| c.intent.requires_confirmation() && names_what_it_needs(c);
        (rest.iter().all(sure) && rest.iter().any(spends))
            .then(|| std::iter::once(answer).chain(rest).collect())
    }

    /// The commands before the first answer of `tokens` cut at `at`, the answer, and what
    /// follows it; `None` when no answer follows commands said whole and sure. `whole`: the
    /// reading of all of `tokens` as [`Self::read_commands`] gives it, once it is read.
    fn answer_after_commands(
        &self,
        tokens: &[String],
        breaks: &[Break],
        marks: &[Option<NameMark>],
        at: Break,
        whole: &mut Option<Vec<IntentResult>>,
        s: &mut Scratch,
    ) -> Option<Vec<IntentResult>> {
        let clauses = clauses_at(tokens, breaks, at);
        // An answer after an answer (or first) follows no command ("no, no, no"): passed
        // over without reading what comes before it.
        let mut after_answer = true;
        for r in clauses {
            let answer = if may_answer(at, &r) {
                self.sure_answer(&tokens[r.clone()], s)
            } else {
                None
            };
            let follows_answer = std::mem::replace(&mut after_answer, answer.is_some());
            let Some(answer) = answer.filter(|_| !follows_answer) else {
                continue;
            };
            let head_marks = marks.get(..r.start).unwrap_or_default();
            let (head, head_breaks) = (&tokens[..r.start], &breaks[..r.start]);
            let mut found = self.read_commands(head, head_breaks, head_marks, s);
            let sure = |c: &IntentResult| is_whole(c) && c.confidence >= self.settings.threshold;
            if !found.iter().any(|c| c.intent.is_shopping_command()) || !found.iter().all(sure) {
                continue;
            }
            // A comma is a weaker cut than a full stop: the words after it may be the
            // command's own verb ("I ordered the wrong size nappies, cancel them"). It parts
            // an answer only where the whole, read as one, takes words from there on for a
            // value ("never mind" as the shop, "yes" as an item), makes a spend said before
            // it another command ("Order the batteries, actually no": cancel_order, a spend
            // never asked for), or is a no that the whole reads as nothing ("Buy milk, forget
            // it": buy milk) after a spend whose verb no "no" says (a cancel_order's may:
            // "..., cancel it").
            if at == Break::Pause {
                let whole =
                    whole.get_or_insert_with(|| self.read_commands(tokens, breaks, marks, s));
                let from_answer = &tokens[r.start..];
                let takes_answer = whole.iter().any(|c| takes_words_of(&c.slots, from_answer));
                let takes_back = answer.intent == Intent::Deny
                    && same_commands(whole, &found)
                    && found.iter().any(|c| {
                        c.intent.requires_confirmation() && c.intent != Intent::CancelOrder
                    });
                if !takes_answer && !takes_back && !turns_a_spend(&found, whole) {
                    return None;
                }
            }
            let mut after = vec![answer];
            if r.end < tokens.len() {
                let rest_marks = marks.get(r.end..).unwrap_or_default();
                let (rest, rest_breaks) = (&tokens[r.end..], &breaks[r.end..]);
                let rest = self.read_with_answer(rest, rest_breaks, rest_marks, s);
                after.extend(rest.into_iter().filter(|c| c.intent != Intent::OutOfScope));
            }
            for c in after {
                let c = fold_restatement(&mut found, c, &[]);
                found.extend(c);
            }
            return Some(found);
        }
        None
    }

    /// The sure yes or no that `text` opens with, when a few words before its first comma or
    /// sentence end read as one and more words follow: the "Yes," of "Yes, order the milk.",
    /// which the command read whole hides (the dialog binds such a command to the action it
    /// repeats, `pipeline::dialog`).
    pub fn opening_answer(&self, text: &str) -> Option<Intent> {
        let (tokens, breaks) = classified_tokens(text);
        let first = opening_clause(&breaks)?;
        let mut s = Scratch::default();
        crate::compute::on_pool(|| self.sure_answer(&tokens[first], &mut s)).map(|a| a.intent)
    }

    /// The most probable class of `text` read as one, before any bar: what a reply the model
    /// is unsure of most likely is ("No, don't buy the batteries." is out_of_scope at 0.44).
    pub fn most_likely(&self, text: &str) -> Intent {
        let (tokens, _) = classified_tokens(text);
        let mut s = Scratch::default();
        crate::compute::on_pool(|| Guess::of(&self.intent_probs(&tokens, &mut s)).intent)
    }

    /// `words` read as one confirm or deny at or above the acceptance bar.
    fn sure_answer(&self, words: &[String], s: &mut Scratch) -> Option<IntentResult> {
        let (intent, confidence) = self.read_intent(words, s);
        intent.is_answer().then(|| IntentResult {
            intent,
            confidence,
            slots: Slots::default(),
            requires_confirmation: false,
        })
    }

    /// The utterance's commands by the splitter, or cut at Whisper's sentences or commas
    /// (see [`Self::commands_of`]).
    fn read_commands(
        &self,
        tokens: &[String],
        breaks: &[Break],
        marks: &[Option<NameMark>],
        s: &mut Scratch,
    ) -> Vec<IntentResult> {
        let pauses = pauses_of(breaks);
        let segments = self.split(tokens, s);
        let read = self.read_segments(tokens, &pauses, marks, &segments, s);
        let mut heard_ours = commands_in(&read) > 0;
        for at in [Break::Sentence, Break::Pause] {
            if at == Break::Pause && !heard_ours {
                break;
            }
            let cut = cut_at(&segments, breaks, at);
            if cut.len() == segments.len()
                || !self.parts_stand_alone(tokens, breaks, &pauses, marks, at, s)
            {
                continue;
            }
            let by_parts = self.read_segments(tokens, &pauses, marks, &cut, s);
            if by_parts.iter().all(is_whole)
                && (commands_in(&by_parts) > commands_in(&read)
                    || self.parts_drop_talk(tokens, &pauses, &cut, &by_parts, &read, s)
                    || at == Break::Sentence
                        && sentences_say_other_commands(
                            &by_parts,
                            cut.len(),
                            &read,
                            self.settings.threshold,
                        ))
            {
                return by_parts;
            }
            heard_ours |= commands_in(&by_parts) > 0;
        }
        self.command_after_talk(tokens, breaks, marks, &read, s)
            .unwrap_or(read)
    }

    /// Whether the parts of `cut` read one by one are the commands `read` holds, of the same
    /// intents, said first, and then talk that is no fragment of a command: "Take the yoghurt
    /// off my list, there are still four pots in the fridge door" read whole took the
    /// remark's words for the item. Only after the commands: words before one may be what
    /// it points back at ("le tapis de bain, tu peux l'envoyer à maman ?").
    fn parts_drop_talk(
        &self,
        tokens: &[String],
        pauses: &[bool],
        cut: &[std::ops::Range<usize>],
        by_parts: &[IntentResult],
        read: &[IntentResult],
        s: &mut Scratch,
    ) -> bool {
        let (Some(first), Some(last)) = (cut.first(), cut.last()) else {
            return false;
        };
        let talk = &tokens[last.clone()];
        let is_talk = |s: &mut Scratch| {
            let (read, _) = self.command(talk, &pauses[last.clone()], &[], s);
            commands_in(&read) == 0
        };
        commands_in(by_parts) > 0
            && same_intents(by_parts, read)
            && !domain().is_fragment(talk)
            && self.read_intent(&tokens[first.clone()], s).0 != Intent::OutOfScope
            && is_talk(s)
    }

    /// [`Self::read_commands`] of the words from `from` on, with their breaks and name marks.
    fn read_commands_from(
        &self,
        from: usize,
        tokens: &[String],
        breaks: &[Break],
        marks: &[Option<NameMark>],
        s: &mut Scratch,
    ) -> Vec<IntentResult> {
        let rest_marks = marks.get(from..).unwrap_or_default();
        self.read_commands(&tokens[from..], &breaks[from..], rest_marks, s)
    }

    /// "what's the weather like and add bread to my list": talk, one `[joins_talk]` word, then
    /// a command. Read whole, the talk's words made it another command ("what's ... my list":
    /// read_list), and the splitter, which sees a few words around each, did not cut there.
    /// Read apart, talk that is no command of ours and a sure command of another intent that
    /// names the value it needs, where the whole named none, are that command alone ("Put Land
    /// O'Lakes half and half on my list." read whole names its item: it stands). `None`:
    /// `read` stands.
    fn command_after_talk(
        &self,
        tokens: &[String],
        breaks: &[Break],
        marks: &[Option<NameMark>],
        read: &[IntentResult],
        s: &mut Scratch,
    ) -> Option<Vec<IntentResult>> {
        let [said] = read else { return None };
        if !said.intent.is_shopping_command() || names_what_it_needs(said) {
            return None;
        }
        let mut joins = (tokens.iter().enumerate()).filter(|(_, w)| domain().joins_talk(w));
        let (at, _) = joins.next()?;
        if at == 0 || joins.next().is_some() {
            return None;
        }
        if self.read_intent(&tokens[..at], s).0 != Intent::OutOfScope {
            return None;
        }
        let found = self.read_commands_from(at + 1, tokens, breaks, marks, s);
        let [command] = found.as_slice() else {
            return None;
        };
        let sure = names_what_it_needs(command) && command.confidence >= self.settings.threshold;
        (sure && command.intent != said.intent).then_some(found)
    }

    /// Whether no part of `tokens` cut at `at` is a fragment of a command ("Add two litres. Of
    /// oat milk.", "No, don't order it."): Whisper wrote a stop or a comma inside one command
    /// there. A sentence that names what its command needs is none ("Buy batteries. Add bread
    /// to my list."); one whose intent needs nothing may end one ("I don't want the rug
    /// anymore. Cancel the order."), and after a comma a pronoun may bring back what the
    /// clause before named ("La liste de Noël, envoie-la à Mamie.").
    fn parts_stand_alone(
        &self,
        tokens: &[String],
        breaks: &[Break],
        pauses: &[bool],
        marks: &[Option<NameMark>],
        at: Break,
        s: &mut Scratch,
    ) -> bool {
        let all = 0..tokens.len();
        let parts = cut_at(std::slice::from_ref(&all), breaks, at);
        let fragments = parts.iter().map(|r| &tokens[r.clone()]);
        self.prefetch_dense(fragments.filter(|w| domain().is_fragment(w)), s);
        parts.into_iter().all(|r| {
            let words = &tokens[r.clone()];
            if !domain().is_fragment(words) {
                return true;
            }
            if at != Break::Sentence {
                return self.read_intent(words, s).0 == Intent::OutOfScope;
            }
            let part_marks = marks.get(r.clone()).unwrap_or_default();
            let (commands, _) = self.command(words, &pauses[r], part_marks, s);
            (commands.iter()).all(|c| c.intent == Intent::OutOfScope || names_what_it_needs(c))
        })
    }

    /// The commands of `segments`, read one by one; the whole of `tokens` read as one
    /// command when there is one segment or none of them holds a command of ours.
    fn read_segments(
        &self,
        tokens: &[String],
        pauses: &[bool],
        marks: &[Option<NameMark>],
        segments: &[std::ops::Range<usize>],
        s: &mut Scratch,
    ) -> Vec<IntentResult> {
        if segments.len() > 1 {
            self.prefetch_dense(segments.iter().map(|r| &tokens[r.clone()]), s);
            let mut found = Vec::new();
            // "clear my party list and then add balloons to it": a list command that names
            // no list acts on the list the utterance named last.
            let mut named_list: Option<String> = None;
            let mut last_end = None;
            for r in segments {
                // "... and what deals apply to my party list": a joiner says another command
                // follows, not the same one again.
                let after_joiner = last_end.is_some_and(|end| r.start > end);
                last_end = Some(r.end);
                // A one-word part is an answer or nothing ("list | and play all songs"): the
                // bar is fitted on whole utterances, not on such scraps.
                let one_word = r.len() == 1;
                let part_marks = marks.get(r.clone()).unwrap_or_default();
                let (commands, spoken_list) =
                    self.command(&tokens[r.clone()], &pauses[r.clone()], part_marks, s);
                // A part that follows a whole command with no joiner and reads as a command
                // without what it needs is a remark about that one ("Cancel the blender order,
                // | I don't need it anymore": remove_from_list with no item; "Add coffee to
                // my list, | we're running low"), unless it is a command still being said,
                // after a joiner or cut off on a word that leads on ("..., remove the"),
                // which DOMAIN.md keeps for the consumer to ask what is missing.
                let remark = !after_joiner
                    && found.iter().any(is_whole)
                    && !commands.iter().all(is_whole)
                    && !self.cut_off(&tokens[r.clone()], s);
                // "add the flour | and give it a good stir": a recipe's next step after it.
                let next_step = &tokens[r.end.saturating_sub(1)..(r.end + 3).min(tokens.len())];
                let then_talk = |c: &IntentResult| {
                    may_be_talk(c.intent, &tokens[r.clone()], part_marks)
                        && goes_on_with_it(next_step)
                };
                let kept = commands.into_iter().filter(|c| {
                    c.intent != Intent::OutOfScope
                        && (!one_word || c.intent.is_answer())
                        && (is_whole(c) || !remark)
                        && !then_talk(c)
                });
                for (k, mut c) in kept.enumerate() {
                    if spoken_list {
                        named_list.clone_from(&c.slots.list);
                    } else if c.intent.defaults_list() && named_list.is_some() {
                        c.slots.list.clone_from(&named_list);
                    }
                    let c = if k == 0 && !after_joiner {
                        fold_restatement(&mut found, c, &tokens[r.clone()])
                    } else {
                        Some(c)
                    };
                    found.extend(c);
                }
            }
            if !found.is_empty() {
                return found;
            }
        }
        // One command, or fragments none of which is ours: the utterance read whole.
        self.command(tokens, pauses, marks, s).0
    }

    /// One command's objects (one per item when several items share its verb), and whether
    /// it names a list.
    fn command(
        &self,
        tokens: &[String],
        pauses: &[bool],
        marks: &[Option<NameMark>],
        s: &mut Scratch,
    ) -> (Vec<IntentResult>, bool) {
        let (intent, confidence) = self.read_intent(tokens, s);
        let spans = self.tag(tokens, intent, marks, s);
        if is_talk_about_things(intent, tokens, pauses, &spans, marks)
            || takes_it_from_a_room(intent, tokens, pauses)
        {
            let talk = IntentResult {
                intent: Intent::OutOfScope,
                confidence: 1.0 - confidence,
                slots: Slots::default(),
                requires_confirmation: false,
            };
            return (vec![talk], false);
        }
        let spoken_list = spans.iter().any(|sp| sp.kind == SlotKind::List);
        let commands = assemble_commands(intent, tokens, pauses, &spans)
            .into_iter()
            .map(|slots| IntentResult {
                intent,
                confidence,
                slots,
                requires_confirmation: intent.requires_confirmation(),
            })
            .collect();
        (commands, spoken_list)
    }

    /// The intent `tokens` read as one command are, and its confidence to three decimals
    /// (more would claim a precision the calibration does not have).
    fn read_intent(&self, tokens: &[String], s: &mut Scratch) -> (Intent, f32) {
        let probs = self.intent_probs(tokens, s);
        let (intent, confidence) = self.sure_answers_only(tokens, self.decide(&probs));
        (
            intent,
            (confidence.clamp(0.0, 1.0) * 1000.0).round() / 1000.0,
        )
    }

    /// The probability that `text` is a command still being said ("add two litres of", "buy
    /// the", "donate ten"): the session waits longer in a pause after such words, and ends
    /// the utterance early after a whole command.
    pub fn incomplete_prob(&self, text: &str) -> f32 {
        self.incomplete_prob_of(&tokenize(text), &mut Scratch::default())
    }

    /// Whether `tokens` stop in the middle of a command: on a word a command does not end on
    /// ("remove the", "buy some of"), where the completer also reads a command still being
    /// said. The completer alone also reads a remark that could go on as a command ("we're
    /// running low [on coffee]") so, and after a whole command such words are about it.
    fn cut_off(&self, tokens: &[String], s: &mut Scratch) -> bool {
        tokens.last().is_some_and(|w| domain().leads_on(w))
            && self.incomplete_prob_of(tokens, s) >= INCOMPLETE_AT
    }

    /// [`Self::incomplete_prob`] of words already tokenised.
    fn incomplete_prob_of(&self, tokens: &[String], s: &mut Scratch) -> f32 {
        if tokens.is_empty() {
            return 0.0;
        }
        let feats = completion_features(tokens);
        mean_probs(&self.completers, &feats, s)
            .get(INCOMPLETE)
            .copied()
            .unwrap_or(0.0)
    }

    /// `decided`, or `out_of_scope` for one word read as an answer that is none of the
    /// corpus's one-word answers (see [`ModelSettings::answers`]), and for an answer the
    /// model is less sure of than its acceptance bar: an answer settles a spend, and on every
    /// typed set the answers below it were none ("call off the delivery of the paint, I'm not
    /// ordering it after all" as a deny at 0.48, a charity's name after a donation).
    fn sure_answers_only(&self, tokens: &[String], decided: (Intent, f32)) -> (Intent, f32) {
        let (intent, confidence) = decided;
        let answers = &self.settings.answers;
        let unknown_word = match tokens {
            [word] => !answers.is_empty() && answers.binary_search(word).is_err(),
            _ => false,
        };
        if intent.is_answer() && (unknown_word || confidence < self.settings.threshold) {
            return (Intent::OutOfScope, 1.0 - confidence);
        }
        decided
    }

    /// The intent and confidence after rejection.
    pub fn decide(&self, probs: &[f32]) -> (Intent, f32) {
        let g = Guess::of(probs);
        if g.intent != Intent::OutOfScope && g.in_domain < self.settings.threshold_for(g.intent) {
            return (Intent::OutOfScope, 1.0 - g.in_domain);
        }
        (g.intent, g.p)
    }

    pub fn load(dir: &Path) -> Result<Self, IntentError> {
        let err = |reason: String| IntentError::Model {
            path: dir.display().to_string(),
            reason,
        };
        let settings: ModelSettings = serde_json::from_str(
            &std::fs::read_to_string(dir.join("intent.json")).map_err(|e| err(e.to_string()))?,
        )
        .map_err(|e| err(format!("intent.json: {e}")))?;
        settings
            .validate()
            .map_err(|e| err(format!("intent.json: {e}")))?;
        let path = dir.join("intent.safetensors");
        let file =
            std::fs::File::open(&path).map_err(|e| err(format!("intent.safetensors: {e}")))?;
        // SAFETY: the bytes must not change while mapped; `scripts/train-intent` replaces the
        // file by renaming a finished one over it, which leaves this mapping on the old file.
        let map = unsafe { memmap2::Mmap::map(&file) }
            .map_err(|e| err(format!("intent.safetensors: {e}")))?;
        let tensors = Saved::read(&map, std::sync::Arc::new(file))
            .map_err(|e| err(format!("intent.safetensors: {e}")))?;
        let vectors = match &settings.vectors {
            Some(how) => {
                let v = DenseInput::load(&dir.join(&how.file)).map_err(|e| {
                    err(format!(
                        "{}: {e}; `voxshop setup --encoder` makes the sentence encoder the \
                         networks read (`scripts/distill_vectors.py --out {}` a word-vector \
                         table)",
                        how.file,
                        dir.join(&how.file).display()
                    ))
                })?;
                if v.dims() != how.dims {
                    return Err(err(format!(
                        "{} has vectors of {} values where intent.json says {}",
                        how.file,
                        v.dims(),
                        how.dims
                    )));
                }
                Some(v)
            }
            None => None,
        };
        let dense = settings.vectors.as_ref().map_or(0, |v| v.dims);
        let intent_nets = (0..settings.ensemble)
            .map(|k| {
                read_net(
                    &tensors,
                    &format!("intent{k}"),
                    settings.buckets,
                    settings.intent_hidden,
                    Intent::ALL.len(),
                    dense,
                )
                .map_err(|e| err(e.to_string()))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let members = |name: &str, count: usize, hidden: usize, outputs: usize| {
            (0..count)
                .map(|k| {
                    read_net(
                        &tensors,
                        &member_name(name, k),
                        settings.buckets,
                        hidden,
                        outputs,
                        0,
                    )
                    .map_err(|e| err(e.to_string()))
                })
                .collect::<Result<Vec<_>, _>>()
        };
        let labellers = settings.labellers;
        let taggers = members("tagger", labellers, settings.tagger_hidden, n_labels())?;
        let splitters = members(
            "splitter",
            labellers,
            settings.splitter_hidden,
            SplitLabel::COUNT,
        )?;
        let completers = members(
            "completer",
            settings.completer_count(),
            settings.completer_hidden,
            2,
        )?;
        Ok(Self {
            settings,
            vectors,
            intent_nets,
            taggers,
            splitters,
            completers,
        })
    }

    /// Writes `intent.safetensors` + `intent.json` into `dir` (each atomically).
    pub fn save(&self, dir: &Path) -> Result<(), IntentError> {
        let err = |reason: String| IntentError::Model {
            path: dir.display().to_string(),
            reason,
        };
        std::fs::create_dir_all(dir).map_err(|e| err(e.to_string()))?;
        let mut tensors = HashMap::new();
        for (k, net) in self.intent_nets.iter().enumerate() {
            write_net(&mut tensors, &format!("intent{k}"), net).map_err(|e| err(e.to_string()))?;
        }
        for (name, nets) in [
            ("tagger", &self.taggers),
            ("splitter", &self.splitters),
            ("completer", &self.completers),
        ] {
            for (k, net) in nets.iter().enumerate() {
                write_net(&mut tensors, &member_name(name, k), net)
                    .map_err(|e| err(e.to_string()))?;
            }
        }
        let tmp = dir.join("intent.safetensors.partial");
        candle_core::safetensors::save(&tensors, &tmp).map_err(|e| err(e.to_string()))?;
        std::fs::rename(&tmp, dir.join("intent.safetensors")).map_err(|e| err(e.to_string()))?;
        self.save_settings(dir)
    }

    /// Writes `intent.json` into `dir` (atomically): what calibration changes. A loaded
    /// model's weights are read from its file, so only this is written back.
    pub fn save_settings(&self, dir: &Path) -> Result<(), IntentError> {
        let err = |reason: String| IntentError::Model {
            path: dir.display().to_string(),
            reason,
        };
        let json = serde_json::to_string_pretty(&self.settings).map_err(|e| err(e.to_string()))?;
        let tmp = dir.join("intent.json.partial");
        std::fs::write(&tmp, json + "\n").map_err(|e| err(e.to_string()))?;
        std::fs::rename(&tmp, dir.join("intent.json")).map_err(|e| err(e.to_string()))
    }
}

/// The ensemble's probabilities: the mean of its members' softmax at temperature `t`.
pub fn ensemble_probs(logits: &[Vec<f32>], t: f32) -> Vec<f32> {
    let t = t.max(1e-3);
    let mut mean = vec![0f32; logits.first().map_or(0, Vec::len)];
    for member in logits {
        let scaled: Vec<f32> = member.iter().map(|l| l / t).collect();
        for (m, p) in mean.iter_mut().zip(softmax(&scaled)) {
            *m += p / logits.len() as f32;
        }
    }
    mean
}

/// Rounds every weight as it is saved (embedding rows to 8 bits, [`super::net::round_row`];
/// the rest to f16), so a freshly trained model behaves like a loaded one.
pub fn round_as_saved(net: &mut SparseNet) {
    let hd = net.hidden;
    let mut discard = Vec::new();
    for row in net.emb.chunks_exact_mut(hd.max(1)) {
        super::net::round_row(row, &mut discard);
        discard.clear();
    }
    for v in [&mut net.b1, &mut net.wd, &mut net.w2, &mut net.b2] {
        for x in v.iter_mut() {
            *x = half::f16::from_f32(*x).to_f32();
        }
    }
}

/// Only rows that training touched are stored: the rest are zero by construction.
fn write_net(
    out: &mut HashMap<String, Tensor>,
    name: &str,
    net: &SparseNet,
) -> candle_core::Result<()> {
    let hd = net.hidden;
    let rows: Vec<u32> = (0..net.buckets)
        .filter(|&r| net.emb[r * hd..(r + 1) * hd].iter().any(|&x| x != 0.0))
        .map(|r| r as u32)
        .collect();
    // Rows as `round_as_saved` left them: rounding them again gives their bytes.
    let mut data: Vec<u8> = Vec::with_capacity(rows.len() * row_bytes(hd));
    for &r in &rows {
        let mut row = net.emb[r as usize * hd..(r as usize + 1) * hd].to_vec();
        super::net::round_row(&mut row, &mut data);
    }
    let dev = &Device::Cpu;
    let f16 = |v: &[f32], shape: &[usize]| Tensor::from_slice(v, shape, dev)?.to_dtype(DType::F16);
    out.insert(
        format!("{name}.rows"),
        Tensor::from_slice(&rows, rows.len(), dev)?,
    );
    out.insert(
        format!("{name}.emb"),
        Tensor::from_vec(data, (rows.len(), row_bytes(hd)), dev)?,
    );
    out.insert(format!("{name}.b1"), f16(&net.b1, &[hd])?);
    if !net.wd.is_empty() {
        let dense = net.dense();
        let by_unit = super::net::transpose(&net.wd, dense, hd);
        out.insert(format!("{name}.wd"), f16(&by_unit, &[hd, dense])?);
    }
    out.insert(format!("{name}.w2"), f16(&net.w2, &[net.outputs, hd])?);
    out.insert(format!("{name}.b2"), f16(&net.b2, &[net.outputs])?);
    Ok(())
}

/// The tensors of `intent.safetensors`, read in place from its memory map while loading;
/// the embedding rows are read from `file` when used ([`SavedRows`]).
struct Saved<'a> {
    map: &'a memmap2::Mmap,
    file: std::sync::Arc<std::fs::File>,
    tensors: safetensors::SafeTensors<'a>,
}

impl<'a> Saved<'a> {
    fn read(map: &'a memmap2::Mmap, file: std::sync::Arc<std::fs::File>) -> Result<Self, String> {
        let tensors = safetensors::SafeTensors::deserialize(&map[..]).map_err(|e| e.to_string())?;
        Ok(Self { map, file, tensors })
    }

    /// Tensor `name`'s bytes and their offset in the file, checked to be of `dtype`.
    fn bytes(&self, name: &str, dtype: safetensors::Dtype) -> Result<(&'a [u8], usize), String> {
        let t = self
            .tensors
            .tensor(name)
            .map_err(|_| format!("tensor {name} missing"))?;
        if t.dtype() != dtype {
            return Err(format!("tensor {name} is {:?}, not {dtype:?}", t.dtype()));
        }
        let data = t.data();
        Ok((data, data.as_ptr() as usize - self.map.as_ptr() as usize))
    }

    fn f32s(&self, name: &str) -> Result<Vec<f32>, String> {
        let (bytes, _) = self.bytes(name, safetensors::Dtype::F16)?;
        Ok(bytes
            .chunks_exact(2)
            .map(|b| half::f16::from_le_bytes([b[0], b[1]]).to_f32())
            .collect())
    }

    fn u32s(&self, name: &str) -> Result<Vec<u32>, String> {
        let (bytes, _) = self.bytes(name, safetensors::Dtype::U32)?;
        Ok(bytes
            .chunks_exact(4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect())
    }
}

fn read_net(
    t: &Saved,
    name: &str,
    buckets: usize,
    hidden: usize,
    outputs: usize,
    dense: usize,
) -> Result<SparseNet, String> {
    let key = |k: &str| format!("{name}.{k}");
    let rows = t.u32s(&key("rows"))?;
    let b1 = t.f32s(&key("b1"))?;
    let hd = b1.len();
    if hd != hidden {
        return Err(format!(
            "{name}.b1 has {hd} units where intent.json says {hidden}"
        ));
    }
    let (emb, start) = t.bytes(&key("emb"), safetensors::Dtype::U8).map_err(|e| {
        format!("{e} (a model that stores its rows as f16 is older than this build: `scripts/train-intent` retrains it)")
    })?;
    let w2 = t.f32s(&key("w2"))?;
    let b2 = t.f32s(&key("b2"))?;
    let wd = match dense {
        0 => Vec::new(),
        _ => t.f32s(&key("wd"))?,
    };
    if wd.len() != hd * dense {
        return Err(format!("{name}.wd does not hold {hd} x {dense} weights"));
    }
    let wd = super::net::transpose(&wd, hd, dense);
    if emb.len() != rows.len() * row_bytes(hd) || w2.len() != outputs * hd || b2.len() != outputs {
        return Err(format!("tensor shapes of {name} do not match"));
    }
    let saved = SavedRows::new(t.file.clone(), t.map.len(), start, &rows, buckets, hd)
        .map_err(|e| format!("{name}.rows: {e}"))?;
    Ok(SparseNet {
        buckets,
        touched: Vec::new(),
        hidden: hd,
        outputs,
        emb: Vec::new(),
        saved,
        b1,
        wd,
        w2,
        b2,
    })
}

/// Best label path under BIO constraints (I-x only after B-x or I-x); returns spans.
fn viterbi(scores: &[Vec<f32>], n: usize) -> Vec<Span> {
    let allowed = |prev: usize, cur: usize| -> bool {
        match label_kind(cur) {
            Some(k) if cur == label_i(k) => prev == label_b(k) || prev == label_i(k),
            _ => true,
        }
    };
    let t_len = scores.len();
    let mut best = vec![vec![f32::NEG_INFINITY; n]; t_len];
    let mut back = vec![vec![0usize; n]; t_len];
    for l in 0..n {
        if allowed(0, l) {
            best[0][l] = scores[0][l];
        }
    }
    for t in 1..t_len {
        for l in 0..n {
            for p in 0..n {
                if !allowed(p, l) {
                    continue;
                }
                let v = best[t - 1][p] + scores[t][l];
                if v > best[t][l] {
                    best[t][l] = v;
                    back[t][l] = p;
                }
            }
        }
    }
    let mut labels = vec![0usize; t_len];
    labels[t_len - 1] = (0..n)
        .max_by(|&a, &b| best[t_len - 1][a].total_cmp(&best[t_len - 1][b]))
        .unwrap_or(0);
    for t in (1..t_len).rev() {
        labels[t - 1] = back[t][labels[t]];
    }
    let mut spans = Vec::new();
    let mut t = 0;
    while t < t_len {
        match label_kind(labels[t]) {
            Some(k) => {
                let start = t;
                t += 1;
                while t < t_len && labels[t] == label_i(k) {
                    t += 1;
                }
                let score =
                    (start..t).map(|i| scores[i][labels[i]]).sum::<f32>() / (t - start) as f32;
                spans.push(Span {
                    kind: k,
                    start,
                    end: t,
                    score,
                });
            }
            None => t += 1,
        }
    }
    spans
}

fn argmax(v: &[f32]) -> usize {
    v.iter()
        .enumerate()
        .max_by(|a, b| a.1.total_cmp(b.1))
        .map_or(0, |(i, _)| i)
}

/// Command ranges from per-token split labels: a new command at each `Start` (the joiners
/// right before it dropped); a `Join` not followed by a `Start` is an ordinary word.
pub fn segments(labels: &[SplitLabel]) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut begin = 0;
    for (i, &l) in labels.iter().enumerate() {
        if l != SplitLabel::Start || i == 0 {
            continue;
        }
        let mut end = i;
        while end > begin && labels[end - 1] == SplitLabel::Join {
            end -= 1;
        }
        if end > begin {
            out.push(begin..end);
        }
        begin = i;
    }
    if begin < labels.len() {
        out.push(begin..labels.len());
    }
    out
}

/// Words that join two items under one verb ("milk **and** eggs", "du pain **et** du beurre").
const ITEM_JOINERS: &[&str] = &["and", "et", "plus", "&", "also", "aussi"];

/// Whether `word` is "and" as it joins the parts of one number ("two hundred and fifty",
/// "deux et demi", "twelve dollars and fifty cents").
fn joins_number(word: Option<&String>) -> bool {
    word.is_some_and(|w| matches!(w.as_str(), "and" | "et"))
}

/// Words that may stand between a joiner and the next item besides its own quantity, unit
/// and brand ("and **the** cheese", "et **des** oeufs", "and **some** eggs").
const ITEM_LEAD_WORDS: &[&str] = &[
    "the", "a", "an", "some", "more", "of", "my", "le", "la", "les", "l'", "un", "une", "du", "de",
    "des", "d'", "mes", "ma", "mon",
];

/// `segments`, each also cut where a sentence begins inside it, or also at a comma when `at`
/// is [`Break::Pause`].
fn cut_at(
    segments: &[std::ops::Range<usize>],
    breaks: &[Break],
    at: Break,
) -> Vec<std::ops::Range<usize>> {
    let cuts = |b: Break| b == Break::Sentence || (at == Break::Pause && b == Break::Pause);
    let mut cut = Vec::with_capacity(segments.len());
    for r in segments {
        let mut start = r.start;
        let inside = (breaks.get(r.clone()).unwrap_or_default().iter()).enumerate();
        for (i, _) in inside.skip(1).filter(|(_, b)| cuts(**b)) {
            cut.push(start..r.start + i);
            start = r.start + i;
        }
        cut.push(start..r.end);
    }
    cut
}

/// At most this many words between commas may be a yes or no said after a command
/// ([`IntentModel::read_with_answer`]): the fragments of [`Domain::is_fragment`].
///
/// [`Domain::is_fragment`]: super::domain::Domain::is_fragment
const ANSWER_WORDS: usize = super::domain::FRAGMENT_WORDS;

/// Whether a spend of `said`, the commands before an answer, is of no intent of `whole`, the
/// utterance read as one: the answer's words turned that spend into another command.
fn turns_a_spend(said: &[IntentResult], whole: &[IntentResult]) -> bool {
    said.iter()
        .any(|c| c.intent.requires_confirmation() && !whole.iter().any(|w| w.intent == c.intent))
}

/// Whether `a` and `b` are the same commands with the same values, however sure of them.
fn same_commands(a: &[IntentResult], b: &[IntentResult]) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|(x, y)| x.intent == y.intent && x.slots == y.slots)
}

/// Whether a clause of words `r`, cut at `at`, may be an answer: a sentence, or only a few
/// words between commas ("..., on va jamais finir tout ça" is talk).
fn may_answer(at: Break, r: &std::ops::Range<usize>) -> bool {
    at == Break::Sentence || r.len() <= ANSWER_WORDS
}

/// The clauses of `tokens` cut at `at`, among which [`IntentModel::read_with_answer`] looks
/// for an answer: none where the cut parts nothing.
fn clauses_at(tokens: &[String], breaks: &[Break], at: Break) -> Vec<std::ops::Range<usize>> {
    let all = 0..tokens.len();
    let clauses = cut_at(std::slice::from_ref(&all), breaks, at);
    if clauses.len() < 2 {
        return Vec::new();
    }
    clauses
}

/// The words before the first comma or sentence end of an utterance whose `breaks` are
/// given, when they are few enough to be a yes or no and more words follow.
fn opening_clause(breaks: &[Break]) -> Option<std::ops::Range<usize>> {
    let all = 0..breaks.len();
    let first = cut_at(std::slice::from_ref(&all), breaks, Break::Pause)
        .into_iter()
        .next()?;
    (first.end < breaks.len() && first.len() <= ANSWER_WORDS).then_some(first)
}

/// Whether a text value of `slots` holds one of `words`.
fn takes_words_of(slots: &Slots, words: &[String]) -> bool {
    SlotKind::ALL.iter().any(|&k| match slots.get(k) {
        Some(SlotValue::Text(v)) => tokenize(&v).iter().any(|t| words.contains(t)),
        _ => false,
    })
}

/// Whether `c` is an answer, out of scope, or a command with what DOMAIN.md requires.
fn is_whole(c: &IntentResult) -> bool {
    domain().intent(c.intent).is_complete(&c.slots)
}

/// Whether `c` is a command that needs a value (an item, a contact, a charity...) and names
/// it: whole by what it says, not because its intent needs nothing ("cancel the order").
fn names_what_it_needs(c: &IntentResult) -> bool {
    let intent = domain().intent(c.intent);
    !intent.needs.is_empty() && intent.is_complete(&c.slots)
}

/// Folds `c`, read from `words`, into the last of `found` when it says that command again
/// ([`says_again`]); else gives it back.
fn fold_restatement(
    found: &mut [IntentResult],
    c: IntentResult,
    words: &[String],
) -> Option<IntentResult> {
    match found.last_mut() {
        Some(last) if says_again(last.intent, &last.slots, c.intent, &c.slots, words) => {
            last.confidence = last.confidence.max(c.confidence);
            None
        }
        _ => Some(c),
    }
}

/// Whether a command of `intent` with `slots`, read from `words`, says again the one just
/// said (`said`, `said_slots`): the same intent with no value of its own, and an answer, or
/// words that point back at it ("Can you stop the delivery of the desk lamp? I want to cancel
/// it.", "No. Don't order it."). Without a word pointing back, a second question of the same
/// kind is one of its own ("What's on my shopping list? Read me the grocery list.").
pub fn says_again(
    said: Intent,
    said_slots: &Slots,
    intent: Intent,
    slots: &Slots,
    words: &[String],
) -> bool {
    said == intent && said_slots.holds(slots) && (intent.is_answer() || domain().refers_back(words))
}

/// Whether Whisper's sentences, read one by one, are each a command read at or above `bar`,
/// as many as `read` holds but not the same ones: "Ajoute des pommes. Enlève les poires."
/// read whole as two items under one verb (the second verb taken for a brand) is an add and
/// a remove by its sentences.
fn sentences_say_other_commands(
    by_sentences: &[IntentResult],
    sentences: usize,
    read: &[IntentResult],
    bar: f32,
) -> bool {
    by_sentences.len() == sentences
        && commands_in(by_sentences) == sentences
        && commands_in(read) == sentences
        && by_sentences.iter().all(|c| c.confidence >= bar)
        && !same_intents(by_sentences, read)
}

/// Whether `a` and `b` are commands of the same intents in the same order.
fn same_intents(a: &[IntentResult], b: &[IntentResult]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.intent == y.intent)
}

/// How many of `read` are commands of ours.
fn commands_in(read: &[IntentResult]) -> usize {
    read.iter()
        .filter(|c| c.intent != Intent::OutOfScope)
        .count()
}

/// Slot kinds that describe one item; the others (list, merchant, contact, ...) are shared by
/// all the items of a command.
fn per_item(kind: SlotKind) -> bool {
    matches!(
        kind,
        SlotKind::Item | SlotKind::Quantity | SlotKind::Unit | SlotKind::Brand
    )
}

/// Where the words between two item spans (`from..to`) split them into two items: at the
/// last joiner or written pause (a comma) there, when every other word is a slot of the
/// items or a determiner ("two litres of milk **and** a dozen eggs", "bananas**,** apples");
/// `None` when they are not joined so ("milk for the puppy"): then only one is an item.
fn item_cut(
    tokens: &[String],
    pauses: &[bool],
    spans: &[Span],
    from: usize,
    to: usize,
) -> Option<usize> {
    let in_span = |t: usize| spans.iter().any(|s| (s.start..s.end).contains(&t));
    let joiner = |t: usize| ITEM_JOINERS.contains(&tokens[t].as_str()) && !in_span(t);
    let cut = (from..=to)
        .rev()
        .find(|&t| pauses.get(t) == Some(&true) || (t < to && joiner(t)))?;
    let plain = (from..to)
        .all(|t| joiner(t) || in_span(t) || ITEM_LEAD_WORDS.contains(&tokens[t].as_str()));
    plain.then_some(cut)
}

/// Item spans cut at written pauses: Whisper's "bananas, apples" is two items however the
/// tagger read it.
fn cut_items_at_pauses(spans: &[Span], pauses: &[bool]) -> Vec<Span> {
    let mut out = Vec::new();
    for &sp in spans {
        if sp.kind != SlotKind::Item {
            out.push(sp);
            continue;
        }
        let mut start = sp.start;
        for t in sp.start + 1..sp.end {
            if pauses.get(t) == Some(&true) {
                out.push(Span { end: t, ..sp }.with_start(start));
                start = t;
            }
        }
        out.push(sp.with_start(start));
    }
    out
}

/// The slots of each object of one command: one per item joined by "and" (DOMAIN.md: "add
/// milk and eggs" is two objects), each with the quantity, unit and brand spoken with it,
/// all with the shared slots; without any item, one per brand so joined. Item spans that
/// are not joined so are one item, the tagger's most confident.
pub fn assemble_commands(
    intent: Intent,
    tokens: &[String],
    pauses: &[bool],
    spans: &[Span],
) -> Vec<Slots> {
    let heard = items_take_their_modifiers(
        tokens,
        pauses,
        &halves_after_numbers(tokens, &units_heard_after_quantities(tokens, spans)),
    );
    let heard = shops_after_from(intent, tokens, &heard);
    let stretched = stretch_list_names(
        tokens,
        &names_run_to_the_end(tokens, pauses, &names_across_ampersand(tokens, &heard)),
    );
    let merged = merge_touching(tokens, &stretched);
    let merged = cut_items_at_pauses(&merged, pauses);
    let spans = &merged[..];
    // Without an item, the brands are what the command is about ("clip the coupons for Tide
    // and Bounty": two offers).
    let has_item = merged.iter().any(|s| s.kind == SlotKind::Item);
    let subject = if has_item {
        SlotKind::Item
    } else {
        SlotKind::Brand
    };
    let items: Vec<&Span> = merged.iter().filter(|s| s.kind == subject).collect();
    let cuts: Vec<usize> = items
        .windows(2)
        .filter_map(|w| item_cut(tokens, pauses, &merged, w[0].end, w[1].start))
        .collect();
    if cuts.is_empty() {
        return vec![assemble_slots(intent, tokens, spans)];
    }
    let group_of = |sp: &Span| cuts.iter().filter(|&&c| sp.start >= c).count();
    (0..=cuts.len())
        .map(|g| {
            let mine: Vec<Span> = spans
                .iter()
                .filter(|sp| !per_item(sp.kind) || group_of(sp) == g)
                .copied()
                .collect();
            assemble_slots(intent, tokens, &mine)
        })
        .collect()
}

/// The tokens the classifier reads `text` as: tokenised, a misheard verb opening the
/// utterance, a sentence or a phrase after a comma read as the verb, within its sentence
/// ("Alexa, by three bottles", "And the other. At six cans of tomato soup";
/// `read_misheard_verb`; training tokenises without it).
fn classified_tokens(text: &str) -> (Vec<String>, Vec<Break>) {
    let (mut tokens, breaks) = tokenize_with_breaks(text);
    for start in (0..tokens.len()).filter(|&i| i == 0 || breaks[i] != Break::Word) {
        let end = (start + 1..tokens.len())
            .find(|&j| breaks[j] == Break::Sentence)
            .unwrap_or(tokens.len());
        read_misheard_verb(&mut tokens[start..end]);
    }
    read_money_words(&mut tokens);
    (tokens, breaks)
}

/// A word that is an amount and its currency at once, after a count ("a fiver", "two
/// tenners": `[money_words]` in domain.toml), is read as the amount it comes to and its
/// currency word ("5 pounds", "20 pounds"): two words for two, so the breaks between words
/// stay where they were. Without a count before it the word stays as it is.
fn read_money_words(tokens: &mut [String]) {
    let d = domain();
    for i in 1..tokens.len() {
        let Some((worth, currency)) = d.money_word(&tokens[i]) else {
            continue;
        };
        let count = parse_number(&tokens[i - 1]);
        if let Some(n) = count.filter(|n| *n > 0.0 && n * worth <= MAX_AMOUNT) {
            tokens[i - 1] = format!("{}", n * worth);
            tokens[i] = currency.to_string();
        }
    }
}

/// Whether a span covers token `i`.
fn tagged(spans: &[Span], i: usize) -> bool {
    spans.iter().any(|sp| sp.start <= i && i < sp.end)
}

/// An utterance that opens with a word the speech model writes for a command verb ("by
/// three bottles of", `[misheard_verbs]` in domain.toml) is read with the verb when a
/// quantity of something follows: a number or "for" (heard for "four"), then a unit within
/// two words; or, for a verb that puts something on a list (`[onto_list]`), when the
/// list it goes to follows ("at heinz ketchup to my party list"). "by ten to eleven am",
/// "bye for now" and "by the way, add milk to my list" stay as they are.
fn read_misheard_verb(tokens: &mut [String]) {
    let d = domain();
    let Some(verb) = tokens.first().and_then(|w| d.misheard_verb(w)) else {
        return;
    };
    // Not "a", which reads as one: "by a lot of people" ("lot" is a French unit word).
    let quantity = tokens.get(1).is_some_and(|w| {
        w == "for" || (!matches!(w.as_str(), "a" | "an") && parse_number(w).is_some())
    });
    let unit = tokens
        .iter()
        .skip(2)
        .take(2)
        .any(|w| d.heard_unit(w).is_some());
    if (quantity && unit) || (d.puts_onto_list(verb) && onto_a_list(&tokens[1..])) {
        tokens[0] = verb.to_string();
    }
}

/// Whether a command of `intent` read from `tokens` is talk about things in the house: it
/// names no list and says that its object goes to, or comes from, a place there
/// (`[places]` in domain.toml: "add the garlic to the pan", "take the skin off the salmon",
/// "mets le poulet au four"), or goes on to do something with it ("add the onions and cook
/// them"). Said near a speaker on a kitchen counter by a recipe, a cooking show or one person
/// to another, such words read as list commands (the corpus teaches "add X" and "take X off"
/// with and without a list's name); taught the kitchen's talk instead, the model lost real
/// commands said without a list (README, "Session 42").
fn is_talk_about_things(
    intent: Intent,
    tokens: &[String],
    pauses: &[bool],
    spans: &[Span],
    marks: &[Option<NameMark>],
) -> bool {
    may_be_talk(intent, tokens, marks)
        && (goes_on_with_it(tokens)
            || (2..tokens.len()).any(|i| puts_its_object_at(intent, tokens, pauses, spans, i)))
}

/// Whether a command of `intent` in `tokens` is one that talk about things reads as: of
/// `[places]`' intents, naming no list.
fn may_be_talk(intent: Intent, tokens: &[String], marks: &[Option<NameMark>]) -> bool {
    domain().places.read_for(intent) && !names_a_list(tokens, marks)
}

/// Whether token `i` leads to the place where the command's object goes: after the object
/// ("can you take off the milk" is no place), in the clause that holds every value the tagger
/// found ("scratch the cough drops, I found a bag in the drawer" is a command and a remark).
fn puts_its_object_at(
    intent: Intent,
    tokens: &[String],
    pauses: &[bool],
    spans: &[Span],
    i: usize,
) -> bool {
    let d = domain();
    // The lead first: the clause's values are read only around one.
    if !(d.places.languages()).any(|w| leads_to_a_place(w, intent, tokens, spans, i)) {
        return false;
    }
    let start = (1..=i).rev().find(|&k| pauses[k]).unwrap_or(0);
    let end = (i + 1..tokens.len())
        .find(|&k| pauses[k])
        .unwrap_or(tokens.len());
    let values: Vec<&Span> = (spans.iter())
        .filter(|sp| sp.kind != SlotKind::List)
        .collect();
    let holds_the_values =
        !values.is_empty() && (values.iter()).all(|sp| start <= sp.start && sp.end <= end);
    let object_before = (start.max(1)..i).any(|j| {
        d.is_determiner(&tokens[j]) || parse_number(&tokens[j]).is_some() || tagged(spans, j)
    });
    holds_the_values && object_before
}

/// Whether token `i` leads to a place in `w`'s words: a lead ("to", "off", "dans"), then a
/// determiner that is no possessive of the speaker's ("to my list" misheard as "to my least"
/// stays a command) unless the lead holds one ("au four"), then a word that is no pronoun,
/// no list ("basket") and no name the tagger found (a contact, a shop, a charity, a list).
fn leads_to_a_place(
    w: &PlaceWords,
    intent: Intent,
    tokens: &[String],
    spans: &[Span],
    i: usize,
) -> bool {
    let d = domain();
    let lead = tokens[i].as_str();
    let leads = (w.leads.contains(lead) || (d.places.takes_away(intent) && w.away.contains(lead)))
        && !(d.places.shares(intent) && w.not_to.contains(lead));
    let Some(j) = place_after(w, tokens, i).filter(|_| leads) else {
        return false;
    };
    let a_name = |k: usize| {
        spans.iter().any(|sp| {
            (sp.start <= k && k < sp.end)
                && matches!(
                    sp.kind,
                    SlotKind::Contact | SlotKind::Merchant | SlotKind::Charity | SlotKind::List
                )
        })
    };
    tokens.get(j).is_some_and(|place| {
        place.chars().all(char::is_alphabetic)
            && !d.refers_back(std::slice::from_ref(place))
            && !w.lists.contains(place)
            && !a_name(j)
    })
}

/// Where the place's name begins after the word at `i` that leads to it: past a complement
/// ("out **of** the fridge", "hors **de** la cuisine") and a determiner of `w`'s, which a
/// contracted lead holds ("au four"); `None` without the determiner.
fn place_after(w: &PlaceWords, tokens: &[String], i: usize) -> Option<usize> {
    let mut j = i + 1;
    if tokens
        .get(j)
        .is_some_and(|x| domain().joins_name_complement(x))
    {
        j += 1;
    }
    if w.contracted.contains(&tokens[i]) {
        return Some(j);
    }
    tokens
        .get(j)
        .is_some_and(|x| w.determiners.contains(x))
        .then_some(j + 1)
}

/// Whether a purchase of `intent` takes its object from a room or a piece of furniture
/// ("can you grab the milk from the fridge for me", "grab me the colander from the bottom
/// cupboard": `rooms` in `[places]`), which no shop is: the last word of the place's name
/// is one ("from the garden centre" is a shop).
fn takes_it_from_a_room(intent: Intent, tokens: &[String], pauses: &[bool]) -> bool {
    let d = domain();
    if !d.places.buys(intent) {
        return false;
    }
    d.places.languages().any(|w| {
        (1..tokens.len()).any(|i| {
            let place = place_after(w, tokens, i).filter(|_| w.from.contains(&tokens[i]));
            let Some(j) = place else {
                return false;
            };
            let name_end = (j..tokens.len())
                .find(|&k| (k > j && pauses[k]) || d.ends_no_name(&tokens[k]))
                .unwrap_or(tokens.len());
            name_end > j && w.rooms.contains(&tokens[name_end - 1])
        })
    })
}

/// Whether `tokens` go on after a joiner with a verb and a word pointing back at what they
/// named: "add the onions and cook them until soft", "add the mince and break it up": a
/// recipe's next step, where an item never takes such a word after it.
fn goes_on_with_it(tokens: &[String]) -> bool {
    let d = domain();
    tokens.windows(3).any(|w| {
        d.joins_talk(&w[0])
            && !d.is_determiner(&w[1])
            && parse_number(&w[1]).is_none()
            && d.refers_back(std::slice::from_ref(&w[2]))
    })
}

/// Whether `tokens` name a list: a word that closes a list's name or is one of its aliases
/// ("party list", "groceries"), a place that is a list ("basket"), or a catalogue's list.
fn names_a_list(tokens: &[String], marks: &[Option<NameMark>]) -> bool {
    let d = domain();
    let lists = &d.lists;
    tokens.iter().any(|w| {
        lists.closes_name(w)
            || lists.is_alias(w)
            || d.places.languages().any(|p| p.lists.contains(w))
    }) || marks.iter().flatten().any(|m| m.kind == SlotKind::List)
}

/// Most words between the word that leads onto a list and the word that closes its name
/// ("to | my party | list").
const MAX_LIST_DESTINATION_WORDS: usize = 3;

/// Whether `tokens` say where something goes on a list: a word that leads onto one (`[onto_list]`
/// in domain.toml: "to", "on"), then at most `MAX_LIST_DESTINATION_WORDS` words and the word
/// that closes a list's name.
fn onto_a_list(tokens: &[String]) -> bool {
    let d = domain();
    tokens
        .iter()
        .enumerate()
        .filter(|(_, w)| d.lists.closes_name(w))
        .any(|(end, _)| {
            let from = end.saturating_sub(MAX_LIST_DESTINATION_WORDS + 1);
            tokens[from..end].iter().any(|w| d.leads_onto_list(w))
        })
}

/// Most untagged words between a list's name and the word "list" that are taken into it.
const MAX_LIST_NAME_STRETCH: usize = 2;

/// A list's name runs up to the word that closes it ("school | supplies list", "christmas |
/// gift list": the tagger cut names of two words it had not seen short), over untagged words
/// that can be part of a name (not "to", "my", "please", ...).
fn stretch_list_names(tokens: &[String], spans: &[Span]) -> Vec<Span> {
    let d = domain();
    spans
        .iter()
        .map(|&sp| {
            if sp.kind != SlotKind::List {
                return sp;
            }
            // "and" may join the words of a name that "list" closes ("odds and ends list").
            let inner_and = |j: usize| matches!(tokens[j].as_str(), "and" | "&" | "n");
            let stretch = (sp.end..tokens.len())
                .take(MAX_LIST_NAME_STRETCH + 1)
                .find(|&j| {
                    d.lists.closes_name(&tokens[j])
                        || tagged(spans, j)
                        || (d.ends_no_name(&tokens[j]) && !inner_and(j))
                });
            match stretch {
                Some(j) if j > sp.end && d.lists.closes_name(&tokens[j]) && !inner_and(j - 1) => {
                    Span { end: j, ..sp }
                }
                _ => sp,
            }
        })
        .collect()
}

/// A word that the speech model writes for a unit ("two leaders of milk", `heard` in
/// domain.toml's `[[unit]]`) is that unit right after a quantity, or between "a" and "of"
/// ("a leader of oat drink"), when the tagger left it out or took it alone for an item
/// before "of" ("leaders" | "of" | "milk"): it never saw it as a unit (training transcripts
/// label the unit said, not the one heard).
fn units_heard_after_quantities(tokens: &[String], spans: &[Span]) -> Vec<Span> {
    let d = domain();
    let item_alone_before_of = |i: usize| {
        tokens.get(i + 1).is_some_and(|w| w == "of")
            && (spans.iter())
                .any(|sp| sp.kind == SlotKind::Item && (sp.start, sp.end) == (i, i + 1))
    };
    let heard = |i: usize| {
        (!tagged(spans, i) || item_alone_before_of(i))
            && d.unit(&tokens[i]).is_none()
            && d.heard_unit(&tokens[i]).is_some()
    };
    let after_quantity = |i: usize| {
        spans
            .iter()
            .any(|sp| sp.kind == SlotKind::Quantity && sp.end == i)
    };
    let after_article = |i: usize| {
        i > 0
            && matches!(tokens[i - 1].as_str(), "a" | "an")
            && tokens.get(i + 1).is_some_and(|w| w == "of")
    };
    let mut out = spans.to_vec();
    for i in 0..tokens.len() {
        if heard(i) && (after_quantity(i) || after_article(i)) {
            out.retain(|sp| (sp.start, sp.end) != (i, i + 1));
            // Less sure than any unit the tagger found: that one is the slot's value.
            out.push(Span {
                kind: SlotKind::Unit,
                start: i,
                end: i + 1,
                score: f32::MIN,
            });
        }
    }
    out.sort_by_key(|sp| sp.start);
    out
}

/// Whether a command's words stop before token `i`: its end, a pause, or a word that opens
/// the rest of a command ("from", "to", "sur": `[continuation]` in domain.toml).
fn command_stops_at(tokens: &[String], pauses: &[bool], i: usize) -> bool {
    i >= tokens.len() || pauses.get(i) == Some(&true) || domain().begins_continuation(&tokens[i])
}

/// An item takes in the word the tagger left out between it and its determiner ("a | yoga
/// | mat", "me | running | shorts", `[not_in_items]` in domain.toml names the words it
/// does not take: "some more milk"), and the one after it when the command's words stop
/// there (English head nouns: "zip | ties | from the list"; French adjectives: "viande |
/// hachée"); in French also a complement after "de"/"à" ("tapis | de yoga"). The tagger
/// learnt names from the corpus's products and stops at a word it has not seen in one.
fn items_take_their_modifiers(tokens: &[String], pauses: &[bool], spans: &[Span]) -> Vec<Span> {
    let d = domain();
    let free = |i: usize| i < tokens.len() && !tagged(spans, i) && d.may_be_in_item(&tokens[i]);
    let ends_after = |i: usize| command_stops_at(tokens, pauses, i);
    let after_quantity = |i: usize| {
        spans
            .iter()
            .any(|sp| sp.end == i && matches!(sp.kind, SlotKind::Quantity | SlotKind::Unit))
    };
    let opens_item = |i: usize| {
        d.is_determiner(&tokens[i]) || d.joins_name_complement(&tokens[i]) || after_quantity(i + 1)
    };
    let french = detect(tokens) == Lang::Fr;
    spans
        .iter()
        .map(|&sp| {
            if sp.kind != SlotKind::Item {
                return sp;
            }
            let mut sp = sp;
            if sp.start >= 2 && free(sp.start - 1) && opens_item(sp.start - 2) {
                sp.start -= 1;
            }
            let e = sp.end;
            if free(e) && ends_after(e + 1) {
                sp.end = e + 1;
            } else if french
                && e < tokens.len()
                && d.joins_name_complement(&tokens[e])
                && free(e + 1)
                && !d.is_determiner(&tokens[e + 1])
                && ends_after(e + 2)
            {
                sp.end = e + 2;
            }
            sp
        })
        .collect()
}

/// Most untagged words after a number that say its half ("and a half", "et demie").
const MAX_HALF_WORDS: usize = 3;

/// A quantity or amount takes in the half said after it ("two | and a | half | kilos",
/// "deux | et demi"), whether the tagger left it out or took it for a number of its own:
/// the number to act on would be the wrong one.
fn halves_after_numbers(tokens: &[String], spans: &[Span]) -> Vec<Span> {
    let numbers = &domain().numbers;
    let mut out: Vec<Span> = Vec::with_capacity(spans.len());
    for &sp in spans {
        if out
            .last()
            .is_some_and(|l: &Span| l.kind == sp.kind && sp.end <= l.end)
        {
            continue; // the half taken in just before
        }
        let number = matches!(sp.kind, SlotKind::Quantity | SlotKind::Amount);
        let half_at = |i: usize| {
            let here = spans.iter().find(|o| o.start <= i && i < o.end);
            here.is_none_or(|o| o.kind == sp.kind) && numbers.is_half(&tokens[i])
        };
        let half = (number && joins_number(tokens.get(sp.end)))
            .then(|| {
                (sp.end + 1..tokens.len())
                    .take(MAX_HALF_WORDS)
                    .take_while(|&i| !tagged(spans, i) || half_at(i))
                    .find(|&i| half_at(i))
            })
            .flatten();
        match half {
            Some(h) if normalize_slot(sp.kind, &join(&tokens[sp.start..=h])).is_some() => {
                out.push(Span { end: h + 1, ..sp })
            }
            _ => out.push(sp),
        }
    }
    out
}

/// The cents said after a currency ("twelve dollars and fifty cents", "sept euros
/// cinquante"): a number under 100 right after the currency that follows the amount, with
/// a word for the cents (`[currency_cents]` in domain.toml) or ending the command. In
/// hundredths of the currency.
fn cents_after_currency(tokens: &[String], spans: &[Span]) -> Option<f64> {
    let d = domain();
    let currency = spans.iter().find(|c| {
        c.kind == SlotKind::Currency
            && spans
                .iter()
                .any(|a| a.kind == SlotKind::Amount && a.end == c.start)
    })?;
    let mut i = currency.end;
    let joined = joins_number(tokens.get(i));
    if joined {
        i += 1;
    }
    // The longest run of up to three number words there ("fifty", "quatre vingt dix"),
    // never over the word for cents ("cents" is also French for hundreds).
    let last = (i..tokens.len())
        .take(3)
        .take_while(|&j| !d.is_cents_word(&tokens[j]))
        .count();
    let (end, cents) = (i + 1..=i + last)
        .rev()
        .filter(|&e| {
            (i..e).all(|j| {
                !tagged(spans, j)
                    || spans
                        .iter()
                        .any(|s| s.kind == SlotKind::Amount && s.start <= j && j < s.end)
            })
        })
        .find_map(|e| Some((e, parse_number(&join(&tokens[i..e]))?)))?;
    if !(1.0..100.0).contains(&cents) || cents.fract() != 0.0 {
        return None;
    }
    let named = tokens.get(end).is_some_and(|w| d.is_cents_word(w));
    let ends = end == tokens.len() || d.begins_continuation(&tokens[end]);
    // "Donate twenty dollars to": "to" is a number only as the recogniser's spelling of
    // "two", and a command cut before its charity ends on it; without the word for cents,
    // such words are never the cents (20.02 was read).
    let homophone = (i..end).all(|j| d.ends_no_name(&tokens[j]));
    (named || (ends && !joined && !homophone)).then_some(cents / 100.0)
}

/// Most untagged words at the end of a command that the name before them takes in.
const MAX_NAME_TAIL: usize = 2;

/// A shop, charity or contact named last runs to the end of the command: the tagger cut
/// names it has not seen after their first words ("the ronald | mcdonald house", "uncle |
/// ray", "électro | dépôt"). Only words that may be in a name, and only when nothing but
/// the end of the command, a pause or a word that opens the rest of one follows them
/// ("to uncle ray right now" keeps "uncle"). A word the tagger read as a second item there,
/// after the name and with the command's item said before it, is the name's too: no command
/// names its item, then its shop, then another item with nothing to join them ("shower gel
/// from crewed | bat": Kruidvat misheard).
fn names_run_to_the_end(tokens: &[String], pauses: &[bool], spans: &[Span]) -> Vec<Span> {
    let d = domain();
    let ends_at = |i: usize| command_stops_at(tokens, pauses, i);
    let item_at = |i: usize| {
        spans
            .iter()
            .any(|s| s.kind == SlotKind::Item && s.start <= i && i < s.end)
    };
    let free = |i: usize, item_before: bool| {
        d.may_be_in_item(&tokens[i]) && (!tagged(spans, i) || (item_before && item_at(i)))
    };
    let ran: Vec<Span> = spans
        .iter()
        .map(|&sp| {
            if !matches!(
                sp.kind,
                SlotKind::Merchant | SlotKind::Charity | SlotKind::Contact
            ) || ends_at(sp.end)
            {
                return sp;
            }
            let item_before = spans
                .iter()
                .any(|s| s.kind == SlotKind::Item && s.end <= sp.start);
            let tail = (sp.end..tokens.len())
                .take(MAX_NAME_TAIL)
                .take_while(|&i| free(i, item_before) && pauses.get(i) != Some(&true))
                .count();
            match (1..=tail).rev().find(|&n| ends_at(sp.end + n)) {
                Some(n) => Span {
                    end: sp.end + n,
                    ..sp
                },
                None => sp,
            }
        })
        .collect();
    // The items a name took in are gone.
    ran.iter()
        .filter(|s| {
            s.kind != SlotKind::Item
                || !ran
                    .iter()
                    .any(|n| n.kind != SlotKind::Item && n.start < s.start && s.end <= n.end)
        })
        .copied()
        .collect()
}

/// A brand the tagger found right after a word that leads to a shop ("from", "chez":
/// `[before_shops]` in domain.toml) is the shop a command buys from, when the command names
/// none and its intent carries one ("order allergy tablets from | rite aid |"): the tagger
/// knows the brands and shops of the corpus, and reads an unknown name by its neighbours.
fn shops_after_from(intent: Intent, tokens: &[String], spans: &[Span]) -> Vec<Span> {
    let d = domain();
    let has_shop = spans.iter().any(|sp| sp.kind == SlotKind::Merchant);
    if has_shop || !intent.allowed_slots().contains(&SlotKind::Merchant) {
        return spans.to_vec();
    }
    spans
        .iter()
        .map(|&sp| {
            let after_from = sp.start > 0 && d.comes_before_shops(&tokens[sp.start - 1]);
            if sp.kind == SlotKind::Brand && after_from {
                Span {
                    kind: SlotKind::Merchant,
                    ..sp
                }
            } else {
                sp
            }
        })
        .collect()
}

/// Most untagged words after (or one before) an "&" that a name takes in.
const MAX_AMPERSAND_STRETCH: usize = 2;

/// "&" is written inside names, not between commands or items ("Marks & Spencer", "Ben &
/// Jerry's", as typed and as Whisper writes them): a name span next to one takes in the
/// untagged words on its other side (the tagger cut "arm | & hammer" and "ben & | jerry's").
fn names_across_ampersand(tokens: &[String], spans: &[Span]) -> Vec<Span> {
    let d = domain();
    let free = |i: usize| !tagged(spans, i) && !d.ends_no_name(&tokens[i]) && tokens[i] != "&";
    let is_amp = |i: usize| tokens.get(i).is_some_and(|t| t == "&");
    spans
        .iter()
        .map(|&sp| {
            if matches!(
                sp.kind,
                SlotKind::Quantity
                    | SlotKind::Amount
                    | SlotKind::Unit
                    | SlotKind::Currency
                    | SlotKind::List
            ) {
                return sp;
            }
            let mut sp = sp;
            if is_amp(sp.end) {
                let after = (sp.end + 1..tokens.len())
                    .take(MAX_AMPERSAND_STRETCH)
                    .take_while(|&i| free(i))
                    .count();
                if after > 0 {
                    sp.end += 1 + after;
                }
            }
            if sp.start >= 2 && is_amp(sp.start - 1) && free(sp.start - 2) {
                sp.start -= 2;
            }
            sp
        })
        .collect()
}

/// Spans of one kind that touch are one value ("hiking" + "boots"), and so are two number
/// spans with only "and" between them, after a scale or before a half, when read together
/// ("two hundred | and | fifty", "a hundred | and | twenty five"): the tagger tends to cut
/// at "and", and the amount to confirm would be the wrong one.
fn merge_touching(tokens: &[String], spans: &[Span]) -> Vec<Span> {
    let mut merged: Vec<Span> = Vec::new();
    for &sp in spans {
        match merged.last_mut() {
            Some(last) if one_value(tokens, last, &sp) => {
                last.end = sp.end;
                last.score = last.score.min(sp.score);
            }
            _ => merged.push(sp),
        }
    }
    merged
}

/// Whether `next` continues the value of `last` (see [`merge_touching`]).
fn one_value(tokens: &[String], last: &Span, next: &Span) -> bool {
    if last.kind != next.kind {
        return false;
    }
    if last.end == next.start {
        return true;
    }
    if next.start == last.end + 1 && tokens[last.end] == "&" {
        return true;
    }
    // "tapis | de | yoga", "essoreuse | à | salade": the tagger heard two items where one
    // name goes on after "de"/"à" (`[name_complements]`); no grammar joins two items so.
    // Not over a word that names no item ("deux kilos et | demi | de pommes").
    let d = domain();
    if next.kind == SlotKind::Item
        && next.start == last.end + 1
        && d.joins_name_complement(&tokens[last.end])
        && tokens[last.start..last.end]
            .iter()
            .all(|w| d.may_be_in_item(w) && !d.numbers.is_half(w))
    {
        return true;
    }
    let numbers = &d.numbers;
    matches!(next.kind, SlotKind::Quantity | SlotKind::Amount)
        && next.start == last.end + 1
        && joins_number(tokens.get(last.end))
        // English says "and" after a scale ("hundred and fifty") or before a half.
        && (numbers.scale(&tokens[last.end - 1]).is_some()
            || tokens[next.start..next.end].iter().any(|w| numbers.is_half(w)))
        && normalize_slot(next.kind, &join(&tokens[last.start..next.end])).is_some()
}

/// Turns tagged spans into normalised slots, with DOMAIN.md's defaults: touching spans of
/// one kind are one value ("hiking" + "boots"); of separate spans of one kind the tagger's
/// most confident wins.
pub fn assemble_slots(intent: Intent, tokens: &[String], spans: &[Span]) -> Slots {
    let mut slots = Slots::default();
    let allowed = intent.allowed_slots();
    let mut merged = merge_touching(tokens, spans);
    merged.sort_by(|a, b| b.score.total_cmp(&a.score));
    for sp in &merged {
        if !allowed.contains(&sp.kind) || slots.get(sp.kind).is_some() {
            continue;
        }
        // A shop or brand said only in words no name ends on names none ("on their own
        // website": the brand's, unnamed); not "little", which a catalogue may hear as Lidl.
        let words = &tokens[sp.start..sp.end];
        let named = |w: &String| !domain().ends_no_name(w);
        if matches!(sp.kind, SlotKind::Merchant | SlotKind::Brand) && !words.iter().any(named) {
            continue;
        }
        if let Some(value) = normalize_slot(sp.kind, &join(words)) {
            slots.set(sp.kind, value);
        }
    }
    if let (Some(amount), Some(cents)) = (slots.amount, cents_after_currency(tokens, spans)) {
        if amount.fract() == 0.0 {
            slots.amount = Some(amount + cents);
        }
    }
    // "a bottle of wine": the article before a unit is a quantity of one.
    if allowed.contains(&SlotKind::Quantity) && slots.quantity.is_none() && slots.unit.is_some() {
        if let Some(sp) = spans.iter().find(|s| s.kind == SlotKind::Unit) {
            let a = sp.start;
            if a > 0 && matches!(tokens[a - 1].as_str(), "a" | "an" | "one" | "un" | "une") {
                slots.quantity = Some(1.0);
            }
        }
    }
    let unnamed = || allowed.contains(&SlotKind::List) && domain().lists.says_unnamed(tokens);
    if slots.list.is_none() && (intent.defaults_list() || unnamed()) {
        slots.list = Some(domain().lists.default.clone());
    }
    slots
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_replace_a_reading_only_when_each_is_another_command() {
        let said = |intent| IntentResult {
            intent,
            confidence: 0.9,
            slots: Slots::default(),
            requires_confirmation: false,
        };
        use Intent::*;
        // "Ajoute des pommes. Enlève les poires.": two adds whole, an add and a remove apart.
        let whole = [said(AddToList), said(AddToList)];
        let apart = [said(AddToList), said(RemoveFromList)];
        assert!(sentences_say_other_commands(&apart, 2, &whole, 0.6));
        assert!(!sentences_say_other_commands(&whole, 2, &whole, 0.6));
        // Nor when a sentence is read under the bar.
        assert!(!sentences_say_other_commands(&apart, 2, &whole, 0.95));
        // A sentence that is no command, or fewer commands than sentences: the reading stands.
        let talk = [said(ReadList), said(OutOfScope)];
        assert!(!sentences_say_other_commands(&talk, 2, &whole, 0.6));
        let one = [said(ReadList)];
        assert!(!sentences_say_other_commands(
            &one,
            2,
            &[said(RemoveFromList)],
            0.6
        ));
    }

    fn settings() -> ModelSettings {
        ModelSettings {
            buckets: 1 << 15,
            intent_hidden: 32,
            tagger_hidden: 32,
            splitter_hidden: 16,
            completer_hidden: 16,
            ensemble: 3,
            labellers: 1,
            completers: None,
            temperature: 1.5,
            threshold: 0.6,
            spend_threshold: 0.8,
            seed: 42,
            corpus_sha256: String::new(),
            features: FEATURES_VERSION,
            answers: vec!["no".into(), "yes".into()],
            vectors: None,
        }
    }

    fn vectors(file: &str, dims: usize, scale: f32) -> Option<VectorSettings> {
        Some(VectorSettings {
            file: file.into(),
            sha256: String::new(),
            dims,
            scale,
        })
    }

    #[test]
    fn spend_intents_have_the_stricter_bar() {
        let s = settings();
        assert_eq!(s.threshold_for(Intent::Buy), 0.8);
        assert_eq!(s.threshold_for(Intent::ClearList), 0.8);
        assert_eq!(s.threshold_for(Intent::ReadList), 0.6);
        // A spend bar under the general one never lowers it.
        let low = ModelSettings {
            spend_threshold: 0.1,
            ..settings()
        };
        assert_eq!(low.threshold_for(Intent::Donate), 0.6);
    }

    #[test]
    fn settings_that_would_lie_or_size_absurdly_are_refused() {
        assert!(settings().validate().is_ok());
        let cases = [
            ModelSettings {
                threshold: 2.0,
                ..settings()
            },
            ModelSettings {
                answers: vec!["yes".into(), "no".into()],
                ..settings()
            },
            ModelSettings {
                answers: vec!["go ahead".into()],
                ..settings()
            },
            ModelSettings {
                spend_threshold: f32::NAN,
                ..settings()
            },
            ModelSettings {
                temperature: 0.0,
                ..settings()
            },
            ModelSettings {
                buckets: 1 << 60,
                ..settings()
            },
            ModelSettings {
                buckets: 1000,
                ..settings()
            },
            ModelSettings {
                ensemble: 0,
                ..settings()
            },
            ModelSettings {
                labellers: MAX_ENSEMBLE + 1,
                ..settings()
            },
            ModelSettings {
                completers: Some(0),
                ..settings()
            },
            ModelSettings {
                intent_hidden: 0,
                ..settings()
            },
            ModelSettings {
                features: FEATURES_VERSION + 1,
                ..settings()
            },
            // A table outside the model's directory, or of a size or scale that makes no sense.
            ModelSettings {
                vectors: vectors("../elsewhere.safetensors", 384, 1.0),
                ..settings()
            },
            ModelSettings {
                vectors: vectors("word_vectors.safetensors", 0, 1.0),
                ..settings()
            },
            ModelSettings {
                vectors: vectors("word_vectors.safetensors", 384, f32::INFINITY),
                ..settings()
            },
        ];
        let with_vectors = ModelSettings {
            vectors: vectors("word_vectors.safetensors", 384, 1.0),
            ..settings()
        };
        assert!(with_vectors.validate().is_ok());
        for c in cases {
            assert!(c.validate().is_err(), "{c:?}");
        }
        // A model file from before the field existed was trained on the first feature set.
        let old = r#"{"buckets": 32768, "intent_hidden": 48, "tagger_hidden": 32,
            "splitter_hidden": 16, "completer_hidden": 16, "ensemble": 5, "temperature": 1.8,
            "threshold": 0.73, "spend_threshold": 0.91, "seed": 42, "corpus_sha256": ""}"#;
        let old: ModelSettings = serde_json::from_str(old).unwrap();
        assert_eq!(old.features, 1);
        let newer = ModelSettings {
            features: 99,
            ..settings()
        };
        // IntentError names the command that rebuilds the file.
        assert!(newer
            .validate()
            .unwrap_err()
            .contains("trained on features version 99"));
    }

    #[test]
    fn commands_start_at_each_start_label_without_their_joiners() {
        use SplitLabel::{Inside as I, Join as J, Start as S};
        // "add milk and then take the butter off"
        assert_eq!(segments(&[I, I, J, J, S, I, I, I]), vec![0..2, 4..8]);
        // "add milk and eggs": a joiner without a new command is an ordinary word.
        assert_eq!(segments(&[I, I, J, I]), vec![0..4]);
        // A start on the first word, or a joiner opening the utterance, splits nothing.
        assert_eq!(segments(&[S, I, I]), vec![0..3]);
        assert_eq!(segments(&[J, S, I]), vec![1..3]);
        assert_eq!(segments(&[I, S, S, I]), vec![0..1, 1..2, 2..4]);
        assert!(segments(&[]).is_empty());
    }

    fn words(text: &str) -> Vec<String> {
        text.split(' ').map(String::from).collect()
    }

    /// The first command's slots that `spans` of the words of `t` give for `intent`.
    fn slots(intent: Intent, t: &str, spans: &[Span]) -> Slots {
        assemble_commands(intent, &words(t), &[], spans).remove(0)
    }

    fn span(kind: SlotKind, start: usize, end: usize) -> Span {
        Span {
            kind,
            start,
            end,
            score: -0.1,
        }
    }

    #[test]
    fn items_under_one_verb_are_one_object_each_with_their_own_quantity() {
        let tokens = words("add two litres of milk and a dozen eggs to my party list");
        use SlotKind::*;
        let spans = [
            span(Quantity, 1, 2),
            span(Unit, 2, 3),
            span(Item, 4, 5),
            span(Quantity, 6, 8),
            span(Item, 8, 9),
            span(List, 11, 12),
        ];
        let c = assemble_commands(Intent::AddToList, &tokens, &[], &spans);
        assert_eq!(c.len(), 2);
        assert_eq!(c[0].item.as_deref(), Some("milk"));
        assert_eq!(
            (c[0].quantity, c[0].unit.as_deref()),
            (Some(2.0), Some("l"))
        );
        assert_eq!(c[1].item.as_deref(), Some("eggs"));
        assert_eq!((c[1].quantity, c[1].unit.as_deref()), (Some(12.0), None));
        assert!(c.iter().all(|s| s.list.as_deref() == Some("party")));
        // A brand after its item (French order) stays with it.
        let fr = words("ajoute du yaourt danone et du lait");
        let spans = [span(Item, 2, 3), span(Brand, 3, 4), span(Item, 6, 7)];
        let c = assemble_commands(Intent::AddToList, &fr, &[], &spans);
        assert_eq!(c[0].brand.as_deref(), Some("danone"));
        assert_eq!(c[1].brand, None);
        // One item: one object, as before.
        let one = assemble_commands(Intent::AddToList, &fr, &[], &spans[..2]);
        assert_eq!(one.len(), 1);
        // Two item spans not joined by "and" are one item (the tagger's most confident).
        let apart = words("buy dog food for the puppy");
        let spans = [span(Item, 1, 3), span(Item, 5, 6)];
        let c = assemble_commands(Intent::Buy, &apart, &[], &spans);
        assert_eq!(c.len(), 1);
        // Without an item, brands joined by "and" are one object each; beside an item, one.
        let brands = words("clip the coupons for tide and bounty");
        let spans = [span(Brand, 4, 5), span(Brand, 6, 7)];
        let c = assemble_commands(Intent::ActivateOffer, &brands, &[], &spans);
        let got: Vec<_> = c.iter().map(|s| s.brand.as_deref()).collect();
        assert_eq!(got, [Some("tide"), Some("bounty")]);
        let with_item = [span(Item, 2, 3), span(Brand, 4, 5), span(Brand, 6, 7)];
        let c = assemble_commands(Intent::ActivateOffer, &brands, &[], &with_item);
        assert_eq!(c.len(), 1);
    }

    #[test]
    fn a_number_cut_at_and_is_read_whole() {
        use SlotKind::*;
        let t = words("donate a hundred and twenty five dollars to oxfam");
        let spans = [span(Amount, 1, 3), span(Amount, 4, 6), span(Currency, 6, 7)];
        let c = assemble_commands(Intent::Donate, &t, &[], &spans);
        assert_eq!(c[0].amount, Some(125.0));
        let t = words("add two hundred and fifty grams of butter");
        let spans = [span(Quantity, 1, 3), span(Quantity, 4, 5), span(Unit, 5, 6)];
        let c = assemble_commands(Intent::AddToList, &t, &[], &spans);
        assert_eq!(c[0].quantity, Some(250.0));
        // Numbers that do not read as one stay apart: the first is taken.
        let t = words("add two and three apples");
        let spans = [span(Quantity, 1, 2), span(Quantity, 3, 4), span(Item, 4, 5)];
        let c = assemble_commands(Intent::AddToList, &t, &[], &spans);
        assert_eq!(c[0].quantity.map(|q| q != 5.0), Some(true), "{c:?}");
    }

    #[test]
    fn a_list_said_without_its_name_is_the_default_one() {
        let list_of =
            |intent, t: &str, spans: &[Span]| assemble_slots(intent, &words(t), spans).list.clone();
        // check_savings has no default list: only "my list" said gives it one.
        let savings = Intent::CheckSavings;
        assert_eq!(list_of(savings, "how much have i saved", &[]), None);
        let mine = list_of(savings, "any deals on my list", &[]);
        assert_eq!(mine.as_deref(), Some("shopping"));
        let fr = list_of(savings, "des promos sur ma liste", &[]);
        assert_eq!(fr.as_deref(), Some("shopping"));
        // A named list is the one named; "list" as a verb names nothing.
        let named = [span(SlotKind::List, 4, 5)];
        let party = list_of(savings, "any deals on my party list", &named);
        assert_eq!(party.as_deref(), Some("party"));
        assert_eq!(list_of(savings, "list my savings", &[]), None);
    }

    #[test]
    fn a_list_name_runs_up_to_the_word_list() {
        let list_of = |t: &str, spans: &[Span]| {
            let slots = assemble_commands(Intent::AddToList, &words(t), &[], spans);
            slots[0].list.clone()
        };
        let item = span(SlotKind::Item, 1, 2);
        let cut = [item, span(SlotKind::List, 3, 4)];
        let school = list_of("add pencil to school supplies list", &cut);
        assert_eq!(school.as_deref(), Some("school supplies"));
        // Not over words no name holds, nor over another slot, nor without "list" to end it.
        let please = list_of("add pencil to school please list", &cut);
        assert_eq!(please.as_deref(), Some("school"));
        let tagged = [
            item,
            span(SlotKind::List, 3, 4),
            span(SlotKind::Brand, 4, 5),
        ];
        let brand = list_of("add pencil to school bic list", &tagged);
        assert_eq!(brand.as_deref(), Some("school"));
        let open = list_of("add pencil to school supplies", &cut);
        assert_eq!(open.as_deref(), Some("school"));
        // "and" inside the name, never as its last word.
        let odds = list_of("add hooks to odds and ends list", &cut);
        assert_eq!(odds.as_deref(), Some("odds and ends"));
        let dangling = list_of("add hooks to odds ends and list", &cut);
        assert_eq!(dangling.as_deref(), Some("odds"));
    }

    #[test]
    fn an_amount_and_its_currency_in_one_word_are_read_as_both() {
        let read = |t: &str| {
            let mut w = words(t);
            read_money_words(&mut w);
            w.join(" ")
        };
        assert_eq!(read("give a fiver to oxfam"), "give 5 pounds to oxfam");
        assert_eq!(
            read("i want to give macmillan a tenner"),
            "i want to give macmillan 10 pounds"
        );
        assert_eq!(
            read("send two tenners to shelter"),
            "send 20 pounds to shelter"
        );
        // No count before it: left as said.
        assert_eq!(read("fiver to oxfam"), "fiver to oxfam");
    }

    /// The place and room rules on the tagger's spans alone (the model-backed cases are in
    /// `tests/intent_model.rs::talk_about_things_in_a_kitchen_is_no_command`).
    #[test]
    fn a_place_in_the_house_makes_a_command_talk() {
        use SlotKind::*;
        let talk = |intent: Intent, t: &str, spans: &[Span]| {
            let (tokens, pauses) = super::super::text::tokenize_with_pauses(t);
            is_talk_about_things(intent, &tokens, &pauses, spans, &[])
                || takes_it_from_a_room(intent, &tokens, &pauses)
        };
        let garlic = [span(Item, 2, 3)];
        assert!(talk(
            Intent::AddToList,
            "add the garlic to the pan",
            &garlic
        ));
        assert!(talk(
            Intent::AddToList,
            "mets le poulet au four",
            &[span(Item, 2, 3)]
        ));
        assert!(talk(
            Intent::RemoveFromList,
            "enlève les pépins du citron",
            &[span(Item, 2, 3)]
        ));
        assert!(talk(
            Intent::AddToList,
            "add the onions and cook them",
            &garlic
        ));
        // A list, a possessive, a pronoun, a place that is a list, the object after the
        // lead, a place in a remark, an intent the rule does not read.
        for (intent, t, spans) in [
            (Intent::AddToList, "add the garlic to the list", &garlic[..]),
            (Intent::AddToList, "add the garlic to my least", &garlic),
            (Intent::AddToList, "add the garlic to it", &garlic),
            (Intent::AddToList, "put the garlic in the basket", &garlic),
            (
                Intent::RemoveFromList,
                "can you take off the milk",
                &[span(Item, 5, 6)],
            ),
            (
                Intent::RemoveFromList,
                "scratch the cough drops, i found a bag in the drawer",
                &[span(Item, 2, 4)],
            ),
            (
                Intent::TrackOrder,
                "where is the garlic to the pan",
                &[span(Item, 3, 4)],
            ),
            (
                Intent::AddToList,
                "ajoute deux litres de lait",
                &[span(Item, 4, 5)],
            ),
        ] {
            assert!(!talk(intent, t, spans), "{t}");
        }
        // A purchase from a room, not from a shop whose name ends elsewhere.
        let colander = [span(Item, 3, 4)];
        let t = "grab me the colander from the bottom cupboard, would you";
        assert!(talk(Intent::BuyForMe, t, &colander));
        for t in [
            "buy compost from the garden centre",
            "achète du thon vu qu'il n'y a plus rien dans le placard",
        ] {
            assert!(!talk(Intent::Buy, t, &colander), "{t}");
        }
    }

    #[test]
    fn a_verb_the_speech_model_misheard_is_read_before_a_quantity_of_something() {
        let first = |t: &str| {
            let mut w = words(t);
            read_misheard_verb(&mut w);
            w[0].clone()
        };
        assert_eq!(first("by three bottles of sparkling water"), "buy");
        assert_eq!(first("bye for cans of tuna"), "buy");
        assert_eq!(first("by 12 cans of beer please"), "buy");
        assert_eq!(first("by two leaders of milk"), "buy");
        // "I" for a "Buy" said first, which English never follows with a number.
        assert_eq!(first("i 12 cans of chrominberg beer please"), "buy");
        assert_eq!(first("i three bottles of perrier sparkling water"), "buy");
        // A verb that puts something on a list, before the list it goes to.
        assert_eq!(first("at heinz ketchup to my party list"), "add");
        assert_eq!(first("at birthday candles on the list"), "add");
        assert_eq!(first("at 500 grams of ground beef"), "add");
        // Not without a quantity and a unit (or, for "add", the list), nor away from the start.
        for t in [
            "by ten to eleven am start my vacuum cleaner",
            "bye for now",
            "by a lot of people",
            "songs by three doors down",
            "by the way add milk to my list",
            "at what time does the store close",
            "at edge here into my road trip playlist",
            "at the end of the list",
            "i think three bottles of wine is enough",
            "i have two bottles of milk",
            "i 2 and a half hours ago",
        ] {
            assert_eq!(first(t), t.split(' ').next().unwrap(), "{t}");
        }
        // After a wake word and a comma, or opening a sentence, within that sentence only.
        let read = |t: &str| classified_tokens(t).0.join(" ");
        assert_eq!(
            read("Alexa, by three bottles of tide."),
            "alexa buy three bottles of tide"
        );
        assert_eq!(
            read("And the other. At six cans of soup."),
            "and the other add six cans of soup"
        );
        assert_eq!(
            read("Alexa, at what time. Add milk to my list."),
            "alexa at what time add milk to my list"
        );
        assert_eq!(
            read("songs by three doors down"),
            "songs by three doors down"
        );
    }

    #[test]
    fn a_unit_the_speech_model_misheard_is_read_after_a_quantity() {
        let slots_of = |t: &str, spans: &[Span]| {
            assemble_commands(Intent::AddToList, &words(t), &[], spans).remove(0)
        };
        let two = slots_of(
            "add two leaders of milk",
            &[span(SlotKind::Quantity, 1, 2), span(SlotKind::Item, 4, 5)],
        );
        assert_eq!((two.quantity, two.unit.as_deref()), (Some(2.0), Some("l")));
        let one = slots_of("add a leader of oat milk", &[span(SlotKind::Item, 4, 6)]);
        assert_eq!((one.quantity, one.unit.as_deref()), (Some(1.0), Some("l")));
        // A word the tagger took for something else stays it; no unit without a quantity.
        let item = slots_of(
            "add two leaders",
            &[span(SlotKind::Quantity, 1, 2), span(SlotKind::Item, 2, 3)],
        );
        assert_eq!((item.unit, item.item.as_deref()), (None, Some("leaders")));
        let band = slots_of("add the leader of the band", &[span(SlotKind::Item, 5, 6)]);
        assert_eq!(band.unit, None);
        // Taken alone for an item before "of" (the tagger of session 36's model does).
        let alone = slots_of(
            "add two leaders of milk",
            &[
                span(SlotKind::Quantity, 1, 2),
                span(SlotKind::Item, 2, 3),
                span(SlotKind::Item, 4, 5),
            ],
        );
        assert_eq!(
            (alone.quantity, alone.unit.as_deref(), alone.item.as_deref()),
            (Some(2.0), Some("l"), Some("milk"))
        );
    }

    #[test]
    fn an_item_takes_in_the_words_the_tagger_left_out_of_its_name() {
        let item_of = |t: &str, spans: &[Span]| {
            assemble_commands(Intent::Buy, &words(t), &[], spans)
                .remove(0)
                .item
        };
        let item = |t: &str, start, end| item_of(t, &[span(SlotKind::Item, start, end)]);
        assert_eq!(item("order a yoga mat", 3, 4).as_deref(), Some("yoga mat"));
        assert_eq!(
            item("buy me running shorts", 3, 4).as_deref(),
            Some("running shorts")
        );
        let basmati = item_of(
            "buy two bags of basmati rice",
            &[
                span(SlotKind::Quantity, 1, 2),
                span(SlotKind::Unit, 2, 3),
                span(SlotKind::Item, 5, 6),
            ],
        );
        assert_eq!(basmati.as_deref(), Some("basmati rice"));
        // Not a word that is no name, nor one after a word that opens none.
        assert_eq!(item("buy some more milk", 3, 4).as_deref(), Some("milk"));
        assert_eq!(item("i want to buy milk", 4, 5).as_deref(), Some("milk"));
        assert_eq!(item("buy the same coffee", 3, 4).as_deref(), Some("coffee"));
        // English puts the head noun last: the word the tagger left out before the command
        // stops is taken, but not a word the command says after its item.
        assert_eq!(
            item("delete zip ties from the garage list", 1, 2).as_deref(),
            Some("zip ties")
        );
        assert_eq!(
            item("cancel the blender order", 2, 3).as_deref(),
            Some("blender")
        );
        assert_eq!(item("buy milk today", 1, 2).as_deref(), Some("milk"));
        // French ones after it, and complements after "de" where the command ends.
        assert_eq!(
            item("achète de la viande hachée", 3, 4).as_deref(),
            Some("viande hachée")
        );
        assert_eq!(
            item("annule la commande du tapis de yoga", 4, 5).as_deref(),
            Some("tapis de yoga")
        );
        assert_eq!(
            item("ajoute du lait de soja à ma liste", 2, 3).as_deref(),
            Some("lait de soja")
        );
        assert_eq!(item("achète du lait demain", 2, 3).as_deref(), Some("lait"));
        // Two items the tagger heard on either side of "de"/"à" are one name, wherever the
        // command goes on.
        let two = |t: &str, a: (usize, usize), b: (usize, usize)| {
            item_of(
                t,
                &[
                    span(SlotKind::Item, a.0, a.1),
                    span(SlotKind::Item, b.0, b.1),
                ],
            )
        };
        assert_eq!(
            two("ajoute une housse de couette à ma liste", (2, 3), (4, 5)).as_deref(),
            Some("housse de couette")
        );
        assert_eq!(
            two("commande une essoreuse à salade chez darty", (2, 3), (4, 5)).as_deref(),
            Some("essoreuse à salade")
        );
        let potatoes = item_of(
            "ajoute deux kilos et demi de pommes de terre",
            &[
                span(SlotKind::Quantity, 1, 2),
                span(SlotKind::Unit, 2, 3),
                Span {
                    score: -2.0,
                    ..span(SlotKind::Item, 4, 5)
                },
                span(SlotKind::Item, 6, 9),
            ],
        );
        assert_eq!(potatoes.as_deref(), Some("pommes de terre"));
        assert_eq!(
            item("retire le lait de ma liste", 2, 3).as_deref(),
            Some("lait")
        );
    }

    #[test]
    fn a_shop_charity_or_contact_named_last_runs_to_the_end_of_the_command() {
        let donation = slots(
            Intent::Donate,
            "donate ten dollars to the ronald mcdonald house",
            &[
                span(SlotKind::Amount, 1, 2),
                span(SlotKind::Currency, 2, 3),
                span(SlotKind::Charity, 5, 6),
            ],
        );
        assert_eq!(donation.charity.as_deref(), Some("ronald mcdonald house"));
        let shop = |t: &str, at: usize| {
            slots(
                Intent::BuyForMe,
                t,
                &[
                    span(SlotKind::Item, 2, 3),
                    span(SlotKind::Merchant, at, at + 1),
                ],
            )
            .merchant
        };
        assert_eq!(
            shop("achète-moi une lampe sur électro dépôt", 4).as_deref(),
            Some("électro dépôt")
        );
        // Not over the words after a shop's name, nor when the command goes on after them.
        assert_eq!(
            shop("buy me lamps on the ikea website", 5).as_deref(),
            Some("ikea")
        );
        let contact = slots(
            Intent::ShareProduct,
            "send this to uncle ray right now",
            &[span(SlotKind::Contact, 3, 4)],
        );
        assert_eq!(contact.contact.as_deref(), Some("uncle"));
        let item_and_shop = |intent: Intent, t: &str, spans: &[Span]| {
            let s = slots(intent, t, spans);
            (s.item, s.merchant)
        };
        let said = |v: &str| Some(v.to_string());
        // A shop said only in words no name ends on is none.
        assert_eq!(
            item_and_shop(
                Intent::BuyForMe,
                "buy me a casserole dish on their own website",
                &[span(SlotKind::Item, 3, 5), span(SlotKind::Merchant, 7, 8)],
            ),
            (said("casserole dish"), None)
        );
        // A second item after the shop, the command's item said before it: the shop's name.
        assert_eq!(
            item_and_shop(
                Intent::Buy,
                "get me some shower gel from crewed bat",
                &[
                    span(SlotKind::Item, 3, 5),
                    span(SlotKind::Merchant, 6, 7),
                    span(SlotKind::Item, 7, 8),
                ],
            ),
            (said("shower gel"), said("crewed bat"))
        );
        // Without an item before it, the word after the shop is the command's item.
        assert_eq!(
            item_and_shop(
                Intent::Buy,
                "order from tesco bananas",
                &[span(SlotKind::Merchant, 2, 3), span(SlotKind::Item, 3, 4)],
            ),
            (said("bananas"), said("tesco"))
        );
    }

    #[test]
    fn a_brand_said_after_from_is_the_shop() {
        let item_and_brand = |at: usize| {
            [
                span(SlotKind::Item, 2, 4),
                span(SlotKind::Brand, at, at + 2),
            ]
        };
        let buy = slots(
            Intent::Buy,
            "order allergy tablets from rite aid",
            &item_and_brand(4),
        );
        assert_eq!(
            (buy.merchant.as_deref(), buy.brand.as_deref()),
            (Some("rite aid"), None)
        );
        let chez = slots(
            Intent::Buy,
            "commande des piles chez gamm vert",
            &[span(SlotKind::Item, 2, 3), span(SlotKind::Brand, 4, 6)],
        );
        assert_eq!(chez.merchant.as_deref(), Some("gamm vert"));
        // Not where the command names its shop, nor for an intent without one, nor after
        // another word.
        let named = slots(
            Intent::Buy,
            "order allergy tablets from rite aid at cvs",
            &[
                span(SlotKind::Item, 2, 4),
                span(SlotKind::Brand, 4, 6),
                span(SlotKind::Merchant, 7, 8),
            ],
        );
        assert_eq!(named.brand.as_deref(), Some("rite aid"));
        let list = slots(
            Intent::AddToList,
            "add allergy tablets from rite aid",
            &item_and_brand(4),
        );
        assert_eq!(list.brand.as_deref(), Some("rite aid"));
        let offer = slots(
            Intent::ActivateOffer,
            "clip allergy tablets coupon rite aid",
            &item_and_brand(4),
        );
        assert_eq!(offer.brand.as_deref(), Some("rite aid"));
    }

    #[test]
    fn a_half_or_the_cents_said_after_a_number_are_part_of_it() {
        // The tagger took "half" for a quantity of its own, or left it out.
        let potatoes = slots(
            Intent::AddToList,
            "add two and a half kilos of potatoes",
            &[
                span(SlotKind::Quantity, 1, 2),
                span(SlotKind::Quantity, 4, 5),
                span(SlotKind::Unit, 5, 6),
                span(SlotKind::Item, 7, 8),
            ],
        );
        assert_eq!(potatoes.quantity, Some(2.5));
        let pommes = slots(
            Intent::AddToList,
            "ajoute deux et demi kilos de pommes",
            &[span(SlotKind::Quantity, 1, 2), span(SlotKind::Item, 6, 7)],
        );
        assert_eq!(pommes.quantity, Some(2.5));
        let eggs = slots(
            Intent::AddToList,
            "add two and eggs",
            &[span(SlotKind::Quantity, 1, 2), span(SlotKind::Item, 3, 4)],
        );
        assert_eq!(eggs.quantity, Some(2.0));
        let donate = |t: &str, spans: &[Span]| slots(Intent::Donate, t, spans).amount;
        let twelve = [span(SlotKind::Amount, 1, 2), span(SlotKind::Currency, 2, 3)];
        let cents = donate("donate twelve dollars and fifty cents to unicef", &twelve);
        assert_eq!(cents, Some(12.5));
        assert_eq!(donate("donne sept euros cinquante", &twelve), Some(7.5));
        // Not a number that goes on to something else, nor one that is no cents.
        assert_eq!(
            donate("donate twelve dollars and five to oxfam", &twelve),
            Some(12.0)
        );
        assert_eq!(
            donate("donate twelve dollars two hundred", &twelve),
            Some(12.0)
        );
        // Nor a word that is a number only as a mishearing of one, cut off before the charity.
        assert_eq!(donate("donate twelve dollars to", &twelve), Some(12.0));
        assert_eq!(donate("donate twelve dollars too", &twelve), Some(12.0));
        assert_eq!(donate("donate twelve dollars two", &twelve), Some(12.02));
    }

    #[test]
    fn an_ampersand_is_inside_a_name() {
        let slots_of =
            |t: &str, spans: &[Span]| assemble_commands(Intent::BuyForMe, &words(t), &[], spans);
        // The untagged word after or before "&" is part of the name.
        let marks = slots_of(
            "get me a jumper from marks & spencer",
            &[span(SlotKind::Item, 3, 4), span(SlotKind::Merchant, 5, 6)],
        );
        assert_eq!(marks.len(), 1);
        assert_eq!(marks[0].merchant.as_deref(), Some("marks & spencer"));
        let ben = slots_of(
            "buy me ben & jerry's ice cream on amazon",
            &[
                span(SlotKind::Brand, 4, 5),
                span(SlotKind::Item, 5, 7),
                span(SlotKind::Merchant, 8, 9),
            ],
        );
        assert_eq!(ben[0].brand.as_deref(), Some("ben & jerry's"));
        // Two spans of one kind on both sides are one value, not two commands.
        let pg = slots_of(
            "buy me procter & gamble soap",
            &[span(SlotKind::Brand, 2, 3), span(SlotKind::Brand, 4, 5)],
        );
        assert_eq!(pg.len(), 1);
        assert_eq!(pg[0].brand.as_deref(), Some("procter & gamble"));
        // "and" is not "&": "tide and bounty" stay two brands.
        let two = slots_of(
            "buy me tide and bounty",
            &[span(SlotKind::Brand, 2, 3), span(SlotKind::Brand, 4, 5)],
        );
        assert_eq!(two.len(), 2);
    }

    #[test]
    fn a_settings_key_this_build_does_not_know_is_refused() {
        let mut v = serde_json::to_value(settings()).unwrap();
        assert!(serde_json::from_value::<ModelSettings>(v.clone()).is_ok());
        v["threshold_fr"] = 0.5.into();
        let e = serde_json::from_value::<ModelSettings>(v).unwrap_err();
        assert!(e.to_string().contains("threshold_fr"), "{e}");
    }

    #[test]
    fn ensemble_probabilities_are_the_members_mean() {
        let p = ensemble_probs(&[vec![0.0, 0.0], vec![10.0, -10.0]], 1.0);
        assert!((p[0] - (0.5 + 1.0) / 2.0).abs() < 1e-4, "{p:?}");
        assert!((p.iter().sum::<f32>() - 1.0).abs() < 1e-5);
    }
}
