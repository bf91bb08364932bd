//! Seeded, single-threaded training of the intent classifier and slot tagger from a
//! generated corpus, with temperature and rejection threshold fitted on the hand-written
//! dev set. The same corpus and seed give the same bytes on disk.

use super::eval::{read_labelled, Labelled};
use super::features::{intent_features, token_features};
use super::model::{
    label_b, label_i, n_labels, round_to_f16, IntentError, IntentModel, ModelSettings,
};
use super::net::{softmax, Rng, Scratch, SparseNet};
use super::schema::{Intent, SlotKind};
use super::text::tokenize;
use sha2::{Digest, Sha256};
use std::path::Path;

#[derive(Debug, Clone)]
pub struct TrainConfig {
    pub seed: u64,
    pub buckets: usize,
    pub intent_hidden: usize,
    pub tagger_hidden: usize,
    pub epochs: usize,
    pub lr: f32,
    /// Probability of dropping each feature in training (robustness to ASR dropped words).
    pub feature_dropout: f32,
}

impl Default for TrainConfig {
    fn default() -> Self {
        Self {
            seed: 42,
            // 2^15 buckets x 32 hidden keeps both networks under 4 MB in f16; chosen on the
            // dev set among 2^15..2^18 buckets, 32..48 hidden, 6..12 epochs.
            buckets: 1 << 15,
            intent_hidden: 32,
            tagger_hidden: 32,
            epochs: 12,
            lr: 0.2,
            feature_dropout: 0.1,
        }
    }
}

#[derive(serde::Deserialize)]
struct CorpusLine {
    intent: String,
    text: String,
    #[serde(default)]
    spans: Vec<(String, String)>,
}

/// One training utterance: tokens, intent and per-token BIO labels (when they aligned).
pub struct Example {
    pub tokens: Vec<String>,
    pub intent: Intent,
    pub labels: Option<Vec<usize>>,
}

/// BIO labels for `spans` found in order in `tokens`; `None` if a span is not there.
fn align(tokens: &[String], spans: &[(String, String)]) -> Option<Vec<usize>> {
    let mut labels = vec![0; tokens.len()];
    let mut from = 0;
    for (slot, surface) in spans {
        let kind = SlotKind::from_name(slot)?;
        let want = tokenize(surface);
        if want.is_empty() {
            return None;
        }
        let start = (from..=tokens.len().saturating_sub(want.len()))
            .find(|&i| tokens[i..i + want.len()] == want[..])?;
        labels[start] = label_b(kind);
        for l in &mut labels[start + 1..start + want.len()] {
            *l = label_i(kind);
        }
        from = start + want.len();
    }
    Some(labels)
}

pub fn read_corpus(path: &Path) -> Result<(Vec<Example>, String), IntentError> {
    let err = |reason: String| IntentError::Data {
        path: path.display().to_string(),
        reason,
    };
    let bytes = std::fs::read(path).map_err(|e| err(e.to_string()))?;
    let sha = format!("{:x}", Sha256::digest(&bytes));
    let text = String::from_utf8(bytes).map_err(|e| err(e.to_string()))?;
    let mut out = Vec::new();
    let mut unaligned = 0;
    for (n, line) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let c: CorpusLine =
            serde_json::from_str(line).map_err(|e| err(format!("line {}: {e}", n + 1)))?;
        let intent = Intent::from_name(&c.intent)
            .ok_or_else(|| err(format!("line {}: unknown intent {}", n + 1, c.intent)))?;
        let tokens = tokenize(&c.text);
        if tokens.is_empty() {
            continue;
        }
        let labels = align(&tokens, &c.spans);
        unaligned += usize::from(labels.is_none());
        out.push(Example {
            tokens,
            intent,
            labels,
        });
    }
    if unaligned > 0 {
        tracing::warn!(
            "{unaligned} corpus lines whose spans do not align are used for intents only"
        );
    }
    Ok((out, sha))
}

fn drop_features(feats: &[String], p: f32, rng: &mut Rng) -> Vec<String> {
    let kept: Vec<String> = feats.iter().filter(|_| rng.unit() >= p).cloned().collect();
    if kept.is_empty() {
        feats.to_vec()
    } else {
        kept
    }
}

fn train_intent(examples: &[Example], cfg: &TrainConfig, rng: &mut Rng) -> SparseNet {
    let mut net = SparseNet::new(cfg.buckets, cfg.intent_hidden, Intent::ALL.len(), rng);
    let feats: Vec<Vec<String>> = examples
        .iter()
        .map(|e| intent_features(&e.tokens))
        .collect();
    let mut order: Vec<usize> = (0..examples.len()).collect();
    let total = (cfg.epochs * order.len()) as f32;
    let mut step = 0f32;
    let mut s = Scratch::default();
    for epoch in 0..cfg.epochs {
        rng.shuffle(&mut order);
        let mut loss = 0.0;
        for &i in &order {
            let f = drop_features(&feats[i], cfg.feature_dropout, rng);
            let ids = net.ids(f.iter().map(String::as_str));
            let lr = cfg.lr * (1.0 - step / total).max(0.01);
            loss += net.train_step(&ids, examples[i].intent.index(), lr, rng, &mut s);
            step += 1.0;
        }
        tracing::info!(
            "intent epoch {epoch}: loss {:.4}",
            loss / order.len() as f32
        );
    }
    net
}

fn train_tagger(examples: &[Example], cfg: &TrainConfig, rng: &mut Rng) -> SparseNet {
    let mut net = SparseNet::new(cfg.buckets, cfg.tagger_hidden, n_labels(), rng);
    let mut items: Vec<(usize, usize)> = examples
        .iter()
        .enumerate()
        .filter(|(_, e)| e.labels.is_some() && !e.intent.allowed_slots().is_empty())
        .flat_map(|(i, e)| (0..e.tokens.len()).map(move |t| (i, t)))
        .collect();
    let total = (cfg.epochs * items.len()) as f32;
    let mut step = 0f32;
    let mut s = Scratch::default();
    for epoch in 0..cfg.epochs {
        rng.shuffle(&mut items);
        let mut loss = 0.0;
        for &(i, t) in &items {
            let e = &examples[i];
            let feats = token_features(&e.tokens, t, e.intent.name());
            let f = drop_features(&feats, cfg.feature_dropout, rng);
            let ids = net.ids(f.iter().map(String::as_str));
            let target = e.labels.as_ref().map_or(0, |l| l[t]);
            let lr = cfg.lr * (1.0 - step / total).max(0.01);
            loss += net.train_step(&ids, target, lr, rng, &mut s);
            step += 1.0;
        }
        tracing::info!(
            "tagger epoch {epoch}: loss {:.4}",
            loss / items.len() as f32
        );
    }
    net
}

/// Temperature minimising dev negative log-likelihood (grid search).
fn fit_temperature(model: &IntentModel, dev: &[(Vec<String>, Intent)]) -> f32 {
    let mut s = Scratch::default();
    let logits: Vec<Vec<f32>> = dev
        .iter()
        .map(|(tokens, _)| {
            let f = intent_features(tokens);
            let ids = model.intent_net.ids(f.iter().map(String::as_str));
            model.intent_net.forward(&ids, &mut s);
            s.logits.clone()
        })
        .collect();
    let nll = |t: f32| -> f32 {
        logits
            .iter()
            .zip(dev)
            .map(|(l, (_, y))| {
                let scaled: Vec<f32> = l.iter().map(|x| x / t).collect();
                -softmax(&scaled)[y.index()].max(1e-9).ln()
            })
            .sum()
    };
    (5..=60)
        .map(|i| i as f32 * 0.1)
        .min_by(|&a, &b| nll(a).total_cmp(&nll(b)))
        .unwrap_or(1.0)
}

/// The threshold maximising dev accuracy with each false accept counted as a second
/// error (accepting out-of-domain speech is worse than asking again); lowest on ties.
fn fit_threshold(model: &IntentModel, dev: &[(Vec<String>, Intent)]) -> f32 {
    let mut s = Scratch::default();
    let guesses: Vec<(Intent, f32, Intent)> = dev
        .iter()
        .map(|(tokens, y)| {
            let p = model.intent_probs(tokens, &mut s);
            let (best, &pb) = p
                .iter()
                .enumerate()
                .max_by(|a, b| a.1.total_cmp(b.1))
                .unwrap_or((0, &0.0));
            (Intent::ALL[best], pb, *y)
        })
        .collect();
    let score = |th: f32| -> i64 {
        let decided = |g: Intent, p: f32| if p < th { Intent::OutOfScope } else { g };
        guesses
            .iter()
            .map(|&(g, p, y)| {
                let d = decided(g, p);
                let false_accept = y == Intent::OutOfScope && d != Intent::OutOfScope;
                i64::from(d == y) - i64::from(false_accept)
            })
            .sum()
    };
    (0..=95)
        .map(|i| i as f32 * 0.01)
        .max_by(|&a, &b| score(a).cmp(&score(b)).then(b.total_cmp(&a)))
        .unwrap_or(0.0)
}

/// Trains on `corpus`, calibrates on `dev` files, saves to `out_dir`.
pub fn train(
    corpus: &Path,
    dev: &[&Path],
    out_dir: &Path,
    cfg: &TrainConfig,
) -> Result<IntentModel, IntentError> {
    let (examples, sha) = read_corpus(corpus)?;
    if examples.is_empty() {
        return Err(IntentError::Data {
            path: corpus.display().to_string(),
            reason: "no examples".into(),
        });
    }
    let mut rng = Rng::new(cfg.seed);
    let mut intent_net = train_intent(&examples, cfg, &mut rng);
    let mut tagger = train_tagger(&examples, cfg, &mut rng);
    round_to_f16(&mut intent_net);
    round_to_f16(&mut tagger);
    let mut model = IntentModel {
        settings: ModelSettings {
            buckets: cfg.buckets,
            intent_hidden: cfg.intent_hidden,
            tagger_hidden: cfg.tagger_hidden,
            temperature: 1.0,
            threshold: 0.0,
            seed: cfg.seed,
            corpus_sha256: sha,
        },
        intent_net,
        tagger,
    };
    let mut dev_set = Vec::new();
    for path in dev {
        dev_set.extend(
            read_labelled(path)?
                .into_iter()
                .map(|l: Labelled| (tokenize(&l.text), l.intent)),
        );
    }
    if !dev_set.is_empty() {
        model.settings.temperature = fit_temperature(&model, &dev_set);
        model.settings.threshold = fit_threshold(&model, &dev_set);
    }
    model.save(out_dir)?;
    Ok(model)
}
