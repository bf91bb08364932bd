//! Scoring on labelled utterances: intent accuracy, slot precision/recall/F1, out-of-scope
//! false-accept rate and a confusion matrix.

use super::model::{IntentError, IntentModel};
use super::schema::{Intent, SlotKind, SlotValue, Slots};
use std::collections::BTreeMap;
use std::path::Path;

/// One hand-labelled utterance.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct Labelled {
    pub text: String,
    #[serde(deserialize_with = "intent_by_name")]
    pub intent: Intent,
    #[serde(default)]
    pub slots: Slots,
}

fn intent_by_name<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Intent, D::Error> {
    let s: String = serde::Deserialize::deserialize(d)?;
    Intent::from_name(&s).ok_or_else(|| serde::de::Error::custom(format!("unknown intent {s}")))
}

pub fn read_labelled(path: &Path) -> Result<Vec<Labelled>, IntentError> {
    let err = |reason: String| IntentError::Data {
        path: path.display().to_string(),
        reason,
    };
    let text = std::fs::read_to_string(path).map_err(|e| err(e.to_string()))?;
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(n, l)| serde_json::from_str(l).map_err(|e| err(format!("line {}: {e}", n + 1))))
        .collect()
}

/// Scores of one evaluation.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub total: usize,
    pub correct: usize,
    pub slot_tp: usize,
    pub slot_fp: usize,
    pub slot_fn: usize,
    pub oos_total: usize,
    pub oos_accepted: usize,
    /// Out-of-scope utterances taken as a spend intent (one that requires confirmation).
    pub oos_spend_accepted: usize,
    /// (gold, predicted) -> count
    pub confusion: BTreeMap<(Intent, Intent), usize>,
    pub errors: Vec<String>,
}

impl Report {
    pub fn accuracy(&self) -> f64 {
        self.correct as f64 / self.total.max(1) as f64
    }
    pub fn slot_precision(&self) -> f64 {
        self.slot_tp as f64 / (self.slot_tp + self.slot_fp).max(1) as f64
    }
    pub fn slot_recall(&self) -> f64 {
        self.slot_tp as f64 / (self.slot_tp + self.slot_fn).max(1) as f64
    }
    pub fn slot_f1(&self) -> f64 {
        let (p, r) = (self.slot_precision(), self.slot_recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
    pub fn false_accept_rate(&self) -> f64 {
        self.oos_accepted as f64 / self.oos_total.max(1) as f64
    }
    pub fn spend_false_accept_rate(&self) -> f64 {
        self.oos_spend_accepted as f64 / self.oos_total.max(1) as f64
    }

    /// The human-readable report: headline figures, then the confusion matrix.
    pub fn render(&self, name: &str) -> String {
        let mut s = format!(
            "{name}: {} utterances\n  intent accuracy {:.1}% ({}/{})\n  slot P {:.3} R {:.3} F1 {:.3} (tp {} fp {} fn {})\n  out_of_scope false accept {:.1}% ({}/{}), as a spend intent {:.1}% ({}/{})\n",
            self.total,
            100.0 * self.accuracy(),
            self.correct,
            self.total,
            self.slot_precision(),
            self.slot_recall(),
            self.slot_f1(),
            self.slot_tp,
            self.slot_fp,
            self.slot_fn,
            100.0 * self.false_accept_rate(),
            self.oos_accepted,
            self.oos_total,
            100.0 * self.spend_false_accept_rate(),
            self.oos_spend_accepted,
            self.oos_total
        );
        s.push_str(
            "  confusion (rows gold, columns predicted; abbreviations are intent initials):\n",
        );
        let abbr = |i: Intent| -> String {
            i.name()
                .split('_')
                .filter_map(|w| w.chars().next())
                .collect()
        };
        s.push_str(&format!("  {:>18}", ""));
        for p in Intent::ALL {
            s.push_str(&format!("{:>5}", abbr(*p)));
        }
        s.push('\n');
        for g in Intent::ALL {
            s.push_str(&format!("  {:>18}", g.name()));
            for p in Intent::ALL {
                let n = self.confusion.get(&(*g, *p)).copied().unwrap_or(0);
                if n == 0 {
                    s.push_str(&format!("{:>5}", "."));
                } else {
                    s.push_str(&format!("{n:>5}"));
                }
            }
            s.push('\n');
        }
        s
    }
}

fn same(a: &SlotValue, b: &SlotValue) -> bool {
    match (a, b) {
        (SlotValue::Number(x), SlotValue::Number(y)) => (x - y).abs() < 1e-6,
        (SlotValue::Text(x), SlotValue::Text(y)) => x.trim() == y.trim(),
        _ => false,
    }
}

/// Scores `model` on `items`.
pub fn evaluate(model: &IntentModel, items: &[Labelled]) -> Report {
    let mut r = Report::default();
    for item in items {
        let (intent, slots) = match model.classify(&item.text) {
            Some(res) => (res.intent, res.slots),
            None => (Intent::OutOfScope, Slots::default()),
        };
        r.total += 1;
        *r.confusion.entry((item.intent, intent)).or_default() += 1;
        if intent == item.intent {
            r.correct += 1;
        }
        if item.intent == Intent::OutOfScope {
            r.oos_total += 1;
            if intent != Intent::OutOfScope {
                r.oos_accepted += 1;
            }
            if intent.requires_confirmation() {
                r.oos_spend_accepted += 1;
            }
        }
        let mut wrong = Vec::new();
        for &k in SlotKind::ALL {
            match (item.slots.get(k), slots.get(k)) {
                (Some(g), Some(p)) if same(&g, &p) => r.slot_tp += 1,
                (Some(g), Some(p)) => {
                    r.slot_fp += 1;
                    r.slot_fn += 1;
                    wrong.push(format!("{}: {g:?} -> {p:?}", k.name()));
                }
                (Some(g), None) => {
                    r.slot_fn += 1;
                    wrong.push(format!("{}: {g:?} missed", k.name()));
                }
                (None, Some(p)) => {
                    r.slot_fp += 1;
                    wrong.push(format!("{}: spurious {p:?}", k.name()));
                }
                (None, None) => {}
            }
        }
        if intent != item.intent || !wrong.is_empty() {
            r.errors.push(format!(
                "{:?}: {} -> {}{}{}",
                item.text,
                item.intent,
                intent,
                if wrong.is_empty() { "" } else { "; " },
                wrong.join(", ")
            ));
        }
    }
    r
}
