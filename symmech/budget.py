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
#: seconds between repeated alarms once a budget has expired
_REPEAT = 0.05


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
    alarm = {signal.SIGALRM}
    # Bookkeeping runs with SIGALRM blocked, so an expiring budget cannot interrupt it
    # half-done and leave a stale deadline (or the default, process-killing handler) behind.
    signal.pthread_sigmask(signal.SIG_BLOCK, alarm)
    now = time.monotonic()
    deadline = now + float(seconds)
    if _deadlines:
        deadline = min(deadline, _deadlines[-1])
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    _deadlines.append(deadline)
    # periodic: an alarm swallowed somewhere (e.g. by a gc callback) is raised again shortly
    signal.setitimer(signal.ITIMER_REAL, max(deadline - now, 1e-4), _REPEAT)
    try:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, alarm)
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_BLOCK, alarm)
        signal.setitimer(signal.ITIMER_REAL, 0)
        if signal.SIGALRM in signal.sigpending():
            signal.sigwait(alarm)  # discard an alarm of this budget that fired too late to matter
        _deadlines.pop()
        if _deadlines:
            # re-arm the outer budget (fire almost at once if it already expired)
            signal.setitimer(signal.ITIMER_REAL, max(_deadlines[-1] - time.monotonic(), 1e-4), _REPEAT)
        else:
            signal.signal(signal.SIGALRM, previous)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, alarm)


def bounded(fn: Callable[..., Any], *args: Any, seconds: float = DEFAULT_BUDGET,
            fallback: Any = None, **kwargs: Any) -> Tuple[Any, bool]:
    """Call ``fn(*args, **kwargs)`` under a time budget.

    Returns
    -------
    (value, finished)
        ``finished`` is False when the budget expired, the recursion limit was hit, or SymPy
        raised ``NotImplementedError`` (it could not decide); ``value`` is then ``fallback``.

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
    except (RecursionError, NotImplementedError):
        # SymPy gives up with NotImplementedError where it cannot decide: treat as not finished
        return fallback, False
