"""virtual: virtual values, ironing, reserve and market-clearing prices.

Every expected value is either derived in a comment (with its source) or computed here
independently with mpmath/numpy from the density alone: F by quadrature of f, roots by
mpmath.findroot, the ironed virtual value by a numeric convex hull on a fine grid.
"""

import json

import mpmath
import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings, strategies as st

import symmech as sm
from symmech import families as fam
from symmech.errors import InvalidDistribution, InvalidParameter, SymmechError

v = sm.v
R = sp.Rational
k = sp.Symbol("k", positive=True)
b = sp.Symbol("b", positive=True)
rate = sp.Symbol("rate", positive=True)


# ------------------------------------------------------------------ independent references
def _pdf(d):
    f = sp.lambdify(v, d.pdf, modules=["mpmath"])
    return lambda x: mpmath.re(f(x))


def ref_demand(d, x):
    """1 - F(x) = integral_x^hi f by plain mpmath quadrature (no symmech code)."""
    return mpmath.quad(_pdf(d), [x, mpmath.mpmathify(sp.N(d.hi, 50)) if d.hi != sp.oo else mpmath.inf])


def ref_J(d, alpha, x):
    return alpha * x + (1 - 2 * alpha) * ref_demand(d, x) / _pdf(d)(x)


def ref_root(g, lo, hi, n=40):
    """Roots of g: a 15-digit sign scan on n points, then mpmath's bracketing Anderson solver
    at the caller's precision."""
    with mpmath.workdps(15):
        xs = [lo + (hi - lo) * mpmath.mpf(i) / n for i in range(1, n)]
        vals = [g(x) for x in xs]
    roots = []
    for (x0, g0), (x1, g1) in zip(zip(xs, vals), zip(xs[1:], vals[1:])):
        if g0 * g1 < 0:
            roots.append(mpmath.findroot(g, (x0, x1), solver="anderson"))
    return roots


def close(a, b_, digits=28):
    return abs(mpmath.mpmathify(a) - mpmath.mpmathify(b_)) <= mpmath.mpf(10) ** -digits * max(1, abs(b_))


def num(expr, dps=40):
    return mpmath.mpmathify(sp.N(expr, dps))


# ------------------------------------------------------------------ virtual values: textbook rows
VV_ROWS = [
    # Myerson 1981 / Krishna (2010) sec. 5.2: uniform on [0, 1], J = v - (1 - v)/1 = 2v - 1
    (lambda: fam.Uniform(0, 1), 1, 2 * v - 1, {}),
    # uniform on [0, b]: J = v - (1 - v/b) b = 2v - b
    (lambda: fam.Uniform(0, b), 1, 2 * v - b, {"b": 3}),
    # exponential: constant hazard rate, J = v - 1/rate
    (lambda: fam.Exponential(rate), 1, v - 1 / rate, {"rate": R(5, 2)}),
    # Power(k), F = v^k: J = v - (1 - v^k)/(k v^(k-1)) = ((k + 1) v^k - 1)/(k v^(k-1))
    (lambda: fam.Power(k), 1, ((k + 1) * v**k - 1) / (k * v**(k - 1)), {"k": R(7, 3)}),
    # Beta(2, 2): F = 3v^2 - 2v^3, f = 6v(1-v): J = (8v^2 - v - 1)/(6v)
    (lambda: fam.Beta(2, 2), 1, (8 * v**2 - v - 1) / (6 * v), {}),
    # Kumaraswamy(2, 3): F = 1 - (1 - v^2)^3, (1-F)/f = (1 - v^2)/(6v), J = (7v^2 - 1)/(6v)
    (lambda: fam.Kumaraswamy(2, 3), 1, (7 * v**2 - 1) / (6 * v), {}),
    # alpha = 1/2: J = v/2 whatever F (THEORY sec. 2)
    (lambda: fam.Beta(2, 2), R(1, 2), v / 2, {}),
    (lambda: fam.Exponential(rate), R(1, 2), v / 2, {"rate": 2}),
    # alpha = 0: the inverse hazard rate (Hartline & Roughgarden 2008): Exp -> 1/rate,
    # uniform -> 1 - v, F = v^2 -> (1 - v^2)/(2v)
    (lambda: fam.Exponential(rate), 0, 1 / rate, {"rate": 3}),
    (lambda: fam.Uniform(0, 1), 0, 1 - v, {}),
    (lambda: fam.Power(2), 0, (1 - v**2) / (2 * v), {}),
    # alpha = 1/4 on the uniform: v/4 + (1/2)(1 - v) = 1/2 - v/4
    (lambda: fam.Uniform(0, 1), R(1, 4), R(1, 2) - v / 4, {}),
]


@pytest.mark.parametrize("make, alpha, expected, values", VV_ROWS)
def test_virtual_value_textbook_rows(make, alpha, expected, values):
    J = sm.virtual_value(make(), alpha)
    assert sp.simplify(J.expr - expected) == 0
    assert not J.expr.has(sp.I)
    ag = J.check(dps=30, values=values or None)
    assert ag.ok and ag.digits >= 28


def test_virtual_value_symbolic_alpha():
    a = sp.Symbol("alpha")
    J = sm.virtual_value(fam.Uniform(0, 1), a)
    # J_alpha = alpha v + (1 - 2 alpha)(1 - v)
    assert sp.expand(J.expr - (a * v + (1 - 2 * a) * (1 - v))) == 0
    assert J.params == (a,)
    assert J.check(values={"alpha": R(1, 3)}).ok
    with pytest.raises(InvalidParameter, match="alpha"):
        J.check()


def test_virtual_value_alpha_symbolic_reduces_to_cases():
    a = sp.Symbol("alpha")
    d = fam.Beta(2, 2)
    J = sm.virtual_value(d, a).expr
    for val in (0, R(1, 2), 1):
        assert sp.simplify(J.subs(a, val) - sm.virtual_value(d, val).expr) == 0


def test_virtual_value_is_real_and_readable_for_power_k():
    J = sm.virtual_value(fam.Power(k))
    assert not J.expr.has(sp.I) and not J.expr.has(sp.log)
    for kv in (R(1, 2), 1, 3):
        for x in (R(1, 5), R(3, 4)):
            exact = x - (1 - x**kv) / (kv * x**(kv - 1))
            assert close(num(J.expr.subs({k: kv, v: x})), num(exact), 35)


def test_virtual_value_monotone_verdicts():
    # uniform: J = 2v - 1 increasing (proved); Power(1/2): J = 3v - 2 sqrt(v) falls on (0, 1/9)
    assert sm.virtual_value(fam.Uniform(0, 1)).monotone.holds is True
    bad = sm.virtual_value(fam.Power(R(1, 2))).monotone
    assert bad.holds is False
    # the counterexample is a point where J' = 3 - 1/sqrt(v) < 0, i.e. v < 1/9
    assert 0 < float(bad.counterexample["v"]) < 1 / 9


def test_virtual_value_evaluation_and_rendering():
    J = sm.virtual_value(fam.Uniform(0, 1))
    assert J(R(3, 4)) == mpmath.mpf("0.5")
    assert J.latex() == r"J_{1}(v) = 2 v - 1"
    d = J.to_dict()
    json.dumps(d)
    assert d["expr"] == "2*v - 1" and d["monotone"]["holds"] is True
    assert str(J) == "J_1(v) = 2*v - 1"


def test_virtual_value_cdf_without_closed_form_is_numeric():
    # exp(-v^4 + v) on [0, 2] has no elementary antiderivative: F stays an Integral
    with mpmath.workdps(50):
        c = mpmath.quad(lambda x: mpmath.exp(-x**4 + x), [0, 2])
    d = sm.Distribution.from_pdf(sp.exp(-v**4 + v) / sp.Float(c, 50), (0, 2))
    assert d.cdf.has(sp.Integral)
    J = sm.virtual_value(d)
    assert J.numeric and any("quadrature" in n for n in J.notes)
    ag = J.check(dps=30)
    assert ag.ok and ag.digits >= 27
    x = mpmath.mpf("0.7")
    with mpmath.workdps(30):
        assert close(J(x), ref_J(d, 1, x), 27)


# ------------------------------------------------------------------ thresholds
def test_reserve_uniform_and_parametric_rows():
    # Myerson 1981 / Krishna sec. 5.2: uniform reserve 1/2; uniform on [0, b]: b/2
    r = sm.reserve_price(fam.Uniform(0, 1))
    assert r.value == R(1, 2) and r.exact and r.case == "root" and float(r) == 0.5
    assert r.check().ok
    rb = sm.reserve_price(fam.Uniform(0, b))
    assert sp.simplify(rb.value - b / 2) == 0 and rb.exact
    chk = rb.check(values={"b": 3})
    assert chk.ok and chk.sign_change and chk.roots_seen == 1
    with pytest.raises(InvalidParameter):
        float(rb)


def test_reserve_exponential_is_one_over_rate():
    # J = v - 1/rate = 0 at r = 1/rate (constant hazard rate)
    r = sm.reserve_price(fam.Exponential(rate))
    assert sp.simplify(r.value - 1 / rate) == 0
    assert r.check(values={"rate": R(3, 2)}).ok
    r2 = sm.reserve_price(fam.Exponential(4))
    assert r2.value == R(1, 4) and r2.check().ok


def test_reserve_power_k_symbolic():
    # ((k+1) v^k - 1) = 0  =>  r = (1/(k+1))^(1/k)
    r = sm.reserve_price(fam.Power(k))
    expected = (1 / (k + 1)) ** (1 / k)
    for kv in (R(1, 3), R(1, 2), 1, 2, 5):
        assert close(num(r.value.subs(k, kv)), num(expected.subs(k, kv)), 35)
    for kv in (R(1, 2), 3):
        assert r.check(values={"k": kv}).ok


@pytest.mark.parametrize("make, exact_value", [
    # Beta(2, 2): 8r^2 - r - 1 = 0 -> r = (1 + sqrt 33)/16
    (lambda: fam.Beta(2, 2), (1 + sp.sqrt(33)) / 16),
    # Kumaraswamy(2, 3): 7r^2 = 1 -> r = 1/sqrt(7)
    (lambda: fam.Kumaraswamy(2, 3), 1 / sp.sqrt(7)),
    # Triangular(0, 1/3, 1): J = (9v^2 - 1)/(6v) below the mode, (3v - 1)/2 above: r = 1/3
    (lambda: fam.Triangular(0, R(1, 3), 1), R(1, 3)),
    # TruncatedNormal(1/2, 1/4) on [0, 1]: no closed form, reference root only
    (lambda: fam.TruncatedNormal(R(1, 2), R(1, 4), 0, 1), None),
])
def test_reserve_against_independent_findroot(make, exact_value):
    d = make()
    r = sm.reserve_price(d)
    with mpmath.workdps(35):
        roots = ref_root(lambda x: ref_J(d, 1, x), mpmath.mpf(0), mpmath.mpf(1))
        assert len(roots) == 1
        assert close(num(r.value), roots[0], 29)
    if exact_value is not None:
        assert r.exact and sp.simplify(r.value - exact_value) == 0
    else:
        assert not r.exact and r.method == "numeric"
        lo_b, hi_b = r.bracket
        assert lo_b < r.value < hi_b
    chk = r.check(dps=30)
    assert chk.ok and chk.digits >= 29 and chk.sign_change and chk.roots_seen == 1


def test_reserve_corner_cases():
    # Uniform(2, 3): J = 2v - 3 > 0 on the support: serve everyone, reserve = lo
    r = sm.reserve_price(fam.Uniform(2, 3))
    assert r.case == "lower end" and r.value == 2 and r.check().ok
    # Uniform(-3, -2): J = 2v + 2 < 0 on the support: no sale
    r2 = sm.reserve_price(fam.Uniform(-3, -2))
    assert r2.case == "no sale" and r2.value == -2 and r2.check().ok
    assert any("no sale" in n for n in r2.notes)


def test_reserve_without_closed_form_cdf_is_numeric():
    with mpmath.workdps(50):
        c = mpmath.quad(lambda x: mpmath.exp(-x**4 + x), [0, 2])
    d = sm.Distribution.from_pdf(sp.exp(-v**4 + v) / sp.Float(c, 50), (0, 2))
    r = sm.reserve_price(d)
    assert not r.exact and r.method == "numeric" and any("numeric" in n for n in r.notes)
    with mpmath.workdps(35):
        (root,) = ref_root(lambda x: ref_J(d, 1, x), mpmath.mpf(0), mpmath.mpf(2), n=32)
    assert close(num(r.value), root, 29)
    assert r.check().ok
    p = sm.market_clearing_price(d, R(1, 3))
    with mpmath.workdps(35):
        (root,) = ref_root(lambda x: ref_demand(d, x) - mpmath.mpf(1) / 3, mpmath.mpf(0), mpmath.mpf(2), n=16)
    assert close(num(p.value), root, 29) and not p.exact and p.check().ok


MC_ROWS = [
    # 1 - F(p) = Q: uniform p = 1 - Q; Power(k): p = (1 - Q)^(1/k); Exp(rate): p = -log(Q)/rate
    (lambda: fam.Uniform(0, 1), R(1, 3), R(2, 3)),
    (lambda: fam.Power(2), R(1, 2), sp.sqrt(2) / 2),
    (lambda: fam.Exponential(2), R(1, 3), sp.log(3) / 2),
    # Beta(2, 2): 3p^2 - 2p^3 = 3/4 has the root p = 1/2 + sin(pi/18)... checked numerically only
    (lambda: fam.Beta(2, 2), R(1, 4), None),
    (lambda: fam.TruncatedNormal(R(1, 2), R(1, 4), 0, 1), R(1, 3), None),
    (lambda: fam.Triangular(0, R(1, 3), 1), R(1, 2), None),
    (lambda: fam.Kumaraswamy(2, 3), R(1, 5), None),
]


@pytest.mark.parametrize("make, Q, exact_value", MC_ROWS)
def test_market_clearing_against_mpmath(make, Q, exact_value):
    d = make()
    p = sm.market_clearing_price(d, Q)
    hi = mpmath.mpf(1) if d.hi == 1 else mpmath.mpf(5)
    with mpmath.workdps(35):
        (root,) = ref_root(lambda x: ref_demand(d, x) - mpmath.mpf(Q.p) / Q.q, mpmath.mpf(0), hi, n=20)
        assert close(num(p.value), root, 29)
    if exact_value is not None:
        assert p.exact and sp.simplify(p.value - exact_value) == 0
    chk = p.check()
    assert chk.ok and chk.roots_seen == 1


def test_market_clearing_symbolic():
    Q = sp.Symbol("Q", positive=True)
    p = sm.market_clearing_price(fam.Power(k), Q)
    assert sp.simplify(p.value - (1 - Q) ** (1 / k)) == 0
    assert p.check(values={"k": 3, "Q": R(1, 4)}).ok
    pe = sm.market_clearing_price(fam.Exponential(rate), R(1, 2))
    assert sp.simplify(pe.value - sp.log(2) / rate) == 0


def test_threshold_rendering():
    r = sm.reserve_price(fam.Uniform(0, 1))
    assert r.latex() == r"r = \frac{1}{2}"
    d = r.to_dict()
    json.dumps(d)
    assert d["value"] == "1/2" and d["exact"] is True
    p = sm.market_clearing_price(fam.TruncatedNormal(R(1, 2), R(1, 4), 0, 1), R(1, 3))
    assert p.latex().startswith("p = ")


@settings(max_examples=12, deadline=None)
@given(st.integers(-3, 3), st.integers(1, 4), st.integers(1, 5))
def test_reserve_uniform_sweep(lo, width, qn):
    # Uniform(lo, lo + width): J = 2v - (lo + width); reserve max(lo, (lo + width)/2) unless
    # J < 0 on the whole support (hi <= 0): then no sale. Market clearing: hi - Q * width.
    hi = lo + width
    r = sm.reserve_price(fam.Uniform(lo, hi))
    if hi <= 0:
        assert r.case == "no sale" and r.value == hi
    elif R(hi, 2) <= lo:
        assert r.case == "lower end" and r.value == lo
    else:
        assert r.case == "root" and r.value == R(hi, 2)
    assert r.check().ok
    Q = R(qn, 6)
    p = sm.market_clearing_price(fam.Uniform(lo, hi), Q)
    assert p.value == hi - Q * width


# ------------------------------------------------------------------ ironing
def ref_ironed(d, alpha, n=100001):
    """Derivative of the convex hull of H(u) = integral J dF, u = F(v), on a fine v grid (numpy)."""
    lo, hi = float(d.lo), float(d.hi)
    t = np.linspace(0, 1, n)
    x = lo + (hi - lo) * (1 - np.cos(np.pi * t)) / 2
    fl = sp.lambdify(v, d.pdf, "numpy")
    with np.errstate(all="ignore"):
        f = np.nan_to_num(np.asarray(fl(x), dtype=float) * np.ones_like(x), posinf=0.0)
    F = np.concatenate([[0], np.cumsum((f[1:] + f[:-1]) / 2 * np.diff(x))])
    F /= F[-1]
    D = 1 - F
    Jf = alpha * x * f + (1 - 2 * alpha) * D  # J f, integrable even where J is not
    H = np.concatenate([[0], np.cumsum((Jf[1:] + Jf[:-1]) / 2 * np.diff(x))])
    hull = []
    for i in range(n):
        while len(hull) >= 2:
            i1, i2 = hull[-2], hull[-1]
            if (F[i2] - F[i1]) * (H[i] - H[i1]) - (H[i2] - H[i1]) * (F[i] - F[i1]) <= 0:
                hull.pop()
            else:
                break
        hull.append(i)
    slope = np.full(n, np.nan)
    for i, j in zip(hull, hull[1:]):
        if j - i > 1 and F[j] > F[i]:
            slope[i:j + 1] = (H[j] - H[i]) / (F[j] - F[i])
    return x, slope


MIX = 36 * (v * (1 - v)**7 + v**7 * (1 - v))  # (Beta(2, 8) + Beta(8, 2))/2: bimodal, J not monotone


@pytest.fixture(scope="module")
def mix():
    return sm.Distribution.from_pdf(MIX, (0, 1))


@pytest.mark.parametrize("alpha, kinds", [(1, "interior"), (R(1, 4), "both ends")])
def test_ironing_bimodal_against_numeric_hull(mix, alpha, kinds):
    jb = sm.ironed_virtual_value(mix, alpha)
    assert jb.ironed and isinstance(jb.expr, sp.Piecewise)
    if kinds == "interior":
        ((a, b_, lev),) = jb.intervals
        assert 0 < a < b_ < 1
    else:
        (a1, b1, _), (a2, b2, _) = jb.intervals
        assert a1 == 0 and b2 == 1 and b1 < a2
    x, slope = ref_ironed(mix, float(alpha))
    # away from the kinks the ironed value equals the hull slope, or J where the hull touches H
    for i in np.linspace(500, len(x) - 500, 25).astype(int):
        got = float(jb(sp.Float(x[i], 20), dps=15))
        ref = slope[i] if np.isfinite(slope[i]) else float(ref_J(mix, float(alpha), mpmath.mpf(x[i])))
        assert abs(got - ref) < 2e-5
    ag = jb.check(dps=30)
    assert ag.ok and ag.digits >= 27


def test_ironing_mean_preservation(mix):
    # integral_a^b bar J dF = integral_a^b J dF on each pooling interval, J f integrated directly
    jb = sm.ironed_virtual_value(mix, 1)
    f = _pdf(mix)
    with mpmath.workdps(30):
        for a, b_, lev in jb.intervals:
            a, b_, lev = num(a), num(b_), num(lev)
            mass = mpmath.quad(f, [a, b_])
            # J f = v f - (1 - F): the integrand with 1 - F by an inner quadrature
            both = mpmath.quad(lambda s: s * f(s) - ref_demand(mix, s), [a, b_])
            assert close(both, lev * mass, 20)
            # tangency at the interior ends: J(a) = J(b) = level
            assert close(ref_J(mix, 1, a), lev, 25) and close(ref_J(mix, 1, b_), lev, 25)


def test_ironing_power_half_left_interval_exact():
    # F = sqrt(v): in u = F, v = u^2 and J = 3u^2 - 2u, H(u) = u^3 - u^2. The tangent from
    # (0, 0) touches at H(u)/u = H'(u): u^2 - u = 3u^2 - 2u -> u = 1/2, v = 1/4, level J = -1/4
    # (Myerson 1981 sec. 6 construction)
    jb = sm.ironed_virtual_value(fam.Power(R(1, 2)))
    assert jb.intervals == ((0, R(1, 4), R(-1, 4)),) and jb.exact and jb.method == "symbolic"
    assert jb.check().ok
    assert jb(R(1, 10)) == mpmath.mpf(-0.25)
    # outside the interval it is J itself: J(1) = 3 - 2 = 1
    assert jb(1) == 1


def test_ironing_power_half_alpha_zero_right_interval_exact():
    # alpha = 0, F = sqrt(v): J_0 = (1 - u) 2u with u = sqrt(v); H = u^2 - 2u^3/3. The tangent
    # through (1, 1/3) touches where 4u^3 - 9u^2 + 6u - 1 = (u - 1)^2 (4u - 1) = 0: u = 1/4,
    # v = 1/16, level J_0(1/16) = 3/8
    jb = sm.ironed_virtual_value(fam.Power(R(1, 2)), 0)
    assert jb.intervals == ((R(1, 16), 1, R(3, 8)),) and jb.exact
    assert jb.check().ok


def test_ironing_alpha_zero_concave_demand_pools_everyone():
    # F = v^2: (1 - F)/f = (1 - v^2)/(2v) is decreasing, the hull is the chord: one pool at the
    # mean of J_0 dF = integral (1 - F) = E[v] = 2/3 (THEORY sec. 2: lottery for all)
    jb = sm.ironed_virtual_value(fam.Power(2), 0)
    assert jb.intervals == ((0, 1, R(2, 3)),) and jb.exact
    assert jb.check().ok


def test_ironing_monotone_j_is_unchanged():
    jb = sm.ironed_virtual_value(fam.Beta(2, 2))
    assert not jb.ironed and jb.intervals == () and jb.exact
    assert sp.simplify(jb.expr - (8 * v**2 - v - 1) / (6 * v)) == 0
    assert any("nondecreasing" in n and "proved" in n for n in jb.notes)
    # a symbolic family that is regular for every parameter value: Exponential(rate)
    je = sm.ironed_virtual_value(fam.Exponential(rate))
    assert sp.simplify(je.expr - (v - 1 / rate)) == 0


def test_ironing_needs_numbers_when_not_proved_monotone():
    # Power(k): J is nondecreasing iff k >= 1; the ironing itself needs a value of k
    with pytest.raises(InvalidParameter, match="numeric parameters"):
        sm.ironed_virtual_value(fam.Power(k))


def test_ironing_rendering(mix):
    jb = sm.ironed_virtual_value(mix, 1)
    assert jb.latex().startswith(r"\bar J_{1}(v) = ")
    d = jb.to_dict()
    json.dumps(d)
    assert len(d["intervals"]) == 1 and d["exact"] is False and d["method"] == "numeric"


def test_reserve_non_regular_uses_ironed_value():
    # Mixture 3/5 N(0.3, 0.05) + 2/5 N(0.8, 0.05) truncated to [0, 1]: J_1 has three roots.
    # One buyer: the optimal mechanism is a posted price at argmax p (1 - F(p)) (Myerson 1981),
    # which is where the ironed J_1 crosses zero: compare with an independent maximisation.
    Phi = lambda z: (1 + sp.erf(z / sp.sqrt(2))) / 2  # noqa: E731
    s = R(1, 20)
    G = R(3, 5) * Phi((v - R(3, 10)) / s) + R(2, 5) * Phi((v - R(4, 5)) / s)
    d = sm.Distribution.from_cdf((G - G.subs(v, 0)) / (G.subs(v, 1) - G.subs(v, 0)), (0, 1))
    r = sm.reserve_price(d)
    assert any("ironed" in n for n in r.notes)
    with mpmath.workdps(30):
        D = sp.lambdify(v, 1 - d.cdf, modules=["mpmath"])
        f = sp.lambdify(v, d.pdf, modules=["mpmath"])
        grid = [mpmath.mpf(i) / 400 for i in range(1, 400)]
        best = max(grid, key=lambda p: p * D(p))
        # first-order condition of max p D(p): D(p) - p f(p) = 0, from the grid maximiser
        h = mpmath.mpf(1) / 400
        p_star = mpmath.findroot(lambda p: D(p) - p * f(p), (best - h, best + h), solver="anderson")
        assert abs(best - p_star) < h
    assert close(num(r.value), p_star, 25)
    chk = r.check()
    assert chk.ok and chk.roots_seen == 3


# ------------------------------------------------------------------ bad input
@pytest.mark.parametrize("alpha", [2, -R(1, 2), 1.5, float("nan"), "x y", None, True])
def test_bad_alpha_one_line(alpha):
    with pytest.raises(SymmechError) as exc:
        sm.virtual_value(fam.Uniform(0, 1), alpha)
    assert isinstance(exc.value, InvalidParameter) or isinstance(exc.value, ValueError)
    assert "\n" not in str(exc.value) and "alpha" in str(exc.value)


@pytest.mark.parametrize("Q", [0, 1, R(3, 2), -0.1, float("inf")])
def test_bad_capacity_one_line(Q):
    with pytest.raises(InvalidParameter) as exc:
        sm.market_clearing_price(fam.Uniform(0, 1), Q)
    assert "\n" not in str(exc.value) and "Q" in str(exc.value)


def test_bad_distribution_one_line():
    with pytest.raises(InvalidDistribution) as exc:
        sm.reserve_price("uniform")
    assert "\n" not in str(exc.value)


def test_symbolic_alpha_outside_unit_interval_rejected():
    neg = sp.Symbol("a", negative=True)
    with pytest.raises(InvalidParameter, match=r"\[0, 1\]"):
        sm.virtual_value(fam.Uniform(0, 1), neg)


def test_reserve_parametric_lower_end_and_max():
    a_, b_ = sp.symbols("a b", real=True)
    # Uniform(a, b): J = 2v - b; the root b/2 is the reserve when it exceeds a, else every type
    # is served (J > 0 on the support): reserve Max(a, b/2) (Krishna sec. 2.5 with a reserve)
    r = sm.reserve_price(fam.Uniform(a_, b_))
    for av, bv in ((0, 1), (1, 3), (R(3, 2), 2), (-1, 4)):
        assert r.value.subs({a_: av, b_: bv}) == max(av, R(bv, 2))
    # Pareto(3) on [1, oo): J = v - v/3 > 0 everywhere: every type served, reserve = lo = 1
    rp = sm.reserve_price(fam.Pareto(3))
    assert rp.case == "lower end" and rp.value == 1 and rp.check().ok
    # Pareto(alpha) symbolic: J = v (1 - 1/alpha) has no root on [1, oo); the ladder says when J > 0
    rs = sm.reserve_price(fam.Pareto("alpha"))
    assert rs.value is None and rs.case == "implicit"
    assert any("alpha > 1" in n for n in rs.notes)


def test_ironing_on_an_unbounded_support():
    # hyperexponential F = 1 - (e^-v + e^-10v)/2: decreasing hazard, J_1 = v - (1-F)/f dips below
    # its value at 0 first, so the hull pools [0, b] with J(b) = level = mean of J on [0, b]
    d = sm.Distribution.from_cdf(1 - (sp.exp(-v) + sp.exp(-10 * v)) / 2, (0, sp.oo))
    jb = sm.ironed_virtual_value(d)
    ((a, b_, lev),) = jb.intervals
    assert a == 0 and 0 < b_ < 5
    f = _pdf(d)
    with mpmath.workdps(25):
        bm, lm = num(b_), num(lev)
        assert close(ref_J(d, 1, bm), lm, 22)
        # mean of J dF on [0, b] with J f = v f - (1 - F) (alpha = 1), 1 - F from the given CDF
        D = sp.lambdify(v, 1 - d.cdf, modules=["mpmath"])
        mean = mpmath.quad(lambda s: s * f(s) - D(s), [0, bm]) / mpmath.quad(f, [0, bm])
        assert close(mean, lm, 20)
    assert jb.check().ok
