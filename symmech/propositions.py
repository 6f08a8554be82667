"""The paper's propositions and theorem as checkable objects.

Kang & Skrzypacz (2025), "Bargaining, Efficiency, and Pareto Improvements" state, for
consumer-surplus maximisation (``alpha = 0``) with capacity ``Q``, no make-whole payments
(``t >= 0``) and a Pareto-improvement constraint over a status quo ``(x0, t0)``
(THEORY section 3):

* **Proposition 1.** If demand is concave, given any status quo, the optimum sets a price
  of zero and allocates uniformly at random (``x = Q``, ``t = 0``).
* **Proposition 2.** If ``lo > 0``, the optimum allocates a positive mass of goods at price 0.
* **Proposition 3** (as transcribed). The optimum gives certain allocation (``x = 1``) to a
  positive mass of types outside ``x0^{-1}(1)`` iff ``integral x0 dF < Q``.
* **Theorem** (Bulow puzzle, THEORY section 5). For a log-concave density on ``[0, hi]``:
  (i) ``F`` convex => the immediate 50-50 split is the optimal Pareto-improving bargaining
  mechanism; (ii) ``F`` strictly concave => nothing strictly Pareto-dominates the war of
  attrition.

:func:`check` decides the hypotheses with the sign ladder (:mod:`symmech.shape`), then the
conclusion: symbolically where an argument exists (status ``"proved"``, with the steps), and
otherwise from the discretised LP of :mod:`symmech.optimize` along a refinement, each
solution checked by the independent verifier. Conclusions are about the continuum, so a
grid quantity is judged by its extrapolated limit and error estimate, never by one grid
(``"confirmed"``/``"refuted"``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

import mpmath
import numpy as np
import sympy as sp

from .budget import bounded
from .bulow import (DEFAULT_GRIDS, VIOLATION_TOL, BulowVerdict, LPRefinement, Quantity, _check_grids,
                    _equivalent, _integral, _mean, _sign_of_number, _war_of_attrition_payoff, bulow_puzzle,
                    claim_text, judge_limit, shape_report)
from .distribution import Distribution
from .errors import InfeasibleProblem, InvalidParameter, SymmechError
from .verdict import Certificate, Verdict

__all__ = ["Proposition", "Hypothesis", "CheckSetting", "PropositionCheck", "Evidence", "RefinedQuantity",
           "PROP1", "PROP2", "PROP3", "BULOW_THEOREM", "PROPOSITIONS", "CHECK_STATUSES", "check",
           "bulow_puzzle", "BulowVerdict", "Quantity", "LPRefinement"]

#: the possible outcomes of a check
CHECK_STATUSES = ("proved", "confirmed", "refuted", "hypotheses_fail", "undecided")

#: LP values within this of a bound are on the bound (HiGHS tolerances are about 1e-9)
_LP_TOL = 1e-7


# ====================================================================== setting
@dataclass(frozen=True)
class CheckSetting:
    """The mechanism-design problem a proposition is checked in (as in ``optimal_mechanism``).

    Attributes
    ----------
    alpha : sympy.Rational
        Weight on revenue (0 = consumer surplus).
    capacity : sympy.Rational or None
        ``Q``; required by Propositions 1-3.
    status_quo : object
        A mechanism (``sm.posted_price``, ``sm.lottery``, an equilibrium), a payoff ``U0``
        expression, a pair ``(x0, t0)``, or None (no Pareto constraint).
    make_whole : bool
        Whether negative payments are allowed (the propositions assume not).
    grids : tuple of int or None
        Refinement for the LP (None: symbolic only).
    symbolic : bool
        Try the symbolic argument first.
    """

    alpha: Any = sp.Integer(0)
    capacity: Any = None
    status_quo: Any = None
    make_whole: bool = False
    grids: Optional[Tuple[int, ...]] = DEFAULT_GRIDS
    symbolic: bool = True

    def to_dict(self) -> dict:
        sq = self.status_quo
        name = getattr(sq, "name", None) if sq is not None else None
        return {"alpha": str(self.alpha), "capacity": None if self.capacity is None else str(self.capacity),
                "status_quo": None if sq is None else (name or str(sq)), "make_whole": self.make_whole,
                "grids": None if self.grids is None else list(self.grids), "symbolic": self.symbolic}

    def __str__(self) -> str:
        parts = [f"alpha = {self.alpha}"]
        if self.capacity is not None:
            parts.append(f"Q = {self.capacity}")
        if self.status_quo is not None:
            parts.append(f"status quo: {getattr(self.status_quo, 'name', None) or self.status_quo}")
        parts.append("make-whole payments allowed" if self.make_whole else "t >= 0")
        return ", ".join(parts)


_SETTING_KEYS = ("alpha", "capacity", "status_quo", "make_whole", "grids", "symbolic")


def _setting(kw: Dict[str, Any]) -> CheckSetting:
    unknown = sorted(set(kw) - set(_SETTING_KEYS))
    if unknown:
        raise InvalidParameter(f"unknown setting {unknown[0]!r}: use {', '.join(_SETTING_KEYS)}")
    alpha = _rational(kw.get("alpha", 0), "alpha")
    if alpha.is_number and not (0 <= alpha <= 1):
        raise InvalidParameter(f"alpha must lie in [0, 1], got alpha = {alpha}")
    Q = kw.get("capacity")
    if Q is not None:
        Q = _rational(Q, "capacity")
        if Q.is_number and not (0 < Q < 1):
            raise InvalidParameter(f"capacity Q must lie in (0, 1), got Q = {Q}")
    grids = kw.get("grids", DEFAULT_GRIDS)
    grids = _check_grids(grids) if grids is not None and len(tuple(grids)) > 0 else None
    return CheckSetting(alpha, Q, kw.get("status_quo"), bool(kw.get("make_whole", False)), grids,
                   bool(kw.get("symbolic", True)))


def _rational(x: Any, what: str) -> sp.Expr:
    if isinstance(x, bool) or x is None:
        raise InvalidParameter(f"{what} must be a number, got {x!r}")
    if isinstance(x, float):
        if not math.isfinite(x):
            raise InvalidParameter(f"{what} must be finite, got {what} = {x}")
        return sp.nsimplify(x, rational=True)
    if isinstance(x, str):
        from .parsing import parse_number
        return sp.sympify(parse_number(x))
    try:
        val = sp.sympify(x)
    except (sp.SympifyError, TypeError):
        raise InvalidParameter(f"{what} must be a number, got {x!r}") from None
    if not isinstance(val, sp.Expr) or val.is_extended_real is False:
        raise InvalidParameter(f"{what} must be a real number, got {what} = {x!r}")
    return val


# ====================================================================== result objects
@dataclass(frozen=True)
class RefinedQuantity:
    """A grid quantity along a refinement, its extrapolated limit and the judgement on it.

    ``judgement`` is ``"zero"``, ``"positive"`` or ``"unclear"`` (:func:`judge_limit`).
    """

    name: str
    grids: Tuple[int, ...]
    values: Tuple[float, ...]
    limit: float
    error: float
    order: Optional[float]
    judgement: str

    def to_dict(self) -> dict:
        return {"name": self.name, "grids": list(self.grids), "values": [float(x) for x in self.values],
                "limit": float(self.limit), "error": float(self.error),
                "order": None if self.order is None else float(self.order), "judgement": self.judgement}

    def __str__(self) -> str:
        seq = ", ".join(f"{x:.4g}" for x in self.values)
        return (f"{self.name}: [{seq}] on n = {list(self.grids)} -> limit {self.limit:.4g} +- "
                f"{self.error:.2g} ({self.judgement})")


@dataclass(frozen=True)
class Evidence:
    """What a check rests on.

    Attributes
    ----------
    hypotheses : tuple of (str, Verdict)
    refinements : tuple of RefinedQuantity
        The conclusion's quantities along the LP refinement.
    exact : tuple of (str, object)
        Exact quantities computed symbolically (e.g. ``integral x0 dF``).
    verifier : tuple of (int, float)
        Grid size and worst violation found by the independent verifier.
    counterexample : dict or None
    bulow : BulowVerdict or None
    """

    hypotheses: Tuple[Tuple[str, Verdict], ...] = ()
    refinements: Tuple[RefinedQuantity, ...] = ()
    exact: Tuple[Tuple[str, Any], ...] = ()
    verifier: Tuple[Tuple[int, float], ...] = ()
    counterexample: Optional[Dict[str, Any]] = None
    bulow: Optional[BulowVerdict] = None

    def refinement(self, name: str) -> RefinedQuantity:
        """The refined quantity called ``name``."""
        for r in self.refinements:
            if r.name == name:
                return r
        raise KeyError(name)

    def to_dict(self) -> dict:
        cx = self.counterexample
        return {"hypotheses": [{"name": n, **vd.to_dict()} for n, vd in self.hypotheses],
                "refinements": [r.to_dict() for r in self.refinements],
                "exact": [[n, str(x)] for n, x in self.exact],
                "verifier": [[int(n), float(w)] for n, w in self.verifier],
                "counterexample": None if cx is None else {str(k): _jsonable(x) for k, x in cx.items()},
                "bulow": None if self.bulow is None else self.bulow.to_dict()}


def _jsonable(x: Any) -> Any:
    if isinstance(x, (bool, int, str)) or x is None:
        return x
    if isinstance(x, float):
        return x
    if isinstance(x, (list, tuple)):
        return [_jsonable(y) for y in x]
    return str(x)


@dataclass(frozen=True)
class PropositionCheck:
    """The outcome of checking a proposition on a distribution in a setting.

    Attributes
    ----------
    proposition : Proposition
    distribution : Distribution
    setting : CheckSetting
    status : str
        ``"proved"`` (symbolic argument, see ``steps``), ``"confirmed"`` (hypotheses hold,
        the conclusion holds in the limit of the refinement), ``"refuted"`` (hypotheses hold,
        the conclusion fails in the limit; see ``evidence.counterexample``),
        ``"hypotheses_fail"`` or ``"undecided"``.
    conclusion : Verdict
        The conclusion itself (method ``"symbolic"`` or ``"sampled"``).
    evidence : Evidence
    steps : tuple of (claim, reason)
    condition : sympy Boolean
        Parameter condition under which the status applies (``true`` without parameters).
    notes : tuple of str
    """

    proposition: "Proposition"
    distribution: Distribution
    setting: CheckSetting
    status: str
    conclusion: Verdict
    evidence: Evidence
    steps: Tuple[Tuple[Any, str], ...] = ()
    condition: Any = sp.true
    notes: Tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.status not in CHECK_STATUSES:
            raise ValueError(f"status must be one of {CHECK_STATUSES}, got {self.status!r}")

    @property
    def hypotheses(self) -> Tuple[Tuple[str, Verdict], ...]:
        return self.evidence.hypotheses

    def to_dict(self) -> dict:
        return {"proposition": self.proposition.key, "statement": self.proposition.statement,
                "distribution": self.distribution.to_dict(), "setting": self.setting.to_dict(),
                "status": self.status, "conclusion": self.conclusion.to_dict(),
                "evidence": self.evidence.to_dict(), "steps": [[claim_text(c), r] for c, r in self.steps],
                "condition": str(self.condition), "notes": list(self.notes)}

    def latex(self) -> str:
        p = self.proposition
        out = [rf"\paragraph{{{_tex_text(p.name)}}} {_tex_text(p.statement)}", "",
               rf"\noindent Distribution: ${self.distribution.latex()}$. Setting: {_tex_text(str(self.setting))}.", "",
               rf"\noindent\textbf{{Status: {self.status.replace('_', ' ')}}}"
               + ("" if self.condition in (sp.true, True) else rf" for ${sp.latex(self.condition)}$") + ".",
               "", r"\begin{itemize}"]
        for name, vd in self.evidence.hypotheses:
            out.append(rf"\item Hypothesis {_tex_text(name)}: ${vd.latex()}$")
        out.append(rf"\item Conclusion: ${self.conclusion.latex()}$")
        out.append(r"\end{itemize}")
        if self.steps:
            out.append(r"\begin{enumerate}")
            for claim, reason in self.steps:
                c = f"${sp.latex(claim)}$" if isinstance(claim, sp.Basic) else _tex_text(str(claim))
                out.append(rf"\item {c} \hfill \emph{{{_tex_text(reason)}}}")
            out.append(r"\end{enumerate}")
        if self.evidence.refinements:
            out += [r"\begin{tabular}{l" + "r" * len(self.evidence.refinements[0].grids) + "rl}",
                    "quantity & " + " & ".join(f"$n={n}$" for n in self.evidence.refinements[0].grids)
                    + r" & limit & \\ \hline"]
            for r in self.evidence.refinements:
                out.append(_tex_text(r.name) + " & " + " & ".join(f"{x:.4g}" for x in r.values)
                           + f" & ${r.limit:.3g} \\pm {r.error:.1g}$ & {r.judgement}" + r" \\")
            out.append(r"\end{tabular}")
        if self.evidence.counterexample:
            out.append(r"\noindent Counterexample: " + _tex_text(
                "; ".join(f"{k}: {v}" for k, v in self.evidence.counterexample.items())))
        return "\n".join(out)

    def _repr_latex_(self) -> str:
        return self.latex()

    def __str__(self) -> str:
        p = self.proposition
        head = f"{p.name}: {self.status.upper()}"
        if self.condition not in (sp.true, True):
            head += f" (for {self.condition})"
        out = [head, f"  statement: {p.statement}", f"  distribution: {self.distribution}",
               f"  setting: {self.setting}"]
        for name, vd in self.evidence.hypotheses:
            out.append(f"  hypothesis {name}: {_word(vd)} [{vd.method}]"
                       + ("" if vd.condition in (sp.true, sp.false, None) else f" iff {vd.condition}"))
        out.append(f"  conclusion: {_word(self.conclusion)} [{self.conclusion.method}]"
                   + (f" - {self.conclusion.certificate.reason}" if self.conclusion.certificate else ""))
        for i, (c, r) in enumerate(self.steps, 1):
            out.append(f"  {i}. {claim_text(c)}   ({r})")
        for r in self.evidence.refinements:
            out.append(f"  {r}")
        for n, x in self.evidence.exact:
            out.append(f"  {n} = {x}")
        if self.evidence.verifier:
            worst = max(w for _, w in self.evidence.verifier)
            out.append(f"  verifier: worst violation {worst:.1e} over {len(self.evidence.verifier)} LP solutions")
        if self.evidence.counterexample:
            out.append("  counterexample: " + "; ".join(f"{k}: {v}" for k, v in self.evidence.counterexample.items()))
        for n in self.notes:
            out.append(f"  note: {n}")
        return "\n".join(out)


def _word(vd: Verdict) -> str:
    return {True: "holds", False: "fails", None: "undecided"}[vd.holds]


def _tex_text(s: str) -> str:
    rep = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
           "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}
    return "".join(rep.get(ch, ch) for ch in s)


@dataclass(frozen=True)
class Hypothesis:
    """A hypothesis of a proposition: a name, its text, and a decision procedure.

    ``decide(d, setting)`` returns a :class:`~symmech.verdict.Verdict`.
    """

    name: str
    text: str
    decide: Callable[[Distribution, CheckSetting], Verdict] = field(repr=False, compare=False)


@dataclass(frozen=True)
class Proposition:
    """A statement of the paper with its hypotheses and a conclusion check.

    Examples
    --------
    >>> PROP1.key, [h.name for h in PROP1.hypotheses]
    ('PROP1', ['alpha = 0', 'no make-whole payments', 'demand concave'])
    """

    key: str
    name: str
    statement: str
    hypotheses: Tuple[Hypothesis, ...]
    conclusion: str
    source: str
    _check: Callable[..., PropositionCheck] = field(repr=False, compare=False)

    def check(self, d: Distribution, **setting: Any) -> PropositionCheck:
        """Same as ``check(self, d, **setting)``."""
        return check(self, d, **setting)

    def to_dict(self) -> dict:
        return {"key": self.key, "name": self.name, "statement": self.statement,
                "hypotheses": [{"name": h.name, "text": h.text} for h in self.hypotheses],
                "conclusion": self.conclusion, "source": self.source}

    def __str__(self) -> str:
        return f"{self.name}. {self.statement}"


def check(prop: Proposition, d: Distribution, **setting: Any) -> PropositionCheck:
    """Check ``prop`` for the distribution ``d`` in a setting.

    Parameters
    ----------
    prop : Proposition
        ``PROP1``, ``PROP2``, ``PROP3`` or ``BULOW_THEOREM``.
    d : Distribution
    **setting
        ``alpha`` (default 0), ``capacity``, ``status_quo``, ``make_whole`` (default False)
        as in ``optimal_mechanism``; ``grids`` (default ``(50, 100, 200, 400)``; at least
        three sizes; ``None`` for symbolic only); ``symbolic`` (default True: try the
        symbolic argument first; False: decide from the refinement alone).

    Returns
    -------
    PropositionCheck

    Examples
    --------
    >>> import symmech as sm
    >>> c = sm.check(sm.propositions.PROP1, sm.families.Uniform(0, 1), capacity=0.3, grids=None)
    >>> c.status
    'proved'
    """
    if not isinstance(prop, Proposition):
        raise InvalidParameter(f"check needs a Proposition (PROP1, PROP2, PROP3, BULOW_THEOREM), got {prop!r}")
    if not isinstance(d, Distribution):
        raise InvalidParameter(f"check needs a Distribution, got {type(d).__name__}")
    return prop._check(prop, d, _setting(setting))


# ====================================================================== hypotheses
def _fact(statement: str, holds: bool, reason: str) -> Verdict:
    return Verdict(statement, holds, sp.true if holds else sp.false, "symbolic", Certificate(None, reason))


def _h_alpha(d: Distribution, s: CheckSetting) -> Verdict:
    a = s.alpha
    if a.free_symbols:
        return Verdict("alpha = 0", None, sp.Eq(a, 0), "symbolic", Certificate(a, "alpha is symbolic"))
    return _fact("alpha = 0 (consumer-surplus maximisation)", a == 0, f"setting alpha = {a}")


def _h_mw(d: Distribution, s: CheckSetting) -> Verdict:
    return _fact("no make-whole payments (t >= 0)", not s.make_whole, f"setting make_whole = {s.make_whole}")


def _h_concave_demand(d: Distribution, s: CheckSetting) -> Verdict:
    return _shape(d).cdf_convex


def _h_lo_positive(d: Distribution, s: CheckSetting) -> Verdict:
    lo = sp.sympify(d.lo)
    stmt = f"lowest value lo = {lo} > 0"
    if lo.free_symbols:
        return Verdict(stmt, None if lo.is_positive is None else bool(lo.is_positive), sp.Gt(lo, 0), "symbolic",
                       Certificate(lo, "lo is symbolic"))
    return _fact(stmt, bool(lo > 0), f"support [{d.lo}, {d.hi}]")


def _h_log_concave_density(d: Distribution, s: CheckSetting) -> Verdict:
    return _shape(d).pdf_log_concave


def _h_support_from_zero(d: Distribution, s: CheckSetting) -> Verdict:
    lo, hi = (sp.sympify(b) for b in d.support)
    ok = lo == 0 and hi.is_finite is not False
    return _fact(f"support [0, hi] with hi finite (got [{lo}, {hi}])", bool(ok), "the theorem's model")


def _shape(d: Distribution):
    return shape_report(d)


def _decide_hypotheses(prop: Proposition, d: Distribution, s: CheckSetting):
    out = tuple((h.name, h.decide(d, s)) for h in prop.hypotheses)
    failed = [n for n, vd in out if vd.holds is False]
    open_ = [n for n, vd in out if vd.holds is None]
    return out, failed, open_


# ====================================================================== status quo
@dataclass(frozen=True)
class _StatusQuo:
    x0: Any      # allocation expression (None if unknown)
    U0: Any      # payoff expression (None if unknown)
    name: str


def _status_quo(d: Distribution, sq: Any) -> _StatusQuo:
    V = d.var
    if sq is None:
        return _StatusQuo(sp.Integer(0), sp.Integer(0), "none")
    if isinstance(sq, str):
        if sq.replace("-", "_").replace(" ", "_") == "war_of_attrition":
            # two players: x0 = F, U0 = integral_lo^v F (THEORY section 5)
            return _StatusQuo(d.cdf, _war_of_attrition_payoff(d, [], 4.0), "war of attrition")
        return _StatusQuo(None, None, sq)
    if hasattr(sq, "allocation") and hasattr(sq, "payoff"):
        return _StatusQuo(_on_var(sq.allocation, sq, V), _on_var(sq.payoff, sq, V), getattr(sq, "name", str(sq)))
    if isinstance(sq, tuple) and len(sq) == 2:
        x0, t0 = (sp.sympify(e) for e in sq)
        return _StatusQuo(x0, V * x0 - t0, "(x0, t0)")
    if isinstance(sq, sp.Expr):
        return _StatusQuo(sp.diff(sq, V), sq, "U0")
    return _StatusQuo(None, None, str(sq))


def _on_var(expr: Any, m: Any, V: sp.Symbol) -> sp.Expr:
    expr = sp.sympify(expr)
    var = getattr(m, "var", None)
    if var is not None and var != V:
        expr = expr.xreplace({var: V})
    return expr


# ====================================================================== LP along a refinement
@dataclass(frozen=True)
class _Grid:
    """One LP solution reduced to arrays: types, cell masses, x, t, U, U0 and verifier result."""

    n: int
    v: np.ndarray
    p: np.ndarray
    x: np.ndarray
    t: np.ndarray
    U: np.ndarray
    objective: float
    violation: float
    solution: Any


def _solve(d: Distribution, s: CheckSetting, n: int) -> _Grid:
    from .optimize import optimal_mechanism, verify_mechanism
    sol = optimal_mechanism(d, alpha=s.alpha, capacity=s.capacity, status_quo=s.status_quo,
                            make_whole=s.make_whole, grid=n)
    rep = verify_mechanism(sol)
    v = np.asarray(sol.grid, dtype=float)
    p = np.asarray(sol.masses, dtype=float)
    x = np.asarray(sol.x, dtype=float)
    t = np.asarray(sol.t, dtype=float)
    U = np.asarray(sol.U, dtype=float)
    worst = float(getattr(rep, "worst_violation", rep))
    return _Grid(n, v, p, x, t, U, float(sol.objective), worst, sol)


def _solve_all(d: Distribution, s: CheckSetting) -> List[_Grid]:
    return [_solve(d, s, n) for n in s.grids]


def _refined(name: str, grids: Sequence[int], values: Sequence[float], atol: float) -> RefinedQuantity:
    from .optimize import refine
    table = dict(zip(grids, values))
    r = refine(lambda n: table[n], tuple(grids))
    order = getattr(r, "order", None)
    order = None if order is None or not math.isfinite(float(order)) else float(order)
    j = judge_limit(values, r.limit, r.error, atol=atol)
    return RefinedQuantity(name, tuple(grids), tuple(float(x) for x in values), float(r.limit), float(r.error),
                           order, j)


def _verifier(grids: Sequence[_Grid]) -> Tuple[Tuple[int, float], ...]:
    return tuple((g.n, g.violation) for g in grids)


def _verified(grids: Sequence[_Grid]) -> bool:
    return all(g.violation <= VIOLATION_TOL for g in grids)


# ====================================================================== the lottery argument
def _lottery_argument(d: Distribution, s: CheckSetting, sq: _StatusQuo, mhr_reason: Optional[str]):
    """Steps proving that the lottery ``x = Q`` at price 0 is optimal, or None with the reason.

    Valid for ``alpha = 0``, ``t >= 0``, ``lo >= 0``: the objective is
    ``integral x (1 - F) dv + U(lo)``; with ``(1 - F)/f`` nonincreasing, Chebyshev's integral
    inequality bounds it by ``m E[v] <= Q E[v]`` (m the mass allocated), which the lottery
    attains; it is optimal once it satisfies the Pareto constraint ``Q v >= U0(v)``.
    """
    V, Q = d.var, s.capacity
    lo, hi = (sp.sympify(b) for b in d.support)
    if lo.is_negative or hi.is_finite is False or Q is None or sq.U0 is None:
        return None, "the lottery argument needs lo >= 0, a bounded support, a capacity and a known U0"
    if mhr_reason is None:
        return None, "(1 - F)/f is not known to be nonincreasing"
    E = _mean(d, lo, hi, 4.0)
    pi = _lottery_pi(d, Q, sq.U0, lo, hi)
    if pi.holds is not True:
        why = "the lottery x = Q does not satisfy the Pareto constraint" if pi.holds is False else \
            "could not decide whether the lottery satisfies the Pareto constraint"
        return None, why
    value = sp.nsimplify(Q) * E.value if E.is_exact else float(Q) * float(E.value)
    steps = (
        ("objective = integral_lo^hi x(v) (1 - F(v)) dv + U(lo)",
         "alpha = 0: envelope theorem, J_0 f = 1 - F (THEORY section 2)"),
        ("(1 - F)/f is nonincreasing on the support", mhr_reason),
        (f"every IC mechanism with t >= 0 and m = integral x dF <= Q = {Q} has objective <= m E[v] <= Q E[v]",
         "Chebyshev's integral inequality (x nondecreasing, (1 - F)/f nonincreasing): "
         "integral x (1-F) dv <= m (E[v] - lo); U(lo) <= lo x(lo) <= lo m; E[v] >= 0"),
        (f"the lottery x = Q, t = 0 has objective Q E[v] = {value}", "it attains the bound"),
        (f"Q v - U0(v) >= 0 on [{lo}, {hi}]", pi.certificate.reason if pi.certificate else "sign ladder"),
        ("the lottery x = Q at price 0 is an optimal Pareto-improving mechanism",
         "it attains the upper bound of the problem without (PI) and satisfies (C), (MW) and (PI)"),
    )
    return steps, ""


def _lottery_pi(d: Distribution, Q: Any, U0: sp.Expr, lo: sp.Expr, hi: sp.Expr) -> Verdict:
    """``Q v - U0(v) >= 0`` on the support."""
    from .signs import sign_on
    V = d.var
    stmt = "the lottery Q v weakly exceeds the status quo payoff U0(v)"
    g = sp.nsimplify(Q) * V - U0
    vd = sign_on(g, V, (lo, hi), relation=">=", params=d.params, assumptions=d.assumptions, statement=stmt)
    if vd.holds is not None:
        return vd
    # A status quo built by symmech is IC, so U0 is convex and Q v - U0 concave: the sign
    # at the two ends decides (checked exactly).
    ends = [g.subs(V, lo), g.subs(V, hi)]
    signs = [_sign_of_number(e) for e in ends]
    convex = _convex(U0, V, lo, hi, d)
    if convex and all(si is not None and si >= 0 for si in signs):
        return Verdict(stmt, True, sp.true, "symbolic",
                       Certificate(g, f"U0 convex, so Q v - U0 is concave; its end values {ends} are >= 0"))
    return vd


def _convex(U0: sp.Expr, V: sp.Symbol, lo: sp.Expr, hi: sp.Expr, d: Distribution) -> bool:
    from .signs import is_convex
    try:
        return is_convex(U0, V, (lo, hi), params=d.params, assumptions=d.assumptions).holds is True
    except SymmechError:
        return False


def _mhr_reason(d: Distribution, via_concave_demand: bool) -> Optional[str]:
    r = _shape(d)
    if via_concave_demand and r.cdf_convex.holds is True:
        return "demand concave, hence log-concave (Bagnoli & Bergstrom 2005): the hazard f/(1-F) is nondecreasing"
    if r.demand_log_concave.holds is True:
        return "demand is log-concave (MHR), decided by the sign ladder"
    if r.pdf_log_concave.holds is True:
        return "f log-concave implies 1 - F log-concave (An 1998; Bagnoli & Bergstrom 2005, Thm 3)"
    return None


# ====================================================================== Proposition 1
def _check_prop1(prop: Proposition, d: Distribution, s: CheckSetting) -> PropositionCheck:
    stmt = "the optimum is the lottery x = Q at price 0"
    hyps, base = _begin(prop, d, s, stmt)
    if base is not None:
        return base
    sq = _status_quo(d, s.status_quo)
    steps: Tuple = ()
    notes: List[str] = []
    proved = False
    if s.symbolic:
        steps, why = _lottery_argument(d, s, sq, _mhr_reason(d, True))
        proved = steps is not None
        if not proved:
            steps = ()
            notes.append(f"symbolic argument did not go through: {why}")
    if s.grids is None:
        if proved:
            return PropositionCheck(prop, d, s, "proved", _concl(stmt, True, "symbolic", "lottery argument"),
                                    Evidence(hyps), tuple(steps), sp.true, tuple(notes))
        return _undecided(prop, d, s, hyps, stmt, notes + ["no refinement requested (grids=None)"])
    try:
        sols = _solve_all(d, s)
    except InfeasibleProblem as exc:
        return _infeasible(prop, d, s, hyps, stmt, exc)
    Q = float(s.capacity)
    V = d.var
    lottery = _mean(d, sp.sympify(d.lo), sp.sympify(d.hi), 4.0)
    lottery_value = sp.nsimplify(s.capacity) * lottery.value if lottery.is_exact else Q * float(lottery.value)
    l1 = [float(g.p @ np.abs(g.x - Q)) for g in sols]
    tmax = [float(max(0.0, np.max(g.t))) for g in sols]
    sup = [float(np.max(np.abs(g.x - Q))) for g in sols]
    gap = [abs(g.objective - float(lottery_value)) for g in sols]
    hi = float(sp.N(d.hi))
    refs = (_refined("integral |x - Q| dF", s.grids, l1, 1e-6),
            _refined("max t", s.grids, tmax, 1e-6 * max(1.0, hi)),
            _refined("|LP objective - Q E[v]|", s.grids, gap, 1e-6 * max(1.0, hi)),
            _refined("max |x - Q| (grid sup, information only)", s.grids, sup, 1e-6))
    ev = Evidence(hyps, refs, (("Q", s.capacity), ("Q E[v] (lottery value)", lottery_value)), _verifier(sols))
    j1 = refs[0].judgement if refs[2].judgement == "zero" else (
        "positive" if refs[2].judgement == "positive" else "unclear")
    j2 = refs[1].judgement
    if not _verified(sols):
        return _status(prop, d, s, "undecided", stmt, None, ev, steps, notes + ["an LP solution failed verification"])
    if j1 == "zero" and j2 == "zero":
        status = "proved" if proved else "confirmed"
        method = "symbolic" if proved else "sampled"
        reason = "lottery argument; the refinement agrees" if proved else \
            "integral |x - Q| dF and max t vanish in the limit of the refinement"
        return _status(prop, d, s, status, stmt, True, ev, steps, notes, method, reason)
    if j1 == "positive" or j2 == "positive":
        if proved:
            return _status(prop, d, s, "undecided", stmt, None, ev, steps,
                           notes + ["the symbolic argument and the refinement disagree: please report"])
        g = sols[-1]
        cx = {"grid": g.n, "x range": (float(g.x.min()), float(g.x.max())), "max t": float(g.t.max()),
              "integral |x - Q| dF (limit)": refs[0].limit}
        ev = replace(ev, counterexample=cx)
        return _status(prop, d, s, "refuted", stmt, False, ev, steps, notes, "sampled",
                       "the optimum stays away from the lottery in the limit")
    status = "proved" if proved else "undecided"
    return _status(prop, d, s, status, stmt, True if proved else None, ev, steps,
                   notes + ["the refinement does not settle the limit"], "symbolic" if proved else "sampled",
                   "lottery argument" if proved else "refinement inconclusive")


# ====================================================================== Proposition 2
def _check_prop2(prop: Proposition, d: Distribution, s: CheckSetting) -> PropositionCheck:
    stmt = "a positive mass of goods is allocated at price 0"
    hyps, base = _begin(prop, d, s, stmt)
    if base is not None:
        return base
    sq = _status_quo(d, s.status_quo)
    steps: Tuple = ()
    notes: List[str] = []
    proved = False
    if s.symbolic:
        lot, why = _lottery_argument(d, s, sq, _mhr_reason(d, False))
        if lot is not None:
            steps = tuple(lot) + ((f"mass Q = {s.capacity} > 0 of goods is allocated at price 0",
                                   "the optimal lottery charges nothing"),)
            proved = True
        else:
            notes.append(f"symbolic argument did not go through: {why}")
    if s.grids is None:
        if proved:
            return PropositionCheck(prop, d, s, "proved", _concl(stmt, True, "symbolic", "lottery argument"),
                                    Evidence(hyps), steps, sp.true, tuple(notes))
        return _undecided(prop, d, s, hyps, stmt, notes + ["no refinement requested (grids=None)"])
    try:
        sols = _solve_all(d, s)
    except InfeasibleProblem as exc:
        return _infeasible(prop, d, s, hyps, stmt, exc)
    free = [_free_mass(g) for g in sols]
    refs = (_refined("mass of goods at price 0", s.grids, free, 1e-6),)
    ev = Evidence(hyps, refs, (), _verifier(sols))
    if not _verified(sols):
        return _status(prop, d, s, "undecided", stmt, None, ev, steps, notes + ["an LP solution failed verification"])
    j = refs[0].judgement
    if j == "positive":
        status = "proved" if proved else "confirmed"
        return _status(prop, d, s, status, stmt, True, ev, steps, notes, "symbolic" if proved else "sampled",
                       "lottery argument; the refinement agrees" if proved else
                       "the free mass stays bounded away from 0 along the refinement")
    if j == "zero":
        if proved:
            return _status(prop, d, s, "undecided", stmt, None, ev, steps,
                           notes + ["the symbolic argument and the refinement disagree: please report"])
        cx = {"grid": sols[-1].n, "free mass (limit)": refs[0].limit, "free mass (sequence)": refs[0].values}
        return _status(prop, d, s, "refuted", stmt, False, replace(ev, counterexample=cx), steps, notes, "sampled",
                       "the mass allocated at price 0 vanishes in the limit")
    return _status(prop, d, s, "proved" if proved else "undecided", stmt, True if proved else None, ev, steps,
                   notes + ["the refinement does not settle the limit"], "symbolic" if proved else "sampled",
                   "lottery argument" if proved else "refinement inconclusive")


def _free_mass(g: _Grid) -> float:
    """Mass of goods ``sum p x`` over types that pay nothing (grid-aware tolerance).

    A price that is zero in the continuum can show up on a grid as an O(1/n) payment (the
    lowest type excluded, THEORY section 4), so payments up to one grid spacing count as 0.
    """
    h = float(np.max(np.diff(g.v))) if g.n > 1 else 1.0
    tol = max(_LP_TOL, h)
    sel = (g.t <= tol) & (g.x > _LP_TOL)
    return float(g.p[sel] @ g.x[sel])


# ====================================================================== Proposition 3
def _check_prop3(prop: Proposition, d: Distribution, s: CheckSetting) -> PropositionCheck:
    stmt = ("certain allocation (x = 1) to a positive mass of types outside x0^{-1}(1) "
            "iff integral x0 dF < Q")
    hyps, base = _begin(prop, d, s, stmt)
    if base is not None:
        return base
    sq = _status_quo(d, s.status_quo)
    notes: List[str] = []
    if sq.x0 is None:
        return _undecided(prop, d, s, hyps, stmt, [f"the status quo {sq.name} has no allocation x0 to check against"])
    V = d.var
    lo, hi = (sp.sympify(b) for b in d.support)
    mass0 = _integral(sq.x0 * d.pdf, V, lo, hi)
    Q = s.capacity
    gap = (Q - mass0.value) if mass0.is_exact else float(Q) - float(mass0.value)
    sgn = _sign_of_number(gap) if mass0.is_exact else (None if abs(gap) < 1e-20 else (1 if gap > 0 else -1))
    rhs = None if sgn is None else sgn > 0
    cert_set = _certain_set_exact(sq.x0, V, lo, hi)
    exact = (("integral x0 dF", mass0.value), ("Q", Q), ("x0^{-1}(1)", cert_set))
    if s.grids is None:
        return _undecided(prop, d, s, hyps, stmt, ["the left side needs the LP refinement (grids=None)"])
    try:
        sols = _solve_all(d, s)
    except InfeasibleProblem as exc:
        return _infeasible(prop, d, s, hyps, stmt, exc)
    x0f = _numeric_fn(sq.x0, V)
    outside, lowest = [], []
    for g in sols:
        x0v = np.array([x0f(vi) for vi in g.v])
        certain = g.x >= 1 - _LP_TOL
        outside.append(float(g.p[certain & (x0v < 1 - 1e-12)].sum()))
        lowest.append(float(g.v[certain].min()) if certain.any() else float("nan"))
    refs = [_refined("mass of certain types outside x0^{-1}(1)", s.grids, outside, 1e-6)]
    if all(math.isfinite(x) for x in lowest):
        refs.append(_refined("lowest type with x = 1", s.grids, lowest, 1e-6))
    ev = Evidence(hyps, tuple(refs), exact, _verifier(sols))
    if not _verified(sols):
        return _status(prop, d, s, "undecided", stmt, None, ev, (), notes + ["an LP solution failed verification"])
    j = refs[0].judgement
    lhs = {"positive": True, "zero": False}.get(j)
    if lhs is None or rhs is None:
        why = "the refinement does not settle the left side" if lhs is None else \
            "integral x0 dF could not be compared with Q exactly"
        return _status(prop, d, s, "undecided", stmt, None, ev, (), notes + [why], "sampled", why)
    side = (f"integral x0 dF = {mass0.value} {'<' if rhs else '>='} Q = {Q}; the mass of types outside "
            f"x0^{{-1}}(1) = {cert_set} with x = 1 {'stays positive' if lhs else 'vanishes'} in the limit "
            f"({refs[0].limit:.3g} +- {refs[0].error:.2g})")
    if lhs == rhs:
        return _status(prop, d, s, "confirmed", stmt, True, ev, (), notes, "sampled",
                       "both sides agree in this instance: " + side)
    cx: Dict[str, Any] = {"direction": ("'if' fails: integral x0 dF < Q but no positive mass of types outside "
                                        "x0^{-1}(1) gets x = 1") if rhs else
                          ("'only if' fails: integral x0 dF >= Q yet a positive mass outside x0^{-1}(1) gets x = 1"),
                          "integral x0 dF": mass0.value, "Q": Q, "x0^{-1}(1)": cert_set,
                          "mass outside (sequence)": refs[0].values, "mass outside (limit)": refs[0].limit}
    if len(refs) > 1:
        cx["x = 1 only on"] = f"[{refs[1].limit:.4g} +- {refs[1].error:.1g}, {d.hi}] (refined)"
    elif not any(math.isfinite(x) for x in lowest):
        cx["x = 1 on"] = "no type on any grid (x < 1 everywhere)"
    notes.append("checked as transcribed; the slide may have lost words (THEORY section 3)")
    return _status(prop, d, s, "refuted", stmt, False, replace(ev, counterexample=cx), (), notes, "sampled",
                   "the statement as written fails in the limit: " + side)


def _certain_set_exact(x0: sp.Expr, V: sp.Symbol, lo: sp.Expr, hi: sp.Expr) -> str:
    """``x0^{-1}(1)`` within the support, written with closed brackets where it is an interval."""
    sol, ok = bounded(sp.solveset, sp.Eq(x0, 1), V, sp.Interval(lo, hi), seconds=4)
    if not ok or sol is None or isinstance(sol, sp.ConditionSet):
        return "{v : x0(v) = 1} (no closed form)"
    return _fmt_set(sol)


def _fmt_set(S: Any) -> str:
    if S is sp.EmptySet:
        return "empty"
    if isinstance(S, sp.Interval):
        return f"{'(' if S.left_open else '['}{S.start}, {S.end}{')' if S.right_open else ']'}"
    if isinstance(S, sp.Union):
        return " U ".join(_fmt_set(a) for a in S.args)
    return str(S)


def _numeric_fn(expr: sp.Expr, V: sp.Symbol) -> Callable[[float], float]:
    from .numeric import mp_callable
    f = mp_callable(expr, V)

    def g(x: float) -> float:
        with mpmath.workdps(30):
            val = f(mpmath.mpf(float(x)))
        return float(mpmath.re(val))

    return g


# ====================================================================== the theorem
def _check_bulow(prop: Proposition, d: Distribution, s: CheckSetting) -> PropositionCheck:
    r = _shape(d)
    lc = r.pdf_log_concave
    sup = _h_support_from_zero(d, s)
    convex = r.cdf_convex
    strictly = _strictly_concave(d, r)
    hyps = (("density log-concave", lc), ("support [0, hi]", sup), ("(i) F convex", convex),
            ("(ii) F strictly concave", strictly))
    notes: List[str] = []
    if lc.holds is False or sup.holds is False:
        return PropositionCheck(prop, d, s, "hypotheses_fail",
                                _concl("theorem applies", None, "symbolic", "a hypothesis fails"),
                                Evidence(hyps), (), sp.true, ())
    if d.params:
        return _check_bulow_parametric(prop, d, s, hyps, lc, convex, strictly)
    if lc.holds is None:
        return _undecided(prop, d, s, hyps, "theorem", ["log-concavity of the density is undecided"])
    if convex.holds is True:
        part = "(i)"
        b = bulow_puzzle(d, s.grids, lp=None)
        vd = b.split_optimal
        stmt = "(i) the immediate 50-50 split is the optimal Pareto-improving bargaining mechanism"
        holds = vd.holds
    elif strictly.holds is True:
        part = "(ii)"
        if s.grids is None:
            return _undecided(prop, d, s, hyps, "theorem (ii)", ["part (ii) needs the LP refinement (grids=None)"])
        b = bulow_puzzle(d, s.grids, lp=True)
        vd = b.strict_improvement
        stmt = "(ii) no bargaining mechanism strictly Pareto-dominates the war of attrition"
        holds = None if vd.holds is None else (not vd.holds)
    else:
        why = ("F is neither convex nor strictly concave: the theorem is silent"
               if convex.holds is False and strictly.holds is False else "convexity/concavity undecided")
        status = "hypotheses_fail" if convex.holds is False and strictly.holds is False else "undecided"
        b = bulow_puzzle(d, s.grids, lp=None) if status == "hypotheses_fail" else None
        return PropositionCheck(prop, d, s, status, _concl("theorem applies", None, "symbolic", why),
                                Evidence(hyps, bulow=b), (), sp.true, (why,))
    ev = Evidence(hyps, _bulow_refinements(b), (("E[U0] (war of attrition)", b.status_quo_value),
                                                ("E[v]/2 (split)", b.split_value),
                                                ("optimal ex ante payoff", b.optimal_value)),
                  () if b.refinement is None else tuple(zip(b.refinement.grids, b.refinement.violations)),
                  bulow=b)
    conc = Verdict(stmt, holds, sp.true, vd.method, vd.certificate, vd.counterexample, vd.notes)
    if holds is None:
        return PropositionCheck(prop, d, s, "undecided", conc, ev, b.steps, sp.true, (f"part {part} undecided",))
    if holds and vd.method == "symbolic":
        status = "proved"
    elif holds:
        status = "confirmed"
    else:
        status = "refuted"
        ev = replace(ev, counterexample={"part": part, "evidence": vd.certificate.reason if vd.certificate else ""})
    return PropositionCheck(prop, d, s, status, conc, ev, b.steps, sp.true, tuple(notes))


def _bulow_refinements(b: BulowVerdict) -> Tuple[RefinedQuantity, ...]:
    ref = b.refinement
    if ref is None:
        return ()
    g, o = ref.gain_limit, ref.objective_limit
    return (RefinedQuantity("raw LP gain over the war of attrition (per player)", ref.grids, ref.gain,
                            float(g.value), g.error, None, ref.gain_judgement),
            RefinedQuantity("LP ex ante payoff per player", ref.grids, ref.objective, float(o.value), o.error,
                            None, "positive"))


def _strictly_concave(d: Distribution, r: Any) -> Verdict:
    """F strictly concave: f' < 0 on the interior, or F concave, not linear, and analytic."""
    from .signs import sign_on
    V = d.var
    stmt = "F strictly concave on the support"
    conc, cvx = r.cdf_concave, r.cdf_convex
    if d.params:
        if conc.condition is None or cvx.condition is None:
            return Verdict(stmt, None, None, "symbolic", Certificate(None, "no condition found"))
        cond = sp.And(conc.condition, sp.Not(cvx.condition))
        cond, _ = bounded(sp.simplify, cond, seconds=3, fallback=cond)
        return Verdict(stmt, True if cond is sp.true else (False if cond is sp.false else None), cond, "symbolic",
                       Certificate(sp.diff(d.pdf, V), "concave and not linear (F analytic on the interior)"))
    if conc.holds is False:
        return Verdict(stmt, False, sp.false, conc.method, conc.certificate, conc.counterexample)
    lo, hi = d.support
    fp = sp.diff(d.pdf, V)
    vd = sign_on(fp, V, (lo, hi), relation="<", statement=stmt)
    if vd.holds is True:
        return vd
    if conc.holds is True and cvx.holds is False and not d.pdf.has(sp.Piecewise, sp.Min, sp.Max, sp.Abs):
        return Verdict(stmt, True, sp.true, "symbolic",
                       Certificate(fp, "F concave and not linear, f analytic on the interior: f' <= 0 vanishes "
                                       "only at isolated points, so F is strictly concave"))
    if conc.holds is True and cvx.holds is True:
        return Verdict(stmt, False, sp.false, "symbolic", Certificate(fp, "F is linear on the support"))
    return Verdict(stmt, None, sp.true, vd.method, vd.certificate, notes=("strict concavity undecided",))


def _check_bulow_parametric(prop, d, s, hyps, lc, convex, strictly) -> PropositionCheck:
    b = bulow_puzzle(d, None)
    so = b.split_optimal
    H1 = sp.And(lc.condition, convex.condition) if lc.condition is not None and convex.condition is not None else None
    H2 = sp.And(lc.condition, strictly.condition) if lc.condition is not None and strictly.condition is not None \
        else None
    ev = Evidence(hyps, (), (("optimal ex ante payoff", b.optimal_value),), (), bulow=b)
    notes = []
    if H1 is None or so.condition is None:
        return PropositionCheck(prop, d, s, "undecided", _concl("theorem (i)", None, "symbolic",
                                                               "parameter conditions not found"),
                                ev, b.steps, sp.true, ("parameter conditions not found",))
    implied = _equivalent(sp.And(H1, so.condition), H1, d)
    H2_empty = H2 is not None and _equivalent(H2, sp.false, d)
    stmt = "(i) the immediate 50-50 split is the optimal Pareto-improving bargaining mechanism"
    if implied and (H2_empty or H2 is sp.false):
        cond = H1
        simp, ok = bounded(sp.simplify, H1, seconds=3)
        if ok:
            cond = simp
        notes.append("part (ii) never applies: its hypotheses are incompatible with a log-concave density here")
        return PropositionCheck(prop, d, s, "proved",
                                Verdict(stmt, True if cond is sp.true else None, cond, "symbolic", so.certificate),
                                ev, b.steps, cond, tuple(notes))
    if implied:
        notes.append(f"part (i) proved where {H1}; part (ii) (where {H2}) needs numeric parameters and the LP")
    return PropositionCheck(prop, d, s, "undecided", Verdict(stmt, None, H1, "symbolic", so.certificate), ev,
                            b.steps, H1 if implied else sp.true, tuple(notes))


# ====================================================================== shared endings
def _concl(statement: str, holds: Optional[bool], method: str, reason: str) -> Verdict:
    cond = sp.true if holds is True else (sp.false if holds is False else sp.true)
    return Verdict(statement, holds, cond, method, Certificate(None, reason))


def _status(prop, d, s, status, stmt, holds, ev, steps, notes, method="sampled", reason=""):
    return PropositionCheck(prop, d, s, status, _concl(stmt, holds, method, reason), ev, tuple(steps), sp.true,
                            tuple(notes))


def _undecided(prop, d, s, hyps, stmt, notes) -> PropositionCheck:
    return PropositionCheck(prop, d, s, "undecided", _concl(stmt, None, "symbolic", "; ".join(notes)),
                            Evidence(hyps), (), sp.true, tuple(notes))


def _infeasible(prop, d, s, hyps, stmt, exc) -> PropositionCheck:
    vd = _fact("the problem is feasible (some mechanism satisfies (C), (MW) and (PI))", False, str(exc))
    return PropositionCheck(prop, d, s, "hypotheses_fail", _concl(stmt, None, "symbolic", str(exc)),
                            Evidence(hyps + (("feasible", vd),)), (), sp.true, (str(exc),))


def _begin(prop: Proposition, d: Distribution, s: CheckSetting, stmt: str):
    """Decide the hypotheses; return them with the finished check when they already settle it."""
    hyps, failed, open_ = _decide_hypotheses(prop, d, s)
    return hyps, _early(prop, d, s, hyps, failed, open_, stmt)


def _early(prop, d, s, hyps, failed, open_, stmt) -> Optional[PropositionCheck]:
    if s.capacity is None:
        raise InvalidParameter(f"{prop.name} needs a capacity: pass capacity=Q with 0 < Q < 1")
    if failed:
        return PropositionCheck(prop, d, s, "hypotheses_fail",
                                _concl(stmt, None, "symbolic", f"hypothesis fails: {', '.join(failed)}"),
                                Evidence(hyps), (), sp.true, tuple(f"{n} fails" for n in failed))
    if d.params:
        conds = [vd.condition for _, vd in hyps if vd.condition not in (None, sp.true)]
        cond = sp.And(*conds) if conds else sp.true
        return PropositionCheck(prop, d, s, "undecided",
                                _concl(stmt, None, "symbolic", "substitute parameter values to run the LP"),
                                Evidence(hyps), (), cond,
                                (f"hypotheses hold where {cond}; substitute parameter values to check the conclusion",))
    if open_:
        return _undecided(prop, d, s, hyps, stmt, [f"hypothesis undecided: {', '.join(open_)}"])
    return None


# ====================================================================== the objects
_H_ALPHA = Hypothesis("alpha = 0", "the principal maximises consumer surplus (alpha = 0)", _h_alpha)
_H_MW = Hypothesis("no make-whole payments", "payments are nonnegative, t(v) >= 0 (MW)", _h_mw)

PROP1 = Proposition(
    "PROP1", "Proposition 1",
    "If demand is concave, given any status quo, the CS-maximizing Pareto-improving mechanism sets a price "
    "of zero and allocates goods uniformly at random.",
    (_H_ALPHA, _H_MW, Hypothesis("demand concave", "demand 1 - F is concave (F convex)", _h_concave_demand)),
    "x = Q and t = 0 (in the limit of the refinement: integral |x - Q| dF -> 0 and max t -> 0)",
    "Kang & Skrzypacz (2025), money burning, Proposition 1",
    _check_prop1)

PROP2 = Proposition(
    "PROP2", "Proposition 2",
    "If lo > 0, given any status quo, the CS-maximizing Pareto-improving mechanism allocates a positive mass "
    "of goods at a price of zero.",
    (_H_ALPHA, _H_MW, Hypothesis("lo > 0", "the lowest value is positive", _h_lo_positive)),
    "the mass of goods allocated at price 0 stays bounded away from 0 along the refinement",
    "Kang & Skrzypacz (2025), money burning, Proposition 2",
    _check_prop2)

PROP3 = Proposition(
    "PROP3", "Proposition 3",
    "Given any status quo mechanism (x0, t0), the CS-maximizing Pareto-improving mechanism offers certain "
    "allocation to a positive mass of consumers with values v not in x0^{-1}(1) if and only if "
    "integral x0 dF < Q.",
    (_H_ALPHA, _H_MW),
    "(mass of types outside x0^{-1}(1) with x = 1 is positive in the limit) iff (integral x0 dF < Q)",
    "Kang & Skrzypacz (2025), money burning, Proposition 3 (as transcribed; THEORY section 3)",
    _check_prop3)

BULOW_THEOREM = Proposition(
    "BULOW_THEOREM", "Theorem (Bulow puzzle)",
    "If the density f is log-concave: (i) when F is convex, the optimal Pareto-improving bargaining mechanism "
    "is an immediate 50-50 split; (ii) when F is strictly concave, no bargaining mechanism strictly "
    "Pareto-dominates the unique symmetric equilibrium of the war of attrition.",
    (Hypothesis("density log-concave", "f is log-concave", _h_log_concave_density),
     Hypothesis("support [0, hi]", "values on [0, hi], hi finite", _h_support_from_zero)),
    "(i) split optimal; (ii) the LP gain over the war of attrition vanishes in the limit",
    "Kang & Skrzypacz (2025), The Bulow Puzzle Resolved",
    _check_bulow)

#: all propositions by key
PROPOSITIONS = {p.key: p for p in (PROP1, PROP2, PROP3, BULOW_THEOREM)}
