"""Slot phrases: what a template's {X} becomes ("two litres of milk", "my party list"), as
tokens, with the slots it sets. SLOT_PHRASES lists them by placeholder.

Every draw goes through the context's seeded rng, in a fixed order: the corpus, and so the
committed model, depend on it. Change a phrase and the corpus changes."""

from .data import DATA, DOMAIN
from .grammar import (en_article, en_number, elides, fr_definite, fr_demonstrative,
                      fr_number, fr_partitive, fr_possessive, strip_accents, tokens,
                      weighted_choice)


class Context:
    """One utterance being made: its draws, language and intent, and the slots set so far."""

    def __init__(self, rng, lang, intent):
        self.rng, self.lang, self.intent = rng, lang, intent
        self.oos = intent == "out_of_scope"
        # Out-of-scope templates may use any phrase; their slots are dropped.
        self.allowed = DOMAIN.slots if self.oos else DOMAIN.slots_by_intent[intent]
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
        """English text is ASCII: names lose their accents ("president")."""
        return strip_accents(s) if self.lang == "en" else s


# ---- products and brands ----

def products_by(key):
    return {lang: {k: [p for p in DATA.products[lang] if key(p) == k]
                   for k in dict.fromkeys(key(p) for p in DATA.products[lang])}
            for lang in DATA.products}


GROUP_OF = {cat: g for g, cats in DATA.groups.items() for cat in cats}
PRODUCTS_BY_CAT = products_by(lambda p: p.cat)
PRODUCTS_BY_GROUP = {lang: {g: [p for p in DATA.products[lang] if GROUP_OF[p.cat] == g]
                            for g in DATA.groups} for lang in DATA.products}
COUNTABLE_BY_GROUP = {lang: {g: [p for p in lst if p.sing] for g, lst in groups.items()}
                      for lang, groups in PRODUCTS_BY_GROUP.items()}
EGGS = {lang: [p for p in products if "dozen" in p.units]
        for lang, products in DATA.products.items()}


def pick_product(ctx, countable=False):
    p = draw_product(ctx, countable)
    ctx.prod_cat = p.cat
    return p


def draw_product(ctx, countable=False):
    """A product the merchant already named sells, else one of a group drawn by intent."""
    rng = ctx.rng
    if ctx.cat_filter:
        lst = [p for c in ctx.cat_filter for p in PRODUCTS_BY_CAT[ctx.lang].get(c, [])
               if p.sing or not countable]
        if lst:
            return rng.choice(lst)
    if ctx.intent in ("add_to_list", "buy") and rng.random() < 0.035:
        return rng.choice(EGGS[ctx.lang])
    g = weighted_choice(rng, DATA.group_weights.get(ctx.intent, DATA.group_weights["default"]))
    src = COUNTABLE_BY_GROUP if countable else PRODUCTS_BY_GROUP
    lst = src[ctx.lang][g] or src[ctx.lang]["durable"]
    return rng.choice(lst)


def pick_brand(ctx, p, prob=None):
    """A brand of p's category that makes p, said `prob` of the time; None otherwise."""
    if "brand" not in ctx.allowed:
        return None
    if prob is None:
        prob = DATA.brand_probability.get(ctx.intent, DATA.brand_probability["default"])
    if ctx.rng.random() >= prob:
        return None
    names = (p.name + " " + (p.sing or "")).lower()
    hint = DATA.brand_hint
    bl = [b for b in DATA.brands_by_cat.get(p.cat, ())
          if b not in hint or any(h in names for h in hint[b])]
    if not bl:
        return None
    return ctx.norm(ctx.rng.choice(bl))


def item_tokens(ctx, name):
    ctx.set("item", name)
    return tokens(name, "item")


def brand_tokens(ctx, b):
    ctx.set("brand", b)
    return tokens(b, "brand")


def brand(ctx):
    """{B}, {FB}: a brand alone ("danone")."""
    rng = ctx.rng
    for _ in range(10):
        p = pick_product(ctx)
        if p.cat in DATA.brands_by_cat:
            break
    b = ctx.norm(rng.choice(DATA.brands_by_cat.get(p.cat, DATA.brands_by_cat["dairy"])))
    return brand_tokens(ctx, b)


# ---- quantities and units ----

def unit_count(rng, u):
    """How many of unit u ("250 grams", "two litres", "three packs")."""
    if u in ("g", "ml"):
        return rng.choice(DATA.small_masses)
    if u in ("kg", "l"):
        return weighted_choice(rng, DATA.kilo_litre_counts)
    if u == "dozen":
        return weighted_choice(rng, DATA.dozen_counts)
    return weighted_choice(rng, DATA.unit_counts)


def unit_form(ctx, p, u, lang):
    """One of the domain file's words for unit u: a drink's can is a "can", a "canette"."""
    forms = DOMAIN.units[lang][u]
    if u == "can" and lang == "en" and p.cat in DATA.drink_categories:
        forms = forms[:1]
    elif u == "can" and lang == "fr":
        forms = forms[:1] if p.cat in DATA.drink_categories else forms[1:]
    return ctx.rng.choice(forms)


def en_unit_quantity(ctx, u):
    """(q, quantity tokens) for a count of unit u: "a", "two", "a couple (of)", "250"."""
    rng = ctx.rng
    q = unit_count(rng, u)
    if u in ("g", "ml"):
        return q, tokens(en_number(rng, q, 0.3), "quantity")
    if q == 1:
        return 1, tokens(weighted_choice(rng, [("a", 6), ("one", 3), ("1", 0.5)]), "quantity")
    if q == 2 and u != "dozen" and rng.random() < 0.12:
        return 2, tokens("a couple", "quantity") + [["of", None]]
    return q, tokens(en_number(rng, q), "quantity")


def en_count(ctx, p, specials=True):
    """Count without unit for a countable product: (q, quantity tokens, item surface)."""
    rng = ctx.rng
    r = rng.random()
    if specials and p.cat in DATA.dozen_categories and r < (0.45 if "dozen" in p.units else 0.15):
        if rng.random() < 0.6:
            return 12, tokens("a dozen", "quantity"), p.name
        return 6, tokens("half a dozen", "quantity"), p.name
    if specials and r < 0.24:
        t = tokens("a couple", "quantity") + ([["of", None]] if rng.random() < 0.75 else [])
        return 2, t, p.name
    n = weighted_choice(rng, DATA.counts)
    return n, tokens(en_number(rng, n), "quantity"), (p.sing if n == 1 else p.name)


def fr_quantity(ctx, p):
    """Quantity phrase without leading article: 'deux litres de lait', 'trois pommes',
    'une douzaine d'oeufs'.  Returns (tokens, name) or None when not applicable."""
    rng = ctx.rng
    q_ok, u_ok = "quantity" in ctx.allowed, "unit" in ctx.allowed
    if not q_ok:
        return None
    if u_ok and p.units and (not p.sing or rng.random() < 0.5):
        u = rng.choice(p.units)
        q = unit_count(rng, u)
        form = unit_form(ctx, p, u, "fr")
        qs = fr_number(rng, q, form.gender, 0.3 if u in ("g", "ml") else 0.65)
        ctx.set("quantity", q)
        ctx.set("unit", u)
        said = form.singular if q == 1 else form.plural
        return tokens(qs, "quantity") + tokens(said, "unit") + [["de", None]], p.name
    if p.sing:
        r = rng.random()
        if p.cat in DATA.dozen_categories and r < (0.45 if "dozen" in p.units else 0.15):
            if rng.random() < 0.6:
                ctx.set("quantity", 12)
                return tokens("une douzaine", "quantity") + [["de", None]], p.name
            ctx.set("quantity", 6)
            return tokens("une demi-douzaine", "quantity") + [["de", None]], p.name
        n = weighted_choice(rng, [x for x in DATA.counts if x[0] != 1])
        ctx.set("quantity", n)
        return tokens(fr_number(rng, n, p.gender), "quantity"), p.name
    return None


# ---- English item phrases ----

def en_item_with_quantity(ctx):
    """{IQ}: an item with optional quantity / unit / brand ("two litres of oat milk")."""
    rng = ctx.rng
    p = pick_product(ctx)
    b = pick_brand(ctx, p)
    out = []
    q_ok, u_ok = "quantity" in ctx.allowed, "unit" in ctx.allowed
    r = rng.random()
    if q_ok and u_ok and p.units and r < 0.34:
        u = rng.choice(p.units)
        q, qt = en_unit_quantity(ctx, u)
        form = unit_form(ctx, p, u, "en")
        out += qt + tokens(form.singular if q == 1 else form.plural, "unit")
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
        det = weighted_choice(rng, opts)
        name = p.name
        if det == "a_sing":
            name = p.sing
            first = b.split()[0] if b else name.split()[0]
            out.append([en_article(first), None])
        elif det:
            out += tokens(det)
    if b:
        out += brand_tokens(ctx, b)
    out += item_tokens(ctx, name)
    return out


def en_item_name(ctx, brand_prob=None):
    """{IN}: an item's bare name (plural or mass form), maybe with a brand ("milk")."""
    p = pick_product(ctx)
    b = pick_brand(ctx, p, brand_prob)
    out = brand_tokens(ctx, b) if b else []
    return out + item_tokens(ctx, p.name)


def en_item_the(ctx):
    """{ID}: "the" (two times in three) and a name."""
    det = ctx.rng.choice(["the", "the", ""])
    return tokens(det) + en_item_name(ctx)


def en_item_mine(ctx):
    """{IR}: "the", "my" or nothing and a name ("my coffee pods")."""
    det = weighted_choice(ctx.rng, [("the", 35), ("my", 30), ("", 35)])
    return tokens(det) + en_item_name(ctx)


def en_item_branded(ctx):
    """{IO}: a bare name, with a brand more often than {IN}."""
    return en_item_name(ctx, 0.4)


def en_is_plural(p, name):
    if p.sing:
        return name != p.sing
    return name.endswith("s") and not name.endswith(("ss", "us"))


def en_item_shown(ctx):
    """{ISH}: "the", "this", "these"... and a name."""
    rng = ctx.rng
    p = pick_product(ctx)
    name = p.name
    if p.sing and rng.random() < 0.5:
        name = p.sing
    plural = en_is_plural(p, name)
    det = rng.choice(["the", "these", "those"] if plural else ["the", "this", "that"])
    return [[det, None]] + item_tokens(ctx, name)


def en_item_for_me(ctx):
    """{IC}: a buy_for_me item: demonstrative / count (no unit) / article, optional brand."""
    rng = ctx.rng
    p = pick_product(ctx)
    b = pick_brand(ctx, p)
    r = rng.random()
    out = []
    name = p.name
    if p.sing and r < 0.3 and "quantity" in ctx.allowed:
        q, qt, name = en_count(ctx, p, specials=False)
        if q > 6:
            q = rng.choice([1, 2, 3])
            qt = tokens(en_number(rng, q), "quantity")
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
        out += brand_tokens(ctx, b)
    return out + item_tokens(ctx, name)


# ---- French item phrases ----

def fr_brand_after(ctx, b):
    """A French brand follows the item, sometimes as "de (la) marque X"."""
    if b is None:
        return []
    pre = []
    r = ctx.rng.random()
    if r < 0.1:
        pre = [["de", None], ["marque", None]]
    elif r < 0.16:
        pre = [["de", None], ["la", None], ["marque", None]]
    return pre + brand_tokens(ctx, b)


def fr_item_with_quantity(ctx):
    """{FQ}: a partitive or quantity phrase ("du lait", "deux litres de lait")."""
    rng = ctx.rng
    p = pick_product(ctx)
    b = pick_brand(ctx, p)
    out = []
    qp = fr_quantity(ctx, p) if rng.random() < 0.6 else None
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
        det = weighted_choice(rng, opts)
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
    return out + item_tokens(ctx, name) + fr_brand_after(ctx, b)


def fr_item_after_de(ctx):
    """{FN}: what follows "de": a bare name or a quantity phrase ("besoin de lait")."""
    rng = ctx.rng
    p = pick_product(ctx)
    b = pick_brand(ctx, p)
    qp = fr_quantity(ctx, p) if rng.random() < 0.4 else None
    out, name = qp if qp else ([], p.name)
    return out + item_tokens(ctx, name) + fr_brand_after(ctx, b)


def fr_item_name(ctx):
    """{FNB}: a bare name ("plus de lait")."""
    p = pick_product(ctx)
    b = pick_brand(ctx, p)
    return item_tokens(ctx, p.name) + fr_brand_after(ctx, b)


def fr_item_definite(ctx):
    """{FD}: the definite article and a name ("le lait", "les pommes")."""
    rng = ctx.rng
    p = pick_product(ctx)
    b = pick_brand(ctx, p)
    name, plural = p.name, p.plural
    if p.sing and rng.random() < 0.3:
        name, plural = p.sing, False
    return fr_definite(p.gender, plural, name.split()[0]) + item_tokens(ctx, name) + \
        fr_brand_after(ctx, b)


def fr_item_possessive(ctx):
    """{FP}: a possessive and a name ("mon casque")."""
    rng = ctx.rng
    p = pick_product(ctx)
    b = pick_brand(ctx, p)
    name, plural = p.name, p.plural
    if p.sing and rng.random() < 0.4:
        name, plural = p.sing, False
    det = fr_possessive(p.gender, plural, name.split()[0])
    return [[det, None]] + item_tokens(ctx, name) + fr_brand_after(ctx, b)


def fr_item_partitive(ctx):
    """{FQX}: the partitive and a name ("de l'huile"), no brand."""
    p = pick_product(ctx)
    return fr_partitive(p.gender, p.plural, p.name.split()[0]) + item_tokens(ctx, p.name)


def fr_item_for_me(ctx):
    """{FQC}: a buy_for_me item: demonstrative / count / article, optional brand."""
    rng = ctx.rng
    p = pick_product(ctx)
    b = pick_brand(ctx, p)
    r = rng.random()
    name, plural = p.name, p.plural
    if p.sing and r < 0.3 and "quantity" in ctx.allowed:
        n = weighted_choice(rng, [(2, 6), (3, 3), (4, 2), (5, 1), (6, 1), (10, 0.5)])
        ctx.set("quantity", n)
        out = tokens(fr_number(rng, n, p.gender), "quantity")
    elif r < 0.62:
        if p.sing and rng.random() < 0.5:
            name, plural = p.sing, False
        out = [[fr_demonstrative(p.gender, plural, name.split()[0]), None]]
    elif r < 0.8 and p.sing:
        name = p.sing
        out = [["une" if p.gender == "f" else "un", None]]
    else:
        out = fr_partitive(p.gender, p.plural, name.split()[0]) if rng.random() < 0.6 else \
            fr_definite(p.gender, p.plural, name.split()[0])
    return out + item_tokens(ctx, name) + fr_brand_after(ctx, b)


# ---- lists and contacts ----

def en_list(ctx):
    """{L}: "my list" (the default list, no span), "my shopping list", "the party list"."""
    rng = ctx.rng
    det = weighted_choice(rng, [("my", 6), ("the", 3), ("our", 1)])
    r = rng.random()
    if r < 0.28:
        out = [[det, None], ["list", None]]
        val = DOMAIN.default_list
    elif r < 0.55:
        name = weighted_choice(rng, [("shopping", 3), ("grocery", 2)])
        out = [[det, None], [name, "list"], ["list", None]]
        val = DOMAIN.default_list
    else:
        val = rng.choice(DATA.lists["en"])
        out = [[det, None]] + tokens(val, "list")
        if rng.random() < 0.08:
            out.append(["shopping", None])
        out.append(["list", None])
    ctx.set("list", val)
    return out


def fr_list(ctx):
    """{FL}: "ma liste", "la liste de courses", "ma liste de noël"."""
    rng = ctx.rng
    det = weighted_choice(rng, [("ma", 6), ("la", 4)])
    r = rng.random()
    if r < 0.28:
        out = [[det, None], ["liste", None]]
        val = DOMAIN.default_list
    elif r < 0.55:
        out = [[det, None], ["liste", None], [rng.choice(["de", "de", "des"]), None],
               ["courses", "list"]]
        val = DOMAIN.default_list
    else:
        val = rng.choice(DATA.lists["fr"])
        out = [[det, None], ["liste", None]]
        if rng.random() < 0.8:
            out.append(["de", None])
        out += tokens(val, "list")
    ctx.set("list", val)
    return out


def en_contact(ctx):
    """{C}: "julie", "my brother" (contact "brother"), "mom"."""
    rng = ctx.rng
    r = rng.random()
    if r < 0.45:
        val = rng.choice(DATA.first_names["en"])
        out = tokens(val, "contact")
    elif r < 0.85:
        val = rng.choice(DATA.relations["en"])
        out = [["my", None]] + tokens(val, "contact")
    else:
        val = rng.choice(DATA.bare_relations["en"])
        out = tokens(val, "contact")
    ctx.set("contact", val)
    return out


def fr_contact(ctx):
    """{FC}: "julie", "ma soeur" (contact "soeur"), "maman"."""
    rng = ctx.rng
    r = rng.random()
    if r < 0.45:
        val = rng.choice(DATA.first_names["fr"])
        out = tokens(val, "contact")
    elif r < 0.85:
        val, g = rng.choice(DATA.relations["fr"])
        out = [[fr_possessive(g, False, val), None]] + tokens(val, "contact")
    else:
        val = rng.choice(DATA.bare_relations["fr"])
        out = tokens(val, "contact")
    ctx.set("contact", val)
    return out


# ---- merchants, charities, amounts ----

def merchant_from(ctx, pool):
    """A merchant selling the product already named; else any, whose categories then bound
    the product named after it."""
    sells = DATA.merchant_cat
    if ctx.prod_cat:
        ok = [m for m in pool if m not in sells or ctx.prod_cat in sells[m]]
        pool = ok or pool
    m = ctx.rng.choice(pool)
    if ctx.prod_cat is None and m in sells:
        ctx.cat_filter = sells[m]
    val = ctx.norm(m)
    ctx.set("merchant", val)
    return tokens(val, "merchant")


def merchant(ctx):
    """{M}, {FM}: any merchant ("ikea")."""
    return merchant_from(ctx, DATA.merchants)


def retailer(ctx):
    """{MR}, {FMR}: a shop a plain buy names ("amazon")."""
    return merchant_from(ctx, DATA.retailers)


def en_charity(ctx):
    """{CH}: "the red cross" (charity "red cross")."""
    name, art = ctx.rng.choice(DATA.charities["en"])
    out = [] if art == "-" else [[art, None]]
    ctx.set("charity", name)
    return out + tokens(name, "charity")


def fr_charity(ctx):
    """{FCH}: "la croix-rouge", "l'unicef" (the article contracts: "aux restos du coeur")."""
    name, art = ctx.rng.choice(DATA.charities["fr"])
    out = []
    if art == "les":
        out = [["les", "_det"]]
    elif art in ("le", "la"):
        out = [["l'" if elides(name) else art, "_det"]]
    ctx.set("charity", name)
    return out + tokens(name, "charity")


def en_amount(ctx):
    """{AMT}: "twenty dollars", "a quid", "50"."""
    rng = ctx.rng
    n = weighted_choice(rng, DATA.amounts)
    cur = weighted_choice(rng, DATA.currencies["en"])
    s = en_number(rng, n, 0.55)
    if n == 1 and s == "one" and rng.random() < 0.4:
        s = "a"
    out = tokens(s, "amount")
    ctx.set("amount", n)
    if cur:
        out += tokens(cur.singular if n == 1 else cur.plural, "currency")
        ctx.set("currency", cur.code)
    return out


def en_amount_adjective(ctx):
    """{AMTADJ}: "a five dollar" (followed by "donation" in the template)."""
    rng = ctx.rng
    n = weighted_choice(rng, DATA.adjective_amounts)
    cur = weighted_choice(rng, DATA.adjective_currencies)
    s = DOMAIN.spoken["en"][n][0]
    ctx.set("amount", n)
    ctx.set("currency", cur.code)
    return [[en_article(s), None]] + tokens(s, "amount") + tokens(cur.singular, "currency")


def fr_amount(ctx):
    """{FAMT}: "vingt euros", "50"."""
    rng = ctx.rng
    n = weighted_choice(rng, DATA.amounts)
    cur = weighted_choice(rng, DATA.currencies["fr"])
    out = tokens(fr_number(rng, n, "m", 0.55), "amount")
    ctx.set("amount", n)
    if cur:
        out += tokens(cur.singular if n == 1 else cur.plural, "currency")
        ctx.set("currency", cur.code)
    return out


# Template placeholders -> their phrase (templates_en.toml and templates_fr.toml say what each
# is). Any other {X} is an out-of-scope fill (fills_<lang>.toml).
SLOT_PHRASES = {
    "IQ": en_item_with_quantity,
    "IN": en_item_name,
    "ID": en_item_the,
    "IR": en_item_mine,
    "IO": en_item_branded,
    "ISH": en_item_shown,
    "IC": en_item_for_me,
    "B": brand,
    "L": en_list,
    "C": en_contact,
    "M": merchant,
    "MR": retailer,
    "CH": en_charity,
    "AMT": en_amount,
    "AMTADJ": en_amount_adjective,
    "FQ": fr_item_with_quantity,
    "FN": fr_item_after_de,
    "FNB": fr_item_name,
    "FD": fr_item_definite,
    "FP": fr_item_possessive,
    "FQX": fr_item_partitive,
    "FQC": fr_item_for_me,
    "FB": brand,
    "FL": fr_list,
    "FC": fr_contact,
    "FM": merchant,
    "FMR": retailer,
    "FCH": fr_charity,
    "FAMT": fr_amount,
}
# The item phrases that may name several items under one verb ("add milk and eggs").
SEVERAL_ITEMS = {"IQ", "IN", "ID", "IR", "FQ", "FN", "FNB", "FD"}
