"""numeric: mpmath evaluation, quadrature, roots, verification, grids, sign changes.

Reference values are classical constants computed here independently (mpmath's own special
functions, or closed forms quoted with their derivation), never by the function under test.
"""

import mpmath
import pytest
import sympy as sp
from hypothesis import given, settings, strategies as st

from symmech.numeric import (Agreement, cdf_by_quadrature, demand_by_quadrature, evaluate, find_root,
                             grid_points, mp_callable, quad, quad_fn, sample_points, sign_changes, verify)

x = sp.Symbol("x", real=True)
s = sp.Symbol("s", real=True)
TOL30 = mpmath.mpf(10) ** -29


# ------------------------------------------------------------------ mp_callable / evaluate
def test_mp_callable_integral_is_erf():
    # integral_0^x exp(-s^2) ds = sqrt(pi)/2 erf(x) (Abramowitz & Stegun 7.1.1)
    g = mp_callable(sp.Integral(sp.exp(-s**2), (s, 0, x)), x)
    with mpmath.workdps(40):
        for p in (mpmath.mpf("0.3"), mpmath.mpf(2)):
            assert abs(g(p) - mpmath.sqrt(mpmath.pi) / 2 * mpmath.erf(p)) < mpmath.mpf(10) ** -38


def test_mp_callable_nested_integral():
    # integral_0^x integral_0^s t dt ds = x^3/6
    t = sp.Symbol("t", real=True)
    g = mp_callable(sp.Integral(sp.Integral(t, (t, 0, s)), (s, 0, x)), x)
    with mpmath.workdps(30):
        assert abs(g(mpmath.mpf(3)) - mpmath.mpf(27) / 6) < TOL30


def test_mp_callable_folds_constants_per_precision():
    # a constant erf(8 sqrt 2) must be recomputed when the precision rises, not frozen at the first
    expr = x * sp.erf(8 * sp.sqrt(2)) + sp.sqrt(sp.pi)
    g = mp_callable(expr, x)
    with mpmath.workdps(15):
        lowp = g(mpmath.mpf(1))
    with mpmath.workdps(60):
        hi = g(mpmath.mpf(1))
        ref = mpmath.erf(8 * mpmath.sqrt(2)) + mpmath.sqrt(mpmath.pi)
        assert abs(hi - ref) < mpmath.mpf(10) ** -58
    assert abs(lowp - ref) < 1e-14


def test_evaluate_log_at_40_digits():
    # log 2 to 30 digits: 0.693147180559945309417232121458 (OEIS A002162)
    val = evaluate(sp.log(1 + x), x, 1, dps=40)
    assert mpmath.nstr(val, 30) == "0.693147180559945309417232121458"


def test_evaluate_accepts_symbolic_points():
    with mpmath.workdps(30):
        assert abs(evaluate(x**2, x, sp.sqrt(2), dps=30) - 2) < TOL30
        assert abs(evaluate(sp.sin(x), x, sp.pi / 6, dps=30) - mpmath.mpf(1) / 2) < TOL30


# ------------------------------------------------------------------ quadrature
def test_quad_finite_and_infinite():
    # integral_0^1 2x = 1; integral_0^oo exp(-x) = 1; integral_-oo^oo exp(-x^2) = sqrt(pi)
    assert quad(2 * x, x, 0, 1) == 1
    with mpmath.workdps(30):
        assert abs(quad(sp.exp(-x), x, 0, sp.oo) - 1) < TOL30
        assert abs(quad(sp.exp(-x**2), x, -sp.oo, sp.oo) - mpmath.sqrt(mpmath.pi)) < TOL30


@pytest.mark.parametrize("p", [sp.Rational(1, 2), sp.Rational(3, 4), sp.Rational(1, 10)])
def test_quad_fn_endpoint_power_singularity(p):
    # integral_0^1 x^(-p) dx = 1/(1 - p); plain tanh-sinh loses about half the digits at p = 1/2
    with mpmath.workdps(30):
        pm = mpmath.mpf(p.p) / p.q
        val = quad_fn(lambda t: t ** (-pm), 0, 1)
        assert abs(val - 1 / (1 - pm)) < mpmath.mpf(10) ** -27


def test_quad_fn_singularity_at_upper_end_and_orientation():
    # integral_0^1 (1 - x)^(-1/2) dx = 2, and reversing the bounds flips the sign
    with mpmath.workdps(30):
        f = lambda t: 1 / mpmath.sqrt(1 - t)  # noqa: E731
        assert abs(quad_fn(f, 0, 1) - 2) < TOL30
        assert abs(quad_fn(f, 1, 0) + 2) < TOL30
        assert quad_fn(f, mpmath.mpf("0.5"), mpmath.mpf("0.5")) == 0


def test_quad_fn_half_lines():
    # integral_0^oo x e^-x = 1 and integral_-oo^0 e^x = 1
    with mpmath.workdps(30):
        assert abs(quad_fn(lambda t: t * mpmath.exp(-t), 0, mpmath.inf) - 1) < TOL30
        assert abs(quad_fn(mpmath.exp, -mpmath.inf, 0) - 1) < TOL30
        assert abs(quad_fn(lambda t: mpmath.exp(-t * t), -mpmath.inf, mpmath.inf) - mpmath.sqrt(mpmath.pi)) < TOL30


def test_cdf_and_demand_by_quadrature():
    # F(v) = v^2 for f = 2v on [0, 1]; demand of Exp(1) is e^-x, no cancellation at x = 40
    F = cdf_by_quadrature(2 * x, x, 0)
    D = demand_by_quadrature(sp.exp(-x), x, sp.oo)
    with mpmath.workdps(30):
        assert abs(F(mpmath.mpf(1) / 3) - mpmath.mpf(1) / 9) < TOL30
        assert abs(D(mpmath.mpf(40)) / mpmath.exp(-40) - 1) < TOL30


def test_demand_by_quadrature_with_singular_density():
    # Beta(1/2, 1/2): f = 1/(pi sqrt(v(1-v))), 1 - F(v) = 1 - (2/pi) asin(sqrt v)
    D = demand_by_quadrature(1 / (sp.pi * sp.sqrt(x * (1 - x))), x, 1)
    with mpmath.workdps(30):
        v0 = mpmath.mpf(1) / 4
        assert abs(D(v0) - (1 - 2 / mpmath.pi * mpmath.asin(mpmath.sqrt(v0)))) < mpmath.mpf(10) ** -28


# ------------------------------------------------------------------ roots
def test_find_root_expression_and_callable():
    # sqrt(2) as the root of x^2 - 2 on [1, 2]; cos x = x (Dottie number 0.739085133215160641655312087674)
    r = find_root(x**2 - 2, x, (1, 2), dps=30)
    with mpmath.workdps(30):
        assert abs(r - mpmath.sqrt(2)) < TOL30
    r2 = find_root(lambda t: mpmath.cos(t) - t, x, (0, 1), dps=30)
    assert mpmath.nstr(r2, 30) == "0.739085133215160641655312087674"


def test_find_root_with_integral_in_expression():
    # integral_0^r 2s ds = 1/4 at r = 1/2
    r = find_root(sp.Integral(2 * s, (s, 0, x)) - sp.Rational(1, 4), x, (0, 1), dps=30)
    assert abs(r - mpmath.mpf(1) / 2) < TOL30


# ------------------------------------------------------------------ grids, sign changes
def test_sample_points_shapes():
    assert sample_points(0, 1, 3) == [sp.Rational(1, 4), sp.Rational(1, 2), sp.Rational(3, 4)]
    pos = sample_points(2, sp.oo, 4)
    assert all(p > 2 for p in pos) and pos == sorted(pos)
    neg = sample_points(-sp.oo, 0, 4)
    assert all(p < 0 for p in neg)
    assert len(sample_points(-sp.oo, sp.oo, 5)) == 5


def test_grid_points_inside_and_increasing():
    for lo, hi in ((0, 1), (-2, 3), (1, sp.oo), (-sp.oo, 0), (-sp.oo, sp.oo)):
        pts = grid_points(lo, hi, 25, scale=2)
        assert len(pts) == 25
        assert pts == sorted(pts) and len(set(pts)) == 25
        assert all(sp.sympify(lo) < p < sp.sympify(hi) for p in pts)
        assert all(p.is_Rational for p in pts)
    # an infinite end reaches far out: t/(1-t) at t = 25/26 with scale 2 gives 50
    assert max(grid_points(0, sp.oo, 25, scale=2)) == 50
    with pytest.raises(ValueError):
        grid_points(0, 1, 0)


def test_sign_changes_brackets_each_root():
    # (x - 1/3)(x - 2/3)(x - 9/10) has three simple roots in (0, 1)
    e = (x - sp.Rational(1, 3)) * (x - sp.Rational(2, 3)) * (x - sp.Rational(9, 10))
    brackets = sign_changes(e, x, grid_points(0, 1, 40))
    roots = [sp.Rational(1, 3), sp.Rational(2, 3), sp.Rational(9, 10)]
    assert len(brackets) == 3
    for (a, b), r in zip(brackets, roots):
        assert a <= r <= b and b - a <= sp.Rational(1, 41)


def test_sign_changes_skips_poles_and_handles_callables():
    # 1/x changes sign across the pole only: points with a non-finite value are skipped
    assert sign_changes(sp.Integer(1) / x, x, [-1, 0, 1]) == [(-1, 1)]
    assert sign_changes(lambda t: t - mpmath.mpf("0.25"), x, [0, sp.Rational(1, 2), 1]) == [(0, sp.Rational(1, 2))]


# ------------------------------------------------------------------ verify / Agreement
def test_verify_agreement_against_quadrature_reference():
    # integral_0^x s ds = x^2/2 at three points
    pts = [sp.Rational(1, 3), sp.Rational(1, 2), 2]
    ag = verify(x**2 / 2, lambda t: mpmath.quad(lambda u: u, [0, t]), x, pts)
    assert isinstance(ag, Agreement)
    assert ag.ok and ag.digits >= 29 and ag.dps == 30 and ag.points == tuple(pts)


def test_verify_detects_a_wrong_closed_form():
    # x^2/2 + 1e-8 x differs by about 1e-8: about 8 digits, not ok
    ag = verify(x**2 / 2 + sp.Rational(1, 10**8) * x, x**2 / 2, x, [sp.Rational(1, 2), 1])
    assert not ag.ok
    assert 7.5 < ag.digits < 8.5
    # the discrepancy measured is the genuine one (1e-8 at v = 1), not round-off
    assert abs(ag.max_error - mpmath.mpf(10) ** -8) < mpmath.mpf(10) ** -20


def test_verify_sympy_reference_exact_agreement():
    ag = verify(sp.sin(x)**2 + sp.cos(x)**2, sp.Integer(1), x, [sp.Rational(1, 7), 3])
    assert ag.ok and ag.digits == 30


@settings(max_examples=25, deadline=None)
@given(st.fractions(min_value=-5, max_value=5))
def test_evaluate_matches_python_exact_rationals(q):
    # a polynomial at an exact rational agrees with exact rational arithmetic at 30 digits
    r = sp.Rational(q.numerator, q.denominator)
    exact = 3 * r**3 - r + sp.Rational(1, 7)
    val = evaluate(3 * x**3 - x + sp.Rational(1, 7), x, r, dps=30)
    with mpmath.workdps(40):
        assert abs(val - mpmath.mpf(exact.p) / exact.q) <= mpmath.mpf(10) ** -28 * max(1, abs(val))
