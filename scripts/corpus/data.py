"""The generator's data (data/corpus/*.toml: products, brands, merchants, names, templates,
fills, speech habits, draw weights), read and checked against the domain file."""

from collections import namedtuple

from .datafile import ROOT, Entries
from .domain import LANGS, Domain

CORPUS_DIR = ROOT / "data/corpus"

# A product as a phrase names it: name (the plural of a countable product), sing (its singular,
# None for a mass or plural-only name), gender ("m"/"f", French only), plural (the name is a
# plural: French "pâtes", every countable), cat (its category), units (unit codes).
Product = namedtuple("Product", "name sing gender plural cat units")
# A currency as said after an amount ("five dollars", "one dollar").
CurrencyWord = namedtuple("CurrencyWord", "singular plural code")


def parse_product(entry, lang, units, fail):
    """One entry of products_<lang>.toml: "name", "singular|plural", French ":g" after it,
    "#u1 u2" (its own units; "#-": none) last."""
    if "#" in entry:
        entry, _, own = entry.partition("#")
        units = [] if own.strip() == "-" else own.split()
    gender = None
    if lang == "fr":
        entry, sep, gender = entry.rpartition(":")
        if not sep or gender not in ("m", "f", "mp", "fp"):
            fail("a French entry gives its gender after the name: :m, :f, :mp or :fp")
    if entry.count("|") > 1:
        fail("expected \"name\" or \"singular|plural\"")
    sing, sep, name = entry.partition("|") if "|" in entry else (None, "", entry)
    # English names are singular unless countable; a French ":mp"/":fp" name is plural.
    plural = bool(sep) or (lang == "fr" and gender.endswith("p"))
    if not name.strip() or (sep and not sing.strip()):
        fail("an empty name")
    return Product(name.strip(), sing.strip() if sing else None, gender[0] if gender else None,
                   plural, None, list(units))


class CorpusData:
    def __init__(self, domain, directory=CORPUS_DIR):
        self.domain, self.dir = domain, directory
        self._read_products()
        self._read_brands()
        self._read_merchants()
        self._read_names()
        self._read_templates()
        self._read_remarks()
        self._read_fills()
        self._read_speech()
        self._read_sampling()

    def file(self, name):
        return Entries(self.dir / name)

    def _read_products(self):
        self.products, categories = {}, {}
        for lang in LANGS:
            f = self.file("products_%s.toml" % lang)
            self.products[lang], categories[lang] = [], f.keys()
            for cat in f.keys():
                c = f.sub(cat)
                units = c.get("units", [str])
                for i, entry in enumerate(c.get("entries", [str])):
                    def fail(message, entry=entry, i=i):
                        c.fail("%r: %s" % (entry, message), "entries[%d]" % i)
                    p = parse_product(entry, lang, units, fail)._replace(cat=cat)
                    for u in p.units:
                        if u not in self.domain.unit_of.values():
                            fail("%r is not a unit code of the domain file" % u)
                    self.products[lang].append(p)
        if categories["en"] != categories["fr"]:
            f.fail("the categories differ from products_en.toml's (same names, same order)")
        self.categories = categories["en"]

    def need_categories(self, entries, key, cats):
        for c in cats:
            if c not in self.categories:
                entries.fail("%r is not a product category (products_en.toml)" % c, key)

    def _read_brands(self):
        f = self.file("brands.toml")
        by_cat = f.sub("by_category")
        self.need_categories(by_cat, "", by_cat.keys())
        self.brands_by_cat = {cat: by_cat.get(cat, [str]) for cat in by_cat.keys()}
        known = {b for bs in self.brands_by_cat.values() for b in bs}
        # brand -> the words one of which a product's name must contain.
        self.brand_hint = {}
        for k, row in enumerate(f.get("only_with", [dict])):
            r = Entries(f.path, row, "only_with[%d]" % k)
            words = tuple(r.get("words", [str]))
            for b in r.get("brands", [str]):
                if b not in known:
                    r.fail("%r is in no category of [by_category]" % b, "brands")
                self.brand_hint[b] = self.brand_hint.get(b, ()) + words

    def _read_merchants(self):
        f = self.file("merchants.toml")
        self.merchants = f.get("merchants", [str])
        self.retailers = f.get("retailers", [str])
        for m in self.retailers:
            if m not in self.merchants:
                f.fail("%r is not one of the merchants" % m, "retailers")
        # merchant -> the categories it sells (a merchant not here sells everything).
        self.merchant_cat = {}
        for k, row in enumerate(f.get("sells", [dict])):
            r = Entries(f.path, row, "sells[%d]" % k)
            cats = tuple(r.get("categories", [str]))
            self.need_categories(r, "categories", cats)
            for m in r.get("merchants", [str]):
                if m not in self.merchants or m in self.merchant_cat:
                    r.fail("%r is not one of the merchants, or is in two rows" % m, "merchants")
                self.merchant_cat[m] = cats

    def _read_names(self):
        self.first_names, self.relations, self.bare_relations = {}, {}, {}
        self.lists, self.charities = {}, {}
        for lang in LANGS:
            f = self.file("names_%s.toml" % lang)
            self.first_names[lang] = f.get("first_names", [str])
            self.relations[lang] = f.get("relations", [str])
            if lang == "fr":
                self.relations[lang] = [split_tagged(f, "relations", e, ("m", "f"))
                                        for e in self.relations[lang]]
            self.bare_relations[lang] = f.get("bare_relations", [str])
            self.lists[lang] = f.get("lists", [str])
            for name in self.lists[lang]:
                if name in self.domain.list_aliases:
                    f.fail("%r is a name of the default list (domain file): it would become %r" %
                           (name, self.domain.default_list), "lists")
            articles = ("the", "-") if lang == "en" else ("le", "la", "les", "-")
            self.charities[lang] = [split_tagged(f, "charities", e, articles)
                                    for e in f.get("charities", [str])]

    def _read_templates(self):
        self.templates, self.answers = {}, {"confirm": {}, "deny": {}}
        for lang in LANGS:
            f = self.file("templates_%s.toml" % lang)
            for intent in self.domain.intents:
                said = f.get(intent, [str])
                if intent in self.answers:
                    self.answers[intent][lang] = said
                else:
                    self.templates.setdefault(intent, {})[lang] = said
            for key in f.keys():
                if key not in self.domain.intents:
                    f.fail("not an intent of the domain file", key)

    def _read_remarks(self):
        f = self.file("remarks.toml")
        self.remarks, self.remark_joiners, self.remark_first = {}, {}, {}
        for lang in LANGS:
            sub = f.sub(lang)
            self.remarks[lang] = sub.get("said", [str])
            self.remark_joiners[lang] = pairs(sub, "joiners")
            share = sub.get("first", float)
            if not 0 <= share <= 1:
                sub.fail("expected a share between 0 and 1, found %r" % share, "first")
            self.remark_first[lang] = (share, pairs(sub, "joiners_first"))

    def _read_fills(self):
        self.fills = {}
        for lang in LANGS:
            f = self.file("fills_%s.toml" % lang)
            names = self.file("names_%s.toml" % lang)
            self.fills[lang] = {}
            for name in f.keys():
                if isinstance(f.table[name], str):
                    self.fills[lang][name] = names.get(f.get(name, str), [str])
                else:
                    self.fills[lang][name] = f.get(name, [str])

    def _read_speech(self):
        self.item_joiners, self.command_joiners, self.fillers = {}, {}, {}
        self.drop, self.homophones, self.numeric_homophones = {}, {}, {}
        for lang in LANGS:
            f = self.file("speech_%s.toml" % lang)
            self.item_joiners[lang] = pairs(f, "item_joiners")
            self.command_joiners[lang] = pairs(f, "command_joiners")
            fillers = f.sub("fillers")
            self.fillers[lang] = {k: pairs(fillers, k) for k in
                                  ("pre", "post", "short_pre", "short_post")}
            self.fillers[lang]["mid"] = fillers.get("mid", [str])
            noise = f.sub("noise")
            self.drop[lang] = set(noise.get("drop", [str]))
            homophones = noise.sub("homophones")
            self.homophones[lang] = {w: homophones.get(w, [str]) for w in homophones.keys()}
            self.numeric_homophones[lang] = set(noise.get("numeric", [str]))

    def _read_sampling(self):
        f = self.file("sampling.toml")
        self.counts = pairs(f, "counts")
        self.unit_counts = pairs(f, "unit_counts")
        self.kilo_litre_counts = pairs(f, "kilo_litre_counts")
        self.dozen_counts = pairs(f, "dozen_counts")
        self.small_masses = f.get("small_masses", [int])
        self.amounts = pairs(f, "amounts")
        self.adjective_amounts = pairs(f, "adjective_amounts")
        for n, _ in self.adjective_amounts:
            if n not in self.domain.spoken["en"]:
                f.fail("%r: the domain file says no English words for it" % n, "adjective_amounts")
        cur = f.sub("currencies")
        self.currencies = {lang: [(self.currency_word(cur, lang, w, "plural"), weight)
                                  for w, weight in pairs(cur, lang)] for lang in LANGS}
        self.adjective_currencies = [(self.currency_word(cur, "en", w, "singular"), weight)
                                     for w, weight in pairs(cur, "adjective")]
        groups = f.sub("groups")
        self.groups = {g: groups.get(g, [str]) for g in groups.keys()}
        for g, cats in self.groups.items():
            self.need_categories(groups, g, cats)
        grouped = [c for cats in self.groups.values() for c in cats]
        for c in self.categories:
            if grouped.count(c) != 1:
                groups.fail("%r is in %d groups (each category is in one)" % (c, grouped.count(c)))
        weights = f.sub("group_weights")
        self.group_weights = {}
        for intent in weights.keys():
            w = weights.sub(intent)
            if intent != "default" and intent not in self.domain.intents:
                weights.fail("not an intent of the domain file, nor default", intent)
            self.group_weights[intent] = [(g, w.get(g, float)) for g in self.groups]
        brand = f.sub("brand_probability")
        self.brand_probability = {i: brand.get(i, float) for i in brand.keys()}
        cats = f.sub("categories")
        self.drink_categories = cats.get("drinks", [str])
        self.dozen_categories = cats.get("by_the_dozen", [str])
        self.need_categories(cats, "drinks", self.drink_categories)
        self.need_categories(cats, "by_the_dozen", self.dozen_categories)

    def currency_word(self, entries, lang, word, form):
        """The domain file's currency whose `form` ("plural"/"singular") is `word`; None for ""."""
        if word == "":
            return None
        for code, forms in self.domain.currencies[lang].items():
            for f in forms:
                if getattr(f, form) == word:
                    return CurrencyWord(f.singular, f.plural, code)
        entries.fail("%r is not a %s currency word (%s) of the domain file" % (word, lang, form))


def pairs(entries, key):
    """[[value, weight], ...] -> [(value, weight)]."""
    rows = entries.get(key, list)
    for row in rows:
        if not (isinstance(row, list) and len(row) == 2 and isinstance(row[1], (int, float))):
            entries.fail("expected [value, weight] pairs, found %r" % (row,), key)
    return [tuple(row) for row in rows]


def split_tagged(entries, key, entry, tags):
    """"name:tag" -> (name, tag), the tag one of `tags`."""
    name, sep, tag = entry.rpartition(":")
    if not sep or not name or tag not in tags:
        entries.fail("%r: expected \"name:tag\", the tag one of %s" % (entry, ", ".join(tags)), key)
    return name, tag


# Read once, on first import: every module of the generator draws from these.
DOMAIN = Domain()
DATA = CorpusData(DOMAIN)
