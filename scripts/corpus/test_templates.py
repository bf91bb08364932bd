"""Template expansion and rendering (python3 -m unittest discover -s scripts -p 'test_*.py')."""

import random
import unittest

from corpus.data import DATA
from corpus.phrases import SLOT_PHRASES, Context
from corpus.templates import PLACEHOLDER, expand, render


def outcomes(tpl, draws=400):
    rng = random.Random(1)
    return {expand(tpl, rng) for _ in range(draws)}


class Expand(unittest.TestCase):
    def test_alternatives_are_each_drawn(self):
        self.assertEqual(outcomes("(a|b|c) x"), {"a x", "b x", "c x"})

    def test_an_empty_alternative_says_nothing(self):
        self.assertEqual(outcomes("there's no (more|) milk"),
                         {"there's no more milk", "there's no  milk"})

    def test_optional_parts_are_said_half_the_time(self):
        rng = random.Random(2)
        said = [expand("add milk [to my list]", rng) for _ in range(2000)]
        self.assertEqual(set(said), {"add milk ", "add milk to my list"})
        self.assertAlmostEqual(said.count("add milk to my list") / len(said), 0.5, delta=0.05)

    def test_optional_alternatives_and_nesting(self):
        self.assertEqual(outcomes("[a|b]"), {"", "a", "b"})
        self.assertEqual(outcomes("(x [y|(z|w)])"), {"x ", "x y", "x z", "x w"})

    def test_placeholders_are_kept_for_render(self):
        self.assertEqual(outcomes("add {IQ} (to|on) {L}"), {"add {IQ} to {L}", "add {IQ} on {L}"})

    def test_the_same_seed_draws_the_same(self):
        tpl = "(a|b) [c|d] (e|[f|g]|h)"
        a, b = random.Random(7), random.Random(7)
        self.assertEqual([expand(tpl, a) for _ in range(50)], [expand(tpl, b) for _ in range(50)])


class Render(unittest.TestCase):
    def test_placeholders_become_tagged_phrases_and_set_slots(self):
        ctx = Context(random.Random(3), "en", "donate")
        t = render(ctx, "donate {AMT} to {CH}")
        self.assertEqual(t[0], ["donate", None])
        tagged = {tag for _, tag in t if tag}
        self.assertIn("charity", tagged)
        self.assertIn("amount", tagged)
        self.assertEqual(" ".join(w for w, tag in t if tag == "charity"), ctx.slots["charity"])

    def test_fills_are_untagged(self):
        ctx = Context(random.Random(4), "en", "out_of_scope")
        t = render(ctx, "what's the weather in {CITY}")
        self.assertTrue(all(tag is None for _, tag in t))
        self.assertIn(" ".join(w for w, _ in t[4:]), DATA.fills["en"]["CITY"])

    def test_every_placeholder_of_every_template_is_known(self):
        for intent, by_lang in DATA.templates.items():
            for lang, templates in by_lang.items():
                for tpl in templates:
                    for name in PLACEHOLDER.findall(tpl):
                        known = name in SLOT_PHRASES or name in DATA.fills[lang]
                        self.assertTrue(known, "templates_%s.toml: %s: %r: {%s} is neither a slot "
                                        "phrase nor a fill" % (lang, intent, tpl, name))

    def test_every_template_is_well_formed(self):
        for intent, by_lang in DATA.templates.items():
            for lang, templates in by_lang.items():
                for tpl in templates:
                    depth = []
                    for c in tpl:
                        if c in "([":
                            depth.append(")" if c == "(" else "]")
                        elif c in ")]":
                            self.assertTrue(depth and depth.pop() == c,
                                            "templates_%s.toml: %s: %r" % (lang, intent, tpl))
                    self.assertEqual(depth, [], "templates_%s.toml: %s: %r" % (lang, intent, tpl))


if __name__ == "__main__":
    unittest.main()
