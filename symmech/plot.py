"""Figures for teaching and papers: payoffs, virtual values, distributions, LP mechanisms.

Every function draws onto a Matplotlib ``Axes`` (a new figure when ``ax`` is None) and returns
the ``Figure``. The drawn data are the library's own results evaluated on a grid, so the
pictures can be tested by reading the lines back (``line.get_xdata()``, ``get_ydata()``);
artists carry a ``gid`` naming what they show (``"payoff"``, ``"crossing"``, ``"virtual"``,
``"ironed"``, ``"ironing"``, ``"reserve"``, ``"density"``, ``"demand"``, ``"shape"``,
``"allocation"``, ``"payment"``, ``"status_quo"``, ...).

* :func:`payoffs` -- interim payoffs ``U(v)`` of mechanisms against each other, with the
  points where they cross marked (the Bulow picture: ``v/2`` against ``integral_0^v F``).
* :func:`virtual_values` -- ``J_alpha`` and its ironed version, pooling intervals shaded
  (Myerson 1981, section 6), the reserve price marked for ``alpha = 1``.
* :func:`distribution` -- density and demand ``1 - F`` with the shape verdicts of
  :func:`symmech.shape.shape` written on the plot.
* :func:`mechanism` -- ``x``, ``t`` and ``U`` of LP solutions across a refinement against
  the status quo (Kang & Skrzypacz 2025; THEORY sections 3-5).

Matplotlib is an optional dependency (``pip install 'symmech[plot]'``) imported only when a
function is called; the backend is left to the user (tests use Agg).

Examples
--------
>>> import matplotlib
>>> matplotlib.use("Agg")
>>> import symmech as sm
>>> from symmech import plot
>>> d = sm.Distribution.from_cdf("1 - (1 - v)**2")
>>> woa = ("war of attrition", "v**2 - v**3/3")          # U0 = integral_0^v F
>>> fig = plot.payoffs([sm.equal_split(2), woa], d)
>>> [round(float(m.get_xdata()[0]), 6) for m in fig.axes[0].lines if m.get_gid() == "crossing"]
[0.633975]
"""

from __future__ import annotations

import math
from typing import Any, List, Sequence, Tuple

import numpy as np
import sympy as sp

from .distribution import Distribution
from .errors import InvalidParameter, SymmechError

__all__ = ["payoffs", "virtual_values", "distribution", "mechanism", "plot_range"]

#: quantile used to cut an unbounded support for drawing
TAIL = 0.995
_COLORS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b")


# ====================================================================== helpers
def _pyplot():
    try:
        import matplotlib.pyplot as plt
    except ImportError:  # pragma: no cover - depends on the installation
        raise SymmechError("plotting needs matplotlib: pip install 'symmech[plot]'") from None
    return plt


def _axes(ax: Any, figsize: Tuple[float, float] = (6.4, 4.2)):
    plt = _pyplot()
    if ax is None:
        fig, ax = plt.subplots(figsize=figsize)
    return ax.figure, ax


def _require(d: Any, what: str) -> Distribution:
    if not isinstance(d, Distribution):
        raise InvalidParameter(f"{what} needs a Distribution, got {type(d).__name__}")
    if not d.is_numeric:
        raise InvalidParameter(f"{what} needs numeric parameters; substitute values for "
                               f"{', '.join(p.name for p in d.params)} with d.subs(...)")
    return d


def values(expr: Any, var: sp.Symbol, xs: np.ndarray) -> np.ndarray:
    """``expr`` at the points ``xs`` as floats (NaN where undefined or not real).

    NumPy through ``lambdify`` when that works, else mpmath point by point (unevaluated
    integrals, special functions NumPy lacks).
    """
    expr = sp.sympify(expr)
    xs = np.asarray(xs, dtype=float)
    if not expr.has(sp.Integral):
        try:
            fn = sp.lambdify(var, expr, modules="numpy")
            with np.errstate(all="ignore"):
                ys = np.asarray(fn(xs), dtype=complex) * np.ones_like(xs)
            out = np.where(np.abs(ys.imag) <= 1e-12 * np.maximum(1.0, np.abs(ys.real)), ys.real, np.nan)
            if np.isfinite(out).sum() >= max(2, int(0.8 * xs.size)):
                return out.astype(float)
        except Exception:  # noqa: BLE001 - any lambdify failure falls back to mpmath
            pass
    import mpmath
    from .numeric import mp_callable
    f = mp_callable(expr, var)
    out = np.empty(xs.size)
    with mpmath.workdps(20):
        for k, x in enumerate(xs):
            try:
                y = f(mpmath.mpf(float(x)))
                out[k] = float(y.real) if abs(getattr(y, "imag", 0)) <= 1e-12 else math.nan
            except (ValueError, ZeroDivisionError, TypeError, OverflowError):
                out[k] = math.nan
    return out


def _numeric_cdf_inverse(d: Distribution, q: float, lo: float, hi: float) -> float:
    """``F^{-1}(q)`` by bisection on ``[lo, hi]`` (hi grown until ``F(hi) >= q``)."""
    import mpmath
    F = d.numeric_cdf()
    with mpmath.workdps(20):
        def Fv(x):
            return float(mpmath.re(F(mpmath.mpf(x))))
        if not math.isfinite(lo):
            lo = -1.0
            while Fv(lo) > 1 - q and lo > -1e12:
                lo *= 2
        if not math.isfinite(hi):
            hi = max(1.0, abs(lo) + 1.0)
            while Fv(hi) < q and hi < 1e12:
                hi *= 2
        a, b = lo, hi
        for _ in range(80):
            m = 0.5 * (a + b)
            if Fv(m) < q:
                a = m
            else:
                b = m
        return 0.5 * (a + b)


def plot_range(d: Distribution) -> Tuple[float, float]:
    """The support as floats; an infinite end is cut at the ``1 - TAIL`` or ``TAIL`` quantile.

    Examples
    --------
    >>> import symmech as sm
    >>> plot_range(sm.families.Uniform(0, 2))
    (0.0, 2.0)
    >>> round(plot_range(sm.families.Exponential(1))[1], 4)     # -log(1 - 0.995)
    5.2983
    """
    lo, hi = (sp.sympify(b) for b in d.support)
    a = float(lo) if lo.is_finite else -math.inf
    b = float(hi) if hi.is_finite else math.inf
    if not math.isfinite(a):
        a = _numeric_cdf_inverse(d, 1 - TAIL, a, b if math.isfinite(b) else math.inf)
    if not math.isfinite(b):
        b = _numeric_cdf_inverse(d, TAIL, a, math.inf)
    return a, b


def _grid(d: Distribution, points: int, inset: bool = False) -> np.ndarray:
    a, b = plot_range(d)
    xs = np.linspace(a, b, int(points))
    if inset:  # endpoints where 1/f or 1/(1-F) may be undefined
        eps = 1e-6 * (b - a)
        xs[0], xs[-1] = a + eps, b - eps
    return xs


def _payoff_and_name(m: Any, d: Distribution, k: int) -> Tuple[sp.Expr, str]:
    """Payoff ``U(v)`` (in ``d.var``) and a label for a mechanism-like object."""
    var = d.var
    if isinstance(m, tuple) and len(m) == 2 and isinstance(m[0], str):
        name, expr = m
        return _payoff_and_name(expr, d, k)[0], name
    if hasattr(m, "payoff"):
        U = sp.sympify(m.payoff)
        mv = getattr(m, "var", var)
        if mv != var:
            U = U.xreplace({mv: var})
        return U, getattr(m, "name", None) or f"mechanism {k + 1}"
    if isinstance(m, str):
        from .parsing import parse
        return parse(m, {var.name: var}), f"U = {m}"
    if isinstance(m, sp.Basic):
        return m, f"U = {m}"
    raise InvalidParameter(f"cannot draw a {type(m).__name__}: pass a mechanism, an equilibrium, an "
                           "expression U(v) or a (label, expression) pair")


def _comparable(m: Any, U: sp.Expr) -> Any:
    return U if isinstance(m, tuple) else m


# ====================================================================== payoffs
def payoffs(mechanisms: Sequence[Any], d: Distribution, ax: Any = None, *, points: int = 201,
            crossings: bool = True, shade: bool = True) -> Any:
    """Interim payoffs ``U(v)`` of several mechanisms, crossing points marked.

    Parameters
    ----------
    mechanisms : sequence
        :class:`~symmech.interim.InterimMechanism` objects, equilibria (``.payoff``),
        SymPy expressions or strings ``U(v)``, or ``(label, expression)`` pairs.
    d : Distribution
        Numeric; types range over its support.
    ax : matplotlib Axes, optional
    points : int
        Grid points per curve.
    crossings : bool
        Mark interior points where two payoffs cross, from
        :func:`symmech.mechanism.pareto_compare` (exact where SymPy isolates them); each marker
        is a one-point line with ``gid="crossing"``.
    shade : bool
        With two mechanisms, shade where the first is better (green) or worse (red).

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import symmech as sm
    >>> d = sm.families.Uniform(0, 1)
    >>> fig = payoffs([sm.equal_split(2), sm.war_of_attrition(d)], d)
    >>> labels = [ln.get_label() for ln in fig.axes[0].lines if ln.get_gid() == "payoff"]
    >>> len(labels), labels[0].split(":")[0]
    (2, 'equal split 1/2')
    """
    from .mechanism import pareto_compare
    d = _require(d, "payoffs")
    mechs = list(mechanisms)
    if not mechs:
        raise InvalidParameter("payoffs needs at least one mechanism")
    fig, ax = _axes(ax)
    V = d.var
    xs = _grid(d, points)
    curves = []
    for k, m in enumerate(mechs):
        U, name = _payoff_and_name(m, d, k)
        ys = values(U, V, xs)
        tex = sp.latex(U)
        label = f"{name}: $U = {tex}$" if len(tex) <= 40 and not U.has(sp.Piecewise, sp.Integral) else name
        (line,) = ax.plot(xs, ys, color=_COLORS[k % len(_COLORS)], lw=2, label=label)
        line.set_gid("payoff")
        curves.append((m, U, name, ys))
    if shade and len(curves) == 2:
        ya, yb = curves[0][3], curves[1][3]
        ok = np.isfinite(ya) & np.isfinite(yb)
        tol = 1e-12 * max(1.0, float(np.nanmax(np.abs(np.concatenate([ya, yb])))))
        for where, color, word in ((ok & (ya > yb + tol), "#2ca02c", "better"),
                                   (ok & (ya < yb - tol), "#d62728", "worse")):
            if where.any():
                ax.fill_between(xs, ya, yb, where=where, color=color, alpha=0.15, lw=0,
                                label=f"{curves[0][2]} {word}", gid=word)
    if crossings:
        for i in range(len(curves)):
            for j in range(i + 1, len(curves)):
                mi, Ui, ni, _ = curves[i]
                mj, Uj, nj, _ = curves[j]
                try:
                    points = pareto_compare(_comparable(mi, Ui), _comparable(mj, Uj), d).crossing_points or ()
                except (SymmechError, NotImplementedError, ValueError, TypeError):
                    # a decoration must not sink the figure: locate sign changes numerically
                    points = _numeric_crossings(Ui - Uj, V, xs, curves[i][3] - curves[j][3])
                for c in points:
                    cx = float(sp.N(c, 20))
                    cy = float(values(Ui, V, np.array([cx]))[0])
                    (mk,) = ax.plot([cx], [cy], "o", color="black", ms=7, zorder=5, label="_crossing")
                    mk.set_gid("crossing")
                    ax.annotate(f"v = {_short(c)}", (cx, cy), textcoords="offset points", xytext=(8, -14),
                                fontsize=9)
    ax.set_xlabel(f"value {V}")
    ax.set_ylabel(f"interim payoff U({V})")
    ax.set_title(f"Payoffs, {d.name or 'F = ' + str(d.cdf)}", fontsize=11)
    ax.legend(fontsize=9, loc="upper left")
    ax.grid(alpha=0.3)
    return fig


def _numeric_crossings(diff: sp.Expr, var: sp.Symbol, xs: np.ndarray, dy: np.ndarray) -> List[sp.Float]:
    """Interior sign changes of ``diff``: bracketed on the grid, refined by bisection (20 digits)."""
    import mpmath
    from .numeric import mp_callable
    f = mp_callable(diff, var)
    scale = max(1.0, float(np.nanmax(np.abs(dy)))) if np.isfinite(dy).any() else 1.0
    s = np.sign(np.where(np.abs(dy) <= 1e-13 * scale, 0.0, np.nan_to_num(dy)))
    out: List[sp.Float] = []
    for k in range(1, len(xs) - 1):
        if s[k] == 0 and s[k - 1] * s[k + 1] < 0:
            out.append(sp.Float(float(xs[k]), 15))
    for k in range(len(xs) - 1):
        if s[k] * s[k + 1] < 0:
            with mpmath.workdps(20):
                lo_, hi_ = mpmath.mpf(float(xs[k])), mpmath.mpf(float(xs[k + 1]))
                flo = mpmath.re(f(lo_))
                for _ in range(70):
                    mid = (lo_ + hi_) / 2
                    fm = mpmath.re(f(mid))
                    if fm * flo > 0:
                        lo_, flo = mid, fm
                    else:
                        hi_ = mid
                out.append(sp.Float(str((lo_ + hi_) / 2), 15))
    return sorted(out, key=float)


def _short(c: Any) -> str:
    c = sp.sympify(c)
    if c.is_Rational:
        return str(c)
    txt = str(c)
    num = f"{float(sp.N(c, 15)):.4g}"
    return f"{txt} = {num}" if len(txt) <= 18 and not isinstance(c, sp.Float) else num


# ====================================================================== virtual values
def virtual_values(d: Distribution, alpha: Any = 1, ax: Any = None, *, points: int = 301) -> Any:
    """The virtual value ``J_alpha`` and its ironed version, pooling intervals shaded.

    ``J_alpha(v) = alpha v + (1 - 2 alpha)(1 - F(v))/f(v)`` from
    :func:`symmech.virtual.virtual_value`; the ironed curve and intervals from
    :func:`symmech.virtual.ironed_virtual_value` (each interval an ``axvspan`` with
    ``gid="ironing"``). For ``alpha = 1`` the reserve price is a vertical line
    (``gid="reserve"``).

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import symmech as sm
    >>> fig = virtual_values(sm.Distribution.from_cdf("v**2"), alpha=0)   # pooled at 2/3
    >>> [round(float(y), 6) for y in next(l for l in fig.axes[0].lines if l.get_gid() == "ironed").get_ydata()[:2]]
    [0.666667, 0.666667]
    """
    from .virtual import ironed_virtual_value, reserve_price, virtual_value
    d = _require(d, "virtual_values")
    fig, ax = _axes(ax)
    V = d.var
    J = virtual_value(d, alpha)
    a = J.alpha
    xs = _grid(d, points, inset=True)
    ys = values(J.expr, V, xs)
    (line,) = ax.plot(xs, ys, color=_COLORS[0], lw=2, label=f"$J_{{{sp.latex(a)}}}(v)$")
    line.set_gid("virtual")
    ironed = None
    try:
        ironed = ironed_virtual_value(d, alpha)
    except SymmechError as exc:
        ax.text(0.02, 0.02, f"ironing not computed: {exc}"[:90], transform=ax.transAxes, fontsize=7)
    if ironed is not None and ironed.intervals:
        bar = ys.copy()
        for lo_, hi_, lev in ironed.intervals:
            lo_f, hi_f, lev_f = (float(sp.N(z, 20)) for z in (lo_, hi_, lev))
            inside = (xs >= lo_f) & (xs <= hi_f)
            bar[inside] = lev_f
            span = ax.axvspan(lo_f, hi_f, color="#ff7f0e", alpha=0.15, lw=0,
                              label="pooling (ironing)" if lo_ == ironed.intervals[0][0] else "_ironing")
            span.set_gid("ironing")
        (iline,) = ax.plot(xs, bar, "--", color="#ff7f0e", lw=2, label=rf"ironed $\bar J_{{{sp.latex(a)}}}(v)$")
        iline.set_gid("ironed")
    ax.axhline(0, color="grey", lw=0.8)
    if a == 1:
        try:
            r = reserve_price(d)
            if r.value is not None:
                rf = float(sp.N(r.value, 20))
                rl = ax.axvline(rf, color="black", ls=":", lw=1.5, label=f"reserve r = {_short(r.value)}")
                rl.set_gid("reserve")
        except (SymmechError, NotImplementedError):  # a decoration: never fail the whole figure
            pass
    finite = ys[np.isfinite(ys)]
    if finite.size:
        lo_y, hi_y = np.percentile(finite, [2, 98])
        pad = 0.15 * max(hi_y - lo_y, 1e-9)
        ax.set_ylim(min(lo_y, 0) - pad, max(hi_y, 0) + pad)
    ax.set_xlabel(f"value {V}")
    ax.set_ylabel("virtual value")
    ax.set_title(rf"Virtual value, $\alpha = {sp.latex(a)}$", fontsize=11)
    ax.legend(fontsize=9)
    ax.grid(alpha=0.3)
    return fig


# ====================================================================== distribution
def distribution(d: Distribution, ax: Any = None, *, points: int = 301, annotate: bool = True) -> Any:
    """Density ``f`` and demand ``1 - F``, with the shape verdicts of :func:`symmech.shape` on the plot.

    The annotation (a text artist with ``gid="shape"``) lists each property as holds /
    fails / undecided, with the method and the counterexample or condition.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import symmech as sm
    >>> fig = distribution(sm.families.Beta(2, 2))
    >>> print(next(t for t in fig.axes[0].texts if t.get_gid() == "shape").get_text().splitlines()[0])
    F convex (f' >= 0): fails at v = 3/4 [symbolic]
    """
    d = _require(d, "distribution")
    fig, ax = _axes(ax)
    V = d.var
    xs = _grid(d, points)
    f = values(d.pdf, V, xs)
    D = values(1 - sp.sympify(d.cdf), V, xs)
    (lf,) = ax.plot(xs, f, color=_COLORS[0], lw=2, label=f"density f({V})")
    lf.set_gid("density")
    (ld,) = ax.plot(xs, D, color=_COLORS[1], lw=2, label=f"demand 1 - F({V})")
    ld.set_gid("demand")
    if annotate:
        from .shape import SHAPE_PROPERTIES, shape
        rep = shape(d)
        lines = []
        for key, label, _ in SHAPE_PROPERTIES:
            vd = getattr(rep, key)
            word = {True: "holds", False: "fails", None: "undecided"}[vd.holds]
            extra = ""
            if vd.condition not in (None, sp.true, sp.false):
                extra = f" iff {vd.condition}"
            elif isinstance(vd.counterexample, dict) and vd.counterexample:
                k, val = next(iter(vd.counterexample.items()))
                extra = f" at {k} = {val}"
            lines.append(f"{label}: {word}{extra} [{vd.method}]")
        txt = ax.text(0.98, 0.98, "\n".join(lines), transform=ax.transAxes, ha="right", va="top", fontsize=7.5, multialignment="left",
                      family="monospace", bbox=dict(boxstyle="round", fc="white", ec="0.7", alpha=0.9))
        txt.set_gid("shape")
    ax.set_xlabel(f"value {V}")
    ax.set_title(f"{d.name or 'F = ' + str(d.cdf)}", fontsize=11)
    ax.legend(fontsize=9, loc="lower left")
    top = np.nanmax(np.concatenate([f[np.isfinite(f)], D[np.isfinite(D)], [1.0]]))
    ax.set_ylim(0, top * (1.75 if annotate else 1.08))  # headroom for the verdicts
    ax.grid(alpha=0.3)
    return fig


# ====================================================================== mechanisms
def _solutions(obj: Any) -> List[Any]:
    if hasattr(obj, "x") and hasattr(obj, "grid"):
        return [obj]
    if isinstance(obj, dict):
        return [obj[k] for k in sorted(obj)]
    for name in ("solutions", "sols"):
        if hasattr(obj, name):
            return list(getattr(obj, name))
    try:
        sols = list(obj)
    except TypeError:
        raise InvalidParameter(f"mechanism needs a solution or a sequence of solutions, got "
                               f"{type(obj).__name__}") from None
    if not sols or not all(hasattr(s, "x") and hasattr(s, "grid") for s in sols):
        raise InvalidParameter("mechanism needs MechanismSolution objects (sm.optimal_mechanism / optimal_bargaining)")
    return sorted(sols, key=lambda s: len(s.grid))


def _status_quo_curves(status_quo: Any, d: Distribution, xs: np.ndarray):
    """``(x0, t0, U0)`` of a status quo object at ``xs`` (None where unknown)."""
    V = d.var
    if status_quo is None:
        return None
    if hasattr(status_quo, "payoff"):
        mv = getattr(status_quo, "var", V)
        ren = (lambda e: sp.sympify(e).xreplace({mv: V})) if mv != V else sp.sympify
        U0 = values(ren(status_quo.payoff), V, xs)
        x0 = values(ren(status_quo.allocation), V, xs) if getattr(status_quo, "allocation", None) is not None else None
        t0 = values(ren(status_quo.payment), V, xs) if getattr(status_quo, "payment", None) is not None else None
        return x0, t0, U0
    U, _ = _payoff_and_name(status_quo, d, 0)
    return None, None, values(U, V, xs)


def mechanism(solutions: Any, status_quo: Any = None, axes: Any = None) -> Any:
    """Allocation ``x``, payment ``t`` and payoff ``U`` of LP solutions against the status quo.

    Parameters
    ----------
    solutions : MechanismSolution or sequence of them
        E.g. the solutions along a refinement (one line per grid, labelled ``n = ...``,
        ``gid`` ``"allocation"``, ``"payment"``, ``"payoff"``).
    status_quo : mechanism, equilibrium or expression, optional
        Drawn dashed (``gid="status_quo"``) from its formulas; by default the status quo
        stored in the finest solution (``U0``, ``x0`` at its types).
    axes : sequence of three Axes, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import symmech as sm
    >>> d = sm.families.Uniform(0, 1)
    >>> sols = [sm.optimal_mechanism(d, capacity=0.5, status_quo=sm.lottery(0.3), grid=n) for n in (20, 40)]
    >>> fig = mechanism(sols)
    >>> [ln.get_label() for ln in fig.axes[0].lines if ln.get_gid() == "allocation"]
    ['n = 20', 'n = 40']
    """
    sols = _solutions(solutions)
    plt = _pyplot()
    if axes is None:
        fig, axes = plt.subplots(1, 3, figsize=(12, 3.8))
    else:
        axes = list(axes)
        if len(axes) != 3:
            raise InvalidParameter(f"mechanism needs three axes (x, t, U), got {len(axes)}")
        fig = axes[0].figure
    names = (("x", "allocation", "allocation x(v)"), ("t", "payment", "payment t(v)"),
             ("U", "payoff", "payoff U(v)"))
    k_last = len(sols) - 1
    for k, s in enumerate(sols):
        v = np.asarray(s.grid, float)
        alpha = 0.35 + 0.65 * (k + 1) / len(sols)
        for ax, (attr, gid, _) in zip(axes, names):
            (ln,) = ax.plot(v, np.asarray(getattr(s, attr), float), drawstyle="steps-mid", lw=1.6,
                            color=_COLORS[0], alpha=alpha, label=f"n = {len(v)}")
            ln.set_gid(gid)
    finest = sols[k_last]
    d = getattr(finest, "distribution", None)
    sq_label = getattr(finest, "status_quo", None) or "status quo"
    if status_quo is not None and isinstance(d, Distribution):
        a, b = plot_range(d)
        xs = np.linspace(a, b, 301)
        curves = _status_quo_curves(status_quo, d, xs)
        sq_label = getattr(status_quo, "name", None) or sq_label
        for ax, arr in zip(axes, curves):
            if arr is not None:
                (ln,) = ax.plot(xs, arr, "--", color="black", lw=1.4, label=f"status quo: {sq_label}")
                ln.set_gid("status_quo")
    elif getattr(finest, "U0", None) is not None:
        v = np.asarray(finest.grid, float)
        U0 = np.asarray(finest.U0, float)
        x0 = None if getattr(finest, "x0", None) is None else np.asarray(finest.x0, float)
        t0 = None if x0 is None else v * x0 - U0
        for ax, arr in zip(axes, (x0, t0, U0)):
            if arr is not None:
                (ln,) = ax.plot(v, arr, "--", color="black", lw=1.4, label=f"status quo: {sq_label}")
                ln.set_gid("status_quo")
    for ax, (_, _, ylabel) in zip(axes, names):
        ax.set_xlabel("value v")
        ax.set_ylabel(ylabel)
        ax.grid(alpha=0.3)
    axes[0].set_ylim(-0.03, 1.05)
    axes[2].legend(fontsize=8, loc="upper left")
    prob = getattr(finest, "problem", "one-sided")
    fig.suptitle(f"Optimal {'bargaining ' if prob == 'bargaining' else ''}mechanism: objective "
                 f"{finest.objective:.6g} on n = {len(finest.grid)}", fontsize=11)
    fig.tight_layout()
    return fig
