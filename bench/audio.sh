#!/usr/bin/env bash
# audio.sh - spectral features (STFT 512/256, 40 mel bands, 13 MFCCs,
# centroid, bandwidth, flatness, roll-off, ZCR, RMS; mean/std/percentile
# summary) of one hour of 16 kHz audio (goal: under 3 s), next to the same
# computation with scipy.signal.spectrogram and numpy in one process.
# Ratio > 1: floe is faster.
. "$(dirname "$0")/lib.sh"
wav=$BENCH_OUT/hour16k.wav
if [ ! -f "$wav" ]; then
	/usr/bin/python3 - "$wav" <<'PY'
import sys, wave
import numpy as np
rng = np.random.default_rng(0)
rate, n = 16000, 16000 * 3600
with wave.open(sys.argv[1], "wb") as w:
    w.setnchannels(1); w.setsampwidth(2); w.setframerate(rate)
    for k in range(60):  # a minute at a time: noise and a drifting tone
        t = np.arange(rate * 60) / rate + 60 * k
        x = 0.1 * rng.standard_normal(len(t)) + 0.3 * np.sin(2 * np.pi * (200 + 20 * k) * t)
        w.writeframes(np.round(np.clip(x, -1, 1) * 32767).astype("<i2").tobytes())
PY
fi
ref=$BENCH_OUT/scipy_features.py
cat >"$ref" <<'PY'
import sys
import numpy as np
from scipy.io import wavfile
from scipy.signal import spectrogram
from scipy.fft import dct
rate, x = wavfile.read(sys.argv[1])
x = x.astype(np.float32) / 32768
f, t, P = spectrogram(x, fs=rate, window="hann", nperseg=512, noverlap=256,
                      detrend=False, scaling="spectrum", mode="psd")
mag = np.sqrt(P)
mel = lambda h: 2595 * np.log10(1 + h / 700)
imel = lambda m: 700 * (10 ** (m / 2595) - 1)
c = imel(np.linspace(0, mel(rate / 2), 42))
W = np.maximum(0, np.minimum((f[None, :] - c[:-2, None]) / (c[1:-1, None] - c[:-2, None]),
                             (c[2:, None] - f[None, :]) / (c[2:, None] - c[1:-1, None])))
logmel = np.log(W @ P + 1e-10)
mfcc = dct(logmel, type=2, norm="ortho", axis=0)[:13]
s = mag.sum(axis=0) + 1e-20
cen = (f[:, None] * mag).sum(axis=0) / s
bw = np.sqrt((((f[:, None] - cen) ** 2) * mag).sum(axis=0) / s)
flat = np.exp(np.log(P + 1e-10).mean(axis=0)) / (P + 1e-10).mean(axis=0)
roll = f[np.argmax(np.cumsum(mag, axis=0) >= 0.85 * s, axis=0)]
frames = np.lib.stride_tricks.sliding_window_view(x, 512)[::256]
zcr = (np.diff(np.signbit(frames), axis=1)).mean(axis=1)
rms = np.sqrt((frames.astype(np.float64) ** 2).mean(axis=1))
F = np.vstack([rms[None, :len(cen)], zcr[None, :len(cen)], cen, bw, flat, roll, logmel, mfcc])
summary = np.hstack([F.mean(axis=1), F.std(axis=1), np.percentile(F, [10, 50, 90], axis=1).ravel()])
print(F.shape, summary.shape)
PY
"$FLOE" features audio "$wav" -o "$BENCH_OUT/hour_features.csv" --quiet # warm the page cache
echo "spectral features of one hour of 16 kHz audio ($(nproc) cores)"
t_floe=$(best_of 3 "$FLOE" features audio "$wav" -o "$BENCH_OUT/hour_features.csv" --quiet)
t_floe1=$(best_of 2 "$FLOE" features audio "$wav" -o "$BENCH_OUT/hour_features.csv" --quiet --threads 1)
t_ref=$(best_of 1 /usr/bin/python3 "$ref" "$wav")
row "1 h, 16 kHz (all cores)" "$t_floe" "scipy spectrogram+numpy" "$t_ref"
row "1 h, 16 kHz (1 thread)" "$t_floe1" "scipy spectrogram+numpy" "$t_ref"
echo "goal: under 3 s -> $(echo "$t_floe < 3" | bc -l | sed 's/1/met/;s/0/NOT met/')"
