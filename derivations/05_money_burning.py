"""Money burning (alpha = 0): consumer surplus through the envelope theorem, and Proposition 1
of Kang and Skrzypacz (2025) for F = v**2 (concave demand) against a posted-price status quo."""

import sympy as sp

import symmech as sm
from symmech import derive
from symmech.derivation import Document


def document() -> Document:
    d = sm.Distribution.from_cdf(sm.v**2, support=(0, 1), name="$F = v^2$")
    status_quo = sm.posted_price(d, quantity=sp.Rational(1, 5))
    check = sm.check(sm.propositions.PROP1, d, capacity=sp.Rational(3, 10), status_quo=status_quo, grids=None)
    return Document("Money burning and Proposition 1", (derive.money_burning(), derive.proposition(check)))
