#!/usr/bin/env python3
"""Writes tests/data/catalog_unrelated_2000.toml: a 2,000-entry household catalogue of names
unrelated to the real recordings (Asterisk prompts, LibriVox), to measure that steering the
recogniser toward a catalogue does not change what it hears when none of its names is said
(README, "Catalogue-aware recognition"). Names: the generator's products, brands, merchants,
charities and first names (EN and FR), then SLURP's people, places, businesses, artists,
songs, events, foods, games... until there are 2,000. Deterministic; run it only to change the file.
"""
import json, pathlib, re, sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import gen_corpus as g  # noqa: E402

TOTAL = 2000
SLURP_KINDS = {"person": "contacts", "business_name": "merchants", "place_name": "items",
               "artist_name": "brands", "song_name": "items", "event_name": "items",
               "food_type": "items", "radio_name": "merchants", "game_name": "items",
               "audiobook_name": "items", "podcast_name": "items", "app_name": "merchants",
               "device_type": "items", "definition_word": "items"}


def main():
    kinds = {k: [] for k in ("items", "brands", "merchants", "charities", "contacts")}
    seen = set()

    def add(kind, name):
        name = name.strip().lower()
        if len(seen) < TOTAL and re.search(r"[a-zà-ÿ]", name) and name not in seen:
            seen.add(name)
            kinds[kind].append(name)

    for lang in ("en", "fr"):
        for p in g.PRODUCTS[lang]:
            add("items", p.name)
    for b in g.BRAND_HINT:
        add("brands", b)
    for m in g.MERCHANT_LIST:
        add("merchants", m)
    for lang in ("en", "fr"):
        for c, _ in g.CHARITY[lang]:
            add("charities", c)
    for n in (g.EN_NAMES + "," + g.FR_NAMES).split(","):
        add("contacts", n)
    slurp = ROOT.parent / "shared/data/slurp/devel.jsonl"
    for line in open(slurp, encoding="utf-8"):
        ann = json.loads(line)["annotation"]
        for kind, value in re.findall(r"\[(\w+) : ([^\]]+)\]", ann):
            if kind in SLURP_KINDS:
                add(SLURP_KINDS[kind], value)
    assert len(seen) == TOTAL, f"only {len(seen)} names"
    out = ROOT / "tests/data/catalog_unrelated_2000.toml"
    with open(out, "w", encoding="utf-8") as f:
        f.write("# 2,000 names unrelated to the real recordings, made by "
                "scripts/make_catalog_unrelated.py\n# (generator gazetteers + SLURP entities, "
                "CC BY 4.0: see data/slurp/README.md).\n")
        for k, names in kinds.items():
            f.write(f"{k} = {json.dumps(names, ensure_ascii=False)}\n")
    print(out, {k: len(v) for k, v in kinds.items()})


if __name__ == "__main__":
    main()
