"""Golden values for Tests/GraftEvalTests/FeatureSpaceMetricsTests.swift (KID, precision/recall, scaling).

Inputs are exact in float32: rows(n, d, a, b, mod, off, shift)[i, j] = ((i*a + j*b) % mod - off) / 4 + shift.
Run: python3 Scripts/feature_metrics_reference.py
"""
import numpy as np


def rows(n, d, a, b, mod, off, shift):
    i, j = np.meshgrid(np.arange(n), np.arange(d), indexing="ij")
    return (((i * a + j * b) % mod) - off) / 4.0 + shift


def mmd2(x, y):
    d = x.shape[1]
    k = lambda a, b: (a @ b.T / d + 1) ** 3
    m, n = len(x), len(y)
    kxx, kyy, kxy = k(x, x), k(y, y), k(x, y)
    return ((kxx.sum() - np.trace(kxx)) / (m * (m - 1)) + (kyy.sum() - np.trace(kyy)) / (n * (n - 1))
            - 2 * kxy.mean())


def radii(x, k):
    d = ((x[:, None, :] - x[None, :, :]) ** 2).sum(-1)
    return np.sort(d, axis=1)[:, k]  # column 0 is the sample itself


def share(y, x, r):
    d = ((y[:, None, :] - x[None, :, :]) ** 2).sum(-1)
    return (d <= r[None, :]).any(axis=1).mean()


def scale(real, feats):
    # FeatureScaling: centre on the real mean, divide by one scale, the RMS of the per-dimension stds.
    mu, s = real.mean(0), np.sqrt((real.std(0, ddof=1) ** 2).mean())
    return (feats - mu) / s


x = rows(12, 5, 37, 11, 17, 8, 0.0)
y = rows(12, 5, 29, 13, 19, 9, 0.5)
print("mmd2(x, y) =", repr(mmd2(x, y)))
k = 3
u, v = rows(20, 3, 37, 11, 17, 8, 0.0), rows(15, 3, 29, 13, 19, 9, 1.5)
print("precision =", share(v, u, radii(u, k)), "recall =", share(u, v, radii(v, k)))
xc = x.copy(); xc[:, 2] = 1.5  # a constant dimension
sx, sy = scale(xc, xc), scale(xc, y)
print("scale =", repr(np.sqrt((xc.std(0, ddof=1) ** 2).mean())), "scaled mmd2 =", repr(mmd2(sx, sy)))
