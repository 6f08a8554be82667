"""The Bulow puzzle: the immediate 50-50 split against the war of attrition.

Two players with values iid ``F`` on ``[lo, hi]`` (``lo >= 0``) bargain over a pie. The
status quo is the symmetric equilibrium of the war of attrition, whose interim payoff is
``U0(v) = integral_lo^v F`` (the higher type wins; Krishna, *Auction Theory*, sec. 3.2.3;
THEORY section 5). The immediate equal split gives ``v/2``. Kang & Skrzypacz (2025) ask
which Pareto-improving bargaining mechanism maximises ex ante surplus, and prove, for a
log-concave density: (i) if ``F`` is convex the split is optimal; (ii) if ``F`` is strictly
concave nothing strictly Pareto-dominates the war of attrition.

:func:`bulow_puzzle` answers the three questions for any distribution, symbolically where
an argument exists and otherwise from the bargaining LP of :mod:`symmech.optimize` solved
along a refinement (never from a single grid):

* the split Pareto-improves iff ``D(v) = v/2 - integral_lo^v F >= 0`` on the support.
  ``D'' = -f <= 0``, so ``D`` is concave and the condition reduces to its two endpoints,
  ``D(lo) = lo/2 >= 0`` and ``D(hi) = E[v] - hi/2 >= 0``; for ``F = v**k`` this is ``k >= 1``;
* if ``(1 - F)/f`` is nonincreasing (MHR) the split is the optimum of the problem without
  the Pareto constraint (Chebyshev's integral inequality: ``x`` nondecreasing against a
  nonincreasing weight), hence optimal whenever it is Pareto-improving;
* where no argument applies, the LP gain over the status quo is extrapolated to the
  continuum. The raw grid gain is an O(1/n) artefact where the true gain is zero
  (THEORY section 5), so only the extrapolated limit and its error decide.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Sequence, Tuple

import mpmath
import sympy as sp
from sympy.core.relational import Relational

from .budget import bounded
from .distribution import Distribution
from .errors import InvalidDistribution, InvalidParameter
from .verdict import Certificate, Verdict

__all__ = ["bulow_puzzle", "BulowVerdict", "Quantity", "LPRefinement", "judge_limit"]

#: default refinement of the bargaining LP (grid sizes n, 2n, 4n, 8n)
DEFAULT_GRIDS = (50, 100, 200, 400)
#: worst verifier violation accepted for an LP solution used as evidence
VIOLATION_TOL = 1e-7
_SYM_BUDGET = 4.0


# ====================================================================== value objects
@dataclass(frozen=True)
class Quantity:
    """A number about the continuum problem: exact, by quadrature, or an extrapolated limit.

    Attributes
    ----------
    value : sympy.Expr or float
        Exact SymPy value (``method == "exact"``) or a float.
    error : float
        Error estimate (0 for exact values; about 1e-25 for 30-digit quadrature).
    method : str
        ``"exact"``, ``"quadrature"`` or ``"extrapolated"`` (limit of a grid refinement).
    condition : sympy Boolean
        Parameter condition under which the value applies (``true`` if unconditional).
    sequence : tuple of (int, float)
        The grid values behind an extrapolated limit.
    note : str

    Examples
    --------
    >>> import sympy as sp
    >>> q = Quantity(sp.Rational(1, 3))
    >>> float(q), q.is_exact
    (0.3333333333333333, True)
    """

    value: Any
    error: float = 0.0
    method: str = "exact"
    condition: Any = sp.true
    sequence: Tuple[Tuple[int, float], ...] = ()
    note: str = ""

    @property
    def is_exact(self) -> bool:
        return self.method == "exact"

    def __float__(self) -> float:
        val = self.value
        if isinstance(val, sp.Basic):
            if val.free_symbols:
                raise TypeError(f"{val} depends on parameters; substitute values first")
            return float(sp.N(val, 20))
        return float(val)

    def to_dict(self) -> dict:
        out = {"value": str(self.value), "error": float(self.error), "method": self.method,
               "condition": str(self.condition), "note": self.note,
               "sequence": [[int(n), float(x)] for n, x in self.sequence]}
        if isinstance(self.value, sp.Basic) and not self.value.free_symbols:
            out["float"] = float(sp.N(self.value, 20))
        return out

    def latex(self) -> str:
        if isinstance(self.value, sp.Basic):
            body = sp.latex(self.value)
        else:
            body = f"{self.value:.6g} \\pm {self.error:.2g}"
        if self.condition not in (sp.true, True):
            body += r"\quad\text{if } " + sp.latex(self.condition)
        return body

    def __str__(self) -> str:
        if isinstance(self.value, sp.Basic):
            s = str(self.value)
            if not self.value.free_symbols and not self.value.is_Rational:
                s += f" = {float(sp.N(self.value, 20)):.12g}"
        else:
            s = f"{self.value:.6g} +- {self.error:.2g}"
        if self.method != "exact":
            s += f" ({self.method})"
        if self.condition is not None and self.condition not in (sp.true, True):
            s += f" if {self.condition}"
        return s


@dataclass(frozen=True)
class LPRefinement:
    """The bargaining LP solved on a refinement, with the verifier's findings.

    Attributes
    ----------
    grids : tuple of int
    objective : tuple of float
        Ex ante payoff per player of the LP optimum on each grid.
    status_quo : tuple of float
        Ex ante payoff per player of the war of attrition on each grid (same masses).
    gain : tuple of float
        Raw grid gain ``objective - status_quo`` (>= 0 by the Pareto constraint). Never a
        statement about the continuum by itself.
    violations : tuple of float
        Worst violation found by the independent verifier on each solution.
    gain_limit, objective_limit : Quantity
        Extrapolated continuum values with error estimates.
    gain_judgement : str
        ``"zero"``, ``"positive"`` or ``"unclear"`` (see :func:`judge_limit`).
    """

    grids: Tuple[int, ...]
    objective: Tuple[float, ...]
    status_quo: Tuple[float, ...]
    gain: Tuple[float, ...]
    violations: Tuple[float, ...]
    gain_limit: Quantity
    objective_limit: Quantity
    gain_judgement: str

    def to_dict(self) -> dict:
        return {"grids": list(self.grids), "objective": list(self.objective),
                "status_quo": list(self.status_quo), "raw_gain": list(self.gain),
                "verifier_worst_violation": list(self.violations),
                "gain_limit": self.gain_limit.to_dict(), "objective_limit": self.objective_limit.to_dict(),
                "gain_judgement": self.gain_judgement}

    def __str__(self) -> str:
        rows = ", ".join(f"n={n}: {g:.4g}" for n, g in zip(self.grids, self.gain))
        return (f"raw LP gain {rows}; extrapolated gain {self.gain_limit} -> {self.gain_judgement}; "
                f"verifier worst violation {max(self.violations):.1e}")


# ====================================================================== limit judgement
def judge_limit(values: Sequence[float], limit: float, error: float, *, atol: float) -> str:
    """Classify the continuum limit of a refinement sequence as zero or positive.

    ``"zero"``: the sequence does not grow, and either its last value is below ``atol`` or
    the extrapolated limit lies within ``error + atol`` of 0 *and* below a quarter of the
    last value (a quantity that is zero in the continuum but O(1/n) on a grid extrapolates to
    about 0, far below the grid values). ``"positive"``: ``limit - error > atol`` and every
    value exceeds ``atol``. Anything else is ``"unclear"``; at least three grids are required.

    "zero" means zero *to the resolution of the refinement*: on power-law sequences
    ``c + a n**-p`` it is never returned for ``c`` above about a third of the finest grid's
    discretisation error ``a n**-p``, and ``c`` above twice that error is always "positive"
    (property-tested in ``tests/test_bulow.py``).

    Examples
    --------
    >>> judge_limit([0.0104, 0.0056, 0.0029, 0.0015], -1e-4, 1.6e-3, atol=1e-6)
    'zero'
    >>> judge_limit([0.081, 0.0825, 0.0830], 0.0833, 1e-4, atol=1e-6)
    'positive'
    """
    vals = [float(x) for x in values]
    if len(vals) < 3 or not all(math.isfinite(x) for x in vals):
        return "unclear"
    L, E = float(limit), abs(float(error))
    if not (math.isfinite(L) and math.isfinite(E)):
        return "unclear"
    shrinking = all(abs(b) <= abs(a) * (1 + 1e-6) + atol for a, b in zip(vals, vals[1:]))
    last = abs(vals[-1])
    if shrinking and (last <= atol or (abs(L) <= E + atol and abs(L) <= 0.25 * last)):
        return "zero"
    if L - E > atol and min(vals) > atol:
        return "positive"
    return "unclear"


# ====================================================================== exact helpers
def _num(x: Any) -> mpmath.mpf:
    x = sp.sympify(x)
    return mpmath.mpmathify(sp.N(x, mpmath.mp.dps + 10))


def _integral(expr: sp.Expr, var: sp.Symbol, lo: Any, hi: Any, params: Sequence[sp.Symbol] = (),
              budget: float = _SYM_BUDGET) -> Quantity:
    """``integral_lo^hi expr dvar``: exact under a budget, checked by 30-digit quadrature."""
    exact = None
    if not expr.has(sp.Integral, sp.betainc, sp.betainc_regularized):
        exact = _antiderivative_between(expr, var, lo, hi, budget)
    if params and any(p in expr.free_symbols for p in params):
        if exact is None:
            return Quantity(sp.Integral(expr, (var, lo, hi)), 0.0, "exact",
                            note="no closed form within the time budget")
        return Quantity(exact)
    with mpmath.workdps(30):
        ref = _quad_pieces(expr, var, lo, hi)
        if exact is not None:
            gap = abs(_num(exact) - ref)
            if gap <= mpmath.mpf(10) ** -20 * max(1, abs(ref)):
                return Quantity(exact)
            note = f"closed form {exact} disagreed with quadrature by {mpmath.nstr(gap, 3)}: quadrature kept"
        else:
            note = "no closed form within the time budget: 30-digit quadrature"
        return Quantity(float(ref), 1e-25, "quadrature", note=note)


def _breakpoints(expr: sp.Expr, var: sp.Symbol, lo: Any, hi: Any) -> List[Any]:
    """Points of ``(lo, hi)`` where a Piecewise/Heaviside/Min/Max piece of ``expr`` may switch."""
    pts = set()
    rels = []
    for pw in expr.atoms(sp.Piecewise):
        for _, cond in pw.args:
            rels.extend(cond.atoms(Relational))
    for h in expr.atoms(sp.Heaviside):
        rels.append(sp.Eq(h.args[0], 0))
    for m in expr.atoms(sp.Min, sp.Max):
        a = m.args
        rels.extend(sp.Eq(x, y) for i, x in enumerate(a) for y in a[i + 1:])
    for r in rels:
        g = r.lhs - r.rhs
        if var not in g.free_symbols:
            continue
        sols, ok = bounded(sp.solve, g, var, seconds=2)
        for z in (sols if ok and sols else []):
            try:
                z = float(sp.N(z, 30))
            except (TypeError, ValueError):
                continue
            if float(sp.N(lo)) < z < float(sp.N(hi)):
                pts.add(z)
    return sorted(pts)


def _quad_pieces(expr: sp.Expr, var: sp.Symbol, lo: Any, hi: Any) -> mpmath.mpf:
    """30-digit quadrature split at the switch points of piecewise parts (a step is not smooth)."""
    from .numeric import mp_callable
    g = mp_callable(expr, var)
    nodes = [_num(lo)] + [mpmath.mpf(p) for p in _breakpoints(expr, var, lo, hi)] + [_num(hi)]
    # refine each switch point to full precision (the float above only locates it)
    exact_nodes = [nodes[0]]
    for p in nodes[1:-1]:
        exact_nodes.append(_exact_breakpoint(expr, var, p))
    exact_nodes.append(nodes[-1])
    return mpmath.quad(lambda x: mpmath.re(g(x)), exact_nodes)


def _exact_breakpoint(expr: sp.Expr, var: sp.Symbol, approx: mpmath.mpf) -> mpmath.mpf:
    for pw in expr.atoms(sp.Piecewise):
        for _, cond in pw.args:
            for r in cond.atoms(Relational):
                g = r.lhs - r.rhs
                sols, ok = bounded(sp.solve, g, var, seconds=2)
                for z in (sols if ok and sols else []):
                    try:
                        zz = _num(z)
                    except (TypeError, ValueError):
                        continue
                    if abs(zz - approx) < mpmath.mpf(10) ** -12:
                        return zz
    return approx


def _antiderivative_between(expr: sp.Expr, var: sp.Symbol, lo: Any, hi: Any, budget: float) -> Optional[sp.Expr]:
    """``integrate(expr, (var, lo, hi))`` in a readable form, or None when the budget expires.

    The integrand is expanded first: a sum of powers integrates term by term at once, while
    SymPy's general algorithm may take seconds on the product form.
    """
    e = sp.expand(expr) if expr.is_Mul or expr.is_Pow or expr.is_Add else expr
    val, ok = bounded(sp.integrate, e, (var, lo, hi), conds="none", seconds=budget)
    if not ok or val is None or val.has(sp.Integral):
        return None
    if var in val.free_symbols and val.is_polynomial(var):
        return sp.expand(val)
    cands = [val, sp.factor_terms(val)]
    if val.is_rational_function():
        cands.append(sp.factor(sp.cancel(val)))
    else:
        simp, ok2 = bounded(sp.simplify, val, seconds=budget / 2)
        if ok2:
            cands.append(simp)
    return min(cands, key=sp.count_ops)


def _sign_of_number(x: Any) -> Optional[int]:
    """Exact sign of a constant (None if it cannot be told apart from 0 or is not a number)."""
    x = sp.sympify(x)
    if x.free_symbols:
        return None
    if x.is_zero is True:
        return 0
    if x.is_positive is True:
        return 1
    if x.is_negative is True:
        return -1
    val = sp.N(x, 60)
    if val.is_number and val.is_real is not False and abs(val) > sp.Float(10) ** -45:
        return 1 if val > 0 else -1
    z, ok = bounded(lambda: sp.simplify(x).is_zero or x.equals(0), seconds=3)
    return 0 if ok and z else None


def _param_condition(expr: sp.Expr, d: Distribution) -> Any:
    """A readable condition on the parameters equivalent to ``expr >= 0`` (None if not found)."""
    e, ok = bounded(lambda: sp.factor(sp.together(expr)), seconds=3)
    if not ok:
        e = expr
    num, den = sp.fraction(e)
    sign_den = 1
    for fac in sp.Mul.make_args(den):
        if fac.is_positive:
            continue
        if fac.is_negative:
            sign_den = -sign_den
            continue
        return _solve_condition(expr, d)
    keep = []
    for fac in sp.Mul.make_args(num):
        if fac.is_positive:
            continue
        if fac.is_negative:
            sign_den = -sign_den
            continue
        keep.append(fac)
    core = sp.Mul(*keep)
    rel = core >= 0 if sign_den > 0 else core <= 0
    if rel in (sp.true, sp.false):
        return rel
    free = list(core.free_symbols)
    if len(free) == 1:
        p = free[0]
        dom = sp.Interval.open(0, sp.oo) if p.is_positive else (
            sp.Interval(0, sp.oo) if p.is_nonnegative else sp.Reals)
        sol, ok = bounded(sp.solve_univariate_inequality, rel, p, relational=True, domain=dom, seconds=4)
        if ok and sol is not None:
            return _canon(_drop_domain(sol, p))
    if core.is_polynomial() and sp.Poly(core, *free).is_linear:
        # a linear form: isolate it as lhs >= rhs for readability (a >= b)
        pos = sp.Add(*[t for t in sp.Add.make_args(core) if t.could_extract_minus_sign() is False])
        neg = -sp.Add(*[t for t in sp.Add.make_args(core) if t.could_extract_minus_sign() is True])
        return sp.Ge(pos, neg) if sign_den > 0 else sp.Le(pos, neg)
    return rel


def _canon(cond: Any) -> Any:
    """Write relations with the parameter on the left (``k >= 1`` rather than ``1 <= k``)."""
    if isinstance(cond, Relational):
        if not cond.lhs.free_symbols and cond.rhs.free_symbols:
            return cond.reversed
        return cond
    if isinstance(cond, (sp.And, sp.Or, sp.Not)):
        return cond.func(*[_canon(a) for a in cond.args])
    return cond


def _solve_condition(expr: sp.Expr, d: Distribution) -> Any:
    free = [p for p in d.params if p in expr.free_symbols]
    if len(free) != 1:
        return None
    p = free[0]
    dom = sp.Interval.open(0, sp.oo) if p.is_positive else sp.Reals
    sol, ok = bounded(sp.solve_univariate_inequality, expr >= 0, p, relational=True, domain=dom, seconds=5)
    return _canon(_drop_domain(sol, p)) if ok and sol is not None else None


def _drop_domain(cond: Any, p: sp.Symbol) -> Any:
    """Drop conjuncts implied by the symbol's own assumptions (``k > 0``, ``k < oo``)."""
    if not isinstance(cond, sp.And):
        return cond
    kept = []
    for c in cond.args:
        implied = c.subs(p, sp.Dummy(positive=True)) if p.is_positive else None
        if isinstance(c, Relational) and (c.has(sp.oo) or c.has(-sp.oo)):
            continue
        if p.is_positive and isinstance(c, Relational) and (c == sp.Gt(p, 0) or c == sp.Lt(0, p)):
            continue
        if implied is sp.true:
            continue
        kept.append(c)
    return sp.And(*kept) if kept else sp.true


def _equivalent(a: Any, b: Any, d: Distribution) -> Optional[bool]:
    """Whether two parameter conditions agree under the distribution's assumptions."""
    if a is None or b is None:
        return None
    if a == b:
        return True
    free = sorted((sp.sympify(a).free_symbols | sp.sympify(b).free_symbols) & set(d.params), key=str)
    if len(free) != 1:
        x, ok = bounded(lambda: sp.simplify_logic(sp.Xor(a, b) & d.assumptions, force=True), seconds=3)
        return (x is sp.false) if ok else None
    p = free[0]
    dom = sp.Interval.open(0, sp.oo) if p.is_positive else sp.Reals

    def as_set(c):
        if c in (sp.true, True):
            return dom
        if c in (sp.false, False):
            return sp.EmptySet
        return c.as_set().intersect(dom)

    try:
        return bool(as_set(a) == as_set(b))
    except Exception:  # as_set is not implemented for every relation
        return None


# ====================================================================== the analysis
@dataclass(frozen=True)
class BulowVerdict:
    """The 50-50 split against the war of attrition for one value distribution.

    Attributes
    ----------
    distribution : Distribution
    status_quo_payoff : sympy.Expr
        ``U0(v) = integral_lo^v F`` (war of attrition, any waiting cost).
    difference : sympy.Expr
        ``D(v) = v/2 - U0(v)``: positive where a type prefers the split.
    split_pareto_improves : Verdict
        ``D >= 0`` on the support (a condition on parameters where they are symbolic).
    split_optimal : Verdict
        The split is an optimal Pareto-improving bargaining mechanism (ex ante surplus).
    strict_improvement : Verdict
        Some bargaining mechanism strictly Pareto-dominates the war of attrition in the
        continuum (weakly better for all types, strictly for a positive mass).
    crossing_points : tuple
        Interior points where ``D`` changes sign (exact where SymPy solves ``D = 0``).
    status_quo_value, split_value, optimal_value : Quantity
        Ex ante payoff per player: ``E[U0] = integral F (1 - F)``, ``E[v]/2`` and the
        optimum (exact, or the extrapolated LP limit with its error).
    refinement : LPRefinement or None
        The bargaining LP along the refinement, when it was needed or requested.
    shape : dict
        The shape verdicts used (density log-concave, F convex/concave, MHR).
    steps : tuple of (claim, reason)
        The argument behind the symbolic verdicts.
    notes : tuple of str

    Examples
    --------
    >>> import symmech as sm
    >>> b = sm.bulow_puzzle(sm.families.Uniform(0, 1))
    >>> b.split_pareto_improves.holds, b.split_optimal.holds, b.optimal_value.value
    (True, True, 1/4)
    """

    distribution: Distribution
    status_quo_payoff: Any
    difference: Any
    split_pareto_improves: Verdict
    split_optimal: Verdict
    strict_improvement: Verdict
    crossing_points: Tuple[Any, ...]
    status_quo_value: Quantity
    split_value: Quantity
    optimal_value: Quantity
    refinement: Optional[LPRefinement] = None
    shape: Dict[str, Verdict] = field(default_factory=dict, compare=False, hash=False)
    steps: Tuple[Tuple[Any, str], ...] = ()
    notes: Tuple[str, ...] = ()

    @property
    def gain(self) -> Optional[Quantity]:
        """Extrapolated LP gain over the war of attrition (None when the LP was not run)."""
        return None if self.refinement is None else self.refinement.gain_limit

    def to_dict(self) -> dict:
        return {
            "distribution": self.distribution.to_dict(),
            "status_quo_payoff": str(self.status_quo_payoff),
            "difference": str(self.difference),
            "split_pareto_improves": self.split_pareto_improves.to_dict(),
            "split_optimal": self.split_optimal.to_dict(),
            "strict_improvement": self.strict_improvement.to_dict(),
            "crossing_points": [str(c) for c in self.crossing_points],
            "status_quo_value": self.status_quo_value.to_dict(),
            "split_value": self.split_value.to_dict(),
            "optimal_value": self.optimal_value.to_dict(),
            "refinement": None if self.refinement is None else self.refinement.to_dict(),
            "shape": {k: vd.to_dict() for k, vd in self.shape.items()},
            "steps": [[claim_text(c), r] for c, r in self.steps],
            "notes": list(self.notes),
        }

    def latex(self) -> str:
        V = sp.latex(self.distribution.var)
        lines = [
            r"\begin{aligned}",
            rf"U_0({V}) &= {sp.latex(self.status_quo_payoff)} && \text{{war of attrition}}\\",
            rf"D({V}) &= \tfrac{{{V}}}{{2}} - U_0({V}) = {sp.latex(self.difference)}\\",
            r"\text{split Pareto-improves} &: " + self.split_pareto_improves.latex() + r"\\",
            r"\text{split optimal} &: " + self.split_optimal.latex() + r"\\",
            r"\text{strict improvement exists} &: " + self.strict_improvement.latex() + r"\\",
        ]
        if self.crossing_points:
            lines.append(r"\text{crossing points} &: " + ", ".join(sp.latex(c) for c in self.crossing_points) + r"\\")
        lines += [
            r"E[U_0] &= " + self.status_quo_value.latex() + r"\\",
            r"E[v]/2 &= " + self.split_value.latex() + r"\\",
            r"\text{optimal ex ante payoff} &= " + self.optimal_value.latex(),
            r"\end{aligned}",
        ]
        return "\n".join(lines)

    def _repr_latex_(self) -> str:
        return "$$" + self.latex() + "$$"

    def __str__(self) -> str:
        d = self.distribution
        out = [f"Bulow puzzle for {d}",
               f"  war of attrition payoff U0(v) = {self.status_quo_payoff}",
               f"  D(v) = v/2 - U0(v) = {self.difference}",
               f"  {self.split_pareto_improves}",
               f"  {self.split_optimal}",
               f"  {self.strict_improvement}"]
        if self.crossing_points:
            out.append("  D changes sign at " + ", ".join(_show(c) for c in self.crossing_points))
        out += [f"  ex ante payoff per player: war of attrition {self.status_quo_value}",
                f"                             50-50 split     {self.split_value}",
                f"                             optimum         {self.optimal_value}"]
        if self.refinement is not None:
            out.append("  " + str(self.refinement))
        for c, r in self.steps:
            out.append(f"  - {claim_text(c)}  [{r}]")
        for n in self.notes:
            out.append(f"  note: {n}")
        return "\n".join(out)


def claim_text(c: Any) -> str:
    """A step's claim as plain text (``U_0(v) = ...`` rather than ``Eq(U_0(v), ...)``)."""
    if isinstance(c, sp.Equality):
        return f"{c.lhs} = {c.rhs}"
    return str(c)


def _show(c: Any) -> str:
    c = sp.sympify(c)
    if c.free_symbols or c.is_Rational:
        return str(c)
    return f"{c} = {float(sp.N(c, 20)):.12g}"


def bulow_puzzle(d: Distribution, grids: Optional[Sequence[int]] = DEFAULT_GRIDS, *,
                 lp: Optional[bool] = None, budget: float = _SYM_BUDGET) -> BulowVerdict:
    """Decide whether the 50-50 split Pareto-improves on, and beats, the war of attrition.

    Parameters
    ----------
    d : Distribution
        Values iid on a bounded support ``[lo, hi]`` with ``lo >= 0``; parameters allowed.
    grids : sequence of int, optional
        Refinement of the bargaining LP (at least three increasing sizes), used where no
        symbolic argument decides; ``None`` never solves the LP.
    lp : bool, optional
        ``True`` solves the LP even when everything is decided symbolically (as a
        cross-check); ``False`` never solves it. Default: only when needed.
    budget : float
        Seconds for each symbolic step.

    Returns
    -------
    BulowVerdict

    Examples
    --------
    >>> import symmech as sm
    >>> b = sm.bulow_puzzle(sm.families.Power("k"))
    >>> b.split_pareto_improves.condition, b.split_optimal.condition
    (k >= 1, k >= 1)
    """
    if not isinstance(d, Distribution):
        raise InvalidParameter(f"bulow_puzzle needs a Distribution, got {type(d).__name__}")
    lo, hi = (sp.sympify(b) for b in d.support)
    if hi.is_finite is False:
        raise InvalidDistribution(f"the bargaining problem needs a bounded support, got [{lo}, {hi}]")
    if lo.is_negative:
        raise InvalidDistribution(f"values must be nonnegative for the war of attrition, got lo = {lo}")
    grids = _check_grids(grids)
    V = d.var
    parametric = not d.is_numeric
    notes: List[str] = []

    U0 = _war_of_attrition_payoff(d, notes, budget)
    D = V / 2 - U0
    if not parametric and D.is_polynomial(V):
        D = sp.expand(D)
    E = _mean(d, lo, hi, budget)
    split_value = Quantity(E.value / 2, E.error / 2, E.method, note=E.note)
    sq_value = _integral(d.cdf * (1 - d.cdf), V, lo, hi, d.params, budget)
    steps: List[Tuple[Any, str]] = [
        (sp.Eq(sp.Function("U_0")(V), U0), "war of attrition: x0 = F, U0(lo) = 0, envelope theorem"),
        (sp.Eq(sp.Function("D")(V), D), "the split pays v/2 to every type"),
        ("D''(v) = -f(v) <= 0", "differentiate twice: D is concave on the support"),
    ]

    pi, gap = _split_pi(d, D, E, lo, hi, steps)
    shape = _shape_verdicts(d, notes)
    mhr = _mhr(shape, d)
    crossings = _crossings(D, d, lo, hi, pi, budget, notes)

    ref: Optional[LPRefinement] = None
    want_lp = lp is True
    if parametric:
        split_opt, strict, opt_value = _parametric(d, pi, mhr, split_value, steps, notes)
        if lp:
            notes.append("the LP needs numeric parameters: not solved")
        want_lp = False
    else:
        split_opt, strict, opt_value, need = _symbolic(d, D, pi, mhr, split_value, lo, hi, steps)
        want_lp = (want_lp or need) and lp is not False and grids is not None
        if need and not want_lp:
            notes.append("no symbolic argument decides the remaining questions and the LP was not run")
    if want_lp:
        ref = _lp_refinement(d, grids, split_value, sq_value, U0)
        split_opt, strict, opt_value = _numeric_verdicts(ref, split_opt, strict, opt_value, split_value,
                                                         sq_value, notes)
    return BulowVerdict(d, U0, D, pi, split_opt, strict, tuple(crossings), sq_value, split_value,
                        opt_value, ref, shape, tuple(steps), tuple(notes))


def _mean(d: Distribution, lo: sp.Expr, hi: sp.Expr, budget: float) -> Quantity:
    """``E[v]``: the midpoint for a symmetric density (exact even without an antiderivative)."""
    V = d.var
    if lo.is_finite and hi.is_finite:
        mirror = d.pdf.xreplace({V: lo + hi - V}) - d.pdf
        close = True
        if d.is_numeric:
            from .numeric import mp_callable
            with mpmath.workdps(30):
                g = mp_callable(mirror, V)
                a, b = _num(lo), _num(hi)
                close = all(abs(g(a + (b - a) * t)) < mpmath.mpf(10) ** -25
                            for t in (mpmath.mpf(1) / 7, mpmath.mpf(2) / 5, mpmath.mpf(5) / 6))
        if close:
            z, ok = bounded(lambda: sp.simplify(mirror) == 0, seconds=min(budget / 2, 1.5))
            if ok and z:
                return Quantity((lo + hi) / 2, note="symmetric density: f(lo + hi - v) = f(v)")
    return _integral(V * d.pdf, V, lo, hi, d.params, budget)


def _check_grids(grids: Optional[Sequence[int]]) -> Optional[Tuple[int, ...]]:
    if grids is None:
        return None
    try:
        gs = tuple(int(g) for g in grids)
    except (TypeError, ValueError):
        raise InvalidParameter(f"grids must be a sequence of integers, got {grids!r}") from None
    if len(gs) < 3:
        raise InvalidParameter(f"a refinement needs at least three grid sizes (never one grid), got {gs}")
    if any(g < 4 for g in gs) or any(b <= a for a, b in zip(gs, gs[1:])):
        raise InvalidParameter(f"grid sizes must be increasing and at least 4, got {gs}")
    return gs


def _war_of_attrition_payoff(d: Distribution, notes: List[str], budget: float) -> sp.Expr:
    """``U0(v) = integral_lo^v F`` (x0 = F, U0(lo) = 0), computed here: only the payoff is needed.

    :func:`symmech.equilibria.war_of_attrition` derives the same payoff together with the exit
    time, which can take much longer; the test suite checks the two agree.
    """
    V, lo = d.var, sp.sympify(d.lo)
    s = sp.Dummy("s", real=True)
    F = d.cdf.xreplace({V: s})
    if F.has(sp.Piecewise):
        # the equilibrium derivation integrates piece by piece into one formula per piece
        from .equilibria import war_of_attrition
        eq, ok = bounded(war_of_attrition, d, seconds=budget * 3)
        if ok and eq is not None and not eq.payoff.has(sp.Integral):
            return eq.payoff
    if not F.has(sp.Integral, sp.betainc, sp.betainc_regularized):
        val = _antiderivative_between(F, s, lo, V, budget)
        if val is not None:
            return val
    notes.append("no closed form for integral F within the time budget: U0 kept as an integral")
    S = sp.Symbol("s", real=True)
    return sp.Integral(d.cdf.xreplace({V: S}), (S, lo, V))


def _split_pi(d: Distribution, D: sp.Expr, E: Quantity, lo: sp.Expr, hi: sp.Expr,
              steps: List[Tuple[Any, str]]) -> Tuple[Verdict, Any]:
    """``D >= 0`` on the support via concavity: it suffices at the two endpoints."""
    statement = "the 50-50 split Pareto-improves on the war of attrition: v/2 - integral F >= 0 on the support"
    V = d.var
    Dlo = lo / 2
    if E.is_exact and E.value.has(sp.Integral):
        return Verdict(statement, None, None, "symbolic",
                       Certificate(E.value - hi / 2, "D >= 0 iff E[v] - hi/2 >= 0 (D concave), but E[v] has no "
                                                     "closed form within the time budget"),
                       notes=("substitute parameter values",)), None
    if E.is_exact:
        gap, _ = bounded(sp.simplify, E.value - hi / 2, seconds=3, fallback=E.value - hi / 2)
    else:
        gap = sp.Float(E.value, 30) - hi / 2
    reason = (f"D is concave (D'' = -f <= 0), so D >= 0 on [{lo}, {hi}] iff D(lo) = {Dlo} >= 0 and "
              f"D(hi) = E[v] - hi/2 = {gap} >= 0")
    cert = Certificate(gap, reason)
    if d.params and gap.free_symbols:
        cond = _param_condition(gap, d)
        if cond is None:
            return Verdict(statement, None, None, "symbolic", cert,
                           notes=("the sign of E[v] - hi/2 could not be solved for the parameters",)), gap
        holds = True if cond is sp.true else (False if cond is sp.false else None)
        steps.append((cond, f"D(hi) = E[v] - hi/2 = {gap} >= 0 exactly when this holds; D(lo) = lo/2 >= 0"))
        return Verdict(statement, holds, cond, "symbolic", cert), gap
    method = "symbolic"
    if E.is_exact:
        s = _sign_of_number(gap)
    else:
        # E[v] from 30-digit quadrature: its sign is reliable far from 0, but it is not a proof
        g = float(gap)
        s = None if abs(g) <= 1e-20 else (1 if g > 0 else -1)
        method = "sampled"
        cert = Certificate(gap, reason + " (E[v] by 30-digit quadrature, not a certified bound)")
    if s is None:
        return Verdict(statement, None, sp.true, method, cert,
                       notes=("E[v] - hi/2 could not be told apart from 0",)), gap
    if s >= 0:
        steps.append((f"D(hi) = E[v] - hi/2 = {gap} >= 0", "D(hi) = E[v] - hi/2 >= 0 and D(lo) = lo/2 >= 0, so D >= 0 (concavity)"))
        return Verdict(statement, True, sp.true, method, cert), gap
    point = _negative_point(D, V, lo, hi)
    steps.append((f"D(hi) = E[v] - hi/2 = {gap} < 0", "D(hi) = E[v] - hi/2 < 0: the top types prefer the war of attrition"))
    return Verdict(statement, False, sp.false, method, cert, counterexample=point), gap


def _negative_point(D: sp.Expr, V: sp.Symbol, lo: sp.Expr, hi: sp.Expr) -> Dict[str, Any]:
    """An exact point of the support where ``D < 0`` (D(hi) < 0 and D is continuous)."""
    for j in range(1, 40):
        p = hi - (hi - lo) / sp.Integer(2) ** j
        val = D.subs(V, p)
        if not val.has(sp.Integral):
            val = sp.nsimplify(val) if val.is_Float else val
        s = _sign_of_number(val) if not val.has(sp.Integral) else None
        if s is None:
            num = float(_num(sp.N(val, 30)))
            s = -1 if num < -1e-25 else None
        if s == -1:
            return {"v": p, "D": val}
    return {"v": hi, "D": D.subs(V, hi)}


_SHAPES: Dict[Distribution, Any] = {}


def shape_report(d: Distribution) -> Any:
    """``sm.shape(d)``, remembered for the last few distributions (it is the slow part)."""
    from .shape import shape
    if d not in _SHAPES:
        if len(_SHAPES) > 64:
            _SHAPES.clear()
        _SHAPES[d] = shape(d)
    return _SHAPES[d]


def _shape_verdicts(d: Distribution, notes: List[str]) -> Dict[str, Verdict]:
    r = shape_report(d)
    return {"pdf_log_concave": r.pdf_log_concave, "cdf_convex": r.cdf_convex,
            "cdf_concave": r.cdf_concave, "demand_log_concave": r.demand_log_concave}


def _mhr(shape: Dict[str, Verdict], d: Distribution) -> Tuple[Optional[bool], Any, str]:
    """Is (1 - F)/f nonincreasing? Any of three sufficient verdicts proves it.

    Returns (holds, condition, reason). With parameters, ``condition`` is the union of the
    sufficient conditions (exact when the MHR verdict itself supplies a condition).
    """
    routes = (("demand_log_concave", "demand is log-concave (MHR)"),
              ("pdf_log_concave", "f log-concave implies 1 - F log-concave (An 1998; Bagnoli & Bergstrom 2005, Thm 3)"),
              ("cdf_convex", "F convex: demand concave, hence log-concave (Bagnoli & Bergstrom 2005)"))
    for key, why in routes:
        vd = shape[key]
        if vd.holds is True:
            return True, sp.true, why if vd.method == "symbolic" else f"{why} [{vd.method}]"
    if d.params:
        conds = [shape[k].condition for k, _ in routes
                 if shape[k].condition is not None and shape[k].condition is not sp.false]
        if conds:
            return None, sp.Or(*conds), "; ".join(w for _, w in routes)
        return None, None, "no MHR condition found"
    if shape["demand_log_concave"].holds is False:
        return False, sp.false, "demand is not log-concave"
    return None, None, "MHR undecided"


def _crossings(D: sp.Expr, d: Distribution, lo: sp.Expr, hi: sp.Expr, pi: Verdict, budget: float,
               notes: List[str]) -> List[Any]:
    """Interior sign changes of D: none if the split Pareto-improves, else exactly one (concavity)."""
    V = d.var
    if pi.holds is True:
        return []
    if D.has(sp.Integral):
        return _numeric_crossing(D, V, lo, hi, notes) if pi.holds is False else []
    if d.params and D.free_symbols - {V}:
        sols, ok = bounded(sp.solve, D, V, seconds=budget)
        if not ok or not sols:
            return []
        out = [s for s in sols if sp.simplify(s - lo) != 0]
        if out:
            notes.append("crossing points with parameters are candidates: inside the support exactly "
                         "where the split fails to Pareto-improve")
        return out
    sols, ok = bounded(sp.solveset, D, V, sp.Interval.open(lo, hi), seconds=budget)
    if ok and isinstance(sols, sp.FiniteSet):
        pts = []
        for s in sols:
            s = sp.radsimp(s) if not isinstance(s, sp.CRootOf) else s
            pts.append(s)
        pts = sorted(pts, key=lambda s: float(sp.N(s, 30)))
        if pts:
            return pts
    return _numeric_crossing(D, V, lo, hi, notes)


def _numeric_crossing(D: sp.Expr, V: sp.Symbol, lo: sp.Expr, hi: sp.Expr, notes: List[str]) -> List[Any]:
    from .numeric import find_root, mp_callable
    with mpmath.workdps(40):
        g = mp_callable(D, V)
        a, b = _num(lo), _num(hi)
        xs = [a + (b - a) * mpmath.mpf(i) / 200 for i in range(1, 201)]
        vals = [g(x) for x in xs]
    out = []
    for x0, x1, g0, g1 in zip(xs, xs[1:], vals, vals[1:]):
        if g0 > 0 and g1 < 0:
            r = find_root(D, V, (sp.Float(x0, 40), sp.Float(x1, 40)), dps=30)
            out.append(sp.Float(r, 30))
    if out:
        notes.append("crossing point found numerically to 30 digits (no closed form within budget)")
    return out


def _symbolic(d, D, pi, mhr, split_value, lo, hi, steps):
    """Split optimality and strict improvement where an argument settles them."""
    V = d.var
    mhr_holds, _, mhr_why = mhr
    so_stmt = "the 50-50 split is an optimal Pareto-improving bargaining mechanism (ex ante surplus)"
    st_stmt = "some bargaining mechanism strictly Pareto-dominates the war of attrition (in the continuum)"
    need = False
    if pi.holds is False:
        split_opt = Verdict(so_stmt, False, sp.false, pi.method,
                            Certificate(D, "the split is not Pareto-improving, so it is not a Pareto-improving optimum"),
                            counterexample=pi.counterexample)
    elif pi.holds is True and mhr_holds is True:
        steps.append(("(1-F)/f is nonincreasing", mhr_why))
        steps.append(("E[U] = integral x (1-F) dv + U(lo) <= m E[v] <= E[v]/2 for every symmetric mechanism with t >= 0",
                      "envelope theorem; Chebyshev's integral inequality (x nondecreasing, (1-F)/f nonincreasing); "
                      "U(lo) <= lo x(lo) <= lo m; m = integral x dF <= 1/2 (feasibility)"))
        steps.append(("the split attains E[v]/2 and is Pareto-improving, hence optimal",
                      "it solves the problem without (PI) and satisfies (PI)"))
        split_opt = Verdict(so_stmt, True, sp.true, _weakest(pi.method, _method_of(mhr_why)),
                            Certificate(D, f"MHR ({mhr_why}) makes the split the unconstrained optimum; "
                                           "it satisfies (PI)"))
    else:
        split_opt = Verdict(so_stmt, None, sp.true, "symbolic",
                            Certificate(None, "neither MHR nor a failure of (PI) decides it"))
        need = True
    if pi.holds is True:
        mid = (lo + hi) / 2
        val = D.subs(V, mid)
        steps.append((sp.Gt(sp.Function("D")(V), 0), "D strictly concave (f > 0), D(lo) >= 0, D(hi) >= 0: "
                                                        "D > 0 on the interior, the split strictly improves"))
        strict = Verdict(st_stmt, True, sp.true, pi.method,
                         Certificate(D, "D is strictly concave and nonnegative at both ends, so the split is "
                                        "strictly better for every interior type"),
                         counterexample={"witness": "50-50 split", "v": mid, "D": val})
    else:
        strict = Verdict(st_stmt, None, sp.true, "symbolic",
                         Certificate(None, "the split does not Pareto-improve; only the LP can tell"))
        need = True
    opt_value = split_value if split_opt.holds is True else Quantity(sp.nan, float("nan"), "exact",
                                                                      note="not determined symbolically")
    return split_opt, strict, opt_value, need


def _method_of(why: str) -> str:
    for m in ("sampled", "interval"):
        if why.endswith(f"[{m}]"):
            return m
    return "symbolic"


def _weakest(*methods: str) -> str:
    """The least certain rung among those that contributed (symbolic > interval > sampled)."""
    order = ("symbolic", "interval", "sampled")
    return max(methods, key=order.index)


def _parametric(d, pi, mhr, split_value, steps, notes):
    so_stmt = "the 50-50 split is an optimal Pareto-improving bargaining mechanism (ex ante surplus)"
    st_stmt = "some bargaining mechanism strictly Pareto-dominates the war of attrition (in the continuum)"
    _, mhr_cond, mhr_why = mhr
    pc = pi.condition
    if pc is None or mhr_cond is None:
        split_opt = Verdict(so_stmt, None, None, "symbolic",
                            Certificate(None, "no parameter condition found for (PI) or MHR"))
        return (split_opt, Verdict(st_stmt, None, None, "symbolic", Certificate(None, "undetermined")),
                Quantity(sp.nan, float("nan"), note="not determined"))
    sufficient = sp.And(pc, mhr_cond)
    gap_set = sp.And(pc, sp.Not(mhr_cond))
    exact = _equivalent(sufficient, pc, d)
    cert = Certificate(sufficient, f"split optimal where it Pareto-improves and MHR holds ({mhr_why}); "
                                   "not optimal where it fails to Pareto-improve")
    if exact:
        cond = _simplest(pc, sufficient)
        steps.append((cond, "MHR holds wherever the split Pareto-improves: the split is optimal exactly there"))
        holds = True if cond is sp.true else (False if cond is sp.false else None)
        split_opt = Verdict(so_stmt, holds, cond, "symbolic", cert)
        value = Quantity(split_value.value, 0.0, "exact", condition=cond,
                         note="ex ante payoff per player where the split is optimal")
    else:
        split_opt = Verdict(so_stmt, None, None, "symbolic", cert,
                            notes=(f"proved where {sufficient}; false where {sp.Not(pc)}; "
                                   f"undecided where {gap_set} (substitute values and use the LP)",))
        value = Quantity(split_value.value, 0.0, "exact", condition=sufficient,
                         note="ex ante payoff per player where the split is proved optimal")
    strict = Verdict(st_stmt, True if pc is sp.true else None, None if pc is not sp.true else sp.true, "symbolic",
                     Certificate(pc, "where the split Pareto-improves it strictly improves every interior type "
                                     "(D strictly concave); elsewhere substitute values and use the LP"),
                     notes=(f"sufficient condition: {pc}",))
    return split_opt, strict, value


def _simplest(a: Any, b: Any) -> Any:
    return a if sp.count_ops(a) <= sp.count_ops(b) else b


# ====================================================================== the LP route
def _lp_refinement(d: Distribution, grids: Tuple[int, ...], split_value: Quantity,
                   sq_value: Quantity, U0: sp.Expr) -> LPRefinement:
    from .interim import InterimMechanism
    from .optimize import optimal_bargaining, verify_mechanism
    V = d.var
    # the war of attrition as an interim mechanism built from U0 = integral F (x0 = F): the
    # LP only needs its payoff, and deriving the exit times as well can take seconds
    woa = InterimMechanism("war of attrition", V, d.cdf, V * d.cdf - U0, U0,
                           ("U0 = integral_lo^v F, x0 = F",))
    objs, sqs, viols = [], [], []
    for n in grids:
        sol = optimal_bargaining(d, status_quo=woa, grid=n)
        rep = verify_mechanism(sol)
        viols.append(float(_worst(rep)))
        obj, sq = _per_player(sol)
        objs.append(obj)
        sqs.append(sq)
    gains = [o - s for o, s in zip(objs, sqs)]
    scale = max(abs(float(split_value)), 1e-12)
    gref = _refine(grids, gains)
    oref = _refine(grids, objs)
    gain_q = Quantity(float(gref.limit), float(gref.error), "extrapolated",
                      sequence=tuple(zip(grids, gains)), note=f"observed order {gref.order}")
    obj_q = Quantity(float(oref.limit), float(oref.error), "extrapolated",
                     sequence=tuple(zip(grids, objs)), note=f"observed order {oref.order}")
    judgement = judge_limit(gains, gref.limit, gref.error, atol=1e-6 * scale)
    if max(viols) > VIOLATION_TOL:
        judgement = "unclear"
    return LPRefinement(grids, tuple(objs), tuple(sqs), tuple(gains), tuple(viols), gain_q, obj_q, judgement)


def _refine(grids: Sequence[int], values: Sequence[float]):
    from .optimize import refine
    table = dict(zip(grids, values))
    return refine(lambda n: table[n], tuple(grids))


def _worst(report: Any) -> float:
    for name in ("worst_violation", "worst", "max_violation"):
        if hasattr(report, name):
            return float(getattr(report, name))
    return float(report)


def _per_player(sol: Any) -> Tuple[float, float]:
    """(LP ex ante payoff per player, war-of-attrition ex ante payoff per player on the grid)."""
    import numpy as np
    p = np.asarray(sol.masses, dtype=float)
    U = np.asarray(sol.U, dtype=float)
    U0 = np.asarray(sol.U0, dtype=float)
    return float(p @ U), float(p @ U0)


def _numeric_verdicts(ref: LPRefinement, split_opt: Verdict, strict: Verdict, opt_value: Quantity,
                      split_value: Quantity, sq_value: Quantity, notes: List[str]):
    lp_note = (f"bargaining LP on grids {ref.grids}: raw gain {', '.join(f'{g:.3g}' for g in ref.gain)}, "
               f"extrapolated {ref.gain_limit.value:.3g} +- {ref.gain_limit.error:.2g}")
    if strict.holds is None:
        j = ref.gain_judgement
        holds = {"zero": False, "positive": True}.get(j)
        reason = {"zero": ("the LP gain over the war of attrition vanishes in the limit (to the refinement's "
                           "resolution): no strict improvement survives"),
                  "positive": "the LP gain stays bounded away from 0 along the refinement",
                  "unclear": "the refinement does not settle the sign of the limiting gain"}[j]
        strict = Verdict(strict.statement, holds, sp.true, "sampled", Certificate(None, reason + "; " + lp_note),
                         counterexample=None,
                         notes=("numerical evidence from a refinement, not a proof",))
    if split_opt.holds is None:
        sv = float(split_value)
        diff = [o - sv for o in ref.objective]
        dref = _refine(ref.grids, diff)
        j = judge_limit([abs(x) for x in diff], dref.limit, dref.error, atol=1e-6 * max(sv, 1e-12))
        if j == "zero":
            split_opt = Verdict(split_opt.statement, True, sp.true, "sampled",
                                Certificate(None, "the LP optimum converges to the split's E[v]/2; " + lp_note),
                                notes=("numerical confirmation from a refinement, not a proof",))
        elif float(dref.limit) > 3 * float(dref.error) + 1e-6 * sv:
            split_opt = Verdict(split_opt.statement, False, sp.true, "sampled",
                                Certificate(None, f"the LP optimum converges to {float(dref.limit) + sv:.6g} > "
                                                  f"E[v]/2 = {sv:.6g}; " + lp_note),
                                notes=("numerical evidence from a refinement, not a proof",))
    if not opt_value.is_exact or (isinstance(opt_value.value, sp.Basic) and opt_value.value.has(sp.nan)):
        opt_value = ref.objective_limit
        if strict.holds is False:
            notes.append(f"the optimum converges to the war of attrition's ex ante payoff {sq_value}")
    return split_opt, strict, opt_value
