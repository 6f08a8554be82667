"""Virtual values and the Myerson reserve price for three families (Myerson 1981)."""

import symmech as sm
from symmech import derive
from symmech.derivation import Document


def document() -> Document:
    families = (sm.families.Uniform(0, 1), sm.families.Exponential(1), sm.families.Beta(2, 2))
    return Document("Virtual values and the Myerson reserve", tuple(derive.virtual_values(d) for d in families))
