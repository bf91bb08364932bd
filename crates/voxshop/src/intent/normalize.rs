//! Deterministic normal forms for slot values (DOMAIN.md): numbers from EN/FR words or
//! digits, canonical units and currencies, list names; the words are the domain file's
//! (crates/voxshop/data/domain.toml). Boundaries come from the trained tagger; these rules
//! only rewrite what it found.

use super::domain::domain;
use super::schema::{SlotKind, SlotValue};

/// The unit whose words multiply the number before them ("two dozen").
const DOZEN: &str = "dozen";

/// Parses a spoken or written number: "2", "2.5", "two", "twenty five", "vingt-deux",
/// "soixante-dix", "quatre-vingt-dix", "a hundred", "deux cents", "a couple of", "a dozen",
/// "une douzaine", "half a dozen", "une demi-douzaine", "two and a half". The words and what
/// they are worth come from the domain file (crates/voxshop/data/domain.toml).
pub fn parse_number(text: &str) -> Option<f64> {
    // "-1": a negative number (the hyphen of "twenty-one" joins words, below).
    if let Some(digits) = text.trim().strip_prefix('-') {
        if digits.starts_with(|c: char| c.is_ascii_digit()) {
            return digits.parse::<f64>().ok().map(|v| -v);
        }
    }
    let numbers = &domain().numbers;
    let words = numbers.words_of(text);
    if words.is_empty() {
        return None;
    }
    if let Some(value) = numbers.phrase(&words) {
        return Some(value);
    }
    let mut total = 0.0;
    let mut current = 0.0;
    let mut seen = false;
    let mut half = false;
    let mut after_dozen = false;
    for (i, w) in words.iter().map(String::as_str).enumerate() {
        if let Ok(n) = w.parse::<f64>() {
            current += n;
            seen = true;
            after_dozen = false;
            continue;
        }
        if let Some(scale) = numbers.scale(w) {
            // "deux mille cinq": from a thousand up, a scale closes a group.
            if scale >= 1000.0 {
                total += current.max(1.0) * scale;
                current = 0.0;
            } else {
                current = current.max(1.0) * scale;
            }
            seen = true;
            continue;
        }
        if numbers.is_half(w) {
            // Half of what was just counted: "a dozen and a half" is 18, "two and a half
            // dozen" 30.
            if seen {
                current += if after_dozen { 6.0 } else { 0.5 };
            } else {
                half = true;
            }
            continue;
        }
        if seen && normalize_unit(w) == Some(DOZEN) {
            current *= 12.0;
            after_dozen = true;
            continue;
        }
        // "quatre-vingt(s)": four twenties, French's one vigesimal number.
        if matches!(w, "vingt" | "vingts") && i > 0 && words[i - 1] == "quatre" {
            current = current - 4.0 + 80.0;
            continue;
        }
        match numbers.word(w) {
            // "a"/"un" after a number is not one more ("twenty a"?): only count it first.
            Some(_) if seen && numbers.is_article(w) => {}
            // French 70-99: "soixante dix" = 70, "quatre vingt dix" = 90.
            Some(n) if (10.0..20.0).contains(&n) && (current == 60.0 || current == 80.0) => {
                current += n;
                seen = true;
            }
            Some(n) => {
                current += n;
                seen = true;
                after_dozen = false;
            }
            None => return None,
        }
    }
    if !seen {
        return None;
    }
    let mut value = total + current;
    if half {
        value += 0.5;
    }
    Some(value)
}

/// Canonical unit for a unit word, EN or FR, singular or plural.
pub fn normalize_unit(text: &str) -> Option<&'static str> {
    domain().unit(text.to_lowercase().trim())
}

/// ISO 4217 code for a currency word or symbol.
pub fn normalize_currency(text: &str) -> Option<&'static str> {
    domain().currency(text.to_lowercase().trim())
}

/// A list name: the default list's many names become `shopping`.
pub fn normalize_list(text: &str) -> String {
    let lists = &domain().lists;
    let mut t = strip_determiners(&text.to_lowercase());
    for w in &lists.words_after {
        t = t.trim_end_matches(&format!(" {w}")).to_string();
    }
    for w in &lists.words_before {
        t = t.trim_start_matches(&format!("{w} ")).to_string();
    }
    let words: Vec<&str> = t.split_whitespace().collect();
    let kept = words.iter().position(|w| !lists.not_names.contains(*w));
    let t = kept.map_or(String::new(), |k| words[k..].join(" "));
    let t = t.trim();
    // Nothing left but the word "list": the default list.
    if t.is_empty() || lists.is_alias(t) {
        lists.default.clone()
    } else {
        t.to_string()
    }
}

const DETERMINERS: &[&str] = &[
    "the", "a", "an", "some", "my", "our", "your", "this", "that", "these", "those", "le", "la",
    "les", "l'", "un", "une", "des", "du", "de", "d'", "mon", "ma", "mes", "notre", "nos", "ce",
    "cet", "cette", "ces", "au", "aux", "votre", "vos", "ton", "ta", "tes",
];

/// Drops leading determiners and possessives ("the red cross" -> "red cross", "l'huile"
/// -> "huile").
pub fn strip_determiners(text: &str) -> String {
    let joined = strip_determiner_words(text);
    for e in ["l'", "d'"] {
        if let Some(rest) = joined.strip_prefix(e) {
            if !rest.is_empty() {
                return rest.to_string();
            }
        }
    }
    joined
}

/// Drops leading determiner words, not an elided article glued to a name: a brand keeps
/// it ("l'oréal", "l'occitane").
fn strip_determiner_words(text: &str) -> String {
    let mut words: Vec<&str> = text.split_whitespace().collect();
    while words.len() > 1 && DETERMINERS.contains(&words[0]) {
        words.remove(0);
    }
    words.join(" ")
}

/// Drops trailing words that end no name ("toaster instead" -> "toaster", "dyson's own"
/// -> "dyson's"), keeping one word.
fn strip_trailing(text: &str) -> String {
    let d = domain();
    let mut words: Vec<&str> = text.split_whitespace().collect();
    while words.len() > 1
        && words
            .last()
            .is_some_and(|w| d.ends_no_name(w) || d.not_in_item(w))
    {
        words.pop();
    }
    words.join(" ")
}

/// Largest quantity and amount taken from speech: beyond them the number is a mishearing or a
/// joke ("add 18446744073709551616 eggs"), and the slot is left out for the consumer to ask.
pub const MAX_QUANTITY: f64 = 10_000.0;
pub const MAX_AMOUNT: f64 = 100_000.0;

/// Normal form of a tagged span of `kind`; `None` when the span cannot be a value of it.
pub fn normalize_slot(kind: SlotKind, surface: &str) -> Option<SlotValue> {
    let surface = surface.trim();
    if surface.is_empty() {
        return None;
    }
    match kind {
        SlotKind::Quantity => parse_number(surface)
            .filter(|n| *n > 0.0 && *n <= MAX_QUANTITY)
            .map(SlotValue::Number),
        SlotKind::Amount => parse_number(surface)
            .filter(|n| *n > 0.0 && *n <= MAX_AMOUNT)
            .map(SlotValue::Number),
        SlotKind::Unit => domain()
            .heard_unit(strip_determiners(surface).to_lowercase().trim())
            .map(|u| SlotValue::Text(u.into())),
        SlotKind::Currency => normalize_currency(surface).map(|c| SlotValue::Text(c.into())),
        SlotKind::List => Some(SlotValue::Text(normalize_list(surface))),
        SlotKind::Merchant => {
            // "ikea's website": the shop is "ikea" (brands keep theirs: "kellogg's").
            let v = strip_trailing(&strip_determiners(&surface.to_lowercase()));
            let v = v.strip_suffix("'s").map(str::to_string).unwrap_or(v);
            (!v.is_empty()).then_some(SlotValue::Text(v))
        }
        SlotKind::Brand => {
            let v = strip_trailing(&strip_determiner_words(&surface.to_lowercase()));
            (!v.is_empty()).then_some(SlotValue::Text(v))
        }
        SlotKind::Item => {
            // "my current order": a word no item's name takes is no item on its own.
            let v = strip_trailing(&strip_determiners(&surface.to_lowercase()));
            (!v.is_empty() && !domain().not_in_item(&v)).then_some(SlotValue::Text(v))
        }
        SlotKind::Charity | SlotKind::Contact => {
            let v = strip_trailing(&strip_determiners(&surface.to_lowercase()));
            (!v.is_empty()).then_some(SlotValue::Text(v))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_in_english_and_french() {
        let cases = [
            ("two", 2.0),
            ("2", 2.0),
            ("2.5", 2.5),
            ("twenty five", 25.0),
            ("twenty-five", 25.0),
            ("a hundred", 100.0),
            ("a couple of", 2.0),
            ("a dozen", 12.0),
            ("half a dozen", 6.0),
            ("two dozen", 24.0),
            ("deux", 2.0),
            ("une douzaine", 12.0),
            ("une demi-douzaine", 6.0),
            ("vingt-deux", 22.0),
            ("soixante-dix", 70.0),
            ("soixante-quinze", 75.0),
            ("quatre-vingts", 80.0),
            ("quatre-vingt-dix", 90.0),
            ("septante", 70.0),
            ("septante-cinq", 75.0),
            ("huitante", 80.0),
            ("nonante-neuf", 99.0),
            ("deux cents", 200.0),
            ("trois", 3.0),
            ("one and a half", 1.5),
            ("a dozen and a half", 18.0),
            ("two and a half dozen", 30.0),
            ("deux et demi", 2.5),
            ("a", 1.0),
            ("une", 1.0),
        ];
        for (text, want) in cases {
            assert_eq!(parse_number(text), Some(want), "{text}");
        }
        assert_eq!(parse_number("milk"), None);
        for vague in ["a few", "quelques", "some", "a few of"] {
            assert_eq!(parse_number(vague), None, "{vague}");
        }
        assert_eq!(parse_number("deux mille cinq"), Some(2005.0));
        assert_eq!(parse_number("quatre-vingt-dix-neuf"), Some(99.0));
    }

    #[test]
    fn absurd_quantities_and_amounts_are_left_out() {
        let q = |s| normalize_slot(SlotKind::Quantity, s);
        assert_eq!(q("twelve"), Some(SlotValue::Number(12.0)));
        assert_eq!(q("18446744073709551616"), None);
        assert_eq!(q("0"), None);
        assert_eq!(q("-1"), None);
        assert_eq!(q("twenty-one"), Some(SlotValue::Number(21.0)));
        let a = |s| normalize_slot(SlotKind::Amount, s);
        assert_eq!(a("-5"), None);
        assert_eq!(a("fifty"), Some(SlotValue::Number(50.0)));
        assert_eq!(a("5000000"), None);
    }

    #[test]
    fn units_currencies_lists() {
        assert_eq!(normalize_unit("litres"), Some("l"));
        assert_eq!(normalize_unit("paquets"), Some("pack"));
        assert_eq!(normalize_unit("bouteilles"), Some("bottle"));
        assert_eq!(normalize_unit("kilos"), Some("kg"));
        assert_eq!(normalize_currency("bucks"), Some("USD"));
        assert_eq!(normalize_currency("euros"), Some("EUR"));
        assert_eq!(normalize_currency("quid"), Some("GBP"));
        assert_eq!(normalize_list("courses"), "shopping");
        assert_eq!(normalize_list("grocery"), "shopping");
        assert_eq!(normalize_list("party"), "party");
        assert_eq!(normalize_list("noël"), "noël");
        assert_eq!(normalize_list("entire shopping"), "shopping");
        assert_eq!(normalize_list("current"), "shopping");
        assert_eq!(normalize_list("specific party"), "party");
        assert_eq!(strip_determiners("the red cross"), "red cross");
        assert_eq!(strip_determiners("l'huile"), "huile");
        let brand = normalize_slot(SlotKind::Brand, "l'oréal");
        assert_eq!(brand, Some(SlotValue::Text("l'oréal".into())));
        assert_eq!(normalize_slot(SlotKind::Item, "current"), None);
        let details = normalize_slot(SlotKind::Item, "coffee maker details");
        assert_eq!(details, Some(SlotValue::Text("coffee maker".into())));
        let shop = normalize_slot(SlotKind::Merchant, "dyson's own");
        assert_eq!(shop, Some(SlotValue::Text("dyson".into())));
    }

    #[test]
    fn a_name_loses_the_words_that_end_no_name() {
        let text = |kind, s| match normalize_slot(kind, s) {
            Some(SlotValue::Text(t)) => t,
            other => panic!("{s:?}: {other:?}"),
        };
        assert_eq!(text(SlotKind::Item, "toaster instead"), "toaster");
        assert_eq!(text(SlotKind::Item, "spaghetti and"), "spaghetti");
        assert_eq!(text(SlotKind::Item, "œufs bio aussi"), "œufs bio");
        assert_eq!(text(SlotKind::Merchant, "amazon please"), "amazon");
        // Inside a name, or a name of one word, they stay.
        assert_eq!(text(SlotKind::Item, "half and half"), "half and half");
        assert_eq!(
            text(SlotKind::Brand, "marks and spencer"),
            "marks and spencer"
        );
        assert_eq!(text(SlotKind::Contact, "me"), "me");
    }

    /// The domain file's words are what the generator says in training: each must come out
    /// of the normaliser as the value the file gives it, or the tagger learns spans that
    /// normalise to something else (or to nothing).
    #[test]
    fn every_word_of_the_domain_file_normalises_to_its_value() {
        let d = domain();
        for (word, code) in d.unit_words() {
            let want = Some(SlotValue::Text(code.into()));
            assert_eq!(normalize_slot(SlotKind::Unit, word), want, "unit {word:?}");
            assert_eq!(normalize_unit(code), Some(code), "unit code {code:?}");
        }
        for (word, code) in d.currency_words() {
            let want = Some(SlotValue::Text(code.into()));
            assert_eq!(
                normalize_slot(SlotKind::Currency, word),
                want,
                "currency {word:?}"
            );
            assert_eq!(
                normalize_currency(code),
                Some(code),
                "currency code {code:?}"
            );
        }
        for (value, form) in d.numbers.all_forms() {
            assert_eq!(parse_number(&form), Some(value), "number {form:?}");
            // The generator also says "twenty-four" for "twenty four".
            let hyphenated = form.replace(' ', "-");
            assert_eq!(
                parse_number(&hyphenated),
                Some(value),
                "number {hyphenated:?}"
            );
        }
        for alias in d.lists.aliases() {
            let want = Some(SlotValue::Text(d.lists.default.clone()));
            assert_eq!(
                normalize_slot(SlotKind::List, alias),
                want,
                "list {alias:?}"
            );
        }
    }
}
