#!/usr/bin/python3
"""make_whale_recording.py - a long synthetic hydrophone-like recording for
the detection example: right-whale-like up-sweeps (50 to 250 Hz over 1 s,
Hann envelope, a weaker second harmonic) at known, seeded times, mixed into
real background sound: the clips of data/sounds (animals and instruments,
16 kHz) played one after another at random gains, plus a low noise floor.

Writes OUT.wav (16-bit mono) and OUT.truth.csv (start,end,snr_db of every
call, in seconds). The call level is set against the background's RMS in
the second around it, at a signal-to-noise ratio drawn from SNR_MIN..SNR_MAX
dB, so some calls are easy and some are hard.

Usage: scripts/make_whale_recording.py OUT [--minutes 10] [--rate 16000]
       [--calls 40] [--seed 1] [--snr-min -6] [--snr-max 6] [--sounds data/sounds]
Needs numpy (Debian python3-numpy).
"""
import argparse
import csv
import os
import wave

import numpy as np


def read_wav(path):
    with wave.open(path, "rb") as w:
        assert w.getsampwidth() == 2, path
        x = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype(np.float64) / 32768
        if w.getnchannels() > 1:
            x = x.reshape(-1, w.getnchannels()).mean(axis=1)
        return x, w.getframerate()


def background(n, rate, clips, rng):
    """The clips end to end in random order at random gains (-20..0 dB),
    with short fades, plus white noise 50 dB below full scale."""
    out = np.zeros(n)
    pos = 0
    while pos < n:
        x = clips[rng.integers(len(clips))]
        x = x * 10 ** (rng.uniform(-20, 0) / 20)
        fade = min(len(x) // 4, rate // 20)
        env = np.ones(len(x))
        env[:fade] = np.linspace(0, 1, fade)
        env[len(x) - fade:] = np.linspace(1, 0, fade)
        m = min(len(x), n - pos)
        out[pos:pos + m] += (x * env)[:m]
        pos += m + int(rng.uniform(0, 0.5) * rate)
    return out + rng.normal(0, 10 ** (-50 / 20), n)


def upsweep(rate, f0=50.0, f1=250.0, dur=1.0):
    t = np.arange(int(dur * rate)) / rate
    phase = 2 * np.pi * (f0 * t + (f1 - f0) * t * t / (2 * dur))
    env = np.hanning(len(t))
    return env * (np.sin(phase) + 0.3 * np.sin(2 * phase))


def call_times(n_calls, total, rng, gap=6.0):
    """Start times at least `gap` seconds apart, within [2, total - 3]."""
    slots = int((total - 5) // gap)
    chosen = np.sort(rng.choice(slots, size=min(n_calls, slots), replace=False))
    return [2 + s * gap + rng.uniform(0, gap - 1.5) for s in chosen]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--minutes", type=float, default=10)
    ap.add_argument("--rate", type=int, default=16000)
    ap.add_argument("--calls", type=int, default=40)
    ap.add_argument("--seed", type=int, default=1)
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
    n = int(a.minutes * 60 * a.rate)
    y = background(n, a.rate, clips, rng)
    call = upsweep(a.rate)
    call_rms = np.sqrt(np.mean(call ** 2))
    rows = []
    for t0 in call_times(a.calls, a.minutes * 60, rng):
        i = int(t0 * a.rate)
        bg = y[i:i + len(call)]
        snr = rng.uniform(a.snr_min, a.snr_max)
        gain = np.sqrt(np.mean(bg ** 2)) * 10 ** (snr / 20) / call_rms
        y[i:i + len(call)] += gain * call
        rows.append((i / a.rate, (i + len(call)) / a.rate, snr))
    y *= 0.9 / max(1e-9, np.max(np.abs(y)))
    with wave.open(a.out + ".wav", "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(a.rate)
        w.writeframes(np.round(y * 32767).astype("<i2").tobytes())
    with open(a.out + ".truth.csv", "w", newline="") as f:
        wr = csv.writer(f)
        wr.writerow(["start", "end", "snr_db"])
        for s, e, snr in rows:
            wr.writerow(["%.4f" % s, "%.4f" % e, "%.2f" % snr])
    print("wrote %s.wav (%.0f s at %d Hz, %d calls) and %s.truth.csv"
          % (a.out, n / a.rate, a.rate, len(rows), a.out))


if __name__ == "__main__":
    main()
