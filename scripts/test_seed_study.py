"""Tests of scripts/seed_study.py's bookkeeping (the training itself is voxshop's)."""
import pathlib, sys, unittest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import seed_study  # noqa: E402


class SeedStudy(unittest.TestCase):
    def test_spends_are_the_intents_domain_toml_makes_confirm(self):
        self.assertEqual(seed_study.spend_intents(),
                         {"buy", "reorder", "cancel_order", "donate", "buy_for_me", "clear_list"})

    def test_a_mean_is_taken_per_figure_over_the_models_that_have_it(self):
        rows = [{"k": (96.0, 0.9)}, {"k": (98.0, 0.95)}, {"k": None}]
        self.assertEqual(seed_study.mean(rows, "k"), (97.0, 0.925))
        self.assertIsNone(seed_study.mean([{"k": None}], "k"))

    def test_cells_say_accuracy_and_f1_or_lines_taken_of_all(self):
        self.assertEqual(seed_study.cell((98.76, 0.98612)), "98.8 / 0.986")
        self.assertEqual(seed_study.cell((13, 2, 946)), "13 / 2 of 946")
        self.assertEqual(seed_study.cell((13.333, 7.333, 490.0)), "13.3 / 7.33 of 490")
        self.assertEqual(seed_study.cell(None), "-")

    def test_negatives_are_the_out_of_scope_lines_of_a_set(self):
        texts = seed_study.negatives("tests/data/slurp_test.jsonl")
        self.assertEqual(len(texts), 946)


if __name__ == "__main__":
    unittest.main()
