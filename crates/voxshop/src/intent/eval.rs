//! Scoring on labelled utterances: intent accuracy, slot precision/recall/F1, out-of-scope
//! false-accept rate and a confusion matrix.

use super::model::{IntentError, IntentModel};
use super::schema::{Intent, IntentResult, SlotKind, SlotValue, Slots};
use std::collections::BTreeMap;
use std::path::Path;

/// One hand-labelled utterance: one command (`intent` + `slots`), or several (`commands`,
/// in spoken order, each one object of DOMAIN.md's output).
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(try_from = "LabelledLine")]
pub struct Labelled {
    pub text: String,
    pub commands: Vec<Gold>,
}

/// One expected command.
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
pub struct Gold {
    #[serde(deserialize_with = "intent_by_name")]
    pub intent: Intent,
    #[serde(default)]
    pub slots: Slots,
}

impl Labelled {
    /// The (first) command's intent.
    pub fn intent(&self) -> Intent {
        self.commands
            .first()
            .map_or(Intent::OutOfScope, |c| c.intent)
    }
}

#[derive(serde::Deserialize)]
struct LabelledLine {
    text: String,
    #[serde(default)]
    intent: Option<String>,
    #[serde(default)]
    slots: Slots,
    #[serde(default)]
    commands: Vec<Gold>,
}

impl TryFrom<LabelledLine> for Labelled {
    type Error = String;
    fn try_from(l: LabelledLine) -> Result<Self, String> {
        let commands = match (l.intent, l.commands.is_empty()) {
            (Some(name), true) => vec![Gold {
                intent: Intent::from_name(&name).ok_or(format!("unknown intent {name}"))?,
                slots: l.slots,
            }],
            (None, false) => l.commands,
            _ => return Err("needs either `intent` or a non-empty `commands`".into()),
        };
        Ok(Self {
            text: l.text,
            commands,
        })
    }
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
    /// One-command utterances that came out as several objects.
    pub split: usize,
    /// Utterances of several commands, and those whose objects all came out right, in order.
    pub several: usize,
    pub several_exact: usize,
    /// Commands of those utterances: expected, produced, produced right (intent and slots).
    pub commands_gold: usize,
    pub commands_out: usize,
    pub commands_right: usize,
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
    /// Share of one-command utterances kept as one object.
    pub fn kept_whole(&self) -> f64 {
        1.0 - self.split as f64 / self.total.max(1) as f64
    }
    pub fn several_exact_rate(&self) -> f64 {
        self.several_exact as f64 / self.several.max(1) as f64
    }
    pub fn command_precision(&self) -> f64 {
        self.commands_right as f64 / self.commands_out.max(1) as f64
    }
    pub fn command_recall(&self) -> f64 {
        self.commands_right as f64 / self.commands_gold.max(1) as f64
    }

    /// The human-readable report: headline figures, then the confusion matrix.
    pub fn render(&self, name: &str) -> String {
        if self.total == 0 {
            return self.render_several(name);
        }
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
        s.push_str(&format!(
            "  kept as one command {:.1}% ({} of {} split into several)\n",
            100.0 * self.kept_whole(),
            self.split,
            self.total
        ));
        if self.several > 0 {
            s.push_str(&self.render_several("  and"));
        }
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

impl Report {
    fn render_several(&self, name: &str) -> String {
        format!(
            "{name}: {} utterances of several commands\n  all commands right, in order {:.1}% ({}/{})\n  commands P {:.3} R {:.3} ({} right of {} expected, {} produced)\n",
            self.several,
            100.0 * self.several_exact_rate(),
            self.several_exact,
            self.several,
            self.command_precision(),
            self.command_recall(),
            self.commands_right,
            self.commands_gold,
            self.commands_out
        )
    }
}

fn same_slots(a: &Slots, b: &Slots) -> bool {
    SlotKind::ALL.iter().all(|&k| match (a.get(k), b.get(k)) {
        (Some(x), Some(y)) => same(&x, &y),
        (None, None) => true,
        _ => false,
    })
}

fn same(a: &SlotValue, b: &SlotValue) -> bool {
    match (a, b) {
        (SlotValue::Number(x), SlotValue::Number(y)) => (x - y).abs() < 1e-6,
        (SlotValue::Text(x), SlotValue::Text(y)) => x.trim() == y.trim(),
        _ => false,
    }
}

/// Scores the utterances of several commands: each expected command found among the
/// objects produced (intent and every slot), and the whole utterance right in order.
fn score_several(r: &mut Report, item: &Labelled, out: &[IntentResult]) {
    r.several += 1;
    r.commands_gold += item.commands.len();
    r.commands_out += out.len();
    let mut used = vec![false; out.len()];
    for g in &item.commands {
        let hit = (0..out.len()).find(|&i| {
            !used[i] && out[i].intent == g.intent && same_slots(&out[i].slots, &g.slots)
        });
        if let Some(i) = hit {
            used[i] = true;
            r.commands_right += 1;
        }
    }
    let exact = out.len() == item.commands.len()
        && out
            .iter()
            .zip(&item.commands)
            .all(|(o, g)| o.intent == g.intent && same_slots(&o.slots, &g.slots));
    r.several_exact += usize::from(exact);
    if !exact {
        let show = |v: Vec<String>| v.join(" + ");
        r.errors.push(format!(
            "{:?}: {} -> {}",
            item.text,
            show(
                item.commands
                    .iter()
                    .map(|c| format!(
                        "{} {}",
                        c.intent,
                        serde_json::to_string(&c.slots).unwrap_or_default()
                    ))
                    .collect()
            ),
            show(
                out.iter()
                    .map(|c| format!(
                        "{} {}",
                        c.intent,
                        serde_json::to_string(&c.slots).unwrap_or_default()
                    ))
                    .collect()
            )
        ));
    }
}

/// Scores `model` on `items`.
pub fn evaluate(model: &IntentModel, items: &[Labelled]) -> Report {
    evaluate_with(items, |text| model.commands(text))
}

/// Scores what `commands` makes of each item's text (a model with a catalogue, say).
pub fn evaluate_with(items: &[Labelled], commands: impl Fn(&str) -> Vec<IntentResult>) -> Report {
    let mut r = Report::default();
    for item in items {
        let out = commands(&item.text);
        if item.commands.len() > 1 {
            score_several(&mut r, item, &out);
            continue;
        }
        r.split += usize::from(out.len() > 1);
        let (intent, slots) = match out.into_iter().next() {
            Some(res) => (res.intent, res.slots),
            None => (Intent::OutOfScope, Slots::default()),
        };
        let gold = item.intent();
        r.total += 1;
        *r.confusion.entry((gold, intent)).or_default() += 1;
        if intent == gold {
            r.correct += 1;
        }
        if gold == Intent::OutOfScope {
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
            match (item.commands[0].slots.get(k), slots.get(k)) {
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
        if intent != gold || !wrong.is_empty() {
            r.errors.push(format!(
                "{:?}: {} -> {}{}{}",
                item.text,
                gold,
                intent,
                if wrong.is_empty() { "" } else { "; " },
                wrong.join(", ")
            ));
        }
    }
    r
}
