#!/usr/bin/env python3
"""A corpus change judged over several training seeds, not one: one seed moves the held-out
sets by a point or two (README, "Training the intent model"), as much as most changes.

Trains the intent model from the corpus the templates make now (data/training.toml's
generator and training files; extra generator flags after --) at each seed, then prints every
held-out figure per model and the mean of each study, beside any models given with --also:

  scripts/seed_study.py NAME [--seeds 42 7 1234] [--draws 42 43] [--jobs 2] [--also DIR]...
                        [--train-args "voxshop train-intent flags"] [-- gen_corpus flags]
  scripts/seed_study.py --score DIR...        (only score trained models, e.g. models/intent)

--draws: the generator's seeds (default: data/training.toml's). One draw of the templates is
as lucky or unlucky as a change is good or bad (README, "How much of that is the draw"): judge
a change against the committed templates drawn as often, with the same --draws.

Models go to target/seed_study/NAME/SEED, or NAME/dDRAW-SEED with several draws (about four
minutes each, single-threaded; two run at once on two cores). Columns: intent accuracy / slot
F1, and for the sets of negatives how many lines were taken for a shopping command (an answer
alone is none) and how many of those as spends. Needs a release build (cargo build --release) and, for the telephone rows, the
Asterisk prompt packages scripts/setup installs.
"""
import argparse, json, pathlib, re, subprocess, sys, tomllib
from concurrent.futures import ThreadPoolExecutor

ROOT = pathlib.Path(__file__).resolve().parent.parent
BIN = ROOT / "target/release/voxshop"
sys.path.insert(0, str(ROOT / "scripts"))

# Labelled held-out sets: accuracy / slot F1.
LABELLED = ["tests/data/intent_test_en.jsonl", "tests/data/intent_test_fr.jsonl",
            "tests/data/intent_test2_en.jsonl", "tests/data/intent_test2_fr.jsonl",
            "tests/data/slurp_test.jsonl", "tests/data/unseen_items2_en.jsonl",
            "tests/data/unseen_items2_fr.jsonl", "tests/data/multi_commands.jsonl",
            "tests/data/phrasing_test_en.jsonl", "tests/data/phrasing_test_fr.jsonl",
            "tests/data/devices_test.jsonl", "tests/data/household_talk_en.jsonl",
            "tests/data/household_talk_fr.jsonl", "tests/data/remarks_after_commands2.jsonl"]
# Labelled sets looked at while changing the corpus, and the calibration's dev sets
# (data/training.toml): shown apart, so as not to be taken for held-out figures.
DEV = ["tests/data/phrasing_dev_en.jsonl", "tests/data/phrasing_dev_fr.jsonl",
       "tests/data/devices_dev.jsonl", "tests/data/intent_dev2_en.jsonl",
       "tests/data/intent_dev2_fr.jsonl", "tests/data/unseen_items_en.jsonl",
       "tests/data/unseen_items_fr.jsonl", "tests/data/single_commands_with_and.jsonl",
       "tests/data/remarks_after_commands.jsonl", "tests/data/household_dev_en.jsonl",
       "tests/data/household_dev_fr.jsonl"]
# Negatives of the dev part of the real data (calibration fits the bars there and on the sets
# above, so this row shows how a model sits against its bar, not a held-out rate).
DEV_NEGATIVES = ["data/real/dev.jsonl"]
# Sets of lines that are no command: taken / spends.
NEGATIVES = ["tests/data/slurp_test.jsonl", "tests/data/slurp_lm_oos_test.jsonl",
             "tests/data/oos_fr_test.jsonl", "tests/data/overheard_en.jsonl",
             "tests/data/overheard_fr.jsonl", "tests/data/household_talk_en.jsonl",
             "tests/data/household_talk_fr.jsonl"]
NOT_SHOPPING = {"out_of_scope", "confirm", "deny"}


def spend_intents():
    domain = tomllib.load(open(ROOT / "crates/voxshop/data/domain.toml", "rb"))
    return {i["name"] for i in domain["intents"] if i.get("confirm")}


def negatives(path):
    rows = [json.loads(l) for l in open(ROOT / path, encoding="utf-8") if l.strip()]
    return [r["text"] for r in rows if r.get("intent", "out_of_scope") == "out_of_scope"
            and not r.get("commands")]


def telephone(lang):
    try:
        from eval_stt import EXTRA_SETS
        return sorted({" ".join(t.split()) for _, t in EXTRA_SETS[f"ast-{lang}"]()})
    except (OSError, ImportError):
        return []


def taken(model, texts, spends):
    """Lines of `texts` read as a shopping command, and as a spend."""
    if not texts:
        return None
    out = subprocess.run([str(BIN), "classify", "--json", "--intent-model", str(model)],
                         input="\n".join(texts) + "\n", capture_output=True, text=True,
                         check=True).stdout
    hit, spent = set(), set()
    for line in out.splitlines():
        o = json.loads(line)
        if o["intent"] not in NOT_SHOPPING:
            hit.add(o["transcript"])
            if o["intent"] in spends:
                spent.add(o["transcript"])
    return len(hit), len(spent), len(texts)


def eval_intent(model, path):
    """Intent accuracy (%), slot F1, and the lines right of all, as `voxshop eval-intent` says."""
    out = subprocess.run([str(BIN), "eval-intent", "--intent-model", str(model), str(ROOT / path)],
                         capture_output=True, text=True, check=True).stdout
    acc = re.search(r"intent accuracy ([\d.]+)% \((\d+)/(\d+)\)", out)
    f1 = re.search(r"F1 ([\d.]+)", out)
    return float(acc.group(1)), float(f1.group(1)), int(acc.group(2)), int(acc.group(3))


def accuracy(model, path):
    return eval_intent(model, path)[:2]


def score(model):
    spends = spend_intents()
    row = {}
    for s in LABELLED:
        row[f"{pathlib.Path(s).stem} acc/F1"] = accuracy(model, s)
    right, total = 0, 0
    for s in DEV:
        acc, f1, r, n = eval_intent(model, s)
        row[f"(dev) {pathlib.Path(s).stem} acc/F1"] = (acc, f1)
        right, total = right + r, total + n
    # One number to choose between models by (a draw, a seed): every dev line right.
    row["(dev) lines right, all dev sets"] = (right, total, None)
    for s in DEV_NEGATIVES:
        row[f"(dev) {pathlib.Path(s).parent.name}/{pathlib.Path(s).stem} taken/spends"] = \
            taken(model, negatives(s), spends)
    for s in NEGATIVES:
        row[f"{pathlib.Path(s).stem} taken/spends"] = taken(model, negatives(s), spends)
    for lang in ["en", "fr"]:
        row[f"telephone prompts {lang} taken/spends"] = taken(model, telephone(lang), spends)
    return row


def cell(v):
    if v is None:
        return "-"
    if len(v) == 2:
        return f"{v[0]:.1f} / {v[1]:.3f}"
    if v[2] is None:
        return f"{v[0]:.4g} of {v[1]:g}"
    return f"{v[0]:.3g} / {v[1]:.3g} of {v[2]:g}"


def mean(rows, key):
    vals = [r[key] for r in rows if r[key] is not None]
    if not vals:
        return None
    return tuple(None if vals[0][i] is None else sum(v[i] for v in vals) / len(vals)
                 for i in range(len(vals[0])))


def train(name, model, seed, plan, corpus, extra):
    out = ROOT / f"target/seed_study/{name}/{model}"
    cmd = [str(BIN), "train-intent", "--corpus", str(corpus)]
    for f in plan["train"]["corpus"]:
        cmd += ["--corpus", str(ROOT / f)]
    for f in plan["train"]["dev"]:
        cmd += ["--dev", str(ROOT / f)]
    if plan["train"].get("vectors"):
        cmd += ["--vectors", str(ROOT / plan["train"]["vectors"]),
                "--vector-scale", str(plan["train"].get("vector_scale", 1.0))]
    if plan["train"].get("completers"):
        cmd += ["--completers", str(plan["train"]["completers"])]
    cmd += ["--seed", str(seed), "--out", str(out), *extra]
    with open(f"{out}.log", "w") as log:
        subprocess.run(cmd, stdout=log, stderr=subprocess.STDOUT, check=True)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("name", nargs="?")
    ap.add_argument("--seeds", type=int, nargs="+", default=[42, 7, 1234])
    ap.add_argument("--draws", type=int, nargs="+", help="generator seeds (default: one, "
                    "data/training.toml's)")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--also", action="append", default=[], help="a trained model to score beside")
    ap.add_argument("--score", nargs="+", help="only score these trained models")
    ap.add_argument("--train-args", default="",
                    help="more flags for voxshop train-intent, one string (none that "
                         "data/training.toml already sets: train-intent takes each once)")
    # The generator's flags follow "--" whatever comes before (argparse alone refuses
    # "NAME --seeds ... -- --seed 43": a positional list after an option list).
    argv = sys.argv[1:]
    cut = argv.index("--") if "--" in argv else len(argv)
    a = ap.parse_args(argv[:cut])
    a.gen = argv[cut + 1:]
    columns = []  # (label, [rows])
    if a.score:
        columns += [(d, [score(pathlib.Path(d))]) for d in a.score]
    else:
        if not a.name:
            ap.error("a study NAME, or --score DIR...")
        plan = tomllib.load(open(ROOT / "data/training.toml", "rb"))
        g = plan["generator"]
        base = ROOT / f"target/seed_study/{a.name}"
        base.mkdir(parents=True, exist_ok=True)
        draws = a.draws or [g["seed"]]
        runs = []  # (label, model directory name, training seed, corpus)
        for d in draws:
            # One draw keeps the layout of studies made before --draws.
            tag = "" if a.draws is None else f"d{d}-"
            corpus = base / f"{tag}corpus.jsonl"
            subprocess.run([sys.executable, str(ROOT / "scripts/gen_corpus.py"), "--plan",
                            str(ROOT / "data/training.toml"), "--seed", str(d), "--out",
                            str(corpus), *a.gen], check=True)
            label = "" if a.draws is None else f" draw {d}"
            runs += [(f"{a.name}{label} seed {s}", f"{tag}{s}", s, corpus) for s in a.seeds]
        with ThreadPoolExecutor(a.jobs) as pool:
            models = list(pool.map(lambda r: train(a.name, r[1], r[2], plan, r[3],
                                                   a.train_args.split()), runs))
        rows = [score(m) for m in models]
        columns += [(label, [r]) for (label, *_), r in zip(runs, rows)]
        columns.append((f"{a.name} mean of {len(rows)}", rows))
    columns += [(d, [score(pathlib.Path(d))]) for d in a.also]
    keys = list(columns[0][1][0])
    print("| set | " + " | ".join(label for label, _ in columns) + " |")
    print("|---" * (len(columns) + 1) + "|")
    for k in keys:
        print(f"| {k} | " + " | ".join(cell(mean(rows, k)) for _, rows in columns) + " |")


if __name__ == "__main__":
    main()
