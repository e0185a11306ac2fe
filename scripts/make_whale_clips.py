#!/usr/bin/python3
"""make_whale_clips.py - labelled training clips for the whale-call
detector of recipes/whale-calls.yaml: OUT/call/NNNN.wav holds the same
right-whale-like up-sweep as scripts/make_whale_recording.py (50 to 250 Hz
over 1 s) at a random offset inside a clip of real background, at an SNR
drawn from SNR_MIN..SNR_MAX dB; OUT/noise/NNNN.wav holds background only.
The background is made the same way as the long recording's (the clips of
data/sounds end to end at random gains, plus a noise floor), so a model
trained here scores the recording's windows. Use a different seed from the
recording's.

Usage: scripts/make_whale_clips.py OUT [--n 100] [--seconds 2] [--seed 7]
       [--rate 16000] [--snr-min -6] [--snr-max 6] [--sounds data/sounds]
Needs numpy (Debian python3-numpy).
"""
import argparse
import os
import sys
import wave

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_whale_recording import background, read_wav, upsweep  # noqa: E402


def write_wav(path, x, rate):
    with wave.open(path, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(np.round(x * 32767).astype("<i2").tobytes())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--n", type=int, default=100, help="clips per class")
    ap.add_argument("--seconds", type=float, default=2.0)
    ap.add_argument("--rate", type=int, default=16000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--snr-min", type=float, default=-6)
    ap.add_argument("--snr-max", type=float, default=6)
    ap.add_argument("--sounds", default=os.path.join(os.path.dirname(__file__), "..", "data", "sounds"))
    a = ap.parse_args()
    rng = np.random.default_rng(a.seed)
    wavdir = os.path.join(a.sounds, "wav")
    clips = []
    for name in sorted(os.listdir(wavdir)):
        x, r = read_wav(os.path.join(wavdir, name))
        assert r == a.rate, "clips are %d Hz; use --rate %d" % (r, r)
        clips.append(x)
    n = int(a.seconds * a.rate)
    call = upsweep(a.rate)
    call_rms = np.sqrt(np.mean(call ** 2))
    # One long background, cut into clips at random places.
    bg = background(n * (2 * a.n + 4), a.rate, clips, rng)
    for cls in ("call", "noise"):
        os.makedirs(os.path.join(a.out, cls), exist_ok=True)
    out = []
    for i in range(2 * a.n):
        s = int(rng.integers(0, len(bg) - n))
        y = bg[s:s + n].copy()
        cls = "call" if i % 2 == 0 else "noise"
        if cls == "call":
            off = int(rng.integers(0, max(1, n - len(call))))
            under = y[off:off + len(call)]
            snr = rng.uniform(a.snr_min, a.snr_max)
            gain = np.sqrt(np.mean(under ** 2)) * 10 ** (snr / 20) / call_rms
            y[off:off + len(call)] += gain * call[:len(under)]
        out.append((os.path.join(a.out, cls, "%04d.wav" % (i // 2)), y))
    # One gain for all clips (as the recording has one), not one per clip.
    scale = 0.9 / max(1e-9, max(np.max(np.abs(y)) for _, y in out))
    for path, y in out:
        write_wav(path, y * scale, a.rate)
    print("wrote %d call and %d noise clips of %.1f s to %s" % (a.n, a.n, a.seconds, a.out))


if __name__ == "__main__":
    main()
