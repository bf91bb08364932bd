"""The records the generator makes, and the checks they must pass."""

import copy
import json
import random
import unittest

import gen_corpus
from corpus.records import (check_record, make_composed, make_example, make_remark,
                            make_remarked, spans_of)


def sample(seed=11):
    return gen_corpus.generate(seed, per_intent=40, several_items=150, composed=150, remarks=60)


class Generate(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.records = sample()

    def test_every_record_passes_the_checks(self):
        for r in self.records:
            self.assertEqual(check_record(r), [], json.dumps(r, ensure_ascii=False))

    def test_the_same_seed_makes_the_same_corpus(self):
        self.assertEqual(self.records, sample())
        self.assertNotEqual(self.records, sample(seed=12))

    def test_every_intent_and_both_languages(self):
        made = {(r["intent"], r["lang"]) for r in self.records if "intent" in r}
        for intent in gen_corpus.DOMAIN.intents:
            self.assertIn((intent, "en"), made)
            self.assertIn((intent, "fr"), made)
        self.assertTrue(any("parts" in r for r in self.records))
        self.assertTrue(any("commands" in r and "intent" in r for r in self.records))


class Example(unittest.TestCase):
    def test_several_items_have_their_own_slots(self):
        rng = random.Random(5)
        r = make_example(rng, "add_to_list", "en", 0.0, n_items=2)
        self.assertEqual(len(r["commands"]), 2)
        items = [c["slots"]["item"] for c in r["commands"]]
        self.assertEqual([s[1] for s in r["spans"] if s[0] == "item"], items)
        self.assertTrue(all(c["slots"]["list"] for c in r["commands"]))

    def test_a_list_intent_always_has_a_list(self):
        rng = random.Random(6)
        for _ in range(50):
            r = make_example(rng, "read_list", "fr", 0.15)
            self.assertIn("list", r["slots"])

    def test_composed_parts_are_in_spoken_order(self):
        rng = random.Random(8)
        for _ in range(50):
            r = make_composed(rng, "en", 0.15)
            pos = 0
            for p in r["parts"]:
                pos = r["text"].index(p["text"], pos) + len(p["text"])
            self.assertNotIn("out_of_scope", [c["intent"] for c in r["commands"]])

    def test_a_remark_is_a_part_of_its_own_beside_one_command(self):
        rng = random.Random(9)
        firsts = 0
        for lang in ("en", "fr"):
            for _ in range(50):
                r = make_remarked(rng, lang, 0.15)
                self.assertEqual(check_record(r), [], json.dumps(r, ensure_ascii=False))
                said = [p for p in r["parts"] if p["intent"] == "out_of_scope"]
                command = [p for p in r["parts"] if p["intent"] != "out_of_scope"]
                self.assertEqual((len(said), len(command), said[0]["spans"]), (1, 1, []))
                self.assertTrue(r["text"].startswith(r["parts"][0]["text"]))
                self.assertTrue(r["text"].endswith(r["parts"][1]["text"]))
                self.assertEqual({c["intent"] for c in r["commands"]}, {command[0]["intent"]})
                firsts += r["parts"][0] is said[0]
        self.assertTrue(0 < firsts < 100)

    def test_remarks_change_nothing_else_the_generator_draws(self):
        def lines(records):
            return [json.dumps(r, sort_keys=True) for r in records]
        without = lines(gen_corpus.generate(11, per_intent=40, several_items=150, composed=150))
        with_remarks = lines(gen_corpus.generate(11, per_intent=40, several_items=150,
                                                 composed=150, remarks=60, remarks_alone=20))
        before = set(without)
        self.assertEqual([r for r in with_remarks if r in before], without)
        added = [json.loads(r) for r in with_remarks if r not in before]
        # As many as asked, but for texts already made (a short remark may be said twice).
        self.assertTrue(50 <= sum("parts" in r for r in added) <= 60)
        self.assertTrue(10 <= sum(r.get("intent") == "out_of_scope" for r in added) <= 20)

    def test_spans_are_runs_of_one_tag(self):
        t = [["add", None], ["two", "quantity"], ["oat", "item"], ["milk", "item"],
             ["and", "_join"], ["eggs", "item"]]
        self.assertEqual(spans_of(t), [["quantity", "two"], ["item", "oat milk"],
                                       ["_join", "and"], ["item", "eggs"]])


GOOD = {"lang": "en", "intent": "add_to_list", "text": "add two litres of oat milk to my list",
        "spans": [["quantity", "two"], ["unit", "litres"], ["item", "oat milk"]],
        "slots": {"item": "oat milk", "quantity": 2, "unit": "l", "list": "shopping"}}


def broken(**changes):
    r = copy.deepcopy(GOOD)
    for k, v in changes.items():
        r[k] = v
    return check_record(r)


class CheckRecord(unittest.TestCase):
    def test_a_good_record_passes(self):
        self.assertEqual(check_record(GOOD), [])

    def test_what_it_catches(self):
        self.assertIn("bad characters / spacing", broken(text=GOOD["text"] + "!"))
        self.assertIn("bad characters / spacing", broken(text=GOOD["text"].replace(" ", "  ", 1)))
        self.assertIn("slot merchant not allowed for add_to_list",
                      broken(slots=dict(GOOD["slots"], merchant="ikea")))
        self.assertIn("span 'soy milk' not found as whole words after 14",
                      broken(spans=GOOD["spans"][:2] + [["item", "soy milk"]]))
        self.assertIn("slot item value 'milk' != span 'oat milk'",
                      broken(slots=dict(GOOD["slots"], item="milk")))
        no_list = {k: v for k, v in GOOD["slots"].items() if k != "list"}
        self.assertIn("missing default list", broken(slots=no_list))
        self.assertIn("quantity not a number", broken(slots=dict(GOOD["slots"], quantity="two")))

    def test_french_letters_and_elision(self):
        r = {"lang": "fr", "intent": "add_to_list", "text": "ajoute de la crème d'avoine",
             "spans": [["item", "crème d'avoine"]],
             "slots": {"item": "crème d'avoine", "list": "shopping"}}
        self.assertEqual(check_record(r), [])
        r["lang"] = "en"
        self.assertIn("bad characters / spacing", check_record(r))

    def test_composed_parts_must_be_in_order(self):
        parts = [{"intent": "read_list", "text": "read my list", "spans": []},
                 {"intent": "track_order", "text": "where is my order", "spans": []}]
        r = {"lang": "en", "text": "where is my order and read my list", "parts": parts,
             "commands": []}
        self.assertEqual(check_record(r), ["part 'where is my order' not found in order"])


if __name__ == "__main__":
    unittest.main()
