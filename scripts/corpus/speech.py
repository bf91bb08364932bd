"""How people speak and how the recogniser hears them: fillers around commands, short answers,
and recogniser-like noise (dropped, misheard, repeated words) that never touches a slot's
words, so that spans and slots stay true."""

from .data import DATA
from .grammar import tokens, weighted_choice


def add_fillers(ctx, t, short=False):
    """Sometimes "uh" / "alexa" before and "please" / "thanks" after (short: a yes or no)."""
    rng = ctx.rng
    f = DATA.fillers[ctx.lang]
    if rng.random() < (0.25 if short else 0.2):
        t = tokens(weighted_choice(rng, f["short_pre" if short else "pre"])) + t
    if rng.random() < (0.15 if short else 0.1):
        t = t + tokens(weighted_choice(rng, f["short_post" if short else "post"]))
    return t


def short_answer(ctx):
    """A confirm or deny answer ("yes go ahead"), sometimes two of them."""
    rng = ctx.rng
    answers = DATA.answers[ctx.intent][ctx.lang]
    t = tokens(rng.choice(answers))
    if rng.random() < 0.12:
        t = t + tokens(rng.choice(answers))
    return add_fillers(ctx, t, short=True)


def is_free(tok):
    """A word noise may touch: untagged or an article, and not elided ("l'")."""
    return tok[1] in (None, "_det") and not tok[0].endswith("'")


def noise_drop(ctx, t):
    if len(t) <= 3:
        return t
    cands = [i for i, tok in enumerate(t) if is_free(tok) and tok[0] in DATA.drop[ctx.lang]
             and not (i > 0 and t[i - 1][0].endswith("'"))]
    if not cands:
        return t
    i = ctx.rng.choice(cands)
    return t[:i] + t[i + 1:]


def noise_homophone(ctx, t):
    h = DATA.homophones[ctx.lang]
    cands = []
    for i, tok in enumerate(t):
        if not is_free(tok) or tok[0] not in h:
            continue
        if i > 0 and t[i - 1][0].endswith("'"):
            continue
        cands.append(i)
    if not cands:
        return t
    i = ctx.rng.choice(cands)
    rep = ctx.rng.choice(h[t[i][0]])
    if rep in DATA.numeric_homophones[ctx.lang]:
        near = [t[j][1] for j in (i - 1, i + 1) if 0 <= j < len(t)]
        if any(x not in (None, "_det") for x in near):
            return t
    return t[:i] + tokens(rep, t[i][1]) + t[i + 1:]


def noise_filler(ctx, t):
    cands = []
    for j in range(1, len(t)):
        a, b = t[j - 1], t[j]
        if a[1] == b[1] and a[1] not in (None, "_det"):
            continue
        if a[0].endswith("'") or b[1] == "_det" or a[0] in ("à", "de"):
            continue
        cands.append(j)
    if not cands:
        return t
    j = ctx.rng.choice(cands)
    return t[:j] + tokens(ctx.rng.choice(DATA.fillers[ctx.lang]["mid"])) + t[j:]


def noise_repeat(ctx, t):
    cands = [i for i, tok in enumerate(t) if is_free(tok) and tok[1] is None]
    if not cands:
        return t
    i = 0 if (0 in cands and ctx.rng.random() < 0.4) else ctx.rng.choice(cands)
    return t[:i + 1] + [[t[i][0], None]] + t[i + 1:]


NOISE_OPS = [(noise_drop, 3), (noise_homophone, 3), (noise_filler, 2), (noise_repeat, 2)]


def apply_noise(ctx, t):
    n_ops = 1 if ctx.rng.random() < 0.7 else 2
    for _ in range(n_ops):
        op = weighted_choice(ctx.rng, NOISE_OPS)
        t = op(ctx, t)
    return t
