"""Status-quo mechanisms and Pareto comparison of interim payoffs.

Expected values are derived in comments; the central example is THEORY sec. 5 / Kang &
Skrzypacz (2025): for F = 1 - (1-v)**2 the 50-50 split is worse than the war of attrition
exactly for v > 3/2 - sqrt(3)/2.
"""

from __future__ import annotations

import mpmath
import pytest
import sympy as sp

import symmech as sm
from symmech import families as fam
from symmech.errors import InvalidParameter, SymmechError

v = sm.v
U01 = fam.Uniform(0, 1)


# ---------------------------------------------------------------------- status quos
def test_equal_split_and_lottery():
    m = sm.equal_split(2)
    assert (m.allocation, m.payment, m.payoff) == (sp.Rational(1, 2), 0, v / 2)
    assert sm.equal_split(3, prizes=2).payoff == 2 * v / 3
    w = sp.Symbol("w", real=True)
    assert sm.equal_split(4, var=w).payoff == w / 4
    lot = sm.lottery("1/3")
    assert (lot.allocation, lot.payment, lot.payoff) == (sp.Rational(1, 3), 0, v / 3)
    assert sm.lottery(0.25).allocation == sp.Rational(1, 4)


def test_posted_price_at_a_price():
    m = sm.posted_price(U01, price="1/2")
    assert m.payoff.subs(v, sp.Rational(3, 4)) == sp.Rational(1, 4)
    assert m.payoff.subs(v, sp.Rational(1, 4)) == 0
    assert m.payment.subs(v, sp.Rational(3, 4)) == sp.Rational(1, 2)
    assert m.allocation.subs(v, sp.Rational(1, 2)) == 1


@pytest.mark.parametrize("d,Q,price", [
    (U01, sp.Rational(1, 4), sp.Rational(3, 4)),          # 1 - p = 1/4
    (fam.Beta(1, 2), sp.Rational(1, 4), sp.Rational(1, 2)),  # (1 - p)**2 = 1/4
    (fam.Power(2), sp.Rational(1, 2), sp.sqrt(2) / 2),      # 1 - p**2 = 1/2
    (fam.Exponential(2), sp.Rational(1, 3), sp.log(3) / 2),  # exp(-2p) = 1/3
])
def test_posted_price_selling_a_quantity_is_exact(d, Q, price):
    m = sm.posted_price(d, quantity=Q)
    p = m.payment.args[0][0]
    assert sp.simplify(p - price) == 0
    assert sp.simplify(d.demand.subs(v, p) - Q) == 0


def test_posted_price_quantity_without_closed_form_is_thirty_digits():
    d = fam.TruncatedNormal(0, 1, 0, 1)
    m = sm.posted_price(d, quantity="1/3")
    p = m.payment.args[0][0]
    # independent: 1 - erf(p/sqrt2)/erf(1/sqrt2) = 1/3
    with mpmath.workdps(40):
        Z = mpmath.erf(1 / mpmath.sqrt(2))
        ref = mpmath.findroot(lambda x: 1 - mpmath.erf(x / mpmath.sqrt(2)) / Z - mpmath.mpf(1) / 3, 0.7)
        assert abs(sm.evaluate(p, v, 0, dps=40) - ref) < mpmath.mpf(10) ** -29


@pytest.mark.parametrize("call,match", [
    (lambda: sm.posted_price(U01, quantity=0), r"quantity must lie in \(0, 1\)"),
    (lambda: sm.posted_price(U01, quantity=1), r"quantity must lie in \(0, 1\)"),
    (lambda: sm.posted_price(U01, quantity=1.5), r"quantity must lie in \(0, 1\)"),
    (lambda: sm.posted_price(U01, price=1, quantity="1/2"), "exactly one of"),
    (lambda: sm.posted_price(U01), "exactly one of"),
    (lambda: sm.posted_price(U01, price=-1), "price must be >= 0"),
    (lambda: sm.posted_price("uniform", price=1), "needs a Distribution"),
    (lambda: sm.lottery(2), "0 <= probability <= 1"),
    (lambda: sm.lottery(-0.5), "0 <= probability <= 1"),
    (lambda: sm.equal_split(0), "n must be an integer >= 1"),
    (lambda: sm.equal_split(2, prizes=3), "prizes <= n"),
    (lambda: sm.pareto_compare("v/2", "v*q", U01), "unknown name 'q'"),
    (lambda: sm.pareto_compare(v / 2, v * sp.Symbol("q"), U01), "neither the value symbol"),
    (lambda: sm.pareto_compare([1], "v", U01), "cannot compare a list"),
    (lambda: sm.pareto_compare("v", "v", "uniform"), "needs a Distribution"),
])
def test_bad_input_one_line_errors(call, match):
    with pytest.raises(SymmechError, match=match) as info:
        call()
    assert "\n" not in str(info.value)


# ---------------------------------------------------------------------- Pareto comparison
def test_split_vs_war_of_attrition_for_concave_cdf_is_exact():
    d = sm.Distribution.from_cdf("1 - (1 - v)**2")
    c = sm.pareto_compare(sm.equal_split(2), sm.war_of_attrition(d), d)
    # U_WoA = int_0^v (2s - s**2) ds = v**2 - v**3/3;  D = v/2 - v**2 + v**3/3 = (v/6)(2v**2 - 6v + 3),
    # zeros (3 -+ sqrt 3)/2; only 3/2 - sqrt(3)/2 lies in (0, 1)
    r = sp.Rational(3, 2) - sp.sqrt(3) / 2
    assert sp.expand(c.difference - (v / 2 - v**2 + v**3 / 3)) == 0
    assert len(c.crossing_points) == 1 and sp.simplify(c.crossing_points[0] - r) == 0
    assert c.exact_crossings is True
    assert c.better_set == sp.Interval.open(0, r)
    assert c.worse_set == sp.Interval.Lopen(r, 1)
    assert c.pareto_improves.holds is False and c.strict.holds is False
    x = c.pareto_improves.counterexample["v"]
    assert c.difference.subs(v, x) < 0
    rep = c.check()
    assert rep.ok and rep.digits >= 25, str(rep)


@pytest.mark.parametrize("d,expected", [
    (U01, v * (1 - v) / 2),                           # v/2 - v**2/2 (slides: Bulow's puzzle)
    (fam.Beta(2, 2), v / 2 - v**3 + v**4 / 2),         # U = v**3 - v**4/2 (THEORY sec. 5)
])
def test_split_pareto_improves(d, expected):
    c = sm.pareto_compare(sm.equal_split(2), sm.war_of_attrition(d), d)
    assert sp.expand(c.difference - expected) == 0
    assert c.pareto_improves.holds is True and c.strict.holds is True
    assert c.better_set == sp.Interval.open(0, 1) and c.worse_set == sp.S.EmptySet
    assert c.crossing_points == ()
    assert c.check().ok


def test_split_vs_war_of_attrition_power_k_condition():
    d = fam.Power("k")
    k = d.params[0]
    c = sm.pareto_compare(sm.equal_split(2), sm.war_of_attrition(d), d)
    # D = v/2 - v**(k+1)/(k+1); D(0) = 0, D' = 1/2 - v**k, so D >= 0 on (0,1) iff D(1) = 1/2 - 1/(k+1) >= 0 iff k >= 1
    assert sp.simplify(c.difference - (v / 2 - v**(k + 1) / (k + 1))) == 0
    cond = c.pareto_improves.condition
    assert cond.subs(k, 2) is sp.true and cond.subs(k, 1) is sp.true
    assert cond.subs(k, sp.Rational(1, 2)) is sp.false and cond.subs(k, sp.Rational(99, 100)) is sp.false
    assert c.crossing_points is None
    assert c.check(values={"k": 3}).ok


def test_numeric_crossing_point_matches_lambert_w():
    d = fam.Exponential(1)
    c = sm.pareto_compare(sm.equal_split(2), sm.war_of_attrition(d), d)
    # D = v/2 - (v - 1 + exp(-v)) = 1 - v/2 - exp(-v); with u = v - 2: u exp(u) = -2 exp(-2),
    # so the interior zero is v = 2 + W_0(-2 exp(-2)) (the other branch gives v = 0)
    (r,) = c.crossing_points
    with mpmath.workdps(40):
        ref = 2 + mpmath.lambertw(-2 * mpmath.exp(-2)).real
        assert abs(mpmath.mpf(str(r)) - ref) < mpmath.mpf(10) ** -28
    (a, b), = c.brackets
    assert a < r < b
    assert c.pareto_improves.holds is False
    assert c.better_set == sp.Interval.open(0, r) and c.worse_set == sp.Interval.open(r, sp.oo)
    assert c.check().ok


def test_crossing_points_of_a_quintic_are_croot_of():
    # D = v**5 - v + 1/2: D(0) = 1/2 > 0, D(2/3) = 32/243 - 1/6 < 0, D(1) = 1/2 > 0, and
    # 2x**5 - 2x + 1 is irreducible over Q, so both zeros in (0, 1) are CRootOf objects
    c = sm.pareto_compare(v**5 + sp.Rational(1, 2), v, U01)
    r1, r2 = c.crossing_points
    assert all(isinstance(r, sp.CRootOf) for r in (r1, r2)) and c.exact_crossings
    assert c.worse_set == sp.Interval.open(r1, r2)
    assert c.better_set == sp.Union(sp.Interval.Ropen(0, r1), sp.Interval.Lopen(r2, 1))
    with mpmath.workdps(40):
        for r, bracket in ((r1, (0.5, 0.6)), (r2, (0.8, 1))):  # D changes sign on each bracket
            ref = mpmath.findroot(lambda x: x**5 - x + mpmath.mpf(1) / 2, bracket, solver="anderson")
            assert abs(sp.N(r, 40) - sp.Float(str(ref), 40)) < 1e-35
    assert c.pareto_improves.holds is False and c.check().ok


def test_posted_price_vs_lottery_and_string_payoffs():
    c = sm.pareto_compare(sm.posted_price(U01, price="1/2"), sm.lottery("1/2"), U01)
    # v < 1/2: 0 - v/2 < 0; v >= 1/2: v - 1/2 - v/2 = (v - 1)/2 < 0 for v < 1; equal at v = 1
    assert c.better_set == sp.S.EmptySet and c.worse_set == sp.Interval.open(0, 1)
    assert c.pareto_improves.holds is False
    assert c.check().ok
    s = sm.pareto_compare("v/2", "v**2/2", U01)
    assert sp.expand(s.difference - v * (1 - v) / 2) == 0 and s.pareto_improves.holds is True
    plain = sp.Symbol("v")  # a user's Symbol('v') means the value symbol
    assert sm.pareto_compare(plain / 2, plain**2 / 2, U01).difference == s.difference


def test_comparison_rendering():
    c = sm.pareto_compare(sm.equal_split(2), sm.war_of_attrition(U01), U01)
    out = c.to_dict()
    assert out["pareto_improves"]["holds"] is True and out["crossing_points"] == []
    assert "U_a" in c.latex() and "holds" in str(c)
