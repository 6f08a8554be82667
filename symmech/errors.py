"""The exception hierarchy of symmech.

Every error symmech raises on bad input is a :class:`SymmechError` whose message is a
single line naming the rule that was broken and the offending value. Classes that signal
invalid input also derive from :class:`ValueError`, so ``except ValueError`` still works.
"""

from __future__ import annotations

__all__ = [
    "SymmechError",
    "ParseError",
    "InvalidDistribution",
    "InvalidParameter",
    "InfeasibleProblem",
    "BudgetExceeded",
]


class SymmechError(Exception):
    """Root of every error raised by symmech."""


class ParseError(SymmechError, ValueError):
    """User text is not a mathematical expression symmech accepts."""


class InvalidDistribution(SymmechError, ValueError):
    """A distribution breaks a rule: support order, F(lo)=0, F(hi)=1, f >= 0, mass 1."""


class InvalidParameter(SymmechError, ValueError):
    """An argument or a family parameter lies outside its domain."""


class InfeasibleProblem(SymmechError, ValueError):
    """A mechanism problem has no feasible point (or is unbounded); names the constraint."""


class BudgetExceeded(SymmechError):
    """An expensive symbolic step ran out of its time budget (caught internally)."""
