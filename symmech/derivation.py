"""Verified step-by-step derivations and their renderers (issue 5).

A :class:`Derivation` is a title, a :class:`DerivationSetting` (distribution, parameters,
assumptions) and a tuple of :class:`Step` objects. Every step holds a claim with SymPy
content (an equation, an inequality, a :class:`Definition` or a :class:`Statement`), a
justification in words and a rule from :data:`STEP_RULES`. Building a derivation checks every
step and records a :class:`Verification`:

* equalities: ``lhs - rhs`` is reduced to zero by budgeted SymPy routes (``cancel``,
  ``simplify``, ``logcombine``/``expand_log`` with the support and parameter domains
  substituted through positive dummies, the fundamental theorem of calculus for
  integrals with a variable limit, minimal polynomials for constants) -> ``symbolic``,
  cross-checked at two points with mpmath; otherwise both sides are evaluated with mpmath
  at 50 (and 65) digits at several points of the support and several parameter values
  drawn in their domain -> ``numeric``; a discrepancy -> ``failed``;
* inequalities on an interval: :func:`symmech.signs.sign_on` (the decision ladder); a
  proof is ``symbolic`` (the ladder proved it, symbolically or by interval arithmetic),
  undecided falls back to 50-digit sampling (``numeric``, never a proof); a refutation or a
  sampled violation -> ``failed``;
* definitions introduce notation (later claims are checked with the definitions expanded);
* statements with a SymPy Boolean over the parameters are checked by comparing solution
  sets (univariate) or by sampling.

Renderers: :meth:`Derivation.to_latex` (standalone document or fragment),
:meth:`Derivation.to_markdown`, Jupyter reprs and :meth:`Derivation.write`. Rendering a
derivation with a failed or unchecked step raises :class:`UnverifiedDerivation` unless
``allow_unverified=True``, in which case the document carries a visible warning. Output is
byte-stable: no timestamps, deterministic point choices and ordering.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

import mpmath
import sympy as sp
from sympy.core.function import AppliedUndef
from sympy.core.relational import Relational
from sympy.logic.boolalg import Boolean, BooleanAtom, conjuncts
from sympy.printing.latex import LatexPrinter

from .budget import bounded
from .errors import BudgetExceeded, InvalidParameter, SymmechError
from .numeric import mp_callable

__all__ = [
    "STEP_RULES", "STEP_STATUSES", "Definition", "Statement", "equation", "Verification", "Step",
    "DerivationSetting", "Derivation", "Document", "WriteResult", "UnverifiedDerivation", "latex_expr",
]

#: the fixed vocabulary of rules a step may cite
STEP_RULES = (
    "definition",
    "envelope theorem",
    "integration by parts",
    "substitution",
    "first-order condition",
    "sign analysis",
    "fundamental theorem of calculus",
    "simplification",
    "differentiation",
    "integration",
    "algebra",
    "root",
    "cited result",
)

#: the possible outcomes of a step's check
STEP_STATUSES = ("symbolic", "numeric", "failed", "unchecked")

#: check modes a step may request
CHECK_MODES = ("auto", "symbolic", "numeric", "none")

#: working precision of the numeric checks, and the second precision used to tell a real
#: discrepancy from round-off
NUMERIC_DPS = 50
_DPS_HIGH = 65
#: relative discrepancy above which a numeric check fails
_FAIL_TOL = mpmath.mpf(10) ** -30
#: seconds of symbolic work granted to one step
STEP_BUDGET = 4.0

_V = sp.Symbol("v", real=True)


class UnverifiedDerivation(SymmechError):
    """A derivation with a failed or unchecked step was rendered without ``allow_unverified``."""


# ---------------------------------------------------------------------------- claims
@dataclass(frozen=True)
class Definition:
    """A definition ``lhs := rhs`` introducing notation (a Symbol or an applied ``Function``).

    Examples
    --------
    >>> import sympy as sp
    >>> v = sp.Symbol("v", real=True)
    >>> Definition(sp.Function("U")(v), v**2 / 2).lhs
    U(v)
    """

    lhs: Any
    rhs: Any

    def __post_init__(self) -> None:
        lhs, rhs = sp.sympify(self.lhs), sp.sympify(self.rhs)
        ok = isinstance(lhs, sp.Symbol) or (isinstance(lhs, AppliedUndef)
                                            and all(isinstance(a, sp.Symbol) for a in lhs.args)
                                            and len(set(lhs.args)) == len(lhs.args))
        if not ok:
            raise InvalidParameter(f"a Definition needs a Symbol or F(symbols) on the left, got {lhs}")
        object.__setattr__(self, "lhs", lhs)
        object.__setattr__(self, "rhs", rhs)


@dataclass(frozen=True)
class Statement:
    """A statement in words with optional SymPy content (a Boolean over the parameters).

    Examples
    --------
    >>> import sympy as sp
    >>> k = sp.Symbol("k", positive=True)
    >>> Statement(sp.Equivalent(k >= 1, k**2 >= 1), "the two conditions agree").text
    'the two conditions agree'
    """

    expr: Any
    text: str = ""

    def __post_init__(self) -> None:
        if self.expr is not None:
            object.__setattr__(self, "expr", sp.sympify(self.expr))
        if not isinstance(self.text, str):
            raise InvalidParameter(f"Statement.text must be a string, got {self.text!r}")


def equation(lhs: Any, rhs: Any) -> sp.Equality:
    """``Eq(lhs, rhs)`` that is never evaluated to ``True``/``False`` before it is shown.

    Examples
    --------
    >>> import sympy as sp
    >>> x = sp.Symbol("x")
    >>> equation(x, x)
    Eq(x, x)
    """
    return sp.Eq(sp.sympify(lhs), sp.sympify(rhs), evaluate=False)


# ---------------------------------------------------------------------------- verification
@dataclass(frozen=True)
class Verification:
    """How a step was checked.

    Attributes
    ----------
    status : str
        ``"symbolic"`` (proved), ``"numeric"`` (agrees at the points, not a proof),
        ``"failed"`` (a discrepancy or refutation was found) or ``"unchecked"``.
    method : str
        One line saying what was done (the route that succeeded, the points used).
    digits : int or None
        Worst number of agreeing significant digits over the numeric points.
    points : tuple
        The numeric points, each a tuple of ``(name, value)`` pairs (values as strings).
    counterexample : tuple or None
        For a failure, the point where it failed, as ``(name, value)`` pairs.
    notes : tuple of str
        Budgets that expired and other remarks.
    """

    status: str
    method: str
    digits: Optional[int] = None
    points: Tuple[Tuple[Tuple[str, str], ...], ...] = ()
    counterexample: Optional[Tuple[Tuple[str, str], ...]] = None
    notes: Tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.status not in STEP_STATUSES:
            raise InvalidParameter(f"Verification.status must be one of {STEP_STATUSES}, got {self.status!r}")

    @property
    def ok(self) -> bool:
        """True when the check passed (symbolically or numerically)."""
        return self.status in ("symbolic", "numeric")

    def describe(self) -> str:
        """A one-line description for footers."""
        text = f"{self.status}: {self.method}"
        if self.counterexample:
            text += "; fails at " + ", ".join(f"{k} = {v}" for k, v in self.counterexample)
        if self.notes:
            text += " (" + "; ".join(self.notes) + ")"
        return text

    def to_dict(self) -> dict:
        return {"status": self.status, "method": self.method, "digits": self.digits,
                "points": [dict(p) for p in self.points],
                "counterexample": None if self.counterexample is None else dict(self.counterexample),
                "notes": list(self.notes)}


# ---------------------------------------------------------------------------- steps
@dataclass(frozen=True)
class Step:
    """One claim of a derivation, its justification and (after checking) its verification.

    Parameters
    ----------
    claim : Eq, relational, Definition or Statement
        SymPy content of the step. Build equations with :func:`equation` (or
        ``Eq(..., evaluate=False)``) so that they are not evaluated away.
    justification : str
        Why the claim holds, in words; ``$...$`` segments are typeset as math.
    rule : str
        One of :data:`STEP_RULES`; ``"cited result"`` needs ``citation``.
    check : str
        ``"auto"`` (symbolic, else numeric), ``"symbolic"`` (no numeric fallback),
        ``"numeric"`` (skip the symbolic routes) or ``"none"`` (leave unchecked).
    verification : Verification or None
        Filled in by :class:`Derivation`; a value given here is replaced by the engine's.
    citation : str
        Source of a cited result, e.g. ``"Myerson (1981), Lemma 3"``.
    where : sympy Boolean
        Extra conditions on the parameters under which the claim is made.
    interval : (lo, hi) or None
        Range of ``var`` for the claim (default: the support of the setting).
    var : sympy.Symbol or None
        Variable the claim is about (default: the setting's value symbol); an inequality in
        a parameter alone may name the parameter here.

    Examples
    --------
    >>> import sympy as sp
    >>> v = sp.Symbol("v", real=True)
    >>> s = Step(equation(v**2 - 1, (v - 1)*(v + 1)), "difference of squares", "algebra")
    >>> s.rule
    'algebra'
    """

    claim: Any
    justification: str
    rule: str
    check: str = "auto"
    verification: Optional[Verification] = None
    citation: str = ""
    where: Any = sp.true
    interval: Optional[Tuple[Any, Any]] = None
    var: Optional[sp.Symbol] = None

    def __post_init__(self) -> None:
        claim = self.claim
        if isinstance(claim, BooleanAtom):
            raise InvalidParameter(f"a step's claim evaluated to {claim} before it could be shown: "
                                   "build equations with equation(lhs, rhs) or Eq(..., evaluate=False)")
        if not isinstance(claim, (Relational, Definition, Statement)):
            raise InvalidParameter(f"a step's claim must be an equation, an inequality, a Definition or a "
                                   f"Statement, got {type(claim).__name__}: {claim}")
        if isinstance(claim, sp.Ne):
            raise InvalidParameter(f"a step cannot claim an inequation (!=): {claim}")
        if self.rule not in STEP_RULES:
            raise InvalidParameter(f"rule must be one of {', '.join(STEP_RULES)}; got {self.rule!r}")
        if self.rule == "cited result" and not str(self.citation).strip():
            raise InvalidParameter("a step with rule 'cited result' needs citation='...'")
        if self.check not in CHECK_MODES:
            raise InvalidParameter(f"check must be one of {CHECK_MODES}, got {self.check!r}")
        if not isinstance(self.justification, str):
            raise InvalidParameter(f"justification must be a string, got {self.justification!r}")
        object.__setattr__(self, "where", sp.sympify(self.where))
        if self.interval is not None:
            try:
                lo, hi = self.interval
            except (TypeError, ValueError):
                raise InvalidParameter(f"interval must be a pair (lo, hi), got {self.interval!r}") from None
            object.__setattr__(self, "interval", (sp.sympify(lo), sp.sympify(hi)))

    @property
    def kind(self) -> str:
        """``"equation"``, ``"inequality"``, ``"definition"`` or ``"statement"``."""
        if isinstance(self.claim, Definition):
            return "definition"
        if isinstance(self.claim, Statement):
            return "statement"
        if isinstance(self.claim, sp.Equality):
            return "equation"
        return "inequality"

    @property
    def status(self) -> str:
        """The verification status (``"unchecked"`` before checking)."""
        return "unchecked" if self.verification is None else self.verification.status


# ---------------------------------------------------------------------------- setting
def _default_instances(F: Any, f: Any, var: sp.Symbol) -> Tuple:
    x = sp.Symbol("x", real=True)
    out = []
    for label, G in (("uniform", x), ("F = v^2", x**2), ("F = 1-(1-v)^2", 1 - (1 - x)**2),
                     ("Beta(2,2)", 3*x**2 - 2*x**3)):
        subs = [(F.func, sp.Lambda(x, G))]
        if f is not None:
            subs.append((f.func, sp.Lambda(x, sp.diff(G, x))))
        out.append((label, tuple(subs)))
    return tuple(out)


@dataclass(frozen=True)
class DerivationSetting:
    """The setting of a derivation: value symbol, support, parameters and assumptions.

    Attributes
    ----------
    var : sympy.Symbol
    support : (lo, hi)
    params : tuple of sympy.Symbol
    assumptions : sympy Boolean over the parameters
    cdf, pdf : sympy.Expr or None
        Shown in the summary box (may be an undefined ``F(v)`` for a generic distribution).
    name : str or None
    description : tuple of str
        Extra lines of the summary box (``$...$`` is math), e.g. ``"$f$ is log-concave"``.
    functions : tuple of (undefined function, Lambda)
        Relations used when checking, e.g. ``f -> Lambda(x, F'(x))`` for a generic ``f = F'``.
    facts : tuple of (expr, value)
        Exact substitutions valid in the setting, e.g. ``F(0) -> 0``.
    instances : tuple of (label, tuple of (function, Lambda))
        Concrete instances of generic functions on which numeric checks are run.

    Examples
    --------
    >>> DerivationSetting.generic().cdf
    F(v)
    """

    var: sp.Symbol = _V
    support: Tuple[Any, Any] = (sp.Integer(0), sp.Integer(1))
    params: Tuple[sp.Symbol, ...] = ()
    assumptions: Any = sp.true
    cdf: Any = None
    pdf: Any = None
    name: Optional[str] = None
    description: Tuple[str, ...] = ()
    functions: Tuple[Tuple[Any, Any], ...] = ()
    facts: Tuple[Tuple[Any, Any], ...] = ()
    instances: Tuple[Tuple[str, Tuple[Tuple[Any, Any], ...]], ...] = ()

    def __post_init__(self) -> None:
        try:
            lo, hi = self.support
        except (TypeError, ValueError):
            raise InvalidParameter(f"support must be a pair (lo, hi), got {self.support!r}") from None
        object.__setattr__(self, "support", (sp.sympify(lo), sp.sympify(hi)))
        object.__setattr__(self, "params", tuple(self.params))
        object.__setattr__(self, "assumptions", sp.sympify(self.assumptions))
        object.__setattr__(self, "description", tuple(self.description))
        object.__setattr__(self, "functions", tuple(tuple(p) for p in self.functions))
        object.__setattr__(self, "facts", tuple(tuple(p) for p in self.facts))
        object.__setattr__(self, "instances", tuple((lbl, tuple(tuple(p) for p in subs))
                                                    for lbl, subs in self.instances))

    @classmethod
    def of(cls, d: Any, description: Sequence[str] = ()) -> "DerivationSetting":
        """The setting of a distribution (any object with ``cdf, pdf, support, var, params,
        assumptions, name``), or ``d`` itself if it already is a DerivationSetting."""
        if isinstance(d, DerivationSetting):
            return d if not description else replace(d, description=d.description + tuple(description))
        extra = getattr(d, "setting_extra", None)
        try:
            base = dict(var=d.var, support=tuple(d.support), params=tuple(d.params),
                        assumptions=d.assumptions, cdf=d.cdf, pdf=d.pdf, name=getattr(d, "name", None),
                        description=tuple(description))
        except AttributeError as exc:
            raise InvalidParameter(f"a derivation setting needs a DerivationSetting or a Distribution, got "
                                   f"{type(d).__name__} ({exc})") from None
        if isinstance(extra, dict):
            base.update({k: extra[k] for k in ("functions", "facts", "instances") if k in extra})
            base["description"] = tuple(extra.get("description", ())) + base["description"]
        return cls(**base)

    @classmethod
    def generic(cls, var: sp.Symbol = _V, support: Tuple[Any, Any] = (0, 1), *,
                F: str = "F", f: str = "f", description: Sequence[str] = (),
                instances: Optional[Sequence] = None) -> "DerivationSetting":
        """A generic distribution: undefined ``F`` with density ``f = F'``, ``F(lo) = 0``,
        ``F(hi) = 1``; numeric checks run on concrete instances (uniform, ``v^2``,
        ``1-(1-v)^2``, Beta(2,2) on [0, 1] by default)."""
        Fv, fv = sp.Function(F)(var), sp.Function(f)(var)
        lo, hi = sp.sympify(support[0]), sp.sympify(support[1])
        x = sp.Symbol("x", real=True)
        functions = ((fv.func, sp.Lambda(x, sp.Derivative(Fv.func(x), x))),)
        facts = ((Fv.func(lo), sp.Integer(0)), (Fv.func(hi), sp.Integer(1)))
        if instances is None:
            if (lo, hi) != (0, 1):
                raise InvalidParameter(f"generic settings on [{lo}, {hi}] need instances=... for numeric checks")
            instances = _default_instances(Fv, fv, var)
        return cls(var=var, support=(lo, hi), cdf=Fv, pdf=fv, name="generic F",
                   description=tuple(description), functions=functions, facts=facts,
                   instances=tuple(instances))

    @property
    def is_generic(self) -> bool:
        """True for a generic distribution (an undefined ``F``)."""
        return isinstance(self.cdf, AppliedUndef)


#: short alias inside this module (not exported: symmech.propositions has its own ``Setting``)
Setting = DerivationSetting


# ---------------------------------------------------------------------------- helpers
def _sorted_syms(syms) -> List[sp.Symbol]:
    return sorted(syms, key=lambda s: (s.name, sp.default_sort_key(s)))


def _apply_map(expr: Any, defs: Sequence[Tuple[Any, Any]]) -> Any:
    """Replace defined symbols / functions by their definitions (applied in order)."""
    expr = sp.sympify(expr)
    for lhs, rhs in defs:
        if isinstance(lhs, sp.Symbol):
            expr = expr.xreplace({lhs: rhs})
        elif isinstance(lhs, type) or isinstance(lhs, sp.core.function.UndefinedFunction):
            expr = expr.replace(lhs, rhs)
        else:  # an applied function F(v) with its Lambda
            expr = expr.replace(lhs.func, rhs)
    return expr


def _definition_pair(defn: Definition) -> Tuple[Any, Any]:
    if isinstance(defn.lhs, sp.Symbol):
        return defn.lhs, defn.rhs
    return defn.lhs.func, sp.Lambda(defn.lhs.args, defn.rhs)


def _doit_derivatives(expr: Any) -> Any:
    return expr.replace(lambda a: isinstance(a, (sp.Derivative, sp.Subs)), lambda a: a.doit(deep=False))


def _zero_integrals(expr: Any) -> Any:
    return expr.replace(lambda a: isinstance(a, sp.Integral)
                        and any(len(l) == 3 and l[1] == l[2] for l in a.limits),
                        lambda a: sp.Integer(0))


def _polynomial_integrals(expr: Any) -> Any:
    """Evaluate the easy integrals (cheap): a polynomial integrand in the integration variable,
    or an exact derivative ``G'(s)`` (fundamental theorem of calculus)."""
    def simple(a):
        if not (isinstance(a, sp.Integral) and len(a.limits) == 1 and len(a.limits[0]) == 3):
            return False
        g, s = a.function, a.limits[0][0]
        if g.has(sp.Integral):
            return False
        return g.is_polynomial(s) or (isinstance(g, sp.Derivative) and g.variable_count == ((s, 1),))

    def value(a):
        g, (s, lo, hi) = a.function, a.limits[0]
        if isinstance(g, sp.Derivative):
            return g.expr.subs(s, hi) - g.expr.subs(s, lo)
        return a.doit()
    if expr.has(sp.Sum):
        expr = expr.replace(lambda a: isinstance(a, sp.Sum) and all(len(l) == 3 and l[1].is_Integer and l[2].is_Integer
                                                                    for l in a.limits),
                            lambda a: a.doit())
    return expr.replace(simple, value) if expr.has(sp.Integral) else expr


def _is_zero(e: Any) -> bool:
    e = sp.sympify(e)
    return e == 0 or e.is_zero is True


def _fmt(x: Any) -> str:
    """A short deterministic string for a point coordinate."""
    x = sp.sympify(x)
    if x.is_Rational:
        return str(x)
    return sp.sstr(sp.N(x, 20))


def _bounds_of(dom: sp.Set) -> Optional[Tuple[Any, Any]]:
    if isinstance(dom, sp.Interval):
        return dom.inf, dom.sup
    return None


def _domain(sym: sp.Symbol, cond: Any) -> sp.Set:
    """The set of values of ``sym`` allowed by its SymPy assumptions and ``cond``."""
    from .signs import parameter_domain
    return parameter_domain(sym, cond)


_POOL = [sp.Rational(1, 2), sp.Integer(2), sp.Rational(3, 2), sp.Integer(3), sp.Rational(1, 3),
         sp.Rational(5, 2), sp.Integer(1), sp.Rational(2, 3), sp.Integer(4), sp.Rational(7, 4),
         sp.Rational(3, 4), sp.Integer(5), sp.Rational(1, 5), sp.Integer(7)]
_POOL = _POOL + [-p for p in _POOL] + [sp.Integer(0)]
_INT_POOL = [sp.Integer(i) for i in (2, 3, 5, 4, 1, 6, 0, -1, -2)]


def _samples(sym: sp.Symbol, dom: sp.Set, n: int) -> List[Any]:
    if isinstance(dom, sp.FiniteSet):
        return sorted(dom, key=sp.default_sort_key)[:n]
    pool = _INT_POOL if sym.is_integer else _POOL
    out = [p for p in pool if dom.contains(p) is sp.true][:n]
    b = _bounds_of(dom)
    if len(out) < n and b is not None and b[0].is_finite and b[1].is_finite and not sym.is_integer:
        lo, hi = b
        for t in (sp.Rational(1, 2), sp.Rational(1, 4), sp.Rational(3, 4), sp.Rational(1, 8)):
            p = lo + (hi - lo) * t
            if p not in out and dom.contains(p) is sp.true:
                out.append(p)
            if len(out) >= n:
                break
    return out[:n]


def _param_points(syms: Sequence[sp.Symbol], cond: Any, n: int) -> List[Dict[sp.Symbol, Any]]:
    """Up to ``n`` deterministic parameter assignments satisfying the assumptions and ``cond``."""
    syms = _sorted_syms(syms)
    if not syms:
        return [{}]
    cand = {s: _samples(s, _domain(s, cond), 6) for s in syms}
    if any(not c for c in cand.values()):
        return []
    out: List[Dict[sp.Symbol, Any]] = []
    for i in range(24):
        pt = {s: cand[s][(i * (1 + 2 * j) + j) % len(cand[s])] for j, s in enumerate(syms)}
        if pt in out:
            continue
        ok = cond.xreplace(pt) if cond not in (sp.true, None) else sp.true
        if ok is sp.true:
            out.append(pt)
        if len(out) >= n:
            break
    return out


_T_EQ = (sp.Rational(1, 8), sp.Rational(1, 3), sp.Rational(1, 2), sp.Rational(7, 10), sp.Rational(11, 12))
_T_INEQ = tuple(sorted(set([sp.Rational(1, 1000), sp.Rational(1, 100), sp.Rational(999, 1000),
                            sp.Rational(99, 100)] + [sp.Rational(i, 40) for i in range(1, 40)])))


def _var_points(lo: Any, hi: Any, ts: Sequence[Any]) -> List[Any]:
    lo, hi = sp.sympify(lo), sp.sympify(hi)
    pts = []
    for t in ts:
        if lo.is_finite and hi.is_finite:
            p = lo + (hi - lo) * t
        elif lo.is_finite:
            p = lo + t / (1 - t)
        elif hi.is_finite:
            p = hi - (1 - t) / t
        else:
            p = (2 * t - 1) / (t * (1 - t))
        pts.append(sp.nsimplify(p) if p.is_Float else p)
    return pts


def _mpval(x: Any, dps: int):
    x = sp.sympify(x)
    if x.is_Rational:
        return mpmath.mpf(x.p) / x.q
    return mpmath.mpmathify(str(sp.N(x, dps + 10)))


# ---------------------------------------------------------------------------- context
@dataclass(frozen=True)
class _Ctx:
    var: sp.Symbol
    lo: Any
    hi: Any
    cond: Any                      # assumptions & step.where
    defs: Tuple[Tuple[Any, Any], ...]
    facts: Tuple[Tuple[Any, Any], ...]
    instances: Tuple[Tuple[str, Tuple[Tuple[Any, Any], ...]], ...]


def _prepare(expr: Any, ctx: _Ctx) -> Any:
    return _apply_map(expr, ctx.defs)


def _free_params(exprs: Sequence[Any], ctx: _Ctx) -> List[sp.Symbol]:
    syms = set()
    for e in exprs:
        syms |= sp.sympify(e).free_symbols
    syms |= sp.sympify(ctx.lo).free_symbols | sp.sympify(ctx.hi).free_symbols
    return _sorted_syms(syms - {ctx.var})


# ---------------------------------------------------------------------------- numeric
class _NumericOutcome:
    def __init__(self):
        self.points: List[Tuple[Tuple[str, str], ...]] = []
        self.digits: Optional[int] = None
        self.failure: Optional[Tuple[Tuple[str, str], ...]] = None
        self.failure_detail = ""
        self.skipped = 0
        self.skip_reason = ""
        self.instances: List[str] = []


def _point_key(ctx: _Ctx, inst: str, params: Dict, x: Any, with_var: bool) -> Tuple[Tuple[str, str], ...]:
    items = []
    if inst:
        items.append(("instance", inst))
    for s in _sorted_syms(params):
        items.append((s.name, _fmt(params[s])))
    if with_var:
        items.append((ctx.var.name, _fmt(x)))
    return tuple(items)


@functools.lru_cache(maxsize=512)
def _closed_integral(integral: sp.Integral) -> Optional[sp.Expr]:
    res, ok = bounded(integral.doit, seconds=1.5, fallback=None)
    if not ok or res is None or res.has(sp.Integral) or res.has(sp.nan, sp.zoo):
        return None
    return res


def _flatten_nested(e: Any) -> Any:
    """Integrate in closed form the inner integrals of nested or multiple integrals (when SymPy
    can, within a short budget), so that quadrature is not nested."""
    for _ in range(4):
        rep = {}
        for I in sorted(e.atoms(sp.Integral), key=sp.default_sort_key):
            if len(I.limits) > 1:
                r = _closed_integral(sp.Integral(I.function, I.limits[0]))
                if r is not None:
                    rep[I] = sp.Integral(r, *I.limits[1:])
            elif I.function.has(sp.Integral):
                sub = {J: _closed_integral(J) for J in I.function.atoms(sp.Integral)
                       if not J.function.has(sp.Integral) and len(J.limits) == 1}
                sub = {k: val for k, val in sub.items() if val is not None}
                if sub:
                    rep[I] = I.xreplace(sub)
        if not rep:
            return e
        e = e.xreplace(rep)
    return e


def _instantiate(expr: Any, subs: Tuple[Tuple[Any, Any], ...], params: Dict, ctx: _Ctx) -> Any:
    e = _apply_map(expr, subs) if subs else expr
    e = e.xreplace(params) if params else e
    e = _doit_derivatives(e)
    e = e.xreplace(dict(ctx.facts)) if ctx.facts else e
    return _flatten_nested(e) if e.has(sp.Integral) else e


#: test functions standing in for functions a claim leaves arbitrary (an identity must hold for all)
_ARBITRARY = (("t^2 + t/3 + 1/5", lambda t: t**2 + t / 3 + sp.Rational(1, 5)),
              ("exp(t/2)/3 + t", lambda t: sp.exp(t / 2) / 3 + t))


def _arbitrary_instances(exprs: Sequence[Any], ctx: _Ctx) -> Tuple:
    """Instances for undefined functions that no definition, setting function or instance covers."""
    covered = {name for name, _ in ctx.defs} | {f for _, subs in ctx.instances for f, _ in subs}
    free = set()
    for e in exprs:
        free |= {a.func for a in sp.sympify(e).atoms(AppliedUndef)}
    free = sorted((f for f in free if f not in covered), key=lambda f: f.__name__)
    if not free:
        return ()
    t = sp.Symbol("t", real=True)
    out = []
    for j, (label, g) in enumerate(_ARBITRARY):
        subs = tuple((f, sp.Lambda(t, _ARBITRARY[(j + i) % len(_ARBITRARY)][1](t))) for i, f in enumerate(free))
        out.append((", ".join(f"{f.__name__}(t) = {_ARBITRARY[(j + i) % len(_ARBITRARY)][0]}"
                              for i, f in enumerate(free)), subs))
    return tuple(out)


def _numeric(exprs: Sequence[Any], ctx: _Ctx, judge: Callable, ts: Sequence[Any], n_params: int,
             two_precisions: bool, max_points: Optional[int] = None, arbitrary: bool = False) -> _NumericOutcome:
    """Evaluate ``exprs`` (SymPy) at sample points; ``judge(values_lo, values_hi)`` returns
    ``(ok, digits, detail)``; stop at the first failure. With ``arbitrary``, functions the
    claim leaves undefined are replaced by test functions (valid for identities only)."""
    out = _NumericOutcome()
    has_var = any(ctx.var in sp.sympify(e).free_symbols for e in exprs)
    insts = ctx.instances or (("", ()),)
    extra = _arbitrary_instances(exprs, ctx) if arbitrary else ()
    if extra:
        insts = tuple((f"{lbl}; {xl}" if lbl else xl, subs + xs) for lbl, subs in insts for xl, xs in extra)
    params_list = _param_points(_free_params(exprs, ctx), ctx.cond, n_params)
    if not params_list:
        out.failure_detail = "no parameter values satisfying the assumptions could be drawn"
        return out
    count = 0
    worst: Optional[float] = None
    for label, subs in insts:
        if label:
            out.instances.append(label)
        for params in params_list:
            lo, hi = sp.sympify(ctx.lo).xreplace(params), sp.sympify(ctx.hi).xreplace(params)
            xs = _var_points(lo, hi, ts) if has_var else [None]
            try:
                inst_exprs = [_instantiate(e, subs, params, ctx) for e in exprs]
                fns = [mp_callable(e, ctx.var) for e in inst_exprs]
            except Exception as exc:  # lambdify rejects some expressions: report, do not crash
                out.failure_detail = f"could not compile for numeric evaluation ({type(exc).__name__})"
                return out
            for x in xs:
                try:
                    vals = _eval_all(fns, x, NUMERIC_DPS)
                    ok, dig, detail = judge(vals, None)
                    if not ok and two_precisions:
                        # a discrepancy must persist at a higher precision to count
                        ok, dig, detail = judge(vals, _eval_all(fns, x, _DPS_HIGH))
                except (ZeroDivisionError, ValueError, TypeError, OverflowError, ArithmeticError,
                        _NotFinite) as exc:
                    out.skipped += 1
                    out.skip_reason = out.skip_reason or f"{type(exc).__name__}: {' '.join(str(exc).split())[:80]}"
                    continue
                key = _point_key(ctx, label, params, x, has_var)
                out.points.append(key)
                if dig is not None:
                    worst = dig if worst is None else min(worst, dig)
                if not ok:
                    out.failure, out.failure_detail = key, detail
                    out.digits = None if worst is None else int(worst)
                    return out
                count += 1
                if max_points is not None and count >= max_points:
                    out.digits = None if worst is None else int(worst)
                    return out
    out.digits = None if worst is None else int(worst)
    return out


class _NotFinite(ArithmeticError):
    pass


def _eval_all(fns, x, dps):
    with mpmath.workdps(dps):
        xv = _mpval(x, dps) if x is not None else mpmath.mpf(0)
        vals = [+fn(xv) for fn in fns]
    if any(not mpmath.isfinite(val) for val in vals):
        raise _NotFinite("value is not finite")
    return vals


def _eq_judge(lo_vals, hi_vals):
    """Equal at 50 digits; a discrepancy counts only if it persists at 65 digits."""
    a, b = lo_vals
    with mpmath.workdps(_DPS_HIGH):
        scale = max(abs(a), abs(b), mpmath.mpf(10) ** -20)
        err_lo = abs(a - b) / scale
        err = err_lo
        if hi_vals is not None:
            a2, b2 = hi_vals
            err = min(err_lo, abs(a2 - b2) / max(abs(a2), abs(b2), mpmath.mpf(10) ** -20))
        if err > _FAIL_TOL:
            return False, 0, f"lhs = {mpmath.nstr(a, 15)}, rhs = {mpmath.nstr(b, 15)}"
        dig = NUMERIC_DPS if err_lo == 0 else min(NUMERIC_DPS, int(-mpmath.log10(err_lo)))
        return True, dig, ""


def _ineq_judge(relation: str):
    def judge(lo_vals, hi_vals):
        a, b = hi_vals if hi_vals is not None else lo_vals
        g = a - b
        if isinstance(g, mpmath.mpc):
            if abs(g.imag) > _FAIL_TOL * max(1, abs(g)):
                return False, None, f"value is not real: {mpmath.nstr(g, 15)}"
            g = g.real
        tol = _FAIL_TOL * max(abs(a), abs(b), mpmath.mpf(1))
        sgn = g if relation in (">=", ">") else -g
        if sgn < -tol or (relation in (">", "<") and abs(sgn) <= tol):
            return False, None, f"lhs - rhs = {mpmath.nstr(g, 15)}"
        return True, None, ""
    return judge


# ---------------------------------------------------------------------------- symbolic
def _pos_dummy(name: str) -> sp.Dummy:
    return sp.Dummy(name, positive=True)


def _domain_maps(ctx: _Ctx, syms: Sequence[sp.Symbol]) -> List[Tuple[str, Dict]]:
    """Substitutions encoding the domain: symbols -> expressions in positive dummies."""
    maps: List[Tuple[str, Dict]] = []
    shift: Dict = {}
    ratio: Dict = {}
    words_shift: List[str] = []
    words_ratio: List[str] = []
    for s in syms:
        if s == ctx.var:
            lo, hi = sp.sympify(ctx.lo), sp.sympify(ctx.hi)
            if lo.free_symbols or hi.free_symbols:
                continue
        else:
            b = _bounds_of(_domain(s, ctx.cond))
            if b is None:
                continue
            lo, hi = b
        w = _pos_dummy("w_" + s.name)
        if lo.is_finite and hi.is_finite:
            shift[s] = lo + w if lo != 0 else w
            ratio[s] = lo + (hi - lo) * w / (1 + w)
            words_shift.append(f"{s} > {lo}")
            words_ratio.append(f"{s} in ({lo}, {hi})")
        elif lo.is_finite:
            shift[s] = ratio[s] = lo + w if lo != 0 else w
            words_shift.append(f"{s} > {lo}")
            words_ratio.append(f"{s} > {lo}")
        elif hi.is_finite:
            shift[s] = ratio[s] = hi - w
            words_shift.append(f"{s} < {hi}")
            words_ratio.append(f"{s} < {hi}")
    if shift:
        maps.append((", ".join(words_shift), shift))
    if ratio and ratio != shift:
        maps.append((", ".join(words_ratio), ratio))
    return maps


def _cheap_routes(e: Any) -> List[Tuple[str, Callable[[], Any]]]:
    routes: List[Tuple[str, Callable[[], Any]]] = [
        ("cancel", lambda: sp.cancel(sp.together(e))),
        ("expand_log + cancel", lambda: sp.cancel(sp.expand_log(sp.expand(e)))),
    ]
    if not e.free_symbols:
        x = sp.Dummy("x")
        routes.append(("minimal polynomial", lambda: (sp.Integer(0) if sp.minimal_polynomial(e, x) == x
                                                      else e)))
    return routes


def _integrate_routes(e: Any) -> List[Tuple[str, Callable[[], Any]]]:
    if not e.has(sp.Integral):
        return []
    return [("integrate + cancel", lambda: sp.cancel(sp.together(e.doit())))]


def _costly_routes(e: Any) -> List[Tuple[str, Callable[[], Any]]]:
    return [("simplify", lambda: sp.simplify(e)),
            ("logcombine + simplify", lambda: sp.simplify(sp.logcombine(e)))]


def _symbolic_zero(diff: Any, ctx: _Ctx, seconds: float) -> Tuple[Optional[str], Tuple[str, ...]]:
    """Try to prove ``diff == 0`` on the domain. Returns (route description or None, notes).

    Cheap routes are tried first on every strategy (direct, fundamental theorem of calculus),
    then the costly ones, then integration; each call is budgeted.
    """
    notes: List[str] = []
    deadline = time.monotonic() + seconds
    facts = dict(ctx.facts)

    def left() -> float:
        return deadline - time.monotonic()

    def attempt(expr: Any, tiers: Sequence[Callable]) -> Optional[str]:
        """Run the reduction routes on expr (plain, then under each domain map)."""
        if expr is None:
            return None
        expr = _polynomial_integrals(expr)
        expr = expr.xreplace(facts) if facts else expr
        if _is_zero(expr):
            return "zero as it stands"
        variants = [("", expr)]
        for words, mp in _domain_maps(ctx, _sorted_syms(expr.free_symbols)):
            try:
                variants.append((f" with {words}", expr.subs(mp)))
            except (ValueError, TypeError):  # e.g. an unevaluated derivative in a mapped symbol
                continue
        for tier in tiers:
            for words, ex in variants:
                for name, fn in tier(ex):
                    if left() <= 0.05:
                        return None
                    res, ok = bounded(fn, seconds=min(left(), 2.0), fallback=None)
                    if not ok:
                        if "symbolic budget expired" not in notes:
                            notes.append("symbolic budget expired")
                        continue
                    if res is not None and _is_zero(res):
                        return f"{name}(lhs - rhs) = 0{words}"
        return None

    first = _doit_derivatives(diff) if diff.has(sp.Derivative, sp.Subs) else diff
    lo = sp.sympify(ctx.lo)
    var_in_limits = any(ctx.var in sp.sympify(l[1]).free_symbols | sp.sympify(l[2]).free_symbols
                        for I in diff.atoms(sp.Integral) for l in I.limits if len(l) == 3)
    ftc_parts: Dict[str, Any] = {}

    def ftc(tiers) -> Optional[str]:
        # fundamental theorem of calculus: d/dv (lhs - rhs) = 0 and lhs - rhs = 0 at v = lo
        if not (var_in_limits and lo.is_finite) or left() <= 0.1:
            return None
        if "d" not in ftc_parts:
            d, ok = bounded(lambda: _doit_derivatives(sp.diff(first, ctx.var)), seconds=min(left(), 2.0))
            at = _doit_derivatives(_zero_integrals(first.subs(ctx.var, lo)))
            at = at.xreplace(facts) if facts else at
            if at.has(sp.nan, sp.zoo, sp.oo, -sp.oo):
                at, ok2 = bounded(sp.limit, first, ctx.var, lo, "+", seconds=min(max(left(), 0.1), 2.0))
                at = at if ok2 else None
            ftc_parts["d"], ftc_parts["at"] = (d if ok else None), at
        r1 = attempt(ftc_parts["d"], tiers)
        if not r1:
            return None
        r0 = attempt(ftc_parts["at"], tiers)
        if not r0:
            return None
        return (f"fundamental theorem of calculus: d/d{ctx.var} of lhs - rhs reduces to 0 ({r1}) and "
                f"lhs - rhs = 0 at {ctx.var} = {lo}")

    cheap, integ, costly = _cheap_routes, _integrate_routes, _costly_routes
    found = (attempt(first, (cheap,)) or ftc((cheap,))
             or ftc((cheap, integ)) or attempt(first, (integ,))
             or attempt(first, (costly,)) or ftc((cheap, integ, costly)))
    if found:
        return found, tuple(notes)
    if (diff.has(sp.Integral) or diff.has(sp.Derivative)) and left() > 0.1:
        done, ok = bounded(lambda: diff.doit(), seconds=min(left(), 3.0))
        if ok and done is not None and not done.has(sp.Integral):
            r = attempt(done, (_cheap_routes, _costly_routes))
            if r:
                return "integrate, then " + r, tuple(notes)
        elif not ok:
            notes.append("integration budget expired")
    return None, tuple(notes)


# ---------------------------------------------------------------------------- sign checks
def _sign_on(expr: Any, var: sp.Symbol, lo: Any, hi: Any, relation: str, params: Sequence[sp.Symbol],
             cond: Any):
    """``symmech.signs.sign_on`` when available, else None."""
    try:
        from .signs import sign_on
    except ImportError:
        return None
    try:
        return sign_on(expr, var, (lo, hi), relation=relation, params=tuple(params), assumptions=cond)
    except SymmechError:
        return None
    except TypeError:  # an older signature
        return None


def _implies(a: Any, b: Any, syms: Sequence[sp.Symbol], base: Any) -> Optional[bool]:
    """Whether ``a`` implies ``b`` over the domain (univariate set comparison), None if unknown."""
    if b is sp.true or a is sp.false:
        return True
    syms = list(syms)
    if len(syms) != 1:
        return None
    s = syms[0]
    dom = _domain(s, base)

    def as_set(c):
        if c is sp.true:
            return dom
        if c is sp.false:
            return sp.S.EmptySet
        r, ok = bounded(lambda: c.as_set(), seconds=2)
        return r if ok else None

    sa, sb = as_set(a), as_set(b)
    if sa is None or sb is None:
        return None
    rest, ok = bounded(lambda: sp.Complement(sa.intersect(dom), sb), seconds=2)
    if not ok:
        return None
    if rest is sp.S.EmptySet:
        return True
    if isinstance(rest, sp.Set) and rest.is_empty is False:
        return False
    return None


# ---------------------------------------------------------------------------- checkers
def _check_equation(lhs: Any, rhs: Any, ctx: _Ctx, mode: str, seconds: float) -> Verification:
    L, R = _prepare(lhs, ctx), _prepare(rhs, ctx)
    diff = L - R
    # a cheap probe first: a wrong claim is usually refuted at a single point
    if mode != "symbolic":
        probe = _numeric([L, R], ctx, _eq_judge, _T_EQ[1:3], 1, two_precisions=True, max_points=2,
                         arbitrary=True)
        if probe.failure is not None:
            return Verification("failed", f"numeric at {NUMERIC_DPS} digits: lhs and rhs differ "
                                f"({probe.failure_detail})", 0, tuple(probe.points), probe.failure)
    route, notes = (None, ())
    if mode in ("auto", "symbolic"):
        route, notes = _symbolic_zero(diff, ctx, seconds)
    if route is not None:
        if ctx.instances:
            return Verification("symbolic", route, None, (), None, notes)
        cross = _numeric([L, R], ctx, _eq_judge, _T_EQ[1:4:2], 1, two_precisions=False, max_points=2,
                         arbitrary=True)
        if cross.failure is not None:
            return Verification("failed", f"symbolic route ({route}) contradicted by a numeric evaluation "
                                f"({cross.failure_detail})", 0, tuple(cross.points), cross.failure, notes)
        return Verification("symbolic", route, None, (), None, notes)
    if mode == "symbolic":
        return Verification("unchecked", "no symbolic route reduced lhs - rhs to 0 within the budget",
                            notes=notes)
    out = _numeric([L, R], ctx, _eq_judge, _T_EQ, 3, two_precisions=True, arbitrary=True)
    if out.failure is not None:
        return Verification("failed", f"numeric at {NUMERIC_DPS} digits: lhs and rhs differ "
                            f"({out.failure_detail})", out.digits, tuple(out.points), out.failure, notes)
    if len(out.points) < 2 and (len(out.points) < 1 or ctx.var in diff.free_symbols):
        why = out.failure_detail or f"{out.skipped} point(s) could not be evaluated ({out.skip_reason})"
        return Verification("unchecked", f"numeric check impossible: {why}", None, tuple(out.points),
                            None, notes)
    where = f"{len(out.points)} points"
    if out.instances:
        where += " (instances: " + ", ".join(out.instances) + ")"
    method = f"mpmath at {NUMERIC_DPS} digits, lhs = rhs at {where}"
    if out.skipped:
        notes = notes + (f"{out.skipped} point(s) skipped ({out.skip_reason})",)
    return Verification("numeric", method, out.digits, tuple(out.points), None, notes)


_FLIP = {">=": "<=", ">": "<", "<=": ">=", "<": ">"}


def _check_inequality(rel: Relational, ctx: _Ctx, mode: str, var: sp.Symbol, seconds: float,
                      setting_params: Sequence[sp.Symbol]) -> Verification:
    relation = rel.rel_op
    L, R = _prepare(rel.lhs, ctx), _prepare(rel.rhs, ctx)
    g = L - R
    sample_judge = _ineq_judge(relation)
    lo, hi = ctx.lo, ctx.hi
    if var != ctx.var:
        dom = _domain(var, ctx.cond)
        b = _bounds_of(dom)
        if b is None:
            return Verification("unchecked", f"the domain of {var} is not an interval: {dom}")
        lo, hi = b
        # a parameter's domain may be closed: the open-interval checks below miss its endpoints
        for e in (lo, hi):
            if e.is_finite and dom.contains(e) is sp.true:
                at = _doit_derivatives(g.xreplace({var: e}))
                val, ok = bounded(sp.simplify, at, seconds=2)
                truth = sp.Rel(val, 0, relation) if ok and val.is_number else None
                if truth is sp.false:
                    return Verification("failed", f"fails at the endpoint {var} = {e} of its domain "
                                        f"(lhs - rhs = {val})", None, (), ((var.name, _fmt(e)),))
                if truth is not sp.true:
                    return Verification("unchecked", f"could not decide the claim at the endpoint {var} = {e}")
    sctx = replace(ctx, var=var, lo=lo, hi=hi)
    if mode != "symbolic":
        probe = _numeric([L, R], sctx, sample_judge, _T_INEQ[::8], 2, two_precisions=False)
        if probe.failure is not None:
            return Verification("failed", f"sampled at {NUMERIC_DPS} digits: the inequality fails "
                                f"({probe.failure_detail})", None, tuple(probe.points), probe.failure)
    verdict = None
    notes: List[str] = []
    if mode in ("auto", "symbolic") and not _doit_derivatives(g).atoms(AppliedUndef):
        gs = _doit_derivatives(g.xreplace(dict(ctx.facts))) if ctx.facts else _doit_derivatives(g)
        params = [p for p in _free_params([gs], sctx)]
        verdict = _sign_on(gs, var, lo, hi, relation, params, ctx.cond)
        if verdict is None:
            notes.append("symmech.signs.sign_on unavailable or rejected the expression")
    if verdict is not None:
        how = f"sign_on[{verdict.method}]"
        reason = verdict.certificate.reason if verdict.certificate is not None else ""
        if verdict.holds is True and verdict.method in ("symbolic", "interval"):
            cross = _numeric([L, R], sctx, sample_judge, _T_INEQ[::4], 2, two_precisions=False)
            if cross.failure is not None:
                return Verification("failed", f"{how} claimed a proof but sampling found a violation "
                                    f"({cross.failure_detail})", None, tuple(cross.points), cross.failure)
            return Verification("symbolic", f"{how}: {reason}".rstrip(": "), None, (), None,
                                tuple(verdict.notes))
        if verdict.holds is False:
            cx = verdict.counterexample
            cxt = tuple(sorted((str(k), _fmt(v) if isinstance(v, sp.Basic) else str(v))
                               for k, v in cx.items())) if isinstance(cx, dict) else None
            return Verification("failed", f"{how} refutes it: {reason}".rstrip(": "), None, (), cxt,
                                tuple(verdict.notes))
        if verdict.holds is None and verdict.condition not in (sp.true, sp.false, None):
            psyms = _sorted_syms(verdict.condition.free_symbols)
            imp = _implies(ctx.cond, verdict.condition, psyms, ctx.cond)
            if imp is True:
                cross = _numeric([L, R], sctx, sample_judge, _T_INEQ[::4], 3, two_precisions=False)
                if cross.failure is not None:
                    return Verification("failed", f"{how} condition {verdict.condition} contradicted by "
                                        f"sampling ({cross.failure_detail})", None, tuple(cross.points),
                                        cross.failure)
                return Verification("symbolic", f"{how}: holds iff {verdict.condition}, implied by the "
                                    f"assumptions {ctx.cond}", None, (), None, tuple(verdict.notes))
            notes.append(f"sign_on gave the condition {verdict.condition}")
        elif verdict.holds is None:
            notes.append(f"sign_on undecided ({reason})" if reason else "sign_on undecided")
    if mode == "symbolic":
        return Verification("unchecked", "the sign ladder did not prove the inequality", notes=tuple(notes))
    out = _numeric([L, R], sctx, sample_judge, _T_INEQ, 3, two_precisions=False)
    if out.failure is not None:
        return Verification("failed", f"sampled at {NUMERIC_DPS} digits: the inequality fails "
                            f"({out.failure_detail})", None, tuple(out.points), out.failure, tuple(notes))
    if not out.points:
        return Verification("unchecked", f"numeric check impossible: {out.failure_detail or 'no point evaluated'}",
                            notes=tuple(notes))
    where = f"{len(out.points)} points"
    if out.instances:
        where += " (instances: " + ", ".join(out.instances) + ")"
    return Verification("numeric", f"sampled at {NUMERIC_DPS} digits at {where} (not a proof)", None,
                        tuple(out.points), None, tuple(notes))


def _check_boolean(expr: Any, ctx: _Ctx, mode: str) -> Verification:
    e = _prepare(expr, ctx)
    if e is sp.true:
        return Verification("symbolic", "evaluates to True")
    if e is sp.false:
        return Verification("failed", "evaluates to False")
    if isinstance(e, Relational):
        raise AssertionError("relational statements are checked as claims")
    syms = _sorted_syms(e.free_symbols)
    if mode in ("auto", "symbolic") and len(syms) == 1 and ctx.var not in syms:
        s = syms[0]
        if isinstance(e, sp.Equivalent) and len(e.args) == 2:
            a, b = e.args
            r1, r2 = _implies(a, b, syms, ctx.cond), _implies(b, a, syms, ctx.cond)
            if r1 is True and r2 is True:
                return Verification("symbolic", f"both sides describe the same set of {s}")
            if r1 is False or r2 is False:
                return Verification("failed", f"the two conditions describe different sets of {s}")
        elif isinstance(e, sp.Implies):
            r = _implies(e.args[0], e.args[1], syms, ctx.cond)
            if r is True:
                return Verification("symbolic", f"the set of {s} satisfying the premise lies in the conclusion's")
            if r is False:
                return Verification("failed", f"some {s} satisfies the premise but not the conclusion")
        else:
            r = _implies(ctx.cond, e, syms, ctx.cond)
            if r is True:
                return Verification("symbolic", f"holds for every {s} in the domain")
            if r is False:
                return Verification("failed", f"fails for some {s} in the domain")
    if mode == "symbolic":
        return Verification("unchecked", "could not decide the statement symbolically")
    # sampling: the statement must evaluate to True at every sampled point
    pts = _param_points([s for s in syms if s != ctx.var], ctx.cond, 12)
    seen = []
    for p in pts:
        xs = _var_points(sp.sympify(ctx.lo).xreplace(p), sp.sympify(ctx.hi).xreplace(p), _T_EQ) \
            if ctx.var in syms else [None]
        for x in xs:
            q = dict(p)
            if x is not None:
                q[ctx.var] = x
            val = e.xreplace(q)
            key = _point_key(ctx, "", p, x, x is not None)
            if val is sp.false:
                return Verification("failed", "the statement is false at a sampled point", None,
                                    tuple(seen + [key]), key)
            if val is not sp.true:
                return Verification("unchecked", f"the statement does not evaluate at {dict(key)}")
            seen.append(key)
    if not seen:
        return Verification("unchecked", "no parameter values could be drawn")
    return Verification("numeric", f"true at {len(seen)} sampled points (not a proof)", None, tuple(seen))


def _verify(step: Step, setting: DerivationSetting, defs: Tuple[Tuple[Any, Any], ...]) -> Verification:
    try:
        return _verify_cached(replace(step, verification=None), setting, defs)
    except (BudgetExceeded, RecursionError):
        return Verification("unchecked", "the check ran out of its budget")
    except Exception as exc:  # a checker error must leave the step unchecked, never crash the build
        msg = " ".join(str(exc).split())[:160]
        return Verification("unchecked", f"the checker failed: {type(exc).__name__}: {msg}")


@functools.lru_cache(maxsize=1024)
def _verify_cached(step: Step, setting: DerivationSetting, defs: Tuple[Tuple[Any, Any], ...]) -> Verification:
    if step.check == "none":
        return Verification("unchecked", "no check requested")
    claim = step.claim
    lo, hi = step.interval if step.interval is not None else setting.support
    cond = sp.And(setting.assumptions, step.where)
    alldefs = tuple(setting.functions) + tuple(defs)
    ctx = _Ctx(setting.var, lo, hi, cond, alldefs, setting.facts, setting.instances)
    if isinstance(claim, Definition):
        raise AssertionError("definitions are checked by Derivation")
    if isinstance(claim, Statement):
        if claim.expr is None:
            return Verification("unchecked", "a statement in words only: nothing to check")
        if isinstance(claim.expr, sp.Equality):
            return _check_equation(claim.expr.lhs, claim.expr.rhs, ctx, step.check, STEP_BUDGET)
        if isinstance(claim.expr, Relational):
            return _check_inequality(claim.expr, ctx, step.check, step.var or setting.var, STEP_BUDGET,
                                     setting.params)
        if isinstance(claim.expr, Boolean):
            return _check_boolean(claim.expr, ctx, step.check)
        return Verification("unchecked", f"cannot check a statement about {type(claim.expr).__name__}")
    if isinstance(claim, sp.Equality):
        return _check_equation(claim.lhs, claim.rhs, ctx, step.check, STEP_BUDGET)
    return _check_inequality(claim, ctx, step.check, step.var or setting.var, STEP_BUDGET, setting.params)


# ---------------------------------------------------------------------------- printing
class _Printer(LatexPrinter):
    """SymPy's LaTeX printer with paper-style undefined functions: ``F(v)``, ``F'(v)``."""

    def __init__(self):
        super().__init__({"ln_notation": False})

    def _print_Function(self, expr, exp=None):
        if isinstance(expr, AppliedUndef):
            name = self._deal_with_super_sub(expr.func.__name__)
            args = ", ".join(self._print(a) for a in expr.args)
            out = f"{name}({args})"
            return out if exp is None else f"{out}^{{{exp}}}"
        return super()._print_Function(expr, exp)

    def _print_Derivative(self, expr):
        inner = expr.expr
        if (isinstance(inner, AppliedUndef) and len(inner.args) == 1 and isinstance(inner.args[0], sp.Symbol)
                and len(expr.variable_count) == 1 and expr.variable_count[0][0] == inner.args[0]
                and expr.variable_count[0][1] <= 3):
            n = int(expr.variable_count[0][1])
            name = self._deal_with_super_sub(inner.func.__name__)
            return f"{name}{chr(39) * n}({self._print(inner.args[0])})"
        return super()._print_Derivative(expr)

    def _print_Integral(self, expr):
        return super()._print_Integral(expr).replace(r"\int\limits", r"\int")


_PRINTER = _Printer()


def latex_expr(expr: Any) -> str:
    r"""LaTeX of a SymPy object in the style of derivations (``\log``, ``F'(v)``).

    Examples
    --------
    >>> import sympy as sp
    >>> v = sp.Symbol("v", real=True)
    >>> print(latex_expr(sp.Derivative(sp.Function("F")(v), v) * sp.log(1 - v)))
    \log{\left(1 - v \right)} F'(v)
    """
    return _PRINTER.doprint(sp.sympify(expr))


_TEX_ESCAPE = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "#": r"\#", "_": r"\_",
               "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}


def _tex_text(s: str) -> str:
    """Escape text for LaTeX, keeping ``$...$`` segments as math."""
    parts = str(s).split("$")
    out = []
    for i, part in enumerate(parts):
        if i % 2 == 1 and i < len(parts) - 1:
            out.append("$" + part + "$")
        else:
            out.append("".join(_TEX_ESCAPE.get(c, c) for c in part.replace("$", "")))
    return "".join(out)


def _text_in_math(s: str) -> str:
    """Text for ``\\text{...}`` inside math (``$...$`` segments kept)."""
    return _tex_text(s)


def _md_text(s: str) -> str:
    parts = str(s).split("$")
    out = []
    for i, part in enumerate(parts):
        if i % 2 == 1 and i < len(parts) - 1:
            out.append("$" + part + "$")
        else:
            out.append(part.replace("*", r"\*").replace("_", r"\_").replace("|", r"\|"))
    return "".join(out)


_REL_TEX = {"==": "=", ">=": r"\geq", "<=": r"\leq", ">": ">", "<": "<"}


def _range_tex(step: Step, setting: DerivationSetting) -> str:
    """``\\quad (v \\in [a, b],\\ k \\geq 1)`` qualifiers of a line, or ''."""
    bits = []
    if step.interval is not None and step.kind != "definition":
        lo, hi = step.interval
        var = step.var or setting.var
        bits.append(f"{latex_expr(var)} \\in ({latex_expr(lo)}, {latex_expr(hi)})")
    elif (step.kind == "inequality" and (step.var is None or step.var == setting.var)
          and setting.var in step.claim.free_symbols):
        lo, hi = setting.support
        bits.append(f"{latex_expr(setting.var)} \\in ({latex_expr(lo)}, {latex_expr(hi)})")
    if step.where not in (sp.true, None):
        bits.append(latex_expr(step.where))
    if not bits:
        return ""
    return r"\qquad (" + r",\ ".join(bits) + ")"


def _lines(steps: Sequence[Step]) -> List[List[int]]:
    """Group step indices into blocks: chains of relations continue while lhs == previous rhs."""
    blocks: List[List[int]] = []
    prev_rhs = head = None
    all_eq = False
    for i, st in enumerate(steps):
        c = st.claim
        if isinstance(c, (Relational, Definition)):
            lhs = c.lhs
            # a = b, b = c reads a = b = c; a := b, a = c reads a := b = c (valid while all are equalities)
            if prev_rhs is not None and (lhs == prev_rhs or (all_eq and lhs == head)):
                blocks[-1].append(i)
            else:
                blocks.append([i])
                head, all_eq = lhs, True
            all_eq = all_eq and isinstance(c, (sp.Equality, Definition))
            prev_rhs = c.rhs
        else:
            blocks.append([i])
            prev_rhs = head = None
            all_eq = False
    return blocks


def _claim_parts(step: Step) -> Tuple[str, str, str]:
    c = step.claim
    if isinstance(c, Definition):
        return latex_expr(c.lhs), r"\mathrel{:=}", latex_expr(c.rhs)
    if isinstance(c, Relational):
        return latex_expr(c.lhs), _REL_TEX[c.rel_op], latex_expr(c.rhs)
    raise AssertionError


def _tag(i: int, step: Step) -> str:
    tag = f"({i + 1})~{step.rule}"
    if step.status in ("failed", "unchecked"):
        tag += r"~\textbf{[" + step.status.upper() + "]}"
    return tag


def _math_block(idx: List[int], steps: Sequence[Step], setting: DerivationSetting, env: str) -> List[str]:
    """An ``align*`` / ``aligned`` block for a chain, or a displayed statement."""
    first = steps[idx[0]]
    rows = []
    if first.kind == "statement":
        c = first.claim
        body = latex_expr(c.expr) if c.expr is not None else r"\text{" + _text_in_math(c.text) + "}"
        rows.append(f"&{body}{_range_tex(first, setting)} && \\text{{{_tag(idx[0], first)}}}")
    else:
        for j, i in enumerate(idx):
            lhs, rel, rhs = _claim_parts(steps[i])
            head = lhs if j == 0 else ""
            rows.append(f"{head} &{rel} {rhs}{_range_tex(steps[i], setting)} && \\text{{{_tag(i, steps[i])}}}")
    return [f"\\begin{{{env}}}"] + [r + ("\\\\" if k < len(rows) - 1 else "") for k, r in enumerate(rows)] \
        + [f"\\end{{{env}}}"]


def _justification(i: int, step: Step) -> str:
    text = step.justification.strip()
    if step.citation:
        text += f" [{step.citation}]"
    return text


# ---------------------------------------------------------------------------- output
@dataclass(frozen=True)
class WriteResult:
    """What :meth:`Derivation.write` did."""

    path: Path
    pdf_path: Optional[Path]
    pdf_made: bool
    message: str

    def __str__(self) -> str:
        return self.message


def _atomic_write(path: Path, data: bytes, overwrite: bool) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix="." + path.name + ".", suffix=".tmp", dir=str(path.parent))
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.fchmod(fd, 0o666 & ~umask)  # mkstemp creates 0600; written documents are ordinary files
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if overwrite:
            os.replace(tmp, path)
        else:
            try:
                os.link(tmp, path)  # atomic and refuses to clobber a file created meanwhile
            except FileExistsError:
                raise SymmechError(f"refusing to overwrite existing file {path} (pass overwrite=True)") from None
            except OSError:
                if path.exists():
                    raise SymmechError(f"refusing to overwrite existing file {path} (pass overwrite=True)") from None
                os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _compile_pdf(tex: str, timeout: float = 240.0) -> Tuple[Optional[bytes], str]:
    exe = shutil.which("latexmk")
    if exe is None:
        return None, "no PDF was made: latexmk is not on PATH (install a TeX distribution with latexmk)"
    env = dict(os.environ, SOURCE_DATE_EPOCH="0", FORCE_SOURCE_DATE="1")
    with tempfile.TemporaryDirectory(prefix="symmech-tex-") as tmp:
        (Path(tmp) / "derivation.tex").write_text(tex, encoding="utf-8")
        try:
            proc = subprocess.run([exe, "-pdf", "-interaction=nonstopmode", "-halt-on-error", "derivation.tex"],
                                  cwd=tmp, capture_output=True, text=True, timeout=timeout, env=env)
        except subprocess.TimeoutExpired:
            return None, f"no PDF was made: latexmk did not finish within {timeout:.0f} s"
        pdf = Path(tmp) / "derivation.pdf"
        if proc.returncode != 0 or not pdf.exists():
            log = Path(tmp) / "derivation.log"
            err = ""
            if log.exists():
                for line in log.read_text(encoding="utf-8", errors="replace").splitlines():
                    if line.startswith("!"):
                        err = line.strip()
                        break
            return None, f"no PDF was made: latexmk failed ({err or 'exit code ' + str(proc.returncode)})"
        return pdf.read_bytes(), "PDF made with latexmk"


def _latex_preamble(title: str) -> List[str]:
    return [
        "% generated by symmech: every step below was machine-checked (see the checks after each part)",
        r"\documentclass[11pt]{article}",
        r"\ifdefined\pdfgentounicode\input{glyphtounicode}\pdfgentounicode=1\fi",
        r"\usepackage{amsmath,amssymb}",
        r"\usepackage[margin=2.2cm]{geometry}",
        r"\allowdisplaybreaks",
        r"\begin{document}",
        r"\begin{center}{\Large\bfseries " + _tex_text(title) + r"}\end{center}",
        "",
    ]


def _latex_warning(text: str) -> List[str]:
    return [r"\begin{center}\fbox{\parbox{0.9\linewidth}{\textbf{" + _tex_text(text) + r"}}}\end{center}", ""]


def _write_text(path: Any, text_for: Callable[[str], str], pdf: bool, overwrite: bool) -> "WriteResult":
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".tex", ".md", ".markdown"):
        raise InvalidParameter(f"write() needs a .tex or .md path, got {path.name!r}")
    if pdf and suffix != ".tex":
        raise InvalidParameter(f"pdf=True needs a .tex path, got {path.name!r}")
    text = text_for(suffix)
    pdf_path = path.with_suffix(".pdf") if pdf else None
    if not overwrite:
        for p in (path, pdf_path):
            if p is not None and p.exists():
                raise SymmechError(f"refusing to overwrite existing file {p} (pass overwrite=True)")
    _atomic_write(path, text.encode("utf-8"), overwrite)
    if not pdf:
        return WriteResult(path, None, False, f"wrote {path}")
    data, msg = _compile_pdf(text)
    if data is None:
        return WriteResult(path, None, False, f"wrote {path}; {msg}")
    _atomic_write(pdf_path, data, overwrite)
    return WriteResult(path, pdf_path, True, f"wrote {path} and {pdf_path} ({msg})")


# ---------------------------------------------------------------------------- derivation
def _rewrite(step: Step, defs: List[Tuple[Any, Any]]) -> None:
    """After ``name(args) = closed form`` is verified, later steps are checked with the closed
    form in place of an integral definition (as a reader would use it)."""
    c = step.claim
    if not isinstance(c, sp.Equality) or step.where not in (sp.true, None) or step.interval is not None:
        return
    lhs, rhs = c.lhs, c.rhs
    if rhs.has(sp.Integral, sp.Derivative):
        return
    for j, (name, value) in enumerate(defs):
        if isinstance(name, sp.Symbol):
            if lhs == name and value.has(sp.Integral) and name not in rhs.free_symbols:
                defs[j] = (name, rhs)
            continue
        if (isinstance(lhs, AppliedUndef) and lhs.func == name and isinstance(value, sp.Lambda)
                and tuple(lhs.args) == tuple(value.variables) and value.expr.has(sp.Integral)
                and not rhs.has(name)):
            defs[j] = (name, sp.Lambda(value.variables, rhs))


@dataclass(frozen=True)
class Derivation:
    """A titled, checked sequence of steps in a setting.

    Building one checks every step (see the module docstring); ``steps`` then carry their
    :class:`Verification`. Definitions are expanded in the claims that follow them.

    Parameters
    ----------
    title : str
    setting : DerivationSetting or Distribution
    steps : sequence of Step

    Examples
    --------
    >>> import sympy as sp
    >>> v = sp.Symbol("v", real=True)
    >>> U = sp.Function("U")(v)
    >>> d = Derivation("Uniform payoff", DerivationSetting(), [
    ...     Step(Definition(U, sp.Integral(sp.Symbol("s"), (sp.Symbol("s"), 0, v))),
    ...          "payoff by the envelope formula", "definition"),
    ...     Step(equation(U, v**2 / 2), "integrate", "integration")])
    >>> [s.status for s in d.steps]
    ['symbolic', 'symbolic']
    >>> d.counts()
    {'symbolic': 2, 'numeric': 0, 'failed': 0, 'unchecked': 0}
    """

    title: str
    setting: Any
    steps: Tuple[Step, ...]

    def __post_init__(self) -> None:
        if not isinstance(self.title, str) or not self.title.strip():
            raise InvalidParameter(f"a derivation needs a non-empty title, got {self.title!r}")
        setting = DerivationSetting.of(self.setting)
        object.__setattr__(self, "setting", setting)
        steps = tuple(self.steps)
        for s in steps:
            if not isinstance(s, Step):
                raise InvalidParameter(f"derivation steps must be Step objects, got {type(s).__name__}")
        reserved = {setting.var} | set(setting.params)
        defs: List[Tuple[Any, Any]] = []
        defined: Dict[Any, Any] = {}
        checked = []
        for st in steps:
            if isinstance(st.claim, Definition):
                name = st.claim.lhs if isinstance(st.claim.lhs, sp.Symbol) else st.claim.lhs.func
                if name in reserved:
                    raise InvalidParameter(f"a definition cannot redefine the setting's symbol {name}")
                rhs = _apply_map(st.claim.rhs, tuple(setting.functions) + tuple(defs))
                lhs_key, value = _definition_pair(Definition(st.claim.lhs, rhs))
                if name in defined:
                    same = defined[name] == value
                    ver = Verification("symbolic" if same else "failed",
                                       "repeats an earlier definition" if same else
                                       f"{name} was already defined differently")
                else:
                    ver = Verification("symbolic", "definition: introduces new notation")
                    defined[name] = value
                    defs.append((lhs_key, value))
                checked.append(replace(st, verification=ver))
            else:
                ver = _verify(st, setting, tuple(defs))
                checked.append(replace(st, verification=ver))
                if ver.ok:
                    _rewrite(st, defs)
        object.__setattr__(self, "steps", tuple(checked))

    # -------------------------------------------------------------- summaries
    def counts(self) -> Dict[str, int]:
        """How many steps were checked symbolically / numerically, failed, unchecked."""
        out = {k: 0 for k in STEP_STATUSES}
        for s in self.steps:
            out[s.status] += 1
        return out

    @property
    def verified(self) -> bool:
        """True when every step was checked symbolically or numerically."""
        return all(s.status in ("symbolic", "numeric") for s in self.steps)

    def problems(self) -> List[Tuple[int, Step]]:
        """The (1-based number, step) pairs that failed or were not checked."""
        return [(i + 1, s) for i, s in enumerate(self.steps) if s.status in ("failed", "unchecked")]

    def _guard(self, allow_unverified: bool) -> None:
        probs = self.problems()
        if probs and not allow_unverified:
            desc = ", ".join(f"step {i} {s.status}" for i, s in probs)
            raise UnverifiedDerivation(f"derivation '{self.title}' has unverified steps ({desc}); "
                                       f"pass allow_unverified=True to render it with a warning")

    def _warning(self) -> str:
        probs = self.problems()
        return ("WARNING: this derivation contains steps that are not verified: " +
                "; ".join(f"step ({i}) {s.status}: {s.verification.method if s.verification else ''}"
                          for i, s in probs) + ". Do not rely on them.")

    def _summary_line(self) -> str:
        c = self.counts()
        return (f"{len(self.steps)} steps: {c['symbolic']} checked symbolically, {c['numeric']} numerically "
                f"(mpmath, {NUMERIC_DPS} digits), {c['failed']} failed, {c['unchecked']} unchecked.")

    def _setting_lines(self) -> List[str]:
        """Lines of the summary box, each text with $math$."""
        s = self.setting
        lines = []
        v = latex_expr(s.var)
        lo, hi = (latex_expr(b) for b in s.support)
        head = f"{s.name}: " if s.name else ""
        if s.cdf is not None:
            lines.append(f"{head}$F({v}) = {latex_expr(s.cdf)}$" if not s.is_generic
                         else f"{head}CDF ${latex_expr(s.cdf)}$ with density ${latex_expr(s.pdf)}$ "
                              f"$= F'({v})$, $F({lo}) = 0$, $F({hi}) = 1$")
        if s.pdf is not None and not s.is_generic:
            lines.append(f"density $f({v}) = {latex_expr(s.pdf)}$")
        lines.append(f"values ${v} \\in [{lo}, {hi}]$")
        if s.params:
            def dom(p):
                d = _domain(p, sp.true)
                return latex_expr(p) + (r" \in " + latex_expr(d) if d != sp.S.Reals else "")
            lines.append("parameters " + ", ".join(f"${dom(p)}$" for p in s.params))
        if s.assumptions not in (sp.true, None):
            lines.append(f"assumptions ${latex_expr(s.assumptions)}$")
        lines.extend(s.description)
        if s.is_generic:
            lines.append("numeric checks of steps with general functions use the instances " +
                         ", ".join(lbl for lbl, _ in s.instances))
        return lines

    # -------------------------------------------------------------- LaTeX
    def _latex_body(self, fragment: bool) -> List[str]:
        out: List[str] = []
        steps = self.steps
        for block in _lines(steps):
            out.extend(_math_block(block, steps, self.setting, "align*"))
            out.append(r"{\small")
            for i in block:
                st = steps[i]
                out.append(f"\\noindent({i + 1})~\\emph{{{_tex_text(st.rule.capitalize())}.}} "
                           f"{_tex_text(_justification(i, st))}\\par")
                if st.kind == "statement" and st.claim.expr is not None and st.claim.text:
                    out.append(f"\\noindent\\phantom{{({i + 1})}}~{_tex_text(st.claim.text)}\\par")
            out.append("}")
            out.append("")
        return out

    def _latex_footer(self) -> List[str]:
        out = [r"\subsection*{How each step was checked}", r"{\small"]
        for i, st in enumerate(self.steps):
            ver = st.verification
            desc = ver.describe() if ver else "unchecked"
            out.append(f"\\noindent({i + 1})~\\textbf{{{st.status}}}: "
                       f"{_tex_text(desc.split(': ', 1)[1] if ': ' in desc else desc)}\\par")
        out.append(f"\\medskip\\noindent {_tex_text(self._summary_line())} Symbolic means the difference "
                   "of the two sides reduced to zero (or the sign ladder proved the inequality) under "
                   "the stated assumptions; numeric means agreement at the listed points, which is "
                   "evidence, not a proof.\\par")
        out.append("}")
        return out

    def _latex_box(self) -> List[str]:
        box = [r"\noindent\fbox{\begin{minipage}{\dimexpr\linewidth-2\fboxsep-2\fboxrule\relax}",
               r"\textbf{Setting.}"]
        for line in self._setting_lines():
            box.append(r"\\ " + _tex_text(line))
        box.append(r"\end{minipage}}")
        return box

    def to_latex(self, fragment: bool = False, allow_unverified: bool = False) -> str:
        """The derivation as a standalone LaTeX document, or a fragment for pasting.

        Raises :class:`UnverifiedDerivation` when a step failed or is unchecked, unless
        ``allow_unverified=True`` (the output then carries a visible warning).
        """
        self._guard(allow_unverified)
        warn = _latex_warning(self._warning()) if self.problems() else []
        body = self._latex_body(fragment)
        if fragment:
            return "\n".join([f"% {_tex_text(self.title)} -- generated by symmech; needs amsmath"] + warn
                             + body + self._latex_footer()) + "\n"
        doc = _latex_preamble(self.title) + warn + self._latex_box() + ["", r"\medskip", ""] + body \
            + self._latex_footer() + [r"\end{document}"]
        return "\n".join(doc) + "\n"

    # -------------------------------------------------------------- Markdown
    def _markdown_body(self, level: str = "##") -> List[str]:
        out = ["> **Setting.**"]
        for line in self._setting_lines():
            out.append(f"> - {_md_text(line)}")
        out.append("")
        steps = self.steps
        for block in _lines(steps):
            out.append("$$")
            out.extend(_math_block(block, steps, self.setting, "aligned"))
            out.append("$$")
            out.append("")
            for i in block:
                st = steps[i]
                extra = ""
                if st.kind == "statement" and st.claim.expr is not None and st.claim.text:
                    extra = " " + _md_text(st.claim.text)
                out.append(f"- ({i + 1}) **{_md_text(st.rule.capitalize())}.** {_md_text(_justification(i, st))}"
                           f"{extra} *[{st.status}]*")
            out.append("")
        out += [f"{level} How each step was checked", "", "| step | status | method |", "|---|---|---|"]
        for i, st in enumerate(self.steps):
            desc = st.verification.describe() if st.verification else "unchecked"
            desc = desc.split(": ", 1)[1] if ": " in desc else desc
            out.append(f"| ({i + 1}) | {st.status} | {_md_text(desc)} |")
        out += ["", self._summary_line(), ""]
        return out

    def to_markdown(self, allow_unverified: bool = False) -> str:
        """The derivation as Markdown with ``$$`` display math (notebooks, READMEs)."""
        self._guard(allow_unverified)
        out = [f"# {_md_text(self.title)}", ""]
        if self.problems():
            out += [f"> **{_md_text(self._warning())}**", ""]
        return "\n".join(out + self._markdown_body())

    # -------------------------------------------------------------- Jupyter
    def _repr_latex_(self) -> str:
        if self.problems():
            return r"$\text{" + _tex_text(f"{self.title}: " + self._summary_line()
                                          + " Render with allow_unverified=True to see it.") + "}$"
        parts = []
        for block in _lines(self.steps):
            parts.append("$$" + "\n".join(_math_block(block, self.steps, self.setting, "aligned")) + "$$")
        return "\n".join(parts)

    def _repr_markdown_(self) -> str:
        if self.problems():
            return (f"**{_md_text(self.title)}**: {_md_text(self._summary_line())} "
                    "Render with `to_markdown(allow_unverified=True)` to see it with a warning.")
        return self.to_markdown()

    def to_dict(self) -> dict:
        return {"title": self.title, "counts": self.counts(),
                "steps": [{"claim": str(s.claim if not isinstance(s.claim, (Definition, Statement))
                                        else (s.claim.lhs, s.claim.rhs) if isinstance(s.claim, Definition)
                                        else (s.claim.expr, s.claim.text)),
                           "kind": s.kind, "rule": s.rule, "justification": s.justification,
                           "citation": s.citation,
                           "verification": s.verification.to_dict() if s.verification else None}
                          for s in self.steps]}

    # -------------------------------------------------------------- files
    def write(self, path: Any, pdf: bool = False, overwrite: bool = False,
              allow_unverified: bool = False) -> WriteResult:
        """Write the derivation to ``path`` (``.tex`` or ``.md``) atomically.

        Refuses to overwrite an existing file unless ``overwrite=True``. With ``pdf=True``
        (``.tex`` only) compiles with ``latexmk -pdf -interaction=nonstopmode
        -halt-on-error`` in a temporary directory and writes the PDF next to ``path``; when
        latexmk is missing or fails the result says plainly that no PDF was made.
        """
        return _write_text(path, lambda suffix: self.to_latex(allow_unverified=allow_unverified)
                           if suffix == ".tex" else self.to_markdown(allow_unverified=allow_unverified),
                           pdf, overwrite)


@dataclass(frozen=True)
class Document:
    """Several derivations in one document (one section each), e.g. a general-``F`` derivation
    and its uniform case.

    Examples
    --------
    >>> import sympy as sp
    >>> v = sp.Symbol("v", real=True)
    >>> part = Derivation("Square", DerivationSetting(), [Step(equation((v + 1)**2, v**2 + 2*v + 1),
    ...                   "expand", "algebra")])
    >>> Document("Notes", (part, part)).counts()["symbolic"]
    2
    """

    title: str
    parts: Tuple[Derivation, ...]

    def __post_init__(self) -> None:
        parts = tuple(self.parts)
        if not parts or not all(isinstance(p, Derivation) for p in parts):
            raise InvalidParameter("a Document needs one or more Derivation parts")
        object.__setattr__(self, "parts", parts)

    def counts(self) -> Dict[str, int]:
        """Step statuses summed over the parts."""
        out = {k: 0 for k in STEP_STATUSES}
        for p in self.parts:
            for k, n in p.counts().items():
                out[k] += n
        return out

    @property
    def verified(self) -> bool:
        return all(p.verified for p in self.parts)

    def _guard(self, allow_unverified: bool) -> None:
        for p in self.parts:
            p._guard(allow_unverified)

    def to_latex(self, allow_unverified: bool = False) -> str:
        """One standalone LaTeX document, a section per part."""
        self._guard(allow_unverified)
        doc = _latex_preamble(self.title)
        for p in self.parts:
            doc += [r"\section*{" + _tex_text(p.title) + "}", ""]
            if p.problems():
                doc += _latex_warning(p._warning())
            doc += p._latex_box() + ["", r"\medskip", ""] + p._latex_body(False) + p._latex_footer() + [""]
        c = self.counts()
        doc += [r"\bigskip\noindent " + _tex_text(
            f"In all: {sum(c.values())} steps, {c['symbolic']} checked symbolically, {c['numeric']} numerically, "
            f"{c['failed']} failed, {c['unchecked']} unchecked."), r"\end{document}"]
        return "\n".join(doc) + "\n"

    def to_markdown(self, allow_unverified: bool = False) -> str:
        self._guard(allow_unverified)
        out = [f"# {_md_text(self.title)}", ""]
        for p in self.parts:
            out += [f"## {_md_text(p.title)}", ""]
            if p.problems():
                out += [f"> **{_md_text(p._warning())}**", ""]
            out += p._markdown_body("###")
        return "\n".join(out)

    def _repr_markdown_(self) -> str:
        if not self.verified:
            return f"**{_md_text(self.title)}**: has unverified steps; use to_markdown(allow_unverified=True)."
        return self.to_markdown()

    def write(self, path: Any, pdf: bool = False, overwrite: bool = False,
              allow_unverified: bool = False) -> WriteResult:
        """Write the document (``.tex`` or ``.md``), as :meth:`Derivation.write`."""
        return _write_text(path, lambda suffix: self.to_latex(allow_unverified=allow_unverified)
                           if suffix == ".tex" else self.to_markdown(allow_unverified=allow_unverified),
                           pdf, overwrite)
