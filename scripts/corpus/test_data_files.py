"""A malformed data file is an error that names the file and the entry to fix."""

import json
import pathlib
import shutil
import tempfile
import unittest

from corpus.data import CORPUS_DIR, DOMAIN, CorpusData
from corpus.datafile import ROOT, DataError
from corpus.domain import DOMAIN_FILE, Domain


class Broken(unittest.TestCase):
    def setUp(self):
        self.dir = pathlib.Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, self.dir)
        shutil.copytree(CORPUS_DIR, self.dir / "corpus")
        shutil.copy(DOMAIN_FILE, self.dir / "domain.toml")

    def edit(self, name, old, new):
        path = self.dir / ("corpus/" + name if name != "domain.toml" else name)
        text = path.read_text(encoding="utf-8")
        self.assertIn(old, text)
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    def data_error(self, name, old, new):
        self.edit(name, old, new)
        with self.assertRaises(DataError) as e:
            CorpusData(Domain(self.dir / "domain.toml"), self.dir / "corpus")
        return str(e.exception)

    def test_the_copies_load(self):
        CorpusData(Domain(self.dir / "domain.toml"), self.dir / "corpus")

    def test_a_product_entry(self):
        e = self.data_error("products_en.toml", '"banana|bananas"', '"banana|bananas|bananass"')
        self.assertIn("products_en.toml: fruitveg.entries[1]: 'banana|bananas|bananass': "
                      "expected \"name\" or \"singular|plural\"", e)

    def test_a_french_product_without_gender(self):
        e = self.data_error("products_fr.toml", '"lait entier:m"', '"lait entier"')
        self.assertIn("products_fr.toml: milk.entries[1]: 'lait entier': a French entry gives", e)

    def test_a_unit_the_domain_does_not_know(self):
        e = self.data_error("products_en.toml", '"heavy cream#bottle pack"', '"heavy cream#jug"')
        self.assertIn("products_en.toml: milk.entries[10]: 'heavy cream#jug': "
                      "'jug' is not a unit", e)

    def test_a_currency_word_the_domain_does_not_know(self):
        e = self.data_error("sampling.toml", '["bucks", 10]', '["bananas", 10]')
        self.assertIn("sampling.toml: currencies: 'bananas' is not a en currency word", e)

    def test_a_toml_syntax_error_names_the_line(self):
        e = self.data_error("templates_fr.toml", 'add_to_list = [', 'add_to_list = [[')
        self.assertRegex(e, r"templates_fr\.toml: .*line \d+")

    def test_a_missing_key(self):
        e = self.data_error("names_en.toml", "first_names = [", "first_name = [")
        self.assertIn("names_en.toml: first_names: missing (expected a list (each a string))", e)

    def test_a_mistyped_value(self):
        e = self.data_error("sampling.toml", "small_masses = [100,", "small_masses = [\"100\",")
        self.assertIn("sampling.toml: small_masses: expected a list (each an integer)", e)

    def test_a_template_file_with_an_unknown_intent(self):
        e = self.data_error("templates_en.toml", "add_to_list = [", "add_to_lists = [")
        self.assertIn("templates_en.toml: add_to_list: missing", e)

    def test_a_named_list_that_is_the_default_lists_name(self):
        e = self.data_error("names_fr.toml", '"noël"', '"courses"')
        self.assertIn("names_fr.toml: lists: 'courses' is a name of the default list", e)

    def test_a_french_unit_without_gender(self):
        e = self.data_error("domain.toml", 'fr = ["gramme|grammes:m"]', 'fr = ["gramme|grammes"]')
        self.assertIn("domain.toml: unit[0].fr: 'gramme|grammes': "
                      "a French form ends in :m or :f", e)

    def test_a_word_of_two_units(self):
        e = self.data_error("domain.toml", 'also = ["flacon"', 'also = ["litre", "flacon"')
        self.assertIn("domain.toml: unit[5].also: 'litre' is a word of both 'l' and 'bottle'", e)

    def test_an_intent_with_an_unknown_slot(self):
        e = self.data_error("domain.toml", '{ name = "read_list", slots = ["list"]',
                            '{ name = "read_list", slots = ["lists"]')
        self.assertIn("domain.toml: intents[2].slots: 'lists' is not one of the slots", e)


class Loaded(unittest.TestCase):
    def test_the_repository_files_load(self):
        data = CorpusData(DOMAIN)
        self.assertLessEqual(set(data.brands_by_cat), set(data.categories))
        self.assertEqual(list(data.group_weights["buy_for_me"]),
                         [("grocery", 0), ("consumable", 15), ("durable", 85)])

    def test_no_name_of_the_held_out_sets_is_said(self):
        """tests/data/unseen_items*.jsonl measure names the generator never says: a product,
        brand or shop added to data/corpus/ must not be one of theirs."""
        data = CorpusData(DOMAIN)
        said = {b for bs in data.brands_by_cat.values() for b in bs} | set(data.merchants)
        for products in data.products.values():
            said |= {n for p in products for n in (p.name, p.sing) if n}
        said = {n.lower() for n in said}
        held_out = sorted(ROOT.glob("tests/data/unseen_items*.jsonl"))
        self.assertEqual(len(held_out), 4)
        for path in held_out:
            for line in path.read_text(encoding="utf-8").splitlines():
                record = json.loads(line)
                for command in record.get("commands", [record]):
                    for kind in ("item", "brand", "merchant"):
                        name = command.get("slots", {}).get(kind)
                        if isinstance(name, str):
                            self.assertFalse(name.lower() in said, "%s: %s %r is said by "
                                             "data/corpus/" % (path.name, kind, name))


if __name__ == "__main__":
    unittest.main()
