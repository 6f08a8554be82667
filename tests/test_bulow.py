"""Tests of sm.bulow_puzzle: the 50-50 split against the war of attrition.

Reference values are derived in the comments and every closed form is compared with an
independent mpmath computation of its defining integral at 30+ digits.

Model (Kang & Skrzypacz 2025; THEORY section 5): war-of-attrition payoff
U0(v) = integral_0^v F (Krishna, Auction Theory, 2nd ed., sec. 3.2.3: the higher type wins,
U0(0) = 0, envelope theorem); the split pays v/2; D = v/2 - U0.
"""

import json

import mpmath
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

import symmech as sm
from symmech import families
from symmech.bulow import BulowVerdict, Quantity, bulow_puzzle, judge_limit

v = sm.v
DPS = 32


def _mp(x):
    return mpmath.mpmathify(sp.N(sp.sympify(x), DPS + 10))


def _F(d):
    return sm.numeric.mp_callable(d.cdf, d.var)


def _f(d):
    return sm.numeric.mp_callable(d.pdf, d.var)


def _E_U0(d):
    """E[U0(v)] = integral_0^1 (integral_0^v F(s) ds) f(v) dv by nested quadrature (no Fubini)."""
    F, f = _F(d), _f(d)
    lo, hi = _mp(d.lo), _mp(d.hi)
    return mpmath.quad(lambda x: mpmath.quad(F, [lo, x]) * f(x), [lo, hi])


def _mean(d):
    f = _f(d)
    return mpmath.quad(lambda x: x * f(x), [_mp(d.lo), _mp(d.hi)])


_CACHE = {}


def puzzle(d):
    """bulow_puzzle(d, grids=None), computed once per distribution in this module."""
    if d not in _CACHE:
        _CACHE[d] = bulow_puzzle(d, grids=None)
    return _CACHE[d]


@pytest.fixture(scope="module")
def concave_case():
    # F = 1 - (1-v)**2: strictly concave F, f = 2(1-v) log-concave (THEORY section 5)
    return sm.Distribution.from_cdf(1 - (1 - v) ** 2, support=(0, 1))


# ---------------------------------------------------------------------- theorem (i)
@pytest.mark.parametrize("d, mean", [
    (families.Uniform(0, 1), sp.Rational(1, 2)),   # E[v] = 1/2
    (families.Power(2), sp.Rational(2, 3)),        # E[v] = integral v * 2v = 2/3
])
def test_theorem_i_split_optimal_value_is_half_the_mean(d, mean):
    b = puzzle(d)
    assert b.split_pareto_improves.holds is True
    assert b.split_optimal.holds is True and b.split_optimal.method == "symbolic"
    assert b.optimal_value.is_exact and sp.simplify(b.optimal_value.value - mean / 2) == 0
    assert b.crossing_points == ()
    with mpmath.workdps(DPS):
        assert abs(_mp(b.optimal_value.value) - _mean(d) / 2) < mpmath.mpf(10) ** -30


@pytest.mark.parametrize("d, expected", [
    # E[U0] = integral F (1 - F) dv (Fubini); uniform: 1/2 - 1/3 = 1/6
    (families.Uniform(0, 1), sp.Rational(1, 6)),
    # Power(2): U0 = v**3/3, E[U0] = integral v**3/3 * 2v dv = 2/15
    (families.Power(2), sp.Rational(2, 15)),
    # Beta(2,2): F = 3v**2 - 2v**3, integral F - F**2 = 1/2 - 13/35 = 9/70
    (families.Beta(2, 2), sp.Rational(9, 70)),
])
def test_status_quo_value_exact_and_against_nested_quadrature(d, expected):
    b = puzzle(d)
    assert b.status_quo_value.is_exact and sp.simplify(b.status_quo_value.value - expected) == 0
    with mpmath.workdps(DPS):
        assert abs(_mp(expected) - _E_U0(d)) < mpmath.mpf(10) ** -30


@pytest.mark.parametrize("d", [families.Power(2), families.Uniform(1, 2)])
def test_status_quo_payoff_matches_the_equilibria_module_and_quadrature(d):
    b = puzzle(d)
    assert sp.simplify(b.status_quo_payoff - sm.war_of_attrition(d).payoff) == 0
    F = _F(d)
    with mpmath.workdps(DPS):
        for p in (sp.Rational(1, 7), sp.Rational(1, 2), sp.Rational(5, 6)):
            x = _mp(d.lo) + (_mp(d.hi) - _mp(d.lo)) * _mp(p)
            U0 = sm.numeric.mp_callable(b.status_quo_payoff, v)(x)
            assert abs(U0 - mpmath.quad(F, [_mp(d.lo), x])) < mpmath.mpf(10) ** -30


def test_beta22_neither_convex_nor_concave_but_split_optimal():
    # Beta(2,2): f = 6v(1-v), f' = 6 - 12v changes sign, so F is neither convex nor concave;
    # (1-F)/f is decreasing (f log-concave => MHR) and E[v] = 1/2 = hi/2, so D >= 0 (THEORY section 5).
    b = puzzle(families.Beta(2, 2))
    assert b.shape["cdf_convex"].holds is False and b.shape["cdf_concave"].holds is False
    assert b.split_pareto_improves.holds is True
    assert b.split_optimal.holds is True and b.split_optimal.method == "symbolic"
    assert b.optimal_value.value == sp.Rational(1, 4)
    assert b.refinement is None  # decided without the LP


# ---------------------------------------------------------------------- split fails
def test_concave_case_crossing_point_exact(concave_case):
    b = puzzle(concave_case)
    # D = v/2 - (v**2 - v**3/3) = v (v**2 - 3v + 3/2)/3: roots 0 and 3/2 -+ sqrt(3)/2
    assert len(b.crossing_points) == 1
    c = b.crossing_points[0]
    assert sp.simplify(c - (sp.Rational(3, 2) - sp.sqrt(3) / 2)) == 0
    F = _F(concave_case)
    with mpmath.workdps(DPS):
        root = mpmath.findroot(lambda x: x / 2 - mpmath.quad(F, [0, x]), (mpmath.mpf("0.5"), mpmath.mpf("0.9")),
                               solver="anderson")
        assert abs(root - _mp(c)) < mpmath.mpf(10) ** -30


def test_concave_case_split_not_pareto_improving_with_exact_counterexample(concave_case):
    b = puzzle(concave_case)
    assert b.split_pareto_improves.holds is False
    cx = b.split_pareto_improves.counterexample
    p = cx["v"]
    assert 0 < p < 1 and sp.simplify(b.difference.subs(v, p)) < 0
    # E[v] = integral v 2(1-v) = 1/3 < 1/2: D(1) = 1/3 - 1/2 = -1/6
    assert sp.simplify(b.difference.subs(v, 1) + sp.Rational(1, 6)) == 0
    assert b.split_optimal.holds is False  # not even feasible
    assert b.strict_improvement.holds is None  # needs the LP, not run with grids=None
    assert any("LP was not run" in n for n in b.notes)


# ---------------------------------------------------------------------- parameters
def test_power_k_condition_is_k_at_least_one():
    d = families.Power("k")
    k = d.params[0]
    b = puzzle(d)
    dom = sp.Interval.open(0, sp.oo)
    for vd in (b.split_pareto_improves, b.split_optimal):
        assert vd.holds is None and vd.method == "symbolic"
        assert vd.condition.as_set().intersect(dom) == sp.Interval(1, sp.oo)
    assert str(b.split_optimal.condition) == "k >= 1"
    # E[v] = k/(k+1), so E[v]/2 = k/(2(k+1)); E[U0] = 1/(k+1) - 1/(2k+1)
    assert sp.simplify(b.optimal_value.value - k / (2 * (k + 1))) == 0
    assert sp.simplify(b.status_quo_value.value - (1 / (k + 1) - 1 / (2 * k + 1))) == 0
    assert b.refinement is None


@pytest.mark.parametrize("k", [sp.Rational(1, 3), sp.Rational(3, 2)])
def test_numeric_power_k_agrees_with_the_condition_and_with_dense_sampling(k):
    d = families.Power(k)
    b = puzzle(d)
    assert b.split_pareto_improves.holds is bool(k >= 1)
    # independent check: min of D = v/2 - v**(k+1)/(k+1) on a dense grid (50 digits)
    with mpmath.workdps(50):
        kk = _mp(k)
        worst = min(x / 2 - x ** (kk + 1) / (kk + 1) for x in mpmath.linspace(0, 1, 2001))
    assert bool(worst >= -mpmath.mpf(10) ** -40) is bool(k >= 1)
    if k < 1:
        # one crossing: v**k = (k+1)/2
        (c,) = b.crossing_points
        with mpmath.workdps(DPS):
            assert abs(_mp(c) ** _mp(k) - (_mp(k) + 1) / 2) < mpmath.mpf(10) ** -30


# ---------------------------------------------------------------------- rendering, errors
def test_rendering_and_json():
    b = puzzle(families.Uniform(0, 1))
    assert isinstance(b, BulowVerdict)
    doc = json.loads(json.dumps(b.to_dict()))
    assert doc["split_optimal"]["holds"] is True
    assert doc["optimal_value"]["value"] == "1/4"
    assert r"\text{split optimal}" in b.latex()
    text = str(b)
    assert "1/4" in text and "1/6" in text


def test_bad_input_is_one_line_error():
    with pytest.raises(sm.InvalidParameter, match="at least three grid sizes"):
        bulow_puzzle(families.Uniform(0, 1), grids=(100,))
    with pytest.raises(sm.InvalidDistribution, match="bounded support"):
        bulow_puzzle(families.Exponential(1), grids=None)
    with pytest.raises(sm.InvalidParameter):
        bulow_puzzle("uniform", grids=None)


# ---------------------------------------------------------------------- the limit judgement
def test_judge_limit_cases():
    # THEORY section 5's raw gains halve with n: an artefact whose extrapolated limit is ~0
    # (Richardson with order 1 from the last two: 2*0.0029 - 0.0057 = 1e-4)
    assert judge_limit([0.0197, 0.0107, 0.0057, 0.0029], 1e-4, 2.8e-3, atol=1e-6) == "zero"
    assert judge_limit([0.0, 0.0, 0.0], 0.0, 0.0, atol=1e-9) == "zero"
    # 1/12 + 1/n converges to a positive limit
    vals = [1 / 12 + 1 / n for n in (50, 100, 200)]
    assert judge_limit(vals, 1 / 12, 1e-9, atol=1e-6) == "positive"
    # never from one or two grids
    assert judge_limit([0.1, 0.1], 0.1, 0.0, atol=1e-6) == "unclear"
    # a limit within error of 0 but not below the grid values: not shown to vanish
    assert judge_limit([0.012, 0.011, 0.0105], 0.01, 0.012, atol=1e-6) == "unclear"
    # a noisy, growing sequence is never "zero"
    assert judge_limit([0.01, 0.013, 0.009], 0.0, 0.01, atol=1e-6) == "unclear"
    # a positive limit must clear its error bar
    assert judge_limit([0.02, 0.015, 0.0125], 0.01, 0.02, atol=1e-6) == "unclear"


@settings(max_examples=300, deadline=None)
@given(a=st.floats(0.01, 10.0), p=st.floats(0.7, 2.0),
       c=st.one_of(st.just(0.0), st.floats(1e-4, 1.0)), grids=st.sampled_from([(25, 50, 100), (50, 100, 200, 400)]))
def test_judge_limit_on_power_law_sequences(a, p, c, grids):
    # value(n) = c + a n**-p: the discretisation model of THEORY section 4, through sm.refine
    r = sm.refine(lambda n: c + a * n ** -p, grids)
    j = judge_limit(r.values, r.limit, r.error, atol=1e-9)
    resolution = a * grids[-1] ** -p  # discretisation error on the finest grid
    if c == 0.0:
        assert j == "zero"
    if j == "zero":
        assert c < 0.35 * resolution  # "zero" means: below the refinement's resolution
    if c >= 2 * resolution:
        assert j == "positive"


def test_quantity_float_and_str():
    q = Quantity(sp.sqrt(2) / 2)
    assert abs(float(q) - 0.7071067811865476) < 1e-15
    assert "sqrt(2)/2" in str(q)
    e = Quantity(0.1333, 2e-4, "extrapolated", sequence=((50, 0.14), (100, 0.137)))
    assert e.to_dict()["sequence"] == [[50, 0.14], [100, 0.137]]


# ---------------------------------------------------------------------- the LP route
def test_theorem_ii_no_strict_improvement_survives_the_refinement(concave_case):
    b = bulow_puzzle(concave_case, grids=(25, 50, 100, 200))
    ref = b.refinement
    assert all(w <= 1e-9 for w in ref.violations)
    # raw grid gains are positive and shrink like 1/n (THEORY section 5) ...
    assert all(g > 1e-3 for g in ref.gain)
    assert all(b2 < 0.6 * b1 for b1, b2 in zip(ref.gain, ref.gain[1:]))
    # ... the verdict is about the extrapolated limit, never the raw gain
    assert ref.gain_judgement == "zero"
    assert b.strict_improvement.holds is False and b.strict_improvement.method == "sampled"
    # optimum converges to the war of attrition's E[U0] = 2/15 (exact, checked above)
    assert b.optimal_value.method == "extrapolated"
    assert abs(b.optimal_value.value - 2 / 15) <= b.optimal_value.error + 1e-6
    assert b.status_quo_value.value == sp.Rational(2, 15)


def test_lp_route_when_split_improves_but_mhr_fails():
    # U-shaped density f = 12 (v - 1/2)**2: E[v] = 1/2 so the split Pareto-improves (D concave,
    # D(1) = 0), but f/(1-F) is not monotone (f(1/2) = 0): no symbolic argument; the LP
    # finds a better mechanism (about 0.273 > 1/4 per player).
    d = sm.Distribution.from_cdf(4 * v**3 - 6 * v**2 + 3 * v, support=(0, 1))  # f = 12 (v - 1/2)**2
    b = bulow_puzzle(d, grids=(25, 50, 100))
    assert b.split_pareto_improves.holds is True
    assert b.shape["demand_log_concave"].holds is False
    assert all(w <= 1e-9 for w in b.refinement.violations)
    assert b.split_optimal.holds is False and b.split_optimal.method == "sampled"
    opt = b.optimal_value
    assert opt.method == "extrapolated" and opt.value - 3 * opt.error > 0.25
    # the split strictly improves on the war of attrition (symbolic), so strict is True
    assert b.strict_improvement.holds is True and b.strict_improvement.method == "symbolic"


def _border_lp(d, n):
    """Bargaining LP of THEORY section 5 built directly (Border rows), solved by HiGHS."""
    import numpy as np
    import scipy.sparse as sps
    from scipy.optimize import linprog
    F = sp.lambdify(v, d.cdf, "numpy")
    U0f = sp.lambdify(v, sm.war_of_attrition(d).payoff, "numpy")
    e = np.linspace(0, 1, n + 1)
    t = (e[:-1] + e[1:]) / 2
    p = np.diff(F(e))
    cum = np.concatenate([[0.0], np.cumsum(p)])
    rows, cols, vals, rhs = [], [], [], []

    def add(entries, c):
        r = len(rhs)
        for j, a in entries:
            rows.append(r), cols.append(j), vals.append(a)
        rhs.append(c)

    for i in range(1, n):
        dv = t[i] - t[i - 1]
        add([(i - 1, 1), (i, -1)], 0)
        add([(n + i - 1, 1), (n + i, -1), (i - 1, dv)], 0)
        add([(n + i, 1), (n + i - 1, -1), (i, -dv)], 0)
    for i in range(n):
        add([(n + i, 1), (i, -t[i])], 0)
    for k in range(n):
        add([(i, 2 * p[i]) for i in range(k, n)], 1 - cum[k] ** 2)
    A = sps.csr_matrix((vals, (rows, cols)), shape=(len(rhs), 2 * n))
    res = linprog(np.concatenate([np.zeros(n), -p]), A_ub=A, b_ub=rhs,
                  bounds=[(0, 1)] * n + [(u, None) for u in U0f(t)], method="highs")
    return -res.fun, float(p @ U0f(t))


def test_bargaining_lp_gain_matches_an_independent_model(concave_case):
    sol = sm.optimal_bargaining(concave_case, status_quo="war_of_attrition", grid=50)
    assert sm.verify_mechanism(sol).worst_violation <= 1e-9
    obj, sq = _border_lp(concave_case, 50)
    assert abs(sol.objective - obj) < 1e-8
    b = bulow_puzzle(concave_case, grids=(25, 50, 100))
    assert abs(b.refinement.gain[1] - (obj - sq)) < 1e-8


def test_piecewise_density_gives_one_formula_per_piece_and_the_right_crossing():
    # Triangular(0, 1/3, 1): F = 3v^2 below 1/3 and 1 - 3(1-v)^2/2 above; E[v] = 4/9 < 1/2, so
    # D(1) = E[v] - 1/2 < 0 and the split fails near the top (D concave: one crossing).
    d = sm.families.Triangular(0, sp.Rational(1, 3), 1)
    b = sm.bulow_puzzle(d, grids=(50, 100, 200))
    assert not b.status_quo_payoff.has(sp.Min, sp.Max)
    assert b.split_pareto_improves.holds is False
    with mpmath.workdps(40):
        third = mpmath.mpf(1) / 3
        F = lambda x: 3 * x**2 if x < third else 1 - mpmath.mpf(3) / 2 * (1 - x) ** 2  # noqa: E731
        root = mpmath.findroot(lambda x: x / 2 - mpmath.quad(F, [0, third, x]), mpmath.mpf("0.88"))
        (cross,) = b.crossing_points
        assert abs(mpmath.mpf(sp.N(cross, 40)) - root) < mpmath.mpf(10) ** -28
        # ex ante payoff E[U0(v)] = E[integral_0^v F] by nested quadrature
        f = lambda x: 6 * x if x < third else 3 * (1 - x)  # noqa: E731
        ex_ante = mpmath.quad(lambda x: f(x) * mpmath.quad(F, [0, min(x, third), x]), [0, third, 1])
        assert abs(mpmath.mpf(sp.N(b.status_quo_value.value, 40)) - ex_ante) < mpmath.mpf(10) ** -25
