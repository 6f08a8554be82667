"""The generalized war of attrition (Bulow and Klemperer 1999): N prizes, N + K players,
against the equal split N/(N + K)."""

import symmech as sm
from symmech import derive
from symmech.derivation import Document


def document() -> Document:
    u = sm.families.Uniform(0, 1)
    return Document("The generalized war of attrition against the equal split",
                    (derive.generalized_war_of_attrition(u, prizes=2, players=3),
                     derive.generalized_war_of_attrition(u, prizes=2, players=4),
                     derive.generalized_war_of_attrition(sm.families.Power(2), prizes=1, players=3)))
