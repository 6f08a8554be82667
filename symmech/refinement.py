"""Grid refinement and Richardson extrapolation of discretised quantities.

A number computed on a grid of ``n`` types (an LP optimum, a threshold, a gain over a
status quo) approximates its continuum value with an error ``C n**(-p)`` (``p = 1`` for the
mechanism LPs, THEORY section 4). :func:`refine` evaluates it on ``n, 2n, 4n, ...``, estimates
the order ``p`` from consecutive differences, ``p = log(|e_n - e_2n| / |e_2n - e_4n|) / log 2``,
and extrapolates (Richardson 1911): ``limit = e_4n + (e_4n - e_2n) / (2**p - 1)``. When the
differences vanish, change sign or do not shrink, no order is claimed and the error is the
spread of the last values. The error estimate is deliberately conservative: the size of the
extrapolation step, or the change between the last two extrapolations if that is larger.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Callable, Optional, Sequence, Tuple

from .errors import InvalidParameter

__all__ = ["Refinement", "refine"]

#: observed orders outside this range are treated as noise, not convergence
_ORDER_RANGE = (0.25, 6.0)


@dataclass(frozen=True)
class Refinement:
    """A quantity along a grid refinement and its extrapolated continuum limit.

    Attributes
    ----------
    grids : tuple of int
    values : tuple of float
        The quantity on each grid.
    order : float or None
        Observed convergence order from the last three grids (None when not credible).
    limit : float
        Richardson-extrapolated limit (the last value when no order is credible).
    error : float
        Error estimate of ``limit``.
    orders : tuple
        Observed order for each consecutive triple of grids (None where not credible).
    method : str
        ``"richardson"``, ``"converged"`` (differences at rounding level), ``"spread"``
        (no credible order) or ``"assumed order"``.
    notes : tuple of str
    """

    grids: Tuple[int, ...]
    values: Tuple[float, ...]
    order: Optional[float]
    limit: float
    error: float
    orders: Tuple[Optional[float], ...] = ()
    method: str = "richardson"
    notes: Tuple[str, ...] = field(default_factory=tuple)

    def contains(self, value: float, factor: float = 1.0) -> bool:
        """Whether ``value`` lies within ``factor * error`` of the limit."""
        return abs(float(value) - self.limit) <= factor * self.error

    def to_dict(self) -> dict:
        return {"grids": list(self.grids), "values": list(self.values), "order": self.order,
                "limit": self.limit, "error": self.error, "orders": list(self.orders),
                "method": self.method, "notes": list(self.notes)}

    def __str__(self) -> str:
        seq = ", ".join(f"n={n}: {v:.8g}" for n, v in zip(self.grids, self.values))
        order = "none" if self.order is None else f"{self.order:.3g}"
        return f"{seq}; order {order}; limit {self.limit:.8g} +- {self.error:.2g} ({self.method})"


def _order(n1: float, n2: float, n3: float, d1: float, d2: float) -> Optional[float]:
    """Order p with (n1^-p - n2^-p) / (n2^-p - n3^-p) = d1 / d2 (equal ratios: closed form)."""
    if d1 == 0 or d2 == 0 or d1 * d2 < 0 or abs(d2) >= abs(d1):
        return None
    target = d1 / d2
    r1, r2 = n2 / n1, n3 / n2
    if abs(r1 - r2) < 1e-12 * r1:
        p = math.log(target) / math.log(r1)
    else:
        def g(p):
            return (n1 ** -p - n2 ** -p) / (n2 ** -p - n3 ** -p) - target
        lo, hi = _ORDER_RANGE
        if g(lo) * g(hi) > 0:
            return None
        for _ in range(200):
            mid = 0.5 * (lo + hi)
            if g(lo) * g(mid) <= 0:
                hi = mid
            else:
                lo = mid
        p = 0.5 * (lo + hi)
    return p if _ORDER_RANGE[0] <= p <= _ORDER_RANGE[1] else None


def _richardson(n2: float, n3: float, b: float, c: float, p: float) -> float:
    return c + (c - b) / ((n3 / n2) ** p - 1.0)


def _value(x: Any) -> float:
    if hasattr(x, "objective"):
        x = x.objective
    try:
        return float(x)
    except (TypeError, ValueError):
        raise InvalidParameter(f"refine needs fn(n) to return a number or an object with .objective, "
                               f"got {type(x).__name__}") from None


def refine(fn: Callable[[int], Any], grids: Sequence[int] = (50, 100, 200, 400), *,
           order: Optional[float] = None) -> Refinement:
    """Evaluate ``fn`` on refining grids and extrapolate to the continuum.

    Parameters
    ----------
    fn : callable
        ``fn(n)`` returns a number, or an object whose ``.objective`` is used (e.g. a
        :class:`~symmech.optimize.MechanismSolution`).
    grids : sequence of int
        Increasing grid sizes, typically doubling: ``(n, 2n, 4n, ...)``.
    order : float, optional
        Known convergence order; by default it is estimated from the last three values.

    Returns
    -------
    Refinement

    Examples
    --------
    >>> r = refine(lambda n: 2.0 + 3.0 / n, grids=(10, 20, 40, 80))
    >>> round(r.order, 6), round(r.limit, 9)
    (1.0, 2.0)
    >>> refine(lambda n: 0.5, grids=(10, 20, 40)).method
    'converged'
    """
    try:
        gs = tuple(int(g) for g in grids)
    except (TypeError, ValueError):
        raise InvalidParameter(f"grids must be a sequence of integers, got {grids!r}") from None
    if len(gs) < 2:
        raise InvalidParameter(f"refine needs at least 2 grids, got grids = {gs}")
    if any(g < 1 for g in gs) or any(b <= a for a, b in zip(gs, gs[1:])):
        raise InvalidParameter(f"grids must be positive and strictly increasing, got grids = {gs}")
    if order is not None and not (float(order) > 0):
        raise InvalidParameter(f"order must be positive, got order = {order}")
    vals = tuple(_value(fn(n)) for n in gs)
    if not all(math.isfinite(v) for v in vals):
        return Refinement(gs, vals, None, float("nan"), float("inf"), (), "spread",
                          ("a value is not finite: no limit",))
    scale = max(abs(v) for v in vals)
    tiny = 1e-12 * scale + 1e-15
    diffs = [b - a for a, b in zip(vals, vals[1:])]
    orders = tuple(_order(gs[k], gs[k + 1], gs[k + 2], diffs[k], diffs[k + 1]) for k in range(len(gs) - 2))
    last3 = vals[-3:]
    spread = max(last3) - min(last3)
    if all(abs(d) <= tiny for d in diffs[-2:]):
        return Refinement(gs, vals, None, vals[-1], max(spread, tiny), orders, "converged",
                          ("differences at rounding level",))
    if order is not None:
        p = float(order)
        lim = _richardson(gs[-2], gs[-1], vals[-2], vals[-1], p)
        return Refinement(gs, vals, p, lim, abs(lim - vals[-1]) + tiny, orders, "assumed order",
                          (f"order {p} assumed, not observed",))
    p = orders[-1] if orders else None
    if p is None:
        note = "fewer than 3 grids" if not orders else "differences do not shrink geometrically"
        return Refinement(gs, vals, None, vals[-1], max(spread, tiny), orders, "spread", (note,))
    lim = _richardson(gs[-2], gs[-1], vals[-2], vals[-1], p)
    err = abs(lim - vals[-1])
    notes = []
    if len(orders) >= 2 and orders[-2] is not None:
        prev = _richardson(gs[-3], gs[-2], vals[-3], vals[-2], orders[-2])
        err = max(err, abs(lim - prev))
    else:
        notes.append("single Richardson step: error is the size of the correction")
    return Refinement(gs, vals, p, lim, err + tiny, orders, "richardson", tuple(notes))
