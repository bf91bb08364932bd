#!/usr/bin/env python3
"""Synthetic training corpus for the voice-shopping intent classifier + slot tagger.

Usage:
    python3 scripts/gen_corpus.py --seed 42 --per-intent 1500 --out corpus.jsonl

Output: JSON Lines, one example per line:
    {"lang": "en"|"fr", "intent": ..., "text": ..., "spans": [[slot, surface], ...], "slots": {...}}

Labels follow ../shared/DOMAIN.md (the contract) and docs/slot-conventions.md. What is said
is data: the domain's intents, slots, units, currencies, numbers and list names in
crates/voxshop/data/domain.toml (the recogniser embeds the same file), the templates,
products, brands, names and draw weights in data/corpus/*.toml; the code (scripts/corpus/)
makes phrases of them.
Choices made here where neither document is explicit:
  * "a couple of apples": quantity span is "a couple" (the "of" stays outside, like in
    "two litres of milk"); "a dozen" / "half a dozen" / "une douzaine" /
    "une demi-douzaine" are quantity spans (12 / 6, no unit).
  * Article before a unit ("a bottle of wine", "un litre de lait"): the article is the
    quantity span ("a" -> 1).  French "une pomme" (no unit) is a determiner: no quantity.
  * French elision: "d'oeufs" -> item span "oeufs"; "liste d'anniversaire" -> list span
    "anniversaire"; "site d'ikea" -> merchant span "ikea".
  * Contacts are spoken names / relations without possessive: "my brother" -> "brother",
    "ma soeur" -> "soeur", "maman" -> "maman".
  * Charities / lists: the article is not part of the span ("the red cross" -> "red cross",
    "aux restos du coeur" -> "restos du coeur").
  * list: "shopping"/"grocery"/"courses" spans normalise to "shopping"; "my list" /
    "ma liste" carry list=shopping without a span (no name spoken).  For add/remove/read/clear
    list=shopping is always present; for check_savings / share_product only when a list is
    spoken.
  * buy vs buy_for_me: buy_for_me always has a third-party web-shop cue ("on the ikea
    website", "sur le site de nike", "dot com", "app"); buy may name a retailer
    ("order batteries from amazon") without such a cue.
  * English text is ASCII (accents stripped from gazetteer names, e.g. "president");
    French text keeps accents.
Standard library only; deterministic for a given seed: every draw is in a fixed order, and
the intent model is trained on this output, byte for byte the weights whose checksum is
committed (scripts/setup retrains and checks them).
"""

import argparse
import json
import random
import sys
import tomllib

from corpus.datafile import DataError

try:
    from corpus.data import DATA, DOMAIN
    from corpus.records import (check_record, make_composed, make_example, make_remark,
                                make_remarked, make_several_items)
except DataError as e:
    sys.exit("gen_corpus.py: %s" % e)

# What scripts/make_catalog_unrelated.py reads of the generator's names.
PRODUCTS = DATA.products
BRAND_HINT = DATA.brand_hint
MERCHANT_LIST = DATA.merchants
CHARITY = DATA.charities
EN_NAMES = ", ".join(DATA.first_names["en"])
FR_NAMES = ", ".join(DATA.first_names["fr"])


# The generator's settings when neither the plan nor a flag gives them (names as in
# data/training.toml's [generator] and generate()).
DEFAULTS = {"seed": 42, "per_intent": 1500, "oos_factor": 3.0, "en_ratio": 0.55, "noise_p": 0.15,
            "several_items": 0, "composed": 0, "remarks": 0, "remarks_alone": 0}


def generate(seed, per_intent, oos_factor=DEFAULTS["oos_factor"], en_ratio=DEFAULTS["en_ratio"],
             noise_p=DEFAULTS["noise_p"], several_items=0, composed=0, remarks=0,
             remarks_alone=0):
    """The shuffled corpus: per_intent commands of each intent (out_of_scope: oos_factor times
    more), en_ratio of them English, then the several-item and composed utterances. A text
    already made is drawn again: a text under two intents would teach both; the same intent's
    text may repeat after six tries (short intents have few texts).

    Then `remarks` commands followed by a remark that is no command, and `remarks_alone`
    remarks alone, drawn by a generator of their own and put in at places it draws: every
    other record is the same and in the same order as without them."""
    rng = random.Random(seed)
    out, text_intent = [], {}
    for intent in DOMAIN.intents:
        n = int(round(per_intent * (oos_factor if intent == "out_of_scope" else 1)))
        n_en = int(round(n * en_ratio))
        for lang, k in (("en", n_en), ("fr", n - n_en)):
            for _ in range(k):
                chosen = None
                for attempt in range(10):
                    ex = make_example(rng, intent, lang, noise_p)
                    prev = text_intent.get(ex["text"])
                    if prev is None or (prev == intent and attempt >= 6):
                        chosen = ex
                        break
                if chosen is None:
                    continue
                text_intent[chosen["text"]] = intent
                out.append(chosen)
    out += more(rng, en_ratio, noise_p, text_intent,
                ((make_several_items, several_items), (make_composed, composed)))
    rng.shuffle(out)
    remark_rng = random.Random("remarks-%d" % seed)
    for ex in more(remark_rng, en_ratio, noise_p, text_intent,
                   ((make_remarked, remarks), (make_remark, remarks_alone))):
        out.insert(remark_rng.randrange(len(out) + 1), ex)
    return out


def more(rng, en_ratio, noise_p, text_intent, makers):
    """What each of `makers` makes, as many as it is paired with, en_ratio of them English,
    none of a text already made."""
    out = []
    for make, n in makers:
        n_en = int(round(n * en_ratio))
        for lang, k in (("en", n_en), ("fr", n - n_en)):
            for _ in range(k):
                ex = make(rng, lang, noise_p)
                if ex["text"] not in text_intent:
                    text_intent[ex["text"]] = "several"
                    out.append(ex)
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--plan", help="take the settings not given here from this file's "
                    "[generator] table (data/training.toml: what scripts/train-intent trains on)")
    ap.add_argument("--seed", type=int)
    ap.add_argument("--per-intent", type=int,
                    help="examples per intent (out_of_scope gets --oos-factor times this)")
    ap.add_argument("--oos-factor", type=float)
    ap.add_argument("--en-ratio", type=float)
    ap.add_argument("--noise", dest="noise_p", type=float, help="fraction with ASR-like noise")
    ap.add_argument("--several-items", type=int,
                    help="utterances naming several items under one verb")
    ap.add_argument("--composed", type=int, help="utterances of two or three commands")
    ap.add_argument("--remarks", type=int,
                    help="commands followed by a remark that is no command "
                    "(data/corpus/remarks.toml)")
    ap.add_argument("--remarks-alone", type=int, help="remarks alone, out_of_scope")
    ap.add_argument("--out", default="corpus.jsonl")
    ap.add_argument("--check", action="store_true", help="validate every record, exit 1 on error")
    ap.add_argument("--stats", action="store_true", help="print counts to stderr")
    args = ap.parse_args(argv)
    settings = dict(DEFAULTS)
    if args.plan:
        with open(args.plan, "rb") as f:
            plan = tomllib.load(f)["generator"]
        unknown = set(plan) - set(DEFAULTS)
        if unknown:
            sys.exit("gen_corpus.py: %s [generator]: unknown settings %s (known: %s)" %
                     (args.plan, ", ".join(sorted(unknown)), ", ".join(DEFAULTS)))
        settings.update(plan)
    settings.update({k: v for k, v in vars(args).items() if k in DEFAULTS and v is not None})

    data = generate(**settings)
    with open(args.out, "w", encoding="utf-8", newline="\n") as f:
        for r in data:
            f.write(json.dumps(r, ensure_ascii=False, separators=(", ", ": ")) + "\n")

    bad = 0
    if args.check:
        for r in data:
            errs = check_record(r)
            if errs:
                bad += 1
                if bad <= 20:
                    print("INVALID %s: %s" % (json.dumps(r, ensure_ascii=False), errs),
                          file=sys.stderr)
    if args.stats or args.check:
        counts = {}
        for r in data:
            key = (r.get("intent", "(composed)"), r["lang"])
            counts[key] = counts.get(key, 0) + 1
        print("%-18s %6s %6s" % ("intent", "en", "fr"), file=sys.stderr)
        for intent in DOMAIN.intents + ["(composed)"]:
            print("%-18s %6d %6d" % (intent, counts.get((intent, "en"), 0),
                                     counts.get((intent, "fr"), 0)), file=sys.stderr)
        print("total %d, distinct texts %d, invalid %d" %
              (len(data), len({r["text"] for r in data}), bad), file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
