"""Textbook closed forms of equilibria, each re-derived in a comment and checked at 30 digits.

Sources: Krishna, *Auction Theory*, 2nd ed. (2010): first-price bid (sec. 2.3), all-pay bid
(sec. 3.2.2), war of attrition (sec. 3.2.3); Bulow & Klemperer (1999) for the war of
attrition and its generalization; Kang & Skrzypacz (2025) slides for the Bulow puzzle
payoff ``v**2/2``. Every expected value below is derived by hand in its comment; the
library result must equal it symbolically, and ``Equilibrium.check`` must recompute the
equilibrium from the rules of the game to >= 25 digits at 30-digit working precision.
"""

from __future__ import annotations

import functools

import pytest
import sympy as sp

import symmech as sm
from symmech import families as fam

v = sm.v
k = sp.Symbol("k", positive=True)
lam = sp.Symbol("lam", positive=True)
U01 = fam.Uniform(0, 1)

# key -> (builder, parameter values for the numeric check)
EQUILIBRIA = {
    "fp_u2": (lambda: sm.first_price_auction(U01, 2), None),
    "fp_u3": (lambda: sm.first_price_auction(U01, 3), None),
    "fp_u5": (lambda: sm.first_price_auction(U01, 5), None),
    "ap_u2": (lambda: sm.all_pay_auction(U01, 2), None),
    "ap_u4": (lambda: sm.all_pay_auction(U01, 4), None),
    "sp_u2": (lambda: sm.second_price_auction(U01, 2), None),
    "sp_u4": (lambda: sm.second_price_auction(U01, 4), None),
    "woa_u2": (lambda: sm.war_of_attrition(U01), None),
    "woa_u2_c3": (lambda: sm.war_of_attrition(U01, cost=3), None),
    "woa_u3": (lambda: sm.war_of_attrition(U01, 3), None),
    "woa_u12": (lambda: sm.war_of_attrition(fam.Uniform(1, 2)), None),
    "woa_beta12": (lambda: sm.war_of_attrition(fam.Beta(1, 2)), None),
    "woa_beta22": (lambda: sm.war_of_attrition(fam.Beta(2, 2)), None),
    "woa_exp1": (lambda: sm.war_of_attrition(fam.Exponential(1)), None),
    "woa_explam": (lambda: sm.war_of_attrition(fam.Exponential(lam)), {"lam": 2}),
    "woa_powk": (lambda: sm.war_of_attrition(fam.Power(k)), {"k": sp.Rational(3, 2)}),
    "fp_powk3": (lambda: sm.first_price_auction(fam.Power(k), 3), {"k": 3}),
    "sp_powk2": (lambda: sm.second_price_auction(fam.Power(k), 2), {"k": sp.Rational(1, 2)}),
    "woa_pareto3": (lambda: sm.war_of_attrition(fam.Pareto(3)), None),
    "gwoa_2of3": (lambda: sm.generalized_war_of_attrition(U01, prizes=2, players=3, compare_split=False), None),
    "gwoa_1of3": (lambda: sm.generalized_war_of_attrition(U01, prizes=1, players=3, compare_split=False), None),
}


@functools.lru_cache(maxsize=None)
def _eq(key):
    return EQUILIBRIA[key][0]()


@functools.lru_cache(maxsize=None)
def _check(key):
    return _eq(key).check(dps=30, values=EQUILIBRIA[key][1])


ROWS = [
    # Krishna sec. 2.3: beta(x) = (n-1) x / n for uniform values
    ("fp_u2", "strategy", v / 2),
    ("fp_u3", "strategy", 2 * v / 3),
    ("fp_u5", "strategy", 4 * v / 5),
    # Krishna sec. 3.2.2: all-pay beta(x) = (n-1) x**n / n for uniform values
    ("ap_u2", "strategy", v**2 / 2),
    ("ap_u4", "strategy", 3 * v**4 / 4),
    # expected second-highest of n uniforms = (n-1)/(n+1) (Krishna sec. 2.5)
    ("sp_u2", "revenue", sp.Rational(1, 3)),
    ("sp_u4", "revenue", sp.Rational(3, 5)),
    # revenue equivalence: the first-price revenue is the same (n-1)/(n+1)
    ("fp_u3", "revenue", sp.Rational(1, 2)),
    # Krishna sec. 3.2.3 / Bulow-Klemperer: T = int_0^v s f/(1-F) = int_0^v s/(1-s) = -v - log(1-v)
    ("woa_u2", "strategy", -v - sp.log(1 - v)),
    # slides (Bulow's puzzle): U = int_0^v F = v**2/2
    ("woa_u2", "payoff", v**2 / 2),
    # total cost burnt = revenue of the second-price auction = 1/3
    ("woa_u2", "revenue", sp.Rational(1, 3)),
    # cost c = 3 rescales time: T/3, the payoff does not change
    ("woa_u2_c3", "strategy", (-v - sp.log(1 - v)) / 3),
    ("woa_u2_c3", "payoff", v**2 / 2),
    # n = 3: H = v**2, T = int_0^v s*2s/(1-s**2) ds = -2v + 2 atanh(v) = -2v + log((1+v)/(1-v))
    ("woa_u3", "strategy", -2 * v + sp.log((1 + v) / (1 - v))),
    # lo = 1 > 0: T = int_1^v s/(2-s) ds = 1 - v - 2 log(2 - v); U = int_1^v (s-1) ds
    ("woa_u12", "strategy", 1 - v - 2 * sp.log(2 - v)),
    ("woa_u12", "payoff", (v - 1)**2 / 2),
    # Beta(1,2): F = 2v - v**2, U = v**2 - v**3/3; T = int 2s(1-s)/(1-s)**2 = -2v - 2 log(1-v)
    ("woa_beta12", "payoff", v**2 - v**3 / 3),
    ("woa_beta12", "strategy", -2 * v - 2 * sp.log(1 - v)),
    # Beta(2,2): F = 3v**2 - 2v**3, U = v**3 - v**4/2
    ("woa_beta22", "payoff", v**3 - v**4 / 2),
    # exponential: hazard rate lam, T = int_0^v lam s ds = lam v**2/2; U = v - (1 - exp(-v))
    ("woa_exp1", "strategy", v**2 / 2),
    ("woa_explam", "strategy", lam * v**2 / 2),
    ("woa_exp1", "payoff", v - 1 + sp.exp(-v)),
    # Power(k): U = int_0^v s**k = v**(k+1)/(k+1)
    ("woa_powk", "payoff", v**(k + 1) / (k + 1)),
    # Power(k), n = 3: G = v**(2k), beta = v - int G / G = 2k v/(2k + 1)
    ("fp_powk3", "strategy", 2 * k * v / (2 * k + 1)),
    # E[min of two iid v**k] = int_0^1 (1 - v**k)**2 dv = 2k**2/((k+1)(2k+1))
    ("sp_powk2", "revenue", 2 * k**2 / ((k + 1) * (2 * k + 1))),
    # Pareto(3) on [1, oo): hazard rate 3/v, T = int_1^v 3 ds = 3(v - 1)
    ("woa_pareto3", "strategy", 3 * (v - 1)),
    # generalized, N = 2 prizes of 3 players (Bulow-Klemperer 1999, K = 1): T = (N/c) int s f/(1-F)
    ("gwoa_2of3", "strategy", -2 * v - 2 * sp.log(1 - v)),
    ("gwoa_2of3", "allocation", 1 - (1 - v)**2),
    # one prize among three: win iff both others are lower, x = v**2, U = v**3/3
    ("gwoa_1of3", "allocation", v**2),
    ("gwoa_1of3", "payoff", v**3 / 3),
]


def _same(a, b) -> bool:
    """Symbolic equality on the support (the value symbol taken positive)."""
    p = sp.Dummy("p", positive=True)
    d = (sp.sympify(a) - sp.sympify(b)).xreplace({v: p})
    if sp.simplify(d) == 0:
        return True
    return sp.simplify(sp.expand_log(d, force=True)) == 0


@pytest.mark.parametrize("key,field,expected", ROWS, ids=[f"{r[0]}-{r[1]}" for r in ROWS])
def test_textbook_row(key, field, expected):
    eq = _eq(key)
    got = getattr(eq, field)
    assert _same(got, expected), f"{key}.{field} = {got}, expected {expected}"
    assert not sp.sympify(got).has(sp.I)
    rep = _check(key)
    assert rep.ok, str(rep)
    assert rep.digits >= 25


def test_table_has_at_least_twenty_rows():
    assert len(ROWS) >= 20
