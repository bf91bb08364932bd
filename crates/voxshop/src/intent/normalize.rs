//! Deterministic normal forms for slot values (DOMAIN.md): numbers from EN/FR words or
//! digits, canonical units and currencies, list names. Boundaries come from the trained
//! tagger; these rules only rewrite what it found.

use super::schema::{SlotKind, SlotValue};

fn unit_word(w: &str) -> Option<f64> {
    Some(match w {
        "zero" | "zéro" => 0.0,
        "one" | "a" | "an" | "un" | "une" | "single" => 1.0,
        "two" | "deux" | "to" | "too" => 2.0,
        "three" | "trois" => 3.0,
        "four" | "quatre" | "for" => 4.0,
        "five" | "cinq" => 5.0,
        "six" => 6.0,
        "seven" | "sept" => 7.0,
        "eight" | "huit" => 8.0,
        "nine" | "neuf" => 9.0,
        "ten" | "dix" => 10.0,
        "eleven" | "onze" => 11.0,
        "twelve" | "douze" => 12.0,
        "thirteen" | "treize" => 13.0,
        "fourteen" | "quatorze" => 14.0,
        "fifteen" | "quinze" => 15.0,
        "sixteen" | "seize" => 16.0,
        "seventeen" => 17.0,
        "eighteen" => 18.0,
        "nineteen" => 19.0,
        "twenty" | "vingt" | "vingts" => 20.0,
        "thirty" | "trente" => 30.0,
        "forty" | "quarante" => 40.0,
        "fifty" | "cinquante" => 50.0,
        "sixty" | "soixante" => 60.0,
        "seventy" => 70.0,
        "eighty" => 80.0,
        "ninety" => 90.0,
        "dozen" | "douzaine" | "dozens" | "douzaines" => 12.0,
        _ => return None,
    })
}

/// Parses a spoken or written number: "2", "2.5", "two", "twenty five", "vingt-deux",
/// "soixante-dix", "quatre-vingt-dix", "a hundred", "deux cents", "a couple of", "a dozen",
/// "une douzaine", "half a dozen", "une demi-douzaine", "two and a half".
pub fn parse_number(text: &str) -> Option<f64> {
    // "-1": a negative number (the hyphen of "twenty-one" joins words, below).
    if let Some(digits) = text.trim().strip_prefix('-') {
        if digits.starts_with(|c: char| c.is_ascii_digit()) {
            return digits.parse::<f64>().ok().map(|v| -v);
        }
    }
    let text = text.to_lowercase().replace('-', " ");
    let words: Vec<&str> = text
        .split_whitespace()
        .filter(|w| !matches!(*w, "of" | "de" | "d'" | "et" | "and"))
        .collect();
    if words.is_empty() {
        return None;
    }
    match words.as_slice() {
        ["a", "couple"] | ["couple"] | ["a", "pair"] | ["pair"] | ["une", "paire"] | ["paire"] => {
            return Some(2.0)
        }
        ["half", "a", "dozen"] | ["une", "demi", "douzaine"] | ["demi", "douzaine"] => {
            return Some(6.0)
        }
        ["a", "few"] | ["quelques"] | ["some"] => return None,
        _ => {}
    }
    let mut total = 0.0;
    let mut current = 0.0;
    let mut seen = false;
    let mut half = false;
    for (i, w) in words.iter().enumerate() {
        if let Ok(n) = w.parse::<f64>() {
            current += n;
            seen = true;
            continue;
        }
        match *w {
            "hundred" | "cent" | "cents" => {
                current = current.max(1.0) * 100.0;
                seen = true;
            }
            "thousand" | "mille" => {
                total += current.max(1.0) * 1000.0;
                current = 0.0;
                seen = true;
            }
            "half" | "demi" => half = true,
            "dozen" | "douzaine" | "douzaines" | "dozens" if seen => {
                current *= 12.0;
            }
            // "quatre-vingt(s)": four twenties.
            "vingt" | "vingts" if i > 0 && words[i - 1] == "quatre" => {
                current = current - 4.0 + 80.0;
            }
            w => match unit_word(w) {
                // "a"/"un" after a number is not one more ("twenty a"?): only count it first.
                Some(1.0) if seen && matches!(w, "a" | "an" | "un" | "une") => {}
                // French 70-99: "soixante dix" = 70, "quatre vingt dix" = 90.
                Some(n) if (10.0..20.0).contains(&n) && (current == 60.0 || current == 80.0) => {
                    current += n;
                    seen = true;
                }
                Some(n) => {
                    current += n;
                    seen = true;
                }
                None => return None,
            },
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
    let t = text.to_lowercase();
    let t = t.trim();
    Some(match t {
        "g" | "gram" | "grams" | "gramme" | "grammes" | "gr" => "g",
        "kg" | "kilo" | "kilos" | "kilogram" | "kilograms" | "kilogramme" | "kilogrammes" => "kg",
        "ml" | "millilitre" | "millilitres" | "milliliter" | "milliliters" => "ml",
        "l" | "litre" | "litres" | "liter" | "liters" => "l",
        "pack" | "packs" | "packet" | "packets" | "package" | "packages" | "paquet" | "paquets"
        | "pack de" | "lot" | "lots" => "pack",
        "bottle" | "bottles" | "bouteille" | "bouteilles" | "flacon" | "flacons" => "bottle",
        "can"
        | "cans"
        | "tin"
        | "tins"
        | "canette"
        | "canettes"
        | "conserve"
        | "conserves"
        | "boîte de conserve"
        | "boîtes de conserve"
        | "boite de conserve"
        | "boites de conserve" => "can",
        "box" | "boxes" | "carton" | "cartons" | "boîte" | "boîtes" | "boite" | "boites" => "box",
        "bag" | "bags" | "sachet" | "sachets" | "sac" | "sacs" | "pouch" | "pouches" => "bag",
        "dozen" | "dozens" | "douzaine" | "douzaines" => "dozen",
        _ => return None,
    })
}

/// ISO 4217 code for a currency word or symbol.
pub fn normalize_currency(text: &str) -> Option<&'static str> {
    Some(match text.to_lowercase().trim() {
        "dollar" | "dollars" | "buck" | "bucks" | "usd" | "$" => "USD",
        "euro" | "euros" | "eur" | "€" | "balles" => "EUR",
        "pound" | "pounds" | "quid" | "gbp" | "£" | "livre" | "livres" | "livres sterling" => {
            "GBP"
        }
        "cent" | "cents" | "centime" | "centimes" => return None,
        _ => return None,
    })
}

/// A list name: the default list's many names become `shopping`.
pub fn normalize_list(text: &str) -> String {
    let t = strip_determiners(&text.to_lowercase());
    let t = t
        .trim_end_matches(" list")
        .trim_start_matches("liste de ")
        .trim_start_matches("liste des ")
        .trim_start_matches("liste ")
        .trim()
        .to_string();
    match t.as_str() {
        "" | "shopping" | "grocery" | "groceries" | "courses" | "course" | "shopping list"
        | "list" | "liste" | "grocery list" | "commissions" | "épicerie" => "shopping".into(),
        _ => t,
    }
}

const DETERMINERS: &[&str] = &[
    "the", "a", "an", "some", "my", "our", "your", "this", "that", "these", "those", "le", "la",
    "les", "l'", "un", "une", "des", "du", "de", "d'", "mon", "ma", "mes", "notre", "nos", "ce",
    "cet", "cette", "ces", "au", "aux", "votre", "vos", "ton", "ta", "tes",
];

/// Drops leading determiners and possessives ("the red cross" -> "red cross").
pub fn strip_determiners(text: &str) -> String {
    let mut words: Vec<&str> = text.split_whitespace().collect();
    while words.len() > 1 && DETERMINERS.contains(&words[0]) {
        words.remove(0);
    }
    let joined = words.join(" ");
    for e in ["l'", "d'"] {
        if let Some(rest) = joined.strip_prefix(e) {
            if !rest.is_empty() {
                return rest.to_string();
            }
        }
    }
    joined
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
        SlotKind::Unit => {
            normalize_unit(&strip_determiners(surface)).map(|u| SlotValue::Text(u.into()))
        }
        SlotKind::Currency => normalize_currency(surface).map(|c| SlotValue::Text(c.into())),
        SlotKind::List => Some(SlotValue::Text(normalize_list(surface))),
        SlotKind::Merchant => {
            // "ikea's website": the shop is "ikea" (brands keep theirs: "kellogg's").
            let v = strip_determiners(&surface.to_lowercase());
            let v = v.strip_suffix("'s").map(str::to_string).unwrap_or(v);
            (!v.is_empty()).then_some(SlotValue::Text(v))
        }
        SlotKind::Item | SlotKind::Brand | SlotKind::Charity | SlotKind::Contact => {
            let v = strip_determiners(&surface.to_lowercase());
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
            ("deux cents", 200.0),
            ("trois", 3.0),
            ("one and a half", 1.5),
            ("a", 1.0),
            ("une", 1.0),
        ];
        for (text, want) in cases {
            assert_eq!(parse_number(text), Some(want), "{text}");
        }
        assert_eq!(parse_number("milk"), None);
        assert_eq!(parse_number("a few"), None);
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
        assert_eq!(strip_determiners("the red cross"), "red cross");
        assert_eq!(strip_determiners("l'huile"), "huile");
    }
}
