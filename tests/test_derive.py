"""Tests of the derivation builders (symmech.derive).

Key results are compared with independent computations (mpmath at 30+ digits) or textbook
values: uniform war of attrition T(v) = -v - log(1 - v), U(v) = v**2/2 (Krishna, Auction
Theory, 2nd ed., sec. 3.2.3); uniform revenue with two bidders E[second highest] = 1/3
(Krishna sec. 2.5); exponential(1) reserve price 1 (Myerson 1981: r = 1/rate);
F = 1 - (1 - v)**2 split/war-of-attrition crossing at 3/2 - sqrt(3)/2 (THEORY sec. 5:
D(v) = v/2 - v**2 + v**3/3 = v (2 v**2 - 6 v + 3)/6).
"""

from __future__ import annotations

import mpmath
import pytest
import sympy as sp

import symmech as sm
from symmech import derive
from symmech.derivation import Definition, Statement
from symmech.errors import InvalidParameter

v = sm.v


def ok(der):
    c = der.counts()
    return c["failed"] == 0 and c["unchecked"] == 0 and c["symbolic"] + c["numeric"] == len(der.steps)


def rhs_of(der, lhs):
    """Right-hand sides of the equation steps whose left side is ``lhs``."""
    return [st.claim.rhs for st in der.steps if isinstance(st.claim, sp.Equality) and st.claim.lhs == lhs]


@pytest.fixture(scope="module")
def woa_uniform():
    return derive.war_of_attrition(sm.families.Uniform(0, 1))


def test_war_of_attrition_uniform(woa_uniform):
    der = woa_uniform
    assert ok(der)
    T, U = sp.Function("T")(v), sp.Function("U")(v)
    closed = [r for r in rhs_of(der, T) if not r.has(sp.Integral)]
    assert closed == [-v - sp.log(1 - v)]
    assert v**2 / 2 in rhs_of(der, U)
    # independent: the exit time is the integral of s f/(1 - F) = s/(1 - s), by quadrature at 40 digits
    with mpmath.workdps(40):
        for x in (mpmath.mpf(1) / 7, mpmath.mpf(5) / 6):
            ref = mpmath.quad(lambda s: s / (1 - s), [0, x])
            assert abs(ref - (-x - mpmath.log(1 - x))) < mpmath.mpf(10) ** -35
    rules = [st.rule for st in der.steps]
    assert "first-order condition" in rules and "envelope theorem" in rules


def test_war_of_attrition_generic_F():
    der = derive.war_of_attrition()
    assert ok(der)
    T = sp.Function("T")(v)
    F, f = sp.Function("F"), sp.Function("f")
    u = sp.Symbol("u", real=True)
    tdef = [st.claim.rhs for st in der.steps if isinstance(st.claim, Definition) and st.claim.lhs == T]
    # T(v) = integral_0^v u f(u)/(1 - F(u)) du, derived from the first-order condition
    assert tdef == [sp.Integral(u * f(u) / (1 - F(u)), (u, 0, v))]
    assert der.setting.is_generic and "generic" in der.title


def test_war_of_attrition_bad_input():
    with pytest.raises(InvalidParameter, match="players"):
        derive.war_of_attrition(sm.families.Uniform(0, 1), players=1)
    with pytest.raises(InvalidParameter, match="cost"):
        derive.war_of_attrition(sm.families.Uniform(0, 1), cost=-1)


def test_bulow_concave_F_crossing():
    d = sm.Distribution.from_cdf(1 - (1 - v)**2, support=(0, 1))
    der = derive.bulow_puzzle(d)
    assert ok(der)
    r = sp.Rational(3, 2) - sp.sqrt(3) / 2
    D = sp.Function("D")
    assert any(isinstance(st.claim, sp.Equality) and st.claim.lhs == D(r) for st in der.steps)
    cells = {(st.interval, st.claim.rel_op) for st in der.steps if st.interval is not None}
    assert ((0, r), ">") in cells and ((r, 1), "<") in cells
    # independent: the root of v/2 - (v**2 - v**3/3) in (0, 1) by mpmath at 30 digits
    with mpmath.workdps(30):
        root = mpmath.findroot(lambda x: x / 2 - x**2 + x**3 / 3, (0.5, 0.9), solver="anderson")
        assert abs(root - (mpmath.mpf(3) / 2 - mpmath.sqrt(3) / 2)) < mpmath.mpf(10) ** -28


def test_bulow_power_condition():
    k = sm.families.Power("k").params[0]
    der = derive.bulow_puzzle(sm.families.Power("k"))
    assert ok(der)
    wheres = {st.where for st in der.steps}
    assert sp.Ge(k, 1) in wheres and sp.Lt(k, 1) in wheres
    # D(1) = 1/2 - 1/(k + 1) = (k - 1)/(2 (k + 1)): the condition at the top is k >= 1
    statements = [st.claim for st in der.steps if isinstance(st.claim, Statement)]
    assert statements and all(st.verification.status == "symbolic"
                              for st in der.steps if isinstance(st.claim, Statement))


def test_virtual_values_exponential_reserve():
    der = derive.virtual_values(sm.families.Exponential(1), alphas=(0,))
    assert ok(der)
    J = sp.Function("J")
    assert v - 1 in rhs_of(der, J(v))
    assert any(isinstance(st.claim, sp.Equality) and st.claim.lhs == J(1) for st in der.steps)  # J(1) = 0


def test_shape_beta_refutes_convexity():
    der = derive.shape(sm.families.Beta(2, 2))
    assert ok(der)
    # F = 3v^2 - 2v^3 is not convex: f' = 6 - 12 v < 0 for v > 1/2 (claimed at a point there)
    neg = [st for st in der.steps if st.claim.rel_op == "<" and st.claim.free_symbols == set()]
    assert neg and any(st.rule == "substitution" for st in neg)


def test_money_burning_and_proposition_1():
    assert ok(derive.money_burning())
    c = sm.check(sm.propositions.PROP1, sm.families.Uniform(0, 1), capacity="3/10", grids=None)
    der = derive.proposition(c)
    assert ok(der)
    assert any(st.rule == "cited result" and "Proposition 1" in st.citation for st in der.steps)
    with pytest.raises(InvalidParameter, match="PropositionCheck"):
        derive.proposition("PROP1")


def test_revenue_equivalence_uniform_two_bidders():
    der = derive.revenue_equivalence(sm.families.Uniform(0, 1), 2)
    assert ok(der)
    # expected revenue with two uniform bidders: E[min(v1, v2)] = 1/3 (Krishna sec. 2.5)
    assert any(isinstance(st.claim, sp.Equality) and st.claim.rhs == sp.Rational(1, 3) for st in der.steps)
    with mpmath.workdps(30):
        assert abs(mpmath.quad(lambda a: mpmath.quad(lambda b: min(a, b), [0, a, 1]), [0, 1])
                   - mpmath.mpf(1) / 3) < mpmath.mpf(10) ** -25


def test_generalized_war_of_attrition_split():
    der = derive.generalized_war_of_attrition(sm.families.Uniform(0, 1), prizes=2, players=3)
    assert ok(der)
    D = sp.Function("D")(v)
    # U = v**2 - v**3/3 (integral of 1 - (1 - s)**2), split 2v/3: D = v (v - 1)(v - 2)/3 >= 0
    assert any(sp.simplify(r - v * (v - 1) * (v - 2) / 3) == 0 for r in rhs_of(der, D))
    assert any(st.claim.rel_op == ">=" and st.claim.lhs == D for st in der.steps
               if not isinstance(st.claim, (Definition, Statement)))


def test_builders_need_concrete_distributions():
    for builder in (derive.virtual_values, derive.bulow_puzzle, derive.shape, derive.revenue_equivalence):
        with pytest.raises(InvalidParameter, match="concrete Distribution"):
            builder(derive.generic())
