"""Benchmark: virtual values and reserve prices, symmech against the plain SymPy route.

For each family the plain route is what a user would type: ``sp.simplify(v - (1 - F)/f)``
for the virtual value and ``sp.solve(J, v)`` for the reserve (no filtering to the support,
no verification, no numeric fallback). symmech's route also proves or refutes monotonicity
where asked, keeps the form real on the support, picks the root in the support and falls
back to a 30-digit root when no closed form exists. symmech's and SymPy's caches are cleared
before every run, so each run is a cold first call.

Run ``python bench/bench_virtual.py``; it prints the median of several runs per row and the
ratio symmech / plain (below 1: symmech is faster).
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import sympy as sp  # noqa: E402
from sympy.core.cache import clear_cache  # noqa: E402

import symmech as sm  # noqa: E402
from symmech import families as fam  # noqa: E402
from symmech import virtual as _virtual  # noqa: E402
from symmech.budget import bounded  # noqa: E402

RUNS = 3
PLAIN_BUDGET = 30.0  # seconds a plain call may take before it is reported as a timeout


def _families():
    R = sp.Rational
    return [
        ("Uniform(0,1)", fam.Uniform(0, 1)),
        ("Uniform(0,b)", fam.Uniform(0, "b")),
        ("Power(k)", fam.Power("k")),
        ("Exponential(rate)", fam.Exponential("rate")),
        ("Beta(2,2)", fam.Beta(2, 2)),
        ("Kumaraswamy(2,3)", fam.Kumaraswamy(2, 3)),
        ("TruncNormal(1/2,1/4)", fam.TruncatedNormal(R(1, 2), R(1, 4), 0, 1)),
        ("Triangular(0,1/3,1)", fam.Triangular(0, R(1, 3), 1)),
    ]


def _median(fn) -> tuple:
    times, ok = [], True
    for _ in range(RUNS):
        _virtual.cache_clear()
        clear_cache()  # SymPy's own cache: every run starts cold, for both routes
        t0 = time.perf_counter()
        finished = fn()
        times.append(time.perf_counter() - t0)
        ok = ok and finished
    return statistics.median(times), ok


def _plain_virtual(d):
    x = d.var
    return bounded(sp.simplify, x - (1 - d.cdf) / d.pdf, seconds=PLAIN_BUDGET)[1]


def _plain_reserve(d):
    x = d.var

    def work():
        J = sp.simplify(x - (1 - d.cdf) / d.pdf)
        return sp.solve(J, x)

    try:
        return bounded(work, seconds=PLAIN_BUDGET)[1]  # False: out of time or RecursionError
    except NotImplementedError:  # sympy gives up on transcendental equations
        return False


def main() -> None:
    print(f"virtual values and reserve prices: median of {RUNS} runs (seconds), ratio symmech/plain")
    print(f"{'family':22s} {'task':8s} {'symmech':>9s} {'plain':>9s} {'ratio':>7s}")
    for name, d in _families():
        for task, ours, plain in (
            ("J_1", lambda: bool(sm.virtual_value(d)), lambda: _plain_virtual(d)),
            ("reserve", lambda: sm.reserve_price(d) is not None, lambda: _plain_reserve(d)),
        ):
            t_ours, _ = _median(ours)
            t_plain, done = _median(plain)
            mark = "" if done else (" (plain timed out)" if t_plain >= PLAIN_BUDGET else " (plain gave no answer)")
            print(f"{name:22s} {task:8s} {t_ours:9.3f} {t_plain:9.3f} {t_ours / t_plain:7.2f}{mark}")


if __name__ == "__main__":
    main()
