"""The shopping domain as crates/voxshop/data/domain.toml states it (the recogniser embeds the
same file): the intents and their slots, and the unit, currency, number and list words."""

from collections import namedtuple

from .datafile import ROOT, Entries

DOMAIN_FILE = ROOT / "crates/voxshop/data/domain.toml"
LANGS = ("en", "fr")

# A word as the generator says it: singular, plural, French gender ("m"/"f"; None in English).
Form = namedtuple("Form", "singular plural gender")


def parse_form(text, gendered, fail):
    """"singular|plural" or "word" (the same in both); French forms end in ":m" or ":f"."""
    words, gender = text, None
    if gendered:
        words, sep, gender = text.rpartition(":")
        if not sep or gender not in ("m", "f"):
            fail("%r: a French form ends in :m or :f (its gender)" % text)
    singular, sep, plural = words.partition("|")
    if not singular or "|" in plural or (sep and not plural):
        fail("%r: expected \"singular|plural\" or one word" % text)
    return Form(singular, plural if sep else singular, gender)


def add_word(table, word, value, fail):
    """table: word -> the normal form it stands for; a word stands for one value only."""
    if word != word.lower() or word != word.strip() or not word:
        fail("%r: words are lower case, without outer spaces" % word)
    if table.get(word, value) != value:
        fail("%r is a word of both %r and %r" % (word, table[word], value))
    table[word] = value


class Domain:
    def __init__(self, path=DOMAIN_FILE):
        d = Entries(path)
        self.path = path
        self.slots = tuple(d.get("slots", [str]))
        self._read_intents(d)
        # French units carry their gender: the generator says "une bouteille", "un litre".
        self.units, self.unit_of = self._read_words(d, "unit", gendered=True)
        self.currencies, self.currency_of = self._read_words(d, "currency", gendered=False)
        self._read_numbers(d.sub("numbers"))
        self._read_lists(d.sub("lists"))
        # The words no name ends on: the recogniser drops them from the end of one.
        self.name_ends = set()
        for table in ("continuation", "leads_on", "after_names"):
            t = d.sub(table)
            for lang in t.keys():
                self.name_ends.update(t.get(lang, [str]))

    def _read_intents(self, d):
        self.slots_by_intent, self.confirm_intents, self.list_default_intents = {}, [], []
        # intent -> the slots of which a complete command has one (none: always complete)
        self.needs = {}
        for k, table in enumerate(d.get("intents", [dict])):
            e = Entries(self.path, table, "intents[%d]" % k)
            name = e.get("name", str)
            slots = tuple(e.get("slots", [str]))
            for s in slots:
                if s not in self.slots:
                    e.fail("%r is not one of the slots %s" % (s, ", ".join(self.slots)), "slots")
            if name in self.slots_by_intent:
                e.fail("%r is listed twice" % name, "name")
            self.slots_by_intent[name] = slots
            self.needs[name] = tuple(e.get("needs", [str], []))
            if not set(self.needs[name]) <= set(slots):
                e.fail("needs names a slot the intent does not carry", "needs")
            if e.get("confirm", bool, False):
                self.confirm_intents.append(name)
            if e.get("default_list", bool, False):
                if "list" not in slots:
                    e.fail("a default list needs the list slot", "default_list")
                self.list_default_intents.append(name)
        self.intents = list(self.slots_by_intent)
        self.list_default_intents = tuple(self.list_default_intents)

    def _read_words(self, d, kind, gendered):
        """[[unit]] / [[currency]]: {lang: {code: [Form]}} and {word: code} (every word)."""
        forms, code_of = {lang: {} for lang in LANGS}, {}
        for k, table in enumerate(d.get(kind, [dict])):
            e = Entries(self.path, table, "%s[%d]" % (kind, k))
            code = e.get("code", str)
            if code in forms["en"]:
                e.fail("%r is listed twice" % code, "code")
            for lang in LANGS:
                def fail(message, lang=lang):
                    e.fail(message, lang)
                forms[lang][code] = [parse_form(f, gendered and lang == "fr", fail)
                                     for f in e.get(lang, [str], [])]
                for f in forms[lang][code]:
                    add_word(code_of, f.singular, code, fail)
                    add_word(code_of, f.plural, code, fail)
            for w in e.get("also", [str], []):
                add_word(code_of, w, code, lambda message: e.fail(message, "also"))
        return forms, code_of

    def _read_numbers(self, numbers):
        self.spoken, self.number_words, self.number_phrases = {}, {}, {}
        for lang in LANGS:
            n = numbers.sub(lang)
            words = n.sub("words")
            for value in words.keys():
                for w in words.get(value, [str]):
                    add_word(self.number_words, w, number_key(value, words),
                             lambda message: words.fail(message, value))
            phrases = n.sub("phrases")
            for phrase in phrases.keys():
                self.number_phrases[phrase] = phrases.get(phrase, int)
            spoken = n.sub("spoken")
            self.spoken[lang] = {}
            for value in spoken.keys():
                forms = spoken.get(value, [str])
                if not 1 <= len(forms) <= 2:
                    spoken.fail("one form, or two (the second is said half the time)", value)
                self.spoken[lang][number_key(value, spoken)] = forms

    def _read_lists(self, e):
        self.default_list = e.get("default", str)
        self.list_aliases = tuple(e.get("aliases", [str]))
        self.unnamed_lists = tuple(e.get("unnamed", [str]))
        self.list_not_names = tuple(e.get("not_names", [str]))

    def number_value(self, surface):
        """What a number the generator says is worth: digits, a spoken form (or its hyphenated
        spelling, "twenty-four"), a phrase or one number word; None for anything else."""
        if surface.isdigit():
            return int(surface)
        for forms in self.spoken.values():
            for value, fs in forms.items():
                if surface in fs or surface in (f.replace(" ", "-") for f in fs):
                    return value
        if surface in self.number_phrases:
            return self.number_phrases[surface]
        return self.number_words.get(surface)


def number_key(text, entries):
    if not text.isdigit():
        entries.fail("%r: a number table's keys are whole numbers" % text)
    return int(text)
