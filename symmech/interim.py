"""Interim (reduced-form) mechanisms, the common currency of status quos.

A direct mechanism in the one-sided model of the paper (Kang & Skrzypacz 2025) is given by
its interim allocation ``x(v)`` in [0, 1] and payment ``t(v)``; the payoff of type ``v`` is
``U(v) = v x(v) - t(v)``. Equilibria of games (war of attrition, auctions) reduce to the
same three functions, which is what lets any of them serve as a status quo for the
Pareto-improvement constraint ``U(v) >= U0(v)``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Tuple

import sympy as sp

__all__ = ["InterimMechanism"]


@dataclass(frozen=True)
class InterimMechanism:
    """Allocation, payment and payoff of a mechanism as functions of the type ``var``.

    Attributes
    ----------
    name : str
        Human-readable description, e.g. ``"posted price 1/2"``.
    var : sympy.Symbol
        The type (value) symbol the expressions are written in.
    allocation : sympy.Expr
        Interim probability ``x(v)`` of receiving the good (or share of the pie).
    payment : sympy.Expr
        Interim payment ``t(v)`` (money paid, or cost burnt, in value units).
    payoff : sympy.Expr
        Interim payoff ``U(v) = v x(v) - t(v)``.
    notes : tuple of str
        Provenance remarks.

    Examples
    --------
    >>> import sympy as sp
    >>> v = sp.Symbol("v", real=True)
    >>> m = InterimMechanism("lottery 1/3", v, sp.Rational(1, 3), sp.Integer(0), v/3)
    >>> m.payoff.subs(v, 1)
    1/3
    """

    name: str
    var: sp.Symbol
    allocation: Any
    payment: Any
    payoff: Any
    notes: Tuple[str, ...] = field(default_factory=tuple)

    def latex(self) -> str:
        return (r"x(v) = " + sp.latex(self.allocation) + r",\quad t(v) = " + sp.latex(self.payment)
                + r",\quad U(v) = " + sp.latex(self.payoff))

    def _repr_latex_(self) -> str:
        return "$" + self.latex() + "$"

    def to_dict(self) -> dict:
        return {"name": self.name, "allocation": str(self.allocation), "payment": str(self.payment),
                "payoff": str(self.payoff), "notes": list(self.notes)}
