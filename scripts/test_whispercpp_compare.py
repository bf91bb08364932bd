"""Offline tests of whispercpp_compare.py's whole-process helpers (no network, no models)."""

import sys
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import whispercpp_compare as wc  # noqa: E402

MIB = 1 << 20


def touch(buf: bytearray) -> None:
    for i in range(0, len(buf), 4096):
        buf[i] = 1


class SpawnerTest(unittest.TestCase):
    def test_child_peak_rss_is_its_own_not_the_parents(self):
        parent = bytearray(160 * MIB)  # this process's peak must not leak into the child's
        touch(parent)
        spawner = wc.Spawner()
        try:
            self.assertLess(spawner.floor_kib, 64 * 1024)
            code = "b = bytearray(48 << 20)\nfor i in range(0, len(b), 4096): b[i] = 1\nprint('ok')"
            res = spawner.run([sys.executable, "-I", "-S", "-c", code])
            self.assertEqual(res["rc"], 0)
            self.assertEqual(res["stdout"].strip(), "ok")
            self.assertGreater(res["maxrss_kib"], 48 * 1024)
            self.assertLess(res["maxrss_kib"], 120 * 1024)
            self.assertGreater(res["ms"], 0)
            failed = spawner.run(["sh", "-c", "echo oops >&2; exit 3"])
            self.assertEqual((failed["rc"], failed["stderr"]), (3, "oops\n"))
            with self.assertRaises(wc.Failure):
                spawner.run(["/nonexistent/voxshop-test-binary"])
        finally:
            spawner.close()
        del parent


class TranscriptTest(unittest.TestCase):
    def test_cli_transcript_joins_segments(self):
        out = "\n I want to buy 3 packs\n of paper towels.\n\n"
        self.assertEqual(wc.cli_transcript(out), "I want to buy 3 packs of paper towels.")

    def test_key_phrase(self):
        self.assertTrue(wc.has_phrase("I want to buy 3 packs of Paper towels.", "paper towels"))
        self.assertFalse(wc.has_phrase("I want to buy paper, towels", "paper  towel"))
        self.assertFalse(wc.has_phrase("add oatmilk", "milk"))

    def test_voxshop_utterances_one_per_utterance(self):
        line = '{"transcript": "Add milk", "part": %d, "timings_ms": {"stt": 1, "intent": 2}}'
        out = "\n".join([line % 0, line % 1, "not json"])
        self.assertEqual(len(wc.voxshop_utterances(out, Path("x.wav"))), 1)
        with self.assertRaises(wc.Failure):
            wc.voxshop_utterances("", Path("x.wav"))



class BuildFlagsTest(unittest.TestCase):
    def test_the_cpus_extensions_are_built_but_never_amx(self):
        flags = wc.isa_flags({"avx", "avx2", "fma", "avx512f", "amx_int8", "amx_tile"})
        self.assertIn("-DGGML_NATIVE=OFF", flags)
        self.assertIn("-DGGML_AVX512=ON", flags)
        self.assertIn("-DGGML_AVX512_VNNI=OFF", flags)
        self.assertIn("-DGGML_AMX_INT8=OFF", flags)
        self.assertFalse(any("AMX" in f and f.endswith("=ON") for f in flags))

    def test_a_machine_without_cpuinfo_builds_native(self):
        self.assertEqual(wc.isa_flags(set()), ["-DGGML_NATIVE=ON"])

if __name__ == "__main__":
    unittest.main()
