//! Text normalisation and tokenisation shared by training and inference, so that typed text,
//! Whisper output ("Add 2 litres of milk.") and generated ASR-like text meet the model alike.

/// French elided articles and pronouns that glue onto the next word ("d'oeufs", "l'huile").
const ELISIONS: &[&str] = &[
    "jusqu'", "lorsqu'", "puisqu'", "qu'", "d'", "l'", "j'", "m'", "t'", "s'", "n'", "c'",
];

/// Lower-cases and splits text into word tokens: punctuation dropped (apostrophes and hyphens
/// inside words kept), currency symbols spelled out, French elisions split off.
pub fn tokenize(text: &str) -> Vec<String> {
    tokenize_with_pauses(text).0
}

/// What written punctuation puts before a token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Break {
    /// Nothing: the next word of the same phrase.
    Word,
    /// "," ";" ":": Whisper writes a spoken list as "bananas, apples and pears", and that
    /// comma is all that tells two items from one.
    Pause,
    /// "." "!" "?": Whisper ends a sentence where the speaker's voice does, which is where
    /// one command ends and the next begins more often than not.
    Sentence,
}

/// For each token, whether written punctuation separates it from the one before.
pub fn pauses_of(breaks: &[Break]) -> Vec<bool> {
    breaks.iter().map(|b| *b != Break::Word).collect()
}

/// The tokens, and for each token whether written punctuation separates it from the one
/// before (see [`tokenize_with_breaks`]).
pub fn tokenize_with_pauses(text: &str) -> (Vec<String>, Vec<bool>) {
    let (tokens, breaks) = tokenize_with_breaks(text);
    let pauses = pauses_of(&breaks);
    (tokens, pauses)
}

/// The tokens, and for each token the punctuation written before it.
pub fn tokenize_with_breaks(text: &str) -> (Vec<String>, Vec<Break>) {
    let text = text
        .to_lowercase()
        .replace(['\u{2019}', '\u{2018}', '`'], "'");
    let mut tokens = Vec::new();
    let mut breaks = Vec::new();
    let mut pending = Break::Word;
    for raw in text.split_whitespace() {
        let before = tokens.len();
        push_word(raw, &mut tokens);
        if tokens.len() > before {
            breaks.push(pending);
            breaks.resize(tokens.len(), Break::Word);
            pending = Break::Word;
        }
        if raw.ends_with(['.', '!', '?']) {
            pending = Break::Sentence;
        } else if raw.ends_with([',', ';', ':']) && pending == Break::Word {
            pending = Break::Pause;
        }
    }
    (tokens, breaks)
}

fn push_word(raw: &str, tokens: &mut Vec<String>) {
    // "Ben & Jerry's", "Marks & Spencer": the ampersand is a word of the name.
    if raw == "&" {
        tokens.push(raw.to_string());
        return;
    }
    // "$10" / "10$" / "10€" / "£5": the number, then the currency word.
    let (symbol, rest) = strip_currency(raw);
    let word = clean(rest);
    if !word.is_empty() {
        split_elision(&word, tokens);
    }
    if let Some(s) = symbol {
        tokens.push(s.to_string());
    }
}

fn strip_currency(raw: &str) -> (Option<&'static str>, &str) {
    for (sym, word) in [("$", "dollars"), ("€", "euros"), ("£", "pounds")] {
        if let Some(rest) = raw.strip_prefix(sym) {
            return (Some(word), rest);
        }
        if let Some(rest) = raw
            .trim_end_matches(|c: char| ".,!?;:".contains(c))
            .strip_suffix(sym)
        {
            return (Some(word), rest);
        }
    }
    if raw == "$" || raw == "€" || raw == "£" {
        return (None, "");
    }
    (None, raw)
}

/// Keeps letters, digits, and `'`, `-`, `&`, `.`, `,` only where they sit between word
/// characters ("kellogg's", "demi-douzaine", "m&m's", "2.5"); decimal commas become points.
fn clean(raw: &str) -> String {
    let chars: Vec<char> = raw.chars().collect();
    let mut out = String::new();
    for (i, &c) in chars.iter().enumerate() {
        let prev = i.checked_sub(1).and_then(|j| chars.get(j));
        let next = chars.get(i + 1);
        if c.is_alphanumeric() {
            out.push(c);
        } else if c == '\'' && prev.is_some_and(|p| p.is_alphabetic()) {
            // Keep elision apostrophes even at the end of the raw word ("l'" then a space).
            out.push(c);
        } else if c == '-' && i == 0 && next.is_some_and(char::is_ascii_digit) {
            // A minus sign: "-1 bottles" is no quantity of one.
            out.push(c);
        } else if (c == '-' || c == '&')
            && prev.is_some_and(|p| p.is_alphanumeric())
            && next.is_some_and(|n| n.is_alphanumeric())
        {
            out.push(c);
        } else if (c == '.' || c == ',')
            && prev.is_some_and(char::is_ascii_digit)
            && next.is_some_and(char::is_ascii_digit)
        {
            out.push('.');
        }
    }
    if out.ends_with('\'') && !is_elision(&out) {
        out.pop();
    }
    out
}

fn is_elision(word: &str) -> bool {
    ELISIONS.contains(&word)
}

fn split_elision(word: &str, tokens: &mut Vec<String>) {
    for e in ELISIONS {
        if let Some(rest) = word.strip_prefix(e) {
            if rest.chars().next().is_some_and(char::is_alphabetic) {
                tokens.push(e.to_string());
                split_elision(rest, tokens);
                return;
            }
        }
    }
    tokens.push(word.to_string());
}

/// Joins tokens back into a slot value, re-attaching elisions ("d'" + "oeufs").
pub fn join(tokens: &[String]) -> String {
    let mut out = String::new();
    for t in tokens {
        if !out.is_empty() && !out.ends_with('\'') {
            out.push(' ');
        }
        out.push_str(t);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Vec<String> {
        tokenize(s)
    }

    #[test]
    fn whisper_style_text_is_normalised() {
        assert_eq!(
            t("Add 2 litres of milk."),
            ["add", "2", "litres", "of", "milk"]
        );
        assert_eq!(
            t("Give $10 to the Red Cross, please."),
            ["give", "10", "dollars", "to", "the", "red", "cross", "please"]
        );
        assert_eq!(
            t("Donne 10€ aux Restos du cœur"),
            ["donne", "10", "euros", "aux", "restos", "du", "cœur"]
        );
        assert_eq!(t("2,5 kg de pommes"), ["2.5", "kg", "de", "pommes"]);
        assert_eq!(t("Kellogg's corn flakes"), ["kellogg's", "corn", "flakes"]);
        assert_eq!(t("Ben & Jerry's, M&M's"), ["ben", "&", "jerry's", "m&m's"]);
        assert_eq!(t("add -1 bottles"), ["add", "-1", "bottles"]);
    }

    #[test]
    fn written_pauses_mark_the_next_token() {
        let (tokens, pauses) = tokenize_with_pauses("Add bananas, apples and d'oeufs. Then $5");
        assert_eq!(
            tokens,
            ["add", "bananas", "apples", "and", "d'", "oeufs", "then", "5", "dollars"]
        );
        assert_eq!(
            pauses,
            [false, false, true, false, false, false, true, false, false]
        );
        let (_, breaks) = tokenize_with_breaks("Cross off bulbs. Remove paper, please!");
        use Break::*;
        assert_eq!(breaks, [Word, Word, Word, Sentence, Word, Pause]);
    }

    #[test]
    fn french_elisions_split() {
        assert_eq!(
            t("Ajoute une douzaine d'œufs"),
            ["ajoute", "une", "douzaine", "d'", "œufs"]
        );
        assert_eq!(t("l’huile d'olive"), ["l'", "huile", "d'", "olive"]);
        assert_eq!(
            t("qu'est-ce qu'il y a"),
            ["qu'", "est-ce", "qu'", "il", "y", "a"]
        );
        assert_eq!(t("une demi-douzaine"), ["une", "demi-douzaine"]);
        assert_eq!(join(&t("d'oeufs")), "d'oeufs");
    }
}
