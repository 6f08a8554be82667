"""Discretised mechanism LPs (symmech.optimize, symmech.lp): values, structure, verifier, errors.

Every solution created here goes through ``verify_mechanism`` (threshold 1e-9). Continuum
values are compared with independent mpmath computations of their defining integrals at 30
digits through a refinement (the grid error is O(1/n), THEORY section 4).
"""

import dataclasses
import math

import mpmath
import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings, strategies as st

import symmech as sm
from symmech import lp
from symmech.errors import InfeasibleProblem, InvalidParameter
from symmech.interim import InterimMechanism
from symmech.optimize import mechanism_grid

V = sm.v
GRIDS = (50, 100, 200, 400)


def checked(sol):
    rep = sm.verify_mechanism(sol)
    assert rep.passed, str(rep)
    assert rep.worst_violation <= 1e-9
    return sol


def one_sided(d, **kw):
    return checked(sm.optimal_mechanism(d, **kw))


def bargaining(d, **kw):
    return checked(sm.optimal_bargaining(d, **kw))


def posted(p):
    """Posted price p as an interim mechanism (x0 = 1{v >= p}, t0 = p x0)."""
    x0 = sp.Piecewise((1, V >= p), (0, True))
    return InterimMechanism(f"posted price {p}", V, x0, p * x0, (V - p) * x0)


@pytest.fixture(scope="module")
def uniform():
    return sm.families.Uniform(0, 1)


@pytest.fixture(scope="module")
def power2():
    return sm.families.Power(2)


@pytest.fixture(scope="module")
def concave():
    return sm.Distribution.from_cdf("1 - (1 - v)**2", support=(0, 1))


def mp_mean(d):
    f = d.numeric_pdf(30)
    with mpmath.workdps(30):
        return mpmath.quad(lambda x: x * f(x), [0, 1])


# ====================================================================== the grid
def test_grid_is_midpoints_with_exact_cell_masses(power2):
    e, v, p = mechanism_grid(power2, 8)
    assert np.allclose(e, np.linspace(0, 1, 9)) and np.allclose(v, (e[:-1] + e[1:]) / 2)
    assert np.allclose(p, e[1:] ** 2 - e[:-1] ** 2, atol=1e-15)   # F = v**2
    assert p.sum() == pytest.approx(1.0, abs=1e-15)


def test_grid_with_an_unevaluated_integral_cdf():
    s = sp.Symbol("s", real=True)
    d = sm.Distribution(sp.Integral(3 * s ** 2, (s, 0, V)), 3 * V ** 2, (0, 1))   # F = v**3 left as an integral
    e, v, p = mechanism_grid(d, 16)
    assert np.allclose(p, e[1:] ** 3 - e[:-1] ** 3, atol=1e-14)


# ====================================================================== closed forms by refinement
def test_lottery_value_without_status_quo(uniform):
    # MHR (uniform, (1-F)/f = 1 - v decreasing), alpha = 0: a lottery x = Q at price 0 (THEORY section 2),
    # value Q E[v] = Q/2 (E[v] by mpmath quadrature of v f)
    Q = 0.3
    r = sm.refine(lambda n: one_sided(uniform, capacity=Q, grid=n), grids=GRIDS)
    exact = float(Q * mp_mean(uniform))
    assert abs(r.limit - exact) <= r.error + 1e-12
    assert r.error < 1e-3


def test_myerson_reserve_price_uniform(uniform):
    # alpha = 1, no capacity bind: revenue max_r r (1 - F(r)); mpmath finds r from the first-order condition
    with mpmath.workdps(30):
        r_star = mpmath.findroot(lambda r: 1 - 2 * r, 0.3)
        rev = r_star * (1 - r_star)
    sols = {n: one_sided(uniform, alpha=1, grid=n) for n in GRIDS}
    ref = sm.refine(lambda n: sols[n], grids=GRIDS)
    assert abs(ref.limit - float(rev)) <= ref.error + 1e-12
    for n, s in sols.items():
        st_ = s.structure()
        assert len(st_.certain_set) == 1 and abs(st_.certain_set[0][0] - float(r_star)) <= s.width
        assert st_.excluded_set[0][0] == 0.0
        assert np.allclose(s.t[s.x > 0.5], s.t[-1])          # one posted price
        assert abs(s.t[-1] - float(r_star)) <= s.width


def test_efficient_allocation_at_alpha_half(power2):
    # alpha = 1/2: objective (1/2) sum p v x, so the top Q types get the good: (1/2) int_{F^-1(1-Q)}^1 v f dv
    Q = 0.3
    with mpmath.workdps(30):
        thr = mpmath.sqrt(1 - mpmath.mpf(Q))
        exact = mpmath.quad(lambda x: x * 2 * x, [thr, 1]) / 2
    sols = {n: one_sided(power2, alpha=0.5, capacity=Q, grid=n) for n in GRIDS}
    ref = sm.refine(lambda n: sols[n], grids=GRIDS)
    assert abs(ref.limit - float(exact)) <= ref.error + 1e-12
    s = sols[400].structure()
    assert abs(s.certain_set[0][0] - float(thr)) <= 2 * sols[400].width


# ====================================================================== Proposition 1 and 3 settings
@pytest.mark.parametrize("family", ["uniform", "power2"])
def test_prop1_lottery_is_optimal_with_posted_price_status_quo(family, request):
    # concave demand, alpha = 0, posted price selling Q0 = 0.2 < Q = 0.3: optimum x = Q, t = 0 in the limit
    d = request.getfixturevalue(family)
    sq = sm.posted_price(d, quantity=0.2)
    sols = {n: one_sided(d, capacity=0.3, status_quo=sq, grid=n) for n in GRIDS}
    l1 = sm.refine(lambda n: float(sols[n].masses @ np.abs(sols[n].x - 0.3)), grids=GRIDS)
    tmax = sm.refine(lambda n: float(np.max(sols[n].t)), grids=GRIDS)
    assert abs(l1.limit) <= l1.error + 1e-9 and l1.values[-1] < 0.01
    assert abs(tmax.limit) <= tmax.error + 1e-9
    for n, s in sols.items():
        assert np.max(s.t) <= 2 * s.width                     # price at most a cell: free in the limit
        st_ = s.structure()
        assert st_.free_mass >= 1 - 3 * s.width * 2           # all but the lowest cells get it for free
    ref = sm.refine(lambda n: sols[n], grids=GRIDS)
    assert abs(ref.limit - 0.3 * float(mp_mean(d))) <= ref.error + 1e-9   # value of the lottery Q E[v]


def test_prop3_certain_set_for_concave_cdf(concave):
    # F = 1 - (1-v)**2, posted price selling Q0 = 0.2, Q = 0.3: x = 1 only on about [0.734, 1] (THEORY
    # section 3), strictly inside x0^{-1}(1) = [1 - sqrt(0.2), 1]
    sq = sm.posted_price(concave, quantity=0.2)
    grids = (100, 200, 400)
    sols = {n: one_sided(concave, capacity=0.3, status_quo=sq, grid=n) for n in grids}
    lows = [sols[n].structure().certain_set[0][0] for n in grids]
    ref = sm.refine(lambda n: dict(zip(grids, lows))[n], grids=grids)
    assert 0.725 <= ref.limit <= 0.745 and ref.error < 0.02
    assert min(lows) > 1 - math.sqrt(0.2) + 0.1
    s = sols[400]
    assert s.capacity_dual > 0 and float(s.masses @ s.x) == pytest.approx(0.3, abs=1e-9)
    assert s.structure().pi_binding_set[-1][1] == 1.0          # PI binds at the top (posted-price types)


# ====================================================================== solver routes agree
SETTINGS = [dict(alpha=0.0, capacity=0.3, quantity=0.2), dict(alpha=0.25, capacity=0.5, quantity=0.3),
            dict(alpha=0.5, capacity=0.4, quantity=None), dict(alpha=0.0, capacity=None, quantity=0.4)]


@pytest.mark.parametrize("setting", SETTINGS)
def test_full_reduced_and_coarse_to_fine_agree(setting, concave):
    sq = None if setting["quantity"] is None else sm.posted_price(concave, quantity=setting["quantity"])
    kw = dict(alpha=setting["alpha"], capacity=setting["capacity"], status_quo=sq, grid=300)
    full = one_sided(concave, method="full", **kw)
    red = one_sided(concave, method="reduced", **kw)
    c2f = one_sided(concave, method="coarse_to_fine", **kw)
    assert red.objective == pytest.approx(full.objective, abs=1e-10)
    assert c2f.objective == pytest.approx(full.objective, abs=1e-10)
    for s in (red, c2f):
        cert = s.certificate
        assert cert["gap"] <= 1e-9 and cert["max_reduced_cost"] <= 1e-9 and cert["max_primal_violation"] <= 1e-9


def test_large_grid_goes_coarse_to_fine_and_matches_direct(concave):
    sq = sm.posted_price(concave, quantity=0.2)
    auto = one_sided(concave, capacity=0.3, status_quo=sq, grid=1000)
    assert auto.method.startswith("coarse_to_fine")
    direct = one_sided(concave, capacity=0.3, status_quo=sq, grid=1000, method="reduced")
    assert auto.objective == pytest.approx(direct.objective, abs=1e-10)


def test_row_generation_with_a_strictly_convex_status_quo(concave):
    # U0 = int_0^v F (war of attrition) binds on a long interval: many PI rows are generated
    kw = dict(capacity=0.6, status_quo="war_of_attrition", grid=400)
    c2f = one_sided(concave, method="coarse_to_fine", **kw)
    red = one_sided(concave, method="reduced", **kw)
    assert c2f.objective == pytest.approx(red.objective, abs=1e-10)
    assert c2f.method == "coarse_to_fine/row_generation"


def _all_pairs_lp(v, p, alpha, Q, U0, mw):
    """Independent formulation in (x, t): IC for every ordered pair of types, dense rows."""
    from scipy.optimize import linprog
    n = v.size
    rows, rhs = [], []
    for i in range(n):
        for j in range(n):
            if i != j:   # v_i x_j - t_j - (v_i x_i - t_i) <= 0
                r = np.zeros(2 * n)
                r[j], r[n + j], r[i], r[n + i] = v[i], -1.0, -v[i], 1.0
                rows.append(r)
                rhs.append(0.0)
    for i in range(n):   # U_i = v_i x_i - t_i >= max(U0_i, 0)
        r = np.zeros(2 * n)
        r[i], r[n + i] = -v[i], 1.0
        rows.append(r)
        rhs.append(-max(U0[i], 0.0))
    if Q is not None:
        rows.append(np.concatenate([p, np.zeros(n)]))
        rhs.append(Q)
    # objective sum p[(1 - 2a)(v x - t) + a v x] = sum p[(1 - a) v x - (1 - 2a) t]
    c = -np.concatenate([(1 - alpha) * p * v, -(1 - 2 * alpha) * p])
    bounds = [(0, 1)] * n + [(0 if mw else None, None)] * n
    res = linprog(c, A_ub=np.array(rows), b_ub=np.array(rhs), bounds=bounds, method="highs")
    assert res.status == 0
    return -res.fun


@pytest.mark.parametrize("alpha", [0.0, 0.3, 0.5, 0.8, 1.0])
@pytest.mark.parametrize("make_whole", [False, True])
def test_banded_lps_match_an_all_pairs_formulation(alpha, make_whole, concave):
    sq = sm.lottery("1/5")
    if make_whole and alpha < 0.5:   # lump-sum transfers raise (1 - 2 alpha) sum p U without bound
        with pytest.raises(InfeasibleProblem, match="unbounded"):
            sm.optimal_mechanism(concave, alpha=alpha, capacity=0.5, status_quo=sq, make_whole=True, grid=20)
        return
    s = one_sided(concave, alpha=alpha, capacity=0.5, status_quo=sq, make_whole=make_whole, grid=20)
    ref = _all_pairs_lp(s.grid, s.masses, alpha, 0.5, s.U0, not make_whole)
    assert s.objective == pytest.approx(ref, abs=1e-9)


def test_capacity_dual_is_the_derivative_of_the_value(concave):
    # envelope theorem on the LP: d objective / dQ = dual of (C) where the basis does not change
    sq = sm.posted_price(concave, quantity=0.2)
    dq = 1e-6
    for method in ("full", "reduced"):
        s = one_sided(concave, capacity=0.3, status_quo=sq, grid=200, method=method)
        up = one_sided(concave, capacity=0.3 + dq, status_quo=sq, grid=200, method=method)
        down = one_sided(concave, capacity=0.3 - dq, status_quo=sq, grid=200, method=method)
        assert s.capacity_dual == pytest.approx((up.objective - down.objective) / (2 * dq), rel=1e-5)


def test_duals_of_the_reduced_route_are_dual_feasible_for_the_full_lp(concave):
    # rebuild the full LP's dual from the reduced route's multipliers and check weak duality directly
    sq = sm.posted_price(concave, quantity=0.2)
    s = one_sided(concave, capacity=0.3, status_quo=sq, grid=120, method="reduced")
    v, p, L = s.grid, s.masses, np.maximum(s.U0, 0)
    lam, gam, mw = s.pi_dual, s.capacity_dual, s.mw_dual
    assert np.all(lam >= 0) and gam >= 0 and np.all(mw >= 0) and np.count_nonzero(mw) == 1
    # U-stationarity of the full LP with sigma = 0: tau_i = T_i and omega_1 = T_1 (see lp._mw_dual_reduced)
    T = np.cumsum((p + lam)[::-1])[::-1]
    assert mw[0] == pytest.approx(T[0], rel=1e-12)
    # weak duality: the certificate's dual objective (built from these multipliers plus the x <= 1 duals)
    # equals the primal objective, and every price column has reduced cost <= 0
    cert = s.certificate
    assert cert["dual_objective"] == pytest.approx(s.objective, abs=1e-10)
    assert cert["max_reduced_cost"] <= 1e-9
    # PI multipliers sit only where PI binds (complementary slackness)
    assert np.all(lam[(s.U - L) > 1e-9] == 0)


# ====================================================================== bargaining
@pytest.mark.parametrize("family", ["uniform", "power2"])
def test_bargaining_split_is_optimal(family, request):
    # Bulow theorem (i), F convex (uniform the knife edge): optimum = 50-50 split, E[v]/2 per player
    d = request.getfixturevalue(family)
    grids = (50, 100, 200)
    sols = {n: bargaining(d, grid=n) for n in grids}
    ref = sm.refine(lambda n: sols[n], grids=grids)
    half_mean = float(mp_mean(d)) / 2
    assert abs(ref.limit - half_mean) <= ref.error + 1e-9
    s = sols[200]
    pools = s.structure().pooling_intervals
    assert len(pools) == 1 and pools[0][2] == pytest.approx(0.5, abs=2 * s.width)
    assert np.max(s.t) <= s.width                          # no delay (up to one cell)


def test_bargaining_status_quo_value_is_the_war_of_attrition_payoff(uniform):
    # E[U0] = int_0^1 (int_0^v F) f dv = 1/6 for the uniform (U0 = v**2/2), by mpmath double quadrature
    with mpmath.workdps(30):
        exact = mpmath.quad(lambda x: mpmath.quad(lambda s: s, [0, x]), [0, 1])
    grids = (50, 100, 200)
    ref = sm.refine(lambda n: bargaining(uniform, grid=n).status_quo_value, grids=grids)
    assert abs(ref.limit - float(exact)) <= ref.error + 1e-12


def test_bargaining_gain_over_war_of_attrition_vanishes_for_concave_cdf(concave):
    # Bulow theorem (ii): nothing strictly Pareto-dominates the war of attrition; the grid gain is an
    # O(1/n) artefact (THEORY section 5): it halves as n doubles and extrapolates to 0
    gains = [bargaining(concave, grid=n).gain for n in GRIDS]
    assert all(g > 0 for g in gains)
    for a, b in zip(gains, gains[1:]):
        assert 1.6 < a / b < 2.4
    ref = sm.refine(lambda n: dict(zip(GRIDS, gains))[n], grids=GRIDS)
    assert abs(ref.limit) <= ref.error


def test_bargaining_beta22_split_is_optimal():
    # Beta(2,2): F neither convex nor concave, v/2 - int_0^v F >= 0: the split Pareto-improves and is optimal
    d = sm.families.Beta(2, 2)
    grids = (50, 100, 200)
    ref = sm.refine(lambda n: bargaining(d, grid=n), grids=grids)
    assert abs(ref.limit - 0.25) <= ref.error + 1e-9


@pytest.mark.parametrize("sq", ["war_of_attrition", "equal_split", None])
@pytest.mark.parametrize("dist", ["concave", "power2"])
def test_border_matches_ex_post_shares(sq, dist, request):
    # Border's theorem is exact for finite symmetric type spaces: both formulations give the same optimum
    d = request.getfixturevalue(dist)
    for n in (12, 25):
        b = bargaining(d, status_quo=sq, grid=n)
        e = bargaining(d, status_quo=sq, grid=n, formulation="ex_post")
        assert e.objective == pytest.approx(b.objective, abs=1e-9)
        assert e.certificate["max_pair_sum"] <= 1 + 1e-9


def test_border_bound_is_tight_for_the_efficient_allocation_with_ties():
    # the efficient interim allocation with ties split at random, x_i = P(v < v_i) + p_i / 2, meets every
    # Border inequality with equality: 2 sum_{i>=k} p_i x_i = 1 - P(v < v_k)**2 (sum of a telescoping square)
    p = np.array([0.1, 0.25, 0.05, 0.3, 0.3])
    below = np.concatenate(([0.0], np.cumsum(p)[:-1]))
    x = below + p / 2
    lhs = np.cumsum((p * x)[::-1])[::-1]
    assert np.allclose(lhs, lp.border_rhs(p), atol=1e-15)


# ====================================================================== status quo forms
def test_status_quo_forms_agree(uniform):
    price = sp.Rational(3, 5)
    forms = [posted(price), sm.posted_price(uniform, price=price),
             ((sp.Piecewise((1, V >= price), (0, True))), sp.Piecewise((price, V >= price), (0, True))),
             sp.Max(V - price, 0), "Max(v - 3/5, 0)", lambda x: np.maximum(x - 0.6, 0.0)]
    objs = [one_sided(uniform, capacity=0.5, status_quo=f, grid=80).objective for f in forms]
    assert np.allclose(objs, objs[0], atol=1e-12)
    lot = one_sided(uniform, capacity=0.5, status_quo=sm.lottery("1/4"), grid=80)
    assert lot.x0 is not None and np.allclose(lot.x0, 0.25)


def test_status_quo_value_and_gain(uniform):
    s = one_sided(uniform, capacity=0.5, status_quo=posted(sp.Rational(1, 2)), grid=100)
    assert s.status_quo_value == pytest.approx(float(s.masses @ np.maximum(s.grid - 0.5, 0)), abs=1e-15)
    assert s.gain >= -1e-12
    assert s.to_dict()["gain"] == pytest.approx(s.gain)


# ====================================================================== structure
def test_structure_of_the_prop1_lottery(power2):
    s = one_sided(power2, capacity=0.3, status_quo=sm.posted_price(power2, quantity=0.2), grid=200)
    st_ = s.structure()
    assert st_.certain_set == () and st_.n == 200
    (lo, hi, level), = st_.pooling_intervals
    assert hi == 1.0 and lo <= 2 * s.width and level == pytest.approx(0.3, abs=1e-3)
    assert st_.free_goods == pytest.approx(float(s.masses @ s.x), abs=1e-12)
    text = str(st_)
    assert "pooled" in text and "free" in text
    d = st_.to_dict()
    assert d["pooling_intervals"][0][2] == pytest.approx(level)
    assert "MechanismSolution(one-sided, n=200" in str(s)


def test_free_classification_uses_cell_width(uniform):
    # a payment of one cell width times x counts as free; a real price does not
    s = one_sided(uniform, capacity=0.3, grid=100)
    st_ = s.structure()
    assert st_.free_mass > 0.9 and st_.tolerances["price"] == pytest.approx(2 * s.width, rel=1e-6)
    m = one_sided(uniform, alpha=1, grid=100)
    assert m.structure().free_mass == 0.0


# ====================================================================== verifier
@pytest.fixture(scope="module")
def good(concave):
    return one_sided(concave, capacity=0.3, status_quo=sm.posted_price(concave, quantity=0.2), grid=100)


def test_verifier_catches_an_ic_violation(good):
    x = np.array(good.x)
    x[30] = 0.9                      # a middle type now gets a lot more at the same payment
    rep = sm.verify_mechanism(dataclasses.replace(good, x=x))
    assert not rep.passed and rep.ic > 0.1
    assert 30 in rep.ic_pair


def test_verifier_catches_each_constraint(good):
    cases = {
        "mw": dict(t=np.array(good.t) - 1e-6, U=np.array(good.U) + 1e-6),
        "capacity": dict(x=np.array(good.x) + 1e-5),
        "pi": dict(U0=np.array(good.U0) + 1e-6),
        "bounds": dict(x=np.where(np.arange(good.n) == good.n - 1, 1 + 1e-6, good.x)),
        "objective_error": dict(objective=good.objective + 1e-6),
        "consistency": dict(U=np.array(good.U) + 1e-6),
    }
    for field_, change in cases.items():
        rep = sm.verify_mechanism(dataclasses.replace(good, **change))
        assert getattr(rep, field_) > 1e-9, field_
        assert not rep.passed
    ok = sm.verify_mechanism(good)
    assert ok.passed and "passed" in str(ok) and ok.to_dict()["passed"]


def test_verifier_checks_border_for_bargaining(uniform):
    s = bargaining(uniform, grid=40)
    bad = dataclasses.replace(s, x=np.full(40, 0.6), t=np.zeros(40), U=0.6 * s.grid,
                              objective=float(s.masses @ (0.6 * s.grid)))
    rep = sm.verify_mechanism(bad)
    assert rep.border == pytest.approx(0.2, abs=1e-12)   # k = 1: 2 * 0.6 - 1
    assert not rep.passed


# ====================================================================== errors
@pytest.mark.parametrize("kw, match", [
    (dict(alpha=1.5), "alpha must lie in"), (dict(alpha="x"), "alpha"),
    (dict(capacity=0), "capacity Q must lie"), (dict(capacity=1.2), "capacity Q must lie"),
    (dict(grid=3), "grid must lie"), (dict(grid=10.5), "grid must be an integer"),
    (dict(make_whole="yes"), "make_whole"), (dict(method="magic"), "method"),
    (dict(method="reduced", alpha=0.8), "needs alpha <= 1/2"),
    (dict(status_quo=object()), "unsupported status quo"),
    (dict(status_quo=(1, 2, 3)), "tuple must be"),
])
def test_invalid_arguments(kw, match, uniform):
    with pytest.raises(InvalidParameter, match=match) as exc:
        sm.optimal_mechanism(uniform, **kw)
    assert "\n" not in str(exc.value)


def test_distribution_errors():
    k = sp.Symbol("k", positive=True)
    with pytest.raises(InvalidParameter, match="k still symbolic"):
        sm.optimal_mechanism(sm.families.Power(k))
    with pytest.raises(InvalidParameter, match="bounded support"):
        sm.optimal_mechanism(sm.families.Exponential(1))
    with pytest.raises(InvalidParameter, match="grid <= "):
        sm.optimal_bargaining(sm.families.Uniform(0, 1), grid=500, formulation="ex_post")


def test_infeasible_and_unbounded_problems_name_the_constraint(uniform):
    with pytest.raises(InfeasibleProblem, match=r"capacity \(C\) cannot hold.*Q = 0.3.*x0 dF = 0.5"):
        sm.optimal_mechanism(uniform, capacity=0.3, status_quo=posted(sp.Rational(1, 2)), grid=100)
    with pytest.raises(InfeasibleProblem, match=r"PI cannot hold with t >= 0 \(MW\)"):
        sm.optimal_mechanism(uniform, capacity=0.3, status_quo=2 * V, grid=50)
    with pytest.raises(InfeasibleProblem, match="unbounded"):
        sm.optimal_mechanism(uniform, alpha=0.2, make_whole=True, grid=50)
    with pytest.raises(InfeasibleProblem, match="Border"):
        sm.optimal_bargaining(uniform, status_quo=V, grid=30)


def test_make_whole_allows_negative_payments(uniform):
    # alpha = 1 with make-whole payments and a generous status quo U0 = v/2: the designer may pay the
    # lowest types; without them (t >= 0) the value can only be lower
    free = one_sided(uniform, alpha=1, status_quo=V / 2, make_whole=True, grid=60)
    tied = one_sided(uniform, alpha=1, status_quo=V / 2, grid=60)
    assert free.objective >= tied.objective - 1e-12
    assert free.mw_dual is None and tied.mw_dual is not None


# ====================================================================== sweep
@settings(max_examples=12, deadline=None)
@given(alpha=st.sampled_from([0.0, 0.1, 0.3, 0.5]), Q=st.floats(0.15, 0.9),
       frac=st.floats(0.2, 0.9), n=st.integers(20, 60), k=st.sampled_from(["1/2", "1", "2", "3"]))
def test_sweep_routes_agree_and_verify(alpha, Q, frac, n, k):
    d = sm.families.Power(k)
    sq = sm.lottery(sp.nsimplify(round(frac * Q, 3)))
    full = one_sided(d, alpha=alpha, capacity=Q, status_quo=sq, grid=n, method="full")
    red = one_sided(d, alpha=alpha, capacity=Q, status_quo=sq, grid=n, method="reduced")
    assert red.objective == pytest.approx(full.objective, abs=1e-9)
    assert red.objective >= red.status_quo_value - 1e-12
