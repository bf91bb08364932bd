//! English vs French from text alone, for when the STT model has no language token
//! (tiny.en) or for typed text: a vote of frequent function words and French diacritics.

use super::domain::domain;
use crate::stt::Lang;

/// The more likely language of `tokens`; English when there is no evidence. The words and
/// letters that count are `[language_vote]` in crates/voxshop/data/domain.toml.
pub fn detect(tokens: &[String]) -> Lang {
    domain().language_of(tokens)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::intent::text::tokenize;

    #[test]
    fn tells_english_from_french() {
        assert_eq!(detect(&tokenize("ajoute du lait à ma liste")), Lang::Fr);
        assert_eq!(detect(&tokenize("oui vas-y")), Lang::Fr);
        assert_eq!(detect(&tokenize("quel temps fait-il")), Lang::Fr);
        // Short ones whose words English has too ("on", "a").
        assert_eq!(detect(&tokenize("on a besoin de sel")), Lang::Fr);
        assert_eq!(detect(&tokenize("laisse tomber")), Lang::Fr);
        assert_eq!(detect(&tokenize("add milk to my list")), Lang::En);
        assert_eq!(detect(&tokenize("yes go ahead")), Lang::En);
        assert_eq!(detect(&tokenize("")), Lang::En);
    }
}
