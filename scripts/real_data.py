#!/usr/bin/env python3
"""Real people's requests for training and testing the intent model: SLURP (CC BY 4.0, see
data/slurp/README.md) mapped onto our intents, and hand-written French negatives.

How SLURP is mapped (data/slurp/README.md says why):
- every line that could be a shopping command (it matches SHOPPING_WORDS, or its SLURP scenario
  is `lists` / `takeaway`, or its SLURP intent is `transport_ticket`) carries a hand label in
  data/slurp/labels.jsonl: one of our intents, or `exclude` for what is genuinely ambiguous for a
  shopping speaker (takeaway food orders, tickets, reminders to buy);
- every other devel line is `out_of_scope` by its SLURP scenario (calendar, music, weather...);
- every other lm.txt line is `out_of_scope` for training; lm.txt lines are not labelled, so
  they only give the secondary test figure (`slurp_lm_oos_test.jsonl`).
Splits are by a hash of the lower-cased text (the same request always lands in the same
part): 55 % train, 15 % dev, 30 % test.

Usage: scripts/real_data.py [--slurp ../shared/data/slurp]   (writes the files below; run it
after changing data/slurp/labels.jsonl or data/fr_negatives.jsonl, then scripts/train-intent)
  data/real/train.jsonl            corpus lines (lang, intent, text, spans, slots)
  data/real/dev.jsonl              labelled lines for calibration (text, intent, slots)
  tests/data/slurp_test.jsonl      SLURP devel test part + labelled lm test part
  tests/data/slurp_lm_oos_test.jsonl  unlabelled lm lines of the test part (no shopping word)
  tests/data/oos_fr_test.jsonl     hand-written French negatives, test part
French negatives: data/fr_negatives.jsonl is split like SLURP; data/fr_negatives_train.jsonl
(written later, avoiding the first set) is for training only.
"""
import argparse, hashlib, json, pathlib, re, sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
SHOPPING_WORDS = re.compile(
    r"\b(lists?|buy|bought|purchase\w*|order\w*|shop\w*|cart|basket|donat\w*|charit\w*|coupons?|"
    r"deals?|offers?|cashback|discounts?|savings?|saved?|reorder|deliver\w*|package|parcel|amazon|"
    r"grocer\w*|takeaway|take away|pizza|groceries|add|remove|put|get me|need)\b")
LIST_INTENTS = ("add_to_list", "remove_from_list", "read_list", "clear_list")
# Hand-labelled requests are few beside the generator's thousands per intent, and they are
# the hard ones (list commands as people say them, negatives that use shopping words): each
# is seen HAND_LABELLED_WEIGHT times per epoch, each hand-written French negative
# FR_NEGATIVE_WEIGHT times (they stand for a whole language's worth of SLURP).
HAND_LABELLED_WEIGHT = 4
FR_NEGATIVE_WEIGHT = 4
# Real negatives per training epoch: enough to cover SLURP's scenarios, few enough that the
# generated in-domain commands still dominate.
MAX_TRAIN_LM_NEGATIVES = 8000


def part(text):
    h = int(hashlib.sha256(text.lower().strip().encode()).hexdigest()[:8], 16) % 100
    return "train" if h < 55 else "dev" if h < 70 else "test"


def needs_label(text, scenario=None, slurp_intent=None):
    return (SHOPPING_WORDS.search(text.lower()) is not None
            or scenario in ("lists", "takeaway") or slurp_intent == "transport_ticket")


def corpus_line(text, intent, slots, spans, lang="en", weight=1):
    r = {"lang": lang, "intent": intent, "text": text.lower(), "spans": spans, "slots": slots}
    if weight != 1:
        r["weight"] = weight
    return r


def labelled_line(text, intent, slots, source):
    return {"text": text, "intent": intent, "slots": slots, "source": source}


def check_label(r):
    if r["intent"] in LIST_INTENTS and "list" not in r["slots"]:
        sys.exit(f"data/slurp/labels.jsonl: {r['text']!r}: list intent without list slot")
    low = " " + r["text"].lower() + " "
    for slot, surface in r["spans"]:
        if f" {surface} " not in low:
            sys.exit(f"data/slurp/labels.jsonl: {r['text']!r}: span {surface!r} not in text")


def write(path, rows):
    path = ROOT / path
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False, separators=(", ", ": ")) + "\n")
    print(f"{path.relative_to(ROOT)}: {len(rows)}", file=sys.stderr)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--slurp", default=str(ROOT.parent / "shared/data/slurp"))
    a = ap.parse_args()
    slurp = pathlib.Path(a.slurp)
    labels = [json.loads(l) for l in open(ROOT / "data/slurp/labels.jsonl", encoding="utf-8")]
    for r in labels:
        check_label(r)
    by_id = {r["slurp_id"]: r for r in labels if r["source"] == "devel"}
    by_text = {r["text"].lower(): r for r in labels if r["source"] == "lm"}

    train, dev, test, lm_test = [], [], [], []
    seen = set()

    def place(text, intent, slots, spans, source, weight=HAND_LABELLED_WEIGHT):
        key = text.lower().strip()
        if intent == "exclude" or key in seen:
            return
        seen.add(key)
        p = part(text)
        if p == "train":
            train.append(corpus_line(text, intent, slots, spans, weight=weight))
        else:
            (dev if p == "dev" else test).append(labelled_line(text, intent, slots, source))

    for line in open(slurp / "devel.jsonl", encoding="utf-8"):
        d = json.loads(line)
        if needs_label(d["sentence"], d["scenario"], d["intent"]):
            r = by_id.get(d["slurp_id"])
            if r is None:
                sys.exit(f"data/slurp/labels.jsonl: no label for devel {d['slurp_id']} "
                         f"{d['sentence']!r}")
            place(r["text"], r["intent"], r["slots"], r["spans"], "slurp-devel")
        else:
            place(d["sentence"], "out_of_scope", {}, [], "slurp-devel", weight=1)

    lm_negatives = []
    for line in open(slurp / "lm.txt", encoding="utf-8"):
        text = line.strip()
        if not text or text.lower() in seen:
            continue
        if needs_label(text):
            r = by_text.get(text.lower())
            if r is None:
                sys.exit(f"data/slurp/labels.jsonl: no label for lm line {text!r}")
            place(r["text"], r["intent"], r["slots"], r["spans"], "slurp-lm")
            continue
        seen.add(text.lower())
        p = part(text)
        if p == "train":
            lm_negatives.append(corpus_line(text, "out_of_scope", {}, []))
        elif p == "test":
            lm_test.append(labelled_line(text, "out_of_scope", {}, "slurp-lm"))
    # A fixed, evenly spread subset: every k-th line in file order.
    step = max(1, -(-len(lm_negatives) // MAX_TRAIN_LM_NEGATIVES))
    train += lm_negatives[::step]

    fr = [json.loads(l) for l in open(ROOT / "data/fr_negatives.jsonl", encoding="utf-8")]
    fr_test = []
    for r in fr:
        p = part(r["text"])
        if p == "train":
            train.append(corpus_line(r["text"], "out_of_scope", {}, [], "fr", FR_NEGATIVE_WEIGHT))
        elif p == "dev":
            dev.append(labelled_line(r["text"], "out_of_scope", {}, "fr-written"))
        else:
            fr_test.append(labelled_line(r["text"], "out_of_scope", {}, "fr-written"))

    # A second hand-written set, for training only (written after the first, avoiding it).
    for line in open(ROOT / "data/fr_negatives_train.jsonl", encoding="utf-8"):
        r = json.loads(line)
        train.append(corpus_line(r["text"], "out_of_scope", {}, [], "fr", FR_NEGATIVE_WEIGHT))

    write("data/real/train.jsonl", train)
    write("data/real/dev.jsonl", dev)
    write("tests/data/slurp_test.jsonl", test)
    write("tests/data/slurp_lm_oos_test.jsonl", lm_test)
    write("tests/data/oos_fr_test.jsonl", fr_test)


if __name__ == "__main__":
    main()
