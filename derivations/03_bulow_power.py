"""The Bulow theorem for F = v**k: f log-concave and F convex exactly when k >= 1, and the
split Pareto-improves on (and is optimal against) the war of attrition exactly when k >= 1."""

import symmech as sm
from symmech import derive
from symmech.derivation import Document


def document() -> Document:
    d = sm.families.Power("k")
    return Document("The Bulow theorem for Power(k)", (derive.shape(d), derive.bulow_puzzle(d)))
