"""Templates (templates_<lang>.toml) made into tokens: their alternatives and optional parts
drawn, their {X} placeholders made into slot phrases or out-of-scope fills."""

import re

from .data import DATA
from .grammar import tokens, weighted_choice
from .phrases import SEVERAL_ITEMS, SLOT_PHRASES

PLACEHOLDER = re.compile(r"\{(\w+)\}")


def expand(tpl, rng):
    """Resolve (a|b) alternatives and [optional|alternatives] parts; nesting allowed."""
    pos = 0

    def alternatives(close):
        """The `|`-separated alternatives after an opening bracket, up to `close`."""
        nonlocal pos
        pos += 1
        alts = [seq("|" + close)]
        while tpl[pos] == "|":
            pos += 1
            alts.append(seq("|" + close))
        pos += 1
        return alts

    def seq(stop):
        nonlocal pos
        out = []
        while pos < len(tpl) and tpl[pos] not in stop:
            c = tpl[pos]
            if c == "(":
                alts = alternatives(")")
                out.append(alts[rng.randrange(len(alts))])
            elif c == "[":
                alts = alternatives("]")
                if rng.random() < 0.5:
                    out.append(alts[rng.randrange(len(alts))])
            else:
                out.append(c)
                pos += 1
        return "".join(out)

    return seq("")


def several_items(ctx, phrase):
    """Item phrases of `ctx.n_items` items joined by "and"/"et": each item's slots are its
    own (kept in ctx.items), the rest of the command's slots are shared."""
    joiners = DATA.item_joiners[ctx.lang]
    shared, out, ctx.items = ctx.slots, [], []
    for k in range(ctx.n_items):
        ctx.slots = {}
        if k:
            last = k == ctx.n_items - 1
            # Tagged so that ASR-like noise never drops it: two items would become one.
            out += tokens(weighted_choice(ctx.rng, joiners) if last else joiners[0][0], "_join")
        out += phrase(ctx)
        ctx.items.append(ctx.slots)
    ctx.slots = shared
    ctx.n_items = 1
    return out


def render(ctx, tpl):
    """The template's tokens, its slots set in ctx."""
    s = expand(tpl, ctx.rng)
    out, pos = [], 0
    for m in PLACEHOLDER.finditer(s):
        out += tokens(s[pos:m.start()])
        name = m.group(1)
        phrase = SLOT_PHRASES.get(name)
        if phrase is not None and ctx.n_items > 1 and name in SEVERAL_ITEMS:
            out += several_items(ctx, phrase)
        elif phrase is not None:
            out += phrase(ctx)
        else:
            out += tokens(ctx.norm(ctx.rng.choice(DATA.fills[ctx.lang][name])))
        pos = m.end()
    return out + tokens(s[pos:])
