"""Minimax fits for the f32 tier kernels (weighted Remez exchange on a dense grid).

Each fit prints its f32 coefficients (value and bit pattern) and the maximum
weighted error of the *rounded* coefficients, evaluated in 60-digit mpmath.

Run: python3 crates/sigmoid/fit/f32_tiers.py (with mpmath and numpy)
"""

import struct

import mpmath as mp
import numpy as np

mp.mp.dps = 60


def f32(x):
    return struct.unpack("<f", struct.pack("<f", float(x)))[0]


def bits(x):
    return struct.unpack("<I", struct.pack("<f", float(x)))[0]


def remez(target, basis, weight, lo, hi, grid=6000, iters=40):
    """min over c of max |weight(x) (target(x) - sum c_i basis_i(x))| on [lo, hi]."""
    n = len(basis)
    xs = [mp.mpf(lo) + (mp.mpf(hi) - lo) * (1 - mp.cos(mp.pi * k / (grid - 1))) / 2 for k in range(grid)]
    xs = [x for x in xs if x != 0]
    f = np.array([float(target(x)) for x in xs])
    w = np.array([float(weight(x)) for x in xs])
    phi = np.array([[float(b(x)) for b in basis] for x in xs])
    m = len(xs)
    ref = [int(round((m - 1) * (1 - np.cos(np.pi * k / n)) / 2)) for k in range(n + 1)]
    ref = sorted(set(ref))
    while len(ref) < n + 1:
        ref.append(ref[-1] + 1)
    for _ in range(iters):
        a = np.zeros((n + 1, n + 1))
        b = np.zeros(n + 1)
        for r, k in enumerate(ref):
            a[r, :n] = phi[k]
            a[r, n] = (-1) ** r / w[k]
            b[r] = f[k]
        sol = np.linalg.solve(a, b)
        c = sol[:n]
        err = w * (f - phi @ c)
        # Segments of constant sign; the extreme of each.
        ext = []
        start = 0
        for i in range(1, m + 1):
            if i == m or np.sign(err[i]) != np.sign(err[start]):
                seg = range(start, i)
                ext.append(max(seg, key=lambda j: abs(err[j])))
                start = i
        while len(ext) > n + 1:
            # Drop the smaller end, keeping alternation.
            if abs(err[ext[0]]) < abs(err[ext[-1]]):
                ext.pop(0)
            else:
                ext.pop()
        if len(ext) < n + 1:
            break
        ref = ext
    return list(c)


def check(name, target, basis, weight, coeffs, lo, hi, samples=20000):
    worst = mp.mpf(0)
    for k in range(samples + 1):
        x = mp.mpf(lo) + (mp.mpf(hi) - lo) * k / samples
        if x == 0:
            continue
        approx = sum(mp.mpf(c) * b(x) for c, b in zip(coeffs, basis))
        e = abs(weight(x) * (target(x) - approx))
        worst = max(worst, e)
    print(f"{name}: max weighted error {mp.nstr(worst, 5)} = 2^{mp.nstr(mp.log(worst, 2), 5)}")


def show(name, coeffs):
    for i, c in enumerate(coeffs):
        print(f"  {name}[{i}] = {c!r:<24} 0x{bits(c):08x}")


ln2 = mp.log(2)

# 1. Default tier: e^t - 1 = t + t^2 (c2 + c3 t + c4 t^2), |t| <= 1.02 ln2/16,
#    relative to e^t (what the quotient sees).
h = 1.02 * ln2 / 16
basis = [lambda t, i=i: t ** (i + 2) for i in range(3)]
c = [f32(v) for v in remez(lambda t: mp.expm1(t) - t, basis, lambda t: 1 / mp.exp(t), -h, h)]
print("default exp: e^t - 1 ~ t + t^2 (C2 + C3 t + C4 t^2) on |t| <= 1.02 ln2/16")
show("C", c)
check("  e^t rel", lambda t: mp.expm1(t) - t, basis, lambda t: 1 / mp.exp(t), c, -h, h)

# 2. Fast tier: e^t = 1 + c1 t + ... + c5 t^5, |t| <= 1.02 ln2/2, relative.
h = 1.02 * ln2 / 2
basis = [lambda t, i=i: t ** (i + 1) for i in range(5)]
c = [f32(v) for v in remez(lambda t: mp.expm1(t), basis, lambda t: 1 / mp.exp(t), -h, h)]
print("fast exp: e^t ~ 1 + P1 t + ... + P5 t^5 on |t| <= 1.02 ln2/2")
show("P", c)
check("  e^t rel", lambda t: mp.expm1(t), basis, lambda t: 1 / mp.exp(t), c, -h, h)

# 3. Fast tier tanh: e^t - 1 = t (1 + m1 t + ... + m4 t^4), relative to e^t - 1.
basis = [lambda t, i=i: t ** (i + 2) for i in range(4)]
c = [f32(v) for v in remez(lambda t: mp.expm1(t) - t, basis, lambda t: 1 / mp.expm1(t), -h, h)]
print("fast expm1: e^t - 1 ~ t + M2 t^2 + ... + M5 t^5 on |t| <= 1.02 ln2/2, relative to e^t - 1")
show("M", c)
check("  expm1 rel", lambda t: mp.expm1(t) - t, basis, lambda t: 1 / mp.expm1(t), c, -h, h)

# 4. log1p(e) = 2 atanh(s) = 2s + 2s w P(w), s = e/(2+e) in [0, 1/3], w = s^2,
#    relative to 2 atanh(s). Fitted in w.
for deg in (4, 3):
    def tgt(wv):
        s = mp.sqrt(wv)
        return 2 * mp.atanh(s) - 2 * s

    basis = [lambda wv, i=i: 2 * mp.sqrt(wv) * wv ** (i + 1) for i in range(deg + 1)]
    wt = lambda wv: 1 / (2 * mp.atanh(mp.sqrt(wv)))
    c = [f32(v) for v in remez(tgt, basis, wt, mp.mpf(10) ** -12, mp.mpf(1) / 9)]
    print(f"log1p: 2 atanh(s) ~ 2s (1 + w (L0 + L1 w + ...)), degree {deg} in w on [0, 1/9]")
    show("L", c)
    check("  log1p rel", tgt, basis, wt, c, mp.mpf(10) ** -12, mp.mpf(1) / 9)

# 5. tanh for small |x|: tanh(a) ~ a + a^3 (T0 + T1 w + ...), w = a^2, a in [0, 0.15],
#    relative to tanh(a).
for deg in (2, 1):
    basis = [lambda a, i=i: a ** (2 * i + 3) for i in range(deg + 1)]
    wt = lambda a: 1 / mp.tanh(a)
    c = [f32(v) for v in remez(lambda a: mp.tanh(a) - a, basis, wt, mp.mpf(10) ** -6, mp.mpf(0.15), grid=3000)]
    print(f"tanh small: tanh(a) ~ a + a^3 (T0 + T1 w + ...), degree {deg} in w on [0, 0.15]")
    show("T", c)
    check("  tanh rel", lambda a: mp.tanh(a) - a, basis, wt, c, mp.mpf(10) ** -6, mp.mpf(0.15), samples=4000)


def lawson(target, basis, weight, lo, hi, points=400, iters=300):
    """Near-minimax fit by Lawson's iteratively reweighted least squares on
    Chebyshev points (robust where the exchange above stalls on a tiny
    symmetric interval)."""
    xs = [(lo + hi) / 2 + (hi - lo) / 2 * mp.cos(mp.pi * (k + 0.5) / points) for k in range(points)]
    a = np.array([[float(weight(x) * b(x)) for b in basis] for x in xs])
    y = np.array([float(weight(x) * target(x)) for x in xs])
    w = np.ones(points)
    for _ in range(iters):
        s = np.sqrt(w)
        c, *_ = np.linalg.lstsq(a * s[:, None], y * s, rcond=None)
        err = np.abs(a @ c - y)
        w = w * err
        w /= w.sum()
    return list(c)


# 6. AVX-512 fast tier (f32_fast_avx512.rs): e^t - 1 = t + t^2 (P2 + P3 t),
#    |t| <= 1.01 ln2/64 (a 32-entry table), relative to e^t. The fit leaves
#    the coefficient of t at 1.0 exactly.
h = mp.mpf("1.01") * ln2 / 64
basis = [lambda t, i=i: t ** (i + 1) for i in range(3)]
c = [f32(v) for v in lawson(lambda t: mp.expm1(t), basis, lambda t: 1 / mp.exp(t), -h, h)]
print("fast avx512 exp: e^t - 1 ~ P1 t + P2 t^2 + P3 t^3 on |t| <= 1.01 ln2/64 (P1 = 1)")
show("P", c)
check("  e^t rel", lambda t: mp.expm1(t), basis, lambda t: 1 / mp.exp(t), c, -h, h)
basis = [lambda t, i=i: t ** (i + 1) for i in range(2)]
c = [f32(v) for v in lawson(lambda t: mp.expm1(t), basis, lambda t: 1 / mp.exp(t), -h, h)]
print("fast avx512 exp, degree 2 (sigma): e^t - 1 ~ Q1 t + Q2 t^2 on |t| <= 1.01 ln2/64")
show("Q", c)
check("  e^t rel", lambda t: mp.expm1(t), basis, lambda t: 1 / mp.exp(t), c, -h, h)
print("2^(j/32) hi and lo words:")
for j in range(32):
    v = mp.mpf(2) ** (mp.mpf(j) / 32)
    hi_word = f32(v)
    print(f"  j={j:2d} 0x{bits(hi_word):08x} 0x{bits(f32(v - mp.mpf(hi_word))):08x}")
