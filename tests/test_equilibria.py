"""Equilibria: real closed forms, equilibrium conditions checked from the game's rules,
revenue equivalence, numeric fallbacks and input validation.

Expected values are derived in comments (Krishna, *Auction Theory*, 2nd ed., ch. 2-3;
Bulow & Klemperer 1999). Independent computations use mpmath directly on the model's
primitives, never the library's closed forms.
"""

from __future__ import annotations

import mpmath
import pytest
import sympy as sp
from hypothesis import given, settings, strategies as st

import symmech as sm
from symmech import families as fam
from symmech.errors import InvalidParameter, SymmechError

v = sm.v
U01 = fam.Uniform(0, 1)


def _payoff_by_rules(v0, w, F, f, T, c, H, h, lo=0):
    """Expected payoff of type v0 exiting at T(w) in a war of attrition (mpmath, by the rules).

    The game ends when the decisive opponent (value Y ~ H) exits: win v0 and pay c T(Y) if
    Y < w, else lose and pay c T(w).
    """
    win = mpmath.quad(lambda y: (v0 - c * T(y)) * h(F(y), f(y)), [lo, w])
    return win - c * T(w) * (1 - H(F(w)))


# ---------------------------------------------------------------------- real closed forms
def test_uniform_exit_time_is_the_real_textbook_form():
    eq = sm.war_of_attrition(U01)
    # THEORY sec. 5 and DESIGN principle 5: -v - log(1 - v), never log(v - 1) + I*pi
    assert eq.strategy == -v - sp.log(1 - v)
    assert not eq.strategy.has(sp.I)
    for L in eq.strategy.atoms(sp.log):
        for x in (sp.Rational(1, 10), sp.Rational(1, 2), sp.Rational(9, 10)):
            assert L.args[0].subs(v, x) > 0
    assert eq.exact and eq.payoff == v**2 / 2


def test_closed_forms_are_real_on_the_support_for_several_families():
    for d in (fam.Beta(2, 2), fam.Kumaraswamy(2, 3), fam.TruncatedPareto(2, 1, 2)):
        eq = sm.war_of_attrition(d)
        assert eq.exact, d.name
        T = eq.strategy
        assert not T.has(sp.I)
        for x in sm.sample_points(d.lo, d.hi, 5):
            assert sp.N(T.subs(v, x), 30).is_real
            for L in T.atoms(sp.log):
                assert sp.N(L.args[0].subs(v, x)) > 0, (d.name, L)


# ---------------------------------------------------------------------- equilibrium conditions
@pytest.mark.parametrize("kind,players,prizes", [("woa", 3, 1), ("gwoa", 3, 2)])
def test_no_profitable_deviation_in_the_war_of_attrition(kind, players, prizes):
    """Global optimality of the exit time (not only the first-order condition), uniform values."""
    if kind == "woa":
        eq = sm.war_of_attrition(U01, players)
        H = lambda Fv: Fv ** (players - 1)  # noqa: E731  highest of the others
        h = lambda Fv, fv: (players - 1) * Fv ** (players - 2) * fv  # noqa: E731
    else:
        eq = sm.generalized_war_of_attrition(U01, prizes=prizes, players=players, compare_split=False)
        H = lambda Fv: 1 - (1 - Fv) ** prizes  # noqa: E731  lowest of the other N
        h = lambda Fv, fv: prizes * (1 - Fv) ** (prizes - 1) * fv  # noqa: E731
    T = sm.mp_callable(eq.strategy, v)
    F, f = (lambda x: x), (lambda x: mpmath.mpf(1))
    with mpmath.workdps(20):
        for v0 in (mpmath.mpf("0.3"), mpmath.mpf("0.6")):
            best = _payoff_by_rules(v0, v0, F, f, T, 1, H, h)
            # the payoff at the equilibrium exit time is the envelope payoff U(v0)
            assert abs(best - sm.evaluate(eq.payoff, v, v0, dps=20)) < mpmath.mpf(10) ** -15
            for w in (mpmath.mpf(i) / 20 for i in range(1, 20)):
                assert _payoff_by_rules(v0, w, F, f, T, 1, H, h) <= best + mpmath.mpf(10) ** -15


def test_first_price_bid_is_a_best_reply():
    eq = sm.first_price_auction(fam.Beta(1, 2), 3)
    b = sm.mp_callable(eq.strategy, v)
    with mpmath.workdps(20):
        G = lambda x: (2 * x - x**2) ** 2  # noqa: E731  F**(n-1), F = 2v - v**2
        for v0 in (mpmath.mpf("0.25"), mpmath.mpf("0.7")):
            best = (v0 - b(v0)) * G(v0)
            for w in (mpmath.mpf(i) / 40 for i in range(1, 40)):
                assert (v0 - b(w)) * G(w) <= best + mpmath.mpf(10) ** -15


def test_cost_rescales_time_but_not_payments():
    c = sp.Symbol("c", positive=True)
    e1, ec = sm.war_of_attrition(U01), sm.war_of_attrition(U01, cost=c)
    assert sp.simplify(ec.strategy - e1.strategy / c) == 0
    assert ec.payoff == e1.payoff and ec.revenue == e1.revenue
    assert ec.check(values={"c": 3}).ok


def test_generalized_with_one_prize_and_two_players_is_the_war_of_attrition():
    g = sm.generalized_war_of_attrition(fam.Beta(1, 2), prizes=1, players=2, compare_split=False)
    w = sm.war_of_attrition(fam.Beta(1, 2))
    assert sp.simplify(g.strategy - w.strategy) == 0
    assert sp.simplify(g.payoff - w.payoff) == 0 and g.revenue == w.revenue


def test_generalized_with_two_losers_has_no_strategy_but_allocation_and_payoff():
    eq = sm.generalized_war_of_attrition(U01, prizes=2, players=4)
    assert eq.strategy is None
    assert any("not derived" in n for n in eq.notes)
    # top 2 of 4: win iff at most one of the other 3 is above: v**3 + 3 v**2 (1 - v)
    assert sp.expand(eq.allocation - (v**3 + 3 * v**2 * (1 - v))) == 0
    assert sp.expand(eq.payoff - (v**3 - v**4 / 2)) == 0
    rep = eq.check()
    assert rep.ok and rep.digits >= 25
    # the equal split 2/4 = v/2 vs U = v**3 - v**4/2: v/2 - v**3 + v**4/2
    # = (v/2)(1 - v)(1 + v - v**2) >= 0 on [0, 1]: a Pareto improvement
    comp = eq.split_comparison
    assert comp.pareto_improves.holds is True
    assert sp.expand(comp.difference - (v / 2 - v**3 + v**4 / 2)) == 0


def test_generalized_bad_input():
    with pytest.raises(InvalidParameter, match="fewer than players"):
        sm.generalized_war_of_attrition(U01, prizes=3, players=3)
    with pytest.raises(InvalidParameter, match="prizes"):
        sm.generalized_war_of_attrition(U01, prizes=0, players=3)


# ---------------------------------------------------------------------- revenue equivalence
def test_revenue_equivalence_symbolic_for_power_k_and_symbolic_n():
    n = sp.Symbol("n", integer=True, positive=True)
    verdict = sm.revenue_equivalence(fam.Power("k"), n, budget=2)
    assert verdict.holds is True and verdict.method == "symbolic"


def test_revenue_equivalence_beta_two_players():
    verdict = sm.revenue_equivalence(fam.Beta(1, 2), 2)
    assert verdict.holds is True and verdict.method == "symbolic"


@pytest.mark.parametrize("n", [2, 3, 4, 5])
def test_equal_revenues_uniform(n):
    fmts = (sm.first_price_auction, sm.second_price_auction, sm.all_pay_auction)
    fmts += (sm.war_of_attrition,) if n <= 3 else ()
    revs = {f(U01, n).revenue for f in fmts}
    assert revs == {sp.Rational(n - 1, n + 1)}  # E[second highest of n uniforms]


def test_power_k_payoff_and_revenue_symbolic_in_n():
    n = sp.Symbol("n", integer=True, positive=True)
    k = fam.Power("k").params[0]
    eq = sm.second_price_auction(fam.Power("k"), n, budget=2)
    assert sp.simplify(eq.payoff - v**(k * (n - 1) + 1) / (k * (n - 1) + 1)) == 0
    # n E[t] = E[second highest] = k**2 n (n-1)/((kn+1)(kn-k+1)); uniform k = 1 gives (n-1)/(n+1)
    assert sp.simplify(eq.revenue - k**2 * n * (n - 1) / ((k * n + 1) * (k * n - k + 1))) == 0
    assert eq.check(values={"k": 2, "n": 4}).ok


# ---------------------------------------------------------------------- no closed form
def test_truncated_normal_is_numeric_to_thirty_digits():
    d = fam.TruncatedNormal(0, 1, 0, 1)
    eq = sm.war_of_attrition(d, budget=1)
    assert eq.exact is False
    assert eq.strategy.has(sp.Integral)
    assert any("quadrature" in n for n in eq.notes)
    rep = eq.check(dps=30, points=[sp.Rational(1, 2)])
    assert rep.ok and rep.digits >= 25, str(rep)
    # independent: total cost burnt = E[min of two] = int_0^1 (1 - F)**2, F = erf(v/sqrt2)/erf(1/sqrt2)
    with mpmath.workdps(40):
        Z = mpmath.erf(1 / mpmath.sqrt(2))
        burnt = mpmath.quad(lambda x: (1 - mpmath.erf(x / mpmath.sqrt(2)) / Z) ** 2, [0, 1])
        # exit time at 1/2: int_0^{1/2} s f/(1-F) ds
        f = lambda x: mpmath.sqrt(2 / mpmath.pi) * mpmath.exp(-x**2 / 2) / Z  # noqa: E731
        T = mpmath.quad(lambda x: x * f(x) / (1 - mpmath.erf(x / mpmath.sqrt(2)) / Z), [0, 0.5])
    assert abs(eq.evaluate("revenue", dps=30) - burnt) < mpmath.mpf(10) ** -28
    assert abs(eq.evaluate("strategy", sp.Rational(1, 2), dps=30) - T) < mpmath.mpf(10) ** -28


def test_exp_minus_v4_density_from_pdf_is_numeric_to_thirty_digits():
    # int_0^1 exp(-v**4) dv = lowergamma(1/4, 1)/4 (substitute u = v**4)
    C = sp.lowergamma(sp.Rational(1, 4), 1) / 4
    d = sm.Distribution.from_pdf(sp.exp(-v**4) / C, support=(0, 1))
    eq = sm.war_of_attrition(d, budget=1)
    assert eq.exact is False
    rep = eq.check(dps=30, points=[sp.Rational(1, 2)])
    assert rep.ok and rep.digits >= 25, str(rep)
    # independent of SymPy's CDF: int_0^x exp(-s**4) ds = sum_m (-1)**m x**(4m+1)/(m! (4m+1))
    with mpmath.workdps(40):
        G = lambda x: mpmath.fsum((-1)**m * x**(4 * m + 1) / (mpmath.factorial(m) * (4 * m + 1))  # noqa: E731
                                  for m in range(80))
        mass = G(mpmath.mpf(1))
        F = lambda x: G(x) / mass  # noqa: E731
        T = mpmath.quad(lambda x: x * mpmath.exp(-x**4) / mass / (1 - F(x)), [0, 0.5])
        U = mpmath.quad(F, [0, 0.5])
    assert abs(eq.evaluate("strategy", sp.Rational(1, 2)) - T) < mpmath.mpf(10) ** -28
    assert abs(eq.evaluate("payoff", sp.Rational(1, 2)) - U) < mpmath.mpf(10) ** -28


# ---------------------------------------------------------------------- sweeps
@settings(max_examples=6, deadline=None)
@given(k=st.sampled_from([sp.Rational(1, 2), sp.Rational(3, 2), 2, sp.Rational(5, 2), 4]),
       n=st.integers(min_value=2, max_value=4))
def test_first_price_bid_for_power_family(k, n):
    eq = sm.first_price_auction(fam.Power(k), n)
    m = k * (n - 1)
    # G = v**m, beta = v - int_0^v s**m ds / v**m = m v/(m + 1)
    assert sp.simplify(eq.strategy - m * v / (m + 1)) == 0
    with mpmath.workdps(30):
        x = mpmath.mpf(2) / 3
        g = lambda y: m * y ** (m - 1)  # noqa: E731
        ref = mpmath.quad(lambda y: y * g(y), [0, x]) / x**m  # E[Y1 | Y1 < x] (Krishna 2.3)
        assert abs(sm.evaluate(eq.strategy, v, x) - ref) < mpmath.mpf(10) ** -28


# ---------------------------------------------------------------------- objects
def test_rendering_and_mechanism_view():
    eq = sm.all_pay_auction(U01, 3)
    m = eq.as_mechanism()
    assert isinstance(m, sm.InterimMechanism)
    assert m.allocation == v**2 and sp.expand(m.payoff - (v * m.allocation - m.payment)) == 0
    assert r"\begin{aligned}" in eq.latex() and "b(v)" in eq.latex()
    d = eq.to_dict()
    assert d["strategy"] == "2*v**3/3" and d["exact"] is True and d["players"] == "3"
    assert eq.check(dps=20).to_dict()["ok"] is True


# ---------------------------------------------------------------------- bad input
@pytest.mark.parametrize("call,match", [
    (lambda: sm.war_of_attrition(U01, players=1), "players must be an integer >= 2"),
    (lambda: sm.war_of_attrition(U01, players=2.5), "players must be an integer"),
    (lambda: sm.first_price_auction(U01, "three"), "players: unknown name 'three'"),
    (lambda: sm.first_price_auction(U01, [3]), "players must be a number"),
    (lambda: sm.all_pay_auction(U01, True), "players must be an integer"),
    (lambda: sm.war_of_attrition(U01, players=sp.Symbol("n")), "declare Symbol"),
    (lambda: sm.war_of_attrition(U01, cost=0), "cost must be > 0"),
    (lambda: sm.war_of_attrition(U01, cost=-1), "cost must be > 0"),
    (lambda: sm.war_of_attrition(U01, cost=sp.I), "cost must be a positive number"),
    (lambda: sm.war_of_attrition(fam.Uniform(-1, 1)), "values >= 0"),
    (lambda: sm.second_price_auction("uniform", 2), "expected a symmech Distribution"),
])
def test_bad_input_one_line_errors(call, match):
    with pytest.raises(SymmechError, match=match) as info:
        call()
    assert isinstance(info.value, ValueError)
    assert "\n" not in str(info.value)
