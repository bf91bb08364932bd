"""Tokens and the grammar the phrases need: weighted draws, numbers as said, English and French
articles, French elision and contraction.

A token is [word, tag]: tag None for a plain word, a slot name for a slot's word, "_det" for
a French article the finishing pass may contract or elide, "_join" for the "and" between
items (tagged so that the recogniser-like noise never drops it)."""

import unicodedata

from .data import DOMAIN


def tokens(s, tag=None):
    return [[w, tag] for w in s.split()]


def weighted_choice(rng, pairs):
    """pairs: [(value, weight)]; one draw of rng.random()."""
    total = sum(w for _, w in pairs)
    r = rng.random() * total
    acc = 0.0
    for v, w in pairs:
        acc += w
        if r < acc:
            return v
    return pairs[-1][0]


def strip_accents(s):
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))


# ---- numbers ----

def spoken(rng, lang, n):
    """The domain file's words for n; a second form, where there is one, half the time."""
    forms = DOMAIN.spoken[lang][n]
    if len(forms) > 1 and rng.random() < 0.5:
        return forms[1]
    return forms[0]


def en_number(rng, n, words_p=0.65):
    """n in words (words_p of the time, when the domain file has words for it) or digits."""
    if n in DOMAIN.spoken["en"] and rng.random() < words_p:
        s = spoken(rng, "en", n)
        if " " in s and n < 100 and rng.random() < 0.3:
            s = s.replace(" ", "-")
        return s
    return str(n)


def fr_number(rng, n, gender="m", words_p=0.65):
    """As en_number; one is the article of the thing counted ("une bouteille")."""
    if n == 1:
        return "une" if gender == "f" else "un"
    if n in DOMAIN.spoken["fr"] and rng.random() < words_p:
        return spoken(rng, "fr", n)
    return str(n)


# ---- English ----

def en_article(word):
    w = word.lower()
    # Spelling is not sound: "a usb cable", "an hdmi cable".
    if w.startswith(("usb", "uni", "eu", "one", "ure")):
        return "a"
    if w.startswith(("hdmi", "hour", "honest")):
        return "an"
    return "an" if w[0] in "aeiou" else "a"


# ---- French ----

VOWELS = "aeiouàâäéèêëîïôöùûüœæ"
H_MUET = ("huile", "herbe", "huître", "hydrat", "hôtel", "homme", "heure", "hiver", "histoire",
          "hôpital", "humid", "huit-")
NO_ELIDE = ("onze", "oui", "ouate", "yaourt")
CONTRACTIONS = {("à", "le"): "au", ("à", "les"): "aux", ("de", "le"): "du", ("de", "les"): "des"}


def elides(word):
    """Whether "le", "la", "de" before `word` become "l'", "d'"."""
    w = word.lower()
    if not w or w[0].isdigit():
        return False
    if w.startswith(NO_ELIDE):
        return False
    if w[0] == "h":
        return w.startswith(H_MUET) and not w.startswith("huit")
    return w[0] in VOWELS


def fr_definite(gender, plural, first_word):
    if plural:
        return [["les", "_det"]]
    if elides(first_word):
        return [["l'", "_det"]]
    return [["la" if gender == "f" else "le", "_det"]]


def fr_partitive(gender, plural, first_word):
    if plural:
        return [["des", "_det"]]
    if elides(first_word):
        return [["de", "_det"], ["l'", "_det"]]
    if gender == "f":
        return [["de", "_det"], ["la", "_det"]]
    return [["du", "_det"]]


def fr_demonstrative(gender, plural, first_word):
    if plural:
        return "ces"
    if gender == "f":
        return "cette"
    return "cet" if elides(first_word) else "ce"


def fr_possessive(gender, plural, first_word):
    if plural:
        return "mes"
    if gender == "f" and not elides(first_word):
        return "ma"
    return "mon"


def fr_contract_and_elide(t):
    """"à le" -> "au", "de les" -> "des" (articles only), "de" -> "d'" before a vowel."""
    out, i = [], 0
    while i < len(t):
        w, tag = t[i]
        nxt = t[i + 1] if i + 1 < len(t) else None
        if tag is None and nxt is not None and nxt[1] == "_det" and (w, nxt[0]) in CONTRACTIONS:
            out.append([CONTRACTIONS[(w, nxt[0])], None])
            i += 2
            continue
        if tag is None and w == "de" and nxt is not None and elides(nxt[0]):
            out.append(["d'", None])
            i += 1
            continue
        out.append([w, tag])
        i += 1
    return out


def join_text(t):
    """The tokens' text: words separated by spaces, except after an elided "l'", "d'"."""
    parts = []
    for i, (w, _) in enumerate(t):
        if i and not t[i - 1][0].endswith("'"):
            parts.append(" ")
        parts.append(w)
    return "".join(parts)
