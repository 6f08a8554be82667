"""F = 1 - (1 - v)**2 (strictly concave): the 50-50 split fails to Pareto-improve on the war of
attrition exactly for v > 3/2 - sqrt(3)/2."""

import symmech as sm
from symmech import derive
from symmech.derivation import Document


def document() -> Document:
    d = sm.Distribution.from_cdf(1 - (1 - sm.v)**2, support=(0, 1), name="$F = 1 - (1 - v)^2$")
    return Document("The Bulow puzzle for a concave F", (derive.bulow_puzzle(d),))
