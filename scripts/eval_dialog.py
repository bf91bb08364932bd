#!/usr/bin/env python3
"""The spending dialog, measured on typed conversations: a spend request, then the reply to
the speaker's "shall I go ahead?".

Usage: scripts/eval_dialog.py [--errors] [--bin B] FILE.jsonl... [-- voxshop classify args]
Each line of FILE: {"lang", "asked", "reply", "outcome"}, outcome one of "confirmed",
"cancelled" (the reply settles the asked purchase so) or "none" (it settles nothing: another
request, talk, a yes to another item). Each pair is one conversation of
`voxshop classify --dialog --json` (the reply a second after the request). Reports, per
language and in all:
- right: the reply settled the asked action as labelled (a request not read as a spend,
  which asks nothing, counts as wrong unless the label is "none");
- wrongly confirmed: a reply not labelled "confirmed" that confirmed it (a purchase nobody
  agreed to: the error that costs money), and wrongly cancelled;
- not asked: requests read as no spend at all.
"""
import argparse, collections, json, pathlib, subprocess, sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUTCOMES = ("confirmed", "cancelled", "none")


def load(paths):
    pairs = []
    for path in paths:
        for n, line in enumerate(pathlib.Path(path).read_text().splitlines(), 1):
            if not line.strip():
                continue
            p = json.loads(line)
            if p.get("outcome") not in OUTCOMES or not p.get("asked") or not p.get("reply"):
                sys.exit(f"{path}:{n}: needs asked, reply and outcome in {OUTCOMES}")
            pairs.append(p)
    return pairs


def one_line(text):
    return " ".join(text.split())


def converse(pairs, binary, extra):
    """Each pair's (request objects, reply objects) as `classify --dialog` gives them."""
    stdin = "".join(f"{one_line(p['asked'])}\n{one_line(p['reply'])}\n\n" for p in pairs)
    out = subprocess.run([binary, "classify", "--dialog", "--json", *extra], input=stdin,
                         capture_output=True, text=True, check=True).stdout
    objects = [json.loads(line) for line in out.splitlines()]
    at, said = 0, []
    for p in pairs:
        turns = []
        for text in (one_line(p["asked"]), one_line(p["reply"])):
            mine = []
            while at < len(objects) and objects[at]["transcript"] == text:
                mine.append(objects[at])
                at += 1
            turns.append(mine)
        said.append(turns)
    if at != len(objects):
        sys.exit(f"{len(objects) - at} objects left over: the output is not one per line")
    return said


def outcome_of(asked, reply):
    """How the reply settled the action the request asked for (None: none was asked)."""
    ids = {o["action_id"] for o in asked if o.get("action_id")}
    if not ids:
        return None
    for o in reply:
        if o.get("resolves") in ids:
            return o.get("outcome") or "none"
    return "none"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("files", nargs="+")
    ap.add_argument("--bin", default=str(ROOT / "target/release/voxshop"))
    ap.add_argument("--errors", action="store_true", help="print each wrong pair")
    argv = sys.argv[1:]
    cut = argv.index("--") if "--" in argv else len(argv)
    args = ap.parse_args(argv[:cut])
    extra = argv[cut + 1:]  # after --: voxshop args, e.g. --intent-model DIR
    pairs = load(args.files)
    said = converse(pairs, args.bin, extra)
    stats = collections.defaultdict(collections.Counter)
    for p, (asked, reply) in zip(pairs, said):
        got = outcome_of(asked, reply)
        want = p["outcome"]
        for key in (p.get("lang", "?"), "all"):
            s = stats[key]
            s["pairs"] += 1
            s["right"] += (got or "none") == want and (got is not None or want == "none")
            s["not asked"] += got is None
            s["wrongly confirmed"] += got == "confirmed" and want != "confirmed"
            s["wrongly cancelled"] += got == "cancelled" and want != "cancelled"
            s[f"{want} right"] += got == want
            s[want] += 1
        if args.errors and got != want:
            print(f"[{want} -> {got}] {p['asked']} | {p['reply']} -> "
                  + ", ".join(o["intent"] for o in reply))
    for key in sorted(stats, key=lambda k: k == "all"):
        s = stats[key]
        per = ", ".join(f"{o} {s[o + ' right']}/{s[o]}" for o in OUTCOMES)
        print(f"{key}: right {s['right']}/{s['pairs']} ({100 * s['right'] / s['pairs']:.1f} %)"
              f" [{per}]; wrongly confirmed {s['wrongly confirmed']}, wrongly cancelled"
              f" {s['wrongly cancelled']}, not asked {s['not asked']}")


if __name__ == "__main__":
    main()
