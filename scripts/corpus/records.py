"""Corpus records: one command, several items under one verb, or several commands in one
utterance, with their spans and slots; and the checks every record must pass."""

import re

from .data import DATA, DOMAIN
from .grammar import fr_contract_and_elide, join_text, weighted_choice
from .phrases import Context
from .speech import add_fillers, apply_noise, short_answer
from .templates import render

# The slots each of several items under one verb has of its own ("two milks and a bread").
PER_ITEM_SLOTS = ("item", "quantity", "unit", "brand")
# Intents whose commands may name several items ("add milk and eggs").
SEVERAL_ITEM_INTENTS = ("add_to_list", "remove_from_list", "buy")
# Intents said first or later in a composed utterance (a yes or no only opens one).
COMPOSABLE = [i for i in DOMAIN.intents if i not in ("confirm", "deny", "out_of_scope")]


def make_example(rng, intent, lang, noise_p, n_items=1, fillers=True):
    """One command: {"lang", "intent", "text", "spans", "slots"}, and "commands" (one per
    item) when it names several items."""
    ctx = Context(rng, lang, intent)
    ctx.n_items = n_items
    allowed = DOMAIN.slots_by_intent[intent]
    t = [[w.lower(), tag if tag in allowed else None] for w, tag in said(ctx, fillers, noise_p)
         if w]
    spans = spans_of(t)
    items = ctx.items or [{}]
    commands = [{"intent": intent, "slots": command_slots(ctx, own)} for own in items]
    check_spans_and_slots(t, spans, len(items), commands)
    r = {"lang": lang, "intent": intent, "text": join_text(t), "spans": spans,
         "slots": commands[0]["slots"]}
    if len(commands) > 1:
        r["commands"] = commands
    return r


def said(ctx, fillers, noise_p):
    """The utterance's tokens as said, then as the recogniser may hear them (noise_p)."""
    rng = ctx.rng
    if ctx.intent in DATA.answers:
        t = short_answer(ctx)
    else:
        t = render(ctx, rng.choice(DATA.templates[ctx.intent][ctx.lang]))
        if fillers:
            t = add_fillers(ctx, t)
    return heard(ctx, t, noise_p)


def heard(ctx, t, noise_p):
    """Tokens `t` as said (French contracted and elided), then, noise_p of the time, as the
    recogniser may hear them."""
    if ctx.lang == "fr":
        t = fr_contract_and_elide(t)
    if ctx.rng.random() < noise_p:
        t = apply_noise(ctx, t)
        if ctx.lang == "fr":
            t = fr_contract_and_elide(t)
    return t


def command_slots(ctx, own):
    """One item's command: its own slots, then the shared ones, in the intent's slot order;
    the default list when a list intent names none."""
    slots = {}
    for k in DOMAIN.slots_by_intent[ctx.intent]:
        if k in own:
            slots[k] = own[k]
        elif k in ctx.slots:
            slots[k] = ctx.slots[k]
    if ctx.intent in DOMAIN.list_default_intents and "list" not in slots:
        slots["list"] = DOMAIN.default_list
    return slots


def spans_of(t):
    """[[slot, words]] of the runs of tokens tagged with a slot, in order."""
    spans, cur, cur_tag = [], [], None
    for w, tag in t + [["", None]]:
        if tag is not None and tag == cur_tag:
            cur.append(w)
            continue
        if cur_tag is not None:
            spans.append([cur_tag, " ".join(cur)])
        cur, cur_tag = ([w], tag) if tag is not None else ([], None)
    return spans


def check_spans_and_slots(t, spans, n_items, commands):
    """Spans and slots agree: only an item's own slots repeat, once per item; every span has
    its slot and every slot but the default list its span. A bug here is the generator's."""
    names = [s[0] for s in spans]
    for n in set(names):
        if names.count(n) > (n_items if n in PER_ITEM_SLOTS else 1):
            raise ValueError("duplicate span %s in %r" % (n, t))
        if not any(n in c["slots"] for c in commands):
            raise ValueError("span without slot %s in %r" % (n, t))
    for c in commands:
        for k in c["slots"]:
            if k not in names and k != "list":
                raise ValueError("slot without span %s in %r" % (k, t))


def make_several_items(rng, lang, noise_p):
    intent = rng.choice(SEVERAL_ITEM_INTENTS)
    n = 3 if rng.random() < 0.15 else 2
    return make_example(rng, intent, lang, noise_p, n_items=n)


def make_composed(rng, lang, noise_p):
    """Two or three commands in one utterance, in spoken order, as `parts` (a non-shopping
    fragment may stand beside them; an utterance of fragments only is not made here)."""
    n = 3 if rng.random() < 0.12 else 2
    intents = [rng.choice(COMPOSABLE) for _ in range(n)]
    r = rng.random()
    if r < 0.12:
        intents[rng.randrange(n)] = "out_of_scope"
    elif r < 0.18:
        intents[0] = rng.choice(("confirm", "deny"))
    parts, words = [], []
    for k, intent in enumerate(intents):
        several = intent in SEVERAL_ITEM_INTENTS and rng.random() < 0.15
        ex = make_example(rng, intent, lang, noise_p, n_items=2 if several else 1,
                          fillers=k == 0)
        if k:
            words.append(weighted_choice(rng, DATA.command_joiners[lang]))
        words.append(ex["text"])
        part = {"intent": intent, "text": ex["text"], "spans": ex["spans"]}
        part["commands"] = ex.get("commands", [{"intent": intent, "slots": ex["slots"]}])
        parts.append(part)
    text = " ".join(w for w in words if w)
    commands = [c for p in parts for c in p.pop("commands") if c["intent"] != "out_of_scope"]
    return {"lang": lang, "text": text, "parts": parts, "commands": commands}


def make_remark(rng, lang, noise_p):
    """A remark that is no command ("we're running low", "on en a encore"): out_of_scope."""
    ctx = Context(rng, lang, "out_of_scope")
    t = heard(ctx, render(ctx, rng.choice(DATA.remarks[lang])), noise_p)
    return {"lang": lang, "intent": "out_of_scope", "text": join_text(t), "spans": [],
            "slots": {}}


def make_remarked(rng, lang, noise_p):
    """One command and a remark about it, in one breath ("add coffee to my list we're running
    low", "we're nearly out so add coffee to my list"), as `parts`: the remark is a part of
    its own that holds no command."""
    intent = rng.choice(COMPOSABLE)
    ex = make_example(rng, intent, lang, noise_p)
    remark = make_remark(rng, lang, noise_p)
    share_first, joiners_first = DATA.remark_first[lang]
    command = {"intent": intent, "text": ex["text"], "spans": ex["spans"]}
    said = {"intent": "out_of_scope", "text": remark["text"], "spans": []}
    if rng.random() < share_first:
        parts, joiner = [said, command], weighted_choice(rng, joiners_first)
    else:
        parts, joiner = [command, said], weighted_choice(rng, DATA.remark_joiners[lang])
    text = " ".join(w for w in (parts[0]["text"], joiner, parts[1]["text"]) if w)
    commands = ex.get("commands", [{"intent": intent, "slots": ex["slots"]}])
    return {"lang": lang, "text": text, "parts": parts, "commands": commands}


LETTERS = {"en": "a-z0-9", "fr": "a-z0-9àâäçéèêëîïôöùûüÿœæ"}
# Lower-case words of the language's letters, joined by "'" or "-", one space between words.
TEXT_RE = {lang: re.compile(r"^[{0}]+(?:['-][{0}]+)*'?(?: [{0}]+(?:['-][{0}]+)*'?)*$"
                            .format(letters)) for lang, letters in LETTERS.items()}
# Slots whose value is the span's words as said.
AS_SAID = ("item", "brand", "merchant", "charity", "contact")


def check_record(r):
    """Return a list of problems (empty when the record is valid)."""
    if "parts" in r:
        return check_parts(r)
    errs = []
    text = r["text"]
    if not TEXT_RE[r["lang"]].match(text.replace("' ", "'")) or "  " in text or "' " in text:
        errs.append("bad characters / spacing")
    allowed = DOMAIN.slots_by_intent[r["intent"]]
    for k in r["slots"]:
        if k not in allowed:
            errs.append("slot %s not allowed for %s" % (k, r["intent"]))
    pos = 0
    for name, surf in r["spans"]:
        m = re.compile(r"(?:(?<=^)|(?<=[ ']))" + re.escape(surf) + r"(?=$| )").search(text, pos)
        if not m:
            errs.append("span %r not found as whole words after %d" % (surf, pos))
            continue
        if m.start() > 0 and text[m.start() - 1] == "'" and \
                not re.search(r"(?:^| )[a-z]+'$", text[:m.start()]):
            errs.append("span %r glued after a non-elided apostrophe" % surf)
        pos = m.end()
        v = r["slots"].get(name)
        if "commands" in r:
            values = [c["slots"].get(name) for c in r["commands"]]
            v = surf if surf in values else v
        if name in AS_SAID and v != surf:
            errs.append("slot %s value %r != span %r" % (name, v, surf))
    if r["intent"] in DOMAIN.list_default_intents and "list" not in r["slots"]:
        errs.append("missing default list")
    for k in ("quantity", "amount"):
        if k in r["slots"] and not isinstance(r["slots"][k], int):
            errs.append("%s not a number" % k)
    return errs


def check_parts(r):
    """A composed utterance: its parts in order in its text, each a valid command's words."""
    errs, pos = [], 0
    for p in r["parts"]:
        i = r["text"].find(p["text"], pos)
        if i < 0:
            errs.append("part %r not found in order" % p["text"])
        pos = max(pos, i + len(p["text"]))
        sub = {"lang": r["lang"], "intent": p["intent"], "text": p["text"],
               "spans": p["spans"], "slots": {}}
        errs += [e for e in check_record(sub) if "slot" not in e and "list" not in e]
    return errs
