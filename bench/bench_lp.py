"""Mechanism LPs: symmech's routes against HiGHS on the model built directly (the naive route).

One-sided: F = 1 - (1-v)**2 on [0, 1], alpha = 0, Q = 0.3, posted-price status quo selling
Q0 = 0.2, no make-whole payments (t >= 0), n = 1000, 4000, 10000. Bargaining: same F, war of
attrition status quo, n = 100, 200, 400. The direct route builds THEORY section 4 (and the
Border rows) as one sparse matrix over (x, U) and calls ``scipy.optimize.linprog(method=
"highs")`` with its defaults, as measured in issue 4. Both routes solve the same grid; the
objectives are compared. Run: ``python bench/bench_lp.py [--quick]``.
"""

from __future__ import annotations

import pathlib
import statistics
import sys
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402
import scipy.sparse as sps  # noqa: E402
from scipy.optimize import linprog  # noqa: E402

import symmech as sm  # noqa: E402
from symmech import optimize as _opt  # noqa: E402

F_TEXT = "1 - (1 - v)**2"


def _median(fn, repeats):
    times, out = [], None
    for _ in range(repeats):
        _opt._grid_cached.cache_clear()
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out


def _direct_one_sided(v, p, U0, Q):
    """THEORY section 4 verbatim: x, U; monotone x, both adjacent IC rows, MW rows, dense C row."""
    n = v.size
    i = np.arange(1, n)
    dv = np.diff(v)
    r, c, a = [], [], []
    row = 0

    def add(rows, cols, vals):
        r.append(rows)
        c.append(cols)
        a.append(vals)

    k = np.arange(n - 1)
    add(row + k, i - 1, np.ones(n - 1)); add(row + k, i, -np.ones(n - 1)); row += n - 1           # x mono
    add(row + k, i - 1, dv); add(row + k, n + i, -np.ones(n - 1)); add(row + k, n + i - 1, np.ones(n - 1))
    row += n - 1                                                                                # IC down
    add(row + k, n + i, np.ones(n - 1)); add(row + k, n + i - 1, -np.ones(n - 1)); add(row + k, i, -dv)
    row += n - 1                                                                                # IC up
    j = np.arange(n)
    add(row + j, n + j, np.ones(n)); add(row + j, j, -v); row += n                              # MW
    add(np.full(n, row), j, p); row += 1                                                        # C
    A = sps.csr_matrix((np.concatenate(a), (np.concatenate(r), np.concatenate(c))), shape=(row, 2 * n))
    b = np.zeros(row)
    b[-1] = Q
    bounds = [(0, 1)] * n + [(max(u, 0.0), None) for u in U0]
    res = linprog(-np.concatenate([np.zeros(n), p]), A_ub=A, b_ub=b, bounds=bounds, method="highs")
    return -res.fun


def _direct_bargaining(v, p, U0):
    """Full bargaining model: IC rows, MW rows, and n dense Border rows 2 sum_{i>=k} p_i x_i <= 1 - P_<k^2."""
    n = v.size
    i = np.arange(1, n)
    dv = np.diff(v)
    k = np.arange(n - 1)
    mono = sps.csr_matrix((np.concatenate([np.ones(n - 1), -np.ones(n - 1)]),
                           (np.concatenate([k, k]), np.concatenate([i - 1, i]))), shape=(n - 1, 2 * n))
    dn = sps.csr_matrix((np.concatenate([dv, -np.ones(n - 1), np.ones(n - 1)]),
                         (np.concatenate([k, k, k]), np.concatenate([i - 1, n + i, n + i - 1]))), shape=(n - 1, 2 * n))
    up = sps.csr_matrix((np.concatenate([np.ones(n - 1), -np.ones(n - 1), -dv]),
                         (np.concatenate([k, k, k]), np.concatenate([n + i, n + i - 1, i]))), shape=(n - 1, 2 * n))
    j = np.arange(n)
    mw = sps.csr_matrix((np.concatenate([np.ones(n), -v]), (np.concatenate([j, j]), np.concatenate([n + j, j]))),
                        shape=(n, 2 * n))
    rr, cc = np.triu_indices(n)   # Border row rr has x_cc for cc >= rr
    border = sps.csr_matrix((2 * p[cc], (rr, cc)), shape=(n, 2 * n))
    below = np.concatenate(([0.0], np.cumsum(p)[:-1]))
    A = sps.vstack([mono, dn, up, mw, border]).tocsr()
    b = np.concatenate([np.zeros(3 * (n - 1) + n), 1 - below ** 2])
    bounds = [(0, 1)] * n + [(max(u, 0.0), None) for u in U0]
    res = linprog(-np.concatenate([np.zeros(n), p]), A_ub=A, b_ub=b, bounds=bounds, method="highs")
    return -res.fun


def _exponent(ns, ts):
    x, y = np.log(ns), np.log(ts)
    return float(np.polyfit(x, y, 1)[0])


def main(quick: bool = False) -> None:
    d = sm.Distribution.from_cdf(F_TEXT, support=(0, 1))
    sq = sm.posted_price(d, quantity="1/5")
    print("one-sided LP: F = 1-(1-v)^2, alpha = 0, Q = 0.3, posted-price status quo Q0 = 0.2, t >= 0")
    print(f"{'n':>7} {'symmech s':>10} {'route':>34} {'direct s':>9} {'runs':>5} {'ratio':>7} {'|dobj|':>9}")
    ns = (1000, 4000) if quick else (1000, 4000, 10000)
    ours, theirs = [], []
    for n in ns:
        t_sm, sol = _median(lambda: sm.optimal_mechanism(d, alpha=0, capacity=0.3, status_quo=sq, grid=n), 5)
        e, v, p = _opt.mechanism_grid(d, n)
        U0 = np.asarray(sol.U0)
        reps = 3 if n <= 4000 else 1
        t_dir, obj = _median(lambda: _direct_one_sided(v, p, U0, 0.3), reps)
        ours.append(t_sm)
        theirs.append(t_dir)
        print(f"{n:>7} {t_sm:>10.3f} {sol.method:>34} {t_dir:>9.3f} {reps:>5} {t_dir / t_sm:>6.1f}x "
              f"{abs(obj - sol.objective):>9.1e}", flush=True)
    print(f"growth exponent (log t vs log n): symmech {_exponent(ns, ours):.2f}, direct {_exponent(ns, theirs):.2f}")

    print("\nbargaining LP (Border): F = 1-(1-v)^2, war-of-attrition status quo")
    print(f"{'n':>7} {'symmech s':>10} {'direct s':>9} {'ratio':>7} {'|dobj|':>9}")
    sm.optimal_bargaining(d, grid=50)          # warm the symbolic war-of-attrition derivation (cached)
    bns = (100, 200) if quick else (100, 200, 400)
    ours, theirs = [], []
    for n in bns:
        t_sm, sol = _median(lambda: sm.optimal_bargaining(d, grid=n), 5)
        U0 = np.asarray(sol.U0)
        e, v, p = _opt.mechanism_grid(d, n)
        t_dir, obj = _median(lambda: _direct_bargaining(v, p, U0), 3)
        ours.append(t_sm)
        theirs.append(t_dir)
        print(f"{n:>7} {t_sm:>10.3f} {t_dir:>9.3f} {t_dir / t_sm:>6.1f}x {abs(obj - sol.objective):>9.1e}", flush=True)
    print(f"growth exponent: symmech {_exponent(bns, ours):.2f}, direct {_exponent(bns, theirs):.2f}")


if __name__ == "__main__":
    main(quick="--quick" in sys.argv[1:])
