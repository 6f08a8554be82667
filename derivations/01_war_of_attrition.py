"""War of attrition: the exit time from the first-order condition and the payoff from the
envelope theorem, for a general F and for uniform values (Krishna, Auction Theory, 2nd ed.,
sec. 3.2.3; Bulow and Klemperer 1999)."""

import symmech as sm
from symmech import derive
from symmech.derivation import Document


def document() -> Document:
    return Document("The war of attrition", (derive.war_of_attrition(derive.generic()),
                                             derive.war_of_attrition(sm.families.Uniform(0, 1))))
