"""Virtual values, ironing and thresholds.

Model (THEORY section 2; Myerson 1981, sections 3-6; Hartline & Roughgarden 2008): a
principal putting weight ``alpha`` on revenue and ``1 - alpha`` on consumer surplus
maximises, after substituting the envelope formula, ``integral x(v) J_alpha(v) f(v) dv`` with

    J_alpha(v) = alpha v + (1 - 2 alpha) (1 - F(v)) / f(v).

``alpha = 1`` is Myerson's virtual value, ``alpha = 1/2`` gives ``v/2`` and ``alpha = 0`` the
inverse hazard rate of money burning.

Ironing (Myerson 1981, section 6). In quantile space ``u = F(v)`` let
``H(u) = integral_0^u J(F^{-1}(w)) dw``, so ``H'(u) = J(F^{-1}(u))``; equivalently the revenue
curve ``R(q) = H(1) - H(1 - q)`` in ``q = 1 - F(v)`` has ``R'(q) = J(F^{-1}(1 - q))`` (for
``alpha = 1``, ``R(q) = q F^{-1}(1 - q)`` up to the constant ``lo``). ``J`` is nondecreasing in
``v`` iff ``H`` is convex iff ``R`` is concave. The ironed virtual value is the derivative of
the convex hull of ``H`` (the concave hull of ``R``), read back in ``v``. On a pooling interval
``[a, b]`` it is constant at ``lambda = integral_a^b J f / (F(b) - F(a))`` (mean preserving) and
an interior interval has ``J(a) = J(b) = lambda``; an interval starting at ``lo`` only needs
``J(b) = lambda``, one ending at ``hi`` only ``J(a) = lambda``. The integral of ``J f`` needs no
quadrature of ``J``: ``J f = alpha d/dv[-v (1 - F)] + (1 - alpha) (1 - F)``.

Thresholds: the reserve price solves ``J_1(r) = 0`` (Myerson 1981; Krishna, Auction Theory,
2nd ed., section 5.2), the market-clearing price for capacity ``Q`` solves ``1 - F(p) = Q``.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

import mpmath
import numpy as np
import sympy as sp

from .budget import bounded
from .distribution import Distribution
from .errors import InvalidDistribution, InvalidParameter, SymmechError
from .numeric import Agreement, grid_points, mp_callable, quad_fn, sample_points, verify
from .numeric import to_mp as _mp
from .verdict import Certificate, Verdict

__all__ = [
    "VirtualValue",
    "IronedVirtualValue",
    "Threshold",
    "ThresholdCheck",
    "virtual_value",
    "ironed_virtual_value",
    "reserve_price",
    "market_clearing_price",
]

#: seconds granted to one simplification of a closed form
SIMPLIFY_SECONDS = 2.0
#: seconds granted to one symbolic solve (a threshold or a pooling endpoint)
SOLVE_SECONDS = 4.0
#: seconds granted to each rung of the sign ladder deciding monotonicity
LADDER_SECONDS = 3.0
#: grid cells used to locate ironing intervals before they are solved to full precision
_HULL_CELLS = 4000
#: guard digits stored beyond the requested ones, so a check at ``dps`` digits is not limited by
#: the rounding of the stored value
_GUARD = 5
#: grid points used to bracket the roots of a threshold equation
_ROOT_GRID = 240


def cache_clear() -> None:
    """Forget cached virtual values, ironings and scales (for benchmarks and tests)."""
    _virtual_value_cached.cache_clear()
    _ironed_cached.cache_clear()
    _scale.cache_clear()


# ====================================================================== small helpers
def _require_distribution(d: Any) -> Distribution:
    if not isinstance(d, Distribution):
        raise InvalidDistribution(f"expected a symmech Distribution, got {type(d).__name__}")
    return d


def _alpha_value(alpha: Any) -> sp.Expr:
    """``alpha`` as a SymPy expression; a number must lie in [0, 1]."""
    if isinstance(alpha, bool) or alpha is None:
        raise InvalidParameter(f"alpha must be a number in [0, 1] or a Symbol, got {alpha!r}")
    if isinstance(alpha, str):
        try:
            from .parsing import parse
            a = sp.Symbol(alpha.strip(), real=True) if alpha.strip().isidentifier() else parse(alpha, {})
        except (ImportError, AttributeError, SymmechError) as exc:
            raise InvalidParameter(f"alpha must be a number in [0, 1] or a Symbol, got {alpha!r} ({exc})") from None
    elif isinstance(alpha, float):
        if not math.isfinite(alpha):
            raise InvalidParameter(f"alpha must lie in [0, 1], got alpha = {alpha}")
        a = sp.nsimplify(alpha, rational=True)
    elif isinstance(alpha, int):
        a = sp.Integer(alpha)
    elif isinstance(alpha, sp.Basic) and isinstance(alpha, sp.Expr):
        a = alpha
    else:
        raise InvalidParameter(f"alpha must be a number in [0, 1] or a Symbol, got {type(alpha).__name__}")
    if a.is_number:
        if a.is_real is False or a.has(sp.nan, sp.zoo):
            raise InvalidParameter(f"alpha must be real, got alpha = {a}")
        if bool(a < 0) or bool(a > 1):
            raise InvalidParameter(f"alpha must lie in [0, 1] (the weight on revenue), got alpha = {a}")
    elif sp.Lt(a, 0) is sp.true or sp.Gt(a, 1) is sp.true:
        raise InvalidParameter(f"alpha must lie in [0, 1] (the weight on revenue), got alpha = {a}")
    return a




def _real(val: Any) -> Any:
    if isinstance(val, mpmath.mpc):
        return val.real
    return val


def _float_sym(x: Any, dps: int) -> sp.Float:
    """An mpmath number as a SymPy Float carrying ``dps`` significant digits."""
    return sp.Float(mpmath.nstr(x, dps + 2, min_fixed=-mpmath.inf, max_fixed=mpmath.inf), dps)


def _positive_form(expr: sp.Expr, var: sp.Symbol, lo: Any) -> Tuple[sp.Expr, Dict]:
    """Replace ``var`` by a positive dummy when the support lies in [0, oo)."""
    if sp.sympify(lo).is_nonnegative:
        p = sp.Dummy(var.name, positive=True)
        return expr.xreplace({var: p}), {p: var}
    return expr, {}


# ---------------------------------------------------------------------- readable real form
def _real_form(expr: Any, var: sp.Symbol, lo: Any, hi: Any,
               seconds: float = SIMPLIFY_SECONDS) -> Tuple[sp.Expr, Tuple[str, ...]]:
    """A short form of ``expr`` that is real on the support (no ``I*pi``, no ``log(v - hi)``).

    Candidates: ``cancel``/``factor`` of a rational function; otherwise ``simplify`` with ``v`` a
    positive dummy (support in ``[0, oo)``; else plain), with ``v = hi - w`` and
    ``v = lo + w`` (``w > 0``) so that ``log(hi - v)`` stays real; each under a budget. A
    candidate survives only if it has no ``I`` and, at interior sample points (parameters at
    sample values), is real and equal to the original. The shortest survivor wins.
    """
    expr = sp.sympify(expr)
    if expr.has(sp.Integral):
        return expr, ()
    lo, hi = sp.sympify(lo), sp.sympify(hi)
    pw = sp.piecewise_fold(expr) if expr.has(sp.Piecewise) else expr
    if isinstance(pw, sp.Piecewise):
        # each piece on its own: the pieces are usually simple, the whole is slow to simplify
        pieces, notes = [], set()
        for e, c in pw.args:
            fe, n = _real_form(e, var, lo, hi, seconds / len(pw.args))
            pieces.append((fe, c))
            notes.update(n)
        return sp.Piecewise(*pieces), tuple(sorted(notes))
    rational = expr.is_rational_function(var)
    subs = []
    if rational:
        pass  # cancel/factor below are exact and fast; simplify only adds time on big rationals
    elif lo.is_nonnegative:
        p = sp.Dummy(var.name, positive=True)
        subs.append(({var: p}, {p: var}))
    else:
        subs.append(({}, {}))
    if not rational:
        if hi.is_finite:
            w = sp.Dummy("w", positive=True)
            subs.append(({var: hi - w}, {w: hi - var}))
        if lo.is_finite and lo != 0:
            w = sp.Dummy("w", positive=True)
            subs.append(({var: lo + w}, {w: var - lo}))
    cands = []
    expired = False
    start = time.monotonic()
    for fwd, back in subs:
        left = seconds - (time.monotonic() - start)
        if left <= 0.05:
            expired = True
            break
        e = expr.xreplace(fwd) if fwd else expr
        s, ok = bounded(sp.simplify, e, seconds=left)
        if not ok:
            expired = True
            continue
        cands.append(s.xreplace(back) if back else s)
    if rational:
        for how in (sp.cancel, sp.factor, sp.together):
            c, ok = bounded(how, expr, seconds=0.5)
            if ok:
                cands.append(c)
    cands.append(expr)
    pts = _check_points(lo, hi)
    samples = _param_samples(tuple(sorted(expr.free_symbols - {var}, key=sp.default_sort_key)), sp.true, 2)
    good = [c for c in cands if not (c.has(sp.I) and not expr.has(sp.I)) and _agrees(c, expr, var, pts, samples)]
    best = min(good or [expr], key=sp.count_ops)
    notes = ("simplification stopped by its time budget; the form shown may not be the shortest",) if expired else ()
    return best, notes


def _check_points(lo: sp.Expr, hi: sp.Expr) -> list:
    if lo.free_symbols or hi.free_symbols:
        return []
    return sample_points(lo, hi, 3)


def _agrees(c: sp.Expr, ref: sp.Expr, var: sp.Symbol, pts: Sequence, samples: Sequence[dict]) -> bool:
    """``c`` equals ``ref`` (and is real) at a few points; parameters at sample values."""
    if not pts or c is ref:
        return True
    for sample in samples[:2] or [{}]:
        for p in pts:
            try:
                a = complex(sp.N(c.xreplace(sample).subs(var, p), 20))
                b = complex(sp.N(ref.xreplace(sample).subs(var, p), 20))
            except (TypeError, ValueError, ZeroDivisionError):
                return False
            if not (math.isfinite(a.real) and math.isfinite(b.real)):
                continue
            if abs(a.imag) > 1e-12 * max(1.0, abs(a.real)) or abs(a - b) > 1e-9 * max(1.0, abs(b)):
                return False
    return True


def _param_samples(symbols: Sequence[sp.Symbol], assumptions: Any, n: int = 4,
                   unit: Sequence[sp.Symbol] = ()) -> List[dict]:
    """Up to ``n`` parameter valuations compatible with the symbols' assumptions and ``assumptions``.

    Symbols in ``unit`` (a capacity, a weight) take values inside (0, 1). Used only to pick
    among symbolic candidates and to sanity-check forms: never as proof.
    """
    if not symbols:
        return [{}]
    pools = []
    for s in symbols:
        if s in unit:
            pool = [sp.Rational(1, 3), sp.Rational(3, 4), sp.Rational(1, 2), sp.Rational(1, 5)]
        elif s.is_integer:
            pool = [2, 3, 1, 5]
        elif s.is_positive:
            pool = [sp.Rational(3, 2), sp.Rational(1, 2), 3, sp.Rational(7, 3)]
        elif s.is_nonnegative:
            pool = [sp.Rational(1, 2), sp.Rational(3, 2), 2, 1]
        else:
            pool = [sp.Rational(1, 2), sp.Rational(3, 2), sp.Rational(-1, 3), 2]
        pools.append(pool)
    out = []
    for i in range(16):
        val = {s: pool[(i + j * (i // 4)) % len(pool)] for j, (s, pool) in enumerate(zip(symbols, pools))}
        if val in out:
            continue
        cond = assumptions.xreplace(val) if isinstance(assumptions, sp.Basic) else sp.true
        if cond is sp.false:
            continue
        out.append(val)
        if len(out) >= n:
            break
    return out or [dict(zip(symbols, [p[0] for p in pools]))]


# ====================================================================== virtual values
@dataclass(frozen=True)
class VirtualValue:
    """``J_alpha(v) = alpha v + (1 - 2 alpha) (1 - F(v)) / f(v)`` of a distribution.

    Attributes
    ----------
    expr : sympy.Expr
        ``J_alpha`` in a readable real form on the support (contains an unevaluated
        ``Integral`` when ``F`` has no closed form; then ``numeric`` is True).
    alpha : sympy.Expr
        Weight on revenue, a number in [0, 1] or a symbol.
    distribution : Distribution
    numeric : bool
        True when values come from quadrature (``F`` is an unevaluated integral).
    notes : tuple of str
        Fallbacks taken (simplification budget, numeric CDF).

    Examples
    --------
    >>> import symmech as sm
    >>> J = sm.virtual_value(sm.Distribution.from_cdf("v", support=(0, 1)))
    >>> J.expr
    2*v - 1
    >>> J.monotone.holds
    True
    >>> J.check().ok
    True
    """

    expr: Any
    alpha: Any
    distribution: Distribution
    numeric: bool = False
    notes: Tuple[str, ...] = field(default_factory=tuple)

    @property
    def var(self) -> sp.Symbol:
        return self.distribution.var

    @property
    def params(self) -> Tuple[sp.Symbol, ...]:
        """Free parameters: the distribution's and those of a symbolic ``alpha``."""
        extra = tuple(sorted(sp.sympify(self.alpha).free_symbols - set(self.distribution.params),
                             key=sp.default_sort_key))
        return tuple(self.distribution.params) + extra

    @cached_property
    def monotone(self) -> Verdict:
        """Whether ``J_alpha`` is nondecreasing on the support (the sign ladder of ``signs``)."""
        return _increasing_verdict(self.expr, self.distribution, self._name(), self.params)

    def __call__(self, x: Any, dps: int = 30) -> Any:
        """``J_alpha(x)`` evaluated with ``dps`` digits (quadrature if ``F`` is an integral)."""
        _require_numbers(self, "evaluating J")
        with mpmath.workdps(dps):
            return +_real(mp_callable(self.expr, self.var)(_mp(x)))

    def check(self, dps: int = 30, points: Optional[Sequence[Any]] = None,
              values: Optional[dict] = None) -> Agreement:
        """Compare ``expr`` with ``J`` recomputed from its definition at ``dps`` digits.

        The reference uses only the density: ``1 - F(x) = integral_x^hi f`` by quadrature,
        so neither the closed-form CDF nor the simplification is trusted. Parameters (and a
        symbolic ``alpha``) must be given numeric ``values`` first.
        """
        d, expr, alpha = _substituted(self.distribution, self.expr, self.alpha, values, self.params)
        pts = list(points) if points is not None else sample_points(d.lo, d.hi, 7)
        return verify(expr, _definition_J(d, alpha), d.var, pts, dps)

    def _name(self) -> str:
        return f"J_{self.alpha}"

    def latex(self) -> str:
        a = sp.latex(self.alpha)
        return rf"J_{{{a}}}({sp.latex(self.var)}) = {sp.latex(self.expr)}"

    def _repr_latex_(self) -> str:
        return "$" + self.latex() + "$"

    def to_dict(self) -> dict:
        return {"kind": "virtual value", "alpha": str(self.alpha), "expr": str(self.expr),
                "distribution": self.distribution.to_dict(), "numeric": self.numeric,
                "monotone": self.monotone.to_dict(), "notes": list(self.notes)}

    def __str__(self) -> str:
        return f"J_{self.alpha}({self.var}) = {self.expr}"


def _require_numbers(obj: Any, what: str) -> None:
    if obj.params:
        raise InvalidParameter(f"{what} needs numeric parameters; give values for "
                               f"{', '.join(p.name for p in obj.params)}")


def _substituted(d: Distribution, expr: Any, alpha: Any, values: Optional[dict],
                 params: Sequence[sp.Symbol]):
    """Distribution, expression and alpha with numeric ``values`` put in for the parameters."""
    values = dict(values or {})
    if not params:
        return d, expr, alpha
    by_name = {p.name: p for p in params}
    rep = {}
    for key, val in values.items():
        sym = by_name.get(key.name if isinstance(key, sp.Symbol) else str(key))
        if sym is None:
            raise InvalidParameter(f"unknown parameter '{key}': expected one of {', '.join(by_name)}")
        rep[sym] = sp.nsimplify(val, rational=True) if isinstance(val, float) else sp.sympify(val)
    missing = [p.name for p in params if p not in rep]
    if missing:
        raise InvalidParameter(f"a numeric check needs values for {', '.join(missing)} (pass values={{...}})")
    dvals = {p.name: rep[p] for p in d.params}
    d2 = d.subs(dvals) if dvals else d
    return d2, sp.sympify(expr).xreplace(rep), _alpha_value(sp.sympify(alpha).xreplace(rep))


def _definition_J(d: Distribution, alpha: Any) -> Callable:
    """``x -> alpha x + (1 - 2 alpha) D(x) / f(x)`` with ``D(x) = integral_x^hi f`` by quadrature."""
    f = mp_callable(d.pdf, d.var)
    hi = d.hi

    def J(x):
        a = _mp(alpha)
        D = quad_fn(lambda s: _real(f(s)), x, _mp(hi))
        return a * x + (1 - 2 * a) * D / _real(f(x))

    return J


@lru_cache(maxsize=256)
def _virtual_value_cached(d: Distribution, a: sp.Expr) -> VirtualValue:
    x = d.var
    raw = a * x + (1 - 2 * a) * (1 - d.cdf) / d.pdf
    if d.cdf.has(sp.Integral):
        expr = (1 - 2 * a) * (1 - d.cdf) / d.pdf + a * x if a != sp.S.Half else x / 2
        return VirtualValue(expr, a, d, numeric=a != sp.S.Half,
                            notes=("F has no closed form: J contains the unevaluated integral of f and "
                                   "every number comes from quadrature",) if a != sp.S.Half else ())
    expr, notes = _real_form(raw, x, d.lo, d.hi)
    return VirtualValue(expr, a, d, numeric=False, notes=notes)


def virtual_value(d: Distribution, alpha: Any = 1) -> VirtualValue:
    """The virtual value ``J_alpha(v) = alpha v + (1 - 2 alpha)(1 - F(v))/f(v)`` of ``d``.

    Parameters
    ----------
    d : Distribution
    alpha : number in [0, 1] or sympy.Symbol
        Weight on revenue (``1 - alpha`` on consumer surplus); 1 is Myerson's virtual value,
        1/2 gives ``v/2``, 0 the inverse hazard rate (Hartline & Roughgarden 2008).

    Returns
    -------
    VirtualValue

    Examples
    --------
    >>> import symmech as sm
    >>> d = sm.Distribution.from_cdf("v**2", support=(0, 1))
    >>> sm.virtual_value(d).expr
    (3*v**2 - 1)/(2*v)
    >>> sm.virtual_value(d, alpha=0).expr
    (1 - v**2)/(2*v)
    >>> import sympy as sp
    >>> sm.virtual_value(d, alpha=sp.Symbol("alpha")).expr.has(sp.Symbol("alpha"))
    True
    """
    d = _require_distribution(d)
    return _virtual_value_cached(d, _alpha_value(alpha))


# ---------------------------------------------------------------------- monotonicity
def _increasing_verdict(expr: sp.Expr, d: Distribution, name: str, params: Sequence[sp.Symbol]) -> Verdict:
    """Verdict on ``expr`` nondecreasing on the support, from the ``signs`` ladder when present."""
    statement = f"{name}({d.var}) nondecreasing on [{d.lo}, {d.hi}]"
    try:
        from . import signs
        is_increasing = getattr(signs, "is_increasing", None)
    except ImportError:  # pragma: no cover - the module always exists, maybe as a placeholder
        is_increasing = None
    notes: Tuple[str, ...] = ()
    if not params:
        fast = _rational_increasing(expr, d, statement)
        if fast is not None:
            return fast
    if is_increasing is not None:
        try:
            return is_increasing(expr, d.var, (d.lo, d.hi), params=tuple(params), assumptions=d.assumptions,
                                 budget=LADDER_SECONDS)
        except SymmechError as exc:
            notes = (f"signs.is_increasing failed ({exc}); fell back to sampling",)
    else:
        notes = ("symmech.signs.is_increasing unavailable: decided by sampling only",)
    return _sampled_increasing(expr, d, statement, params, notes)


def _rational_increasing(expr: sp.Expr, d: Distribution, statement: str) -> Optional[Verdict]:
    """Exact answer for a parameter-free rational ``J`` on a finite support, or None.

    The first rung of the ladder specialised to what virtual values of polynomial CDFs are:
    ``J' = P/Q`` with ``Q`` of constant sign inside the support, so ``J`` is nondecreasing iff
    ``P/Q >= 0`` between the real roots of ``P`` (exact isolation, ``Poly.count_roots`` and
    ``real_roots``). Runs before the general ladder because it is cheap where the general
    rung spends its budget on factoring.
    """
    x = d.var
    lo, hi = sp.sympify(d.lo), sp.sympify(d.hi)
    if not (lo.is_Rational and hi.is_Rational) or not expr.is_rational_function(x) or expr.free_symbols - {x}:
        return None

    def work():
        n_, m_ = sp.fraction(sp.together(expr))
        N, M = sp.Poly(n_, x), sp.Poly(m_, x)
        if not all(p.domain.is_QQ or p.domain.is_ZZ for p in (N, M)):
            return None
        if M.count_roots(lo, hi) - int(M.eval(lo) == 0) - int(M.eval(hi) == 0) > 0:
            return None  # a pole inside the support: leave it to the ladder
        # J' = (N'M - N M') / M**2: polynomial arithmetic, no rational-function cancel
        P, Qp = N.diff(x) * M - N * M.diff(x), M ** 2
        g = P.gcd(Qp)
        if g.degree() > 0:
            P, Qp = P.quo(g), Qp.quo(g)
        num, den = P.as_expr(), Qp.as_expr()
        cuts = sorted({r for r in sp.real_roots(P.sqf_part()) if bool(r > lo) and bool(r < hi)},
                      key=lambda r: float(r))
        ends = [lo] + cuts + [hi]
        for a, b in zip(ends, ends[1:]):
            m = _rational_between(a, b)
            if P.eval(m) * Qp.eval(m) < 0:
                return m, num / den
        return None, num / den

    out, ok = bounded(work, seconds=LADDER_SECONDS)
    if not ok or out is None:
        return None
    bad, dJ = out
    if bad is None:
        return Verdict(statement, True, method="symbolic", certificate=Certificate(
            dJ, "J' = P/Q has no sign change on the support (exact real-root isolation of P and Q)"))
    return Verdict(statement, False, method="symbolic", certificate=Certificate(
        dJ, f"J'({bad}) < 0 (exact rational arithmetic)"), counterexample={x.name: bad, "value": dJ.subs(x, bad)})


def _rational_between(a: sp.Expr, b: sp.Expr) -> sp.Rational:
    """A short rational strictly between the real numbers ``a < b``."""
    fa, fb = sp.N(a, 30), sp.N(b, 30)
    m = (fa + fb) / 2
    for den in (1, 2, 4, 8, 10, 16, 100, 1000, 10 ** 4, 10 ** 6, 10 ** 10, 10 ** 20):
        r = sp.Rational(int(sp.floor(m * den)), den)
        if fa < r < fb:
            return r
    return sp.nsimplify(m, rational=True)


def _sampled_increasing(expr: sp.Expr, d: Distribution, statement: str, params: Sequence[sp.Symbol],
                        notes: Tuple[str, ...]) -> Verdict:
    """Sampling rung: a decrease between grid points refutes; no decrease proves nothing."""
    if params:
        return Verdict(statement, None, method="sampled", certificate=Certificate(
            sp.diff(expr, d.var), "parameters left symbolic and no symbolic rung available"), notes=notes)
    pts = grid_points(d.lo, d.hi, 200, _scale(d))
    with mpmath.workdps(30):
        prev = None
        for p, val in _grid_values(expr, d, pts):
            if prev is not None and val < prev[1] - mpmath.mpf(10) ** -20 * max(1, abs(val)):
                return Verdict(statement, False, method="sampled",
                               certificate=Certificate(expr, f"J({prev[0]}) > J({p}) at 30 digits"),
                               counterexample={d.var.name: prev[0], "decreases_to": p}, notes=notes)
            prev = (p, val)
    return Verdict(statement, None, method="sampled",
                   certificate=Certificate(expr, "no decrease seen at 200 grid points (sampling proves nothing)"),
                   notes=notes)


def _grid_values(expr: sp.Expr, d: Distribution, pts: Sequence[Any]) -> List[Tuple[Any, Any]]:
    """``(p, expr(p))`` at the increasing points ``pts`` (current precision), finite reals only.

    When ``expr`` contains the distribution's unevaluated CDF integral, ``1 - F`` is
    accumulated cell by cell from the top of the support (one short quadrature per cell)
    instead of one quadrature from ``lo`` per point.
    """
    x = d.var
    out = []
    if expr.has(sp.Integral) and d.cdf.has(sp.Integral):
        Ds = sp.Dummy("D")
        e2 = expr.xreplace({d.cdf: 1 - Ds})
        if not e2.has(sp.Integral):
            g2 = sp.lambdify((x, Ds), e2, modules=["mpmath"])
            f = mp_callable(d.pdf, x)
            fx = lambda t: _real(f(t))  # noqa: E731
            mps = [_mp(p) for p in pts]
            Dvals = [mpmath.mpf(0)] * len(mps)
            acc = quad_fn(fx, mps[-1], _mp(d.hi))
            Dvals[-1] = acc
            for i in range(len(mps) - 2, -1, -1):
                acc = acc + mpmath.quad(fx, [mps[i], mps[i + 1]])
                Dvals[i] = acc
            for p, xm, Dm in zip(pts, mps, Dvals):
                try:
                    val = _real(g2(xm, Dm))
                except (ZeroDivisionError, ValueError, OverflowError):
                    continue
                if mpmath.isfinite(val):
                    out.append((p, val))
            return out
    g = mp_callable(expr, x)
    for p in pts:
        try:
            val = _real(g(_mp(p)))
        except (ZeroDivisionError, ValueError, OverflowError):
            continue
        if mpmath.isfinite(val):
            out.append((p, val))
    return out


# ====================================================================== numeric model
@lru_cache(maxsize=64)
def _scale(d: Distribution) -> sp.Expr:
    """A rational scale of the distribution (median distance from ``lo``) for infinite supports."""
    lo, hi = sp.sympify(d.lo), sp.sympify(d.hi)
    if lo.is_finite and hi.is_finite:
        return hi - lo
    if not d.is_numeric:
        return sp.Integer(1)
    with mpmath.workdps(15):
        F = mp_callable(d.cdf, d.var)
        base = _mp(lo) if lo.is_finite else (_mp(hi) if hi.is_finite else mpmath.mpf(0))
        sgn = 1 if lo.is_finite else -1
        s = mpmath.mpf(1)
        for _ in range(60):
            val = _real(F(base + sgn * s))
            if (sgn > 0 and val >= 0.5) or (sgn < 0 and val <= 0.5):
                break
            s *= 2
        else:
            return sp.Integer(1)
        for _ in range(60):
            val = _real(F(base + sgn * s / 2))
            if (sgn > 0 and val >= 0.5) or (sgn < 0 and val <= 0.5):
                s /= 2
            else:
                break
    return sp.nsimplify(float(s), rational=True)


class _Model:
    """mpmath evaluators of ``f``, ``F``, ``D = 1 - F``, ``J`` and integrals of ``J f``.

    Built for a numeric distribution and numeric ``alpha``; uses the closed forms (the
    solver side). Independent checks use :func:`_definition_J` and quadrature instead.
    """

    def __init__(self, d: Distribution, alpha: sp.Expr, J: sp.Expr):
        self.d, self.alpha, self.var = d, alpha, d.var
        self.lo_s, self.hi_s = sp.sympify(d.lo), sp.sympify(d.hi)
        self._f = mp_callable(d.pdf, d.var)
        self.closed = not d.cdf.has(sp.Integral)
        self._F = mp_callable(d.cdf, d.var) if self.closed else None
        self._D = mp_callable(1 - d.cdf, d.var) if self.closed else None
        self._J = mp_callable(J, d.var)
        dJ = sp.diff(J, d.var)
        self._dJ = mp_callable(dJ, d.var)
        self.G = None  # antiderivative of the demand, when one is found
        # a piecewise antiderivative may jump between pieces, which a derivative test misses
        if alpha != 1 and self.closed and not d.cdf.has(sp.Piecewise):
            G, ok = bounded(sp.integrate, 1 - d.cdf, d.var, seconds=SOLVE_SECONDS / 2)
            if ok and G is not None and not G.has(sp.Integral):
                self.G = G
                self._G = mp_callable(G, d.var)
                if not self._antiderivative_ok():
                    self.G = None

    def _antiderivative_ok(self) -> bool:
        with mpmath.workdps(20):
            for x in self.interior_points(3):
                try:
                    lhs = mpmath.diff(lambda t: _real(self._G(t)), x)
                except (ZeroDivisionError, ValueError):
                    return False
                if abs(lhs - self.D(x)) > mpmath.mpf(10) ** -12:
                    return False
        return True

    def interior_points(self, n: int) -> list:
        return [_mp(p) for p in grid_points(self.lo_s, self.hi_s, n, _scale(self.d))]

    @property
    def lo(self):
        return _mp(self.lo_s)

    @property
    def hi(self):
        return _mp(self.hi_s)

    def f(self, x):
        return _real(self._f(x))

    def F(self, x):
        if self.closed:
            return _real(self._F(x))
        return quad_fn(self.f, self.lo, x)

    def D(self, x):
        if self.closed:
            return _real(self._D(x))
        return quad_fn(self.f, x, self.hi)

    def J(self, x):
        if self.closed:
            return _real(self._J(x))
        a = _mp(self.alpha)
        return a * x + (1 - 2 * a) * self.D(x) / self.f(x)

    def dJ(self, x):
        return _real(self._dJ(x))

    def int_D(self, a, b):
        """``integral_a^b (1 - F)``; ``None`` bounds mean ``lo`` / ``hi``."""
        a = self.lo if a is None else a
        b = self.hi if b is None else b
        if self.G is not None and mpmath.isfinite(a) and mpmath.isfinite(b):
            return _real(self._G(b)) - _real(self._G(a))
        # integral_a^b D = integral_a^b (s - a) f(s) ds + (b - a) D(b): one quadrature, not nested ones
        tail = (b - a) * self.D(b) if mpmath.isfinite(b) else mpmath.mpf(0)
        return quad_fn(lambda s: (s - a) * self.f(s), a, b) + tail

    def int_Jf(self, a, b):
        """``integral_a^b J f dv = alpha [-v D]_a^b + (1 - alpha) integral_a^b D``."""
        al = _mp(self.alpha)
        left = self.lo if a is None else a * self.D(a)  # D(lo) = 1
        right = mpmath.mpf(0) if b is None else b * self.D(b)  # b D(b) -> 0 at hi (finite mean)
        out = al * (left - right)
        if al != 1:
            out += (1 - al) * self.int_D(a, b)
        return out

    def mass(self, a, b):
        Fa = mpmath.mpf(0) if a is None else self.F(a)
        Db = mpmath.mpf(0) if b is None else self.D(b)
        return 1 - Fa - Db


# ====================================================================== ironing
@dataclass(frozen=True)
class IronedVirtualValue:
    """The ironed virtual value: derivative of the convex hull of ``H(u)``, ``u = F(v)``.

    Attributes
    ----------
    expr : sympy.Expr
        ``J`` itself when no ironing is needed, else a ``Piecewise`` in ``v``: the constant
        level on each pooling interval and ``J`` elsewhere.
    intervals : tuple of (a, b, level)
        Pooling intervals in ``v`` with their level (exact SymPy numbers, or Floats accurate to
        ``dps`` digits, stored with a few guard digits, when ``exact`` is False).
    exact : bool
        Whether every endpoint and level is a closed form.
    virtual : VirtualValue
        The un-ironed ``J``.
    method : str
        ``"symbolic"`` when ``J`` was proved nondecreasing or everything is exact, else
        ``"numeric"``.
    dps : int
        Digits of numeric endpoints.
    notes : tuple of str

    Examples
    --------
    >>> import symmech as sm
    >>> d = sm.Distribution.from_cdf("v**2", support=(0, 1))
    >>> jbar = sm.ironed_virtual_value(d, alpha=0)    # (1 - F)/f decreasing: pool everyone
    >>> jbar.intervals
    ((0, 1, 2/3),)
    >>> jbar.exact
    True
    """

    expr: Any
    intervals: Tuple[Tuple[Any, Any, Any], ...]
    exact: bool
    virtual: VirtualValue
    method: str = "symbolic"
    dps: int = 30
    notes: Tuple[str, ...] = field(default_factory=tuple)

    @property
    def alpha(self) -> Any:
        return self.virtual.alpha

    @property
    def distribution(self) -> Distribution:
        return self.virtual.distribution

    @property
    def var(self) -> sp.Symbol:
        return self.virtual.var

    @property
    def ironed(self) -> bool:
        """Whether ironing changed ``J`` (some pooling interval exists)."""
        return bool(self.intervals)

    def __call__(self, x: Any, dps: int = 30) -> Any:
        """The ironed value at ``x`` with ``dps`` digits."""
        with mpmath.workdps(dps):
            xm = _mp(x)
            for a, b, lev in self.intervals:
                if _mp(a) <= xm <= _mp(b):
                    return +_mp(lev)
        return self.virtual(x, dps)

    def check(self, dps: int = 30) -> Agreement:
        """Recompute each pooling interval from its definition at ``dps`` and ``dps + 15`` digits.

        For every interval: the level against the ``F``-weighted mean of ``J`` over it (mean
        preservation), the tangency conditions ``J(a) = level`` / ``J(b) = level`` at the
        interior ends, and, at three inner points ``x``, that the chord stays below ``H``
        (``integral_a^x (J - level) f >= 0``; a violation counts as an error), all from the
        density by quadrature (``1 - F(x) = integral_x^hi f``,
        ``integral_a^b (1 - F) = integral_a^b (s - a) f(s) ds + (b - a)(1 - F(b))``). Outside the
        intervals ``J`` itself is checked as in :meth:`VirtualValue.check`.
        """
        if not self.intervals:
            return self.virtual.check(dps)
        d = self.distribution
        errs = []
        for prec in (dps, dps + 15):
            with mpmath.workdps(prec):
                errs.append(_ironing_residual(d, self.alpha, self.intervals))
        outside = self.virtual.check(dps, points=self._outside_points())
        e_lo, e_hi = errs
        digits = float(dps + 15) if e_lo == 0 else float(-mpmath.log10(e_lo))
        ag = Agreement(digits=min(digits, float(dps)), max_error=e_lo,
                       points=tuple(p for a, b, _ in self.intervals for p in (a, b)), dps=dps,
                       stable=(e_lo == 0) or e_hi <= e_lo)
        if outside.digits < ag.digits:
            return outside
        return ag

    def _outside_points(self) -> list:
        d = self.distribution
        pts = grid_points(d.lo, d.hi, 9, _scale(d))
        with mpmath.workdps(20):
            keep = [p for p in pts if not any(_mp(a) <= _mp(p) <= _mp(b) for a, b, _ in self.intervals)]
        return keep[:5] or pts[:1]

    def latex(self) -> str:
        a = sp.latex(self.alpha)
        return rf"\bar J_{{{a}}}({sp.latex(self.var)}) = {sp.latex(self.expr)}"

    def _repr_latex_(self) -> str:
        return "$" + self.latex() + "$"

    def to_dict(self) -> dict:
        return {"kind": "ironed virtual value", "alpha": str(self.alpha), "expr": str(self.expr),
                "intervals": [[str(a), str(b), str(lev)] for a, b, lev in self.intervals],
                "exact": self.exact, "method": self.method, "dps": self.dps,
                "virtual_value": str(self.virtual.expr), "notes": list(self.notes)}

    def __str__(self) -> str:
        return f"ironed J_{self.alpha}({self.var}) = {self.expr}"


def _ironing_residual(d: Distribution, alpha: Any, intervals) -> Any:
    """Worst level error of the intervals, from the density alone (current precision)."""
    f = mp_callable(d.pdf, d.var)
    lo, hi = _mp(d.lo), _mp(d.hi)
    al = _mp(alpha)
    J = _definition_J(d, alpha)
    worst = mpmath.mpf(0)

    def fx(s):
        return _real(f(s))

    for a_s, b_s, lev_s in intervals:
        a, b, lev = _mp(a_s), _mp(b_s), _mp(lev_s)
        Da = quad_fn(fx, a, hi)
        Db = quad_fn(fx, b, hi) if b < hi else mpmath.mpf(0)
        mass = Da - Db
        aDa = a * Da
        bDb = b * Db if mpmath.isfinite(b) else mpmath.mpf(0)
        int_D = quad_fn(lambda s: (s - a) * fx(s), a, b) + ((b - a) * Db if mpmath.isfinite(b) else 0)
        mean = (al * (aDa - bDb) + (1 - al) * int_D) / mass
        scale = max(mpmath.mpf(1), abs(lev))
        worst = max(worst, abs(mean - lev) / scale)
        if a > lo:
            worst = max(worst, abs(J(a) - lev) / scale)
        if b < hi:
            worst = max(worst, abs(J(b) - lev) / scale)
        # the chord lies below H inside the interval: integral_a^x (J - level) f >= 0
        inner = ([a + (b - a) * k / 4 for k in range(1, 4)] if mpmath.isfinite(b)
                 else [a + (abs(a) + 1) * k for k in range(1, 4)])
        for x in inner:
            Dx = quad_fn(fx, x, hi)
            gap = (al * (aDa - x * Dx) + (1 - al) * (quad_fn(lambda s: (s - a) * fx(s), a, x) + (x - a) * Dx)
                   - lev * (Da - Dx))
            worst = max(worst, -gap / scale)
    return worst


def ironed_virtual_value(d: Distribution, alpha: Any = 1, dps: int = 30) -> IronedVirtualValue:
    """The ironed virtual value ``bar J_alpha`` (Myerson 1981, section 6).

    Equal to ``J_alpha`` when the sign ladder proves ``J_alpha`` nondecreasing; otherwise the
    derivative of the convex hull of ``H(u) = integral_0^u J(F^{-1}(w)) dw`` (the concave hull
    of the revenue curve in ``q = 1 - F``). Pooling intervals are located on a fine quantile
    grid, then solved from their conditions (mean preservation and tangency) exactly when
    SymPy solves them within budget, else to ``dps`` digits with mpmath.

    Parameters
    ----------
    d : Distribution
    alpha : number in [0, 1] or Symbol
    dps : int
        Digits for numeric endpoints and levels.

    Returns
    -------
    IronedVirtualValue

    Raises
    ------
    InvalidParameter
        When ``J`` is not proved monotone and the distribution (or alpha) has free parameters:
        ironing needs numbers.

    Examples
    --------
    >>> import symmech as sm
    >>> d = sm.Distribution.from_cdf("sqrt(v)", support=(0, 1))   # Power(1/2): J falls near 0
    >>> jbar = sm.ironed_virtual_value(d)
    >>> jbar.intervals
    ((0, 1/4, -1/4),)
    >>> jbar.check().ok
    True
    """
    vv = virtual_value(d, alpha)
    return _ironed_cached(vv, int(dps))


@lru_cache(maxsize=128)
def _ironed_cached(vv: VirtualValue, dps: int, not_monotone: Optional[str] = None) -> IronedVirtualValue:
    """The ironing; ``not_monotone`` (a reason) skips the ladder when the caller already knows."""
    d = vv.distribution
    if not_monotone is not None:
        verdict = Verdict(f"J_{vv.alpha} nondecreasing", False, method="sampled",
                          certificate=Certificate(vv.expr, not_monotone))
    else:
        verdict = vv.monotone
    if verdict.holds is True:
        note = f"J is nondecreasing on the support (proved, {verdict.method} rung): no ironing"
        return IronedVirtualValue(vv.expr, (), not vv.numeric, vv, "symbolic", dps, vv.notes + (note,))
    if vv.params:
        cond = "" if verdict.condition in (sp.true, sp.false) else f" (J is nondecreasing iff {verdict.condition})"
        raise InvalidParameter(f"ironing a virtual value that is not proved monotone needs numeric parameters{cond}; "
                               f"substitute values for {', '.join(p.name for p in vv.params)}")
    if not sp.sympify(d.lo).is_finite:
        raise InvalidParameter(f"ironing needs a support bounded below, got lo = {d.lo}")
    notes = list(vv.notes)
    if not_monotone is not None:
        notes.append(f"J is not monotone ({not_monotone}): ironed by the convex hull in quantile space")
    elif verdict.holds is False:
        notes.append(f"J is not monotone ({verdict.method} rung): ironed by the convex hull in quantile space")
    else:
        notes.append("monotonicity of J undecided by the ladder: the convex hull decides numerically")
    model = _Model(d, vv.alpha, vv.expr)
    intervals, exact, more = _iron(model, vv, dps)
    notes.extend(more)
    if not intervals:
        notes.append("the convex hull found no pooling interval: the ironed value is J")
        return IronedVirtualValue(vv.expr, (), not vv.numeric, vv, "numeric", dps, tuple(notes))
    x = d.var
    pieces = [(lev, sp.And(x >= a, x <= b)) for a, b, lev in intervals]
    expr = sp.Piecewise(*pieces, (vv.expr, True))
    method = "symbolic" if exact and not vv.numeric else "numeric"
    return IronedVirtualValue(expr, tuple(intervals), exact and not vv.numeric, vv, method, dps, tuple(notes))


def _float_grid(model: _Model, n: int):
    """Float arrays ``v, u = F(v), Phi = integral_lo^v J f, J`` on a grid clustered at the ends.

    Cell integrals use Simpson's rule with the cell midpoints (error O(h^5) per cell), which
    keeps spurious hull gaps far below the detection tolerance.
    """
    d = model.d
    lo, hi = float(_mp(d.lo)), float(_mp(d.hi))
    t = np.linspace(0.0, 1.0, 2 * n + 1)  # even indices: grid, odd: cell midpoints
    if math.isfinite(hi):
        x = lo + (hi - lo) * (1 - np.cos(np.pi * t)) / 2
        x[0], x[-1] = lo, hi
    else:
        x = lo + float(_scale(d)) * t[:-1] / (1 - t[:-1])
        x = x[:-1] if len(x) % 2 == 0 else x  # an odd count: grid nodes and cell midpoints
    fx = _vector(d.pdf, d.var, x)
    if model.closed:
        Dx = _vector(1 - d.cdf, d.var, x)
    else:
        cum = _cumulative_simpson(np.nan_to_num(fx), x)
        total = cum[-1] if math.isfinite(hi) else 1.0
        Fg = cum / total
        Dx = np.empty_like(x)
        Dx[0::2] = np.clip(1 - Fg, 0, 1)
        # midpoints: half-cell Simpson is overkill for a guess; linear interpolation suffices
        Dx[1::2] = (Dx[0:-1:2] + Dx[2::2]) / 2
    Dx[0] = 1.0
    if math.isfinite(hi):
        Dx[-1] = 0.0
    C = _cumulative_simpson(Dx, x)
    vg, Dg, fg = x[0::2], Dx[0::2], fx[0::2]
    a = float(_mp(model.alpha))
    with np.errstate(divide="ignore", invalid="ignore"):
        Phi = a * (lo - vg * Dg) + (1 - a) * C
        Jg = a * vg + (1 - 2 * a) * Dg / fg
    u = 1.0 - Dg
    if not math.isfinite(hi):
        with mpmath.workdps(15):
            total = float(model.int_Jf(None, None))
        vg, u = np.append(vg, np.inf), np.append(u, 1.0)
        Phi, Jg = np.append(Phi, total), np.append(Jg, np.nan)
    return vg, u, Phi, Jg


def _cumulative_simpson(y: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Cumulative integral at the even-indexed nodes; odd nodes are the cell midpoints."""
    h = x[2::2] - x[0:-1:2]
    cells = h / 6 * (y[0:-1:2] + 4 * y[1::2] + y[2::2])
    return np.concatenate([[0.0], np.cumsum(cells)])


def _vector(expr: sp.Expr, var: sp.Symbol, xs: np.ndarray) -> np.ndarray:
    """``expr`` at the float points ``xs`` (numpy, then scipy, else mpmath at 15 digits)."""
    for modules in ("numpy", ["scipy", "numpy"]):
        with np.errstate(all="ignore"):
            try:
                g = sp.lambdify(var, expr, modules=modules)
                out = np.asarray(g(xs), dtype=float)
            except Exception:  # noqa: BLE001 - any failure of a fast path falls back
                continue
        if out.shape == ():
            return np.full_like(xs, float(out))
        if out.shape == xs.shape and np.isfinite(out[1:-1]).mean() > 0.9:
            return out
    with mpmath.workdps(15):
        h = mp_callable(expr, var)
        vals = []
        for x in xs:
            try:
                vals.append(float(_real(h(mpmath.mpf(float(x))))))
            except (ZeroDivisionError, ValueError, OverflowError, TypeError):
                vals.append(float("nan"))
    return np.array(vals)


def _lower_hull(x: np.ndarray, y: np.ndarray) -> List[int]:
    hull: List[int] = []
    for i in range(len(x)):
        while len(hull) >= 2:
            i1, i2 = hull[-2], hull[-1]
            cross = (x[i2] - x[i1]) * (y[i] - y[i1]) - (y[i2] - y[i1]) * (x[i] - x[i1])
            if cross <= 0:
                hull.pop()
            else:
                break
        hull.append(i)
    return hull


def _candidates(model: _Model) -> Tuple[list, tuple]:
    """Approximate pooling intervals ``(kind, a0, b0)`` from the hull of the float grid."""
    vg, u, Phi, Jg = _float_grid(model, _HULL_CELLS)
    ok = np.isfinite(u) & np.isfinite(Phi)
    idx = np.nonzero(ok)[0]
    hull = [idx[i] for i in _lower_hull(u[idx], Phi[idx])]
    tol = 1e-9 * (1.0 + float(np.nanmax(np.abs(Phi[idx]))))
    n = len(vg) - 1
    cands = []
    for i, j in zip(hull, hull[1:]):
        if j - i < 2 or not u[j] > u[i]:
            continue  # far in a tail, u rounds to 1: nothing to pool there at float resolution
        slope = (Phi[j] - Phi[i]) / (u[j] - u[i])
        inner = np.arange(i + 1, j)
        with np.errstate(invalid="ignore"):
            gaps = Phi[inner] - (Phi[i] + slope * (u[inner] - u[i]))
        gap = np.nanmax(gaps) if np.isfinite(gaps).any() else 0.0
        if not gap > tol:
            continue
        kind = ("full" if i == 0 and j == n else "left" if i == 0 else "right" if j == n else "interior")
        cands.append((kind, vg[i], vg[j], slope))
    return cands, (vg, Jg)


def _monotone_outside(grid, intervals) -> Optional[float]:
    """A grid point outside the pooling intervals where ``J`` still decreases, or None."""
    vg, Jg = grid
    keep = np.isfinite(vg) & np.isfinite(Jg)
    for a, b, _ in intervals:
        fa, fb = float(sp.N(a, 17)), float(sp.N(b, 17))
        keep &= ~((vg >= fa - 1e-9) & (vg <= fb + 1e-9))
    v_, J_ = vg[keep], Jg[keep]
    if len(J_) < 2:
        return None
    scale = 1.0 + float(np.nanmax(np.abs(J_)))
    drops = np.nonzero(np.diff(J_) < -1e-7 * scale)[0]
    # ignore the outermost cells, where f -> 0 makes the float J unreliable
    drops = [k for k in drops if 2 <= k < len(J_) - 3]
    return float(v_[drops[0]]) if drops else None


def _iron(model: _Model, vv: VirtualValue, dps: int):
    """Solve every candidate pooling interval to ``dps`` digits and try closed forms."""
    cands, grid = _candidates(model)
    notes = []
    out = []
    all_exact = True
    wp = dps + 10
    for kind, a0, b0, slope0 in cands:
        with mpmath.workdps(wp):
            sol = _solve_interval(model, kind, a0, b0, wp)
        if sol is None:
            notes.append(f"a {kind} pooling interval near [{a0:.6g}, {b0:.6g}] could not be solved "
                         "to full precision; it is left out")
            all_exact = False
            continue
        a, b, lev = sol
        ex = _exact_interval(model, vv, kind, a, b, lev, wp)
        if ex is not None:
            out.append(ex)
        else:
            all_exact = False
            with mpmath.workdps(wp):
                a_s = sp.sympify(model.d.lo) if kind in ("left", "full") else _float_sym(a, dps + _GUARD)
                b_s = sp.sympify(model.d.hi) if kind in ("right", "full") else _float_sym(b, dps + _GUARD)
                out.append((a_s, b_s, _float_sym(lev, dps + _GUARD)))
    if out:
        notes.append("pooling " + ", ".join(f"[{_short(a)}, {_short(b)}] at level {_short(lev)}"
                                            for a, b, lev in out)
                     + ("" if all_exact else f" (numeric endpoints to {dps} digits)"))
    bad = _monotone_outside(grid, out)
    if bad is not None:
        notes.append(f"warning: J still decreases near v = {bad:.6g} outside the pooling intervals found "
                     "(a pooling interval was missed or could not be solved)")
    return out, all_exact and bool(out), tuple(notes)


def _short(x: Any) -> str:
    x = sp.sympify(x)
    return str(sp.N(x, 12)) if isinstance(x, sp.Float) or sp.count_ops(x) > 12 else str(x)


def _solve_interval(model: _Model, kind: str, a0: float, b0: float, wp: int):
    """Endpoints and level of one pooling interval at working precision ``wp`` (or None)."""
    tol = mpmath.mpf(10) ** (-(wp - 8))
    if kind == "full":
        lev = model.int_Jf(None, None) / model.mass(None, None)
        return model.lo, model.hi, lev
    if kind == "left":
        def g(b):
            return model.int_Jf(None, b) - model.J(b) * model.F(b)
        b = _solve1(g, b0, model, tol)
        if b is None:
            return None
        return model.lo, b, model.J(b)
    if kind == "right":
        def g(a):
            return model.int_Jf(a, None) - model.J(a) * model.D(a)
        a = _solve1(g, a0, model, tol)
        if a is None:
            return None
        return a, model.hi, model.J(a)

    def e1(a, b):
        return model.J(a) - model.J(b)

    def e2(a, b):
        return model.int_Jf(a, b) - model.J(a) * (model.D(a) - model.D(b))

    def jac(a, b):
        dFab = model.D(a) - model.D(b)
        return [[model.dJ(a), -model.dJ(b)],
                [-model.dJ(a) * dFab, (model.J(b) - model.J(a)) * model.f(b)]]

    try:
        a, b = mpmath.findroot([e1, e2], (mpmath.mpf(a0), mpmath.mpf(b0)), solver="mdnewton",
                               J=jac, verify=False, maxsteps=60)
    except (ZeroDivisionError, ValueError, mpmath.libmp.NoConvergence):
        return None
    a, b = _real(a), _real(b)
    if not (model.lo < a < b < model.hi):
        return None
    scale = max(mpmath.mpf(1), abs(model.J(a)))
    if abs(e1(a, b)) > tol * scale or abs(e2(a, b)) > tol * scale:
        return None
    return a, b, model.J(a)


def _solve1(g: Callable, x0: float, model: _Model, tol) -> Any:
    """Root of ``g`` near ``x0``: a bracket from nearby points if one exists, else the secant."""
    x0 = mpmath.mpf(x0)
    lo, hi = model.lo, model.hi
    width = (hi - lo) if mpmath.isfinite(hi) else max(abs(x0), mpmath.mpf(1))
    for step in (mpmath.mpf(10) ** -3, mpmath.mpf(10) ** -2, mpmath.mpf(10) ** -1):
        xl = max(x0 - step * width, lo + (x0 - lo) / 2)
        xr = min(x0 + step * width, (x0 + hi) / 2 if mpmath.isfinite(hi) else x0 + step * width)
        try:
            gl, gr = _real(g(xl)), _real(g(xr))
        except (ZeroDivisionError, ValueError):
            continue
        if gl * gr < 0:
            r = _bisect_polish(g, xl, xr, gl)
            if r is not None and abs(g(r)) <= tol * max(1, abs(r)):
                return r
    try:
        r = _real(mpmath.findroot(g, x0, solver="secant", verify=False, maxsteps=80))
    except (ZeroDivisionError, ValueError):
        return None
    if lo < r < hi and abs(g(r)) <= tol * max(1, abs(r)):
        return r
    return None


def _bisect_polish(g: Callable, a, b, ga) -> Any:
    """Bracketed root: Anderson-Bjorck, falling back to plain bisection."""
    try:
        r = _real(mpmath.findroot(g, (a, b), solver="anderson", verify=False))
        if a <= r <= b:
            return r
    except (ZeroDivisionError, ValueError):
        pass
    for _ in range(4 * mpmath.mp.prec):
        m = (a + b) / 2
        gm = _real(g(m))
        if gm == 0 or b - a < mpmath.eps * max(1, abs(m)):
            return m
        if (gm < 0) == (ga < 0):
            a, ga = m, gm
        else:
            b = m
    return (a + b) / 2


def _exact_interval(model: _Model, vv: VirtualValue, kind: str, a, b, lev, wp: int):
    """Closed-form endpoints and level matching the numeric ones, or None."""
    d, x, al = model.d, model.var, model.alpha
    if vv.numeric:
        return None
    lo, hi = sp.sympify(d.lo), sp.sympify(d.hi)
    D = 1 - d.cdf
    if al != 1:
        G, ok = bounded(sp.integrate, D, (x, lo, x), seconds=SOLVE_SECONDS / 2)
        if not ok or G is None or G.has(sp.Integral):
            return None
    else:
        G = sp.Integer(0)

    def Phi(t):  # integral_lo^t J f as a closed form (constant of integration irrelevant in differences)
        return al * (lo - t * D.subs(x, t)) + (1 - al) * G.subs(x, t)

    if kind == "full":
        total, ok = bounded(lambda: sp.simplify(al * lo + (1 - al) * sp.integrate(D, (x, lo, hi))),
                            seconds=SOLVE_SECONDS)
        if not ok or total.has(sp.Integral):
            return None
        if not _matches(total, lev, wp):
            return None
        return (lo, hi, total)
    J = vv.expr
    if kind == "left":
        eq = Phi(x) - Phi(lo) - J * (1 - D)
        r = _exact_root(eq, x, b, lo, hi, wp)
        if r is None:
            return None
        level = _level_at(J, x, r)
        return (lo, r, level) if _matches(level, lev, wp) else None
    if kind == "right":
        Phi_hi = sp.limit(Phi(x), x, hi, "-") if not hi.is_finite else Phi(hi)
        eq = Phi_hi - Phi(x) - J * D
        r = _exact_root(eq, x, a, lo, hi, wp)
        if r is None:
            return None
        level = _level_at(J, x, r)
        return (r, hi, level) if _matches(level, lev, wp) else None
    # interior: two equations in two unknowns; only small polynomial systems are worth a solve
    A, B = sp.Dummy("a", positive=True), sp.Dummy("b", positive=True)
    Ja, Jb = J.subs(x, A), J.subs(x, B)
    e1 = sp.numer(sp.together(Ja - Jb))
    e2 = sp.numer(sp.together(Phi(B) - Phi(A) - Ja * (D.subs(x, A) - D.subs(x, B))))
    def small_system():
        try:
            return all(sp.Poly(e, A, B).total_degree() <= 6 for e in (e1, e2))
        except sp.PolynomialError:
            return False

    small, ok = bounded(small_system, seconds=1.0, fallback=False)
    if not (ok and small):
        return None
    e1, _ = bounded(sp.cancel, e1 / (A - B), seconds=1, fallback=e1)
    sols = _safe(sp.solve, [e1, e2], [A, B], dict=True, seconds=SOLVE_SECONDS)
    if not sols:
        return None
    for s in sols:
        if A in s and B in s and _matches(s[A], a, wp) and _matches(s[B], b, wp):
            level = _tidy_number(J.subs(x, s[A]))
            if _matches(level, lev, wp):
                return (s[A], s[B], level)
    return None


def _tidy_number(c: sp.Expr) -> sp.Expr:
    if c.has(sp.CRootOf):
        return c
    s, ok = bounded(sp.simplify, c, seconds=1.5)
    if ok and sp.count_ops(s) <= sp.count_ops(c):
        return s
    return c


def _level_at(J: sp.Expr, x: sp.Symbol, r: sp.Expr) -> sp.Expr:
    """``J(r)`` as a short exact number; for a ``CRootOf`` endpoint, itself a ``CRootOf``.

    With ``J = n/d`` rational and ``r`` a root of ``P``, the level ``y = J(r)`` is a root of the
    resultant ``Res_x(y d(x) - n(x), P(x))``; the factor and root matching ``J(r)`` numerically
    are kept, so the level is one algebraic number instead of ``J`` written out in ``r``.
    """
    if not isinstance(r, sp.CRootOf) or not J.is_rational_function(x):
        return _tidy_number(J.subs(x, r))

    def work():
        y = sp.Dummy("y")
        n_, d_ = sp.fraction(sp.together(J))
        P = r.poly.as_expr().subs(r.poly.gen, x)
        R = sp.resultant(sp.Poly(y * d_ - n_, x), sp.Poly(P, x))
        want = sp.N(J.subs(x, r), 40)
        for fac, _ in sp.factor_list(sp.Poly(R, y))[1]:
            for root in sp.real_roots(sp.Poly(fac, y)):
                if abs(sp.N(root, 40) - want) < sp.Float(10) ** -30:
                    return root
        return None

    out, ok = bounded(work, seconds=SOLVE_SECONDS / 2)
    return out if ok and out is not None else J.subs(x, r)


def _matches(c: sp.Expr, approx, wp: int) -> bool:
    """Closed form ``c`` equals the mpmath number ``approx`` to about ``wp - 15`` digits."""
    if c.free_symbols:
        return False
    try:
        with mpmath.workdps(wp):
            val = sp.N(c, wp)
            re, im = val.as_real_imag()
            if abs(sp.N(im, 10)) > sp.Float(10) ** (-(wp - 15)):
                return False
            diff = abs(mpmath.mpmathify(sp.N(re, wp)) - approx)
            return diff <= mpmath.mpf(10) ** (-(wp - 15)) * max(1, abs(approx))
    except (TypeError, ValueError):
        return False


def _safe(fn: Callable, *args: Any, seconds: float, fallback: Any = None, **kw: Any) -> Any:
    """``fn(*args, **kw)`` under a budget; SymPy's own refusals count as "no answer"."""
    try:
        out, ok = bounded(fn, *args, seconds=seconds, fallback=fallback, **kw)
    except (NotImplementedError, ValueError, TypeError, AttributeError, sp.PolynomialError, RecursionError):
        return fallback
    return out if ok else fallback


_NONELEMENTARY = (sp.erf, sp.erfc, sp.erfi, sp.lowergamma, sp.uppergamma, sp.Integral, sp.Ei, sp.li,
                  sp.fresnels, sp.fresnelc, sp.besselj, sp.bessely, sp.besseli, sp.besselk)


def _hopeless(expr: sp.Expr, x: sp.Symbol) -> bool:
    """Whether ``x`` enters both inside a non-elementary function and elsewhere.

    ``erf(x) = c`` inverts (``erfinv``); ``x + exp(x**2) erf(x) = 0`` has no closed form, and
    ``solve`` only spends its budget on it.
    """
    special = [a for a in expr.atoms(*_NONELEMENTARY) if x in a.free_symbols]
    if not special:
        return False
    rest = expr.xreplace({a: sp.Dummy() for a in special})
    return x in rest.free_symbols or len(special) > 1


def _exact_root(expr: sp.Expr, var: sp.Symbol, approx, lo: Any, hi: Any, wp: int) -> Optional[sp.Expr]:
    """A closed form (radicals, or ``CRootOf`` for polynomials) of the root of ``expr`` near ``approx``."""
    if expr.has(sp.Integral):
        return None
    e, back = _positive_form(expr, var, lo)
    x = next(iter(back)) if back else var
    num, ok = bounded(lambda: sp.numer(sp.together(e)), seconds=1.5)
    if not ok:
        num = e
    cands: list = []
    poly = None
    if num.is_polynomial(x):
        try:
            poly = sp.Poly(num, x)
        except sp.PolynomialError:
            poly = None
    if poly is not None and not poly.free_symbols - {x}:
        if poly.degree() <= 4:
            rts = _safe(sp.roots, poly, filter="R", seconds=SOLVE_SECONDS / 2, fallback={})
            cands.extend(rts or {})
        if not any(_matches(c, approx, wp) for c in cands):
            rr = _safe(sp.real_roots, poly, seconds=SOLVE_SECONDS, fallback=[])
            cands.extend(rr or [])
    elif not _hopeless(num, x):
        # transcendental equations rarely solve; a short budget keeps the numeric route quick
        sols = _safe(sp.solve, num, x, seconds=SOLVE_SECONDS / 2, fallback=[])
        cands.extend(sols or [])
    for c in cands:
        if isinstance(c, sp.Basic) and not c.has(sp.I) and _matches(c, approx, wp):
            c = c.xreplace(back) if back else c
            return c if isinstance(c, sp.CRootOf) else _tidy_number(c)
    return None


# ====================================================================== thresholds
@dataclass(frozen=True)
class ThresholdCheck:
    """Outcome of :meth:`Threshold.check`: residual of the defining equation and sign evidence.

    Attributes
    ----------
    residual : mpmath.mpf
        ``|g(value)|`` at ``dps`` digits, where ``g`` is the defining function recomputed from
        the density by quadrature (``J_1`` or ``1 - F - Q``); at a corner case, the margin.
    digits : float
        Digits of agreement with zero (``-log10 residual``, capped at ``dps``).
    dps : int
    sign_change : bool or None
        ``g`` has opposite signs just left and right of the value (None at a corner case).
    roots_seen : int
        Sign changes of ``g`` on a grid over the support (uniqueness evidence, sampled).
    ok : bool
    notes : tuple of str
    """

    residual: Any
    digits: float
    dps: int
    sign_change: Optional[bool]
    roots_seen: int
    ok: bool
    notes: Tuple[str, ...] = ()


@dataclass(frozen=True)
class Threshold:
    """A price threshold: the reserve price (``J_1(r) = 0``) or a market-clearing price.

    Attributes
    ----------
    kind : str
        ``"reserve price"`` or ``"market-clearing price"``.
    value : sympy.Expr or None
        Closed form when ``exact``, else a Float accurate to ``dps`` digits (stored with a few
        guard digits); ``None`` when a parameter-dependent answer has no closed form (then
        ``equation`` defines it).
    exact : bool
    bracket : (lo, hi) or None
        Rational bracket on which the defining function changes sign (numeric distributions).
    equation : sympy.Eq
        The defining equation in the value symbol.
    distribution : Distribution
    case : str
        ``"root"`` (the equation holds at ``value``), ``"lower end"`` (``J_1 > 0`` on the whole
        support, every type is served: ``value = lo``), ``"no sale"`` (``J_1 < 0`` everywhere:
        ``value = hi``) or ``"implicit"`` (no closed form for symbolic parameters).
    method : str
        ``"symbolic"``, ``"numeric"``, or ``"screened"``: a closed form in symbolic parameters
        whose validity (the root lying in the support) was checked at sample parameter values
        only; the notes state the validity condition.
    quantity : sympy.Expr or None
        Capacity ``Q`` of a market-clearing price.
    notes : tuple of str

    Examples
    --------
    >>> import symmech as sm
    >>> r = sm.reserve_price(sm.Distribution.from_cdf("v", support=(0, 1)))
    >>> r.value, r.exact, float(r)
    (1/2, True, 0.5)
    >>> r.check().ok
    True
    """

    kind: str
    value: Any
    exact: bool
    bracket: Optional[Tuple[Any, Any]]
    equation: Any
    distribution: Distribution
    case: str = "root"
    method: str = "symbolic"
    quantity: Any = None
    dps: int = 30
    notes: Tuple[str, ...] = field(default_factory=tuple)

    @property
    def params(self) -> Tuple[sp.Symbol, ...]:
        extra = sp.sympify(self.quantity).free_symbols if self.quantity is not None else set()
        extra = tuple(sorted(extra - set(self.distribution.params), key=sp.default_sort_key))
        return tuple(self.distribution.params) + extra

    def __float__(self) -> float:
        if self.value is None or sp.sympify(self.value).free_symbols:
            raise InvalidParameter(f"the {self.kind} depends on parameters "
                                   f"{', '.join(p.name for p in self.params)}; substitute values first")
        return float(sp.N(self.value, 20))

    def check(self, dps: int = 30, values: Optional[dict] = None) -> ThresholdCheck:
        """Residual of the defining equation at ``value`` with ``dps`` digits, plus sign evidence.

        The defining function is rebuilt from the density alone (``1 - F`` by quadrature).
        Parameters must be given numeric ``values`` (the same values are put into ``value``).
        """
        d = self.distribution
        value, Q = self.value, self.quantity
        if self.params:
            d2, value, _ = _substituted(d, value if value is not None else sp.Integer(0), 1, values, self.params)
            rep = _rep(values, self.params)
            Q = None if Q is None else sp.sympify(Q).xreplace(rep)
            if self.value is None:
                raise InvalidParameter(f"the {self.kind} has no closed form here; recompute it on d.subs(...)")
            d = d2
        g = _defining_function(d, self.kind, Q)
        notes = []
        # sign evidence on a grid: cheap 15-digit values of the closed form when there is one
        closed = (virtual_value(d, 1).expr if self.kind == "reserve price" else 1 - d.cdf - Q)
        with mpmath.workdps(15):
            pts = _root_grid(d, _ROOT_GRID // 2)
            signs = [int(mpmath.sign(val)) for _, val in _grid_values(closed, d, pts)]
        seen = sum(1 for s, t in zip(signs, signs[1:]) if s != 0 and t != 0 and s != t)
        if self.case in ("lower end", "no sale"):
            want = 1 if self.case == "lower end" else -1
            ok = seen == 0 and bool(signs) and all(want * s > 0 for s in signs)
            notes.append(f"J_1 {'>' if want > 0 else '<'} 0 at every grid point" if ok else
                         "the sign of J_1 is not constant on the grid")
            return ThresholdCheck(mpmath.mpf(0), float(dps), dps, None, seen, ok, tuple(notes))
        with mpmath.workdps(dps + 10):
            x = _mp(value)
            res = abs(_real(g(x)))
            if self.kind == "reserve price":
                res = res / max(1, abs(x))  # J has the units of v
            width = mpmath.mpf(10) ** (-(dps // 2)) * max(1, abs(x))
            try:
                left, right = _real(g(x - width)), _real(g(x + width))
                change = bool(left * right < 0)
            except (ZeroDivisionError, ValueError):
                change = False
        digits = float(dps) if res == 0 else min(float(dps), float(-mpmath.log10(res)))
        ok = digits >= dps - 5 and change
        if seen != 1:
            notes.append(f"{seen} sign changes of the defining function on the grid")
        return ThresholdCheck(+res, digits, dps, change, seen, ok, tuple(notes))

    def latex(self) -> str:
        sym = "r" if self.kind == "reserve price" else "p"
        if self.value is None:
            return rf"{sym}\ \text{{solves}}\ " + sp.latex(self.equation)
        if self.exact:
            return rf"{sym} = " + sp.latex(self.value)
        return rf"{sym} \approx " + sp.latex(self.value)

    def _repr_latex_(self) -> str:
        return "$" + self.latex() + "$"

    def to_dict(self) -> dict:
        return {"kind": self.kind, "value": None if self.value is None else str(self.value),
                "exact": self.exact, "bracket": None if self.bracket is None else [str(b) for b in self.bracket],
                "equation": str(self.equation), "case": self.case, "method": self.method,
                "quantity": None if self.quantity is None else str(self.quantity), "dps": self.dps,
                "distribution": self.distribution.to_dict(), "notes": list(self.notes)}

    def __str__(self) -> str:
        return f"{self.kind} = {self.value}" + ("" if self.exact else " (numeric)")


def _rep(values: Optional[dict], params: Sequence[sp.Symbol]) -> dict:
    by_name = {p.name: p for p in params}
    out = {}
    for k, val in (values or {}).items():
        sym = by_name.get(k.name if isinstance(k, sp.Symbol) else str(k))
        if sym is not None:
            out[sym] = sp.nsimplify(val, rational=True) if isinstance(val, float) else sp.sympify(val)
    return out


def _defining_function(d: Distribution, kind: str, Q: Any) -> Callable:
    """``g`` with ``g(threshold) = 0``, from the density by quadrature (independent of closed forms)."""
    if kind == "reserve price":
        return _definition_J(d, 1)
    f = mp_callable(d.pdf, d.var)
    hi = d.hi
    return lambda x: quad_fn(lambda s: _real(f(s)), x, _mp(hi)) - _mp(Q)


def _quantity_value(Q: Any) -> sp.Expr:
    if isinstance(Q, bool) or Q is None:
        raise InvalidParameter(f"capacity Q must lie in (0, 1), got Q = {Q!r}")
    if isinstance(Q, float):
        if not math.isfinite(Q):
            raise InvalidParameter(f"capacity Q must lie in (0, 1), got Q = {Q}")
        q = sp.nsimplify(Q, rational=True)
    elif isinstance(Q, (int, sp.Basic)):
        q = sp.sympify(Q)
    else:
        raise InvalidParameter(f"capacity Q must be a number in (0, 1) or a Symbol, got {type(Q).__name__}")
    if q.is_number:
        if q.is_real is False or not (q > 0 and q < 1):
            raise InvalidParameter(f"capacity Q must lie in (0, 1), got Q = {q}")
    elif sp.Le(q, 0) is sp.true or sp.Ge(q, 1) is sp.true:
        raise InvalidParameter(f"capacity Q must lie in (0, 1), got Q = {q}")
    return q


def reserve_price(d: Distribution, dps: int = 30) -> Threshold:
    """Myerson's optimal reserve price: the root of ``J_1(r) = r - (1 - F(r))/f(r) = 0``.

    A closed form when SymPy finds one (``CRootOf`` for polynomials), else a ``dps``-digit
    number with a rational bracket. With several roots (``J_1`` not single-crossing) the
    reserve is where the *ironed* ``J_1`` crosses zero. When ``J_1 > 0`` on the whole support
    every type is served (``value = lo``, case ``"lower end"``); when ``J_1 < 0`` everywhere
    nobody is (``value = hi``, case ``"no sale"``). Parametric answers stay symbolic.

    Examples
    --------
    >>> import symmech as sm
    >>> sm.reserve_price(sm.Distribution.from_pdf("6*v*(1 - v)", support=(0, 1))).value
    1/16 + sqrt(33)/16
    """
    d = _require_distribution(d)
    vv = virtual_value(d, 1)
    eq = sp.Eq(vv.expr, 0)
    if d.params:
        return _symbolic_threshold("reserve price", vv.expr, d, eq, None, dps, vv.notes)
    return _numeric_reserve(vv, eq, dps)


def market_clearing_price(d: Distribution, Q: Any, dps: int = 30) -> Threshold:
    """The price ``p`` that sells capacity ``Q``: ``1 - F(p) = Q`` with ``Q`` in (0, 1).

    Examples
    --------
    >>> import symmech as sm
    >>> sm.market_clearing_price(sm.Distribution.from_cdf("v**2", support=(0, 1)), 0.5).value
    sqrt(2)/2
    """
    d = _require_distribution(d)
    q = _quantity_value(Q)
    x = d.var
    eq = sp.Eq(1 - d.cdf, q)
    if d.params or q.free_symbols:
        return _symbolic_threshold("market-clearing price", 1 - d.cdf - q, d, eq, q, dps, ())
    return _numeric_market(d, q, eq, dps)


def _symbolic_threshold(kind: str, g: sp.Expr, d: Distribution, eq, Q, dps: int,
                        notes: Tuple[str, ...]) -> Threshold:
    """Closed-form threshold for parametric problems, candidates screened at sample parameters.

    A candidate root must be real, solve the equation and lie inside the support at every
    sample valuation. For the reserve, a root that falls below ``lo`` at some valuations while
    ``J_1 > 0`` on the support there gives ``Max(lo, root)``; with no root at all, the sign
    ladder decides whether ``J_1 > 0`` on the whole support (every type served).
    """
    x = d.var
    notes = list(notes)
    e, back = _positive_form(g, x, d.lo)
    y = next(iter(back)) if back else x
    sols = _safe(sp.solve, e, y, seconds=SOLVE_SECONDS, fallback=None)
    if sols is None:
        notes.append("sympy.solve found no solution within its budget")
    cands = [c.xreplace(back) if back else c for c in (sols or [])]
    cands = [c for c in cands if not c.has(sp.nan, sp.zoo, sp.oo, -sp.oo)]
    syms = tuple(sorted((g.free_symbols | sp.Tuple(*d.support).free_symbols) - {x}, key=sp.default_sort_key))
    unit = tuple(sp.sympify(Q).free_symbols) if Q is not None else ()
    samples = _param_samples(syms, d.assumptions, 4, unit=unit)
    shown = "; ".join(", ".join(f"{k}={w}" for k, w in smp.items()) for smp in samples)
    status = {c: [_status_at(c, g, x, d, smp, kind) for smp in samples] for c in cands}
    good = [c for c in cands if all(st == "in" for st in status[c])]
    value = None
    if len(good) == 1:
        value = good[0]
        notes.append(f"closed form screened at sample parameter values {shown}")
    elif kind == "reserve price" and not good:
        low = [c for c in cands if all(st in ("in", "below") for st in status[c])]
        if len(low) == 1:
            value = sp.Max(d.lo, low[0])
            notes.append(f"the root of J_1 falls below lo for some parameter values, where J_1 > 0 on the "
                         f"whole support and every type is served: reserve = Max(lo, root) (screened at {shown})")
        elif not cands:
            served = _ladder_sign(g, d, ">")
            if served is not None and served.holds is True:
                notes.append(f"J_1 > 0 on the whole support (proved, {served.method} rung): every type is served")
                return Threshold(kind, sp.sympify(d.lo), True, None, eq, d, "lower end", "symbolic", Q, dps,
                                 tuple(notes))
            if served is not None and served.condition not in (sp.true, sp.false, None):
                notes.append(f"J_1 has no root on the support; J_1 > 0 there iff {served.condition}")
    if value is not None:
        val, _ = _real_form(value, x, d.lo, d.hi, seconds=2.0)
        # which root applies was screened at sample parameters, not proved: state where the
        # closed form is valid (the root inside the support) and do not call it symbolic
        root = good[0] if good else low[0]
        valid = sp.And(sp.Lt(root, d.hi), sp.Gt(root, d.lo)) if good else sp.Lt(root, d.hi)
        valid = sp.And(valid, d.assumptions) if d.assumptions is not sp.true else valid
        valid, _ = bounded(sp.simplify, valid, seconds=2.0, fallback=valid)
        notes.append(f"valid where the root lies in the support: {valid} (screened, not proved)")
        if kind == "reserve price":
            notes.append("the reserve is the root of J_1; if J_1 has several roots for some parameter "
                         "values, substitute them and recompute (ironing)")
        return Threshold(kind, val, True, None, eq, d, "root", "screened", Q, dps, tuple(notes))
    why = ("no closed-form root" if not cands else
           f"{len(cands)} candidate roots, none valid at every sample ({shown})")
    notes.append(f"{why}: the threshold is the solution of the equation; substitute parameter values")
    return Threshold(kind, None, False, None, eq, d, "implicit", "symbolic", Q, dps, tuple(notes))


def _ladder_sign(g: sp.Expr, d: Distribution, relation: str) -> Optional[Verdict]:
    try:
        from .signs import sign_on
        return sign_on(g, d.var, (d.lo, d.hi), relation=relation, params=tuple(d.params),
                       assumptions=d.assumptions, budget=LADDER_SECONDS)
    except (ImportError, SymmechError):
        return None


def _status_at(c: sp.Expr, g: sp.Expr, x: sp.Symbol, d: Distribution, smp: dict, kind: str) -> str:
    """``"in"``: a real root inside the support; ``"below"``: a real root at or below ``lo`` with
    ``g > 0`` on the support (reserve only); ``"bad"`` otherwise. At one parameter valuation."""
    try:
        val = sp.N(c.xreplace(smp), 30)
        lo, hi = sp.N(sp.sympify(d.lo).xreplace(smp), 30), sp.N(sp.sympify(d.hi).xreplace(smp), 30)
        re, im = val.as_real_imag()
        if abs(im) > 1e-20 or not re.is_number:
            return "bad"
        res = sp.N(g.xreplace(smp).subs(x, re), 30)
        if not res.is_number or abs(res) > 1e-15:
            return "bad"
        if bool(re > lo) and bool(re < hi):
            return "in"
        if kind == "reserve price" and bool(re <= lo):
            pts = (sample_points(lo, hi, 5) if hi.is_finite else [lo + sp.Rational(i, 3) for i in range(1, 6)])
            if all(bool(sp.N(g.xreplace(smp).subs(x, p), 20) > 0) for p in pts):
                return "below"
    except (TypeError, ValueError, ZeroDivisionError):
        pass
    return "bad"


def _numeric_reserve(vv: VirtualValue, eq, dps: int) -> Threshold:
    d = vv.distribution
    x = d.var
    notes = list(vv.notes)
    wp = dps + 10
    pts = _root_grid(d, _ROOT_GRID)
    with mpmath.workdps(20):
        signs = [(p, int(mpmath.sign(val))) for p, val in _grid_values(vv.expr, d, pts)]
    if not signs:
        raise InvalidDistribution("J_1 cannot be evaluated on the support")
    brackets = [(p, q) for (p, s), (q, t) in zip(signs, signs[1:]) if s != t and s != 0 and t != 0]
    brackets += [(p, p) for p, s in signs if s == 0]
    brackets.sort(key=lambda b: b[0])
    if not brackets:
        if all(s > 0 for _, s in signs):
            notes.append("J_1 > 0 on the whole support (grid of "
                         f"{len(signs)} points): every type is served, the reserve is the lower end")
            return Threshold("reserve price", sp.sympify(d.lo), True, None, eq, d, "lower end",
                             "symbolic", None, dps, tuple(notes))
        notes.append(f"J_1 < 0 on the whole support (grid of {len(signs)} points): no type has a positive "
                     "virtual value; no sale (reserve = hi)")
        return Threshold("reserve price", sp.sympify(d.hi), True, None, eq, d, "no sale", "symbolic",
                         None, dps, tuple(notes))
    with mpmath.workdps(wp):
        gw = mp_callable(vv.expr, x)
        roots = []
        for a, b in brackets:
            if a == b:
                roots.append((_mp(a), (a, b)))
                continue
            r = _bisect_polish(lambda t: _real(gw(t)), _mp(a), _mp(b), _real(gw(_mp(a))))
            roots.append((r, (a, b)))
    up = [(r, br) for r, br in roots if _crossing_up(signs, br)]
    if len(roots) == 1 and up:
        r, br = up[0]
    else:
        # J_1 changes sign at least twice, -, +, -, so it decreases somewhere: no ladder needed
        jbar = _ironed_cached(vv, int(dps), f"J_1 changes sign {len(roots)} times on the support")
        chosen = None
        with mpmath.workdps(wp):
            for r, br in up:
                inside = any(_mp(a) < r < _mp(b) for a, b, _ in jbar.intervals)
                if not inside:
                    chosen = (r, br)
                    break
            if chosen is None:
                for a, b, lev in jbar.intervals:
                    if abs(_mp(lev)) < mpmath.mpf(10) ** (-dps + 5):
                        chosen = (_mp(a), (a, a))
                        notes.append("the ironed J_1 is zero on a whole pooling interval: the lowest "
                                     "optimal reserve is its left end")
                        break
        if chosen is None:
            raise InvalidDistribution("the ironed J_1 has no zero crossing: cannot place the reserve")
        r, br = chosen
        notes.append(f"J_1 has {len(roots)} roots on the support (not single-crossing): the reserve is "
                     "where the ironed J_1 crosses zero")
    exact = _exact_root(vv.expr, x, r, d.lo, d.hi, wp) if not vv.numeric else None
    if exact is not None:
        return Threshold("reserve price", exact, True, br, eq, d, "root", "symbolic", None, dps, tuple(notes))
    if vv.numeric:
        notes.append(f"numeric: root of J_1 to {dps} digits by bracketed root finding with F by quadrature")
    else:
        notes.append(f"no closed form within budget: root of J_1 to {dps} digits")
    with mpmath.workdps(wp):
        val = _float_sym(r, dps + _GUARD)
    return Threshold("reserve price", val, False, br, eq, d, "root", "numeric", None, dps, tuple(notes))


def _root_grid(d: Distribution, n: int) -> list:
    """Grid for bracketing roots, with extra points a millionth of a cell from each finite end,
    so that a root between an end and the first grid point is not missed."""
    pts = grid_points(d.lo, d.hi, n, _scale(d))
    lo, hi = sp.sympify(d.lo), sp.sympify(d.hi)
    if lo.is_finite:
        pts.insert(0, lo + (pts[0] - lo) / 10**6)
    if hi.is_finite:
        pts.append(hi - (hi - pts[-1]) / 10**6)
    return pts


def _crossing_up(signs: List[Tuple[Any, int]], br: Tuple[Any, Any]) -> bool:
    """Whether the sign goes from - to + across the bracket (or through a grid zero)."""
    before = [s for p, s in signs if p < br[0] and s != 0]
    after = [s for p, s in signs if p > br[1] and s != 0]
    if br[0] != br[1]:
        before = before + [s for p, s in signs if p == br[0]]
        after = [s for p, s in signs if p == br[1]] + after
    return bool(before and after and before[-1] < 0 and after[0] > 0)


def _numeric_market(d: Distribution, q: sp.Expr, eq, dps: int) -> Threshold:
    x = d.var
    wp = dps + 10
    notes = []
    numeric = d.cdf.has(sp.Integral)
    pts = [sp.sympify(d.lo)] + grid_points(d.lo, d.hi, _ROOT_GRID, _scale(d)) + [sp.sympify(d.hi)]
    with mpmath.workdps(20):
        D = mp_callable(1 - d.cdf, x) if not numeric else None
        f = mp_callable(d.pdf, x)

        def demand(t):
            if D is not None:
                return _real(D(t))
            return quad_fn(lambda s: _real(f(s)), t, _mp(d.hi))

        qm = _mp(q)
        # demand is nonincreasing: binary search the grid for the sign change of D - Q
        lo_i, hi_i = 0, len(pts) - 1
        while hi_i - lo_i > 1:
            mid = (lo_i + hi_i) // 2
            if demand(_mp(pts[mid])) > qm:
                lo_i = mid
            else:
                hi_i = mid
    br = (pts[lo_i], pts[hi_i])
    with mpmath.workdps(wp):
        Dw = mp_callable(1 - d.cdf, x)

        def g(t):
            return _real(Dw(t)) - _mp(q)

        a = _mp(br[0]) if br[0].is_finite else _mp(pts[1]) - 1
        b = _mp(br[1]) if br[1].is_finite else _mp(pts[-2]) * 2
        r = _bisect_polish(g, a, b, g(a))
    exact = _exact_root(1 - d.cdf - q, x, r, d.lo, d.hi, wp) if not numeric else None
    if exact is not None:
        return Threshold("market-clearing price", exact, True, br, eq, d, "root", "symbolic", q, dps, tuple(notes))
    notes.append(f"{'numeric: F by quadrature; ' if numeric else 'no closed form within budget: '}"
                 f"root of 1 - F(p) = Q to {dps} digits")
    with mpmath.workdps(wp):
        val = _float_sym(r, dps + _GUARD)
    return Threshold("market-clearing price", val, False, br, eq, d, "root", "numeric", q, dps, tuple(notes))
