"""Time budgets: expiry falls back, completion returns the value, budgets nest."""

import time

import pytest
import sympy as sp

from symmech.budget import bounded, time_budget
from symmech.errors import BudgetExceeded


def _spin(seconds):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        pass
    return "finished"


def test_finishes_within_budget():
    x = sp.Symbol("x")
    assert bounded(sp.integrate, x**3, x, seconds=10) == (x**4 / 4, True)


def test_expiry_returns_fallback():
    value, finished = bounded(_spin, 5, seconds=0.2, fallback="fell back")
    assert (value, finished) == ("fell back", False)


def test_inner_budget_cannot_outlive_outer():
    start = time.monotonic()
    with pytest.raises(BudgetExceeded):
        with time_budget(0.3):
            bounded(_spin, 0.1, seconds=5)  # finishes: outer timer re-armed afterwards
            _spin(5)
    assert time.monotonic() - start < 2


def test_nested_inner_expiry_leaves_outer_running():
    with time_budget(5):
        value, finished = bounded(_spin, 3, seconds=0.1, fallback=None)
        assert not finished and value is None
        assert _spin(0.05) == "finished"


def test_many_tiny_budgets_leave_no_stale_state():
    from symmech import budget
    for _ in range(2000):
        bounded(_spin, 0.001, seconds=1e-6)
    assert budget._deadlines == []
    assert bounded(_spin, 0.01, seconds=5) == ("finished", True)


def test_swallowed_alarm_is_raised_again():
    # an exception raised where Python ignores it (here: a bare except) must not let the
    # budgeted call run unbounded: the alarm repeats until the block exits
    def stubborn():
        end = time.monotonic() + 5
        try:
            _spin(0.3)
        except BudgetExceeded:
            pass  # swallowed, as a gc callback would
        while time.monotonic() < end:
            pass
        return "ran to the end"

    start = time.monotonic()
    assert bounded(stubborn, seconds=0.1, fallback="stopped") == ("stopped", False)
    assert time.monotonic() - start < 2
