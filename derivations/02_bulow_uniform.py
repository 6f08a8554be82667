"""The Bulow puzzle for uniform values: the 50-50 split Pareto-improves on the war of
attrition, v/2 >= v**2/2 (Kang and Skrzypacz 2025)."""

import symmech as sm
from symmech import derive
from symmech.derivation import Document


def document() -> Document:
    return Document("The Bulow puzzle, uniform values", (derive.bulow_puzzle(sm.families.Uniform(0, 1)),))
