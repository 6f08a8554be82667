"""High-precision numerics for SymPy expressions, independent of symbolic simplification.

Every closed form symmech derives is cross-checked here: expressions are compiled to
mpmath callables (unevaluated ``Integral`` nodes become ``mpmath.quad`` calls), evaluated at
a local working precision (``mpmath.workdps``; the global precision is never changed), and
compared with a reference at two precisions so that the reported digits of agreement are
not an artefact of the precision itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterable, Sequence, Tuple

import mpmath
import sympy as sp

__all__ = ["mp_callable", "evaluate", "quad", "find_root", "verify", "Agreement", "sample_points"]


def _compile(expr: sp.Expr, args: Tuple[sp.Symbol, ...]) -> Callable:
    """Compile ``expr`` in ``args`` to an mpmath function, integrals by quadrature."""
    expr = sp.sympify(expr)
    integrals = sorted(expr.atoms(sp.Integral), key=sp.default_sort_key)
    # keep only outermost integrals: inner ones are compiled recursively
    integrals = [i for i in integrals if not any(i != j and i in j.atoms(sp.Integral) for j in integrals)]
    if not integrals:
        return sp.lambdify(args, expr, modules=["mpmath"])
    dummies = [sp.Dummy(f"I{i}") for i in range(len(integrals))]
    outer = sp.lambdify(args + tuple(dummies), expr.xreplace(dict(zip(integrals, dummies))), modules=["mpmath"])
    evaluators = [_compile_integral(i, args) for i in integrals]

    def f(*vals):
        return outer(*vals, *[ev(*vals) for ev in evaluators])

    return f


def _compile_integral(integral: sp.Integral, args: Tuple[sp.Symbol, ...]) -> Callable:
    (s, a, b), *rest = integral.limits
    inner = sp.Integral(integral.function, *rest) if rest else integral.function
    integrand = _compile(inner, args + (s,))
    lower = _compile(a, args)
    upper = _compile(b, args)

    def f(*vals):
        lo, hi = lower(*vals), upper(*vals)
        return mpmath.quad(lambda x: integrand(*vals, x), [lo, hi])

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
    return _compile(sp.sympify(expr), (var,))


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
        return +mpmath.quad(g, [_mp_bound(lo), _mp_bound(hi)])


def _mp_bound(x: Any) -> Any:
    if x in (sp.oo, sp.S.Infinity):
        return mpmath.inf
    if x in (-sp.oo, sp.S.NegativeInfinity):
        return -mpmath.inf
    return _as_mp(x)


def find_root(expr: Any, var: sp.Symbol, bracket: Tuple[Any, Any], dps: int = 30) -> mpmath.mpf:
    """A root of ``expr`` in ``bracket`` (a sign change is required) to ``dps`` digits.

    Uses the Anderson-Bjorck bracketing method of mpmath, which keeps the root enclosed.

    Examples
    --------
    >>> import sympy as sp
    >>> v = sp.Symbol("v")
    >>> find_root(2*v - 1, v, (0, 1))
    mpf('0.5')
    """
    with mpmath.workdps(dps + 10):
        g = mp_callable(expr, var)
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
    ``stable`` says whether the measured discrepancy is the same at both precisions
    (a genuine difference) or shrinks with precision (round-off).

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
