//! Contextual biasing: steering greedy decoding toward a household's names (issue 12).
//!
//! Two ways, chosen by [`BiasMode`]:
//! - a **prefix trie** of the names' token sequences: a token that starts a name, or continues
//!   one the transcript is in the middle of, gets a logit bonus, but only when the model
//!   already ranks it within `margin` of its best token. The bonus can tip a near tie
//!   ("call" / "Col" before "gate") and can never write a name the audio gives no support
//!   for: audio without names decodes as it does without a catalogue (README measures it);
//! - Whisper's **initial prompt** (`<|startofprev|>` and text before the transcript): the
//!   names as if said before, as whisper.cpp's `--prompt` does; only the first names that fit
//!   in [`MAX_PROMPT_TOKENS`] can be there.
//!
//! The trie's choice of bonus and margin is README's ("Catalogue-aware recognition").

use super::tokenizer::WhisperTokenizer;
use std::collections::HashMap;

/// Where the catalogue steers the recogniser.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum BiasMode {
    /// Slot resolution only: the recogniser hears as without a catalogue.
    Off,
    /// The names as Whisper's initial prompt.
    Prompt,
    /// Prefix-trie logit bonus.
    #[default]
    Trie,
    /// Prompt and trie.
    Both,
}

impl std::str::FromStr for BiasMode {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "off" => Ok(Self::Off),
            "prompt" => Ok(Self::Prompt),
            "trie" => Ok(Self::Trie),
            "both" => Ok(Self::Both),
            _ => Err(format!("unknown bias {s:?} (off, prompt, trie, both)")),
        }
    }
}

/// Strength of the trie's steering.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BiasStrength {
    /// Added to the logit of a token that starts or continues a name.
    pub bonus: f32,
    /// Only tokens whose logit is at most this far under the best one get the bonus.
    pub margin: f32,
    /// A name the bonus led to is kept only if the model's own mean log-probability of its
    /// tokens, from the first one the bonus chose, is at least this.
    pub min_logprob: f32,
    /// A name value no entry resolves becomes the entry near it whose reading the audio
    /// supports at most this much (nats) less than the words heard (`Catalog::hear_names`);
    /// negative: never.
    pub rehear: f32,
}

impl Default for BiasStrength {
    /// Chosen on the spoken catalogue sets, the floor of the mean log-probability and the
    /// margin of a name heard again on the dev set `tests/data/catalog_dev_en.jsonl` (README,
    /// issue 12).
    fn default() -> Self {
        Self {
            bonus: 4.0,
            margin: 5.0,
            min_logprob: -5.5,
            rehear: 3.0,
        }
    }
}

/// Longest initial prompt, in tokens (Whisper allows 223; each costs every decoder step a
/// little attention, and the whole prompt one batched step per utterance).
pub const MAX_PROMPT_TOKENS: usize = 96;

/// Tokens of a name beyond this are not steered (a name is a few words).
const MAX_NAME_TOKENS: usize = 32;

/// A node of the token trie: its children, sorted by token.
#[derive(Debug, Default, Clone)]
struct Node {
    children: Vec<(u32, u32)>,
    /// Tokens from the root.
    depth: u16,
    /// A name ends here.
    terminal: bool,
}

/// A catalogue compiled for one tokenizer: the trie and the prompt.
#[derive(Debug, Clone, Default)]
pub struct Bias {
    /// Node 0 is the root: its children are the names' first tokens.
    nodes: Vec<Node>,
    /// `<|startofprev|>` and the names' tokens; empty without a prompt.
    prompt: Vec<u32>,
    pub strength: BiasStrength,
}

/// The surface forms Whisper may write a name in: as the catalogue writes it, lower case,
/// capitalised, each word capitalised, and accents folded, each after a space as Whisper
/// writes a word.
fn spellings(name: &str) -> Vec<String> {
    let lower = name.to_lowercase();
    let cap = capitalise(&lower);
    let title: Vec<String> = lower.split(' ').map(capitalise).collect();
    let title = title.join(" ");
    let folded: String = title.chars().map(fold_accent).collect();
    let mut forms = vec![name.to_string(), lower, cap, title, folded];
    forms.sort();
    forms.dedup();
    forms.into_iter().map(|f| format!(" {f}")).collect()
}

fn capitalise(word: &str) -> String {
    let mut c = word.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

fn fold_accent(c: char) -> char {
    match c {
        'à' | 'â' | 'ä' | 'á' => 'a',
        'é' | 'è' | 'ê' | 'ë' => 'e',
        'É' | 'È' => 'E',
        'î' | 'ï' => 'i',
        'ô' | 'ö' => 'o',
        'ù' | 'û' | 'ü' => 'u',
        'ç' => 'c',
        _ => c,
    }
}

impl Bias {
    /// Compiles `names` (proper nouns first: the prompt takes names in this order until it is
    /// full) for `tok`.
    pub fn new<'n>(
        tok: &WhisperTokenizer,
        names: impl IntoIterator<Item = &'n str>,
        mode: BiasMode,
        strength: BiasStrength,
    ) -> Self {
        let names: Vec<&str> = names.into_iter().filter(|n| !n.trim().is_empty()).collect();
        let mut bias = Self {
            nodes: vec![Node::default()],
            prompt: Vec::new(),
            strength,
        };
        if matches!(mode, BiasMode::Trie | BiasMode::Both) {
            let forms = names.iter().flat_map(|n| spellings(n));
            bias.build_trie(forms.map(|f| tok.encode(&f)));
        }
        if matches!(mode, BiasMode::Prompt | BiasMode::Both) {
            bias.prompt = prompt_tokens(tok, &names);
        }
        bias
    }

    /// The trie of the names' token sequences.
    fn build_trie(&mut self, sequences: impl Iterator<Item = Vec<u32>>) {
        let mut edges: HashMap<(u32, u32), u32> = HashMap::new();
        let mut depth = vec![0u16];
        let mut terminal = vec![false];
        for seq in sequences {
            let mut node = 0u32;
            for t in seq.into_iter().take(MAX_NAME_TOKENS) {
                let d = depth[node as usize] + 1;
                node = *edges.entry((node, t)).or_insert_with(|| {
                    depth.push(d);
                    terminal.push(false);
                    depth.len() as u32 - 1
                });
            }
            terminal[node as usize] = node != 0;
        }
        self.nodes = depth
            .iter()
            .zip(&terminal)
            .map(|(&depth, &terminal)| Node {
                children: Vec::new(),
                depth,
                terminal,
            })
            .collect();
        for ((from, t), to) in edges {
            self.nodes[from as usize].children.push((t, to));
        }
        for n in &mut self.nodes {
            n.children.sort_unstable();
        }
    }

    /// Tokens fed before `<|startoftranscript|>`; empty without a prompt.
    pub fn prompt(&self) -> &[u32] {
        &self.prompt
    }

    /// Whether the trie steers decoding.
    pub fn has_trie(&self) -> bool {
        !self.nodes[0].children.is_empty()
    }

    fn child(&self, node: u32, token: u32) -> Option<u32> {
        let c = &self.nodes[node as usize].children;
        c.binary_search_by_key(&token, |&(t, _)| t)
            .ok()
            .map(|i| c[i].1)
    }

    /// The tokens that continue one of the `active` partial names, and those that start a
    /// name when one may `begin` here.
    fn candidates<'s>(&'s self, active: &'s [u32], begin: bool) -> impl Iterator<Item = u32> + 's {
        begin
            .then_some(0)
            .into_iter()
            .chain(active.iter().copied())
            .flat_map(|n| self.nodes[n as usize].children.iter().map(|&(t, _)| t))
    }

    /// The partial names after `token`: those `active` ones it continues and the one it
    /// starts, if one may `begin` here.
    fn advance(&self, active: &mut Vec<u32>, token: u32, begin: bool) {
        let mut next: Vec<u32> = begin
            .then_some(0)
            .into_iter()
            .chain(active.iter().copied())
            .filter_map(|n| self.child(n, token))
            .collect();
        next.sort_unstable();
        next.dedup();
        *active = next;
    }
}

/// `<|startofprev|>` and " Name, Name, ..." with as many whole names as fit.
fn prompt_tokens(tok: &WhisperTokenizer, names: &[&str]) -> Vec<u32> {
    let mut out = vec![tok.sot_prev];
    for (i, name) in names.iter().enumerate() {
        let sep = if i == 0 { " " } else { ", " };
        let t = tok.encode(&format!("{sep}{}", capitalise(name)));
        if out.len() + t.len() > MAX_PROMPT_TOKENS {
            break;
        }
        out.extend(t);
    }
    if out.len() == 1 {
        out.clear();
    }
    out
}

/// What became of a name a detour started or continued.
pub(crate) enum Cover {
    /// A name of two tokens or more is complete.
    Completed,
    /// Still in the middle of one.
    Partial,
    /// No name goes on from here: the detour was wrong.
    Lost,
}

/// The trie's state through one transcript.
#[derive(Debug, Default, Clone)]
pub(crate) struct Steering {
    active: Vec<u32>,
}

impl Steering {
    /// The greedy choice over `logits` (already suppressed) with the bonus: returns the
    /// token that wins once the near-best tokens of a name get the bonus, or `best`.
    /// `begin`: whether a name may begin at this token (see `decode.rs`).
    pub(crate) fn choose(
        &self,
        bias: &Bias,
        logits: &[f32],
        best: u32,
        max: f32,
        begin: bool,
    ) -> u32 {
        let BiasStrength { bonus, margin, .. } = bias.strength;
        let mut choice = (best, max);
        for t in bias.candidates(&self.active, begin) {
            let Some(&l) = logits.get(t as usize) else {
                continue;
            };
            if l >= max - margin && l + bonus > choice.1 {
                choice = (t, l + bonus);
            }
        }
        choice.0
    }

    /// Whether a name covers the last `span` tokens: completed (a single-token name does not
    /// count: the bonus must not write one on its own), still partial, or lost.
    pub(crate) fn covers(&self, bias: &Bias, span: usize) -> Cover {
        let covering = self
            .active
            .iter()
            .map(|&n| &bias.nodes[n as usize])
            .filter(|n| n.depth as usize >= span);
        let mut cover = Cover::Lost;
        for n in covering {
            if n.terminal && n.depth >= 2 {
                return Cover::Completed;
            }
            cover = Cover::Partial;
        }
        cover
    }

    /// Moves the trie along the chosen token.
    pub(crate) fn push(&mut self, bias: &Bias, token: u32, begin: bool) {
        bias.advance(&mut self.active, token, begin);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_cover_how_whisper_writes_a_name() {
        let s = spellings("l'oréal");
        assert!(s.contains(&" l'oréal".to_string()));
        assert!(s.contains(&" L'oréal".to_string()));
        assert!(s.contains(&" L'oreal".to_string()));
        let s = spellings("save the children");
        assert!(s.contains(&" Save The Children".to_string()));
        assert!(s.contains(&" Save the children".to_string()));
    }

    /// A trie of token sequences: 10 11 ("Col" "gate"), 20 21 22, and 30 alone.
    fn trie() -> Bias {
        let mut b = Bias {
            nodes: vec![Node::default()],
            strength: BiasStrength::default(),
            ..Default::default()
        };
        b.build_trie([vec![10, 11], vec![20, 21, 22], vec![30]].into_iter());
        b
    }

    fn logits(pairs: &[(u32, f32)]) -> Vec<f32> {
        let mut l = vec![-10.0; 40];
        for &(t, x) in pairs {
            l[t as usize] = x;
        }
        l
    }

    #[test]
    fn the_bonus_tips_near_ties_only() {
        let b = trie();
        let s = Steering::default();
        // " call" (5) at 8.0, " Col" (10) at 6.0: within the margin, the bonus wins.
        assert_eq!(
            s.choose(&b, &logits(&[(5, 8.0), (10, 6.0)]), 5, 8.0, true),
            10
        );
        // " Col" far below: the audio does not support it.
        assert_eq!(
            s.choose(&b, &logits(&[(5, 8.0), (10, 2.0)]), 5, 8.0, true),
            5
        );
        // "gate" (11) only continues a name once " Col" was taken.
        let l = logits(&[(7, 8.0), (11, 6.0)]);
        assert_eq!(s.choose(&b, &l, 7, 8.0, true), 7);
        let mut s = Steering::default();
        s.push(&b, 10, true);
        assert_eq!(s.choose(&b, &l, 7, 8.0, true), 11);
    }

    #[test]
    fn where_no_name_may_begin_one_already_begun_goes_on() {
        let b = trie();
        let s = Steering::default();
        // " Col" (10) would win by the bonus, but no name begins here.
        let l = logits(&[(5, 8.0), (10, 6.0)]);
        assert_eq!(s.choose(&b, &l, 5, 8.0, false), 5);
        let mut s = Steering::default();
        s.push(&b, 10, false);
        assert!(matches!(s.covers(&b, 1), Cover::Lost), "not begun either");
        // Begun before, it is continued there ("Dr. | Oetker").
        let mut s = Steering::default();
        s.push(&b, 10, true);
        let l = logits(&[(7, 8.0), (11, 6.0)]);
        assert_eq!(s.choose(&b, &l, 7, 8.0, false), 11);
        s.push(&b, 11, false);
        assert!(matches!(s.covers(&b, 2), Cover::Completed));
    }

    #[test]
    fn a_detour_is_kept_only_when_a_name_of_two_tokens_or_more_completes() {
        let b = trie();
        let mut s = Steering::default();
        s.push(&b, 10, true);
        assert!(matches!(s.covers(&b, 1), Cover::Partial));
        s.push(&b, 11, true);
        assert!(matches!(s.covers(&b, 2), Cover::Completed));
        let mut s = Steering::default();
        s.push(&b, 20, true);
        s.push(&b, 7, true);
        assert!(matches!(s.covers(&b, 2), Cover::Lost));
        // A one-token name is no proof: the bonus must not write it on its own.
        let mut s = Steering::default();
        s.push(&b, 30, true);
        assert!(matches!(s.covers(&b, 1), Cover::Partial));
        s.push(&b, 7, true);
        assert!(matches!(s.covers(&b, 2), Cover::Lost));
    }

    #[test]
    fn modes_parse_and_bad_ones_say_which_exist() {
        assert_eq!("both".parse::<BiasMode>(), Ok(BiasMode::Both));
        assert!("loud"
            .parse::<BiasMode>()
            .unwrap_err()
            .contains("off, prompt, trie, both"));
    }
}
