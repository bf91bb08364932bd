//! Feature strings for the intent classifier (whole utterance) and the slot tagger (per
//! token). Lexicon flags (is this a number/unit/currency word) come from the normaliser's
//! rules; everything else is learnt.

use super::normalize::{normalize_currency, normalize_unit, parse_number};
use super::schema::SlotKind;

/// The version of the features below, written in `intent.json` by training and checked at
/// load: networks read only the features they were trained on, so a change to any feature
/// string bumps it (and the committed model is retrained).
pub const FEATURES_VERSION: u32 = 2;

/// A token inside a name the household's catalogue knows (DOMAIN.md "Catalogue"): its kind,
/// and whether the name starts at this token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NameMark {
    pub kind: SlotKind,
    pub first: bool,
}

/// What finds a catalogue's names in an utterance's tokens: one mark (or none) per token.
pub trait Gazetteer {
    fn marks(&self, tokens: &[String]) -> Vec<Option<NameMark>>;
}

/// The slot kinds a catalogue can name: the ones the tagger may be told about.
pub const NAMED_KINDS: [SlotKind; 6] = [
    SlotKind::Item,
    SlotKind::Brand,
    SlotKind::Merchant,
    SlotKind::Charity,
    SlotKind::Contact,
    SlotKind::List,
];

fn is_digits(t: &str) -> bool {
    t.chars().next().is_some_and(|c| c.is_ascii_digit())
}

/// A coarse class of the token: number, unit, currency or plain word.
fn shape(t: &str) -> &'static str {
    if is_digits(t) {
        "num"
    } else if normalize_currency(t).is_some() {
        "cur"
    } else if normalize_unit(t).is_some() {
        "unit"
    } else if !matches!(t, "a" | "an" | "un" | "une" | "to" | "too" | "for")
        && parse_number(t).is_some()
    {
        "numw"
    } else {
        "w"
    }
}

/// Character trigrams of the token with boundary marks.
fn char_grams(t: &str, prefix: &str, out: &mut Vec<String>) {
    let chars: Vec<char> = format!("<{t}>").chars().collect();
    if chars.len() < 5 {
        return;
    }
    for w in chars.windows(3) {
        out.push(format!("{prefix}{}", w.iter().collect::<String>()));
    }
}

/// The word itself, with digits folded so that "3" and "12" share a feature, and the
/// "œ" ligature spelled "oe" as ASR output and typists often do.
fn word(t: &str) -> std::borrow::Cow<'_, str> {
    if is_digits(t) {
        "<digits>".into()
    } else if t.contains('œ') {
        t.replace('œ', "oe").into()
    } else {
        t.into()
    }
}

/// Utterance-level features: words, bigrams, character trigrams.
pub fn intent_features(tokens: &[String]) -> Vec<String> {
    let mut f = Vec::with_capacity(tokens.len() * 10 + 4);
    f.push("bias".to_string());
    let mut prev: std::borrow::Cow<'_, str> = "<s>".into();
    for t in tokens {
        let w = word(t);
        f.push(format!("w:{w}"));
        f.push(format!("b:{prev}_{w}"));
        f.push(format!("s:{}", shape(t)));
        char_grams(&w, "c:", &mut f);
        prev = w;
    }
    f.push(format!("b:{prev}_</s>"));
    // Where the sentence starts says what kind of request it is: an imperative ("add",
    // "envoie"), a question ("what", "est-ce"), a statement ("i need").
    if let Some(first) = tokens.first() {
        let second = tokens.get(1).map_or("</s>".into(), |t| word(t));
        f.push(format!("f:{}", word(first)));
        f.push(format!("f2:{}_{second}", word(first)));
    }
    if tokens.len() <= 3 {
        f.push(format!("len:{}", tokens.len()));
    }
    f
}

/// Per-token features for the tagger, conditioned on the utterance's intent, and on the
/// catalogue's names when `marks` (one per token, or empty) says where they are.
pub fn token_features(
    tokens: &[String],
    i: usize,
    intent: &str,
    marks: &[Option<NameMark>],
) -> Vec<String> {
    let at = |k: isize| -> std::borrow::Cow<'_, str> {
        let j = i as isize + k;
        if j < 0 {
            "<s>".into()
        } else {
            tokens.get(j as usize).map_or("</s>".into(), |t| word(t))
        }
    };
    let sh = |k: isize| -> &'static str {
        let j = i as isize + k;
        if j < 0 || j as usize >= tokens.len() {
            "edge"
        } else {
            shape(&tokens[j as usize])
        }
    };
    let w0 = at(0);
    let mut f = vec![
        "bias".to_string(),
        format!("w0:{w0}"),
        format!("w-1:{}", at(-1)),
        format!("w+1:{}", at(1)),
        format!("w-2:{}", at(-2)),
        format!("w+2:{}", at(2)),
        format!("b-1:{}_{w0}", at(-1)),
        format!("b+1:{w0}_{}", at(1)),
        format!("b-2:{}_{}", at(-2), at(-1)),
        format!("b+2:{}_{}", at(1), at(2)),
        format!("s0:{}", sh(0)),
        format!("s-1:{}", sh(-1)),
        format!("s+1:{}", sh(1)),
        format!("s-1+1:{}_{}", sh(-1), sh(1)),
        format!("i:{intent}"),
        format!("iw0:{intent}_{w0}"),
        format!("iw-1:{intent}_{}", at(-1)),
        format!("is0:{intent}_{}", sh(0)),
    ];
    char_grams(&word(&tokens[i]), "c0:", &mut f);
    name_features(marks, i, intent, &mut f);
    f
}

/// "This token is in a catalogue name of kind K" (and where in it), with the intent, and
/// the kinds of names just before and after ("colgate | toothpaste").
fn name_features(marks: &[Option<NameMark>], i: usize, intent: &str, f: &mut Vec<String>) {
    let at = |j: Option<usize>| j.and_then(|j| marks.get(j).copied().flatten());
    if let Some(m) = at(Some(i)) {
        let kind = m.kind.name();
        let place = if m.first { "B" } else { "I" };
        f.push(format!("gz:{kind}"));
        f.push(format!("gzp:{place}_{kind}"));
        f.push(format!("igz:{intent}_{kind}"));
    }
    if let Some(m) = at(i.checked_sub(1)) {
        f.push(format!("gz-1:{}", m.kind.name()));
    }
    if let Some(m) = at(Some(i + 1)) {
        f.push(format!("gz+1:{}", m.kind.name()));
    }
}

/// Features of the completion network: how the words end ("... two litres of", "buy the"),
/// with the utterance's own words for what kind of command it is.
pub fn completion_features(tokens: &[String]) -> Vec<String> {
    let mut f = intent_features(tokens);
    let n = tokens.len();
    let at = |k: usize| -> std::borrow::Cow<'_, str> {
        n.checked_sub(k)
            .and_then(|i| tokens.get(i))
            .map_or("<s>".into(), |t| word(t))
    };
    let sh = |k: usize| n.checked_sub(k).map_or("edge", |i| shape(&tokens[i]));
    f.push(format!("e1:{}", at(1)));
    f.push(format!("e2:{}_{}", at(2), at(1)));
    f.push(format!("e3:{}_{}_{}", at(3), at(2), at(1)));
    f.push(format!("es:{}", sh(1)));
    f.push(format!("es2:{}_{}", sh(2), sh(1)));
    let leads_on = (tokens.last()).is_some_and(|t| super::domain::domain().leads_on(t));
    f.push(format!("elead:{leads_on}"));
    f
}

/// Per-token features for the command splitter: the tagger's, plus where the token stands
/// ("and add" opening an utterance continues nothing; after "order paper towels" it starts a
/// second command) and how the utterance began.
pub fn split_features(tokens: &[String], i: usize) -> Vec<String> {
    let mut f = token_features(tokens, i, "<split>", &[]);
    f.push(format!("pos:{}", i.min(4)));
    if let Some(first) = tokens.first() {
        f.push(format!("first:{}", word(first)));
        f.push(format!("first_w0:{}_{}", word(first), word(&tokens[i])));
    }
    f
}
