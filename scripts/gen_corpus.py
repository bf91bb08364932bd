#!/usr/bin/env python3
"""Synthetic training corpus for the voice-shopping intent classifier + slot tagger.

Usage:
    python3 scripts/gen_corpus.py --seed 42 --per-intent 1500 --out corpus.jsonl

Output: JSON Lines, one example per line:
    {"lang": "en"|"fr", "intent": ..., "text": ..., "spans": [[slot, surface], ...], "slots": {...}}

Labels follow ../shared/DOMAIN.md (the contract) and docs/slot-conventions.md.
Choices made here where neither document is explicit:
  * "a couple of apples": quantity span is "a couple" (the "of" stays outside, like in
    "two litres of milk"); "a dozen" / "half a dozen" / "une douzaine" /
    "une demi-douzaine" are quantity spans (12 / 6, no unit).
  * Article before a unit ("a bottle of wine", "un litre de lait"): the article is the
    quantity span ("a" -> 1).  French "une pomme" (no unit) is a determiner: no quantity.
  * French elision: "d'oeufs" -> item span "oeufs"; "liste d'anniversaire" -> list span
    "anniversaire"; "site d'ikea" -> merchant span "ikea".
  * Contacts are spoken names / relations without possessive: "my brother" -> "brother",
    "ma soeur" -> "soeur", "maman" -> "maman".
  * Charities / lists: the article is not part of the span ("the red cross" -> "red cross",
    "aux restos du coeur" -> "restos du coeur").
  * list: "shopping"/"grocery"/"courses" spans normalise to "shopping"; "my list" /
    "ma liste" carry list=shopping without a span (no name spoken).  For add/remove/read/clear
    list=shopping is always present; for check_savings / share_product only when a list is
    spoken.
  * buy vs buy_for_me: buy_for_me always has a third-party web-shop cue ("on the ikea
    website", "sur le site de nike", "dot com", "app"); buy may name a retailer
    ("order batteries from amazon") without such a cue.
  * English text is ASCII (accents stripped from gazetteer names, e.g. "president");
    French text keeps accents.
Standard library only; deterministic for a given seed.
"""

import argparse
import json
import random
import re
import sys
import unicodedata

from corpus.data import CorpusData
from corpus.domain import Domain

DOMAIN = Domain()
SLOTS_BY_INTENT = DOMAIN.slots_by_intent
INTENTS = DOMAIN.intents
LIST_DEFAULT_INTENTS = DOMAIN.list_default_intents
ALL_SLOTS = DOMAIN.slots

DATA = CorpusData(DOMAIN)


def strip_accents(s):
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))


PRODUCTS = DATA.products
BRANDS_BY_CAT = DATA.brands_by_cat
BRAND_HINT = DATA.brand_hint
MERCHANT_CAT = DATA.merchant_cat
PRODUCTS_BY_CAT = {lang: {} for lang in PRODUCTS}
for _lang, _lst in PRODUCTS.items():
    for _p in _lst:
        PRODUCTS_BY_CAT[_lang].setdefault(_p.cat, []).append(_p)
EGGS = {lang: [p for p in PRODUCTS[lang] if p.units and "dozen" in p.units] for lang in PRODUCTS}
MERCHANT_LIST = DATA.merchants
RETAILER_LIST = DATA.retailers
CHARITY = DATA.charities
FR_REL = DATA.relations["fr"]
EN_NAMES = ", ".join(DATA.first_names["en"])
FR_NAMES = ", ".join(DATA.first_names["fr"])

GROUPS = DATA.groups
PRODUCTS_BY_GROUP = {
    lang: {g: [p for p in PRODUCTS[lang] if p.cat in cats] for g, cats in GROUPS.items()}
    for lang in ("en", "fr")
}

# ---------------------------------------------------------------------------
# Numbers and units
# ---------------------------------------------------------------------------

UNIT_EN = {code: [(f.singular, f.plural) for f in forms] for code, forms in DOMAIN.units["en"].items()}
UNIT_FR = {code: [(f.singular, f.plural, f.gender) for f in forms] for code, forms in DOMAIN.units["fr"].items()}
DRINK_CATS = DATA.drink_categories
DOZENABLE = DATA.dozen_categories
SMALL_MASS = DATA.small_masses


def wchoice(rng, pairs):
    """pairs: list of (value, weight); deterministic weighted choice."""
    total = sum(w for _, w in pairs)
    r = rng.random() * total
    acc = 0.0
    for v, w in pairs:
        acc += w
        if r < acc:
            return v
    return pairs[-1][0]


def spoken(rng, lang, n):
    forms = DOMAIN.spoken[lang][n]
    if len(forms) > 1 and rng.random() < 0.5:
        return forms[1]
    return forms[0]


def en_num(rng, n, words_p=0.65):
    if n in DOMAIN.spoken["en"] and rng.random() < words_p:
        s = spoken(rng, "en", n)
        if " " in s and n < 100 and rng.random() < 0.3:
            s = s.replace(" ", "-")
        return s
    return str(n)


def fr_num(rng, n, gender="m", words_p=0.65):
    if n == 1:
        return "une" if gender == "f" else "un"
    if n in DOMAIN.spoken["fr"] and rng.random() < words_p:
        return spoken(rng, "fr", n)
    return str(n)


COUNT_WEIGHTS = DATA.counts

# ---------------------------------------------------------------------------
# French helpers
# ---------------------------------------------------------------------------

VOWELS = "aeiouàâäéèêëîïôöùûüœæ"
H_MUET = ("huile", "herbe", "huître", "hydrat", "hôtel", "homme", "heure", "hiver", "histoire",
          "hôpital", "humid", "huit-")
NO_ELIDE = ("onze", "oui", "ouate", "yaourt")


def elides(word):
    w = word.lower()
    if not w or w[0].isdigit():
        return False
    if w.startswith(NO_ELIDE):
        return False
    if w[0] == "h":
        return w.startswith(H_MUET) and not w.startswith("huit")
    return w[0] in VOWELS


def toks(s, tag=None):
    return [[w, tag] for w in s.split()]


def fr_def_article(gender, plural, first_word):
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


def en_article(word):
    w = word.lower()
    if w.startswith(("usb", "uni", "eu", "one", "ure")):
        return "a"
    if w.startswith(("hdmi", "hour", "honest")):
        return "an"
    return "an" if w[0] in "aeiou" else "a"

# ---------------------------------------------------------------------------
# Generation context and slot generators
# ---------------------------------------------------------------------------

COUNTABLE_BY_GROUP = {
    lang: {g: [p for p in lst if p.sing] for g, lst in groups.items()}
    for lang, groups in PRODUCTS_BY_GROUP.items()
}


class Ctx:
    def __init__(self, rng, lang, intent):
        self.rng, self.lang, self.intent = rng, lang, intent
        self.oos = intent == "out_of_scope"
        self.allowed = ALL_SLOTS if self.oos else SLOTS_BY_INTENT[intent]
        self.slots = {}
        self.cat_filter = None   # categories allowed by an already chosen merchant
        self.prod_cat = None     # category of the chosen product
        self.n_items = 1         # items to speak under the verb (several_items)
        self.items = None        # their own slots once spoken

    def set(self, key, value):
        if self.oos:
            return
        if key in self.slots:
            raise ValueError("slot %s set twice in %s" % (key, self.intent))
        self.slots[key] = value

    def norm(self, s):
        return strip_accents(s) if self.lang == "en" else s


def pick_prod(ctx, countable=False):
    p = _pick_prod(ctx, countable)
    ctx.prod_cat = p.cat
    return p


def _pick_prod(ctx, countable=False):
    rng = ctx.rng
    if ctx.cat_filter:
        lst = [p for c in ctx.cat_filter for p in PRODUCTS_BY_CAT[ctx.lang].get(c, [])
               if p.sing or not countable]
        if lst:
            return rng.choice(lst)
    if ctx.intent in ("add_to_list", "buy") and rng.random() < 0.035:
        return rng.choice(EGGS[ctx.lang])
    g = wchoice(rng, DATA.group_weights.get(ctx.intent, DATA.group_weights["default"]))
    src = COUNTABLE_BY_GROUP if countable else PRODUCTS_BY_GROUP
    lst = src[ctx.lang][g]
    if not lst:
        lst = src[ctx.lang]["durable"]
    return rng.choice(lst)


def pick_brand(ctx, p, prob=None):
    if "brand" not in ctx.allowed:
        return None
    if prob is None:
        prob = DATA.brand_probability.get(ctx.intent, DATA.brand_probability["default"])
    if ctx.rng.random() >= prob:
        return None
    names = (p.name + " " + (p.sing or "")).lower()
    bl = [b for b in BRANDS_BY_CAT.get(p.cat, ())
          if b not in BRAND_HINT or any(h in names for h in BRAND_HINT[b])]
    if not bl:
        return None
    return ctx.norm(ctx.rng.choice(bl))


def item_toks(ctx, name):
    ctx.set("item", name)
    return toks(name, "item")


def brand_toks(ctx, b):
    ctx.set("brand", b)
    return toks(b, "brand")


def fr_brand_after(ctx, b):
    if b is None:
        return []
    pre = []
    r = ctx.rng.random()
    if r < 0.1:
        pre = [["de", None], ["marque", None]]
    elif r < 0.16:
        pre = [["de", None], ["la", None], ["marque", None]]
    return pre + brand_toks(ctx, b)


# ---- English item phrases ----

def en_unit_surface(ctx, p, u, q):
    surf = UNIT_EN[u]
    if u == "can" and p.cat in DRINK_CATS:
        surf = surf[:1]
    s, pl = ctx.rng.choice(surf)
    return s if q == 1 else pl


def en_unit_qty(ctx, u):
    rng = ctx.rng
    if u in ("g", "ml"):
        q = rng.choice(SMALL_MASS)
        return q, toks(en_num(rng, q, 0.3), "quantity")
    if u in ("kg", "l"):
        q = wchoice(rng, DATA.kilo_litre_counts)
    elif u == "dozen":
        q = wchoice(rng, DATA.dozen_counts)
    else:
        q = wchoice(rng, DATA.unit_counts)
    if q == 1:
        return 1, toks(wchoice(rng, [("a", 6), ("one", 3), ("1", 0.5)]), "quantity")
    if q == 2 and u != "dozen" and rng.random() < 0.12:
        return 2, toks("a couple", "quantity") + [["of", None]]
    return q, toks(en_num(rng, q), "quantity")


def en_count(ctx, p, specials=True):
    """Count without unit for a countable product: (q, quantity toks, item surface)."""
    rng = ctx.rng
    r = rng.random()
    if specials and p.cat in DOZENABLE and r < (0.45 if "dozen" in p.units else 0.15):
        if rng.random() < 0.6:
            return 12, toks("a dozen", "quantity"), p.name
        return 6, toks("half a dozen", "quantity"), p.name
    if specials and r < 0.24:
        t = toks("a couple", "quantity") + ([["of", None]] if rng.random() < 0.75 else [])
        return 2, t, p.name
    n = wchoice(rng, COUNT_WEIGHTS)
    return n, toks(en_num(rng, n), "quantity"), (p.sing if n == 1 else p.name)


def with_article(words_after, first_word):
    return [[en_article(first_word), None]] + words_after


def gen_IQ(ctx):
    """English item phrase with optional quantity / unit / brand (add, buy)."""
    rng = ctx.rng
    p = pick_prod(ctx)
    b = pick_brand(ctx, p)
    out = []
    q_ok, u_ok = "quantity" in ctx.allowed, "unit" in ctx.allowed
    r = rng.random()
    if q_ok and u_ok and p.units and r < 0.34:
        u = rng.choice(p.units)
        q, qt = en_unit_qty(ctx, u)
        out += qt + toks(en_unit_surface(ctx, p, u, q), "unit")
        if u != "dozen":
            out.append(["of", None])
        ctx.set("quantity", q)
        ctx.set("unit", u)
        name = p.name
    elif q_ok and p.sing and r < 0.68:
        q, qt, name = en_count(ctx, p)
        out += qt
        ctx.set("quantity", q)
    else:
        opts = [("", 45), ("some", 22), ("more", 4), ("the", 5)]
        if p.sing:
            opts += [("a_sing", 16), ("a few", 6)]
        det = wchoice(rng, opts)
        name = p.name
        if det == "a_sing":
            name = p.sing
            first = b.split()[0] if b else name.split()[0]
            out.append([en_article(first), None])
        elif det:
            out += toks(det)
    if b:
        out += brand_toks(ctx, b)
    out += item_toks(ctx, name)
    return out


def gen_IN(ctx, brand_prob=None):
    """Bare English item name (plural / mass form), optional brand."""
    p = pick_prod(ctx)
    b = pick_brand(ctx, p, brand_prob)
    out = brand_toks(ctx, b) if b else []
    return out + item_toks(ctx, p.name)


def gen_ID(ctx):
    det = ctx.rng.choice(["the", "the", ""])
    return toks(det) + gen_IN(ctx)


def gen_IR(ctx):
    det = wchoice(ctx.rng, [("the", 35), ("my", 30), ("", 35)])
    return toks(det) + gen_IN(ctx)


def gen_IO(ctx):
    return gen_IN(ctx, 0.4)


def en_is_plural(p, name):
    if p.sing:
        return name != p.sing
    return name.endswith("s") and not name.endswith(("ss", "us"))


def gen_ISH(ctx):
    rng = ctx.rng
    p = pick_prod(ctx)
    name = p.name
    if p.sing and rng.random() < 0.5:
        name = p.sing
    plural = en_is_plural(p, name)
    det = rng.choice(["the", "these", "those"] if plural else ["the", "this", "that"])
    return [[det, None]] + item_toks(ctx, name)


def gen_IC(ctx):
    """buy_for_me item: demonstrative / count (no unit) / article, optional brand."""
    rng = ctx.rng
    p = pick_prod(ctx)
    b = pick_brand(ctx, p)
    r = rng.random()
    out = []
    name = p.name
    if p.sing and r < 0.3 and "quantity" in ctx.allowed:
        q, qt, name = en_count(ctx, p, specials=False)
        if q > 6:
            q = rng.choice([1, 2, 3])
            qt = toks(en_num(rng, q), "quantity")
            name = p.sing if q == 1 else p.name
        out += qt
        ctx.set("quantity", q)
    elif r < 0.58:
        if p.sing and rng.random() < 0.5:
            name = p.sing
        plural = en_is_plural(p, name)
        out.append([rng.choice(["these", "those"] if plural else ["this", "that"]), None])
    elif r < 0.72 and p.sing:
        name = p.sing
        out.append([en_article((b or name).split()[0]), None])
    elif r < 0.85:
        out.append(["some", None])
    else:
        out.append(["the", None])
    if b:
        out += brand_toks(ctx, b)
    return out + item_toks(ctx, name)


def gen_B(ctx):
    rng = ctx.rng
    for _ in range(10):
        p = pick_prod(ctx)
        if p.cat in BRANDS_BY_CAT:
            break
    b = ctx.norm(rng.choice(BRANDS_BY_CAT.get(p.cat, BRANDS_BY_CAT["dairy"])))
    return brand_toks(ctx, b)


# ---- French item phrases ----

def fr_unit_surface(ctx, p, u, q):
    surf = UNIT_FR[u]
    if u == "can":
        surf = surf[:1] if p.cat in DRINK_CATS else surf[1:]
    s, pl, g = ctx.rng.choice(surf)
    return (s if q == 1 else pl), g


def fr_qty_phrase(ctx, p):
    """Quantity phrase without leading article: 'deux litres de lait', 'trois pommes',
    'une douzaine d'oeufs'.  Returns (tokens, name) or None when not applicable."""
    rng = ctx.rng
    q_ok, u_ok = "quantity" in ctx.allowed, "unit" in ctx.allowed
    if not q_ok:
        return None
    if u_ok and p.units and (not p.sing or rng.random() < 0.5):
        u = rng.choice(p.units)
        if u in ("g", "ml"):
            q = rng.choice(SMALL_MASS)
        elif u in ("kg", "l"):
            q = wchoice(rng, DATA.kilo_litre_counts)
        elif u == "dozen":
            q = wchoice(rng, DATA.dozen_counts)
        else:
            q = wchoice(rng, DATA.unit_counts)
        usurf, ug = fr_unit_surface(ctx, p, u, q)
        qs = fr_num(rng, q, ug, 0.3 if u in ("g", "ml") else 0.65)
        ctx.set("quantity", q)
        ctx.set("unit", u)
        return toks(qs, "quantity") + toks(usurf, "unit") + [["de", None]], p.name
    if p.sing:
        r = rng.random()
        if p.cat in DOZENABLE and r < (0.45 if "dozen" in p.units else 0.15):
            if rng.random() < 0.6:
                ctx.set("quantity", 12)
                return toks("une douzaine", "quantity") + [["de", None]], p.name
            ctx.set("quantity", 6)
            return toks("une demi-douzaine", "quantity") + [["de", None]], p.name
        n = wchoice(rng, [x for x in COUNT_WEIGHTS if x[0] != 1])
        ctx.set("quantity", n)
        return toks(fr_num(rng, n, p.gender), "quantity"), p.name
    return None


def gen_FQ(ctx):
    """French partitive / quantity phrase with article (add, buy)."""
    rng = ctx.rng
    p = pick_prod(ctx)
    b = pick_brand(ctx, p)
    out = []
    qp = fr_qty_phrase(ctx, p) if rng.random() < 0.6 else None
    if qp:
        out, name = qp
    else:
        name = p.name
        opts = [("part", 62), ("encore", 4)]
        if p.plural:
            opts.append(("quelques", 7))
        else:
            opts.append(("un peu", 5))
        if p.sing:
            opts.append(("indef", 18))
        det = wchoice(rng, opts)
        first = name.split()[0]
        if det == "part":
            out = fr_partitive(p.gender, p.plural, first)
        elif det == "encore":
            out = [["encore", None]] + fr_partitive(p.gender, p.plural, first)
        elif det == "quelques":
            out = [["quelques", None]]
        elif det == "un peu":
            out = [["un", None], ["peu", None], ["de", None]]
        else:
            name = p.sing
            out = [["une" if p.gender == "f" else "un", None]]
    return out + item_toks(ctx, name) + fr_brand_after(ctx, b)


def gen_FN(ctx):
    """French phrase to follow 'de': bare name or quantity phrase (besoin de ...)."""
    rng = ctx.rng
    p = pick_prod(ctx)
    b = pick_brand(ctx, p)
    qp = fr_qty_phrase(ctx, p) if rng.random() < 0.4 else None
    out, name = qp if qp else ([], p.name)
    return out + item_toks(ctx, name) + fr_brand_after(ctx, b)


def gen_FNB(ctx):
    p = pick_prod(ctx)
    b = pick_brand(ctx, p)
    return item_toks(ctx, p.name) + fr_brand_after(ctx, b)


def gen_FD(ctx):
    rng = ctx.rng
    p = pick_prod(ctx)
    b = pick_brand(ctx, p)
    name, plural = p.name, p.plural
    if p.sing and rng.random() < 0.3:
        name, plural = p.sing, False
    return fr_def_article(p.gender, plural, name.split()[0]) + item_toks(ctx, name) + \
        fr_brand_after(ctx, b)


def gen_FP(ctx):
    rng = ctx.rng
    p = pick_prod(ctx)
    b = pick_brand(ctx, p)
    name, plural = p.name, p.plural
    if p.sing and rng.random() < 0.4:
        name, plural = p.sing, False
    det = fr_possessive(p.gender, plural, name.split()[0])
    return [[det, None]] + item_toks(ctx, name) + fr_brand_after(ctx, b)


def gen_FQX(ctx):
    p = pick_prod(ctx)
    return fr_partitive(p.gender, p.plural, p.name.split()[0]) + item_toks(ctx, p.name)


def gen_FQC(ctx):
    """buy_for_me item: demonstrative / count / article, optional brand."""
    rng = ctx.rng
    p = pick_prod(ctx)
    b = pick_brand(ctx, p)
    r = rng.random()
    name, plural = p.name, p.plural
    if p.sing and r < 0.3 and "quantity" in ctx.allowed:
        n = wchoice(rng, [(2, 6), (3, 3), (4, 2), (5, 1), (6, 1), (10, 0.5)])
        ctx.set("quantity", n)
        out = toks(fr_num(rng, n, p.gender), "quantity")
    elif r < 0.62:
        if p.sing and rng.random() < 0.5:
            name, plural = p.sing, False
        out = [[fr_demonstrative(p.gender, plural, name.split()[0]), None]]
    elif r < 0.8 and p.sing:
        name = p.sing
        out = [["une" if p.gender == "f" else "un", None]]
    else:
        out = fr_partitive(p.gender, p.plural, name.split()[0]) if rng.random() < 0.6 else \
            fr_def_article(p.gender, p.plural, name.split()[0])
    return out + item_toks(ctx, name) + fr_brand_after(ctx, b)


def gen_FB(ctx):
    return gen_B(ctx)


# ---- lists, contacts, merchants, charities, amounts ----

def gen_L(ctx):
    rng = ctx.rng
    det = wchoice(rng, [("my", 6), ("the", 3), ("our", 1)])
    r = rng.random()
    if r < 0.28:
        out = [[det, None], ["list", None]]
        val = "shopping"
    elif r < 0.55:
        name = wchoice(rng, [("shopping", 3), ("grocery", 2)])
        out = [[det, None], [name, "list"], ["list", None]]
        val = "shopping"
    else:
        val = rng.choice(DATA.lists["en"])
        out = [[det, None]] + toks(val, "list")
        if rng.random() < 0.08:
            out.append(["shopping", None])
        out.append(["list", None])
    ctx.set("list", val)
    return out


def gen_FL(ctx):
    rng = ctx.rng
    det = wchoice(rng, [("ma", 6), ("la", 4)])
    r = rng.random()
    if r < 0.28:
        out = [[det, None], ["liste", None]]
        val = "shopping"
    elif r < 0.55:
        out = [[det, None], ["liste", None], [rng.choice(["de", "de", "des"]), None],
               ["courses", "list"]]
        val = "shopping"
    else:
        val = rng.choice(DATA.lists["fr"])
        out = [[det, None], ["liste", None]]
        if rng.random() < 0.8:
            out.append(["de", None])
        out += toks(val, "list")
    ctx.set("list", val)
    return out


def gen_C(ctx):
    rng = ctx.rng
    r = rng.random()
    if r < 0.45:
        val = rng.choice(DATA.first_names["en"])
        out = toks(val, "contact")
    elif r < 0.85:
        val = rng.choice(DATA.relations["en"])
        out = [["my", None]] + toks(val, "contact")
    else:
        val = rng.choice(DATA.bare_relations["en"])
        out = toks(val, "contact")
    ctx.set("contact", val)
    return out


def gen_FC(ctx):
    rng = ctx.rng
    r = rng.random()
    if r < 0.45:
        val = rng.choice(DATA.first_names["fr"])
        out = toks(val, "contact")
    elif r < 0.85:
        val, g = rng.choice(FR_REL)
        out = [[fr_possessive(g, False, val), None]] + toks(val, "contact")
    else:
        val = rng.choice(DATA.bare_relations["fr"])
        out = toks(val, "contact")
    ctx.set("contact", val)
    return out


def _merchant(ctx, pool):
    if ctx.prod_cat:
        ok = [m for m in pool if m not in MERCHANT_CAT or ctx.prod_cat in MERCHANT_CAT[m]]
        pool = ok or pool
    m = ctx.rng.choice(pool)
    if ctx.prod_cat is None and m in MERCHANT_CAT:
        ctx.cat_filter = MERCHANT_CAT[m]
    val = ctx.norm(m)
    ctx.set("merchant", val)
    return toks(val, "merchant")


def gen_M(ctx):
    return _merchant(ctx, MERCHANT_LIST)


def gen_MR(ctx):
    return _merchant(ctx, RETAILER_LIST)


gen_FM = gen_M
gen_FMR = gen_MR


def gen_CH(ctx):
    name, art = ctx.rng.choice(CHARITY["en"])
    out = [] if art == "-" else [[art, None]]
    ctx.set("charity", name)
    return out + toks(name, "charity")


def gen_FCH(ctx):
    name, art = ctx.rng.choice(CHARITY["fr"])
    out = []
    if art == "les":
        out = [["les", "_det"]]
    elif art in ("le", "la"):
        out = [["l'" if elides(name) else art, "_det"]]
    ctx.set("charity", name)
    return out + toks(name, "charity")


AMOUNTS = DATA.amounts


def gen_AMT(ctx):
    rng = ctx.rng
    n = wchoice(rng, AMOUNTS)
    cur = wchoice(rng, DATA.currencies["en"])
    s = en_num(rng, n, 0.55)
    if n == 1 and s == "one" and rng.random() < 0.4:
        s = "a"
    out = toks(s, "amount")
    ctx.set("amount", n)
    if cur:
        out += toks(cur.singular if n == 1 else cur.plural, "currency")
        ctx.set("currency", cur.code)
    return out


def gen_AMTADJ(ctx):
    """'a five dollar' (followed by 'donation' in the template)."""
    rng = ctx.rng
    n = wchoice(rng, DATA.adjective_amounts)
    cur = wchoice(rng, DATA.adjective_currencies)
    s = DOMAIN.spoken["en"][n][0]
    ctx.set("amount", n)
    ctx.set("currency", cur.code)
    return [[en_article(s), None]] + toks(s, "amount") + toks(cur.singular, "currency")


def gen_FAMT(ctx):
    rng = ctx.rng
    n = wchoice(rng, AMOUNTS)
    cur = wchoice(rng, DATA.currencies["fr"])
    out = toks(fr_num(rng, n, "m", 0.55), "amount")
    ctx.set("amount", n)
    if cur:
        out += toks(cur.singular if n == 1 else cur.plural, "currency")
        ctx.set("currency", cur.code)
    return out

# ---------------------------------------------------------------------------
# Templates.  Syntax: (a|b|c) alternatives, [x] optional (50%), {NAME} slot generator.
# ---------------------------------------------------------------------------

TEMPLATES = DATA.templates
CONFIRM = DATA.answers["confirm"]
DENY = DATA.answers["deny"]
OOS_FILLS = DATA.fills

# ---------------------------------------------------------------------------
# Rendering
# ---------------------------------------------------------------------------

GENERATORS = {name[4:]: fn for name, fn in sorted(globals().items())
              if name.startswith("gen_") and callable(fn)}
PH_RE = re.compile(r"\{(\w+)\}")


def expand(tpl, rng):
    """Resolve (a|b) alternatives and [optional|alternatives] parts; nesting allowed."""
    pos = 0

    def seq(stop):
        nonlocal pos
        out = []
        while pos < len(tpl) and tpl[pos] not in stop:
            c = tpl[pos]
            if c == "(":
                pos += 1
                alts = [seq("|)")]
                while tpl[pos] == "|":
                    pos += 1
                    alts.append(seq("|)"))
                pos += 1
                out.append(alts[rng.randrange(len(alts))])
            elif c == "[":
                pos += 1
                alts = [seq("|]")]
                while tpl[pos] == "|":
                    pos += 1
                    alts.append(seq("|]"))
                pos += 1
                if rng.random() < 0.5:
                    out.append(alts[rng.randrange(len(alts))])
            else:
                out.append(c)
                pos += 1
        return "".join(out)

    return seq("")


# Item phrases that may name several items under one verb ("add milk and eggs").
MULTI_ITEM_GENS = {"IQ", "IN", "ID", "IR", "FQ", "FN", "FNB", "FD"}
MULTI_ITEM_INTENTS = ("add_to_list", "remove_from_list", "buy")
ITEM_JOINERS = DATA.item_joiners


def several_items(ctx, fn):
    """Item phrases of `ctx.n_items` items joined by "and"/"et": each item's slots are its
    own (kept in ctx.items), the rest of the command's slots are shared."""
    shared, out, ctx.items = ctx.slots, [], []
    for k in range(ctx.n_items):
        ctx.slots = {}
        if k:
            last = k == ctx.n_items - 1
            # Tagged so that ASR-like noise never drops it: two items would become one.
            out += toks(wchoice(ctx.rng, ITEM_JOINERS[ctx.lang]) if last
                        else ITEM_JOINERS[ctx.lang][0][0], "_join")
        out += fn(ctx)
        ctx.items.append(ctx.slots)
    ctx.slots = shared
    ctx.n_items = 1
    return out


def render(ctx, tpl):
    s = expand(tpl, ctx.rng)
    out, pos = [], 0
    for m in PH_RE.finditer(s):
        out += toks(s[pos:m.start()])
        name = m.group(1)
        fn = GENERATORS.get(name)
        if fn is not None and ctx.n_items > 1 and name in MULTI_ITEM_GENS:
            out += several_items(ctx, fn)
        elif fn is not None:
            out += fn(ctx)
        else:
            out += toks(ctx.norm(ctx.rng.choice(OOS_FILLS[ctx.lang][name])))
        pos = m.end()
    return out + toks(s[pos:])


FILLERS = DATA.fillers


def add_fillers(ctx, t, short=False):
    rng = ctx.rng
    f = FILLERS[ctx.lang]
    if rng.random() < (0.25 if short else 0.2):
        t = toks(wchoice(rng, f["short_pre" if short else "pre"])) + t
    if rng.random() < (0.15 if short else 0.1):
        t = t + toks(wchoice(rng, f["short_post" if short else "post"]))
    return t


def gen_short_answer(ctx):
    rng = ctx.rng
    cores = (CONFIRM if ctx.intent == "confirm" else DENY)[ctx.lang]
    t = toks(rng.choice(cores))
    if rng.random() < 0.12:
        t = t + toks(rng.choice(cores))
    return add_fillers(ctx, t, short=True)


# ---------------------------------------------------------------------------
# ASR-like noise (never touches slot words, keeps spans consistent)
# ---------------------------------------------------------------------------

DROP = DATA.drop
HOMO = DATA.homophones


def is_free(tok):
    return tok[1] in (None, "_det") and not tok[0].endswith("'")


def noise_drop(ctx, t):
    if len(t) <= 3:
        return t
    cands = [i for i, tok in enumerate(t) if is_free(tok) and tok[0] in DROP[ctx.lang]
             and not (i > 0 and t[i - 1][0].endswith("'"))]
    if not cands:
        return t
    i = ctx.rng.choice(cands)
    return t[:i] + t[i + 1:]


def noise_homophone(ctx, t):
    h = HOMO[ctx.lang]
    cands = []
    for i, tok in enumerate(t):
        if not is_free(tok) or tok[0] not in h:
            continue
        if i > 0 and t[i - 1][0].endswith("'"):
            continue
        cands.append(i)
    if not cands:
        return t
    i = ctx.rng.choice(cands)
    rep = ctx.rng.choice(h[t[i][0]])
    if rep in DATA.numeric_homophones[ctx.lang]:
        near = [t[j][1] for j in (i - 1, i + 1) if 0 <= j < len(t)]
        if any(x not in (None, "_det") for x in near):
            return t
    return t[:i] + toks(rep, t[i][1]) + t[i + 1:]


def noise_filler(ctx, t):
    cands = []
    for j in range(1, len(t)):
        a, b = t[j - 1], t[j]
        if a[1] == b[1] and a[1] not in (None, "_det"):
            continue
        if a[0].endswith("'") or b[1] == "_det" or a[0] in ("à", "de"):
            continue
        cands.append(j)
    if not cands:
        return t
    j = ctx.rng.choice(cands)
    return t[:j] + toks(ctx.rng.choice(FILLERS[ctx.lang]["mid"])) + t[j:]


def noise_repeat(ctx, t):
    cands = [i for i, tok in enumerate(t) if is_free(tok) and tok[1] is None]
    if not cands:
        return t
    i = 0 if (0 in cands and ctx.rng.random() < 0.4) else ctx.rng.choice(cands)
    return t[:i + 1] + [[t[i][0], None]] + t[i + 1:]


NOISE_OPS = [(noise_drop, 3), (noise_homophone, 3), (noise_filler, 2), (noise_repeat, 2)]


def apply_noise(ctx, t):
    n_ops = 1 if ctx.rng.random() < 0.7 else 2
    for _ in range(n_ops):
        op = wchoice(ctx.rng, NOISE_OPS)
        t = op(ctx, t)
    return t


# ---------------------------------------------------------------------------
# Finalisation: French elision / contraction, tags -> spans, text
# ---------------------------------------------------------------------------

CONTRACT = {("à", "le"): "au", ("à", "les"): "aux", ("de", "le"): "du", ("de", "les"): "des"}


def fr_fix(t):
    out, i = [], 0
    while i < len(t):
        w, tag = t[i]
        nxt = t[i + 1] if i + 1 < len(t) else None
        if tag is None and nxt is not None and nxt[1] == "_det" and (w, nxt[0]) in CONTRACT:
            out.append([CONTRACT[(w, nxt[0])], None])
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
    parts = []
    for i, (w, _) in enumerate(t):
        if i and not t[i - 1][0].endswith("'"):
            parts.append(" ")
        parts.append(w)
    return "".join(parts)


def spans_of(t):
    spans, cur, cur_tag = [], [], None
    for w, tag in t + [["", None]]:
        if tag is not None and tag == cur_tag:
            cur.append(w)
            continue
        if cur_tag is not None:
            spans.append([cur_tag, " ".join(cur)])
        cur, cur_tag = ([w], tag) if tag is not None else ([], None)
    return spans


def make_example(rng, intent, lang, noise_p, n_items=1, fillers=True):
    ctx = Ctx(rng, lang, intent)
    ctx.n_items = n_items
    if intent in ("confirm", "deny"):
        t = gen_short_answer(ctx)
    else:
        t = render(ctx, rng.choice(TEMPLATES[intent][lang]))
        if fillers:
            t = add_fillers(ctx, t)
    if lang == "fr":
        t = fr_fix(t)
    if rng.random() < noise_p:
        t = apply_noise(ctx, t)
        if lang == "fr":
            t = fr_fix(t)
    allowed = SLOTS_BY_INTENT[intent]
    t = [[w.lower(), tag if tag in allowed else None] for w, tag in t if w]
    spans = spans_of(t)
    items = ctx.items or [{}]
    commands = []
    for own in items:
        slots = {}
        for k in allowed:
            if k in own:
                slots[k] = own[k]
            elif k in ctx.slots:
                slots[k] = ctx.slots[k]
        if intent in LIST_DEFAULT_INTENTS and "list" not in slots:
            slots = dict(list(slots.items()) + [("list", "shopping")])
        commands.append({"intent": intent, "slots": slots})
    # consistency: spans <-> slots agree; only an item's own slots repeat, once per item
    names = [s[0] for s in spans]
    for n in set(names):
        if names.count(n) > (len(items) if n in PER_ITEM_SLOTS else 1):
            raise ValueError("duplicate span %s in %r" % (n, t))
        if not any(n in c["slots"] for c in commands):
            raise ValueError("span without slot %s in %r" % (n, t))
    for c in commands:
        for k in c["slots"]:
            if k not in names and k != "list":
                raise ValueError("slot without span %s in %r" % (k, t))
    r = {"lang": lang, "intent": intent, "text": join_text(t), "spans": spans,
         "slots": commands[0]["slots"]}
    if len(commands) > 1:
        r["commands"] = commands
    return r


PER_ITEM_SLOTS = ("item", "quantity", "unit", "brand")
# Words between two commands of one utterance ("" : a comma, which tokenising drops).
COMMAND_JOINERS = DATA.command_joiners
# Intents spoken first or later in a composed utterance (confirm/deny only open one).
COMPOSABLE = [i for i in ("add_to_list", "remove_from_list", "read_list", "clear_list", "buy",
                          "reorder", "track_order", "cancel_order", "activate_offer",
                          "check_savings", "donate", "buy_for_me", "share_product")]


def make_several_items(rng, lang, noise_p):
    intent = rng.choice(MULTI_ITEM_INTENTS)
    n = 3 if rng.random() < 0.15 else 2
    return make_example(rng, intent, lang, noise_p, n_items=n)


def make_composed(rng, lang, noise_p):
    """Two or three commands in one utterance, in spoken order, as `parts` (a non-shopping
    fragment may stand beside them; an utterance of fragments only is not made here)."""
    n = 3 if rng.random() < 0.12 else 2
    intents = [rng.choice(COMPOSABLE) for _ in range(n)]
    r = rng.random()
    if r < 0.12:
        intents[rng.randrange(n)] = "out_of_scope"
    elif r < 0.18:
        intents[0] = rng.choice(("confirm", "deny"))
    parts, words = [], []
    for k, intent in enumerate(intents):
        several = intent in MULTI_ITEM_INTENTS and rng.random() < 0.15
        ex = make_example(rng, intent, lang, noise_p, n_items=2 if several else 1,
                          fillers=k == 0)
        if k:
            words.append(wchoice(rng, COMMAND_JOINERS[lang]))
        words.append(ex["text"])
        part = {"intent": intent, "text": ex["text"], "spans": ex["spans"]}
        part["commands"] = ex.get("commands", [{"intent": intent, "slots": ex["slots"]}])
        parts.append(part)
    text = " ".join(w for w in words if w)
    commands = [c for p in parts for c in p.pop("commands") if c["intent"] != "out_of_scope"]
    return {"lang": lang, "text": text, "parts": parts, "commands": commands}


# ---------------------------------------------------------------------------
# Validation
# ---------------------------------------------------------------------------

TEXT_RE = {"en": re.compile(r"^[a-z0-9]+(?:['-][a-z0-9]+)*'?(?: [a-z0-9]+(?:['-][a-z0-9]+)*'?)*$"),
           "fr": re.compile(r"^[a-z0-9àâäçéèêëîïôöùûüÿœæ]+(?:['-][a-z0-9àâäçéèêëîïôöùûüÿœæ]+)*'?"
                            r"(?: [a-z0-9àâäçéèêëîïôöùûüÿœæ]+(?:['-][a-z0-9àâäçéèêëîïôöùûüÿœæ]+)*'?)*$")}


def check_record(r):
    """Return a list of problems (empty when the record is valid)."""
    if "parts" in r:
        errs, pos = [], 0
        for p in r["parts"]:
            i = r["text"].find(p["text"], pos)
            if i < 0:
                errs.append("part %r not found in order" % p["text"])
            pos = max(pos, i + len(p["text"]))
            sub = {"lang": r["lang"], "intent": p["intent"], "text": p["text"],
                   "spans": p["spans"], "slots": {}}
            errs += [e for e in check_record(sub) if "slot" not in e and "list" not in e]
        return errs
    errs = []
    text = r["text"]
    if not TEXT_RE[r["lang"]].match(text.replace("' ", "'")) or "  " in text or "' " in text:
        errs.append("bad characters / spacing")
    allowed = SLOTS_BY_INTENT[r["intent"]]
    for k in r["slots"]:
        if k not in allowed:
            errs.append("slot %s not allowed for %s" % (k, r["intent"]))
    pos = 0
    for name, surf in r["spans"]:
        m = re.compile(r"(?:(?<=^)|(?<=[ ']))" + re.escape(surf) + r"(?=$| )").search(text, pos)
        if not m:
            errs.append("span %r not found as whole words after %d" % (surf, pos))
            continue
        if m.start() > 0 and text[m.start() - 1] == "'" and \
                not re.search(r"(?:^| )[a-z]+'$", text[:m.start()]):
            errs.append("span %r glued after a non-elided apostrophe" % surf)
        pos = m.end()
        v = r["slots"].get(name)
        if "commands" in r:
            values = [c["slots"].get(name) for c in r["commands"]]
            v = surf if surf in values else v
        if name in ("item", "brand", "merchant", "charity", "contact") and v != surf:
            errs.append("slot %s value %r != span %r" % (name, v, surf))
    if r["intent"] in LIST_DEFAULT_INTENTS and "list" not in r["slots"]:
        errs.append("missing default list")
    for k in ("quantity", "amount"):
        if k in r["slots"] and not isinstance(r["slots"][k], int):
            errs.append("%s not a number" % k)
    return errs


# ---------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------

def generate(seed, per_intent, oos_factor=3, en_ratio=0.55, noise_p=0.15,
             several_items=0, composed=0):
    rng = random.Random(seed)
    out, text_intent = [], {}
    for intent in INTENTS:
        n = per_intent * (oos_factor if intent == "out_of_scope" else 1)
        n_en = int(round(n * en_ratio))
        for lang, k in (("en", n_en), ("fr", n - n_en)):
            for _ in range(k):
                chosen = None
                for attempt in range(10):
                    ex = make_example(rng, intent, lang, noise_p)
                    prev = text_intent.get(ex["text"])
                    if prev is None or (prev == intent and attempt >= 6):
                        chosen = ex
                        break
                if chosen is None:
                    continue
                text_intent[chosen["text"]] = intent
                out.append(chosen)
    for make, n in ((make_several_items, several_items), (make_composed, composed)):
        n_en = int(round(n * en_ratio))
        for lang, k in (("en", n_en), ("fr", n - n_en)):
            for _ in range(k):
                ex = make(rng, lang, noise_p)
                if ex["text"] not in text_intent:
                    text_intent[ex["text"]] = "several"
                    out.append(ex)
    rng.shuffle(out)
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--per-intent", type=int, default=1500,
                    help="examples per intent (out_of_scope gets --oos-factor times this)")
    ap.add_argument("--oos-factor", type=int, default=3)
    ap.add_argument("--en-ratio", type=float, default=0.55)
    ap.add_argument("--noise", type=float, default=0.15, help="fraction with ASR-like noise")
    ap.add_argument("--several-items", type=int, default=0,
                    help="utterances naming several items under one verb")
    ap.add_argument("--composed", type=int, default=0,
                    help="utterances of two or three commands")
    ap.add_argument("--out", default="corpus.jsonl")
    ap.add_argument("--check", action="store_true", help="validate every record, exit 1 on error")
    ap.add_argument("--stats", action="store_true", help="print counts to stderr")
    args = ap.parse_args(argv)

    data = generate(args.seed, args.per_intent, args.oos_factor, args.en_ratio, args.noise,
                    args.several_items, args.composed)
    with open(args.out, "w", encoding="utf-8", newline="\n") as f:
        for r in data:
            f.write(json.dumps(r, ensure_ascii=False, separators=(", ", ": ")) + "\n")

    bad = 0
    if args.check:
        for r in data:
            errs = check_record(r)
            if errs:
                bad += 1
                if bad <= 20:
                    print("INVALID %s: %s" % (json.dumps(r, ensure_ascii=False), errs),
                          file=sys.stderr)
    if args.stats or args.check:
        counts = {}
        for r in data:
            key = (r.get("intent", "(composed)"), r["lang"])
            counts[key] = counts.get(key, 0) + 1
        print("%-18s %6s %6s" % ("intent", "en", "fr"), file=sys.stderr)
        for intent in INTENTS + ["(composed)"]:
            print("%-18s %6d %6d" % (intent, counts.get((intent, "en"), 0),
                                     counts.get((intent, "fr"), 0)), file=sys.stderr)
        print("total %d, distinct texts %d, invalid %d" %
              (len(data), len({r["text"] for r in data}), bad), file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
