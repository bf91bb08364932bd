"""The generator says only the domain file's words for units, currencies, numbers and lists,
with the values the file gives them. The recogniser's side (crates/voxshop/src/intent/
normalize.rs, every_word_of_the_domain_file_normalises_to_its_value) checks that each of
those words normalises to that value; together the two tests fail when the generator and
the recogniser could disagree."""

import unittest

import gen_corpus
from corpus.data import DATA, DOMAIN

# Spans whose surface the recogniser rewrites to a normal form.
NORMALISED = ("unit", "currency", "quantity", "amount", "list")


def spans_and_values(r):
    """(slot, surface, the values the record's commands give that slot) of every span."""
    commands = r.get("commands") or [{"slots": r["slots"]}]
    spans = [s for p in r["parts"] for s in p["spans"]] if "parts" in r else r["spans"]
    for name, surface in spans:
        yield name, surface, [c["slots"][name] for c in commands if name in c["slots"]]


class GeneratedWords(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.records = gen_corpus.generate(21, per_intent=1000, several_items=1000, composed=1000,
                                          noise_p=0.3)

    def spans(self, kind):
        return [(s, v) for r in self.records for name, s, v in spans_and_values(r) if name == kind]

    def test_units_are_domain_words_of_their_code(self):
        spans = self.spans("unit")
        self.assertGreater(len(spans), 500)
        for surface, values in spans:
            self.assertIn(DOMAIN.unit_of.get(surface), values,
                          "unit %r is not a word of %s in domain.toml" % (surface, values))

    def test_currencies_are_domain_words_of_their_code(self):
        spans = self.spans("currency")
        self.assertGreater(len(spans), 100)
        for surface, values in spans:
            self.assertIn(DOMAIN.currency_of.get(surface), values,
                          "currency %r is not a word of %s in domain.toml" % (surface, values))

    def test_quantities_and_amounts_are_domain_numbers_of_their_value(self):
        for kind in ("quantity", "amount"):
            spans = self.spans(kind)
            self.assertGreater(len(spans), 100)
            for surface, values in spans:
                self.assertIn(DOMAIN.number_value(surface), values,
                              "%s %r is not a number of domain.toml worth %s" %
                              (kind, surface, values))

    def test_list_names_are_default_list_aliases_exactly_when_they_mean_it(self):
        spans = self.spans("list")
        self.assertGreater(len(spans), 100)
        for surface, values in spans:
            if surface in DOMAIN.list_aliases:
                self.assertIn(DOMAIN.default_list, values, "list %r" % surface)
            else:
                self.assertIn(surface, values, "list %r is not a name of the default list, "
                              "nor a list named as said" % surface)

    def test_a_list_said_without_its_name_is_the_default_one(self):
        """The recogniser gives the default list to a command that says one of domain.toml's
        `unnamed` phrases ("any deals on my list") and names no list, also where the intent
        has no default list: the labels must agree."""
        checked = 0
        for r in self.records:
            if "parts" in r or "list" not in DOMAIN.slots_by_intent.get(r["intent"], ()):
                continue
            text = " %s " % r["text"]
            if any(name == "list" for name, _ in r["spans"]) or \
                    not any(" %s " % p in text for p in DOMAIN.unnamed_lists):
                continue
            self.assertEqual(r["slots"].get("list"), DOMAIN.default_list, r["text"])
            checked += 1
        self.assertGreater(checked, 100)

    def test_no_name_ends_on_a_word_the_recogniser_strips_from_names(self):
        """The recogniser drops the last word of a name when it is one of domain.toml's
        [continuation], [leads_on] or [after_names] ("toaster instead"): no labelled name
        may end on one."""
        names = [s for kind in ("item", "brand", "merchant", "charity", "contact")
                 for s, _ in self.spans(kind)]
        self.assertGreater(len(names), 1000)
        for surface in names:
            words = surface.split()
            if len(words) > 1:
                self.assertNotIn(words[-1], DOMAIN.name_ends, surface)

    def test_every_unit_and_currency_form_is_said(self):
        """No dead words: a form the file lists for the generator is said (a word only the
        recogniser needs goes under `also`)."""
        said = {s for kind in ("unit", "currency") for s, _ in self.spans(kind)}
        for lang in ("en", "fr"):
            for code, forms in DOMAIN.units[lang].items():
                for f in forms:
                    self.assertTrue({f.singular, f.plural} & said, "unit %s %r" % (code, f))
            for code, forms in DOMAIN.currencies[lang].items():
                for f in forms:
                    self.assertTrue({f.singular, f.plural} & said, "currency %s %r" % (code, f))


class DataWords(unittest.TestCase):
    def test_product_units_are_domain_codes(self):
        codes = set(DOMAIN.units["en"])
        for lang, products in DATA.products.items():
            for p in products:
                self.assertLessEqual(set(p.units), codes, "%s %s" % (lang, p.name))

    def test_no_list_name_begins_with_a_word_the_recogniser_drops(self):
        """The recogniser drops domain.toml's `not_names` from the front of a list's name
        ("my entire shopping list"): no list the generator names may begin with one."""
        for lang, names in DATA.lists.items():
            for name in names:
                self.assertNotIn(name.split()[0], DOMAIN.list_not_names, "%s %r" % (lang, name))

    def test_numeric_homophones_are_number_words(self):
        for lang, words in DATA.numeric_homophones.items():
            for w in words:
                self.assertIn(w, DOMAIN.number_words, "speech_%s.toml: %r" % (lang, w))

    def test_the_list_intents_are_the_domain_files(self):
        self.assertEqual(DOMAIN.list_default_intents,
                         ("add_to_list", "remove_from_list", "read_list", "clear_list"))
        self.assertEqual(DOMAIN.slots_by_intent["buy_for_me"],
                         ("item", "brand", "merchant", "quantity"))
        self.assertEqual(set(DATA.templates) | set(DATA.answers), set(DOMAIN.intents))


if __name__ == "__main__":
    unittest.main()
