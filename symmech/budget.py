"""Time budgets for expensive SymPy calls.

SymPy's ``simplify``, ``integrate`` and ``solve`` can run for minutes. :func:`bounded`
runs a call under a wall-clock budget and returns ``(value, True)`` if it finished and
``(fallback, False)`` otherwise, so the caller can fall back and say so.

The budget is enforced with ``signal.setitimer`` (POSIX, main thread only). Budgets nest:
an inner budget never outlives the outer one. Off the main thread, or where SIGALRM does
not exist, the call runs unbounded and the result says so through :func:`enforceable`.
"""

from __future__ import annotations

import signal
import threading
import time
from contextlib import contextmanager
from typing import Any, Callable, Iterator, Tuple

from .errors import BudgetExceeded

__all__ = ["bounded", "time_budget", "enforceable", "DEFAULT_BUDGET"]

#: default seconds granted to one expensive symbolic step
DEFAULT_BUDGET = 5.0

_deadlines: list[float] = []


def enforceable() -> bool:
    """Whether budgets can be enforced in the current thread."""
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


def _on_alarm(signum, frame):  # pragma: no cover - timing dependent
    raise BudgetExceeded("time budget exceeded")


@contextmanager
def time_budget(seconds: float) -> Iterator[None]:
    """Raise :class:`BudgetExceeded` inside the block once ``seconds`` have passed.

    Examples
    --------
    >>> with time_budget(2.0):
    ...     x = sum(range(10))
    >>> x
    45
    """
    if not enforceable() or seconds is None:
        yield
        return
    now = time.monotonic()
    deadline = now + float(seconds)
    if _deadlines:
        deadline = min(deadline, _deadlines[-1])
    remaining = deadline - now
    if remaining <= 0:
        raise BudgetExceeded("time budget exceeded")
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    _deadlines.append(deadline)
    signal.setitimer(signal.ITIMER_REAL, remaining)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        _deadlines.pop()
        signal.signal(signal.SIGALRM, previous)
        if _deadlines:
            left = _deadlines[-1] - time.monotonic()
            # re-arm the outer budget (fire almost at once if it already expired)
            signal.setitimer(signal.ITIMER_REAL, max(left, 1e-4))


def bounded(fn: Callable[..., Any], *args: Any, seconds: float = DEFAULT_BUDGET,
            fallback: Any = None, **kwargs: Any) -> Tuple[Any, bool]:
    """Call ``fn(*args, **kwargs)`` under a time budget.

    Returns
    -------
    (value, finished)
        ``finished`` is False when the budget expired; ``value`` is then ``fallback``.

    Examples
    --------
    >>> import sympy as sp
    >>> x = sp.Symbol("x")
    >>> bounded(sp.integrate, x**2, x, seconds=5)
    (x**3/3, True)
    """
    try:
        with time_budget(seconds):
            return fn(*args, **kwargs), True
    except BudgetExceeded:
        return fallback, False
    except RecursionError:
        return fallback, False
