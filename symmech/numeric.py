"""High-precision numerics for SymPy expressions, independent of symbolic simplification.

Every closed form symmech derives is cross-checked here: expressions are compiled to
mpmath callables (unevaluated ``Integral`` nodes become ``mpmath.quad`` calls), evaluated at
a local working precision (``mpmath.workdps``; the global precision is never changed), and
compared with a reference at two precisions so that the reported digits of agreement are
not an artefact of the precision itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Callable, Iterable, Sequence, Tuple

import mpmath
import sympy as sp
from sympy.utilities.lambdify import implemented_function

__all__ = ["to_mp", "mp_callable", "evaluate", "quad", "find_root", "verify", "Agreement", "sample_points"]


def _betainc_regularized(a, b, x1, x2):
    return mpmath.betainc(a, b, x1, x2, regularized=True)


# SymPy's mpmath printer maps betainc_regularized to the unregularized mpmath.betainc
_REGULARIZED_BETA = implemented_function(sp.Function("betainc_regularized_mp"), _betainc_regularized)


def _compile(expr: sp.Expr, args: Tuple[sp.Symbol, ...]) -> Callable:
    """Compile ``expr`` in ``args`` to an mpmath function, integrals by quadrature."""
    expr = sp.sympify(expr)
    if expr.has(sp.betainc_regularized):
        expr = expr.replace(sp.betainc_regularized, lambda *a: _REGULARIZED_BETA(*a))
    integrals = sorted(expr.atoms(sp.Integral), key=sp.default_sort_key)
    # keep only outermost integrals: inner ones are compiled recursively
    integrals = [i for i in integrals if not any(i != j and i in j.atoms(sp.Integral) for j in integrals)]
    if not integrals:
        return _lambdify_folded(args, expr)
    dummies = [sp.Dummy(f"I{i}") for i in range(len(integrals))]
    outer = sp.lambdify(args + tuple(dummies), expr.xreplace(dict(zip(integrals, dummies))), modules=["mpmath"])
    evaluators = [_compile_integral(i, args) for i in integrals]

    def f(*vals):
        return outer(*vals, *[ev(*vals) for ev in evaluators])

    return f


def _constant_subtrees(expr: sp.Basic) -> list:
    """Maximal parameter-free, non-rational subexpressions (``erf(8*sqrt(2))``, ``sqrt(pi)``)."""
    found: list = []

    def walk(e):
        if e.is_Atom or isinstance(e, sp.Integral):
            return
        if not e.free_symbols and not e.has(sp.Integral) and not e.is_Rational and e.is_number \
                and e.is_extended_real:
            found.append(e)
            return
        for a in e.args:
            walk(a)

    walk(expr)
    return list(dict.fromkeys(found))


def _lambdify_folded(args: Tuple[sp.Symbol, ...], expr: sp.Expr) -> Callable:
    """``lambdify`` with constant subexpressions evaluated once per working precision.

    mpmath recomputes every ``erf(8*sqrt(2))`` of a normalising constant on each call, which
    dominates quadratures of such densities; the constants are instead evaluated (with guard
    digits) the first time a precision is used and passed in as arguments.
    """
    consts = _constant_subtrees(expr)
    if not consts:
        return sp.lambdify(args, expr, modules=["mpmath"])
    dummies = tuple(sp.Dummy(f"c{i}") for i in range(len(consts)))
    g = sp.lambdify(args + dummies, expr.xreplace(dict(zip(consts, dummies))), modules=["mpmath"])
    cache: dict = {}

    def f(*vals):
        prec = mpmath.mp.prec
        cv = cache.get(prec)
        if cv is None:
            cv = cache[prec] = [_as_mp(c) for c in consts]
        return g(*vals, *cv)

    return f


def _breakpoints(expr: sp.Expr, s: sp.Symbol) -> list:
    """Points ``s = c`` where a Piecewise or Abs in ``expr`` may switch branches."""
    points = []
    for rel in expr.atoms(sp.Rel):
        for side, other in ((rel.lhs, rel.rhs), (rel.rhs, rel.lhs)):
            if side == s and s not in other.free_symbols:
                points.append(other)
    for a in expr.atoms(sp.Abs, sp.Heaviside):
        arg = a.args[0]
        if arg.is_polynomial(s) and sp.degree(arg, s) == 1:
            points.append(sp.solve(arg, s)[0])
    return points


def _compile_integral(integral: sp.Integral, args: Tuple[sp.Symbol, ...]) -> Callable:
    # SymPy lists limits innermost first: the last one is the outer integral
    *rest, (s, a, b) = integral.limits
    inner = sp.Integral(integral.function, *rest) if rest else integral.function
    integrand = _compile(inner, args + (s,))
    lower = _compile(a, args)
    upper = _compile(b, args)
    # quadrature loses digits across a kink: split the range at branch points
    kinks = [_compile(c, args) for c in _breakpoints(inner, s)]

    def f(*vals):
        lo, hi = lower(*vals), upper(*vals)
        nodes = [lo, hi]
        for k in kinks:
            c = k(*vals)
            if not isinstance(c, mpmath.mpc) and min(lo, hi) < c < max(lo, hi):
                nodes.append(c)
        nodes = sorted(set(nodes), reverse=hi < lo)
        return mpmath.quad(lambda x: integrand(*vals, x), nodes)

    return f


def mp_callable(expr: Any, var: sp.Symbol) -> Callable[[Any], Any]:
    """An mpmath function of one variable computing ``expr``; precision is the caller's.

    Examples
    --------
    >>> import sympy as sp, mpmath
    >>> v, s = sp.symbols("v s", real=True)
    >>> g = mp_callable(sp.Integral(sp.exp(-s**2), (s, 0, v)), v)
    >>> with mpmath.workdps(30):
    ...     print(mpmath.nstr(g(1), 20))
    0.7468241328124270254
    """
    e = sp.sympify(expr)
    try:
        return _compile_cached(e, (var,))
    except TypeError:  # an unhashable argument: compile without the cache
        return _compile(e, (var,))


@lru_cache(maxsize=512)
def _compile_cached(expr: sp.Expr, args: Tuple[sp.Symbol, ...]) -> Callable:
    # lambdify of a large expression costs far more than calling it; compiled functions are
    # precision-independent (constants are folded per precision), so they can be shared
    return _compile(expr, args)


def evaluate(expr: Any, var: sp.Symbol, point: Any, dps: int = 30) -> mpmath.mpf:
    """Value of ``expr`` at ``var = point`` computed with ``dps`` digits.

    Examples
    --------
    >>> import sympy as sp
    >>> v = sp.Symbol("v")
    >>> import mpmath
    >>> mpmath.nstr(evaluate(sp.log(1 + v), v, 1, dps=40), 30)
    '0.693147180559945309417232121458'
    """
    with mpmath.workdps(dps):
        return +mp_callable(expr, var)(mpmath.mpmathify(_as_mp(point)))


def _as_mp(x: Any) -> Any:
    if isinstance(x, sp.Basic):
        x = sp.sympify(x)
        if x.is_Rational:
            return mpmath.mpf(x.p) / x.q
        return x.evalf(mpmath.mp.dps + 10)._to_mpmath(mpmath.mp.prec + 30)
    return x


def quad(expr: Any, var: sp.Symbol, lo: Any, hi: Any, dps: int = 30) -> mpmath.mpf:
    """``integral_lo^hi expr dvar`` by mpmath quadrature at ``dps`` digits.

    Examples
    --------
    >>> import sympy as sp
    >>> v = sp.Symbol("v")
    >>> quad(2*v, v, 0, 1)
    mpf('1.0')
    """
    with mpmath.workdps(dps):
        g = mp_callable(expr, var)
        a, b = _mp_bound(lo), _mp_bound(hi)
        nodes = [a, b]
        for c in _breakpoints(sp.sympify(expr), var):
            if not c.free_symbols:
                c = _as_mp(c)
                if min(a, b) < c < max(a, b):
                    nodes.append(c)
        return +mpmath.quad(g, sorted(set(nodes), reverse=b < a))


def to_mp(x: Any) -> Any:
    """A SymPy number or bound (``oo`` included) as an mpmath number at the current precision.

    Examples
    --------
    >>> import sympy as sp
    >>> to_mp(sp.Rational(1, 4)), to_mp(-sp.oo)
    (mpf('0.25'), mpf('-inf'))
    """
    x = sp.sympify(x) if not isinstance(x, (mpmath.mpf, mpmath.mpc)) else x
    if x in (sp.oo, sp.S.Infinity):
        return mpmath.inf
    if x in (-sp.oo, sp.S.NegativeInfinity):
        return -mpmath.inf
    return _as_mp(x)


_mp_bound = to_mp


def find_root(expr: Any, var: sp.Symbol, bracket: Tuple[Any, Any], dps: int = 30) -> mpmath.mpf:
    """A root of ``expr`` in ``bracket`` (a sign change is required) to ``dps`` digits.

    ``expr`` is a SymPy expression in ``var`` or an mpmath function of one argument.

    Uses the Anderson-Bjorck bracketing method of mpmath, which keeps the root enclosed.

    Examples
    --------
    >>> import sympy as sp
    >>> v = sp.Symbol("v")
    >>> find_root(2*v - 1, v, (0, 1))
    mpf('0.5')
    """
    with mpmath.workdps(dps + 10):
        # an mpmath function is accepted as well as an expression (used for definitions by quadrature)
        g = expr if callable(expr) and not isinstance(expr, sp.Basic) else mp_callable(expr, var)
        a, b = _mp_bound(bracket[0]), _mp_bound(bracket[1])
        r = mpmath.findroot(g, (a, b), solver="anderson")
    with mpmath.workdps(dps):
        return +r


def sample_points(lo: Any, hi: Any, n: int = 7) -> list:
    """``n`` exact rational points strictly inside ``(lo, hi)``; a tail grid if ``hi`` is infinite.

    Examples
    --------
    >>> sample_points(0, 1, 3)
    [1/4, 1/2, 3/4]
    """
    lo, hi = sp.sympify(lo), sp.sympify(hi)
    if lo.is_finite and hi.is_finite:
        return [lo + (hi - lo) * sp.Rational(i, n + 1) for i in range(1, n + 1)]
    if lo.is_finite:
        return [lo + sp.Rational(i, 2) * (1 + i) / 2 for i in range(1, n + 1)]
    if hi.is_finite:
        return [hi - sp.Rational(i, 2) * (1 + i) / 2 for i in range(1, n + 1)]
    return [sp.Rational(i - n // 2, 1) for i in range(n)]


@dataclass(frozen=True)
class Agreement:
    """Outcome of :func:`verify`: worst discrepancy and digits of agreement over the points."""

    digits: float
    max_error: Any
    points: Tuple[Any, ...]
    dps: int
    stable: bool

    @property
    def ok(self) -> bool:
        """At least ``dps - 5`` digits agree at both precisions."""
        return self.stable and self.digits >= self.dps - 5


def verify(expr: Any, reference: Callable[[Any], Any] | Any, var: sp.Symbol,
           points: Sequence[Any], dps: int = 30) -> Agreement:
    """Compare ``expr`` with ``reference`` at ``points``, at ``dps`` and ``dps + 15`` digits.

    ``reference`` is either a SymPy expression in ``var`` or a Python function of an mpmath
    number computing the same quantity independently (e.g. by quadrature of a definition).
    ``stable`` says that the discrepancy does not grow at the higher precision: round-off
    shrinks there and a genuine difference stays put, while a discrepancy that grows points at
    an unreliable evaluation (e.g. a reference quadrature that has not converged).

    Examples
    --------
    >>> import sympy as sp, mpmath
    >>> v = sp.Symbol("v")
    >>> a = verify(v**2/2, lambda x: mpmath.quad(lambda s: s, [0, x]), v, [sp.Rational(1, 3)])
    >>> a.ok
    True
    """
    errs = []
    for prec in (dps, dps + 15):
        with mpmath.workdps(prec):
            f = mp_callable(expr, var)
            g = reference if callable(reference) and not isinstance(reference, sp.Basic) else mp_callable(reference, var)
            worst = mpmath.mpf(0)
            for p in points:
                x = mpmath.mpmathify(_as_mp(p))
                a, b = f(x), g(x)
                err = abs(a - b) / max(mpmath.mpf(1), abs(b))
                worst = max(worst, err)
            errs.append(worst)
    e_lo, e_hi = errs
    digits = float(dps + 15) if e_lo == 0 else float(-mpmath.log10(e_lo))
    return Agreement(digits=min(digits, float(dps)), max_error=e_lo, points=tuple(points), dps=dps,
                     stable=(e_lo == 0) or e_hi <= e_lo)


# ---------------------------------------------------------------------------------------
# Grids, sign changes and definitions by quadrature (added for virtual values and
# thresholds; generic, so equilibria and mechanisms can use them too).

__all__ += ["grid_points", "sign_changes", "quad_fn", "cdf_by_quadrature", "demand_by_quadrature"]


def grid_points(lo: Any, hi: Any, n: int = 200, scale: Any = 1) -> list:
    """``n`` increasing exact rational points strictly inside ``(lo, hi)``.

    A finite interval gets an even grid; an infinite end is reached through
    ``x = end +/- scale * t / (1 - t)`` with ``t`` on an even grid of ``(0, 1)``, so the
    points spread over the scale ``scale`` of the distribution and still go far out.

    Examples
    --------
    >>> grid_points(0, 1, 3)
    [1/4, 1/2, 3/4]
    >>> grid_points(0, sp.oo, 3)
    [1/3, 1, 3]
    """
    if n < 1:
        raise ValueError(f"grid_points needs n >= 1, got n = {n}")
    lo, hi, scale = sp.sympify(lo), sp.sympify(hi), sp.nsimplify(scale, rational=True)
    ts = [sp.Rational(i, n + 1) for i in range(1, n + 1)]
    if lo.is_finite and hi.is_finite:
        return [lo + (hi - lo) * t for t in ts]
    if lo.is_finite:
        return [lo + scale * t / (1 - t) for t in ts]
    if hi.is_finite:
        return sorted(hi - scale * t / (1 - t) for t in ts)
    # both ends infinite: symmetric about 0, t/(1-t) on each side
    out = []
    for t in ts:
        s = 2 * t - 1
        out.append(scale * s / (1 - abs(s)))
    return out


def sign_changes(expr: Any, var: sp.Symbol, points: Sequence[Any], dps: int = 15) -> list:
    """Consecutive ``(a, b)`` among ``points`` where ``expr`` changes sign.

    ``expr`` is a SymPy expression in ``var`` or an mpmath function. A point where the value
    is exactly zero gives ``(p, p)``; points where the value is not a finite real number
    (a pole, an endpoint singularity) are skipped.

    Examples
    --------
    >>> x = sp.Symbol("x")
    >>> sign_changes(x**2 - sp.Rational(1, 4), x, grid_points(-1, 1, 6))
    [(-5/7, -3/7), (3/7, 5/7)]
    >>> sign_changes(x**2 - sp.Rational(1, 4), x, grid_points(-1, 1, 7))
    [(-1/2, -1/2), (1/2, 1/2)]
    """
    with mpmath.workdps(dps):
        g = expr if callable(expr) and not isinstance(expr, sp.Basic) else mp_callable(expr, var)
        signs = []
        for p in points:
            try:
                val = g(mpmath.mpmathify(_as_mp(p)))
            except (ZeroDivisionError, ValueError, OverflowError):
                continue
            if isinstance(val, mpmath.mpc):
                if abs(val.imag) > mpmath.mpf(10) ** (-dps // 2) * max(1, abs(val.real)):
                    continue
                val = val.real
            if not mpmath.isfinite(val):
                continue
            signs.append((p, mpmath.sign(val)))
    out = []
    for (p, s), (q, t) in zip(signs, signs[1:]):
        if s == 0:
            if not out or out[-1] != (p, p):
                out.append((p, p))
        elif t != 0 and s != t:
            out.append((p, q))
    if signs and signs[-1][1] == 0 and (not out or out[-1] != (signs[-1][0],) * 2):
        out.append((signs[-1][0], signs[-1][0]))
    return out


def quad_fn(fn: Callable[[Any], Any], a: Any, b: Any) -> Any:
    """``integral_a^b fn`` at the current precision, robust to power singularities at finite ends.

    Plain tanh-sinh truncates the interval about ``10**-dps`` from each end, which costs half
    the digits on ``x**(-1/2)``. Each finite half is therefore mapped by ``x = end + h t**4``
    (the integrand becomes ``t**(4(1 - p) - 1)`` for ``x**(-p)``, smooth for ``p <= 3/4``);
    infinite ends use mpmath's own transformation. Nodes near an end carry extra bits, so
    ``1 - x`` inside ``fn`` does not cancel; non-finite values at nodes that still land on a
    singular end are counted as 0 (their weight vanishes there).

    Examples
    --------
    >>> with mpmath.workdps(30):
    ...     err = quad_fn(lambda x: 1 / (2 * mpmath.sqrt(x)), 0, 1) - 1
    >>> abs(err) < mpmath.mpf(10) ** -29
    True
    """
    a, b = _mp_bound(sp.sympify(a)) if isinstance(a, sp.Basic) else a, \
        _mp_bound(sp.sympify(b)) if isinstance(b, sp.Basic) else b
    a, b = mpmath.mpmathify(a), mpmath.mpmathify(b)
    if a == b:
        return mpmath.mpf(0)
    if a > b:
        return -quad_fn(fn, b, a)
    val = _quad_fn(fn, a, b)
    # mpmath's tolerance is absolute: a small integral (a far tail) is redone with as many
    # extra bits as it is small, so the result has full relative precision
    m = mpmath.mag(val) if val else 0
    if m < -16:
        with mpmath.workprec(mpmath.mp.prec - m):
            val = _quad_fn(fn, a, b)
    return +val


def _quad_fn(fn, a, b):

    def safe(x):
        try:
            val = fn(x)
        except (ZeroDivisionError, ValueError, OverflowError):
            return mpmath.mpf(0)
        return val if mpmath.isfinite(val) else mpmath.mpf(0)

    def node(end, h, t, sign):
        # the node carries enough bits that fn's own ``end - x`` does not cancel near the end
        if not t:
            return end
        with mpmath.workprec(mpmath.mp.prec + max(0, -4 * mpmath.mag(t)) + 10):
            return end + sign * h * t ** 4

    def from_left(end, h):
        return mpmath.quad(lambda t: safe(node(end, h, t, 1)) * 4 * h * t ** 3, [0, 1])

    def from_right(end, h):
        return mpmath.quad(lambda t: safe(node(end, h, t, -1)) * 4 * h * t ** 3, [0, 1])

    if mpmath.isfinite(a) and mpmath.isfinite(b):
        # finite values at both ends: tanh-sinh's truncation costs nothing, one plain pass
        try:
            ends_finite = all(mpmath.isfinite(fn(e)) for e in (a, b))
        except (ZeroDivisionError, ValueError, OverflowError, TypeError):
            ends_finite = False
        if ends_finite:
            return mpmath.quad(safe, [a, b])
        h = (b - a) / 2
        return from_left(a, h) + from_right(b, h)
    if mpmath.isfinite(a):
        return from_left(a, mpmath.mpf(1)) + mpmath.quad(safe, [a + 1, mpmath.inf])
    if mpmath.isfinite(b):
        return from_right(b, mpmath.mpf(1)) + mpmath.quad(safe, [-mpmath.inf, b - 1])
    return mpmath.quad(safe, [-mpmath.inf, 0, mpmath.inf])


def cdf_by_quadrature(pdf: Any, var: sp.Symbol, lo: Any) -> Callable[[Any], Any]:
    """``x -> integral_lo^x pdf`` by mpmath quadrature (the definition of ``F``).

    Independent of any closed form of the CDF; call it inside ``mpmath.workdps(n)``.

    Examples
    --------
    >>> x = sp.Symbol("x")
    >>> F = cdf_by_quadrature(2*x, x, 0)
    >>> with mpmath.workdps(30):
    ...     print(mpmath.nstr(F(mpmath.mpf(1)/3), 25))
    0.1111111111111111111111111
    """
    f = mp_callable(pdf, var)
    lo = sp.sympify(lo)
    return lambda x: quad_fn(f, _mp_bound(lo), x)


def demand_by_quadrature(pdf: Any, var: sp.Symbol, hi: Any) -> Callable[[Any], Any]:
    """``x -> integral_x^hi pdf`` by quadrature: ``1 - F(x)`` without cancellation near ``hi``.

    Examples
    --------
    >>> x = sp.Symbol("x")
    >>> D = demand_by_quadrature(sp.exp(-x), x, sp.oo)
    >>> with mpmath.workdps(30):
    ...     print(mpmath.nstr(D(40), 20))
    4.2483542552915889953e-18
    """
    f = mp_callable(pdf, var)
    hi = sp.sympify(hi)
    return lambda x: quad_fn(f, x, _mp_bound(hi))
