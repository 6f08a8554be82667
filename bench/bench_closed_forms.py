"""Benchmark: war-of-attrition and virtual-value derivations, symmech against plain SymPy.

For each family the plain route is what a user would type for the two-player war of
attrition (THEORY sec. 5): ``simplify(integrate(s f/(1-F), (s, lo, v)))`` for the exit time
and ``simplify(integrate(F, (s, lo, v)))`` for the payoff, and ``simplify(v - (1-F)/f)`` for
the virtual value. symmech's ``war_of_attrition`` does more: it also derives the payment
and the ex ante burnt cost, puts the result in real form on the support, cross-checks every
closed form numerically and falls back to quadrature under a time budget. Caches (symmech's
and SymPy's) are cleared before every run, so each run is a cold first call.

The "real" columns say whether the exit time came out without ``I`` (the plain route
typically returns ``-v - log(v - 1) + I*pi`` for the uniform law).

Run ``python bench/bench_closed_forms.py``; it prints medians of several runs and the ratio
symmech / plain (below 1: symmech is faster).
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
from symmech import equilibria as _eq  # noqa: E402
from symmech import families as fam  # noqa: E402
from symmech.budget import bounded  # noqa: E402

RUNS = 3
PLAIN_BUDGET = 20.0  # seconds a plain call may take before it is reported as a timeout


def _families():
    R = sp.Rational
    return [
        ("Uniform(0,1)", fam.Uniform(0, 1)),
        ("Uniform(1,2)", fam.Uniform(1, 2)),
        ("Power(k)", fam.Power("k")),
        ("Exponential(rate)", fam.Exponential("rate")),
        ("Beta(1,2)", fam.Beta(1, 2)),
        ("Beta(2,2)", fam.Beta(2, 2)),
        ("Kumaraswamy(2,3)", fam.Kumaraswamy(2, 3)),
        ("Pareto(3)", fam.Pareto(3)),
        ("Triangular(0,1/3,1)", fam.Triangular(0, R(1, 3), 1)),
        ("TruncExp(1,1)", fam.TruncatedExponential(1, 1)),
        ("TruncNormal(0,1,0,1)", fam.TruncatedNormal(0, 1, 0, 1)),
    ]


def _clear() -> None:
    _eq._cached.cache_clear()
    try:
        from symmech import virtual
        virtual.cache_clear()
    except (ImportError, AttributeError):  # pragma: no cover
        pass
    clear_cache()


def _median(fn) -> tuple:
    times, last = [], None
    for _ in range(RUNS):
        _clear()
        t0 = time.perf_counter()
        last = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), last


def _plain_woa(d):
    x, s = d.var, sp.Symbol("s", real=True)
    F, f = d.cdf.xreplace({x: s}), d.pdf.xreplace({x: s})

    def work():
        T = sp.simplify(sp.integrate(s * f / (1 - F), (s, d.lo, x)))
        U = sp.simplify(sp.integrate(F, (s, d.lo, x)))
        return T, U

    try:
        out, done = bounded(work, seconds=PLAIN_BUDGET)
    except NotImplementedError:
        return None
    return out if done else None


def _plain_virtual(d):
    x = d.var
    out, done = bounded(sp.simplify, x - (1 - d.cdf) / d.pdf, seconds=PLAIN_BUDGET)
    return out if done else None


def _closed(T) -> bool:
    return T is not None and not T.has(sp.Integral)


def main() -> None:
    print(f"war of attrition (2 players) and virtual value: median of {RUNS} cold runs (s), ratio symmech/plain")
    print(f"{'family':22s} {'task':6s} {'symmech':>8s} {'plain':>8s} {'ratio':>6s}  {'symmech T':>13s}  {'plain T':>13s}")
    for name, d in _families():
        t_ours, eq = _median(lambda: sm.war_of_attrition(d))
        t_plain, res = _median(lambda: _plain_woa(d))
        ours = ("closed, real" if eq.exact else "quadrature") if eq.strategy is not None else "-"
        if res is None:
            plain = f"timeout>{PLAIN_BUDGET:g}s"
        else:
            T = res[0]
            plain = ("Integral" if T.has(sp.Integral) else "closed") + (", has I" if T.has(sp.I) else ", real")
        print(f"{name:22s} {'WoA':6s} {t_ours:8.3f} {t_plain:8.3f} {t_ours / t_plain:6.2f}  {ours:>13s}  {plain:>13s}",
              flush=True)
        if hasattr(sm, "virtual_value"):
            t_ours, _ = _median(lambda: sm.virtual_value(d))
            t_plain, res = _median(lambda: _plain_virtual(d))
            mark = "" if res is not None else f"  (plain timeout>{PLAIN_BUDGET:g}s)"
            print(f"{name:22s} {'J_1':6s} {t_ours:8.3f} {t_plain:8.3f} {t_ours / t_plain:6.2f}{mark}", flush=True)


if __name__ == "__main__":
    main()
