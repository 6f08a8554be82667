"""Value distributions: the primitive every symmech computation starts from.

A :class:`Distribution` is a CDF ``F`` and density ``f = F'`` of the value ``v`` on a
support ``[lo, hi]`` (``hi`` may be ``oo``), possibly with symbolic parameters carrying
assumptions (THEORY section 1; Kang & Skrzypacz 2025, "Setup"). It is validated when built:
the support is ordered, ``F(lo) = 0``, ``F(hi) = 1``, the density is nonnegative and (when
given as a density) has mass one. Where validity depends on a parameter the constructor
raises only when the rule provably fails, and records the condition it needs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any, Iterable, Mapping, Optional, Tuple

import mpmath
import sympy as sp

from .budget import bounded
from .errors import InvalidDistribution, InvalidParameter, ParseError
from .numeric import mp_callable
from .numeric import to_mp as _mp

__all__ = ["v", "Distribution"]

#: the default value symbol
v = sp.Symbol("v", real=True)

_TOL = mpmath.mpf(10) ** -20
_SAMPLES = 96


def _symbols_from(params: Any) -> Tuple[sp.Symbol, ...]:
    """Normalise ``params`` (names, Symbols or a name -> assumptions mapping) to Symbols."""
    if params is None:
        return ()
    out = []
    if isinstance(params, Mapping):
        for name, spec in params.items():
            if isinstance(spec, sp.Symbol):
                out.append(spec)
            elif isinstance(spec, Mapping):
                out.append(sp.Symbol(str(name), **dict(spec)))
            else:
                raise InvalidParameter(f"params[{name!r}] must be a Symbol or a dict of assumptions, got {spec!r}")
        return tuple(out)
    if isinstance(params, (str, sp.Symbol)):
        params = [params]
    for p in params:
        if isinstance(p, sp.Symbol):
            out.append(p)
        elif isinstance(p, str) and p.isidentifier():
            out.append(sp.Symbol(p, real=True))
        else:
            raise InvalidParameter(f"parameter names must be identifiers or Symbols, got {p!r}")
    return tuple(out)


def _as_expr(obj: Any, names: Mapping[str, sp.Symbol], what: str) -> sp.Expr:
    """User input (string or SymPy object) -> SymPy expression over the allowed names only."""
    if isinstance(obj, str):
        from .parsing import parse
        expr = parse(obj, names)
    elif isinstance(obj, (int, float)) and not isinstance(obj, bool):
        expr = sp.nsimplify(obj) if isinstance(obj, float) else sp.Integer(obj)
    elif isinstance(obj, sp.Basic):
        expr = obj
    else:
        raise ParseError(f"{what} must be a string or a SymPy expression, got {type(obj).__name__}")
    # identify symbols by name, so a plain Symbol('v') means the value symbol
    renames = {}
    for s in expr.free_symbols:
        if s.name in names:
            renames[s] = names[s.name]
        else:
            allowed = ", ".join(sorted(names))
            raise ParseError(f"unknown symbol '{s.name}' in the {what}: allowed names are {allowed}; "
                             f"declare parameters with params=[...] or pick the value symbol with var=...")
    return expr.xreplace(renames) if renames else expr


def _bound(x: Any, names: Mapping[str, sp.Symbol]) -> sp.Expr:
    if isinstance(x, str):
        from .parsing import parse
        return parse(x, names)
    if isinstance(x, float):
        if x == float("inf"):
            return sp.oo
        if x == float("-inf"):
            return -sp.oo
        return sp.nsimplify(x, rational=True)
    return _as_expr(x, names, "support bound")




def _interior_points(lo: sp.Expr, hi: sp.Expr, n: int):
    """``n`` mpmath points strictly inside (lo, hi), denser near the ends; maps infinite ends."""
    pts = []
    for i in range(1, n + 1):
        u = mpmath.mpf(i) / (n + 1)
        u = (1 - mpmath.cos(mpmath.pi * u)) / 2  # Chebyshev-like clustering at the ends
        if lo.is_finite and hi.is_finite:
            pts.append(_mp(lo) + (_mp(hi) - _mp(lo)) * u)
        elif lo.is_finite:
            pts.append(_mp(lo) + u / (1 - u))
        elif hi.is_finite:
            pts.append(_mp(hi) - (1 - u) / u)
        else:
            pts.append(mpmath.tan(mpmath.pi * (u - mpmath.mpf(1) / 2)))
    return pts


def _endpoint_value(expr: sp.Expr, var: sp.Symbol, at: sp.Expr, side: str) -> sp.Expr:
    """``expr`` at an end of the support: substitution first, a one-sided limit if needed.

    Substitution comes first because SymPy's ``limit`` is wrong on some erf expressions at
    infinity (SymPy 1.14); an undecidable value comes back as ``nan`` (no verdict).
    """
    try:
        val = expr.subs(var, at)
        if val.has(sp.nan, sp.zoo, sp.AccumBounds) or val.is_finite is False or val.has(sp.oo, -sp.oo):
            val, ok = bounded(sp.limit, expr, var, at, side if at.is_finite else "+-"[at == sp.oo], seconds=5)
            if not ok or val.has(sp.AccumBounds):
                return sp.nan
        return val
    except (NotImplementedError, TypeError, ValueError, ZeroDivisionError):
        return sp.nan


@dataclass(frozen=True)
class Distribution:
    """A value distribution: CDF, density and support, with optional symbolic parameters.

    Build it with :meth:`from_cdf`, :meth:`from_pdf`, :meth:`from_stats` or a family in
    :mod:`symmech.families`; the constructors validate. Instances are immutable and hashable.

    Attributes
    ----------
    cdf, pdf : sympy.Expr
        ``F(v)`` and ``f(v)`` on the support (``cdf`` may be an unevaluated ``Integral``).
    support : (lo, hi)
    var : sympy.Symbol
    params : tuple of sympy.Symbol
    assumptions : sympy Boolean
        Conditions on the parameters recorded for validity (``True`` if none).
    name : str or None
    notes : tuple of str
        How it was built (fallbacks taken, e.g. CDF left as an integral).

    Examples
    --------
    >>> import symmech as sm
    >>> d = sm.Distribution.from_cdf("v**2", support=(0, 1))
    >>> d.pdf
    2*v
    >>> d.demand
    1 - v**2
    """

    cdf: Any
    pdf: Any
    support: Tuple[Any, Any]
    var: sp.Symbol = v
    params: Tuple[sp.Symbol, ...] = ()
    assumptions: Any = sp.true
    name: Optional[str] = None
    notes: Tuple[str, ...] = field(default_factory=tuple, compare=False)

    # ------------------------------------------------------------------ constructors
    @classmethod
    def from_cdf(cls, cdf: Any, support: Tuple[Any, Any] = (0, 1), *, params: Any = None,
                 var: Any = None, name: Optional[str] = None, assumptions: Any = None,
                 validate: bool = True) -> "Distribution":
        """Distribution with CDF ``cdf`` on ``support``; the density is ``cdf'``.

        Examples
        --------
        >>> Distribution.from_cdf("1 - (1 - v)**2").pdf
        2 - 2*v
        """
        var_sym, psyms, names = _resolve_symbols(var, params)
        F = _as_expr(cdf, names, "CDF")
        lo, hi = (_bound(b, names) for b in _support_pair(support))
        f, ok = bounded(lambda: _tidy(sp.diff(F, var_sym), var_sym, lo), seconds=5)
        notes = ()
        if not ok:
            f, notes = sp.diff(F, var_sym), ("density left unsimplified (time budget)",)
        d = cls(F, f, (lo, hi), var_sym, psyms, _assume(assumptions, names), name, notes)
        return d._validated(mass_check=False) if validate else d

    @classmethod
    def from_pdf(cls, pdf: Any, support: Tuple[Any, Any] = (0, 1), *, params: Any = None,
                 var: Any = None, name: Optional[str] = None, assumptions: Any = None,
                 validate: bool = True) -> "Distribution":
        """Distribution with density ``pdf`` on ``support``; ``F(v) = integral_lo^v f``.

        When SymPy finds no antiderivative within its budget, ``cdf`` stays an unevaluated
        ``Integral`` (numbers then come from quadrature) and ``notes`` says so.

        Examples
        --------
        >>> Distribution.from_pdf("2*v").cdf
        v**2
        """
        var_sym, psyms, names = _resolve_symbols(var, params)
        f = _as_expr(pdf, names, "density")
        lo, hi = (_bound(b, names) for b in _support_pair(support))
        F, notes = _antiderivative(f, var_sym, lo)
        d = cls(F, f, (lo, hi), var_sym, psyms, _assume(assumptions, names), name, notes)
        return d._validated(mass_check=True) if validate else d

    @classmethod
    def from_stats(cls, rv: Any, *, var: Any = None, name: Optional[str] = None) -> "Distribution":
        """Distribution of a ``sympy.stats`` continuous random variable.

        Free symbols of the variable's parameters become the distribution's parameters
        (with their SymPy assumptions).

        Examples
        --------
        >>> from sympy.stats import Uniform
        >>> Distribution.from_stats(Uniform("X", 0, 2)).cdf
        v/2
        """
        from sympy import stats
        try:
            dom = stats.pspace(rv).domain.set
        except Exception as exc:  # sympy raises assorted errors for non-random input
            raise InvalidDistribution(f"from_stats needs a sympy.stats continuous random variable: {exc}") from None
        if not isinstance(dom, sp.Interval):
            raise InvalidDistribution(f"from_stats needs an interval support, got {dom}")
        var_sym = _var_symbol(var)
        t = sp.Dummy("t", real=True)
        f = stats.density(rv)(t)
        psyms = tuple(sorted((s for s in f.free_symbols if s != t), key=lambda s: s.name))
        lo, hi = dom.inf, dom.sup
        f = _restrict(f, t, lo, hi).xreplace({t: var_sym})
        label = name or str(getattr(rv, "pspace").distribution.__class__.__name__)
        return cls.from_pdf(f, (lo, hi), params=psyms, var=var_sym, name=label)

    # ------------------------------------------------------------------ derived quantities
    @property
    def demand(self) -> sp.Expr:
        """Demand ``1 - F(v)``."""
        return 1 - self.cdf

    @property
    def hazard_rate(self) -> sp.Expr:
        """Hazard rate ``f / (1 - F)``."""
        return self.pdf / (1 - self.cdf)

    @property
    def lo(self) -> Any:
        return self.support[0]

    @property
    def hi(self) -> Any:
        return self.support[1]

    @property
    def is_numeric(self) -> bool:
        """True when the distribution has no free parameters."""
        free = self.cdf.free_symbols | self.pdf.free_symbols | sp.Tuple(*self.support).free_symbols
        return not (free - {self.var})

    def subs(self, values: Mapping[Any, Any] | None = None, **kw: Any) -> "Distribution":
        """Substitute parameter values (by name or Symbol) and revalidate.

        Examples
        --------
        >>> import sympy as sp
        >>> k = sp.Symbol("k", positive=True)
        >>> d = Distribution.from_cdf("v**k", params=[k])
        >>> d.pdf
        k*v**(k - 1)
        >>> d.subs(k=3).pdf
        3*v**2
        """
        values = dict(values or {})
        values.update(kw)
        by_name = {p.name: p for p in self.params}
        rep = {}
        for key, val in values.items():
            sym = by_name.get(key.name if isinstance(key, sp.Symbol) else str(key))
            if sym is None:
                raise InvalidParameter(f"unknown parameter '{key}': this distribution has "
                                       f"{', '.join(by_name) or 'no parameters'}")
            val = _bound(val, {}) if not isinstance(val, sp.Basic) else val
            if val.is_real is False:
                raise InvalidParameter(f"parameter {sym} must be real, got {val}")
            if sym.is_positive and val.is_positive is False:
                raise InvalidParameter(f"parameter {sym} must be positive, got {val}")
            if sym.is_nonnegative and val.is_nonnegative is False:
                raise InvalidParameter(f"parameter {sym} must be nonnegative, got {val}")
            rep[sym] = val
        cond = self.assumptions.xreplace(rep) if self.assumptions not in (sp.true, sp.false) else self.assumptions
        if cond is sp.false:
            raise InvalidParameter(f"parameter values {values} violate {self.assumptions}")
        params = tuple(p for p in self.params if p not in rep)
        lo = sp.sympify(self.lo).xreplace(rep)
        name = self.name
        if name:
            for sym, val in rep.items():
                name = re.sub(rf"\b{re.escape(sym.name)}\b", str(val), name)
        d = Distribution(_tidy(self.cdf.xreplace(rep), self.var, lo), _tidy(self.pdf.xreplace(rep), self.var, lo),
                         tuple(sp.sympify(b).xreplace(rep) for b in self.support), self.var, params,
                         cond if cond is not sp.true else sp.true, name, self.notes)
        return d._validated(mass_check=False)

    def numeric_cdf(self, dps: int = 30):
        """mpmath callable for ``F`` (integrals by quadrature); call inside ``workdps(dps)``."""
        self._require_numeric("numeric_cdf")
        return mp_callable(self.cdf, self.var)

    def numeric_pdf(self, dps: int = 30):
        """mpmath callable for ``f``; call inside ``workdps(dps)``."""
        self._require_numeric("numeric_pdf")
        return mp_callable(self.pdf, self.var)

    def mean(self, dps: int = 30) -> mpmath.mpf:
        """``E[v]`` by quadrature at ``dps`` digits (numeric distributions only)."""
        self._require_numeric("mean")
        with mpmath.workdps(dps):
            f = mp_callable(self.pdf, self.var)
            return +mpmath.quad(lambda x: x * f(x), [_mp(self.lo), _mp(self.hi)])

    # ------------------------------------------------------------------ rendering
    def latex(self) -> str:
        lo, hi = self.support
        return (f"F({sp.latex(self.var)}) = {sp.latex(self.cdf)},\\quad f({sp.latex(self.var)}) = "
                f"{sp.latex(self.pdf)},\\quad {sp.latex(self.var)} \\in [{sp.latex(lo)}, {sp.latex(hi)}]")

    def _repr_latex_(self) -> str:
        return "$" + self.latex() + "$"

    def to_dict(self) -> dict:
        return {"name": self.name, "cdf": str(self.cdf), "pdf": str(self.pdf),
                "support": [str(b) for b in self.support], "var": str(self.var),
                "params": [str(p) for p in self.params], "assumptions": str(self.assumptions),
                "notes": list(self.notes)}

    def __str__(self) -> str:
        head = f"{self.name}: " if self.name else ""
        return f"{head}F({self.var}) = {self.cdf} on [{self.lo}, {self.hi}]"

    # ------------------------------------------------------------------ validation
    def _require_numeric(self, what: str) -> None:
        if not self.is_numeric:
            raise InvalidParameter(f"{what} needs numeric parameters; substitute values for "
                                   f"{', '.join(p.name for p in self.params)} with .subs(...)")

    def _validated(self, mass_check: bool) -> "Distribution":
        lo, hi = self.support
        order = sp.Lt(lo, hi)
        if order is sp.false:
            raise InvalidDistribution(f"support must have lo < hi, got [{lo}, {hi}]")
        if lo == sp.oo or hi == -sp.oo:
            raise InvalidDistribution(f"support must have lo < hi, got [{lo}, {hi}]")
        extra = []
        if order is not sp.true:
            extra.append(order)
        F, f, x = self.cdf, self.pdf, self.var
        ends = (("F(lo)", F, lo, "+", 0),) + (() if mass_check else (("F(hi)", F, hi, "-", 1),))
        for name, expr, at, side, want in ends:
            if isinstance(F, sp.Integral):
                continue  # F(lo) = 0 by construction; the mass check covers F(hi)
            val = _endpoint_value(expr, x, at, side)
            if val.has(sp.nan):
                continue
            if not val.free_symbols:
                gap = abs(sp.N(val - want, 30))
                if gap.is_number and gap > 10 ** -20:
                    shown = val if sp.count_ops(val) < 12 else sp.N(val, 10)
                    raise InvalidDistribution(f"a CDF needs {name} = {want}, got {name} = {shown}")
                continue
            diff, _ = bounded(sp.simplify, val - want, seconds=3, fallback=val - want)
            if diff.free_symbols:
                if diff.is_zero is False:
                    raise InvalidDistribution(f"a CDF needs {name} = {want}, got {name} = {val}")
                extra.append(sp.Eq(val, want))
        if self.is_numeric:
            self._check_numeric(mass_check)
        else:
            extra.extend(self._parametric_conditions(mass_check, sp.And(self.assumptions, *extra)))
        if not extra:
            return self
        cond = sp.And(self.assumptions, *extra)
        if cond is sp.false:
            raise InvalidDistribution(f"parameter conditions {extra} cannot hold")
        return replace(self, assumptions=cond)

    def _parametric_conditions(self, mass_check: bool, known: Any) -> list:
        """Conditions on the parameters for f >= 0 (and mass 1); raise if provably violated."""
        from .signs import sign_on
        F, f, x = self.cdf, self.pdf, self.var
        lo, hi = self.support
        out = []
        verdict = sign_on(f, x, (lo, hi), relation=">=", params=self.params, assumptions=known,
                          budget=3, rungs=("symbolic",))
        if verdict.holds is False:
            raise InvalidDistribution(f"density must be nonnegative on the support, but f = {f} is negative "
                                      f"there for every admissible parameter value")
        if verdict.holds is None and verdict.condition not in (None, sp.true) \
                and not _implied(verdict.condition, known):
            out.append(verdict.condition)
        if mass_check:
            mass = F.subs(x, hi) if not isinstance(F, sp.Integral) and hi.is_finite else None
            if mass is None:
                mass, ok = bounded(sp.integrate, f, (x, lo, hi), seconds=5, fallback=None)
                mass = mass if ok else None
            if mass is None or mass.has(sp.Integral):
                out.append(sp.Eq(sp.Integral(f, (x, lo, hi)), 1))
            else:
                mass, _ = bounded(sp.simplify, mass, seconds=3, fallback=mass)
                if not mass.free_symbols and (mass - 1).is_zero is False:
                    raise InvalidDistribution(f"a density must integrate to 1 over the support, got {mass}")
                if mass.free_symbols and (mass - 1).is_zero is not True:
                    out.append(sp.Eq(mass, 1))
        return out

    def _check_numeric(self, mass_check: bool) -> None:
        lo, hi = self.support
        with mpmath.workdps(30):
            try:
                f = mp_callable(self.pdf, self.var)
                pts = _interior_points(lo, hi, _SAMPLES)
                vals = [f(p) for p in pts]
            except (TypeError, ValueError, ZeroDivisionError, OverflowError) as exc:
                raise InvalidDistribution(f"density cannot be evaluated on the support: {exc}") from None
            for p, val in zip(pts, vals):
                if isinstance(val, mpmath.mpc):
                    if abs(val.imag) > _TOL:
                        raise InvalidDistribution(f"density is not real at v = {mpmath.nstr(p, 6)}: f = {mpmath.nstr(val, 6)}")
                    val = val.real
                if val < -_TOL:
                    raise InvalidDistribution(
                        f"density must be nonnegative (CDF nondecreasing), but f({mpmath.nstr(p, 6)}) = "
                        f"{mpmath.nstr(val, 6)} < 0")
            if mass_check:
                mass = mpmath.quad(f, _quad_nodes(lo, hi))
                if abs(mass - 1) > mpmath.mpf(10) ** -15:
                    raise InvalidDistribution(
                        f"a density must integrate to 1 over the support, got {mpmath.nstr(mass, 10)}")


def _quad_nodes(lo, hi):
    if lo.is_finite and hi.is_finite:
        return mpmath.linspace(_mp(lo), _mp(hi), 5)
    return [_mp(lo), _mp(hi)]


def _support_pair(support: Any) -> Tuple[Any, Any]:
    try:
        lo, hi = support
    except (TypeError, ValueError):
        raise InvalidDistribution(f"support must be a pair (lo, hi), got {support!r}") from None
    return lo, hi


def _var_symbol(var: Any) -> sp.Symbol:
    if var is None:
        return v
    if isinstance(var, sp.Symbol):
        return var if var.is_real else sp.Symbol(var.name, real=True)
    if isinstance(var, str) and var.isidentifier():
        return sp.Symbol(var, real=True)
    raise InvalidParameter(f"var must be a Symbol or an identifier, got {var!r}")


def _resolve_symbols(var: Any, params: Any):
    var_sym = _var_symbol(var)
    psyms = _symbols_from(params)
    names = {var_sym.name: var_sym}
    for p in psyms:
        if p.name == var_sym.name:
            raise InvalidParameter(f"parameter '{p.name}' has the same name as the value symbol")
        names[p.name] = p
    return var_sym, psyms, names


def _assume(assumptions: Any, names: Mapping[str, sp.Symbol]) -> Any:
    if assumptions is None:
        return sp.true
    if isinstance(assumptions, str):
        from .parsing import parse_condition
        return parse_condition(assumptions, names)
    return assumptions


def _tidy(expr: sp.Expr, var: Optional[sp.Symbol] = None, lo: Any = None) -> sp.Expr:
    """The shortest of a few cheap normal forms and a budgeted ``simplify``.

    When the support lies in ``[0, oo)`` the value symbol is treated as positive while
    simplifying (``k*v**k/v`` becomes ``k*v**(k - 1)``), which is valid on the interior.
    """
    expr = sp.sympify(expr)
    if expr.has(sp.Integral):
        return expr
    back = {}
    if var is not None and lo is not None and sp.sympify(lo).is_nonnegative:
        pos = sp.Dummy(var.name, positive=True)
        expr, back = expr.xreplace({var: pos}), {pos: var}
    simp, ok = bounded(sp.simplify, expr, seconds=1.5)
    cands = ([simp] if ok else []) + [sp.powsimp(expr), sp.factor_terms(expr)]
    if expr.is_rational_function():
        cands.append(sp.cancel(expr))
    cands.append(expr)
    best = min(cands, key=sp.count_ops)  # ties keep the earlier (more simplified) form
    return best.xreplace(back) if back else best


def _antiderivative(f: sp.Expr, x: sp.Symbol, lo: sp.Expr):
    s = sp.Dummy("s", real=True)
    F, ok = bounded(sp.integrate, f.xreplace({x: s}), (s, lo, x), seconds=8, fallback=None)
    if ok and F is not None and not F.has(sp.Integral) and not _complex_looking(F):
        G, ok2 = bounded(sp.simplify, F, seconds=4, fallback=F)
        G = G if ok2 and sp.count_ops(G) <= sp.count_ops(F) else F
        return G, ()
    t = sp.Symbol("s", real=True)
    return sp.Integral(f.xreplace({x: t}), (t, lo, x)), ("no real closed-form CDF found within the time budget: "
                                                         "F is an unevaluated integral, evaluated by quadrature",)


def _implied(cond: Any, assumptions: Any) -> bool:
    """Whether ``assumptions`` provably imply ``cond``, by writing each ``x < y`` between
    symbols as ``y = x + w`` with ``w > 0`` and letting SymPy evaluate ``cond``."""
    if assumptions in (sp.true, sp.false):
        return False
    shift = {}
    for rel in assumptions.atoms(sp.StrictLessThan, sp.StrictGreaterThan):
        small, big = (rel.lhs, rel.rhs) if isinstance(rel, sp.StrictLessThan) else (rel.rhs, rel.lhs)
        if big.is_Symbol and big not in shift and big not in small.free_symbols:
            shift[big] = small + sp.Dummy("w", positive=True)
    return bool(shift) and cond.xreplace(shift) is sp.true


def _complex_looking(expr: sp.Expr) -> bool:
    """Whether an antiderivative is written with complex or polar constructs."""
    if expr.has(sp.I, sp.exp_polar, sp.polar_lift, sp.periodic_argument):
        return True
    return any(p.base.is_negative and not p.exp.is_integer for p in expr.atoms(sp.Pow) if p.base.is_number)


def _restrict(f: sp.Expr, t: sp.Symbol, lo: sp.Expr, hi: sp.Expr) -> sp.Expr:
    """Drop the Piecewise wrapper of a sympy.stats density when one branch covers the support."""
    if not isinstance(f, sp.Piecewise):
        return f
    if lo.is_finite and hi.is_finite:
        probes = [lo + (hi - lo) * sp.Rational(i, 8) for i in range(1, 8)]
    else:
        base = lo if lo.is_finite else (hi if hi.is_finite else sp.Integer(0))
        probes = [base + sp.Rational(i, 2) * (1 if lo.is_finite or not hi.is_finite else -1) for i in range(-3 if not (lo.is_finite or hi.is_finite) else 1, 8)]
    for expr, cond in f.args:
        if all(cond.subs(t, p) is sp.true for p in probes):
            return expr
    return f
