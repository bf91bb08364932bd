#!/usr/bin/env python3
"""Word error rate of `voxshop transcribe` on labelled recordings.

Usage: scripts/eval_stt.py [--set NAME] [--limit N] [-q] [-- extra voxshop args]
Sets: LibriVox and cards human recordings from Debian's pocketsphinx-testdata, our bundled
samples/ (samples/manifest.tsv), "all" (those three), and the Asterisk prompts: real human
voices with transcripts from Debian's asterisk-core-sounds-{en,fr}-wav (8 kHz telephone
audio; Allison Smith in English, June Wallack in Canadian French; CC-BY-SA 3.0), "ast-en" and
"ast-fr" (use `-- --model base --lang fr` for the latter). --limit takes a seeded sample.
Prints per-file errors (unless -q) and the total WER.
"""
import argparse, gzip, json, random, re, subprocess, sys, pathlib, unicodedata

from stream_objects import amended

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

AST = pathlib.Path("/usr/share/asterisk/sounds")

def asterisk_set(lang, voice):
    out = []
    doc = pathlib.Path(f"/usr/share/doc/asterisk-core-sounds-{lang}/core-sounds-{lang}.txt.gz")
    for line in gzip.open(doc, "rt", encoding="utf-8", errors="replace"):
        key, sep, text = line.partition(":")
        text = text.strip()
        # Comments, tones, beeps and silences ("[ascending tones]", "<beep>", "(1 second of
        # silence)") and prompts that are only "..." go.
        if line.startswith(";") or not sep or re.search(r"[\[<(]", text) or not re.search(r"\w", text):
            continue
        wav = AST / voice / f"{key.strip()}.wav"
        if wav.exists():
            out.append((wav, text))
    return out

SETS = {
    "librivox": lambda: sphinx_set("librivox", "transcription"),
    "cards": lambda: sphinx_set("cards", "cards.transcription"),
    "samples": samples_set,
}
EXTRA_SETS = {
    "ast-en": lambda: asterisk_set("en", "en_US_f_Allison"),
    "ast-fr": lambda: asterisk_set("fr", "fr_CA_f_June"),
}

WORDS = {"mr": "mister", "mrs": "missus", "dr": "doctor", "ok": "okay"}
NUMBERS = ("zero one two three four five six seven eight nine ten eleven twelve thirteen "
           "fourteen fifteen sixteen seventeen eighteen nineteen twenty").split()
NOMBRES = ("zéro un deux trois quatre cinq six sept huit neuf dix onze douze treize quatorze "
           "quinze seize dix-sept dix-huit dix-neuf vingt").split()
# Contractions are split the same way on both sides, so "where's" and "where is" still differ
# but "l'heure" and "l' heure" do not.
CONTRACTIONS = {"'s": " is", "'re": " are", "n't": " not", "'ll": " will", "'m": " am", "'ve": " have"}

def norm(text, french=False):
    text = unicodedata.normalize("NFC", text.lower()).replace("’", "'")
    text = re.sub(r"\$(\d+)", r"\1 dollars", text)
    if not french:
        for k, v in CONTRACTIONS.items():
            text = text.replace(k, v)
    text = re.sub(r"[^\w' ]+", " ", text.replace("-", " ").replace("'", "' "))
    words = [WORDS.get(w, w) for w in text.split()]
    names = NOMBRES if french else NUMBERS
    return [names[int(w)].replace("-", " ") if w.isdigit() and int(w) <= 20 else w for w in words]

def edits(ref, hyp):
    d = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        prev, d[0] = d[0], i
        for j, h in enumerate(hyp, 1):
            prev, d[j] = d[j], min(d[j] + 1, d[j - 1] + 1, prev + (r != h))
    return d[len(hyp)]

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--set", default="librivox", choices=[*SETS, *EXTRA_SETS, "all"])
    ap.add_argument("--limit", type=int, default=0, help="seeded sample of N recordings")
    ap.add_argument("-q", "--quiet", action="store_true", help="only the total")
    ap.add_argument("--bin", default=str(ROOT / "target/release/voxshop"))
    ap.add_argument("extra", nargs="*")
    a = ap.parse_args()
    sets = {**SETS, **EXTRA_SETS}
    items = [x for k in (SETS if a.set == "all" else [a.set]) for x in sets[k]()]
    if a.limit and a.limit < len(items):
        items = random.Random(7).sample(items, a.limit)
    french = a.set == "ast-fr"
    cmd = [a.bin, "transcribe", "--json", *a.extra, *[str(p) for p, _ in items]]
    res = subprocess.run(cmd, capture_output=True, text=True)
    if res.returncode != 0:
        sys.exit(f"voxshop failed: {res.stderr}")
    objects = {}
    for line in res.stdout.splitlines():
        o = json.loads(line)
        objects.setdefault(o["source"], []).append(o)
    # The stream as it stands at its end (a continuation replaces the utterance it amends);
    # the commands of one utterance share its transcript.
    hyps = {src: [o["transcript"] for o in amended(objs) if o.get("part", 0) == 0]
            for src, objs in objects.items()}
    errs = words = 0
    for path, ref in items:
        hyp = " ".join(hyps.get(str(path), []))
        r = norm(ref, french)
        e, n = edits(r, norm(hyp, french)), len(r)
        errs += e
        words += n
        if not a.quiet:
            print(f"{e:3d}/{n:3d}  {path.name}: {hyp}")
    print(f"WER {100 * errs / max(words, 1):.2f}% ({errs}/{words} words)")

if __name__ == "__main__":
    main()
