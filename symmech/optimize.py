"""Optimal Pareto-improving mechanisms as discretised linear programs (THEORY sections 3-5).

One-sided problem (Kang & Skrzypacz 2025): a designer with weight ``alpha`` on revenue and
``1 - alpha`` on consumer surplus chooses an IC mechanism ``(x, t)`` subject to capacity
``integral x dF <= Q`` (C), optionally no make-whole payments ``t >= 0`` (MW), participation
``U >= 0`` and Pareto improvement ``U >= U0`` over a status quo (PI). Bargaining problem: two
players with iid values share a pie ex post feasibly (interim allocation feasible by Border's
theorem), delay is money burnt (``t >= 0``), objective ex ante surplus, PI against e.g. the
war of attrition.

Discretisation. ``n`` equal-width cells ``[e_{i-1}, e_i]`` of the support; each cell is a type
``v_i`` at its midpoint carrying the exact cell mass ``p_i = F(e_i) - F(e_{i-1})``. The
finite-type problem is solved exactly (THEORY section 4 LP; Border rows
``2 sum_{i>=k} p_i x_i <= 1 - P(v < v_k)**2`` for bargaining, ties inside a cell counted by
that formula). PI is imposed at the types. The LP optimum converges to the continuum value
at rate O(1/n) (a type only mimics its neighbours' cells, so prices are off by a cell), hence
every continuum statement goes through :func:`refine` on ``n, 2n, 4n, ...``; structure is
classified with tolerances that scale with the cell width (a zero continuum price shows up as
a payment of one cell width times the allocation).

Solvers (see :mod:`symmech.lp`): for ``alpha <= 1/2`` with MW the payoffs are eliminated
(``U`` is the largest IC payoff given ``x``), for large ``n`` a coarse solve seeds PI row
generation on the fine grid, and every such answer carries a full-grid weak-duality
certificate; otherwise the full model goes to HiGHS. :func:`verify_mechanism` re-checks a
solution with its own code (IC over all pairs of types, bounds, C, MW, PI, Border, the
objective), never with the LP.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

import numpy as np
import sympy as sp

from . import lp as _lp
from .budget import bounded
from .errors import InfeasibleProblem, InvalidDistribution, InvalidParameter
from .refinement import Refinement, refine

__all__ = ["optimal_mechanism", "optimal_bargaining", "verify_mechanism", "MechanismSolution",
           "MechanismStructure", "VerificationReport", "refine", "Refinement", "mechanism_grid"]

#: smallest grid accepted (a refinement needs at least a few cells per feature)
MIN_GRID = 8
#: largest grid accepted (memory of the verifier and of the LP)
MAX_GRID = 2_000_000
#: threshold above which the one-sided reduced LP is solved coarse-to-fine
DIRECT_MAX = 600
#: the ex post (shares) bargaining formulation has n**2 variables
EXPOST_MAX = 120

_GL_NODES, _GL_WEIGHTS = np.polynomial.legendre.leggauss(10)


# ====================================================================== numerics of expressions
@lru_cache(maxsize=256)
def _mp_fn(expr: sp.Expr, var: sp.Symbol):
    from .numeric import mp_callable
    return mp_callable(expr, var)


@lru_cache(maxsize=256)
def _np_fn(args: Tuple[sp.Symbol, ...], expr: sp.Expr):
    return sp.lambdify(args, expr, modules=["scipy", "numpy"])


def _mp_values(expr: sp.Expr, var: sp.Symbol, xs: np.ndarray) -> np.ndarray:
    """Point-by-point mpmath evaluation (slow path: limits, unevaluated integrals)."""
    import mpmath
    f = _mp_fn(expr, var)
    out = np.empty(xs.size)
    with mpmath.workdps(20):
        for k, x in enumerate(xs):
            try:
                out[k] = float(mpmath.re(f(mpmath.mpf(float(x)))))
            except (ValueError, ZeroDivisionError, TypeError, OverflowError):
                out[k] = math.nan
    return out


def _cumulative_integral(integrand: sp.Expr, s: sp.Symbol, a: float, xs: np.ndarray) -> np.ndarray:
    """``integral_a^x g(s) ds`` at sorted points by composite Gauss-Legendre between them."""
    order = np.argsort(xs)
    pts = np.concatenate(([a], xs[order]))
    lo, hi = pts[:-1], pts[1:]
    half = 0.5 * (hi - lo)
    nodes = (0.5 * (hi + lo))[:, None] + half[:, None] * _GL_NODES[None, :]
    g = _values(integrand, s, nodes.ravel(), "integrand").reshape(nodes.shape)
    pieces = half * (g @ _GL_WEIGHTS)
    out = np.empty_like(xs, dtype=float)
    out[order] = np.cumsum(pieces)
    return out


def _values(expr: Any, var: sp.Symbol, xs: np.ndarray, what: str) -> np.ndarray:
    """Float values of ``expr(var)`` at ``xs`` (vectorised; integrals by quadrature).

    Unevaluated ``Integral(g(s), (s, a, var))`` nodes are integrated numerically along the
    sorted points; anything numpy cannot evaluate falls back to mpmath at those points.
    """
    xs = np.asarray(xs, dtype=float)
    expr = sp.sympify(expr)
    free = expr.free_symbols - {var}
    if free:
        names = ", ".join(sorted(str(s) for s in free))
        raise InvalidParameter(f"{what} must be numeric apart from {var}: free symbols {names}; "
                               f"substitute numbers first (e.g. d.subs(...))")
    every = expr.atoms(sp.Integral)
    integrals = sorted((i for i in every if not any(j != i and j.has(i) for j in every)), key=sp.default_sort_key)
    if integrals:
        dummies = [sp.Dummy(f"I{k}") for k in range(len(integrals))]
        vals = []
        for itg in integrals:
            lims = itg.limits
            ok = len(lims) == 1 and len(lims[0]) == 3
            if ok:
                s, a, b = lims[0]
                ok = (b == var and not a.has(var) and not itg.function.has(var) and a.is_number)
            if ok:
                vals.append(_cumulative_integral(itg.function, s, float(a), xs))
            else:
                vals.append(_mp_values(itg, var, xs))
        outer = expr.xreplace(dict(zip(integrals, dummies)))
        f = _np_fn((var, *dummies), outer)
        try:
            with np.errstate(all="ignore"):
                out = np.asarray(f(xs, *vals), dtype=float)
            out = np.broadcast_to(out, xs.shape).astype(float)
        except Exception:  # noqa: BLE001 - any numpy failure: slow but exact path
            out = _mp_values(expr, var, xs)
    else:
        try:
            f = _np_fn((var,), expr)
            with np.errstate(all="ignore"):
                out = np.asarray(f(xs), dtype=float)
            out = np.broadcast_to(out, xs.shape).astype(float)
        except Exception:  # noqa: BLE001
            out = _mp_values(expr, var, xs)
    bad = ~np.isfinite(out)
    if bad.any():  # removable singularities (0*log 0, ...) at some points
        out[bad] = _mp_values(expr, var, xs[bad])
    if xs.size:
        # spot check against mpmath: numpy/scipy printers can map special functions wrongly
        probe = np.unique([0, xs.size // 2, xs.size - 1])
        ref = _mp_values(expr, var, xs[probe])
        ok = np.isfinite(ref)
        if np.any(np.abs(out[probe][ok] - ref[ok]) > 1e-8 * (1 + np.abs(ref[ok]))):
            out = _mp_values(expr, var, xs)
    return out


# ====================================================================== grids
def _numeric_support(d: Any) -> Tuple[float, float]:
    for attr in ("cdf", "pdf", "support", "var"):
        if not hasattr(d, attr):
            raise InvalidParameter(f"expected a symmech Distribution, got {type(d).__name__}")
    params = tuple(getattr(d, "params", ()) or ())
    free = (sp.sympify(d.cdf).free_symbols | sp.sympify(d.pdf).free_symbols) - {d.var}
    lo, hi = (sp.sympify(b) for b in d.support)
    free |= lo.free_symbols | hi.free_symbols
    if params or free:
        names = ", ".join(sorted(str(s) for s in (set(params) | free)))
        raise InvalidParameter(f"mechanism LPs need numeric parameters: {names} still symbolic; "
                               f"substitute numbers first, e.g. d.subs({names.split(', ')[0]}=2)")
    if not (lo.is_finite and hi.is_finite):
        raise InvalidParameter(f"mechanism LPs need a bounded support, got [{lo}, {hi}]: truncate the "
                               f"distribution (e.g. sm.families.TruncatedExponential)")
    flo, fhi = float(lo), float(hi)
    if flo < 0:
        raise InvalidParameter(f"mechanism LPs need nonnegative values, got support [{lo}, {hi}]")
    return flo, fhi


def _grid_arrays(d: Any, n: int) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
    try:
        return _grid_cached(d, n)
    except TypeError:  # an unhashable duck-typed distribution
        return _grid_uncached(d, n)


@lru_cache(maxsize=64)
def _grid_cached(d: Any, n: int):
    return _grid_uncached(d, n)


def _grid_uncached(d: Any, n: int) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
    lo, hi = _numeric_support(d)
    edges = np.linspace(lo, hi, n + 1)
    F = _values(d.cdf, d.var, edges, "the CDF")
    total = F[-1] - F[0]
    if not (abs(total - 1.0) < 1e-6):
        raise InvalidDistribution(f"the CDF rises by {total:.10g} over the support, not 1")
    p = np.maximum(np.diff(F), 0.0)
    p = p / p.sum()
    types = 0.5 * (edges[:-1] + edges[1:])
    for a in (edges, types, p):
        a.setflags(write=False)
    return edges, types, p


def mechanism_grid(d: Any, n: int) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The discretisation used by the LPs: ``(edges, types, masses)`` for ``n`` cells.

    Equal-width cells of the support, types at the midpoints, exact cell masses from ``F``.

    Examples
    --------
    >>> import symmech as sm
    >>> e, v, p = mechanism_grid(sm.Distribution.from_cdf("v**2", support=(0, 1)), 4)
    >>> v.tolist(), p.tolist()
    ([0.125, 0.375, 0.625, 0.875], [0.0625, 0.1875, 0.3125, 0.4375])
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or not 1 <= n <= MAX_GRID:
        raise InvalidParameter(f"n must be an integer in [1, {MAX_GRID}], got n = {n!r}")
    return _grid_arrays(d, int(n))


# ====================================================================== argument checks
def _number(x: Any, what: str) -> float:
    if isinstance(x, bool):
        raise InvalidParameter(f"{what} must be a number, got {x!r}")
    if isinstance(x, str):
        from .errors import ParseError
        from .parsing import parse_number
        try:
            x = parse_number(x)
        except ParseError:
            raise InvalidParameter(f"{what} must be a real number, got {what} = {x!r}") from None
    try:
        val = float(sp.sympify(x)) if not isinstance(x, (int, float)) else float(x)
    except (TypeError, ValueError, sp.SympifyError):
        raise InvalidParameter(f"{what} must be a real number, got {x!r}") from None
    if not math.isfinite(val):
        raise InvalidParameter(f"{what} must be finite, got {what} = {x!r}")
    return val


def _check_grid(n: Any) -> int:
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)):
        raise InvalidParameter(f"grid must be an integer number of types, got grid = {n!r}")
    if not MIN_GRID <= int(n) <= MAX_GRID:
        raise InvalidParameter(f"grid must lie in [{MIN_GRID}, {MAX_GRID}], got grid = {n}")
    return int(n)


def _check_alpha(alpha: Any) -> float:
    a = _number(alpha, "alpha")
    if not 0 <= a <= 1:
        raise InvalidParameter(f"alpha must lie in [0, 1], got alpha = {alpha}")
    return a


def _check_capacity(Q: Any) -> Optional[float]:
    if Q is None:
        return None
    q = _number(Q, "capacity")
    if not 0 < q <= 1:
        raise InvalidParameter(f"capacity Q must lie in (0, 1], got capacity = {Q}")
    return None if q == 1 else q


# ====================================================================== status quos
@dataclass(frozen=True)
class _StatusQuo:
    name: str
    payoff: Callable[[np.ndarray], np.ndarray]
    allocation: Optional[Callable[[np.ndarray], np.ndarray]]
    notes: Tuple[str, ...] = ()


def _expr_fn(expr: Any, var: sp.Symbol, what: str) -> Callable[[np.ndarray], np.ndarray]:
    expr = sp.sympify(expr)
    return lambda xs: _values(expr, var, xs, what)


def _renamed(expr: Any, obj: Any, var: sp.Symbol) -> sp.Expr:
    expr = sp.sympify(expr)
    ov = getattr(obj, "var", None)
    if ov is not None and ov != var:
        return expr.xreplace({ov: var})
    # a plain Symbol('v') (other assumptions) means the value symbol
    same = [s for s in expr.free_symbols if s.name == var.name and s != var]
    return expr.xreplace({s: var for s in same}) if same else expr


def _war_of_attrition(d: Any) -> _StatusQuo:
    try:
        return _war_of_attrition_cached(d)
    except TypeError:  # unhashable duck-typed distribution
        return _war_of_attrition_uncached(d)


@lru_cache(maxsize=32)
def _war_of_attrition_cached(d: Any) -> _StatusQuo:
    return _war_of_attrition_uncached(d)


def _war_of_attrition_uncached(d: Any) -> _StatusQuo:
    lo, _ = _numeric_support(d)
    var = d.var
    s = sp.Dummy("s", real=True)

    def direct(xs):  # the definition U0(v) = integral_lo^v F (THEORY section 5)
        return _cumulative_integral(sp.sympify(d.cdf).xreplace({var: s}), s, lo, np.asarray(xs, float))
    alloc = _expr_fn(d.cdf, var, "x0")
    name = "war of attrition (2 players)"
    notes: List[str] = []
    try:
        from .equilibria import war_of_attrition
    except ImportError:  # pragma: no cover - module being written in parallel
        war_of_attrition = None
    if war_of_attrition is not None:
        eq, ok = bounded(war_of_attrition, d, 2, seconds=20)
        if ok and eq is not None and hasattr(eq, "payoff"):
            theirs = _expr_fn(_renamed(eq.payoff, eq, var), var, "U0")
            probe = np.linspace(*_numeric_support(d), 7)
            try:
                diff = float(np.max(np.abs(theirs(probe) - direct(probe))))
            except Exception:  # noqa: BLE001 - any evaluation failure: use the definition
                diff = math.inf
            if diff <= 1e-9:
                return _StatusQuo(getattr(eq, "name", name) or name, theirs, alloc,
                                  ("U0 from symmech.equilibria.war_of_attrition",))
            notes.append(f"symmech.equilibria.war_of_attrition payoff differs from integral_lo^v F by "
                         f"{diff:.3g}; used the definition U0 = integral_lo^v F")
        else:
            notes.append("symmech.equilibria.war_of_attrition unavailable in budget; U0 = integral_lo^v F")
    return _StatusQuo(name, direct, alloc, tuple(notes))


def _status_quo(sq: Any, d: Any) -> Optional[_StatusQuo]:
    var = d.var
    if sq is None:
        return None
    if isinstance(sq, str):
        key = sq.strip().lower().replace("-", "_").replace(" ", "_")
        if key in ("war_of_attrition", "woa"):
            return _war_of_attrition(d)
        if key in ("equal_split", "split", "50_50"):
            return _StatusQuo("equal split 1/2", lambda xs: 0.5 * np.asarray(xs, float),
                              lambda xs: np.full(np.shape(xs), 0.5))
        from .parsing import parse
        expr = parse(sq, {var.name: var})
        return _StatusQuo(f"U0 = {expr}", _expr_fn(expr, var, "U0"), None)
    if hasattr(sq, "payoff") and hasattr(sq, "allocation"):
        U0 = _renamed(sq.payoff, sq, var)
        x0 = _renamed(sq.allocation, sq, var)
        name = getattr(sq, "name", None) or f"U0 = {U0}"
        return _StatusQuo(str(name), _expr_fn(U0, var, "U0"), _expr_fn(x0, var, "x0"))
    if isinstance(sq, (tuple, list)):
        if len(sq) != 2:
            raise InvalidParameter(f"a status quo tuple must be (x0, t0), got {len(sq)} entries")
        parts = []
        for part in sq:
            if isinstance(part, str):
                from .parsing import parse
                part = parse(part, {var.name: var})
            parts.append(_renamed(part, None, var))
        x0, t0 = parts
        return _StatusQuo(f"x0 = {x0}, t0 = {t0}", _expr_fn(var * x0 - t0, var, "U0"), _expr_fn(x0, var, "x0"))
    if isinstance(sq, (sp.Basic, int, float)) and not isinstance(sq, bool):
        expr = _renamed(sq, None, var)
        return _StatusQuo(f"U0 = {expr}", _expr_fn(expr, var, "U0"), None)
    if callable(sq):
        def payoff(xs, f=sq):
            xs = np.asarray(xs, float)
            try:
                out = np.asarray(f(xs), dtype=float)
                if out.shape == xs.shape:
                    return out
            except Exception:  # noqa: BLE001 - not vectorised: call point by point
                pass
            return np.array([float(f(float(x))) for x in xs])
        return _StatusQuo(getattr(sq, "__name__", "U0 (callable)"), payoff, None)
    raise InvalidParameter(f"unsupported status quo {sq!r}: give None, a mechanism or equilibrium, an "
                           f"expression or string for U0, a tuple (x0, t0), or a callable v -> U0")


def _sq_arrays(sq: Optional[_StatusQuo], v: np.ndarray):
    if sq is None:
        return None, None
    U0 = np.asarray(sq.payoff(v), dtype=float)
    if U0.shape != v.shape or not np.all(np.isfinite(U0)):
        bad = v[~np.isfinite(U0)][:1] if U0.shape == v.shape else v[:1]
        raise InvalidParameter(f"status quo payoff U0 is not finite at v = {bad[0]:.6g}")
    x0 = None
    if sq.allocation is not None:
        x0 = np.asarray(sq.allocation(v), dtype=float)
        if x0.shape != v.shape or not np.all(np.isfinite(x0)):
            x0 = None
    return U0, x0


# ====================================================================== results
def _ro(a: Optional[np.ndarray]) -> Optional[np.ndarray]:
    if a is None:
        return None
    a = np.array(a, dtype=float)
    a.setflags(write=False)
    return a


def _runs(mask: np.ndarray) -> List[Tuple[int, int]]:
    """Maximal runs ``[a, b]`` (inclusive indices) where ``mask`` is True."""
    if not mask.any():
        return []
    m = np.concatenate(([False], mask, [False])).astype(np.int8)
    d = np.diff(m)
    starts = np.flatnonzero(d == 1)
    ends = np.flatnonzero(d == -1) - 1
    return list(zip(starts.tolist(), ends.tolist()))


def _fmt_intervals(iv: Sequence[Tuple[float, ...]]) -> str:
    if not iv:
        return "none"
    return ", ".join(f"[{a:.4g}, {b:.4g}]" for a, b, *_ in iv)


@dataclass(frozen=True)
class MechanismStructure:
    """What an LP solution looks like, with grid-aware tolerances.

    Intervals are unions of whole cells, given by cell edges ``(lo, hi)``.

    Attributes
    ----------
    pooling_intervals : list of (lo, hi, level)
        Maximal runs of at least two cells with the same allocation ``level > 0``.
    free_mass : float
        Mass of types with ``x > 0`` that pay nothing (price ``t/x`` at most
        ``tolerances['price']``, two cell widths: a zero continuum price appears on a grid
        as one cell width).
    free_goods : float
        ``sum p x`` over those types (goods allocated at price 0).
    certain_set, excluded_set, pi_binding_set : list of (lo, hi)
        Where ``x = 1``, ``x = 0``, ``U = U0 > 0`` (up to ``tolerances['payoff']``).
    prices : list of (lo, level, price)
        Each step of the allocation: from cell edge ``lo`` on, ``x = level`` at unit price
        ``t / x = price``.
    tolerances : dict
        ``x``, ``price`` and ``payoff`` tolerances used.
    """

    n: int
    width: float
    pooling_intervals: Tuple[Tuple[float, float, float], ...]
    free_mass: float
    free_goods: float
    certain_set: Tuple[Tuple[float, float], ...]
    excluded_set: Tuple[Tuple[float, float], ...]
    pi_binding_set: Tuple[Tuple[float, float], ...]
    tolerances: Dict[str, float]
    prices: Tuple[Tuple[float, float, float], ...] = ()
    description: str = ""

    def to_dict(self) -> dict:
        return {"n": self.n, "width": self.width,
                "pooling_intervals": [list(t) for t in self.pooling_intervals],
                "free_mass": self.free_mass, "free_goods": self.free_goods,
                "certain_set": [list(t) for t in self.certain_set],
                "excluded_set": [list(t) for t in self.excluded_set],
                "pi_binding_set": [list(t) for t in self.pi_binding_set],
                "prices": [list(t) for t in self.prices],
                "tolerances": dict(self.tolerances)}

    def __str__(self) -> str:
        lines = [self.description or f"mechanism on {self.n} types"]
        lines.append(f"  excluded (x = 0): {_fmt_intervals(self.excluded_set)}")
        if self.pooling_intervals:
            lines.append("  pooled: " + "; ".join(
                f"[{a:.4g}, {b:.4g}] at x = {lv:.4g}" for a, b, lv in self.pooling_intervals))
        else:
            lines.append("  pooled: none (x strictly increasing)")
        lines.append(f"  certain (x = 1): {_fmt_intervals(self.certain_set)}")
        lines.append(f"  free (t = 0, x > 0): mass {self.free_mass:.4g} of types, {self.free_goods:.4g} of goods")
        lines.append(f"  PI binds on: {_fmt_intervals(self.pi_binding_set)}")
        return "\n".join(lines)


@dataclass(frozen=True, eq=False)
class MechanismSolution:
    """Optimal mechanism of a discretised problem (one-sided or bargaining).

    Attributes
    ----------
    problem : str
        ``"one-sided"`` or ``"bargaining"``.
    grid, edges, masses : ndarray
        Types (cell midpoints), cell edges, cell masses.
    x, t, U : ndarray
        Allocation (share of the pie in bargaining), payment (money burnt) and payoff
        ``U = v x - t``.
    objective : float
        ``sum p [(1 - 2 alpha) U + alpha v x]``; for bargaining the ex ante payoff per player.
    capacity_dual, mw_dual, pi_dual, border_dual
        Multipliers (shadow values >= 0) of C, MW, PI (per type) and the Border rows; None
        where the constraint is absent. One optimal dual solution: unique only without
        degeneracy.
    status, method : str
        Solver status (``"optimal"``) and route (``"full"``, ``"reduced"``,
        ``"coarse_to_fine/row_generation"``, ``"border"``, ``"ex_post"``).
    alpha, capacity, make_whole, status_quo
        The setting; ``status_quo`` is a description, ``U0``/``x0`` its values at the types.
    certificate : dict
        Weak-duality certificate (primal and dual objective, gap, largest reduced cost and
        primal violation) when the route produces one.
    """

    problem: str
    distribution: Any
    grid: np.ndarray
    edges: np.ndarray
    masses: np.ndarray
    x: np.ndarray
    t: np.ndarray
    U: np.ndarray
    objective: float
    status: str
    method: str
    alpha: float
    capacity: Optional[float]
    make_whole: bool
    status_quo: Optional[str]
    U0: Optional[np.ndarray]
    x0: Optional[np.ndarray]
    capacity_dual: Optional[float] = None
    mw_dual: Optional[np.ndarray] = None
    pi_dual: Optional[np.ndarray] = None
    border_dual: Optional[np.ndarray] = None
    certificate: Dict[str, float] = field(default_factory=dict)
    notes: Tuple[str, ...] = ()

    @property
    def n(self) -> int:
        return int(self.grid.size)

    @property
    def width(self) -> float:
        """Largest cell width (the O(1/n) scale of discretisation effects)."""
        return float(np.max(np.diff(self.edges)))

    @property
    def status_quo_value(self) -> Optional[float]:
        """The status quo's value of the objective on the same grid (None if not computable)."""
        if self.U0 is None:
            return None
        if self.problem == "bargaining" or self.alpha == 0:
            return float(self.masses @ self.U0)
        if self.x0 is None:
            return None
        a = self.alpha
        return float(self.masses @ ((1 - 2 * a) * self.U0 + a * self.grid * self.x0))

    @property
    def gain(self) -> Optional[float]:
        """``objective - status_quo_value`` (>= 0 up to rounding: the status quo's payoffs are feasible for PI)."""
        sq = self.status_quo_value
        return None if sq is None else float(self.objective - sq)

    def structure(self, price_cells: float = 2.0) -> MechanismStructure:
        """Summarise the mechanism: pooling, free goods, certain/excluded sets, where PI binds.

        ``price_cells``: a price ``t/x`` up to this many cell widths counts as 0.
        """
        v, p, x, t, U = self.grid, self.masses, self.x, self.t, self.U
        e = self.edges
        h = self.width
        scale = max(1.0, float(np.max(np.abs(e))))
        tol_x = 1e-7
        tol_price = price_cells * h + 1e-9 * scale
        tol_U = scale * max(1e-8, 0.25 * h * h)
        pos = x > tol_x
        price = np.where(pos, t / np.where(pos, x, 1.0), 0.0)
        free = pos & (price <= tol_price)
        certain = x >= 1 - tol_x
        excluded = ~pos
        same = np.concatenate(([False], np.abs(np.diff(x)) <= tol_x))
        pools = []
        run_start = None
        for i in range(1, x.size + 1):
            inside = i < x.size and same[i]
            if inside and run_start is None:
                run_start = i - 1
            if not inside and run_start is not None:
                a, b = run_start, i - 1
                level = float(np.mean(x[a:b + 1]))
                if level > tol_x:
                    pools.append((float(e[a]), float(e[b + 1]), level))
                run_start = None
        binding: Tuple[Tuple[float, float], ...] = ()
        if self.U0 is not None:
            # where the status quo promises something (U0 > 0): elsewhere it is participation, not PI
            mask = ((U - self.U0) <= tol_U) & (self.U0 > tol_U)
            binding = tuple((float(e[a]), float(e[b + 1])) for a, b in _runs(mask))
        steps = []
        for a, b in _runs(pos):
            for i in range(a, b + 1):
                if i == a or abs(x[i] - x[i - 1]) > tol_x:
                    steps.append((float(e[i]), float(x[i]), float(price[i])))
        desc = (f"{self.problem} mechanism on {self.n} types (cell width {h:.3g}), objective "
                f"{self.objective:.8g}" + ("" if self.status_quo is None else f", status quo: {self.status_quo}"))
        return MechanismStructure(
            self.n, h, tuple(pools), float(p[free].sum()), float(p[free] @ x[free]),
            tuple((float(e[a]), float(e[b + 1])) for a, b in _runs(certain)),
            tuple((float(e[a]), float(e[b + 1])) for a, b in _runs(excluded)),
            binding, {"x": tol_x, "price": tol_price, "payoff": tol_U}, tuple(steps[:50]), desc)

    def to_dict(self, arrays: bool = True) -> dict:
        out = {"problem": self.problem, "n": self.n, "objective": self.objective, "status": self.status,
               "method": self.method, "alpha": self.alpha, "capacity": self.capacity,
               "make_whole": self.make_whole, "status_quo": self.status_quo,
               "status_quo_value": self.status_quo_value, "gain": self.gain,
               "capacity_dual": self.capacity_dual,
               "certificate": dict(self.certificate), "notes": list(self.notes),
               "structure": self.structure().to_dict()}
        if arrays:
            for name in ("grid", "edges", "masses", "x", "t", "U", "U0", "x0", "mw_dual", "pi_dual", "border_dual"):
                a = getattr(self, name)
                out[name] = None if a is None else [float(z) for z in a]
        return out

    def __str__(self) -> str:
        head = (f"MechanismSolution({self.problem}, n={self.n}, alpha={self.alpha:g}, "
                f"Q={self.capacity if self.capacity is not None else 'none'}, "
                f"{'make-whole allowed' if self.make_whole else 't >= 0'}): objective {self.objective:.10g} "
                f"[{self.status}, {self.method}]")
        if self.status_quo_value is not None:
            head += f"\n  status quo value {self.status_quo_value:.10g}, gain {self.gain:.4g}"
        return head + "\n" + str(self.structure())

    def __repr__(self) -> str:
        return (f"MechanismSolution(problem={self.problem!r}, n={self.n}, objective={self.objective!r}, "
                f"status={self.status!r}, method={self.method!r})")


# ====================================================================== infeasibility diagnosis
def _diagnose_one_sided(v, p, L, U0, x0, Q, mw, sq_name) -> str:
    if mw and U0 is not None:
        over = np.flatnonzero(U0 > v + 1e-12 * max(1.0, float(v[-1])))
        if over.size:
            i = over[0]
            return (f"PI cannot hold with t >= 0 (MW): the status quo gives U0 = {U0[i]:.6g} > v = {v[i]:.6g} "
                    f"at v = {v[i]:.6g}, more than the whole good is worth")
    if Q is not None:
        # least capacity any mechanism satisfying IC, MW and PI needs (alpha and Q irrelevant)
        if mw:
            c, ub, eq, bounds, rows, ncol = _lp.build_reduced(v, p, L, 0.0, None)
        else:
            c, ub, eq, bounds, rows = _lp.build_full(v, p, L, 0.0, None, mw=False)
            ncol = 2 * v.size
        c = np.zeros(ncol)
        c[:v.size] = p
        res = _lp._run(c, ub, eq, bounds, ncol)
        if res.status == 0 and res.fun > Q + 1e-9:
            msg = (f"capacity (C) cannot hold together with PI over {sq_name}: every Pareto improvement "
                   f"needs integral x dF >= {res.fun:.6g} on this grid > Q = {Q:g}")
            if x0 is not None:
                msg += f" (the status quo allocates integral x0 dF = {float(p @ x0):.6g})"
            return msg
        if res.status == 2:
            return f"PI over {sq_name} cannot hold with IC{' and t >= 0 (MW)' if mw else ''} even without capacity"
    return "the discretised LP is infeasible (HiGHS)"


# ====================================================================== one-sided problem
def optimal_mechanism(d: Any, alpha: Any = 0, capacity: Any = None, status_quo: Any = None,
                      make_whole: bool = False, grid: int = 200, *, method: str = "auto") -> MechanismSolution:
    """Optimal (Pareto-improving) mechanism of the one-sided problem on a grid of types.

    Maximises ``(1 - alpha) CS + alpha Rev = sum p [(1 - 2 alpha) U + alpha v x]`` subject to
    IC, ``0 <= x <= 1``, participation ``U >= 0``, capacity ``sum p x <= Q`` (C), no
    make-whole payments ``t >= 0`` (MW, unless ``make_whole=True``) and ``U >= U0`` at every
    type (PI) when a status quo is given.

    Parameters
    ----------
    d : Distribution
        Numeric parameters, bounded support with ``lo >= 0``.
    alpha : number in [0, 1]
        Weight on revenue.
    capacity : number in (0, 1] or None
        ``Q``; None (or 1) means no capacity constraint.
    status_quo : None, mechanism, equilibrium, expression, str, (x0, t0) or callable
        ``"war_of_attrition"``, ``"equal_split"``, an object with ``.payoff`` and
        ``.allocation`` (``sm.posted_price(d, quantity=0.2)``), a SymPy expression or string
        for ``U0(v)``, a tuple of expressions ``(x0, t0)``, or a callable ``v -> U0``.
    make_whole : bool
        Whether negative payments (make-whole transfers) are allowed.
    grid : int
        Number of types ``n``.
    method : str
        ``"auto"`` (default), ``"full"`` (the direct route, THEORY section 4 as written),
        ``"reduced"`` (payoffs eliminated; needs ``alpha <= 1/2`` and MW) or
        ``"coarse_to_fine"`` (reduced model, coarse solve seeding PI row generation).

    Returns
    -------
    MechanismSolution

    Raises
    ------
    InvalidParameter
        Bad arguments or a distribution the LP cannot take.
    InfeasibleProblem
        No mechanism satisfies the constraints (the message names the one that fails), or
        the objective is unbounded.

    Examples
    --------
    Myerson (alpha = 1, uniform): a posted price at the reserve 1/2; the grid's revenue is
    ``1/4 + h/4`` (the marginal type sits at the cell midpoint 0.505).

    >>> import symmech as sm
    >>> s = sm.optimal_mechanism(sm.Distribution.from_cdf("v", support=(0, 1)), alpha=1, grid=100)
    >>> round(s.objective, 6), s.structure().certain_set
    (0.2525, ((0.5, 1.0),))
    """
    a = _check_alpha(alpha)
    Q = _check_capacity(capacity)
    n = _check_grid(grid)
    if not isinstance(make_whole, (bool, np.bool_)):
        raise InvalidParameter(f"make_whole must be True or False, got {make_whole!r}")
    mw = not bool(make_whole)
    if method not in ("auto", "full", "reduced", "coarse_to_fine"):
        raise InvalidParameter(f"method must be 'auto', 'full', 'reduced' or 'coarse_to_fine', got {method!r}")
    if not mw and a < 0.5:
        raise InfeasibleProblem(f"unbounded: with alpha = {a:g} < 1/2 and make-whole payments allowed, a lump-sum "
                                f"transfer to every type raises the objective without limit (use make_whole=False)")
    edges, v, p = _grid_arrays(d, n)
    sq = _status_quo(status_quo, d)
    U0, x0 = _sq_arrays(sq, v)
    L = np.zeros(n) if U0 is None else np.maximum(U0, 0.0)
    notes: List[str] = list(sq.notes) if sq else []
    reduced_ok = mw and a <= 0.5
    if method == "auto":
        method = ("coarse_to_fine" if n > DIRECT_MAX else "reduced") if reduced_ok else "full"
    if method in ("reduced", "coarse_to_fine") and not reduced_ok:
        raise InvalidParameter(f"method {method!r} needs alpha <= 1/2 and t >= 0 (make_whole=False)")
    if method == "full":
        res = _lp.solve_full(v, p, L, a, Q, mw, U0)
    elif method == "reduced":
        res = _lp.solve_reduced(v, p, L, a, Q, U0)
    else:
        sizes = [n]
        while sizes[-1] > DIRECT_MAX:
            sizes.append(max(MIN_GRID, sizes[-1] // 8))
        if len(sizes) == 1:
            sizes.append(max(MIN_GRID, n // 8))
        levels = []
        for m in sizes[::-1]:
            _, vm, pm = _grid_arrays(d, m) if m != n else (edges, v, p)
            U0m = U0 if m == n else _sq_arrays(sq, vm)[0]
            Lm = np.zeros(m) if U0m is None else np.maximum(U0m, 0.0)
            levels.append((vm, pm, Lm, U0m))
        res = _lp.solve_reduced_levels(levels, a, Q, direct_max=min(DIRECT_MAX, n - 1))
    if res.status == "unbounded":
        raise InfeasibleProblem("unbounded: the objective can grow without limit (HiGHS)")
    if res.status != "optimal":
        if res.status == "infeasible":
            raise InfeasibleProblem(_diagnose_one_sided(v, p, L, U0, x0, Q, mw, sq.name if sq else "nothing"))
        raise InfeasibleProblem(f"the LP solver failed: {res.message}")
    x, U = res.x, res.U
    t = v * x - U
    notes.extend(res.notes)
    return MechanismSolution("one-sided", d, _ro(v), _ro(edges), _ro(p), _ro(x), _ro(t), _ro(U),
                             float(p @ ((1 - 2 * a) * U + a * v * x)), "optimal", res.method, a, Q,
                             not mw, None if sq is None else sq.name, _ro(U0), _ro(x0),
                             res.capacity_dual, _ro(res.mw_dual), _ro(res.pi_dual), None,
                             dict(res.certificate), tuple(notes))


# ====================================================================== bargaining
def optimal_bargaining(d: Any, status_quo: Any = "war_of_attrition", grid: int = 200,
                       formulation: str = "border") -> MechanismSolution:
    """Optimal symmetric bargaining mechanism (two players, iid values) on a grid of types.

    Ex post feasible (shares sum to at most 1), delay is money burnt (``t >= 0``), objective
    the ex ante payoff per player ``sum p U``, Pareto improvement ``U >= U0`` over the status
    quo. ``formulation="border"`` imposes interim feasibility by Border's inequalities
    ``2 sum_{i>=k} p_i x_i <= 1 - P(v < v_k)**2``; ``"ex_post"`` uses shares ``q_ij`` with
    ``q_ij + q_ji <= 1`` (n**2 variables, a cross-check for small grids).

    Parameters
    ----------
    d : Distribution
    status_quo : str, mechanism, expression, (x0, t0), callable or None
        Default ``"war_of_attrition"`` (``U0 = integral_lo^v F``, ``x0 = F``); also
        ``"equal_split"`` (``U0 = v/2``).
    grid : int
    formulation : {"border", "ex_post"}

    Returns
    -------
    MechanismSolution
        ``problem == "bargaining"``; ``objective`` and ``status_quo_value`` are ex ante
        payoffs per player on the grid, ``gain`` their difference.

    Examples
    --------
    Uniform values: the optimum is the 50-50 split, ex ante payoff E[v]/2 = 1/4 per player.

    >>> import symmech as sm
    >>> s = sm.optimal_bargaining(sm.Distribution.from_cdf("v", support=(0, 1)), grid=50)
    >>> round(s.objective, 6), round(s.status_quo_value, 3)
    (0.25, 0.167)
    """
    n = _check_grid(grid)
    if formulation not in ("border", "ex_post"):
        raise InvalidParameter(f"formulation must be 'border' or 'ex_post', got {formulation!r}")
    if formulation == "ex_post" and n > EXPOST_MAX:
        raise InvalidParameter(f"the ex_post formulation has n**2 variables: use grid <= {EXPOST_MAX}, got grid = {n}")
    edges, v, p = _grid_arrays(d, n)
    sq = _status_quo(status_quo, d)
    U0, x0 = _sq_arrays(sq, v)
    L = np.zeros(n) if U0 is None else np.maximum(U0, 0.0)
    if formulation == "border":
        res = _lp.solve_reduced(v, p, L, 0.0, None, U0, border=True)
        method = "border"
    else:
        res = _lp.solve_expost(v, p, L, U0)
        method = "ex_post"
    if res.status != "optimal":
        name = sq.name if sq else "nothing"
        if res.status == "infeasible":
            over = np.flatnonzero(L > v * (1 - p / 2) + 1e-12)
            extra = (f": U0 = {U0[over[0]]:.6g} at v = {v[over[0]]:.6g} exceeds what a feasible share can give"
                     if over.size else "")
            raise InfeasibleProblem(f"PI over {name} cannot hold with ex post feasibility (Border) and t >= 0{extra}")
        raise InfeasibleProblem(f"the LP solver failed: {res.message}")
    x, U = res.x, res.U
    t = v * x - U
    notes = list(sq.notes) if sq else []
    notes.extend(res.notes)
    return MechanismSolution("bargaining", d, _ro(v), _ro(edges), _ro(p), _ro(x), _ro(t), _ro(U),
                             float(p @ U), "optimal", method, 0.0, None, False,
                             None if sq is None else sq.name, _ro(U0), _ro(x0), None,
                             _ro(res.mw_dual), _ro(res.pi_dual), _ro(res.border_dual),
                             dict(res.certificate), tuple(notes))


# ====================================================================== verifier
@dataclass(frozen=True)
class VerificationReport:
    """Worst violation of each constraint, recomputed from ``(x, t)`` alone.

    Attributes
    ----------
    ic : float
        ``max_{i,j} (v_i x_j - t_j) - (v_i x_i - t_i)`` over all pairs of types.
    ic_pair : (int, int) or None
        ``(i, j)`` attaining it.
    bounds, capacity, mw, pi, participation, border : float
        ``max(x - 1, -x)``, ``sum p x - Q``, ``-min t``, ``max(U0 - U)``, ``-min U``, and the
        worst Border inequality (bargaining); 0 where the constraint is absent or holds.
    consistency : float
        ``max |U - (v x - t)|`` against the stored payoffs.
    objective_error : float
        Recomputed objective minus the reported one (absolute).
    worst_violation : float
        The largest of all the above.
    tolerance : float
    """

    n: int
    ic: float
    ic_pair: Optional[Tuple[int, int]]
    bounds: float
    capacity: float
    mw: float
    pi: float
    participation: float
    border: float
    consistency: float
    objective_error: float
    objective: float
    worst_violation: float
    tolerance: float

    @property
    def passed(self) -> bool:
        return self.worst_violation <= self.tolerance

    def to_dict(self) -> dict:
        return {k: getattr(self, k) for k in ("n", "ic", "ic_pair", "bounds", "capacity", "mw", "pi",
                                              "participation", "border", "consistency", "objective_error",
                                              "objective", "worst_violation", "tolerance")} | {"passed": self.passed}

    def __str__(self) -> str:
        word = "passed" if self.passed else "FAILED"
        parts = ", ".join(f"{k} {getattr(self, k):.2g}" for k in ("ic", "bounds", "capacity", "mw", "pi",
                                                                    "participation", "border", "consistency",
                                                                    "objective_error"))
        return f"verification {word} (n={self.n}, tol {self.tolerance:g}): worst {self.worst_violation:.3g}; {parts}"


def _ic_all_pairs(v: np.ndarray, x: np.ndarray, t: np.ndarray, chunk_elems: int = 4_000_000):
    n = v.size
    own = v * x - t
    worst, pair = -math.inf, None
    rows = max(1, chunk_elems // max(n, 1))
    for a in range(0, n, rows):
        b = min(n, a + rows)
        dev = v[a:b, None] * x[None, :] - t[None, :]
        j = np.argmax(dev, axis=1)
        gain = dev[np.arange(b - a), j] - own[a:b]
        k = int(np.argmax(gain))
        if gain[k] > worst:
            worst, pair = float(gain[k]), (a + k, int(j[k]))
    return max(worst, 0.0), pair


def verify_mechanism(solution: Any, tol: float = 1e-9) -> VerificationReport:
    """Check a solution independently of the LP that produced it.

    Recomputes payoffs ``v x - t`` and checks IC against every other type's contract (all
    ``n**2`` pairs, in memory-bounded chunks), ``0 <= x <= 1``, capacity, ``t >= 0`` when
    make-whole payments are not allowed (always for bargaining), PI ``U >= U0``,
    participation, Border's inequalities for bargaining, consistency with the stored ``U``
    and the reported objective.

    Examples
    --------
    >>> import symmech as sm
    >>> s = sm.optimal_mechanism(sm.Distribution.from_cdf("v", support=(0, 1)), capacity=0.5, grid=40)
    >>> verify_mechanism(s).passed
    True
    """
    v = np.asarray(solution.grid, float)
    p = np.asarray(solution.masses, float)
    x = np.asarray(solution.x, float)
    t = np.asarray(solution.t, float)
    n = v.size
    Uc = v * x - t
    ic, pair = _ic_all_pairs(v, x, t)
    bounds = max(float(np.max(x - 1.0)), float(np.max(-x)), 0.0)
    Q = getattr(solution, "capacity", None)
    cap = max(float(p @ x) - Q, 0.0) if Q is not None else 0.0
    bargaining = getattr(solution, "problem", "one-sided") == "bargaining"
    mw_required = bargaining or not getattr(solution, "make_whole", False)
    mw = max(float(np.max(-t)), 0.0) if mw_required else 0.0
    U0 = getattr(solution, "U0", None)
    pi = max(float(np.max(np.asarray(U0, float) - Uc)), 0.0) if U0 is not None else 0.0
    part = max(float(np.max(-Uc)), 0.0)
    border = 0.0
    if bargaining:
        below = np.concatenate(([0.0], np.cumsum(p)[:-1]))
        lhs = 2.0 * np.cumsum((p * x)[::-1])[::-1]
        border = max(float(np.max(lhs - (1.0 - below ** 2))), 0.0)
    U = getattr(solution, "U", None)
    consistency = float(np.max(np.abs(np.asarray(U, float) - Uc))) if U is not None else 0.0
    a = 0.0 if bargaining else float(getattr(solution, "alpha", 0.0))
    obj = float(p @ ((1 - 2 * a) * Uc + a * v * x))
    reported = getattr(solution, "objective", None)
    err = abs(obj - float(reported)) if reported is not None else 0.0
    ic, bounds, cap, mw, pi, part, border = (z + 0.0 for z in (ic, bounds, cap, mw, pi, part, border))
    worst = max(ic, bounds, cap, mw, pi, part, border, consistency, err)
    return VerificationReport(n, ic, pair, bounds, cap, mw, pi, part, border, consistency, err, obj, worst,
                              float(tol))
