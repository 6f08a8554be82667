"""Benchmark: ``sm.shape`` against the plain SymPy route a user would type for the same checks.

Plain route (per distribution): ``F = integrate(f)``, then
``sympy.calculus.util.is_convex`` on ``-log f``, ``-log F``, ``-log(1-F)``, ``F`` and ``-F`` over
the open support, and ``sympy.calculus.singularities.is_increasing`` on the virtual value
``v - (1-F)/f``; exceptions are caught and counted. SymPy's cache is cleared before every run
of either route, so repeated runs do not profit from earlier ones.

Run: ``python bench/bench_shape.py`` (prints medians of several runs and the ratios).
"""

from __future__ import annotations

import pathlib
import statistics
import sys
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))

import sympy as sp  # noqa: E402
from sympy.calculus.singularities import is_increasing  # noqa: E402
from sympy.calculus.util import is_convex  # noqa: E402
from sympy.core.cache import clear_cache  # noqa: E402

import symmech as sm  # noqa: E402
from symmech.budget import bounded  # noqa: E402

RUNS = 3
PLAIN_TIMEOUT = 60.0


def cases():
    F = sm.families
    return [
        ("Beta(2,5)", F.Beta(2, 5)),
        ("Power(3)", F.Power(3)),
        ("Kumaraswamy(2,3)", F.Kumaraswamy(2, 3)),
        ("TruncExp(1,2)", F.TruncatedExponential(1, 2)),
        ("density 2v", sm.Distribution.from_pdf(2 * sm.v, support=(0, 1))),
        ("Uniform(0,1)", F.Uniform(0, 1)),
        ("TruncNormal(0,1,0,1)", F.TruncatedNormal(0, 1, 0, 1)),
    ]


def plain_route(d):
    """The six checks the way a SymPy user writes them; returns (answers, exceptions)."""
    v = sp.Symbol("v", real=True)
    f = d.pdf.xreplace({d.var: v})
    lo, hi = d.support
    s = sp.Dummy("s", real=True)
    Fv = sp.integrate(f.xreplace({v: s}), (s, lo, v))
    dom = sp.Interval.open(lo, hi)
    checks = [
        lambda: is_convex(Fv, v, domain=dom),                    # F convex
        lambda: is_convex(-Fv, v, domain=dom),                   # F concave
        lambda: is_convex(-sp.log(f), v, domain=dom),            # f log-concave
        lambda: is_convex(-sp.log(Fv), v, domain=dom),           # F log-concave
        lambda: is_convex(-sp.log(1 - Fv), v, domain=dom),       # MHR
        lambda: is_increasing(v - (1 - Fv) / f, dom, v),         # regular
    ]
    answers, errors = [], 0
    for check in checks:
        try:
            out, ok = bounded(check, seconds=PLAIN_TIMEOUT, fallback=None)
            answers.append(out if ok else "timeout")
        except Exception:  # the point is to count what the plain route raises
            errors += 1
            answers.append("error")
    return answers, errors


def symmech_route(d):
    r = sm.shape(d)
    vs = list(r.verdicts().values())
    decided = sum(vd.holds is not None for vd in vs)
    certified = sum(vd.holds is not None and vd.certificate is not None and bool(vd.certificate.reason)
                    for vd in vs)
    return r, decided, certified


def timed(fn, *args):
    times, out = [], None
    for _ in range(RUNS):
        clear_cache()
        t0 = time.perf_counter()
        out = fn(*args)
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out


def main() -> None:
    print(f"sm.shape vs the plain SymPy route (median of {RUNS} runs, SymPy cache cleared before each)")
    head = (f"{'distribution':<22}{'plain s':>9}{'shape s':>9}{'ratio':>8}  {'plain: answered/err':<20}"
            f"{'shape: decided/cert':<20}{'disagree':<9}methods")
    print(head)
    print("-" * len(head))
    tot_plain = tot_shape = 0.0
    tot_err = tot_ans = 0
    for label, d in cases():
        t_plain, (answers, errors) = timed(plain_route, d)
        t_shape, (report, decided, certified) = timed(symmech_route, d)
        answered = sum(a in (True, False) for a in answers)
        ours = [vd.holds for vd in report.verdicts().values()]
        disagree = sum(1 for a, o in zip(answers, ours) if a in (True, False) and o is not None and bool(a) != o)
        tot_plain += t_plain
        tot_shape += t_shape
        tot_err += errors
        tot_ans += answered
        methods = ",".join(sorted({vd.method for vd in report.verdicts().values()}))
        print(f"{label:<22}{t_plain:>9.3f}{t_shape:>9.3f}{t_shape / t_plain:>8.2f}  "
              f"{f'{answered}/6, {errors} err':<20}{f'{decided}/6, {certified} cert':<20}{disagree:<9}{methods}")
    print("-" * len(head))
    print(f"{'total':<22}{tot_plain:>9.3f}{tot_shape:>9.3f}{tot_shape / tot_plain:>8.2f}  "
          f"plain answered {tot_ans}, raised {tot_err}")


if __name__ == "__main__":
    main()
