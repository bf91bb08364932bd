//! The trained joint model: intent classifier + BIO slot tagger, with calibration and
//! rejection, and its on-disk form (`models/intent/`: f16 safetensors + JSON settings).

use super::features::{intent_features, token_features};
use super::lang::detect;
use super::net::{softmax, Scratch, SparseNet};
use super::normalize::normalize_slot;
use super::schema::{Intent, IntentResult, SlotKind, Slots};
use super::text::{join, tokenize};
use crate::stt::Lang;
use candle_core::{DType, Device, Tensor};
use std::collections::HashMap;
use std::path::Path;

/// Errors loading or saving the intent model.
#[derive(Debug, thiserror::Error)]
pub enum IntentError {
    #[error("intent model {path}: {reason}; rebuild it with `scripts/train-intent`")]
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
fn label_kind(label: usize) -> Option<SlotKind> {
    (label > 0).then(|| SlotKind::ALL[(label - 1) / 2])
}

/// Settings stored beside the weights.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct ModelSettings {
    pub buckets: usize,
    pub intent_hidden: usize,
    pub tagger_hidden: usize,
    /// Intent networks trained from successive seeds whose probabilities are averaged: one
    /// network's answer moved by a few points from seed to seed (README, "Training").
    pub ensemble: usize,
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
}

impl ModelSettings {
    /// The acceptance bar of `intent`: the risk tier of spend intents is stricter.
    pub fn threshold_for(&self, intent: Intent) -> f32 {
        acceptance_bar(intent, self.threshold, self.spend_threshold)
    }

    /// Every number that sizes the model or decides its answers, checked before use.
    fn validate(&self) -> Result<(), String> {
        if !self.buckets.is_power_of_two() || self.buckets > 1 << 24 {
            return Err(format!(
                "buckets {} is not a power of two up to 2^24",
                self.buckets
            ));
        }
        if !(1..=MAX_ENSEMBLE).contains(&self.ensemble) {
            return Err(format!(
                "ensemble {} is not in 1..={MAX_ENSEMBLE}",
                self.ensemble
            ));
        }
        for (name, h) in [
            ("intent_hidden", self.intent_hidden),
            ("tagger_hidden", self.tagger_hidden),
        ] {
            if h == 0 || h > 1024 {
                return Err(format!("{name} {h} is not in 1..=1024"));
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

pub struct IntentModel {
    pub settings: ModelSettings,
    /// `settings.ensemble` networks.
    pub intent_nets: Vec<SparseNet>,
    pub tagger: SparseNet,
}

/// What the classifier read in the text, before the result is assembled.
#[derive(Debug, Clone)]
pub struct Analysis {
    pub tokens: Vec<String>,
    pub probs: Vec<f32>,
    pub spans: Vec<Span>,
}

/// A tagged slot span over tokens `[start, end)`, with the tagger's mean log-probability.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Span {
    pub kind: SlotKind,
    pub start: usize,
    pub end: usize,
    pub score: f32,
}

impl IntentModel {
    /// Calibrated intent probabilities of `tokens`.
    pub fn intent_probs(&self, tokens: &[String], s: &mut Scratch) -> Vec<f32> {
        ensemble_probs(&self.intent_logits(tokens, s), self.settings.temperature)
    }

    /// Each ensemble member's raw logits for `tokens`.
    pub fn intent_logits(&self, tokens: &[String], s: &mut Scratch) -> Vec<Vec<f32>> {
        let Some(first) = self.intent_nets.first() else {
            return Vec::new();
        };
        // All members hash into the same `settings.buckets`: one set of ids serves them all.
        let feats = intent_features(tokens);
        let ids = first.ids(feats.iter().map(String::as_str));
        self.intent_nets
            .iter()
            .map(|net| {
                net.forward(&ids, s);
                s.logits.clone()
            })
            .collect()
    }

    /// BIO-consistent spans (kind, start, end) for an utterance of `intent`; only the slots
    /// DOMAIN.md allows for that intent can be produced.
    pub fn tag(&self, tokens: &[String], intent: Intent, s: &mut Scratch) -> Vec<Span> {
        let allowed = intent.allowed_slots();
        if allowed.is_empty() || tokens.is_empty() {
            return Vec::new();
        }
        let n = n_labels();
        let ok = |l: usize| label_kind(l).is_none_or(|k| allowed.contains(&k));
        let scores: Vec<Vec<f32>> = (0..tokens.len())
            .map(|i| {
                let feats = token_features(tokens, i, intent.name());
                let ids = self.tagger.ids(feats.iter().map(String::as_str));
                self.tagger.forward(&ids, s);
                softmax(&s.logits)
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

    pub fn analyze(&self, text: &str) -> Option<Analysis> {
        self.analyze_tokens(tokenize(text))
    }

    fn analyze_tokens(&self, tokens: Vec<String>) -> Option<Analysis> {
        if tokens.is_empty() {
            return None;
        }
        let mut s = Scratch::default();
        let probs = self.intent_probs(&tokens, &mut s);
        let intent = self.decide(&probs).0;
        let spans = self.tag(&tokens, intent, &mut s);
        Some(Analysis {
            tokens,
            probs,
            spans,
        })
    }

    /// The intent and confidence after rejection.
    pub fn decide(&self, probs: &[f32]) -> (Intent, f32) {
        let g = Guess::of(probs);
        if g.intent != Intent::OutOfScope && g.in_domain < self.settings.threshold_for(g.intent) {
            return (Intent::OutOfScope, 1.0 - g.in_domain);
        }
        (g.intent, g.p)
    }

    /// Classifies text; `None` for text without any word (nothing to act on).
    pub fn classify(&self, text: &str) -> Option<IntentResult> {
        self.classify_tokens(tokenize(text))
    }

    /// The result and the language: `stt_lang` when the speech model knows it, else read
    /// from the same tokens the classifier uses.
    pub fn classify_with_lang(
        &self,
        text: &str,
        stt_lang: Option<Lang>,
    ) -> (Option<IntentResult>, Lang) {
        let tokens = tokenize(text);
        let lang = stt_lang.unwrap_or_else(|| detect(&tokens));
        (self.classify_tokens(tokens), lang)
    }

    fn classify_tokens(&self, tokens: Vec<String>) -> Option<IntentResult> {
        let a = self.analyze_tokens(tokens)?;
        let (intent, confidence) = self.decide(&a.probs);
        let slots = assemble_slots(intent, &a.tokens, &a.spans);
        Some(IntentResult {
            intent,
            // Three decimals: more would claim a precision the calibration does not have.
            confidence: (confidence.clamp(0.0, 1.0) * 1000.0).round() / 1000.0,
            slots,
            requires_confirmation: intent.requires_confirmation(),
        })
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
        let tensors = candle_core::safetensors::load(dir.join("intent.safetensors"), &Device::Cpu)
            .map_err(|e| err(format!("intent.safetensors: {e}")))?;
        let intent_nets = (0..settings.ensemble)
            .map(|k| {
                read_net(
                    &tensors,
                    &format!("intent{k}"),
                    settings.buckets,
                    settings.intent_hidden,
                    Intent::ALL.len(),
                )
                .map_err(|e| err(e.to_string()))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let tagger = read_net(
            &tensors,
            "tagger",
            settings.buckets,
            settings.tagger_hidden,
            n_labels(),
        )
        .map_err(|e| err(e.to_string()))?;
        Ok(Self {
            settings,
            intent_nets,
            tagger,
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
        write_net(&mut tensors, "tagger", &self.tagger).map_err(|e| err(e.to_string()))?;
        let tmp = dir.join("intent.safetensors.partial");
        candle_core::safetensors::save(&tensors, &tmp).map_err(|e| err(e.to_string()))?;
        std::fs::rename(&tmp, dir.join("intent.safetensors")).map_err(|e| err(e.to_string()))?;
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

/// Rounds every weight to f16, as saved, so a freshly trained model behaves like a loaded one.
pub fn round_to_f16(net: &mut SparseNet) {
    for v in [&mut net.emb, &mut net.b1, &mut net.w2, &mut net.b2] {
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
    let data: Vec<f32> = rows
        .iter()
        .flat_map(|&r| {
            net.emb[r as usize * hd..(r as usize + 1) * hd]
                .iter()
                .copied()
        })
        .collect();
    let dev = &Device::Cpu;
    let f16 = |v: &[f32], shape: &[usize]| Tensor::from_slice(v, shape, dev)?.to_dtype(DType::F16);
    out.insert(
        format!("{name}.rows"),
        Tensor::from_slice(&rows, rows.len(), dev)?,
    );
    out.insert(format!("{name}.emb"), f16(&data, &[rows.len(), hd])?);
    out.insert(format!("{name}.b1"), f16(&net.b1, &[hd])?);
    out.insert(format!("{name}.w2"), f16(&net.w2, &[net.outputs, hd])?);
    out.insert(format!("{name}.b2"), f16(&net.b2, &[net.outputs])?);
    Ok(())
}

fn read_net(
    t: &HashMap<String, Tensor>,
    name: &str,
    buckets: usize,
    hidden: usize,
    outputs: usize,
) -> candle_core::Result<SparseNet> {
    let get = |k: &str| {
        t.get(&format!("{name}.{k}"))
            .ok_or_else(|| candle_core::Error::Msg(format!("tensor {name}.{k} missing")))
    };
    // Stored as f16: read as f16 and widened once, without an f32 copy of the whole tensor
    // (the embedding tables are most of the model's memory).
    let f16s = |k: &str| get(k)?.flatten_all()?.to_vec1::<half::f16>();
    let f32s = |k: &str| -> candle_core::Result<Vec<f32>> {
        Ok(f16s(k)?.into_iter().map(f32::from).collect())
    };
    let rows = get("rows")?.to_vec1::<u32>()?;
    let b1 = f32s("b1")?;
    let hd = b1.len();
    if hd != hidden {
        candle_core::bail!("{name}.b1 has {hd} units where intent.json says {hidden}");
    }
    let data = f16s("emb")?;
    let w2 = f32s("w2")?;
    let b2 = f32s("b2")?;
    if data.len() != rows.len() * hd || w2.len() != outputs * hd || b2.len() != outputs {
        candle_core::bail!("tensor shapes of {name} do not match");
    }
    let mut emb = vec![0f32; buckets * hd];
    for (i, &r) in rows.iter().enumerate() {
        let r = r as usize;
        if r >= buckets {
            candle_core::bail!("row {r} out of range");
        }
        for (e, d) in emb[r * hd..(r + 1) * hd]
            .iter_mut()
            .zip(&data[i * hd..(i + 1) * hd])
        {
            *e = f32::from(*d);
        }
    }
    Ok(SparseNet {
        buckets,
        touched: Vec::new(),
        hidden: hd,
        outputs,
        emb,
        b1,
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

/// Turns tagged spans into normalised slots, with DOMAIN.md's defaults: touching spans of
/// one kind are one value ("hiking" + "boots"); of separate spans of one kind the tagger's
/// most confident wins.
pub fn assemble_slots(intent: Intent, tokens: &[String], spans: &[Span]) -> Slots {
    let mut slots = Slots::default();
    let allowed = intent.allowed_slots();
    let mut merged: Vec<Span> = Vec::new();
    for &sp in spans {
        match merged.last_mut() {
            Some(last) if last.kind == sp.kind && last.end == sp.start => {
                last.end = sp.end;
                last.score = last.score.min(sp.score);
            }
            _ => merged.push(sp),
        }
    }
    merged.sort_by(|a, b| b.score.total_cmp(&a.score));
    for sp in &merged {
        if !allowed.contains(&sp.kind) || slots.get(sp.kind).is_some() {
            continue;
        }
        if let Some(value) = normalize_slot(sp.kind, &join(&tokens[sp.start..sp.end])) {
            slots.set(sp.kind, value);
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
    if intent.defaults_list() && slots.list.is_none() {
        slots.list = Some("shopping".to_string());
    }
    slots
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> ModelSettings {
        ModelSettings {
            buckets: 1 << 15,
            intent_hidden: 32,
            tagger_hidden: 32,
            ensemble: 3,
            temperature: 1.5,
            threshold: 0.6,
            spend_threshold: 0.8,
            seed: 42,
            corpus_sha256: String::new(),
        }
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
                intent_hidden: 0,
                ..settings()
            },
        ];
        for c in cases {
            assert!(c.validate().is_err(), "{c:?}");
        }
    }

    #[test]
    fn ensemble_probabilities_are_the_members_mean() {
        let p = ensemble_probs(&[vec![0.0, 0.0], vec![10.0, -10.0]], 1.0);
        assert!((p[0] - (0.5 + 1.0) / 2.0).abs() < 1e-4, "{p:?}");
        assert!((p.iter().sum::<f32>() - 1.0).abs() < 1e-5);
    }
}
