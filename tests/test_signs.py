"""The decision ladder: proofs, refutations with checked counterexamples, parametric conditions.

Every counterexample is re-evaluated here with mpmath at 30+ digits, independently of the
ladder; parametric conditions are checked against the numeric rungs at random parameter values.
"""

import json

import mpmath
import pytest
import sympy as sp
from hypothesis import HealthCheck, given, settings, strategies as st

from symmech import errors
from symmech.signs import (RELATIONS, is_concave, is_convex, is_decreasing, is_increasing, is_log_concave,
                           is_log_convex, sign_on)
from symmech import signs

v = sp.Symbol("v", real=True)
k = sp.Symbol("k", positive=True)
a, b = sp.symbols("a b", positive=True)


def value_at(expr, point, dps=40):
    """Independent evaluation of ``expr`` at ``v = point`` (SymPy evalf, not the ladder's code)."""
    return sp.N(expr.subs(v, point), dps)


# ------------------------------------------------------------------ symbolic rung
def test_rational_refutation_has_exact_counterexample():
    r = sign_on(6 - 12 * v, v, (0, 1))
    assert r.holds is False and r.method == "symbolic"
    x = r.counterexample["v"]
    assert x.is_Rational and sp.Rational(1, 2) < x < 1
    assert value_at(6 - 12 * v, x) < 0
    assert r.condition is sp.false


def test_rational_proof_certificate_names_roots():
    # v**2 - 2 has its only positive root sqrt(2) outside (2, 3)
    r = sign_on(v**2 - 2, v, (2, 3), relation=">")
    assert r.holds is True and r.method == "symbolic"
    assert "0 root(s)" in r.certificate.reason


def test_irrational_root_splits_cells():
    r = sign_on(v**2 - 2, v, (1, 2))
    x = r.counterexample["v"]
    assert r.holds is False and 1 < x < sp.sqrt(2)
    assert value_at(v**2 - 2, x) < 0


@pytest.mark.parametrize("relation,holds", [(">=", True), (">", False), ("<=", False), ("<", False)])
def test_relations_on_a_touching_square(relation, holds):
    # (v - 1/2)**2 touches 0 inside (0, 1): >= holds, > fails exactly at 1/2
    r = sign_on((v - sp.Rational(1, 2))**2, v, (0, 1), relation=relation)
    assert r.holds is holds
    if relation == ">":
        assert r.counterexample["v"] == sp.Rational(1, 2)


def test_open_interval_excludes_endpoints():
    # v*(1 - v) > 0 on the open (0, 1) although it vanishes at both ends
    assert sign_on(v * (1 - v), v, (0, 1), relation=">").holds is True


def test_poles_and_infinite_interval():
    r = sign_on(v**4 - 3 * v**3 + v + 5, v, (-sp.oo, sp.oo))
    assert r.holds is False and value_at(v**4 - 3 * v**3 + v + 5, r.counterexample["v"]) < 0
    assert sign_on(1 / (1 + v**2), v, (-sp.oo, sp.oo), relation=">").holds is True


def test_known_sign_factors_are_dropped():
    e = sp.exp(-v) * v**3 * (1 + v**2) * (v - 1)**2
    r = sign_on(e, v, (0, sp.oo))
    assert r.holds is True and r.method == "symbolic"


def test_piecewise_pieces_and_breakpoint_value():
    pw = sp.Piecewise((v, v < sp.Rational(1, 2)), (1 - v, True))
    assert sign_on(pw, v, (0, 1), relation=">").holds is True
    # the breakpoint value itself is checked: -1 at v = 1/2
    pw2 = sp.Piecewise((v, v < sp.Rational(1, 2)), (-1, sp.Eq(v, sp.Rational(1, 2))), (1 - v, True))
    r = sign_on(pw2, v, (0, 1))
    assert r.holds is False and r.counterexample["v"] == sp.Rational(1, 2)


# ------------------------------------------------------------------ interval rung
def test_interval_rung_proves_transcendental_sign():
    e = sp.exp(-v) * (v - 1) + 3 * sp.exp(-2 * v)  # > 0 on (0, oo); tail needs the monotone argument
    r = sign_on(e, v, (0, sp.oo))
    assert r.holds is True and r.method == "interval"
    assert "cells" in r.certificate.reason


def test_interval_rung_refutes_with_checked_point():
    e = sp.sin(v) - v / 10
    r = sign_on(e, v, (0, 4))
    assert r.holds is False and r.method == "interval"
    x = r.counterexample["v"]
    with mpmath.workdps(35):
        assert mpmath.sin(mpmath.mpf(x.p) / x.q) - mpmath.mpf(x.p) / x.q / 10 < 0
    assert abs(r.counterexample["value"] - value_at(e, x)) < sp.Float("1e-25")


def test_interval_rung_with_erf_and_integral():
    s = sp.Symbol("s", real=True)
    # MHR numerator of the density proportional to exp(-v**4) on [0, 1], CDF left as an integral
    Z = sp.Integral(sp.exp(-s**4), (s, 0, 1))
    f, F = sp.exp(-v**4) / Z, sp.Integral(sp.exp(-s**4), (s, 0, v)) / Z
    r = sign_on(sp.diff(f, v) * (1 - F) + f**2, v, (0, 1))
    assert r.holds is True and r.method == "interval"
    # truncated normal: erf is enclosed by its alternating series
    F = sp.erf(v / sp.sqrt(2)) / sp.erf(1 / sp.sqrt(2))
    f = sp.diff(F, v)
    r = sign_on(sp.diff(f, v) * (1 - F) + f**2, v, (0, 1))
    assert r.holds is True and r.method == "interval"


def test_strict_sign_at_open_end_by_monotonicity():
    # 1 - exp(-v) is 0 at v = 0 (excluded) and increasing: > 0 on (0, 2)
    r = sign_on(1 - sp.exp(-v) + 0 * v, v, (0, 2), relation=">")
    assert r.holds is True


# ------------------------------------------------------------------ sampled rung
def test_sampled_rung_never_proves():
    e = sp.besselj(0, v) + 2  # no interval enclosure for besselj: only sampling is left
    r = sign_on(e, v, (0, 5))
    assert r.holds is None and r.method == "sampled"
    assert "min over" in r.certificate.reason and "not a proof" in r.certificate.reason
    assert r.condition is None


def test_sampled_rung_refutes_to_30_digits():
    e = sp.besselj(0, v) - sp.Rational(1, 2)
    r = sign_on(e, v, (0, 5))
    assert r.holds is False and r.method == "sampled"
    x = r.counterexample["v"]
    with mpmath.workdps(40):
        assert mpmath.besselj(0, mpmath.mpf(str(x))) < mpmath.mpf(1) / 2


def test_cancellation_is_not_a_counterexample():
    # 1 + erf(v/sqrt 2) loses all digits far left at 30 digits; the expression is positive
    e = (1 + sp.erf(v / sp.sqrt(2))) * sp.exp(v**2) + sp.exp(v**2 / 2)
    r = sign_on(e, v, (-40, 0), budget=1.0)
    assert r.holds is not False


# ------------------------------------------------------------------ parameters
def test_power_family_condition():
    r = sign_on(k * (k - 1) * v**(k - 2), v, (0, 1), params=[k])
    assert r.holds is None and r.condition == (k >= 1)


def test_dominance_gives_necessary_condition():
    # (log f)'' of Beta(a, b): each term dominates near one end, so the condition is exact
    e = -(a - 1) / v**2 - (b - 1) / (1 - v)**2
    r = sign_on(e, v, (0, 1), relation="<=", params=[a, b])
    assert r.condition == sp.And(a >= 1, b >= 1)


def test_affine_in_monotone_function():
    # Kumaraswamy f' numerator: affine in h = v**a, which runs from 0 to 1
    e = (a * b - 1) * v**a + 1 - a
    r = sign_on(e, v, (0, 1), params=[a, b])
    assert sp.simplify(r.condition.subs({a: sp.Rational(1, 2), b: 3})) is sp.true
    assert r.condition.subs({a: 2, b: 3}) is sp.false


def test_condition_identically_true_or_false():
    assert sign_on(k**2 * v + k, v, (0, 1), params=[k]).holds is True
    r = sign_on(-k * v - 1, v, (0, 1), params=[k])
    assert r.holds is False and r.condition is sp.false


def test_assumption_boolean_restricts_domain():
    c = sp.Symbol("c", real=True)
    r = sign_on((c - 1) * v, v, (0, 1), params=[c], assumptions=c >= 2)
    assert r.holds is True


def _numeric_holds(expr, interval, relation):
    """Numeric rungs only (interval, then sampling): True/False/None at fixed parameters."""
    x = v
    lo, hi = (sp.sympify(t) for t in interval)
    strict = relation in (">", "<")
    g = expr if relation in (">=", ">") else -expr
    out = signs._interval_rung(g, x, lo, hi, strict, seconds=3.0)
    if out.status == "unknown":
        out = signs._sampled_rung(g, x, lo, hi, strict, seconds=3.0, n=400)
    return {"proved": True, "refuted": False}.get(out.status)


PARAM_CASES = [
    # (expression, interval, relation, params)
    (k * (k - 1) * v**(k - 2), (0, 1), ">=", (k,)),
    (-(a - 1) / v**2 - (b - 1) / (1 - v)**2, (0, 1), "<=", (a, b)),
    (-(k - 1) / v**2 - k * (k - 1) * v**(k - 2), (0, sp.oo), "<=", (k,)),  # Weibull (log f)''
    ((a * b - 1) * v**a + 1 - a, (0, 1), ">=", (a, b)),
]


@settings(max_examples=12, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=st.integers(0, len(PARAM_CASES) - 1),
       p1=st.fractions(min_value=sp.Rational(1, 5), max_value=4, max_denominator=8),
       p2=st.fractions(min_value=sp.Rational(1, 5), max_value=4, max_denominator=8))
def test_parametric_condition_agrees_with_numeric_rungs(case, p1, p2):
    expr, interval, relation, params = PARAM_CASES[case]
    verdict = sign_on(expr, v, interval, relation=relation, params=params)
    assert verdict.condition is not None  # an exact condition for each of these
    values = dict(zip(params, (sp.Rational(p1.numerator, p1.denominator), sp.Rational(p2.numerator, p2.denominator))))
    predicted = verdict.condition.xreplace(values)
    assert predicted in (sp.true, sp.false)
    numeric = _numeric_holds(expr.xreplace(values), interval, relation)
    if predicted is sp.false:
        # the condition says it fails: the numeric rungs must not prove it ...
        assert numeric is not True
    else:
        # ... and where it says it holds, they must not refute it
        assert numeric is not False


# ------------------------------------------------------------------ convexity helpers
def test_convexity_helpers():
    r = is_convex(3 * v**2 - 2 * v**3, v, (0, 1))
    assert r.holds is False and sp.Rational(1, 2) < r.counterexample["v"] < 1
    assert is_concave(sp.sqrt(v), v, (0, 1)).holds is True
    assert is_log_concave(6 * v * (1 - v), v, (0, 1)).holds is True
    assert is_log_convex(1 / v, v, (1, 2)).holds is True
    assert is_increasing(v**3 - v, v, (1, 2)).holds is True
    assert is_decreasing(sp.exp(-v), v, (0, sp.oo)).holds is True
    assert is_convex(v**k, v, (0, 1), params=[k]).condition == (k >= 1)


def test_piecewise_convexity_checks_kinks():
    # |v - 1/2| is convex (kink upwards); -|v - 1/2| is not, although each piece is linear
    up = sp.Piecewise((sp.Rational(1, 2) - v, v < sp.Rational(1, 2)), (v - sp.Rational(1, 2), True))
    assert is_convex(up, v, (0, 1)).holds is True
    assert is_convex(-up, v, (0, 1)).holds is False


def test_verdict_serialises():
    r = sign_on(6 - 12 * v, v, (0, 1))
    json.dumps(r.to_dict())
    assert "fails" in str(r) and r.latex()


# ------------------------------------------------------------------ rigorous enclosures
@settings(max_examples=40, deadline=None, database=None)
@given(x=st.floats(min_value=-9, max_value=9, allow_nan=False))
def test_erf_enclosure_contains_true_value(x):
    enc = signs._erf_point(mpmath.mpf(x))
    lo, hi = signs._lohi(enc)
    with mpmath.workdps(50):
        true = mpmath.erf(mpmath.mpf(x))
        assert lo <= true <= hi
    assert hi - lo < 1e-14


@settings(max_examples=25, deadline=None, database=None)
@given(s=st.fractions(min_value=sp.Rational(1, 10), max_value=5, max_denominator=20),
       x=st.floats(min_value=0, max_value=60, allow_nan=False))
def test_lowergamma_enclosure_contains_true_value(s, x):
    S = signs.iv.mpf(s.numerator) / s.denominator
    lo, hi = signs._lohi(signs._lowergamma_point(S, mpmath.mpf(x)))
    with mpmath.workdps(50):
        true = mpmath.gammainc(mpmath.mpf(s.numerator) / s.denominator, 0, x)
        assert lo <= true <= hi


_s = sp.Symbol("s", real=True)
_INTEGRAL_ENCLOSURE = signs._IvCompiler(mpmath.mpf(1)).compile(sp.Integral(sp.exp(-_s**4), (_s, 0, v)), v)


@settings(max_examples=15, deadline=None, database=None)
@given(u=st.floats(min_value=0.01, max_value=0.99), w=st.floats(min_value=0.0, max_value=0.2))
def test_integral_enclosure_contains_quadrature(u, w):
    F = _INTEGRAL_ENCLOSURE
    top = min(u + w, 1.0)
    lo, hi = signs._lohi(F(signs.iv.mpf([u, top])))
    with mpmath.workdps(40):
        assert lo <= mpmath.quad(lambda t: mpmath.exp(-t**4), [0, u])
        assert mpmath.quad(lambda t: mpmath.exp(-t**4), [0, top]) <= hi


@pytest.mark.parametrize("expr", [sp.exp(-v) * (v - 1) + sp.sin(3 * v), v**3 * sp.log(1 + v) - sp.sqrt(v),
                                  sp.erf(v) * sp.exp(-v**2) / (1 + v**2), sp.Abs(v - 1) + sp.cos(v)**2])
def test_interval_compiler_encloses_values(expr):
    comp = signs._IvCompiler(mpmath.mpf(3))
    F = comp.compile(expr, v)
    for a_, b_ in [(0.1, 0.2), (0.5, 1.5), (2.0, 2.0001), (1.0, 3.0)]:
        lo, hi = signs._lohi(F(signs.iv.mpf([a_, b_])))
        for t in (a_, (a_ + b_) / 2, b_):
            val = value_at(expr, sp.Float(t, 30))
            assert lo <= val <= hi


# ------------------------------------------------------------------ budgets and bad input
def test_expired_budget_is_noted_and_never_wrong():
    e = v**2 - 2
    r = sign_on(e, v, (1, 2), budget=1e-4)
    assert r.holds is not True
    assert any("budget" in n for n in r.notes)


@pytest.mark.parametrize("kwargs,word", [
    (dict(expr=v, var=v, interval=(1, 0)), "lo < hi"),
    (dict(expr=v, var=v, interval=(0, 0)), "lo < hi"),
    (dict(expr=v, var=v, interval=(0, 1), relation="=>"), "relation"),
    (dict(expr=v + sp.Symbol("q"), var=v, interval=(0, 1)), "'q'"),
    (dict(expr=v, var="v", interval=(0, 1)), "Symbol"),
    (dict(expr=v, var=v, interval=(0,)), "pair"),
])
def test_invalid_input_one_line_errors(kwargs, word):
    rel = kwargs.pop("relation", ">=")
    with pytest.raises(errors.SymmechError) as exc:
        sign_on(kwargs["expr"], kwargs["var"], kwargs["interval"], relation=rel)
    msg = str(exc.value)
    assert word in msg and "\n" not in msg
    assert isinstance(exc.value, ValueError)


def test_relations_constant():
    assert RELATIONS == (">=", ">", "<=", "<")
