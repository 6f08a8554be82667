"""Three-valued verdicts with certificates.

A :class:`Verdict` is what symmech answers to "does this property hold?": ``holds`` is
True (proved), False (refuted, usually with a counterexample) or None (undecided, with
the reason in ``certificate.reason``). Where the answer depends on symbolic parameters,
``condition`` is a SymPy Boolean over them and ``holds`` is None unless the condition is
identically true or false.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional, Tuple

import sympy as sp

__all__ = ["Certificate", "Verdict", "METHODS"]

#: the rungs of the decision ladder, in the order they are tried
METHODS = ("symbolic", "interval", "sampled")


@dataclass(frozen=True)
class Certificate:
    """Why a verdict was reached: the expression whose sign decided it and a reason."""

    expr: Any
    reason: str

    def to_dict(self) -> dict:
        return {"expr": None if self.expr is None else str(self.expr), "reason": self.reason}


@dataclass(frozen=True)
class Verdict:
    """The answer to a sign or shape question.

    Attributes
    ----------
    statement : str
        What was decided, e.g. ``"f'(v) >= 0 on [0, 1]"``.
    holds : bool or None
        True (proved), False (refuted) or None (undecided or parameter-dependent).
    condition : sympy Boolean or None
        Condition on the parameters under which the statement holds (``true``/``false``
        when there are no parameters or it does not depend on them); ``None`` when a
        parameter-dependent answer could not be determined (see ``notes`` for a
        sufficient condition, if one was found).
    method : str
        Rung of the ladder that answered: ``"symbolic"``, ``"interval"`` or ``"sampled"``.
    certificate : Certificate or None
    counterexample : dict or None
        A point where the statement fails, e.g. ``{"v": 3/4}`` (exact when possible),
        with parameter values when the failure depends on them; for an existence statement
        that holds, the witness.
    notes : tuple of str
        Fallbacks taken (budgets expired, rungs skipped) and other remarks.
    """

    statement: str
    holds: Optional[bool]
    condition: Any = sp.true
    method: str = "symbolic"
    certificate: Optional[Certificate] = None
    counterexample: Optional[Any] = None
    notes: Tuple[str, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        if self.holds not in (True, False, None):
            raise TypeError("Verdict.holds must be True, False or None")
        if self.method not in METHODS:
            raise ValueError(f"Verdict.method must be one of {METHODS}, got {self.method!r}")

    def __bool__(self) -> bool:
        raise TypeError("a Verdict is three-valued: test verdict.holds is True explicitly")

    def negated(self, statement: str) -> "Verdict":
        """The verdict for the complementary statement (holds and condition negated)."""
        holds = None if self.holds is None else (not self.holds)
        cond = None if self.condition is None else sp.Not(self.condition)
        return Verdict(statement, holds, cond, self.method, self.certificate, None, self.notes)

    def to_dict(self) -> dict:
        cx = self.counterexample
        if isinstance(cx, dict):
            cx = {str(k): str(v) for k, v in cx.items()}
        elif cx is not None:
            cx = str(cx)
        return {
            "statement": self.statement,
            "holds": self.holds,
            "condition": None if self.condition is None else str(self.condition),
            "method": self.method,
            "certificate": None if self.certificate is None else self.certificate.to_dict(),
            "counterexample": cx,
            "notes": list(self.notes),
        }

    def latex(self) -> str:
        word = {True: r"\text{holds}", False: r"\text{fails}", None: r"\text{undecided}"}[self.holds]
        cond = ""
        if self.condition is not None and self.condition not in (sp.true, sp.false):
            cond = r"\quad\text{iff } " + sp.latex(self.condition)
        return word + cond + r"\quad(\text{" + self.method + "})"

    def _repr_latex_(self) -> str:
        return "$" + self.latex() + "$"

    def __str__(self) -> str:
        word = {True: "holds", False: "fails", None: "undecided"}[self.holds]
        s = f"{self.statement}: {word} [{self.method}]"
        if self.condition is not None and self.condition not in (sp.true, sp.false):
            s += f" iff {self.condition}"
        if self.counterexample is not None:
            # for an existence statement that holds, the point is a witness, not a counterexample
            s += f"; {'witness' if self.holds is True else 'counterexample'} {self.counterexample}"
        return s
