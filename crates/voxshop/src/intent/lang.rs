//! English vs French from text alone, for when the STT model has no language token
//! (tiny.en) or for typed text: a vote of frequent function words and French diacritics.

use crate::stt::Lang;

// One line per few words, as the English list: rustfmt would give each its own line.
#[rustfmt::skip]
const FR: &[&str] = &[
    "le", "la", "les", "de", "des", "du", "un", "une", "et", "est", "je", "tu", "il", "moi", "mon",
    "ma", "mes", "ton", "ta", "sur", "dans", "pour", "avec", "au", "aux", "ce", "cette", "qui",
    "que", "qu'", "d'", "l'", "j'", "oui", "non", "s'il", "plaît", "ajoute", "ajouter", "achète",
    "commande", "liste", "courses", "mets", "enlève", "retire", "combien", "où", "quand", "vas-y",
    "peux", "veux", "pas", "ne", "n'", "bien", "merci", "euros", "stp", "quel", "quelle", "quels",
    "quelles", "fait", "fait-il", "temps", "est-ce", "c'est", "nous", "vous", "ils", "elle",
    "elles", "mais", "ou", "sans", "chez", "comme", "aussi", "très", "peut", "faut", "on", "tes",
    "ses", "leur", "toi", "lui", "ça", "ici", "bonjour", "salut", "annule", "rachète", "partage",
    "envoie", "donne", "vide", "efface", "supprime", "montre", "dis", "lis", "pourquoi", "comment",
    "voudrais", "besoin", "laisse", "tomber", "appelle", "joue", "exactement", "bonne", "nuit",
    "rajoute", "recommande", "recommande-le", "reprends", "raye", "rien", "tout", "ouais", "nan",
    "d'accord", "voilà", "alors", "rappelle", "fais", "faudrait", "y", "suivante", "convertis",
];
const EN: &[&str] = &[
    "the", "a", "an", "of", "and", "is", "i", "you", "it", "my", "me", "your", "on", "in", "for",
    "with", "to", "this", "that", "what", "yes", "no", "please", "add", "buy", "order", "list",
    "put", "remove", "how", "where", "when", "can", "could", "want", "need", "don't", "not",
    "thanks", "dollars", "some", "from",
];

/// The more likely language of `tokens`; English when there is no evidence.
pub fn detect(tokens: &[String]) -> Lang {
    let mut score = 0i32;
    for t in tokens {
        if FR.contains(&t.as_str()) {
            score += 2;
        }
        if EN.contains(&t.as_str()) {
            score -= 2;
        }
        if t.chars().any(|c| "éèêàâçîôûùëïœ".contains(c)) {
            score += 1;
        }
    }
    if score > 0 {
        Lang::Fr
    } else {
        Lang::En
    }
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
