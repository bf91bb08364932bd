#!/usr/bin/env python3
"""Word error rate of `voxshop transcribe` on labelled recordings.

Usage: scripts/eval_stt.py [--set librivox|cards|samples|all] [-- extra voxshop args]
Sets: LibriVox and cards human recordings from Debian's pocketsphinx-testdata, and our
bundled samples/ (samples/manifest.tsv). Prints per-file errors and the total WER.
"""
import argparse, json, re, subprocess, sys, pathlib

PS = pathlib.Path("/usr/share/pocketsphinx/test/data")
ROOT = pathlib.Path(__file__).resolve().parent.parent

def sphinx_set(folder, trans):
    out = []
    for line in (PS / folder / trans).read_text().splitlines():
        m = re.match(r"<s>(.*)</s>\s*\((.*)\)", line.strip())
        if m:
            out.append((PS / folder / f"{m.group(2)}.wav", m.group(1)))
    return out

def samples_set():
    out = []
    for line in (ROOT / "samples" / "manifest.tsv").read_text().splitlines():
        if line.startswith("#") or not line.strip():
            continue
        cols = line.split("\t")
        out.append((ROOT / cols[0], cols[1]))
    return out

SETS = {
    "librivox": lambda: sphinx_set("librivox", "transcription"),
    "cards": lambda: sphinx_set("cards", "cards.transcription"),
    "samples": samples_set,
}

WORDS = {"mr": "mister", "mrs": "missus", "dr": "doctor", "ok": "okay"}
NUMBERS = ("zero one two three four five six seven eight nine ten eleven twelve thirteen "
           "fourteen fifteen sixteen seventeen eighteen nineteen twenty").split()

def norm(text):
    text = re.sub(r"\$(\d+)", r"\1 dollars", text.lower().replace("-", " "))
    text = re.sub(r"[^a-z0-9' ]+", " ", text)
    words = [WORDS.get(w, w) for w in text.split()]
    return [NUMBERS[int(w)] if w.isdigit() and int(w) <= 20 else w for w in words]

def edits(ref, hyp):
    d = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        prev, d[0] = d[0], i
        for j, h in enumerate(hyp, 1):
            prev, d[j] = d[j], min(d[j] + 1, d[j - 1] + 1, prev + (r != h))
    return d[len(hyp)]

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--set", default="librivox", choices=[*SETS, "all"])
    ap.add_argument("--bin", default=str(ROOT / "target/release/voxshop"))
    ap.add_argument("extra", nargs="*")
    a = ap.parse_args()
    items = [x for k in (SETS if a.set == "all" else [a.set]) for x in SETS[k]()]
    cmd = [a.bin, "transcribe", "--json", *a.extra, *[str(p) for p, _ in items]]
    res = subprocess.run(cmd, capture_output=True, text=True)
    if res.returncode != 0:
        sys.exit(f"voxshop failed: {res.stderr}")
    hyps = {}
    for line in res.stdout.splitlines():
        o = json.loads(line)
        hyps.setdefault(o["source"], []).append(o["transcript"])
    errs = words = 0
    for path, ref in items:
        hyp = " ".join(hyps.get(str(path), []))
        e, n = edits(norm(ref), norm(hyp)), len(norm(ref))
        errs += e
        words += n
        print(f"{e:3d}/{n:3d}  {path.name}: {hyp}")
    print(f"WER {100 * errs / max(words, 1):.2f}% ({errs}/{words} words)")

if __name__ == "__main__":
    main()
