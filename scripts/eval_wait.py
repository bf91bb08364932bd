#!/usr/bin/env python3
"""The wait after the last word as a user feels it (issue 15): whole spoken commands played in
real time through `voxshop serve --input F --realtime`, from the last audible sample (-45 dBFS
over 10 ms, as scripts/eval_pauses.py) to the first intent line on the socket. Unlike
eval_pauses.py's wait (stream timestamps), this includes the work done after the pause's
transcript is asked for, so it needs an idle machine.

Usage: scripts/eval_wait.py [--limit N] [--show] [--bin B] [-- voxshop args, e.g. --config FILE]
Reads the whole commands scripts/eval_pauses.py made (target/pause_eval/seeded/whole-*.wav, and
whole.tsv for what each says; run it once first), the first N by name.
"""
import argparse, json, os, socket, statistics, subprocess, sys, tempfile, time, wave
import pathlib

import numpy as np

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from asr_corpus import ROOT  # noqa: E402
from eval_pauses import ANSWERS, CACHE, last_audible_ms, percentile  # noqa: E402


def samples(path):
    with wave.open(str(path)) as w:
        return np.frombuffer(w.readframes(w.getnframes()), dtype=np.int16) / 32768.0


def intents_after_start(binary, extra, path, sock):
    """Seconds from the client's connection (the file starts playing) to each intent object."""
    p = subprocess.Popen([binary, "serve", "--socket", sock, "--input", str(path), "--realtime",
                          "--wait-client", "--exit-when-done", *extra],
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    while not os.path.exists(sock):
        if p.poll() is not None:
            sys.exit(p.stderr.read())
        time.sleep(0.01)
    c = socket.socket(socket.AF_UNIX)
    c.connect(sock)
    t0, buf, got = time.monotonic(), b"", []
    c.settimeout(30)
    while data := c.recv(65536):
        buf += data
        while b"\n" in buf:
            line, buf = buf.split(b"\n", 1)
            if "intent" in json.loads(line):
                got.append(time.monotonic() - t0)
    c.close()
    p.wait()
    return got


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--limit", type=int, default=40)
    ap.add_argument("--bin", default=str(ROOT / "target/release/voxshop"))
    ap.add_argument("--show", action="store_true", help="each command's wait, longest last")
    ap.add_argument("--to-last", action="store_true",
                    help="to the last intent object (a command given in two: its amendment), "
                         "not the first")
    ap.add_argument("extra", nargs="*")
    a = ap.parse_args()
    files = sorted(CACHE.glob("whole-*.wav"))[: a.limit]
    if not files:
        sys.exit(f"no {CACHE}/whole-*.wav: run scripts/eval_pauses.py first")
    said = dict(line.split("\t")[:2] for line in
                (CACHE / "whole.tsv").read_text(encoding="utf-8").splitlines())
    timed = []  # (wait in ms, file name, what it says), one per command that gave an intent
    with tempfile.TemporaryDirectory() as tmp:
        for i, f in enumerate(files):
            got = intents_after_start(a.bin, a.extra, f, f"{tmp}/s{i}.sock")
            if got:
                wait = got[-1 if a.to_last else 0] * 1000 - last_audible_ms(samples(f), 0)
                timed.append((wait, f.name, said.get(f.name)))
    timed.sort()
    if a.show:
        for wait, name, intent in timed:
            print(f"{wait:6.0f} ms  {name}  {intent}")
    waits = [w for w, _, _ in timed]
    command_waits = [w for w, _, intent in timed if intent not in ANSWERS]
    print(f"{len(waits)} of {len(files)} whole commands, played in real time: last audible "
          f"sample -> {'last' if a.to_last else 'first'} intent line, median {statistics.median(waits):.0f} ms, p95 "
          f"{percentile(waits, 0.95):.0f} ms; without the {len(waits) - len(command_waits)} yes or "
          f"no (those wait the hang-over): median {statistics.median(command_waits):.0f} ms, p95 "
          f"{percentile(command_waits, 0.95):.0f} ms, p90 {percentile(command_waits, 0.90):.0f} ms")


if __name__ == "__main__":
    main()
