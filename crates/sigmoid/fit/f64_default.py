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
