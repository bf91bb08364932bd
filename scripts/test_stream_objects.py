"""Offline tests of stream_objects.py: voxshop's objects as a consumer reads them."""

import sys
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import stream_objects  # noqa: E402


class AmendedTest(unittest.TestCase):
    def test_a_continuation_replaces_the_objects_it_amends_and_only_those(self):
        first = {"start_ms": 160, "end_ms": 1952, "intent": "remove_from_list"}
        rest = {"start_ms": 1952, "end_ms": 3632, "intent": "read_list"}
        joined = {"start_ms": 160, "end_ms": 3632, "intent": "remove_from_list",
                  "amends": {"start_ms": 160, "end_ms": 1952}}
        later = {"start_ms": 5000, "end_ms": 6000, "intent": "add_to_list"}
        # Live, the rest's own object never comes when it continues; a stream that has both
        # keeps the rest, which nothing amends.
        self.assertEqual(stream_objects.amended([first, joined, later]), [joined, later])
        self.assertEqual(stream_objects.amended([first, rest, later]), [first, rest, later])

    def test_chained_continuations_leave_the_last(self):
        a = {"start_ms": 0, "end_ms": 1000}
        ab = {"start_ms": 0, "end_ms": 2000, "amends": {"start_ms": 0, "end_ms": 1000}}
        abc = {"start_ms": 0, "end_ms": 3000, "amends": {"start_ms": 0, "end_ms": 2000}}
        self.assertEqual(stream_objects.amended([a, ab, abc]), [abc])


if __name__ == "__main__":
    unittest.main()
