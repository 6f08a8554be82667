"""Assembly and solution of the discretised mechanism LPs (THEORY sections 4 and 5).

Pure numpy/scipy: the caller (:mod:`symmech.optimize`) turns distributions and status quos
into arrays. Types ``v_1 < ... < v_n`` carry masses ``p_i``; a mechanism is ``(x_i, U_i)``.

Three models are built here, all solved by HiGHS through :func:`scipy.optimize.linprog`:

``full``
    THEORY section 4 verbatim (the *direct route*): IC as two adjacent inequalities plus
    monotonicity, capacity as one dense row, MW rows ``U_i <= v_i x_i``, PI and
    participation as bounds ``U_i >= max(U0_i, 0)``. Needed for ``alpha > 1/2`` or when
    make-whole payments are allowed.
``reduced``
    For ``alpha <= 1/2`` with MW. Given ``x``, every feasible ``U`` is below
    ``U*_1 = v_1 x_1``, ``U*_i = U*_{i-1} + (v_i - v_{i-1}) x_i`` (induction on the
    upward IC rows and MW at the bottom), and ``U*`` itself is feasible (it meets MW and the
    downward IC rows because ``x`` is nondecreasing, and PI because it dominates a feasible
    ``U``). The objective weight ``1 - 2 alpha`` of ``U`` is >= 0, so ``U = U*(x)`` at an
    optimum: the IC inequalities and MW rows become ``n`` equalities.
``coarse_to_fine``
    The reduced model for large ``n``, written as a mixture of posted prices
    (``y_j = x_j - x_{j-1} >= 0`` is the weight of the price ``v_{j-1}``, and
    ``U_i = sum_{j<=i} (v_i - v_{j-1}) y_j``). The master problem keeps every price column but
    only some PI rows, linked to the columns by running-sum variables so it stays O(n) in
    size; its rows are seeded by the PI rows that carry a multiplier on a grid 8 times
    coarser, and violated rows are added until the full grid is feasible. With all columns
    present the master's duals are then dual feasible for the full LP, which the certificate
    checks. HiGHS's interior point (with crossover) solves these wide, short masters in
    O(n) work per iteration; its simplex would need O(n) pivots of O(n) pricing each, which
    is where the direct route's O(n**2) comes from. If the rows needed grow too many (PI
    binding on a long interval, e.g. a strictly convex ``U0``), the level is solved directly.

Every reduced solution (direct or coarse-to-fine) is certified by :func:`certificate`, which
rebuilds a dual solution of the full-grid price-mixture LP and checks weak duality with its
own arithmetic.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np
import scipy.sparse as sps
from scipy.optimize import linprog

__all__: list = []  # internal module: the public API lives in symmech.optimize

#: HiGHS tolerances: the verifier's threshold is 1e-9, HiGHS's defaults are 1e-7
HIGHS_OPTIONS = {"primal_feasibility_tolerance": 1e-10, "dual_feasibility_tolerance": 1e-10,
                 "presolve": True}

_INF = np.inf


# ====================================================================== results
@dataclass(frozen=True, eq=False)
class LPResult:
    """Raw solution of one discretised LP (arrays over the grid's types)."""

    status: str                      # "optimal", "infeasible", "unbounded", "error"
    message: str
    x: Optional[np.ndarray] = None
    U: Optional[np.ndarray] = None
    objective: Optional[float] = None
    capacity_dual: Optional[float] = None
    mw_dual: Optional[np.ndarray] = None
    pi_dual: Optional[np.ndarray] = None
    border_dual: Optional[np.ndarray] = None
    method: str = ""
    certificate: Dict[str, float] = field(default_factory=dict)
    notes: Tuple[str, ...] = ()


def _status_word(code: int) -> str:
    return {0: "optimal", 1: "iteration_limit", 2: "infeasible", 3: "unbounded"}.get(code, "error")


class _Rows:
    """Accumulates sparse rows ``lo <= A z <= hi`` from vectorised coefficient lists."""

    def __init__(self) -> None:
        self.r: List[np.ndarray] = []
        self.c: List[np.ndarray] = []
        self.v: List[np.ndarray] = []
        self.b: List[np.ndarray] = []
        self.count = 0

    def add(self, k: int, entries: Sequence[Tuple[np.ndarray, np.ndarray]], rhs) -> np.ndarray:
        rows = self.count + np.arange(k)
        for cols, vals in entries:
            self.r.append(rows)
            self.c.append(np.broadcast_to(np.asarray(cols, dtype=np.int64), (k,)))
            self.v.append(np.broadcast_to(np.asarray(vals, dtype=float), (k,)))
        self.b.append(np.broadcast_to(np.asarray(rhs, dtype=float), (k,)))
        self.count += k
        return rows

    def matrix(self, ncol: int):
        if self.count == 0:
            return None, None
        A = sps.csr_matrix((np.concatenate(self.v), (np.concatenate(self.r), np.concatenate(self.c))),
                           shape=(self.count, ncol))
        return A, np.concatenate(self.b)


def _run(c, ub: _Rows, eq: _Rows, bounds: np.ndarray, ncol: int, method: str = "highs", **options):
    A_ub, b_ub = ub.matrix(ncol)
    A_eq, b_eq = eq.matrix(ncol)
    return linprog(c, A_ub=A_ub, b_ub=b_ub, A_eq=A_eq, b_eq=b_eq, bounds=bounds, method=method,
                   options={**HIGHS_OPTIONS, **options})


def _marg(res, kind: str) -> np.ndarray:
    part = getattr(res, kind, None)
    if part is None:
        return np.zeros(0)
    return np.asarray(part.marginals, dtype=float)


# ====================================================================== helpers on the grid
def increments(v: np.ndarray) -> np.ndarray:
    """``v_i - v_{i-1}`` with ``v_0 := 0`` (the first price of the price mixture is 0)."""
    return np.diff(v, prepend=0.0)


def payoff_from_allocation(v: np.ndarray, x: np.ndarray) -> np.ndarray:
    """``U*(x)``: the largest IC payoff with ``t >= 0`` (upward IC binding, ``t_1 = 0``)."""
    return np.cumsum(increments(v) * x)


def polish_reduced(v: np.ndarray, x: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
    """Clip ``x`` to [0, 1], make it nondecreasing and recompute ``U = U*(x)`` exactly."""
    x = np.maximum.accumulate(np.clip(np.asarray(x, dtype=float), 0.0, 1.0))
    return x, payoff_from_allocation(v, x)


def _suffix(a: np.ndarray) -> np.ndarray:
    return np.cumsum(a[::-1])[::-1]


def border_rhs(p: np.ndarray) -> np.ndarray:
    """``(1 - P(v < v_k)**2) / 2``: the Border bound on ``sum_{i >= k} p_i x_i`` (2 symmetric bidders)."""
    below = np.concatenate(([0.0], np.cumsum(p)[:-1]))
    below = np.minimum(below, 1.0)
    return (1.0 - below ** 2) / 2.0


# ====================================================================== certificate
def certificate(v, p, L, alpha, Q, x, lam, gamma, zeta, eta=None, border=None, nu=None) -> Dict[str, float]:
    """Weak-duality certificate for the reduced LP written as a price mixture.

    Primal: ``y_j >= 0`` (weight of price ``v_{j-1}``), ``x_i = sum_{j<=i} y_j``,
    ``U_i = sum_{j<=i} (v_i - v_{j-1}) y_j``; rows ``x_i <= 1`` (duals ``zeta``),
    ``sum p x <= Q`` (``gamma``), ``U_i >= L_i`` (``lam``), and for bargaining the Border rows
    ``sum_{i>=k} p_i x_i <= border_k`` (``eta``), and the redundant rows ``x_i >= 0`` (``nu``).
    Any nonnegative duals give the upper bound
    ``dual_objective`` when every reduced cost is <= 0; a primal point that is feasible and
    attains it is optimal. All sums are O(n) prefix/suffix sums.
    """
    v = np.asarray(v, float)
    p = np.asarray(p, float)
    n = v.size
    a = float(alpha)
    d = increments(v)
    Pge = _suffix(p)
    cx = (1 - 2 * a) * d * Pge + a * v * p           # objective weight of x_k once U = U*(x)
    obj_col = _suffix(cx)
    price = np.concatenate(([0.0], v[:-1]))
    lam = np.maximum(np.asarray(lam, float), 0.0)
    zeta = np.maximum(np.asarray(zeta, float), 0.0)
    gamma = max(float(gamma or 0.0), 0.0)
    rc = obj_col + _suffix(lam * v) - price * _suffix(lam) - _suffix(zeta)
    if nu is not None:
        rc += _suffix(np.maximum(np.asarray(nu, float), 0.0))
    dual = float(np.sum(zeta)) - float(lam @ L)
    if Q is not None:
        rc -= gamma * Pge
        dual += gamma * float(Q)
    if eta is not None:
        eta = np.maximum(np.asarray(eta, float), 0.0)
        # column j meets Border row k with coefficient P_ge[max(j, k)]
        rc -= np.cumsum(eta) * Pge + np.concatenate((_suffix(eta * Pge)[1:], [0.0]))
        dual += float(eta @ border)
    U = payoff_from_allocation(v, x)
    primal = float(p @ ((1 - 2 * a) * U + a * v * x))
    scale = max(1.0, float(np.max(np.abs(v))))
    viol = [float(np.max(L - U, initial=0.0)), float(np.max(x - 1.0, initial=0.0)),
            float(np.max(-x, initial=0.0)), float(np.max(-np.diff(x), initial=0.0))]
    if Q is not None:
        viol.append(max(float(p @ x) - float(Q), 0.0))
    if eta is not None:
        viol.append(float(np.max(_suffix(p * x) - border, initial=0.0)))
    return {"primal_objective": primal, "dual_objective": dual, "gap": dual - primal,
            "max_reduced_cost": float(np.max(rc)), "max_primal_violation": max(viol),
            "scale": scale, "reduced_costs": rc}


def certified(cert: Dict[str, float], tol: float = 1e-9) -> bool:
    """Whether a certificate proves optimality to ``tol`` (relative to the value scale)."""
    s = cert["scale"]
    return (cert["max_primal_violation"] <= 0.5 * tol * s and cert["max_reduced_cost"] <= tol * s
            and abs(cert["gap"]) <= tol * s)


def _mw_dual_reduced(p: np.ndarray, lam: np.ndarray, alpha: float) -> np.ndarray:
    """MW multipliers of the full LP rebuilt from a reduced solution (one dual solution).

    Stationarity in ``U_i`` with the downward IC multipliers 0 gives the upward IC multiplier
    ``T_i = sum_{k>=i} ((1 - 2 alpha) p_k + lam_k)`` and puts all MW weight on the lowest type:
    ``omega_1 = T_1``, ``omega_i = 0`` otherwise.
    """
    w = np.zeros_like(p)
    w[0] = float(np.sum((1 - 2 * alpha) * p + lam))
    return w


# ====================================================================== full model (direct route)
def build_full(v, p, L, alpha, Q, mw: bool):
    """The direct route: THEORY section 4 as one sparse matrix (variables ``x`` then ``U``)."""
    v = np.asarray(v, float)
    p = np.asarray(p, float)
    n = v.size
    X, U = np.arange(n), n + np.arange(n)
    i = np.arange(1, n)
    dv = np.diff(v)
    ub, eq = _Rows(), _Rows()
    rows = {}
    rows["mono"] = ub.add(n - 1, [(X[i - 1], 1.0), (X[i], -1.0)], 0.0)
    rows["ic_down"] = ub.add(n - 1, [(X[i - 1], dv), (U[i], -1.0), (U[i - 1], 1.0)], 0.0)
    rows["ic_up"] = ub.add(n - 1, [(U[i], 1.0), (U[i - 1], -1.0), (X[i], -dv)], 0.0)
    if mw:
        rows["mw"] = ub.add(n, [(U, 1.0), (X, -v)], 0.0)
    if Q is not None:
        rows["cap"] = ub.add(1, [], float(Q))
        ub.r.append(np.full(n, rows["cap"][0]))
        ub.c.append(X)
        ub.v.append(p)
    c = -np.concatenate([alpha * v * p, (1 - 2 * alpha) * p])
    bounds = np.zeros((2 * n, 2))
    bounds[:n, 1] = 1.0
    bounds[n:, 0] = np.maximum(L, 0.0)
    bounds[n:, 1] = _INF
    return c, ub, eq, bounds, rows


def solve_full(v, p, L, alpha, Q, mw: bool, U0=None) -> LPResult:
    """Solve the full model; duals of C, MW and PI as nonnegative shadow prices."""
    n = len(v)
    c, ub, eq, bounds, rows = build_full(v, p, L, alpha, Q, mw)
    res = _run(c, ub, eq, bounds, 2 * n)
    word = _status_word(res.status)
    if word != "optimal":
        return LPResult(word, res.message, method="full")
    z = res.x
    x, U = z[:n].copy(), z[n:].copy()
    ineq = _marg(res, "ineqlin")
    low = _marg(res, "lower")
    cap = float(-ineq[rows["cap"][0]]) if "cap" in rows else None
    mwd = -ineq[rows["mw"]] if "mw" in rows else None
    pid = None
    if U0 is not None:
        pid = np.where(np.asarray(U0) >= 0, low[n:], 0.0)
    return LPResult("optimal", res.message, x, U, float(-res.fun), cap, mwd, pid, None, "full")


# ====================================================================== reduced banded model
def build_reduced(v, p, L, alpha, Q, border: bool = False):
    """Reduced model: variables ``x``, ``U`` (and ``Z_k = sum_{i>=k} p_i x_i`` for Border)."""
    v = np.asarray(v, float)
    p = np.asarray(p, float)
    n = v.size
    X, U = np.arange(n), n + np.arange(n)
    i = np.arange(1, n)
    d = increments(v)
    ub, eq = _Rows(), _Rows()
    rows = {}
    rows["mono"] = ub.add(n - 1, [(X[i - 1], 1.0), (X[i], -1.0)], 0.0)
    eq.add(1, [(U[0], 1.0), (X[0], -d[0])], 0.0)
    eq.add(n - 1, [(U[i], 1.0), (U[i - 1], -1.0), (X[i], -d[1:])], 0.0)
    ncol = 2 * n
    if Q is not None:
        rows["cap"] = ub.add(1, [], float(Q))
        ub.r.append(np.full(n, rows["cap"][0]))
        ub.c.append(X)
        ub.v.append(p)
    bounds = np.zeros((2 * n, 2))
    bounds[:n, 1] = 1.0
    bounds[n:, 0] = np.maximum(L, 0.0)
    bounds[n:, 1] = _INF
    c = -np.concatenate([alpha * v * p, (1 - 2 * alpha) * p])
    if border:
        Z = 2 * n + np.arange(n)
        k = np.arange(n - 1)
        eq.add(n - 1, [(Z[k], 1.0), (Z[k + 1], -1.0), (X[k], -p[:-1])], 0.0)
        eq.add(1, [(Z[n - 1], 1.0), (X[n - 1], -p[n - 1])], 0.0)
        zb = np.column_stack([np.full(n, -_INF), border_rhs(p)])
        bounds = np.vstack([bounds, zb])
        c = np.concatenate([c, np.zeros(n)])
        ncol = 3 * n
    return c, ub, eq, bounds, rows, ncol


def solve_reduced(v, p, L, alpha, Q, U0=None, border: bool = False, method: str = "highs") -> LPResult:
    """Solve the reduced model directly with HiGHS and certify the result."""
    v = np.asarray(v, float)
    p = np.asarray(p, float)
    n = v.size
    c, ub, eq, bounds, rows, ncol = build_reduced(v, p, L, alpha, Q, border)
    res = _run(c, ub, eq, bounds, ncol, method=method)
    word = _status_word(res.status)
    if word != "optimal":
        return LPResult(word, res.message, method="reduced")
    x, U = polish_reduced(v, res.x[:n])
    low = _marg(res, "lower")
    upp = _marg(res, "upper")
    lam = np.maximum(low[n:2 * n], 0.0)
    zeta = np.maximum(-upp[:n], 0.0)
    gamma = float(-_marg(res, "ineqlin")[rows["cap"][0]]) if "cap" in rows else None
    eta = np.maximum(-upp[2 * n:3 * n], 0.0) if border else None
    Lb = np.maximum(L, 0.0)
    cert = certificate(v, p, Lb, alpha, Q, x, lam, gamma, zeta, eta, border_rhs(p) if border else None)
    pid = None if U0 is None else np.where(np.asarray(U0) >= 0, lam, 0.0)
    return LPResult("optimal", res.message, x, U, cert["primal_objective"], gamma,
                    _mw_dual_reduced(p, lam, alpha), pid, eta, "reduced", _public(cert))


def _public(cert: Dict) -> Dict[str, float]:
    return {k: float(val) for k, val in cert.items() if k != "reduced_costs"}


# ====================================================================== row generation (large n)
def _segment_master(v, p, L, alpha, Q, I: np.ndarray):
    """Price-mixture LP with all ``n`` price columns but PI rows only at ``I`` (sorted).

    Columns ``y_j`` (weight of price ``v_{j-1}``) plus, for each kept row ``i_k``, the partial
    sums ``X_k = sum_{j<=i_k} y_j`` and ``M_k = sum_{j<=i_k} price_j y_j`` defined by segment
    equalities, so PI reads ``v_{i_k} X_k - M_k >= L_{i_k}`` and the matrix has O(n) entries.
    """
    n = v.size
    a = float(alpha)
    d = increments(v)
    Pge = _suffix(p)
    obj = _suffix((1 - 2 * a) * d * Pge + a * v * p)
    price = np.concatenate(([0.0], v[:-1]))
    k = I.size
    Xc, Mc = n + np.arange(k), n + k + np.arange(k)
    ncol = n + 2 * k
    ub, eq = _Rows(), _Rows()
    j = np.arange(n)
    mass_row = ub.add(1, [], 1.0)[0]
    ub.r.append(np.full(n, mass_row))
    ub.c.append(j)
    ub.v.append(np.ones(n))
    cap_row = None
    if Q is not None:
        cap_row = ub.add(1, [], float(Q))[0]
        ub.r.append(np.full(n, cap_row))
        ub.c.append(j)
        ub.v.append(Pge)
    pi_rows = np.empty(0, dtype=np.int64)
    if k:
        seg = np.searchsorted(I, j, side="left")      # column j belongs to the segment ending at I[seg]
        inseg = seg < k
        rx = eq.add(k, [(Xc, 1.0)], 0.0)
        rm = eq.add(k, [(Mc, 1.0)], 0.0)
        kk = np.arange(1, k)
        eq.r += [rx[kk], rm[kk]]
        eq.c += [Xc[kk - 1], Mc[kk - 1]]
        eq.v += [np.full(k - 1, -1.0), np.full(k - 1, -1.0)]
        eq.r += [rx[seg[inseg]], rm[seg[inseg]]]
        eq.c += [j[inseg], j[inseg]]
        eq.v += [np.full(int(inseg.sum()), -1.0), -price[inseg]]
        pi_rows = ub.add(k, [(Xc, -v[I]), (Mc, 1.0)], -L[I])
    bounds = np.zeros((ncol, 2))
    bounds[:n, 1] = _INF
    bounds[n:, 0] = -_INF
    bounds[n:, 1] = _INF
    # few rows, many columns: HiGHS's interior point (then crossover to a vertex) is O(n) per
    # iteration here, where the simplex method needs O(n) iterations of O(n) pricing each.
    # No presolve: its postsolve leaves the long segment equalities off by ~1e-9, which would
    # shift the payoffs rebuilt from y by as much.
    res = _run(-np.concatenate((obj, np.zeros(2 * k))), ub, eq, bounds, ncol, method="highs-ipm", presolve=False)
    return res, mass_row, cap_row, pi_rows


def _local_extrema_above(score: np.ndarray, tol: float, limit: int) -> np.ndarray:
    """Indices where ``score > tol``: all of them if few, else local maxima and the top ones."""
    idx = np.flatnonzero(score > tol)
    if idx.size <= limit:
        return idx
    left = np.concatenate(([-_INF], score[:-1]))
    right = np.concatenate((score[1:], [-_INF]))
    peaks = np.flatnonzero((score > tol) & (score >= left) & (score >= right))
    top = idx[np.argsort(score[idx])[::-1][:limit]]
    if peaks.size > limit:
        peaks = peaks[np.argsort(score[peaks])[::-1][:limit]]
    return np.union1d(peaks, top)


def solve_reduced_rowgen(v, p, L, alpha, Q, U0=None, seeds=(), max_rounds: int = 40,
                         max_rows: Optional[int] = None) -> Optional[LPResult]:
    """Reduced LP by PI row generation, certified on the full grid.

    Every price column is kept, so the master's duals (PI rows outside the master get 0)
    are dual feasible for the full LP as soon as its primal meets every PI row; the
    certificate of :func:`certificate` checks exactly that. Returns None when the rows
    needed grow past ``max_rows`` (PI binding on a long interval where ``U0`` is strictly
    convex): the caller then solves the banded model directly.
    """
    v = np.asarray(v, float)
    p = np.asarray(p, float)
    n = v.size
    Lb = np.maximum(np.asarray(L, float), 0.0)
    active = Lb > 0
    I = np.intersect1d(np.asarray(seeds, dtype=np.int64), np.flatnonzero(active))
    scale = max(1.0, float(np.max(np.abs(v))))
    max_rows = n if max_rows is None else max_rows
    Lw = Lb.copy()          # working PI bounds: nudged up where the master's tolerance leaves a hair
    nudges = 0
    for rounds in range(1, max_rounds + 1):
        res, mass_row, cap_row, pi_rows = _segment_master(v, p, Lw, alpha, Q, I)
        word = _status_word(res.status)
        if word != "optimal":
            return None
        x, U = polish_reduced(v, np.cumsum(res.x[:n]))
        m = -_marg(res, "ineqlin")
        lam = np.zeros(n)
        lam[I] = np.maximum(m[pi_rows], 0.0)
        gamma = float(max(m[cap_row], 0.0)) if cap_row is not None else None
        zeta = np.zeros(n)
        zeta[-1] = max(float(m[mass_row]), 0.0)
        cert = certificate(v, p, Lb, alpha, Q, x, lam, gamma, zeta)
        if certified(cert):
            pid = None if U0 is None else np.where(np.asarray(U0) >= 0, lam, 0.0)
            return LPResult("optimal", res.message, x, U, cert["primal_objective"], gamma,
                            _mw_dual_reduced(p, lam, alpha), pid, None, "row_generation", _public(cert),
                            (f"PI row generation: {I.size} of {int(active.sum())} PI rows, {rounds} rounds",))
        slack = np.where(active, Lb - U, -_INF)
        viol = _local_extrema_above(slack, 1e-11 * scale, max(50, n // 20))
        new = np.setdiff1d(viol, I)
        if new.size == 0:
            # the master meets its own rows only to HiGHS's tolerance (~1e-9): tighten those rows by
            # twice the miss and re-solve; the certificate still uses the true bounds
            inside = np.intersect1d(viol, I)
            if inside.size == 0 or nudges >= 3:
                return None
            Lw[inside] += 2.0 * slack[inside]
            nudges += 1
            continue
        if I.size + new.size > max_rows:
            return None
        I = np.union1d(I, new)
    return None


def seeds_from(v_coarse, lam_coarse, v_fine) -> np.ndarray:
    """Fine-grid PI rows next to the coarse rows with a positive multiplier."""
    vc = np.asarray(v_coarse, float)
    idx = np.flatnonzero(np.asarray(lam_coarse, float) > 0)
    if idx.size == 0:
        return np.zeros(0, dtype=np.int64)
    pos = np.searchsorted(v_fine, vc[idx])
    out = (pos[:, None] + np.arange(-2, 2)[None, :]).ravel()
    return np.unique(out[(out >= 0) & (out < len(v_fine))])


def solve_reduced_levels(levels, alpha, Q, direct_max: int = 1500) -> LPResult:
    """Coarse-to-fine: ``levels`` = [(v, p, L, U0), ...] coarse first, the last is the target.

    The coarsest level is solved directly; each finer one by PI row generation seeded with
    the rows that carry a multiplier one level down (so one master solve usually
    certifies); a level that does not certify is solved directly.
    """
    notes: List[str] = []
    prev = None
    for v, p, L, U0 in levels:
        res = None
        if prev is not None and len(v) > direct_max:
            res = solve_reduced_rowgen(v, p, L, alpha, Q, U0, seeds_from(prev[0], prev[1].pi_dual
                                                                          if prev[1].pi_dual is not None
                                                                          else np.zeros(len(prev[0])), v))
            if res is None:
                notes.append(f"n={len(v)}: row generation gave up, solved directly")
        if res is None:
            # HiGHS's interior point (with crossover) scales better than its simplex on big banded models
            res = solve_reduced(v, p, L, alpha, Q, U0, method="highs-ipm" if len(v) > direct_max else "highs")
            if res.status != "optimal":
                return res
            notes.append(f"n={len(v)}: banded reduced LP")
        else:
            notes.append(f"n={len(v)}: {res.notes[0]}")
        lam = res.pi_dual
        if lam is None:
            lam = np.zeros(len(v))
        prev = (np.asarray(v, float), LPResult(res.status, res.message, pi_dual=lam))
        final = res
    method = final.method if len(levels) == 1 else "coarse_to_fine/" + final.method
    return LPResult(final.status, final.message, final.x, final.U, final.objective, final.capacity_dual,
                    final.mw_dual, final.pi_dual, final.border_dual, method, final.certificate, tuple(notes))


# ====================================================================== bargaining, ex post shares
def solve_expost(v, p, L, U0=None) -> LPResult:
    """Bargaining with ex post shares ``q_ij`` (``q_ij + q_ji <= 1``), symmetric, ``t >= 0``.

    Variables ``x`` (n), ``U`` (n), ``q`` (n*n, row-major). ``x_i = sum_j p_j q_ij``; IC and
    MW in reduced form (alpha = 0). Used to cross-check the Border formulation.
    """
    v = np.asarray(v, float)
    p = np.asarray(p, float)
    n = v.size
    X, U = np.arange(n), n + np.arange(n)
    q0 = 2 * n
    i = np.arange(1, n)
    d = increments(v)
    ub, eq = _Rows(), _Rows()
    ub.add(n - 1, [(X[i - 1], 1.0), (X[i], -1.0)], 0.0)
    eq.add(1, [(U[0], 1.0), (X[0], -d[0])], 0.0)
    eq.add(n - 1, [(U[i], 1.0), (U[i - 1], -1.0), (X[i], -d[1:])], 0.0)
    # x_i - sum_j p_j q_ij = 0
    rows = eq.add(n, [(X, 1.0)], 0.0)
    ii, jj = np.meshgrid(np.arange(n), np.arange(n), indexing="ij")
    eq.r.append(rows[ii.ravel()])
    eq.c.append(q0 + (ii * n + jj).ravel())
    eq.v.append(-p[jj.ravel()])
    a, b = np.triu_indices(n)
    pair = ub.add(a.size, [(q0 + a * n + b, 1.0)], 1.0)
    ub.r.append(pair)
    ub.c.append(q0 + b * n + a)
    ub.v.append(np.ones(a.size))  # on the diagonal both entries hit q_ii: 2 q_ii <= 1
    ncol = q0 + n * n
    bounds = np.zeros((ncol, 2))
    bounds[:n, 1] = 1.0
    bounds[n:2 * n, 0] = np.maximum(L, 0.0)
    bounds[n:2 * n, 1] = _INF
    bounds[q0:, 1] = 1.0
    c = np.zeros(ncol)
    c[U] = -p
    res = _run(c, ub, eq, bounds, ncol)
    word = _status_word(res.status)
    if word != "optimal":
        return LPResult(word, res.message, method="ex_post")
    x, Uv = polish_reduced(v, res.x[:n])
    lam = np.maximum(_marg(res, "lower")[n:2 * n], 0.0)
    pid = None if U0 is None else np.where(np.asarray(U0) >= 0, lam, 0.0)
    q = res.x[q0:].reshape(n, n)
    return LPResult("optimal", res.message, x, Uv, float(p @ Uv), None, _mw_dual_reduced(p, lam, 0.0), pid,
                    None, "ex_post", {"max_pair_sum": float(np.max(q + q.T))})
