# Coefficient fits for the f64 default tier (run: venv/bin/python fit.py).
import mpmath as mp, struct
mp.mp.prec = 300
def b(x):  # bit pattern of the nearest double
    return struct.unpack('<Q', struct.pack('<d', float(x)))[0]
def show(name, x, note=""):
    d = float(x); print(f"{name:14s} 0x{b(d):016x}  {d!r:26s} {note}")
ln2 = mp.log(2)
show("TWO_OVER_LN2", 2/ln2)
# ln2/2 split: hi with 41 significant bits (n*hi exact for |n| < 2^12).
h = ln2/2; e = mp.floor(mp.log(h, 2)); hi = mp.floor(h * 2**(40 - e)) / 2**(40 - e)
show("LN2_HALF_HI", hi, "41 bits"); show("LN2_HALF_LO", h - hi)
assert float(hi) == hi
show("SQRT2_HI", mp.sqrt(2)); show("SQRT2_LO", mp.sqrt(2) - mp.mpf(float(mp.sqrt(2))))
R = ln2/4 * mp.mpf('1.002')
# c(r) = (e^r - 1 - r)/r^2, degree 8 on |r| <= R
f = lambda r: (mp.exp(r) - 1 - r)/r**2 if r != 0 else mp.mpf(1)/2
poly, err = mp.chebyfit(f, [-R, R], 9, error=True)
cs = [mp.mpf(float(c)) for c in poly]  # highest degree first
def ev(cs, x):
    y = mp.mpf(0)
    for c in cs: y = y*x + c
    return y
worst = max(abs(ev(cs, r) - f(r)) * r*r for r in mp.linspace(-R, R, 4001) if r != 0)
print(f"exp poly: chebyfit err {float(err):.3g} (2^{float(mp.log(err,2)):.1f}); |r^2 (c-c_exact)| max 2^{float(mp.log(worst,2)):.1f} on |r|<={float(R):.6f}")
for i, c in enumerate(reversed(cs)): show(f"E{i+2}", c)
# log: 2 atanh(s) = 2s + 2s w P(w), w = s^2, w in [0, W]
SMAX = mp.mpf('0.1305'); W = SMAX**2
g = lambda w: (mp.atanh(mp.sqrt(w))/mp.sqrt(w) - 1)/w if w != 0 else mp.mpf(1)/3
poly, err = mp.chebyfit(g, [0, W], 7, error=True)
ps = [mp.mpf(float(c)) for c in poly]
worst = max(abs(ev(ps, w) - g(w)) * w for w in mp.linspace(0, W, 4001))
print(f"log poly: chebyfit err 2^{float(mp.log(err,2)):.1f}; |w (P-P_exact)| max 2^{float(mp.log(worst,2)):.1f} on w<={float(W):.6f} (|s|<={float(SMAX)})")
for i, c in enumerate(reversed(ps)): show(f"A{i}", c)
c1 = mp.mpf('1.5625'); lc = mp.log(c1)
show("LOG_C1_HI", lc); show("LOG_C1_LO", lc - mp.mpf(float(lc)))
# AVX-512 sigma (f64_default_avx512.rs): e^t - 1 = t + t^2/2 + t^3 P(t), P of
# degree 4 (C3..C7), |t| <= 1.01 ln2/32 (a 16-entry table), relative to e^t.
# Lawson's iteratively reweighted least squares on Chebyshev points, in
# double precision (P's rounding errors are scaled by t^3 < 2^-16).
import numpy as np
H = mp.mpf('1.01') * ln2 / 32
ts = [H * mp.cos(mp.pi * (k + mp.mpf(1)/2) / 300) for k in range(300)]
A = np.array([[float(t**i) for i in range(5)] for t in ts])
g = np.array([float((mp.expm1(t) - t - t*t/2) / t**3) for t in ts])
wt = np.array([float(abs(t)**3 / mp.exp(t)) for t in ts])
w = np.ones(len(ts))
for _ in range(300):
    s = np.sqrt(w) * wt
    c, *_ = np.linalg.lstsq(A * s[:, None], g * s, rcond=None)
    err = np.abs((A @ c - g) * wt); w = w * err; w /= w.sum()
worst = max(abs((mp.expm1(t) - t - t*t/2 - t**3 * sum(mp.mpf(float(ci)) * t**i for i, ci in enumerate(c))) / mp.exp(t))
            for t in mp.linspace(-H, H, 8001) if t != 0)
print(f"avx512 exp poly: max relative error 2^{float(mp.log(worst, 2)):.1f} on |t| <= {float(H):.6f}")
for i, ci in enumerate(c): show(f"C{i+3}", ci)
show("LOG2_E", 1/ln2); show("LN2_HI", ln2); show("LN2_LO", ln2 - mp.mpf(float(ln2)))
for j in range(16):
    v = mp.mpf(2) ** (mp.mpf(j) / 16)
    show(f"2^({j}/16) hi", v); show(f"2^({j}/16) lo", v - mp.mpf(float(v)))
