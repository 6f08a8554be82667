"""The decision ladder: the sign of an expression on an open interval, with a certificate.

``sign_on(expr, var, (lo, hi), relation=">=")`` decides whether ``expr >= 0`` (or ``>``,
``<=``, ``<``) for every ``var`` in the open interval ``(lo, hi)``, descending three rungs
and recording the one that answered (DESIGN.md, principle 1):

1. **symbolic**: ``together``/``factor``; factors of known sign on the interval are dropped
   (positivity under the parameters' assumptions, powers of positive bases, ``exp``, even
   powers, ...); a rational function without parameters is decided by exact real-root
   isolation of numerator and denominator plus the sign at a rational point of each cell;
   a sum ``sum_i c_i(params) g_i(var)`` whose ``g_i`` have known strict signs gives the
   condition "every term has the right sign", which is also necessary when each ``g_i``
   dominates all the others near an end of the interval. With parameters the answer is a
   condition on them (``k >= 1``).
2. **interval**: certified interval arithmetic (:mod:`mpmath.iv`, outward rounding) with
   adaptive bisection, a mean-value form and monotonicity tests on each cell. Functions
   ``mpmath.iv`` lacks (``erf``, ``lowergamma``, integrals with a variable upper limit) get
   rigorous enclosures here: alternating series with a remainder bound, and midpoint-rule
   sums with an interval bound on the second derivative. Parameter-free input only.
3. **sampled**: dense sampling at 30 digits (confirmed at 45) including points near the ends;
   it can refute with a counterexample but never proves (an unrefuted sample gives
   ``holds=None`` with its evidence).

Each rung runs under a time budget; an expired budget sends the question to the next rung
and is noted in the verdict.

Piecewise expressions are split at their breakpoints; each piece is decided on its open
subinterval and the expression's value at each interior breakpoint is checked too.
"""

from __future__ import annotations

import bisect
import functools
import math
import time
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

import mpmath
from mpmath import iv
import sympy as sp

from .budget import DEFAULT_BUDGET, bounded
from .errors import InvalidParameter, SymmechError
from .verdict import Certificate, Verdict

__all__ = ["RELATIONS", "sign_on", "is_increasing", "is_decreasing", "is_convex", "is_concave",
           "is_log_concave", "is_log_convex", "parameter_domain"]

#: the relations ``sign_on`` decides, as ``expr <relation> 0``
RELATIONS = (">=", ">", "<=", "<")

# strict signs have magnitude 2, weak ones 1
POS, NEG, NONNEG, NONPOS = 2, -2, 1, -1

_SAMPLE_DPS = 30
_CONFIRM_DPS = 45
_MAX_CELLS = 3000


def _s(e: Any) -> str:
    """Text of an expression without SymPy's term ordering (which evaluates integrals)."""
    if isinstance(e, sp.Basic) and e.has(sp.Integral):
        return sp.sstr(e, order="none")
    return str(e)


# ================================================================ interval enclosures
class _Unsupported(Exception):
    """The interval compiler has no rigorous enclosure for this node."""


_INF = mpmath.inf


def _lohi(X) -> Tuple[mpmath.mpf, mpmath.mpf]:
    """Exact endpoints of an interval (``make_mpf`` does not round to ``mp.prec``)."""
    a, b = X._mpi_
    return mpmath.mp.make_mpf(a), mpmath.mp.make_mpf(b)


def _whole():
    return iv.mpf([-_INF, _INF])


def _meet(E, F):
    """Intersection of two enclosures of the same quantity (both are valid)."""
    ea, eb = _lohi(E)
    fa, fb = _lohi(F)
    lo, hi = max(ea, fa), min(eb, fb)
    if lo > hi:  # cannot happen for true enclosures; keep the first rather than invent
        return E
    return iv.mpf([lo, hi])


class _Prec:
    """Temporarily raise ``iv.prec`` (``mpmath.iv`` has no ``workprec``); always restored."""

    def __init__(self, bits: int):
        self.bits = bits

    def __enter__(self):
        self.old = iv.prec
        iv.prec = max(self.old, self.bits)

    def __exit__(self, *exc):
        iv.prec = self.old


def _iv_number(e: sp.Expr):
    """An enclosure of a SymPy number."""
    if e.is_Integer:
        return iv.mpf(int(e))
    if e.is_Rational:
        return iv.mpf(int(e.p)) / int(e.q)
    if e.is_Float:
        return iv.mpf(mpmath.mpf(e._mpf_))
    if e is sp.pi:
        return iv.pi
    if e is sp.E:
        return iv.e
    raise _Unsupported(str(e))


def _erf_point(x: mpmath.mpf):
    """Rigorous enclosure of erf(x) at a point.

    ``|x| <= 6``: the alternating Taylor series summed in high-precision floating point, with
    the truncation error bounded by the first omitted term (terms decrease once ``n >= x^2``)
    and the rounding error by ``(4N + 8) S 2^(1-wp)`` (``S`` the sum of the term magnitudes,
    ``N`` the number of terms, ``wp`` the working precision). ``|x| > 6``:
    ``0 < erfc(x) < exp(-x^2)/(x sqrt(pi))``.
    """
    if x == 0:
        return iv.mpf(0)
    ax = abs(x)
    if ax > 6:
        X = iv.mpf(ax)
        bound = _iv_exp(-X * X) / (X * iv.sqrt(iv.pi))
        r = iv.mpf([_lohi(1 - bound)[0], 1])
        return r if x > 0 else -r
    wp = 80 + int(3 * ax * ax)
    with mpmath.workprec(wp):
        X = mpmath.mpf(ax)
        X2 = X * X
        term, total, S, n = X, mpmath.mpf(0), mpmath.mpf(0), 0
        tiny = mpmath.mpf(2) ** (10 - wp)
        while True:
            t = term / (2 * n + 1)
            if n >= X2 + 1 and t < tiny:
                break
            total = total + t if n % 2 == 0 else total - t
            S += t
            n += 1
            term = term * X2 / n
        err = t + (4 * n + 8) * S * mpmath.mpf(2) ** (1 - wp)
        lo_, hi_ = total - err, total + err  # rounding here is covered by the generous err
        err2 = abs(total) * mpmath.mpf(2) ** (1 - wp)
        T = iv.mpf([lo_ - err2, hi_ + err2])
    r = 2 * T / iv.sqrt(iv.pi)
    a_, b_ = _lohi(r)
    r = iv.mpf([max(a_, mpmath.mpf(0)), min(b_, mpmath.mpf(1))])
    return r if x > 0 else -r


def _lowergamma_point(s, x: mpmath.mpf):
    """Rigorous enclosure of gamma(s, x) = int_0^x t^(s-1) e^-t dt for s > 0, x >= 0."""
    if x <= 0:
        return iv.mpf(0)
    sa = _lohi(s)[0]
    if sa <= 0:
        raise _Unsupported("lowergamma with s <= 0")
    if x > 40 and x > 2 * _lohi(s)[1]:
        X = iv.mpf(x)
        # Gamma(s, x) <= x^(s-1) e^-x / (1 - (s-1)/x) for x > s - 1 (and >= 0)
        tail = _iv_exp((s - 1) * iv.log(X) - X) / (1 - (s - 1) / X)
        tb = _lohi(tail)[1]
        g = iv.gamma(s)
        return g - iv.mpf([0, max(tb, mpmath.mpf(0))])
    with _Prec(60 + int(2 * float(x))):
        X = iv.mpf(x)
        total = iv.mpf(0)
        term = iv.mpf(1)  # x^n / n!
        n = 0
        eps = mpmath.mpf(2) ** (-(iv.prec - 5))
        while True:
            t = term / (s + n)
            if n >= float(x) + 1 and _lohi(t)[1] < eps:
                tb = _lohi(t)[1]
                total = total + iv.mpf([-tb, tb])
                break
            total = total + t if n % 2 == 0 else total - t
            n += 1
            term = term * X / n
        return iv.exp(s * iv.log(X)) * total


def _monotone_enclosure(point_fn, X, increasing=True):
    a, b = _lohi(X)
    lo_e, hi_e = point_fn(a), point_fn(b)
    if increasing:
        return iv.mpf([_lohi(lo_e)[0], _lohi(hi_e)[1]])
    return iv.mpf([_lohi(hi_e)[0], _lohi(lo_e)[1]])


_EXP_LIM = mpmath.mpf(10) ** 4


def _iv_exp(X):
    """exp on an interval; arguments beyond +-1e4 are clamped (valid, and keeps mpmath from
    building numbers with astronomically many digits)."""
    a, b = _lohi(X)
    if a > _EXP_LIM:
        return iv.mpf([_lohi(iv.exp(iv.mpf(_EXP_LIM)))[0], _INF])
    if b < -_EXP_LIM:
        return iv.mpf([0, _lohi(iv.exp(iv.mpf(-_EXP_LIM)))[1]])
    E = iv.exp(iv.mpf([max(a, -_EXP_LIM), min(b, _EXP_LIM)]))
    lo_, hi_ = _lohi(E)
    return iv.mpf([0 if a < -_EXP_LIM else lo_, _INF if b > _EXP_LIM else hi_])


def _iv_abs(X):
    a, b = _lohi(X)
    if a >= 0:
        return X
    if b <= 0:
        return -X
    return iv.mpf([0, max(-a, b)])


def _iv_nonneg(X):
    """Clamp an enclosure of a quantity that is nonnegative wherever the expression is real."""
    a, b = _lohi(X)
    if b < 0:
        raise ValueError("negative base")
    return X if a >= 0 else iv.mpf([0, b])


class _Cumulative:
    """Enclosure of ``int_a^x g(s) ds`` for ``x`` in a cell, from a precomputed grid.

    Each grid piece is enclosed by the midpoint rule plus ``w^3/24 * g''(piece)`` (and by
    ``w * g(piece)``; both are valid, their intersection is used).
    """

    def __init__(self, g, g2, a: mpmath.mpf, top: mpmath.mpf, n: int = 128):
        self.g, self.g2, self.a, self.top, self.n = g, g2, a, top, n
        self.nodes: Optional[List[mpmath.mpf]] = None

    def _piece(self, t0, t1):
        T = iv.mpf([t0, t1])
        w = iv.mpf(t1) - iv.mpf(t0)
        if self.g2 is not None:
            try:
                m = (iv.mpf(t0) + iv.mpf(t1)) / 2
                second = w * self.g(m) + w ** 3 / 24 * self.g2(T)
                if all(mpmath.isfinite(e) for e in _lohi(second)):
                    return second
            except (ValueError, ZeroDivisionError, ArithmeticError):
                pass
        return w * self.g(T)

    def _build(self):
        h = (self.top - self.a) / self.n
        self.nodes = [self.a + h * j for j in range(self.n)] + [self.top]
        cum = [iv.mpf(0)]
        for j in range(self.n):
            cum.append(cum[-1] + self._piece(self.nodes[j], self.nodes[j + 1]))
        self.cum = cum

    def at(self, x: mpmath.mpf):
        if x < self.a or x > self.top:
            raise ValueError("outside the integration grid")
        if self.nodes is None:
            self._build()
        j = max(0, min(bisect.bisect_right(self.nodes, x) - 1, self.n - 1))
        return self.cum[j] + self._piece(self.nodes[j], x)

    def __call__(self, X):
        a, b = _lohi(X)
        base = self.at(a)
        if a == b:
            return base
        W = (iv.mpf(b) - iv.mpf(a)) * self.g(X)
        wa, wb = _lohi(W)
        return base + iv.mpf([min(wa, 0), max(wb, 0)])


# enclosures of constants (deterministic, so safe to share); bounded in size
_CONST_CACHE: Dict[Any, Any] = {}


class _IvCompiler:
    """SymPy expression -> Python closure on ``mpmath.iv`` intervals (outward rounded)."""

    def __init__(self, top: mpmath.mpf):
        self.top = top  # upper end of the grids of integrals with a variable upper limit
        self._folding = False  # inside _const: no constant folding (it would recurse)
        self._integrals: Dict[Any, Any] = {}

    def compile(self, expr: sp.Expr, var: sp.Symbol) -> Callable:
        return self._rec(sp.sympify(expr), var)

    def _rec(self, e: sp.Expr, x: sp.Symbol) -> Callable:
        if e == x:
            return lambda X: X
        if x not in e.free_symbols and not self._folding:
            if e.free_symbols:
                raise _Unsupported(f"free symbols {e.free_symbols}")
            c = self._const(e)
            return lambda X: c
        if e.is_Number or e in (sp.pi, sp.E):
            c = _iv_number(e)
            return lambda X: c
        if e.is_Add:
            fs = [self._rec(a, x) for a in e.args]

            def add(X):
                r = fs[0](X)
                for f in fs[1:]:
                    r = r + f(X)
                return r
            return add
        if e.is_Mul:
            fs = [self._rec(a, x) for a in e.args]

            def mul(X):
                r = fs[0](X)
                for f in fs[1:]:
                    r = r * f(X)
                return r
            return mul
        if e.is_Pow:
            return self._pow(e, x)
        if isinstance(e, sp.exp):
            f = self._rec(e.args[0], x)
            return lambda X: _iv_exp(f(X))
        if isinstance(e, sp.log):
            f = self._rec(e.args[0], x)
            return lambda X: iv.log(_iv_nonneg(f(X)))
        if isinstance(e, (sp.sin, sp.cos, sp.tan)):
            fn = {sp.sin: iv.sin, sp.cos: iv.cos, sp.tan: iv.tan}[type(e)]
            f = self._rec(e.args[0], x)
            return lambda X: fn(f(X))
        if isinstance(e, sp.Abs):
            f = self._rec(e.args[0], x)
            return lambda X: _iv_abs(f(X))
        if isinstance(e, (sp.Min, sp.Max)):
            fs = [self._rec(a, x) for a in e.args]
            pick = min if isinstance(e, sp.Min) else max

            def minmax(X):
                vals = [_lohi(f(X)) for f in fs]
                return iv.mpf([pick(a for a, _ in vals), pick(b for _, b in vals)])
            return minmax
        if isinstance(e, sp.erf):
            f = self._rec(e.args[0], x)
            return lambda X: _monotone_enclosure(_erf_point, f(X))
        if isinstance(e, sp.erfc):
            f = self._rec(e.args[0], x)
            return lambda X: 1 - _monotone_enclosure(_erf_point, f(X))
        if isinstance(e, sp.lowergamma) and not e.args[0].has(x):
            s = self._const(e.args[0])
            f = self._rec(e.args[1], x)
            return lambda X: _monotone_enclosure(lambda t: _lowergamma_point(s, t), _iv_nonneg(f(X)))
        if isinstance(e, sp.uppergamma) and not e.args[0].has(x):
            s = self._const(e.args[0])
            f = self._rec(e.args[1], x)
            g = iv.gamma(s)
            return lambda X: g - _monotone_enclosure(lambda t: _lowergamma_point(s, t), _iv_nonneg(f(X)))
        if isinstance(e, sp.gamma):
            f = self._rec(e.args[0], x)
            return lambda X: iv.gamma(f(X))
        if isinstance(e, sp.Integral):
            return self._integral(e, x)
        raise _Unsupported(type(e).__name__)

    def _pow(self, e: sp.Expr, x: sp.Symbol) -> Callable:
        base, ex = e.args
        fb = self._rec(base, x)
        if ex.is_Integer:
            n = int(ex)
            if n >= 0:
                return lambda X: fb(X) ** n
            return lambda X: 1 / (fb(X) ** (-n))
        if ex.is_Rational and ex.q == 2:
            p = int(ex.p)
            if p > 0:
                return lambda X: iv.sqrt(_iv_nonneg(fb(X))) ** p
            return lambda X: 1 / iv.sqrt(_iv_nonneg(fb(X))) ** (-p)
        if base == sp.E:
            fe = self._rec(ex, x)
            return lambda X: _iv_exp(fe(X))
        fe = self._rec(ex, x)
        return lambda X: _iv_exp(fe(X) * iv.log(_iv_nonneg(fb(X))))

    def _const(self, e: sp.Expr):
        if e.is_Number or e in (sp.pi, sp.E):
            return _iv_number(e)
        if e in _CONST_CACHE:
            return _CONST_CACHE[e]
        c = self._const_new(e)
        if len(_CONST_CACHE) > 512:
            _CONST_CACHE.clear()
        _CONST_CACHE[e] = c
        return c

    def _const_new(self, e: sp.Expr):
        dummy = sp.Dummy("c")
        self._folding = True
        try:
            return self._rec(e, dummy)(iv.mpf(0))
        except (_Unsupported, ValueError, ZeroDivisionError, ArithmeticError):
            pass
        finally:
            self._folding = False
        # a constant with no rigorous enclosure here: 50 digits from SymPy's evalf
        # (which tracks its own error), widened by 1e-40 relative
        val = sp.N(e, 50)
        if not val.is_real or not val.is_finite:
            raise _Unsupported(f"constant {e}")
        m = mpmath.mpf(val._to_mpmath(200))
        w = abs(m) * mpmath.mpf(10) ** -40 + mpmath.mpf(10) ** -60
        return iv.mpf([m - w, m + w])

    def _integral(self, e: sp.Integral, x: sp.Symbol) -> Callable:
        if e not in self._integrals:
            self._integrals[e] = self._integral_new(e, x)
        return self._integrals[e]

    def _integral_new(self, e: sp.Integral, x: sp.Symbol) -> Callable:
        if len(e.limits) != 1 or len(e.limits[0]) != 3:
            raise _Unsupported("multiple or indefinite integral")
        s, a, b = e.limits[0]
        g_expr = e.function
        if x not in e.free_symbols and not (a.free_symbols | b.free_symbols) and a.is_finite and b.is_finite:
            if e in _CONST_CACHE:
                c0 = _CONST_CACHE[e]
                return lambda X: c0
            g = self._rec(g_expr, s)
            try:
                g2 = self._rec(sp.diff(g_expr, s, 2), s)
            except _Unsupported:
                g2 = None
            A, B = _lohi(self._const(a))[0], _lohi(self._const(b))[1]
            if not A < B:
                raise _Unsupported("integral with unordered limits")
            if _lohi(self._const(b))[0] != B:
                raise _Unsupported("integral with an inexact upper limit")
            c = _Cumulative(g, g2, A, B).at(B)
            _CONST_CACHE[e] = c
            return lambda X: c
        if x in g_expr.free_symbols or x in a.free_symbols or b != x:
            raise _Unsupported("integral not of the form int_a^x g(s) ds")
        if a.free_symbols or not a.is_finite:
            raise _Unsupported("integral with a symbolic or infinite lower limit")
        g = self._rec(g_expr, s)
        try:
            g2 = self._rec(sp.diff(g_expr, s, 2), s)
        except _Unsupported:
            g2 = None
        a_lo = _lohi(_iv_number(a) if a.is_Number else self._const(a))[0]
        if not mpmath.isfinite(self.top):
            raise _Unsupported("integral on an unbounded interval")
        return _Cumulative(g, g2, a_lo, self.top)


def _safe(F, X):
    try:
        r = F(X)
    except (ValueError, ZeroDivisionError, ArithmeticError, TypeError, MemoryError, OverflowError):
        return _whole()
    if not isinstance(r, iv.mpf):  # a complex interval or a stray constant
        try:
            r = iv.mpf(r)
        except Exception:
            return _whole()
    a, b = _lohi(r)
    if mpmath.isnan(a) or mpmath.isnan(b):
        return _whole()
    return r


# ================================================================ interval rung
@dataclass
class _Outcome:
    status: str  # "proved" | "refuted" | "unknown"
    reason: str
    point: Any = None  # refutation point (SymPy number)


def _to_rational(m: mpmath.mpf) -> sp.Rational:
    man, exp = mpmath.mpf(m).man_exp
    return sp.Rational(int(man)) * sp.Rational(2) ** int(exp)


def _mp_of(x: sp.Expr) -> mpmath.mpf:
    if x == sp.oo:
        return _INF
    if x == -sp.oo:
        return -_INF
    return mpmath.mpf(sp.N(x, 40)._to_mpmath(150))


def _interval_rung(g: sp.Expr, x: sp.Symbol, lo: sp.Expr, hi: sp.Expr, strict: bool,
                   seconds: float, max_cells: int = _MAX_CELLS) -> _Outcome:
    """Certify ``g >= 0`` (``> 0`` if strict) on the open ``(lo, hi)`` by bisection.

    Each cell is first enclosed naively; only if that does not decide it, ``g'`` is enclosed
    too, giving the exact range of a monotone ``g`` (from its end values) or else a
    mean-value enclosure. A cell whose enclosure is entirely of the wrong sign, or whose
    midpoint value is, refutes. Infinite ends are covered by geometrically growing cells and
    a final tail cell, certified when ``g`` is monotone there away from a right-signed end.
    """
    deadline = time.monotonic() + seconds
    try:
        lo_e = None if not lo.is_finite else _IvCompiler(_INF)._const(lo)
        hi_e = None if not hi.is_finite else _IvCompiler(_INF)._const(hi)
    except _Unsupported as exc:
        return _Outcome("unknown", f"no enclosure of the interval ends ({exc})")
    L = _lohi(lo_e)[0] if lo_e is not None else -_INF
    H = _lohi(hi_e)[1] if hi_e is not None else _INF
    comp = _IvCompiler(H)
    try:
        G = comp.compile(g, x)
    except _Unsupported as exc:
        return _Outcome("unknown", f"no interval enclosure for {exc}")
    except RecursionError:
        return _Outcome("unknown", "expression too deep for the interval compiler")
    deriv: Dict[str, Any] = {}

    def D():  # g' compiled on first need
        if "D" not in deriv:
            try:
                dg, ok = bounded(sp.diff, g, x, seconds=min(2.0, seconds))
                deriv["D"] = comp.compile(dg, x) if ok else None
            except (_Unsupported, RecursionError):
                deriv["D"] = None
        return deriv["D"]

    def bad(E):  # the enclosure shows the statement fails on the whole set
        b = _lohi(E)[1]
        return b <= 0 if strict else b < 0

    def thin(p):
        return _safe(G, iv.mpf(p))

    def ok_low(ea):
        return ea > 0 or (ea >= 0 and not strict)

    def refine(a, b, E):
        """Tighter enclosure from g' (monotone range or mean-value form); also (E, D-enclosure)."""
        Dc = D()
        if Dc is None or not (mpmath.isfinite(a) and mpmath.isfinite(b)):
            return E, None
        X = iv.mpf([a, b])
        Dv = _safe(Dc, X)
        da, db = _lohi(Dv)
        if da >= 0:
            E = _meet(E, iv.mpf([_lohi(thin(a))[0], _lohi(thin(b))[1]]))
        elif db <= 0:
            E = _meet(E, iv.mpf([_lohi(thin(b))[0], _lohi(thin(a))[1]]))
        elif mpmath.isfinite(da) and mpmath.isfinite(db):
            m = (a + b) / 2
            E = _meet(E, thin(m) + Dv * (X - m))
        return E, Dv

    def open_end_ok(a, b, Dv):
        # strict: g(end) >= 0 and g moving away from 0 inside means g > 0 on the open part
        if not strict or Dv is None:
            return False
        da, db = _lohi(Dv)
        if a == L and lo_e is not None and da > 0 and _lohi(thin(a))[0] >= 0:
            return True
        return b == H and hi_e is not None and db < 0 and _lohi(thin(b))[0] >= 0

    # initial cells; infinite ends are handled by geometrically growing tail cells
    if mpmath.isfinite(L) and mpmath.isfinite(H):
        n0 = 8
        cells = [(L + (H - L) * i / n0, L + (H - L) * (i + 1) / n0) for i in range(n0)]
        cells[-1] = (cells[-1][0], H)
    else:
        c = mpmath.mpf(0) if not mpmath.isfinite(L) and not mpmath.isfinite(H) else (L if mpmath.isfinite(L) else H)
        w = max(mpmath.mpf(1), abs(c))
        a0 = L if mpmath.isfinite(L) else c - w
        b0 = H if mpmath.isfinite(H) else c + w
        cells = [(a0 + (b0 - a0) * i / 8, a0 + (b0 - a0) * (i + 1) / 8) for i in range(8)]
        if not mpmath.isfinite(H):
            cells.append((b0, _INF))
        if not mpmath.isfinite(L):
            cells.append((-_INF, a0))
    done, low, stuck = 0, None, []

    def accept(ea):
        nonlocal low
        low = ea if low is None else min(low, ea)

    while cells:
        if time.monotonic() > deadline:
            return _Outcome("unknown", f"interval rung: time budget of {seconds:g} s expired after {done} cells")
        if done >= max_cells:
            return _Outcome("unknown", f"interval rung: gave up after {done} cells")
        a, b = cells.pop()
        done += 1
        finite = mpmath.isfinite(a) and mpmath.isfinite(b)
        E = _safe(G, iv.mpf([a, b]))
        if ok_low(_lohi(E)[0]):
            accept(_lohi(E)[0])
            continue
        if bad(E):
            if finite:
                p = _nice_point(a, b, L, H, lambda p: bad(thin(p))) or _to_rational((a + b) / 2)
            else:
                p = sp.Integer(int(b) - 1) if not mpmath.isfinite(a) else sp.Integer(int(a) + 1)
            return _Outcome("refuted", "", p)
        if finite:
            E, Dv = refine(a, b, E)
            if ok_low(_lohi(E)[0]) or open_end_ok(a, b, Dv):
                accept(_lohi(E)[0])
                continue
            m = (a + b) / 2
            if bad(thin(m)) and L < m < H:
                return _Outcome("refuted", "", _nice_point(a, b, L, H, lambda p: bad(thin(p))) or _to_rational(m))
        elif D() is not None:
            # a monotone tail moving away from a right-signed finite end
            if not mpmath.isfinite(b):
                da, ga = _lohi(_safe(D(), iv.mpf([a, b])))[0], _lohi(thin(a))[0]
                if da >= 0 and (ga > 0 or (ga >= 0 and (not strict or da > 0))):
                    continue
            else:
                db, gb = _lohi(_safe(D(), iv.mpf([a, b])))[1], _lohi(thin(b))[0]
                if db <= 0 and (gb > 0 or (gb >= 0 and (not strict or db < 0))):
                    continue
        if not finite:
            if not mpmath.isfinite(b):
                if a > 1e40:
                    stuck.append("the upper tail")
                    continue
                nxt = 4 * a + 4 if a >= 0 else mpmath.mpf(0) if a > -1 else a / 4
                cells.append((a, nxt))
                cells.append((nxt, _INF))
            else:
                if b < -1e40:
                    stuck.append("the lower tail")
                    continue
                nxt = 4 * b - 4 if b <= 0 else mpmath.mpf(0) if b < 1 else b / 4
                cells.append((nxt, b))
                cells.append((-_INF, nxt))
            continue
        if b - a < mpmath.mpf(10) ** -12 * (1 + abs(a)):
            stuck.append(f"{x} = {mpmath.nstr(a, 8)}")
            if len(stuck) > 3:
                break
            continue
        m = (a + b) / 2
        cells.append((m, b))
        cells.append((a, m))
    if stuck or cells:
        where = ", ".join(dict.fromkeys(stuck[:3])) or "the remaining cells"
        return _Outcome("unknown", f"interval rung: could not certify the sign near {where} "
                                   f"({done} cells)")
    low_s = "?" if low is None else mpmath.nstr(low, 3)
    return _Outcome("proved", f"interval arithmetic: {done} cells, min lower bound {low_s}"
                              + _enclosure_note(g))


def _enclosure_note(g: sp.Expr) -> str:
    used = []
    if g.has(sp.Integral):
        used.append("integrals by midpoint sums with a second-derivative remainder")
    if g.has(sp.erf) or g.has(sp.erfc):
        used.append("erf by its alternating series with remainder bound")
    if g.has(sp.lowergamma) or g.has(sp.uppergamma):
        used.append("incomplete gamma by its alternating series with remainder bound")
    return f" ({'; '.join(used)})" if used else ""


def _nice_point(a, b, L, H, test) -> Optional[sp.Rational]:
    """A short rational in the open cell (a, b) (and in (L, H)) passing ``test``."""
    mid = (a + b) / 2
    fmid = Fraction(float(mid)) if abs(mid) < 1e300 else None
    if fmid is None:
        return None
    for den in (1, 2, 4, 10, 100, 1000, 10**4, 10**6, 10**9, 10**12):
        q = fmid.limit_denominator(den)
        qm = mpmath.mpf(q.numerator) / q.denominator
        if a < qm < b and L < qm < H:
            exact = sp.Rational(q.numerator, q.denominator)
            with _Prec(53):
                pt = iv.mpf(q.numerator) / q.denominator
            a_, b_ = _lohi(pt)
            if a_ == b_ and test(a_):
                return exact
    return None


# ================================================================ sampled rung
@functools.lru_cache(maxsize=8)
def _sample_ts(n: int) -> Tuple[Fraction, ...]:
    ts = {Fraction(2 * i + 1, 2 * n) for i in range(n)}
    for k in range(2, 16):
        ts |= {Fraction(1, 10**k), 1 - Fraction(1, 10**k)}
    return tuple(sorted(ts))


def _mapper(lo: sp.Expr, hi: sp.Expr) -> Callable:
    """t in (0, 1) (a Fraction) -> an mpmath point of (lo, hi), at the current precision."""
    if lo.is_finite and hi.is_finite:
        a, b = _mp_of(lo), _mp_of(hi)
        return lambda t: a + (b - a) * mpmath.mpf(t.numerator) / t.denominator
    if lo.is_finite:
        a = _mp_of(lo)
        return lambda t: a + mpmath.mpf(t.numerator) / (t.denominator - t.numerator)
    if hi.is_finite:
        b = _mp_of(hi)
        return lambda t: b - mpmath.mpf(t.denominator - t.numerator) / t.numerator
    return lambda t: mpmath.tan(mpmath.pi * (mpmath.mpf(t.numerator) / t.denominator - mpmath.mpf(1) / 2))


def _mp_eval(expr: sp.Expr, x: sp.Symbol, point, dps: int):
    from .numeric import mp_callable
    with mpmath.workdps(dps):
        f = mp_callable(expr, x)
        val = f(mpmath.mpmathify(point) if not isinstance(point, sp.Basic) else _mp_of(point))
        if isinstance(val, mpmath.mpc):
            if abs(val.imag) > mpmath.mpf(10) ** (-(dps - 5)) * max(1, abs(val.real)):
                return None
            val = val.real
        return +val


def _sampled_rung(g: sp.Expr, x: sp.Symbol, lo: sp.Expr, hi: sp.Expr, strict: bool,
                  seconds: float, n: int = 2000) -> _Outcome:
    """Evaluate ``g`` at ``n`` points (plus points near the ends) at 30 digits.

    Points are visited from the middle outwards, so that on an infinite interval the far
    points (where values such as ``exp(exp(v))`` get expensive) are the ones a time budget cuts.
    """
    from .budget import time_budget
    from .errors import BudgetExceeded
    from .numeric import mp_callable
    if g.has(sp.Integral):
        n = min(n, 300)
    worst, at, count, negatives = None, None, 0, []
    with mpmath.workdps(_SAMPLE_DPS):
        try:
            f = mp_callable(g, x)
        except Exception as exc:  # lambdify raises assorted errors on exotic functions
            return _Outcome("unknown", f"sampled rung: cannot evaluate numerically ({type(exc).__name__})")
        cut = Fraction(1, 10**4)
        ts = [t for t in _sample_ts(n) if lo.is_finite and hi.is_finite or cut < t < 1 - cut]
        ts.sort(key=lambda t: abs(t - Fraction(1, 2)))
        to_point = _mapper(lo, hi)
        try:
            with time_budget(seconds):
                for t in ts:
                    p = to_point(t)
                    t0 = time.monotonic()
                    try:
                        val = f(p)
                    except (ValueError, ZeroDivisionError, ArithmeticError, TypeError, MemoryError,
                            OverflowError):
                        continue
                    if time.monotonic() - t0 > 0.2:
                        break  # values this far out are too expensive to sample
                    if isinstance(val, mpmath.mpc):
                        if abs(val.imag) > mpmath.mpf(10) ** -25:
                            continue
                        val = val.real
                    if not mpmath.isfinite(val):
                        continue
                    count += 1
                    if val < 0 or (strict and val == 0):
                        negatives.append((val, p))
                    if worst is None or val < worst:
                        worst, at = val, p
        except BudgetExceeded:
            pass
    if worst is None:
        return _Outcome("unknown", "sampled rung: no finite value at the sample points")
    evidence = f"min over {count} points = {mpmath.nstr(worst, 6)} at {x} = {mpmath.nstr(at, 8)}"
    negatives.sort(key=lambda vp: vp[0])
    unconfirmed = 0
    for val, p in negatives[:8]:
        # a value that keeps its sign at 45 and 60 digits is not a rounding artefact
        checks = [_mp_eval(g, x, p, dps) for dps in (_CONFIRM_DPS, 60)]
        if all(c is not None and (c < 0 or (strict and c == 0)) for c in checks):
            point = sp.Float(mpmath.nstr(p, _SAMPLE_DPS), _SAMPLE_DPS)
            return _Outcome("refuted", f"value {mpmath.nstr(checks[0], 8)} at {x} = {point}", point)
        unconfirmed += 1
    if unconfirmed:
        evidence += (f"; {len(negatives)} negative value(s) at {_SAMPLE_DPS} digits were not confirmed at "
                     f"higher precision (cancellation)")
    return _Outcome("unknown", "sampled rung, not a proof: " + evidence)


# ================================================================ context and signs
@dataclass
class _Ctx:
    var: sp.Symbol
    x: sp.Symbol
    lo: sp.Expr
    hi: sp.Expr
    params: Tuple[sp.Symbol, ...]
    assumptions: Any
    budget: float
    cache: Dict[Any, Any] = field(default_factory=dict)
    domains: Dict[Any, Any] = field(default_factory=dict)
    depth: int = 0
    flags: Dict[str, Any] = field(default_factory=dict)  # shared with sub-contexts
    rungs: Tuple[str, ...] = ("symbolic", "interval", "sampled")

    def subs_points(self) -> List[sp.Expr]:
        """Parametrisations ``x = ...`` of the open interval by a positive dummy ``u``."""
        u = sp.Dummy("u", positive=True)
        out = []
        if self.lo.is_finite:
            out.append(self.lo + u)
        if self.hi.is_finite:
            out.append(self.hi - u)
        if self.lo.is_finite and self.hi.is_finite:
            out.append((self.lo + self.hi * u) / (1 + u))
        return out


def parameter_domain(p: sp.Symbol, assumptions: Any = sp.true) -> sp.Set:
    """The values of parameter ``p`` allowed by its SymPy assumptions and by the conjuncts
    of ``assumptions`` that involve ``p`` alone.

    Examples
    --------
    >>> import sympy as sp
    >>> k = sp.Symbol("k", positive=True)
    >>> parameter_domain(k, k <= 2)
    Interval.Lopen(0, 2)
    """
    if p.is_positive:
        D = sp.Interval.open(0, sp.oo)
    elif p.is_nonnegative:
        D = sp.Interval(0, sp.oo)
    elif p.is_negative:
        D = sp.Interval.open(-sp.oo, 0)
    elif p.is_nonpositive:
        D = sp.Interval(-sp.oo, 0)
    else:
        D = sp.S.Reals
    if assumptions in (None, sp.true):
        return D
    for atom in sp.And.make_args(assumptions):
        if atom.free_symbols != {p}:
            continue
        if isinstance(atom, sp.core.relational.Relational):
            S = _uni_set(atom, p)
        else:
            S, ok = bounded(lambda: atom.as_set(), seconds=2)
            S = S if ok else None
        if S is not None:
            D = D.intersect(S)
    return D


def _domain(p: sp.Symbol, ctx: _Ctx) -> sp.Set:
    if p not in ctx.domains:
        ctx.domains[p] = parameter_domain(p, ctx.assumptions)
    return ctx.domains[p]


def _uni_set(rel: Any, p: sp.Symbol) -> Optional[sp.Set]:
    """The set of real ``p`` where a univariate relation holds, or None."""
    if rel is sp.true:
        return sp.S.Reals
    if rel is sp.false:
        return sp.S.EmptySet
    fast = _linear_set(rel, p)
    if fast is not None:
        return fast
    try:
        S, ok = bounded(sp.solvers.inequalities.solve_univariate_inequality, rel, p,
                        relational=False, seconds=2.0)
    except (NotImplementedError, ValueError, TypeError, sp.PolynomialError):
        return None
    return S if ok else None


def _linear_set(rel: Any, p: sp.Symbol) -> Optional[sp.Set]:
    """Solution set of ``alpha*p + beta <op> 0`` with numeric alpha != 0, without the solver."""
    if not isinstance(rel, (sp.Ge, sp.Gt, sp.Le, sp.Lt)):
        return None
    c = rel.lhs - rel.rhs
    try:
        P = sp.Poly(c, p)
    except sp.PolynomialError:
        return None
    if P.degree() != 1 or P.free_symbols - {p}:
        return None
    alpha, beta = P.all_coeffs()
    if not (alpha.is_number and beta.is_number) or alpha.is_zero is not False:
        return None
    root = -beta / alpha
    up = alpha.is_positive  # c increasing in p
    if up is None:
        return None
    strict = isinstance(rel, (sp.Gt, sp.Lt))
    above = isinstance(rel, (sp.Ge, sp.Gt)) == bool(up)
    if above:
        return sp.Interval(root, sp.oo, left_open=strict)
    return sp.Interval(-sp.oo, root, right_open=strict)


def _param_sign(c: sp.Expr, ctx: _Ctx) -> Optional[int]:
    """Sign of a parameter expression (no ``x``) under the assumptions."""
    if c.is_positive:
        return POS
    if c.is_negative:
        return NEG
    if c.is_zero:
        return None
    if c.is_Mul:
        s = _combine_mul([_param_sign(m, ctx) if m.free_symbols else _num_sign(m) for m in c.args])
        if s is not None:
            return s
    if c.is_Pow and (c.base == sp.E or _param_sign(c.base, ctx) == POS) and c.exp.is_extended_real:
        return POS
    if isinstance(c, (sp.gamma, sp.beta)) and all(_param_sign(a, ctx) == POS for a in c.args):
        return POS
    if isinstance(c, sp.exp):
        return POS
    if c.is_Add and len(c.args) == 2:
        # exp(A) - K (K > 0 a number) has the sign of A - log K
        (k0, e0) = sorted(c.args, key=lambda t: not t.is_number)
        coeff, rest = e0.as_coeff_Mul()
        if k0.is_number and isinstance(rest, sp.exp) and coeff.is_number and coeff != 0:
            K = -k0 / coeff
            if _num_sign(K) == POS:
                s = _param_sign(sp.expand(rest.args[0] - sp.log(K)), ctx)
                if s in (POS, NEG):
                    return s if coeff > 0 else -s
    syms = c.free_symbols
    if len(syms) == 1:
        p = next(iter(syms))
        D = _domain(p, ctx)
        for s, rel in ((POS, sp.Gt(c, 0)), (NEG, sp.Lt(c, 0))):
            S = _uni_set(rel, p)
            if S is not None and D.is_subset(S):
                return s
        for s, rel in ((NONNEG, sp.Ge(c, 0)), (NONPOS, sp.Le(c, 0))):
            S = _uni_set(rel, p)
            if S is not None and D.is_subset(S):
                return s
    if c.is_nonnegative:
        return NONNEG
    if c.is_nonpositive:
        return NONPOS
    return None


def _num_sign(c: sp.Expr) -> Optional[int]:
    """Sign of a constant: exact for rationals, else from a rigorous enclosure (fast even
    for constants holding integrals, which SymPy would evaluate slowly)."""
    if c.is_Rational:
        return POS if c > 0 else NEG if c < 0 else 0
    if c.has(sp.Integral) or c.has(sp.erf, sp.lowergamma, sp.uppergamma):
        try:
            a, b = _lohi(_IvCompiler(_INF)._const(c))
            if a > 0:
                return POS
            if b < 0:
                return NEG
        except (_Unsupported, ValueError, ZeroDivisionError, ArithmeticError):
            pass
        return None
    if c.is_zero:
        return 0
    if c.is_positive:
        return POS
    if c.is_negative:
        return NEG
    return None


def _rel(c: sp.Expr, strict: bool) -> Any:
    """``c > 0`` or ``c >= 0``, evaluated at once when ``c`` is a constant."""
    if not c.free_symbols:
        s = _num_sign(c)
        if s is not None:
            return sp.true if (s > 0 or (s == 0 and not strict)) else sp.false
    return sp.Gt(c, 0, evaluate=False) if strict else sp.Ge(c, 0, evaluate=False)


def _combine_mul(signs: Sequence[Optional[int]]) -> Optional[int]:
    if any(s is None for s in signs):
        return None
    neg = sum(1 for s in signs if s < 0) % 2
    strict = all(abs(s) == 2 for s in signs)
    mag = 2 if strict else 1
    return -mag if neg else mag


def _fsign(b: sp.Expr, ctx: _Ctx) -> Optional[int]:
    """Sign of ``b`` on the open interval: POS/NEG (strict), NONNEG/NONPOS, or None."""
    key = b
    if key in ctx.cache:
        return ctx.cache[key]
    ctx.cache[key] = None  # guards against cycles
    s = _fsign_uncached(b, ctx)
    ctx.cache[key] = s
    return s


def _fsign_uncached(b: sp.Expr, ctx: _Ctx) -> Optional[int]:
    x = ctx.x
    if b.is_number:
        s = _num_sign(b)
        return s if s in (POS, NEG) else None
    if not b.has(x):
        return _param_sign(b, ctx)
    if b == x or b.is_Symbol:
        return POS if b.is_positive else NEG if b.is_negative else None
    if isinstance(b, sp.exp):
        return POS if b.args[0].is_extended_real is not False else None
    if b.is_Pow:
        base, ex = b.args
        if base == sp.E:
            return POS
        sb = _fsign(base, ctx)
        if ex.is_Integer:
            n = int(ex)
            if n % 2 == 0:
                return POS if sb in (POS, NEG) else NONNEG
            return sb
        if sb == POS:
            return POS
        if sb == NONNEG and ex.is_positive:
            return NONNEG
        return None
    if b.is_Mul:
        return _combine_mul([_fsign(a, ctx) for a in b.args])
    param_free = not (b.free_symbols - {x})
    if b.is_Add:
        if param_free and ctx.depth < 3 and b.is_rational_function(x):
            # exact and cheap: real-root isolation (before any assumption query on a big sum)
            return _decide_free_sign(b, ctx)
        signs = [_fsign(a, ctx) for a in b.args]
        if all(s is not None and s > 0 for s in signs):
            return POS if any(s == POS for s in signs) else NONNEG
        if all(s is not None and s < 0 for s in signs):
            return NEG if any(s == NEG for s in signs) else NONPOS
    elif isinstance(b, sp.Abs):
        sa = _fsign(b.args[0], ctx)
        return POS if sa in (POS, NEG) else NONNEG
    elif isinstance(b, sp.erf):
        sa = _fsign(b.args[0], ctx)
        if sa is not None:
            return sa
    elif isinstance(b, sp.erfc):
        return POS
    elif isinstance(b, (sp.gamma, sp.lowergamma, sp.beta)):
        if all(_fsign(a, ctx) == POS for a in b.args):
            return POS
    elif isinstance(b, sp.uppergamma):
        if _fsign(b.args[1], ctx) == POS:
            return POS
    elif isinstance(b, sp.Integral):
        s = _integral_sign(b, ctx)
        if s is not None:
            return s
    # parametrise the interval by a positive dummy and ask SymPy's assumptions (small
    # expressions only: the assumption system is slow on big sums)
    if sp.count_ops(b) <= 30:
        for point in ctx.subs_points():
            bb = b.xreplace({x: point})
            if bb.is_positive:
                return POS
            if bb.is_negative:
                return NEG
    if param_free and ctx.depth < 2 and not b.has(sp.Integral):
        return _decide_free_sign(b, ctx)
    if b.is_Add and ctx.depth < 2 and not param_free and not b.has(sp.Integral):
        return _affine_sign(b, ctx)
    return None


def _affine_sign(b: sp.Expr, ctx: _Ctx) -> Optional[int]:
    """Strict sign of ``c0 + c1 h(x)`` (h strictly monotone) under the assumptions, e.g. ``1 - x**a``."""
    sub = _Ctx(ctx.var, ctx.x, ctx.lo, ctx.hi, ctx.params, ctx.assumptions, ctx.budget,
               cache=ctx.cache, domains=ctx.domains, depth=ctx.depth + 1, flags=ctx.flags)
    for sign, e in ((POS, b), (NEG, -b)):
        t = _terms(e, sub, True)
        if t is None:
            return None
        aff = _affine(t[1], sub, True)
        if aff is not None and _reduce(aff[0], sub)[1] is True:
            return sign
    return None


def _integral_sign(b: sp.Integral, ctx: _Ctx) -> Optional[int]:
    if len(b.limits) != 1 or len(b.limits[0]) != 3:
        return None
    s, a, up = b.limits[0]
    if up != ctx.x or b.function.has(ctx.x):
        return None
    if sp.Eq(a, ctx.lo) is not sp.true:
        return None
    # a positive integrand on (lo, hi) integrated over (lo, x) with x > lo
    sg = _fsign(b.function.xreplace({s: ctx.x}), ctx)
    if sg in (POS, NONNEG):
        return POS if sg == POS else NONNEG
    return None


def _decide_free_sign(b: sp.Expr, ctx: _Ctx) -> Optional[int]:
    """Strict sign of a parameter-free factor: exact root isolation, then a short interval run."""
    sub = _Ctx(ctx.var, ctx.x, ctx.lo, ctx.hi, (), sp.true, ctx.budget, depth=ctx.depth + 1,
               flags=ctx.flags)
    r = _rational_decide(b, sub, strict=True)
    if r is not None:
        if r.status == "proved":
            ctx.flags.setdefault("exact", []).append(f"{_s(b.xreplace({ctx.x: ctx.var}))} > 0: {r.reason}")
            return POS
        r2 = _rational_decide(-b, sub, strict=True)
        if r2 is not None and r2.status == "proved":
            ctx.flags.setdefault("exact", []).append(f"{_s(b.xreplace({ctx.x: ctx.var}))} < 0: {r2.reason}")
            return NEG
        return None
    for sign, expr in ((POS, b), (NEG, -b)):
        out = _interval_rung(expr, ctx.x, ctx.lo, ctx.hi, True, seconds=min(1.0, ctx.budget / 4),
                             max_cells=200)
        if out.status == "proved":
            ctx.flags.setdefault("interval", []).append(f"{_s(b.xreplace({ctx.x: ctx.var}))} "
                                                        f"{'>' if sign == POS else '<'} 0 ({out.reason})")
            return sign
        if out.status == "refuted" and sign == POS:
            # it is not positive; it may still be negative
            continue
    return None


# ================================================================ exact rational decisions
def _rat_between(a: sp.Expr, b: sp.Expr) -> sp.Rational:
    """A short rational strictly between two real numbers (either may be infinite)."""
    if a == -sp.oo and b == sp.oo:
        return sp.Integer(0)
    if a == -sp.oo:
        return sp.floor(b) - 1
    if b == sp.oo:
        return sp.ceiling(a) + 1
    mid = sp.N((a + b) / 2, 40)
    fmid = Fraction(str(mid))
    for den in (1, 2, 4, 10, 100, 1000, 10**6, 10**12, 10**24):
        q = fmid.limit_denominator(den)
        r = sp.Rational(q.numerator, q.denominator)
        if sp.Lt(a, r) is sp.true and sp.Lt(r, b) is sp.true:
            return r
    return sp.Rational(str(mid))


def _real_roots_in(P: sp.Poly, lo: sp.Expr, hi: sp.Expr) -> List[sp.Expr]:
    if P.degree() <= 0:
        return []
    roots = set(P.sqf_part().real_roots())
    inside = [r for r in roots if sp.Lt(lo, r) is sp.true and sp.Lt(r, hi) is sp.true]
    return sorted(inside, key=lambda r: sp.N(r, 40))


def _rational_decide(e: sp.Expr, ctx: _Ctx, strict: bool) -> Optional[_Outcome]:
    """Exact decision of ``e >= 0`` (``> 0``) for a rational function with rational coefficients."""
    x = ctx.x
    if e.free_symbols - {x} or not e.is_rational_function(x):
        return None
    if not (ctx.lo.is_number or ctx.lo.is_infinite) or not (ctx.hi.is_number or ctx.hi.is_infinite):
        return None
    num, den = sp.fraction(sp.cancel(sp.together(e)))
    try:
        P, Q = sp.Poly(num, x), sp.Poly(den, x)
    except sp.PolynomialError:
        return None
    if P.domain not in (sp.ZZ, sp.QQ) or Q.domain not in (sp.ZZ, sp.QQ):
        return None
    rp, rq = _real_roots_in(P, ctx.lo, ctx.hi), _real_roots_in(Q, ctx.lo, ctx.hi)
    pts = sorted(set(rp) | set(rq), key=lambda r: sp.N(r, 40))
    edges = [ctx.lo] + pts + [ctx.hi]
    tests = []
    for a, b in zip(edges[:-1], edges[1:]):
        m = _rat_between(a, b)
        val = P.eval(m) / Q.eval(m)
        tests.append((m, val))
        if val < 0 or (strict and val == 0):
            return _Outcome("refuted", _roots_text(num, rp, den, rq, ctx) + f"; the value at {x} = {m} is {_s(val)}", m)
    if strict:
        zero = [r for r in rp if r not in rq]
        if zero:
            return _Outcome("refuted", f"numerator {_s(num)} vanishes at {x} = {zero[0]}", zero[0])
    if rq:
        return _Outcome("unknown", f"denominator {_s(den)} vanishes at {rq} inside the interval")
    where = ", ".join(f"{m}" for m, _ in tests)
    word = "positive" if all(val > 0 for _, val in tests) else "nonnegative"
    return _Outcome("proved", _roots_text(num, rp, den, rq, ctx) + f"; {word} at {where}")


def _roots_text(num, rp, den, rq, ctx) -> str:
    lo, hi = ctx.lo, ctx.hi
    t = f"numerator {_s(num)} has {len(rp)} root(s) in ({lo}, {hi})"
    if rp:
        t += " at " + ", ".join(str(r) for r in rp)
    if den != 1:
        t += f", denominator {_s(den)} {len(rq)}"
    return t


# ================================================================ parameter conditions
def _set_to_rel(S: sp.Set, p: sp.Symbol, D: sp.Set) -> Any:
    """A readable relation for ``p in S`` where ``S`` is a subset of the domain ``D``."""
    if isinstance(S, sp.Interval):
        parts = []
        d_inf = D.inf if isinstance(D, sp.Interval) else -sp.oo
        d_sup = D.sup if isinstance(D, sp.Interval) else sp.oo
        d_lopen = D.left_open if isinstance(D, sp.Interval) else True
        d_ropen = D.right_open if isinstance(D, sp.Interval) else True
        if S.inf != d_inf or (S.left_open and not d_lopen):
            parts.append(sp.Gt(p, S.inf) if S.left_open else sp.Ge(p, S.inf))
        if S.sup != d_sup or (S.right_open and not d_ropen):
            parts.append(sp.Lt(p, S.sup) if S.right_open else sp.Le(p, S.sup))
        return sp.And(*parts)
    if isinstance(S, sp.Union):
        return sp.Or(*[_set_to_rel(a, p, D) for a in S.args])
    if isinstance(S, sp.FiniteSet):
        return sp.Or(*[sp.Eq(p, e) for e in S.args])
    return S.as_relational(p)


def _strip_param_factors(c: sp.Expr, ctx: _Ctx) -> Tuple[sp.Expr, int]:
    """Drop factors of strictly known sign from a parameter expression; return (rest, sign)."""
    f, ok = bounded(sp.factor, c, seconds=1.0, fallback=c)
    sign, keep = 1, []
    for m in sp.Mul.make_args(f if ok else c):
        s = _param_sign(m, ctx) if m.free_symbols else _num_sign(m)
        if s in (POS, NEG):
            sign *= 1 if s == POS else -1
        else:
            keep.append(m)
    return sp.Mul(*keep), sign


_FLIP = {sp.Ge: sp.Le, sp.Gt: sp.Lt, sp.Le: sp.Ge, sp.Lt: sp.Gt}


def _reduce_atom(atom: Any, ctx: _Ctx) -> Any:
    if atom in (sp.true, sp.false):
        return atom
    if isinstance(atom, sp.Or):
        return sp.Or(*[_reduce_atom(a, ctx) for a in atom.args])
    if isinstance(atom, sp.And):
        return sp.And(*[_reduce_atom(a, ctx) for a in atom.args])
    op = type(atom)
    c = atom.lhs - atom.rhs
    rest, sign = _strip_param_factors(c, ctx)
    if sign < 0:
        op = _FLIP[op]
    if not rest.free_symbols:
        s = _num_sign(rest)
        if s is None:
            return op(rest, 0, evaluate=False)
        return sp.true if op(s, 0) else sp.false
    return op(rest, 0)


def _bool_set(r: Any, p: sp.Symbol) -> Optional[sp.Set]:
    if isinstance(r, sp.core.relational.Relational):
        fast = _linear_set(r, p)
        if fast is not None:
            return fast
    if isinstance(r, (sp.And, sp.Or)):
        parts = [_bool_set(a, p) for a in r.args]
        if all(q is not None for q in parts):
            return sp.Intersection(*parts) if isinstance(r, sp.And) else sp.Union(*parts)
    try:
        S, ok = bounded(lambda: r.as_set(), seconds=2.0)
        if ok and S is not None:
            return S
    except (NotImplementedError, TypeError, ValueError):
        pass
    if isinstance(r, sp.core.relational.Relational):
        return _uni_set(r, p)
    return None


def _reduce(atoms: Sequence[Any], ctx: _Ctx) -> Tuple[Any, Optional[bool]]:
    """Simplify a conjunction of parameter conditions under the assumptions.

    Returns ``(condition, truth)`` with ``truth`` True/False when the condition is
    identically true/false on the parameters' domain, else None.
    """
    uni: Dict[sp.Symbol, sp.Set] = {}
    multi = []
    for atom in atoms:
        r = _reduce_atom(atom, ctx)
        if r is sp.true:
            continue
        if r is sp.false:
            return sp.false, False
        syms = r.free_symbols
        S = _bool_set(r, next(iter(syms))) if len(syms) == 1 else None
        if S is None:
            multi.append(r)
            continue
        p = next(iter(syms))
        uni[p] = uni.get(p, _domain(p, ctx)).intersect(S)
    parts = []
    for p in sorted(uni, key=lambda s: s.name):
        D = _domain(p, ctx)
        S = uni[p].intersect(D)
        if S is sp.S.EmptySet:
            return sp.false, False
        if D.is_subset(S):
            continue
        parts.append(_set_to_rel(S, p, D))
    cond = sp.And(*parts, *multi)
    if cond is sp.true:
        return cond, True
    if cond is sp.false:
        return cond, False
    return cond, None


def condition_truth(cond: Any, params: Sequence[sp.Symbol], assumptions: Any = sp.true) -> Tuple[Any, Optional[bool]]:
    """Simplify a condition on parameters under their assumptions; (condition, truth).

    ``truth`` is True/False when the condition is identically true/false on the parameters'
    domain (from their SymPy assumptions and the univariate atoms of ``assumptions``).

    Examples
    --------
    >>> import sympy as sp
    >>> k = sp.Symbol("k", positive=True)
    >>> condition_truth((k >= 1) | (k <= 1), [k])
    (True, True)
    """
    ctx = _Ctx(sp.Dummy("x"), sp.Dummy("x"), sp.Integer(0), sp.Integer(1), tuple(params), assumptions, DEFAULT_BUDGET)
    return _reduce([cond], ctx)


# ================================================================ symbolic rung
@dataclass
class _Sym:
    status: str  # proved | refuted | condition | sufficient | unknown
    reason: str
    core: Any = None
    condition: Any = None
    point: Any = None


def _factored(e: sp.Expr) -> sp.Expr:
    e = sp.factor_terms(e)
    try:
        f = sp.factor(e)
    except (sp.PolynomialError, NotImplementedError, TypeError, ValueError):
        return e
    return f


def _strip_known(g: sp.Expr, ctx: _Ctx, strict: bool) -> Tuple[sp.Expr, List[sp.Expr], bool]:
    """Drop factors of known sign from ``g``; return (core with the sign folded in, dropped, weak)."""
    num, den = sp.together(g).as_numer_denom()
    num, den = _factored(num), _factored(den)
    sign, dropped, keep_n, keep_d, weak = 1, [], [], [], False
    for m in sp.Mul.make_args(num):
        s = _fsign(m, ctx)
        if s in (POS, NEG) or (s in (NONNEG, NONPOS) and not strict):
            sign *= 1 if s > 0 else -1
            weak |= abs(s) == 1
            if not m.is_number:
                dropped.append(m)
        else:
            keep_n.append(m)
    for m in sp.Mul.make_args(den):
        s = _fsign(m, ctx)
        if s in (POS, NEG):
            sign *= 1 if s > 0 else -1
            if not m.is_number:
                dropped.append(1 / m)
        else:
            keep_d.append(m)
    core = sp.Mul(*keep_n) / sp.Mul(*keep_d)
    return (core if sign > 0 else -core), dropped, weak


def _limit(e: sp.Expr, x: sp.Symbol, point: sp.Expr, direction: str, seconds: float = 1.5) -> Optional[sp.Expr]:
    """A one-sided limit, or None when SymPy fails, is unsure, or runs out of time."""
    try:
        val, ok = bounded(sp.limit, e, x, point, direction, seconds=seconds, fallback=None)
    except Exception:  # SymPy raises NotImplementedError, ValueError, ... when unsure
        return None
    if not ok or val is None or val.has(sp.Limit, sp.nan) or isinstance(val, sp.AccumBounds):
        return None
    return val


def _limit_zero(r: sp.Expr, ctx: _Ctx, point: sp.Expr, direction: str) -> bool:
    r = sp.powsimp(sp.cancel(r), force=False)
    val = _limit(r, ctx.x, point, direction)
    return bool(val is not None and val == 0)


def _dominance(items: Sequence[Tuple[Any, int, sp.Expr]], ctx: _Ctx) -> Optional[List[Tuple[sp.Expr, str]]]:
    """For each term, an end of the interval where it dominates all others (or None)."""
    ends = [(ctx.lo, "+"), (ctx.hi, "-")]
    where = []
    for i, (_, _, gi) in enumerate(items):
        found = None
        for pt, d in ends:
            if all(_limit_zero(gj / gi, ctx, pt, d) for j, (_, _, gj) in enumerate(items) if j != i):
                found = (pt, d)
                break
        if found is None:
            return None
        where.append(found)
    return where


def _terms(expr: sp.Expr, ctx: _Ctx, strict: bool):
    """Sum-of-known-sign-terms analysis: (atoms, dominance ends or None, items) or None."""
    x = ctx.x
    groups: Dict[sp.Expr, sp.Expr] = {}
    for t in sp.Add.make_args(expr):
        c, gpart = t.as_independent(x, as_Add=False)
        groups[gpart] = groups.get(gpart, sp.Integer(0)) + c
    items = []
    for gpart, c in groups.items():
        c = sp.factor_terms(sp.expand(c))
        if c == 0:
            continue
        s = _fsign(gpart, ctx) if gpart.has(x) else POS if gpart == 1 else None
        if s not in (POS, NEG):
            return None
        items.append((c if s > 0 else -c, s, gpart))
    if len(items) < 2:
        return None
    atoms = [_rel(c, False) for c, _, _ in items]
    if strict:
        atoms.append(sp.Or(*[_rel(c, True) for c, _, _ in items]))
    return atoms, items


def _affine(items, ctx: _Ctx, strict: bool):
    """Two terms ``c0 g0 + c1 g1`` = ``g0 (c0 + c1 h)`` with ``h = g1/g0`` strictly monotone:
    an affine function of ``h`` is >= 0 on the (open) range of ``h`` iff it is >= 0 at the
    limits of ``h`` at both ends. Returns (atoms, h, ends) or None."""
    if len(items) != 2:
        return None
    return _affine_ordered(items, ctx, strict) or _affine_ordered(items[::-1], ctx, strict)


def _affine_ordered(items, ctx: _Ctx, strict: bool):
    x = ctx.x
    (a0, s0, g0), (a1, s1, g1) = items
    c0, c1 = (a0 if s0 > 0 else -a0), (a1 if s1 > 0 else -a1)
    h = sp.powsimp(sp.cancel(g1 / g0))
    if _fsign(sp.diff(h, x), ctx) not in (POS, NEG):
        return None
    ends = []
    for pt, d in ((ctx.lo, "+"), (ctx.hi, "-")):
        val = _limit(h, x, pt, d)
        if val is None or not val.is_finite or val.has(x):
            return None
        ends.append(val)
    sg = 1 if s0 > 0 else -1
    atoms = [_rel(sg * (c0 + c1 * hv), False) for hv in ends]
    if strict:
        atoms.append(sp.Or(*[_rel(sg * (c0 + c1 * hv), True) for hv in ends]))
    return atoms, h, ends


def _symbolic(g: sp.Expr, ctx: _Ctx, strict: bool) -> _Sym:
    x = ctx.x
    if not g.has(x):
        return _const_case(g, ctx, strict)
    core, dropped, weak = _strip_known(g, ctx, strict)
    dropped_txt = ", ".join(_s(d.xreplace({x: ctx.var})) for d in dropped[:6]) or "none"
    if core.is_number and _num_sign(core) is not None:
        if _num_sign(core) > 0:
            return _Sym("proved", f"every factor has a known sign on the interval ({dropped_txt})", g)
        if _num_sign(core) < 0:
            return _Sym("refuted", f"every factor has a known sign on the interval ({dropped_txt}) "
                                   f"and the product is {'nonpositive' if weak else 'negative'}", g,
                        point=_test_point(ctx))
    if not core.has(x):
        if not core.free_symbols:
            return _Sym("unknown", "constant of undetermined sign", core)
        cond, truth = _reduce([_rel(core, strict)], ctx)
        why = f"after dropping factors of known sign ({dropped_txt}) the sign is that of {_s(core)}"
        return _Sym("condition", why, core, condition=cond)
    if not (core.free_symbols - {x}):
        r = _rational_decide(core, ctx, strict)
        if r is not None and r.status in ("proved", "refuted"):
            reason = r.reason if not dropped else f"after dropping {dropped_txt}: " + r.reason
            return _Sym(r.status, reason, core, point=r.point)
    cands = [core]
    n_core, d_core = sp.fraction(sp.together(core))
    if not d_core.has(x) and _fsign(d_core, ctx) == POS:
        cands.append(sp.expand(n_core))
    cands.append(g)
    exp_g, ok = bounded(sp.expand, g, seconds=1.0, fallback=None)
    if ok and exp_g is not None and exp_g != g:
        cands.append(exp_g)
    best = None
    for cand in cands:
        t = _terms(cand, ctx, strict)
        if t is None:
            continue
        atoms, items = t
        cond, truth = _reduce(atoms, ctx)
        desc = " + ".join(f"({_s(c)})*({_s(gp.xreplace({x: ctx.var}))})" for c, _, gp in items[:5])
        if truth is True:
            return _Sym("proved", f"sum of terms of known sign, each with the right sign: {desc}", cand,
                        condition=sp.true)
        param_free = not (cand.free_symbols - {x})
        if param_free:
            continue  # the numeric rungs decide (and refute with a point) more cheaply
        ends = _dominance(items, ctx)
        if ends is not None:
            if truth is False:
                return _Sym("refuted", f"{desc}: a term of the wrong sign dominates near an end of the "
                                       f"interval", cand, point=_dominant_point(cand, items, ends, ctx, strict))
            return _Sym("condition", f"every term of {desc} must have the right sign (each term dominates "
                                     f"the others near an end of the interval)", cand, condition=cond)
        aff = _affine(items, ctx, strict)
        if aff is not None:
            a_atoms, h, hends = aff
            a_cond, a_truth = _reduce(a_atoms, ctx)
            why = (f"{desc} is affine in h = {_s(h.xreplace({x: ctx.var}))}, which is strictly monotone "
                   f"from {_s(hends[0])} to {_s(hends[1])}: the sign at both ends decides")
            if a_truth is True:
                return _Sym("proved", why, cand, condition=sp.true)
            if a_truth is False and param_free:
                return _Sym("refuted", why, cand, point=None)
            return _Sym("condition", why, cand, condition=a_cond)
        if best is None and truth is None:
            best = _Sym("sufficient", f"every term of {desc} has the right sign (sufficient; necessity "
                                      f"not proved)", cand, condition=cond)
    if best is not None:
        return best
    return _Sym("unknown", f"no symbolic decision for {_s(core.xreplace({x: ctx.var}))}", core)


def _const_case(g: sp.Expr, ctx: _Ctx, strict: bool) -> _Sym:
    if g.is_number:
        s = _num_sign(g)
        if s is not None and (s > 0 or (not strict and s == 0)):
            return _Sym("proved", f"the expression is the constant {_s(g)}", g)
        if s is not None:
            return _Sym("refuted", f"the expression is the constant {_s(g)}", g, point=_test_point(ctx))
        return _Sym("unknown", f"constant {_s(g)} of undetermined sign", g)
    cond, truth = _reduce([_rel(g, strict)], ctx)
    return _Sym("condition", f"the expression {_s(g)} does not depend on {ctx.var}", g, condition=cond)


def _test_point(ctx: _Ctx) -> sp.Expr:
    lo, hi = ctx.lo, ctx.hi
    if (lo.is_number or lo.is_infinite) and (hi.is_number or hi.is_infinite):
        return _rat_between(lo, hi)
    if lo.is_finite and hi.is_finite:
        return (lo + hi) / 2
    return lo + 1 if lo.is_finite else hi - 1


def _dominant_point(cand, items, ends, ctx, strict):
    """Search near the end where a wrong-signed term dominates for a checked counterexample."""
    if cand.free_symbols - {ctx.x}:
        return None
    for (c, _, _), (pt, _) in zip(items, ends):
        if not (c.is_number and c < 0):
            continue
        for k in range(1, 40):
            h = sp.Rational(1, 2**k)
            if pt.is_infinite:
                p = sp.Integer(2) ** k * (1 if pt > 0 else -1)
            else:
                p = pt + h if pt == ctx.lo else pt - h
                if not (sp.Lt(ctx.lo, p) is sp.true and sp.Lt(p, ctx.hi) is sp.true):
                    continue
            val = _mp_eval(cand, ctx.x, p, _SAMPLE_DPS)
            if val is not None and (val < 0 or (strict and val <= 0)):
                return p
    return None


# ================================================================ validation
def _sym_expr(obj: Any, names: Dict[str, sp.Symbol], what: str) -> sp.Expr:
    if isinstance(obj, str):
        from .parsing import parse
        return parse(obj, names)
    if isinstance(obj, bool):
        raise InvalidParameter(f"{what} must be a number or a SymPy expression, got {obj!r}")
    if isinstance(obj, (int, float)):
        if isinstance(obj, float) and math.isinf(obj):
            return sp.oo if obj > 0 else -sp.oo
        return sp.nsimplify(obj, rational=True) if isinstance(obj, float) else sp.Integer(obj)
    if isinstance(obj, sp.Basic):
        return obj
    raise InvalidParameter(f"{what} must be a number or a SymPy expression, got {type(obj).__name__}")


def _prepare(expr, var, interval, relation, params, assumptions):
    if relation not in RELATIONS:
        raise InvalidParameter(f"relation must be one of {', '.join(RELATIONS)}, got {relation!r}")
    if not isinstance(var, sp.Symbol):
        raise InvalidParameter(f"var must be a SymPy Symbol, got {var!r}")
    params = tuple(params or ())
    for p in params:
        if not isinstance(p, sp.Symbol):
            raise InvalidParameter(f"params must be SymPy Symbols, got {p!r}")
    names = {var.name: var, **{p.name: p for p in params}}
    expr = _sym_expr(expr, names, "expression")
    try:
        lo, hi = interval
    except (TypeError, ValueError):
        raise InvalidParameter(f"interval must be a pair (lo, hi), got {interval!r}") from None
    lo, hi = _sym_expr(lo, names, "interval end"), _sym_expr(hi, names, "interval end")
    if lo.has(var) or hi.has(var):
        raise InvalidParameter(f"interval ends must not contain {var}, got ({lo}, {hi})")
    if sp.Lt(lo, hi) is sp.false or lo == sp.oo or hi == -sp.oo:
        raise InvalidParameter(f"interval must have lo < hi, got ({lo}, {hi})")
    assumptions = sp.true if assumptions is None else assumptions
    if isinstance(assumptions, str):
        from .parsing import parse_condition
        assumptions = parse_condition(assumptions, names)
    extra = (expr.free_symbols | lo.free_symbols | hi.free_symbols) - {var} - set(params)
    if extra:
        name = sorted(s.name for s in extra)[0]
        raise InvalidParameter(f"free symbol '{name}' is neither the variable {var} nor a declared "
                               f"parameter (pass params=[...])")
    return expr, lo, hi, params, assumptions


def _working_symbol(var: sp.Symbol, lo: sp.Expr, hi: sp.Expr) -> sp.Symbol:
    """``var`` with the sign the open interval gives it, so SymPy can simplify powers."""
    if lo.is_nonnegative or lo == 0:
        return sp.Symbol(var.name, positive=True)
    if hi.is_nonpositive or hi == 0:
        return sp.Symbol(var.name, negative=True)
    return var if var.is_real else sp.Symbol(var.name, real=True)


# ================================================================ piecewise splitting
def _breakpoints(expr: sp.Expr, x: sp.Symbol, lo: sp.Expr, hi: sp.Expr) -> Optional[List[sp.Expr]]:
    """Interior boundary points of the Piecewise conditions in ``expr`` (None if not splittable)."""
    pts = set()
    for pw in expr.atoms(sp.Piecewise):
        for _, cond in pw.args:
            if cond in (sp.true, sp.false):
                continue
            if cond.free_symbols - {x}:
                return None
            try:
                S = cond.as_set()
            except (NotImplementedError, TypeError, ValueError):
                return None
            for b in S.boundary if not isinstance(S, sp.FiniteSet) else S:
                if b.is_finite and sp.Lt(lo, b) is sp.true and sp.Lt(b, hi) is sp.true:
                    pts.add(b)
    return sorted(pts, key=lambda r: sp.N(r, 40))


def _piece_at(expr: sp.Expr, x: sp.Symbol, m: sp.Expr) -> sp.Expr:
    """``expr`` with each Piecewise replaced by its branch active at ``x = m``."""
    def pick(pw):
        for e, c in pw.args:
            if c.xreplace({x: m}) is sp.true or c is sp.true:
                return e
        return sp.nan
    return expr.replace(lambda n: isinstance(n, sp.Piecewise), pick)


def _segments(expr: sp.Expr, x: sp.Symbol, lo: sp.Expr, hi: sp.Expr):
    """[(a, b, smooth expr)] covering (lo, hi) and the interior breakpoints, or None."""
    bps = _breakpoints(expr, x, lo, hi)
    if bps is None:
        return None
    edges = [lo] + bps + [hi]
    segs = []
    for a, b in zip(edges[:-1], edges[1:]):
        m = _rat_between(a, b)
        segs.append((a, b, _piece_at(expr, x, m)))
    return segs, bps


# ================================================================ the ladder
@dataclass
class _Result:
    holds: Optional[bool]
    method: str
    condition: Any
    cert_expr: Any
    reason: str
    point: Any = None
    value: Any = None
    notes: List[str] = field(default_factory=list)


def _confirm(g: sp.Expr, x: sp.Symbol, point: Any, strict: bool) -> Tuple[bool, Any]:
    """Evaluate ``g`` at a refutation point at two precisions; (confirmed, 30-digit value)."""
    vals = []
    for dps in (_SAMPLE_DPS, _CONFIRM_DPS):
        try:
            val = _mp_eval(g, x, point, dps)
        except Exception:  # evaluation of an exotic expression failed
            val = None
        if val is None:
            return False, None
        vals.append(val)
    ok = all(v_ < 0 or (strict and v_ == 0) for v_ in vals)
    return ok, sp.Float(mpmath.nstr(vals[0], _SAMPLE_DPS), _SAMPLE_DPS)


def _ladder(g: sp.Expr, ctx: _Ctx, strict: bool) -> _Result:
    """Decide ``g >= 0`` (``> 0``) on (ctx.lo, ctx.hi); ``g`` is written in ``ctx.x``."""
    x = ctx.x
    notes: List[str] = []
    segs = None
    if g.has(sp.Piecewise):
        segs = _segments(g, x, ctx.lo, ctx.hi)
        if segs is None:
            notes.append("Piecewise conditions could not be split on the interval")
    if segs is not None and (len(segs[0]) > 1 or segs[0][0][2] != g):
        return _ladder_pieces(g, segs, ctx, strict)
    has_params = bool(g.free_symbols - {x}) or bool((ctx.lo.free_symbols | ctx.hi.free_symbols))
    try:
        if "symbolic" not in ctx.rungs:
            sym, finished = _Sym("unknown", "symbolic rung skipped", g), True
        else:
            sym, finished = bounded(_symbolic, g, ctx, strict, seconds=ctx.budget, fallback=None)
    except SymmechError:
        raise
    except Exception as exc:  # a SymPy routine failed on this input: go down the ladder
        sym, finished = _Sym("unknown", f"symbolic rung failed ({type(exc).__name__})", g), True
        notes.append(f"symbolic rung failed: {type(exc).__name__}: {str(exc)[:80]}")
    if not finished:
        notes.append(f"symbolic rung: time budget of {ctx.budget:g} s expired")
        sym = _Sym("unknown", "budget expired", g)
    core = sym.core if sym.core is not None else g
    if ctx.flags.get("exact") and sym.status in ("proved", "refuted", "condition"):
        sym.reason += "; factor signs by exact root isolation: " + "; ".join(ctx.flags["exact"][:4])
    if ctx.flags.get("interval") and sym.status in ("proved", "refuted", "condition"):
        # a factor's sign came from interval arithmetic: the answer is only as strong as that
        sym.reason += "; factor signs certified by interval arithmetic: " + "; ".join(ctx.flags["interval"])
        method = "interval"
    else:
        method = "symbolic"
    if sym.status == "proved":
        return _Result(True, method, sp.true, core, sym.reason, notes=notes)
    if sym.status == "refuted":
        point, value = sym.point, None
        if point is not None and not has_params:
            ok, value = _confirm(g, x, point, strict)
            if not ok and not (isinstance(point, sp.Basic) and _exact_zero(g, x, point)):
                notes.append(f"the symbolic counterexample {point} was not confirmed numerically")
                point, value = None, None
        return _Result(False, method, sp.false, core, sym.reason, point, value, notes)
    if sym.status == "condition":
        truth = True if sym.condition is sp.true else False if sym.condition is sp.false else None
        return _Result(truth, method, sym.condition, core, sym.reason, notes=notes)
    if has_params:
        return _params_fallback(g, sym, ctx, strict, notes)
    if sym.status == "sufficient":
        notes.append("symbolic rung: " + sym.reason)
    # rung 2: certified interval arithmetic on the core (factors of known sign removed)
    target = core if core.has(x) else g
    if "interval" not in ctx.rungs and "sampled" not in ctx.rungs:
        return _Result(None, "symbolic", None, target, sym.reason, notes=notes)
    out = (_guarded(_interval_rung, target, x, ctx.lo, ctx.hi, strict, seconds=ctx.budget)
           if "interval" in ctx.rungs else _Outcome("unknown", "interval rung skipped"))
    if out.status == "proved":
        return _Result(True, "interval", sp.true, target, out.reason, notes=notes)
    if out.status == "refuted":
        ok, value = _confirm(g, x, out.point, strict)
        if ok:
            return _Result(False, "interval", sp.false, target,
                           f"interval arithmetic shows {_s(target.xreplace({x: ctx.var}))} has the wrong sign "
                           f"at {ctx.var} = {out.point}", out.point, value, notes)
        notes.append(f"interval rung: refutation at {out.point} not confirmed on the full expression")
    else:
        notes.append(out.reason)
    # rung 3: sampling (refutes only)
    if "sampled" not in ctx.rungs:
        return _Result(None, "interval", None, target, out.reason, notes=notes)
    out = _guarded(_sampled_rung, target, x, ctx.lo, ctx.hi, strict, seconds=ctx.budget)
    if out.status == "refuted":
        ok, value = _confirm(g, x, out.point, strict)
        if ok:
            return _Result(False, "sampled", sp.false, target, "sampling found a point of the wrong sign: "
                           + out.reason, out.point, value, notes)
    return _Result(None, "sampled", None, target, out.reason, notes=notes)


def _guarded(rung: Callable, *args: Any, **kw: Any) -> _Outcome:
    """Run a numeric rung; an unexpected failure of a library routine means "undecided"."""
    try:
        return rung(*args, **kw)
    except SymmechError:
        raise
    except Exception as exc:  # mpmath/SymPy raise assorted errors on exotic input
        return _Outcome("unknown", f"{rung.__name__.strip('_').replace('_', ' ')} failed: "
                                   f"{type(exc).__name__}: {str(exc)[:60]}")


def _exact_zero(g, x, point) -> bool:
    val, ok = bounded(lambda: sp.simplify(g.xreplace({x: point})), seconds=2.0, fallback=None)
    return bool(ok and val == 0)


def _ladder_pieces(g, segs, ctx: _Ctx, strict: bool) -> _Result:
    pieces, bps = segs
    results = []
    for a, b, piece in pieces:
        sub = _Ctx(ctx.var, ctx.x, a, b, ctx.params, ctx.assumptions, ctx.budget, depth=ctx.depth,
                   rungs=ctx.rungs)
        r = _ladder(piece, sub, strict)
        r.reason = f"on ({a}, {b}): " + r.reason
        results.append(r)
    for c in bps:
        val = g.xreplace({ctx.x: c})
        if val.has(sp.nan, sp.zoo, sp.oo, -sp.oo):
            continue
        sub = _Ctx(ctx.var, ctx.x, ctx.lo, ctx.hi, ctx.params, ctx.assumptions, ctx.budget, depth=ctx.depth)
        s = _const_case(val, sub, strict)
        if s.status == "refuted":
            s.point = c
        holds = {"proved": True, "refuted": False}.get(s.status)
        cond = s.condition if s.status == "condition" else (sp.true if holds else sp.false if holds is False else None)
        if s.status == "condition":
            holds = True if cond is sp.true else False if cond is sp.false else None
        results.append(_Result(holds, "symbolic", cond, val, f"at the breakpoint {ctx.var} = {_s(c)}: " + s.reason,
                               s.point, val if s.status == "refuted" else None))
    return _combine(results, "Piecewise split at " + ", ".join(str(c) for c in bps))


_RANK = {"symbolic": 0, "interval": 1, "sampled": 2}


def _combine(results: Sequence[_Result], head: str) -> _Result:
    """All parts must hold: the conjunction of their verdicts."""
    notes = [n for r in results for n in r.notes]
    for r in results:
        if r.holds is False:
            return _Result(False, r.method, sp.false, r.cert_expr, f"{head}; {r.reason}", r.point, r.value, notes)
    conds = [r.condition for r in results]
    if all(r.holds is True for r in results):
        method = max((r.method for r in results), key=_RANK.__getitem__)
        return _Result(True, method, sp.true, None, f"{head}; " + "; ".join(r.reason for r in results), notes=notes)
    method = max((r.method for r in results), key=_RANK.__getitem__)
    if any(c is None for c in conds):
        cond = None
    else:
        cond = sp.And(*conds)
    holds = True if cond is sp.true else False if cond is sp.false else None
    return _Result(holds, method, cond, None, f"{head}; " + "; ".join(r.reason for r in results), notes=notes)


def _probe_points(ctx: _Ctx, params: Sequence[sp.Symbol], limit: int = 6) -> List[Dict[sp.Symbol, sp.Expr]]:
    grid = [sp.Rational(1, 4), sp.Rational(1, 2), sp.Rational(3, 4), sp.Integer(1), sp.Rational(3, 2),
            sp.Integer(2), sp.Integer(3), sp.Integer(-1), sp.Integer(-2), sp.Integer(0)]
    per = {}
    for p in params:
        D = _domain(p, ctx)
        per[p] = [c for c in grid if D.contains(c) is sp.true]
    points = []
    import itertools
    for combo in itertools.product(*[per[p] for p in params]):
        pt = dict(zip(params, combo))
        if ctx.assumptions.xreplace(pt) is sp.false:
            continue
        points.append(pt)
    if len(points) > limit:
        step = len(points) / limit
        points = [points[int(i * step)] for i in range(limit)]
    return points


def _params_fallback(g, sym: _Sym, ctx: _Ctx, strict: bool, notes: List[str]) -> _Result:
    """With parameters and no exact condition: the numeric rungs, run at a few sampled parameter
    values, may only refute ("holds for all parameters", or a proposed sufficient condition).

    The verdict's ``condition`` stays None (undetermined); a sufficient condition, when one was
    found, is reported in the notes as ``"sufficient condition: ..."``.
    """
    params = sorted(g.free_symbols - {ctx.x} | ctx.lo.free_symbols | ctx.hi.free_symbols, key=lambda s: s.name)
    cond = sym.condition if sym.status == "sufficient" else None
    inside_bad, outside_bad, outside_n, refuted_n, tried = [], 0, 0, 0, 0
    deadline = time.monotonic() + min(ctx.budget, 1.0)
    probes = _probe_points(ctx, params, limit=3) if "sampled" in ctx.rungs else []
    for pt in probes:
        if time.monotonic() > deadline:
            break
        gp = g.xreplace(pt)
        lo, hi = ctx.lo.xreplace(pt), ctx.hi.xreplace(pt)
        if gp.free_symbols - {ctx.x} or not (sp.Lt(lo, hi) is sp.true):
            continue
        tried += 1
        out = _interval_rung(gp, ctx.x, lo, hi, strict, seconds=0.3, max_cells=100)
        if out.status == "unknown":
            out = _sampled_rung(gp, ctx.x, lo, hi, strict, seconds=0.3, n=100)
        refuted = out.status == "refuted"
        refuted_n += refuted
        in_cond = cond is not None and cond.xreplace(pt) is sp.true
        if in_cond and refuted:
            inside_bad.append(pt)
        if cond is not None and not in_cond:
            outside_n += 1
            outside_bad += refuted
    if inside_bad:
        notes.append(f"a proposed sufficient condition {_s(cond)} was refuted numerically at "
                     f"{inside_bad[0]} and discarded")
        cond = None
    if cond is not None:
        notes.append(f"sufficient condition: {_s(cond)}; {sym.reason}")
        if outside_n:
            notes.append(f"numeric probes outside that condition: the statement fails at {outside_bad} of "
                         f"{outside_n} sampled parameter points (evidence, not proof)")
    else:
        notes.append("no exact condition on the parameters was found: " + sym.reason)
    if tried and cond is None:
        notes.append(f"numeric probes: refuted at {refuted_n} of {tried} sampled parameter points")
    return _Result(None, "symbolic" if cond is not None or not tried else "sampled", None, sym.core,
                   sym.reason, notes=notes)


# ================================================================ public API
def _make_ctx(var, x, lo, hi, params, assumptions, budget) -> _Ctx:
    return _Ctx(var, x, lo, hi, params, assumptions, float(budget))


def _to_verdict(r: _Result, statement: str, ctx: _Ctx, sense: int, strict: bool) -> Verdict:
    x = ctx.x
    back = {x: ctx.var}
    cx = None
    if r.point is not None:
        cx = {str(ctx.var): r.point}
        if r.value is not None:
            cx["value"] = sense * r.value
    cert_expr = r.cert_expr.xreplace(back) if isinstance(r.cert_expr, sp.Basic) else r.cert_expr
    reason = r.reason
    if isinstance(cert_expr, sp.Basic) and cert_expr.has(ctx.var):
        reason = f"decided by the sign of {_s(cert_expr)} ({'>' if strict else '>='} 0 required): " + reason
    return Verdict(statement, r.holds, r.condition, r.method, Certificate(cert_expr, reason), cx,
                   tuple(r.notes))


def sign_on(expr: Any, var: sp.Symbol, interval: Tuple[Any, Any], *, relation: str = ">=",
            params: Sequence[sp.Symbol] = (), assumptions: Any = sp.true,
            budget: float = DEFAULT_BUDGET, statement: Optional[str] = None,
            rungs: Sequence[str] = ("symbolic", "interval", "sampled")) -> Verdict:
    """Decide ``expr <relation> 0`` for every ``var`` in the open interval ``(lo, hi)``.

    Parameters
    ----------
    expr : sympy.Expr or str
        The expression (a string goes through :func:`symmech.parsing.parse`).
    var : sympy.Symbol
    interval : (lo, hi)
        Open interval; ``lo`` may be ``-oo`` and ``hi`` may be ``oo``.
    relation : {">=", ">", "<=", "<"}
    params : sequence of sympy.Symbol
        Parameters (with SymPy assumptions such as ``positive=True``).
    assumptions : sympy Boolean
        Further conditions on the parameters.
    budget : float
        Seconds granted to each rung.
    statement : str, optional
        Text for ``Verdict.statement``.
    rungs : sequence of str
        The rungs to use (default all three, in ladder order).

    Returns
    -------
    Verdict
        ``holds`` True (proved), False (refuted, with a counterexample when one is known) or
        None; ``condition`` the condition on the parameters (None when undetermined);
        ``method`` the rung that answered; ``certificate`` the expression whose sign decided
        and the reason.

    Examples
    --------
    >>> import sympy as sp
    >>> v = sp.Symbol("v", real=True)
    >>> r = sign_on(6 - 12*v, v, (0, 1))
    >>> r.holds, r.method, r.counterexample["v"]
    (False, 'symbolic', 3/4)
    >>> k = sp.Symbol("k", positive=True)
    >>> sign_on(k*(k - 1)*v**(k - 2), v, (0, 1), params=[k]).condition
    k >= 1
    """
    expr, lo, hi, params, assumptions = _prepare(expr, var, interval, relation, params, assumptions)
    if isinstance(budget, bool) or not isinstance(budget, (int, float)) or not budget > 0:
        raise InvalidParameter(f"budget must be a positive number of seconds, got {budget!r}")
    statement = statement or f"{_s(expr)} {relation} 0 for {var} in ({lo}, {hi})"
    sense = 1 if relation in (">=", ">") else -1
    strict = relation in (">", "<")
    x = _working_symbol(var, lo, hi)
    ctx = _make_ctx(var, x, lo, hi, params, assumptions, budget)
    g = sense * sp.sympify(expr).xreplace({var: x})
    rungs = tuple(rungs)
    if not rungs or any(r_ not in ("symbolic", "interval", "sampled") for r_ in rungs):
        raise InvalidParameter(f"rungs must be a non-empty subset of symbolic, interval, sampled, got {rungs!r}")
    ctx.rungs = rungs
    r = _ladder(g, ctx, strict)
    return _to_verdict(r, statement, ctx, sense, strict)


def _smooth_segments(expr, var, lo, hi):
    segs = _segments(expr, var, lo, hi) if expr.has(sp.Piecewise) else None
    if segs is None or len(segs[0]) <= 1:
        return None
    return segs


def _monotone_pieces(pieces: Sequence[Tuple[Any, Any, sp.Expr, sp.Expr]], var: sp.Symbol, direction: int,
                     statement: str, kw: Dict[str, Any], values: Optional[Dict[Any, sp.Expr]] = None) -> Verdict:
    """``g`` monotone (direction +1 nondecreasing, -1 nonincreasing) over consecutive pieces.

    ``pieces`` are ``(a, b, g_i, s_i)``: on ``(a, b)`` the function is ``g_i`` and ``s_i`` has
    the sign of ``g_i'``. At each shared end the jump ``g_{i+1}(c+) - g_i(c-)`` must have the
    sign ``direction``; ``values`` optionally gives ``g(c)`` itself, which must lie between.
    """
    rel = ">=" if direction > 0 else "<="
    parts = []
    for a, b, gi, si in pieces:
        parts.append(sign_on(si, var, (a, b), relation=rel, **kw))
    for (a0, c, g0, _), (c2, b1, g1, _) in zip(pieces[:-1], pieces[1:]):
        left = _one_sided(g0, var, c, "-")
        right = _one_sided(g1, var, c, "+")
        steps = [(left, right)]
        if values and c in values:
            steps = [(left, values[c]), (values[c], right)]
        for u, w in steps:
            if sp.sympify(u).has(sp.nan, sp.zoo) or sp.sympify(w).has(sp.nan, sp.zoo):
                parts.append(Verdict(f"jump at {var} = {c}", None, None, "symbolic",
                                     Certificate(None, f"the one-sided values at {var} = {c} could not be computed"),
                                     None, (f"jump at {var} = {c} not checked",)))
                continue
            jump, _ = bounded(sp.simplify, w - u, seconds=2.0, fallback=w - u)
            parts.append(sign_on(jump, var, (a0, b1), relation=rel,
                                 statement=f"jump of {_s(jump)} at {var} = {_s(c)}", **kw))
    return _verdict_and(parts, statement)


def _one_sided(g, var, c, side):
    val = g.xreplace({var: c})
    if val.has(sp.nan, sp.zoo) or val.is_finite is False:
        val = _limit(g, var, c, side, seconds=2.0)
    return sp.nan if val is None else val


def _verdict_and(parts: Sequence[Verdict], statement: str) -> Verdict:
    notes = tuple(n for p in parts for n in p.notes)
    for p in parts:
        if p.holds is False:
            return Verdict(statement, False, sp.false, p.method, p.certificate, p.counterexample, notes)
    method = max((p.method for p in parts), key=_RANK.__getitem__)
    reason = "; ".join(f"[{p.statement}] {p.certificate.reason}" for p in parts if p.certificate)
    if all(p.holds is True for p in parts):
        return Verdict(statement, True, sp.true, method, Certificate(None, reason), None, notes)
    conds = [p.condition for p in parts]
    cond = None if any(c is None for c in conds) else sp.And(*conds)
    holds = True if cond is sp.true else False if cond is sp.false else None
    return Verdict(statement, holds, cond, method, Certificate(None, reason), None, notes)


def _prep_kw(kw: Dict[str, Any]) -> Dict[str, Any]:
    allowed = {"params", "assumptions", "budget", "rungs"}
    bad = set(kw) - allowed - {"statement"}
    if bad:
        raise InvalidParameter(f"unknown keyword argument {sorted(bad)[0]!r}")
    return {k: v_ for k, v_ in kw.items() if k in allowed}


def _monotone(expr, var, interval, direction, what, kw, transform=None, second=None) -> Verdict:
    statement = kw.get("statement")
    rest = _prep_kw(kw)
    names = {var.name: var, **{p.name: p for p in rest.get("params", ())}} if isinstance(var, sp.Symbol) else {}
    if not isinstance(var, sp.Symbol):
        raise InvalidParameter(f"var must be a SymPy Symbol, got {var!r}")
    e = _sym_expr(expr, names, "expression")
    lo, hi = _prepare(e, var, interval, ">=", rest.get("params", ()), rest.get("assumptions"))[1:3]
    statement = statement or f"{_s(e)} is {what} on ({lo}, {hi})"
    transform = transform or (lambda h: h)
    segs = _smooth_segments(e, var, lo, hi)
    if segs is None:
        g = transform(e)
        s = second(e) if second is not None else sp.diff(g, var)
        return sign_on(s, var, (lo, hi), relation=">=" if direction > 0 else "<=", statement=statement, **rest)
    pieces = []
    for a, b, piece in segs[0]:
        gi = transform(piece)
        pieces.append((a, b, gi, second(piece) if second is not None else sp.diff(gi, var)))
    values = None
    if transform is None or what in ("nondecreasing", "nonincreasing"):
        values = {c: e.xreplace({var: c}) for c in segs[1]}
    return _monotone_pieces(pieces, var, direction, statement, rest, values)


def is_increasing(expr: Any, var: sp.Symbol, interval: Tuple[Any, Any], **kw: Any) -> Verdict:
    """Whether ``expr`` is nondecreasing on the open interval (``expr' >= 0``; piecewise
    functions also need nonnegative jumps at their breakpoints).

    Examples
    --------
    >>> import sympy as sp
    >>> v = sp.Symbol("v", real=True)
    >>> is_increasing(v**3 - v, v, (1, 2)).holds
    True
    """
    return _monotone(expr, var, interval, +1, "nondecreasing", kw)


def is_decreasing(expr: Any, var: sp.Symbol, interval: Tuple[Any, Any], **kw: Any) -> Verdict:
    """Whether ``expr`` is nonincreasing on the open interval (``expr' <= 0`` and jumps).

    Examples
    --------
    >>> import sympy as sp
    >>> v = sp.Symbol("v", real=True)
    >>> is_decreasing(sp.exp(-v), v, (0, sp.oo)).holds
    True
    """
    return _monotone(expr, var, interval, -1, "nonincreasing", kw)


def is_convex(expr: Any, var: sp.Symbol, interval: Tuple[Any, Any], **kw: Any) -> Verdict:
    """Whether ``expr`` is convex on the open interval (``expr'' >= 0``; for a piecewise
    function, ``expr'`` nondecreasing across the breakpoints too).

    Examples
    --------
    >>> import sympy as sp
    >>> v = sp.Symbol("v", real=True)
    >>> r = is_convex(3*v**2 - 2*v**3, v, (0, 1))
    >>> r.holds, r.counterexample["v"]
    (False, 3/4)
    """
    return _monotone(expr, var, interval, +1, "convex", kw, transform=lambda h: sp.diff(h, var))


def is_concave(expr: Any, var: sp.Symbol, interval: Tuple[Any, Any], **kw: Any) -> Verdict:
    """Whether ``expr`` is concave on the open interval (``expr'' <= 0``).

    Examples
    --------
    >>> import sympy as sp
    >>> v = sp.Symbol("v", real=True)
    >>> is_concave(sp.sqrt(v), v, (0, 1)).holds
    True
    """
    return _monotone(expr, var, interval, -1, "concave", kw, transform=lambda h: sp.diff(h, var))


def log_derivative(expr: sp.Expr, var: sp.Symbol) -> sp.Expr:
    """``d/dvar log(expr)``, expanding logs of products and powers first (the derivative of
    ``log|b|`` is ``b'/b`` whatever the sign of ``b``, so the expansion is harmless)."""
    expanded, _ = bounded(sp.expand_log, sp.log(expr), force=True, seconds=2, fallback=sp.log(expr))
    return sp.diff(expanded, var)


def is_log_concave(expr: Any, var: sp.Symbol, interval: Tuple[Any, Any], **kw: Any) -> Verdict:
    """Whether the positive function ``expr`` is log-concave: ``(log expr)'' <= 0``.

    Examples
    --------
    >>> import sympy as sp
    >>> v = sp.Symbol("v", real=True)
    >>> is_log_concave(6*v*(1 - v), v, (0, 1)).holds
    True
    """
    return _monotone(expr, var, interval, -1, "log-concave", kw,
                     transform=lambda h: log_derivative(h, var))


def is_log_convex(expr: Any, var: sp.Symbol, interval: Tuple[Any, Any], **kw: Any) -> Verdict:
    """Whether the positive function ``expr`` is log-convex: ``(log expr)'' >= 0``.

    Examples
    --------
    >>> import sympy as sp
    >>> v = sp.Symbol("v", real=True)
    >>> is_log_convex(1/v, v, (1, 2)).holds
    True
    """
    return _monotone(expr, var, interval, +1, "log-convex", kw,
                     transform=lambda h: log_derivative(h, var))
