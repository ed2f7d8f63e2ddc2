#!/usr/bin/env python3
"""Independent Moran's I oracle for src/maps/moran.ts (test-only; needs numpy).

Dense row-standardised contiguity matrix over valid cells, moments from Cliff & Ord (1981) as used by
PySAL esda.Moran (VI_norm, VI_rand, two-tailed p). Writes moran_oracle.json next to this script;
the committed JSON is what the TypeScript test asserts against, so the test runs without Python.

    python3 test/oracles/moran_oracle.py
"""
import json
import math
import os

import numpy as np


def weights(mask, queen):
    h, w = mask.shape
    cells = [(r, c) for r in range(h) for c in range(w) if mask[r, c]]
    index = {cell: k for k, cell in enumerate(cells)}
    n = len(cells)
    W = np.zeros((n, n))
    offs = [(-1, 0), (1, 0), (0, -1), (0, 1)]
    if queen:
        offs += [(-1, -1), (-1, 1), (1, -1), (1, 1)]
    for (r, c), i in index.items():
        for dr, dc in offs:
            j = index.get((r + dr, c + dc))
            if j is not None:
                W[i, j] = 1.0
    rows = W.sum(axis=1)
    nz = rows > 0
    W[nz] = W[nz] / rows[nz, None]
    return cells, W


def moran(values, mask, queen):
    cells, W = weights(mask, queen)
    x = np.array([values[r, c] for r, c in cells])
    n = len(x)
    z = x - x.mean()
    s0 = W.sum()
    I = n / s0 * (z @ W @ z) / (z @ z)
    EI = -1.0 / (n - 1)
    s1 = 0.5 * ((W + W.T) ** 2).sum()
    s2 = ((W.sum(axis=1) + W.sum(axis=0)) ** 2).sum()
    s02 = s0 * s0
    n2 = n * n
    VIn = (n2 * s1 - n * s2 + 3 * s02) / ((n - 1) * (n + 1) * s02) - EI**2
    k = (np.mean(z**4)) / (np.mean(z**2) ** 2)
    A = n * ((n2 - 3 * n + 3) * s1 - n * s2 + 3 * s02)
    B = k * ((n2 - n) * s1 - 2 * n * s2 + 6 * s02)
    VIr = (A - B) / ((n - 1) * (n - 2) * (n - 3) * s02) - EI**2
    zn = (I - EI) / math.sqrt(VIn)
    zr = (I - EI) / math.sqrt(VIr)
    return {
        "n": n,
        "I": I,
        "EI": EI,
        "VI_norm": VIn,
        "z_norm": zn,
        "p_norm": math.erfc(abs(zn) / math.sqrt(2)),
        "VI_rand": VIr,
        "z_rand": zr,
        "p_rand": math.erfc(abs(zr) / math.sqrt(2)),
        "islands": int((W.sum(axis=1) == 0).sum()),
    }


def case(name, values, mask, queen):
    h, w = values.shape
    out = moran(values, mask, queen)
    return {
        "name": name,
        "width": w,
        "height": h,
        "weights": "queen" if queen else "rook",
        "values": [round(float(v), 6) for v in values.ravel()],
        "valid": [int(m) for m in mask.ravel()],
        "expected": out,
    }


def main():
    rng = np.random.default_rng(20250302)
    cases = []
    v = rng.normal(size=(5, 6))
    full = np.ones((5, 6), dtype=bool)
    cases.append(case("6x5 noise rook", np.round(v, 6), full, False))
    cases.append(case("6x5 noise queen", np.round(v, 6), full, True))
    v = np.round(rng.normal(size=(8, 8)) + np.add.outer(np.arange(8), np.arange(8)) * 0.3, 6)
    mask = rng.random((8, 8)) > 0.25
    mask[0, :3] = [True, False, False]
    mask[1, :2] = [False, False]  # (0,0) is an island under rook weights
    cases.append(case("8x8 masked rook (island)", v, mask, False))
    cases.append(case("8x8 masked queen", v, mask, True))
    yy, xx = np.mgrid[0:40, 0:40]
    disc = (xx - 19.5) ** 2 + (yy - 19.5) ** 2 <= 15**2
    vel = 150 * np.tanh((xx - 19.5) / 4) + rng.normal(scale=20, size=(40, 40))
    cases.append(case("40x40 rotating disc rook", np.round(vel, 6), disc, False))
    cases.append(case("40x40 rotating disc queen", np.round(vel, 6), disc, True))
    noise = np.round(rng.normal(scale=30, size=(40, 40)), 6)
    cases.append(case("40x40 noise disc rook", noise, disc, False))
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "moran_oracle.json")
    with open(path, "w") as f:
        json.dump({"_generator": f"test/oracles/moran_oracle.py, numpy {np.__version__}", "cases": cases}, f)
        f.write("\n")
    print(path, len(cases), "cases")


if __name__ == "__main__":
    main()
