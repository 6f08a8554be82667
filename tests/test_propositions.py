"""Tests of the paper's propositions as checkable objects (sm.check).

Settings follow THEORY section 3: money burning (alpha = 0), capacity Q = 3/10, no
make-whole payments, posted-price status quo selling Q0 = 1/5. Every LP solution used by a
check is verified by the independent verifier (evidence.verifier, worst violation <= 1e-9).
"""

import json

import mpmath
import pytest
import sympy as sp

import symmech as sm
from symmech import families
from symmech.propositions import (BULOW_THEOREM, PROP1, PROP2, PROP3, PROPOSITIONS, CHECK_STATUSES, PropositionCheck,
                                  check)

v = sm.v
Q = sp.Rational(3, 10)
Q0 = sp.Rational(1, 5)


def _posted(d):
    return sm.posted_price(d, quantity=Q0)


# ---------------------------------------------------------------------- objects
def test_proposition_objects():
    assert set(PROPOSITIONS) == {"PROP1", "PROP2", "PROP3", "BULOW_THEOREM"}
    assert [h.name for h in PROP2.hypotheses] == ["alpha = 0", "no make-whole payments", "lo > 0"]
    assert "concave" in PROP1.statement and "x0^{-1}(1)" in PROP3.statement
    assert sm.check is check and sm.propositions.PROP1 is PROP1
    assert json.loads(json.dumps(PROP3.to_dict()))["key"] == "PROP3"


# ---------------------------------------------------------------------- Proposition 1, symbolic
@pytest.mark.parametrize("d", [families.Uniform(0, 1), families.Power(2)])
def test_prop1_proved_symbolically_with_posted_price_status_quo(d):
    c = check(PROP1, d, capacity=Q, status_quo=_posted(d), grids=None)
    assert c.status == "proved"
    assert all(vd.holds is True for _, vd in c.hypotheses)
    assert c.conclusion.holds is True and c.conclusion.method == "symbolic"
    claims = " ".join(str(cl) for cl, _ in c.steps)
    assert "Chebyshev" in " ".join(r for _, r in c.steps)
    # the lottery value Q E[v]: uniform 3/10 * 1/2 = 3/20; Power(2) 3/10 * 2/3 = 1/5
    expected = Q * (sp.Rational(1, 2) if d == families.Uniform(0, 1) else sp.Rational(2, 3))
    assert f"Q E[v] = {expected}" in claims


def test_prop1_lottery_pareto_constraint_checked_independently():
    # The proof's step "Q v >= U0(v)" for Power(2) and a posted price p = sqrt(4/5):
    # U0 = (v - p)^+; at v = 1: Q - (1 - p) = 3/10 - 1 + 2/sqrt(5) > 0. Dense 30-digit check.
    d = families.Power(2)
    sq = _posted(d)
    with mpmath.workdps(30):
        p = mpmath.sqrt(mpmath.mpf(4) / 5)
        worst = min(mpmath.mpf(3) / 10 * x - max(x - p, 0) for x in mpmath.linspace(0, 1, 4001))
        assert worst >= 0
        U0 = sm.numeric.mp_callable(sq.payoff, v)
        assert abs(U0(mpmath.mpf(1)) - (1 - p)) < mpmath.mpf(10) ** -28


def test_prop1_hypotheses_fail_for_convex_demand():
    d = sm.Distribution.from_cdf(1 - (1 - v) ** 2, support=(0, 1))
    c = check(PROP1, d, capacity=Q, status_quo=_posted(d), grids=None)
    assert c.status == "hypotheses_fail"
    assert dict(c.hypotheses)["demand concave"].holds is False


def test_setting_hypotheses_alpha_and_make_whole():
    d = families.Uniform(0, 1)
    assert check(PROP1, d, capacity=Q, alpha=sp.Rational(1, 2), grids=None).status == "hypotheses_fail"
    c = check(PROP2, families.Uniform(1, 2), capacity=Q, make_whole=True, grids=None)
    assert c.status == "hypotheses_fail" and dict(c.hypotheses)["no make-whole payments"].holds is False


def test_prop2_proved_for_mhr_uniform_on_1_2():
    d = families.Uniform(1, 2)
    c = check(PROP2, d, capacity=Q, status_quo=_posted(d), grids=None)
    assert c.status == "proved"
    assert any("allocated at price 0" in str(cl) for cl, _ in c.steps)
    # lo = 0 breaks the hypothesis
    c0 = check(PROP2, families.Uniform(0, 1), capacity=Q, grids=None)
    assert c0.status == "hypotheses_fail"


# ---------------------------------------------------------------------- the theorem, symbolic
@pytest.mark.parametrize("d", [families.Uniform(0, 1), families.Power(2)])
def test_bulow_theorem_i_proved(d):
    c = check(BULOW_THEOREM, d, grids=None)
    assert c.status == "proved"
    assert c.evidence.bulow.split_optimal.holds is True
    assert dict(c.evidence.exact)["optimal ex ante payoff"].value == c.evidence.bulow.split_value.value


def test_bulow_theorem_silent_for_beta22():
    c = check(BULOW_THEOREM, families.Beta(2, 2), grids=None)
    assert c.status == "hypotheses_fail"
    # ... while the puzzle itself is settled: split Pareto-improving and optimal (MHR)
    assert c.evidence.bulow.split_optimal.holds is True


def test_bulow_theorem_power_k_condition():
    c = check(BULOW_THEOREM, families.Power("k"), grids=None)
    assert c.status == "proved"
    assert c.condition.as_set().intersect(sp.Interval.open(0, sp.oo)) == sp.Interval(1, sp.oo)


# ---------------------------------------------------------------------- rendering, errors
def test_check_rendering():
    d = families.Uniform(0, 1)
    c = check(PROP1, d, capacity=Q, status_quo=_posted(d), grids=None)
    assert isinstance(c, PropositionCheck) and c.status in CHECK_STATUSES
    doc = json.loads(json.dumps(c.to_dict()))
    assert doc["status"] == "proved" and doc["proposition"] == "PROP1"
    assert "PROVED" in str(c) and "Proposition 1" in str(c)
    tex = c.latex()
    assert r"\textbf{Status: proved}" in tex and r"\begin{enumerate}" in tex


def test_bad_settings_are_one_line_errors():
    d = families.Uniform(0, 1)
    with pytest.raises(sm.InvalidParameter, match="capacity"):
        check(PROP1, d, grids=None)
    with pytest.raises(sm.InvalidParameter, match=r"\(0, 1\)"):
        check(PROP1, d, capacity=1.5, grids=None)
    with pytest.raises(sm.InvalidParameter, match="unknown setting"):
        check(PROP1, d, capacty=0.3)
    with pytest.raises(sm.InvalidParameter, match="never one grid"):
        check(PROP1, d, capacity=0.3, grids=(400,))
    with pytest.raises(sm.InvalidParameter, match="Proposition"):
        check("PROP1", d, capacity=0.3)


# ---------------------------------------------------------------------- LP refinement paths
GRIDS = (50, 100, 200, 400)


def _assert_verified(c):
    assert len(c.evidence.verifier) == len(GRIDS) or len(c.evidence.verifier) >= 3
    assert all(w <= 1e-9 for _, w in c.evidence.verifier), c.evidence.verifier


@pytest.mark.parametrize("d, mean", [(families.Uniform(0, 1), sp.Rational(1, 2)),
                                     (families.Power(2), sp.Rational(2, 3))])
def test_prop1_confirmed_by_refinement(d, mean):
    c = check(PROP1, d, capacity=0.3, status_quo=_posted(d), grids=GRIDS, symbolic=False)
    assert c.status == "confirmed" and c.conclusion.method == "sampled"
    _assert_verified(c)
    l1 = c.evidence.refinement("integral |x - Q| dF")
    tmax = c.evidence.refinement("max t")
    gap = c.evidence.refinement("|LP objective - Q E[v]|")
    assert l1.judgement == tmax.judgement == gap.judgement == "zero"
    assert max(l1.values) < 1e-6 and max(tmax.values) < 1e-6
    # lottery value Q E[v] (uniform 3/20, Power(2) 1/5); grid objectives converge to it
    assert dict(c.evidence.exact)["Q E[v] (lottery value)"] == Q * mean
    assert gap.values[-1] < gap.values[0] + 1e-12 and abs(gap.limit) <= gap.error + 1e-6


def test_prop1_proof_and_refinement_together():
    d = families.Power(2)
    c = check(PROP1, d, capacity=Q, status_quo=_posted(d), grids=(50, 100, 200))
    assert c.status == "proved" and c.evidence.refinements  # proof, with the refinement as cross-check
    assert c.evidence.refinement("integral |x - Q| dF").judgement == "zero"
    assert all(w <= 1e-9 for _, w in c.evidence.verifier)


def test_prop3_refuted_as_transcribed_theory_case():
    # THEORY section 3: F = 1 - (1-v)**2, posted price selling Q0 = 1/5, capacity 3/10.
    d = sm.Distribution.from_cdf(1 - (1 - v) ** 2, support=(0, 1))
    c = check(PROP3, d, capacity=0.3, status_quo=_posted(d), grids=GRIDS)
    assert c.status == "refuted" and c.conclusion.holds is False
    _assert_verified(c)
    ex = dict(c.evidence.exact)
    # integral x0 dF = 1 - F(p) = Q0 = 1/5 exactly, p = 1 - sqrt(1/5) (THEORY: 0.553)
    assert ex["integral x0 dF"] == sp.Rational(1, 5)
    assert ex["x0^{-1}(1)"] == "[1 - sqrt(5)/5, 1]"
    with mpmath.workdps(30):
        p = 1 - mpmath.sqrt(mpmath.mpf(1) / 5)
        assert abs(mpmath.quad(lambda s: 2 * (1 - s), [p, 1]) - mpmath.mpf(1) / 5) < mpmath.mpf(10) ** -28
    outside = c.evidence.refinement("mass of certain types outside x0^{-1}(1)")
    assert outside.judgement == "zero" and max(outside.values) < 1e-12
    low = c.evidence.refinement("lowest type with x = 1")
    # x = 1 only on about [0.734, 1] (THEORY), well inside [0.553, 1]
    assert 0.70 < low.limit < 0.77 and low.limit - 3 * low.error > 0.5528
    cx = c.evidence.counterexample
    assert cx["direction"].startswith("'if' fails")
    assert "as transcribed" in " ".join(c.notes)


def test_prop3_consistent_when_capacity_equals_status_quo_quantity():
    d = sm.Distribution.from_cdf(1 - (1 - v) ** 2, support=(0, 1))
    c = check(PROP3, d, capacity=Q0, status_quo=_posted(d), grids=GRIDS)
    # integral x0 dF = Q: right side false; no certain types outside x0^{-1}(1): left side false
    assert c.status == "confirmed"
    _assert_verified(c)
    assert c.evidence.refinement("mass of certain types outside x0^{-1}(1)").judgement == "zero"


def test_prop3_as_written_contradicts_prop1_for_concave_demand():
    # Power(2) has concave demand, so by Proposition 1 the optimum is the lottery x = Q < 1:
    # nobody gets x = 1 although integral x0 dF = 1/5 < Q.
    d = families.Power(2)
    c = check(PROP3, d, capacity=Q, status_quo=_posted(d), grids=GRIDS)
    assert c.status == "refuted"
    _assert_verified(c)
    assert c.evidence.counterexample["x = 1 on"].startswith("no type")


def test_prop2_confirmed_by_refinement():
    # lo = 1 > 0; F = 1 - (2 - v)**2 on [1, 2]
    d = sm.Distribution.from_cdf(1 - (2 - v) ** 2, support=(1, 2))
    c = check(PROP2, d, capacity=Q, status_quo=_posted(d), grids=GRIDS, symbolic=False)
    assert c.status == "confirmed"
    _assert_verified(c)
    free = c.evidence.refinement("mass of goods at price 0")
    assert free.judgement == "positive" and free.limit - free.error > 0.1


def test_bulow_theorem_ii_confirmed_raw_gain_is_an_artefact():
    d = sm.Distribution.from_cdf(1 - (1 - v) ** 2, support=(0, 1))
    grids = (25, 50, 100, 200)
    c = check(BULOW_THEOREM, d, grids=grids)
    assert c.status == "confirmed"
    assert dict(c.hypotheses)["(ii) F strictly concave"].holds is True
    assert all(w <= 1e-9 for _, w in c.evidence.verifier) and len(c.evidence.verifier) == 4
    raw = c.evidence.refinement("raw LP gain over the war of attrition (per player)")
    # every grid shows a positive gain (reporting it would wrongly refute part (ii)) ...
    assert min(raw.values) > 1e-3
    # ... that roughly halves as n doubles (THEORY section 5) and extrapolates to 0
    ratios = [b / a for a, b in zip(raw.values, raw.values[1:])]
    assert all(0.45 < r < 0.6 for r in ratios), ratios
    assert raw.judgement == "zero" and abs(raw.limit) <= raw.error


# ---------------------------------------------------------------------- independent LP
def _full_one_sided_lp(d, Qf, U0, n):
    """THEORY section 4 LP built directly (midpoint types, exact cell masses) and solved by HiGHS."""
    import numpy as np
    import scipy.sparse as sps
    from scipy.optimize import linprog
    lo, hi = float(d.lo), float(d.hi)
    F = sp.lambdify(v, d.cdf, "numpy")
    e = np.linspace(lo, hi, n + 1)
    t = (e[:-1] + e[1:]) / 2
    p = np.diff(F(e))
    rows, cols, vals, rhs = [], [], [], []

    def add(entries, c):
        r = len(rhs)
        for j, a in entries:
            rows.append(r), cols.append(j), vals.append(a)
        rhs.append(c)

    for i in range(1, n):
        dv = t[i] - t[i - 1]
        add([(i - 1, 1), (i, -1)], 0)                      # x nondecreasing
        add([(n + i - 1, 1), (n + i, -1), (i - 1, dv)], 0)  # U_i - U_{i-1} >= dv x_{i-1}
        add([(n + i, 1), (n + i - 1, -1), (i, -dv)], 0)     # U_i - U_{i-1} <= dv x_i
    for i in range(n):
        add([(n + i, 1), (i, -t[i])], 0)                    # MW: U_i <= v_i x_i
    add([(i, p[i]) for i in range(n)], Qf)                  # capacity
    A = sps.csr_matrix((vals, (rows, cols)), shape=(len(rhs), 2 * n))
    U0v = np.array([float(U0.subs(v, float(x))) for x in t])
    res = linprog(np.concatenate([np.zeros(n), -p]), A_ub=A, b_ub=rhs,
                  bounds=[(0, 1)] * n + [(max(u, 0.0), None) for u in U0v], method="highs")
    return -res.fun


def test_one_sided_lp_optimum_matches_an_independent_full_model():
    # the optimality (not only feasibility) behind the Prop 3 refutation, cross-checked
    d = sm.Distribution.from_cdf(1 - (1 - v) ** 2, support=(0, 1))
    sq = _posted(d)
    sol = sm.optimal_mechanism(d, alpha=0, capacity=0.3, status_quo=sq, grid=60)
    assert sm.verify_mechanism(sol).worst_violation <= 1e-9
    assert abs(sol.objective - _full_one_sided_lp(d, 0.3, sq.payoff, 60)) < 1e-8
