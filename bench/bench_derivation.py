"""Benchmark: checking the steps of derivations, symmech's engine against plain SymPy.

For each derivation (war of attrition for uniform values and for a general F, the Bulow
puzzle for F = 1 - (1 - v)**2) the steps produced by ``symmech.derive`` are checked

* by the engine (``Derivation(...)``, verification cache cleared before each run), and
* by the plain route a user would type: expand the definitions, ``doit()`` and
  ``simplify(lhs - rhs) == 0`` for every equation (inequalities are not attempted).

Prints the median of several runs, the ratio engine/plain, and how many steps each route
settled. Run: ``python bench/bench_derivation.py``.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import sympy as sp  # noqa: E402

import symmech as sm  # noqa: E402
from symmech.budget import bounded  # noqa: E402
from symmech import derivation as D  # noqa: E402
from symmech import derive  # noqa: E402

RUNS = 3


def cases():
    d = sm.Distribution.from_cdf(1 - (1 - sm.v)**2, support=(0, 1), name="F = 1-(1-v)^2")
    return [("war of attrition, uniform", derive.war_of_attrition(sm.families.Uniform(0, 1))),
            ("war of attrition, general F", derive.war_of_attrition()),
            ("Bulow puzzle, F = 1-(1-v)^2", derive.bulow_puzzle(d))]


def engine(der):
    D._verify_cached.cache_clear()
    D._closed_integral.cache_clear()
    out = D.Derivation(der.title, der.setting, [s for s in der.steps])
    c = out.counts()
    return c["symbolic"] + c["numeric"]


def plain(der):
    defs, settled = list(der.setting.functions), 0
    for st in der.steps:
        c = st.claim
        if isinstance(c, D.Definition):
            settled += 1
            defs.append(D._definition_pair(D.Definition(c.lhs, D._apply_map(c.rhs, defs))))
            continue
        if not isinstance(c, sp.Equality):
            continue
        diff = D._apply_map(c.lhs - c.rhs, defs)
        res, ok = bounded(lambda: sp.simplify(diff.doit()), seconds=20)
        settled += bool(ok and res == 0)
    return settled


def timed(fn, arg):
    times, result = [], None
    for _ in range(RUNS):
        t0 = time.perf_counter()
        result = fn(arg)
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def main() -> None:
    print(f"{'derivation':32s} {'steps':>5s} {'engine s':>9s} {'settled':>7s} {'plain s':>8s} {'settled':>7s} "
          f"{'ratio':>6s}")
    for name, der in cases():
        te, ne = timed(engine, der)
        tp, np_ = timed(plain, der)
        print(f"{name:32s} {len(der.steps):5d} {te:9.2f} {ne:7d} {tp:8.2f} {np_:7d} {te / tp:6.2f}")
    print("settled: steps checked (engine: symbolic or numeric; plain: simplify to 0, definitions counted). "
          f"Medians of {RUNS} runs.")


if __name__ == "__main__":
    main()
